package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// A parley_deliveries record under "<subscription>.<alert id>" says the alert was delivered
// (the time, RFC 3339) or is being sent right now ("sending " and until when). The claim
// makes sure that of two replicas holding copies of one alert (a redelivery, a re-published
// copy) only one sends it; a claim whose holder died lapses at its deadline.
const sendingPrefix = "sending "

// sendingError is returned while another replica holds the claim; the alert is tried again
// once the claim ends, and then found delivered (or the claim lapsed: its holder died).
type sendingError struct{ until time.Time }

func (e *sendingError) Error() string {
	return "another replica is sending this alert (claim until " + e.until.Format(time.RFC3339) + ")"
}

// claimDelivery takes the record key for a send lasting at most hold. delivered is true
// when the alert already went out; otherwise rev is the claim's revision, for release or
// recordDelivered.
func claimDelivery(ctx context.Context, kv jetstream.KeyValue, key string, hold time.Duration) (delivered bool, rev uint64, err error) {
	claim := []byte(sendingPrefix + time.Now().Add(hold).UTC().Format(time.RFC3339Nano))
	e, err := kv.Get(ctx, key)
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
		rev, err = kv.Create(ctx, key, claim)
	case err != nil:
		return false, 0, fmt.Errorf("read delivery record %s: %w", key, err)
	case !strings.HasPrefix(string(e.Value()), sendingPrefix):
		return true, 0, nil
	default:
		until, perr := time.Parse(time.RFC3339Nano, strings.TrimPrefix(string(e.Value()), sendingPrefix))
		if perr == nil && time.Now().Before(until) {
			return false, 0, &sendingError{until: until}
		}
		rev, err = kv.Update(ctx, key, claim, e.Revision()) // the holder died: take over
	}
	if errors.Is(err, jetstream.ErrKeyExists) {
		return false, 0, &sendingError{until: time.Now().Add(hold)} // claimed by another just now
	}
	if err != nil {
		return false, 0, fmt.Errorf("claim delivery %s: %w", key, err)
	}
	return false, rev, nil
}

// recordDelivered turns the claim into the delivery record, for ever.
func recordDelivered(ctx context.Context, kv jetstream.KeyValue, key string) error {
	_, err := kv.Put(ctx, key, []byte(time.Now().UTC().Format(time.RFC3339Nano)))
	return err
}

// releaseClaim gives the claim up after a failed send, so the retry need not wait for it to
// lapse; it leaves a record that changed meanwhile alone.
func releaseClaim(ctx context.Context, kv jetstream.KeyValue, key string, rev uint64) {
	_ = kv.Delete(ctx, key, jetstream.LastRevision(rev))
}
