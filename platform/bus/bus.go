// Package bus is Parley's JetStream plumbing: the connection, the streams and buckets every
// service shares, publishing protobuf with a content-derived Nats-Msg-Id, and the consume loop
// that acks only after the handler's output is published.
package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/parleyhq/parley/platform/seal"
	"google.golang.org/protobuf/proto"
)

// Streams and subjects (SPEC section 2). Subjects are "<prefix>.<token>".
const (
	StreamItems   = "PARLEY_ITEMS"
	SubjectItems  = "parley.items"
	StreamEvents  = "PARLEY_EVENTS"
	SubjectEvents = "parley.events"
	StreamAlerts  = "PARLEY_ALERTS"
	SubjectAlerts = "parley.alerts"
	StreamDLQ     = "PARLEY_DLQ"
	SubjectDLQ    = "parley.dlq"

	// HeaderFetchedAt carries the time fetch first saw an item, in RFC 3339 with nanoseconds,
	// through every stage, so notify can measure pipeline latency.
	HeaderFetchedAt = "Parley-Fetched-At"
)

// How long each stream keeps its messages. A bucket that remembers what a stream delivered
// (to drop a redelivery) must keep it longer than this.
const (
	RetentionItems  = 7 * 24 * time.Hour
	RetentionEvents = 30 * 24 * time.Hour
	RetentionAlerts = 30 * 24 * time.Hour
	RetentionDLQ    = 90 * 24 * time.Hour
)

// DefaultDuplicateWindow is how long the server remembers a Nats-Msg-Id. It covers a crash and
// redelivery; long-term "once ever" is kept in KV buckets.
const DefaultDuplicateWindow = 30 * time.Minute

// AlertsDuplicateWindow is the alerts stream's longer memory of ids: alerts are few, and a
// notify that crashed between publishing an alert and noting it published sends it again when
// it comes back, however long that takes within a week; the stream must still drop the copy
// for "each alert once" to hold for JetStream consumers.
const AlertsDuplicateWindow = 7 * 24 * time.Hour

// Bus is a JetStream connection with Parley's streams known.
type Bus struct {
	NC       *nats.Conn
	JS       jetstream.JetStream
	Replicas int
	// Logger, if set, receives the Bus's own warnings (something re-created, a message
	// dead-lettered); default slog.Default().
	Logger *slog.Logger

	// Secrets seals and opens the secrets kept in buckets; nil when no key was supplied,
	// and then nothing secret can be stored or delivered.
	Secrets *seal.Keys

	keeper keeper
}

func (b *Bus) log() *slog.Logger {
	if b.Logger != nil {
		return b.Logger
	}
	return slog.Default()
}

// Connect dials NATS and keeps reconnecting for ever: a NATS restart must not end a service.
// extra carries the credentials and TLS of SecurityOptions. Refused credentials or an
// untrusted certificate end it at once, with the setting to fix: no retry heals them.
func Connect(ctx context.Context, url, name string, log *slog.Logger, extra ...nats.Option) (*nats.Conn, error) {
	if log == nil {
		log = slog.Default()
	}
	var lastErr atomic.Pointer[error]
	opts := []nats.Option{
		nats.Name(name),
		nats.MaxReconnects(-1),
		nats.RetryOnFailedConnect(true),
		nats.ReconnectWait(500 * time.Millisecond),
		// Drain must finish inside a pod's termination grace period.
		nats.DrainTimeout(10 * time.Second),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats disconnected", "nats_url", url, "err", err)
			}
		}),
		nats.ReconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				lastErr.Store(&err)
			}
		}),
		// A permissions violation only shows here: the request it spoiled just times out.
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			log.Error("nats error", "nats_url", url, "err", err)
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("nats reconnected", "nats_url", nc.ConnectedUrlRedacted())
		}),
	}
	nc, err := nats.Connect(url, append(opts, extra...)...)
	if err != nil {
		err, _ = Explain(err)
		return nil, fmt.Errorf("connect to nats %s: %w", url, err)
	}
	// With RetryOnFailedConnect the first connect happens in the background; wait for it so
	// callers can create streams straight away.
	for !nc.IsConnected() {
		if p := lastErr.Load(); p != nil || nc.IsClosed() {
			cause := nc.LastError()
			if p != nil {
				cause = *p
			}
			if explained, permanent := Explain(cause); permanent || nc.IsClosed() {
				nc.Close()
				return nil, fmt.Errorf("connect to nats %s: %w", url, explained)
			}
		}
		select {
		case <-ctx.Done():
			nc.Close()
			return nil, fmt.Errorf("connect to nats %s: %w", url, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nc, nil
}

// New wraps a connection. replicas is the replica count of streams and buckets it creates.
func New(nc *nats.Conn, replicas int) (*Bus, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	if replicas < 1 {
		replicas = 1
	}
	return &Bus{NC: nc, JS: js, Replicas: replicas}, nil
}

// EnsureStreams creates or updates every stream. Idempotent: whichever service starts first
// creates them.
func (b *Bus) EnsureStreams(ctx context.Context) error {
	streams := []jetstream.StreamConfig{
		{Name: StreamItems, Subjects: []string{SubjectItems + ".>"}, MaxAge: RetentionItems},
		{Name: StreamEvents, Subjects: []string{SubjectEvents + ".>"}, MaxAge: RetentionEvents},
		{Name: StreamAlerts, Subjects: []string{SubjectAlerts + ".>"}, MaxAge: RetentionAlerts},
		{Name: StreamDLQ, Subjects: []string{SubjectDLQ + ".>"}, MaxAge: RetentionDLQ},
	}
	for _, sc := range streams {
		sc.Storage = jetstream.FileStorage
		sc.Duplicates = DefaultDuplicateWindow
		if sc.Name == StreamAlerts {
			sc.Duplicates = AlertsDuplicateWindow
		}
		sc.Replicas = b.Replicas
		if _, err := retryCreate(ctx, func(ctx context.Context) (jetstream.Stream, error) {
			return b.JS.CreateOrUpdateStream(ctx, sc)
		}); err != nil {
			return fmt.Errorf("stream %s: %w", sc.Name, err)
		}
		b.keep("stream "+sc.Name, b.ensureStream(sc))
	}
	return nil
}

// KeyValue opens a bucket, creating it when missing.
func (b *Bus) KeyValue(ctx context.Context, bucket string, history uint8) (jetstream.KeyValue, error) {
	if history == 0 {
		history = 1
	}
	cfg := jetstream.KeyValueConfig{
		Bucket:   bucket,
		History:  history,
		Storage:  jetstream.FileStorage,
		Replicas: b.Replicas,
	}
	kv, err := retryCreate(ctx, func(ctx context.Context) (jetstream.KeyValue, error) {
		return b.JS.CreateOrUpdateKeyValue(ctx, cfg)
	})
	if err != nil {
		return nil, fmt.Errorf("kv bucket %s: %w", bucket, err)
	}
	b.keep("bucket "+bucket, b.ensureBucket(cfg, true))
	return kv, nil
}

// KeyValueWith creates or updates a bucket from cfg, file-backed and replicated like every
// other unless cfg says otherwise: the services that own a bucket decide its history and its
// time to live.
func (b *Bus) KeyValueWith(ctx context.Context, cfg jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	if cfg.History == 0 {
		cfg.History = 1
	}
	if cfg.Replicas == 0 {
		cfg.Replicas = b.Replicas
	}
	kv, err := retryCreate(ctx, func(ctx context.Context) (jetstream.KeyValue, error) {
		return b.JS.CreateOrUpdateKeyValue(ctx, cfg)
	})
	if err != nil {
		return nil, fmt.Errorf("kv bucket %s: %w", cfg.Bucket, err)
	}
	return kv, nil
}

// OpenKeyValue opens a bucket as it is and creates it (history 1) only when missing, so a
// tool does not rewrite a bucket that a deployment created with other settings. Like every
// create here it rides out a cluster that is still settling.
func (b *Bus) OpenKeyValue(ctx context.Context, bucket string) (jetstream.KeyValue, error) {
	kv, err := retryCreate(ctx, func(ctx context.Context) (jetstream.KeyValue, error) {
		return b.JS.KeyValue(ctx, bucket)
	})
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return b.KeyValue(ctx, bucket, 1)
	}
	if err != nil {
		return nil, fmt.Errorf("kv bucket %s: %w", bucket, err)
	}
	b.keep("bucket "+bucket, b.ensureBucket(jetstream.KeyValueConfig{
		Bucket: bucket, History: 1, Storage: jetstream.FileStorage, Replicas: b.Replicas,
	}, true))
	return kv, nil
}

// Publish sends m as protobuf on subject with Nats-Msg-Id msgID and waits for the stream's ack.
// A duplicate (same msgID inside the window) is acknowledged by the server and dropped, which
// is what makes a re-publish after a crash harmless.
func (b *Bus) Publish(ctx context.Context, subject, msgID string, m proto.Message, hdr nats.Header) (*jetstream.PubAck, error) {
	data, err := proto.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("marshal %T: %w", m, err)
	}
	msg := &nats.Msg{Subject: subject, Data: data, Header: nats.Header{}}
	for k, vs := range hdr {
		for _, v := range vs {
			msg.Header.Add(k, v)
		}
	}
	ack, err := b.JS.PublishMsg(ctx, msg, jetstream.WithMsgID(msgID))
	if err != nil {
		return nil, fmt.Errorf("publish %s (msg id %s): %w", subject, msgID, err)
	}
	return ack, nil
}

// Consumer defaults: every consumer gives up on a message after DefaultMaxDeliver deliveries
// (Consume then dead-letters it), and a message whose ack wait ran out (a handler that hung,
// a process that died) comes back after a growing delay instead of at once.
const (
	DefaultMaxDeliver = 10
	DefaultAckWait    = 30 * time.Second
)

// Durable creates or updates a durable pull consumer on stream. AckWait, MaxDeliver and
// BackOff get defaults when unset; BackOff starts at AckWait (the server takes the ack wait
// from its first step).
func (b *Bus) Durable(ctx context.Context, stream string, cfg jetstream.ConsumerConfig) (jetstream.Consumer, error) {
	cfg.AckPolicy = jetstream.AckExplicitPolicy
	if cfg.AckWait == 0 {
		cfg.AckWait = DefaultAckWait
	}
	if cfg.MaxDeliver == 0 {
		cfg.MaxDeliver = DefaultMaxDeliver
	}
	if cfg.BackOff == nil {
		cfg.BackOff = backOff(cfg.AckWait, cfg.MaxDeliver)
	}
	if cfg.Replicas == 0 {
		cfg.Replicas = b.Replicas
	}
	c, err := retryCreate(ctx, func(ctx context.Context) (jetstream.Consumer, error) {
		return b.JS.CreateOrUpdateConsumer(ctx, stream, cfg)
	})
	if err != nil {
		return nil, fmt.Errorf("consumer %s on %s: %w", cfg.Durable, stream, err)
	}
	return c, nil
}

// backOff is the ack wait plus a growing pause: 0, 1 s, 2 s, 4 s … up to 2 min, one step per
// delivery. A handler that fails waits at least the pause before its next try (see
// nakDelay), one that hangs or dies waits the ack wait on top.
func backOff(ackWait time.Duration, maxDeliver int) []time.Duration {
	n := maxDeliver
	if maxDeliver < 0 || n > 10 {
		n = 10
	}
	steps := []time.Duration{ackWait}
	for extra := time.Second; len(steps) < max(n, 1); extra = min(2*extra, 2*time.Minute) {
		steps = append(steps, ackWait+extra)
	}
	return steps
}

// Drain drains nc (every subscription stops, buffered messages are handled and pending acks
// and publishes are flushed) and waits for it to finish, which nats.Conn.Drain does not.
func Drain(nc *nats.Conn) error {
	if nc.IsClosed() {
		return nil
	}
	if err := nc.Drain(); err != nil {
		nc.Close()
		return fmt.Errorf("drain nats connection: %w", err)
	}
	// Drain is bounded by DrainTimeout (see Connect); it closes the connection when done.
	for deadline := time.Now().Add(15 * time.Second); !nc.IsClosed(); {
		if time.Now().After(deadline) {
			nc.Close()
			return errors.New("drain nats connection: not done in 15s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}
