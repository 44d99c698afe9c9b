package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/seal"
	"github.com/parleyhq/parley/services/notify/deliver"
)

// runner is one subscription's delivery loop.
type runner struct {
	sub    Subscription
	cancel context.CancelFunc
	done   chan struct{}
}

// subManager keeps one delivery loop per registered subscription, following the registry.
type subManager struct {
	cfg        Config
	deliveries jetstream.KeyValue
	metrics    *metrics
	log        *slog.Logger
	console    *deliver.Console
	client     *http.Client
	fail       func(error)

	mu      sync.Mutex
	running map[string]*runner
}

func (m *subManager) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.running)
}

// apply starts, restarts or stops a subscription's delivery after a registry change.
func (m *subManager) apply(ctx context.Context, e jetstream.KeyValueEntry) {
	name := e.Key()
	log := m.log.With("subscription", name)
	if e.Operation() != jetstream.KeyValuePut {
		m.stop(name)
		// Every replica tries; whichever comes second finds it gone.
		err := m.cfg.Bus.JS.DeleteConsumer(ctx, bus.StreamAlerts, deliverConsumer+name)
		if err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
			log.Warn("subscription removed but its queue could not be deleted", "err", err)
		}
		log.Info("subscription removed")
		return
	}
	entry, err := decodeEntry(e.Value(), m.cfg.Bus.Secrets)
	if err == nil && entry.Sealed {
		err = fmt.Errorf("its secret or target is sealed and this process cannot open it, so nothing is sent: %w", seal.ErrNoKey)
	}
	if err == nil && entry.Name != name {
		err = fmt.Errorf("entry names %q", entry.Name)
	}
	if err == nil {
		err = checkSubscription(entry.Subscription, func(f string) string { return f })
	}
	if err != nil {
		// A bad entry must not stop delivery to everyone else.
		log.Error("ignoring invalid subscription", "err", err)
		m.stop(name)
		return
	}
	m.mu.Lock()
	cur := m.running[name]
	m.mu.Unlock()
	if cur != nil && sameSubscription(cur.sub, entry.Subscription) {
		return
	}
	m.stop(name)
	if err := m.start(ctx, entry.Subscription, log); err != nil {
		// Without its queue the subscription would silently get nothing: stop the service
		// so an operator sees it.
		m.fail(fmt.Errorf("subscription %s: %w", name, err))
		return
	}
	log.Info("subscription delivering", "channel", channelName(entry.Target))
}

func channelName(target string) string {
	ch, _ := deliver.ChannelOf(target)
	return ch
}

func (m *subManager) start(ctx context.Context, s Subscription, log *slog.Logger) error {
	d, err := newDeliverer(s, m.cfg, m.deliveries, m.metrics, m.console, m.client, log)
	if err != nil {
		return err
	}
	cons, err := m.cfg.Bus.Durable(ctx, bus.StreamAlerts, jetstream.ConsumerConfig{
		Durable:       deliverConsumer + s.Name,
		Description:   "notify: delivers alerts to subscription " + s.Name,
		DeliverPolicy: jetstream.DeliverNewPolicy,
		FilterSubject: bus.SubjectAlerts + ".>",
		AckWait:       m.cfg.DeliveryTimeout + 30*time.Second,
		// The deliverer dead-letters on its own last attempt; one more delivery lets it.
		MaxDeliver: m.cfg.MaxAttempts + 1,
	})
	if err != nil {
		return err
	}
	rctx, cancel := context.WithCancel(ctx)
	r := &runner{sub: s, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		if err := bus.Consume(rctx, cons, d.handle, bus.ConsumeOptions{
			Workers: 1, Backoff: d.backoff, Logger: log, Name: deliverConsumer + s.Name,
			StopTimeout: m.cfg.DeliveryTimeout + 5*time.Second, Bus: m.cfg.Bus,
		}); err != nil {
			m.fail(fmt.Errorf("subscription %s: %w", s.Name, err))
		}
	}()
	m.mu.Lock()
	m.running[s.Name] = r
	m.mu.Unlock()
	return nil
}

// stop ends a subscription's loop and waits for its in-flight alert.
func (m *subManager) stop(name string) {
	m.mu.Lock()
	r := m.running[name]
	delete(m.running, name)
	m.mu.Unlock()
	if r != nil {
		r.cancel()
		<-r.done
	}
}

func (m *subManager) stopAll() {
	m.mu.Lock()
	names := make([]string, 0, len(m.running))
	for n := range m.running {
		names = append(names, n)
	}
	m.mu.Unlock()
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Go(func() { m.stop(n) })
	}
	wg.Wait()
}

// pruneOrphans deletes delivery queues whose subscription the registry no longer holds, for
// removals that happened while no notify was running to see them. Queues are listed before
// the registry: a queue is only made after its entry is stored, so a queue missing from
// that later registry listing really lost its subscription.
func (m *subManager) pruneOrphans(ctx context.Context, reg *Registry) error {
	stream, err := m.cfg.Bus.JS.Stream(ctx, bus.StreamAlerts)
	if err != nil {
		return fmt.Errorf("open %s: %w", bus.StreamAlerts, err)
	}
	var queues []string
	names := stream.ConsumerNames(ctx)
	for n := range names.Name() {
		if sub, ok := strings.CutPrefix(n, deliverConsumer); ok {
			queues = append(queues, sub)
		}
	}
	if err := names.Err(); err != nil {
		return fmt.Errorf("list consumers of %s: %w", bus.StreamAlerts, err)
	}
	entries, err := reg.List(ctx)
	if err != nil {
		return err
	}
	live := map[string]bool{}
	for _, e := range entries {
		live[e.Name] = true
	}
	for _, sub := range queues {
		if live[sub] {
			continue
		}
		err := m.cfg.Bus.JS.DeleteConsumer(ctx, bus.StreamAlerts, deliverConsumer+sub)
		if err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
			return fmt.Errorf("delete queue of removed subscription %s: %w", sub, err)
		}
		m.log.Info("deleted the queue of a removed subscription", "subscription", sub)
	}
	return nil
}
