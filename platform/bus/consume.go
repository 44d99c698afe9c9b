package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Handler processes one message. It returns nil once its output is published (the message is
// then acked), an error to have it redelivered with backoff, or a Permanent error for a
// message that can never succeed (it is terminated, not retried).
type Handler func(ctx context.Context, msg jetstream.Msg) error

type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err as not worth retrying.
func Permanent(err error) error { return permanent{err} }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool { return errors.As(err, new(permanent)) }

// ConsumeOptions tune Consume.
type ConsumeOptions struct {
	// Workers handle messages concurrently; 1 keeps the stream's order. It is also how many
	// messages are pulled ahead: a message never waits in a client buffer while its ack wait
	// runs out (it would be redelivered to another replica while still queued here).
	Workers int
	// Backoff returns the redelivery delay after a failed attempt (attempt counts from 1).
	Backoff func(attempt uint64) time.Duration
	// StopTimeout bounds how long in-flight work may run after ctx is cancelled.
	StopTimeout time.Duration
	Logger      *slog.Logger
	Name        string
	// Bus, if set, re-opens the consumer (re-creating it, and its stream, when missing) when
	// it goes away under the loop, marks the loop unready meanwhile, and dead-letters what
	// exhausts MaxDeliver. Without it a lost consumer ends Consume with an error.
	Bus *Bus

	// From the consumer's config.
	ackWait    time.Duration
	maxDeliver int
	backOff    []time.Duration
}

// ErrConsumeEnded is returned when a consume loop stops for any reason but ctx: a process
// must not keep running with nothing to do.
var ErrConsumeEnded = errors.New("consume loop ended")

// ExpBackoff doubles from base up to max.
func ExpBackoff(base, max time.Duration) func(uint64) time.Duration {
	return func(attempt uint64) time.Duration {
		d := base
		for i := uint64(1); i < attempt && d < max; i++ {
			d *= 2
		}
		return min(d, max)
	}
}

// Consume pulls from c and runs h until ctx is cancelled, then stops pulling,
// lets in-flight messages finish (their context is not cancelled, only
// bounded by StopTimeout), and returns nil. Any other end is an error wrapping
// ErrConsumeEnded, after o.Bus (if set) could not bring the consumer back.
func Consume(ctx context.Context, c jetstream.Consumer, h Handler, o ConsumeOptions) error {
	if o.Workers < 1 {
		o.Workers = 1
	}
	if o.Backoff == nil {
		o.Backoff = ExpBackoff(time.Second, 2*time.Minute)
	}
	if o.StopTimeout == 0 {
		o.StopTimeout = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	info := c.CachedInfo()
	o.ackWait, o.maxDeliver, o.backOff = info.Config.AckWait, info.Config.MaxDeliver, info.Config.BackOff
	health := "consumer " + info.Config.Durable
	// Work contexts outlive ctx so that a SIGTERM lets in-flight messages publish and ack.
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(o.StopTimeout, cancelWork) })
	defer stop()
	if o.Bus != nil {
		unsub, err := o.Bus.deadLetterExhausted(info.Stream, info.Config.Durable, o.Logger)
		if err != nil {
			return fmt.Errorf("consume %s: %w", o.Name, err)
		}
		defer unsub()
	}
	for {
		err := consumeRound(ctx, workCtx, c, h, o)
		if ctx.Err() != nil {
			if o.Bus != nil {
				o.Bus.SetHealth(health, nil)
			}
			return nil
		}
		if o.Bus == nil {
			return fmt.Errorf("consume %s: %w: %w", o.Name, ErrConsumeEnded, err)
		}
		o.Bus.SetHealth(health, err)
		o.Logger.Warn("consumer lost; re-opening it", "consumer", o.Name, "err", err)
		if c, err = o.Bus.reopen(ctx, info.Stream, info.Config); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("consume %s: %w: %w", o.Name, ErrConsumeEnded, err)
		}
		o.Bus.SetHealth(health, nil)
		o.Logger.Info("consumer re-opened", "consumer", o.Name)
	}
}

// consumeRound runs the workers on one message iterator until ctx is cancelled (nil) or the
// iterator fails (its error): the consumer was deleted, or heartbeats stopped because the
// server lost it or went away.
func consumeRound(ctx, workCtx context.Context, c jetstream.Consumer, h Handler, o ConsumeOptions) error {
	it, err := c.Messages(jetstream.PullMaxMessages(o.Workers), jetstream.PullExpiry(10*time.Second),
		jetstream.WithMessagesErrOnMissingHeartbeat(true))
	if err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	defer it.Stop()
	// Stop, not Drain: Drain waits for the open pull request to expire. At most Workers
	// messages can sit in the buffer; the server redelivers them after their ack wait.
	stop := context.AfterFunc(ctx, it.Stop)
	defer stop()
	var (
		wg      sync.WaitGroup
		once    sync.Once
		iterErr error
	)
	for range o.Workers {
		wg.Go(func() {
			for {
				msg, err := it.Next()
				if err != nil {
					if ctx.Err() == nil {
						once.Do(func() { iterErr = err })
						it.Stop()
					}
					return
				}
				handleOne(workCtx, msg, h, o)
			}
		})
	}
	wg.Wait()
	if iterErr == nil && ctx.Err() == nil {
		iterErr = jetstream.ErrMsgIteratorClosed
	}
	return iterErr
}

// reopen finds the consumer again, re-creating it (and its stream) when it is gone. It
// retries while NATS is unreachable or settling, for as long as ctx lives; any other error
// is returned once it persists (the server may briefly fail to re-create a consumer whose
// deletion it is still cleaning up).
func (b *Bus) reopen(ctx context.Context, stream string, cfg jetstream.ConsumerConfig) (jetstream.Consumer, error) {
	for k := range cfg.Metadata {
		if strings.HasPrefix(k, "_nats.") {
			delete(cfg.Metadata, k) // set by the server; a create may not carry them
		}
	}
	delay := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		c, err := b.JS.Consumer(ctx, stream, cfg.Durable)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			err = b.ensureKept(ctx, "stream "+stream)
		}
		if err == nil && c == nil || errors.Is(err, jetstream.ErrConsumerNotFound) {
			c, err = b.JS.CreateOrUpdateConsumer(ctx, stream, cfg)
			if err == nil {
				b.log().Warn("consumer was missing; re-created", "stream", stream, "consumer", cfg.Durable)
			}
		}
		if err == nil {
			return c, nil
		}
		if ctx.Err() != nil || b.NC.IsClosed() || attempt >= reopenAttempts && !transient(err) && b.NC.IsConnected() {
			return nil, fmt.Errorf("re-open consumer %s on %s: %w", cfg.Durable, stream, err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

// reopenAttempts bounds how often reopen tries on errors that are not about reaching NATS.
const reopenAttempts = 10

// ensureKept runs the kept ensure called name, if any.
func (b *Bus) ensureKept(ctx context.Context, name string) error {
	b.keeper.mu.Lock()
	ensure := b.keeper.ensures[name]
	b.keeper.mu.Unlock()
	if ensure == nil {
		return fmt.Errorf("%s: not found", name)
	}
	return ensure(ctx)
}

func handleOne(ctx context.Context, msg jetstream.Msg, h Handler, o ConsumeOptions) {
	log := o.Logger
	stopProgress := inProgress(ctx, msg, o.ackWait)
	err := h(ctx, msg)
	stopProgress()
	attempt := uint64(1)
	if md, mdErr := msg.Metadata(); mdErr == nil {
		attempt = md.NumDelivered
	}
	switch {
	case err == nil:
		if err := msg.DoubleAck(ctx); err != nil {
			log.Warn("ack failed; the message will be redelivered and deduplicated", "consumer", o.Name, "subject", msg.Subject(), "err", err)
		}
		return
	case IsPermanent(err):
		log.Error("message cannot be processed; dead-lettering it", "consumer", o.Name, "subject", msg.Subject(), "err", err)
	default:
		if o.maxDeliver <= 0 || attempt < uint64(o.maxDeliver) {
			delay := o.Backoff(attempt)
			log.Warn("message failed; retrying", "consumer", o.Name, "subject", msg.Subject(), "attempt", attempt, "retry_in", delay, "err", err)
			_ = msg.NakWithDelay(nakDelay(delay, attempt, o.ackWait, o.backOff))
			return
		}
		log.Error("message failed on its last delivery; dead-lettering it", "consumer", o.Name, "subject", msg.Subject(), "attempt", attempt, "err", err)
		err = fmt.Errorf("failed %d times, the consumer's max deliveries: %w", attempt, err)
	}
	if o.Bus != nil {
		if dlqErr := o.Bus.deadLetter(ctx, o.Name, msg, attempt, err); dlqErr != nil {
			// Redelivered (past MaxDeliver only if the server still allows it) rather than lost.
			log.Error("dead-letter failed", "consumer", o.Name, "subject", msg.Subject(), "err", dlqErr)
			_ = msg.NakWithDelay(nakDelay(o.Backoff(attempt), attempt, o.ackWait, o.backOff))
			return
		}
	}
	_ = msg.Term()
}

// nakDelay is what to ask of the server for a redelivery in d. With a BackOff the server
// counts a nak's delay from the attempt's backoff step instead of the ack wait, so it adds
// the step's excess over the ack wait; that excess is also the least a retry waits.
func nakDelay(d time.Duration, attempt uint64, ackWait time.Duration, backOff []time.Duration) time.Duration {
	if len(backOff) == 0 || attempt == 0 {
		return d
	}
	extra := backOff[min(int(attempt)-1, len(backOff)-1)] - ackWait
	if d > extra {
		return d - extra
	}
	return time.Nanosecond // a zero delay would be a plain nak: redelivered at once
}

// maxProgress is how long a handler's message is kept from redelivery by progress acks.
const maxProgress = 10 * time.Minute

// inProgress tells the server, every third of the ack wait, that a slow handler is still at
// work, so the message is not redelivered to another replica meanwhile.
func inProgress(ctx context.Context, msg jetstream.Msg, ackWait time.Duration) (stop func()) {
	if ackWait <= 0 {
		ackWait = DefaultAckWait
	}
	every := ackWait / 3
	// A handler that never returns must not hold its message for ever: after maxProgress
	// the server may redeliver it, and MaxDeliver and the DLQ take over.
	deadline := time.Now().Add(maxProgress)
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				if time.Now().After(deadline) {
					return
				}
				_ = msg.InProgress()
			}
		}
	}()
	return func() { close(done) }
}

// CleanStop is what a service's Run returns for err: nil once ctx is cancelled, since a
// failure during a requested stop (a bucket lookup cut short while starting up) is no failure.
func CleanStop(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return nil
	}
	return err
}

// Headers on a dead-lettered message: why, from where, after how many deliveries.
const (
	HeaderDLQReason    = "Parley-Dlq-Reason"
	HeaderDLQConsumer  = "Parley-Dlq-Consumer"
	HeaderDLQStream    = "Parley-Dlq-Stream"
	HeaderDLQSubject   = "Parley-Dlq-Subject"
	HeaderDLQStreamSeq = "Parley-Dlq-Stream-Seq"
	HeaderDLQAttempts  = "Parley-Attempts"
)

// DLQStagePrefix is the subject token under parley.dlq for messages a stage (not a
// subscription's delivery) gave up on: parley.dlq._stage.<consumer>.
const DLQStagePrefix = "_stage"

// deadLetter copies msg, as it is, to parley.dlq._stage.<consumer> with the reason.
func (b *Bus) deadLetter(ctx context.Context, consumer string, msg jetstream.Msg, attempts uint64, reason error) error {
	var stream string
	var seq uint64
	if md, err := msg.Metadata(); err == nil {
		stream, seq = md.Stream, md.Sequence.Stream
	}
	return b.deadLetterRaw(ctx, consumer, stream, seq, msg.Subject(), msg.Data(), msg.Headers(), attempts, reason.Error())
}

func (b *Bus) deadLetterRaw(ctx context.Context, consumer, stream string, seq uint64, subject string, data []byte, hdr nats.Header, attempts uint64, reason string) error {
	out := &nats.Msg{Subject: SubjectDLQ + "." + DLQStagePrefix + "." + consumer, Data: data, Header: nats.Header{}}
	for k, vs := range hdr {
		if !strings.HasPrefix(k, "Nats-") {
			out.Header[k] = vs
		}
	}
	if len(reason) > 1024 {
		reason = reason[:1024]
	}
	out.Header.Set(HeaderDLQReason, reason)
	out.Header.Set(HeaderDLQConsumer, consumer)
	out.Header.Set(HeaderDLQSubject, subject)
	out.Header.Set(HeaderDLQAttempts, strconv.FormatUint(attempts, 10))
	id := consumer + "." + subject
	if stream != "" {
		out.Header.Set(HeaderDLQStream, stream)
		out.Header.Set(HeaderDLQStreamSeq, strconv.FormatUint(seq, 10))
		// Every replica that learns of the message dead-letters it; the DLQ keeps one.
		id = consumer + "." + stream + "." + strconv.FormatUint(seq, 10)
	}
	if _, err := b.JS.PublishMsg(ctx, out, jetstream.WithMsgID(id)); err != nil {
		return fmt.Errorf("dead-letter to %s: %w", out.Subject, err)
	}
	return nil
}

// deadLetterExhausted dead-letters the messages of a consumer that ran out of deliveries
// without ever failing in a handler: each delivery timed out because the handler hung or
// its process died (a message that crashes the service). The server announces each one
// with a max-deliveries advisory.
func (b *Bus) deadLetterExhausted(stream, consumer string, log *slog.Logger) (unsubscribe func(), err error) {
	subject := "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + stream + "." + consumer
	sub, err := b.NC.Subscribe(subject, func(m *nats.Msg) {
		var adv struct {
			StreamSeq  uint64 `json:"stream_seq"`
			Deliveries uint64 `json:"deliveries"`
		}
		if err := json.Unmarshal(m.Data, &adv); err != nil {
			log.Warn("unreadable max-deliveries advisory", "consumer", consumer, "err", err)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err := b.deadLetterSeq(ctx, stream, consumer, adv.StreamSeq, adv.Deliveries)
		if err != nil {
			log.Error("message ran out of deliveries but could not be dead-lettered", "consumer", consumer, "stream_seq", adv.StreamSeq, "err", err)
			return
		}
		log.Error("message ran out of deliveries without an ack; dead-lettered", "consumer", consumer, "stream_seq", adv.StreamSeq, "attempt", adv.Deliveries)
	})
	if err != nil {
		return nil, fmt.Errorf("subscribe to %s: %w", subject, err)
	}
	return func() { _ = sub.Unsubscribe() }, nil
}

func (b *Bus) deadLetterSeq(ctx context.Context, stream, consumer string, seq, deliveries uint64) error {
	s, err := b.JS.Stream(ctx, stream)
	if err != nil {
		return fmt.Errorf("open %s: %w", stream, err)
	}
	raw, err := s.GetMsg(ctx, seq)
	if err != nil {
		return fmt.Errorf("read %s #%d: %w", stream, seq, err)
	}
	reason := fmt.Sprintf("delivered %d times without an ack: the handler hung or its process died each time", deliveries)
	return b.deadLetterRaw(ctx, consumer, stream, seq, raw.Subject, raw.Data, raw.Header, deliveries, reason)
}
