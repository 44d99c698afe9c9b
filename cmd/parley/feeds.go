package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/config"
	"github.com/parleyhq/parley/services/fetch"
)

const feedsUsage = `usage: parley feeds <command> [--nats URL] ...
  add URL [--name N] [--interval D] [--full-text]   register a feed (or change its settings)
  list [--json]                                     registered feeds with their last poll
  remove URL                                        unregister a feed
  import-opml FILE|-                                register every feed of an OPML file
  export-opml                                       the registry as OPML 2.0 on standard output`

// cmdFeeds edits the feed registry that running fetchers follow.
func cmdFeeds(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 {
		fmt.Fprintln(io.err, feedsUsage)
		return errUsage
	}
	if isHelp(args[0]) {
		fmt.Fprintln(io.out, feedsUsage)
		return nil
	}
	sub, args := args[0], args[1:]
	fs := newFlags("feeds "+sub, io)
	natsURL := fs.String("nats", envOr("PARLEY_NATS_URL", "nats://127.0.0.1:4222"), "NATS server `URL`")
	run := feedsCommand(sub, fs, io)
	if run == nil {
		fmt.Fprintf(io.err, "parley feeds: unknown subcommand %q\n\n%s\n", sub, feedsUsage)
		return errUsage
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	nc, err := connectCLI(*natsURL, nats.Name("parley-feeds"))
	if err != nil {
		return fmt.Errorf("connect to %s: %w", *natsURL, err)
	}
	defer nc.Close()
	b, err := bus.New(nc, 1)
	if err != nil {
		return err
	}
	if b.Secrets, err = secretsFromEnv(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return run(ctx, b, pos)
}

// feedsRun runs one feeds subcommand once its flags are parsed; pos are its positional
// arguments.
type feedsRun func(ctx context.Context, b *bus.Bus, pos []string) error

// feedsCommand defines the flags of subcommand sub on fs and returns what runs it, or nil
// if there is no such subcommand.
func feedsCommand(sub string, fs *flag.FlagSet, io stdio) feedsRun {
	switch sub {
	case "add":
		return feedsAddCommand(fs, io)
	case "list":
		asJSON := fs.Bool("json", false, "one JSON object per feed")
		return func(ctx context.Context, b *bus.Bus, pos []string) error {
			return feedsList(ctx, b, pos, *asJSON, io)
		}
	case "remove":
		return func(ctx context.Context, b *bus.Bus, pos []string) error {
			return feedsRemove(ctx, b, pos, io)
		}
	case "import-opml":
		return func(ctx context.Context, b *bus.Bus, pos []string) error {
			if len(pos) != 1 {
				return errors.New("import-opml needs one OPML file (or - for standard input)")
			}
			return importOPML(ctx, b, pos[0], io)
		}
	case "export-opml":
		return func(ctx context.Context, b *bus.Bus, pos []string) error {
			if len(pos) != 0 {
				return fmt.Errorf("unexpected argument %q", pos[0])
			}
			return exportOPML(ctx, b, io.out)
		}
	}
	return nil
}

// feedsAddCommand defines the flags of `feeds add`.
func feedsAddCommand(fs *flag.FlagSet, io stdio) feedsRun {
	name := fs.String("name", "", "the outlet's `name` in alerts (default: the feed's title)")
	interval := fs.Duration("interval", 0, "poll `interval` (default 5m)")
	fullText := fs.Bool("full-text", false, "fetch each item's linked page")
	return func(ctx context.Context, b *bus.Bus, pos []string) error {
		if len(pos) != 1 {
			return errors.New("add needs exactly one feed URL")
		}
		reg, err := fetch.OpenRegistry(ctx, b)
		if err != nil {
			return err
		}
		// Whether fetch may reach a private host is its own setting; the floor for one is
		// the private one.
		if least := config.MinInterval(pos[0], true); *interval != 0 && *interval < least {
			return fmt.Errorf("--interval %s is shorter than %s, the least for %s", *interval, least, pos[0])
		}
		if err := reg.Add(ctx, fetch.Feed{URL: pos[0], Name: *name, Interval: *interval, FullText: *fullText}); err != nil {
			return err
		}
		fmt.Fprintf(io.out, "registered %s\n", pos[0])
		return nil
	}
}

// feedsList prints the registered feeds with their last poll, as a table or JSON lines.
func feedsList(ctx context.Context, b *bus.Bus, pos []string, asJSON bool, io stdio) error {
	if len(pos) != 0 {
		return fmt.Errorf("unexpected argument %q", pos[0])
	}
	st, err := fetch.ListStatus(ctx, b)
	if err != nil {
		return err
	}
	if asJSON {
		return listJSON(io.out, st)
	}
	return listTable(io.out, st)
}

// feedsRemove unregisters the feed of pos[0].
func feedsRemove(ctx context.Context, b *bus.Bus, pos []string, io stdio) error {
	if len(pos) != 1 {
		return errors.New("remove needs exactly one feed URL")
	}
	reg, err := fetch.OpenRegistry(ctx, b)
	if err != nil {
		return err
	}
	found, err := reg.Remove(ctx, pos[0])
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("%s is not registered", pos[0])
	}
	fmt.Fprintf(io.out, "removed %s\n", pos[0])
	return nil
}

// parseInterspersed lets flags follow positional arguments ("add URL --name N"), which the
// flag package alone stops at.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// feedJSON is one line of `feeds list --json`.
type feedJSON struct {
	URL        string     `json:"url"`
	ID         string     `json:"id"`
	Name       string     `json:"name,omitempty"`
	Interval   string     `json:"interval"`
	FullText   bool       `json:"full_text"`
	Origin     string     `json:"origin,omitempty"`
	LastPoll   *time.Time `json:"last_poll,omitempty"`
	LastResult string     `json:"last_result,omitempty"`
	Items      int        `json:"items"`
	Published  int64      `json:"published"`
	NextPoll   *time.Time `json:"next_poll,omitempty"`
	LastError  string     `json:"last_error,omitempty"`
	Failures   int        `json:"failures,omitempty"`
}

func feedInterval(f fetch.Feed) time.Duration {
	if f.Interval == 0 {
		return fetch.DefaultInterval
	}
	return f.Interval
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func listJSON(w io.Writer, sts []fetch.Status) error {
	enc := json.NewEncoder(w)
	for _, s := range sts {
		if err := enc.Encode(feedJSON{
			URL: s.URL, ID: fetch.FeedID(s.URL), Name: s.Name, Interval: feedInterval(s.Feed).String(), FullText: s.FullText,
			Origin: s.Origin, LastPoll: optTime(s.State.LastPoll), LastResult: s.State.LastResult, Items: s.State.Items,
			Published: s.State.Published, NextPoll: optTime(s.State.NextPoll), LastError: s.State.LastError, Failures: s.State.Failures,
		}); err != nil {
			return err
		}
	}
	return nil
}

func listTable(w io.Writer, sts []fetch.Status) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "URL\tNAME\tINTERVAL\tLAST POLL\tRESULT\tITEMS\tPUBLISHED\tNEXT POLL\tLAST ERROR")
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, s := range sts {
		result := s.State.LastResult
		if !s.Polled || result == "" {
			result = "never polled"
		}
		name := s.Name
		if name == "" {
			name = "-"
		}
		// One line per feed: an error message must not break the table.
		lastErr := strings.Join(strings.Fields(s.State.LastError), " ")
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", s.URL, name, feedInterval(s.Feed), stamp(s.State.LastPoll),
			result, s.State.Items, s.State.Published, stamp(s.State.NextPoll), lastErr)
	}
	return tw.Flush()
}

type opml struct {
	XMLName xml.Name `xml:"opml"`
	Version string   `xml:"version,attr"`
	Head    opmlHead `xml:"head"`
	Body    opmlBody `xml:"body"`
}

type opmlHead struct {
	Title       string `xml:"title"`
	DateCreated string `xml:"dateCreated,omitempty"`
}

type opmlBody struct {
	Outlines []opmlOutline `xml:"outline"`
}

type opmlOutline struct {
	Type     string        `xml:"type,attr,omitempty"`
	Text     string        `xml:"text,attr"`
	Title    string        `xml:"title,attr,omitempty"`
	XMLURL   string        `xml:"xmlUrl,attr,omitempty"`
	Outlines []opmlOutline `xml:"outline"`
}

func importOPML(ctx context.Context, b *bus.Bus, path string, io stdio) error {
	var data []byte
	var err error
	if path == "-" {
		data, err = readAll(io.in)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return fmt.Errorf("import-opml: %w", err)
	}
	var doc opml
	if err := xml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("import-opml %s: not OPML: %w", path, err)
	}
	var feeds []fetch.Feed
	var walk func([]opmlOutline)
	walk = func(outs []opmlOutline) {
		for _, o := range outs {
			if u := strings.TrimSpace(o.XMLURL); u != "" {
				name := strings.TrimSpace(o.Title)
				if name == "" {
					name = strings.TrimSpace(o.Text)
				}
				feeds = append(feeds, fetch.Feed{URL: u, Name: name})
			}
			walk(o.Outlines) // folders nest feeds
		}
	}
	walk(doc.Body.Outlines)
	reg, err := fetch.OpenRegistry(ctx, b)
	if err != nil {
		return err
	}
	existing, err := reg.List(ctx)
	if err != nil {
		return err
	}
	known := make(map[string]bool, len(existing))
	for _, e := range existing {
		known[e.URL] = true
	}
	added, skipped := 0, 0
	var errs []error
	for _, f := range feeds {
		if known[f.URL] {
			skipped++ // registered already: its settings are kept
			continue
		}
		if err := reg.Add(ctx, f); err != nil {
			errs = append(errs, err)
			continue
		}
		known[f.URL] = true
		added++
	}
	fmt.Fprintf(io.out, "registered %d feeds; %d already registered\n", added, skipped)
	return errors.Join(errs...)
}

func readAll(r io.Reader) ([]byte, error) {
	if r == nil {
		return nil, errors.New("no standard input")
	}
	return io.ReadAll(r)
}

func exportOPML(ctx context.Context, b *bus.Bus, w io.Writer) error {
	reg, err := fetch.OpenRegistry(ctx, b)
	if err != nil {
		return err
	}
	entries, err := reg.List(ctx)
	if err != nil {
		return err
	}
	doc := opml{Version: "2.0", Head: opmlHead{Title: "Parley feeds", DateCreated: time.Now().UTC().Format(time.RFC1123Z)}}
	for _, e := range entries {
		text := e.Name
		if text == "" {
			text = e.URL
		}
		doc.Body.Outlines = append(doc.Body.Outlines, opmlOutline{Type: "rss", Text: text, Title: e.Name, XMLURL: e.URL})
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "%s%s\n", xml.Header, out); err != nil {
		return err
	}
	return nil
}
