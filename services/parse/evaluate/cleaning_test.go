package evaluate

import (
	"strings"
	"testing"

	"github.com/parleyhq/parley/services/parse/clean"
	"github.com/parleyhq/parley/services/parse/extract"
)

// furnitureMarks are snippets of the page furniture in the corpus's HTML
// pages: a paragraph holding one leaked from outside the article text.
var furnitureMarks = []string{
	"cookie", "subscribe", "sign up", "related", "read more", "read next", "you may also like",
	"most read", "©", "all rights reserved", "share this", "photo", "about the author",
	"tags:", "advertisement", "читайте також", "skip to", "privacy", "more from",
	"is global ledger's", "follow him",
}

func leaked(text string) int {
	n := 0
	for _, p := range strings.Split(text, "\n\n") {
		l := strings.ToLower(p)
		for _, m := range furnitureMarks {
			if strings.Contains(l, m) {
				n++
				break
			}
		}
	}
	return n
}

// TestCleaningMethods measures both main-text methods on the corpus's HTML
// pages (furniture leaked, primary events read right) and checks that the
// method clean.Text uses is the better one.
func TestCleaningMethods(t *testing.T) {
	cases, err := LoadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	x, err := extract.New()
	if err != nil {
		t.Fatal(err)
	}
	type result struct{ leaks, right, pages int }
	res := map[clean.Method]*result{}
	for _, m := range []clean.Method{clean.Structural, clean.Readability} {
		r := &result{}
		res[m] = r
		for _, c := range cases {
			if !clean.IsHTML(c.Raw) {
				continue
			}
			r.pages++
			text, err := clean.MainText(strings.NewReader(c.Raw), m)
			if err != nil {
				t.Fatalf("%s %s: %v", m, c.Name, err)
			}
			r.leaks += leaked(text)
			evs := x.Extract(extract.Article{Title: c.Title, Published: c.Published, Text: text})
			if primaryRight(c, evs) {
				r.right++
			}
		}
		t.Logf("%-12s pages=%d furniture_paragraphs=%d primary_right=%d", m, r.pages, r.leaks, r.right)
	}
	if res[clean.Structural].pages < 8 {
		t.Errorf("want at least 8 HTML pages in the corpus, have %d", res[clean.Structural].pages)
	}
	best, other := res[clean.DefaultMethod], res[clean.Structural]
	if clean.DefaultMethod == clean.Structural {
		other = res[clean.Readability]
	}
	if best.right < other.right || best.right == other.right && best.leaks > other.leaks {
		t.Errorf("clean.DefaultMethod %s is worse than the other method: %+v vs %+v", clean.DefaultMethod, *best, *other)
	}
}

// primaryRight: parties, city, start (±1 day) and status all right, or no
// event for a negative.
func primaryRight(c Case, evs []extract.Event) bool {
	if c.Primary == nil {
		return len(evs) == 0
	}
	r := newReport()
	scorePrimary(scorer{r, c}, evs)
	for _, f := range []string{FieldParties, FieldCity, FieldStart, FieldStatus} {
		if r.Fields[f].Right != r.Fields[f].Total {
			return false
		}
	}
	return true
}
