package fault

import (
	"context"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

func TestMain(m *testing.M) {
	flag.Parse()
	if !testing.Short() {
		dir, err := os.MkdirTemp("", "parley-fault-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		parleyBin = filepath.Join(dir, "parley")
		// The real binary, built once from this workspace, as the containers run it.
		build := exec.Command("go", "build", "-o", parleyBin, "../../cmd/parley")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "build parley:", err)
			_ = os.RemoveAll(dir)
			os.Exit(1)
		}
		code := m.Run()
		_ = os.RemoveAll(dir)
		os.Exit(code)
	}
	os.Exit(m.Run())
}

const secret = "fault-suite-secret"

// streams are the ones whose consumers must be drained before the count is final.
var streams = []string{"PARLEY_ITEMS", "PARLEY_EVENTS", "PARLEY_ALERTS"}

// TestNothingLostNothingTwice runs two replicas of each service as processes against a
// 3-node cluster and, while articles flow, kills one replica of each service, restarts a
// NATS node, takes the subscriber's endpoint down and stops the other replicas with SIGTERM.
// Every round must reach the subscriber exactly once.
func TestNothingLostNothingTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a NATS cluster and six processes")
	}
	articles := loadArticles(t)
	nc := startCluster(t, 3)
	js := nc.jetStream()

	fd := &feed{articles: articles}
	feedSrv := httptest.NewServer(fd)
	t.Cleanup(feedSrv.Close)
	recv := newReceiver(secret)
	recvSrv := httptest.NewServer(recv)
	t.Cleanup(recvSrv.Close)

	configPath := filepath.Join(t.TempDir(), "parley.yaml")
	config := fmt.Sprintf(`nats:
  replicas: 3
http:
  listen: 127.0.0.1:0
log:
  level: debug
feeds:
  - url: %s/rss.xml
    name: Fault Gazette
    interval: 1s
subscriptions:
  - name: desk
    target: %s/hook
    secret: %s
`, feedSrv.URL, recvSrv.URL, secret)
	if err := os.WriteFile(configPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}

	procs := map[string][]*proc{}
	all := func() []*proc {
		var out []*proc
		for _, ps := range procs {
			out = append(out, ps...)
		}
		return out
	}
	// Log tails of every replica when anything fails: a fault test is read after the fact.
	t.Cleanup(func() {
		if t.Failed() {
			for _, p := range all() {
				t.Logf("--- %s\n%s", p.name, p.tail())
			}
		}
	})
	for _, svc := range []string{"fetch", "parse", "notify"} {
		for i := range 2 {
			procs[svc] = append(procs[svc], startProc(t, svc, i, nc.URLs(), configPath))
		}
	}

	delivered := func(n int) func() bool { return func() bool { return recv.distinct() >= n } }

	// Phase 1: articles flow through a healthy system.
	fd.release(2)
	waitFor(t, "the first 2 alerts", 60*time.Second, delivered(2))

	// Phase 2: one replica of each service dies without draining, mid-flow.
	fd.release(3)
	for _, svc := range []string{"fetch", "parse", "notify"} {
		procs[svc][0].kill(t)
	}

	// Phase 3: a NATS node restarts while the next article moves through.
	fd.release(4)
	nc.restart(1)

	// Phase 4: the subscriber's endpoint is down while an alert is due.
	recv.down.Store(true)
	fd.release(5)
	waitFor(t, "a delivery refused by the down receiver", 60*time.Second, func() bool { return recv.rejections() >= 2 })
	recv.down.Store(false)

	// Phase 5: the killed replicas come back (as a Deployment restarts them) and the last
	// article arrives; a restart must send nothing again.
	for _, svc := range []string{"fetch", "parse", "notify"} {
		procs[svc] = append(procs[svc], startProc(t, svc, 2, nc.URLs(), configPath))
	}
	fd.release(len(articles))
	// An alert published again after the server's duplicate window (here: under a new
	// Nats-Msg-Id) must still reach the subscriber only once: delivery records are kept for ever.
	republishFirstAlert(t, js)
	// A rolling update while that work moves: the original second replicas get SIGTERM, as
	// Kubernetes sends it, and must drain and exit 0 within 10 s (stop reports it otherwise).
	var wg sync.WaitGroup
	for _, svc := range []string{"fetch", "parse", "notify"} {
		wg.Go(func() { procs[svc][1].stop(t) })
	}
	wg.Wait()

	waitFor(t, fmt.Sprintf("all %d alerts", len(articles)), 90*time.Second, delivered(len(articles)))
	// Whatever a killed replica held unacknowledged comes back after the ack wait; the count is
	// final only when no consumer has anything pending or in flight.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		backlog := pending(js)
		if backlog == "" {
			break
		}
		if time.Now().After(deadline) {
			// Keep going: the counts below say what the stuck work did to the subscriber.
			t.Errorf("consumers not drained after 60s: %s", backlog)
			break
		}
	}

	// A replica that exits on its own is restarted, as its Deployment would; say so, since
	// each one is a service giving up on a fault it could have ridden out.
	for _, p := range all() {
		if r := p.restarts(); len(r) > 0 {
			t.Logf("%s exited on its own %d times and was restarted: %v\n%s", p.name, len(r), r, p.tail())
		}
	}

	recv.mu.Lock()
	defer recv.mu.Unlock()
	for _, b := range recv.bad {
		t.Error(b)
	}
	byStart := map[string][]string{}
	for id, n := range recv.byID {
		a := recv.alerts[id]
		if n != 1 {
			t.Errorf("alert %s (%s, round starting %s) delivered %d times", id, a.GetKind(), a.GetRound().GetStartDate(), n)
		}
		byStart[a.GetRound().GetStartDate()] = append(byStart[a.GetRound().GetStartDate()], a.GetKind())
	}
	for _, a := range articles {
		kinds := byStart[a.startDate]
		if len(kinds) != 1 || kinds[0] != "new_round" {
			t.Errorf("%s: alerts for the round starting %s: %v, want exactly one new_round", a.slug, a.startDate, kinds)
		}
		delete(byStart, a.startDate)
	}
	for start, kinds := range byStart {
		t.Errorf("unexpected alerts %v for a round starting %s", kinds, start)
	}
}

// republishFirstAlert copies the first message of PARLEY_ALERTS back onto its subject with
// a fresh Nats-Msg-Id, as a re-publish outside the duplicate window would arrive.
func republishFirstAlert(t *testing.T, js jetstream.JetStream) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, "PARLEY_ALERTS")
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.GetMsg(ctx, 1)
	if err != nil {
		t.Fatalf("first alert: %v", err)
	}
	msg := nats.NewMsg(first.Subject)
	msg.Data = first.Data
	for k, vs := range first.Header {
		for _, v := range vs {
			msg.Header.Add(k, v)
		}
	}
	msg.Header.Set(jetstream.MsgIDHeader, "fault-suite-republished")
	if _, err := js.PublishMsg(ctx, msg); err != nil {
		t.Fatalf("republish alert: %v", err)
	}
}

// pending describes what any durable consumer of the pipeline's streams still has pending
// or awaiting an ack; "" when all are drained.
func pending(js jetstream.JetStream) string {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var out []string
	for _, name := range streams {
		s, err := js.Stream(ctx, name)
		if err != nil {
			return fmt.Sprintf("stream %s: %v", name, err)
		}
		l := s.ListConsumers(ctx)
		n := 0
		for ci := range l.Info() {
			n++
			if ci.NumPending > 0 || ci.NumAckPending > 0 {
				out = append(out, fmt.Sprintf("%s/%s: %d pending, %d ack pending, %d redelivered",
					name, ci.Name, ci.NumPending, ci.NumAckPending, ci.NumRedelivered))
			}
		}
		if err := l.Err(); err != nil {
			return fmt.Sprintf("consumers of %s: %v", name, err)
		}
		if n == 0 {
			return fmt.Sprintf("stream %s has no consumers", name)
		}
	}
	return strings.Join(out, "; ")
}
