package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/natsembed"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/notify"
	"github.com/parleyhq/parley/services/notify/round"
	"github.com/parleyhq/parley/services/notify/roundstore"
)

func TestRounds(t *testing.T) {
	srv, err := natsembed.Start(natsembed.Config{StoreDir: t.TempDir(), Listen: "127.0.0.1:-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	url := srv.ClientURL()

	// Before notify has stored anything.
	if code, out, errOut := runCLI(t, "", "rounds", "--nats", url); code != 0 || strings.TrimSpace(out) != "no rounds" {
		t.Fatalf("empty: exit %d, out %q, err %q", code, out, errOut)
	}

	storeRounds(t, url)

	tests := []struct {
		name     string
		args     []string
		want     []string // substrings, in this order
		wantNot  []string
		wantJSON []string // round ids, for --json
	}{
		{
			name: "text",
			args: []string{"rounds", "--nats", url},
			want: []string{
				"2026-01-23 – 2026-01-24  held", "Abu Dhabi  RU–UA–US  [rabudhabi]", "Alpine Post: Abu Dhabi talks end <https://a.example/0>",
				"2026-02-17 – 2026-02-18  scheduled", "Geneva, CH", "participants: Rustem Umerov",
				"2026-02-01 10:00  Alpine Post: Geneva talks set <https://a.example/1>", "Harbour Times: Talks in Geneva next week",
			},
		},
		{name: "since", args: []string{"rounds", "--nats", url, "--since", "2026-02-01"}, want: []string{"[rgeneva]"}, wantNot: []string{"rabudhabi"}},
		{name: "json", args: []string{"rounds", "--nats", url, "--json"}, wantJSON: []string{"rabudhabi", "rgeneva"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			rest := out
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("output lacks %q (in order):\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
			for _, w := range tc.wantNot {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
			if tc.wantJSON != nil {
				// JSON lines, one round per line, like every other list.
				var got []string
				for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
					var r struct {
						ID        string `json:"id"`
						StartDate string `json:"start_date"`
					}
					if err := json.Unmarshal([]byte(line), &r); err != nil {
						t.Fatalf("not a JSON line: %v\n%s", err, out)
					}
					got = append(got, r.ID)
				}
				if strings.Join(got, ",") != strings.Join(tc.wantJSON, ",") {
					t.Errorf("ids %v, want %v", got, tc.wantJSON)
				}
			}
		})
	}
	if code, _, _ := runCLI(t, "", "rounds", "--nats", url, "--since", "soon"); code == 0 {
		t.Error("a bad --since was accepted")
	}
}

// storeRounds writes two rounds into the rounds bucket the way notify stores them.
func storeRounds(t *testing.T, url string) {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	b, err := bus.New(nc, 1)
	if err != nil {
		t.Fatal(err)
	}
	store, err := roundstore.Open(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	pub := timestamppb.New(time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC))
	for _, r := range []*parleyv1.Round{
		{
			Id: "rgeneva", Parties: []string{"RU", "UA", "US"}, StartDate: "2026-02-17", EndDate: "2026-02-18",
			DatePrecision: parleyv1.DatePrecision_DATE_PRECISION_DAY, Status: parleyv1.Status_STATUS_SCHEDULED,
			Location:     &parleyv1.Location{City: "Geneva", Country: "CH"},
			Participants: []*parleyv1.Participant{{Name: "Rustem Umerov", Party: "UA"}},
			Sources: []*parleyv1.ArticleRef{
				{Url: "https://a.example/1", Title: "Geneva talks set", Source: "Alpine Post", Published: pub},
				{Url: "https://b.example/2", Title: "Talks in Geneva next week", Source: "Harbour Times", Published: pub},
			},
		},
		{
			Id: "rabudhabi", Parties: []string{"RU", "UA", "US"}, StartDate: "2026-01-23", EndDate: "2026-01-24",
			Status: parleyv1.Status_STATUS_HELD, Location: &parleyv1.Location{City: "Abu Dhabi"},
			Sources: []*parleyv1.ArticleRef{{Url: "https://a.example/0", Title: "Abu Dhabi talks end", Source: "Alpine Post"}},
		},
	} {
		st := round.State{Round: notify.RoundFromProto(r)}
		if _, err := store.Save(context.Background(), st, 0, nil, roundstore.Candidates{}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestNotifyServesRounds runs `parley notify` against a NATS holding rounds and reads them
// back from its HTTP endpoint, as a deployment's API consumers would.
func TestNotifyServesRounds(t *testing.T) {
	srv, err := natsembed.Start(natsembed.Config{StoreDir: t.TempDir(), Listen: "127.0.0.1:-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	storeRounds(t, srv.ClientURL())

	// ops.Serve does not report its address here, so take a free port first.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	cfg := filepath.Join(t.TempDir(), "parley.yaml")
	if err := os.WriteFile(cfg, []byte("http: {listen: "+addr+"}\nlog: {level: error}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var out, errb bytes.Buffer
	go func() {
		done <- dispatch(ctx, []string{"notify", "--nats", srv.ClientURL(), "--config", cfg}, stdio{in: strings.NewReader(""), out: &out, err: &errb})
	}()
	defer func() {
		// Stop only once notify consumes events: a stop during its start-up is another test's.
		waitConsuming(t, srv.ClientURL())
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("parley notify exited %d: %s", code, errb.String())
		}
	}()

	var body []byte
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get("http://" + addr + "/api/rounds?since=2026-01-01")
		if err == nil {
			body, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil && resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET /api/rounds: %v %s", err, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(string(body), `"id":"rabudhabi"`) || !strings.Contains(string(body), `"id":"rgeneva"`) {
		t.Errorf("GET /api/rounds = %s", body)
	}
	resp, err := http.Get("http://" + addr + "/api/rounds/rgeneva")
	if err != nil {
		t.Fatal(err)
	}
	one, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(one), `"start_date":"2026-02-17"`) {
		t.Errorf("GET /api/rounds/rgeneva = %d %s", resp.StatusCode, one)
	}
}

// waitConsuming waits until some consumer of the events stream has a pull request waiting.
func waitConsuming(t *testing.T, url string) {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if s, err := js.Stream(ctx, bus.StreamEvents); err == nil {
			infos := s.ListConsumers(ctx)
			for ci := range infos.Info() {
				if ci.NumWaiting > 0 {
					return
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Error("notify never started consuming events")
}
