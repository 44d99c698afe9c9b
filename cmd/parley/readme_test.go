package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parleyhq/parley/services/notify"
)

// The README is where a new user starts: it says how to install the command, names every
// command, and lists the topics a filter may use.
func TestReadmeHelpsANewUser(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	for _, want := range []string{"go install ./cmd/parley", "go install github.com/parleyhq/parley/cmd/parley@", "parley version"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README lacks %q", want)
		}
	}
	for name := range commands() {
		if !strings.Contains(readme, "`parley "+name) {
			t.Errorf("README does not show `parley %s`", name)
		}
	}
	for _, topic := range notify.Topics {
		if !strings.Contains(readme, "`"+topic+"`") {
			t.Errorf("README does not list the topic %s", topic)
		}
	}
	for _, page := range []string{"docs/screenshots/timeline.png", "docs/screenshots/round.png", "docs/screenshots/status.png"} {
		if !strings.Contains(readme, "("+page+")") {
			t.Errorf("README does not show %s", page)
		}
		if _, err := os.Stat(filepath.Join(repoRoot, page)); err != nil {
			t.Error(err)
		}
	}
}
