package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/services/notify"
)

const dlqUsage = `usage: parley dlq <list|replay|purge> [flags]

  list [--sub NAME] [--json]           dead-lettered alerts: subscription, alert, attempts, last error
  replay [--sub NAME] [ID...]          resend them (all, one subscription's, or these alert ids) to
                                       the subscription's current target; delivered ones leave the DLQ
  purge (--sub NAME | --all | ID...)   drop dead letters without sending them, e.g. those of a
                                       removed subscription

All take --nats URL (default $PARLEY_NATS_URL or nats://127.0.0.1:4222). How soon an alert
reaches the DLQ is set by notify.max_attempts, retry_base and retry_max in the config.`

func cmdDLQ(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 {
		fmt.Fprintln(io.err, dlqUsage)
		return errUsage
	}
	if isHelp(args[0]) {
		fmt.Fprintln(io.out, dlqUsage)
		return nil
	}
	sub, args := args[0], args[1:]
	if sub != "list" && sub != "replay" && sub != "purge" {
		fmt.Fprintf(io.err, "parley dlq: unknown subcommand %q\n\n%s\n", sub, dlqUsage)
		return errUsage
	}
	fs := newFlags("dlq "+sub, io)
	url := natsFlag(fs)
	name := fs.String("sub", "", "only this subscription's dead letters")
	asJSON := fs.Bool("json", false, "print JSON lines instead of a table (list)")
	all := fs.Bool("all", false, "every dead letter (purge)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if sub == "list" {
		if err := noArgs(fs); err != nil {
			return err
		}
	}
	if sub == "purge" && *name == "" && !*all && fs.NArg() == 0 {
		return errors.New("purge needs --sub NAME, alert ids, or --all")
	}
	b, closeBus, err := dialBus(ctx, *url, "parley-dlq")
	if err != nil {
		return err
	}
	defer closeBus()
	letters, err := notify.DeadLetters(ctx, b)
	if err != nil {
		return err
	}
	chosen, err := chooseLetters(letters, *name, fs.Args())
	if err != nil {
		return err
	}
	switch sub {
	case "replay":
		return dlqReplay(ctx, b, *name, fs.Args(), io)
	case "purge":
		return dlqPurge(ctx, b, chosen, io)
	}
	if *asJSON {
		return dlqJSON(chosen, io)
	}
	return dlqTable(chosen, io)
}

// chooseLetters picks the dead letters of one subscription (or all) and of the given alert
// ids (or all). An id that matches none is an error: a typo must not read as success.
func chooseLetters(letters []notify.DeadLetter, sub string, ids []string) ([]notify.DeadLetter, error) {
	var out []notify.DeadLetter
	found := map[string]bool{}
	for _, d := range letters {
		if sub != "" && d.Subscription != sub {
			continue
		}
		if len(ids) > 0 && !slices.Contains(ids, d.Alert.GetId()) {
			continue
		}
		found[d.Alert.GetId()] = true
		out = append(out, d)
	}
	var missing []string
	for _, id := range ids {
		if !found[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		where := "the DLQ"
		if sub != "" {
			where = sub + "'s dead letters"
		}
		return nil, fmt.Errorf("no alert %s in %s ('parley dlq list' shows what is there)", strings.Join(missing, ", "), where)
	}
	return out, nil
}

func dlqReplay(ctx context.Context, b *bus.Bus, sub string, ids []string, io stdio) error {
	results, err := notify.Replay(ctx, notify.ReplayOptions{Bus: b, Subscription: sub, AlertIDs: ids, Console: io.out})
	if err != nil {
		return err
	}
	failed, orphaned := 0, map[string]bool{}
	for _, r := range results {
		fmt.Fprintf(io.out, "%s %s: %s\n", r.Subscription, r.Alert.GetId(), r.Outcome)
		if r.Err != nil {
			failed++
			if errors.Is(r.Err, notify.ErrNoSubscription) {
				orphaned[r.Subscription] = true
			}
		}
	}
	if len(results) == 0 {
		fmt.Fprintln(io.out, "nothing to replay")
	}
	for _, s := range slices.Sorted(maps.Keys(orphaned)) {
		fmt.Fprintf(io.err, "subscription %s no longer exists: add it again to replay, or drop its dead letters with 'parley dlq purge --sub %s'\n", s, s)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d dead letters not delivered; they stay in the DLQ", failed, len(results))
	}
	return nil
}

func dlqPurge(ctx context.Context, b *bus.Bus, letters []notify.DeadLetter, io stdio) error {
	stream, err := b.JS.Stream(ctx, bus.StreamDLQ)
	if errors.Is(err, jetstream.ErrStreamNotFound) || len(letters) == 0 {
		fmt.Fprintln(io.out, "nothing to purge")
		return nil
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", bus.StreamDLQ, err)
	}
	for _, d := range letters {
		if err := stream.DeleteMsg(ctx, d.Seq); err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
			return fmt.Errorf("purge %s %s: %w", d.Subscription, d.Alert.GetId(), err)
		}
		fmt.Fprintf(io.out, "%s %s: purged\n", d.Subscription, d.Alert.GetId())
	}
	fmt.Fprintf(io.out, "purged %d dead letters\n", len(letters))
	return nil
}

func dlqJSON(letters []notify.DeadLetter, io stdio) error {
	enc := json.NewEncoder(io.out)
	for _, d := range letters {
		if err := enc.Encode(map[string]any{
			"subscription": d.Subscription, "alert_id": d.Alert.GetId(), "kind": d.Alert.GetKind(),
			"headline": d.Alert.GetHeadline(), "attempts": d.Attempts, "last_error": d.LastError, "time": d.Time.UTC(),
		}); err != nil {
			return err
		}
	}
	return nil
}

func dlqTable(letters []notify.DeadLetter, io stdio) error {
	if len(letters) == 0 {
		fmt.Fprintln(io.err, "no dead letters")
		return nil
	}
	tw := tabwriter.NewWriter(io.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tSUBSCRIPTION\tALERT\tATTEMPTS\tHEADLINE\tLAST ERROR")
	for _, d := range letters {
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
