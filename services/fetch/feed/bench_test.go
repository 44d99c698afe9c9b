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

// BenchmarkParse is the parse of a changed poll's body: one item, as most changes bring.
func BenchmarkParse(b *testing.B) {
	body := []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Busy desk</title><link>https://example.org/</link>
<item><guid>busy-20-1</guid><link>https://example.org/busy/20/1</link><title>Delegations meet again in Abu Dhabi</title><pubDate>Tue, 17 Feb 2026 08:00:00 GMT</pubDate></item>
</channel></rss>`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(body, "application/rss+xml"); err != nil {
			b.Fatal(err)
		}
	}
}
