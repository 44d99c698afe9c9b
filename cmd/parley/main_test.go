package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := dispatch(context.Background(), args, stdio{in: strings.NewReader(stdin), out: &out, err: &errb})
	return code, out.String(), errb.String()
}

func TestExtractConcreteMeeting(t *testing.T) {
	code, out, errOut := runCLI(t, "", "extract", "--published", "2026-01-24T08:00:00Z", "testdata/abu-dhabi-wire.txt")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) == 0 || lines[0] == "" {
		t.Fatal("no event printed")
	}
	var primary map[string]any
	for _, l := range lines {
		var ev map[string]any
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("line is not JSON: %q", l)
		}
		if ev["primary"] == true {
			primary = ev
		}
	}
	if primary == nil {
		t.Fatalf("no primary event in %s", out)
	}
	parties, _ := json.Marshal(primary["parties"])
	if string(parties) != `["RU","UA","US"]` {
		t.Errorf("parties = %s", parties)
	}
	if city := primary["location"].(map[string]any)["city"]; city != "Abu Dhabi" {
		t.Errorf("city = %v", city)
	}
	if primary["start_date"] != "2026-01-23" {
		t.Errorf("start_date = %v", primary["start_date"])
	}
	if s := primary["status"]; s != "STATUS_UNDERWAY" && s != "STATUS_HELD" {
		t.Errorf("status = %v", s)
	}
	for _, key := range []string{"id", "article", "mediators", "end_date", "date_precision", "participants", "topics", "evidence", "confidence"} {
		if _, ok := primary[key]; !ok {
			t.Errorf("field %q missing", key)
		}
	}
}

func TestExtractNoMeeting(t *testing.T) {
	code, out, errOut := runCLI(t, "", "extract", "--published", "2026-01-24T08:00:00Z", "testdata/strike-report.txt")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.TrimSpace(out) != "" {
		t.Errorf("events from a strike report: %s", out)
	}
}

func TestExtractFromStdinHTML(t *testing.T) {
	raw, err := os.ReadFile("testdata/abu-dhabi-wire.txt")
	if err != nil {
		t.Fatal(err)
	}
	page := "<html><body><nav>Home | World</nav><article><p>" +
		strings.ReplaceAll(string(raw), "\n\n", "</p><p>") + "</p></article></body></html>"
	code, out, errOut := runCLI(t, page, "extract", "--published", "2026-01-24T08:00:00Z", "-")
	if code != 0 || !strings.Contains(out, `"city":"Abu Dhabi"`) {
		t.Errorf("exit %d, out %q, err %q", code, out, errOut)
	}
}

func TestExtractBadInput(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.txt")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(dir, "junk.bin")
	if err := os.WriteFile(junk, []byte{0xff, 0xfe, 0x00, 0x01, 0x80, 0x81, 'x'}, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no published", []string{"extract", "testdata/strike-report.txt"}, 1, "--published is required"},
		{"bad published", []string{"extract", "--published", "yesterday", "testdata/strike-report.txt"}, 1, "not RFC 3339"},
		{"missing file", []string{"extract", "--published", "2026-01-24T08:00:00Z", filepath.Join(dir, "nope.txt")}, 1, "no such file"},
		{"empty file", []string{"extract", "--published", "2026-01-24T08:00:00Z", empty}, 1, "is empty"},
		{"binary junk", []string{"extract", "--published", "2026-01-24T08:00:00Z", junk}, 1, "not text"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d (want %d), stderr %q (want %q), stdout %q", code, tc.code, errOut, tc.want, out)
			}
		})
	}
}
