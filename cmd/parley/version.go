package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// cmdVersion prints what `go install` or `go build` recorded: the module version (a tag, a
// pseudo-version, or "(devel)" in a clone) and the VCS commit, so a bug report says exactly
// what ran.
func cmdVersion(_ context.Context, args []string, io stdio) error {
	fs := newFlags("version", io)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(io.out, versionLine())
	return nil
}

func versionLine() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "parley (no build information)"
	}
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	commit := settings["vcs.revision"]
	switch {
	case commit == "":
		commit = "unknown commit"
	case settings["vcs.modified"] == "true":
		commit += " (modified)"
	}
	if t := settings["vcs.time"]; t != "" {
		commit += " " + t
	}
	return fmt.Sprintf("parley %s %s, commit %s, %s", bi.Main.Path, version, commit, bi.GoVersion)
}
