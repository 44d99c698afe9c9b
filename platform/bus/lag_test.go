package bus_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/parleyhq/parley/platform/bus"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
)

func TestLagCollectorReportsBacklog(t *testing.T) {
	b := newBus(t)
	ctx := context.Background()
	cons, err := b.Durable(ctx, bus.StreamItems, jetstream.ConsumerConfig{Durable: "parse"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		id := fmt.Sprintf("item-%d", i)
		if _, err := b.Publish(ctx, bus.SubjectItems+".f1", id, &parleyv1.FeedItem{Id: id}, nil); err != nil {
			t.Fatal(err)
		}
	}
	// Take two without acking: they move from pending to ack pending.
	batch, err := cons.FetchNoWait(2)
	if err != nil {
		t.Fatal(err)
	}
	var got int
	for range batch.Messages() {
		got++
	}
	if got != 2 {
		t.Fatalf("fetched %d messages, want 2", got)
	}

	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(bus.NewLagCollector(b.JS, nil, bus.StreamItems, "NO_SUCH_STREAM"))
	want := `
# HELP parley_consumer_ack_pending_messages Messages delivered to the consumer and not yet acknowledged.
# TYPE parley_consumer_ack_pending_messages gauge
parley_consumer_ack_pending_messages{consumer="parse",stream="PARLEY_ITEMS"} 2
# HELP parley_consumer_lag_up 1 if the last scrape read the stream's state from JetStream, else 0.
# TYPE parley_consumer_lag_up gauge
parley_consumer_lag_up{stream="NO_SUCH_STREAM"} 0
parley_consumer_lag_up{stream="PARLEY_ITEMS"} 1
# HELP parley_consumer_pending_messages Messages in the stream not yet delivered to the consumer.
# TYPE parley_consumer_pending_messages gauge
parley_consumer_pending_messages{consumer="parse",stream="PARLEY_ITEMS"} 3
# HELP parley_stream_messages Messages stored in the stream.
# TYPE parley_stream_messages gauge
parley_stream_messages{stream="PARLEY_ITEMS"} 5
`
	names := []string{"parley_consumer_ack_pending_messages", "parley_consumer_lag_up",
		"parley_consumer_pending_messages", "parley_stream_messages"}
	// The server updates ack-pending counts asynchronously to the fetch; poll briefly.
	deadline := time.Now().Add(time.Minute)
	for {
		err = testutil.GatherAndCompare(reg, strings.NewReader(want), names...)
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Error(err)
	}
}
