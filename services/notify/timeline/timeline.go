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
	"google.golang.org/protobuf/proto"

	"github.com/parleyhq/parley/platform/bus"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
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

// all reads every set in the bucket. Rounds are keyed by parties, not by id, and a deployment
// holds a few hundred at most, so a full read is simpler than keeping an index in step.
func (t *Timeline) all(ctx context.Context) ([]*parleyv1.Round, error) {
	kv, err := t.js.KeyValue(ctx, bus.BucketRounds)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, nil // notify has not stored a round yet
	}
	if err != nil {
		return nil, fmt.Errorf("timeline: open %s: %w", bus.BucketRounds, err)
	}
	keys, err := kv.Keys(ctx)
	if errors.Is(err, jetstream.ErrNoKeysFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("timeline: list %s: %w", bus.BucketRounds, err)
	}
	var out []*parleyv1.Round
	for _, k := range keys {
		entry, err := kv.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue // deleted between the listing and the read
		}
		if err != nil {
			return nil, fmt.Errorf("timeline: read %s: %w", k, err)
		}
		var set parleyv1.RoundSet
		if err := proto.Unmarshal(entry.Value(), &set); err != nil {
			return nil, fmt.Errorf("timeline: decode %s (revision %d): %w", k, entry.Revision(), err)
		}
		for _, st := range set.GetRounds() {
			if r := st.GetRound(); r != nil {
				out = append(out, r)
			}
		}
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
