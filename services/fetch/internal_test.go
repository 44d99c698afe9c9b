package fetch

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

func TestBackoff(t *testing.T) {
	cases := []struct {
		interval time.Duration
		failures int
		want     time.Duration
	}{
		{5 * time.Minute, 1, 10 * time.Minute},
		{5 * time.Minute, 2, 20 * time.Minute},
		{5 * time.Minute, 3, 40 * time.Minute},
		{5 * time.Minute, 4, 50 * time.Minute}, // ten intervals
		{5 * time.Minute, 40, 50 * time.Minute},
		{30 * time.Minute, 9, time.Hour},  // an hour
		{2 * time.Hour, 3, 2 * time.Hour}, // never below the interval
		{200 * time.Millisecond, 10, 2 * time.Second},
	}
	for _, tc := range cases {
		if got := backoff(tc.interval, tc.failures); got != tc.want {
			t.Errorf("backoff(%s, %d) = %s, want %s", tc.interval, tc.failures, got, tc.want)
		}
	}
}

func TestFinish(t *testing.T) {
	start := time.Date(2025, 5, 14, 10, 0, 0, 0, time.UTC)
	claim := State{ETag: `"a"`, LastPoll: start, NextPoll: start.Add(time.Minute), LastResult: ResultOK, Published: 7}

	st := finish(claim, outcome{result: ResultError, err: errors.New("boom"), retryAfter: 3 * time.Hour}, time.Minute, start)
	if st.Failures != 1 || st.LastError != "boom" || st.ETag != `"a"` || st.NextPoll.Sub(start) < 3*time.Hour {
		t.Errorf("after error with Retry-After: %+v", st)
	}
	st = finish(st, outcome{result: ResultError, err: errors.New("boom"), retryAfter: 1000 * time.Hour}, time.Minute, start)
	if d := st.NextPoll.Sub(start); d < maxRetryAfter || d > maxRetryAfter+maxRetryAfter/10 {
		t.Errorf("Retry-After not capped: next poll in %s", d)
	}

	st = finish(st, outcome{result: ResultOK, items: 3, published: 2, setValidators: true, etag: `"b"`}, time.Minute, start)
	if st.Failures != 0 || st.LastError != "" || st.ETag != `"b"` || st.Items != 3 || st.Published != 9 {
		t.Errorf("after success: %+v", st)
	}

	// A 304 on a healthy feed changes nothing but the poll times, so it is not written.
	claim = State{ETag: `"b"`, LastPoll: start, LastSuccess: start, NextPoll: start.Add(time.Minute), LastResult: ResultNotModified, Items: 3}
	if st := finish(claim, outcome{result: ResultNotModified, setValidators: true, etag: `"b"`}, time.Minute, start); st != claim {
		t.Errorf("304 changed the state: %+v", st)
	}
}

func TestItemID(t *testing.T) {
	const u = "https://news.example.org/rss"
	withGUID := &gofeed.Item{GUID: "g1", Link: "https://x/1", Title: "T"}
	sameGUID := &gofeed.Item{GUID: " g1 ", Link: "https://x/other", Title: "Other"}
	if ItemID(u, withGUID) != ItemID(u, sameGUID) {
		t.Error("the GUID alone should identify an item")
	}
	if ItemID(u, withGUID) == ItemID(u+"?x", withGUID) {
		t.Error("the feed URL should be part of the identity")
	}
	byLink := &gofeed.Item{Link: "https://x/1", Title: "T"}
	if ItemID(u, byLink) == ItemID(u, &gofeed.Item{Link: "https://x/2", Title: "T"}) {
		t.Error("without a GUID the link should identify an item")
	}
	a := &gofeed.Item{Title: "T", Published: "Mon, 12 May 2025 08:00:00 GMT"}
	b := &gofeed.Item{Title: "T", Published: "Tue, 13 May 2025 08:00:00 GMT"}
	if ItemID(u, a) == ItemID(u, b) {
		t.Error("title and date should identify an item without GUID or link")
	}
	if id := ItemID(u, a); len(id) != 32 {
		t.Errorf("id %q is not 32 hex digits", id)
	}
	if id := FeedID(u); len(id) != 16 {
		t.Errorf("feed id %q is not 16 hex digits", id)
	}
}

func TestLinkAlias(t *testing.T) {
	const u = "https://news.example.org/rss"
	parsed := &gofeed.Feed{Items: []*gofeed.Item{
		{GUID: "a", Link: "https://news.example.org/geneva", Title: "Geneva talks"},
		{GUID: "b", Link: "https://news.example.org/", Title: "Florida talks"},
		{GUID: "c", Link: "https://news.example.org/", Title: "Kremlin meeting"},
		{Link: "https://news.example.org/berlin", Title: "Berlin talks"},
		{GUID: "d", Title: "Davos meeting"},
	}}
	want := map[string]string{
		"Geneva talks":    LinkID(u, "https://news.example.org/geneva"), // unique link: an alias
		"Florida talks":   "",                                           // shared link identifies nothing
		"Kremlin meeting": "",
		"Berlin talks":    "", // no GUID: the link is the identity already
		"Davos meeting":   "", // no link
	}
	items := buildItems(Feed{URL: u}, FeedID(u), parsed, nil, time.Now())
	if len(items) != len(want) {
		t.Fatalf("%d items", len(items))
	}
	for _, it := range items {
		if it.linkID != want[it.Title] {
			t.Errorf("%s: link alias %q, want %q", it.Title, it.linkID, want[it.Title])
		}
	}
	if LinkID(u, "https://x/1") == LinkID(u+"?x", "https://x/1") || LinkID(u, "https://x/1") == ItemID(u, &gofeed.Item{GUID: "https://x/1"}) {
		t.Error("link aliases must be per feed and apart from GUID identities")
	}
}

// An older generation of the config, or none, never deletes or replaces what a newer one
// seeded; the newer one removes what its owner seeded before and no longer lists.
func TestPlanSeedGenerations(t *testing.T) {
	feed := func(u string) Feed { return Feed{URL: u, Interval: time.Minute} }
	entry := func(u, owner string, gen int) Entry {
		return Entry{Feed: feed(u), Origin: OriginConfig, Owner: owner, Generation: gen}
	}
	have := map[string]Entry{
		FeedID("https://a.example/rss"): entry("https://a.example/rss", "prod", 2),
		FeedID("https://b.example/rss"): entry("https://b.example/rss", "prod", 2),
		FeedID("https://c.example/rss"): {Feed: feed("https://c.example/rss"), Origin: OriginAdded},
	}
	old := []Feed{feed("https://a.example/rss"), feed("https://z.example/rss")}
	if _, writes := plan(have, old, Seed{Owner: "prod", Generation: 1}); len(writes) != 0 {
		t.Errorf("generation 1 after 2 writes %v", writes)
	}
	if _, writes := plan(have, nil, Seed{}); len(writes) != 0 {
		t.Errorf("no config writes %v", writes)
	}
	want, writes := plan(have, old, Seed{Owner: "prod", Generation: 3})
	// a is rewritten under generation 3, b is deleted, z is added.
	if len(writes) != 3 || writes[FeedID("https://b.example/rss")] != nil || writes[FeedID("https://z.example/rss")] == nil {
		t.Errorf("generation 3 writes %v, want a rewritten, b deleted, z added", writes)
	}
	if _, ok := want[FeedID("https://c.example/rss")]; !ok {
		t.Error("a feed added at run time was dropped")
	}
	_, writes = plan(have, []Feed{feed("https://a.example/rss")}, Seed{Owner: "staging", Generation: 1})
	if len(writes) != 0 {
		t.Errorf("another owner's older config writes %v", writes)
	}
}

// A 304 that changes only the poll times is not written; a change is, and so is a feed's
// record once stateRefresh has passed since it was last written.
func TestRecordWritesOnlyChanges(t *testing.T) {
	sv := &saver{dirty: map[string]State{}}
	w := &worker{r: &runner{saver: sv}, id: "f1"}
	start := time.Date(2025, 5, 14, 10, 0, 0, 0, time.UTC)
	before := State{ETag: `"a"`, LastPoll: start, NextPoll: start.Add(time.Minute), LastResult: ResultNotModified}
	w.written = start

	st := before
	st.LastPoll, st.NextPoll = start.Add(time.Minute), start.Add(2*time.Minute)
	w.record(context.Background(), before, st)
	if len(sv.dirty) != 0 || w.st != st {
		t.Errorf("304: dirty %v, kept %+v", sv.dirty, w.st)
	}

	changed := st
	changed.ETag, changed.LastResult = `"b"`, ResultOK
	w.record(context.Background(), st, changed)
	if sv.dirty["f1"] != changed {
		t.Errorf("changed validators not queued: %v", sv.dirty)
	}

	clear(sv.dirty)
	late := changed
	late.LastPoll = changed.LastPoll.Add(stateRefresh)
	w.record(context.Background(), changed, late)
	if sv.dirty["f1"] != late {
		t.Errorf("record not refreshed after %s: %v", stateRefresh, sv.dirty)
	}
}
