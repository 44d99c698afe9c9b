package fetch_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/natsembed"
	"github.com/parleyhq/parley/services/fetch"
	"github.com/prometheus/client_golang/prometheus"
)

// benchFeeds serves the benchmark's feeds on one address: /feed/<n>. Feeds whose number is
// a multiple of 20 (5 %) carry a new item on every poll; the rest answer a conditional
// request with 304.
type benchFeeds struct {
	served atomic.Int64
	fresh  atomic.Int64
	first  atomic.Int64 // unix nanoseconds of the first request
}

const benchETag = `"v1"`

func (s *benchFeeds) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.served.Add(1) == 1 {
		s.first.Store(time.Now().UnixNano())
	}
	n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/feed/"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	if n%20 != 0 {
		w.Header().Set("ETag", benchETag)
		if r.Header.Get("If-None-Match") == benchETag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		_, _ = fmt.Fprint(w, rssDoc("", "Steady desk", [3]string{fmt.Sprintf("steady-%d", n), fmt.Sprintf("https://example.org/steady/%d", n), "Envoys due in Geneva"}))
		return
	}
	v := s.fresh.Add(1)
	w.Header().Set("ETag", fmt.Sprintf(`"f%d"`, v))
	_, _ = fmt.Fprint(w, rssDoc("", "Busy desk",
		[3]string{fmt.Sprintf("busy-%d-%d", n, v), fmt.Sprintf("https://example.org/busy/%d/%d", n, v), "Delegations meet again in Abu Dhabi"},
		[3]string{fmt.Sprintf("busy-%d-0", n), fmt.Sprintf("https://example.org/busy/%d/0", n), "Talks announced for Abu Dhabi"},
	))
}

// peakRSS is the process's peak resident set (VmHWM) in bytes.
func peakRSS(b *testing.B) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb * 1024
		}
	}
	b.Fatal("VmHWM not in /proc/self/status")
	return 0
}

// BenchmarkPoll10kFeeds polls 10,000 feeds spread over 100 loopback addresses (so the
// per-host limits apply as they would to 100 publishers), through the real NATS publish path,
// with 1, 2 and 4 fetch replicas (each with a NATS connection of its own) sharing them, and
// reports sustained polls per second, CPU per 1,000 polls and the process's peak resident
// memory (NATS server and feed servers included). Run it on two cores:
//
//	go test -run XXX -bench Poll10k -benchtime 1x -cpu 2 ./services/fetch
func BenchmarkPoll10kFeeds(b *testing.B) {
	for _, n := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("replicas=%d", n), func(b *testing.B) { poll10k(b, n) })
	}
}

func poll10k(b *testing.B, replicas int) {
	const (
		hosts = 100
		feeds = 10000
		// 10,000 feeds every second (plus up to a tenth of jitter) ask for about 9,500 polls/s,
		// more than the target, so polls/s measures what fetch sustains, not the schedule.
		every   = time.Second
		measure = 10 * time.Second
	)
	// The server as production runs it: fsync on every write. Only what must survive is on
	// disk (the items stream, the seen items, the registry); per-poll state is in memory.
	bs := benchBus(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	handler := &benchFeeds{}
	var addrs []string
	for h := range hosts {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", h+2))
		if err != nil {
			b.Skipf("cannot listen on 127.0.0.%d (needs Linux loopback): %v", h+2, err)
		}
		hs := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = hs.Serve(ln) }()
		defer hs.Close()
		addrs = append(addrs, ln.Addr().String())
	}
	list := make([]fetch.Feed, feeds)
	for i := range list {
		list[i] = fetch.Feed{URL: fmt.Sprintf("http://%s/feed/%d", addrs[i%hosts], i), Interval: every}
	}

	// The registry as every start but the very first finds it: seeded. Replicas started
	// together on an empty one would each write all 10,000 entries, fsynced and sent to
	// every replica's watcher, for longer than the warm-up (18 s with four): a start-up
	// cost that the steady state measured here does not have.
	if err := fetch.SeedRegistry(ctx, bs, list, fetch.Seed{}); err != nil {
		b.Fatal(err)
	}

	var regs []*prometheus.Registry
	polls := func() float64 {
		var n float64
		for _, reg := range regs {
			n += pollsOf(reg)
		}
		return n
	}
	done := make(chan error, replicas)
	b.ResetTimer()
	start := time.Now()
	for range replicas {
		nc, err := nats.Connect(bs.NC.ConnectedUrl()) // each replica on its own connection, as in production
		if err != nil {
			b.Fatal(err)
		}
		defer nc.Close()
		rb, err := bus.New(nc, 1)
		if err != nil {
			b.Fatal(err)
		}
		reg := prometheus.NewRegistry()
		regs = append(regs, reg)
		c := fetch.Config{
			Bus:                   rb,
			Feeds:                 list,
			Logger:                benchLogger(),
			Registerer:            reg,
			Timeout:               10 * time.Second,
			AllowPrivateAddresses: true,
			HostRate:              -1, // 100 feeds a second to each of the 100 hosts
		}
		go func() { done <- fetch.Run(ctx, c) }()
	}

	// Warm-up: every feed fetched in full once, and the replicas have seen each other (a
	// heartbeat, a third of the member TTL), so what follows is the steady state.
	for polls() < feeds || time.Since(start) < fetch.DefaultMemberTTL/3+time.Second {
		select {
		case err := <-done:
			b.Fatalf("Run ended: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	warm := time.Since(start)
	if os.Getenv("BENCH_DEBUG") != "" {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.Logf("after warm-up: peak RSS %.0f MB, heap in use %d MB, stacks %d MB, sys %d MB, goroutines %d",
			peakRSS(b)/(1<<20), ms.HeapInuse>>20, ms.StackInuse>>20, ms.Sys>>20, runtime.NumGoroutine())
	}
	stopProfile := windowProfile(b, replicas)
	p0, t0, served0, cpu0 := polls(), time.Now(), handler.served.Load(), cpuTime(b)
	time.Sleep(measure) // a measurement window, not a wait for a condition
	p1, t1, served1, cpu1 := polls(), time.Now(), handler.served.Load(), cpuTime(b)
	stopProfile()
	b.StopTimer()
	cancel()
	for range replicas {
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
	rate := (p1 - p0) / t1.Sub(t0).Seconds()
	b.ReportMetric(rate, "polls/s")
	// On a shared machine polls/s says as much about the neighbours as about fetch. CPU time
	// per poll does not: it covers the whole process (fetch, the NATS server and the feed
	// servers), and two cores' worth of it is what two dedicated cores would sustain.
	perCPU := (p1 - p0) / (cpu1 - cpu0).Seconds()
	b.ReportMetric(perCPU, "polls/cpu-s")
	b.ReportMetric(2*perCPU, "polls/s-on-2-cores")
	b.ReportMetric((cpu1-cpu0).Seconds()/(p1-p0)*1000, "cpu-s/1k-polls")
	b.ReportMetric(float64(served1-served0)/t1.Sub(t0).Seconds(), "requests/s")
	b.ReportMetric(peakRSS(b)/(1<<20), "peak-RSS-MB")
	// From Run's start with 10,000 configured feeds on a seeded registry: the first request
	// made, and every feed polled once.
	b.ReportMetric(time.Unix(0, handler.first.Load()).Sub(start).Seconds(), "s-to-first-poll")
	b.ReportMetric(warm.Seconds(), "s-to-first-poll-of-all")
	b.ReportMetric(float64(handler.fresh.Load()), "fresh-bodies")
}

// windowProfile profiles the CPU over the measurement window alone, into
// $BENCH_CPUPROFILE.<replicas> when that is set (-cpuprofile would include the warm-up):
//
//	BENCH_CPUPROFILE=/tmp/poll go test -run XXX -bench Poll10k -benchtime 1x -cpu 2 ./services/fetch
func windowProfile(b *testing.B, replicas int) (stop func()) {
	prefix := os.Getenv("BENCH_CPUPROFILE")
	if prefix == "" {
		return func() {}
	}
	f, err := os.Create(fmt.Sprintf("%s.%d", prefix, replicas))
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}

// pollsOf sums parley_fetch_polls_total over the results that are polls made.
func pollsOf(reg *prometheus.Registry) float64 {
	mfs, _ := reg.Gather()
	var n float64
	for _, mf := range mfs {
		if mf.GetName() != "parley_fetch_polls_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "result" && l.GetValue() != fetch.ResultSkipped {
					n += m.GetCounter().GetValue()
				}
			}
		}
	}
	return n
}

func benchLogger() *slog.Logger {
	if os.Getenv("BENCH_DEBUG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return slogDiscard()
}

// cpuTime is the CPU time, user and system, the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkStart100kFeeds starts one fetcher with 100,000 feeds (on 100 loopback hosts, at
// the default interval) and reports how long it takes from Run to the first request and to
// every feed's first poll, and the process's peak resident memory until then (NATS server
// and feed servers included):
//
//	go test -run XXX -bench Start100k -benchtime 1x -cpu 2 ./services/fetch
func BenchmarkStart100kFeeds(b *testing.B) {
	const hosts, feeds = 100, 100000
	bs := benchBus(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	handler := &benchFeeds{}
	list := make([]fetch.Feed, feeds)
	for h := range hosts {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", h+2))
		if err != nil {
			b.Skipf("cannot listen on 127.0.0.%d (needs Linux loopback): %v", h+2, err)
		}
		hs := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = hs.Serve(ln) }()
		defer hs.Close()
		for i := h; i < feeds; i += hosts {
			list[i] = fetch.Feed{URL: fmt.Sprintf("http://%s/feed/%d", ln.Addr(), i)}
		}
	}
	reg := prometheus.NewRegistry()
	c := fetch.Config{Bus: bs, Feeds: list, Logger: benchLogger(), Registerer: reg, Timeout: 10 * time.Second,
		AllowPrivateAddresses: true, HostRate: -1}
	done := make(chan error, 1)
	b.ResetTimer()
	start := time.Now()
	go func() { done <- fetch.Run(ctx, c) }()
	deadline := time.Now().Add(5 * time.Minute)
	for pollsOf(reg) < feeds {
		select {
		case err := <-done:
			b.Fatalf("Run ended: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			b.Fatalf("%.0f of %d feeds polled in 5 minutes", pollsOf(reg), feeds)
		}
	}
	all := time.Since(start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.StopTimer()
	b.ReportMetric(time.Unix(0, handler.first.Load()).Sub(start).Seconds(), "s-to-first-poll")
	b.ReportMetric(all.Seconds(), "s-to-first-poll-of-all")
	b.ReportMetric(peakRSS(b)/(1<<20), "peak-RSS-MB")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}

// benchBus starts the server as production runs it (fsync on every write) with Parley's
// streams, for the life of the benchmark.
func benchBus(b *testing.B) *bus.Bus {
	b.Helper()
	srv, err := natsembed.Start(natsembed.Config{StoreDir: b.TempDir(), Listen: "127.0.0.1:-1"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		srv.Shutdown()
		srv.WaitForShutdown()
	})
	nc, err := nats.Connect(srv.ClientURL())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(nc.Close)
	bs, err := bus.New(nc, 1)
	if err != nil {
		b.Fatal(err)
	}
	if err := bs.EnsureStreams(context.Background()); err != nil {
		b.Fatal(err)
	}
	return bs
}
