package parse_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/bustest"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/parse"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

const meetingHTML = `<p>GENEVA, Feb 17 (Newswire) - Negotiators from Russia, Ukraine and the United States began two days of talks in Geneva on Tuesday, with Vladimir Medinsky leading the Russian side and Rustem Umerov the Ukrainian one.</p>
<figure><figcaption>Delegates in Abu Dhabi last month.</figcaption></figure>
<p>The talks are due to end on Wednesday. Switzerland is hosting the meeting.</p>`

const strikeHTML = `<p>KYIV, Feb 17 (Newswire) - Russian drones hit power stations in three regions overnight, leaving thousands without heating, officials said.</p>`

func TestParsePublishesEventsAndRecordsEveryArticle(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := bustest.Start(t).Bus
	nc := b.NC
	events := make(chan *nats.Msg, 16)
	if _, err := nc.ChanSubscribe(bus.SubjectEvents+".>", events); err != nil {
		t.Fatal(err)
	}

	reg := prometheus.NewRegistry()
	done := make(chan error, 1)
	go func() { done <- parse.Run(ctx, parse.Config{Bus: b, Registerer: reg, Workers: 2}) }()

	published := timestamppb.New(time.Date(2026, 2, 17, 15, 0, 0, 0, time.UTC))
	items := []*parleyv1.FeedItem{
		{Id: "meeting", Url: "https://wire.example/geneva", Title: "Talks open in Geneva", Source: "Wire", Content: meetingHTML, Published: published},
		{Id: "strike", Url: "https://wire.example/strikes", Title: "Strikes hit power", Source: "Wire", Content: strikeHTML, Published: published},
	}
	hdr := nats.Header{}
	hdr.Set(bus.HeaderFetchedAt, time.Now().UTC().Format(time.RFC3339Nano))
	for _, it := range items {
		if _, err := b.Publish(ctx, bus.SubjectItems+".f1", it.Id, it, hdr); err != nil {
			t.Fatal(err)
		}
	}
	// Not a FeedItem: it must be dropped with an error, not retried for ever or block the rest.
	if _, err := b.JS.Publish(ctx, bus.SubjectItems+".f1", []byte{0xff, 0x01, 0x02}); err != nil {
		t.Fatal(err)
	}

	var ev parleyv1.NegotiationEvent
	select {
	case m := <-events:
		if err := proto.Unmarshal(m.Data, &ev); err != nil {
			t.Fatal(err)
		}
		if m.Subject != bus.SubjectEvents+".underway" {
			t.Errorf("subject %s, want %s.underway", m.Subject, bus.SubjectEvents)
		}
		if m.Header.Get(bus.HeaderFetchedAt) != hdr.Get(bus.HeaderFetchedAt) {
			t.Error("fetched-at header not carried on")
		}
		if m.Header.Get(nats.MsgIdHdr) != ev.GetId() {
			t.Errorf("Nats-Msg-Id %q, event id %q", m.Header.Get(nats.MsgIdHdr), ev.GetId())
		}
	case <-time.After(time.Minute):
		t.Fatal("no event published")
	}
	if got := strings.Join(ev.GetParties(), ","); got != "RU,UA,US" {
		t.Errorf("parties %s", got)
	}
	if ev.GetLocation().GetCity() != "Geneva" || ev.GetStartDate() != "2026-02-17" {
		t.Errorf("location %v start %s", ev.GetLocation(), ev.GetStartDate())
	}
	if ev.GetArticle().GetUrl() != "https://wire.example/geneva" {
		t.Errorf("article %v", ev.GetArticle())
	}

	kv, err := b.JS.KeyValue(ctx, parse.BucketArticles)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		m, merr := kv.Get(ctx, "meeting")
		s, serr := kv.Get(ctx, "strike")
		if merr == nil && serr == nil {
			var mo, so parse.Outcome
			if err := json.Unmarshal(m.Value(), &mo); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(s.Value(), &so); err != nil {
				t.Fatal(err)
			}
			if len(mo.EventIDs) == 0 || len(so.EventIDs) != 0 {
				t.Errorf("outcomes: meeting %v, strike %v", mo.EventIDs, so.EventIDs)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("article outcomes not recorded")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for articles(t, reg, "error") < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the malformed item was not counted as an error")
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case m := <-events:
		t.Errorf("unexpected event on %s", m.Subject)
	default:
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run after cancel: %v", err)
	}
}

// articles reads parley_parse_articles_total{result} from reg.
func articles(t *testing.T, reg *prometheus.Registry, result string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "parley_parse_articles_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "result" && l.GetValue() == result {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}
