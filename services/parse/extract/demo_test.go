package extract

import (
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parleyhq/parley/services/parse/clean"
)

// demoStories is where the demo feed server's stories live, relative to
// this package.
const demoStories = "../../../cmd/parley/internal/demo/stories"

// TestDemoStories checks that the extractor gets every demo story right:
// the demo is what a new user sees first.
func TestDemoStories(t *testing.T) {
	if _, err := os.Stat(demoStories); err != nil {
		t.Skipf("demo stories not found: %v", err)
	}
	files, err := filepath.Glob(filepath.Join(demoStories, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	trilateral := []string{"RU", "UA", "US"}
	abuDhabi1 := func(st Status) *golden {
		return &golden{Parties: trilateral, City: "Abu Dhabi", Country: "AE", StartDate: "2026-01-23", EndDate: "2026-01-24", Status: st}
	}
	abuDhabi2 := func(st Status) *golden {
		return &golden{Parties: trilateral, City: "Abu Dhabi", Country: "AE", StartDate: "2026-02-04", EndDate: "2026-02-05", Status: st}
	}
	geneva := func(st Status) *golden {
		return &golden{Parties: trilateral, City: "Geneva", Country: "CH", StartDate: "2026-02-17", EndDate: "2026-02-18", Status: st}
	}
	want := map[string]*golden{
		"01-abu-dhabi-announced.txt":            abuDhabi1(StatusScheduled),
		"02-abu-dhabi-day-one.txt":              abuDhabi1(StatusUnderway),
		"03-abu-dhabi-first-round-ends.txt":     abuDhabi1(StatusHeld),
		"04-abu-dhabi-first-round-analysis.txt": abuDhabi1(StatusHeld),
		"05-kyiv-blackouts.txt":                 nil,
		"06-second-round-wire-kyiv-ledger.txt":  abuDhabi2(StatusScheduled),
		"07-second-round-wire-gulf-wire.txt":    abuDhabi2(StatusScheduled),
		"08-abu-dhabi-second-round-opens.txt":   abuDhabi2(StatusUnderway),
		"09-abu-dhabi-prisoner-deal.txt":        abuDhabi2(StatusHeld),
		"10-kremlin-ready-for-talks.txt":        nil,
		"11-eu-sanctions-package.txt":           nil,
		"12-geneva-talks-announced.txt":         geneva(StatusScheduled),
		"13-geneva-talks-open.txt":              geneva(StatusUnderway),
		"14-geneva-talks-end.txt":               geneva(StatusHeld),
	}
	want["09-abu-dhabi-prisoner-deal.txt"].TopicsInclude = []string{"prisoner_exchange"}
	want["12-geneva-talks-announced.txt"].ParticipantsInclude = []string{"Vladimir Medinsky", "Rustem Umerov"}
	seen := map[string]bool{}
	x := newTestExtractor(t)
	for _, f := range files {
		name := filepath.Base(f)
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			g, ok := want[name]
			if !ok {
				t.Fatalf("no expectation for demo story %s: add one to TestDemoStories", name)
			}
			a, err := readStory(f)
			if err != nil {
				t.Fatal(err)
			}
			// As plain text, and the way the demo feeds serve it: HTML
			// paragraphs in content:encoded, reduced to text by clean.
			var h strings.Builder
			for _, para := range strings.Split(a.Text, "\n\n") {
				h.WriteString("<p>" + html.EscapeString(para) + "</p>\n")
			}
			text, err := clean.HTMLToText(strings.NewReader(h.String()))
			if err != nil {
				t.Fatal(err)
			}
			viaHTML := a
			viaHTML.Text = text
			for _, art := range []Article{a, viaHTML} {
				evs := x.Extract(art)
				if os.Getenv("PARLEY_DEBUG") != "" {
					t.Logf("%s", describe(evs))
				}
				if g == nil {
					if evs != nil {
						t.Errorf("want no event, got %s", describe(evs))
					}
					continue
				}
				checkPrimary(t, evs, g)
			}
		})
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("demo story %s is missing", name)
		}
	}
}
