package notify_test

// These tests drive notify only through its public contract, as an integrator would: they
// publish NegotiationEvent protobufs on parley.events.<status> and read Alert protobufs back
// from parley.alerts.>, both from the PARLEY_ALERTS stream and as a plain NATS subscriber,
// and the rounds from GET /api/rounds, so a silent second round shows too.

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/bustest"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/notify"
	"github.com/parleyhq/parley/services/notify/timeline"
)

// report is one article's reading of a meeting, written as the fields a NegotiationEvent has.
type report struct {
	id, published      string // RFC 3339
	status             parleyv1.Status
	parties, mediators string // space-separated codes
	city, country      string
	start, end         string
	aside              bool
}

func (r report) event() *parleyv1.NegotiationEvent {
	pub, err := time.Parse(time.RFC3339, r.published)
	if err != nil {
		panic(err)
	}
	ev := &parleyv1.NegotiationEvent{
		Id:         r.id,
		Article:    &parleyv1.ArticleRef{Url: "https://news.example/" + r.id, Title: "Report " + r.id, Source: "Example News", Published: timestamppb.New(pub)},
		Status:     r.status,
		Parties:    strings.Fields(r.parties),
		Mediators:  strings.Fields(r.mediators),
		StartDate:  r.start,
		EndDate:    r.end,
		Confidence: 0.8,
		Primary:    !r.aside,
	}
	if r.start != "" {
		ev.DatePrecision = parleyv1.DatePrecision_DATE_PRECISION_DAY
	}
	if r.city != "" || r.country != "" {
		ev.Location = &parleyv1.Location{City: r.city, Country: r.country}
	}
	return ev
}

// contractRig is a JetStream with notify running on it, a plain subscriber on the alerts and
// the rounds API (GET /api/rounds) that `parley notify` serves.
type contractRig struct {
	t   *testing.T
	bus *bus.Bus
	api *httptest.Server

	mu   sync.Mutex
	core []*parleyv1.Alert // as a core NATS subscriber saw them
}

func newContractRig(t *testing.T) *contractRig {
	t.Helper()
	env := bustest.Start(t)
	r := &contractRig{t: t, bus: env.Bus}
	sub, err := env.Bus.NC.Subscribe(bus.SubjectAlerts+".>", func(m *nats.Msg) {
		a := &parleyv1.Alert{}
		if err := proto.Unmarshal(m.Data, a); err != nil {
			t.Errorf("alert on %s is not an Alert: %v", m.Subject, err)
			return
		}
		r.mu.Lock()
		r.core = append(r.core, a)
		r.mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Unsubscribe() })
	bustest.Serve(t, func(ctx context.Context) error {
		return notify.Run(ctx, notify.Config{Bus: env.Bus, Logger: slog.New(slog.DiscardHandler)})
	})
	mux := http.NewServeMux()
	timeline.New(env.Bus.JS).Register(mux, nil)
	r.api = httptest.NewServer(mux)
	t.Cleanup(r.api.Close)
	return r
}

// rounds is what GET /api/rounds answers.
func (r *contractRig) rounds() []*parleyv1.Round {
	r.t.Helper()
	resp, err := http.Get(r.api.URL + "/api/rounds")
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Rounds []json.RawMessage `json:"rounds"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		r.t.Fatal(err)
	}
	var out []*parleyv1.Round
	for _, raw := range body.Rounds {
		rd := &parleyv1.Round{}
		if err := protojson.Unmarshal(raw, rd); err != nil {
			r.t.Fatal(err)
		}
		out = append(out, rd)
	}
	return out
}

// oneStoredRound checks that the timeline holds a single round, silent ones included.
func (r *contractRig) oneStoredRound() *parleyv1.Round {
	r.t.Helper()
	rs := r.rounds()
	if len(rs) != 1 {
		var b strings.Builder
		for _, rd := range rs {
			fmt.Fprintf(&b, "  %s %s %s..%s %s\n", rd.GetId(), rd.GetStatus(), rd.GetStartDate(), rd.GetEndDate(), rd.GetLocation().GetCity())
		}
		r.t.Fatalf("the timeline holds %d rounds, want 1:\n%s", len(rs), b.String())
	}
	return rs[0]
}

// send publishes the reports in order and waits until notify has consumed all of them.
func (r *contractRig) send(reports ...report) {
	r.t.Helper()
	ctx := context.Background()
	for _, rp := range reports {
		ev := rp.event()
		subject := bus.SubjectEvents + "." + strings.ToLower(strings.TrimPrefix(ev.GetStatus().String(), "STATUS_"))
		if _, err := r.bus.Publish(ctx, subject, ev.GetId(), ev, nil); err != nil {
			r.t.Fatal(err)
		}
	}
	r.waitFolded()
}

// waitFolded polls notify's consumer on the events stream until nothing is left for it.
func (r *contractRig) waitFolded() {
	r.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		c, err := r.bus.JS.Consumer(context.Background(), bus.StreamEvents, "notify")
		if err == nil {
			info, err := c.Info(context.Background())
			if err == nil && info.NumPending == 0 && info.NumAckPending == 0 && info.Delivered.Stream > 0 {
				return
			}
		}
		if time.Now().After(deadline) {
			r.t.Fatal("timed out waiting for notify to fold the events")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stored reads every alert on the PARLEY_ALERTS stream, in order, as a JetStream consumer.
func (r *contractRig) stored() []*parleyv1.Alert {
	r.t.Helper()
	ctx := context.Background()
	s, err := r.bus.JS.Stream(ctx, bus.StreamAlerts)
	if err != nil {
		r.t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	var out []*parleyv1.Alert
	if info.State.Msgs == 0 {
		return nil
	}
	c, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		r.t.Fatal(err)
	}
	for uint64(len(out)) < info.State.Msgs {
		m, err := c.Next(jetstream.FetchMaxWait(5 * time.Second))
		if err != nil {
			r.t.Fatal(err)
		}
		a := &parleyv1.Alert{}
		if err := proto.Unmarshal(m.Data(), a); err != nil {
			r.t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

// alerts returns the stored alerts after checking that a plain subscriber saw exactly the
// same ones, each once: an alert is published once in normal operation.
// storedAtLeast waits until the alerts stream holds n alerts, or a minute has
// passed, and returns what it holds: an event is acked once folded, and the
// alerts the fold raised may reach the stream a moment after.
func (r *contractRig) storedAtLeast(n int) []*parleyv1.Alert {
	r.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		as := r.stored()
		if len(as) >= n || time.Now().After(deadline) {
			return as
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *contractRig) alerts() []*parleyv1.Alert {
	r.t.Helper()
	stored := r.stored()
	want := describe(stored)
	deadline := time.Now().Add(time.Minute)
	for {
		r.mu.Lock()
		got := describe(r.core)
		r.mu.Unlock()
		if got == want {
			return stored
		}
		if time.Now().After(deadline) || len(got) > len(want) {
			r.t.Fatalf("a core subscriber on %s.> saw\n%s\nthe stream holds\n%s", bus.SubjectAlerts, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func describe(as []*parleyv1.Alert) string {
	var b strings.Builder
	for _, a := range as {
		fmt.Fprintf(&b, "  %s %s round=%s %s %s..%s %s (%s)\n", a.GetId(), a.GetKind(), a.GetRound().GetId(),
			a.GetRound().GetStatus(), a.GetRound().GetStartDate(), a.GetRound().GetEndDate(),
			a.GetRound().GetLocation().GetCity(), a.GetChange())
	}
	return b.String()
}

func kinds(as []*parleyv1.Alert) string {
	var ks []string
	for _, a := range as {
		ks = append(ks, a.GetKind())
	}
	return strings.Join(ks, " ")
}

func oneRound(t *testing.T, as []*parleyv1.Alert) {
	t.Helper()
	for _, a := range as[1:] {
		if a.GetRound().GetId() != as[0].GetRound().GetId() {
			t.Errorf("alerts about two rounds:\n%s", describe(as))
			return
		}
	}
}

func TestContractOneMeetingReportedDifferently(t *testing.T) {
	r := newContractRig(t)
	r.send(
		report{id: "m1", published: "2026-01-21T08:00:00Z", status: parleyv1.Status_STATUS_SCHEDULED,
			parties: "RU UA US", city: "Abu Dhabi", country: "AE", start: "2026-01-23", end: "2026-01-24"},
		// The US as a mediator, not a side.
		report{id: "m2", published: "2026-01-21T10:00:00Z", status: parleyv1.Status_STATUS_SCHEDULED,
			parties: "RU UA", mediators: "US", city: "Abu Dhabi", country: "AE", start: "2026-01-23", end: "2026-01-24"},
		// Russia left out, an ally added, and another city of the same country.
		report{id: "m3", published: "2026-01-21T12:00:00Z", status: parleyv1.Status_STATUS_SCHEDULED,
			parties: "GB UA US", city: "Dubai", country: "AE", start: "2026-01-23"},
		// No city at all.
		report{id: "m4", published: "2026-01-22T07:00:00Z", status: parleyv1.Status_STATUS_SCHEDULED,
			parties: "RU UA US", start: "2026-01-23", end: "2026-01-24"},
	)
	as := r.alerts()
	if kinds(as) != "new_round" {
		t.Fatalf("alerts:\n%s want one new_round", describe(as))
	}
	if got := as[0].GetRound(); strings.Join(got.GetParties(), " ") != "RU UA US" || got.GetLocation().GetCity() != "Abu Dhabi" {
		t.Errorf("round read as %v in %q", got.GetParties(), got.GetLocation().GetCity())
	}
	if got := r.oneStoredRound(); got.GetArticleCount() != 4 {
		t.Errorf("the round counts %d articles, want 4", got.GetArticleCount())
	}
}

func TestContractFlappingRoundGetsAnAlertPerChange(t *testing.T) {
	r := newContractRig(t)
	meeting := report{parties: "RU UA US", city: "Geneva", country: "CH", start: "2026-02-17", end: "2026-02-18"}
	for i, st := range []parleyv1.Status{
		parleyv1.Status_STATUS_SCHEDULED, parleyv1.Status_STATUS_POSTPONED,
		parleyv1.Status_STATUS_SCHEDULED, parleyv1.Status_STATUS_POSTPONED,
	} {
		rp := meeting
		rp.id, rp.status = fmt.Sprintf("f%d", i), st
		rp.published = fmt.Sprintf("2026-02-%02dT09:00:00Z", 2+2*i)
		r.send(rp)
	}
	as := r.storedAtLeast(4)
	if kinds(as) != "new_round round_updated round_updated round_updated" {
		t.Fatalf("alerts:\n%s want new_round and three round_updated", describe(as))
	}
	ids := map[string]bool{}
	for _, a := range as {
		ids[a.GetId()] = true
	}
	if len(ids) != 4 {
		t.Errorf("%d distinct ids among 4 alerts:\n%s", len(ids), describe(as))
	}
	oneRound(t, as)
	r.oneStoredRound()
	r.alerts() // and a core subscriber saw each of them once
}

func TestContractPostponementUpdatesTheRound(t *testing.T) {
	r := newContractRig(t)
	r.send(
		report{id: "p1", published: "2026-02-01T09:00:00Z", status: parleyv1.Status_STATUS_SCHEDULED,
			parties: "RU UA US", city: "Istanbul", country: "TR", start: "2026-02-10", end: "2026-02-11"},
		report{id: "p2", published: "2026-02-05T09:00:00Z", status: parleyv1.Status_STATUS_POSTPONED,
			parties: "RU UA US", city: "Istanbul", country: "TR", start: "2026-02-24"},
	)
	as := r.alerts()
	if kinds(as) != "new_round round_updated" {
		t.Fatalf("alerts:\n%s want new_round, round_updated", describe(as))
	}
	oneRound(t, as)
	got := as[1].GetRound()
	if got.GetStatus() != parleyv1.Status_STATUS_POSTPONED || got.GetStartDate() != "2026-02-24" {
		t.Errorf("updated round is %s from %s, want postponed to 2026-02-24", got.GetStatus(), got.GetStartDate())
	}
	if got := r.oneStoredRound(); got.GetStatus() != parleyv1.Status_STATUS_POSTPONED {
		t.Errorf("the timeline has the round %s", got.GetStatus())
	}
}

func TestContractVenueChangeUpdatesTheRound(t *testing.T) {
	r := newContractRig(t)
	r.send(
		report{id: "v1", published: "2026-02-01T09:00:00Z", status: parleyv1.Status_STATUS_SCHEDULED,
			parties: "RU UA US", city: "Geneva", country: "CH", start: "2026-02-10", end: "2026-02-11"},
		report{id: "v2", published: "2026-02-03T09:00:00Z", status: parleyv1.Status_STATUS_SCHEDULED,
			parties: "RU UA US", city: "Abu Dhabi", country: "AE", start: "2026-02-10", end: "2026-02-11"},
	)
	as := r.alerts()
	if kinds(as) != "new_round round_updated" {
		t.Fatalf("alerts:\n%s want new_round, round_updated", describe(as))
	}
	oneRound(t, as)
	if c := as[1].GetChange(); !strings.Contains(c, "venue: Geneva → Abu Dhabi") {
		t.Errorf("change %q, want the venue change", c)
	}
	if got := r.oneStoredRound(); got.GetLocation().GetCity() != "Abu Dhabi" {
		t.Errorf("the timeline has the round in %q", got.GetLocation().GetCity())
	}
}

func TestContractPassingRemarkStartsNoRound(t *testing.T) {
	r := newContractRig(t)
	r.send(report{id: "s1", published: "2026-02-11T09:00:00Z", status: parleyv1.Status_STATUS_UNDERWAY,
		parties: "RU UA", end: "2026-02-13", aside: true})
	if as := r.alerts(); len(as) != 0 {
		t.Fatalf("alerts:\n%s want none from a passing remark", describe(as))
	}
	if rs := r.rounds(); len(rs) != 0 {
		t.Errorf("a passing remark made %d rounds", len(rs))
	}
}

// Each alert is published once: a plain NATS subscriber, which no stream deduplicates for,
// sees every alert of a round that moves from scheduled to held exactly once.
func TestContractCoreSubscriberSeesEachAlertOnce(t *testing.T) {
	r := newContractRig(t)
	meeting := report{parties: "UA US", city: "Miami", country: "US", start: "2026-03-06", end: "2026-03-07"}
	for i, st := range []parleyv1.Status{
		parleyv1.Status_STATUS_SCHEDULED, parleyv1.Status_STATUS_UNDERWAY, parleyv1.Status_STATUS_HELD,
	} {
		rp := meeting
		rp.id, rp.status = fmt.Sprintf("c%d", i), st
		rp.published = fmt.Sprintf("2026-03-%02dT20:00:00Z", 5+i)
		r.send(rp)
	}
	if as := r.alerts(); kinds(as) != "new_round round_updated round_updated" {
		t.Fatalf("alerts:\n%s want new_round and two round_updated", describe(as))
	}
}
