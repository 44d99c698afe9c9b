package round

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
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

// Bounds on what a round keeps, so its stored value cannot grow with its history.
const (
	maxReports      = 32
	maxRecentEvents = 48
	maxSources      = 16
	firstSources    = 4 // of maxSources, the earliest are kept: they broke the news
	maxParticipants = 40
	maxTitle        = 160 // runes of a source's title kept
	maxOutlet       = 60  // runes of an outlet's name kept
)

// clip shortens s to n runes: a feed decides how long its titles are, the round's stored
// size must not depend on it.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// Result says what folding one event did.
type Result struct {
	// Index of the round in Set.Rounds the event belongs to; -1 when it was not folded.
	Index int
	// RoundID of that round.
	RoundID string
	// Created is true when the event started a new round.
	Created bool
	// Changed is true when the round must be written back.
	Changed bool
	// Alert to publish, if any.
	Alert *Alert
	// Replay is true when the event had been folded before. Alert is then the round's last
	// alert if it is not known to be published (a crash between store and publish).
	Replay bool
	// Pending is the alert that Alert supersedes when that one was stored but never known to
	// be published: a crash hit between its store and its publish, and this event overtook
	// the redelivery. Publishing it first (same id) loses no change.
	Pending *Alert
}

// Fold folds ev into one of the rounds in set (in place), or appends a new round, and decides
// whether that calls for an alert. now stamps the alert's creation only: every judgement
// about time is made against the article's publication, so replaying an archive gives the
// same rounds and alerts.
func (p Policy) Fold(set *Set, ev Event, now time.Time) Result {
	ev = normEvent(ev)
	for i := range set.Rounds {
		st := &set.Rounds[i]
		if slices.Contains(st.RecentEvents, ev.ID) {
			res := Result{Index: i, RoundID: st.Round.ID, Replay: true}
			if !st.Published {
				res.Alert = cloneAlert(st.LastAlert)
			}
			return res
		}
	}
	ref := ev.Article.Published
	if ref.IsZero() {
		ref = now
	}
	res := Result{Changed: true, Index: p.match(set, ev, ref)}
	if res.Index < 0 && !canStart(ev) {
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
	st.RecentEvents = keepLast(append(st.RecentEvents, ev.ID), maxRecentEvents)
	if a := p.decide(st, ref, now); a != nil {
		if st.LastAlert != nil && !st.Published {
			res.Pending = cloneAlert(st.LastAlert)
		}
		st.LastAlert, st.Published = a, false
		res.Alert = cloneAlert(a)
	}
	return res
}

// canStart says whether a report that matches no known round may start one. An undated
// mention in passing ("Trump met Zelensky in Davos") is background: dating it at publication
// would announce an old meeting as news. Nor does a passing remark with no place and no start
// ("the talks are due to end on Friday") describe a meeting well enough to announce it.
func canStart(ev Event) bool {
	if ev.Primary {
		return true
	}
	return ev.Dated() && (ev.startGiven || ev.Location.City != "")
}

func keepLast[T any](s []T, n int) []T {
	if len(s) <= n {
		return s
	}
	return slices.Clone(s[len(s)-n:])
}

// match returns the index of the round ev reports, or -1. A report is of a round when the
// sides overlap, the places agree and the times meet; among candidates it prefers the
// closest place, then the widest overlap of sides, then the nearest dates.
func (p Policy) match(set *Set, ev Event, ref time.Time) int {
	best, bestScore := -1, [3]int{}
	for i := range set.Rounds {
		st := &set.Rounds[i]
		overlap := sidesOverlap(st.Round, ev)
		if overlap == 0 {
			continue
		}
		if ev.Status == Scheduled && st.Round.Status == Held && st.Round.Dated() && st.Round.End.Before(dayOf(ref)) {
			// A meeting still to come is not one that already ended before the report was
			// written, however close the dates ("later this week" after last weekend's round).
			continue
		}
		gap, ok := dateGap(st, ev, ref)
		if !ok && refersTo(st, ev, ref) {
			gap, ok = undatedReach, true
		}
		if !ok {
			continue
		}
		place := placeAgreement(st.Round.Location, ev.Location)
		if place < 0 && moved(st, ev, gap) {
			place = 0
		}
		if place < 0 {
			continue
		}
		score := [3]int{place, overlap, -gap}
		if best < 0 || slices.Compare(score[:], bestScore[:]) > 0 {
			best, bestScore = i, score
		}
	}
	return best
}

// sidesOverlap scores how far ev's sides are the round's: 0 for another meeting. A side
// named as a mediator in one report and as a party in another, a side left out, an ally
// added, all leave the same meeting; two sides in common (or all of the smaller list) make it.
func sidesOverlap(r Round, ev Event) int {
	if !slices.ContainsFunc(ev.Parties, func(c string) bool {
		return slices.Contains(r.Parties, c) || slices.Contains(r.Mediators, c)
	}) {
		return 0
	}
	a := unionSorted(ev.Parties, ev.Mediators)
	b := unionSorted(r.Parties, r.Mediators)
	n := 0
	for _, c := range a {
		if slices.Contains(b, c) {
			n++
		}
	}
	if n < min(2, len(a), len(b)) {
		return 0
	}
	return n
}

// placeAgreement is 3 for the same city, 2 when either city is unknown, 1 for another city
// of the same country, and -1 for places that cannot be one meeting.
func placeAgreement(a, b Location) int {
	ac, bc := strings.TrimSpace(a.City), strings.TrimSpace(b.City)
	switch {
	case ac == "" || bc == "":
		return 2
	case strings.EqualFold(ac, bc):
		return 3
	case a.Country != "" && strings.EqualFold(a.Country, b.Country):
		return 1
	}
	return -1
}

// moved says whether a report placing the round elsewhere is news of a move: the same sides
// cannot meet in two places on the same days, so an exact report of those days elsewhere,
// before the round took place, moves it.
func moved(st *State, ev Event, gap int) bool {
	return gap == 0 && ev.Dated() && st.Round.Dated() && ev.Precision == Day &&
		st.Round.Status != Held && ev.Status != Cancelled
}

// refersTo says whether a postponement or cancellation is about a round still to come, even
// though the new date it gives (or its lack of one) is far from the round's.
func refersTo(st *State, ev Event, ref time.Time) bool {
	r := st.Round
	pub := dayOf(ref)
	if !ev.Status.stopped() || r.Status == Held || !r.Dated() || r.End.Before(pub.Add(-day)) || r.Start.After(pub.Add(stoppedReach)) {
		return false
	}
	if !ev.Dated() {
		return true
	}
	return !ev.Start.Before(r.Start) && ev.Start.Sub(r.Start) <= stoppedReach
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
	st := State{Round: Round{ID: roundID(ev.ID), FirstSeen: ref}, LatestPublished: ref}
	addReport(&st, ev, ref)
	r := &st.Round
	r.Parties, r.Mediators = ev.Parties, ev.Mediators
	r.Location, r.Status = ev.Location, ev.Status
	r.Start, r.End, r.Precision = ev.Start, ev.End, ev.Precision
	r.Participants, r.Topics, r.RoundNumber = ev.Participants[:min(len(ev.Participants), maxParticipants)], ev.Topics, ev.RoundNumber
	if !r.Dated() && r.Status == Held {
		// "Talks were held" with no date is news of the day it was published.
		r.Start, r.End, r.Precision = dayOf(ref), dayOf(ref), Day
	}
	return st
}

func roundID(eventID string) string {
	sum := sha256.Sum256([]byte(eventID))
	return "r" + hex.EncodeToString(sum[:])[:15]
}

// merge adds ev to the round's reports and reads the round again from all of them.
func (p Policy) merge(st *State, ev Event, ref time.Time) {
	addReport(st, ev, ref)
	r := &st.Round
	p.reread(st)
	r.Topics = unionSorted(r.Topics, ev.Topics)
	if len(r.Participants) < maxParticipants {
		r.Participants = unionParticipants(r.Participants, ev.Participants)
		r.Participants = r.Participants[:min(len(r.Participants), maxParticipants)]
	}
	if r.RoundNumber == 0 {
		r.RoundNumber = ev.RoundNumber
	}
	if ref.Before(r.FirstSeen) {
		r.FirstSeen = ref
	}
	if ref.After(st.LatestPublished) {
		st.LatestPublished = ref
	}
}

// addReport records ev's reading and its article, dropping the oldest when over the bounds.
func addReport(st *State, ev Event, ref time.Time) {
	st.Reports = append(st.Reports, Report{
		EventID: ev.ID, Published: ref, Confidence: ev.Confidence, Status: ev.Status,
		Parties: ev.Parties, Mediators: ev.Mediators, Location: ev.Location,
		Start: ev.Start, End: ev.End, Precision: ev.Precision,
	})
	slices.SortStableFunc(st.Reports, func(a, b Report) int { return a.Published.Compare(b.Published) })
	st.Reports = keepLast(st.Reports, maxReports)

	r := &st.Round
	if slices.ContainsFunc(r.Sources, func(a Article) bool { return a.URL == ev.Article.URL }) {
		return
	}
	r.Articles = r.ArticleCount() + 1
	a := ev.Article
	a.Title, a.Source = clip(a.Title, maxTitle), clip(a.Source, maxOutlet)
	r.Sources = append(r.Sources, a)
	if len(r.Sources) > maxSources {
		r.Sources = slices.Delete(r.Sources, firstSources, firstSources+1)
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
	kind, change := NewRound, ""
	if st.LastAlert == nil {
		if r.Status.progress() == 0 {
			return nil
		}
	} else {
		kind, change = RoundUpdated, Change(st.LastAlert.Round, r)
		if change == "" {
			return nil
		}
	}
	st.Seq++
	return newAlert(kind, change, r, st.Seq, now)
}

// newAlert numbers the alert by the round's sequence: every change gets an id of its own
// (a round that flaps back to earlier facts is alerted again, under a new id), and a
// redelivered event finds the stored alert, so the id is stable across crashes.
func newAlert(kind Kind, change string, r Round, seq int, now time.Time) *Alert {
	r = cloneRound(r)
	sum := sha256.Sum256(fmt.Appendf(nil, "%s#%d", r.ID, seq))
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
	ev.startGiven = !ev.Start.IsZero()
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
