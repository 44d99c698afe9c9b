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
	"github.com/parleyhq/parley/services/notify/roundstore"
)

// maxConflicts bounds compare-and-set retries within one delivery; past it the event is
// redelivered later rather than spinning against a busy replica.
const maxConflicts = 32

// folder folds events into the rounds store and publishes the alerts that calls for.
type folder struct {
	bus     *bus.Bus
	store   *roundstore.Store
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
	if len(ev.Parties) == 0 {
		// Without parties there is nothing to tell one meeting from another by.
		f.log.Info("event names no parties; not folded", "event_id", ev.ID, "url", ev.Article.URL)
		return nil
	}
	hdr := nats.Header{}
	if v := msg.Headers().Get(bus.HeaderFetchedAt); v != "" {
		hdr.Set(bus.HeaderFetchedAt, v)
	}
	res, err := f.fold(ctx, ev)
	if err != nil {
		return err
	}
	if res.Index < 0 {
		f.log.Debug("mention in passing matches no round; not folded", "event_id", ev.ID, "url", ev.Article.URL)
		return nil
	}
	if !res.Replay {
		f.log.Debug("event folded", "event_id", ev.ID, "round_id", res.RoundID, "created", res.Created)
	}
	// Only an alert that was stored but never known to be out is sent again: in normal
	// operation every alert is published exactly once.
	for _, a := range []*round.Alert{res.Pending, res.Alert} {
		if a == nil {
			continue
		}
		if err := f.publish(ctx, *a, hdr); err != nil {
			return err
		}
	}
	if res.Alert != nil {
		if err := f.store.MarkPublished(ctx, res.RoundID, res.Alert.ID); err != nil {
			// Harmless: the alert would be re-sent under its id once, which the stream drops.
			f.log.Warn("could not note alert as published", "alert_id", res.Alert.ID, "err", err)
		}
	}
	return nil
}

// fold applies ev to the rounds it may report, with compare-and-set on the round (and, for a
// new round, on the index months it was looked for in), so replicas folding events of one
// meeting never lose each other's writes or create it twice.
func (f *folder) fold(ctx context.Context, ev round.Event) (round.Result, error) {
	if res, ok, err := f.replay(ctx, ev); err != nil || ok {
		return res, err
	}
	for range maxConflicts {
		now := time.Now()
		c, err := f.store.Candidates(ctx, ev, now)
		if err != nil {
			return round.Result{}, err
		}
		var set round.Set
		for _, e := range c.Entries {
			set.Rounds = append(set.Rounds, e.State)
		}
		res := f.policy.Fold(&set, ev, now)
		if res.Index < 0 || res.Replay {
			return res, nil
		}
		var rev uint64
		var was *round.State
		if !res.Created {
			rev, was = c.Entries[res.Index].Rev, &c.Entries[res.Index].State
		}
		_, err = f.store.Save(ctx, set.Rounds[res.Index], rev, was, c)
		if errors.Is(err, roundstore.ErrConflict) {
			f.log.Debug("rounds changed under us; folding again", "event_id", ev.ID)
			continue
		}
		if err != nil {
			return round.Result{}, err
		}
		if err := f.store.MarkEvent(ctx, ev.ID, res.RoundID); err != nil {
			return round.Result{}, err
		}
		return res, nil
	}
	return round.Result{}, fmt.Errorf("fold event %s: still conflicting after %d attempts", ev.ID, maxConflicts)
}

// replay handles an event folded before: it changes nothing, and the round's last alert goes
// out again only if it was never known to be published.
func (f *folder) replay(ctx context.Context, ev round.Event) (round.Result, bool, error) {
	id, err := f.store.EventRound(ctx, ev.ID)
	if err != nil || id == "" {
		return round.Result{}, false, err
	}
	e, err := f.store.Load(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return round.Result{}, false, nil
	}
	if err != nil {
		return round.Result{}, false, err
	}
	res := round.Result{Index: 0, RoundID: id, Replay: true}
	if !e.State.Published && e.State.LastAlert != nil {
		a := *e.State.LastAlert
		res.Alert = &a
	}
	return res, true, nil
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
