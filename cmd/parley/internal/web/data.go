package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"

	"github.com/parleyhq/parley/platform/bus"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
)

// maxAlertsRead bounds one page's read of the alerts stream: the stream keeps 30 days, a
// deployment raises a few alerts a day, and a page must not stall on an unexpected flood.
const maxAlertsRead = 5000

// alertsByRound reads the alerts stream and groups the alerts by round id, oldest first.
// Alerts are the only record of how a round's status moved, so they are its history.
func alertsByRound(ctx context.Context, js jetstream.JetStream) (map[string][]*parleyv1.Alert, error) {
	s, err := js.Stream(ctx, bus.StreamAlerts)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", bus.StreamAlerts, err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", bus.StreamAlerts, err)
	}
	out := map[string][]*parleyv1.Alert{}
	if info.State.Msgs == 0 {
		return out, nil
	}
	first := info.State.FirstSeq
	if info.State.LastSeq >= maxAlertsRead && info.State.LastSeq-maxAlertsRead+1 > first {
		first = info.State.LastSeq - maxAlertsRead + 1
	}
	for seq := first; seq <= info.State.LastSeq; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s #%d: %w", bus.StreamAlerts, seq, err)
		}
		var a parleyv1.Alert
		if err := proto.Unmarshal(m.Data, &a); err != nil {
			continue // not ours to judge here; notify's consumers report it
		}
		id := a.GetRound().GetId()
		out[id] = append(out[id], &a)
	}
	return out, nil
}

// consumerLag is one durable consumer's backlog.
type consumerLag struct {
	Stream, Name        string
	Pending, AckPending uint64
	Redelivered         int
	LastActive          time.Time
}

// consumers lists the durable consumers of Parley's streams with their backlog.
func consumers(ctx context.Context, js jetstream.JetStream) ([]consumerLag, error) {
	var out []consumerLag
	for _, name := range []string{bus.StreamItems, bus.StreamEvents, bus.StreamAlerts, bus.StreamDLQ} {
		s, err := js.Stream(ctx, name)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", name, err)
		}
		l := s.ListConsumers(ctx)
		for ci := range l.Info() {
			if ci.Config.Durable == "" {
				continue
			}
			c := consumerLag{Stream: name, Name: ci.Name, Pending: ci.NumPending,
				AckPending: uint64(ci.NumAckPending), Redelivered: ci.NumRedelivered}
			if ci.AckFloor.Last != nil {
				c.LastActive = *ci.AckFloor.Last
			}
			out = append(out, c)
		}
		if err := l.Err(); err != nil {
			return nil, fmt.Errorf("list consumers of %s: %w", name, err)
		}
	}
	slices.SortFunc(out, func(a, b consumerLag) int {
		return cmp.Or(strings.Compare(a.Stream, b.Stream), strings.Compare(a.Name, b.Name))
	})
	return out, nil
}
