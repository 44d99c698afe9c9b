package timeline_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/bustest"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/notify"
	"github.com/parleyhq/parley/services/notify/round"
	"github.com/parleyhq/parley/services/notify/roundstore"
	"github.com/parleyhq/parley/services/notify/timeline"
)

func startBus(t *testing.T) *bus.Bus {
	t.Helper()
	return bustest.Start(t).Bus
}

func rnd(id, start, end, city string, status parleyv1.Status, parties ...string) *parleyv1.Round {
	r := &parleyv1.Round{Id: id, StartDate: start, EndDate: end, Status: status, Parties: parties,
		FirstSeen: timestamppb.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}
	if city != "" {
		r.Location = &parleyv1.Location{City: city}
	}
	r.Sources = []*parleyv1.ArticleRef{{Url: "https://example.org/" + id, Title: "Talks " + id, Source: "Example"}}
	return r
}

// store writes the rounds the way notify does, through its round store.
func store(t *testing.T, b *bus.Bus, sets map[string][]*parleyv1.Round) {
	t.Helper()
	ctx := context.Background()
	s, err := roundstore.Open(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	for _, rounds := range sets {
		for _, r := range rounds {
			st := round.State{Round: notify.RoundFromProto(r)}
			if _, err := s.Save(ctx, st, 0, nil, roundstore.Candidates{}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func ids(rs []*parleyv1.Round) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.GetId())
	}
	return out
}

func fixture(t *testing.T) *timeline.Timeline {
	t.Helper()
	b := startBus(t)
	undated := rnd("undated", "", "", "", parleyv1.Status_STATUS_SCHEDULED, "UA", "US")
	undated.FirstSeen = timestamppb.New(time.Date(2026, 1, 30, 9, 0, 0, 0, time.UTC))
	store(t, b, map[string][]*parleyv1.Round{
		"parties.RU-UA-US": {
			rnd("geneva", "2026-02-17", "2026-02-18", "Geneva", parleyv1.Status_STATUS_HELD, "RU", "UA", "US"),
			rnd("abudhabi1", "2026-01-23", "2026-01-24", "Abu Dhabi", parleyv1.Status_STATUS_HELD, "RU", "UA", "US"),
		},
		"parties.UA-US": {
			rnd("paris", "2026-01-06", "2026-01-07", "Paris", parleyv1.Status_STATUS_HELD, "UA", "US"),
			undated,
		},
		"parties.RU-US": {
			rnd("miami", "2025-12-20", "2025-12-21", "Miami", parleyv1.Status_STATUS_HELD, "RU", "US"),
		},
	})
	return timeline.New(b.JS)
}

func TestList(t *testing.T) {
	tl := fixture(t)
	tests := []struct {
		since string
		want  []string
	}{
		{"", []string{"miami", "paris", "abudhabi1", "undated", "geneva"}},
		{"2026-01-07", []string{"paris", "abudhabi1", "undated", "geneva"}},
		{"2026-01-08", []string{"abudhabi1", "undated", "geneva"}},
		{"2026-02-18T10:00:00Z", []string{"geneva"}},
		{"2026-03-01", []string{}},
	}
	for _, tc := range tests {
		t.Run("since="+tc.since, func(t *testing.T) {
			since, err := timeline.ParseSince(tc.since)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tl.List(context.Background(), since)
			if err != nil {
				t.Fatal(err)
			}
			if g := ids(got); !equal(g, tc.want) {
				t.Errorf("List(since %q) = %v, want %v", tc.since, g, tc.want)
			}
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEmptyBucket(t *testing.T) {
	// Before notify has run there is no bucket; the timeline is empty, not an error, and
	// reading must not create the bucket.
	b := startBus(t)
	tl := timeline.New(b.JS)
	got, err := tl.List(context.Background(), time.Time{})
	if err != nil || len(got) != 0 {
		t.Fatalf("List on no bucket = %v, %v; want empty, nil", ids(got), err)
	}
	if _, err := b.JS.KeyValue(context.Background(), roundstore.Bucket); err == nil {
		t.Error("reading the timeline created the rounds bucket")
	}
	if _, err := tl.Get(context.Background(), "x"); !errors.Is(err, timeline.ErrNotFound) {
		t.Errorf("Get on no bucket: %v, want ErrNotFound", err)
	}
}

func TestHTTP(t *testing.T) {
	tl := fixture(t)
	mux := http.NewServeMux()
	tl.Register(mux, nil)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	get := func(t *testing.T, path string) (int, []byte) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode == http.StatusOK && resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: Content-Type %q", path, resp.Header.Get("Content-Type"))
		}
		return resp.StatusCode, body
	}

	tests := []struct {
		path     string
		code     int
		wantIDs  []string // for lists
		wantCity string   // for one round
	}{
		{path: "/api/rounds", code: 200, wantIDs: []string{"miami", "paris", "abudhabi1", "undated", "geneva"}},
		{path: "/api/rounds?since=2026-02-01", code: 200, wantIDs: []string{"geneva"}},
		{path: "/api/rounds?since=last-week", code: 400},
		{path: "/api/rounds/paris", code: 200, wantCity: "Paris"},
		{path: "/api/rounds/nope", code: 404},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			code, body := get(t, tc.path)
			if code != tc.code {
				t.Fatalf("status %d, want %d: %s", code, tc.code, body)
			}
			if code != 200 {
				return
			}
			if tc.wantIDs != nil {
				var list struct {
					Rounds []json.RawMessage `json:"rounds"`
				}
				if err := json.Unmarshal(body, &list); err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, raw := range list.Rounds {
					r := &parleyv1.Round{}
					if err := protojson.Unmarshal(raw, r); err != nil {
						t.Fatalf("round is not protojson: %v", err)
					}
					got = append(got, r.GetId())
				}
				if !equal(got, tc.wantIDs) {
					t.Errorf("ids %v, want %v", got, tc.wantIDs)
				}
				return
			}
			var fields map[string]any
			if err := json.Unmarshal(body, &fields); err != nil {
				t.Fatal(err)
			}
			// Proto field names, as SPEC's contracts spell them.
			for _, k := range []string{"start_date", "end_date", "sources", "first_seen"} {
				if _, ok := fields[k]; !ok {
					t.Errorf("field %q missing: %s", k, body)
				}
			}
			r := &parleyv1.Round{}
			if err := protojson.Unmarshal(body, r); err != nil {
				t.Fatal(err)
			}
			if r.GetLocation().GetCity() != tc.wantCity || len(r.GetSources()) != 1 {
				t.Errorf("round %+v, want city %s with its source", r, tc.wantCity)
			}
		})
	}
}
