package main

import (
	"runtime"
	"strings"
	"testing"
)

// Asking for help is not a mistake: every command and subcommand answers -h with its usage
// and exit status 0, and never with an error after the usage.
func TestHelpExitsZero(t *testing.T) {
	var cases [][]string
	for name := range commands() {
		cases = append(cases, []string{name, "-h"}, []string{name, "--help"})
	}
	for _, sub := range []string{"add", "list", "remove", "import-opml", "export-opml"} {
		cases = append(cases, []string{"feeds", sub, "-h"})
	}
	for _, sub := range []string{"add", "list", "remove", "test"} {
		cases = append(cases, []string{"subs", sub, "-h"})
	}
	for _, sub := range []string{"list", "replay", "purge"} {
		cases = append(cases, []string{"dlq", sub, "-h"})
	}
	cases = append(cases, []string{"-h"}, []string{"help"}, []string{"feeds", "help"})
	for _, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, "", args...)
			all := out + errOut
			if code != 0 {
				t.Errorf("exit %d, want 0; output:\n%s", code, all)
			}
			if !strings.Contains(all, "usage: parley") {
				t.Errorf("no usage line in:\n%s", all)
			}
			if strings.Contains(all, "parley "+args[0]+":") {
				t.Errorf("help followed by an error:\n%s", all)
			}
		})
	}
}

func TestEvalHelpSaysWhatItTakes(t *testing.T) {
	_, out, errOut := runCLI(t, "", "eval", "-h")
	if !strings.Contains(out+errOut, "DIR") || !strings.Contains(out+errOut, "gold") {
		t.Errorf("eval -h does not say it takes a corpus directory:\n%s", out+errOut)
	}
}

func TestVersion(t *testing.T) {
	code, out, errOut := runCLI(t, "", "version")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"parley github.com/parleyhq/parley/cmd/parley", "commit", runtime.Version()} {
		if !strings.Contains(out, want) {
			t.Errorf("version %q lacks %q", out, want)
		}
	}
}
