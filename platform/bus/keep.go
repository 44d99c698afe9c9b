package bus

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// KeepInterval is how often a Bus checks that the streams and buckets it opened still exist.
// A NATS restart that loses memory state (parley_feeds) or a whole cluster is noticed and
// repaired within this, well inside the 30 s in which polling must resume.
const KeepInterval = 2 * time.Second

// keeper remembers how to re-create everything a Bus opened, and what is wrong right now.
type keeper struct {
	mu      sync.Mutex
	ensures map[string]func(context.Context) error
	health  map[string]error
	started bool
}

// keep registers ensure under name (e.g. "bucket parley_feeds") and starts the keeper loop
// on first use. ensure must be cheap when the thing exists and create it when it does not.
func (b *Bus) keep(name string, ensure func(context.Context) error) {
	b.keeper.mu.Lock()
	defer b.keeper.mu.Unlock()
	if b.keeper.ensures == nil {
		b.keeper.ensures = map[string]func(context.Context) error{}
	}
	b.keeper.ensures[name] = ensure
	if !b.keeper.started {
		b.keeper.started = true
		go b.keepLoop()
	}
}

// keepLoop runs every ensure every KeepInterval until the connection is closed.
func (b *Bus) keepLoop() {
	t := time.NewTicker(KeepInterval)
	defer t.Stop()
	for range t.C {
		if b.NC.IsClosed() {
			return
		}
		if !b.NC.IsConnected() {
			continue // Ready reports the connection itself
		}
		b.ensureAll()
	}
}

func (b *Bus) ensureAll() {
	b.keeper.mu.Lock()
	names := make([]string, 0, len(b.keeper.ensures))
	for n := range b.keeper.ensures {
		names = append(names, n)
	}
	ensures := b.keeper.ensures
	b.keeper.mu.Unlock()
	sort.Strings(names)
	for _, n := range names {
		b.keeper.mu.Lock()
		ensure := ensures[n]
		b.keeper.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := ensure(ctx)
		cancel()
		b.SetHealth(n, err)
	}
}

// SetHealth records whether the part of a service called name can do its work; Ready fails
// while any part is not (nil err clears it).
func (b *Bus) SetHealth(name string, err error) {
	b.keeper.mu.Lock()
	defer b.keeper.mu.Unlock()
	if b.keeper.health == nil {
		b.keeper.health = map[string]error{}
	}
	if err == nil {
		delete(b.keeper.health, name)
		return
	}
	b.keeper.health[name] = err
}

// Ready reports whether the connection is up and every stream, bucket and consume loop of
// this Bus can work; used by /readyz.
func (b *Bus) Ready(ctx context.Context) error {
	if !b.NC.IsConnected() {
		return errors.New("nats: not connected")
	}
	b.keeper.mu.Lock()
	defer b.keeper.mu.Unlock()
	var bad []string
	for n, err := range b.keeper.health {
		bad = append(bad, fmt.Sprintf("%s: %v", n, err))
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return errors.New(strings.Join(bad, "; "))
}

// ensureStream checks that a stream exists and re-creates it from cfg when it does not.
// It is only kept once it was created, so whatever it creates was lost.
func (b *Bus) ensureStream(cfg jetstream.StreamConfig) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := b.JS.Stream(ctx, cfg.Name)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			_, err = b.JS.CreateOrUpdateStream(ctx, cfg)
			if err == nil {
				b.log().Warn("stream was missing; re-created", "stream", cfg.Name)
			}
		}
		if err != nil {
			return fmt.Errorf("stream %s: %w", cfg.Name, err)
		}
		return nil
	}
}

// ensureBucket checks that a bucket exists and creates it from cfg when it does not, with a
// warning when it was there before (lost). Handles on the old bucket keep working: they
// address it by name.
func (b *Bus) ensureBucket(cfg jetstream.KeyValueConfig, lost bool) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := b.JS.KeyValue(ctx, cfg.Bucket)
		if errors.Is(err, jetstream.ErrBucketNotFound) {
			_, err = b.JS.CreateKeyValue(ctx, cfg)
			if errors.Is(err, jetstream.ErrBucketExists) {
				err = nil // another service was quicker
			} else if err == nil && lost {
				b.log().Warn("bucket was missing; re-created", "bucket", cfg.Bucket)
			}
		}
		if err != nil {
			return fmt.Errorf("bucket %s: %w", cfg.Bucket, err)
		}
		return nil
	}
}

// KeepBucket opens a bucket with cfg, creating it when missing, and keeps it: when it is
// lost (a memory bucket after a NATS restart) it is re-created with cfg. An existing bucket
// is used as it is.
func (b *Bus) KeepBucket(ctx context.Context, cfg jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	if cfg.Replicas == 0 {
		cfg.Replicas = b.Replicas
	}
	if cfg.History == 0 {
		cfg.History = 1
	}
	create := b.ensureBucket(cfg, false)
	// A cluster that is still settling answers with errors for a while: wait longer than for
	// other creates.
	if _, err := retryCreateFrom(ctx, 500*time.Millisecond, func(ctx context.Context) (struct{}, error) { return struct{}{}, create(ctx) }); err != nil {
		return nil, fmt.Errorf("kv bucket %s: %w", cfg.Bucket, err)
	}
	kv, err := retryCreate(ctx, func(ctx context.Context) (jetstream.KeyValue, error) { return b.JS.KeyValue(ctx, cfg.Bucket) })
	if err != nil {
		return nil, fmt.Errorf("kv bucket %s: %w", cfg.Bucket, err)
	}
	b.keep("bucket "+cfg.Bucket, b.ensureBucket(cfg, true))
	return kv, nil
}
