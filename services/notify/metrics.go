package notify

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleyhq/parley/services/notify/deliver"
	"github.com/parleyhq/parley/services/notify/round"
)

// Delivery channels and results, as metric label values (SPEC section 8).
const (
	channelWebhook = deliver.ChannelWebhook
	channelConsole = deliver.ChannelConsole

	resultOK    = "ok"
	resultRetry = "retry"
	resultDead  = "dead"
)

type metrics struct {
	alerts     *prometheus.CounterVec
	deliveries *prometheus.CounterVec
	latency    prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_notify_alerts_total",
			Help: "Alerts published on parley.alerts, by kind.",
		}, []string{"kind"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_deliveries_total",
			Help: "Alert delivery attempts to subscriptions, by channel and result.",
		}, []string{"channel", "result"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "parley_pipeline_latency_seconds",
			Help:    "Time from an item's fetch to the successful delivery of the alert it led to.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
		}),
	}
	// Touch every label value so dashboards see zeros rather than gaps.
	for _, k := range []round.Kind{round.NewRound, round.RoundUpdated} {
		m.alerts.WithLabelValues(string(k))
	}
	for _, ch := range deliver.Channels {
		for _, res := range []string{resultOK, resultRetry, resultDead} {
			m.deliveries.WithLabelValues(ch, res)
		}
	}
	if reg == nil {
		return m, nil
	}
	var err error
	m.alerts, err = register(reg, m.alerts)
	if err != nil {
		return nil, err
	}
	m.deliveries, err = register(reg, m.deliveries)
	if err != nil {
		return nil, err
	}
	m.latency, err = register(reg, m.latency)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// register adopts an identical collector already registered, so Run can be restarted in one
// process (tests, `parley run` reloading) against the same registry.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	if err == nil {
		return c, nil
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	return c, err
}
