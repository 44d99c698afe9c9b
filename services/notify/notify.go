// Package notify turns negotiation events into alerts and delivers them. It folds the events
// on parley.events.* into rounds kept in a KV bucket (one round per real meeting, however many
// articles report it), publishes an Alert on parley.alerts.<kind> for each new round and each
// real change, and sends every alert once to each matching subscription: signed webhooks or
// the console, with retries, backoff and a dead-letter subject.
package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
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
)

// Filter selects the alerts a subscription wants. An empty list matches everything.
type Filter struct {
	// Parties: the round has at least one of them.
	Parties []string
	// Kinds: new_round, round_updated.
	Kinds []string
	// Topics: the round has at least one of them.
	Topics []string
	// Status: the round's status ("held" or "STATUS_HELD").
	Status []string
}

// Subscription is one destination of alerts.
type Subscription struct {
	// Name identifies the subscription in consumer names, KV keys and the DLQ subject.
	Name string
	// Target is an http(s) URL for signed JSON webhooks, or console:// for Config.Console.
	Target string
	// Secret keys the webhook signatures; "whsec_<base64>" stands for its decoded bytes.
	Secret string
	Filter Filter
}

// Config of the notify service.
type Config struct {
	// Bus is required; its streams must already exist.
	Bus           *bus.Bus
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
	// MaxAttempts per alert and subscription before it is dead-lettered; default 12.
	MaxAttempts int
	// RetryBase and RetryMax bound the exponential backoff between attempts; default 1s, 5m.
	RetryBase, RetryMax time.Duration
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
		switch {
		case s.Name == "":
			return fmt.Errorf("%s: required", field("name"))
		case !validName(s.Name):
			return fmt.Errorf("%s: %q: use letters, digits, '-' and '_' only", field("name"), s.Name)
		case seen[s.Name]:
			return fmt.Errorf("%s: %q: used by another subscription", field("name"), s.Name)
		}
		seen[s.Name] = true
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

// channelOf says how a target is reached.
func channelOf(target string) (string, error) {
	if target == "" {
		return "", errors.New("required")
	}
	if target == "console:" || strings.HasPrefix(target, "console://") {
		return channelConsole, nil
	}
	u, err := url.Parse(target)
	if err != nil {
		return "", fmt.Errorf("not a URL: %w", err)
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return "", fmt.Errorf("%s URL without a host", u.Scheme)
		}
		return channelWebhook, nil
	case "":
		return "", errors.New("no scheme: want http://, https:// or console://")
	}
	return "", fmt.Errorf("unsupported scheme %q: want http, https or console", u.Scheme)
}

// Consumer names on the streams.
const (
	roundsConsumer  = "notify"
	deliverConsumer = "deliver_"
)

// Run folds events and delivers alerts until ctx is cancelled; it returns nil on a clean
// shutdown, after in-flight messages are finished.
func Run(ctx context.Context, c Config) error {
	c.SetDefaults()
	if err := c.Validate(); err != nil {
		return err
	}
	log := c.Logger
	m, err := newMetrics(c.Registerer)
	if err != nil {
		return fmt.Errorf("notify: metrics: %w", err)
	}
	roundsKV, err := c.Bus.KeyValue(ctx, bus.BucketRounds, 1)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	deliveriesKV, err := c.Bus.KeyValue(ctx, bus.BucketDeliveries, 1)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}

	type job struct {
		consumer jetstream.Consumer
		handler  bus.Handler
		opts     bus.ConsumeOptions
	}
	var jobs []job

	// Delivery consumers come first and start at new messages, so a subscription sees every
	// alert published from its first start on, including those of the events processed below.
	console := deliver.NewConsole(c.Console)
	client := &http.Client{
		// A webhook that redirects is misconfigured; following it would re-send signed
		// content to a place nobody subscribed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	for _, s := range c.Subscriptions {
		sublog := log.With("subscription", s.Name)
		d, err := newDeliverer(s, c, deliveriesKV, m, console, client, sublog)
		if err != nil {
			return fmt.Errorf("notify: subscription %s: %w", s.Name, err)
		}
		cons, err := c.Bus.Durable(ctx, bus.StreamAlerts, jetstream.ConsumerConfig{
			Durable:       deliverConsumer + s.Name,
			Description:   "notify: delivers alerts to subscription " + s.Name,
			DeliverPolicy: jetstream.DeliverNewPolicy,
			FilterSubject: bus.SubjectAlerts + ".>",
			AckWait:       c.DeliveryTimeout + 30*time.Second,
		})
		if err != nil {
			return fmt.Errorf("notify: %w", err)
		}
		jobs = append(jobs, job{cons, d.handle, bus.ConsumeOptions{
			Workers: 1, Backoff: d.backoff, Logger: sublog, Name: deliverConsumer + s.Name,
			StopTimeout: c.DeliveryTimeout + 5*time.Second,
		}})
	}

	f := &folder{bus: c.Bus, kv: roundsKV, policy: round.Policy{RecentWindow: c.RecentWindow}, metrics: m, log: log}
	cons, err := c.Bus.Durable(ctx, bus.StreamEvents, jetstream.ConsumerConfig{
		Durable:       roundsConsumer,
		Description:   "notify: folds negotiation events into rounds",
		DeliverPolicy: jetstream.DeliverAllPolicy,
		FilterSubject: bus.SubjectEvents + ".>",
	})
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	// One worker: events about one round must be folded in the order they arrive.
	jobs = append(jobs, job{cons, f.handle, bus.ConsumeOptions{
		Workers: 1, Backoff: bus.ExpBackoff(c.RetryBase, c.RetryMax), Logger: log, Name: roundsConsumer,
	}})

	log.Info("notify started", "subscriptions", len(c.Subscriptions))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, j := range jobs {
		wg.Go(func() {
			if err := bus.Consume(ctx, j.consumer, j.handler, j.opts); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				cancel()
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	log.Info("notify stopped")
	return nil
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
