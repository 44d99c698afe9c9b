package pipeline_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/parleyhq/parley/cmd/parley/internal/demo"
	"github.com/parleyhq/parley/cmd/parley/internal/pipeline"
	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/config"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
)

var update = flag.Bool("update", false, "rewrite testdata/replay/alerts.golden from this run")

// replayFeeds serves one RSS feed per outlet, /<slug>/rss.xml, showing only the stories the
// test has revealed so far: a virtual clock the test advances one article at a time, so the
// pipeline sees the reporting in the order it was published.
type replayFeeds struct {
	mu       sync.Mutex
	stories  []demo.Story // publication order
	revealed int
}

func (f *replayFeeds) reveal(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.revealed = n
}

func (f *replayFeeds) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	slug := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/"), "/rss.xml")
	f.mu.Lock()
	var title string
	var items []demo.Story
	for _, st := range f.stories[:f.revealed] {
		if demo.Slug(st.Outlet) == slug {
			title = st.Outlet
			items = append(items, st)
		}
	}
	f.mu.Unlock()
	if title == "" {
		title = slug // an outlet that has published nothing yet still has a feed
	}
	body, err := demo.RSS(title, "https://"+slug+".example", items)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	_, _ = w.Write(body)
}

// knownMisreads are articles the extractor (services/parse/extract) reads wrongly today. They
// stay in the replay because real outlets write that way; the golden file records what the
// pipeline does with them, and this note says what it should do.
var knownMisreads = map[string]string{
	"28-miami-productive.txt":                          "no event for 'talks ... in Miami on Saturday had been productive'; harmless",
	"28b-ukraine-open-to-three-way-talks-after-mi.txt": "as 28",
	"35-analysis-alaska-istanbul.txt":                  "Istanbul (RU-UA) read with parties RU-UA-US; historical, so no alert either way",
}

// wantRounds are the meetings the replay reports (negotiation-facts.md); each must end up as
// one held round in the timeline with exactly one new_round alert. misread marks a round the
// extractor keeps from coming out right today (see knownMisreads).
var wantRounds = []struct {
	parties, city, start, end string
	misread                   string
}{
	{"UA-US", "Berlin", "2025-12-14", "2025-12-15", ""},
	{"UA-US", "Miami", "2025-12-19", "2025-12-20", ""},
	{"RU-US", "Miami", "2025-12-20", "2025-12-21", ""},
	{"UA-US", "Palm Beach", "2025-12-28", "2025-12-28", ""},
	{"UA-US", "Paris", "2026-01-06", "2026-01-07", ""},
	{"UA-US", "Miami", "2026-01-17", "2026-01-17", ""},
	{"RU-UA-US", "Abu Dhabi", "2026-01-23", "2026-01-24", ""},
	{"RU-UA-US", "Abu Dhabi", "2026-02-04", "2026-02-05", ""},
	{"RU-UA-US", "Geneva", "2026-02-17", "2026-02-18", ""},
}

func TestReplay(t *testing.T) {
	stories, err := demo.StoriesIn(os.DirFS("testdata/replay"), "*.txt")
	if err != nil {
		t.Fatal(err)
	}
	outlets := map[string]bool{}
	for _, st := range stories {
		outlets[st.Outlet] = true
	}
	if len(stories) < 40 || len(outlets) < 4 {
		t.Fatalf("%d stories from %d outlets; the replay needs at least 40 from 4", len(stories), len(outlets))
	}
	for file := range knownMisreads {
		if !slices.ContainsFunc(stories, func(st demo.Story) bool { return st.File == file }) {
			t.Errorf("knownMisreads names %s, which is no story", file)
		}
	}

	feeds := &replayFeeds{stories: stories}
	feedSrv := httptest.NewServer(feeds)
	t.Cleanup(feedSrv.Close)
	rec := &receiver{t: t}
	hook := httptest.NewServer(rec)
	t.Cleanup(hook.Close)

	var cfg strings.Builder
	fmt.Fprintf(&cfg, "nats: {store_dir: %s, listen: 127.0.0.1:-1}\nhttp: {listen: 127.0.0.1:0}\nallow_private_addresses: true\nfeeds:\n", t.TempDir())
	for _, o := range slices.Sorted(maps.Keys(outlets)) {
		fmt.Fprintf(&cfg, "  - {url: %s/%s/rss.xml, name: %q}\n", feedSrv.URL, demo.Slug(o), o)
	}
	fmt.Fprintf(&cfg, "subscriptions:\n  - {name: desk, target: %s/hook, secret: %s}\n", hook.URL, secret)
	f, err := config.Parse([]byte(cfg.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	p := startWith(t, pipeline.Config{File: f, PollInterval: 50 * time.Millisecond})
	t.Cleanup(func() {
		if err := p.stop(); err != nil {
			t.Errorf("clean stop: %v", err)
		}
	})
	nc, err := nats.Connect(p.addrs.NATSURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}

	var golden strings.Builder
	golden.WriteString("# Alerts of the replay, article by article in publication order (go test -run TestReplay -update).\n")
	golden.WriteString("# Lines starting with '# misread:' mark articles the extractor reads wrongly today.\n\n")
	seen := 0
	for i, st := range stories {
		feeds.reveal(i + 1)
		settle(t, p.addrs.HTTP, js, rec, i+1, st.File)
		alerts, _ := rec.snapshot()
		fresh := alerts[seen:]
		seen = len(alerts)
		fmt.Fprintf(&golden, "%s  %-16s  %s\n", st.Published.UTC().Format("2006-01-02 15:04"), st.Outlet, st.File)
		if m := knownMisreads[st.File]; m != "" {
			fmt.Fprintf(&golden, "    # misread: %s\n", m)
		}
		var lines []string
		for _, a := range fresh {
			lines = append(lines, "    "+alertLine(a))
		}
		slices.Sort(lines) // one article's alerts may go out in any order
		for _, l := range lines {
			golden.WriteString(l + "\n")
		}
	}

	alerts, bad := rec.snapshot()
	for _, b := range bad {
		t.Error(b)
	}
	ids := map[string]bool{}
	newRounds := map[string]int{}
	for _, a := range alerts {
		if ids[a.GetId()] {
			t.Errorf("alert %s delivered twice: %s", a.GetId(), alertLine(a))
		}
		ids[a.GetId()] = true
		switch a.GetKind() {
		case "new_round":
			newRounds[a.GetRound().GetId()]++
		case "round_updated":
			if newRounds[a.GetRound().GetId()] == 0 {
				t.Errorf("round_updated before any new_round of its round: %s", alertLine(a))
			}
		default:
			t.Errorf("alert of kind %q", a.GetKind())
		}
	}
	for id, n := range newRounds {
		if n != 1 {
			t.Errorf("%d new_round alerts for round %s", n, id)
		}
	}

	// The timeline API of the running pipeline shows every round once, with its sources.
	rounds := apiRounds(t, p.addrs.HTTP)
	golden.WriteString("\n# Timeline (GET /api/rounds) after the replay\n")
	keys := map[string]bool{}
	for _, r := range rounds {
		k := roundKey(r)
		if keys[k] {
			t.Errorf("two rounds %s in the timeline", k)
		}
		keys[k] = true
		fmt.Fprintf(&golden, "%s  %s  sources=%d\n", k, status(r), len(r.GetSources()))
		one := apiRound(t, p.addrs.HTTP, r.GetId())
		if roundKey(one) != k || len(one.GetSources()) != len(r.GetSources()) {
			t.Errorf("GET /api/rounds/%s = %s, list says %s", r.GetId(), roundKey(one), k)
		}
	}
	for _, w := range wantRounds {
		var r *parleyv1.Round
		for _, c := range rounds {
			if strings.Join(c.GetParties(), "-") == w.parties && c.GetLocation().GetCity() == w.city &&
				c.GetStartDate() == w.start && c.GetEndDate() == w.end {
				r = c
			}
		}
		problem := ""
		switch {
		case r == nil:
			problem = "missing from the timeline"
		case r.GetStatus() != parleyv1.Status_STATUS_HELD:
			problem = "status " + status(r) + ", want held"
		case newRounds[r.GetId()] != 1:
			problem = fmt.Sprintf("%d new_round alerts, want 1", newRounds[r.GetId()])
		}
		name := w.parties + " " + w.city + " " + w.start
		switch {
		case problem != "" && w.misread == "":
			t.Errorf("round %s: %s", name, problem)
		case problem != "":
			t.Logf("KNOWN EXTRACTOR MISREAD (%s): round %s: %s", w.misread, name, problem)
		case w.misread != "":
			t.Errorf("round %s now comes out right: drop its misread mark (%s)", name, w.misread)
		}
	}

	path := filepath.Join("testdata", "replay", "alerts.golden")
	if *update {
		if err := os.WriteFile(path, []byte(golden.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got := golden.String(); got != string(want) {
		t.Errorf("alerts differ from %s (-want +got):\n%s", path, lineDiff(string(want), got))
	}
}

// settle waits until the pipeline has fetched and parsed n items and every stream's
// consumers have handled all they were given, so the alerts of the n-th article are out.
func settle(t *testing.T, httpAddr string, js jetstream.JetStream, rec *receiver, n int, file string) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(time.Minute)
	for {
		if metric(t, httpAddr, "parley_parse_articles_total", "") >= float64(n) && drained(ctx, t, js) {
			got, _ := rec.snapshot()
			if float64(len(got)) == metric(t, httpAddr, "parley_notify_alerts_total", "") {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("pipeline did not settle after %s (item %d)", file, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// drained reports whether the items, events and alerts streams each have consumers and every
// one of them has nothing pending and nothing unacknowledged.
func drained(ctx context.Context, t *testing.T, js jetstream.JetStream) bool {
	for _, name := range []string{bus.StreamItems, bus.StreamEvents, bus.StreamAlerts} {
		s, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatalf("stream %s: %v", name, err)
		}
		infos := s.ListConsumers(ctx)
		consumers := 0
		for ci := range infos.Info() {
			consumers++
			if ci.NumPending > 0 || ci.NumAckPending > 0 {
				return false
			}
		}
		if consumers == 0 {
			return false // the service has not started consuming yet: nothing is settled
		}
		if err := infos.Err(); err != nil {
			t.Fatalf("consumers of %s: %v", name, err)
		}
	}
	return true
}

func alertLine(a *parleyv1.Alert) string {
	line := fmt.Sprintf("%-13s %s  %s", a.GetKind(), roundKey(a.GetRound()), status(a.GetRound()))
	if c := a.GetChange(); c != "" {
		line += "  (" + c + ")"
	}
	return line
}

// roundKey names a round by its facts, not its id: parties, city and dates.
func roundKey(r *parleyv1.Round) string {
	city := r.GetLocation().GetCity()
	if city == "" {
		city = "?"
	}
	dates := r.GetStartDate()
	if e := r.GetEndDate(); e != "" && e != dates {
		dates += ".." + e
	}
	if dates == "" {
		dates = "undated"
	}
	if p := r.GetDatePrecision(); p != parleyv1.DatePrecision_DATE_PRECISION_DAY && p != parleyv1.DatePrecision_DATE_PRECISION_UNSPECIFIED {
		dates += "~" + strings.ToLower(strings.TrimPrefix(p.String(), "DATE_PRECISION_"))
	}
	return fmt.Sprintf("%s %s %s", strings.Join(r.GetParties(), "-"), city, dates)
}

func status(r *parleyv1.Round) string {
	return strings.ToLower(strings.TrimPrefix(r.GetStatus().String(), "STATUS_"))
}

func apiRounds(t *testing.T, httpAddr string) []*parleyv1.Round {
	t.Helper()
	var list struct {
		Rounds []json.RawMessage `json:"rounds"`
	}
	if err := json.Unmarshal(getBody(t, "http://"+httpAddr+"/api/rounds"), &list); err != nil {
		t.Fatal(err)
	}
	out := make([]*parleyv1.Round, 0, len(list.Rounds))
	for _, raw := range list.Rounds {
		r := &parleyv1.Round{}
		if err := protojson.Unmarshal(raw, r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func apiRound(t *testing.T, httpAddr, id string) *parleyv1.Round {
	t.Helper()
	r := &parleyv1.Round{}
	if err := protojson.Unmarshal(getBody(t, "http://"+httpAddr+"/api/rounds/"+id), r); err != nil {
		t.Fatal(err)
	}
	return r
}

func getBody(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", url, resp.Status, body)
	}
	return body
}

// lineDiff lists the lines only in want (-) or only in got (+), in order, around their longest
// common subsequence.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	// lcs[i][j] is the length of the longest common subsequence of w[i:] and g[j:].
	lcs := make([][]int, len(w)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(g)+1)
	}
	for i := len(w) - 1; i >= 0; i-- {
		for j := len(g) - 1; j >= 0; j-- {
			if w[i] == g[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var b strings.Builder
	i, j := 0, 0
	for i < len(w) || j < len(g) {
		switch {
		case i < len(w) && j < len(g) && w[i] == g[j]:
			i++
			j++
		case j == len(g) || i < len(w) && lcs[i+1][j] >= lcs[i][j+1]:
			fmt.Fprintf(&b, "- %d: %s\n", i+1, w[i])
			i++
		default:
			fmt.Fprintf(&b, "+ %d: %s\n", j+1, g[j])
			j++
		}
	}
	return b.String()
}
