// Package roundstore keeps notify's rounds in JetStream key-value buckets, flat so the cost
// of folding an event stays the same however long a track has been reported on: one key per
// round, a month index that finds the rounds an event may report, and a record of event ids
// that expires after the events stream has forgotten them.
package roundstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/services/notify/round"
)

// Buckets notify owns.
const (
	// Bucket holds "round.<id>" (one round each) and "index.<YYYY-MM>" (the rounds whose
	// reach touches that month).
	Bucket = "parley_rounds"
	// EventsBucket maps the id of each event folded to its round, for EventTTL.
	EventsBucket = "parley_round_events"
)

// EventTTL outlives the events stream's retention: an event can only be redelivered while
// the stream holds it.
const EventTTL = bus.RetentionEvents + 15*24*time.Hour

// ErrConflict means another writer changed a round or index entry first: fold again.
var ErrConflict = errors.New("rounds changed by another writer")

// Store reads and writes rounds.
type Store struct {
	rounds, events jetstream.KeyValue
}

// Open creates the buckets when missing.
func Open(ctx context.Context, b *bus.Bus) (*Store, error) {
	rounds, err := b.KeyValueWith(ctx, jetstream.KeyValueConfig{Bucket: Bucket})
	if err != nil {
		return nil, fmt.Errorf("roundstore: %w", err)
	}
	events, err := b.KeyValueWith(ctx, jetstream.KeyValueConfig{Bucket: EventsBucket, TTL: EventTTL})
	if err != nil {
		return nil, fmt.Errorf("roundstore: %w", err)
	}
	return &Store{rounds: rounds, events: events}, nil
}

// Entry is a stored round and the revision it was read at (0: not stored yet).
type Entry struct {
	State round.State
	Rev   uint64
}

// Candidates are the rounds an event may report, and the index revisions they were found at,
// which a new round's Save checks so that two writers cannot both create one meeting.
type Candidates struct {
	Entries []Entry
	months  map[string]uint64
}

// Candidates reads the index months ev's reach touches and loads the rounds whose reach meets
// it and that share a side with it.
func (s *Store) Candidates(ctx context.Context, ev round.Event, now time.Time) (Candidates, error) {
	lo, hi := round.EventReach(ev, now)
	c := Candidates{months: map[string]uint64{}}
	seen := map[string]bool{}
	for _, m := range months(lo, hi) {
		idx, rev, err := s.readIndex(ctx, m)
		if err != nil {
			return Candidates{}, err
		}
		c.months[m] = rev
		for _, e := range idx {
			if seen[e.ID] || !e.meets(lo, hi) || !e.sharesSide(ev) {
				continue
			}
			seen[e.ID] = true
			ent, err := s.Load(ctx, e.ID)
			if errors.Is(err, jetstream.ErrKeyNotFound) {
				continue // indexed before a write that never happened
			}
			if err != nil {
				return Candidates{}, err
			}
			c.Entries = append(c.Entries, ent)
		}
	}
	return c, nil
}

// Load reads one round.
func (s *Store) Load(ctx context.Context, id string) (Entry, error) {
	e, err := s.rounds.Get(ctx, roundKey(id))
	if err != nil {
		return Entry{}, fmt.Errorf("read round %s: %w", id, err)
	}
	st, err := decodeState(e.Value())
	if err != nil {
		// A corrupt round would block every event near it; that needs a person.
		return Entry{}, fmt.Errorf("decode round %s (revision %d): %w", id, e.Revision(), err)
	}
	return Entry{State: st, Rev: e.Revision()}, nil
}

// Save writes st if it is still at rev (0: a new round), and indexes it under the months of
// its reach. A new round is indexed first, against the index revisions its candidates were
// read at, so a concurrent creation of the same meeting conflicts instead of duplicating;
// entries left by a write that then fails point at nothing and are skipped.
func (s *Store) Save(ctx context.Context, st round.State, rev uint64, was *round.State, c Candidates) (uint64, error) {
	data, err := encodeState(st)
	if err != nil {
		return 0, bus.Permanent(fmt.Errorf("encode round %s: %w", st.Round.ID, err))
	}
	e := entryOf(st)
	same := was != nil && entryOf(*was).equal(e)
	for _, m := range e.months() {
		if same {
			break // most reports change nothing the index holds: no index write
		}
		expect, read := c.months[m]
		if rev != 0 || !read {
			expect = anyRevision
		}
		if err := s.updateIndex(ctx, m, expect, func(idx index) index { return idx.put(e) }); err != nil {
			return 0, err
		}
	}
	var newRev uint64
	if rev == 0 {
		newRev, err = s.rounds.Create(ctx, roundKey(st.Round.ID), data)
	} else {
		newRev, err = s.rounds.Update(ctx, roundKey(st.Round.ID), data, rev)
	}
	if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return 0, ErrConflict
	}
	if err != nil {
		return 0, fmt.Errorf("write round %s: %w", st.Round.ID, err)
	}
	if was != nil && !same {
		if err := s.unindexStale(ctx, entryOf(*was), e); err != nil {
			return 0, err
		}
	}
	return newRev, nil
}

// unindexStale drops the round from months its old reach touched and its new one does not.
func (s *Store) unindexStale(ctx context.Context, old, cur indexEntry) error {
	keep := map[string]bool{}
	for _, m := range cur.months() {
		keep[m] = true
	}
	for _, m := range old.months() {
		if keep[m] {
			continue
		}
		if err := s.updateIndex(ctx, m, anyRevision, func(idx index) index { return idx.drop(cur.ID) }); err != nil {
			return err
		}
	}
	return nil
}

// EventRound returns the round an event was folded into, "" when it was not (or long ago).
func (s *Store) EventRound(ctx context.Context, eventID string) (string, error) {
	e, err := s.events.Get(ctx, eventKey(eventID))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read event %s: %w", eventID, err)
	}
	return string(e.Value()), nil
}

// MarkEvent records that eventID was folded into roundID.
func (s *Store) MarkEvent(ctx context.Context, eventID, roundID string) error {
	if _, err := s.events.Put(ctx, eventKey(eventID), []byte(roundID)); err != nil {
		return fmt.Errorf("record event %s: %w", eventID, err)
	}
	return nil
}

// MarkPublished notes that the round's last alert, alertID, is on the alerts stream, so
// nothing sends it again. A newer alert stored meanwhile is left alone.
func (s *Store) MarkPublished(ctx context.Context, roundID, alertID string) error {
	for range 8 {
		ent, err := s.Load(ctx, roundID)
		if err != nil {
			return err
		}
		st := ent.State
		if st.Published || st.LastAlert == nil || st.LastAlert.ID != alertID {
			return nil
		}
		st.Published = true
		data, err := encodeState(st)
		if err != nil {
			return fmt.Errorf("encode round %s: %w", roundID, err)
		}
		_, err = s.rounds.Update(ctx, roundKey(roundID), data, ent.Rev)
		if errors.Is(err, jetstream.ErrKeyRevisionMismatch) || errors.Is(err, jetstream.ErrKeyExists) {
			continue
		}
		if err != nil {
			return fmt.Errorf("mark alert %s published: %w", alertID, err)
		}
		return nil
	}
	return fmt.Errorf("mark alert %s published: %w", alertID, ErrConflict)
}

// Rounds returns every stored round, for the timeline.
func (s *Store) Rounds(ctx context.Context) ([]round.Round, error) {
	return AllRounds(ctx, s.rounds)
}

// AllRounds reads every round of a rounds bucket opened elsewhere (a reader that must not
// create it).
func AllRounds(ctx context.Context, kv jetstream.KeyValue) ([]round.Round, error) {
	lister, err := kv.ListKeysFiltered(ctx, roundPrefix+">")
	if err != nil {
		return nil, fmt.Errorf("list rounds: %w", err)
	}
	defer func() { _ = lister.Stop() }()
	var out []round.Round
	for k := range lister.Keys() {
		e, err := kv.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue // deleted between the listing and the read
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", k, err)
		}
		st, err := decodeState(e.Value())
		if err != nil {
			return nil, fmt.Errorf("decode %s (revision %d): %w", k, e.Revision(), err)
		}
		out = append(out, st.Round)
	}
	return out, nil
}
