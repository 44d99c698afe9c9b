package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/cmd/parley/internal/demo"
)

// syncBuffer is a bytes.Buffer a running command writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type running struct {
	out, err *syncBuffer
	stop     func() int
}

// startCLI runs a long-lived command (parley run, notify) until the test ends, when it is
// stopped as Ctrl-C would and must exit 0.
func startCLI(t *testing.T, args ...string) running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := running{out: &syncBuffer{}, err: &syncBuffer{}}
	done := make(chan int, 1)
	go func() { done <- dispatch(ctx, args, stdio{in: strings.NewReader(""), out: r.out, err: r.err}) }()
	var once sync.Once
	code := 0
	r.stop = func() int {
		once.Do(func() { cancel(); code = <-done })
		return code
	}
	t.Cleanup(func() {
		if code := r.stop(); code != 0 {
			t.Errorf("parley %s exited %d:\n%s", strings.Join(args, " "), code, r.err.String())
		}
	})
	return r
}

// demoFeeds serves the bundled demo stories, all at once, and returns the config's feeds
// lines for them.
func demoFeeds(t *testing.T) string {
	t.Helper()
	stories, err := demo.Stories()
	if err != nil {
		t.Fatal(err)
	}
	feeds := demo.NewServer(stories, 0)
	srv := httptest.NewServer(feeds)
	t.Cleanup(srv.Close)
	var b strings.Builder
	for _, o := range feeds.Outlets() {
		fmt.Fprintf(&b, "  - {url: %s/%s/rss.xml, name: %q, interval: 1s}\n", srv.URL, demo.Slug(o), o)
	}
	return b.String()
}

// freeAddr is a loopback address nothing listens on: the commands under test take their
// listen addresses from config, as a user's would.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
