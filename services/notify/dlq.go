package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"

	"github.com/parleyhq/parley/platform/bus"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/notify/deliver"
	"github.com/parleyhq/parley/services/notify/round"
)

// DeadLetter is an alert that one subscription never accepted.
type DeadLetter struct {
	// Seq is its sequence in PARLEY_DLQ.
	Seq          uint64
	Subscription string
	Alert        *parleyv1.Alert
	Attempts     int
	LastError    string
	Time         time.Time
}

// DeadLetters lists PARLEY_DLQ, oldest first.
func DeadLetters(ctx context.Context, b *bus.Bus) ([]DeadLetter, error) {
	stream, err := b.JS.Stream(ctx, bus.StreamDLQ)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, nil // notify never ran here: nothing was dead-lettered
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", bus.StreamDLQ, err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", bus.StreamDLQ, err)
	}
	var out []DeadLetter
	if info.State.Msgs == 0 {
		return nil, nil
	}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		m, err := stream.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue // replayed and removed
		}
		if err != nil {
			return nil, fmt.Errorf("read %s #%d: %w", bus.StreamDLQ, seq, err)
		}
		if m.Header.Get(bus.HeaderDLQConsumer) != "" {
			continue // a stage's message (parley.dlq._stage.*), not an alert: nothing to resend
		}
		var a parleyv1.Alert
		if err := proto.Unmarshal(m.Data, &a); err != nil {
			return nil, fmt.Errorf("%s #%d is not an Alert: %w", bus.StreamDLQ, seq, err)
		}
		attempts, _ := strconv.Atoi(m.Header.Get(headerAttempts))
		out = append(out, DeadLetter{
			Seq:          seq,
			Subscription: m.Header.Get(headerSubscription),
			Alert:        &a,
			Attempts:     attempts,
			LastError:    m.Header.Get(headerError),
			Time:         m.Time,
		})
	}
	return out, nil
}

// ReplayOptions choose dead letters to resend and how.
type ReplayOptions struct {
	Bus *bus.Bus
	// Subscription limits the replay to one subscription; empty means all.
	Subscription string
	// AlertIDs limits it to these alerts; empty means all.
	AlertIDs []string
	// Transport, Console and Timeout as in Config.
	Transport http.RoundTripper
	Console   io.Writer
	Timeout   time.Duration
	Logger    *slog.Logger
}

// Replayed is what became of one dead letter.
type Replayed struct {
	DeadLetter
	// Outcome: "delivered (<answer>)", "already delivered", or why it stays.
	Outcome string
	Err     error
}

// Replay resends the chosen dead letters to their subscriptions' current targets, through
// the same senders and delivery records as live delivery: one already recorded as delivered
// is not sent again. Each letter delivered (or found delivered) leaves the DLQ; one that
// fails again stays, with the error in its result.
func Replay(ctx context.Context, o ReplayOptions) ([]Replayed, error) {
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	letters, err := DeadLetters(ctx, o.Bus)
	if err != nil {
		return nil, err
	}
	reg, err := OpenRegistry(ctx, o.Bus)
	if err != nil {
		return nil, err
	}
	if len(letters) == 0 {
		return nil, nil
	}
	records, err := openDeliveries(ctx, o.Bus)
	if err != nil {
		return nil, err
	}
	stream, err := o.Bus.JS.Stream(ctx, bus.StreamDLQ)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", bus.StreamDLQ, err)
	}
	var console *deliver.Console
	if o.Console != nil {
		console = deliver.NewConsole(o.Console)
	}
	client := deliveryClient(o.Transport, o.Timeout)
	senders := map[string]*sender{}
	var out []Replayed
	for _, dl := range letters {
		if o.Subscription != "" && dl.Subscription != o.Subscription {
			continue
		}
		if len(o.AlertIDs) > 0 && !slices.Contains(o.AlertIDs, dl.Alert.GetId()) {
			continue
		}
		r := Replayed{DeadLetter: dl}
		r.Outcome, r.Err = replayOne(ctx, dl, reg, records, senders, console, client, o)
		if r.Err == nil {
			if err := stream.DeleteMsg(ctx, dl.Seq); err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
				r.Err = fmt.Errorf("%s, but not removed from %s: %w", r.Outcome, bus.StreamDLQ, err)
			}
		}
		if r.Err != nil {
			r.Outcome = r.Err.Error()
		}
		out = append(out, r)
	}
	return out, nil
}

func replayOne(ctx context.Context, dl DeadLetter, reg *Registry, records jetstream.KeyValue, senders map[string]*sender,
	console *deliver.Console, client *http.Client, o ReplayOptions) (string, error) {
	key := dl.Subscription + "." + dl.Alert.GetId()
	delivered, rev, err := claimDelivery(ctx, records, key, o.Timeout+5*time.Second)
	if err != nil {
		return "", err
	}
	if delivered {
		return "already delivered", nil
	}
	released := false
	defer func() {
		if !released {
			releaseClaim(ctx, records, key, rev)
		}
	}()
	snd := senders[dl.Subscription]
	if snd == nil {
		e, err := reg.Get(ctx, dl.Subscription)
		if err != nil {
			return "", err
		}
		if snd, err = newSender(e.Subscription, o.Timeout, console, client, o.Logger); err != nil {
			return "", fmt.Errorf("subscription %s: %w", dl.Subscription, err)
		}
		if snd.channel == channelConsole && console == nil {
			return "", fmt.Errorf("subscription %s prints on a running notify's console; replay it there", dl.Subscription)
		}
		senders[dl.Subscription] = snd
	}
	answer, err := snd.send(ctx, dl.Alert, alertFromProto(dl.Alert))
	if err != nil {
		return "", fmt.Errorf("send: %w", err)
	}
	released = true
	if err := recordDelivered(ctx, records, key); err != nil {
		return "", fmt.Errorf("delivered (%s) but not recorded: %w", answer, err)
	}
	return "delivered (" + answer + ")", nil
}

// TestOptions say how SendTest reaches the target.
type TestOptions struct {
	Transport http.RoundTripper
	Console   io.Writer
	Timeout   time.Duration
	Logger    *slog.Logger
}

// SendTest sends a sample alert to s right away, through the same sender as live delivery,
// and returns the target's answer. Nothing is recorded and nothing is retried.
func SendTest(ctx context.Context, s Subscription, o TestOptions) (string, error) {
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Console == nil {
		o.Console = io.Discard
	}
	snd, err := newSender(s, o.Timeout, deliver.NewConsole(o.Console), deliveryClient(o.Transport, o.Timeout), o.Logger)
	if err != nil {
		return "", err
	}
	a := SampleAlert(s.Name, time.Now())
	return snd.send(ctx, alertToProto(a), a)
}

// SampleAlert is an obviously marked test alert about a real past round.
func SampleAlert(sub string, now time.Time) round.Alert {
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	return round.Alert{
		ID:       fmt.Sprintf("test-%s-%d", sub, now.UnixNano()),
		Kind:     round.NewRound,
		Headline: "[test] Russia, Ukraine and US to hold talks in Abu Dhabi, Jan 23–24",
		Summary:  "This is a test alert from Parley for subscription " + sub + ": the first trilateral round, hosted by the UAE.",
		Round: round.Round{
			ID:        "test-round",
			Parties:   []string{"RU", "UA", "US"},
			Mediators: []string{"AE"},
			Location:  round.Location{City: "Abu Dhabi", Country: "AE"},
			Start:     day(23),
			End:       day(24),
			Precision: round.Day,
			Status:    round.Scheduled,
			Topics:    []string{"security_guarantees", "territory"},
			FirstSeen: now.UTC(),
			Sources:   []round.Article{{URL: "https://parley.example/test-alert", Title: "Parley test alert", Source: "Parley", Published: now.UTC()}},
		},
		CreatedAt: now.UTC(),
	}
}
