package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"

	"github.com/parleyhq/parley/platform/bus"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/notify/round"
)

// maxConflicts bounds compare-and-set retries on one key within one delivery; past it the
// event is redelivered later rather than spinning against a busy replica.
const maxConflicts = 32

// folder folds events into the rounds bucket and publishes the alerts that calls for.
type folder struct {
	bus     *bus.Bus
	kv      jetstream.KeyValue
	policy  round.Policy
	metrics *metrics
	log     *slog.Logger
}

func (f *folder) handle(ctx context.Context, msg jetstream.Msg) error {
	var pe parleyv1.NegotiationEvent
	if err := proto.Unmarshal(msg.Data(), &pe); err != nil {
		return bus.Permanent(fmt.Errorf("decode NegotiationEvent: %w", err))
	}
	if pe.GetId() == "" {
		return bus.Permanent(errors.New("NegotiationEvent without id"))
	}
	ev := eventFromProto(&pe)
	key := round.Key(ev.Parties)
	if key == "" {
		// Without parties there is nothing to tell one meeting from another by.
		f.log.Info("event names no parties; not folded", "event_id", ev.ID, "url", ev.Article.URL)
		return nil
	}
	res, err := f.fold(ctx, key, ev)
	if err != nil {
		return err
	}
	if res.Alert == nil {
		if res.Index < 0 {
			f.log.Debug("undated mention in passing matches no round; not folded", "event_id", ev.ID, "url", ev.Article.URL)
			return nil
		}
		if !res.Replay {
			f.log.Debug("event folded", "event_id", ev.ID, "round_id", res.RoundID, "created", res.Created)
		}
		return nil
	}
	hdr := nats.Header{}
	if v := msg.Headers().Get(bus.HeaderFetchedAt); v != "" {
		hdr.Set(bus.HeaderFetchedAt, v)
	}
	// The superseded alert may never have gone out if a crash hit between its store and its
	// publish and this event overtook the redelivery. Inside the duplicate window the server
	// drops it if it did go out; past that window it surely did.
	if prev := res.Previous; prev != nil && time.Since(prev.CreatedAt) < bus.DefaultDuplicateWindow/2 {
		if err := f.publish(ctx, *prev, hdr); err != nil {
			return err
		}
	}
	if err := f.publish(ctx, *res.Alert, hdr); err != nil {
		return err
	}
	return nil
}

// fold applies ev to the set under key with compare-and-set, so two replicas folding events
// of one set never lose each other's writes or create one round twice.
func (f *folder) fold(ctx context.Context, key string, ev round.Event) (round.Result, error) {
	for range maxConflicts {
		var (
			set round.Set
			rev uint64
		)
		entry, err := f.kv.Get(ctx, key)
		switch {
		case errors.Is(err, jetstream.ErrKeyNotFound):
		case err != nil:
			return round.Result{}, fmt.Errorf("read rounds %s: %w", key, err)
		default:
			var ps parleyv1.RoundSet
			if err := proto.Unmarshal(entry.Value(), &ps); err != nil {
				// A corrupt set would block every event of these parties; that needs a person.
				return round.Result{}, fmt.Errorf("decode rounds %s (revision %d): %w", key, entry.Revision(), err)
			}
			set, rev = setFromProto(&ps), entry.Revision()
		}
		res := f.policy.Fold(&set, ev, time.Now())
		if !res.Changed {
			return res, nil
		}
		data, err := proto.Marshal(setToProto(set))
		if err != nil {
			return round.Result{}, bus.Permanent(fmt.Errorf("encode rounds %s: %w", key, err))
		}
		if rev == 0 {
			_, err = f.kv.Create(ctx, key, data)
		} else {
			_, err = f.kv.Update(ctx, key, data, rev)
		}
		if err == nil {
			return res, nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			return round.Result{}, fmt.Errorf("write rounds %s: %w", key, err)
		}
		f.log.Debug("rounds changed under us; folding again", "key", key, "event_id", ev.ID)
	}
	return round.Result{}, fmt.Errorf("write rounds %s: still conflicting after %d attempts", key, maxConflicts)
}

func (f *folder) publish(ctx context.Context, a round.Alert, hdr nats.Header) error {
	subject := bus.SubjectAlerts + "." + string(a.Kind)
	ack, err := f.bus.Publish(ctx, subject, a.ID, alertToProto(a), hdr)
	if err != nil {
		return err
	}
	if ack.Duplicate {
		return nil
	}
	f.metrics.alerts.WithLabelValues(string(a.Kind)).Inc()
	f.log.Info("alert published", "alert_id", a.ID, "kind", a.Kind, "round_id", a.Round.ID,
		"change", a.Change, "headline", a.Headline)
	return nil
}
