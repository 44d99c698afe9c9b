// Package fetch polls news feeds and publishes each new entry once, ever, as a
// parley.v1.FeedItem on parley.items.<feed_id> (SPEC section 2).
//
// Every feed is polled on its own schedule with conditional GET; an item's identity is derived
// from the feed URL and the entry, checked against the parley_seen_items bucket before
// publishing and recorded there only after JetStream acknowledged it, so neither restarts nor
// replicas repeat an item. Per-feed state (validators, back-off, next poll) lives in the
// parley_feeds bucket, where replicas also claim a feed before polling it.
package fetch

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/services/fetch/feed"
	"github.com/parleyhq/parley/services/fetch/guard"
	"github.com/parleyhq/parley/services/fetch/limit"
)

type runner struct {
	bus    *bus.Bus
	log    *slog.Logger
	client *feed.Client
	seen   jetstream.KeyValue
	states jetstream.KeyValue
	m      *metrics
}

// Run polls c.Feeds until ctx is cancelled and then returns nil. It returns an error only when
// it cannot start: a bad config, metrics that clash with others, or buckets it cannot open.
// Feed failures never end it. Several Runs may share a process, a Registerer and a NATS server.
func Run(ctx context.Context, c Config) error {
	// The caller's slice must not be written by SetDefaults.
	c.Feeds = slices.Clone(c.Feeds)
	c.SetDefaults()
	if err := c.Validate(); err != nil {
		return err
	}
	m, err := newMetrics(c.Registerer)
	if err != nil {
		return err
	}
	seen, err := openKV(ctx, c.Bus, bus.BucketSeenItems)
	if err != nil {
		return startErr(ctx, err)
	}
	states, err := openKV(ctx, c.Bus, bus.BucketFeeds)
	if err != nil {
		return startErr(ctx, err)
	}
	client := feed.NewClient(feed.Options{
		UserAgent:           c.UserAgent,
		Timeout:             c.Timeout,
		MaxBodyBytes:        c.MaxBodyBytes,
		Control:             guard.Control(c.AllowPrivateAddresses),
		Limiter:             limit.New(c.Concurrency, c.HostConcurrency),
		MaxIdleConnsPerHost: c.HostConcurrency,
	})
	defer client.Close()
	r := &runner{bus: c.Bus, log: c.Logger, client: client, seen: seen, states: states, m: m}

	m.feeds.Add(float64(len(c.Feeds)))
	defer m.feeds.Sub(float64(len(c.Feeds)))
	c.Logger.Info("fetch started", "feeds", len(c.Feeds), "allow_private_addresses", c.AllowPrivateAddresses)

	var wg sync.WaitGroup
	for _, f := range c.Feeds {
		w := newWorker(r, f)
		wg.Go(func() { w.run(ctx) })
	}
	wg.Wait()
	c.Logger.Info("fetch stopped")
	return nil
}

// startErr turns a failure caused by shutdown during start-up into the clean nil return.
func startErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// openKV opens a bucket as it is, creating it only when missing, so fetch does not rewrite a
// bucket another tool created with other settings.
func openKV(ctx context.Context, b *bus.Bus, name string) (jetstream.KeyValue, error) {
	kv, err := b.JS.KeyValue(ctx, name)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return b.KeyValue(ctx, name, 1)
	}
	return kv, err
}
