package fetch_test

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/services/fetch"
	"github.com/prometheus/client_golang/prometheus"
)

const interval = 200 * time.Millisecond

func baseConfig(e *natsEnv, feeds ...fetch.Feed) fetch.Config {
	return fetch.Config{
		Bus:                   e.bus,
		Feeds:                 feeds,
		Logger:                slogDiscard(),
		Timeout:               5 * time.Second,
		AllowPrivateAddresses: true, // httptest servers live on 127.0.0.1
		HostRate:              -1,   // many feeds share one httptest server
		MemberTTL:             2 * time.Second,
	}
}

func TestPublishesNewItemsOnceOldestFirst(t *testing.T) {
	e := startNATS(t, t.TempDir())
	rss := newFeedServer(t, testdata(t, "rss.xml"), "application/rss+xml")
	rss.set(func(fs *feedServer) { fs.stamp = true }) // re-polls parse the feed and consult the seen bucket
	atom := newFeedServer(t, testdata(t, "atom.xml"), "application/atom+xml; charset=utf-8")
	reg := prometheus.NewRegistry()
	c := baseConfig(e, fetch.Feed{URL: rss.URL + "/rss", Interval: interval}, fetch.Feed{URL: atom.URL + "/atom", Name: "Agence", Interval: interval})
	c.Registerer = reg
	start := time.Now()
	stop := startRun(t, c)

	eventually(t, 10*time.Second, "5 items", func() bool { return len(e.items()) >= 5 })
	eventually(t, 10*time.Second, "feeds re-polled twice more", func() bool {
		return rss.hits.Load() >= 3 && atom.hits.Load() >= 3
	})
	if got := metric(t, reg, "parley_fetch_feeds"); got != 2 {
		t.Errorf("parley_fetch_feeds = %v while running, want 2", got)
	}
	stop()

	if n := len(e.received()); n != 5 {
		t.Fatalf("published %d messages, want 5 (each item once)", n)
	}
	if n := e.streamMsgs(); n != 5 {
		t.Errorf("stream holds %d messages, want 5", n)
	}

	// RSS: oldest first, fields as the feed has them.
	items := e.itemsOf(rss.URL + "/rss")
	var titles []string
	for _, it := range items {
		titles = append(titles, it.Title)
	}
	want := []string{"Envoys to meet next week", "Mediators propose new venue", "Third round of talks opens in Istanbul"}
	if !slices.Equal(titles, want) {
		t.Fatalf("rss titles in publish order = %q, want %q", titles, want)
	}
	third := items[2]
	if third.Source != "Wire Service World" || third.Guid != "wire-0003" || third.Language != "en" {
		t.Errorf("source/guid/language = %q/%q/%q", third.Source, third.Guid, third.Language)
	}
	if third.Summary != "Delegations met at the Dolmabahce palace." || !strings.Contains(third.Content, "<b>both sides</b>") {
		t.Errorf("summary %q, content %q", third.Summary, third.Content)
	}
	if !slices.Equal(third.Categories, []string{"Diplomacy", "Europe"}) {
		t.Errorf("categories = %q", third.Categories)
	}
	if got := third.Published.AsTime(); !got.Equal(time.Date(2025, 5, 14, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("published = %v", got)
	}
	if fa := third.FetchedAt.AsTime(); fa.Before(start) || fa.After(time.Now()) {
		t.Errorf("fetched_at = %v, not during the test", fa)
	}
	if items[1].Url != rss.URL+"/world/new-venue" {
		t.Errorf("relative link resolved to %q", items[1].Url)
	}
	// No GUID: identity falls back to the link.
	if items[0].Guid != "" || len(items[0].Id) != 32 {
		t.Errorf("guid-less item: guid %q id %q", items[0].Guid, items[0].Id)
	}

	feedID := fetch.FeedID(rss.URL + "/rss")
	for _, m := range e.received() {
		if !strings.HasPrefix(m.Subject, bus.SubjectItems+".") {
			t.Errorf("subject %q", m.Subject)
		}
		if _, err := time.Parse(time.RFC3339Nano, m.Header.Get(bus.HeaderFetchedAt)); err != nil {
			t.Errorf("%s header: %v", bus.HeaderFetchedAt, err)
		}
	}
	for _, m := range e.received() {
		if m.Subject == bus.SubjectItems+"."+feedID && m.Header.Get("Nats-Msg-Id") == "" {
			t.Errorf("no Nats-Msg-Id on %s", m.Subject)
		}
	}
	for _, it := range items {
		if it.FeedId != feedID || len(feedID) != 16 {
			t.Errorf("feed id %q, want %q", it.FeedId, feedID)
		}
	}

	// Atom: configured name wins, summary and content kept apart, updated stands in for a
	// missing published date.
	aitems := e.itemsOf(atom.URL + "/atom")
	if len(aitems) != 2 {
		t.Fatalf("atom items = %d", len(aitems))
	}
	if aitems[0].Title != "Annonce d'un cycle de pourparlers" || aitems[1].Title != "Reprise des négociations à Genève" {
		t.Errorf("atom order: %q, %q", aitems[0].Title, aitems[1].Title)
	}
	if aitems[1].Source != "Agence" || aitems[1].Summary != "Les délégations se retrouvent lundi." ||
		aitems[1].Content != "<p>Les délégations se retrouvent <em>lundi</em>.</p>" || aitems[1].Language != "fr" {
		t.Errorf("atom entry: %+v", aitems[1])
	}
	if got := aitems[1].Published.AsTime(); !got.Equal(time.Date(2025, 5, 14, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("atom published (from updated) = %v", got)
	}

	if got := metric(t, reg, "parley_fetch_items_published_total"); got != 5 {
		t.Errorf("items_published_total = %v, want 5", got)
	}
	if got := metric(t, reg, "parley_fetch_polls_total", "result", "ok"); got < 3 {
		t.Errorf("polls ok = %v, want >= 3", got)
	}
	// The Atom server sends the same bytes every time and no validators: recognised by hash.
	if got := metric(t, reg, "parley_fetch_polls_total", "result", "not_modified"); got < 1 {
		t.Errorf("polls not_modified = %v, want >= 1", got)
	}
	if got := metric(t, reg, "parley_fetch_poll_duration_seconds"); got < 4 {
		t.Errorf("poll duration observations = %v", got)
	}
	if got := metric(t, reg, "parley_fetch_feeds"); got != 0 {
		t.Errorf("parley_fetch_feeds = %v after Run returned, want 0", got)
	}
	st := e.state(rss.URL + "/rss")
	if st.LastResult != fetch.ResultOK || st.Items != 3 || st.Published != 3 || st.Failures != 0 || st.NextPoll.IsZero() {
		t.Errorf("state = %+v", st)
	}
}

func TestRestartWithSameStorePublishesNothingAgain(t *testing.T) {
	dir := t.TempDir()
	e := startNATS(t, dir)
	// No validators and a body that changes every time: every poll parses the full feed, so
	// only the seen bucket stands between a restart and duplicates.
	srv := newFeedServer(t, testdata(t, "rss.xml"), "application/rss+xml")
	srv.set(func(fs *feedServer) { fs.stamp = true })
	f := fetch.Feed{URL: srv.URL + "/feed", Interval: interval}
	stop := startRun(t, baseConfig(e, f))
	eventually(t, 10*time.Second, "3 items", func() bool { return len(e.items()) == 3 })
	stop()
	e.stop()

	e2 := startNATS(t, dir)
	before := srv.hits.Load()
	startRun(t, baseConfig(e2, f))
	eventually(t, 10*time.Second, "two polls after restart", func() bool { return srv.hits.Load() >= before+2 })
	if n := len(e2.received()); n != 0 {
		t.Fatalf("after restart %d items were published again", n)
	}
	if n := e2.streamMsgs(); n != 3 {
		t.Errorf("stream holds %d messages after restart, want 3", n)
	}
}

func TestConditionalGetSurvivesRestart(t *testing.T) {
	e := startNATS(t, t.TempDir())
	srv := newFeedServer(t, testdata(t, "rss.xml"), "application/rss+xml")
	srv.set(func(fs *feedServer) {
		fs.etag = `"v1"`
		fs.lastMod = "Wed, 14 May 2025 10:00:00 GMT"
	})
	reg := prometheus.NewRegistry()
	c := baseConfig(e, fetch.Feed{URL: srv.URL, Interval: interval})
	c.Registerer = reg
	stop := startRun(t, c)
	// Counted by the poller, not the server: a 304 the server sent may still be on its way
	// when the run stops, and that poll ends interrupted.
	eventually(t, 10*time.Second, "two 304s", func() bool {
		return metric(t, reg, "parley_fetch_polls_total", "result", "not_modified") >= 2
	})
	stop()
	// A 304 after a 304 costs one write (the claim); only the first poll and the switch from
	// ok to not_modified need a second.
	if rev, hits := e.stateRevision(srv.URL), uint64(srv.hits.Load()); rev > hits+2 {
		t.Errorf("%d state writes for %d polls", rev, hits)
	}
	st := e.state(srv.URL)
	if st.ETag != `"v1"` || st.LastModified != "Wed, 14 May 2025 10:00:00 GMT" || st.LastResult != fetch.ResultNotModified {
		t.Errorf("state = %+v", st)
	}

	// A new Run (a restarted process) starts from the stored validators.
	n := len(srv.requests())
	startRun(t, baseConfig(e, fetch.Feed{URL: srv.URL, Interval: interval}))
	eventually(t, 10*time.Second, "a poll after restart", func() bool { return len(srv.requests()) > n })
	if got := srv.requests()[n]; got != `"v1"` {
		t.Errorf("first request after restart had If-None-Match %q", got)
	}

	// A changed feed is fetched in full again and only the new item goes out.
	body := bytes.Replace(testdata(t, "rss.xml"), []byte("<item>"), []byte(`<item>
      <title>Fourth round scheduled</title>
      <guid isPermaLink="false">wire-0004</guid>
      <pubDate>Thu, 15 May 2025 09:00:00 GMT</pubDate>
    </item>
    <item>`), 1)
	srv.set(func(fs *feedServer) { fs.body, fs.etag = body, `"v2"` })
	eventually(t, 10*time.Second, "the new item", func() bool { return len(e.items()) == 4 })
	eventually(t, 10*time.Second, "a 304 for v2", func() bool {
		r := srv.requests()
		return r[len(r)-1] == `"v2"`
	})
	if items := e.items(); len(items) != 4 || items[3].Title != "Fourth round scheduled" {
		t.Errorf("items = %d, last %q", len(items), items[len(items)-1].Title)
	}
}

func TestFailingFeedsAreIsolatedAndRecover(t *testing.T) {
	e := startNATS(t, t.TempDir())
	good := newFeedServer(t, testdata(t, "rss.xml"), "application/rss+xml")
	bad := newFeedServer(t, testdata(t, "malformed.xml"), "text/html")
	missing := newFeedServer(t, nil, "")
	missing.set(func(fs *feedServer) { fs.status = http.StatusNotFound })
	hang := hangingServer(t)

	logs := newLogRecorder()
	reg := prometheus.NewRegistry()
	c := baseConfig(e,
		fetch.Feed{URL: good.URL + "/good", Interval: interval},
		fetch.Feed{URL: bad.URL + "/bad", Interval: interval},
		fetch.Feed{URL: missing.URL + "/missing", Interval: interval},
		fetch.Feed{URL: hang.URL + "/hang", Interval: interval},
	)
	c.Logger = slogTo(logs)
	c.Registerer = reg
	c.Timeout = 300 * time.Millisecond
	startRun(t, c)

	eventually(t, 10*time.Second, "good feed's items", func() bool { return len(e.itemsOf(good.URL+"/good")) == 3 })
	cases := []struct{ url, want string }{
		{bad.URL + "/bad", "failed to detect feed type"},
		{missing.URL + "/missing", "HTTP 404"},
		{hang.URL + "/hang", "no complete response within the 300ms timeout"},
	}
	for _, tc := range cases {
		eventually(t, 10*time.Second, "error recorded for "+tc.url, func() bool {
			st := e.state(tc.url)
			return st.LastResult == fetch.ResultError && st.Failures >= 1
		})
		if st := e.state(tc.url); !strings.Contains(st.LastError, tc.want) {
			t.Errorf("%s: last_error %q, want it to contain %q", tc.url, st.LastError, tc.want)
		}
		rec, ok := logs.find(func(r logRecord) bool { return r.Attrs["feed_url"] == tc.url && r.Attrs["err"] != "" })
		if !ok {
			t.Errorf("%s: no log record with feed_url and err", tc.url)
		} else if !strings.Contains(rec.Attrs["err"], tc.want) {
			t.Errorf("%s: logged err %q", tc.url, rec.Attrs["err"])
		}
	}
	if got := metric(t, reg, "parley_fetch_polls_total", "result", "error"); got < 3 {
		t.Errorf("polls error = %v, want >= 3", got)
	}

	// The good feed keeps flowing while the others fail.
	n := good.hits.Load()
	eventually(t, 10*time.Second, "good feed polled again", func() bool { return good.hits.Load() >= n+2 })

	// Recovery: the missing feed appears and is published; its failures reset.
	missing.set(func(fs *feedServer) {
		fs.status = http.StatusOK
		fs.body = testdata(t, "atom.xml")
		fs.contentType = "application/atom+xml"
	})
	eventually(t, 15*time.Second, "recovered feed's items", func() bool { return len(e.itemsOf(missing.URL+"/missing")) == 2 })
	eventually(t, 5*time.Second, "failures reset", func() bool {
		st := e.state(missing.URL + "/missing")
		// ok, or not_modified when a later poll found the same body before a state write.
		return st.Failures == 0 && st.LastResult != fetch.ResultError && st.LastResult != "" && st.LastError == ""
	})
}

func TestCharsets(t *testing.T) {
	e := startNATS(t, t.TempDir())
	declared := newFeedServer(t, testdata(t, "cp1251.xml"), "text/xml")
	headerOnly := newFeedServer(t, testdata(t, "cp1251-undeclared.xml"), "application/rss+xml; charset=windows-1251")
	// The server claims UTF-8 while the document says (and is) KOI8-R.
	koi := newFeedServer(t, testdata(t, "koi8r.xml"), "text/xml; charset=utf-8")
	startRun(t, baseConfig(e,
		fetch.Feed{URL: declared.URL, Interval: interval},
		fetch.Feed{URL: headerOnly.URL, Interval: interval},
		fetch.Feed{URL: koi.URL, Interval: interval},
	))
	eventually(t, 10*time.Second, "6 items", func() bool { return len(e.items()) == 6 })

	wantCP := []string{"Переговоры в Стамбуле продолжатся в понедельник", "Стороны обменялись пленными — «всех на всех»"}
	wantKOI := []string{"Переговоры в Стамбуле продолжатся в понедельник", `Стороны обменялись пленными по формуле "всех на всех"`}
	for _, tc := range []struct {
		url  string
		want []string
	}{{declared.URL, wantCP}, {headerOnly.URL, wantCP}, {koi.URL, wantKOI}} {
		items := e.itemsOf(tc.url)
		var got []string
		for _, it := range items {
			got = append(got, it.Title)
			if it.Source != "Новости дипломатии" || it.Language != "ru" {
				t.Errorf("%s: source %q language %q", tc.url, it.Source, it.Language)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: titles %q, want %q", tc.url, got, tc.want)
		}
	}
}

func TestBodyCap(t *testing.T) {
	e := startNATS(t, t.TempDir())
	plain := newFeedServer(t, testdata(t, "rss.xml"), "application/rss+xml")
	// Small on the wire, large once decoded.
	padded := append(testdata(t, "rss.xml"), bytes.Repeat([]byte(" "), 256<<10)...)
	zipped := newFeedServer(t, padded, "application/rss+xml")
	zipped.set(func(fs *feedServer) { fs.gzip = true })
	small := newFeedServer(t, testdata(t, "malformed.xml"), "text/html")

	c := baseConfig(e,
		fetch.Feed{URL: plain.URL, Interval: interval},
		fetch.Feed{URL: zipped.URL, Interval: interval},
		fetch.Feed{URL: small.URL, Interval: interval},
	)
	c.MaxBodyBytes = 1024
	startRun(t, c)
	for _, u := range []string{plain.URL, zipped.URL} {
		eventually(t, 10*time.Second, "error for "+u, func() bool { return e.state(u).LastResult == fetch.ResultError })
		if st := e.state(u); !strings.Contains(st.LastError, "exceeds the limit of 1024 bytes") {
			t.Errorf("%s: last_error %q", u, st.LastError)
		}
	}
	// Under the cap the body is read and judged on its merits.
	eventually(t, 10*time.Second, "small body parsed", func() bool {
		return strings.Contains(e.state(small.URL).LastError, "failed to detect feed type")
	})
	if n := len(e.items()); n != 0 {
		t.Errorf("%d items published from capped feeds", n)
	}
}

func TestRefusesPrivateAddresses(t *testing.T) {
	e := startNATS(t, t.TempDir())
	srv := newFeedServer(t, testdata(t, "rss.xml"), "application/rss+xml")
	reg := prometheus.NewRegistry()
	c := baseConfig(e, fetch.Feed{URL: srv.URL, Interval: interval})
	c.AllowPrivateAddresses = false
	c.Registerer = reg
	startRun(t, c)
	eventually(t, 10*time.Second, "refusal recorded", func() bool { return e.state(srv.URL).LastResult == fetch.ResultError })
	if st := e.state(srv.URL); !strings.Contains(st.LastError, "127.0.0.1 is a loopback address") {
		t.Errorf("last_error %q", st.LastError)
	}
	if n := srv.hits.Load(); n != 0 {
		t.Errorf("the server was reached %d times", n)
	}
	if got := metric(t, reg, "parley_fetch_polls_total", "result", "error"); got < 1 {
		t.Errorf("polls error = %v", got)
	}
	if n := len(e.items()); n != 0 {
		t.Errorf("%d items published", n)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	e := startNATS(t, t.TempDir())
	srv := newFeedServer(t, testdata(t, "rss.xml"), "application/rss+xml")
	srv.set(func(fs *feedServer) {
		fs.status = http.StatusTooManyRequests
		fs.retryAfter = "2"
	})
	startRun(t, baseConfig(e, fetch.Feed{URL: srv.URL, Interval: 50 * time.Millisecond}))
	eventually(t, 10*time.Second, "429 recorded", func() bool { return e.state(srv.URL).Failures >= 1 })
	st := e.state(srv.URL)
	if gap := st.NextPoll.Sub(st.LastPoll); gap < 2*time.Second {
		t.Errorf("next poll %s after a 429 with Retry-After: 2, want >= 2s", gap)
	}
	if !strings.Contains(st.LastError, "429") {
		t.Errorf("last_error %q", st.LastError)
	}
	if n := srv.hits.Load(); n != 1 {
		t.Errorf("server hit %d times within Retry-After, want 1", n)
	}
}

func TestFullText(t *testing.T) {
	e := startNATS(t, t.TempDir())
	page := testdata(t, "page-cp1251.html")
	mux := http.NewServeMux()
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write(testdata(t, "fulltext.xml"))
	})
	mux.HandleFunc("/pages/istanbul.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html") // the charset is only in the page's <meta>
		_, _ = w.Write(page)
	})
	srv := newMuxServer(t, mux)
	logs := newLogRecorder()
	c := baseConfig(e, fetch.Feed{URL: srv.URL + "/feed", Interval: interval, FullText: true})
	c.Logger = slogTo(logs)
	startRun(t, c)
	eventually(t, 10*time.Second, "2 items", func() bool { return len(e.items()) == 2 })
	items := e.items()
	if !strings.Contains(items[0].PageHtml, "Делегации встретились в понедельник.") {
		t.Errorf("page_html = %q", items[0].PageHtml)
	}
	if items[1].PageHtml != "" {
		t.Errorf("page_html of the 404 page = %q", items[1].PageHtml)
	}
	if _, ok := logs.find(func(r logRecord) bool {
		return r.Attrs["item_id"] == items[1].Id && strings.Contains(r.Attrs["err"], "404")
	}); !ok {
		t.Error("the failed page fetch was not logged with item_id and err")
	}
}

func TestReplicasPublishEachItemOnce(t *testing.T) {
	e := startNATS(t, t.TempDir())
	srv := newFeedServer(t, testdata(t, "rss.xml"), "application/rss+xml")
	other := newFeedServer(t, testdata(t, "atom.xml"), "application/atom+xml")
	reg := prometheus.NewRegistry()
	f := fetch.Feed{URL: srv.URL, Interval: interval}
	c1 := baseConfig(e, f)
	c1.Registerer = reg
	c2 := baseConfig(e, f, fetch.Feed{URL: other.URL, Interval: interval})
	c2.Registerer = reg // one registry, two fetchers: the series are shared, not duplicated
	// Two configs with different feed lists are two owners; as one owner, whichever seeded
	// last would remove the other's feed (replicas of one owner share one config).
	c2.Seed = fetch.Seed{Owner: "second"}
	startRun(t, c1)
	startRun(t, c2)
	eventually(t, 10*time.Second, "5 items", func() bool { return len(e.items()) >= 5 })
	eventually(t, 10*time.Second, "several polls", func() bool { return srv.hits.Load() >= 4 })
	// Both fetchers poll every registered feed: the second one's config added its feed to
	// the registry the first one follows.
	eventually(t, 5*time.Second, "both fetchers follow both feeds", func() bool { return metric(t, reg, "parley_fetch_feeds") == 4 })
	// Both may poll the feed while they learn of each other; the stream keeps each item once.
	if n := e.streamMsgs(); n != 5 {
		t.Errorf("stream holds %d items, want 5 (each once)", n)
	}
}

// A story updated under the same GUID ("UPDATE 2", a live page) is published again as a new
// version of the item; re-polls of unchanged content publish nothing.
func TestUpdatedStoryIsPublishedAgain(t *testing.T) {
	e := startNATS(t, t.TempDir())
	story := func(desc string) []byte {
		return fmt.Appendf(nil, `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>
<item><guid>live-1</guid><title>Talks in Geneva: live</title><link>https://desk.example/live-1</link>
<description>%s</description><pubDate>Tue, 17 Feb 2026 08:00:00 GMT</pubDate></item>
</channel></rss>`, desc)
	}
	fs := newFeedServer(t, story("Delegations are meeting in Geneva today."), "application/rss+xml")
	fs.set(func(fs *feedServer) { fs.stamp = true }) // every poll parses the feed again
	stop := startRun(t, baseConfig(e, fetch.Feed{URL: fs.URL + "/rss", Interval: interval}))
	defer stop()

	eventually(t, 10*time.Second, "the first version", func() bool { return len(e.items()) == 1 })
	polls := fs.hits.Load()
	eventually(t, 10*time.Second, "two more polls", func() bool { return fs.hits.Load() >= polls+2 })
	if n := len(e.items()); n != 1 {
		t.Fatalf("unchanged story published %d times", n)
	}
	fs.set(func(fs *feedServer) { fs.body = story("UPDATE: the talks in Geneva ended after two days.") })
	eventually(t, 10*time.Second, "the updated version", func() bool { return len(e.items()) == 2 })
	items := e.items()
	if items[0].GetId() != items[1].GetId() || !strings.Contains(items[1].GetSummary(), "ended") {
		t.Errorf("versions: %q %q / %q", items[0].GetId(), items[1].GetId(), items[1].GetSummary())
	}
	polls = fs.hits.Load()
	eventually(t, 10*time.Second, "two more polls", func() bool { return fs.hits.Load() >= polls+2 })
	if n := len(e.items()); n != 2 {
		t.Errorf("%d items after the update settled, want 2", n)
	}
}
