package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/config"
	"github.com/parleyhq/parley/platform/seal"
	"github.com/parleyhq/parley/services/notify"
	"github.com/parleyhq/parley/services/notify/deliver"
)

const subsUsage = `usage: parley subs <add|list|remove|test> [flags]

  add --name N --target URL [--secret S] [--parties RU,UA] [--kinds new_round,round_updated]
      [--topics ...] [--status scheduled,underway,held,...] [--replace]
                     --replace keeps the old secret unless --secret is given (--secret "" clears it)
  list [--json]      a table, or JSON lines
  remove NAME
  test NAME          send a sample alert to NAME's target now and print the answer

Every subcommand takes --nats URL (default $PARLEY_NATS_URL or nats://127.0.0.1:4222).`

func cmdSubs(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 {
		fmt.Fprintln(io.err, subsUsage)
		return errUsage
	}
	if isHelp(args[0]) {
		fmt.Fprintln(io.out, subsUsage)
		return nil
	}
	sub, args := args[0], args[1:]
	fs := newFlags("subs "+sub, io)
	url := natsFlag(fs)
	run := subsCommand(sub, fs, io)
	if run == nil {
		fmt.Fprintf(io.err, "parley subs: unknown subcommand %q\n\n%s\n", sub, subsUsage)
		return errUsage
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var arg string
	switch sub {
	case "remove", "test":
		if fs.NArg() != 1 {
			return fmt.Errorf("%s takes one subscription name", sub)
		}
		arg = fs.Arg(0)
	default:
		if err := noArgs(fs); err != nil {
			return err
		}
	}

	b, closeBus, err := dialBus(ctx, *url, "parley-subs")
	if err != nil {
		return err
	}
	defer closeBus()
	reg, err := notify.OpenRegistry(ctx, b)
	if err != nil {
		return err
	}
	return run(ctx, reg, arg)
}

// subsRun runs one subs subcommand on the registry, once its flags are parsed; arg is the
// subscription name of remove and test.
type subsRun func(ctx context.Context, reg *notify.Registry, arg string) error

// subsCommand defines the flags of subcommand sub on fs and returns what runs it, or nil if
// there is no such subcommand.
func subsCommand(sub string, fs *flag.FlagSet, io stdio) subsRun {
	switch sub {
	case "add":
		return subsAddCommand(fs, io)
	case "list":
		asJSON := fs.Bool("json", false, "print JSON lines (one subscription per line) instead of a table")
		return func(ctx context.Context, reg *notify.Registry, _ string) error {
			return subsList(ctx, reg, *asJSON, io)
		}
	case "remove":
		return func(ctx context.Context, reg *notify.Registry, name string) error {
			return subsRemove(ctx, reg, name, io)
		}
	case "test":
		return func(ctx context.Context, reg *notify.Registry, name string) error {
			return subsTest(ctx, reg, name, io)
		}
	}
	return nil
}

// subsAddCommand defines the flags of `subs add`.
func subsAddCommand(fs *flag.FlagSet, io stdio) subsRun {
	name := fs.String("name", "", "subscription `name` (letters, digits, - and _)")
	target := fs.String("target", "", "target `URL`: https://… webhook, console://, slack://, telegram://, discord://, teams://, ntfy://, smtp://")
	secret := fs.String("secret", "", "webhook signing `secret` (whsec_<base64> for Standard Webhooks)")
	parties := fs.String("parties", "", "only rounds with one of these `parties` (comma-separated ISO codes)")
	kinds := fs.String("kinds", "", "only these alert `kinds`: new_round, round_updated")
	topics := fs.String("topics", "", "only rounds with one of these `topics`")
	statuses := fs.String("status", "", "only rounds in one of these `statuses`")
	replace := fs.Bool("replace", false, "replace a subscription of the same name (its secret stays unless --secret is given; --secret \"\" clears it)")
	return func(ctx context.Context, reg *notify.Registry, _ string) error {
		s := notify.Subscription{
			Name: *name, Target: *target, Secret: *secret,
			Filter: notify.Filter{Parties: list(*parties), Kinds: list(*kinds), Topics: list(*topics), Status: list(*statuses)},
		}
		if s.Name == "" || s.Target == "" {
			return errors.New("add needs --name and --target")
		}
		return subsAdd(ctx, reg, s, *replace, flagSet(fs, "secret"), io)
	}
}

// subsAdd stores s. Replacing keeps the stored secret unless --secret was given: a target
// edited in passing must not silently start sending unsigned webhooks.
func subsAdd(ctx context.Context, reg *notify.Registry, s notify.Subscription, replace, secretGiven bool, io stdio) error {
	old, err := reg.Get(ctx, s.Name)
	exists := err == nil
	if err != nil && !errors.Is(err, notify.ErrNoSubscription) {
		return err
	}
	if exists && !replace {
		return fmt.Errorf("subscription %s exists; pass --replace to change it", s.Name)
	}
	kept := exists && !secretGiven && old.Secret != ""
	if kept {
		s.Secret = old.Secret
	}
	if err := reg.Put(ctx, s, notify.OriginCLI); err != nil {
		return err
	}
	ch, _ := deliver.ChannelOf(s.Target)
	verb := "added"
	if exists {
		verb = "replaced"
	}
	fmt.Fprintf(io.out, "subscription %s %s (%s); running notify services deliver to it now\n", s.Name, verb, ch)
	if kept {
		fmt.Fprintln(io.out, "kept its secret (--secret \"\" clears it)")
	}
	return nil
}

// flagSet reports whether a flag was given on the command line, even as an empty string.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// subsList prints the subscriptions as a table, or as JSON lines.
func subsList(ctx context.Context, reg *notify.Registry, asJSON bool, io stdio) error {
	entries, err := reg.List(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return printSubsJSON(io, entries)
	}
	tw := tabwriter.NewWriter(io.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCHANNEL\tTARGET\tFILTER\tORIGIN\tUPDATED")
	for _, e := range entries {
		ch, _ := deliver.ChannelOf(e.Target)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.Name, ch, deliver.Redact(e.Target), filterText(e.Filter), e.Origin, e.Updated.Format(time.DateTime))
	}
	return tw.Flush()
}

// subsRemove deletes subscription name.
func subsRemove(ctx context.Context, reg *notify.Registry, name string, io stdio) error {
	e, err := reg.Get(ctx, name)
	if err != nil {
		return err
	}
	if err := reg.Delete(ctx, name); err != nil {
		return err
	}
	fmt.Fprintf(io.out, "subscription %s removed\n", name)
	if e.Origin == notify.OriginConfig {
		fmt.Fprintf(io.err, "note: %s is listed in the configuration file and comes back when notify restarts; remove it there too\n", name)
	}
	return nil
}

// subsTest sends a sample alert to the target of subscription name and prints the answer.
func subsTest(ctx context.Context, reg *notify.Registry, name string, io stdio) error {
	e, err := reg.Get(ctx, name)
	if err != nil {
		return err
	}
	answer, err := notify.SendTest(ctx, e.Subscription, notify.TestOptions{Console: io.out})
	if err != nil {
		return fmt.Errorf("test %s: %w", name, err)
	}
	fmt.Fprintf(io.out, "%s: %s\n", name, answer)
	return nil
}

func printSubsJSON(io stdio, entries []notify.Entry) error {
	type row struct {
		Name      string        `json:"name"`
		Channel   string        `json:"channel"`
		Target    string        `json:"target"`
		SecretSet bool          `json:"secret_set"`
		Filter    notify.Filter `json:"filter"`
		Origin    string        `json:"origin"`
		Updated   time.Time     `json:"updated"`
	}
	rows := make([]row, 0, len(entries))
	for _, e := range entries {
		ch, _ := deliver.ChannelOf(e.Target)
		// Targets may carry tokens and secrets sign alerts: a listing shows neither.
		rows = append(rows, row{e.Name, ch, deliver.Redact(e.Target), e.Secret != "", e.Filter, e.Origin, e.Updated})
	}
	// JSON lines, like every other list: one subscription per line, ready for jq or grep.
	enc := json.NewEncoder(io.out)
	for _, r := range rows {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

func filterText(f notify.Filter) string {
	var parts []string
	for _, p := range f.Named() {
		parts = append(parts, p.Name+"="+strings.Join(p.Values, ","))
	}
	if len(parts) == 0 {
		return "all"
	}
	return strings.Join(parts, " ")
}

func list(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func natsFlag(fs *flag.FlagSet) *string {
	return fs.String("nats", envOr("PARLEY_NATS_URL", "nats://127.0.0.1:4222"), "NATS server `URL`")
}

// connectCLI dials NATS with the credentials and TLS of the PARLEY_NATS_* variables: the
// commands without a config file must get past an authenticating server too.
func connectCLI(url string, opts ...nats.Option) (*nats.Conn, error) {
	n, err := config.NATSFromEnv(nil)
	if err != nil {
		return nil, err
	}
	secure, err := bus.SecurityOptions(n)
	if err != nil {
		return nil, err
	}
	nc, err := nats.Connect(url, append(opts, secure...)...)
	if err != nil {
		err, _ = bus.Explain(err)
		return nil, err
	}
	return nc, nil
}

// secretsFromEnv is the secrets key of PARLEY_SECRETS_KEY: without it `subs add` refuses a
// secret or token, and `subs list` shows them as sealed.
func secretsFromEnv() (*seal.Keys, error) {
	s, err := config.SecretsFromEnv(nil)
	if err != nil {
		return nil, err
	}
	return seal.Parse(s.Key, s.PreviousKeys...)
}

// dialBus connects once, without the services' endless retry: a command should say at once
// that NATS is not there.
func dialBus(ctx context.Context, url, name string) (*bus.Bus, func(), error) {
	nc, err := connectCLI(url, nats.Name(name), nats.Timeout(5*time.Second))
	if err != nil {
		return nil, nil, fmt.Errorf("connect to %s: %w", url, err)
	}
	b, err := bus.New(nc, 1)
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	if b.Secrets, err = secretsFromEnv(); err != nil {
		nc.Close()
		return nil, nil, err
	}
	if _, err := b.JS.AccountInfo(ctx); err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("%s: jetstream: %w", url, err)
	}
	return b, nc.Close, nil
}
