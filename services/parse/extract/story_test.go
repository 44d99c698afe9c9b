package extract

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/parleyhq/parley/platform/story"
)

// readStory reads an article in the fixture format shared with the demo
// stories: "key: value" header lines, a line "---", then the body.
func readStory(path string) (Article, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Article{}, err
	}
	st, err := story.Parse(path, string(b))
	if err != nil {
		return Article{}, err
	}
	if st.Title == "" {
		return Article{}, fmt.Errorf("%s: missing title", path)
	}
	return Article{URL: st.Link, Title: st.Title, Source: st.Outlet, Published: st.Published, Text: st.Body}, nil
}

// TestDebugArticle prints what the extractor finds in the article named by
// PARLEY_DEBUG_ARTICLE; it does nothing otherwise.
func TestDebugArticle(t *testing.T) {
	path := os.Getenv("PARLEY_DEBUG_ARTICLE")
	if path == "" {
		t.Skip("set PARLEY_DEBUG_ARTICLE to a fixture file")
	}
	a, err := readStory(path)
	if err != nil {
		t.Fatal(err)
	}
	x := newTestExtractor(t)
	ms := x.mentions(a).mentions
	for _, m := range ms {
		var ents []string
		for _, e := range m.c.ents {
			ents = append(ents, fmt.Sprintf("%s:%d/%d", e.code, e.score, e.mediator))
		}
		var people []string
		for _, pe := range m.c.people {
			people = append(people, fmt.Sprintf("%s:%v", x.people[pe.idx].name, pe.participant))
		}
		city := ""
		if m.hasLoc && m.loc.city >= 0 {
			city = x.cities[m.loc.city].name
		}
		t.Logf("mention weak=%v title=%v loc=%q date=%s..%s tn=%d ents=%v people=%v mask=%b\n    %s",
			m.weak, m.title, city, fmtDate(m.start), fmtDate(m.end), m.tn, ents, people, m.c.mask, m.evidence)
	}
	for _, ev := range x.Extract(a) {
		b, _ := json.MarshalIndent(ev, "", "  ")
		t.Logf("%s", b)
	}
}

var testX *Extractor

func newTestExtractor(t testing.TB) *Extractor {
	t.Helper()
	if testX == nil {
		x, err := New()
		if err != nil {
			t.Fatal(err)
		}
		testX = x
	}
	return testX
}
