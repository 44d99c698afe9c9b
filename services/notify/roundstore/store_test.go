package roundstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/platform/bustest"
	"github.com/parleyhq/parley/services/notify/round"
)

var policy = round.Policy{RecentWindow: 72 * time.Hour}

func meeting(id, published, city, start, end string) round.Event {
	pub, err := time.Parse(time.RFC3339, published)
	if err != nil {
		panic(err)
	}
	return round.Event{
		ID:        id,
		Article:   round.Article{URL: "https://news.example/" + id, Title: "Talks " + id, Source: "Example", Published: pub},
		Status:    round.Scheduled,
		Parties:   []string{"RU", "UA", "US"},
		Location:  round.Location{City: city, Country: "CH"},
		Start:     day(start),
		End:       day(end),
		Precision: round.Day,
		Primary:   true,
	}
}

func TestCodecKeepsEveryField(t *testing.T) {
	var set round.Set
	now := time.Date(2026, 1, 21, 9, 0, 0, 0, time.UTC)
	policy.Fold(&set, meeting("a", "2026-01-21T08:00:00Z", "Geneva", "2026-01-30", "2026-01-31"), now)
	ev := meeting("b", "2026-01-22T08:00:00Z", "Geneva", "2026-01-30", "2026-01-31")
	ev.Participants = []round.Participant{{Name: "Anna Example", Party: "UA", Role: "envoy"}}
	ev.Topics, ev.Confidence = []string{"ceasefire"}, 0.9
	policy.Fold(&set, ev, now)
	st := set.Rounds[0]
	data, err := encodeState(st)
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeState(data)
	if err != nil {
		t.Fatal(err)
	}
	// Printed, so an empty list and a missing one (which the codec does not tell apart)
	// compare equal.
	show := func(st round.State) string {
		a := *st.LastAlert
		st.LastAlert = nil
		return fmt.Sprintf("%+v %+v", st, a)
	}
	if got, want := show(back), show(st); got != want {
		t.Errorf("round trip changed the state:\n got %s\nwant %s", got, want)
	}
	if _, err := decodeState([]byte(`{"v":99}`)); err == nil || !strings.Contains(err.Error(), "version 99") {
		t.Errorf("unknown version: %v", err)
	}
}

func TestMonths(t *testing.T) {
	got := months(day("2025-12-25"), day("2026-02-01"))
	want := []string{"index.2025-12", "index.2026-01", "index.2026-02"}
	if !slices.Equal(got, want) {
		t.Errorf("months = %v, want %v", got, want)
	}
}

func TestIndexStaysBounded(t *testing.T) {
	var idx index
	for i := range maxIndexEntries + 50 {
		idx = idx.put(indexEntry{ID: string(rune('a'+i%26)) + strings.Repeat("x", i/26), Lo: "2026-01-01", Hi: "2026-01-02"})
	}
	if len(idx) != maxIndexEntries {
		t.Errorf("%d entries, want %d", len(idx), maxIndexEntries)
	}
}

// A round whose dates move is found from its new month and no longer listed in its old one;
// a second creation against the same index revisions conflicts instead of duplicating.
func TestSaveIndexesAndGuardsCreation(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, bustest.Start(t).Bus)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 21, 9, 0, 0, 0, time.UTC)
	ev := meeting("a", "2026-01-21T08:00:00Z", "Geneva", "2026-01-30", "2026-01-31")
	c, err := s.Candidates(ctx, ev, now)
	if err != nil || len(c.Entries) != 0 {
		t.Fatalf("candidates in an empty store: %v, %v", c.Entries, err)
	}
	var set round.Set
	res := policy.Fold(&set, ev, now)
	if _, err := s.Save(ctx, set.Rounds[0], 0, nil, c); err != nil {
		t.Fatal(err)
	}
	rival := set.Rounds[0]
	rival.Round.ID = "rrival"
	if _, err := s.Save(ctx, rival, 0, nil, c); !errors.Is(err, ErrConflict) {
		t.Fatalf("second creation on stale index revisions: %v, want ErrConflict", err)
	}

	moved := meeting("b", "2026-01-28T08:00:00Z", "Geneva", "2026-03-02", "2026-03-03")
	moved.Status = round.Postponed
	c, err = s.Candidates(ctx, moved, now)
	if err != nil || len(c.Entries) != 1 || c.Entries[0].State.Round.ID != res.RoundID {
		t.Fatalf("candidates for the postponement: %v, %v", c.Entries, err)
	}
	set = round.Set{Rounds: []round.State{c.Entries[0].State}}
	policy.Fold(&set, moved, now)
	if _, err := s.Save(ctx, set.Rounds[0], c.Entries[0].Rev, &c.Entries[0].State, c); err != nil {
		t.Fatal(err)
	}
	jan, _, err := s.readIndex(ctx, "index.2026-01")
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(jan, func(e indexEntry) bool { return e.ID == res.RoundID }) {
		t.Error("the postponed round is still indexed in January")
	}
	later := meeting("c", "2026-02-25T08:00:00Z", "Geneva", "2026-03-02", "2026-03-03")
	c, err = s.Candidates(ctx, later, now)
	if err != nil || len(c.Entries) != 1 {
		t.Fatalf("candidates in March: %v, %v", c.Entries, err)
	}
}

// However many reports a round gets, and however long their fields, its stored value stays
// far below the 64 KB a value may take.
func TestStoredRoundStaysSmall(t *testing.T) {
	long := strings.Repeat("word ", 400)
	var set round.Set
	now := time.Date(2026, 1, 21, 9, 0, 0, 0, time.UTC)
	for i := range 500 {
		ev := meeting(fmt.Sprintf("e%03d-%s", i, strings.Repeat("x", 40)), "2026-01-21T08:00:00Z", "Geneva", "2026-01-30", "2026-01-31")
		ev.Article.URL += strings.Repeat("/segment", 20)
		ev.Article.Title, ev.Article.Source = long, long
		ev.Mediators = []string{"CH", "TR", "QA", "AE"}
		ev.Topics = []string{"ceasefire", "territory", "sanctions", "trade", "hostages", "peace_plan"}
		for j := range 8 {
			ev.Participants = append(ev.Participants, round.Participant{
				Name: fmt.Sprintf("Delegate Number %d-%d With A Long Name", i, j), Party: "UA", Role: "member of the working group",
			})
		}
		ev.Status = []round.Status{round.Scheduled, round.Postponed}[i%2]
		ev.Article.Published = ev.Article.Published.Add(time.Duration(i) * time.Hour)
		policy.Fold(&set, ev, now)
	}
	if len(set.Rounds) != 1 {
		t.Fatalf("%d rounds, want 1", len(set.Rounds))
	}
	data, err := encodeState(set.Rounds[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 48<<10 {
		t.Errorf("stored round holds %d bytes", len(data))
	}
	t.Logf("stored round after 500 long reports: %d bytes", len(data))
}
