package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/parleyhq/parley/cmd/parley/internal/demo"
	"github.com/parleyhq/parley/cmd/parley/internal/pipeline"
	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/config"
	"github.com/parleyhq/parley/platform/logging"
)

// chromiumPath finds Debian's Chromium. CI installs it (.ci/run) and sets
// PARLEY_REQUIRE_BROWSER, so there a missing browser fails the test instead of skipping it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("PARLEY_REQUIRE_BROWSER") != "" || os.Getenv("CI") == "true" {
		t.Fatal("no chromium on PATH, and this run requires the browser test (PARLEY_REQUIRE_BROWSER or CI set): apt-get install -y chromium")
	}
	t.Skip("no chromium on PATH: install Debian's chromium (apt-get install -y chromium) to run the browser test; .ci/run does")
	return ""
}

// browser starts headless Chromium with the flags this machine's closed network needs.
func browser(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 1600),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// runDemo runs the whole pipeline on the bundled demo stories, revealed one every step, and
// returns its HTTP address once every story has been read and every alert delivered.
func runDemo(t *testing.T) string {
	t.Helper()
	stories, err := demo.Stories()
	if err != nil {
		t.Fatal(err)
	}
	const step = 200 * time.Millisecond
	feeds := demo.NewServer(stories, step)
	fsrv := httptest.NewServer(feeds)
	t.Cleanup(fsrv.Close)
	base, err := config.Parse([]byte(fmt.Sprintf("nats: {store_dir: %s, listen: 127.0.0.1:-1}\nhttp: {listen: 127.0.0.1:0}\n", t.TempDir())), nil)
	if err != nil {
		t.Fatal(err)
	}
	log, err := logging.New(io.Discard, "info", "text")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan pipeline.Addrs, 1)
	done := make(chan error, 1)
	go func() {
		done <- pipeline.Run(ctx, pipeline.Config{
			File: demo.Config(base, fsrv.URL, feeds.Outlets(), time.Second), Logger: log, Console: io.Discard,
			PollInterval: 50 * time.Millisecond, OnReady: func(a pipeline.Addrs) { ready <- a },
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("pipeline stop: %v", err)
		}
	})
	var addrs pipeline.Addrs
	select {
	case addrs = <-ready:
	case err := <-done:
		t.Fatalf("pipeline did not start: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("pipeline did not start within 60s")
	}
	waitDrained(t, addrs.NATSURL, time.Duration(len(stories))*step)
	return "http://" + addrs.HTTP
}

// waitDrained waits until the replay has shown every story and no consumer has work left.
func waitDrained(t *testing.T, natsURL string, replay time.Duration) {
	t.Helper()
	nc, err := nats.Connect(natsURL)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	deadline := start.Add(replay + 60*time.Second)
	quiet := 0 // drained polls in a row: a feed poll may be about to publish
	for quiet < 10 {
		if time.Now().After(deadline) {
			t.Fatal("the pipeline did not drain the demo within a minute of its replay")
		}
		time.Sleep(100 * time.Millisecond)
		if time.Since(start) > replay && drained(t, js) {
			quiet++
		} else {
			quiet = 0
		}
	}
}

func drained(t *testing.T, js jetstream.JetStream) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	seen := 0
	for _, name := range []string{bus.StreamItems, bus.StreamEvents, bus.StreamAlerts} {
		s, err := js.Stream(ctx, name)
		if err != nil {
			return false
		}
		l := s.ListConsumers(ctx)
		for ci := range l.Info() {
			seen++
			if ci.NumPending+uint64(ci.NumAckPending) > 0 {
				return false
			}
		}
		if l.Err() != nil {
			return false
		}
	}
	return seen >= 3
}

// shot saves a full-page screenshot next to the test output (PARLEY_SCREENSHOT_DIR, else
// the test's temporary directory, which `go test` removes) and logs where.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := os.Getenv("PARLEY_SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "parley-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

func navigate(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("footer"))); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
}

// waitPage waits until the page the browser shows has loaded and cond (JavaScript) holds.
// The browser may be mid-navigation, when evaluating fails: that is retried, not fatal.
func waitPage(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && (`+cond+`)`))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("page never satisfied %s (last error %v)", cond, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func wantAll(t *testing.T, page, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s: a reader would see %q; the page shows:\n%s", page, w, got)
		}
	}
}

func TestPagesInChromium(t *testing.T) {
	exe := chromiumPath(t)
	url := runDemo(t)
	ctx := browser(t, exe)

	navigate(t, ctx, url+"/")
	body := text(t, ctx, "main")
	// How many alerts a round raised depends on how the replay's stories fall into polls,
	// so the checks are of what every run shows: rounds, their facts, sources and history.
	wantAll(t, "timeline", body,
		"Rounds of negotiations", "Russia, Ukraine, United States talks in Abu Dhabi", "Geneva",
		"held", "23 Jan 2026", "United Arab Emirates", // the host, as mediator
		"Rustem Umerov (chief negotiator, UA)", "Kyiv Ledger", "Gulf Wire", "first reported", "→ held")
	first := text(t, ctx, "article.round h2")
	if !strings.Contains(first, "Geneva") {
		t.Errorf("newest round first: the first card is %q, want the Geneva round (Feb 17)", first)
	}
	shot(t, ctx, "timeline.png")

	// Filtering, as a person would: pick a track and submit the form.
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err := chromedp.Do(tctx,
		chromedp.SetValue(chromedp.CSS(`select[name="track"]`), "RU-US"),
		chromedp.Click(chromedp.CSS(`form.filters button`)))
	cancel()
	if err != nil {
		t.Fatalf("filter by track: %v", err)
	}
	waitPage(t, ctx, `location.search.includes("track=RU-US")`)
	titles, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("article.round h2 a")].map(e => e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(titles) != 1 || !strings.Contains(titles[0], "Russia, United States talks in Moscow") {
		t.Errorf("track Russia – United States shows %q, want only the Moscow round", titles)
	}
	if got := text(t, ctx, "p.count"); !strings.HasPrefix(got, "1 of 6 rounds") {
		t.Errorf("count line %q", got)
	}

	// One round: every report and every alert it raised.
	navigate(t, ctx, url+"/")
	tctx, cancel = context.WithTimeout(ctx, 30*time.Second)
	err = chromedp.Do(tctx, chromedp.Click(chromedp.Search(`//article[contains(., "Feb 2026")]//h2/a[contains(., "Abu Dhabi")]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.reports`)))
	cancel()
	if err != nil {
		t.Fatalf("open a round from the timeline: %v", err)
	}
	round := text(t, ctx, "main")
	wantAll(t, "round", round, "Reports (4)", "Alerts (", "new_round", "round_updated",
		"held talks in Abu Dhabi", "Abu Dhabi talks end with deal on prisoner exchange", "Round id")
	shot(t, ctx, "round.png")

	navigate(t, ctx, url+"/rounds/no-such-round")
	wantAll(t, "unknown round", text(t, ctx, "main"), "No such round")

	navigate(t, ctx, url+"/status")
	status := text(t, ctx, "main")
	wantAll(t, "status", status, "Feeds (3)", "Kyiv Ledger", "not_modified", "PARLEY_EVENTS", "notify",
		"Subscriptions (1)", "terminal", "console://", "Dead-letter queue: 0", "reloads every 10 s")
	refresh, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`meta[http-equiv="refresh"]`), "content"))
	if err != nil || refresh.Value != "10" {
		t.Errorf("status page refresh = %q (%v), want 10", refresh.Value, err)
	}
	shot(t, ctx, "status.png")

	resp, err := http.Get(url + "/style.css")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("/style.css: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
}
