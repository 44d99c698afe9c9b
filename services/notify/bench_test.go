package notify_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/bustest"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/notify"
	"github.com/parleyhq/parley/services/notify/roundstore"
)

// Shape of the benchmark's track: ten years of weekly two-day rounds, each reported twenty
// times from three days before it opens to a day after it closes.
const (
	benchRounds          = 500
	benchReportsPerRound = 20
	benchWindow          = 1000 // events per measured window
	maxStoredValue       = 64 << 10
)

var benchCities = []struct{ city, country string }{
	{"Geneva", "CH"}, {"Istanbul", "TR"}, {"Abu Dhabi", "AE"}, {"Riyadh", "SA"}, {"Doha", "QA"},
}

// benchEvent is report j of round k, sized like what parse publishes: a title, an outlet,
// two sentences of evidence, four participants, three topics. Outlets disagree the way real
// ones do: some name the US a mediator, some give no city, some name only the first day.
func benchEvent(k, j int) *parleyv1.NegotiationEvent {
	start := time.Date(2015, 1, 6, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*k)
	end := start.AddDate(0, 0, 1)
	pub := start.Add(-72*time.Hour + time.Duration(j)*(6*time.Hour+15*time.Minute))
	status := parleyv1.Status_STATUS_SCHEDULED
	switch {
	case pub.After(end.Add(18 * time.Hour)):
		status = parleyv1.Status_STATUS_HELD
	case !pub.Before(start.Add(8 * time.Hour)):
		status = parleyv1.Status_STATUS_UNDERWAY
	}
	place := benchCities[k%len(benchCities)]
	ev := &parleyv1.NegotiationEvent{
		Id: fmt.Sprintf("bench-%03d-%02d", k, j),
		Article: &parleyv1.ArticleRef{
			Url:       fmt.Sprintf("https://outlet%d.example/world/2015/%03d/delegations-meet-for-another-round-of-talks-report-%02d", j%7, k, j),
			Title:     fmt.Sprintf("Delegations gather in %s for round %d of talks on a settlement", place.city, k+1),
			Source:    fmt.Sprintf("Outlet %d World Desk", j%7),
			Published: timestamppb.New(pub),
		},
		Status:        status,
		Parties:       []string{"RU", "UA", "US"},
		Location:      &parleyv1.Location{City: place.city, Country: place.country, Venue: "a lakeside hotel"},
		StartDate:     start.Format(time.DateOnly),
		EndDate:       end.Format(time.DateOnly),
		DatePrecision: parleyv1.DatePrecision_DATE_PRECISION_DAY,
		Participants: []*parleyv1.Participant{
			{Name: "Anna Example", Party: "UA", Role: "head of delegation"},
			{Name: "Boris Sample", Party: "RU", Role: "deputy foreign minister"},
			{Name: "Carl Placeholder", Party: "US", Role: "special envoy"},
			{Name: "Dana Stand-in", Party: "UA", Role: "defence adviser"},
		},
		Topics:      []string{"ceasefire", "prisoner_exchange", "security_guarantees"},
		RoundNumber: int32(k + 1),
		Evidence: []string{
			fmt.Sprintf("Delegations from the three capitals are meeting in %s on %s and %s, officials said.", place.city, start.Format("January 2"), end.Format("January 2")),
			"The talks are expected to cover a ceasefire along the front line, an exchange of prisoners and guarantees of security for the years after any settlement.",
		},
		Confidence: 0.7 + float64(j%3)/10,
		Primary:    true,
		Language:   "en",
	}
	switch {
	case j%5 == 1:
		ev.Parties, ev.Mediators = []string{"RU", "UA"}, []string{"US"}
	case j%7 == 3:
		ev.Location = nil
	case j%9 == 5:
		ev.EndDate = ev.StartDate
	}
	return ev
}

// BenchmarkFoldTrack folds 10,000 reports of one track (500 rounds) through a running notify
// on a JetStream that fsyncs every write, and compares the cost per event of the first and
// the last 1,000: flat storage keeps them alike. It fails if the last window takes more than
// 1.5 times the CPU of the first (wall time is printed too, but on a shared machine it follows
// the neighbours' load) or any stored value exceeds 64 KB.
//
//	go test -run XXX -bench FoldTrack -benchtime 1x ./services/notify
func BenchmarkFoldTrack(b *testing.B) {
	for range b.N {
		benchFoldTrack(b)
	}
}

func benchFoldTrack(b *testing.B) {
	b.StopTimer()
	env := bustest.Start(b)
	var size int
	for k := range benchRounds {
		for j := range benchReportsPerRound {
			ev := benchEvent(k, j)
			data, err := proto.Marshal(ev)
			if err != nil {
				b.Fatal(err)
			}
			size += len(data)
			msg := &nats.Msg{Subject: bus.SubjectEvents + ".bench", Data: data}
			if _, err := env.Bus.JS.PublishMsgAsync(msg, jetstream.WithMsgID(ev.GetId())); err != nil {
				b.Fatal(err)
			}
		}
		select {
		case <-env.Bus.JS.PublishAsyncComplete():
		case <-time.After(time.Minute):
			b.Fatal("publishing the events timed out")
		}
	}
	total := benchRounds * benchReportsPerRound

	b.StartTimer()
	start := mark{time.Now(), cpuTime(b)}
	bustest.Serve(b, func(ctx context.Context) error {
		return notify.Run(ctx, notify.Config{Bus: env.Bus, Logger: slog.New(slog.DiscardHandler)})
	})
	marks := foldMarks(b, env.Bus, total)
	b.StopTimer()

	// Per event over each window of benchWindow events, in wall and CPU time.
	var wall, cpu []time.Duration
	prev := start
	for i := benchWindow - 1; i < total; i += benchWindow {
		wall = append(wall, marks[i].wall.Sub(prev.wall)/benchWindow)
		cpu = append(cpu, (marks[i].cpu-prev.cpu)/benchWindow)
		prev = marks[i]
	}
	n := len(cpu) - 1
	ratio := float64(cpu[n]) / float64(cpu[0])
	maxValue, rounds := largestValue(b, env.Bus)
	alerts := streamMsgs(b, env.Bus, bus.StreamAlerts)
	fmt.Printf("BenchmarkFoldTrack: %d events (%d B each on average), %d rounds stored, %d alerts, largest stored value %d B (limit %d)\n",
		total, size/total, rounds, alerts, maxValue, maxStoredValue)
	fmt.Printf("  CPU per event: first %d %v, last %d %v (%.2fx; goal ≤ 1.5x); wall: first %v, last %v (%.2fx)\n",
		benchWindow, cpu[0], benchWindow, cpu[n], ratio, wall[0], wall[n], float64(wall[n])/float64(wall[0]))
	fmt.Printf("  CPU per event, each %d in turn: %s\n", benchWindow, durations(cpu))
	fmt.Printf("  wall per event, each %d in turn: %s\n", benchWindow, durations(wall))
	b.ReportMetric(float64(cpu[0].Microseconds()), "cpu-µs/event-first1k")
	b.ReportMetric(float64(cpu[n].Microseconds()), "cpu-µs/event-last1k")
	b.ReportMetric(float64(maxValue), "B/largest-value")
	if ratio > 1.5 {
		b.Errorf("the last %d events cost %.2fx the CPU of the first %d", benchWindow, ratio, benchWindow)
	}
	if maxValue > maxStoredValue {
		b.Errorf("a stored value holds %d bytes", maxValue)
	}
	if rounds != benchRounds {
		b.Errorf("%d rounds stored, want %d", rounds, benchRounds)
	}
}

// mark is when a count of events was first seen acknowledged: wall clock, and CPU time of
// the process (notify and the embedded JetStream both run in it), which the other work on a
// shared machine disturbs far less.
type mark struct {
	wall time.Time
	cpu  time.Duration
}

// foldMarks polls notify's consumer and returns a mark for each count of events acknowledged.
func foldMarks(b *testing.B, bs *bus.Bus, total int) []mark {
	marks := make([]mark, total)
	done := 0
	deadline := time.Now().Add(30 * time.Minute)
	for done < total {
		if time.Now().After(deadline) {
			b.Fatalf("only %d of %d events folded", done, total)
		}
		c, err := bs.JS.Consumer(context.Background(), bus.StreamEvents, "notify")
		if err != nil {
			time.Sleep(5 * time.Millisecond)
			continue
		}
		info, err := c.Info(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		now := mark{time.Now(), cpuTime(b)}
		for ; done < int(info.AckFloor.Stream) && done < total; done++ {
			marks[done] = now
		}
		time.Sleep(5 * time.Millisecond)
	}
	return marks
}

// largestValue reads every value notify stores and returns the largest size and the number
// of rounds.
func largestValue(b *testing.B, bs *bus.Bus) (largest, rounds int) {
	ctx := context.Background()
	for _, name := range []string{roundstore.Bucket, roundstore.EventsBucket} {
		kv, err := bs.JS.KeyValue(ctx, name)
		if err != nil {
			b.Fatal(err)
		}
		keys, err := kv.ListKeys(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for k := range keys.Keys() {
			e, err := kv.Get(ctx, k)
			if err != nil {
				b.Fatal(err)
			}
			largest = max(largest, len(e.Value()))
			if strings.HasPrefix(k, "round.") {
				rounds++
			}
		}
	}
	return largest, rounds
}

func durations(ds []time.Duration) string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Microsecond).String()
	}
	return strings.Join(out, " ")
}

// cpuTime is the CPU time, user and system, the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func streamMsgs(b *testing.B, bs *bus.Bus, stream string) uint64 {
	s, err := bs.JS.Stream(context.Background(), stream)
	if err != nil {
		b.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return info.State.Msgs
}
