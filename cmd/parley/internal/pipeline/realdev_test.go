package pipeline_test

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/notify"
	"github.com/parleyhq/parley/services/notify/round"
	"github.com/parleyhq/parley/services/parse"
	"github.com/parleyhq/parley/services/parse/evaluate"
	"github.com/parleyhq/parley/services/parse/extract"
	"github.com/parleyhq/parley/services/parse/lang"
)

// realdevDir is ../shared/realdev beside the project root: real published articles with gold
// labels that live outside the repository.
var realdevDir = filepath.Join("..", "..", "..", "..", "..", "shared", "realdev")

// TestRealdevRounds reads every real article in publication order as parse does and folds
// its events as notify does, then counts new_round alerts per labelled round: each expected
// round should raise exactly one, and no alert should be for a meeting nobody labelled. It
// reports the figures; it fails only when a floor reached so far is lost.
func TestRealdevRounds(t *testing.T) {
	if !evaluate.IsRealdev(realdevDir) {
		t.Skipf("no realdev corpus at %s (it lives outside the repository); nothing to fold", realdevDir)
	}
	cases, err := evaluate.LoadRealdev(realdevDir)
	if err != nil {
		t.Fatal(err)
	}
	expected, optional, err := evaluate.RealdevRounds(realdevDir)
	if err != nil {
		t.Fatal(err)
	}
	meetings := map[string][]evaluate.Meeting{} // round id → every labelled reading of it
	for _, c := range cases {
		if c.Primary != nil {
			meetings[c.Primary.Round] = append(meetings[c.Primary.Round], *c.Primary)
		}
		for _, m := range c.Secondary {
			meetings[m.Round] = append(meetings[m.Round], m)
		}
	}
	sort.SliceStable(cases, func(i, j int) bool { return cases[i].Published.Before(cases[j].Published) })

	x, err := extract.New()
	if err != nil {
		t.Fatal(err)
	}
	det := lang.New()
	policy := round.Policy{RecentWindow: 72 * time.Hour}
	var set round.Set
	var alerts []round.Alert
	for _, c := range cases {
		text, err := parse.Text(c.Raw)
		if err != nil {
			t.Fatal(err)
		}
		a := &parleyv1.Article{Url: c.URL, Title: c.Title, Source: c.Source, Published: timestamppb.New(c.Published), Text: text}
		parse.SetLanguage(det, a)
		for _, ev := range parse.Events(x, a) {
			if res := policy.Fold(&set, notify.EventFromProto(ev), c.Published); res.Alert != nil && res.Alert.Kind == round.NewRound {
				alerts = append(alerts, *res.Alert)
			}
		}
	}

	count := map[string]int{}
	var unlabelled []string
	for _, a := range alerts {
		r := a.Round
		id := ""
		for _, rid := range slices.Sorted(maps.Keys(meetings)) { // an alert may fit two labels: always the same one
			if slices.ContainsFunc(meetings[rid], func(m evaluate.Meeting) bool {
				return m.Matches(r.Parties, r.Location.City, dateOf(r.Start))
			}) {
				id = rid
				break
			}
		}
		if id == "" {
			unlabelled = append(unlabelled, fmt.Sprintf("%s @%s %s", strings.Join(r.Parties, ","), r.Location.City, dateOf(r.Start)))
			continue
		}
		count[id]++
	}
	once, missed, twice := 0, 0, 0
	for _, id := range expected {
		switch n := count[id]; {
		case n == 1:
			once++
		case n == 0:
			missed++
			t.Logf("no new_round: %s", id)
		default:
			twice++
			t.Logf("%d new_round alerts: %s", n, id)
		}
	}
	for _, u := range unlabelled {
		t.Logf("new_round for no labelled meeting: %s", u)
	}
	t.Logf("%d expected rounds: %d alerted once, %d missed, %d alerted more than once; %d optional; %d of %d new_round alerts for no labelled meeting",
		len(expected), once, missed, twice, len(optional), len(unlabelled), len(alerts))
	if frac := float64(once) / float64(len(expected)); frac < realdevRoundsFloor {
		t.Errorf("%.1f %% of expected rounds alerted exactly once, below the floor of %.0f %%", 100*frac, 100*realdevRoundsFloor)
	}
}

// realdevRoundsFloor is the share of expected rounds alerted exactly once that the reader and
// the folder have reached together; the goal is all of them.
const realdevRoundsFloor = 0.76

func dateOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}
