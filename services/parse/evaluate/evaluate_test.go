package evaluate

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/parleyhq/parley/services/parse/clean"

	"github.com/parleyhq/parley/services/parse/extract"
	"github.com/parleyhq/parley/services/parse/lang"
)

const corpusDir = "../testdata/corpus"

// TestCorpusAccuracy guards the extractor against regressions: the primary
// event of the labelled corpus must stay right on each field, and negatives
// must stay clean.
func TestCorpusAccuracy(t *testing.T) {
	cases, err := LoadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	var neg, cyr, other int
	for _, c := range cases {
		if c.Gold.Negative {
			neg++
		}
		if c.Gold.Language == "ru" || c.Gold.Language == "uk" {
			cyr++
		}
		if !c.Gold.Negative && !isRuUaTrack(c.Gold.Parties) {
			other++
		}
	}
	for _, want := range []struct {
		what      string
		have, min int
	}{{"articles", len(cases), 100}, {"negatives", neg, 25}, {"Russian or Ukrainian articles", cyr, 15}, {"articles on other tracks", other, 20}} {
		if want.have < want.min {
			t.Errorf("corpus has %d %s, want at least %d", want.have, want.what, want.min)
		}
	}
	x, err := extract.New()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(x, lang.New(), cases)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.Print(&out)
	failed := false
	for _, f := range []string{FieldParties, FieldCity, FieldStart, FieldStatus, FieldNegatives} {
		if acc := rep.Fields[f].Accuracy(); acc < 0.95 {
			t.Errorf("%s accuracy %.1f %% is below 95 %%", f, 100*acc)
			failed = true
		}
	}
	// Quoted spokesmen and analysts must never be taken for negotiators, in any event.
	for _, c := range rep.Commentators {
		t.Errorf("named as a participant against its gold file: %s", c)
		failed = true
	}
	if failed || testing.Verbose() {
		t.Logf("\n%s", out.String())
	}
}

func isRuUaTrack(parties []string) bool {
	for _, p := range parties {
		if p == "RU" || p == "UA" {
			return true
		}
	}
	return false
}

func TestSameDay(t *testing.T) {
	for _, tc := range []struct {
		got, want string
		ok        bool
	}{
		{"2026-01-23", "2026-01-23", true},
		{"2026-01-22", "2026-01-23", true},
		{"2026-01-24", "2026-01-23", true},
		{"2026-01-25", "2026-01-23", false},
		{"", "", true},
		{"", "2026-01-23", false},
		{"2026-01-23", "", false},
	} {
		if got := sameDay(tc.got, tc.want); got != tc.ok {
			t.Errorf("sameDay(%q, %q) = %v, want %v", tc.got, tc.want, got, tc.ok)
		}
	}
}

func TestLoadDirErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
	}{
		{"empty dir", nil},
		{"no gold", map[string]string{"a.txt": "title: t\npublished: 2026-01-01T00:00:00Z\n---\nbody"}},
		{"no header", map[string]string{"a.txt": "just text", "a.json": "null"}},
		{"bad published", map[string]string{"a.txt": "published: yesterday\n---\nbody", "a.json": "null"}},
		{"gold without parties", map[string]string{"a.txt": "published: 2026-01-01T00:00:00Z\n---\nbody", "a.json": `{"city":"Geneva"}`}},
		{"secondary without status", map[string]string{"a.txt": "published: 2026-01-01T00:00:00Z\n---\nbody", "a.json": `{"parties":["IR","US"],"secondary":[{"parties":["IR","US"],"city":["Muscat"]}]}`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for n, s := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, n), []byte(s), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := LoadDir(dir); err == nil {
				t.Error("want an error")
			}
		})
	}
}

// TestDebugCase prints every event found in the corpus articles whose names
// start with PARLEY_DEBUG_CASE; it does nothing otherwise.
func TestDebugCase(t *testing.T) {
	prefix := os.Getenv("PARLEY_DEBUG_CASE")
	if prefix == "" {
		t.Skip("set PARLEY_DEBUG_CASE to a corpus article name prefix")
	}
	cases, err := LoadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	x, err := extract.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if len(c.Name) < len(prefix) || c.Name[:len(prefix)] != prefix {
			continue
		}
		text, _ := clean.Text(c.Raw)
		evs := x.Extract(extract.Article{Title: c.Title, Published: c.Published, Text: text})
		t.Logf("%s:", c.Name)
		for _, e := range evs {
			t.Logf("  primary=%v %s %v med=%v @%s/%s %s..%s %s conf=%.2f people=%v\n      %q", e.Primary, e.Status, e.Parties, e.Mediators,
				e.Location.City, e.Location.Country, e.StartDate(), e.EndDate(), e.Precision, e.Confidence, e.Participants, e.Evidence)
		}
	}
}
