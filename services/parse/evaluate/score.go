package evaluate

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/parleyhq/parley/services/parse/clean"
	"github.com/parleyhq/parley/services/parse/extract"
	"github.com/parleyhq/parley/services/parse/lang"
)

// Field names of a Report, in print order.
const (
	FieldParties      = "parties"
	FieldCity         = "city"
	FieldStart        = "start_date"
	FieldStatus       = "status"
	FieldParticipants = "participants"
	FieldLanguage     = "language"
	FieldNegatives    = "negatives_clean"
)

var fieldOrder = []string{FieldParties, FieldCity, FieldStart, FieldStatus, FieldParticipants, FieldLanguage, FieldNegatives}

// Score counts right answers of one field.
type Score struct{ Right, Total int }

// Accuracy is Right/Total, or 1 when nothing was scored.
func (s Score) Accuracy() float64 {
	if s.Total == 0 {
		return 1
	}
	return float64(s.Right) / float64(s.Total)
}

// Miss is one wrong field of one article.
type Miss struct {
	Article, Field, Got, Want string
}

// Report is the outcome of scoring a corpus.
type Report struct {
	Articles, Positives, Negatives int
	Fields                         map[string]*Score
	Misses                         []Miss
	// Commentators lists people a gold file says are not taking part (spokesmen, analysts)
	// whom any event of the article names as a participant: "article: name".
	Commentators []string
}

func (r *Report) score(field string, ok bool, article, got, want string) {
	s := r.Fields[field]
	s.Total++
	if ok {
		s.Right++
		return
	}
	r.Misses = append(r.Misses, Miss{Article: article, Field: field, Got: got, Want: want})
}

// Run reads every case the way the parse service does (HTML cleaning,
// language detection, extraction) and scores the primary event against the
// gold. Start dates count as right within one day, since "overnight" and
// time-zone edges make the day itself ambiguous.
func Run(x *extract.Extractor, det *lang.Detector, cases []Case) (*Report, error) {
	r := &Report{Fields: map[string]*Score{}}
	for _, f := range fieldOrder {
		r.Fields[f] = &Score{}
	}
	for _, c := range cases {
		text, err := clean.Text(c.Raw)
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", c.Name, err)
		}
		language := det.Detect(c.Title + "\n" + text)
		evs := x.Extract(extract.Article{URL: c.URL, Title: c.Title, Source: c.Source, Published: c.Published, Text: text, Language: language})
		r.Articles++
		for _, e := range evs {
			for _, pt := range e.Participants {
				if slices.Contains(c.Gold.ParticipantsExclude, pt.Name) {
					r.Commentators = append(r.Commentators, c.Name+": "+pt.Name)
				}
			}
		}
		if c.Gold.Language != "" {
			r.score(FieldLanguage, language == c.Gold.Language, c.Name, language, c.Gold.Language)
		}
		if c.Gold.Negative {
			r.Negatives++
			r.score(FieldNegatives, len(evs) == 0, c.Name, describe(evs), "no event")
			continue
		}
		r.Positives++
		scorePrimary(r, c, evs)
	}
	return r, nil
}

func scorePrimary(r *Report, c Case, evs []extract.Event) {
	var p extract.Event
	for _, e := range evs {
		if e.Primary {
			p = e
		}
	}
	g := c.Gold
	want := slices.Clone(g.Parties)
	slices.Sort(want)
	r.score(FieldParties, slices.Equal(p.Parties, want), c.Name, strings.Join(p.Parties, ","), strings.Join(want, ","))
	r.score(FieldCity, strings.EqualFold(p.Location.City, g.City), c.Name, p.Location.City, g.City)
	r.score(FieldStart, sameDay(p.StartDate(), g.StartDate), c.Name, p.StartDate(), g.StartDate)
	r.score(FieldStatus, string(p.Status) == g.Status, c.Name, string(p.Status), g.Status)
	if len(g.ParticipantsInclude)+len(g.ParticipantsExclude) > 0 {
		var names []string
		for _, pt := range p.Participants {
			names = append(names, pt.Name)
		}
		ok := true
		for _, n := range g.ParticipantsInclude {
			ok = ok && slices.Contains(names, n)
		}
		for _, n := range g.ParticipantsExclude {
			ok = ok && !slices.Contains(names, n)
		}
		want := "+" + strings.Join(g.ParticipantsInclude, ",+") + " -" + strings.Join(g.ParticipantsExclude, ",-")
		r.score(FieldParticipants, ok, c.Name, strings.Join(names, ","), want)
	}
}

// sameDay is true when both dates are unknown or within one day.
func sameDay(got, want string) bool {
	if got == "" || want == "" {
		return got == want
	}
	g, err1 := time.Parse(time.DateOnly, got)
	w, err2 := time.Parse(time.DateOnly, want)
	if err1 != nil || err2 != nil {
		return false
	}
	d := g.Sub(w)
	return d >= -24*time.Hour && d <= 24*time.Hour
}

func describe(evs []extract.Event) string {
	var parts []string
	for _, e := range evs {
		parts = append(parts, fmt.Sprintf("%s %s @%s %s", e.Status, strings.Join(e.Parties, ","), e.Location.City, e.StartDate()))
	}
	return strings.Join(parts, "; ")
}

// Print writes per-field accuracy and then every miss.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%d articles: %d with a meeting, %d negatives\n\n", r.Articles, r.Positives, r.Negatives)
	for _, f := range fieldOrder {
		s := r.Fields[f]
		fmt.Fprintf(w, "%-16s %6.1f %%  (%d/%d)\n", f, 100*s.Accuracy(), s.Right, s.Total)
	}
	fmt.Fprintf(w, "%-16s %6d     (named as participants; must be 0)\n", "commentators", len(r.Commentators))
	for _, c := range r.Commentators {
		fmt.Fprintf(w, "  %s\n", c)
	}
	if len(r.Misses) == 0 {
		return
	}
	fmt.Fprintf(w, "\nmisses:\n")
	for _, m := range r.Misses {
		fmt.Fprintf(w, "  %-40s %-16s got %q, want %q\n", m.Article, m.Field, m.Got, m.Want)
	}
}
