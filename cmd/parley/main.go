// Command parley watches news feeds and alerts when a round of negotiations is announced,
// starts or ends. main only wires: each subcommand lives in its own file.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdio stdio) error
}

type stdio struct {
	in       io.Reader
	out, err io.Writer
}

func commands() map[string]command {
	return map[string]command{
		"run":        {"the whole pipeline in one process (demo without --config)", cmdRun},
		"extract":    {"print the negotiation events of one article as JSON lines", cmdExtract},
		"tail":       {"print alerts as JSON lines as they arrive", cmdTail},
		"fetch":      {"run the fetch service against an external NATS", serviceCommand("fetch")},
		"parse":      {"run the parse service against an external NATS", serviceCommand("parse")},
		"notify":     {"run the notify service against an external NATS", serviceCommand("notify")},
		"feeds":      {"manage the feed registry: add, list, remove, import-opml, export-opml", cmdFeeds},
		"subs":       {"manage subscriptions: add, list, remove, test", cmdSubs},
		"rounds":     {"the timeline of rounds with their status, dates and sources", cmdRounds},
		"dlq":        {"dead-lettered deliveries: list, replay, purge", cmdDLQ},
		"eval":       {"score the extractor on a labelled corpus", cmdEval},
		"version":    {"print the version and the commit it was built from", cmdVersion},
		"demo-feeds": {"serve the demo stories as RSS feeds (for compose.yaml)", cmdDemoFeeds},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := dispatch(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}

func dispatch(ctx context.Context, args []string, io stdio) int {
	cmds := commands()
	if len(args) == 0 {
		args = []string{"run"} // the whole pipeline is the default job
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "help" {
		usage(io.out, cmds)
		return 0
	}
	c, ok := cmds[name]
	if !ok {
		fmt.Fprintf(io.err, "parley: unknown command %q\n\n", name)
		usage(io.err, cmds)
		return 2
	}
	if err := c.run(ctx, args[1:], io); err != nil {
		switch {
		case errors.Is(err, errHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		}
		fmt.Fprintf(io.err, "parley %s: %v\n", name, err)
		return 1
	}
	return 0
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: parley <command> [flags]")
	fmt.Fprintln(w)
	for _, n := range []string{"run", "extract", "tail", "rounds", "feeds", "subs", "dlq", "eval", "fetch", "parse", "notify", "demo-feeds", "version"} {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\n'parley <command> -h' shows a command's flags.")
}
