package fetch_test

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/services/fetch"
)

// testHub is a WebSub hub: it takes subscription requests, verifies them at the callback
// (asynchronously, as the spec has it) and distributes content to verified subscribers.
type testHub struct {
	*httptest.Server
	t *testing.T

	// grant, when set, is the lease the hub grants whatever was asked.
	grant string

	mu       sync.Mutex
	requests []url.Values
	verified map[string]subscriber // by callback
}

type subscriber struct {
	topic, callback, secret, lease string
}

func newTestHub(t *testing.T) *testHub {
	h := &testHub{t: t, verified: map[string]subscriber{}}
	h.Server = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.Close)
	return h
}

func (h *testHub) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.requests = append(h.requests, r.PostForm)
	h.mu.Unlock()
	s := subscriber{topic: r.PostForm.Get("hub.topic"), callback: r.PostForm.Get("hub.callback"),
		secret: r.PostForm.Get("hub.secret"), lease: r.PostForm.Get("hub.lease_seconds")}
	if h.grant != "" {
		s.lease = h.grant
	}
	w.WriteHeader(http.StatusAccepted)
	go h.verify(s)
}

func (h *testHub) verify(s subscriber) {
	challenge := rand.Text()
	q := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {s.topic}, "hub.challenge": {challenge}, "hub.lease_seconds": {s.lease}}
	resp, err := http.Get(s.callback + "?" + q.Encode())
	if err != nil {
		h.t.Logf("hub: verification: %v", err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 || string(body) != challenge {
		h.t.Logf("hub: verification refused: %d %q", resp.StatusCode, body)
		return
	}
	h.mu.Lock()
	h.verified[s.callback] = s
	h.mu.Unlock()
}

func (h *testHub) subscribers() []subscriber {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []subscriber
	for _, s := range h.verified {
		out = append(out, s)
	}
	return out
}

// distribute pushes body to every subscriber of topic, signed with its secret, or with
// forged when that is set. It returns the callbacks' status codes.
func (h *testHub) distribute(topic, body, forged string) []int {
	var codes []int
	for _, s := range h.subscribers() {
		if s.topic != topic {
			continue
		}
		secret := s.secret
		if forged != "" {
			secret = forged
		}
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(body))
		req, _ := http.NewRequest(http.MethodPost, s.callback, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/rss+xml")
		req.Header.Set("X-Hub-Signature", "sha256="+hex.EncodeToString(m.Sum(nil)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			h.t.Errorf("hub: distribute: %v", err)
			continue
		}
		_ = resp.Body.Close()
		codes = append(codes, resp.StatusCode)
	}
	return codes
}

// hubFeed is an RSS document advertising hub and self, with items of guid, link and title.
func hubFeed(hub, self string, items ...[3]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Gulf Desk</title><link>https://gulf.example.org/</link>
<atom:link rel="hub" href="%s"/><atom:link rel="self" href="%s"/>
`, hub, self)
	for _, it := range items {
		fmt.Fprintf(&b, "<item><guid>%s</guid><link>%s</link><title>%s</title><pubDate>Fri, 23 Jan 2026 09:00:00 GMT</pubDate></item>\n", it[0], it[1], it[2])
	}
	b.WriteString("</channel></rss>")
	return b.String()
}

func TestWebSubPushPublishesOnceAndPollingGoesOn(t *testing.T) {
	e := startNATS(t, t.TempDir())
	hub := newTestHub(t)
	mux := http.NewServeMux()
	callbackSrv := httptest.NewServer(mux)
	t.Cleanup(callbackSrv.Close)

	var (
		announced = [3]string{"abu-dhabi-1", "https://gulf.example.org/abu-dhabi-talks", "Trilateral talks open in Abu Dhabi on 23 January"}
		pushed    = [3]string{"abu-dhabi-2", "https://gulf.example.org/abu-dhabi-day-two", "Second day in Abu Dhabi: Umerov and Kostyukov meet with Witkoff"}
		forged    = [3]string{"abu-dhabi-forged", "https://gulf.example.org/forged", "Talks cancelled, says nobody"}
		polled    = [3]string{"abu-dhabi-3", "https://gulf.example.org/abu-dhabi-next", "Next round set for early February in Abu Dhabi"}
	)
	fs := newFeedServer(t, nil, "application/rss+xml")
	self := fs.URL + "/feed.xml"
	fs.set(func(fs *feedServer) { fs.body = []byte(hubFeed(hub.URL, self, announced)) })

	logs := newLogRecorder()
	c := baseConfig(e, fetch.Feed{URL: self, Interval: 300 * time.Millisecond})
	c.Logger = slogTo(logs)
	c.WebSubCallbackURL = callbackSrv.URL + "/"
	c.Mux = mux
	c.WebSubLease = time.Hour
	startRun(t, c)

	eventually(t, 10*time.Second, "the hub verified a subscription", func() bool { return len(hub.subscribers()) == 1 })
	sub := hub.subscribers()[0]
	if want := callbackSrv.URL + "/websub/" + fetch.FeedID(self); sub.callback != want {
		t.Errorf("callback = %q, want %q", sub.callback, want)
	}
	if sub.topic != self || sub.lease != "3600" || len(sub.secret) < 32 {
		t.Errorf("subscription = topic %q lease %q secret of %d bytes, want topic %q lease 3600 and a long secret", sub.topic, sub.lease, len(sub.secret), self)
	}
	eventually(t, 5*time.Second, "the polled item published", func() bool { return len(e.itemsOf(self)) == 1 })
	// Whoever reads parley_feeds must not be able to sign pushes.
	kv, err := e.bus.JS.KeyValue(context.Background(), fetch.BucketFeeds)
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := kv.Get(context.Background(), fetch.FeedID(self)); err != nil || strings.Contains(string(raw.Value()), sub.secret) {
		t.Errorf("parley_feeds holds the WebSub secret in plain text (or cannot be read: %v)", err)
	}

	steps := []struct {
		name    string
		item    [3]string
		forged  string
		publish bool
	}{
		{"a pushed item is published", pushed, "", true},
		{"the same push again publishes nothing", pushed, "", true},
		{"a push with a bad signature is ignored", forged, "not-the-secret", false},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			start := time.Now()
			codes := hub.distribute(self, hubFeed(hub.URL, self, s.item, announced), s.forged)
			if len(codes) != 1 || codes[0]/100 != 2 {
				t.Fatalf("callback answered %v, want one 2xx (the spec's answer even to a bad signature)", codes)
			}
			count := func() int {
				n := 0
				for _, it := range e.itemsOf(self) {
					if it.Guid == s.item[0] {
						n++
					}
				}
				return n
			}
			if s.publish {
				// The callback answers once the items are out, so no waiting is needed.
				if n := count(); n != 1 {
					t.Errorf("%s published %d times, want once", s.item[0], n)
				}
				if d := time.Since(start); d > 3*time.Second {
					t.Errorf("push took %s to publish", d)
				}
				return
			}
			if n := count(); n != 0 {
				t.Errorf("forged item published %d times", n)
			}
			if _, ok := logs.find(func(r logRecord) bool { return strings.Contains(r.Msg, "bad signature") }); !ok {
				t.Error("no log of the bad signature")
			}
		})
	}

	// Polling is the fallback: an item only in the feed, never pushed, still arrives.
	fs.set(func(fs *feedServer) { fs.body = []byte(hubFeed(hub.URL, self, polled, announced)) })
	eventually(t, 10*time.Second, "the polled item published", func() bool {
		for _, it := range e.itemsOf(self) {
			if it.Guid == polled[0] {
				return true
			}
		}
		return false
	})
	got := map[string]int{}
	for _, it := range e.itemsOf(self) {
		got[it.Guid]++
	}
	for _, guid := range []string{announced[0], pushed[0], polled[0]} {
		if got[guid] != 1 {
			t.Errorf("%s published %d times, want once (all: %v)", guid, got[guid], got)
		}
	}
	if got[forged[0]] != 0 {
		t.Errorf("forged item published")
	}
}

func TestWebSubVerification(t *testing.T) {
	e := startNATS(t, t.TempDir())
	hub := newTestHub(t)
	mux := http.NewServeMux()
	callbackSrv := httptest.NewServer(mux)
	t.Cleanup(callbackSrv.Close)
	fs := newFeedServer(t, nil, "application/rss+xml")
	self := fs.URL + "/feed.xml"
	fs.set(func(fs *feedServer) {
		fs.body = []byte(hubFeed(hub.URL, self, [3]string{"geneva-1", "https://gulf.example.org/geneva", "Geneva talks on 23 November"}))
	})
	const lease = 3 * time.Second
	c := baseConfig(e, fetch.Feed{URL: self, Interval: 300 * time.Millisecond})
	c.WebSubCallbackURL = callbackSrv.URL
	c.Mux = mux
	c.WebSubLease = lease
	startRun(t, c)
	eventually(t, 10*time.Second, "the hub verified a subscription", func() bool { return len(hub.subscribers()) == 1 })
	first := time.Now()

	callback := callbackSrv.URL + "/websub/" + fetch.FeedID(self)
	cases := []struct {
		name     string
		url      string
		mode     string
		topic    string
		code     int
		echoBack bool
	}{
		{"the subscribed topic is confirmed", callback, "subscribe", self, http.StatusOK, true},
		{"another topic is refused", callback, "subscribe", "https://elsewhere.example.org/feed", http.StatusNotFound, false},
		{"an unknown feed is refused", callbackSrv.URL + "/websub/nosuchfeed", "subscribe", self, http.StatusNotFound, false},
		{"unsubscribing a wanted topic is refused", callback, "unsubscribe", self, http.StatusNotFound, false},
		{"unsubscribing an unwanted topic is confirmed", callback, "unsubscribe", "https://elsewhere.example.org/feed", http.StatusOK, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			challenge := rand.Text()
			q := url.Values{"hub.mode": {tc.mode}, "hub.topic": {tc.topic}, "hub.challenge": {challenge}}
			resp, err := http.Get(tc.url + "?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.code {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.code)
			}
			if echoed := string(body) == challenge; echoed != tc.echoBack {
				t.Errorf("challenge echoed: %v, want %v (body %q)", echoed, tc.echoBack, body)
			}
		})
	}

	// The subscription is renewed before its lease ends, with the same secret, so pushes
	// signed during the renewal still verify.
	eventually(t, lease, "a renewal", func() bool {
		hub.mu.Lock()
		defer hub.mu.Unlock()
		return len(hub.requests) >= 2
	})
	if d := time.Since(first); d < lease/3 {
		t.Errorf("renewed after %s, too early for a %s lease", d, lease)
	}
	hub.mu.Lock()
	defer hub.mu.Unlock()
	if a, b := hub.requests[0].Get("hub.secret"), hub.requests[1].Get("hub.secret"); a != b {
		t.Errorf("renewal changed the secret")
	}
}

func TestWebSubRenewsBeforeAShorterGrantedLeaseEnds(t *testing.T) {
	e := startNATS(t, t.TempDir())
	hub := newTestHub(t)
	hub.grant = "3" // seconds, where a day was asked
	mux := http.NewServeMux()
	callbackSrv := httptest.NewServer(mux)
	t.Cleanup(callbackSrv.Close)
	fs := newFeedServer(t, nil, "application/rss+xml")
	self := fs.URL + "/feed.xml"
	fs.set(func(fs *feedServer) {
		fs.body = []byte(hubFeed(hub.URL, self, [3]string{"paris-1", "https://gulf.example.org/paris", "Paris meeting on 6 January"}))
	})
	c := baseConfig(e, fetch.Feed{URL: self, Interval: 300 * time.Millisecond})
	c.WebSubCallbackURL = callbackSrv.URL
	c.Mux = mux
	startRun(t, c)
	eventually(t, 10*time.Second, "the hub verified a subscription", func() bool { return len(hub.subscribers()) == 1 })
	eventually(t, 3*time.Second, "a renewal within the granted lease", func() bool {
		hub.mu.Lock()
		defer hub.mu.Unlock()
		return len(hub.requests) >= 2
	})
}
