package web

import (
	"html/template"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
)

var funcs = template.FuncMap{
	"country": countryName,
	"when":    when,
	"ago":     ago,
	"dict":    dict,
}

// dict passes several values to a sub-template: dict "Title" "x" "Refresh" 0.
func dict(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		m[k] = kv[i+1]
	}
	return m
}

// countryName is the English name of an ISO 3166-1 alpha-2 code, or the code itself.
func countryName(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil || len(code) != 2 {
		return code
	}
	if n := display.English.Regions().Name(r); n != "" {
		return n
	}
	return code
}

func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2 Jan 2006 15:04 UTC")
}

// ago is a relative time for the status page, where "how long since" is the question.
func ago(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := time.Since(t)
	future := d < 0
	if future {
		d = -d
	}
	var s string
	switch {
	case d < time.Second:
		return "just now"
	case d < time.Minute:
		s = d.Round(time.Second).String()
	case d < time.Hour:
		s = strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
	default:
		s = strings.TrimSuffix(d.Round(time.Hour).String(), "0m0s")
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}

// statusWord is a round's status as people say it.
func statusWord(s parleyv1.Status) string {
	switch s {
	case parleyv1.Status_STATUS_SCHEDULED:
		return "scheduled"
	case parleyv1.Status_STATUS_UNDERWAY:
		return "underway"
	case parleyv1.Status_STATUS_HELD:
		return "held"
	case parleyv1.Status_STATUS_CANCELLED:
		return "cancelled"
	case parleyv1.Status_STATUS_POSTPONED:
		return "postponed"
	}
	return "unknown"
}

// statuses are the values of the status filter, in the order a round moves through them.
var statuses = []string{"scheduled", "underway", "held", "postponed", "cancelled"}

// track names a round's negotiation track by its sides: rounds are kept per set of parties,
// so the same set is the same track ("RU-UA-US").
func track(r *parleyv1.Round) string { return strings.Join(r.GetParties(), "-") }

func trackName(t string) string {
	var names []string
	for _, c := range strings.Split(t, "-") {
		names = append(names, countryName(c))
	}
	return strings.Join(names, " – ")
}

type roundView struct {
	ID, Title, Status, Track, Dates, Precision, Venue string
	Number                                            int32
	Sides, Mediators, Topics                          []string
	Participants                                      []*parleyv1.Participant
	Sources                                           []*parleyv1.ArticleRef
	FirstSeen                                         time.Time
	History                                           []historyView
	Alerts                                            []*parleyv1.Alert
}

type historyView struct {
	Time           time.Time
	Status, Change string
}

func newRoundView(r *parleyv1.Round, alerts []*parleyv1.Alert) roundView {
	v := roundView{
		ID: r.GetId(), Status: statusWord(r.GetStatus()), Track: track(r), Number: r.GetRoundNumber(),
		Dates: dates(r), Venue: venue(r.GetLocation()), Mediators: r.GetMediators(), Topics: r.GetTopics(),
		Participants: r.GetParticipants(), Sources: r.GetSources(), FirstSeen: r.GetFirstSeen().AsTime(),
		Alerts: alerts,
	}
	if p := r.GetDatePrecision(); p > parleyv1.DatePrecision_DATE_PRECISION_DAY {
		v.Precision = strings.ToLower(strings.TrimPrefix(p.String(), "DATE_PRECISION_"))
	}
	for _, p := range r.GetParties() {
		v.Sides = append(v.Sides, countryName(p))
	}
	v.Title = strings.Join(v.Sides, ", ") + " talks"
	if c := r.GetLocation().GetCity(); c != "" {
		v.Title += " in " + c
	}
	for _, a := range alerts {
		h := historyView{Time: a.GetCreatedAt().AsTime(), Status: statusWord(a.GetRound().GetStatus()), Change: a.GetChange()}
		if a.GetKind() == "new_round" {
			h.Change = "first reported"
		}
		v.History = append(v.History, h)
	}
	return v
}

func dates(r *parleyv1.Round) string {
	s, e := r.GetStartDate(), r.GetEndDate()
	switch {
	case s == "":
		return "date not known"
	case e == "" || e == s:
		return longDate(s)
	}
	return longDate(s) + " – " + longDate(e)
}

func longDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("Mon 2 Jan 2006")
}

func venue(l *parleyv1.Location) string {
	var parts []string
	for _, p := range []string{l.GetVenue(), l.GetCity()} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if c := l.GetCountry(); c != "" {
		parts = append(parts, countryName(c))
	}
	if len(parts) == 0 {
		return "venue not known"
	}
	return strings.Join(parts, ", ")
}
