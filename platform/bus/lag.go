package bus

import (
	"context"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
)

// LagCollector exports the backlog of every durable consumer on some of Parley's streams,
// read from JetStream on each scrape. The numbers come from the stream leader through the
// client API, so unlike the server's monitoring port they are never a follower's stale view.
// Every replica of a service exports the same series; dashboards and alerts take max().
type LagCollector struct {
	js      jetstream.JetStream
	streams []string
	log     *slog.Logger
	timeout time.Duration

	pending    *prometheus.Desc
	ackPending *prometheus.Desc
	redeliver  *prometheus.Desc
	messages   *prometheus.Desc
	up         *prometheus.Desc
}

// NewLagCollector watches the consumers of streams (e.g. StreamItems for parse).
func NewLagCollector(js jetstream.JetStream, log *slog.Logger, streams ...string) *LagCollector {
	if log == nil {
		log = slog.Default()
	}
	sc := []string{"stream", "consumer"}
	return &LagCollector{
		js: js, streams: streams, log: log, timeout: 2 * time.Second,
		pending: prometheus.NewDesc("parley_consumer_pending_messages",
			"Messages in the stream not yet delivered to the consumer.", sc, nil),
		ackPending: prometheus.NewDesc("parley_consumer_ack_pending_messages",
			"Messages delivered to the consumer and not yet acknowledged.", sc, nil),
		redeliver: prometheus.NewDesc("parley_consumer_redelivered_messages",
			"Messages delivered more than once and still unacknowledged.", sc, nil),
		messages: prometheus.NewDesc("parley_stream_messages",
			"Messages stored in the stream.", []string{"stream"}, nil),
		up: prometheus.NewDesc("parley_consumer_lag_up",
			"1 if the last scrape read the stream's state from JetStream, else 0.", []string{"stream"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *LagCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.pending, c.ackPending, c.redeliver, c.messages, c.up} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. A scrape carries no context, so each one is bounded
// by its own timeout rather than hanging on an unreachable cluster.
func (c *LagCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	for _, name := range c.streams {
		up := 1.0
		if err := c.collectStream(ctx, name, ch); err != nil {
			c.log.Warn("read consumer lag", "stream", name, "err", err)
			up = 0
		}
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, up, name)
	}
}

func (c *LagCollector) collectStream(ctx context.Context, name string, ch chan<- prometheus.Metric) error {
	s, err := c.js.Stream(ctx, name)
	if err != nil {
		return err
	}
	info := s.CachedInfo()
	if info != nil {
		ch <- prometheus.MustNewConstMetric(c.messages, prometheus.GaugeValue, float64(info.State.Msgs), name)
	}
	l := s.ListConsumers(ctx)
	for ci := range l.Info() {
		if ci.Config.Durable == "" {
			continue
		}
		ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(ci.NumPending), name, ci.Name)
		ch <- prometheus.MustNewConstMetric(c.ackPending, prometheus.GaugeValue, float64(ci.NumAckPending), name, ci.Name)
		ch <- prometheus.MustNewConstMetric(c.redeliver, prometheus.GaugeValue, float64(ci.NumRedelivered), name, ci.Name)
	}
	return l.Err()
}
