package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/parleyhq/parley/services/notify"
)

const dlqUsage = `usage: parley dlq <list|replay> [flags]

  list [--sub NAME] [--json]   dead-lettered alerts: subscription, alert, attempts, last error
  replay [--sub NAME] [ID...]  resend them (all, one subscription's, or these alert ids) to
                               the subscription's current target; delivered ones leave the DLQ

Both take --nats URL (default $PARLEY_NATS_URL or nats://127.0.0.1:4222).`

func cmdDLQ(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(io.err, dlqUsage)
		return errUsage
	}
	sub, args := args[0], args[1:]
	if sub != "list" && sub != "replay" {
		fmt.Fprintf(io.err, "parley dlq: unknown subcommand %q\n\n%s\n", sub, dlqUsage)
		return errUsage
	}
	fs := newFlags("dlq "+sub, io)
	url := natsFlag(fs)
	name := fs.String("sub", "", "only this subscription's dead letters")
	var asJSON *bool
	if sub == "list" {
		asJSON = fs.Bool("json", false, "print JSON lines instead of a table")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if sub == "list" {
		if err := noArgs(fs); err != nil {
			return err
		}
	}
	b, closeBus, err := dialBus(ctx, *url, "parley-dlq")
	if err != nil {
		return err
	}
	defer closeBus()

	if sub == "replay" {
		results, err := notify.Replay(ctx, notify.ReplayOptions{Bus: b, Subscription: *name, AlertIDs: fs.Args(), Console: io.out})
		if err != nil {
			return err
		}
		failed := 0
		for _, r := range results {
			fmt.Fprintf(io.out, "%s %s: %s\n", r.Subscription, r.Alert.GetId(), r.Outcome)
			if r.Err != nil {
				failed++
			}
		}
		if len(results) == 0 {
			fmt.Fprintln(io.out, "nothing to replay")
		}
		if failed > 0 {
			return fmt.Errorf("%d of %d dead letters not delivered; they stay in the DLQ", failed, len(results))
		}
		return nil
	}

	letters, err := notify.DeadLetters(ctx, b)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(io.out)
		for _, d := range letters {
			if *name != "" && d.Subscription != *name {
				continue
			}
			if err := enc.Encode(map[string]any{
				"subscription": d.Subscription, "alert_id": d.Alert.GetId(), "kind": d.Alert.GetKind(),
				"headline": d.Alert.GetHeadline(), "attempts": d.Attempts, "last_error": d.LastError, "time": d.Time.UTC(),
			}); err != nil {
				return err
			}
		}
		return nil
	}
	var shown []notify.DeadLetter
	for _, d := range letters {
		if *name == "" || d.Subscription == *name {
			shown = append(shown, d)
		}
	}
	if len(shown) == 0 {
		fmt.Fprintln(io.err, "no dead letters")
		return nil
	}
	tw := tabwriter.NewWriter(io.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tSUBSCRIPTION\tALERT\tATTEMPTS\tHEADLINE\tLAST ERROR")
	for _, d := range shown {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", d.Time.UTC().Format(time.DateTime), d.Subscription, d.Alert.GetId(),
			d.Attempts, oneLine(d.Alert.GetHeadline(), 60), oneLine(d.LastError, 80))
	}
	return tw.Flush()
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
