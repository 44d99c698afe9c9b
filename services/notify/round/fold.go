package round

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

const day = 24 * time.Hour

// undatedReach is how far (in days) from its article's publication an undated report may
// find the round it belongs to.
const undatedReach = 7

// Policy holds the tunable rules of folding.
type Policy struct {
	// RecentWindow is how long after a held round ends a first report still raises new_round.
	RecentWindow time.Duration
}

// Result says what folding one event did.
type Result struct {
	// Index of the round in Set.Rounds the event belongs to.
	Index int
	// RoundID of that round.
	RoundID string
	// Created is true when the event started a new round.
	Created bool
	// Changed is true when the Set must be written back.
	Changed bool
	// Alert to publish, if any.
	Alert *Alert
	// Replay is true when the event had been folded before and Alert is the round's stored
	// last alert: publishing it again (same id) covers a crash between store and publish.
	Replay bool
	// Previous is the alert that Alert supersedes as the round's last alert. Re-publishing it
	// first covers a crash after its store when a later event overtook the redelivery.
	Previous *Alert
}

// Fold folds ev into set (in place) and decides whether that calls for an alert. now stamps
// the alert's creation only: every judgement about time is made against the article's
// publication, so replaying an archive gives the same rounds and alerts.
func (p Policy) Fold(set *Set, ev Event, now time.Time) Result {
	ev = normEvent(ev)
	for i := range set.Rounds {
		if slices.Contains(set.Rounds[i].EventIDs, ev.ID) {
			return Result{Index: i, RoundID: set.Rounds[i].Round.ID, Alert: cloneAlert(set.Rounds[i].LastAlert), Replay: true}
		}
	}
	ref := ev.Article.Published
	if ref.IsZero() {
		ref = now
	}
	res := Result{Changed: true}
	res.Index = p.match(set, ev, ref)
	if res.Index < 0 && !ev.Dated() && !ev.Primary {
		// An undated mention in passing ("Trump met Zelensky in Davos") is background: it may
		// add a source to a round already known, but it cannot date a new one, and dating it at
		// publication would announce an old meeting as news.
		return Result{Index: -1}
	}
	if res.Index < 0 {
		set.Rounds = append(set.Rounds, newState(ev, ref))
		res.Index = len(set.Rounds) - 1
		res.Created = true
	} else {
		p.merge(&set.Rounds[res.Index], ev, ref)
	}
	st := &set.Rounds[res.Index]
	res.RoundID = st.Round.ID
	st.EventIDs = append(st.EventIDs, ev.ID)
	if a := p.decide(st, ref, now); a != nil {
		res.Previous = cloneAlert(st.LastAlert)
		st.LastAlert = a
		res.Alert = cloneAlert(a)
	}
	return res
}

// match returns the index of the round ev reports, or -1. Among candidates it prefers a named
// city over an unknown one, then the nearest dates.
func (p Policy) match(set *Set, ev Event, ref time.Time) int {
	best, bestGap, bestExact := -1, 0, false
	for i := range set.Rounds {
		st := &set.Rounds[i]
		if !slices.Equal(st.Round.Parties, ev.Parties) {
			continue
		}
		exact, ok := sameCity(st.Round.Location.City, ev.Location.City)
		if !ok {
			continue
		}
		if ev.Status == Scheduled && st.Round.Status == Held && st.Round.Dated() && st.Round.End.Before(dayOf(ref)) {
			// A meeting still to come is not one that already ended before the report was
			// written, however close the dates ("later this week" after last weekend's round).
			continue
		}
		gap, ok := dateGap(st, ev, ref)
		if !ok {
			continue
		}
		if best < 0 || exact && !bestExact || exact == bestExact && gap < bestGap {
			best, bestGap, bestExact = i, gap, exact
		}
	}
	return best
}

func sameCity(a, b string) (exact, ok bool) {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == "" || b == "" {
		return false, true
	}
	if strings.EqualFold(a, b) {
		return true, true
	}
	return false, false
}

// dateGap is the distance in days between ev and the round, and whether that is close enough
// for them to be one meeting.
func dateGap(st *State, ev Event, ref time.Time) (int, bool) {
	r := st.Round
	pub := dayOf(ref)
	switch {
	case ev.Dated() && r.Dated():
		gap := spanGap(ev.Start, ev.End, r.Start, r.End)
		return gap, gap <= max(ev.Precision.slack(), r.Precision.slack())
	case r.Dated():
		gap := spanGap(pub, pub, r.Start, r.End)
		return gap, gap <= undatedReach
	default:
		// An undated round is placed where its reports were published.
		gap := spanGap(pub, pub, dayOf(r.FirstSeen), dayOf(st.LatestPublished))
		return gap, gap <= undatedReach
	}
}

// spanGap is the number of days between two closed day spans, 0 when they overlap.
func spanGap(a0, a1, b0, b1 time.Time) int {
	gap := max(b0.Sub(a1), a0.Sub(b1), 0)
	return int(gap / day)
}

func newState(ev Event, ref time.Time) State {
	r := Round{
		ID:           roundID(ev.ID),
		Parties:      ev.Parties,
		Mediators:    ev.Mediators,
		Location:     ev.Location,
		Start:        ev.Start,
		End:          ev.End,
		Precision:    ev.Precision,
		Status:       ev.Status,
		Participants: ev.Participants,
		Topics:       ev.Topics,
		Sources:      []Article{ev.Article},
		FirstSeen:    ref,
		RoundNumber:  ev.RoundNumber,
	}
	if !r.Dated() && r.Status == Held {
		// "Talks were held" with no date is news of the day it was published.
		r.Start, r.End, r.Precision = dayOf(ref), dayOf(ref), Day
	}
	return State{Round: r, LatestPublished: ref}
}

func roundID(eventID string) string {
	sum := sha256.Sum256([]byte(eventID))
	return "r" + hex.EncodeToString(sum[:])[:15]
}

func (p Policy) merge(st *State, ev Event, ref time.Time) {
	r := &st.Round
	newer := !ref.Before(st.LatestPublished)

	switch {
	case ev.Status == StatusUnknown:
	case r.Status == Held:
		// A meeting that took place stays held; "called off" news of it is about something
		// else (a later session, a follow-up) that happens to match.
	case ev.Status.stopped() || r.Status.stopped():
		// Calling a meeting off, and reviving it afterwards, are news only when newer than
		// what is known.
		if newer {
			r.Status = ev.Status
		}
	case ev.Status.progress() > r.Status.progress():
		r.Status = ev.Status
	}

	if ev.Dated() {
		switch {
		case !r.Dated(), ev.Precision < r.Precision:
			r.Start, r.End, r.Precision = ev.Start, ev.End, ev.Precision
		case ev.Precision == Day && r.Precision == Day && newer && p.current(ev.End, ref) &&
			!(!ev.Start.Before(r.Start) && !ev.End.After(r.End)):
			// A newer exact report corrects the dates, unless it just names some of the days
			// already known ("talks on Friday" of a Friday–Saturday meeting) or is a later
			// article looking back.
			r.Start, r.End = ev.Start, ev.End
		}
	}

	if r.Location.City == "" && ev.Location.City != "" {
		r.Location.City = ev.Location.City
		if ev.Location.Country != "" {
			r.Location.Country = ev.Location.Country
		}
	}
	if r.Location.Country == "" {
		r.Location.Country = ev.Location.Country
	}
	if r.Location.Venue == "" {
		r.Location.Venue = ev.Location.Venue
	}
	r.Mediators = unionSorted(r.Mediators, ev.Mediators)
	r.Topics = unionSorted(r.Topics, ev.Topics)
	r.Participants = unionParticipants(r.Participants, ev.Participants)
	if !slices.ContainsFunc(r.Sources, func(a Article) bool { return a.URL == ev.Article.URL }) {
		r.Sources = append(r.Sources, ev.Article)
	}
	if r.RoundNumber == 0 {
		r.RoundNumber = ev.RoundNumber
	}
	if ref.Before(r.FirstSeen) {
		r.FirstSeen = ref
	}
	if newer {
		st.LatestPublished = ref
	}
}

// current reports whether a report published at ref is news about a meeting ending on end,
// rather than a look back at it.
func (p Policy) current(end, ref time.Time) bool {
	return end.IsZero() || end.Add(day).After(ref.Add(-p.RecentWindow))
}

// decide returns the alert the round now calls for, or nil. A round is alerted when first
// reported while upcoming, under way or recently held, and again for each real change of its
// facts; a report looking back at an old meeting enriches it silently.
func (p Policy) decide(st *State, ref, now time.Time) *Alert {
	r := st.Round
	if !p.current(r.End, ref) {
		return nil
	}
	if st.LastAlert == nil {
		if r.Status.progress() == 0 {
			return nil
		}
		return newAlert(NewRound, "", r, now)
	}
	change := Change(st.LastAlert.Round, r)
	if change == "" {
		return nil
	}
	return newAlert(RoundUpdated, change, r, now)
}

func newAlert(kind Kind, change string, r Round, now time.Time) *Alert {
	r = cloneRound(r)
	sum := sha256.Sum256([]byte(r.ID + string(kind) + fingerprint(r)))
	return &Alert{
		ID:        hex.EncodeToString(sum[:])[:16],
		Kind:      kind,
		Change:    change,
		Round:     r,
		Headline:  Headline(r),
		Summary:   Summary(r, change),
		CreatedAt: now,
	}
}

// fingerprint covers the facts whose change is worth an alert; sources are not among them.
func fingerprint(r Round) string {
	return strings.Join([]string{
		r.Status.String(), dateString(r.Start), dateString(r.End),
		strings.ToLower(strings.TrimSpace(r.Location.City)), strings.Join(r.Parties, ","),
	}, "|")
}

// Change describes how the alert-worthy facts of now differ from was, "" when they do not.
func Change(was, now Round) string {
	var parts []string
	if was.Status != now.Status {
		parts = append(parts, "status: "+was.Status.String()+" → "+now.Status.String())
	}
	if !was.Start.Equal(now.Start) || !was.End.Equal(now.End) {
		if was.Dated() {
			parts = append(parts, "dates: "+shortDates(was)+" → "+shortDates(now))
		} else {
			parts = append(parts, "dates: "+shortDates(now))
		}
	}
	wc, nc := strings.TrimSpace(was.Location.City), strings.TrimSpace(now.Location.City)
	if !strings.EqualFold(wc, nc) {
		if wc == "" {
			parts = append(parts, "venue: "+nc)
		} else {
			parts = append(parts, "venue: "+wc+" → "+nc)
		}
	}
	if !slices.Equal(was.Parties, now.Parties) {
		parts = append(parts, "parties: "+strings.Join(was.Parties, ", ")+" → "+strings.Join(now.Parties, ", "))
	}
	return strings.Join(parts, "; ")
}

func dateString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func dayOf(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// normEvent puts an event into the canonical form the rules assume: upper-case sorted codes,
// day-aligned dates with an end, a precision whenever there is a date.
func normEvent(ev Event) Event {
	ev.Parties = normCodes(ev.Parties)
	ev.Mediators = normCodes(ev.Mediators)
	ev.Topics = unionSorted(nil, ev.Topics)
	ev.Participants = unionParticipants(nil, ev.Participants)
	ev.Location.City = strings.TrimSpace(ev.Location.City)
	ev.Start, ev.End = dayOf(ev.Start), dayOf(ev.End)
	if ev.Start.IsZero() {
		ev.Start, ev.End = ev.End, time.Time{}
	}
	if ev.End.IsZero() || ev.End.Before(ev.Start) {
		ev.End = ev.Start
	}
	if ev.Dated() && ev.Precision == PrecisionUnknown {
		ev.Precision = Day
	}
	if !ev.Dated() {
		ev.Precision = PrecisionUnknown
	}
	return ev
}

func normCodes(codes []string) []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		if c = strings.ToUpper(strings.TrimSpace(c)); c != "" {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func unionSorted(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	for _, s := range slices.Concat(a, b) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// unionParticipants keeps one entry per name, filling in a side or role a later report adds.
func unionParticipants(a, b []Participant) []Participant {
	out := slices.Clone(a)
	for _, p := range b {
		p.Name = strings.TrimSpace(p.Name)
		if p.Name == "" {
			continue
		}
		i := slices.IndexFunc(out, func(q Participant) bool { return strings.EqualFold(q.Name, p.Name) })
		if i < 0 {
			out = append(out, p)
			continue
		}
		if out[i].Party == "" {
			out[i].Party = p.Party
		}
		if out[i].Role == "" {
			out[i].Role = p.Role
		}
	}
	return out
}

func cloneRound(r Round) Round {
	r.Parties = slices.Clone(r.Parties)
	r.Mediators = slices.Clone(r.Mediators)
	r.Participants = slices.Clone(r.Participants)
	r.Topics = slices.Clone(r.Topics)
	r.Sources = slices.Clone(r.Sources)
	return r
}

func cloneAlert(a *Alert) *Alert {
	if a == nil {
		return nil
	}
	c := *a
	c.Round = cloneRound(a.Round)
	return &c
}
