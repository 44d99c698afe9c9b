package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/notify/timeline"
)

// cmdRounds prints the timeline: every round notify knows of, oldest first, with every
// source that reported it.
func cmdRounds(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("rounds", io)
	url := fs.String("nats", envOr("PARLEY_NATS_URL", "nats://127.0.0.1:4222"), "NATS server `URL`")
	sinceFlag := fs.String("since", "", "only rounds on or after this `date` (2006-01-02)")
	asJSON := fs.Bool("json", false, "print JSON lines, one round per line as GET /api/rounds/{id} serves it")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	since, err := timeline.ParseSince(*sinceFlag)
	if err != nil {
		return err
	}
	nc, err := connectCLI(*url, nats.Name("parley-rounds"))
	if err != nil {
		return fmt.Errorf("connect to %s: %w", *url, err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	rounds, err := timeline.New(js).List(ctx, since)
	if err != nil {
		return err
	}
	if *asJSON {
		// JSON lines, like every other list; each line is a round as GET /api/rounds/{id}
		// serves it.
		for _, r := range rounds {
			body, err := timeline.JSON(r)
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(io.out, "%s\n", body); err != nil {
				return err
			}
		}
		return nil
	}
	if len(rounds) == 0 {
		_, err := fmt.Fprintln(io.out, "no rounds")
		return err
	}
	var b strings.Builder
	for _, r := range rounds {
		writeRound(&b, r)
	}
	_, err = fmt.Fprint(io.out, b.String())
	return err
}

// writeRound prints one round as a block: a line of facts, then one line per source.
func writeRound(b *strings.Builder, r *parleyv1.Round) {
	dates := r.GetStartDate()
	if e := r.GetEndDate(); e != "" && e != dates {
		dates += " – " + e
	}
	if dates == "" {
		dates = "date unknown"
	}
	if p := r.GetDatePrecision(); p != parleyv1.DatePrecision_DATE_PRECISION_DAY && p != parleyv1.DatePrecision_DATE_PRECISION_UNSPECIFIED {
		dates += " (" + strings.ToLower(strings.TrimPrefix(p.String(), "DATE_PRECISION_")) + ")"
	}
	venue := "venue unknown"
	if l := r.GetLocation(); l.GetCity() != "" {
		venue = l.GetCity()
		if l.GetCountry() != "" {
			venue += ", " + l.GetCountry()
		}
		if l.GetVenue() != "" {
			venue = l.GetVenue() + ", " + venue
		}
	}
	status := strings.ToLower(strings.TrimPrefix(r.GetStatus().String(), "STATUS_"))
	fmt.Fprintf(b, "%s  %-9s  %s  %s  [%s]\n", dates, status, venue, strings.Join(r.GetParties(), "–"), r.GetId())
	var names []string
	for _, p := range r.GetParticipants() {
		names = append(names, p.GetName())
	}
	if len(names) > 0 {
		fmt.Fprintf(b, "    participants: %s\n", strings.Join(names, ", "))
	}
	for _, s := range r.GetSources() {
		pub := ""
		if s.GetPublished() != nil {
			pub = s.GetPublished().AsTime().UTC().Format("2006-01-02 15:04") + "  "
		}
		fmt.Fprintf(b, "    %s%s: %s <%s>\n", pub, s.GetSource(), s.GetTitle(), s.GetUrl())
	}
}
