package feed

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/parleyhq/parley/services/fetch/limit"
)

// BenchmarkGet304 is one conditional GET answered 304 on a connection the server closes, as
// most polls are; its allocations feed the garbage collector on every poll.
func BenchmarkGet304(b *testing.B) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		w.WriteHeader(http.StatusNotModified)
	}))
	srv.Config.SetKeepAlivesEnabled(false)
	srv.Start()
	defer srv.Close()
	c := NewClient(Options{UserAgent: "bench", Timeout: 10 * time.Second, Limiter: limit.New(64, 4, 0)})
	defer c.Close()
	req := Request{URL: srv.URL + "/feed", ETag: `"v1"`, Accept: AcceptFeed}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.Get(context.Background(), req)
		if err != nil || !resp.NotModified() {
			b.Fatalf("%+v, %v", resp, err)
		}
	}
}
