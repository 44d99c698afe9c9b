// Package parse is the parse service: it consumes feed items, turns each into a clean article,
// extracts negotiation events and publishes them on parley.events.<status>.
package parse

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/parleyhq/parley/platform/bus"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/parse/extract"
	"github.com/parleyhq/parley/services/parse/lang"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/proto"
)

// ConsumerName is the durable consumer every parse replica shares, so each item is parsed by
// one replica.
const ConsumerName = "parse"

// Config of the parse service.
type Config struct {
	Bus        *bus.Bus
	Logger     *slog.Logger
	Registerer prometheus.Registerer
	// Workers parse items concurrently within one replica.
	Workers int
	// Extractor is shared when several replicas run in one process; nil builds one.
	Extractor *extract.Extractor
	// RetryBase and RetryMax bound the redelivery backoff of an item that failed.
	RetryBase, RetryMax time.Duration
}

// SetDefaults fills unset fields.
func (c *Config) SetDefaults() {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Workers == 0 {
		c.Workers = 4
	}
	if c.RetryBase == 0 {
		c.RetryBase = time.Second
	}
	if c.RetryMax == 0 {
		c.RetryMax = time.Minute
	}
}

// Validate checks the config.
func (c Config) Validate() error {
	if c.Bus == nil {
		return errors.New("parse: Bus is required")
	}
	if c.Workers < 1 || c.Workers > 256 {
		return fmt.Errorf("parse: workers: %d is not between 1 and 256", c.Workers)
	}
	return nil
}

// Run consumes items until ctx is cancelled.
func Run(ctx context.Context, c Config) error {
	return bus.CleanStop(ctx, serve(ctx, c))
}

func serve(ctx context.Context, c Config) error {
	c.SetDefaults()
	if err := c.Validate(); err != nil {
		return err
	}
	if c.Extractor == nil {
		x, err := extract.New()
		if err != nil {
			return fmt.Errorf("parse: %w", err)
		}
		c.Extractor = x
	}
	m := newMetrics(c.Registerer)
	articles, err := openArticles(ctx, c.Bus)
	if err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	cons, err := c.Bus.Durable(ctx, bus.StreamItems, jetstream.ConsumerConfig{
		Durable:       ConsumerName,
		FilterSubject: bus.SubjectItems + ".>",
		MaxAckPending: 1024,
	})
	if err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	s := &service{c: c, m: m, articles: articles, det: lang.New()}
	c.Logger.Info("parse started", "workers", c.Workers)
	err = bus.Consume(ctx, cons, s.handle, bus.ConsumeOptions{
		Workers: c.Workers,
		Backoff: bus.ExpBackoff(c.RetryBase, c.RetryMax),
		Logger:  c.Logger,
		Name:    ConsumerName,
		Bus:     c.Bus,
	})
	c.Logger.Info("parse stopped")
	return err
}

type service struct {
	c        Config
	m        *metrics
	articles jetstream.KeyValue
	det      *lang.Detector
}

func (s *service) handle(ctx context.Context, msg jetstream.Msg) error {
	start := time.Now()
	defer func() { s.m.duration.Observe(time.Since(start).Seconds()) }()

	item := &parleyv1.FeedItem{}
	if err := proto.Unmarshal(msg.Data(), item); err != nil {
		s.m.articles.WithLabelValues("error").Inc()
		return bus.Permanent(fmt.Errorf("parse: item on %s is not a FeedItem: %w", msg.Subject(), err))
	}
	article, err := ArticleFromItem(item)
	if err != nil {
		s.m.articles.WithLabelValues("error").Inc()
		return bus.Permanent(err)
	}
	SetLanguage(s.det, article)
	events := Events(s.c.Extractor, article)
	hdr := nats.Header{}
	if v := msg.Headers().Get(bus.HeaderFetchedAt); v != "" {
		hdr.Set(bus.HeaderFetchedAt, v)
	}
	for _, ev := range events {
		subject := bus.SubjectEvents + "." + StatusToken(ev.GetStatus())
		if _, err := s.c.Bus.Publish(ctx, subject, ev.GetId(), ev, hdr); err != nil {
			return fmt.Errorf("parse: %w", err)
		}
	}
	data, err := json.Marshal(outcome(article, events))
	if err != nil {
		return bus.Permanent(fmt.Errorf("parse: marshal outcome: %w", err))
	}
	// The outcome is recorded for every article, with or without events, so the timeline
	// can show what was read and found empty.
	if _, err := s.articles.Put(ctx, article.GetId(), data); err != nil {
		return fmt.Errorf("parse: record article %s: %w", article.GetId(), err)
	}
	if len(events) == 0 {
		s.m.articles.WithLabelValues("no_event").Inc()
		// Most articles hold no event: their line's arguments are not even boxed unless logged.
		if log := s.c.Logger; log.Enabled(ctx, slog.LevelDebug) {
			log.Debug("no event in article", "item_id", item.GetId(), "article_url", item.GetUrl())
		}
		return nil
	}
	s.m.articles.WithLabelValues("event").Inc()
	s.c.Logger.Info("events extracted", "item_id", item.GetId(), "article_url", item.GetUrl(), "events", len(events), "status", StatusToken(events[0].GetStatus()))
	return nil
}
