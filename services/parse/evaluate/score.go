package evaluate

import (
	"fmt"
	"io"
	"slices"
	"sort"
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
	FieldNegatives    = "negatives_clean"
	FieldSecondary    = "secondary_recall"
	FieldPrecision    = "event_precision"
	FieldParticipants = "participants"
	FieldLanguage     = "language"
)

var fieldOrder = []string{FieldParties, FieldCity, FieldStart, FieldStatus, FieldNegatives, FieldSecondary, FieldPrecision, FieldParticipants, FieldLanguage}

// groupFields are the fields shown per track and per language.
var groupFields = []string{FieldParties, FieldCity, FieldStart, FieldStatus, FieldNegatives, FieldSecondary, FieldPrecision}

// Score counts right answers of one field.
type Score struct{ Right, Total int }

// Accuracy is Right/Total, or 1 when nothing was scored.
func (s Score) Accuracy() float64 {
	if s.Total == 0 {
		return 1
	}
	return float64(s.Right) / float64(s.Total)
}

// Miss is one wrong field of one article, with the sentences the event
// came from.
type Miss struct {
	Article, Field, Got, Want string
	Evidence                  []string
}

// Report is the outcome of scoring a corpus.
type Report struct {
	Articles, Positives, Negatives int
	// Optional counts articles whose primary meeting annotators could
	// disagree on: scored neither as positive nor as negative.
	Optional int
	Fields   map[string]*Score
	// ByTrack and ByLang hold the same fields per group.
	ByTrack, ByLang map[string]map[string]*Score
	Misses          []Miss
	// Commentators lists people a gold file says are not taking part (spokesmen, analysts)
	// whom any event of the article names as a participant: "article: name".
	Commentators []string
}

func newScores() map[string]*Score {
	m := map[string]*Score{}
	for _, f := range fieldOrder {
		m[f] = &Score{}
	}
	return m
}

func newReport() *Report {
	return &Report{Fields: newScores(), ByTrack: map[string]map[string]*Score{}, ByLang: map[string]map[string]*Score{}}
}

// scorer records the scores of one article into the report's totals and groups.
type scorer struct {
	r *Report
	c Case
}

func (s scorer) add(field string, ok bool, got, want string, evidence []string) {
	groups := []map[string]*Score{s.r.Fields}
	for _, g := range []struct {
		m   map[string]map[string]*Score
		key string
	}{{s.r.ByTrack, s.c.Track}, {s.r.ByLang, s.c.Lang}} {
		if g.key == "" {
			continue
		}
		if g.m[g.key] == nil {
			g.m[g.key] = newScores()
		}
		groups = append(groups, g.m[g.key])
	}
	for _, m := range groups {
		m[field].Total++
		if ok {
			m[field].Right++
		}
	}
	if !ok {
		s.r.Misses = append(s.r.Misses, Miss{Article: s.c.Name, Field: field, Got: got, Want: want, Evidence: evidence})
	}
}

// Run reads every case the way the parse service does (HTML cleaning,
// language detection, extraction) and scores it: the primary event's
// fields, clean negatives, secondary recall and event precision.
func Run(x *extract.Extractor, det *lang.Detector, cases []Case) (*Report, error) {
	r := newReport()
	for _, c := range cases {
		text, err := clean.Text(c.Raw)
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", c.Name, err)
		}
		language := det.Detect(c.Title + "\n" + text)
		evs := x.Extract(extract.Article{URL: c.URL, Title: c.Title, Source: c.Source, Published: c.Published, Text: text, Language: language})
		r.Articles++
		s := scorer{r, c}
		for _, e := range evs {
			for _, pt := range e.Participants {
				if slices.Contains(c.Gold.ParticipantsExclude, pt.Name) {
					r.Commentators = append(r.Commentators, c.Name+": "+pt.Name)
				}
			}
		}
		if c.Gold.Language != "" {
			s.add(FieldLanguage, language == c.Gold.Language, language, c.Gold.Language, nil)
		}
		scoreEvents(s, evs)
		switch {
		case c.Primary == nil:
			r.Negatives++
			var ev []string
			if len(evs) > 0 {
				ev = evs[0].Evidence
			}
			s.add(FieldNegatives, len(evs) == 0, describe(evs), "no event", ev)
		case c.Primary.Optional:
			r.Optional++
		default:
			r.Positives++
			scorePrimary(s, evs)
		}
	}
	return r, nil
}

// primaryOf is the event marked primary, else the first; zero when none.
func primaryOf(evs []extract.Event) extract.Event {
	for _, e := range evs {
		if e.Primary {
			return e
		}
	}
	if len(evs) > 0 {
		return evs[0]
	}
	return extract.Event{}
}

func scorePrimary(s scorer, evs []extract.Event) {
	p, g := primaryOf(evs), *s.c.Primary
	ev := p.Evidence
	s.add(FieldParties, slices.Equal(p.Parties, g.Parties), strings.Join(p.Parties, ","), strings.Join(g.Parties, ","), ev)
	s.add(FieldCity, cityOK(p.Location.City, g.Cities), p.Location.City, strings.Join(g.Cities, "|"), ev)
	s.add(FieldStart, dateOK(p.StartDate(), g.Start, g.Tolerance), p.StartDate(), g.Start, ev)
	s.add(FieldStatus, slices.Contains(g.Status, string(p.Status)), string(p.Status), strings.Join(g.Status, "|"), ev)
	gd := s.c.Gold
	if len(gd.ParticipantsInclude)+len(gd.ParticipantsExclude) > 0 {
		var names []string
		for _, pt := range p.Participants {
			names = append(names, pt.Name)
		}
		ok := true
		for _, n := range gd.ParticipantsInclude {
			ok = ok && slices.Contains(names, n)
		}
		for _, n := range gd.ParticipantsExclude {
			ok = ok && !slices.Contains(names, n)
		}
		want := "+" + strings.Join(gd.ParticipantsInclude, ",+") + " -" + strings.Join(gd.ParticipantsExclude, ",-")
		s.add(FieldParticipants, ok, strings.Join(names, ","), want, ev)
	}
}

// scoreEvents counts secondary recall (each required secondary meeting found
// among all events) and event precision (each event matches a labelled
// meeting, optional ones included).
func scoreEvents(s scorer, evs []extract.Event) {
	var gold []Meeting
	if s.c.Primary != nil {
		gold = append(gold, *s.c.Primary)
	}
	gold = append(gold, s.c.Secondary...)
	for _, m := range s.c.Secondary {
		if m.Optional {
			continue
		}
		found := slices.ContainsFunc(evs, func(e extract.Event) bool { return matches(e, m) })
		s.add(FieldSecondary, found, describe(evs), m.String(), nil)
	}
	for _, e := range evs {
		ok := slices.ContainsFunc(gold, func(m Meeting) bool { return matches(e, m) })
		s.add(FieldPrecision, ok, describe([]extract.Event{e}), "a labelled meeting", e.Evidence)
	}
}

// matches: the event is the meeting (same sides, an accepted city, start within tolerance).
func matches(e extract.Event, m Meeting) bool {
	return slices.Equal(e.Parties, m.Parties) && cityOK(e.Location.City, m.Cities) && dateOK(e.StartDate(), m.Start, m.Tolerance)
}

func cityOK(got string, accepted []string) bool {
	return slices.ContainsFunc(accepted, func(a string) bool { return strings.EqualFold(a, got) })
}

// dateOK is true when both dates are unknown, or within tol days of each
// other. A labelled meeting with no date accepts any date.
func dateOK(got, want string, tol int) bool {
	if want == "" {
		return true
	}
	if got == "" {
		return false
	}
	g, err1 := time.Parse(time.DateOnly, got)
	w, err2 := time.Parse(time.DateOnly, want)
	if err1 != nil || err2 != nil {
		return false
	}
	d := g.Sub(w)
	lim := time.Duration(tol) * 24 * time.Hour
	return d >= -lim && d <= lim
}

// sameDay is dateOK with one day of tolerance, both unknown counting as the same.
func sameDay(got, want string) bool {
	if want == "" {
		return got == ""
	}
	return dateOK(got, want, 1)
}

func describe(evs []extract.Event) string {
	var parts []string
	for _, e := range evs {
		parts = append(parts, fmt.Sprintf("%s %s @%s %s", e.Status, strings.Join(e.Parties, ","), e.Location.City, e.StartDate()))
	}
	return strings.Join(parts, "; ")
}

// Print writes per-field accuracy, the same per track and per language,
// and then every miss with its evidence.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%d articles: %d with a meeting, %d negatives, %d optional (not scored)\n\n", r.Articles, r.Positives, r.Negatives, r.Optional)
	if len(r.Misses) > 0 {
		fmt.Fprintf(w, "misses:\n")
		for _, m := range r.Misses {
			fmt.Fprintf(w, "  %-32s %-16s got %q, want %q\n", m.Article, m.Field, m.Got, m.Want)
			for _, e := range m.Evidence {
				fmt.Fprintf(w, "      | %s\n", clip(e, 220))
			}
		}
		fmt.Fprintln(w)
	}
	r.printGroups(w, "track", r.ByTrack)
	r.printGroups(w, "language", r.ByLang)
	fmt.Fprintf(w, "%-16s %6d     (named as participants; must be 0)\n", "commentators", len(r.Commentators))
	for _, c := range r.Commentators {
		fmt.Fprintf(w, "  %s\n", c)
	}
	for _, f := range fieldOrder {
		s := r.Fields[f]
		if s.Total == 0 {
			continue
		}
		fmt.Fprintf(w, "%-16s %6.1f %%  (%d/%d)\n", f, 100*s.Accuracy(), s.Right, s.Total)
	}
}

func (r *Report) printGroups(w io.Writer, what string, groups map[string]map[string]*Score) {
	if len(groups) < 2 {
		return
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(w, "%-22s", what)
	for _, f := range groupFields {
		fmt.Fprintf(w, " %11s", abbrev(f))
	}
	fmt.Fprintln(w)
	for _, k := range keys {
		fmt.Fprintf(w, "%-22s", clip(k, 22))
		for _, f := range groupFields {
			s := groups[k][f]
			if s.Total == 0 {
				fmt.Fprintf(w, " %11s", "")
				continue
			}
			fmt.Fprintf(w, " %11s", fmt.Sprintf("%d/%d", s.Right, s.Total))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}

func abbrev(f string) string {
	switch f {
	case FieldNegatives:
		return "negatives"
	case FieldSecondary:
		return "secondary"
	case FieldPrecision:
		return "precision"
	case FieldStart:
		return "start"
	}
	return f
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
