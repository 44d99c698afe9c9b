package round

import "time"

// stoppedReach is how far ahead of its article a postponement or cancellation may find the
// round it calls off.
const stoppedReach = 92 * day

// Reach is the span of days in which a report of the round could fall and still be matched
// to it: its dates widened by their precision, or, for an undated round, the days it was
// reported on widened by undatedReach. Two reports can be one meeting only when their
// reaches meet, so an index of rounds by the days of their reach finds every candidate.
func Reach(st State) (lo, hi time.Time) {
	r := st.Round
	if r.Dated() {
		s := time.Duration(r.Precision.slack()) * day
		return r.Start.Add(-s), r.End.Add(s)
	}
	s := undatedReach * day
	return dayOf(r.FirstSeen).Add(-s), dayOf(st.LatestPublished).Add(s)
}

// EventReach is the span of days in which the rounds ev may report lie (see Reach).
func EventReach(ev Event, now time.Time) (lo, hi time.Time) {
	ev = normEvent(ev)
	pub := dayOf(ev.Article.Published)
	if pub.IsZero() {
		pub = dayOf(now)
	}
	if ev.Dated() {
		s := time.Duration(ev.Precision.slack()) * day
		lo, hi = ev.Start.Add(-s), ev.End.Add(s)
	} else {
		lo, hi = pub.Add(-undatedReach*day), pub.Add(undatedReach*day)
	}
	if ev.Status.stopped() {
		lo, hi = earlier(lo, pub.Add(-day)), later(hi, pub.Add(stoppedReach))
	}
	return lo, hi
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
