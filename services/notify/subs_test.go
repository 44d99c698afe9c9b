package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/proto"

	"github.com/parleyhq/parley/platform/bus"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
)

// target is a webhook receiver that can be broken and mended, and keeps every request's
// Idempotency-Key in arrival order.
type target struct {
	srv    *httptest.Server
	broken atomic.Bool
	// failFirst requests fail whatever broken says.
	failFirst int
	mu        sync.Mutex
	keys      []string // accepted requests
	failed    int
}

func newTarget(t *testing.T) *target {
	tg := &target{}
	tg.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		tg.mu.Lock()
		defer tg.mu.Unlock()
		if tg.broken.Load() || tg.failed < tg.failFirst {
			tg.failed++
			http.Error(w, "receiver is down for maintenance", http.StatusServiceUnavailable)
			return
		}
		tg.keys = append(tg.keys, r.Header.Get("Idempotency-Key"))
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(tg.srv.Close)
	return tg
}

func (tg *target) got() []string {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return slices.Clone(tg.keys)
}

func (tg *target) times(id string) int {
	n := 0
	for _, k := range tg.got() {
		if k == id {
			n++
		}
	}
	return n
}

func (tg *target) failures() int {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return tg.failed
}

func fastConfig(t *testing.T, b *bus.Bus, subs ...Subscription) Config {
	return Config{
		Bus: b, Subscriptions: subs, Logger: testLogger(t),
		DeliveryTimeout: 5 * time.Second, MaxAttempts: 3,
		RetryBase: 5 * time.Millisecond, RetryMax: 20 * time.Millisecond,
	}
}

// round publishes one event that starts a new round in city and returns its alert id once
// the alert is on the stream.
func (r *rig) newRound(n int, city string) {
	r.t.Helper()
	day := time.Date(2026, 1, 10+n, 0, 0, 0, 0, time.UTC)
	r.publishEvent("ev-"+city, event("ev-"+city+"#0", "https://wire.example/"+strings.ToLower(city), day.Add(-48*time.Hour).Format(time.RFC3339),
		parleyv1.Status_STATUS_SCHEDULED, "RU UA US", city, day.Format(time.DateOnly), day.Format(time.DateOnly)))
}

func (r *rig) consumerExists(name string) bool {
	_, err := r.bus.JS.Consumer(context.Background(), bus.StreamAlerts, name)
	return err == nil
}

// lastAlertID is the id of the newest alert on the stream.
func (r *rig) lastAlertID() string {
	r.t.Helper()
	s, err := r.bus.JS.Stream(context.Background(), bus.StreamAlerts)
	if err != nil {
		r.t.Fatal(err)
	}
	m, err := s.GetLastMsgForSubject(context.Background(), bus.SubjectAlerts+".>")
	if err != nil {
		r.t.Fatal(err)
	}
	var a parleyv1.Alert
	if err := protoUnmarshal(m.Data, &a); err != nil {
		r.t.Fatal(err)
	}
	return a.GetId()
}

func TestSeedFromConfig(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	reg, err := OpenRegistry(ctx, r.bus)
	if err != nil {
		t.Fatal(err)
	}
	// The state an earlier run and an operator left.
	for _, e := range []struct {
		s      Subscription
		origin string
	}{
		{Subscription{Name: "desk", Target: "https://old.example/hook", Secret: "s"}, OriginConfig},
		{Subscription{Name: "retired", Target: "console://"}, OriginConfig},
		{Subscription{Name: "added-live", Target: "https://ops.example/hook", Filter: Filter{Parties: []string{"UA"}}}, OriginCLI},
		{Subscription{Name: "claimed", Target: "console://"}, OriginCLI},
	} {
		if err := reg.Put(ctx, e.s, e.origin); err != nil {
			t.Fatal(err)
		}
	}
	cfg := []Subscription{
		{Name: "desk", Target: "https://new.example/hook", Secret: "s"},
		{Name: "claimed", Target: "https://claimed.example/hook"},
		{Name: "fresh", Target: "console://", Filter: Filter{Kinds: []string{"new_round"}}},
	}
	if err := reg.seed(ctx, cfg, Seed{}, testLogger(t)); err != nil {
		t.Fatal(err)
	}
	entries, err := reg.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range entries {
		got[e.Name] = e.Origin + " " + e.Target
	}
	want := map[string]string{
		"desk":       "config https://new.example/hook", // the file wins for its names
		"claimed":    "config https://claimed.example/hook",
		"fresh":      "config console://",
		"added-live": "cli https://ops.example/hook", // run-time additions survive
	}
	if len(got) != len(want) {
		t.Errorf("registry %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	// Seeding the same file again rewrites nothing.
	before, _ := reg.kv.Get(ctx, "desk")
	if err := reg.seed(ctx, cfg, Seed{}, testLogger(t)); err != nil {
		t.Fatal(err)
	}
	after, _ := reg.kv.Get(ctx, "desk")
	if before.Revision() != after.Revision() {
		t.Errorf("unchanged subscription rewritten: revision %d → %d", before.Revision(), after.Revision())
	}
	if err := reg.Put(ctx, Subscription{Name: "bad", Target: "gopher://x"}, OriginCLI); err == nil {
		t.Error("Put accepted an unsupported target")
	}
	if err := reg.Delete(ctx, "nobody"); !errors.Is(err, ErrNoSubscription) {
		t.Errorf("Delete(nobody) = %v", err)
	}
}

// A config-less process and an older generation of the config never delete or replace what
// a newer generation seeded; the newer one takes over its owner's entries.
func TestSeedGenerations(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	reg, err := OpenRegistry(ctx, r.bus)
	if err != nil {
		t.Fatal(err)
	}
	log := testLogger(t)
	v1 := []Subscription{{Name: "desk", Target: "https://v1.example/hook"}, {Name: "old", Target: "console://"}}
	v2 := []Subscription{{Name: "desk", Target: "https://v2.example/hook"}, {Name: "new", Target: "console://"}}
	state := func() map[string]string {
		entries, err := reg.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, e := range entries {
			got[e.Name] = fmt.Sprintf("%s g%d", e.Target, e.Generation)
		}
		return got
	}
	want2 := map[string]string{"desk": "https://v2.example/hook g2", "new": "console:// g2"}
	check := func(step string, want map[string]string) {
		t.Helper()
		if got := state(); !maps.Equal(got, want) {
			t.Errorf("%s: registry %v, want %v", step, got, want)
		}
	}
	if err := reg.seed(ctx, v1, Seed{Owner: "prod", Generation: 1}, log); err != nil {
		t.Fatal(err)
	}
	if err := reg.seed(ctx, v2, Seed{Owner: "prod", Generation: 2}, log); err != nil {
		t.Fatal(err)
	}
	check("generation 2 seeded", want2)
	if err := reg.seed(ctx, v1, Seed{Owner: "prod", Generation: 1}, log); err != nil {
		t.Fatal(err)
	}
	check("generation 1 restarted", want2)
	if err := reg.seed(ctx, nil, Seed{}, log); err != nil {
		t.Fatal(err)
	}
	check("no config", want2)
	if err := reg.seed(ctx, v1, Seed{Owner: "staging", Generation: 1}, log); err != nil {
		t.Fatal(err)
	}
	check("another owner's older generation", map[string]string{"desk": "https://v2.example/hook g2", "new": "console:// g2", "old": "console:// g1"})
}

func TestSubscriptionsChangeAtRunTime(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	var screen syncBuffer
	hook := newTarget(t)
	// Telegram stand-in: the chat channel goes through Config.Transport.
	var tgMu sync.Mutex
	var tgTexts []string
	tg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var p struct {
			Text string `json:"text"`
		}
		_ = json.NewDecoder(req.Body).Decode(&p)
		tgMu.Lock()
		tgTexts = append(tgTexts, req.Header.Get("X-Meant-For")+" "+p.Text)
		tgMu.Unlock()
		io.WriteString(w, `{"ok":true,"result":{}}`)
	}))
	defer tg.Close()
	tgURL, _ := url.Parse(tg.URL)
	reg := prometheus.NewRegistry()

	cfg := fastConfig(t, r.bus, Subscription{Name: "screen", Target: "console://"})
	cfg.Console = &screen
	cfg.Registerer = reg
	cfg.Transport = roundTrip(func(req *http.Request) (*http.Response, error) {
		if req.URL.Host == "api.telegram.org" {
			req = req.Clone(req.Context())
			req.Header.Set("X-Meant-For", req.URL.Host)
			req.URL.Scheme, req.URL.Host = "http", tgURL.Host
		}
		return http.DefaultTransport.RoundTrip(req)
	})
	// The queue of a subscription removed while no notify was running.
	if _, err := r.bus.Durable(ctx, bus.StreamAlerts, jetstream.ConsumerConfig{Durable: "deliver_ghost", FilterSubject: bus.SubjectAlerts + ".>"}); err != nil {
		t.Fatal(err)
	}
	run(t, cfg)
	subs, err := OpenRegistry(ctx, r.bus)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the configured subscription's queue and no orphan", func() bool {
		return r.consumerExists("deliver_screen") && !r.consumerExists("deliver_ghost")
	})

	for _, s := range []Subscription{
		{Name: "late", Target: hook.srv.URL, Secret: "s"},
		{Name: "chat", Target: "telegram://110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw@telegram?chats=@parley_desk"},
	} {
		if err := subs.Put(ctx, s, OriginCLI); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "queues of the added subscriptions", func() bool {
		return r.consumerExists("deliver_late") && r.consumerExists("deliver_chat")
	})
	r.newRound(1, "Geneva")
	eventually(t, "the alert at the added webhook and chat", func() bool {
		tgMu.Lock()
		defer tgMu.Unlock()
		return len(hook.got()) == 1 && len(tgTexts) == 1
	})
	if !strings.Contains(tgTexts[0], "api.telegram.org <b>New round:</b> <b>Russia, Ukraine and US to hold talks in Geneva") {
		t.Errorf("telegram got %q", tgTexts[0])
	}

	if err := subs.Delete(ctx, "late"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the removed subscription's queue deleted", func() bool { return !r.consumerExists("deliver_late") })
	r.newRound(2, "Istanbul")
	eventually(t, "the next alert on the console and in the chat", func() bool {
		tgMu.Lock()
		defer tgMu.Unlock()
		return strings.Contains(screen.String(), "Istanbul") && len(tgTexts) == 2
	})
	if got := hook.got(); len(got) != 1 {
		t.Errorf("removed subscription still got alerts: %v", got)
	}
	// The stand-in sees the message before the deliverer counts it.
	eventually(t, "two telegram deliveries counted", func() bool {
		return counter(t, reg, "parley_deliveries_total", map[string]string{"channel": "telegram", "result": "ok"}) == 2
	})
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestDeadLetterAndReplay(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	flaky, down := newTarget(t), newTarget(t)
	flaky.failFirst = 2 // recovers after two failures; down never does
	down.broken.Store(true)
	var screen syncBuffer
	cfg := fastConfig(t, r.bus,
		Subscription{Name: "flaky", Target: flaky.srv.URL, Secret: "s"},
		Subscription{Name: "down", Target: down.srv.URL, Secret: "s"},
		Subscription{Name: "screen", Target: "console://"})
	cfg.MaxAttempts = 6
	cfg.RetryBase, cfg.RetryMax = 20*time.Millisecond, 40*time.Millisecond
	cfg.Console = &screen
	run(t, cfg)
	eventually(t, "queues", func() bool { return r.consumerExists("deliver_down") })

	r.newRound(1, "Geneva")
	eventually(t, "the alert printed", func() bool { return strings.Contains(screen.String(), "Geneva") })
	id := r.lastAlertID()
	eventually(t, "flaky delivered and down dead-lettered", func() bool {
		return flaky.times(id) == 1 && r.streamMsgs(bus.StreamDLQ) == 1
	})
	if n := down.failures(); n != cfg.MaxAttempts {
		t.Errorf("down was tried %d times, want %d", n, cfg.MaxAttempts)
	}
	if n := flaky.failures(); n != 2 {
		t.Errorf("flaky failed %d times, want 2", n)
	}

	letters, err := DeadLetters(ctx, r.bus)
	if err != nil {
		t.Fatal(err)
	}
	if len(letters) != 1 {
		t.Fatalf("%d dead letters, want 1", len(letters))
	}
	dl := letters[0]
	if dl.Subscription != "down" || dl.Alert.GetId() != id || dl.Attempts != cfg.MaxAttempts ||
		!strings.Contains(dl.LastError, "503 Service Unavailable") || !strings.Contains(dl.LastError, "down for maintenance") ||
		!strings.Contains(dl.Alert.GetHeadline(), "Geneva") || time.Since(dl.Time) > time.Minute {
		t.Errorf("dead letter %+v", dl)
	}

	// Still down: the replay fails and the letter stays.
	res, err := Replay(ctx, ReplayOptions{Bus: r.bus})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Err == nil || r.streamMsgs(bus.StreamDLQ) != 1 {
		t.Fatalf("replay to a down target: %+v", res)
	}
	down.broken.Store(false)
	// Other subscriptions and other alerts are left alone by a filtered replay.
	if res, err := Replay(ctx, ReplayOptions{Bus: r.bus, Subscription: "flaky"}); err != nil || len(res) != 0 {
		t.Fatalf("replay of another subscription: %+v %v", res, err)
	}
	if res, err := Replay(ctx, ReplayOptions{Bus: r.bus, AlertIDs: []string{"other"}}); err != nil || len(res) != 0 {
		t.Fatalf("replay of another alert: %+v %v", res, err)
	}
	res, err = Replay(ctx, ReplayOptions{Bus: r.bus, Subscription: "down", AlertIDs: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Err != nil || res[0].Outcome != "delivered (202 Accepted)" {
		t.Fatalf("replay: %+v", res)
	}
	if down.times(id) != 1 || r.streamMsgs(bus.StreamDLQ) != 0 {
		t.Errorf("after replay: %d deliveries, %d dead letters", down.times(id), r.streamMsgs(bus.StreamDLQ))
	}
	// A copy of the alert reaching the queue again is stopped by the delivery record.
	a := &parleyv1.Alert{}
	s, _ := r.bus.JS.Stream(ctx, bus.StreamAlerts)
	m, err := s.GetLastMsgForSubject(ctx, bus.SubjectAlerts+".>")
	if err != nil {
		t.Fatal(err)
	}
	if err := protoUnmarshal(m.Data, a); err != nil {
		t.Fatal(err)
	}
	ack, err := r.bus.Publish(ctx, m.Subject, "copy-"+id, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitProcessed(t, r, "deliver_down", ack.Sequence)
	if res, err := Replay(ctx, ReplayOptions{Bus: r.bus}); err != nil || len(res) != 0 {
		t.Errorf("second replay: %+v %v", res, err)
	}
	if down.times(id) != 1 || flaky.times(id) != 1 {
		t.Errorf("duplicates: down %d, flaky %d", down.times(id), flaky.times(id))
	}
}

// waitProcessed waits until consumer has acked the stream up to seq.
func waitProcessed(t *testing.T, r *rig, consumer string, seq uint64) {
	t.Helper()
	eventually(t, consumer+" past the copy", func() bool {
		c, err := r.bus.JS.Consumer(context.Background(), bus.StreamAlerts, consumer)
		if err != nil {
			return false
		}
		info, err := c.Info(context.Background())
		return err == nil && info.AckFloor.Stream >= seq
	})
}

func TestReplicaKilledBetweenSendAndAck(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	rec := newTarget(t)
	sub := Subscription{Name: "rec", Target: rec.srv.URL, Secret: "s"}

	// Replica 1 dies right after the receiver answered: no record, no ack.
	ctx1, kill := context.WithCancel(ctx)
	defer kill()
	cfg1 := fastConfig(t, r.bus, sub)
	var abandoned atomic.Int32
	cfg1.afterSend = func(context.Context, string, string) error {
		abandoned.Add(1)
		kill()
		return errors.New("replica killed")
	}
	done1 := make(chan error, 1)
	go func() { done1 <- Run(ctx1, cfg1) }()
	eventually(t, "replica 1's queue", func() bool { return r.consumerExists("deliver_rec") })
	r.newRound(1, "Geneva")
	eventually(t, "the send before the crash", func() bool { return len(rec.got()) == 1 })
	select {
	case <-done1:
	case <-time.After(30 * time.Second):
		t.Fatal("replica 1 did not stop")
	}
	if abandoned.Load() != 1 {
		t.Fatalf("hook ran %d times", abandoned.Load())
	}
	id := r.lastAlertID()

	// Replica 2 on the same store takes the unacked alert over and sends it again with the
	// same Idempotency-Key, which lets the receiver drop it; nothing else is ever repeated.
	run(t, fastConfig(t, r.bus, sub))
	eventually(t, "the redelivery", func() bool { return len(rec.got()) == 2 })
	if got := rec.got(); got[0] != id || got[1] != id {
		t.Errorf("Idempotency-Keys %v, want twice %s", got, id)
	}
	// Another round, and a copy of the first alert under a new message id.
	r.newRound(2, "Istanbul")
	eventually(t, "the next round", func() bool { return len(rec.got()) == 3 })
	s, _ := r.bus.JS.Stream(ctx, bus.StreamAlerts)
	m, err := s.GetMsg(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	a := &parleyv1.Alert{}
	if err := protoUnmarshal(m.Data, a); err != nil {
		t.Fatal(err)
	}
	ack, err := r.bus.Publish(ctx, m.Subject, "copy-"+a.GetId(), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitProcessed(t, r, "deliver_rec", ack.Sequence)
	if n := rec.times(id); n != 2 {
		t.Errorf("alert %s reached the receiver %d times, want 2 (send, crash, resend)", id, n)
	}
	if got := rec.got(); len(got) != 3 {
		t.Errorf("receiver got %v", got)
	}
}

func TestSendTest(t *testing.T) {
	rcv := newReceiver(t, "whsec_dGVzdCBzZWNyZXQgZm9yIHBhcmxleQ==", 0)
	answer, err := SendTest(context.Background(), Subscription{Name: "desk", Target: rcv.srv.URL, Secret: rcv.secret}, TestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if answer != "200 OK" {
		t.Errorf("answer %q", answer)
	}
	_, delivered, problems := rcv.state()
	if len(delivered) != 1 || len(problems) > 0 {
		t.Fatalf("delivered %v, problems %v", delivered, problems)
	}
	for id := range delivered {
		a := rcv.alert(id)
		if !strings.HasPrefix(id, "test-desk-") || !strings.HasPrefix(a.GetHeadline(), "[test] ") || a.GetRound().GetLocation().GetCity() != "Abu Dhabi" {
			t.Errorf("sample alert %v", a)
		}
	}
	down := newTarget(t)
	down.broken.Store(true)
	if _, err := SendTest(context.Background(), Subscription{Name: "x", Target: down.srv.URL}, TestOptions{}); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("test of a broken target: %v", err)
	}
}

func protoUnmarshal(b []byte, a *parleyv1.Alert) error { return proto.Unmarshal(b, a) }

// Secrets and chat tokens are sealed in the bucket; a process without the key can list
// them (as "sealed") but neither store a new secret nor read one.
func TestSecretsSealedAtRest(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	subs, err := OpenRegistry(ctx, r.bus)
	if err != nil {
		t.Fatal(err)
	}
	const secret, token = "whsec_c2VhbGVkLWF0LXJlc3Qtc2VjcmV0", "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
	for _, s := range []Subscription{
		{Name: "hook", Target: "https://hooks.example.org/in?key=k3y", Secret: secret},
		{Name: "chat", Target: "telegram://110201543:" + token + "@telegram?chats=@desk"},
	} {
		if err := subs.Put(ctx, s, OriginCLI); err != nil {
			t.Fatal(err)
		}
	}
	kv, err := r.bus.JS.KeyValue(ctx, BucketSubscriptions)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"hook", "chat"} {
		e, err := kv.Get(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, plain := range []string{secret, token, "k3y", "hooks.example.org"} {
			if strings.Contains(string(e.Value()), plain) {
				t.Errorf("bucket value of %s shows %q: %s", name, plain, e.Value())
			}
		}
	}
	if got, err := subs.Get(ctx, "hook"); err != nil || got.Secret != secret {
		t.Fatalf("with the key, hook's secret = %q, %v", got.Secret, err)
	}

	keyless, err := bus.New(r.bus.NC, 1)
	if err != nil {
		t.Fatal(err)
	}
	blind, err := OpenRegistry(ctx, keyless)
	if err != nil {
		t.Fatal(err)
	}
	got, err := blind.Get(ctx, "chat")
	if err != nil || !got.Sealed || strings.Contains(got.Target, token) {
		t.Errorf("without the key, chat = %+v, %v; want it listed as sealed", got, err)
	}
	err = blind.Put(ctx, Subscription{Name: "new", Target: "https://hooks.example.org/x", Secret: "s"}, OriginCLI)
	if err == nil || !strings.Contains(err.Error(), "PARLEY_SECRETS_KEY") {
		t.Errorf("storing a secret without the key: %v, want refused naming PARLEY_SECRETS_KEY", err)
	}
}
