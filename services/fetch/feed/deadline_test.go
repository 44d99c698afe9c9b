package feed

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A Deadline shared by one goroutine's requests times out the slow one, as a context of its
// own would, and the next request is not cut short by it, nor by the context it cancelled.
func TestGetDeadline(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	mux.HandleFunc("/fast", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := newClient(Options{Timeout: 100 * time.Millisecond})
	defer c.Close()
	var d Deadline
	defer d.Close()
	ctx := context.Background()

	for i := range 3 {
		if r, err := c.Get(ctx, Request{URL: srv.URL + "/fast", Deadline: &d}); err != nil || string(r.Body) != "ok" {
			t.Fatalf("fast %d: %+v, %v", i, r, err)
		}
	}
	start := time.Now()
	_, err := c.Get(ctx, Request{URL: srv.URL + "/slow", Deadline: &d})
	if te := (*TimeoutError)(nil); !errors.As(err, &te) {
		t.Fatalf("slow: err = %v, want the timeout", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("slow: took %s for a 100ms timeout", took)
	}
	// The timers of the fast requests fired long ago, if at all: they cancel nothing now.
	time.Sleep(150 * time.Millisecond)
	if r, err := c.Get(ctx, Request{URL: srv.URL + "/fast", Deadline: &d}); err != nil || string(r.Body) != "ok" {
		t.Fatalf("fast after the timeout: %+v, %v", r, err)
	}
	// Under another parent, the request's context is that parent's.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.Get(cancelled, Request{URL: srv.URL + "/fast", Deadline: &d}); !errors.Is(err, context.Canceled) {
		t.Errorf("under a cancelled context: err = %v", err)
	}
	if r, err := c.Get(ctx, Request{URL: srv.URL + "/fast", Deadline: &d}); err != nil || string(r.Body) != "ok" {
		t.Fatalf("back under the first context: %+v, %v", r, err)
	}
}
