package fault

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
)

// article is one story of testdata/: a title line, an RFC 3339 publication line, the body.
type article struct {
	slug      string
	title     string
	published time.Time
	body      []string
	startDate string // the round's first day, as the alert must carry it
}

func loadArticles(t *testing.T) []article {
	t.Helper()
	paths, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no articles in testdata: %v", err)
	}
	sort.Strings(paths)
	var out []article
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
		if len(lines) < 4 {
			t.Fatalf("%s: want title, date, start date and body lines", p)
		}
		pub, err := time.Parse(time.RFC3339, lines[1])
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		a := article{slug: strings.TrimSuffix(filepath.Base(p), ".txt"), title: lines[0], published: pub, startDate: lines[2]}
		for _, l := range lines[3:] {
			if l = strings.TrimSpace(l); l != "" {
				a.body = append(a.body, l)
			}
		}
		out = append(out, a)
	}
	return out
}

// feed serves an RSS feed of the articles released so far, the way an outlet adds stories.
type feed struct {
	articles []article
	released atomic.Int32
}

type rssItem struct {
	Title       string `xml:"title"`
	Link        string `xml:"link"`
	GUID        string `xml:"guid"`
	PubDate     string `xml:"pubDate"`
	Description string `xml:"description"`
}

func (f *feed) release(n int) { f.released.Store(int32(n)) }

func (f *feed) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	type channel struct {
		Title string    `xml:"title"`
		Link  string    `xml:"link"`
		Items []rssItem `xml:"item"`
	}
	type rss struct {
		XMLName xml.Name `xml:"rss"`
		Version string   `xml:"version,attr"`
		Channel channel  `xml:"channel"`
	}
	doc := rss{Version: "2.0", Channel: channel{Title: "Fault Gazette", Link: "https://gazette.example/"}}
	n := int(f.released.Load())
	for i := n - 1; i >= 0; i-- {
		a := f.articles[i]
		var b strings.Builder
		for _, p := range a.body {
			fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(p))
		}
		link := "https://gazette.example/world/" + a.slug
		doc.Channel.Items = append(doc.Channel.Items, rssItem{Title: a.title, Link: link, GUID: link,
			PubDate: a.published.Format(time.RFC1123Z), Description: b.String()})
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	_, _ = io.WriteString(w, xml.Header)
	_ = xml.NewEncoder(w).Encode(doc)
}

// receiver is a subscriber's webhook endpoint. While down it answers 503, as a receiver
// behind a load balancer with no healthy backend does.
type receiver struct {
	secret string
	down   atomic.Bool
	// delay is how long each POST takes to answer: a slow receiver.
	delay time.Duration

	mu       sync.Mutex
	byID     map[string]int
	alerts   map[string]*parleyv1.Alert
	rejected int
	bad      []string
}

func newReceiver(secret string) *receiver {
	return &receiver{secret: secret, byID: map[string]int{}, alerts: map[string]*parleyv1.Alert{}}
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	time.Sleep(r.delay)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.down.Load() {
		r.rejected++
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if err != nil {
		r.bad = append(r.bad, fmt.Sprintf("read body: %v", err))
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	mac := hmac.New(sha256.New, []byte(r.secret))
	mac.Write(body)
	if got, want := req.Header.Get("X-Parley-Signature"), "sha256="+hex.EncodeToString(mac.Sum(nil)); !hmac.Equal([]byte(got), []byte(want)) {
		r.bad = append(r.bad, fmt.Sprintf("bad signature %q", got))
	}
	a := &parleyv1.Alert{}
	if err := protojson.Unmarshal(body, a); err != nil {
		r.bad = append(r.bad, fmt.Sprintf("body is not an Alert: %v", err))
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.byID[a.GetId()]++
	r.alerts[a.GetId()] = a
	w.WriteHeader(http.StatusNoContent)
}

func (r *receiver) distinct() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.byID)
}

func (r *receiver) rejections() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rejected
}
