// Package extract finds concrete diplomatic meetings (negotiation rounds) in
// news articles with deterministic rules over embedded gazetteer and lexicon
// data. It does no network access and loads no model.
//
// The rules are deliberately simple and honest: a meeting is a clause with a
// meeting word ("talks", "met", "summit"…) anchored by a venue ("in Geneva")
// or a date ("on Saturday", "Feb. 17-18"), with at least one negotiating side.
// Clauses that are hypothetical ("ready for talks", "could meet"), reported
// as suspended, or about something else are ignored. Mentions of the same
// meeting across the article are merged; every distinct meeting becomes an
// Event and the one the headline and lead are about is marked Primary.
package extract

import "time"

// Article is one news item. Relative dates in Text resolve against Published.
type Article struct {
	URL, Title, Source string
	// Published is the article's publication time; all relative dates
	// ("on Saturday", "yesterday", "next week") resolve against it.
	Published time.Time
	// Text is plain text; paragraphs separated by blank lines.
	Text string
	// Language is the ISO 639-1 code of the text when known ("en", "ru",
	// "uk"); it narrows which language's words are read.
	Language string
}

// Status of a meeting as reported by the article at publication time.
type Status string

// Statuses.
const (
	StatusScheduled Status = "scheduled"
	StatusUnderway  Status = "underway"
	StatusHeld      Status = "held"
	StatusCancelled Status = "cancelled"
	StatusPostponed Status = "postponed"
)

// Precision of Event.Start/End.
type Precision string

// Precisions.
const (
	PrecisionDay    Precision = "day"
	PrecisionWeek   Precision = "week"
	PrecisionMonth  Precision = "month"
	PrecisionSeason Precision = "season"
)

// Location of a meeting. Country is ISO 3166-1 alpha-2.
type Location struct{ City, Country, Venue string }

// Participant is a named person taking part in a meeting (not a commentator).
type Participant struct{ Name, Party, Role string }

// Event is one meeting found in an article.
type Event struct {
	Status Status
	// Parties and Mediators hold ISO alpha-2 codes (EU, NATO, UN for
	// organisations), sorted and deduplicated.
	Parties, Mediators []string
	Location           Location
	// Start and End are dates at 00:00 UTC; zero when unknown; End==Start
	// for a one-day meeting.
	Start, End   time.Time
	Precision    Precision
	Participants []Participant
	// Topics come from the closed list of SPEC section 4.
	Topics      []string
	RoundNumber int
	// Evidence holds the sentence(s) the event came from.
	Evidence   []string
	Confidence float64
	// Primary is true for exactly one event per article: the meeting the
	// article is mainly about.
	Primary bool
}

// StartDate returns Start as YYYY-MM-DD, or "" when unknown.
func (e Event) StartDate() string { return fmtDate(e.Start) }

// EndDate returns End as YYYY-MM-DD, or "" when unknown.
func (e Event) EndDate() string { return fmtDate(e.End) }

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// Topics is the closed list of topic identifiers (SPEC section 4).
var Topics = []string{
	"security_guarantees", "territory", "ceasefire", "peace_plan", "reconstruction",
	"prisoner_exchange", "nuclear_plant", "sanctions", "trade", "nuclear_program",
	"hostages", "humanitarian_aid",
}
