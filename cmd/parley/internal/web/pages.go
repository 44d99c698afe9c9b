package web

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/parleyhq/parley/platform/bus"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/fetch"
	"github.com/parleyhq/parley/services/notify"
	"github.com/parleyhq/parley/services/notify/deliver"
	"github.com/parleyhq/parley/services/notify/timeline"
)

// filter is what the timeline page was asked to show.
type filter struct {
	Party, Track, Status, From, To string
}

func (f filter) keep(r *parleyv1.Round) bool {
	if f.Party != "" && !slices.Contains(r.GetParties(), f.Party) && !slices.Contains(r.GetMediators(), f.Party) {
		return false
	}
	if f.Track != "" && track(r) != f.Track {
		return false
	}
	if f.Status != "" && statusWord(r.GetStatus()) != f.Status {
		return false
	}
	first, last := r.GetStartDate(), r.GetEndDate()
	if first == "" {
		first = r.GetFirstSeen().AsTime().UTC().Format(time.DateOnly)
	}
	if last == "" {
		last = first
	}
	// Dates compare as text: both are YYYY-MM-DD. A round is kept when it overlaps the range.
	return (f.From == "" || last >= f.From) && (f.To == "" || first <= f.To)
}

type option struct {
	Value, Label string
}

type indexPage struct {
	Filter                    filter
	Problems                  []string
	Rounds                    []roundView
	Total                     int
	Parties, Tracks, Statuses []option
}

func (w *Web) index(rw http.ResponseWriter, req *http.Request) {
	q := req.URL.Query()
	f := filter{Party: strings.ToUpper(q.Get("party")), Track: q.Get("track"), Status: q.Get("status"),
		From: q.Get("from"), To: q.Get("to")}
	var problems []string
	for _, d := range []*string{&f.From, &f.To} {
		if *d != "" {
			if _, err := time.Parse(time.DateOnly, *d); err != nil {
				problems = append(problems, "ignored the date "+*d+": write it as 2026-01-31")
				*d = ""
			}
		}
	}
	rounds, err := w.timeline.List(req.Context(), time.Time{})
	if err != nil {
		w.fail(rw, "index", err)
		return
	}
	alerts, err := alertsByRound(req.Context(), w.bus.JS)
	if err != nil {
		w.fail(rw, "index", err)
		return
	}
	page := indexPage{Filter: f, Problems: problems, Total: len(rounds)}
	parties, tracks := map[string]bool{}, map[string]bool{}
	for _, r := range slices.Backward(rounds) { // newest first
		for _, p := range append(slices.Clone(r.GetParties()), r.GetMediators()...) {
			parties[p] = true
		}
		tracks[track(r)] = true
		if f.keep(r) {
			page.Rounds = append(page.Rounds, newRoundView(r, alerts[r.GetId()]))
		}
	}
	for _, p := range slices.Sorted(maps.Keys(parties)) {
		page.Parties = append(page.Parties, option{p, countryName(p) + " (" + p + ")"})
	}
	for _, t := range slices.Sorted(maps.Keys(tracks)) {
		page.Tracks = append(page.Tracks, option{t, trackName(t)})
	}
	for _, s := range statuses {
		page.Statuses = append(page.Statuses, option{s, s})
	}
	w.render(rw, "index.html", http.StatusOK, page)
}

func (w *Web) round(rw http.ResponseWriter, req *http.Request) {
	r, err := w.timeline.Get(req.Context(), req.PathValue("id"))
	if errors.Is(err, timeline.ErrNotFound) {
		w.render(rw, "error.html", http.StatusNotFound, errorPage{
			Title: "No such round", Message: "Parley knows no round with the id " + req.PathValue("id") + ".",
		})
		return
	}
	if err != nil {
		w.fail(rw, "round", err)
		return
	}
	alerts, err := alertsByRound(req.Context(), w.bus.JS)
	if err != nil {
		w.fail(rw, "round", err)
		return
	}
	w.render(rw, "round.html", http.StatusOK, newRoundView(r, alerts[r.GetId()]))
}

type subView struct {
	Name, Target, Filter string
	LastDelivery         time.Time
	Pending              uint64
	DeadLetters          int
}

type statusPage struct {
	Now           time.Time
	Refresh       int
	Feeds         []fetch.Status
	FailingFeeds  int
	Consumers     []consumerLag
	DeadLetters   []notify.DeadLetter
	Subscriptions []subView
}

func (w *Web) status(rw http.ResponseWriter, req *http.Request) {
	ctx := req.Context()
	page := statusPage{Now: w.now(), Refresh: int(StatusRefresh / time.Second)}
	var err error
	if page.Feeds, err = fetch.ListStatus(ctx, w.bus); err != nil {
		w.fail(rw, "status", err)
		return
	}
	for _, f := range page.Feeds {
		if f.State.LastResult == "error" {
			page.FailingFeeds++
		}
	}
	if page.Consumers, err = consumers(ctx, w.bus.JS); err != nil {
		w.fail(rw, "status", err)
		return
	}
	if page.DeadLetters, err = notify.DeadLetters(ctx, w.bus); err != nil {
		w.fail(rw, "status", err)
		return
	}
	if page.Subscriptions, err = w.subscriptions(req, page.Consumers, page.DeadLetters); err != nil {
		w.fail(rw, "status", err)
		return
	}
	w.render(rw, "status.html", http.StatusOK, page)
}

// subscriptions joins each subscription with its delivery consumer: the consumer's last
// acknowledged alert is the subscription's last delivery.
func (w *Web) subscriptions(req *http.Request, cons []consumerLag, dead []notify.DeadLetter) ([]subView, error) {
	reg, err := notify.OpenRegistry(req.Context(), w.bus)
	if err != nil {
		return nil, err
	}
	entries, err := reg.List(req.Context())
	if err != nil {
		return nil, err
	}
	out := make([]subView, 0, len(entries))
	for _, e := range entries {
		v := subView{Name: e.Name, Target: deliver.Redact(e.Target), Filter: filterText(e.Filter)}
		for _, c := range cons {
			if c.Stream == bus.StreamAlerts && c.Name == "deliver_"+e.Name {
				v.LastDelivery, v.Pending = c.LastActive, c.Pending+c.AckPending
			}
		}
		for _, d := range dead {
			if d.Subscription == e.Name {
				v.DeadLetters++
			}
		}
		out = append(out, v)
	}
	return out, nil
}

func filterText(f notify.Filter) string {
	var parts []string
	for _, p := range f.Named() {
		parts = append(parts, p.Name+": "+strings.Join(p.Values, ", "))
	}
	if len(parts) == 0 {
		return "every alert"
	}
	return strings.Join(parts, "; ")
}
