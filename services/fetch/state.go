package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/parleyhq/parley/platform/bus"
)

// State is what fetch keeps about a feed between polls, as JSON in bucket parley_feeds under
// the feed's FeedID. It lets conditional GET, back-off and Retry-After survive restarts and
// hand-overs between replicas.
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
// soft: losing it costs one full GET per feed, never a duplicate item, because
// parley_seen_items is on disk. Every changed poll writes it (in batches), and a file-backed
// bucket on a server that fsyncs every write would cap fetch at a few hundred polls a second. In memory it is still replicated across a cluster like any other bucket.
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

// loadAllStates reads every feed's state in one pass over the bucket, so that a replica
// starting with 100,000 feeds does not make 100,000 reads before their first polls.
func loadAllStates(ctx context.Context, kv jetstream.KeyValue) (map[string]State, error) {
	w, err := kv.WatchAll(ctx, jetstream.IgnoreDeletes())
	if err != nil {
		return nil, fmt.Errorf("read feed states: %w", err)
	}
	defer func() { _ = w.Stop() }()
	all := map[string]State{}
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case e, ok := <-w.Updates():
			if !ok {
				return nil, errors.New("read feed states: watch ended")
			}
			if e == nil {
				return all, nil
			}
			var st State
			if json.Unmarshal(e.Value(), &st) == nil {
				all[e.Key()] = st
			}
		}
	}
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

// saver writes feed states to the feeds bucket in batches. A poll that changed nothing worth
// keeping (a 304) writes nothing; one that did marks its feed dirty, and the dirty states go
// out together every flushEvery as pipelined publishes. What a crash loses is at most that
// much: the next poll of those feeds is a full GET whose items parley_seen_items already
// holds, so it publishes nothing twice.
type saver struct {
	js     jetstream.JetStream
	prefix string // the bucket's subject prefix
	log    *slog.Logger

	mu    sync.Mutex
	dirty map[string]State
}

// flushEvery is how often dirty feed states are written.
const flushEvery = time.Second

// flushChunk bounds publishes awaiting their acks, below the client's async limit.
const flushChunk = 1000

func newSaver(b *bus.Bus, log *slog.Logger) *saver {
	return &saver{js: b.JS, prefix: "$KV." + BucketFeeds + ".", log: log, dirty: map[string]State{}}
}

// mark queues st for the next batch; a later mark of the same feed replaces it.
func (s *saver) mark(id string, st State) {
	s.mu.Lock()
	s.dirty[id] = st
	s.mu.Unlock()
}

// run flushes every flushEvery until ctx ends, and once more after.
func (s *saver) run(ctx context.Context) {
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			opCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opTimeout)
			defer cancel()
			s.flush(opCtx)
			return
		case <-t.C:
			// Not cut short by shutdown: the final flush would only write it all again.
			opCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opTimeout)
			s.flush(opCtx)
			cancel()
		}
	}
}

// flush writes the dirty states; those that fail stay dirty unless marked again meanwhile.
func (s *saver) flush(ctx context.Context) {
	s.mu.Lock()
	batch := s.dirty
	if len(batch) == 0 {
		s.mu.Unlock()
		return
	}
	s.dirty = make(map[string]State, len(batch))
	s.mu.Unlock()

	failed := map[string]State{}
	var lastErr error
	ids := make([]string, 0, flushChunk)
	futures := make([]jetstream.PubAckFuture, 0, flushChunk)
	send := func() {
		lastErr = s.await(ctx, ids, futures, batch, failed, lastErr)
		ids, futures = ids[:0], futures[:0]
	}
	for id, st := range batch {
		b, err := json.Marshal(st)
		if err != nil {
			continue // a State always marshals
		}
		f, err := s.js.PublishAsync(s.prefix+id, b)
		if err != nil {
			failed[id], lastErr = st, err
			continue
		}
		ids, futures = append(ids, id), append(futures, f)
		if len(futures) == flushChunk {
			send()
		}
	}
	send()
	if len(failed) == 0 {
		return
	}
	s.log.Warn("feed states not recorded; retrying", "feeds", len(failed), "err", lastErr)
	s.mu.Lock()
	for id, st := range failed {
		if _, newer := s.dirty[id]; !newer {
			s.dirty[id] = st
		}
	}
	s.mu.Unlock()
}

// await collects the acks of one chunk, adding the states that failed to failed.
func (s *saver) await(ctx context.Context, ids []string, fs []jetstream.PubAckFuture, batch, failed map[string]State, lastErr error) error {
	for i, f := range fs {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			failed[ids[i]], lastErr = batch[ids[i]], err
		case <-ctx.Done():
			failed[ids[i]], lastErr = batch[ids[i]], ctx.Err()
		}
	}
	return lastErr
}

// storeState writes st at once, for changes other replicas must see before the next batch.
func storeState(ctx context.Context, kv jetstream.KeyValue, key string, st State) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	_, err = kv.Put(ctx, key, b)
	return err
}
