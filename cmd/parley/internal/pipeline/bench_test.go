package pipeline_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/parleyhq/parley/cmd/parley/internal/demo"
	"github.com/parleyhq/parley/cmd/parley/internal/pipeline"
	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/config"
	"github.com/parleyhq/parley/platform/natsembed"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
)

// benchRate is the item rate the latency goal is stated for (SPEC section 7).
const benchRate = 50

// paceFeed publishes stories at a fixed rate: story k appears at start + k/rate. Like a real
// feed it lists only the newest items.
type paceFeed struct {
	stories []demo.Story
	start   time.Time
	every   time.Duration
}

func (f *paceFeed) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	n := min(int(time.Since(f.start)/f.every)+1, len(f.stories))
	body, err := demo.RSS("Pace Wire", "https://pace.example", f.stories[max(0, n-30):n])
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	_, _ = w.Write(body)
}

// timedReceiver records when the alert about each article reached the webhook.
type timedReceiver struct {
	mu   sync.Mutex
	got  map[string]time.Time // article URL → received
	errs []string
}

func (r *timedReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	now := time.Now()
	a := &parleyv1.Alert{}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := protojson.Unmarshal(body, a); err != nil {
		r.errs = append(r.errs, err.Error())
		w.WriteHeader(http.StatusNoContent)
		return
	}
	for _, s := range a.GetRound().GetSources() {
		if _, ok := r.got[s.GetUrl()]; !ok {
			r.got[s.GetUrl()] = now
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func (r *timedReceiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

// benchStories are n articles each announcing a meeting of its own: four sets of parties in
// turn, a different date for each, so every one is a new round and yields one webhook.
func benchStories(n int) []demo.Story {
	parties := []string{"Russia, Ukraine and the United States", "Russia and the United States", "Ukraine and the United States", "Russia and Ukraine"}
	cities := []string{"Geneva", "Abu Dhabi", "Istanbul", "Riyadh", "Doha", "Vienna", "Jeddah", "Paris"}
	base := time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)
	out := make([]demo.Story, n)
	for k := range out {
		meet := base.AddDate(0, 0, 2*k+2)
		pub := meet.AddDate(0, 0, -2)
		city := cities[k%len(cities)]
		out[k] = demo.Story{
			Outlet:    "Pace Wire",
			Title:     fmt.Sprintf("Talks set in %s on %s", city, meet.Format("January 2")),
			Link:      fmt.Sprintf("https://pace.example/wire/%d", k),
			Published: pub,
			Body: fmt.Sprintf("Delegations from %s will hold talks in %s on %s, officials said on %s.\n\n"+
				"The talks are expected to cover a ceasefire and an exchange of prisoners.",
				parties[k%len(parties)], city, meet.Format("January 2"), pub.Format("Monday")),
		}
	}
	return out
}

// BenchmarkPipelineLatency drives the whole pipeline (embedded NATS, fetch, parse, notify,
// a webhook) at 50 items/s, one item per op, and reports the latency from an item fetched
// (its Parley-Fetched-At header) to its webhook received: p50-ms and p99-ms. The poll
// interval is not part of it. For a stable p99 run enough items:
//
//	go test -run '^$' -bench PipelineLatency -benchtime 500x -cpu 2 ./cmd/parley/internal/pipeline
//
// "fsync=always" is how Parley runs (every JetStream write synced, see README: Durability);
// "fsync=1s" is the same pipeline on a server that syncs once a second, to show how much of
// the latency is the disk.
func BenchmarkPipelineLatency(b *testing.B) {
	for _, sync := range []struct {
		name  string
		every time.Duration
	}{{"fsync=always", 0}, {"fsync=1s", time.Second}} {
		b.Run(sync.name, func(b *testing.B) { benchLatency(b, sync.every) })
	}
}

func benchLatency(b *testing.B, syncEvery time.Duration) {
	// NATS runs beside the pipeline rather than inside it, so its fsync policy can vary.
	srv, err := natsembed.Start(natsembed.Config{StoreDir: b.TempDir(), Listen: "127.0.0.1:-1", SyncInterval: syncEvery}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { srv.Shutdown(); srv.WaitForShutdown() }()
	stories := benchStories(b.N)
	feed := &paceFeed{stories: stories, every: time.Second / benchRate}
	feedSrv := httptest.NewServer(feed)
	defer feedSrv.Close()
	rec := &timedReceiver{got: map[string]time.Time{}}
	hook := httptest.NewServer(rec)
	defer hook.Close()

	f, err := config.Parse([]byte(fmt.Sprintf(`
nats: {url: %s}
http: {listen: 127.0.0.1:0}
log: {level: warn}
allow_private_addresses: true
feeds:
  - {url: %s/rss.xml, name: Pace Wire}
subscriptions:
  - {name: bench, target: %s/hook, secret: %s}
`, srv.ClientURL(), feedSrv.URL, hook.URL, secret)), nil)
	if err != nil {
		b.Fatal(err)
	}
	// The feed is empty until the clock starts: the first poll sees nothing.
	feed.start = time.Now().Add(24 * time.Hour)
	p := startWith(b, pipeline.Config{File: f, PollInterval: 50 * time.Millisecond})
	defer func() {
		if err := p.stop(); err != nil {
			b.Errorf("clean stop: %v", err)
		}
	}()

	b.ResetTimer()
	feed.start = time.Now()
	deadline := time.Now().Add(time.Duration(b.N)*feed.every + 60*time.Second)
	for rec.count() < b.N {
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d webhooks received", rec.count(), b.N)
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.StopTimer()

	st := stageTimes(b, p.addrs.NATSURL, b.N)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, e := range rec.errs {
		b.Error(e)
	}
	// Latency end to end, and per stage from the stream timestamps, to show where it goes.
	var total, fetchStore, parse, fold, deliver []float64
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	for url, got := range rec.got {
		t, ok := st[url]
		if !ok || t.fetched.IsZero() || t.event.IsZero() || t.alert.IsZero() {
			b.Fatalf("webhook for %s, whose way through the streams is incomplete: %+v", url, t)
		}
		total = append(total, ms(got.Sub(t.fetched)))
		fetchStore = append(fetchStore, ms(t.item.Sub(t.fetched)))
		parse = append(parse, ms(t.event.Sub(t.item)))
		fold = append(fold, ms(t.alert.Sub(t.event)))
		deliver = append(deliver, ms(got.Sub(t.alert)))
	}
	for _, s := range [][]float64{total, fetchStore, parse, fold, deliver} {
		slices.Sort(s)
	}
	b.ReportMetric(percentile(total, 0.50), "p50-ms")
	b.ReportMetric(percentile(total, 0.99), "p99-ms")
	b.ReportMetric(total[len(total)-1], "max-ms")
	b.ReportMetric(percentile(fetchStore, 0.99), "fetch-p99-ms")
	b.ReportMetric(percentile(parse, 0.99), "parse-p99-ms")
	b.ReportMetric(percentile(fold, 0.99), "fold-p99-ms")
	b.ReportMetric(percentile(deliver, 0.99), "deliver-p99-ms")
}

// stages are when one article passed each point of the pipeline: fetched (its header), and
// stored in the items, events and alerts streams (the server's timestamps).
type stages struct{ fetched, item, event, alert time.Time }

// stageTimes reads the streams back and times each article's way through them.
func stageTimes(b *testing.B, natsURL string, n int) map[string]*stages {
	b.Helper()
	nc, err := nats.Connect(natsURL)
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		b.Fatal(err)
	}
	out := make(map[string]*stages, n)
	at := func(url string) *stages {
		if out[url] == nil {
			out[url] = &stages{}
		}
		return out[url]
	}
	readStream(b, js, bus.StreamItems, func(msg jetstream.Msg, stored time.Time) {
		it := &parleyv1.FeedItem{}
		if err := proto.Unmarshal(msg.Data(), it); err != nil {
			b.Fatal(err)
		}
		fetched, err := time.Parse(time.RFC3339Nano, msg.Headers().Get(bus.HeaderFetchedAt))
		if err != nil {
			b.Fatalf("item %s: %s header: %v", it.GetUrl(), bus.HeaderFetchedAt, err)
		}
		s := at(it.GetUrl())
		s.fetched, s.item = fetched, stored
	})
	readStream(b, js, bus.StreamEvents, func(msg jetstream.Msg, stored time.Time) {
		ev := &parleyv1.NegotiationEvent{}
		if err := proto.Unmarshal(msg.Data(), ev); err != nil {
			b.Fatal(err)
		}
		if s := at(ev.GetArticle().GetUrl()); s.event.IsZero() {
			s.event = stored
		}
	})
	readStream(b, js, bus.StreamAlerts, func(msg jetstream.Msg, stored time.Time) {
		a := &parleyv1.Alert{}
		if err := proto.Unmarshal(msg.Data(), a); err != nil {
			b.Fatal(err)
		}
		for _, src := range a.GetRound().GetSources() {
			if s := at(src.GetUrl()); s.alert.IsZero() {
				s.alert = stored
			}
		}
	})
	return out
}

// readStream hands every message stored in stream to fn, with its storage time.
func readStream(b *testing.B, js jetstream.JetStream, stream string, fn func(jetstream.Msg, time.Time)) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, stream)
	if err != nil {
		b.Fatal(err)
	}
	want := s.CachedInfo().State.Msgs
	cons, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		b.Fatal(err)
	}
	for seen := uint64(0); seen < want; seen++ {
		msg, err := cons.Next(jetstream.FetchContext(ctx))
		if err != nil {
			b.Fatalf("%s after %d of %d messages: %v", stream, seen, want, err)
		}
		meta, err := msg.Metadata()
		if err != nil {
			b.Fatal(err)
		}
		fn(msg, meta.Timestamp)
	}
}

// percentile of sorted values, nearest rank.
func percentile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
