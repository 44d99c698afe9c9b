package extract

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// readStory reads an article in the fixture format shared with the demo
// stories: "key: value" header lines, a line "---", then the body.
func readStory(path string) (Article, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Article{}, err
	}
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	head, body, ok := strings.Cut(s, "\n---\n")
	if !ok {
		return Article{}, fmt.Errorf("%s: no --- line", path)
	}
	var a Article
	for _, line := range strings.Split(head, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "outlet", "source":
			a.Source = v
		case "title":
			a.Title = v
		case "link", "url":
			a.URL = v
		case "published":
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return Article{}, fmt.Errorf("%s: published: %w", path, err)
			}
			a.Published = t
		}
	}
	if a.Published.IsZero() || a.Title == "" {
		return Article{}, fmt.Errorf("%s: missing title or published", path)
	}
	a.Text = strings.TrimSpace(body)
	return a, nil
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
	ms, _, _ := x.mentions(a)
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
