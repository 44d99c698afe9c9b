package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"

	"github.com/parleyhq/parley/platform/bus"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/notify/deliver"
	"github.com/parleyhq/parley/services/notify/round"
)

// maxRetryAfter caps the wait a receiver may ask for, so a typo in its Retry-After does not
// park an alert for days.
const maxRetryAfter = time.Hour

// Headers on dead-lettered alerts, for whoever inspects parley.dlq.*.
const (
	headerSubscription = "Parley-Subscription"
	headerError        = "Parley-Error"
	headerAttempts     = "Parley-Attempts"
	headerAlertID      = "Parley-Alert-Id"
)

// BucketDeliveries records each alert delivered to each subscription ("<sub>.<alert id>"),
// so a redelivery or a DLQ replay never sends it twice.
const BucketDeliveries = "parley_deliveries"

// deliveriesTTL outlives every stream an alert can come back from: the alerts stream and,
// longest, the dead-letter stream that `parley dlq replay` resends from.
const deliveriesTTL = bus.RetentionDLQ + 30*24*time.Hour

// openDeliveries opens (or creates) the delivery records with their time to live.
func openDeliveries(ctx context.Context, b *bus.Bus) (jetstream.KeyValue, error) {
	return b.KeyValueWith(ctx, jetstream.KeyValueConfig{Bucket: BucketDeliveries, TTL: deliveriesTTL})
}

// sender reaches one subscription's target, whatever its channel. Deliveries, replays and
// `parley subs test` all send through it.
type sender struct {
	channel string
	out     deliver.Sender
}

func newSender(s Subscription, timeout time.Duration, console *deliver.Console, client *http.Client, log *slog.Logger) (*sender, error) {
	out, err := deliver.New(s.Target, deliver.Options{Secret: s.Secret, Client: client, Timeout: timeout, Console: console, Logger: log})
	if err != nil {
		return nil, err
	}
	return &sender{channel: out.Channel(), out: out}, nil
}

// send delivers one alert and returns the target's answer in words.
func (s *sender) send(ctx context.Context, pa *parleyv1.Alert, a round.Alert) (string, error) {
	body, err := AlertJSON(pa)
	if err != nil {
		return "", &deliver.Error{Err: fmt.Errorf("encode alert: %w", err)}
	}
	return s.out.Send(ctx, deliver.Message{Alert: a, JSON: body})
}

// deliverer sends the alerts of one subscription.
type deliverer struct {
	name        string
	channel     string
	match       matcher
	sender      *sender
	afterSend   func(ctx context.Context, sub, alertID string) error
	bus         *bus.Bus
	kv          jetstream.KeyValue
	metrics     *metrics
	log         *slog.Logger
	maxAttempts uint64
	exp         func(uint64) time.Duration
	// hold is how long a claim to send an alert lasts: one attempt and some margin.
	hold time.Duration
	// retryAfter passes the receiver's Retry-After from the failed attempt to backoff, which
	// bus.Consume calls right after the handler returns.
	retryAfter atomic.Int64
}

func newDeliverer(s Subscription, c Config, kv jetstream.KeyValue, m *metrics, console *deliver.Console, client *http.Client, log *slog.Logger) (*deliverer, error) {
	snd, err := newSender(s, c.DeliveryTimeout, console, client, log)
	if err != nil {
		return nil, err
	}
	d := &deliverer{
		name:        s.Name,
		channel:     snd.channel,
		match:       newMatcher(s.Filter),
		sender:      snd,
		afterSend:   c.afterSend,
		bus:         c.Bus,
		kv:          kv,
		metrics:     m,
		log:         log,
		maxAttempts: uint64(c.MaxAttempts),
		exp:         bus.ExpBackoff(c.RetryBase, c.RetryMax),
		hold:        c.DeliveryTimeout + 5*time.Second,
	}
	return d, nil
}

func (d *deliverer) handle(ctx context.Context, msg jetstream.Msg) error {
	var pa parleyv1.Alert
	if err := proto.Unmarshal(msg.Data(), &pa); err != nil {
		return bus.Permanent(fmt.Errorf("decode Alert: %w", err))
	}
	if pa.GetId() == "" {
		return bus.Permanent(errors.New("alert without id"))
	}
	a := alertFromProto(&pa)
	if !d.match.match(a) {
		return nil
	}
	key := d.name + "." + a.ID
	delivered, rev, err := claimDelivery(ctx, d.kv, key, d.hold)
	var busy *sendingError
	if errors.As(err, &busy) {
		// Not an attempt that failed: look again when the other replica is done.
		d.retryAfter.Store(int64(time.Until(busy.until) + time.Second))
		d.log.Debug("alert being sent by another replica", "alert_id", a.ID)
		return err
	}
	if err != nil {
		return err
	}
	if delivered {
		// A re-published copy of an alert this subscription already has.
		d.log.Debug("alert already delivered", "alert_id", a.ID)
		return nil
	}
	attempt := uint64(1)
	if md, err := msg.Metadata(); err == nil {
		attempt = md.NumDelivered
	}

	answer, err := d.sender.send(ctx, &pa, a)
	if err != nil {
		releaseClaim(ctx, d.kv, key, rev)
	}
	if err == nil && d.afterSend != nil {
		if herr := d.afterSend(ctx, d.name, a.ID); herr != nil {
			return herr
		}
	}
	if err == nil {
		d.metrics.deliveries.WithLabelValues(d.channel, resultOK).Inc()
		if at, ok := fetchedAt(msg); ok {
			d.metrics.latency.Observe(time.Since(at).Seconds())
		}
		if err := recordDelivered(ctx, d.kv, key); err != nil {
			// The ack below still stops redelivery of this message; only a re-published copy
			// could now be sent twice, and the Idempotency-Key lets the receiver drop it.
			d.log.Warn("alert delivered but not recorded", "alert_id", a.ID, "err", err)
		}
		d.log.Info("alert delivered", "alert_id", a.ID, "kind", a.Kind, "round_id", a.Round.ID, "attempt", attempt, "answer", answer)
		return nil
	}

	if deliver.IsRetryable(err) && attempt < d.maxAttempts {
		d.metrics.deliveries.WithLabelValues(d.channel, resultRetry).Inc()
		var de *deliver.Error
		if errors.As(err, &de) {
			d.retryAfter.Store(int64(de.RetryAfter))
		}
		// bus.Consume logs the failure at warn level with the subscription and error.
		d.log.Debug("alert delivery failed; will retry", "alert_id", a.ID, "attempt", attempt, "err", err)
		return err
	}
	if dlqErr := d.deadLetter(ctx, msg, &pa, err, attempt); dlqErr != nil {
		return fmt.Errorf("dead-letter after %w: %w", err, dlqErr)
	}
	d.metrics.deliveries.WithLabelValues(d.channel, resultDead).Inc()
	d.log.Error("alert delivery failed; dead-lettered", "alert_id", a.ID, "attempt", attempt,
		"dlq_subject", bus.SubjectDLQ+"."+d.name, "err", err)
	return nil
}

func (d *deliverer) deadLetter(ctx context.Context, msg jetstream.Msg, pa *parleyv1.Alert, cause error, attempts uint64) error {
	hdr := nats.Header{}
	hdr.Set(headerSubscription, d.name)
	hdr.Set(headerError, truncate(cause.Error(), 1024))
	hdr.Set(headerAttempts, strconv.FormatUint(attempts, 10))
	hdr.Set(headerAlertID, pa.GetId())
	if v := msg.Headers().Get(bus.HeaderFetchedAt); v != "" {
		hdr.Set(bus.HeaderFetchedAt, v)
	}
	_, err := d.bus.Publish(ctx, bus.SubjectDLQ+"."+d.name, d.name+"."+pa.GetId(), pa, hdr)
	return err
}

// backoff is exponential with jitter, so receivers coming back up are not hit by every
// retry at once, and never shorter than the receiver's own Retry-After.
func (d *deliverer) backoff(attempt uint64) time.Duration {
	base := d.exp(attempt)
	delay := base/2 + rand.N(base/2+1)
	if ra := time.Duration(d.retryAfter.Swap(0)); ra > delay {
		delay = min(ra, maxRetryAfter)
	}
	return delay
}

func fetchedAt(msg jetstream.Msg) (time.Time, bool) {
	v := msg.Headers().Get(bus.HeaderFetchedAt)
	if v == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	return t, err == nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
