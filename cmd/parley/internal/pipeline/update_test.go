package pipeline_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/cmd/parley/internal/demo"
	"github.com/parleyhq/parley/platform/config"
)

// A live story updated under the same link (its GUID) from "talks began" to "talks ended"
// moves the round from under way to held: the update is fetched, parsed and alerted once, and
// polls of an unchanged story alert nothing.
func TestUpdatedStoryMovesTheRound(t *testing.T) {
	live := demo.Story{
		Outlet: "Lakeside Ledger", Title: "Talks in Geneva", Link: "https://ledger.example/world/geneva-live",
		Published: time.Date(2026, 2, 17, 15, 0, 0, 0, time.UTC),
		Body: "Delegations of Russia, Ukraine and the United States began talks in Geneva on Tuesday, " +
			"officials said. The meetings are being held at a lakeside hotel.",
	}
	var (
		mu   sync.Mutex
		body []byte
	)
	serve := func(st demo.Story) {
		b, err := demo.RSS("Lakeside Ledger", "https://ledger.example", []demo.Story{st})
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		body = b
		mu.Unlock()
	}
	serve(live)
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		_, _ = w.Write(body)
	}))
	t.Cleanup(feed.Close)
	rec := &receiver{t: t}
	hook := httptest.NewServer(rec)
	t.Cleanup(hook.Close)

	f, err := config.Parse([]byte(fmt.Sprintf(`
nats: {store_dir: %s, listen: "127.0.0.1:-1"}
http: {listen: "127.0.0.1:0"}
allow_private_addresses: true
feeds: [{url: %q, interval: 1s}]
subscriptions: [{name: desk, target: %q, secret: %q}]
`, t.TempDir(), feed.URL+"/rss.xml", hook.URL+"/hook", secret)), nil)
	if err != nil {
		t.Fatal(err)
	}
	p := start(t, f)
	defer func() {
		if err := p.stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	kinds := func() string {
		got, _ := rec.snapshot()
		s := ""
		for _, a := range got {
			s += fmt.Sprintf("%s:%s ", a.GetKind(), a.GetRound().GetStatus())
		}
		return s
	}
	waitFor(t, "the round under way", 60*time.Second, func() bool { return kinds() == "new_round:STATUS_UNDERWAY " })
	polls := metric(t, p.addrs.HTTP, "parley_fetch_polls_total", "")
	waitFor(t, "three more polls", 60*time.Second, func() bool {
		return metric(t, p.addrs.HTTP, "parley_fetch_polls_total", "") >= polls+3
	})

	live.Title = "UPDATE 2: Talks in Geneva end"
	live.Body = "Delegations of Russia, Ukraine and the United States ended their talks in Geneva on Tuesday " +
		"evening, officials said. The meetings were held at a lakeside hotel."
	serve(live)
	want := "new_round:STATUS_UNDERWAY round_updated:STATUS_HELD "
	waitFor(t, "the round held", 60*time.Second, func() bool { return kinds() == want })
	polls = metric(t, p.addrs.HTTP, "parley_fetch_polls_total", "")
	waitFor(t, "three more polls", 60*time.Second, func() bool {
		return metric(t, p.addrs.HTTP, "parley_fetch_polls_total", "") >= polls+3
	})
	if got := kinds(); got != want {
		t.Errorf("alerts %q, want %q", got, want)
	}
	if _, bad := rec.snapshot(); len(bad) > 0 {
		t.Errorf("receiver: %v", bad)
	}
}
