package fetch

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Poll results, the values of parley_fetch_polls_total's result label.
const (
	ResultOK          = "ok"
	ResultNotModified = "not_modified"
	ResultError       = "error"
	// ResultSkipped is a poll not made because the feed's stored state says it is not due:
	// it came to this replica (restart, hand-over) within its interval or back-off.
	ResultSkipped = "skipped"
)

type metrics struct {
	polls *prometheus.CounterVec
	// pollsBy holds polls' children by result, looked up once rather than hashed every poll.
	pollsBy   map[string]prometheus.Counter
	published prometheus.Counter
	duration  prometheus.Histogram
	feeds     prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		polls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_fetch_polls_total",
			Help: "Feed polls by result: ok, not_modified (304 or an unchanged body), error, skipped (not due: polled before a restart or a hand-over between replicas).",
		}, []string{"result"}),
		published: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "parley_fetch_items_published_total",
			Help: "New feed items published on parley.items.*.",
		}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "parley_fetch_poll_duration_seconds",
			Help:    "Time of one poll: request, parsing and publishing its new items.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}),
		feeds: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "parley_fetch_feeds",
			Help: "Feeds being polled.",
		}),
	}
	var err error
	if m.polls, err = register(reg, m.polls); err != nil {
		return nil, err
	}
	if m.published, err = register(reg, m.published); err != nil {
		return nil, err
	}
	if m.duration, err = register(reg, m.duration); err != nil {
		return nil, err
	}
	if m.feeds, err = register(reg, m.feeds); err != nil {
		return nil, err
	}
	// Every result shows up at zero, so rate() and alerts work before the first error.
	m.pollsBy = map[string]prometheus.Counter{}
	for _, r := range []string{ResultOK, ResultNotModified, ResultError, ResultSkipped} {
		m.pollsBy[r] = m.polls.WithLabelValues(r)
	}
	return m, nil
}

// register adopts the collector already registered under the same name, so several fetchers
// in one process (or a restarted Run) share one set of series instead of failing.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	if reg == nil {
		return c, nil
	}
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing, nil
			}
		}
		return c, fmt.Errorf("fetch: metrics: %w", err)
	}
	return c, nil
}
