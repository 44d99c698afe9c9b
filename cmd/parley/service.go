package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"

	"github.com/nats-io/nats.go"

	"github.com/parleyhq/parley/cmd/parley/internal/pipeline"
	"github.com/parleyhq/parley/cmd/parley/internal/web"
	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/config"
	"github.com/parleyhq/parley/platform/logging"
	"github.com/parleyhq/parley/platform/ops"
	"github.com/parleyhq/parley/platform/seal"
	"github.com/parleyhq/parley/services/fetch"
	"github.com/parleyhq/parley/services/notify"
	"github.com/parleyhq/parley/services/notify/timeline"
	"github.com/parleyhq/parley/services/parse"
)

// serviceCommand runs one service against an external NATS, as a container does.
func serviceCommand(name string) func(context.Context, []string, stdio) error {
	return func(ctx context.Context, args []string, io stdio) error {
		f, err := serviceConfig(name, args, io)
		if err != nil {
			return err
		}
		log, err := logging.New(io.err, f.Log.Level, f.Log.Format)
		if err != nil {
			return err
		}
		log = log.With("service", name)
		tuneGC(log)
		secure, err := bus.SecurityOptions(f.NATS)
		if err != nil {
			return err
		}
		nc, err := bus.Connect(ctx, f.NATS.URL, "parley-"+name, log, secure...)
		if err != nil {
			return err
		}
		// Acks of the last messages are flushed before the process exits.
		defer func() {
			if err := bus.Drain(nc); err != nil {
				log.Warn("nats drain", "err", err)
			}
		}()
		b, err := serviceBus(ctx, nc, f, log)
		if err != nil {
			return err
		}
		return serveService(ctx, name, b, f, log, serviceOps(ctx, name, b, f, log), io)
	}
}

// serviceConfig parses the flags of service name and loads its config, which must name an
// external NATS.
func serviceConfig(name string, args []string, io stdio) (*config.File, error) {
	fs := newFlags(name, io)
	url := fs.String("nats", "", "NATS server `URL` (overrides nats.url)")
	path := fs.String("config", "", "YAML config `file`")
	if err := parseNoArgs(fs, args); err != nil {
		return nil, err
	}
	f, err := config.Load(*path, nil)
	if err != nil {
		return nil, err
	}
	if *url != "" {
		f.NATS.URL = *url
	}
	if f.NATS.URL == "" {
		return nil, errors.New("needs an external NATS: pass --nats URL or set nats.url / PARLEY_NATS_URL (parley run embeds one)")
	}
	return f, nil
}

// serviceBus is the bus of a service on nc, with the streams made sure of.
func serviceBus(ctx context.Context, nc *nats.Conn, f *config.File, log *slog.Logger) (*bus.Bus, error) {
	b, err := bus.New(nc, f.NATS.Replicas)
	if err != nil {
		return nil, err
	}
	b.Logger = log
	if b.Secrets, err = seal.Parse(f.Secrets.Key, f.Secrets.PreviousKeys...); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := b.EnsureStreams(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

// serviceOps is the private HTTP endpoint of service name: health, metrics and, for
// notify, the API and the web pages.
func serviceOps(ctx context.Context, name string, b *bus.Bus, f *config.File, log *slog.Logger) *ops.Server {
	opsSrv := ops.New(log)
	opsSrv.AddCheck("nats", b.Ready)
	// Each service exports the backlog of the streams it consumes, for the KEDA-independent
	// lag alerts and the dashboard (deploy/).
	if streams := lagStreams(name); len(streams) > 0 {
		opsSrv.Registry.MustRegister(bus.NewLagCollector(b.JS, log, streams...))
	}
	if name == "notify" {
		pipeline.WarnIfNoSubscriptions(ctx, b, f, log)
		timeline.New(b.JS).Register(opsSrv, log)
		web.New(b, log.With("component", "web")).Register(opsSrv)
	}
	return opsSrv
}

// serveService runs service name and its HTTP endpoints until ctx is cancelled or one of
// them fails, and waits for them all to stop.
func serveService(ctx context.Context, name string, b *bus.Bus, f *config.File, log *slog.Logger, opsSrv *ops.Server, io stdio) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var httpErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		if httpErr = opsSrv.Serve(ctx, f.HTTP.Listen, nil); httpErr != nil {
			cancel()
		}
	}()
	// Only fetch serves the callback; the others share its config file.
	var publicErr error
	public := http.NewServeMux()
	if name == "fetch" {
		public = servePublic(ctx, &wg, f, log, &publicErr, cancel)
	}
	runErr := runService(ctx, name, b, f, log, opsSrv, public, io)
	cancel()
	wg.Wait()
	return errors.Join(runErr, httpErr, publicErr)
}

// runService runs service name until ctx is cancelled.
func runService(ctx context.Context, name string, b *bus.Bus, f *config.File, log *slog.Logger,
	opsSrv *ops.Server, public *http.ServeMux, io stdio) error {
	switch name {
	case "fetch":
		return fetch.Run(ctx, fetch.Config{Bus: b, Feeds: pipeline.Feeds(f.Feeds), Logger: log,
			Seed:       fetch.Seed{Owner: f.Seed.Owner, Generation: f.Seed.Generation},
			Registerer: opsSrv.Registry, AllowPrivateAddresses: f.AllowPrivateAddresses,
			WebSubCallbackURL: f.Fetch.WebSubCallbackURL, HostRate: f.Fetch.HostRate, Mux: public})
	case "parse":
		return parse.Run(ctx, parse.Config{Bus: b, Logger: log, Registerer: opsSrv.Registry})
	case "notify":
		return notify.Run(ctx, notify.Config{Bus: b, Subscriptions: pipeline.Subscriptions(f.Subscriptions),
			Seed:   notify.Seed{Owner: f.Seed.Owner, Generation: f.Seed.Generation},
			Logger: log, Registerer: opsSrv.Registry, Console: io.out,
			MaxAttempts: f.Notify.MaxAttempts, RetryBase: f.Notify.RetryBase.Duration(),
			RetryMax: f.Notify.RetryMax.Duration(), DeliveryTimeout: f.Notify.DeliveryTimeout.Duration()})
	}
	return fmt.Errorf("no service %q", name)
}

// lagStreams names the streams whose consumers a service reports in
// parley_consumer_pending_messages; notify also watches the dead-letter stream.
func lagStreams(service string) []string {
	switch service {
	case "parse":
		return []string{bus.StreamItems}
	case "notify":
		return []string{bus.StreamEvents, bus.StreamAlerts, bus.StreamDLQ}
	}
	return nil
}

// servePublic starts the public listener of the WebSub callback when there is one to serve,
// and returns the mux fetch registers the callback on. Only that is on it: /metrics and the
// API stay on the private listener.
func servePublic(ctx context.Context, wg *sync.WaitGroup, f *config.File, log *slog.Logger, errp *error, fail func()) *http.ServeMux {
	mux := http.NewServeMux()
	if f.Fetch.WebSubCallbackURL == "" {
		return mux
	}
	wg.Go(func() {
		err := ops.ServeHandler(ctx, f.HTTP.PublicListen, mux, func(a net.Addr) {
			log.Info("websub callback listening", "http_public_listen", a.String())
		})
		if err != nil {
			*errp = fmt.Errorf("http.public_listen: %w", err)
			fail()
		}
	})
	return mux
}
