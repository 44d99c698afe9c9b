package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/seal"
)

// Where a registered subscription came from.
const (
	// OriginConfig: seeded from the configuration file, which stays its source of truth.
	OriginConfig = "config"
	// OriginCLI: made at run time with `parley subs add`.
	OriginCLI = "cli"
)

// ErrNoSubscription is returned for a name the registry does not hold.
var ErrNoSubscription = errors.New("no such subscription")

// Entry is a subscription as the registry keeps it.
type Entry struct {
	Subscription
	Origin  string    `json:"origin"`
	Updated time.Time `json:"updated"`
	// Owner and Generation say which config seeded a config entry (see Seed).
	Owner      string `json:"owner,omitempty"`
	Generation int    `json:"generation,omitempty"`
	// Sealed: the entry holds a sealed secret or target and this process has no key to open
	// it; Target and Secret then say so instead of holding the values.
	Sealed bool `json:"-"`
	// stale: sealed with a previous key; rewriting it finishes a key rotation.
	stale bool
}

// BucketSubscriptions holds the subscriptions notify delivers to, edited by `parley subs`.
const BucketSubscriptions = "parley_subscriptions"

// Seed identifies the config that seeds the registry: its owner and generation.
type Seed struct {
	Owner      string
	Generation int
}

// DefaultSeedOwner owns config entries written before entries carried an owner.
const DefaultSeedOwner = "config"

// Registry is the subscriptions bucket: one key per subscription name, the value its JSON.
// Every notify replica watches it and starts or stops that subscription's delivery.
type Registry struct {
	kv   jetstream.KeyValue
	keys *seal.Keys
}

// OpenRegistry opens the bucket, creating it when missing.
func OpenRegistry(ctx context.Context, b *bus.Bus) (*Registry, error) {
	kv, err := b.OpenKeyValue(ctx, BucketSubscriptions)
	if err != nil {
		return nil, err
	}
	return &Registry{kv: kv, keys: b.Secrets}, nil
}

// Put validates s and stores it, replacing a subscription of the same name.
func (r *Registry) Put(ctx context.Context, s Subscription, origin string) error {
	return r.put(ctx, Entry{Subscription: s, Origin: origin})
}

func (r *Registry) put(ctx context.Context, e Entry) error {
	s := e.Subscription
	if err := checkSubscription(s, func(f string) string { return f }); err != nil {
		return err
	}
	if e.Sealed {
		return fmt.Errorf("subscription %s: %w", s.Name, seal.ErrNoKey)
	}
	e.Updated = time.Now().UTC()
	sealed, err := sealEntry(e, r.keys)
	if err != nil {
		return fmt.Errorf("subscription %s: %w", s.Name, err)
	}
	data, err := json.Marshal(sealed)
	if err != nil {
		return fmt.Errorf("encode subscription %s: %w", s.Name, err)
	}
	if _, err := r.kv.Put(ctx, s.Name, data); err != nil {
		return fmt.Errorf("store subscription %s: %w", s.Name, err)
	}
	return nil
}

// Get returns one subscription, or ErrNoSubscription.
func (r *Registry) Get(ctx context.Context, name string) (Entry, error) {
	if !validName(name) {
		return Entry{}, fmt.Errorf("subscription %q: %w", name, ErrNoSubscription)
	}
	e, err := r.kv.Get(ctx, name)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Entry{}, fmt.Errorf("subscription %s: %w", name, ErrNoSubscription)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("read subscription %s: %w", name, err)
	}
	return decodeEntry(e.Value(), r.keys)
}

// List returns every subscription, sorted by name.
func (r *Registry) List(ctx context.Context) ([]Entry, error) {
	lister, err := r.kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	var out []Entry
	for name := range lister.Keys() {
		e, err := r.Get(ctx, name)
		if errors.Is(err, ErrNoSubscription) {
			continue // removed while we listed
		}
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Delete removes a subscription; every running notify then stops its delivery and deletes
// its queue. Deleting a name that is not there is ErrNoSubscription.
func (r *Registry) Delete(ctx context.Context, name string) error {
	if _, err := r.Get(ctx, name); err != nil {
		return err
	}
	if err := r.kv.Delete(ctx, name); err != nil {
		return fmt.Errorf("delete subscription %s: %w", name, err)
	}
	return nil
}

func decodeEntry(data []byte, keys *seal.Keys) (Entry, error) {
	var e Entry
	if err := json.Unmarshal(data, &e); err != nil {
		return Entry{}, fmt.Errorf("decode subscription: %w", err)
	}
	if err := openEntry(&e, keys); err != nil {
		return Entry{}, fmt.Errorf("subscription %s: %w", e.Name, err)
	}
	if e.Origin == OriginConfig && e.Owner == "" {
		e.Owner = DefaultSeedOwner
	}
	return e, nil
}

// seed makes the bucket agree with the configuration file for the names the file lists, and
// drops subscriptions an earlier generation of the same file listed but this one no longer
// does. The file wins for its own names because an operator who edits a target in the file
// and restarts expects the new target; names made with `parley subs add` are never touched,
// so run-time additions survive restarts. Unchanged entries are not rewritten, so a restart
// does not restart every delivery on the other replicas.
//
// What a newer config wrote is never undone: a file that lists no subscriptions (a
// process started without a config) seeds and deletes nothing, and one of an older
// generation than its owner's entries in the bucket (an old pod restarting during a rolling
// update) neither; no entry of another owner's newer generation is replaced or deleted.
func (r *Registry) seed(ctx context.Context, subs []Subscription, by Seed, log *slog.Logger) error {
	if len(subs) == 0 {
		return nil
	}
	if by.Owner == "" {
		by.Owner = DefaultSeedOwner
	}
	all, err := r.List(ctx)
	if err != nil {
		return err
	}
	for _, e := range all {
		if e.Origin == OriginConfig && e.Owner == by.Owner && e.Generation > by.Generation {
			log.Warn("configuration is older than what its owner seeded; subscriptions left as they are",
				"seed_owner", by.Owner, "seed_generation", by.Generation, "registry_generation", e.Generation)
			return nil
		}
	}
	cur := map[string]Entry{}
	for _, e := range all {
		cur[e.Name] = e
	}
	listed := map[string]bool{}
	for _, s := range subs {
		listed[s.Name] = true
		old, ok := cur[s.Name]
		switch {
		case ok && !old.stale && !old.Sealed && old.Origin == OriginConfig && old.Owner == by.Owner && old.Generation == by.Generation && sameSubscription(old.Subscription, s):
			continue
		case ok && old.Origin == OriginConfig && old.Owner != by.Owner && old.Generation > by.Generation:
			log.Warn("subscription seeded by a newer configuration of another owner; left as it is", "subscription", s.Name, "seed_owner", old.Owner)
			continue
		case ok && old.Origin != OriginConfig:
			log.Warn("configuration file replaces a subscription made at run time", "subscription", s.Name)
		}
		e := Entry{Subscription: s, Origin: OriginConfig, Owner: by.Owner, Generation: by.Generation}
		if err := r.put(ctx, e); err != nil {
			return fmt.Errorf("seed subscription %s: %w", s.Name, err)
		}
	}
	for _, e := range all {
		if e.Origin == OriginConfig && e.Owner == by.Owner && !listed[e.Name] {
			log.Info("subscription no longer in the configuration file; removing it", "subscription", e.Name)
			if err := r.Delete(ctx, e.Name); err != nil && !errors.Is(err, ErrNoSubscription) {
				return err
			}
		}
	}
	return nil
}

func sameSubscription(a, b Subscription) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
