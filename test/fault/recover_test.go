package fault

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"

	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
)

// single is one JetStream server in this process, standing for an operator's external
// nats-server: stopped and started again on the same port and store.
type single struct {
	t    *testing.T
	port int
	dir  string
	srv  *server.Server
}

func startSingle(t *testing.T) *single {
	t.Helper()
	s := &single{t: t, port: freePort(t), dir: t.TempDir()}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *single) start() {
	s.t.Helper()
	srv, err := server.NewServer(&server.Options{
		ServerName: "single", Host: "127.0.0.1", Port: s.port, JetStream: true, StoreDir: s.dir,
		SyncAlways: true, NoSigs: true, NoLog: true,
	})
	if err != nil {
		s.t.Fatal(err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(20 * time.Second) {
		s.t.Fatal("nats not ready")
	}
	s.srv = srv
}

func (s *single) stop() {
	if s.srv != nil {
		s.srv.Shutdown()
		s.srv.WaitForShutdown()
		s.srv = nil
	}
}

func (s *single) URL() string { return fmt.Sprintf("nats://127.0.0.1:%d", s.port) }

func (s *single) jetStream() jetstream.JetStream {
	s.t.Helper()
	nc, err := nats.Connect(s.URL(), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond), nats.RetryOnFailedConnect(true))
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		s.t.Fatal(err)
	}
	return js
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "parley.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// readyz answers the status code of /readyz at addr, 0 when nothing answers.
func readyz(addr string) int {
	c := http.Client{Timeout: 3 * time.Second}
	resp, err := c.Get("http://" + addr + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// checkOnce fails the test for every alert the receiver got more than once, or bad.
func checkOnce(t *testing.T, recv *receiver) {
	t.Helper()
	recv.mu.Lock()
	defer recv.mu.Unlock()
	for _, b := range recv.bad {
		t.Error(b)
	}
	for id, n := range recv.byID {
		if n != 1 {
			t.Errorf("alert %s delivered %d times", id, n)
		}
	}
}

func dumpOnFailure(t *testing.T, procs ...*proc) {
	t.Cleanup(func() {
		if t.Failed() {
			for _, p := range procs {
				t.Logf("--- %s\n%s", p.name, p.tail())
			}
		}
	})
}

// `parley run` against an external NATS that is stopped and started again, losing what it
// kept in memory (parley_feeds): polling resumes within 30 s, /readyz says when it cannot
// work, a story published after the restart is alerted, and nothing is delivered twice.
func TestRunSurvivesNATSRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("runs parley and restarts NATS")
	}
	articles := loadArticles(t)
	ns := startSingle(t)
	fd := &feed{articles: articles}
	feedSrv := httptest.NewServer(fd)
	t.Cleanup(feedSrv.Close)
	recv := newReceiver(secret)
	recvSrv := httptest.NewServer(recv)
	t.Cleanup(recvSrv.Close)
	httpAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	cfg := writeConfig(t, fmt.Sprintf(`nats:
  url: %s
http:
  listen: %s
log:
  level: debug
feeds:
  - url: %s/rss.xml
    interval: 1s
subscriptions:
  - name: desk
    target: %s/hook
    secret: %s
`, ns.URL(), httpAddr, feedSrv.URL, recvSrv.URL, secret))
	run := startCommand(t, "run", "run", "--config", cfg)
	dumpOnFailure(t, run)

	fd.release(2)
	waitFor(t, "the first 2 alerts", 60*time.Second, func() bool { return recv.distinct() >= 2 })
	waitFor(t, "ready", 30*time.Second, func() bool { return readyz(httpAddr) == http.StatusOK })

	ns.stop()
	waitFor(t, "/readyz to fail while NATS is down", 30*time.Second, func() bool { return readyz(httpAddr) == http.StatusServiceUnavailable })
	ns.start()
	restarted := time.Now()
	fd.release(3)
	waitFor(t, "the alert of a story published after the restart, within 30 s", 30*time.Second, func() bool { return recv.distinct() >= 3 })
	t.Logf("alerted %s after the restart", time.Since(restarted).Round(100*time.Millisecond))
	waitFor(t, "ready again", 30*time.Second, func() bool { return readyz(httpAddr) == http.StatusOK })
	if r := run.restarts(); len(r) > 0 {
		t.Errorf("parley run exited on its own: %v", r)
	}
	run.stop(t)
	checkOnce(t, recv)
}

// The whole cluster goes down and comes back (memory state lost): every service finds its
// streams, consumers and buckets again, or re-creates them, and the next story is alerted
// once.
func TestWholeClusterRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a NATS cluster and three processes")
	}
	articles := loadArticles(t)
	cl := startCluster(t, 3)
	fd := &feed{articles: articles}
	feedSrv := httptest.NewServer(fd)
	t.Cleanup(feedSrv.Close)
	recv := newReceiver(secret)
	recvSrv := httptest.NewServer(recv)
	t.Cleanup(recvSrv.Close)
	cfg := writeConfig(t, fmt.Sprintf(`nats:
  replicas: 3
http:
  listen: 127.0.0.1:0
log:
  level: debug
feeds:
  - url: %s/rss.xml
    interval: 1s
subscriptions:
  - name: desk
    target: %s/hook
    secret: %s
`, feedSrv.URL, recvSrv.URL, secret))
	var procs []*proc
	for _, svc := range []string{"fetch", "parse", "notify"} {
		procs = append(procs, startProc(t, svc, 0, cl.URLs(), cfg))
	}
	dumpOnFailure(t, procs...)
	fd.release(2)
	waitFor(t, "the first 2 alerts", 60*time.Second, func() bool { return recv.distinct() >= 2 })

	for i := range cl.nodes {
		cl.nodes[i].Shutdown()
	}
	for i := range cl.nodes {
		cl.nodes[i].WaitForShutdown()
		cl.nodes[i] = cl.newNode(i)
		go cl.nodes[i].Start()
	}
	for i := range cl.nodes {
		cl.waitReady(i)
	}
	cl.waitJetStream()
	fd.release(3)
	waitFor(t, "the alert of a story published after the restart", 90*time.Second, func() bool { return recv.distinct() >= 3 })
	for _, p := range procs {
		p.stop(t)
	}
	checkOnce(t, recv)
}

// publishAlerts puts n alerts straight onto parley.alerts, as notify's folding would.
func publishAlerts(t *testing.T, js jetstream.JetStream, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := range n {
		id := fmt.Sprintf("slow-%02d", i)
		a := &parleyv1.Alert{Id: id, Kind: "new_round", Headline: "Talks " + id,
			Round: &parleyv1.Round{Id: "round-" + id, Parties: []string{"RU", "UA"}, StartDate: "2026-01-20"}}
		data, err := proto.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := js.Publish(ctx, "parley.alerts.new_round", data, jetstream.WithMsgID(id)); err != nil {
			t.Fatal(err)
		}
	}
}

func notifyConfig(t *testing.T, recvURL, extra string) string {
	return writeConfig(t, fmt.Sprintf(`http:
  listen: 127.0.0.1:0
log:
  level: debug
subscriptions:
  - name: desk
    target: %s/hook
    secret: %s
%s`, recvURL, secret, extra))
}

func waitConsumer(t *testing.T, js jetstream.JetStream, stream, name string) {
	t.Helper()
	waitFor(t, "consumer "+name, 60*time.Second, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err := js.Consumer(ctx, stream, name)
		return err == nil
	})
}

// Two notify replicas behind a receiver that answers each POST after 3 s: every alert
// arrives exactly once. (A client buffer of many messages would hold some past their ack
// wait, and the other replica would be given them too.)
func TestSlowReceiverTwoReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two notify processes against a slow receiver")
	}
	ns := startSingle(t)
	js := ns.jetStream()
	recv := newReceiver(secret)
	recv.delay = 3 * time.Second
	recvSrv := httptest.NewServer(recv)
	t.Cleanup(recvSrv.Close)
	cfg := notifyConfig(t, recvSrv.URL, "")
	a := startProc(t, "notify", 0, ns.URL(), cfg)
	b := startProc(t, "notify", 1, ns.URL(), cfg)
	dumpOnFailure(t, a, b)
	waitConsumer(t, js, "PARLEY_ALERTS", "deliver_desk")
	// 20 alerts a replica: with the old 16-message client buffer the last ones waited past
	// their 40 s ack wait.
	const n = 40
	publishAlerts(t, js, n)
	waitFor(t, fmt.Sprintf("all %d alerts", n), 3*time.Minute, func() bool { return recv.distinct() >= n })
	// Anything sent twice would come after its ack wait: wait until nothing is in flight.
	waitFor(t, "the consumer to drain", time.Minute, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		c, err := js.Consumer(ctx, "PARLEY_ALERTS", "deliver_desk")
		if err != nil {
			return false
		}
		ci, err := c.Info(ctx)
		return err == nil && ci.NumPending == 0 && ci.NumAckPending == 0
	})
	a.stop(t)
	b.stop(t)
	checkOnce(t, recv)
}

// Operator mistakes against running services: a delivery consumer deleted under notify is
// re-created and delivery goes on; a message parse can never read is dead-lettered with the
// reason instead of being retried for ever.
func TestDeletedConsumerAndPoisonMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs notify and parse processes")
	}
	ns := startSingle(t)
	js := ns.jetStream()
	recv := newReceiver(secret)
	recvSrv := httptest.NewServer(recv)
	t.Cleanup(recvSrv.Close)
	cfg := notifyConfig(t, recvSrv.URL, "")
	nt := startProc(t, "notify", 0, ns.URL(), cfg)
	ps := startProc(t, "parse", 0, ns.URL(), cfg)
	dumpOnFailure(t, nt, ps)
	waitConsumer(t, js, "PARLEY_ALERTS", "deliver_desk")
	waitConsumer(t, js, "PARLEY_ITEMS", "parse")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := js.DeleteConsumer(ctx, "PARLEY_ALERTS", "deliver_desk"); err != nil {
		t.Fatal(err)
	}
	waitConsumer(t, js, "PARLEY_ALERTS", "deliver_desk")
	publishAlerts(t, js, 1)
	waitFor(t, "the alert after the consumer was deleted", 60*time.Second, func() bool { return recv.distinct() >= 1 })

	if _, err := js.Publish(ctx, "parley.items.poison", []byte("\xff not a FeedItem"), jetstream.WithMsgID("poison")); err != nil {
		t.Fatal(err)
	}
	dlq, err := js.Stream(ctx, "PARLEY_DLQ")
	if err != nil {
		t.Fatal(err)
	}
	var m *jetstream.RawStreamMsg
	waitFor(t, "the poison message in the DLQ", 60*time.Second, func() bool {
		m, err = dlq.GetLastMsgForSubject(ctx, "parley.dlq._stage.parse")
		return err == nil
	})
	if r := m.Header.Get("Parley-Dlq-Reason"); r == "" {
		t.Error("dead letter without a reason")
	}
	for _, p := range []*proc{nt, ps} {
		if r := p.restarts(); len(r) > 0 {
			t.Errorf("%s exited on its own: %v", p.name, r)
		}
		p.stop(t)
	}
	checkOnce(t, recv)
}

// runOnce runs the parley binary to its end and returns its output and exit error; it
// fails the test if the process is still running after limit.
func runOnce(t *testing.T, limit time.Duration, args ...string) (string, error) {
	t.Helper()
	p := startCommand(t, "once", args...)
	p.mu.Lock()
	p.ending = true // no restart
	p.mu.Unlock()
	select {
	case <-p.done:
	case <-time.After(limit):
		p.kill(t)
		t.Fatalf("parley %s still running after %s\n%s", strings.Join(args, " "), limit, p.tail())
	}
	return p.tail(), p.err
}

// One process per store: a second `parley run` on a store in use fails at once naming the
// holder, a busy NATS port fails at once, and Ctrl-C ends a start-up that waits for NATS.
func TestStartUpMistakes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs parley processes")
	}
	store := t.TempDir()
	natsPort, httpPort := freePort(t), freePort(t)
	cfg := writeConfig(t, fmt.Sprintf(`nats:
  store_dir: %s
  listen: 127.0.0.1:%d
http:
  listen: 127.0.0.1:%d
`, store, natsPort, httpPort))
	first := startCommand(t, "first", "run", "--config", cfg)
	dumpOnFailure(t, first)
	waitFor(t, "the first run to be ready", 60*time.Second, func() bool { return readyz(fmt.Sprintf("127.0.0.1:%d", httpPort)) == http.StatusOK })

	other := writeConfig(t, fmt.Sprintf(`nats:
  store_dir: %s
  listen: 127.0.0.1:%d
http:
  listen: 127.0.0.1:%d
`, store, freePort(t), freePort(t)))
	out, err := runOnce(t, 10*time.Second, "run", "--config", other)
	if err == nil || !strings.Contains(out, fmt.Sprintf("in use by process %d", first.cmd.Process.Pid)) {
		t.Errorf("second run on the same store: %v\n%s", err, out)
	}

	busy := writeConfig(t, fmt.Sprintf(`nats:
  store_dir: %s
  listen: 127.0.0.1:%d
http:
  listen: 127.0.0.1:%d
`, t.TempDir(), natsPort, freePort(t)))
	out, err = runOnce(t, 10*time.Second, "run", "--config", busy)
	if err == nil || !strings.Contains(out, "address already in use") {
		t.Errorf("run on a busy NATS port: %v\n%s", err, out)
	}
	busyHTTP := writeConfig(t, fmt.Sprintf(`nats:
  store_dir: %s
  listen: 127.0.0.1:%d
http:
  listen: 127.0.0.1:%d
`, t.TempDir(), freePort(t), httpPort))
	out, err = runOnce(t, 10*time.Second, "run", "--config", busyHTTP)
	if err == nil || !strings.Contains(out, "address already in use") {
		t.Errorf("run on a busy HTTP port: %v\n%s", err, out)
	}
	first.stop(t)

	// NATS that never answers: start-up waits for it, and SIGINT ends the wait.
	waiting := writeConfig(t, fmt.Sprintf(`nats:
  url: nats://127.0.0.1:%d
http:
  listen: 127.0.0.1:%d
`, freePort(t), freePort(t)))
	p := startCommand(t, "waiting", "run", "--config", waiting)
	waitFor(t, "parley to wait for NATS", 30*time.Second, func() bool { return strings.Contains(p.tail(), "connecting to nats") })
	p.signal(syscall.SIGINT)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Errorf("Ctrl-C during start-up did not stop parley within 10 s\n%s", p.tail())
	}
}

// A rolling update with two config generations: the old pod restarting, and a process with
// no config at all, neither delete nor replace what the newer generation seeded.
func TestRollingUpdateConfigGenerations(t *testing.T) {
	if testing.Short() {
		t.Skip("runs notify and fetch processes")
	}
	ns := startSingle(t)
	js := ns.jetStream()
	gen := func(g int, sub, feed string) string {
		return writeConfig(t, fmt.Sprintf(`http:
  listen: 127.0.0.1:0
seed:
  generation: %d
feeds:
  - url: https://%s.example/rss.xml
subscriptions:
  - name: %s
    target: console://
`, g, feed, sub))
	}
	v2, v1 := gen(2, "desk-v2", "v2"), gen(1, "desk-v1", "v1")
	none := writeConfig(t, "http:\n  listen: 127.0.0.1:0\n")
	start := func(name, svc, cfg string) *proc {
		p := startCommand(t, name, svc, "--nats", ns.URL(), "--config", cfg)
		dumpOnFailure(t, p)
		waitFor(t, name+" to start", 60*time.Second, func() bool { return strings.Contains(p.tail(), svc+" started") })
		return p
	}
	keys := func(bucket string) string {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		kv, err := js.KeyValue(ctx, bucket)
		if err != nil {
			return err.Error()
		}
		lister, err := kv.ListKeys(ctx)
		if err != nil {
			return err.Error()
		}
		var out []string
		for k := range lister.Keys() {
			e, err := kv.Get(ctx, k)
			if err != nil {
				if errors.Is(err, jetstream.ErrKeyNotFound) {
					continue
				}
				return err.Error()
			}
			v := string(e.Value())
			switch {
			case strings.Contains(v, "v2"):
				out = append(out, "v2")
			case strings.Contains(v, "v1"):
				out = append(out, "v1")
			}
		}
		return strings.Join(out, ",")
	}
	for _, svc := range []string{"notify", "fetch"} {
		bucket := map[string]string{"notify": "parley_subscriptions", "fetch": "parley_feed_registry"}[svc]
		newer := start(svc+"-v2", svc, v2)
		waitFor(t, bucket+" seeded by generation 2", 30*time.Second, func() bool { return keys(bucket) == "v2" })
		older := start(svc+"-v1", svc, v1)
		bare := start(svc+"-none", svc, none)
		if got := keys(bucket); got != "v2" {
			t.Errorf("%s after generation 1 and a config-less %s started: %q, want only generation 2's entry", bucket, svc, got)
		}
		for _, p := range []*proc{older, bare, newer} {
			p.stop(t)
		}
	}
}
