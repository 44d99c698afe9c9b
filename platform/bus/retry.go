package bus

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// jsClusterNotAvailable is JetStream's "system temporarily unavailable": no meta leader yet,
// as while a cluster starts or a node restarts.
const jsClusterNotAvailable jetstream.ErrorCode = 10008

// createAttempts bounds how often a create is tried.
const createAttempts = 8

// retryCreate runs create until it succeeds, fails for a reason that is not transient, or
// createAttempts have failed. On a clustered JetStream, replicas that start together race
// to create the same stream, bucket or consumer; the meta leader settles that, but the
// requests that lose get no answer and time out. Jitter keeps them from colliding again.
func retryCreate[T any](ctx context.Context, create func(context.Context) (T, error)) (T, error) {
	return retryCreateFrom(ctx, 100*time.Millisecond, create)
}

// retryCreateFrom is retryCreate with the first back-off given; it doubles up to 20 times that.
func retryCreateFrom[T any](ctx context.Context, base time.Duration, create func(context.Context) (T, error)) (T, error) {
	delay := base
	for attempt := 1; ; attempt++ {
		v, err := create(ctx)
		if err == nil || attempt == createAttempts || ctx.Err() != nil || !transient(err) {
			return v, err
		}
		select {
		case <-ctx.Done():
			return v, err
		case <-time.After(delay + rand.N(delay)):
		}
		delay = min(2*delay, 20*base)
	}
}

// transient reports whether err is one a clustered JetStream gives while it settles: a
// request that got no answer in time, no server answering the API yet, or no meta leader.
func transient(err error) bool {
	var apiErr *jetstream.APIError
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout) ||
		errors.Is(err, nats.ErrNoResponders) ||
		errors.As(err, &apiErr) && apiErr.ErrorCode == jsClusterNotAvailable
}
