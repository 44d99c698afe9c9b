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
	Sources      []Article
	FirstSeen    time.Time
	RoundNumber  int
}

// Dated reports whether the round's dates are known.
func (r Round) Dated() bool { return !r.Start.IsZero() }

// ArticleCount is the number of distinct articles behind the round.
func (r Round) ArticleCount() int { return len(r.Sources) }

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

// State is a round plus what notify needs to fold further events into it.
type State struct {
	Round Round
	// EventIDs already folded in, so a redelivered event changes nothing.
	EventIDs []string
	// LastAlert is the newest alert emitted for the round; nil when never alerted.
	LastAlert *Alert
	// LatestPublished is the publication time of the newest article folded in.
	LatestPublished time.Time
}

// Set holds every round of one set of parties: the unit of compare-and-set storage.
type Set struct {
	Rounds []State
}

// Key names the Set that rounds between parties live in, "parties.RU-UA-US", or "" when the
// parties leave nothing to key on. Characters a KV key cannot hold are dropped.
func Key(parties []string) string {
	ps := normCodes(parties)
	var b strings.Builder
	for _, p := range ps {
		clean := strings.Map(func(r rune) rune {
			if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
				return r
			}
			return -1
		}, p)
		if clean == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(clean)
	}
	if b.Len() == 0 {
		return ""
	}
	return "parties." + b.String()
}
