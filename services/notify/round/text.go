package round

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// PartyName is how a wire flash names a side: the English country name, except where the
// press uses a shorter form, and organisation codes as they are.
func PartyName(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	switch code {
	case "US":
		return "US"
	case "GB":
		return "UK"
	case "AE":
		return "UAE"
	case "PS":
		return "Palestinians"
	case "EU", "UN", "NATO", "":
		return code
	}
	region, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if name := display.English.Regions().Name(region); name != "" {
		return name
	}
	return code
}

// Headline words the round like a wire flash:
// "Russia, Ukraine and US hold talks in Abu Dhabi, Jan 23–24".
func Headline(r Round) string {
	who := partyList(r.Parties)
	if who == "" {
		who = "Delegations"
	}
	where := ""
	if r.Location.City != "" {
		where = " in " + r.Location.City
	}
	when := ""
	if d := shortDates(r); d != "" {
		when = ", " + d
	}
	switch r.Status {
	case Scheduled:
		return who + " to hold talks" + where + when
	case Underway:
		return who + " hold talks" + where + when
	case Held:
		return who + " held talks" + where + when
	case Cancelled, Postponed:
		return who + " talks" + where + " " + r.Status.String() + when
	}
	return who + " talks" + where + when
}

// Summary is a few sentences on the round's facts; change, when set, leads it.
func Summary(r Round, change string) string {
	var b strings.Builder
	if change != "" {
		fmt.Fprintf(&b, "Update: %s. ", change)
	}
	who := partyList(r.Parties)
	if who == "" {
		who = "the parties"
	}
	where := ""
	if r.Location.City != "" {
		where = " in " + r.Location.City
		if r.Location.Country != "" {
			where += ", " + PartyName(r.Location.Country)
		}
		if r.Location.Venue != "" && !strings.EqualFold(r.Location.Venue, r.Location.City) {
			where += " (" + r.Location.Venue + ")"
		}
	}
	when := longDates(r)
	switch r.Status {
	case Scheduled:
		fmt.Fprintf(&b, "Delegations of %s are due to meet%s%s.", who, where, when)
	case Underway:
		fmt.Fprintf(&b, "Delegations of %s are meeting%s%s.", who, where, when)
	case Held:
		fmt.Fprintf(&b, "Delegations of %s met%s%s.", who, where, when)
	case Cancelled, Postponed:
		fmt.Fprintf(&b, "Talks between %s%s%s have been %s.", who, where, when, r.Status)
	default:
		fmt.Fprintf(&b, "Talks between %s%s%s were reported.", who, where, when)
	}
	if len(r.Mediators) > 0 {
		fmt.Fprintf(&b, " Mediated or hosted by %s.", partyList(r.Mediators))
	}
	if len(r.Participants) > 0 {
		names := make([]string, 0, len(r.Participants))
		for _, p := range r.Participants {
			if p.Party != "" {
				names = append(names, p.Name+" ("+PartyName(p.Party)+")")
			} else {
				names = append(names, p.Name)
			}
		}
		fmt.Fprintf(&b, " Taking part: %s.", strings.Join(names, ", "))
	}
	if len(r.Topics) > 0 {
		topics := make([]string, len(r.Topics))
		for i, t := range r.Topics {
			topics[i] = strings.ReplaceAll(t, "_", " ")
		}
		fmt.Fprintf(&b, " On the agenda: %s.", strings.Join(topics, ", "))
	}
	if r.RoundNumber > 0 {
		fmt.Fprintf(&b, " Round %d.", r.RoundNumber)
	}
	switch n := r.ArticleCount(); n {
	case 0:
	case 1:
		b.WriteString(" Reported by 1 source.")
	default:
		fmt.Fprintf(&b, " Reported by %d sources.", n)
	}
	return b.String()
}

func partyList(codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = PartyName(c)
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// shortDates is the dates as a headline gives them, without the year: "Jan 23–24".
func shortDates(r Round) string {
	if !r.Dated() {
		return ""
	}
	s, e := r.Start, r.End
	if e.IsZero() {
		e = s
	}
	switch r.Precision {
	case Week:
		return "week of " + s.Format("Jan 2")
	case Month, Season:
		if s.Month() == e.Month() && s.Year() == e.Year() {
			return s.Format("January")
		}
		return s.Format("Jan") + "–" + e.Format("Jan")
	}
	switch {
	case s.Equal(e):
		return s.Format("Jan 2")
	case s.Month() == e.Month() && s.Year() == e.Year():
		return s.Format("Jan 2") + "–" + e.Format("2")
	}
	return s.Format("Jan 2") + "–" + e.Format("Jan 2")
}

// longDates is the dates as a sentence gives them, with the year and a leading preposition:
// " on Jan 23–24, 2026".
func longDates(r Round) string {
	if !r.Dated() {
		return ""
	}
	s, e := r.Start, r.End
	if e.IsZero() {
		e = s
	}
	switch r.Precision {
	case Week:
		return " in the week of " + s.Format("Jan 2, 2006")
	case Month, Season:
		if s.Month() == e.Month() && s.Year() == e.Year() {
			return " in " + s.Format("January 2006")
		}
		if s.Year() == e.Year() {
			return " in " + s.Format("Jan") + "–" + e.Format("Jan 2006")
		}
		return " in " + s.Format("Jan 2006") + "–" + e.Format("Jan 2006")
	}
	switch {
	case s.Equal(e):
		return " on " + s.Format("Jan 2, 2006")
	case s.Month() == e.Month() && s.Year() == e.Year():
		return " on " + s.Format("Jan 2") + "–" + e.Format("2, 2006")
	case s.Year() == e.Year():
		return " on " + s.Format("Jan 2") + "–" + e.Format("Jan 2, 2006")
	}
	return " on " + s.Format("Jan 2, 2006") + "–" + e.Format("Jan 2, 2006")
}

// Date formats a day as the wire does, "2006-01-02", or "" for an unknown day.
func Date(t time.Time) string { return dateString(t) }
