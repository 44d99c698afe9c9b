package round

import (
	"strings"
	"testing"
	"time"
)

var policy = Policy{RecentWindow: 72 * time.Hour}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func d(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// ev builds an event: parties "RU UA US", city, start/end dates, precision, status, article
// URL and publication time.
type evSpec struct {
	id, parties, city, start, end string
	prec                          Precision
	status                        Status
	url, published                string
	topics                        []string
	// aside marks a mention in passing rather than the article's main meeting.
	aside              bool
	mediators, country string
}

func (s evSpec) event() Event {
	prec := s.prec
	if prec == PrecisionUnknown && s.start != "" {
		prec = Day
	}
	return Event{
		ID:        s.id,
		Article:   Article{URL: s.url, Title: "t " + s.id, Source: "src", Published: ts(s.published)},
		Status:    s.status,
		Parties:   strings.Fields(s.parties),
		Location:  Location{City: s.city, Country: s.country},
		Mediators: strings.Fields(s.mediators),
		Start:     d(s.start),
		End:       d(s.end),
		Precision: prec,
		Topics:    s.topics,
		Primary:   !s.aside,
	}
}

type step struct {
	ev evSpec
	// want is the alert kind expected from this event, "" for none.
	want Kind
	// round is the index of the round the event must land in.
	round int
	// change must be contained in the alert's change text.
	change string
}

func TestFold(t *testing.T) {
	now := ts("2026-03-01T00:00:00Z")
	abuDhabi := evSpec{id: "e1", parties: "RU UA US", city: "Abu Dhabi", start: "2026-01-23", end: "2026-01-24",
		status: Scheduled, url: "https://wire.example/abu-dhabi", published: "2026-01-21T08:00:00Z"}
	with := func(s evSpec, f func(*evSpec)) evSpec { f(&s); return s }

	tests := []struct {
		name       string
		steps      []step
		wantRounds int
		check      func(t *testing.T, set Set)
	}{
		{
			name: "syndicated copies of one wire story raise one alert",
			steps: []step{
				{ev: abuDhabi, want: NewRound},
				{ev: with(abuDhabi, func(s *evSpec) {
					s.id, s.url, s.published = "e2", "https://paper.example/abu-dhabi-talks", "2026-01-21T09:30:00Z"
				})},
				{ev: with(abuDhabi, func(s *evSpec) {
					s.id, s.url, s.published = "e3", "https://other.example/news/1", "2026-01-21T10:00:00Z"
					s.city = "abu dhabi"
					s.topics = []string{"territory"}
				})},
				// The same article again (a second event id from it) is not another source.
				{ev: with(abuDhabi, func(s *evSpec) { s.id = "e4" })},
			},
			wantRounds: 1,
			check: func(t *testing.T, set Set) {
				r := set.Rounds[0].Round
				if r.ArticleCount() != 3 {
					t.Errorf("article count = %d, want 3", r.ArticleCount())
				}
				if len(r.Topics) != 1 {
					t.Errorf("topics = %v, want the one a copy added", r.Topics)
				}
			},
		},
		{
			name: "vague weekend then exact dates is one round with at most one update",
			steps: []step{
				{ev: evSpec{id: "v1", parties: "RU UA US", city: "Abu Dhabi", start: "2026-01-24", end: "2026-01-25", prec: Week,
					status: Scheduled, url: "https://a.example/1", published: "2026-01-20T12:00:00Z"}, want: NewRound},
				{ev: evSpec{id: "v2", parties: "RU UA US", city: "Abu Dhabi", start: "2026-01-23", end: "2026-01-24",
					status: Scheduled, url: "https://b.example/1", published: "2026-01-21T12:00:00Z"}, want: RoundUpdated, change: "dates:"},
				{ev: evSpec{id: "v3", parties: "RU UA US", city: "Abu Dhabi", start: "2026-01-23", end: "2026-01-24",
					status: Scheduled, url: "https://c.example/1", published: "2026-01-21T13:00:00Z"}},
				// An older vague report arriving late does not blur the dates again.
				{ev: evSpec{id: "v4", parties: "RU UA US", start: "2026-01-19", end: "2026-01-25", prec: Week,
					status: Scheduled, url: "https://d.example/1", published: "2026-01-19T12:00:00Z"}},
			},
			wantRounds: 1,
			check: func(t *testing.T, set Set) {
				r := set.Rounds[0].Round
				if Date(r.Start) != "2026-01-23" || Date(r.End) != "2026-01-24" || r.Precision != Day {
					t.Errorf("dates = %s..%s (%v), want the exact ones", Date(r.Start), Date(r.End), r.Precision)
				}
			},
		},
		{
			name: "two meetings in one city on consecutive days with different parties are two rounds",
			steps: []step{
				{ev: evSpec{id: "m1", parties: "UA US", city: "Miami", start: "2025-12-19", end: "2025-12-20",
					status: Underway, url: "https://a.example/m1", published: "2025-12-19T18:00:00Z"}, want: NewRound, round: 0},
				{ev: evSpec{id: "m2", parties: "RU US", city: "Miami", start: "2025-12-20", end: "2025-12-21",
					status: Scheduled, url: "https://a.example/m2", published: "2025-12-19T20:00:00Z"}, want: NewRound, round: 1},
			},
			wantRounds: 2,
		},
		{
			name: "historical held meeting mentioned months later raises no alert",
			steps: []step{
				{ev: evSpec{id: "h1", parties: "RU UA", city: "Istanbul", start: "2025-05-16",
					status: Held, url: "https://a.example/h1", published: "2026-01-25T09:00:00Z"}},
				{ev: evSpec{id: "h2", parties: "RU UA", city: "Istanbul", start: "2025-05-16",
					status: Held, url: "https://a.example/h2", published: "2026-02-01T09:00:00Z"}},
			},
			wantRounds: 1,
			check: func(t *testing.T, set Set) {
				if set.Rounds[0].LastAlert != nil {
					t.Error("historical round has an alert")
				}
				if set.Rounds[0].Round.ArticleCount() != 2 {
					t.Error("historical mentions did not enrich the round")
				}
			},
		},
		{
			name: "held just inside the recent window still raises new_round",
			steps: []step{
				{ev: evSpec{id: "g1", parties: "RU UA US", city: "Geneva", start: "2026-02-17", end: "2026-02-18",
					status: Held, url: "https://a.example/g1", published: "2026-02-20T20:00:00Z"}, want: NewRound},
			},
			wantRounds: 1,
		},
		{
			name: "scheduled then underway then held is two updates; an old report changes nothing",
			steps: []step{
				{ev: abuDhabi, want: NewRound},
				{ev: with(abuDhabi, func(s *evSpec) {
					s.id, s.url, s.published, s.status = "s2", "https://b.example/2", "2026-01-23T10:00:00Z", Underway
				}), want: RoundUpdated, change: "status: scheduled → underway"},
				{ev: with(abuDhabi, func(s *evSpec) {
					s.id, s.url, s.published, s.status = "s3", "https://c.example/3", "2026-01-24T19:00:00Z", Held
				}), want: RoundUpdated, change: "status: underway → held"},
				{ev: with(abuDhabi, func(s *evSpec) {
					s.id, s.url, s.published = "s4", "https://d.example/4", "2026-01-22T10:00:00Z"
				})},
				// Nor is a newer report calling off something that matches a held meeting.
				{ev: with(abuDhabi, func(s *evSpec) {
					s.id, s.url, s.published, s.status = "s6", "https://f.example/6", "2026-01-25T10:00:00Z", Cancelled
				})},
				// A look back after the meeting is not a change either.
				{ev: with(abuDhabi, func(s *evSpec) {
					s.id, s.url, s.published, s.status = "s5", "https://e.example/5", "2026-01-26T10:00:00Z", Held
				})},
			},
			wantRounds: 1,
			check: func(t *testing.T, set Set) {
				if got := set.Rounds[0].Round.Status; got != Held {
					t.Errorf("status = %v, want held", got)
				}
			},
		},
		{
			name: "venue learned later is an update naming it",
			steps: []step{
				{ev: with(abuDhabi, func(s *evSpec) { s.city = "" }), want: NewRound},
				{ev: with(abuDhabi, func(s *evSpec) { s.id, s.url = "c2", "https://b.example/c2" }), want: RoundUpdated, change: "venue: Abu Dhabi"},
			},
			wantRounds: 1,
		},
		{
			name: "a newer report of the same days in another city moves the round",
			steps: []step{
				{ev: abuDhabi, want: NewRound, round: 0},
				{ev: with(abuDhabi, func(s *evSpec) {
					s.id, s.city, s.url, s.published = "x2", "Geneva", "https://b.example/x2", "2026-01-22T08:00:00Z"
				}), want: RoundUpdated, round: 0, change: "venue: Abu Dhabi → Geneva"},
			},
			wantRounds: 1,
		},
		{
			name: "a side named as mediator, a side left out and another city of the country are one meeting",
			steps: []step{
				{ev: abuDhabi, want: NewRound, round: 0},
				{ev: with(abuDhabi, func(s *evSpec) {
					s.id, s.parties, s.mediators, s.url = "s2", "RU UA", "US", "https://b.example/s2"
				}), round: 0},
				{ev: with(abuDhabi, func(s *evSpec) {
					s.id, s.parties, s.city, s.country, s.url = "s3", "UA US", "Dubai", "AE", "https://c.example/s3"
				}), round: 0},
			},
			wantRounds: 1,
		},
		{
			name: "postponed to a new date, revived and postponed again: one round, four alerts",
			steps: []step{
				{ev: abuDhabi, want: NewRound, round: 0},
				{ev: with(abuDhabi, func(s *evSpec) {
					s.id, s.status, s.start, s.end, s.url, s.published = "p1", Postponed, "2026-02-06", "", "https://b.example/p1", "2026-01-22T08:00:00Z"
				}), want: RoundUpdated, round: 0, change: "status: scheduled → postponed; dates: Jan 23–24 → Feb 6"},
				{ev: with(abuDhabi, func(s *evSpec) {
					s.id, s.start, s.end, s.url, s.published = "p2", "2026-02-06", "", "https://b.example/p2", "2026-01-24T08:00:00Z"
				}), want: RoundUpdated, round: 0, change: "status: postponed → scheduled"},
				{ev: with(abuDhabi, func(s *evSpec) {
					s.id, s.status, s.start, s.end, s.url, s.published = "p3", Postponed, "", "", "https://b.example/p3", "2026-01-26T08:00:00Z"
				}), want: RoundUpdated, round: 0, change: "status: scheduled → postponed"},
			},
			wantRounds: 1,
		},
		{
			name: "a passing remark with neither a start nor a place starts no round",
			steps: []step{
				{ev: evSpec{id: "f1", parties: "RU UA", end: "2026-01-30", status: Underway, aside: true,
					url: "https://a.example/f1", published: "2026-01-27T09:00:00Z"}, round: -1},
			},
			wantRounds: 0,
		},
		{
			name: "same parties and city weeks apart are separate rounds",
			steps: []step{
				{ev: evSpec{id: "i1", parties: "RU UA", city: "Istanbul", start: "2025-05-16", status: Held,
					url: "https://a.example/i1", published: "2025-05-16T18:00:00Z"}, want: NewRound, round: 0},
				{ev: evSpec{id: "i2", parties: "RU UA", city: "Istanbul", start: "2025-06-02", status: Held,
					url: "https://a.example/i2", published: "2025-06-02T18:00:00Z"}, want: NewRound, round: 1},
			},
			wantRounds: 2,
		},
		{
			name: "cancellation from an older article is ignored, from a newer one is an update",
			steps: []step{
				{ev: abuDhabi, want: NewRound},
				{ev: with(abuDhabi, func(s *evSpec) {
					s.id, s.url, s.published, s.status = "k2", "https://b.example/k2", "2026-01-20T08:00:00Z", Cancelled
				})},
				{ev: with(abuDhabi, func(s *evSpec) {
					s.id, s.url, s.published, s.status = "k3", "https://c.example/k3", "2026-01-22T08:00:00Z", Postponed
				}), want: RoundUpdated, change: "status: scheduled → postponed"},
			},
			wantRounds: 1,
		},
		{
			name: "undated report joins the nearest round; undated held report is dated at publication",
			steps: []step{
				{ev: abuDhabi, want: NewRound, round: 0},
				{ev: evSpec{id: "u1", parties: "RU UA US", status: Underway, url: "https://b.example/u1",
					published: "2026-01-23T09:00:00Z"}, want: RoundUpdated, round: 0, change: "status: scheduled → underway"},
				{ev: evSpec{id: "u2", parties: "RU UA US", status: Held, url: "https://b.example/u2",
					published: "2026-03-10T09:00:00Z"}, want: NewRound, round: 1},
			},
			wantRounds: 2,
			check: func(t *testing.T, set Set) {
				r := set.Rounds[1].Round
				if Date(r.Start) != "2026-03-10" || r.Precision != Day {
					t.Errorf("undated held round dated %s (%v), want its publication day", Date(r.Start), r.Precision)
				}
			},
		},
		{
			name: "a meeting still to come is not the round that ended before the report",
			steps: []step{
				{ev: with(abuDhabi, func(s *evSpec) { s.status, s.published = Held, "2026-01-25T08:00:00Z" }), want: NewRound, round: 0},
				{ev: evSpec{id: "n1", parties: "RU UA US", start: "2026-01-26", end: "2026-02-01", prec: Week, status: Scheduled,
					url: "https://b.example/n1", published: "2026-01-26T09:00:00Z"}, want: NewRound, round: 1},
			},
			wantRounds: 2,
		},
		{
			name: "an undated mention in passing joins a known round but starts none",
			steps: []step{
				{ev: evSpec{id: "a1", parties: "UA US", city: "Davos", status: Held, url: "https://b.example/a1",
					published: "2026-01-26T09:00:00Z", aside: true}, round: -1},
				{ev: abuDhabi, want: NewRound, round: 0},
				{ev: evSpec{id: "a2", parties: "RU UA US", status: Underway, url: "https://b.example/a2",
					published: "2026-01-23T09:00:00Z", aside: true}, want: RoundUpdated, round: 0, change: "status: scheduled → underway"},
			},
			wantRounds: 1,
		},
		{
			name: "a report naming one day of a known two-day meeting keeps both days",
			steps: []step{
				{ev: abuDhabi, want: NewRound},
				{ev: with(abuDhabi, func(s *evSpec) {
					s.id, s.url, s.published, s.start, s.end = "o2", "https://b.example/o2", "2026-01-23T08:00:00Z", "2026-01-23", ""
				})},
				{ev: with(abuDhabi, func(s *evSpec) {
					s.id, s.url, s.published, s.start, s.end = "o3", "https://b.example/o3", "2026-01-23T09:00:00Z", "2026-01-24", "2026-01-25"
				}), want: RoundUpdated, change: "dates: Jan 23–24 → Jan 24–25"},
			},
			wantRounds: 1,
		},
		{
			name: "a report weeks later of 'last month's talks' keeps the known days",
			steps: []step{
				{ev: abuDhabi, want: NewRound},
				{ev: with(abuDhabi, func(s *evSpec) {
					s.id, s.url, s.published, s.start, s.end, s.prec = "m2", "https://b.example/m2", "2026-02-20T08:00:00Z", "2026-01-01", "2026-01-31", Month
				})},
			},
			wantRounds: 1,
			check: func(t *testing.T, set Set) {
				r := set.Rounds[0].Round
				if Date(r.Start) != "2026-01-23" || r.Precision != Day {
					t.Errorf("dates = %s..%s (%v), want the known days", Date(r.Start), Date(r.End), r.Precision)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var set Set
			for i, s := range tc.steps {
				res := policy.Fold(&set, s.ev.event(), now)
				if res.Replay {
					t.Fatalf("step %d: unexpected replay", i)
				}
				var got Kind
				if res.Alert != nil {
					got = res.Alert.Kind
				}
				if got != s.want {
					change := ""
					if res.Alert != nil {
						change = res.Alert.Change
					}
					t.Fatalf("step %d (%s): alert %q (%s), want %q", i, s.ev.id, got, change, s.want)
				}
				if res.Index != s.round {
					t.Errorf("step %d: round %d, want %d", i, res.Index, s.round)
				}
				if s.change != "" && !strings.Contains(res.Alert.Change, s.change) {
					t.Errorf("step %d: change %q, want it to contain %q", i, res.Alert.Change, s.change)
				}
			}
			if len(set.Rounds) != tc.wantRounds {
				t.Fatalf("%d rounds, want %d", len(set.Rounds), tc.wantRounds)
			}
			if tc.check != nil {
				tc.check(t, set)
			}
		})
	}
}

func TestFoldRedeliveredEventReplaysLastAlert(t *testing.T) {
	now := ts("2026-03-01T00:00:00Z")
	e := evSpec{id: "e1", parties: "RU UA US", city: "Abu Dhabi", start: "2026-01-23", end: "2026-01-24",
		status: Scheduled, url: "https://wire.example/abu-dhabi", published: "2026-01-21T08:00:00Z"}.event()
	var set Set
	first := policy.Fold(&set, e, now)
	if first.Alert == nil || !first.Changed || !first.Created {
		t.Fatalf("first fold = %+v", first)
	}
	again := policy.Fold(&set, e, now.Add(time.Hour))
	if !again.Replay || again.Changed || again.Alert == nil || again.Alert.ID != first.Alert.ID {
		t.Fatalf("redelivery = %+v, want a replay of %s without change", again, first.Alert.ID)
	}
	if n := set.Rounds[0].Round.ArticleCount(); n != 1 {
		t.Errorf("article count %d after redelivery", n)
	}
}

func TestAlertIDIsStable(t *testing.T) {
	e := evSpec{id: "e1", parties: "RU US", city: "Riyadh", start: "2025-02-18", status: Scheduled,
		url: "https://a.example/1", published: "2025-02-16T08:00:00Z"}.event()
	var a, b Set
	ra := policy.Fold(&a, e, ts("2025-02-16T08:00:01Z"))
	rb := policy.Fold(&b, e, ts("2026-07-01T00:00:00Z"))
	if ra.Alert.ID != rb.Alert.ID || len(ra.Alert.ID) != 16 {
		t.Fatalf("ids %q and %q: want one stable 16-hex id", ra.Alert.ID, rb.Alert.ID)
	}
	if !strings.HasPrefix(ra.Alert.Round.ID, "r") || len(ra.Alert.Round.ID) != 16 {
		t.Errorf("round id %q", ra.Alert.Round.ID)
	}
	// A second source of the same facts would give the same id for the same change.
	if !ra.Alert.Round.FirstSeen.Equal(ts("2025-02-16T08:00:00Z")) {
		t.Errorf("first seen %v, want the article's publication", ra.Alert.Round.FirstSeen)
	}
}

// An alert stored but never noted as published is handed back once, before the alert that
// supersedes it; a published one never is.
func TestFoldHandsBackAnUnpublishedAlert(t *testing.T) {
	now := ts("2026-03-01T00:00:00Z")
	e := evSpec{id: "u1", parties: "RU UA US", city: "Geneva", start: "2026-02-17", end: "2026-02-18",
		status: Scheduled, url: "https://a.example/u1", published: "2026-02-10T08:00:00Z"}
	var set Set
	first := policy.Fold(&set, e.event(), now)
	e.id, e.url, e.status, e.published = "u2", "https://a.example/u2", Postponed, "2026-02-12T08:00:00Z"
	second := policy.Fold(&set, e.event(), now)
	if second.Pending == nil || second.Pending.ID != first.Alert.ID || second.Alert == nil {
		t.Fatalf("second fold = %+v, want the first alert handed back", second)
	}
	set.Rounds[0].Published = true
	e.id, e.url, e.status, e.published = "u3", "https://a.example/u3", Scheduled, "2026-02-14T08:00:00Z"
	third := policy.Fold(&set, e.event(), now)
	if third.Pending != nil || third.Alert == nil {
		t.Fatalf("third fold = %+v, want a new alert and nothing handed back", third)
	}
	if ids := []string{first.Alert.ID, second.Alert.ID, third.Alert.ID}; ids[0] == ids[1] || ids[1] == ids[2] || ids[0] == ids[2] {
		t.Errorf("alert ids %v are not one per change", ids)
	}
	set.Rounds[0].Published = true
	if again := policy.Fold(&set, e.event(), now); !again.Replay || again.Alert != nil {
		t.Errorf("redelivery of a published change = %+v, want a replay that sends nothing", again)
	}
}
