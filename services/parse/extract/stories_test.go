package extract

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// wantLine is a story's expectation of its primary meeting: "none", or
// "PARTIES CITY START STATUS" with "-" for no city or no start day.
var wantLine = regexp.MustCompile(`(?m)^want: (.+)$`)

// TestStories reads the short articles of testdata/stories, written in
// our own words in the styles of wire copy, live blogs, analysis and
// Russian and Ukrainian agency reports on tracks the data files do not
// cover, and checks the primary meeting each one reports, or that it
// reports none.
func TestStories(t *testing.T) {
	x := newTestExtractor(t)
	paths, err := filepath.Glob(filepath.Join("testdata", "stories", "*.txt"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no stories in testdata/stories: %v", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			m := wantLine.FindSubmatch(raw)
			if m == nil {
				t.Fatalf("%s: no want: line", path)
			}
			want := string(m[1])
			a, err := readStory(path)
			if err != nil {
				t.Fatal(err)
			}
			evs := x.Extract(a)
			if want == "none" {
				if len(evs) > 0 {
					t.Errorf("want no event, got %s", describeEvent(evs[0]))
				}
				return
			}
			if len(evs) == 0 {
				t.Fatalf("want %s, got no event", want)
			}
			if got := describeEvent(evs[0]); got != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

// describeEvent is an event in the form of a story's want: line.
func describeEvent(ev Event) string {
	city, start := ev.Location.City, ev.StartDate()
	if city == "" {
		city = "-"
	}
	if start == "" {
		start = "-"
	}
	return strings.Join([]string{strings.Join(ev.Parties, ","), city, start, string(ev.Status)}, " ")
}
