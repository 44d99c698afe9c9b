package fetch_test

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/bustest"
	"github.com/parleyhq/parley/platform/natsembed"
	"github.com/parleyhq/parley/platform/seal"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/fetch"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/proto"
)

// natsEnv is an embedded NATS server with Parley's streams and a core subscription that sees
// every publish on parley.items.>, including ones JetStream would drop as duplicates: that
// is what lets the tests say "published once", not merely "stored once".
type natsEnv struct {
	t   *testing.T
	dir string
	srv *server.Server
	nc  *nats.Conn
	bus *bus.Bus

	mu   sync.Mutex
	msgs []*nats.Msg
}

func startNATS(t *testing.T, dir string) *natsEnv {
	t.Helper()
	s, err := natsembed.Start(natsembed.Config{StoreDir: dir, Listen: "127.0.0.1:-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &natsEnv{t: t, dir: dir, srv: s}
	e.nc, err = nats.Connect(s.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	e.bus, err = bus.New(e.nc, 1)
	if err != nil {
		t.Fatal(err)
	}
	if e.bus.Secrets, err = seal.Parse(bustest.Key); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.bus.EnsureStreams(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.nc.Subscribe(bus.SubjectItems+".>", func(m *nats.Msg) {
		e.mu.Lock()
		e.msgs = append(e.msgs, m)
		e.mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.nc.Flush(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.stop)
	return e
}

func (e *natsEnv) stop() {
	if e.nc != nil {
		e.nc.Close()
	}
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
}

// received returns the published messages so far.
func (e *natsEnv) received() []*nats.Msg {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*nats.Msg(nil), e.msgs...)
}

func (e *natsEnv) items() []*parleyv1.FeedItem {
	var out []*parleyv1.FeedItem
	for _, m := range e.received() {
		it := &parleyv1.FeedItem{}
		if err := proto.Unmarshal(m.Data, it); err != nil {
			e.t.Errorf("message on %s is not a FeedItem: %v", m.Subject, err)
			continue
		}
		out = append(out, it)
	}
	return out
}

func (e *natsEnv) itemsOf(feedURL string) []*parleyv1.FeedItem {
	var out []*parleyv1.FeedItem
	for _, it := range e.items() {
		if it.FeedUrl == feedURL {
			out = append(out, it)
		}
	}
	return out
}

func (e *natsEnv) state(feedURL string) fetch.State {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	kv, err := e.bus.JS.KeyValue(ctx, fetch.BucketFeeds)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return fetch.State{}
	}
	if err != nil {
		e.t.Fatal(err)
	}
	st, _, err := fetch.LoadState(ctx, kv, feedURL)
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

func (e *natsEnv) stateRevision(feedURL string) uint64 {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	kv, err := e.bus.JS.KeyValue(ctx, fetch.BucketFeeds)
	if err != nil {
		e.t.Fatal(err)
	}
	entry, err := kv.Get(ctx, fetch.FeedID(feedURL))
	if err != nil {
		e.t.Fatal(err)
	}
	return entry.Revision()
}

func (e *natsEnv) streamMsgs() uint64 {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := e.bus.JS.Stream(ctx, bus.StreamItems)
	if err != nil {
		e.t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return info.State.Msgs
}

// startRun runs fetch.Run in the background; the returned stop cancels it and checks that it
// returned nil. stop is also registered as a cleanup, and is safe to call twice.
func startRun(t *testing.T, c fetch.Config) (stop func()) {
	t.Helper()
	return bustest.Serve(t, func(ctx context.Context) error { return fetch.Run(ctx, c) })
}

// eventually polls cond until it holds or the time is up.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	// The conditions hold within milliseconds on an idle machine; CI runs every package at
	// once on two cores, so no wait is shorter than a minute. Passing costs nothing extra.
	timeout = max(timeout, time.Minute)
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for: %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// feedServer serves one feed document and counts what it is asked.
type feedServer struct {
	*httptest.Server

	mu          sync.Mutex
	body        []byte
	contentType string
	status      int
	etag        string
	lastMod     string
	gzip        bool
	retryAfter  string
	stamp       bool     // make every body differ, like a feed with a fresh lastBuildDate
	conditional []string // If-None-Match of each request

	hits        atomic.Int64
	notModified atomic.Int64
}

func testdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newFeedServer(t *testing.T, body []byte, contentType string) *feedServer {
	t.Helper()
	fs := &feedServer{body: body, contentType: contentType, status: http.StatusOK}
	fs.Server = httptest.NewServer(http.HandlerFunc(fs.serve))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *feedServer) set(f func(fs *feedServer)) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f(fs)
}

func (fs *feedServer) serve(w http.ResponseWriter, r *http.Request) {
	fs.hits.Add(1)
	fs.mu.Lock()
	fs.conditional = append(fs.conditional, r.Header.Get("If-None-Match"))
	body, ct, status, etag, lastMod, gz, ra := fs.body, fs.contentType, fs.status, fs.etag, fs.lastMod, fs.gzip, fs.retryAfter
	if fs.stamp {
		body = fmt.Appendf(append([]byte(nil), body...), "<!-- request %d -->\n", len(fs.conditional))
	}
	fs.mu.Unlock()

	if ra != "" {
		w.Header().Set("Retry-After", ra)
	}
	if status != http.StatusOK {
		http.Error(w, http.StatusText(status), status)
		return
	}
	if etag != "" {
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			fs.notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if lastMod != "" {
		w.Header().Set("Last-Modified", lastMod)
		if etag == "" && r.Header.Get("If-Modified-Since") == lastMod {
			fs.notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	if gz && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		_, _ = zw.Write(body)
		_ = zw.Close()
		return
	}
	_, _ = w.Write(body)
}

func (fs *feedServer) requests() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]string(nil), fs.conditional...)
}

// hangingServer accepts requests and never answers them.
func hangingServer(t *testing.T) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() {
		close(release)
		s.Close()
	})
	return s
}

// logRecorder keeps every log record, with the attributes of its logger, for assertions.
type logRecorder struct {
	mu   *sync.Mutex
	recs *[]logRecord
	with []slog.Attr
}

type logRecord struct {
	Level slog.Level
	Msg   string
	Attrs map[string]string
}

func newLogRecorder() *logRecorder {
	return &logRecorder{mu: &sync.Mutex{}, recs: &[]logRecord{}}
}

func (h *logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (h *logRecorder) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{Level: r.Level, Msg: r.Message, Attrs: map[string]string{}}
	for _, a := range h.with {
		rec.Attrs[a.Key] = a.Value.String()
	}
	r.Attrs(func(a slog.Attr) bool {
		rec.Attrs[a.Key] = a.Value.String()
		return true
	})
	h.mu.Lock()
	*h.recs = append(*h.recs, rec)
	h.mu.Unlock()
	return nil
}

func (h *logRecorder) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.with = append(append([]slog.Attr(nil), h.with...), as...)
	return &c
}

func (h *logRecorder) WithGroup(string) slog.Handler { return h }

func (h *logRecorder) find(pred func(logRecord) bool) (logRecord, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range *h.recs {
		if pred(r) {
			return r, true
		}
	}
	return logRecord{}, false
}

// metric returns the value of a counter, gauge or histogram count in reg, 0 when absent.
func metric(t *testing.T, reg *prometheus.Registry, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, lp := range m.GetLabel() {
					if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
						found = true
					}
				}
				if !found {
					continue next
				}
			}
			switch {
			case m.GetCounter() != nil:
				return m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				return m.GetGauge().GetValue()
			case m.GetHistogram() != nil:
				return float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return 0
}

func newMuxServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

func slogTo(h slog.Handler) *slog.Logger { return slog.New(h) }

func slogDiscard() *slog.Logger { return slog.New(slog.DiscardHandler) }
