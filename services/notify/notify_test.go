package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/bustest"
	"github.com/parleyhq/parley/platform/natsembed"
	"github.com/parleyhq/parley/platform/seal"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/notify/round"
	"github.com/parleyhq/parley/services/notify/roundstore"
)

// --- test rig ---------------------------------------------------------------------------

type rig struct {
	t   *testing.T
	dir string
	srv *server.Server
	nc  *nats.Conn
	bus *bus.Bus
}

func newRig(t *testing.T) *rig {
	r := &rig{t: t, dir: t.TempDir()}
	r.start()
	t.Cleanup(r.stop)
	return r
}

// start (re)starts the embedded server on the rig's store and connects to it.
func (r *rig) start() {
	r.t.Helper()
	srv, err := natsembed.Start(natsembed.Config{StoreDir: r.dir, Listen: "127.0.0.1:-1"}, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	nc, err := nats.Connect(srv.ClientURL())
	if err != nil {
		srv.Shutdown()
		r.t.Fatal(err)
	}
	b, err := bus.New(nc, 1)
	if err != nil {
		r.t.Fatal(err)
	}
	if b.Secrets, err = seal.Parse(bustest.Key); err != nil {
		r.t.Fatal(err)
	}
	if err := b.EnsureStreams(context.Background()); err != nil {
		r.t.Fatal(err)
	}
	r.srv, r.nc, r.bus = srv, nc, b
}

func (r *rig) stop() {
	if r.nc != nil {
		r.nc.Close()
		r.nc = nil
	}
	if r.srv != nil {
		r.srv.Shutdown()
		r.srv.WaitForShutdown()
		r.srv = nil
	}
}

func (r *rig) publishEvent(msgID string, ev *parleyv1.NegotiationEvent) {
	r.t.Helper()
	hdr := nats.Header{}
	hdr.Set(bus.HeaderFetchedAt, time.Now().UTC().Format(time.RFC3339Nano))
	subject := bus.SubjectEvents + "." + strings.ToLower(strings.TrimPrefix(ev.GetStatus().String(), "STATUS_"))
	if _, err := r.bus.Publish(context.Background(), subject, msgID, ev, hdr); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) streamMsgs(stream string) uint64 {
	r.t.Helper()
	s, err := r.bus.JS.Stream(context.Background(), stream)
	if err != nil {
		r.t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	return info.State.Msgs
}

// run starts Run and returns a function that stops it and checks it returned nil.
func run(t *testing.T, c Config) (stop func()) {
	t.Helper()
	return bustest.Serve(t, func(ctx context.Context) error { return Run(ctx, c) })
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // generous: CI runs every package at once
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func testLogger(t *testing.T) *slog.Logger {
	if !testing.Verbose() {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// receiver is a webhook endpoint that checks every signature from the secret string alone.
type receiver struct {
	secret    string
	failFirst int

	mu        sync.Mutex
	calls     int
	delivered map[string]int // alert id → accepted deliveries
	alerts    map[string]*parleyv1.Alert
	problems  []string
	srv       *httptest.Server
}

func newReceiver(t *testing.T, secret string, failFirst int) *receiver {
	r := &receiver{secret: secret, failFirst: failFirst, delivered: map[string]int{}, alerts: map[string]*parleyv1.Alert{}}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.calls <= r.failFirst {
		http.Error(w, "warming up", http.StatusServiceUnavailable)
		return
	}
	if err := checkSignatures(r.secret, req.Header, body); err != nil {
		r.problems = append(r.problems, err.Error())
	}
	var a parleyv1.Alert
	if err := protojson.Unmarshal(body, &a); err != nil {
		r.problems = append(r.problems, "body: "+err.Error())
		return
	}
	if req.Header.Get("Idempotency-Key") != a.GetId() {
		r.problems = append(r.problems, "Idempotency-Key is not the alert id")
	}
	r.delivered[a.GetId()]++
	r.alerts[a.GetId()] = &a
}

func (r *receiver) state() (calls int, delivered map[string]int, problems []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := make(map[string]int, len(r.delivered))
	for k, v := range r.delivered {
		d[k] = v
	}
	return r.calls, d, append([]string(nil), r.problems...)
}

func (r *receiver) alert(id string) *parleyv1.Alert {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.alerts[id]
}

func (r *receiver) count() int {
	_, d, _ := r.state()
	return len(d)
}

func (r *receiver) has(alertID string) bool {
	_, d, _ := r.state()
	return d[alertID] > 0
}

// checkSignatures verifies X-Parley-Signature and the Standard Webhooks signature as a
// subscriber would, with no help from package deliver.
func checkSignatures(secret string, h http.Header, body []byte) error {
	key := []byte(secret)
	if rest, ok := strings.CutPrefix(secret, "whsec_"); ok {
		var err error
		if key, err = base64.StdEncoding.DecodeString(rest); err != nil {
			return err
		}
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(body)
	if got := h.Get("X-Parley-Signature"); got != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
		return fmt.Errorf("bad X-Parley-Signature %q", got)
	}
	id, ts := h.Get("webhook-id"), h.Get("webhook-timestamp")
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil || id == "" {
		return fmt.Errorf("bad webhook-id %q or webhook-timestamp %q", id, ts)
	}
	mac = hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	if got, want := h.Get("webhook-signature"), "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)); got != want {
		return fmt.Errorf("bad webhook-signature %q, want %q", got, want)
	}
	return nil
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func event(id, url, published string, status parleyv1.Status, parties, city, start, end string) *parleyv1.NegotiationEvent {
	pub, err := time.Parse(time.RFC3339, published)
	if err != nil {
		panic(err)
	}
	return &parleyv1.NegotiationEvent{
		Id:            id,
		Article:       &parleyv1.ArticleRef{Url: url, Title: "Talks " + id, Source: "Wire", Published: timestamppb.New(pub)},
		Status:        status,
		Parties:       strings.Fields(parties),
		Location:      &parleyv1.Location{City: city},
		StartDate:     start,
		EndDate:       end,
		DatePrecision: parleyv1.DatePrecision_DATE_PRECISION_DAY,
		Topics:        []string{"security_guarantees"},
		Confidence:    0.9,
		Primary:       true,
	}
}

func counter(t *testing.T, g prometheus.Gatherer, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metric:
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if labels[lp.GetName()] != lp.GetValue() {
					continue metric
				}
			}
			return value(m)
		}
	}
	return -1
}

func value(m *dto.Metric) float64 {
	switch {
	case m.GetCounter() != nil:
		return m.GetCounter().GetValue()
	case m.GetHistogram() != nil:
		return float64(m.GetHistogram().GetSampleCount())
	}
	return 0
}

// --- tests ------------------------------------------------------------------------------

func TestEndToEnd(t *testing.T) {
	r := newRig(t)
	good := newReceiver(t, "whsec_"+base64.StdEncoding.EncodeToString([]byte("a standard webhooks secret!")), 0)
	flaky := newReceiver(t, "plain-secret", 2)
	gone := httptest.NewServer(http.NotFoundHandler())
	goneURL := gone.URL
	gone.Close()
	var screen syncBuffer
	reg := prometheus.NewRegistry()

	cfg := func(b *bus.Bus) Config {
		return Config{
			Bus: b,
			Subscriptions: []Subscription{
				{Name: "good", Target: good.srv.URL + "/hook", Secret: good.secret},
				{Name: "flaky", Target: flaky.srv.URL, Secret: flaky.secret},
				{Name: "down", Target: goneURL, Secret: "x"},
				{Name: "screen", Target: "console://", Filter: Filter{Parties: []string{"RU"}}},
			},
			Logger:          testLogger(t),
			Registerer:      reg,
			Console:         &screen,
			DeliveryTimeout: 5 * time.Second,
			MaxAttempts:     3,
			RetryBase:       5 * time.Millisecond,
			RetryMax:        50 * time.Millisecond,
		}
	}
	stop := run(t, cfg(r.bus))

	const s, u, h = parleyv1.Status_STATUS_SCHEDULED, parleyv1.Status_STATUS_UNDERWAY, parleyv1.Status_STATUS_HELD
	// One round reported by three outlets, another round, and a look back at an old meeting.
	r.publishEvent("m1", event("ad-wire#0", "https://wire.example/abu-dhabi", "2026-01-21T08:00:00Z", s, "RU UA US", "Abu Dhabi", "2026-01-23", "2026-01-24"))
	r.publishEvent("m2", event("ad-paper#0", "https://paper.example/world/abu-dhabi", "2026-01-21T09:00:00Z", s, "RU UA US", "Abu Dhabi", "2026-01-23", "2026-01-24"))
	r.publishEvent("m3", event("ad-site#0", "https://site.example/n/123", "2026-01-21T10:30:00Z", s, "RU UA US", "abu dhabi", "2026-01-23", ""))
	r.publishEvent("m4", event("gva#0", "https://wire.example/geneva", "2025-11-24T07:00:00Z", h, "UA US", "Geneva", "2025-11-23", "2025-11-23"))
	r.publishEvent("m5", event("ist#1", "https://wire.example/geneva", "2025-11-24T07:00:00Z", h, "RU UA", "Istanbul", "2025-05-16", ""))

	eventually(t, "two new rounds at both webhooks, the console and the DLQ", func() bool {
		return good.count() == 2 && flaky.count() == 2 && r.streamMsgs(bus.StreamDLQ) == 2 &&
			strings.Count(screen.String(), "[new_round]") == 1
	})
	if n := r.streamMsgs(bus.StreamAlerts); n != 2 {
		t.Errorf("%d alerts on %s, want 2", n, bus.StreamAlerts)
	}

	// The round gets under way: one update.
	r.publishEvent("m6", event("ad-live#0", "https://wire.example/abu-dhabi-live", "2026-01-23T09:00:00Z", u, "RU UA US", "Abu Dhabi", "2026-01-23", "2026-01-24"))
	eventually(t, "the update", func() bool {
		return good.count() == 3 && flaky.count() == 3 && r.streamMsgs(bus.StreamDLQ) == 3 &&
			strings.Contains(screen.String(), "[round_updated]")
	})

	_, delivered, problems := good.state()
	kinds := map[string]int{}
	for id, n := range delivered {
		if n != 1 {
			t.Errorf("good got alert %s %d times", id, n)
		}
		a := good.alert(id)
		kinds[a.GetKind()]++
		if a.GetRound().GetStatus() == parleyv1.Status_STATUS_UNDERWAY {
			if a.GetChange() != "status: scheduled → underway" || a.GetRound().GetArticleCount() != 4 {
				t.Errorf("update: change %q, %d articles", a.GetChange(), a.GetRound().GetArticleCount())
			}
			if a.GetHeadline() != "Russia, Ukraine and US hold talks in Abu Dhabi, Jan 23–24" {
				t.Errorf("headline %q", a.GetHeadline())
			}
		}
	}
	if kinds["new_round"] != 2 || kinds["round_updated"] != 1 {
		t.Errorf("kinds %v, want 2 new_round and 1 round_updated", kinds)
	}
	if len(problems) > 0 {
		t.Errorf("good receiver: %v", problems)
	}
	calls, fdelivered, fproblems := flaky.state()
	for id, n := range fdelivered {
		if n != 1 {
			t.Errorf("flaky got alert %s %d times", id, n)
		}
	}
	if calls != 5 || len(fproblems) > 0 {
		t.Errorf("flaky: %d calls (want 2 failures + 3), problems %v", calls, fproblems)
	}
	out := screen.String()
	for _, want := range []string{"Russia, Ukraine and US to hold talks in Abu Dhabi, Jan 23–24", "https://paper.example/world/abu-dhabi", "venue:   Abu Dhabi"} {
		if !strings.Contains(out, want) {
			t.Errorf("console lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Geneva") {
		t.Errorf("console shows a round its filter excludes:\n%s", out)
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"parley_notify_alerts_total", map[string]string{"kind": "new_round"}, 2},
		{"parley_notify_alerts_total", map[string]string{"kind": "round_updated"}, 1},
		{"parley_deliveries_total", map[string]string{"channel": "webhook", "result": "ok"}, 6},
		{"parley_deliveries_total", map[string]string{"channel": "webhook", "result": "dead"}, 3},
		{"parley_deliveries_total", map[string]string{"channel": "console", "result": "ok"}, 2},
		{"parley_pipeline_latency_seconds", nil, 8},
	} {
		// Counters go up just after what they count is visible to the receivers.
		eventually(t, fmt.Sprintf("%s%v = %v", c.name, c.labels, c.want), func() bool {
			return counter(t, reg, c.name, c.labels) == c.want
		})
	}
	// retries: at least flaky's two plus two per dead-lettered alert.
	if got := counter(t, reg, "parley_deliveries_total", map[string]string{"channel": "webhook", "result": "retry"}); got < 8 {
		t.Errorf("retries = %v, want ≥ 8", got)
	}

	// Restart everything on the same store. Redelivered events and a replayed alert must
	// reach nobody again; a new round published afterwards shows the pipeline is flowing.
	stop()
	r.stop()
	r.start()
	run(t, cfg(r.bus))
	r.publishEvent("m1-again", event("ad-wire#0", "https://wire.example/abu-dhabi", "2026-01-21T08:00:00Z", s, "RU UA US", "Abu Dhabi", "2026-01-23", "2026-01-24"))
	r.publishEvent("m6-again", event("ad-live#0", "https://wire.example/abu-dhabi-live", "2026-01-23T09:00:00Z", u, "RU UA US", "Abu Dhabi", "2026-01-23", "2026-01-24"))
	// A copy of a delivered alert under another message id gets past the server's duplicate
	// window; the delivery records must stop it.
	var copied *parleyv1.Alert
	for id := range delivered {
		copied = good.alert(id)
	}
	if _, err := r.bus.Publish(context.Background(), bus.SubjectAlerts+"."+copied.GetKind(), "copy-of-"+copied.GetId(), copied, nil); err != nil {
		t.Fatal(err)
	}
	r.publishEvent("m7", event("gva2#0", "https://wire.example/geneva-2", "2026-02-12T10:00:00Z", s, "RU UA US", "Geneva", "2026-02-17", "2026-02-18"))
	eventually(t, "the round published after the restart", func() bool {
		return good.count() == 4 && flaky.count() == 4 && strings.Contains(screen.String(), "in Geneva, Feb 17–18")
	})
	for _, rc := range []*receiver{good, flaky} {
		_, d, _ := rc.state()
		for id, n := range d {
			if n != 1 {
				t.Errorf("alert %s delivered %d times", id, n)
			}
		}
	}
	if n := strings.Count(screen.String(), "Abu Dhabi, Jan 23–24\n"); n != 2 {
		t.Errorf("console printed the Abu Dhabi alerts %d times, want 2:\n%s", n, screen.String())
	}
}

func TestReplayAfterCrashBetweenStoreAndPublish(t *testing.T) {
	r := newRig(t)
	rec := newReceiver(t, "s", 0)
	ctx := context.Background()

	// State as a crash right after the KV write leaves it: the round and its alert stored,
	// the alert never published.
	ev := event("crash#0", "https://wire.example/miami", "2025-12-19T12:00:00Z", parleyv1.Status_STATUS_UNDERWAY, "UA US", "Miami", "2025-12-19", "2025-12-20")
	var set round.Set
	res := round.Policy{RecentWindow: 72 * time.Hour}.Fold(&set, eventFromProto(ev), time.Now())
	if res.Alert == nil {
		t.Fatal("no alert to lose")
	}
	store, err := roundstore.Open(ctx, r.bus)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Save(ctx, set.Rounds[0], 0, nil, roundstore.Candidates{}); err != nil {
		t.Fatal(err)
	}

	run(t, Config{Bus: r.bus, Logger: testLogger(t), Subscriptions: []Subscription{{Name: "rec", Target: rec.srv.URL, Secret: "s"}}})
	r.publishEvent("redelivered", ev)
	eventually(t, "the stored alert", func() bool { return rec.has(res.Alert.ID) })
}

func TestValidate(t *testing.T) {
	b := &bus.Bus{}
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{}, "notify: bus: required"},
		{Config{Bus: b, Subscriptions: []Subscription{{Name: "a", Target: "ftp://x"}}}, "notify: subscriptions[0].target: unsupported scheme"},
		{Config{Bus: b, Subscriptions: []Subscription{{Name: "a", Target: "console://"}, {Name: "a", Target: "console:"}}}, "notify: subscriptions[1].name:"},
		{Config{Bus: b, Subscriptions: []Subscription{{Name: "a.b", Target: "console:"}}}, "notify: subscriptions[0].name:"},
		{Config{Bus: b, Subscriptions: []Subscription{{Name: "a", Target: "https://"}}}, "notify: subscriptions[0].target:"},
		{Config{Bus: b, Subscriptions: []Subscription{{Name: "a", Target: "https://h", Secret: "whsec_!!"}}}, "notify: subscriptions[0].secret:"},
		{Config{Bus: b, Subscriptions: []Subscription{{Name: "a", Target: "console:", Filter: Filter{Kinds: []string{"new"}}}}}, "notify: subscriptions[0].filter.kinds[0]:"},
		{Config{Bus: b, Subscriptions: []Subscription{{Name: "a", Target: "console:", Filter: Filter{Status: []string{"held", "soon"}}}}}, "notify: subscriptions[0].filter.status[1]:"},
		{Config{Bus: b, Subscriptions: []Subscription{{Name: "a", Target: "telegram://not-a-token@telegram?chats=@x"}}}, "notify: subscriptions[0].target: telegram URL:"},
		{Config{Bus: b, Subscriptions: []Subscription{{Name: "a", Target: "telegram://110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw@telegram?chats=@x"}, {Name: "b", Target: "ntfy://ntfy.sh/parley"}}}, ""},
		{Config{Bus: b, MaxAttempts: -1}, "notify: max_attempts:"},
		{Config{Bus: b, RetryBase: time.Minute, RetryMax: time.Second}, "notify: retry_base:"},
		{Config{Bus: b, Subscriptions: []Subscription{{Name: "ok-1", Target: "https://h/x", Secret: "s", Filter: Filter{Kinds: []string{"new_round"}, Status: []string{"STATUS_HELD"}}}}}, ""},
	}
	for i, tc := range tests {
		tc.cfg.SetDefaults()
		err := tc.cfg.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%d: unexpected %v", i, err)
		case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)):
			t.Errorf("%d: got %v, want %q…", i, err, tc.want)
		}
	}
	if err := Run(context.Background(), Config{}); err == nil || !strings.Contains(err.Error(), "bus") {
		t.Errorf("Run without a bus: %v", err)
	}
}

func TestFilter(t *testing.T) {
	a := round.Alert{Kind: round.RoundUpdated, Round: round.Round{Parties: []string{"RU", "US"}, Topics: []string{"sanctions"}, Status: round.Held}}
	for _, tc := range []struct {
		f    Filter
		want bool
	}{
		{Filter{}, true},
		{Filter{Parties: []string{"ua", "us"}}, true},
		{Filter{Parties: []string{"UA"}}, false},
		{Filter{Kinds: []string{"new_round"}}, false},
		{Filter{Kinds: []string{"new_round", "round_updated"}, Topics: []string{"Sanctions"}}, true},
		{Filter{Topics: []string{"territory"}}, false},
		{Filter{Status: []string{"STATUS_HELD"}}, true},
		{Filter{Status: []string{"scheduled"}}, false},
	} {
		if got := newMatcher(tc.f).match(a); got != tc.want {
			t.Errorf("%+v: match = %v, want %v", tc.f, got, tc.want)
		}
	}
}

func TestAlertJSON(t *testing.T) {
	ev := event("e#0", "https://wire.example/x", "2026-01-21T08:00:00Z", parleyv1.Status_STATUS_SCHEDULED, "RU UA US", "Abu Dhabi", "2026-01-23", "2026-01-24")
	ev.Mediators = []string{"AE"}
	ev.Participants = []*parleyv1.Participant{{Name: "Rustem Umerov", Party: "UA", Role: "chief negotiator"}}
	ev.RoundNumber = 1
	var set round.Set
	res := round.Policy{RecentWindow: 72 * time.Hour}.Fold(&set, eventFromProto(ev), time.Date(2026, 1, 21, 8, 0, 1, 0, time.UTC))
	js, err := AlertJSON(alertToProto(*res.Alert))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"kind":"new_round"`, `"article_count":1`, `"start_date":"2026-01-23"`, `"first_seen":"2026-01-21T08:00:00Z"`, `"change":""`} {
		if !bytes.Contains(bytes.ReplaceAll(js, []byte(" "), nil), []byte(want)) {
			t.Errorf("AlertJSON lacks %s: %s", want, js)
		}
	}
}
