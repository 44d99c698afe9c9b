package fetch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/parleyhq/parley/platform/bus"
)

// BucketFetchMembers holds one key per live fetch replica, rewritten every third of
// DefaultMemberTTL; the bucket's MaxAge drops the key of a replica that stopped writing it.
const BucketFetchMembers = "parley_fetch_members"

// DefaultMemberTTL is how long a replica that stopped heartbeating keeps its share of the feeds.
const DefaultMemberTTL = 15 * time.Second

// members tracks the live fetch replicas and decides, by rendezvous hashing, which of them
// owns a feed. Every replica computes the same owner from the same member list, so a poll
// needs no claim: a feed moves only when the list changes, and then only the feeds of the
// member that left (or the share the newcomer takes) move.
type members struct {
	kv   jetstream.KeyValue
	self string
	// selfSeed is memberSeed(self), kept since owns runs for every due feed.
	selfSeed uint64
	ttl      time.Duration
	log      *slog.Logger
	watch    jetstream.KeyWatcher
	// heard is when each member's heartbeat last arrived, by key; only run touches it.
	heard map[string]time.Time
	// seeds are the hashed ids of the live members, sorted; never empty once joined.
	seeds atomic.Pointer[[]uint64]
	// gen counts changes of seeds; change is signalled after each (see schedule.unpark).
	gen    atomic.Uint64
	change chan struct{}
}

// joinMembers registers this replica and reads who else is live, so that the first polls
// already leave other replicas' feeds alone. Members are followed with a watcher rather than
// listed now and then: a listing can miss a key that is being rewritten, and a member missed
// once would move feeds back and forth.
func joinMembers(ctx context.Context, b *bus.Bus, ttl time.Duration, log *slog.Logger) (*members, error) {
	kv, err := b.KeepBucket(ctx, jetstream.KeyValueConfig{
		Bucket:  BucketFetchMembers,
		History: 1,
		TTL:     ttl,
		Storage: jetstream.MemoryStorage,
	})
	if err != nil {
		return nil, fmt.Errorf("kv bucket %s: %w", BucketFetchMembers, err)
	}
	var raw [8]byte
	_, _ = rand.Read(raw[:])
	self := hex.EncodeToString(raw[:])
	m := &members{kv: kv, self: self, selfSeed: memberSeed(self), ttl: ttl, log: log, heard: map[string]time.Time{},
		change: make(chan struct{}, 1)}
	m.seeds.Store(&[]uint64{m.selfSeed})
	if err := m.beat(ctx); err != nil {
		return nil, err
	}
	if m.watch, err = kv.WatchAll(ctx); err != nil {
		return nil, fmt.Errorf("fetch membership watch: %w", err)
	}
	for {
		select {
		case <-ctx.Done():
			_ = m.watch.Stop()
			return nil, ctx.Err()
		case e, ok := <-m.watch.Updates():
			if !ok {
				return nil, errors.New("fetch membership watch ended during start-up")
			}
			if e == nil { // the snapshot is complete
				m.refresh(time.Now())
				return m, nil
			}
			m.hear(e)
		}
	}
}

// beat renews this replica's key.
func (m *members) beat(ctx context.Context) error {
	opCtx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	host, _ := os.Hostname()
	if _, err := m.kv.PutString(opCtx, m.self, fmt.Sprintf("%s pid %d", host, os.Getpid())); err != nil {
		return fmt.Errorf("fetch membership heartbeat: %w", err)
	}
	return nil
}

// hear notes a member's heartbeat, or its leaving.
func (m *members) hear(e jetstream.KeyValueEntry) {
	if e.Operation() == jetstream.KeyValuePut {
		m.heard[e.Key()] = time.Now()
	} else {
		delete(m.heard, e.Key())
	}
}

// refresh recomputes the live members: those heard within the TTL, and always this one.
func (m *members) refresh(now time.Time) {
	seeds := []uint64{m.selfSeed}
	for k, at := range m.heard {
		switch {
		case now.Sub(at) > m.ttl:
			delete(m.heard, k) // its key has expired from the bucket too
		case k != m.self:
			seeds = append(seeds, memberSeed(k))
		}
	}
	slices.Sort(seeds)
	if old := *m.seeds.Load(); !slices.Equal(old, seeds) {
		m.log.Info("fetch replicas changed", "replicas", len(seeds), "was", len(old))
		m.seeds.Store(&seeds)
		m.gen.Add(1)
		select {
		case m.change <- struct{}{}:
		default: // a signal is pending already
		}
	}
}

func (m *members) generation() uint64       { return m.gen.Load() }
func (m *members) changed() <-chan struct{} { return m.change }

// settle is how long a replica that found others at its start waits before polling: their
// watchers deliver its first heartbeat within milliseconds, and this leaves them ample time
// to stop polling the feeds that are now its own, so a join polls no feed twice.
func (m *members) settle() time.Duration {
	if len(*m.seeds.Load()) == 1 {
		return 0
	}
	return m.ttl / 10
}

// run heartbeats and follows the others until ctx ends, then removes this replica's key so
// the others take its feeds over at once rather than after the TTL.
func (m *members) run(ctx context.Context) {
	t := time.NewTicker(m.ttl / 3)
	defer t.Stop()
	defer func() { _ = m.watch.Stop() }()
	updates := m.watch.Updates()
	for {
		select {
		case <-ctx.Done():
			opCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opTimeout)
			defer cancel()
			if err := m.kv.Delete(opCtx, m.self); err != nil {
				m.log.Warn("fetch membership not withdrawn; the others take over after its TTL", "err", err)
			}
			return
		case e, ok := <-updates:
			if !ok {
				updates = m.rewatch(ctx)
				continue
			}
			if e != nil {
				m.hear(e)
				m.refresh(time.Now())
			}
		case <-t.C:
			// Failing to beat for a whole TTL drops this replica from the others' lists
			// while it still polls: some feeds are then polled twice until NATS is back,
			// which costs requests, never duplicate items (parley_seen_items).
			if err := m.beat(ctx); err != nil && ctx.Err() == nil {
				m.log.Warn("fetch membership heartbeat failed", "err", err)
			}
			m.refresh(time.Now())
			if updates == nil {
				updates = m.rewatch(ctx)
			}
		}
	}
}

// rewatch opens another watcher when the client ended one (rare: it resumes by itself
// across reconnects); until then members are judged on the heartbeats heard so far.
func (m *members) rewatch(ctx context.Context) <-chan jetstream.KeyValueEntry {
	w, err := m.kv.WatchAll(ctx)
	if err != nil {
		m.log.Warn("fetch membership watch ended; watching again at the next heartbeat", "err", err)
		return nil // a nil channel: the ticker tries again
	}
	_ = m.watch.Stop()
	m.watch = w
	return w.Updates()
}

// owns reports whether this replica is the feed's owner: the member with the highest score
// for the feed's hash.
func (m *members) owns(feedHash uint64) bool {
	seeds := *m.seeds.Load()
	if len(seeds) == 1 {
		return true
	}
	best, owner := uint64(0), uint64(0)
	for _, s := range seeds {
		if sc := mix(s ^ feedHash); sc >= best {
			best, owner = sc, s
		}
	}
	return owner == m.selfSeed
}

// memberSeed and feedHash are FNV-1a, the same in every process (unlike hash/maphash).
func memberSeed(id string) uint64 { return fnv64(id) }

func feedHash(id string) uint64 { return fnv64(id) }

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// mix is splitmix64's finaliser: it spreads FNV's weak low bits so scores are uniform.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
