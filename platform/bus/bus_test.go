package bus_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/bustest"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"google.golang.org/protobuf/proto"
)

func newBus(t *testing.T) *bus.Bus {
	t.Helper()
	b := bustest.Start(t).Bus
	// Idempotent: a second service starting creates nothing new and fails on nothing.
	if err := b.EnsureStreams(context.Background()); err != nil {
		t.Fatalf("second EnsureStreams: %v", err)
	}
	return b
}

func TestPublishSameMsgIDIsStoredOnce(t *testing.T) {
	b := newBus(t)
	ctx := context.Background()
	item := &parleyv1.FeedItem{Id: "item-1", Title: "talks"}
	first, err := b.Publish(ctx, bus.SubjectItems+".f1", item.Id, item, nil)
	if err != nil {
		t.Fatal(err)
	}
	again, err := b.Publish(ctx, bus.SubjectItems+".f1", item.Id, item, nil)
	if err != nil {
		t.Fatal(err)
	}
	if first.Duplicate || !again.Duplicate {
		t.Errorf("duplicate flags: first %v, again %v", first.Duplicate, again.Duplicate)
	}
	info, err := b.JS.Stream(ctx, bus.StreamItems)
	if err != nil {
		t.Fatal(err)
	}
	st, err := info.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.State.Msgs != 1 {
		t.Errorf("stream holds %d messages, want 1", st.State.Msgs)
	}
}

func TestConsumeRetriesThenAcks(t *testing.T) {
	b := newBus(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i, id := range []string{"a", "b", "poison"} {
		var data proto.Message = &parleyv1.FeedItem{Id: id}
		if _, err := b.Publish(ctx, bus.SubjectItems+".f", id, data, nil); err != nil {
			t.Fatal(i, err)
		}
	}
	cons, err := b.Durable(ctx, bus.StreamItems, jetstream.ConsumerConfig{Durable: "t", FilterSubject: bus.SubjectItems + ".>"})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	attempts := map[string]int{}
	var done atomic.Int32
	h := func(_ context.Context, m jetstream.Msg) error {
		it := &parleyv1.FeedItem{}
		if err := proto.Unmarshal(m.Data(), it); err != nil {
			return bus.Permanent(err)
		}
		mu.Lock()
		attempts[it.Id]++
		n := attempts[it.Id]
		mu.Unlock()
		switch {
		case it.Id == "poison":
			return bus.Permanent(errors.New("never works"))
		case it.Id == "a" && n < 3:
			return errors.New("not yet")
		}
		done.Add(1)
		return nil
	}
	errc := make(chan error, 1)
	go func() {
		errc <- bus.Consume(ctx, cons, h, bus.ConsumeOptions{Workers: 2, Backoff: bus.ExpBackoff(10*time.Millisecond, 50*time.Millisecond), Name: "t"})
	}()
	deadline := time.Now().Add(time.Minute)
	for done.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("messages not processed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Everything acked or terminated: nothing pending on the consumer.
	for {
		ci, err := cons.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ci.NumAckPending == 0 && ci.NumPending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("consumer still has %d pending acks", ci.NumAckPending)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Consume returned %v on cancel", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if attempts["a"] != 3 || attempts["b"] != 1 || attempts["poison"] != 1 {
		t.Errorf("attempts = %v, want a:3 b:1 poison:1", attempts)
	}
}
