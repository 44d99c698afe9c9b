package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/parleyhq/parley/services/fetch"
	"github.com/parleyhq/parley/services/fetch/feed"
)

// The farm: farmFeeds feeds on farmHosts loopback addresses of their own (127.1.0.0/16), feed
// i on host i % farmHosts, each connection closed after its response as servers do between
// polls minutes apart. Feeds whose number is a multiple of 20 (5 %) change on every poll;
// the rest answer a conditional request with 304.
//
// Parley polls a feed at most once a second (the least interval, plus up to a tenth of
// jitter), so one feed a host capped it at about 9,500 polls a second, while the bare
// client, which has no schedule, reached 12,900 on a quiet machine: parley's rate was its
// schedule's, not its capacity. Half the hosts serve a second feed, which asks for more than
// either client can do.
const (
	farmHosts   = 10000
	farmFeeds   = farmHosts * 3 / 2
	farmETag    = `"v1"`
	farmEnvRole = "PARLEY_BENCH_ROLE"
	// farmEnvProfile names a file for the CPU profile of parley's measurement window.
	farmEnvProfile = "PARLEY_BENCH_CPUPROFILE"
)

func farmAddr(i int) string { return fmt.Sprintf("127.1.%d.%d", i/250, i%250+1) }

// farmURL is feed i's address; ports are the hosts'.
func farmURL(ports []int, i int) string {
	h := i % farmHosts
	return fmt.Sprintf("http://%s:%d/feed/%d", farmAddr(h), ports[h], i)
}

// BenchmarkFarm10kHosts polls the farm with a bare conditional-GET client and with `parley
// run` (the whole pipeline, NATS included, in a process of its own), and prints both rates,
// their ratio, and parley's peak RSS and CPU per 1,000 polls. The farm runs in a third
// process, so neither figure includes it. Once parley has polled every feed twice, the two
// take turns (farmRounds of each, parley stopped with SIGSTOP while the bare client runs), so
// that on a machine shared with other work both see the same neighbours. Run it alone:
//
//	go test -run XXX -bench Farm10k -benchtime 1x ./cmd/parley
func BenchmarkFarm10kHosts(b *testing.B) {
	farm, ports := startFarm(b)
	defer farm()

	dir := b.TempDir()
	httpAddr := freeAddrB(b)
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "nats: {store_dir: %s, listen: %s}\nhttp: {listen: %s}\nlog: {level: warn}\nallow_private_addresses: true\nfeeds:\n",
		filepath.Join(dir, "state"), freeAddrB(b), httpAddr)
	for i := range farmFeeds {
		fmt.Fprintf(&cfg, "  - {url: '%s', interval: 1s}\n", farmURL(ports, i))
	}
	path := filepath.Join(dir, "parley.yaml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	stop, pid := startRunChild(b, path)
	defer stop()
	polls := func() float64 { return scrapePolls(b, "http://"+httpAddr+"/metrics") }
	deadline := time.Now().Add(5 * time.Minute)
	for polls() < 2*farmFeeds { // every feed fetched in full, then polled conditionally once
		if time.Now().After(deadline) {
			b.Fatal("parley run did not poll every feed twice in 5 minutes")
		}
		time.Sleep(200 * time.Millisecond) // a pace for scraping, not a wait for a condition
	}
	var bare, ours window
	for range farmRounds {
		signalB(b, pid, syscall.SIGSTOP)
		bare.add(floorWindow(b, ports))
		signalB(b, pid, syscall.SIGCONT)
		// Responses that arrived while it was stopped are read at once: not its pace.
		time.Sleep(farmResume)
		profileWindow(pid) // starts the child's profile, if asked for
		p0, t0, c0 := polls(), time.Now(), procCPU(b, pid)
		time.Sleep(farmWindow) // a measurement window
		p1, t1, c1 := polls(), time.Now(), procCPU(b, pid)
		profileWindow(pid) // and pauses it
		ours.add(window{polls: p1 - p0, took: t1.Sub(t0), cpu: c1 - c0})
	}
	rss := procPeakRSS(b, pid)
	stop()
	b.StopTimer()
	b.ReportMetric(bare.rate(), "floor-polls/s")
	b.ReportMetric(ours.rate(), "parley-polls/s")
	b.ReportMetric(ours.rate()/bare.rate(), "ratio")
	b.ReportMetric(rss/(1<<20), "parley-peak-RSS-MB")
	b.ReportMetric(ours.cpuPer1k(), "parley-cpu-s/1k-polls")
	// On a machine shared with other work the rates say as much about the neighbours as
	// about parley; CPU per poll does not. Its ratio is what dedicated cores would give.
	b.ReportMetric(bare.cpuPer1k(), "floor-cpu-s/1k-polls")
	b.ReportMetric(bare.cpuPer1k()/ours.cpuPer1k(), "cpu-ratio")
}

// The measurement: farmRounds turns of farmWindow each. A turn of the bare client stays under
// the farm's ReadHeaderTimeout, so no connection parley opened times out while it is stopped.
const (
	farmRounds = 4
	farmWindow = 4 * time.Second
	farmResume = 500 * time.Millisecond
)

// window is what one client did in its turns.
type window struct {
	polls float64
	took  time.Duration
	cpu   time.Duration
}

func (w *window) add(o window) {
	w.polls += o.polls
	w.took += o.took
	w.cpu += o.cpu
}

func (w window) rate() float64     { return w.polls / w.took.Seconds() }
func (w window) cpuPer1k() float64 { return w.cpu.Seconds() / w.polls * 1000 }

func signalB(b *testing.B, pid int, sig syscall.Signal) {
	if err := syscall.Kill(pid, sig); err != nil {
		b.Fatal(err)
	}
}

// floorWindow is a turn of a bare client on the farm (conditional GETs with parley's
// headers, 304s read and dropped, as many in flight as parley's default, on parley's
// transport settings): the polls it made and the CPU it spent.
func floorWindow(b *testing.B, ports []int) window {
	tr := feed.NewTransport(feed.Options{MaxIdleConnsPerHost: fetch.DefaultHostConcurrency})
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var n atomic.Int64
	var next atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), farmWindow)
	defer cancel()
	var wg sync.WaitGroup
	start, cpu0 := time.Now(), selfCPU(b)
	for range fetch.DefaultConcurrency() {
		wg.Go(func() {
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, farmURL(ports, int(next.Add(1))%farmFeeds), nil)
				req.Header.Set("User-Agent", fetch.DefaultUserAgent)
				req.Header.Set("Accept", feed.AcceptFeed)
				req.Header.Set("If-None-Match", farmETag)
				resp, err := client.Do(req)
				if err != nil {
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				n.Add(1)
			}
		})
	}
	wg.Wait()
	return window{polls: float64(n.Load()), took: time.Since(start), cpu: selfCPU(b) - cpu0}
}

// selfCPU is the CPU time, user and system, this process has used.
func selfCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestBenchChild is the farm or `parley run` for BenchmarkFarm10kHosts, in a process of its
// own; it does nothing in a normal test run.
func TestBenchChild(t *testing.T) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	switch os.Getenv(farmEnvRole) {
	case "farm":
		serveFarm(ctx, t)
	case "run":
		if path := os.Getenv(farmEnvProfile); path != "" {
			stopProfile := cpuProfile(t, path)
			defer stopProfile()
		}
		if code := dispatch(ctx, []string{"run", "--config", os.Getenv("PARLEY_BENCH_CONFIG")}, stdio{in: strings.NewReader(""), out: io.Discard, err: os.Stderr}); code != 0 {
			t.Fatalf("parley run exited %d", code)
		}
	default:
		t.Skip("only a child of BenchmarkFarm10kHosts")
	}
}

func serveFarm(ctx context.Context, t *testing.T) {
	var fresh atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/feed/"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		if n%20 != 0 {
			w.Header().Set("ETag", farmETag)
			if r.Header.Get("If-None-Match") == farmETag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			fmt.Fprintf(w, farmRSS, "Steady desk", fmt.Sprintf("steady-%d", n), fmt.Sprintf("https://example.org/steady/%d", n), "Envoys due in Geneva")
			return
		}
		v := fresh.Add(1)
		w.Header().Set("ETag", fmt.Sprintf(`"f%d"`, v))
		fmt.Fprintf(w, farmRSS, "Busy desk", fmt.Sprintf("busy-%d-%d", n, v), fmt.Sprintf("https://example.org/busy/%d/%d", n, v), "Delegations meet again in Abu Dhabi")
	})
	out := bufio.NewWriter(os.Stdout)
	for i := range farmHosts {
		ln, err := net.Listen("tcp", farmAddr(i)+":0")
		if err != nil {
			t.Fatalf("listen on %s (needs Linux loopback): %v", farmAddr(i), err)
		}
		hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
		hs.SetKeepAlivesEnabled(false)
		go func() { _ = hs.Serve(ln) }()
		fmt.Fprintln(out, ln.Addr().(*net.TCPAddr).Port)
	}
	fmt.Fprintln(out, "ready")
	_ = out.Flush()
	<-ctx.Done()
}

const farmRSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title><link>https://example.org/</link>
<item><guid>%s</guid><link>%s</link><title>%s</title><pubDate>Tue, 17 Feb 2026 08:00:00 GMT</pubDate></item>
</channel></rss>`

// startFarm runs this test binary as the farm and returns how to stop it and the ports of
// its hosts.
func startFarm(b *testing.B) (stop func(), ports []int) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchChild$")
	cmd.Env = append(os.Environ(), farmEnvRole+"=farm")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	stop = func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() && sc.Text() != "ready" {
		if p, err := strconv.Atoi(sc.Text()); err == nil {
			ports = append(ports, p)
		}
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	if len(ports) != farmHosts {
		stop()
		b.Fatalf("farm started %d hosts of %d", len(ports), farmHosts)
	}
	return stop, ports
}

func startRunChild(b *testing.B, config string) (stop func(), pid int) {
	var once sync.Once
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchChild$")
	cmd.Env = append(os.Environ(), farmEnvRole+"=run", "PARLEY_BENCH_CONFIG="+config)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	return func() {
		once.Do(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_ = cmd.Process.Signal(syscall.SIGCONT) // in case it was stopped for the bare client's turn
			_ = cmd.Wait()
		})
	}, cmd.Process.Pid
}

// scrapePolls sums parley_fetch_polls_total over the results that are polls made.
func scrapePolls(b *testing.B, url string) float64 {
	resp, err := http.Get(url)
	if err != nil {
		return 0 // not listening yet
	}
	defer resp.Body.Close()
	var n float64
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "parley_fetch_polls_total{") || strings.Contains(line, `result="skipped"`) {
			continue
		}
		if v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64); err == nil {
			n += v
		}
	}
	return n
}

// procCPU is the user and system CPU time process pid has used.
func procCPU(b *testing.B, pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks
}

// procPeakRSS is process pid's peak resident set (VmHWM) in bytes.
func procPeakRSS(b *testing.B, pid int) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb * 1024
		}
	}
	b.Fatal("VmHWM not in /proc/<pid>/status")
	return 0
}

func freeAddrB(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// cpuProfile profiles the run child over its measurement windows only, which the parent
// marks with SIGUSR1 at each start and end (see profileWindow): start-up, where every feed is
// fetched in full, would otherwise drown the steady state the ratio is about. Heap profiles
// at the first start and the last end give the windows' allocations (stopped turns allocate
// nothing).
//
//	PARLEY_BENCH_CPUPROFILE=/tmp/run.pprof go test -run XXX -bench Farm10k -benchtime 1x ./cmd/parley
//
// The CPU profile is one file per window: /tmp/run.pprof.1 … (go tool pprof merges them).
func cpuProfile(t *testing.T, path string) (stop func()) {
	marks := make(chan os.Signal, 2*farmRounds)
	signal.Notify(marks, syscall.SIGUSR1)
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 1; ; i++ {
			select {
			case <-marks:
			case <-quit:
				return
			}
			if i == 1 {
				heapProfile(t, path+".heap0")
			}
			f, err := os.Create(fmt.Sprintf("%s.%d", path, i))
			if err != nil {
				t.Error(err)
				return
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				t.Error(err)
				return
			}
			select {
			case <-marks:
			case <-quit:
			}
			pprof.StopCPUProfile()
			_ = f.Close()
			heapProfile(t, path+".heap1")
		}
	}()
	return func() {
		signal.Stop(marks)
		close(quit)
		<-done
	}
}

// heapProfile writes the allocations so far; those of the window are the difference of its
// two (go tool pprof -sample_index alloc_space -diff_base path.heap0 path.heap1).
func heapProfile(t *testing.T, path string) {
	f, err := os.Create(path)
	if err != nil {
		t.Error(err)
		return
	}
	defer f.Close()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		t.Error(err)
	}
}

// profileWindow marks the start or end of a measurement window for the run child's profile.
func profileWindow(pid int) {
	if os.Getenv(farmEnvProfile) != "" {
		_ = syscall.Kill(pid, syscall.SIGUSR1)
	}
}
