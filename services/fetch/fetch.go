// Package fetch polls news feeds and publishes each new entry once, ever, as a
// parley.v1.FeedItem on parley.items.<feed_id> (SPEC section 2).
//
// Every feed is polled on its own schedule with conditional GET; an item's identity is derived
// from the feed URL and the entry, checked against the parley_seen_items bucket before
// publishing and recorded there only after JetStream acknowledged it, so neither restarts nor
// replicas repeat an item. Replicas share the feeds rather than race for them: each live
// replica heartbeats a key in parley_fetch_members, and a feed is polled by the member that
// rendezvous hashing picks (see members), with no claim written. Per-feed state (validators,
// back-off, next poll) is kept in memory and written to the parley_feeds bucket in batches,
// and only when a poll changed more than its times: a 304 writes nothing (see saver). That
// bucket is in memory (see openStates); a replica reads a feed's state from it when the feed
// comes to it. Feeds that advertise a WebSub hub are also subscribed there when a callback
// URL is configured (see websub.go). Which feeds to poll is the registry's business (bucket
// parley_feed_registry, see Registry), which every fetcher watches.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

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
	saver  *saver
	m      *metrics
	// userAgent names Parley in requests made outside feed.Client (WebSub).
	userAgent string
	// websub is nil unless a callback URL is configured.
	websub *websub
}

// Run polls the feeds of the registry (bucket parley_feed_registry), seeded with c.Feeds, until
// ctx is cancelled and then returns nil; feeds added to or removed from the registry while it
// runs are taken up or dropped at once. It returns an error only when
// it cannot start: a bad config, metrics that clash with others, or buckets it cannot open.
// Feed failures never end it. Several Runs may share a process, a Registerer and a NATS server.
func Run(ctx context.Context, c Config) error {
	return bus.CleanStop(ctx, serve(ctx, c))
}

func serve(ctx context.Context, c Config) error {
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
	seen, err := openSeen(ctx, c.Bus)
	if err != nil {
		return fmt.Errorf("fetch: %w", err)
	}
	states, err := openStates(ctx, c.Bus, c.Logger)
	if err != nil {
		return fmt.Errorf("fetch: %w", err)
	}
	reg, err := OpenRegistry(ctx, c.Bus)
	if err != nil {
		return fmt.Errorf("fetch: %w", err)
	}
	// Watching starts before seeding, so no change made by anyone after the snapshot is missed.
	watcher, err := reg.kv.WatchAll(ctx)
	if err != nil {
		return fmt.Errorf("fetch: watch feed registry: %w", err)
	}
	defer func() { _ = watcher.Stop() }()
	have, err := initialEntries(ctx, watcher, c.Logger)
	if err != nil {
		return fmt.Errorf("fetch: %w", err)
	}
	// Polling starts from what the registry will hold once seeded, while the writes that seed
	// it go on in the background: with 10,000 feeds in the config they take a while, and the
	// watcher delivers each of them to a worker that already runs. Shutdown gives them a
	// grace period to finish, so that what the config lists is in the registry afterwards;
	// what is cut short is written at the next start.
	feeds, writes := plan(have, c.Feeds, c.Seed)
	seeded := make(chan struct{})
	seedCtx, stopSeeding := context.WithCancel(context.WithoutCancel(ctx))
	defer func() {
		select {
		case <-seeded:
		case <-time.After(seedGrace):
			c.Logger.Warn("feed registry seeding cut short by shutdown")
		}
		stopSeeding()
		<-seeded
	}()
	go func() {
		defer close(seeded)
		if len(writes) == 0 {
			return
		}
		start := time.Now()
		if err := reg.apply(seedCtx, writes); err != nil {
			c.Logger.Error("feed registry not seeded from the config; polling the config's feeds anyway", "err", err)
			return
		}
		c.Logger.Info("feed registry seeded from the config", "writes", len(writes), "took", time.Since(start))
	}()

	limiter := limit.New(c.Concurrency, c.HostConcurrency, c.HostRate)
	client := feed.NewClient(feed.Options{
		UserAgent:           c.UserAgent,
		Timeout:             c.Timeout,
		MaxBodyBytes:        c.MaxBodyBytes,
		Control:             guard.Control(c.AllowPrivateAddresses),
		Limiter:             limiter,
		MaxIdleConnsPerHost: c.HostConcurrency,
	})
	defer client.Close()
	mem, err := joinMembers(ctx, c.Bus, c.MemberTTL, c.Logger)
	if err != nil {
		return fmt.Errorf("fetch: %w", err)
	}
	r := &runner{bus: c.Bus, log: c.Logger, client: client, seen: seen, states: states, saver: newSaver(c.Bus, c.Logger), m: m, userAgent: c.UserAgent}
	if c.WebSubCallbackURL != "" {
		r.websub = newWebSub(r, c)
		c.Mux.Handle(WebSubPath, r.websub)
	}
	p := &pool{r: r, ctx: ctx, sched: newSchedule(ctx, maxPolls(c), mem, limiter), workers: map[string]*slot{}}
	p.preload, err = loadAllStates(ctx, states)
	if err != nil {
		// Each feed reads its own at its first poll instead.
		c.Logger.Warn("feed states not read at start", "err", err)
	}
	for key, e := range feeds {
		p.set(key, e.Feed)
	}
	p.preload = nil
	c.Logger.Info("fetch started", "feeds", len(p.workers), "allow_private_addresses", c.AllowPrivateAddresses,
		"websub_callback_url", c.WebSubCallbackURL)
	// The background loops outlive ctx: the saver's last flush needs the polls ended, and the
	// membership is withdrawn only after that, so the next owner reads the final states.
	saveCtx, stopSaving := context.WithCancel(context.WithoutCancel(ctx))
	beatCtx, stopBeating := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSaving()
	defer stopBeating()
	saved, beating := make(chan struct{}), make(chan struct{})
	go func() { defer close(saved); r.saver.run(saveCtx) }()
	go func() { defer close(beating); mem.run(beatCtx) }()
	scheduled := make(chan struct{})
	go func() {
		defer close(scheduled)
		if d := mem.settle(); d > 0 {
			c.Logger.Info("waiting for the other fetch replicas to see this one", "for", d)
			select {
			case <-ctx.Done():
			case <-time.After(d):
			}
		}
		p.sched.run()
	}()
	p.follow(watcher)
	p.stop()
	<-scheduled
	stopSaving()
	<-saved
	stopBeating()
	<-beating
	c.Logger.Info("fetch stopped")
	return nil
}

// seedGrace is how long shutdown waits for the registry writes of a seed.
const seedGrace = 5 * time.Second

// maxPolls bounds polls under way at once. Much of a poll's time is spent waiting for a
// global request slot or NATS, so it is above the HTTP concurrency; each is a goroutine whose
// stack grew while parsing, so not far above. A feed waiting for its host holds none (see
// schedule.admit): at 16 times the concurrency, as before that, some 2,000 goroutines waited
// about, costing 40 MB and 3 % of the CPU.
func maxPolls(c Config) int { return max(256, 4*c.Concurrency) }

// initialEntries reads the registry's current contents from a fresh watcher.
func initialEntries(ctx context.Context, w jetstream.KeyWatcher, log *slog.Logger) (map[string]Entry, error) {
	have := map[string]Entry{}
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case kve, ok := <-w.Updates():
			if !ok {
				return nil, errors.New("feed registry watch ended during start-up")
			}
			if kve == nil {
				return have, nil // the snapshot is complete
			}
			if kve.Operation() != jetstream.KeyValuePut {
				continue
			}
			e, err := decodeEntry(kve.Value())
			if err != nil {
				log.Warn("feed registry entry ignored", "key", kve.Key(), "err", err)
				continue
			}
			have[kve.Key()] = e
		}
	}
}

// pool is the set of registered feeds and their schedule.
type pool struct {
	r       *runner
	ctx     context.Context
	sched   *schedule
	workers map[string]*slot // by registry key; touched only by Run's goroutine
	// preload holds the feed states read at start, by feed id, until the feeds are scheduled.
	preload map[string]State
}

// set schedules f, or hands its worker the new settings (taken up at its next poll).
func (p *pool) set(key string, f Feed) {
	if f.Interval == 0 {
		f.Interval = DefaultInterval
	}
	if sl, ok := p.workers[key]; ok {
		if *sl.w.next.Load() != f {
			sl.w.next.Store(&f)
		}
		return
	}
	w := newWorker(p.r, f)
	if p.preload != nil {
		st := p.preload[w.id] // none: never polled, nothing to read
		w.pre = &st
	}
	if p.r.websub != nil {
		p.r.websub.register(w)
	}
	p.workers[key] = p.sched.add(w)
	p.r.m.feeds.Inc()
}

func (p *pool) remove(key string) {
	sl, ok := p.workers[key]
	if !ok {
		return
	}
	p.sched.remove(sl)
	if p.r.websub != nil {
		p.r.websub.unregister(sl.w.id)
	}
	delete(p.workers, key)
	p.r.m.feeds.Dec()
}

// stop unschedules every feed.
func (p *pool) stop() {
	for key := range p.workers {
		p.remove(key)
	}
}

// follow applies registry changes until the pool's context ends.
func (p *pool) follow(w jetstream.KeyWatcher) {
	updates := w.Updates()
	for {
		select {
		case <-p.ctx.Done():
			return
		case kve, ok := <-updates:
			if !ok {
				// The client ended the watch (it resumes by itself across reconnects, so
				// this is rare): open another rather than stop following.
				p.r.log.Warn("feed registry watch ended; watching again")
				updates = p.rewatch()
				continue
			}
			if kve == nil {
				continue
			}
			switch kve.Operation() {
			case jetstream.KeyValuePut:
				e, err := decodeEntry(kve.Value())
				if err != nil {
					p.r.log.Warn("feed registry entry ignored", "key", kve.Key(), "err", err)
					continue
				}
				if _, running := p.workers[kve.Key()]; !running {
					p.r.log.Info("feed added", "feed_url", e.URL)
				}
				p.set(kve.Key(), e.Feed)
			default: // deleted or purged
				if _, running := p.workers[kve.Key()]; running {
					p.r.log.Info("feed removed", "feed_id", kve.Key())
				}
				p.remove(kve.Key())
			}
		}
	}
}

func (p *pool) rewatch() <-chan jetstream.KeyValueEntry {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		kv, err := p.r.bus.JS.KeyValue(p.ctx, BucketFeedRegistry)
		if err == nil {
			w, err := kv.WatchAll(p.ctx)
			if err == nil {
				// Already running workers are matched by key; the replayed snapshot only
				// adds what changed meanwhile. Removals missed meanwhile are caught by
				// comparing with the snapshot.
				return p.resync(w)
			}
		}
		select {
		case <-p.ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// resync reconciles the workers with a fresh watcher's snapshot and returns its updates.
func (p *pool) resync(w jetstream.KeyWatcher) <-chan jetstream.KeyValueEntry {
	have, err := initialEntries(p.ctx, w, p.r.log)
	if err != nil {
		return w.Updates()
	}
	for key := range p.workers {
		if _, ok := have[key]; !ok {
			p.remove(key)
		}
	}
	for key, e := range have {
		p.set(key, e.Feed)
	}
	return w.Updates()
}
