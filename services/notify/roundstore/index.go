package roundstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/parleyhq/parley/services/notify/round"
)

const (
	roundPrefix = "round."
	indexPrefix = "index."
	// maxIndexEntries bounds one month of the index (about 80 bytes an entry): far more
	// rounds than all tracks hold in a month. Past it the rounds whose reach ended first go.
	maxIndexEntries = 600
	// anyRevision asks updateIndex to read-modify-write whatever revision it finds.
	anyRevision   = ^uint64(0)
	maxIndexTries = 32
)

func roundKey(id string) string { return roundPrefix + id }

// eventKey hashes the event id, which comes from outside and may hold anything.
func eventKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return "e" + hex.EncodeToString(sum[:16])
}

// indexEntry is what the index knows of a round: enough to skip rounds an event cannot report
// without reading them.
type indexEntry struct {
	ID    string   `json:"id"`
	Lo    string   `json:"lo"` // first day of the reach
	Hi    string   `json:"hi"` // last day of the reach
	Sides []string `json:"s"`  // parties and mediators
}

type index []indexEntry

func entryOf(st round.State) indexEntry {
	lo, hi := round.Reach(st)
	r := st.Round
	sides := slices.Concat(r.Parties, r.Mediators)
	slices.Sort(sides)
	return indexEntry{ID: r.ID, Lo: round.Date(lo), Hi: round.Date(hi), Sides: slices.Compact(sides)}
}

func (e indexEntry) equal(o indexEntry) bool {
	return e.ID == o.ID && e.Lo == o.Lo && e.Hi == o.Hi && slices.Equal(e.Sides, o.Sides)
}

func (e indexEntry) meets(lo, hi time.Time) bool {
	return e.Lo <= round.Date(hi) && e.Hi >= round.Date(lo)
}

func (e indexEntry) sharesSide(ev round.Event) bool {
	for _, c := range slices.Concat(ev.Parties, ev.Mediators) {
		if slices.Contains(e.Sides, strings.ToUpper(strings.TrimSpace(c))) {
			return true
		}
	}
	return false
}

func (e indexEntry) months() []string {
	lo, err1 := time.Parse(time.DateOnly, e.Lo)
	hi, err2 := time.Parse(time.DateOnly, e.Hi)
	if err1 != nil || err2 != nil {
		return nil
	}
	return months(lo, hi)
}

// months names the index keys of the months from lo to hi.
func months(lo, hi time.Time) []string {
	var out []string
	m := time.Date(lo.Year(), lo.Month(), 1, 0, 0, 0, 0, time.UTC)
	for !m.After(hi) && len(out) < 24 {
		out = append(out, indexPrefix+m.Format("2006-01"))
		m = m.AddDate(0, 1, 0)
	}
	return out
}

func (idx index) put(e indexEntry) index {
	idx = idx.drop(e.ID)
	idx = append(idx, e)
	if len(idx) > maxIndexEntries {
		slices.SortStableFunc(idx, func(a, b indexEntry) int { return strings.Compare(b.Hi, a.Hi) })
		idx = idx[:maxIndexEntries]
	}
	return idx
}

func (idx index) drop(id string) index {
	return slices.DeleteFunc(idx, func(e indexEntry) bool { return e.ID == id })
}

func (s *Store) readIndex(ctx context.Context, key string) (index, uint64, error) {
	e, err := s.rounds.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", key, err)
	}
	var idx index
	if err := json.Unmarshal(e.Value(), &idx); err != nil {
		return nil, 0, fmt.Errorf("decode %s (revision %d): %w", key, e.Revision(), err)
	}
	return idx, e.Revision(), nil
}

// updateIndex applies f to one month with compare-and-set. With expect other than
// anyRevision the month must still be at that revision (0: absent), else ErrConflict.
func (s *Store) updateIndex(ctx context.Context, key string, expect uint64, f func(index) index) error {
	for range maxIndexTries {
		idx, rev, err := s.readIndex(ctx, key)
		if err != nil {
			return err
		}
		if expect != anyRevision && rev != expect {
			return ErrConflict
		}
		data, err := json.Marshal(f(idx))
		if err != nil {
			return fmt.Errorf("encode %s: %w", key, err)
		}
		if rev == 0 {
			_, err = s.rounds.Create(ctx, key, data)
		} else {
			_, err = s.rounds.Update(ctx, key, data, rev)
		}
		if err == nil {
			return nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			return fmt.Errorf("write %s: %w", key, err)
		}
		if expect != anyRevision {
			return ErrConflict
		}
	}
	return fmt.Errorf("write %s: %w", key, ErrConflict)
}
