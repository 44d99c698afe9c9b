// Package round is notify's domain: folding negotiation events reported by many articles into
// rounds (one per real meeting), deciding which folds are worth an alert, and wording the
// alert. It knows nothing of NATS or protobuf, so every rule here is testable as plain data.
package round

import (
	"strings"
	"time"
)

// Status is where a meeting stands, as reported.
type Status int

// Statuses. Scheduled < Underway < Held is the only direction a round moves, except that a
// newer article may cancel or postpone it (or revive it afterwards).
const (
	StatusUnknown Status = iota
	Scheduled
	Underway
	Held
	Cancelled
	Postponed
)

func (s Status) String() string {
	switch s {
	case Scheduled:
		return "scheduled"
	case Underway:
		return "underway"
	case Held:
		return "held"
	case Cancelled:
		return "cancelled"
	case Postponed:
		return "postponed"
	}
	return "unknown"
}

// ParseStatus accepts "held" as well as the protobuf enum name "STATUS_HELD", since
// subscription filters are written by people who may copy either.
func ParseStatus(s string) (Status, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "status_")
	for st := Scheduled; st <= Postponed; st++ {
		if st.String() == s {
			return st, true
		}
	}
	return StatusUnknown, false
}

// progress orders the statuses a meeting passes through; cancelled and postponed are off
// that line.
func (s Status) progress() int {
	switch s {
	case Scheduled:
		return 1
	case Underway:
		return 2
	case Held:
		return 3
	}
	return 0
}

func (s Status) stopped() bool { return s == Cancelled || s == Postponed }

// Precision says how exactly a round's dates are known.
type Precision int

// Precisions, most exact first.
const (
	PrecisionUnknown Precision = iota
	Day
	Week
	Month
	Season
)

func (p Precision) String() string {
	switch p {
	case Day:
		return "day"
	case Week:
		return "week"
	case Month:
		return "month"
	case Season:
		return "season"
	}
	return "unknown"
}

// slack is how far apart two reports of one meeting may put it: a "next week" report must
// still meet the exact date that follows it.
func (p Precision) slack() int {
	switch p {
	case Week:
		return 7
	case Month:
		return 31
	case Season:
		return 92
	}
	return 1
}

// Article is a published report: the source of events and rounds.
type Article struct {
	URL, Title, Source string
	Published          time.Time
}

// Location is where a meeting is held.
type Location struct {
	City, Country, Venue string
}

// Participant is a person taking part for a side.
type Participant struct {
	Name, Party, Role string
}

// Event is one meeting as one article reports it.
type Event struct {
	ID           string
	Article      Article
	Status       Status
	Parties      []string
	Mediators    []string
	Location     Location
	Start, End   time.Time // UTC midnight; zero when not reported
	Precision    Precision
	Participants []Participant
	Topics       []string
	RoundNumber  int
	// Primary marks the meeting its article is mainly about; the others are mentions in passing.
	Primary bool
	// Confidence of the extraction, 0..1; 0 counts as an average report.
	Confidence float64

	// startGiven records, before normEvent fills Start from End, whether the report named
	// the day the meeting starts.
	startGiven bool
}

// Dated reports whether the event gives a date.
func (e Event) Dated() bool { return !e.Start.IsZero() }

// Round is one meeting as Parley knows it from every article that reported it.
type Round struct {
	ID           string
	Parties      []string
	Mediators    []string
	Location     Location
	Start, End   time.Time // UTC midnight; zero when unknown; End is never before Start
	Precision    Precision
	Status       Status
	Participants []Participant
	Topics       []string
	// Sources is a bounded selection of the articles behind the round (see maxSources);
	// Articles counts them all.
	Sources     []Article
	Articles    int
	FirstSeen   time.Time
	RoundNumber int
}

// Dated reports whether the round's dates are known.
func (r Round) Dated() bool { return !r.Start.IsZero() }

// ArticleCount is the number of distinct articles behind the round.
func (r Round) ArticleCount() int { return max(r.Articles, len(r.Sources)) }

// Kind of alert.
type Kind string

// Alert kinds (SPEC section 5).
const (
	NewRound     Kind = "new_round"
	RoundUpdated Kind = "round_updated"
)

// Alert is what subscribers receive.
type Alert struct {
	ID        string
	Kind      Kind
	Change    string
	Round     Round
	Headline  string
	Summary   string
	CreatedAt time.Time
}

// Report is one event's reading of a round's facts, kept so the round can be read again
// from all of them when another report arrives.
type Report struct {
	EventID    string
	Published  time.Time
	Confidence float64
	Status     Status
	Parties    []string
	Mediators  []string
	Location   Location
	Start, End time.Time
	Precision  Precision
}

// State is a round plus what notify needs to fold further events into it. Every list in it
// is bounded, so a round's stored value stays small however long it is reported on.
type State struct {
	Round Round
	// Reports are the newest readings of the round (at most maxReports).
	Reports []Report
	// RecentEvents are the ids of the newest events folded in (at most maxRecentEvents), so a
	// redelivery that reaches the round changes nothing even if the event-id record is gone.
	RecentEvents []string
	// LastAlert is the newest alert emitted for the round; nil when never alerted.
	LastAlert *Alert
	// Seq counts the alerts emitted for the round; it numbers each change's alert id.
	Seq int
	// Published says LastAlert is known to be on the alerts stream, so nothing re-sends it.
	Published bool
	// LatestPublished is the publication time of the newest article folded in.
	LatestPublished time.Time
}

// Set holds rounds in memory: the candidates an event is folded against.
type Set struct {
	Rounds []State
}
