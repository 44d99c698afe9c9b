package bus_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/natsembed"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
)

// waitFor polls cond until it holds or a minute has passed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startServer(t *testing.T, dir, addr string) *server.Server {
	t.Helper()
	srv, err := natsembed.Start(natsembed.Config{StoreDir: dir, Listen: addr}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	return srv
}

// A NATS restart loses a memory bucket; the Bus that opened it re-creates it, and /readyz
// (Ready) says so while it is missing.
func TestKeptBucketComesBackAfterRestart(t *testing.T) {
	dir, addr := t.TempDir(), freeAddr(t)
	srv := startServer(t, dir, addr)
	ctx := context.Background()
	nc, err := bus.Connect(ctx, srv.ClientURL(), t.Name(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	b, err := bus.New(nc, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.EnsureStreams(ctx); err != nil {
		t.Fatal(err)
	}
	kv, err := b.KeepBucket(ctx, jetstream.KeyValueConfig{Bucket: "soft", Storage: jetstream.MemoryStorage})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.PutString(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	srv.Shutdown()
	srv.WaitForShutdown()
	waitFor(t, "not ready while NATS is down", func() bool { return b.Ready(ctx) != nil })
	startServer(t, dir, addr)
	waitFor(t, "the old handle to write to the re-created bucket", func() bool {
		_, err := kv.PutString(ctx, "k", "again")
		return err == nil
	})
	waitFor(t, "ready", func() bool { return b.Ready(ctx) == nil })

	// Deleted under it (an operator's mistake): not ready until it is back.
	if err := b.JS.DeleteKeyValue(ctx, "soft"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the deleted bucket to be back", func() bool {
		_, err := b.JS.KeyValue(ctx, "soft")
		return err == nil
	})
}

// A consumer deleted under a running loop is re-created and the loop goes on; without a
// Bus to re-create it, the loop ends with an error instead of returning nil.
func TestConsumeSurvivesDeletedConsumer(t *testing.T) {
	b := newBus(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := jetstream.ConsumerConfig{Durable: "del", FilterSubject: bus.SubjectItems + ".>"}
	cons, err := b.Durable(ctx, bus.StreamItems, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var handled atomic.Int32
	h := func(context.Context, jetstream.Msg) error { handled.Add(1); return nil }
	errc := make(chan error, 1)
	go func() { errc <- bus.Consume(ctx, cons, h, bus.ConsumeOptions{Name: "del", Bus: b}) }()
	publish := func(id string) {
		if _, err := b.Publish(ctx, bus.SubjectItems+".f", id, &parleyv1.FeedItem{Id: id}, nil); err != nil {
			t.Fatal(err)
		}
	}
	publish("one")
	waitFor(t, "the first message", func() bool { return handled.Load() == 1 })
	if err := b.JS.DeleteConsumer(ctx, bus.StreamItems, "del"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the consumer to be re-created", func() bool {
		_, err := b.JS.Consumer(ctx, bus.StreamItems, "del")
		return err == nil
	})
	publish("two")
	// Re-created with DeliverAll, it sees "one" again; handlers are idempotent by design.
	waitFor(t, "a message after the re-creation", func() bool { return handled.Load() >= 2 })
	waitFor(t, "ready", func() bool { return b.Ready(ctx) == nil })
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Consume returned %v on cancel", err)
	}

	// Without a Bus: an error, not a silent stop.
	cfg.Durable = "del2"
	cons, err = b.Durable(context.Background(), bus.StreamItems, cfg)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		errc <- bus.Consume(context.Background(), cons, h, bus.ConsumeOptions{Name: "del"})
	}()
	waitFor(t, "the loop to pull", func() bool {
		ci, err := cons.Info(context.Background())
		return err == nil && ci.NumWaiting > 0
	})
	if err := b.JS.DeleteConsumer(context.Background(), bus.StreamItems, "del2"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, bus.ErrConsumeEnded) {
			t.Fatalf("Consume returned %v, want ErrConsumeEnded", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Consume kept running without its consumer")
	}
}

// A message that fails on every delivery is dead-lettered with the reason once MaxDeliver
// is reached, instead of being retried for ever.
func TestPoisonMessageIsDeadLettered(t *testing.T) {
	b := newBus(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cons, err := b.Durable(ctx, bus.StreamItems, jetstream.ConsumerConfig{
		Durable: "poison", FilterSubject: bus.SubjectItems + ".>", MaxDeliver: 3,
	})
	if err != nil {
		t.Fatal(err)
	}
	if ci := cons.CachedInfo(); len(ci.Config.BackOff) == 0 {
		t.Error("consumer has no BackOff")
	}
	var tries atomic.Int32
	h := func(context.Context, jetstream.Msg) error { tries.Add(1); return errors.New("cannot read it") }
	go func() {
		_ = bus.Consume(ctx, cons, h, bus.ConsumeOptions{Name: "poison", Bus: b, Backoff: bus.ExpBackoff(time.Millisecond, time.Millisecond)})
	}()
	if _, err := b.Publish(ctx, bus.SubjectItems+".f", "bad", &parleyv1.FeedItem{Id: "bad"}, nil); err != nil {
		t.Fatal(err)
	}
	dlq, err := b.JS.Stream(ctx, bus.StreamDLQ)
	if err != nil {
		t.Fatal(err)
	}
	var m *jetstream.RawStreamMsg
	waitFor(t, "the dead letter", func() bool {
		m, err = dlq.GetLastMsgForSubject(ctx, bus.SubjectDLQ+"."+bus.DLQStagePrefix+".poison")
		return err == nil
	})
	if got := m.Header.Get(bus.HeaderDLQReason); !strings.Contains(got, "cannot read it") {
		t.Errorf("reason %q", got)
	}
	if got := m.Header.Get(bus.HeaderDLQAttempts); got != "3" {
		t.Errorf("attempts %q, want 3", got)
	}
	if got := m.Header.Get(bus.HeaderDLQStream); got != bus.StreamItems {
		t.Errorf("stream %q", got)
	}
	waitFor(t, "nothing pending", func() bool {
		ci, err := cons.Info(ctx)
		return err == nil && ci.NumAckPending == 0 && ci.NumRedelivered == 0
	})
	if n := tries.Load(); n != 3 {
		t.Errorf("handled %d times, want 3", n)
	}
}

// A message whose deliveries all time out (a process that dies on it each time never gets
// to fail) is dead-lettered when the server gives up on it.
func TestExhaustedWithoutAckIsDeadLettered(t *testing.T) {
	b := newBus(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cons, err := b.Durable(ctx, bus.StreamItems, jetstream.ConsumerConfig{
		Durable: "crash", FilterSubject: bus.SubjectItems + ".>", AckWait: time.Second, MaxDeliver: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Publish(ctx, bus.SubjectItems+".f", "crash", &parleyv1.FeedItem{Id: "crash"}, nil); err != nil {
		t.Fatal(err)
	}
	// Two processes take the message and die before acking it.
	for i := range 2 {
		batch, err := cons.Fetch(1, jetstream.FetchMaxWait(30*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for range batch.Messages() {
			n++
		}
		if n != 1 {
			t.Fatalf("fetch %d: %d messages (%v)", i, n, batch.Error())
		}
	}
	// A live replica hears the server give up.
	go func() {
		_ = bus.Consume(ctx, cons, func(context.Context, jetstream.Msg) error { return nil }, bus.ConsumeOptions{Name: "crash", Bus: b})
	}()
	dlq, err := b.JS.Stream(ctx, bus.StreamDLQ)
	if err != nil {
		t.Fatal(err)
	}
	var m *jetstream.RawStreamMsg
	waitFor(t, "the dead letter", func() bool {
		m, err = dlq.GetLastMsgForSubject(ctx, bus.SubjectDLQ+"."+bus.DLQStagePrefix+".crash")
		return err == nil
	})
	if got := m.Header.Get(bus.HeaderDLQReason); !strings.Contains(got, "without an ack") {
		t.Errorf("reason %q", got)
	}
}
