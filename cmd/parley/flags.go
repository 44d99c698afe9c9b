package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
)

var (
	// errUsage means the flag package already printed what was wrong.
	errUsage = errors.New("usage")
	// errHelp means help was asked for and printed: the command exits 0.
	errHelp = errors.New("help shown")
)

// synopses are the first lines of each command's -h, before its flags.
var synopses = map[string]string{
	"run":     "parley run [--config FILE]\n\nThe whole pipeline in one process; without --config, the bundled demo.",
	"extract": "parley extract --published RFC3339 [--url U] [--title T] [--source S] FILE|-\n\nPrints one JSON line per negotiation event in an article (plain text or HTML).",
	"eval": "parley eval DIR\n\nScores the extractor on a labelled corpus: NAME.txt or NAME.html articles, each with a\n" +
		"NAME.json gold file (e.g. services/parse/testdata/corpus). Prints per-field accuracy and the misses.",
	"tail":       "parley tail [--nats URL] [--subject S]\n\nPrints alerts as JSON lines as they arrive.",
	"rounds":     "parley rounds [--since DATE] [--json] [--nats URL]\n\nThe timeline of rounds, oldest first.",
	"version":    "parley version\n\nPrints the module version, the VCS commit it was built from and the Go release.",
	"demo-feeds": "parley demo-feeds [--listen ADDR] [--step D]\n\nServes the bundled demo stories as RSS feeds, for a pipeline of separate services (compose.yaml).",
	"fetch":      "parley fetch [--nats URL] [--config FILE]\n\nRuns the fetch service against an external NATS.",
	"parse":      "parley parse [--nats URL] [--config FILE]\n\nRuns the parse service against an external NATS.",
	"notify":     "parley notify [--nats URL] [--config FILE]\n\nRuns the notify service against an external NATS.",
}

func newFlags(name string, io stdio) *flag.FlagSet {
	fs := flag.NewFlagSet("parley "+name, flag.ContinueOnError)
	fs.SetOutput(io.err)
	fs.Usage = func() {
		syn, ok := synopses[name]
		if !ok {
			syn = "parley " + name + " [flags]"
		}
		fmt.Fprintf(fs.Output(), "usage: %s\n", syn)
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintln(fs.Output(), "\nflags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return errUsage // the flag package has printed the problem
	}
	return nil
}

// isHelp reports whether arg asks for help, as the first argument of a command with
// subcommands.
func isHelp(arg string) bool {
	switch strings.TrimLeft(arg, "-") {
	case "h", "help":
		return true
	}
	return false
}

func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// parseNoArgs parses the flags of a command that takes no positional arguments.
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return noArgs(fs)
}
