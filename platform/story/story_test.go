package story

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	st, err := Parse("a.txt", "outlet: Gulf Wire\r\ntitle: Talks open\r\nlink: https://g.example/1\r\npublished: 2026-01-23T16:45:00Z\r\n---\r\nFirst line\r\ngoes on.\r\n\r\nSecond.\r\n")
	if err != nil {
		t.Fatal(err)
	}
	want := Story{File: "a.txt", Outlet: "Gulf Wire", Title: "Talks open", Link: "https://g.example/1",
		Published: time.Date(2026, 1, 23, 16, 45, 0, 0, time.UTC), Body: "First line\ngoes on.\n\nSecond."}
	if st != want {
		t.Errorf("got %+v, want %+v", st, want)
	}
	if p := st.Paragraphs(); len(p) != 2 || p[0] != "First line goes on." || p[1] != "Second." {
		t.Errorf("paragraphs %q", p)
	}
	alias, err := Parse("b.txt", "source: S\nurl: https://s.example\npublished: 2026-01-01T00:00:00Z\n---\nx")
	if err != nil || alias.Outlet != "S" || alias.Link != "https://s.example" {
		t.Errorf("aliases: %+v %v", alias, err)
	}
}

func TestParseErrors(t *testing.T) {
	for raw, want := range map[string]string{
		"no separator":                    "no --- line",
		"title: T\n---\nbody":             "no published",
		"published: yesterday\n---\nbody": "published",
	} {
		if _, err := Parse("x.txt", raw); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error about %q", raw, err, want)
		}
	}
}
