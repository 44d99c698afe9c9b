package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

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
	// Workers handle messages concurrently; 1 keeps the stream's order.
	Workers int
	// Backoff returns the redelivery delay after a failed attempt (attempt counts from 1).
	Backoff func(attempt uint64) time.Duration
	// StopTimeout bounds how long in-flight work may run after ctx is cancelled.
	StopTimeout time.Duration
	Logger      *slog.Logger
	Name        string
}

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

// Consume pulls from c and runs h until ctx is cancelled. On cancel it stops pulling, lets
// in-flight messages finish (their context is not cancelled, only bounded by StopTimeout) and
// returns nil; unprocessed buffered messages are redelivered by the server later.
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
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	it, err := c.Messages(jetstream.PullMaxMessages(max(2*o.Workers, 16)))
	if err != nil {
		return fmt.Errorf("consume %s: %w", o.Name, err)
	}
	// Work contexts outlive ctx so that a SIGTERM lets in-flight messages publish and ack.
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	stopped := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			it.Stop()
			time.AfterFunc(o.StopTimeout, cancelWork)
		case <-stopped:
		}
	}()
	defer close(stopped)

	var wg sync.WaitGroup
	for range o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				msg, err := it.Next()
				if err != nil {
					if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
						return
					}
					if ctx.Err() != nil {
						return
					}
					log.Warn("pull failed", "consumer", o.Name, "err", err)
					continue
				}
				handleOne(workCtx, msg, h, o, log)
			}
		}()
	}
	wg.Wait()
	return nil
}

func handleOne(ctx context.Context, msg jetstream.Msg, h Handler, o ConsumeOptions, log *slog.Logger) {
	err := h(ctx, msg)
	switch {
	case err == nil:
		if err := msg.Ack(); err != nil {
			log.Warn("ack failed; the message will be redelivered and deduplicated", "consumer", o.Name, "subject", msg.Subject(), "err", err)
		}
	case IsPermanent(err):
		log.Error("dropping message that cannot be processed", "consumer", o.Name, "subject", msg.Subject(), "err", err)
		_ = msg.Term()
	default:
		attempt := uint64(1)
		if md, mdErr := msg.Metadata(); mdErr == nil {
			attempt = md.NumDelivered
		}
		delay := o.Backoff(attempt)
		log.Warn("message failed; retrying", "consumer", o.Name, "subject", msg.Subject(), "attempt", attempt, "retry_in", delay, "err", err)
		_ = msg.NakWithDelay(delay)
	}
}

// CleanStop is what a service's Run returns for err: nil once ctx is cancelled, since a
// failure during a requested stop (a bucket lookup cut short while starting up) is no failure.
func CleanStop(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return nil
	}
	return err
}
