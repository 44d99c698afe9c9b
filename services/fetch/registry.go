package fetch

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/parleyhq/parley/platform/bus"
)

// Where a registry entry came from. Config entries are rewritten from the config at every
// start of a fetcher whose config lists feeds; added ones stay until removed.
const (
	OriginConfig = "config"
	OriginAdded  = "added"
)

// Registry is the list of feeds to poll: bucket parley_feed_registry, one JSON record per
// feed under its FeedID. Every running fetcher watches it, so a change takes effect without
// a restart. Per-feed poll state is kept apart, in parley_feeds, and written only by fetch.
type Registry struct {
	kv jetstream.KeyValue
}

// Entry is one registered feed.
type Entry struct {
	Feed
	Origin string
	// Owner and Generation say which config seeded a config entry (see Seed).
	Owner      string
	Generation int
}

// Seed identifies the config whose feeds seed the registry: its owner and generation. A
// config of an older generation than its owner's entries seeds and deletes nothing.
type Seed struct {
	Owner      string
	Generation int
}

// DefaultSeedOwner owns config entries written before entries carried an owner.
const DefaultSeedOwner = "config"

type registryRecord struct {
	URL      string `json:"url"`
	Name     string `json:"name,omitempty"`
	Interval string `json:"interval,omitempty"`
	FullText bool   `json:"full_text,omitempty"`
	Origin   string `json:"origin,omitempty"`
	Owner    string `json:"owner,omitempty"`
	// Generation of the config that seeded the entry.
	Generation int `json:"generation,omitempty"`
}

func encodeEntry(e Entry) ([]byte, error) {
	r := registryRecord{URL: e.URL, Name: e.Name, FullText: e.FullText, Origin: e.Origin, Owner: e.Owner, Generation: e.Generation}
	if e.Interval != 0 {
		r.Interval = e.Interval.String()
	}
	return json.Marshal(r)
}

func decodeEntry(b []byte) (Entry, error) {
	var r registryRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return Entry{}, fmt.Errorf("registry entry: %w", err)
	}
	e := Entry{Feed: Feed{URL: r.URL, Name: r.Name, FullText: r.FullText}, Origin: r.Origin, Owner: r.Owner, Generation: r.Generation}
	if e.Origin == OriginConfig && e.Owner == "" {
		e.Owner = DefaultSeedOwner
	}
	if r.Interval != "" {
		d, err := time.ParseDuration(r.Interval)
		if err != nil {
			return Entry{}, fmt.Errorf("registry entry %s: interval: %w", r.URL, err)
		}
		e.Interval = d
	}
	return e, checkFeed(e.Feed)
}

func checkFeed(f Feed) error {
	if err := validateURL(f.URL); err != nil {
		return fmt.Errorf("feed url: %w", err)
	}
	if f.Interval != 0 && f.Interval < MinInterval {
		return fmt.Errorf("feed %s: interval %s is below the minimum %s", f.URL, f.Interval, MinInterval)
	}
	return nil
}

// OpenRegistry opens the registry bucket, creating it when missing.
func OpenRegistry(ctx context.Context, b *bus.Bus) (*Registry, error) {
	kv, err := b.OpenKeyValue(ctx, BucketFeedRegistry)
	if err != nil {
		return nil, err
	}
	return &Registry{kv: kv}, nil
}

// Add registers f, or replaces its settings when its URL is registered already.
func (r *Registry) Add(ctx context.Context, f Feed) error {
	return r.put(ctx, Entry{Feed: f, Origin: OriginAdded})
}

func (r *Registry) put(ctx context.Context, e Entry) error {
	if err := checkFeed(e.Feed); err != nil {
		return err
	}
	b, err := encodeEntry(e)
	if err != nil {
		return err
	}
	if _, err := r.kv.Put(ctx, FeedID(e.URL), b); err != nil {
		return fmt.Errorf("register feed %s: %w", e.URL, err)
	}
	return nil
}

// Remove unregisters the feed; found is false when it was not registered. Its poll state
// and seen items are kept, so adding it back publishes nothing twice.
func (r *Registry) Remove(ctx context.Context, feedURL string) (found bool, err error) {
	key := FeedID(feedURL)
	if _, err := r.kv.Get(ctx, key); errors.Is(err, jetstream.ErrKeyNotFound) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("remove feed %s: %w", feedURL, err)
	}
	if err := r.kv.Delete(ctx, key); err != nil {
		return false, fmt.Errorf("remove feed %s: %w", feedURL, err)
	}
	return true, nil
}

// List returns the registered feeds ordered by URL. Unreadable entries are skipped.
func (r *Registry) List(ctx context.Context) ([]Entry, error) {
	lister, err := r.kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list feeds: %w", err)
	}
	defer func() { _ = lister.Stop() }()
	var out []Entry
	for key := range lister.Keys() {
		kve, err := r.kv.Get(ctx, key)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue // removed meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("list feeds: %w", err)
		}
		if e, err := decodeEntry(kve.Value()); err == nil {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b Entry) int { return cmp.Compare(a.URL, b.URL) })
	return out, nil
}

// Status is a registered feed with fetch's record of it.
type Status struct {
	Entry
	State  State
	Polled bool // false: no state yet
}

// ListStatus returns every registered feed with its poll state, ordered by URL.
func ListStatus(ctx context.Context, b *bus.Bus) ([]Status, error) {
	reg, err := OpenRegistry(ctx, b)
	if err != nil {
		return nil, err
	}
	entries, err := reg.List(ctx)
	if err != nil {
		return nil, err
	}
	states, err := openStates(ctx, b, nil)
	if err != nil {
		return nil, err
	}
	out := make([]Status, 0, len(entries))
	for _, e := range entries {
		st, found, err := LoadState(ctx, states, e.URL)
		if err != nil {
			return nil, err
		}
		out = append(out, Status{Entry: e, State: st, Polled: found})
	}
	return out, nil
}

// plan works out what the registry must hold once the config's feeds are seeded into it,
// given what it holds now (by key). When the config lists feeds it is the authority on its
// owner's config entries, so those it no longer lists go; a fetcher started without feeds in
// its config leaves them alone, and so does one whose config is of an older generation than
// its owner's entries (an old pod restarting during a rolling update). An entry another
// owner's newer generation seeded is neither replaced nor deleted. It returns the registry's
// contents afterwards and the writes that get it there (a nil Entry pointer: delete the key).
func plan(have map[string]Entry, feeds []Feed, by Seed) (map[string]Entry, map[string]*Entry) {
	if by.Owner == "" {
		by.Owner = DefaultSeedOwner
	}
	want := make(map[string]Entry, len(have)+len(feeds))
	for k, e := range have {
		want[k] = e
		if e.Origin == OriginConfig && e.Owner == by.Owner && e.Generation > by.Generation {
			feeds = nil // an older config: seed nothing
		}
	}
	writes := map[string]*Entry{}
	listed := make(map[string]bool, len(feeds))
	for _, f := range feeds {
		key := FeedID(f.URL)
		listed[key] = true
		e := Entry{Feed: f, Origin: OriginConfig, Owner: by.Owner, Generation: by.Generation}
		old, ok := have[key]
		if ok && (old == e || old.Origin == OriginConfig && old.Owner != by.Owner && old.Generation > by.Generation) {
			continue
		}
		writes[key] = &e
		want[key] = e
	}
	if len(feeds) > 0 {
		for key, e := range have {
			if e.Origin == OriginConfig && e.Owner == by.Owner && !listed[key] {
				writes[key] = nil
				delete(want, key)
			}
		}
	}
	return want, writes
}

// seedWorkers bounds the registry writes of a seed in flight at once. Each write waits for
// the server's fsync, so 10,000 of them one after another would take many seconds.
const seedWorkers = 32

// apply makes the writes plan asked for, several at once, and returns the first error.
func (r *Registry) apply(ctx context.Context, writes map[string]*Entry) error {
	jobs := make(chan string)
	errs := make(chan error, seedWorkers)
	var wg sync.WaitGroup
	for range min(seedWorkers, len(writes)) {
		wg.Go(func() {
			var first error
			for key := range jobs {
				if first != nil {
					continue
				}
				if e := writes[key]; e != nil {
					first = r.put(ctx, *e)
				} else if err := r.kv.Delete(ctx, key); err != nil {
					first = fmt.Errorf("remove feed %s dropped from the config: %w", key, err)
				}
			}
			errs <- first
		})
	}
	for key := range writes {
		jobs <- key
	}
	close(jobs)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
