package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExtractMoreBadInput(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.txt")
	if err := os.WriteFile(huge, bytes.Repeat([]byte("Strikes continued overnight. "), 50<<20/29+1), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"50 MB of text", []string{"extract", "--published", "2026-01-24T08:00:00Z", huge}, "larger than 16 MiB"},
		{"published in the distant past", []string{"extract", "--published", "1901-01-24T08:00:00Z", "testdata/strike-report.txt"}, "implausible"},
		{"published far ahead", []string{"extract", "--published", "2999-01-24T08:00:00Z", "testdata/strike-report.txt"}, "implausible"},
		{"date without time", []string{"extract", "--published", "2026-01-24", "testdata/strike-report.txt"}, "not RFC 3339"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tc.args...)
			if code != 1 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d (want 1), stderr %q (want %q), stdout %q", code, errOut, tc.want, out)
			}
		})
	}
}

// Invalid UTF-8 is repaired, not refused: one stray byte must not cost the article.
func TestExtractInvalidUTF8(t *testing.T) {
	text := "ABU DHABI, Jan 24 - Russian and Ukrainian delegations met in Abu Dhabi on Friday \xff\xfe for talks with US envoys.\n"
	code, out, errOut := runCLI(t, text, "extract", "--published", "2026-01-24T08:00:00Z", "-")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, `"city":"Abu Dhabi"`) && !strings.Contains(out, `"city": "Abu Dhabi"`) {
		t.Errorf("want the Abu Dhabi meeting, got %q", out)
	}
}

func TestEval(t *testing.T) {
	code, out, errOut := runCLI(t, "", "eval", "../../services/parse/testdata/corpus")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"parties", "city", "start_date", "status", "participants", "negatives_clean"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, _, errOut = runCLI(t, "", "eval", t.TempDir())
	if code != 1 || !strings.Contains(errOut, "no articles") {
		t.Errorf("empty corpus: exit %d, stderr %q", code, errOut)
	}
}
