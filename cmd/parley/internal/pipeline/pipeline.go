// Package pipeline runs the whole of Parley in one process: an embedded NATS server (or an
// external one), the fetch, parse and notify services talking through it, and the
// operational HTTP endpoints.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/parleyhq/parley/cmd/parley/internal/web"
	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/config"
	"github.com/parleyhq/parley/platform/natsembed"
	"github.com/parleyhq/parley/platform/ops"
	"github.com/parleyhq/parley/platform/seal"
	"github.com/parleyhq/parley/services/fetch"
	"github.com/parleyhq/parley/services/notify"
	"github.com/parleyhq/parley/services/notify/timeline"
	"github.com/parleyhq/parley/services/parse"
)

// Config of a whole-pipeline process.
type Config struct {
	File   *config.File
	Logger *slog.Logger
	// Console receives console:// alerts; default stdout (set by notify).
	Console io.Writer
	// FallbackPorts lets the embedded NATS and the HTTP endpoint take a free port when the
	// configured one is busy: the demo must start on any machine.
	FallbackPorts bool
	// OnReady, if set, is called once every service is running.
	OnReady func(Addrs)
	// PollInterval, if set, replaces every feed's interval. The config file allows no less
	// than 1s; replays and benchmarks need fetch's own minimum.
	PollInterval time.Duration
}

// Addrs are where a running pipeline can be reached.
type Addrs struct {
	NATSURL string
	HTTP    string
}

// Validate checks the config.
func (c Config) Validate() error {
	if c.File == nil {
		return errors.New("pipeline: File is required")
	}
	return c.File.Validate()
}

// Run runs the pipeline until ctx is cancelled, then stops every service, waits for their
// in-flight work and shuts the embedded server down. It returns nil after a clean stop.
func Run(ctx context.Context, c Config) error {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if err := c.Validate(); err != nil {
		return err
	}
	f := c.File
	log := c.Logger

	natsURL := f.NATS.URL
	if natsURL == "" {
		url, stop, err := startStore(ctx, c)
		if err != nil {
			return err
		}
		defer stop()
		natsURL = url
	}

	opsSrv := ops.New(log)
	conns, err := connectAll(ctx, natsURL, f, log, opsSrv)
	if err != nil {
		return err
	}
	defer closeAll(conns)
	registerEndpoints(opsSrv, conns["notify"], log)
	if err := conns["fetch"].EnsureStreams(ctx); err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	WarnIfNoSubscriptions(ctx, conns["notify"], f, log)

	g := newGroup(ctx)
	defer g.cancel()
	httpReady, public := startHTTP(g, c, opsSrv)
	startServices(g, c, conns, opsSrv, public)

	select {
	case addr := <-httpReady:
		log.Info("parley running", "http_listen", addr, "feeds", len(f.Feeds), "subscriptions", len(f.Subscriptions))
		if c.OnReady != nil {
			c.OnReady(Addrs{NATSURL: natsURL, HTTP: addr})
		}
	case <-g.ctx.Done():
	}
	<-g.ctx.Done()
	if err := g.wait(); err != nil {
		return err
	}
	log.Info("parley stopped")
	return nil
}

// startStore locks the embedded server's store and starts the server on it. It returns the
// server's client URL and a function that shuts the server down and releases the store.
func startStore(ctx context.Context, c Config) (string, func(), error) {
	f, log := c.File, c.Logger
	// A relative store_dir would follow the working directory: started from elsewhere,
	// Parley would begin with empty state and alert everything again.
	dir, err := filepath.Abs(f.NATS.StoreDir)
	if err != nil {
		return "", nil, fmt.Errorf("pipeline: nats.store_dir %q: %w", f.NATS.StoreDir, err)
	}
	f.NATS.StoreDir = dir
	// One process per store: a second one would corrupt it and deliver alerts twice.
	release, err := natsembed.LockStore(dir)
	if err != nil {
		return "", nil, fmt.Errorf("pipeline: %w", err)
	}
	srv, err := startEmbedded(ctx, f, log, c.FallbackPorts)
	if err != nil {
		release()
		return "", nil, err
	}
	stop := func() {
		srv.Shutdown()
		srv.WaitForShutdown()
		release()
	}
	natsURL := srv.ClientURL()
	log.Info("embedded nats started", "nats_url", natsURL, "store_dir", f.NATS.StoreDir)
	return natsURL, stop, nil
}

// connectAll gives each service its own connection, checked by the ops server's readiness.
func connectAll(ctx context.Context, natsURL string, f *config.File, log *slog.Logger, opsSrv *ops.Server) (map[string]*bus.Bus, error) {
	// Said before waiting: an unreachable NATS otherwise looks like a hang.
	log.Info("connecting to nats", "nats_url", natsURL)
	secure, err := bus.SecurityOptions(f.NATS)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	keys, err := secretsKeys(f, log)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	conns := map[string]*bus.Bus{}
	for _, name := range []string{"fetch", "parse", "notify"} {
		nc, err := bus.Connect(ctx, natsURL, "parley-"+name, log, secure...)
		if err != nil {
			closeAll(conns)
			return nil, fmt.Errorf("pipeline: %w", err)
		}
		b, err := bus.New(nc, f.NATS.Replicas)
		if err != nil {
			nc.Close()
			closeAll(conns)
			return nil, fmt.Errorf("pipeline: %w", err)
		}
		b.Logger = log.With("service", name)
		b.Secrets = keys
		conns[name] = b
		opsSrv.AddCheck("nats_"+name, b.Ready)
	}
	return conns, nil
}

// registerEndpoints puts the API, the web pages and the lag metrics on the ops server.
func registerEndpoints(opsSrv *ops.Server, b *bus.Bus, log *slog.Logger) {
	timeline.New(b.JS).Register(opsSrv, log.With("service", "api"))
	web.New(b, log.With("service", "web")).Register(opsSrv)
	// The backlog of every consumer, as the services run alone export it (deploy/ dashboards
	// and alerts read the same names from either).
	opsSrv.Registry.MustRegister(bus.NewLagCollector(b.JS, log, bus.StreamItems, bus.StreamEvents, bus.StreamAlerts, bus.StreamDLQ))
}

// group runs the pipeline's services, each in its goroutine, until ctx is cancelled or one
// of them fails.
type group struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	errs   chan error
}

func newGroup(ctx context.Context) *group {
	ctx, cancel := context.WithCancel(ctx)
	return &group{ctx: ctx, cancel: cancel, errs: make(chan error, 5)}
}

func (g *group) start(name string, run func(context.Context) error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := run(g.ctx); err != nil {
			g.errs <- fmt.Errorf("%s: %w", name, err)
			g.cancel() // one service failing stops the process: an operator must see it
		}
	}()
}

// wait waits for every service to return and joins their errors.
func (g *group) wait() error {
	g.wg.Wait()
	close(g.errs)
	var all []error
	for err := range g.errs {
		all = append(all, err)
	}
	return errors.Join(all...)
}

// startHTTP starts the private HTTP endpoint, which sends its address on the returned
// channel once it listens, and the public one if there is a WebSub callback to serve. It
// returns the public mux.
func startHTTP(g *group, c Config, opsSrv *ops.Server) (<-chan string, *http.ServeMux) {
	f, log := c.File, c.Logger
	httpReady := make(chan string, 1)
	g.start("http", func(ctx context.Context) error {
		err := opsSrv.Serve(ctx, f.HTTP.Listen, func(a net.Addr) { httpReady <- a.String() })
		if err != nil && c.FallbackPorts && isAddrInUse(err) {
			log.Warn("http address busy; using a free port", "http_listen", f.HTTP.Listen)
			return opsSrv.Serve(ctx, "127.0.0.1:0", func(a net.Addr) { httpReady <- a.String() })
		}
		return err
	})
	// The WebSub callback alone is on the public listener; /metrics and the API stay private.
	public := http.NewServeMux()
	if f.Fetch.WebSubCallbackURL != "" {
		g.start("http_public", func(ctx context.Context) error {
			return ops.ServeHandler(ctx, f.HTTP.PublicListen, public, func(a net.Addr) {
				log.Info("websub callback listening", "http_public_listen", a.String())
			})
		})
	}
	return httpReady, public
}

// startServices starts notify, parse and fetch, each on its connection; fetch registers
// its WebSub callback on public.
func startServices(g *group, c Config, conns map[string]*bus.Bus, opsSrv *ops.Server, public *http.ServeMux) {
	f, log := c.File, c.Logger
	g.start("notify", func(ctx context.Context) error {
		return notify.Run(ctx, notify.Config{
			Bus:             conns["notify"],
			Subscriptions:   Subscriptions(f.Subscriptions),
			Seed:            notify.Seed{Owner: f.Seed.Owner, Generation: f.Seed.Generation},
			Logger:          log.With("service", "notify"),
			Registerer:      opsSrv.Registry,
			Console:         c.Console,
			MaxAttempts:     f.Notify.MaxAttempts,
			RetryBase:       f.Notify.RetryBase.Duration(),
			RetryMax:        f.Notify.RetryMax.Duration(),
			DeliveryTimeout: f.Notify.DeliveryTimeout.Duration(),
		})
	})
	g.start("parse", func(ctx context.Context) error {
		return parse.Run(ctx, parse.Config{
			Bus:        conns["parse"],
			Logger:     log.With("service", "parse"),
			Registerer: opsSrv.Registry,
		})
	})
	g.start("fetch", func(ctx context.Context) error {
		return fetch.Run(ctx, fetch.Config{
			Bus:                   conns["fetch"],
			Feeds:                 pollEvery(Feeds(f.Feeds), c.PollInterval),
			Seed:                  fetch.Seed{Owner: f.Seed.Owner, Generation: f.Seed.Generation},
			Logger:                log.With("service", "fetch"),
			Registerer:            opsSrv.Registry,
			AllowPrivateAddresses: f.AllowPrivateAddresses,
			WebSubCallbackURL:     f.Fetch.WebSubCallbackURL,
			HostRate:              f.Fetch.HostRate,
			Mux:                   public,
		})
	})
}

func startEmbedded(ctx context.Context, f *config.File, log *slog.Logger, fallback bool) (*server.Server, error) {
	cfg := natsembed.Config{StoreDir: filepath.Clean(f.NATS.StoreDir), Listen: f.NATS.Listen,
		User: f.NATS.User, Password: f.NATS.Password, Token: f.NATS.Token}
	if f.NATS.NKeySeedFile != "" {
		pub, err := natsembed.NKeyPublic(f.NATS.NKeySeedFile)
		if err != nil {
			return nil, fmt.Errorf("pipeline: %w", err)
		}
		cfg.NKey = pub
	}
	srv, err := natsembed.StartContext(ctx, cfg, log)
	if err != nil && fallback {
		if ln, lerr := net.Listen("tcp", f.NATS.Listen); lerr != nil {
			log.Warn("nats address busy; using a free port", "nats_listen", f.NATS.Listen)
			cfg.Listen = "127.0.0.1:-1"
			srv, err = natsembed.StartContext(ctx, cfg, log)
		} else {
			_ = ln.Close()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	return srv, nil
}

func isAddrInUse(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "listen"
}

// closeAll drains every connection and waits until their acks and publishes are flushed,
// before the embedded server goes down.
func closeAll(conns map[string]*bus.Bus) {
	var wg sync.WaitGroup
	for _, b := range conns {
		wg.Go(func() { _ = bus.Drain(b.NC) })
	}
	wg.Wait()
}

// Feeds converts the config's feeds into fetch's.
func Feeds(in []config.Feed) []fetch.Feed {
	out := make([]fetch.Feed, 0, len(in))
	for _, f := range in {
		out = append(out, fetch.Feed{URL: f.URL, Name: f.Name, Interval: f.Interval.Duration(), FullText: f.FullText})
	}
	return out
}

func pollEvery(feeds []fetch.Feed, d time.Duration) []fetch.Feed {
	if d > 0 {
		for i := range feeds {
			feeds[i].Interval = d
		}
	}
	return feeds
}

// Subscriptions converts the config's subscriptions into notify's.
func Subscriptions(in []config.Subscription) []notify.Subscription {
	out := make([]notify.Subscription, 0, len(in))
	for _, s := range in {
		out = append(out, notify.Subscription{
			Name: s.Name, Target: s.Target, Secret: s.Secret,
			Filter: notify.Filter{Parties: s.Filter.Parties, Kinds: s.Filter.Kinds, Topics: s.Filter.Topics, Status: s.Filter.Status},
		})
	}
	return out
}

// WarnIfNoSubscriptions logs a warning when neither the config nor the registry (`parley subs
// add`) holds a subscription: rounds are still kept, but nobody hears of them.
func WarnIfNoSubscriptions(ctx context.Context, b *bus.Bus, f *config.File, log *slog.Logger) {
	if len(f.Subscriptions) > 0 {
		return
	}
	reg, err := notify.OpenRegistry(ctx, b)
	if err != nil {
		log.Warn("read subscriptions", "err", err)
		return
	}
	entries, err := reg.List(ctx)
	if err != nil {
		log.Warn("read subscriptions", "err", err)
		return
	}
	for _, e := range entries {
		if e.Origin != notify.OriginConfig { // config ones not in this config are about to go
			return
		}
	}
	log.Warn("no subscriptions: alerts are kept but sent nowhere; add one under subscriptions: in the config (target: console:// prints them) or with parley subs add")
}

// secretsKeys is the key of secrets.key. Without one, a run on its own embedded NATS keeps a
// generated key in its store folder, so the buckets still hold no secret in plain text; a
// run on a shared NATS must be given the key its other processes use.
func secretsKeys(f *config.File, log *slog.Logger) (*seal.Keys, error) {
	if f.Secrets.Key != "" || f.NATS.URL != "" {
		return seal.Parse(f.Secrets.Key, f.Secrets.PreviousKeys...)
	}
	path := filepath.Join(f.NATS.StoreDir, "secrets.key")
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		raw = []byte(seal.NewKey())
		if err := os.MkdirAll(f.NATS.StoreDir, 0o700); err != nil {
			return nil, fmt.Errorf("secrets key: %w", err)
		}
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			return nil, fmt.Errorf("secrets key: %w", err)
		}
		log.Info("generated a secrets key for the embedded store; give secrets.key to share it", "secrets_key_file", path)
	} else if err != nil {
		return nil, fmt.Errorf("secrets key: %w", err)
	}
	return seal.Parse(string(raw))
}
