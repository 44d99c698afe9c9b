// Package notify turns negotiation events into alerts and delivers them. It folds the events
// on parley.events.* into rounds kept in a KV bucket (one round per real meeting, however many
// articles report it), publishes an Alert on parley.alerts.<kind> for each new round and each
// real change, and sends every alert once to each matching subscription: signed webhooks,
// chat, push and email services, or the console, with retries, backoff and a dead-letter
// stream. Subscriptions live in the parley_subscriptions bucket, seeded from the
// configuration and followed at run time.
package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/services/notify/deliver"
	"github.com/parleyhq/parley/services/notify/round"
	"github.com/parleyhq/parley/services/notify/roundstore"
)

// Filter selects the alerts a subscription wants. An empty list matches everything.
type Filter struct {
	// Parties: the round has at least one of them.
	Parties []string `json:"parties,omitempty"`
	// Kinds: new_round, round_updated.
	Kinds []string `json:"kinds,omitempty"`
	// Topics: the round has at least one of them.
	Topics []string `json:"topics,omitempty"`
	// Status: the round's status ("held" or "STATUS_HELD").
	Status []string `json:"status,omitempty"`
}

// Subscription is one destination of alerts.
type Subscription struct {
	// Name identifies the subscription in consumer names, KV keys and the DLQ subject.
	Name string `json:"name"`
	// Target is an http(s) URL for signed JSON webhooks, console:// for Config.Console, or a
	// notification URL: slack://, telegram://, discord://, teams://, ntfy://, smtp://.
	Target string `json:"target"`
	// Secret keys the webhook signatures; "whsec_<base64>" stands for its decoded bytes.
	Secret string `json:"secret,omitempty"`
	Filter Filter `json:"filter"`
}

// Config of the notify service.
type Config struct {
	// Bus is required; its streams must already exist.
	Bus *bus.Bus
	// Subscriptions seed the parley_subscriptions bucket at start (see seed); the bucket,
	// which `parley subs` edits at run time, is what notify delivers to.
	Subscriptions []Subscription
	Logger        *slog.Logger
	// Registerer receives the metrics; nil leaves them unexported.
	Registerer prometheus.Registerer
	// Console is where console:// targets print; os.Stdout by default.
	Console io.Writer
	// RecentWindow is how long after a held round ends a first report of it still raises
	// new_round; default 72h.
	RecentWindow time.Duration
	// DeliveryTimeout bounds one webhook attempt; default 10s.
	DeliveryTimeout time.Duration
	// Seed identifies the config Subscriptions come from (see Registry.seed).
	Seed Seed
	// MaxAttempts per alert and subscription before it is dead-lettered; default 12.
	MaxAttempts int
	// RetryBase and RetryMax bound the exponential backoff between attempts; default 1s, 5m.
	RetryBase, RetryMax time.Duration
	// Transport carries every delivery over HTTP (webhooks, chat services); nil means
	// http.DefaultTransport. Tests point service hosts at local servers with it.
	Transport http.RoundTripper

	// afterSend, when set, runs after a successful send and before the delivery is recorded
	// and acked; an error abandons the message there, as a crash would.
	afterSend func(ctx context.Context, sub, alertID string) error
}

// SetDefaults fills in unset fields.
func (c *Config) SetDefaults() {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Console == nil {
		c.Console = os.Stdout
	}
	if c.RecentWindow == 0 {
		c.RecentWindow = 72 * time.Hour
	}
	if c.DeliveryTimeout == 0 {
		c.DeliveryTimeout = 10 * time.Second
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = 12
	}
	if c.RetryBase == 0 {
		c.RetryBase = time.Second
	}
	if c.RetryMax == 0 {
		c.RetryMax = 5 * time.Minute
	}
}

// validName reports whether a subscription name can be part of a consumer name, a KV key
// and a subject token.
func validName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Validate reports the first bad field, named as in the YAML configuration. Zero durations
// and counts are accepted: SetDefaults fills them.
func (c Config) Validate() error {
	if c.Bus == nil {
		return errors.New("notify: bus: required")
	}
	seen := map[string]bool{}
	for i, s := range c.Subscriptions {
		field := func(name string) string { return fmt.Sprintf("notify: subscriptions[%d].%s", i, name) }
		if seen[s.Name] {
			return fmt.Errorf("%s: %q: used by another subscription", field("name"), s.Name)
		}
		seen[s.Name] = true
		if err := checkSubscription(s, field); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name string
		d    time.Duration
	}{
		{"recent_window", c.RecentWindow},
		{"delivery_timeout", c.DeliveryTimeout},
		{"retry_base", c.RetryBase},
		{"retry_max", c.RetryMax},
	} {
		if f.d < 0 {
			return fmt.Errorf("notify: %s: %s is negative", f.name, f.d)
		}
	}
	if c.MaxAttempts < 0 {
		return fmt.Errorf("notify: max_attempts: %d is negative", c.MaxAttempts)
	}
	if c.RetryBase > 0 && c.RetryMax > 0 && c.RetryBase > c.RetryMax {
		return fmt.Errorf("notify: retry_base: %s exceeds retry_max %s", c.RetryBase, c.RetryMax)
	}
	return nil
}

// checkSubscription reports the first bad field of s, named by field.
func checkSubscription(s Subscription, field func(string) string) error {
	switch {
	case s.Name == "":
		return fmt.Errorf("%s: required", field("name"))
	case !validName(s.Name):
		return fmt.Errorf("%s: %q: use letters, digits, '-' and '_' only", field("name"), s.Name)
	}
	if _, err := channelOf(s.Target); err != nil {
		return fmt.Errorf("%s: %w", field("target"), err)
	}
	if _, err := deliver.Key(s.Secret); err != nil {
		return fmt.Errorf("%s: %w", field("secret"), err)
	}
	for j, k := range s.Filter.Kinds {
		if k != string(round.NewRound) && k != string(round.RoundUpdated) {
			return fmt.Errorf("%s[%d]: %q: want %s or %s", field("filter.kinds"), j, k, round.NewRound, round.RoundUpdated)
		}
	}
	for j, st := range s.Filter.Status {
		if _, ok := round.ParseStatus(st); !ok {
			return fmt.Errorf("%s[%d]: %q: want scheduled, underway, held, cancelled or postponed", field("filter.status"), j, st)
		}
	}
	return checkFilterValues(s.Filter, field)
}

// channelOf says how a target is reached, parsing chat URLs fully so a bad token or a
// missing parameter is refused when the subscription is made.
func channelOf(target string) (string, error) {
	ch, err := deliver.ChannelOf(target)
	if err != nil {
		return "", err
	}
	if ch != channelWebhook && ch != channelConsole {
		if _, err := deliver.NewChat(target, nil, nil); err != nil {
			return "", err
		}
	}
	return ch, nil
}

// Consumer names on the streams.
const (
	roundsConsumer  = "notify"
	deliverConsumer = "deliver_"
)

// Run folds events and delivers alerts until ctx is cancelled; it returns nil on a clean
// shutdown, after in-flight messages are finished.
func Run(ctx context.Context, c Config) error {
	return bus.CleanStop(ctx, serve(ctx, c))
}

func serve(ctx context.Context, c Config) error {
	c.SetDefaults()
	if err := c.Validate(); err != nil {
		return err
	}
	log := c.Logger
	st, err := openState(ctx, c)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := &failures{cancel: cancel}

	// Subscriptions known at start get their delivery consumers before folding starts, and
	// those consumers start at new messages, so a subscription sees every alert published
	// from its first start on, including those of the events processed below.
	subs := newSubManager(c, st, errs.fail)
	watcher, err := st.reg.kv.WatchAll(ctx)
	if err != nil {
		return fmt.Errorf("notify: watch %s: %w", BucketSubscriptions, err)
	}
	defer func() { _ = watcher.Stop() }()
	if ok, err := applyInitial(ctx, watcher, subs); !ok {
		subs.stopAll()
		if err != nil {
			return err
		}
		return errs.err()
	}

	if err := subs.pruneOrphans(ctx, st.reg); err != nil {
		// Harmless to carry on: an orphan queue only keeps alerts nobody reads.
		log.Warn("could not prune queues of removed subscriptions", "err", err)
	}

	f := &folder{bus: c.Bus, store: st.rounds, policy: round.Policy{RecentWindow: c.RecentWindow}, metrics: st.metrics, log: log}
	cons, err := eventsConsumer(ctx, c.Bus)
	if err != nil {
		subs.stopAll()
		return fmt.Errorf("notify: %w", err)
	}
	log.Info("notify started", "subscriptions", subs.count())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := foldEvents(ctx, c, cons, f); err != nil {
			errs.fail(err)
		}
	})

	followChanges(ctx, watcher, subs, errs.fail)
	cancel()
	subs.stopAll()
	wg.Wait()
	if err := errs.err(); err != nil {
		return err
	}
	log.Info("notify stopped")
	return nil
}

// state is what notify keeps in the bus: metrics aside, the buckets of rounds, deliveries
// and subscriptions.
type state struct {
	metrics    *metrics
	rounds     *roundstore.Store
	deliveries jetstream.KeyValue
	reg        *Registry
}

// openState opens the buckets, seeds the subscriptions of the configuration and reseals
// their secrets.
func openState(ctx context.Context, c Config) (state, error) {
	var st state
	var err error
	if st.metrics, err = newMetrics(c.Registerer); err != nil {
		return state{}, fmt.Errorf("notify: metrics: %w", err)
	}
	if st.rounds, err = roundstore.Open(ctx, c.Bus); err != nil {
		return state{}, fmt.Errorf("notify: %w", err)
	}
	if st.deliveries, err = openDeliveries(ctx, c.Bus); err != nil {
		return state{}, fmt.Errorf("notify: %w", err)
	}
	if st.reg, err = OpenRegistry(ctx, c.Bus); err != nil {
		return state{}, fmt.Errorf("notify: %w", err)
	}
	if err := st.reg.seed(ctx, c.Subscriptions, c.Seed, c.Logger); err != nil {
		return state{}, fmt.Errorf("notify: %w", err)
	}
	if err := st.reg.reseal(ctx, c.Logger); err != nil {
		return state{}, fmt.Errorf("notify: %w", err)
	}
	return st, nil
}

// newSubManager runs no delivery yet: apply starts one per subscription.
func newSubManager(c Config, st state, fail func(error)) *subManager {
	return &subManager{
		cfg: c, deliveries: st.deliveries, metrics: st.metrics, log: c.Logger,
		console: deliver.NewConsole(c.Console), client: deliveryClient(c.Transport, c.DeliveryTimeout),
		running: map[string]*runner{}, fail: fail,
	}
}

// failures collects the errors of notify's goroutines; the first one stops the service.
type failures struct {
	cancel context.CancelFunc

	mu   sync.Mutex
	errs []error
}

func (f *failures) fail(err error) {
	f.mu.Lock()
	f.errs = append(f.errs, err)
	f.mu.Unlock()
	f.cancel()
}

// err joins the errors so far, nil if none.
func (f *failures) err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.errs) == 0 {
		return nil
	}
	return fmt.Errorf("notify: %w", errors.Join(f.errs...))
}

// applyInitial applies the subscriptions the bucket holds now, up to the watcher's marker
// of the end of its initial values. It reports false when notify must stop instead: the
// watch ended (the error says so) or ctx is done.
func applyInitial(ctx context.Context, watcher jetstream.KeyWatcher, subs *subManager) (bool, error) {
	for {
		select {
		case e, ok := <-watcher.Updates():
			if !ok {
				return false, fmt.Errorf("notify: watch %s ended", BucketSubscriptions)
			}
			if e == nil {
				return ctx.Err() == nil, nil
			}
			subs.apply(ctx, e)
		case <-ctx.Done():
			return false, nil
		}
	}
}

// eventsConsumer is the durable consumer that folds the events into rounds.
func eventsConsumer(ctx context.Context, b *bus.Bus) (jetstream.Consumer, error) {
	return b.Durable(ctx, bus.StreamEvents, jetstream.ConsumerConfig{
		Durable:       roundsConsumer,
		Description:   "notify: folds negotiation events into rounds",
		DeliverPolicy: jetstream.DeliverAllPolicy,
		FilterSubject: bus.SubjectEvents + ".>",
	})
}

// foldEvents folds the events of cons into rounds until ctx is done.
func foldEvents(ctx context.Context, c Config, cons jetstream.Consumer, f *folder) error {
	// One worker: events about one round must be folded in the order they arrive.
	return bus.Consume(ctx, cons, f.handle, bus.ConsumeOptions{
		Workers: 1, Backoff: bus.ExpBackoff(c.RetryBase, c.RetryMax), Logger: c.Logger, Name: roundsConsumer,
		Bus: c.Bus,
	})
}

// followChanges applies later changes to the bucket until ctx is done: they start and stop
// deliveries without a restart. A watch that ends before ctx is a failure.
func followChanges(ctx context.Context, watcher jetstream.KeyWatcher, subs *subManager, fail func(error)) {
	for {
		select {
		case e, ok := <-watcher.Updates():
			if !ok {
				if ctx.Err() == nil {
					fail(fmt.Errorf("watch %s ended", BucketSubscriptions))
				}
				return
			}
			if e != nil {
				subs.apply(ctx, e)
			}
		case <-ctx.Done():
			return
		}
	}
}

// deliveryClient is the HTTP client of every delivery.
func deliveryClient(t http.RoundTripper, timeout time.Duration) *http.Client {
	return &http.Client{
		Transport: t,
		Timeout:   timeout,
		// A webhook that redirects is misconfigured; following it would re-send signed
		// content to a place nobody subscribed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// matcher is a compiled Filter.
type matcher struct {
	parties, kinds, topics []string
	status                 []round.Status
}

func newMatcher(f Filter) matcher {
	var m matcher
	for _, p := range f.Parties {
		m.parties = append(m.parties, strings.ToUpper(strings.TrimSpace(p)))
	}
	m.kinds = f.Kinds
	for _, t := range f.Topics {
		m.topics = append(m.topics, strings.ToLower(strings.TrimSpace(t)))
	}
	for _, s := range f.Status {
		if st, ok := round.ParseStatus(s); ok {
			m.status = append(m.status, st)
		}
	}
	return m
}

func (m matcher) match(a round.Alert) bool {
	anyOf := func(want, have []string, norm func(string) string) bool {
		if len(want) == 0 {
			return true
		}
		for _, h := range have {
			if slices.Contains(want, norm(h)) {
				return true
			}
		}
		return false
	}
	return anyOf(m.parties, a.Round.Parties, strings.ToUpper) &&
		anyOf(m.kinds, []string{string(a.Kind)}, func(s string) string { return s }) &&
		anyOf(m.topics, a.Round.Topics, strings.ToLower) &&
		(len(m.status) == 0 || slices.Contains(m.status, a.Round.Status))
}
