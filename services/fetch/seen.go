package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/parleyhq/parley/platform/bus"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
)

// Buckets fetch owns.
const (
	// BucketSeenItems records every item published: "<item id>" → when, and a hash of the
	// content published, so an item is published once per version of its content.
	BucketSeenItems = "parley_seen_items"
	// BucketFeeds is fetch's soft per-feed state (validators, back-off, next poll), in memory.
	BucketFeeds = "parley_feeds"
	// BucketFeedRegistry holds the feeds to poll, edited by `parley feeds`.
	BucketFeedRegistry = "parley_feed_registry"
)

// seenTTL is how long an item's record lasts without being renewed. It is far past the items
// stream's retention, and a record is renewed whenever its item is met again in its feed after
// half of it, so an entry a feed keeps listing for years is still never published twice.
const seenTTL = 180 * 24 * time.Hour

func openSeen(ctx context.Context, b *bus.Bus) (jetstream.KeyValue, error) {
	return b.KeyValueWith(ctx, jetstream.KeyValueConfig{Bucket: BucketSeenItems, TTL: seenTTL})
}

// seenRecord is the value of a seen item: "<RFC 3339 time> <content hash>". Records written
// before content hashes were kept hold only the time.
type seenRecord struct {
	at   time.Time
	hash string
}

func (r seenRecord) String() string { return r.at.UTC().Format(time.RFC3339Nano) + " " + r.hash }

func parseSeen(v []byte) seenRecord {
	at, hash, _ := strings.Cut(string(v), " ")
	t, _ := time.Parse(time.RFC3339Nano, at)
	return seenRecord{at: t, hash: hash}
}

// contentHash identifies a version of an item's text: a story updated under the same GUID
// ("UPDATE 2", a live page) hashes differently and is published again.
func contentHash(it *parleyv1.FeedItem) string {
	h := sha256.New()
	for _, s := range []string{it.GetTitle(), it.GetSummary(), it.GetContent()} {
		h.Write([]byte(strings.TrimSpace(s)))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// lookupSeen returns the record of key, or false when there is none.
func (w *worker) lookupSeen(ctx context.Context, key string) (seenRecord, bool, error) {
	opCtx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	e, err := w.r.seen.Get(opCtx, key)
	switch {
	case err == nil:
		return parseSeen(e.Value()), true, nil
	case errors.Is(err, jetstream.ErrKeyNotFound):
		return seenRecord{}, false, nil
	}
	return seenRecord{}, false, fmt.Errorf("seen check: %w", err)
}

// markSeen writes rec under each key but "". An item's two keys are written together, both
// puts sent before either ack is awaited: one round trip to the server rather than two, on
// every new item.
func (w *worker) markSeen(ctx context.Context, rec seenRecord, keys ...string) error {
	val := []byte(rec.String())
	var acks [2]jetstream.PubAckFuture
	pending := acks[:0]
	for _, key := range keys {
		if key == "" {
			continue
		}
		f, err := w.r.bus.JS.PublishAsync(seenSubject+key, val)
		if err != nil {
			return fmt.Errorf("mark seen: %w", err)
		}
		pending = append(pending, f)
	}
	for _, f := range pending {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return fmt.Errorf("mark seen: %w", err)
		case <-ctx.Done():
			return fmt.Errorf("mark seen: %w", ctx.Err())
		}
	}
	return nil
}

// seenSubject prefixes a key of the seen bucket to make the subject a put is published on.
const seenSubject = "$KV." + BucketSeenItems + "."
