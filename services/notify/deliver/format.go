package deliver

import (
	"strings"

	"github.com/parleyhq/parley/services/notify/round"
)

// facts are an alert's round described in words, shared by every channel so a subscriber
// reads the same venue, dates and parties on the console, in Slack or in an email.
type facts struct {
	Kind, Headline, Summary, Change string
	Status, Venue, Dates            string
	Parties, Hosts                  string
	Sources                         []round.Article
}

func describe(a round.Alert) facts {
	r := a.Round
	f := facts{
		Kind:     string(a.Kind),
		Headline: a.Headline,
		Summary:  a.Summary,
		Change:   a.Change,
		Status:   r.Status.String(),
		Venue:    strings.Join(nonEmpty(r.Location.Venue, r.Location.City, countryName(r.Location.Country)), ", "),
		Dates:    "unknown",
		Sources:  r.Sources,
	}
	if f.Venue == "" {
		f.Venue = "unknown"
	}
	if r.Dated() {
		f.Dates = round.Date(r.Start)
		if !r.End.IsZero() && !r.End.Equal(r.Start) {
			f.Dates += " to " + round.Date(r.End)
		}
		if r.Precision != round.Day {
			f.Dates += " (" + r.Precision.String() + ")"
		}
	}
	names := func(codes []string) string {
		out := make([]string, len(codes))
		for i, c := range codes {
			out[i] = round.PartyName(c)
		}
		return strings.Join(out, ", ")
	}
	f.Parties = names(r.Parties)
	f.Hosts = names(r.Mediators)
	if f.Headline == "" {
		f.Headline = "Negotiation round " + f.Kind
	}
	return f
}

// label is what a source link reads as: the outlet, else the title, else the URL.
func label(s round.Article) string {
	for _, v := range []string{s.Source, s.Title, s.URL} {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return "source"
}

// kindLabel is the short badge in front of a chat headline.
func kindLabel(kind string) string {
	switch kind {
	case string(round.NewRound):
		return "New round"
	case string(round.RoundUpdated):
		return "Round updated"
	}
	return kind
}

// plainText is the alert as readable lines: the email body and the ntfy message.
func plainText(f facts) string {
	var b strings.Builder
	b.WriteString(f.Headline + "\n\n")
	if f.Summary != "" {
		b.WriteString(f.Summary + "\n\n")
	}
	if f.Change != "" {
		b.WriteString("Change:  " + f.Change + "\n")
	}
	b.WriteString("Status:  " + f.Status + "\n")
	b.WriteString("Venue:   " + f.Venue + "\n")
	b.WriteString("Dates:   " + f.Dates + "\n")
	b.WriteString("Parties: " + f.Parties + "\n")
	if f.Hosts != "" {
		b.WriteString("Hosts:   " + f.Hosts + "\n")
	}
	if len(f.Sources) > 0 {
		b.WriteString("\nSources:\n")
		for _, s := range f.Sources {
			b.WriteString("- " + label(s) + ": " + s.URL + "\n")
		}
	}
	return b.String()
}
