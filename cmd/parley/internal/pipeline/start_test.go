package pipeline_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/cmd/parley/internal/pipeline"
	"github.com/parleyhq/parley/platform/config"
)

// TestRunWithTenThousandFeedsPollsWithinTenSeconds starts `parley run`'s pipeline with
// 10,000 configured feeds on local servers answering 304 and asserts the first polls come
// within 10 s of the start, while the registry is still being seeded.
func TestRunWithTenThousandFeedsPollsWithinTenSeconds(t *testing.T) {
	const (
		feeds   = 10000
		servers = 10
		within  = 10 * time.Second
	)
	var first atomic.Int64 // unix nanoseconds of the first request
	handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		first.CompareAndSwap(0, time.Now().UnixNano())
		w.WriteHeader(http.StatusNotModified)
	})
	var hosts []string
	for range servers {
		s := httptest.NewServer(handler)
		t.Cleanup(s.Close)
		hosts = append(hosts, s.URL)
	}
	var yml strings.Builder
	fmt.Fprintf(&yml, "nats:\n  store_dir: %s\n  listen: 127.0.0.1:-1\nhttp:\n  listen: 127.0.0.1:0\nallow_private_addresses: true\nfeeds:\n", t.TempDir())
	for i := range feeds {
		fmt.Fprintf(&yml, "  - url: %s/talks/%d.xml\n    interval: 1h\n", hosts[i%servers], i)
	}
	f, err := config.Parse([]byte(yml.String()), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	p := startWith(t, pipeline.Config{File: f})
	deadline := start.Add(within)
	for first.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if first.Load() == 0 {
		t.Fatalf("no feed polled within %s of the start", within)
	}
	t.Logf("first poll %s after the start", time.Unix(0, first.Load()).Sub(start))
	if err := p.stop(); err != nil {
		t.Errorf("pipeline stopped with %v", err)
	}
}
