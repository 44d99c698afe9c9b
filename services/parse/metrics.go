package parse

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	articles *prometheus.CounterVec
	duration prometheus.Histogram
}

// newMetrics registers the SPEC section 8 metrics of parse on reg (nil: kept private, so
// replicas in one test process do not collide).
func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		articles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_parse_articles_total",
			Help: "Articles parsed, by result: event, no_event, error.",
		}, []string{"result"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "parley_parse_duration_seconds",
			Help:    "Time to turn one item into events and publish them.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}),
	}
	for _, r := range []string{"event", "no_event", "error"} {
		m.articles.WithLabelValues(r)
	}
	if reg != nil {
		reg.MustRegister(m.articles, m.duration)
	}
	return m
}
