// Package timeline is a read-only view of the rounds notify keeps: every round Parley knows
// of, in date order, with its status, dates, venue, parties and every source that reported
// it. It serves `parley rounds` and the /api/rounds endpoints.
package timeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/notify"
	"github.com/parleyhq/parley/services/notify/roundstore"
)

// ErrNotFound is returned by Get for an id no round has.
var ErrNotFound = errors.New("round not found")

// Timeline reads the rounds bucket. It never writes and never creates the bucket: a reader
// must not decide the bucket's configuration before notify has run.
type Timeline struct {
	js jetstream.JetStream
}

// New returns a timeline over the rounds bucket of js.
func New(js jetstream.JetStream) *Timeline { return &Timeline{js: js} }

// List returns every round whose dates reach since or later (zero since: all), sorted by start
// date, then first seen, then id. An undated round counts from the day it was first reported.
func (t *Timeline) List(ctx context.Context, since time.Time) ([]*parleyv1.Round, error) {
	all, err := t.all(ctx)
	if err != nil {
		return nil, err
	}
	cutoff := ""
	if !since.IsZero() {
		cutoff = since.UTC().Format(time.DateOnly)
	}
	out := make([]*parleyv1.Round, 0, len(all))
	for _, r := range all {
		if cutoff == "" || lastDay(r) >= cutoff {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b *parleyv1.Round) int {
		return cmp.Or(
			cmp.Compare(firstDay(a), firstDay(b)),
			a.GetFirstSeen().AsTime().Compare(b.GetFirstSeen().AsTime()),
			cmp.Compare(a.GetId(), b.GetId()),
		)
	})
	return out, nil
}

// Get returns the round with id, or ErrNotFound.
func (t *Timeline) Get(ctx context.Context, id string) (*parleyv1.Round, error) {
	all, err := t.all(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range all {
		if r.GetId() == id {
			return r, nil
		}
	}
	return nil, fmt.Errorf("round %q: %w", id, ErrNotFound)
}

// all reads every round in the bucket. A full read serves a timeline of years of rounds in
// well under a second; filtering by date happens after.
func (t *Timeline) all(ctx context.Context) ([]*parleyv1.Round, error) {
	kv, err := t.js.KeyValue(ctx, roundstore.Bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, nil // notify has not stored a round yet
	}
	if err != nil {
		return nil, fmt.Errorf("timeline: open %s: %w", roundstore.Bucket, err)
	}
	rounds, err := roundstore.AllRounds(ctx, kv)
	if err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	out := make([]*parleyv1.Round, 0, len(rounds))
	for _, r := range rounds {
		out = append(out, notify.RoundProto(r))
	}
	return out, nil
}

func firstDay(r *parleyv1.Round) string {
	if d := r.GetStartDate(); d != "" {
		return d
	}
	if r.GetFirstSeen() != nil {
		return r.GetFirstSeen().AsTime().UTC().Format(time.DateOnly)
	}
	return ""
}

func lastDay(r *parleyv1.Round) string {
	if d := r.GetEndDate(); d != "" {
		return d
	}
	return firstDay(r)
}
