package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/parleyhq/parley/platform/bus"
)

// State is what fetch keeps about a feed between polls, as JSON in bucket parley_feeds under
// the feed's FeedID. It lets conditional GET, back-off and Retry-After survive restarts, and
// tells replicas that a feed has just been polled.
type State struct {
	URL          string `json:"url"`
	Name         string `json:"name,omitempty"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// BodySHA256 is the hash of the last body whose items all went out. Many servers send
	// no validators but the same bytes; a match skips parsing and the seen checks.
	BodySHA256  string    `json:"body_sha256,omitempty"`
	LastPoll    time.Time `json:"last_poll,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	// LastResult is ok, not_modified or error.
	LastResult string `json:"last_result,omitempty"`
	LastError  string `json:"last_error,omitempty"`
	// Failures counts consecutive failed polls; it drives the back-off.
	Failures int `json:"failures,omitempty"`
	// Items is the number of entries in the feed at the last successful fetch.
	Items int `json:"items"`
	// Published counts items this feed has published, ever.
	Published int64     `json:"published"`
	NextPoll  time.Time `json:"next_poll,omitzero"`

	// Hub and Topic are the WebSub hub and self links of the last body fetched.
	Hub   string `json:"hub,omitempty"`
	Topic string `json:"topic,omitempty"`
	// The WebSub subscription last requested: at which hub, for which topic, with which
	// secret (pushes are signed with it), and when to renew it.
	WebSubHub    string    `json:"websub_hub,omitempty"`
	WebSubTopic  string    `json:"websub_topic,omitempty"`
	WebSubSecret string    `json:"websub_secret,omitempty"`
	WebSubRenew  time.Time `json:"websub_renew,omitzero"`
}

// openStates opens the feeds bucket, creating it in memory when missing. What it holds is
// soft: losing it costs one full GET per feed and perhaps a claim raced over once, never a
// duplicate item, because parley_seen_items is on disk. Every poll writes it, and a
// file-backed bucket on a server that fsyncs every write would cap fetch at a few hundred
// polls a second. In memory it is still replicated across a cluster like any other bucket.
//
// The bucket is kept (bus.KeepBucket): a NATS restart that loses it, single node or whole
// cluster, has it re-created within seconds, and polling goes on from there.
func openStates(ctx context.Context, b *bus.Bus, log *slog.Logger) (jetstream.KeyValue, error) {
	kv, err := b.KeepBucket(ctx, jetstream.KeyValueConfig{
		Bucket:  BucketFeeds,
		History: 1,
		Storage: jetstream.MemoryStorage,
	})
	if err != nil {
		return nil, fmt.Errorf("kv bucket %s: %w", BucketFeeds, err)
	}
	if st, serr := kv.Status(ctx); serr == nil {
		if info, ok := st.(*jetstream.KeyValueBucketStatus); ok && info.StreamInfo().Config.Storage == jetstream.FileStorage && log != nil {
			log.Warn("feed state bucket is file-backed; every poll waits for a disk write (delete the bucket to have fetch recreate it in memory)", "bucket", BucketFeeds)
		}
	}
	return kv, nil
}

// LoadState reads a feed's state from the feeds bucket; a feed never polled has none
// (found is false).
func LoadState(ctx context.Context, kv jetstream.KeyValue, feedURL string) (st State, found bool, err error) {
	st, _, found, err = loadState(ctx, kv, FeedID(feedURL))
	return st, found, err
}

func loadState(ctx context.Context, kv jetstream.KeyValue, key string) (State, uint64, bool, error) {
	e, err := kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return State{}, 0, false, nil
	}
	if err != nil {
		return State{}, 0, false, fmt.Errorf("load feed state: %w", err)
	}
	var st State
	if err := json.Unmarshal(e.Value(), &st); err != nil {
		// A corrupt record must not wedge the feed; polling afresh is harmless because items
		// are deduplicated by the seen bucket.
		return State{}, e.Revision(), true, nil
	}
	return st, e.Revision(), true, nil
}

// storeState writes st if the record is still at revision rev (0: absent) and returns the
// new revision.
func storeState(ctx context.Context, kv jetstream.KeyValue, key string, st State, rev uint64) (uint64, error) {
	b, err := json.Marshal(st)
	if err != nil {
		return 0, err
	}
	if rev == 0 {
		return kv.Create(ctx, key, b)
	}
	return kv.Update(ctx, key, b, rev)
}
