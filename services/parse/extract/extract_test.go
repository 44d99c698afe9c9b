package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// golden is the expected primary event of a fixture article; a JSON null
// golden file means the article reports no concrete meeting.
type golden struct {
	Parties   []string `json:"parties"`
	City      string   `json:"city"`
	Country   string   `json:"country"`
	StartDate string   `json:"start_date"`
	EndDate   string   `json:"end_date"`
	Status    Status   `json:"status"`
	// Optional checks.
	Mediators           []string `json:"mediators,omitempty"`
	Venue               string   `json:"venue,omitempty"`
	Round               int      `json:"round,omitempty"`
	TopicsInclude       []string `json:"topics_include,omitempty"`
	ParticipantsInclude []string `json:"participants_include,omitempty"`
	ParticipantsExclude []string `json:"participants_exclude,omitempty"`
	MinEvents           int      `json:"min_events,omitempty"`
}

func loadGolden(t *testing.T, path string) *golden {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var g *golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return g
}

func TestFixtures(t *testing.T) {
	x := newTestExtractor(t)
	files, err := filepath.Glob("testdata/articles/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 20 {
		t.Fatalf("want at least 20 fixture articles, have %d", len(files))
	}
	negatives := 0
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			a, err := readStory(f)
			if err != nil {
				t.Fatal(err)
			}
			g := loadGolden(t, filepath.Join("testdata", "golden", name+".json"))
			evs := x.Extract(a)
			if os.Getenv("PARLEY_DEBUG") != "" {
				t.Logf("%s", describe(evs))
			}
			if g == nil {
				negatives++
				if evs != nil {
					t.Errorf("want no event, got %d: %s", len(evs), describe(evs))
				}
				return
			}
			checkPrimary(t, evs, g)
		})
	}
	if negatives < 6 {
		t.Errorf("want at least 6 negative fixtures, have %d", negatives)
	}
}

func checkPrimary(t *testing.T, evs []Event, g *golden) {
	t.Helper()
	var p *Event
	n := 0
	for i := range evs {
		if evs[i].Primary {
			n++
			p = &evs[i]
		}
	}
	if p == nil || n != 1 {
		t.Fatalf("want exactly one primary event, got %d of %d: %s", n, len(evs), describe(evs))
	}
	if !slices.Equal(p.Parties, g.Parties) {
		t.Errorf("parties = %v, want %v", p.Parties, g.Parties)
	}
	if p.Location.City != g.City || p.Location.Country != g.Country {
		t.Errorf("location = %q/%q, want %q/%q", p.Location.City, p.Location.Country, g.City, g.Country)
	}
	if p.StartDate() != g.StartDate || p.EndDate() != g.EndDate {
		t.Errorf("dates = %s..%s, want %s..%s", p.StartDate(), p.EndDate(), g.StartDate, g.EndDate)
	}
	if p.Status != g.Status {
		t.Errorf("status = %s, want %s", p.Status, g.Status)
	}
	if g.Mediators != nil && !slices.Equal(p.Mediators, g.Mediators) {
		t.Errorf("mediators = %v, want %v", p.Mediators, g.Mediators)
	}
	if g.Venue != "" && p.Location.Venue != g.Venue {
		t.Errorf("venue = %q, want %q", p.Location.Venue, g.Venue)
	}
	if g.Round != 0 && p.RoundNumber != g.Round {
		t.Errorf("round = %d, want %d", p.RoundNumber, g.Round)
	}
	for _, tp := range g.TopicsInclude {
		if !slices.Contains(p.Topics, tp) {
			t.Errorf("topics = %v, want %s among them", p.Topics, tp)
		}
	}
	names := make([]string, 0, len(p.Participants))
	for _, pt := range p.Participants {
		names = append(names, pt.Name)
	}
	for _, n := range g.ParticipantsInclude {
		if !slices.Contains(names, n) {
			t.Errorf("participants = %v, want %s among them", names, n)
		}
	}
	for _, n := range g.ParticipantsExclude {
		if slices.Contains(names, n) {
			t.Errorf("participants = %v, must not include %s", names, n)
		}
	}
	if g.MinEvents > 0 && len(evs) < g.MinEvents {
		t.Errorf("got %d events, want at least %d: %s", len(evs), g.MinEvents, describe(evs))
	}
	if len(p.Evidence) == 0 {
		t.Errorf("primary event has no evidence")
	}
	if p.Confidence <= 0 || p.Confidence > 1 {
		t.Errorf("confidence %v out of (0,1]", p.Confidence)
	}
}

func describe(evs []Event) string {
	var b strings.Builder
	for _, e := range evs {
		b.WriteString("\n  ")
		if e.Primary {
			b.WriteString("* ")
		}
		b.WriteString(string(e.Status) + " " + strings.Join(e.Parties, ",") + " med=" + strings.Join(e.Mediators, ",") +
			" @" + e.Location.City + "/" + e.Location.Country + " " + e.StartDate() + ".." + e.EndDate() + " " + string(e.Precision))
		if len(e.Evidence) > 0 {
			b.WriteString(" | " + e.Evidence[0])
		}
	}
	return b.String()
}

func TestHugeText(t *testing.T) {
	x := newTestExtractor(t)
	lead := "Russian and Ukrainian delegations met in Abu Dhabi on Friday.\n\n"
	text := lead + strings.Repeat("Strikes continued overnight across the region, officials said.\n\n", 3<<20/64)
	evs := x.Extract(Article{Title: "Talks", Text: text, Published: mustTime(t, "2026-01-24T08:00:00Z")})
	if len(evs) == 0 || evs[0].Location.City != "Abu Dhabi" {
		t.Errorf("want the Abu Dhabi meeting from a 3 MB text, got %s", describe(evs))
	}
	if got := capText(strings.Repeat("é", maxTextBytes)); len(got) > maxTextBytes || !utf8.ValidString(got) {
		t.Errorf("capText: %d bytes, valid %v", len(got), utf8.ValidString(got))
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}
