package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/parleyhq/parley/cmd/parley/internal/demo"
	"github.com/parleyhq/parley/cmd/parley/internal/pipeline"
	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/config"
	"github.com/parleyhq/parley/platform/logging"
)

// Demo pacing: a new story appears every demoStep and feeds are polled every demoInterval, so
// the first alerts print within seconds and the whole replay takes well under a minute.
// Variables so tests can replay faster.
var (
	demoStep     = 1500 * time.Millisecond
	demoInterval = 1 * time.Second
)

func cmdRun(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("run", io)
	path := fs.String("config", "", "YAML config `file`; without it, the bundled demo runs")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	f, err := config.Load(*path, nil)
	if err != nil {
		return err
	}
	if f.NATS.StoreDir, err = filepath.Abs(f.NATS.StoreDir); err != nil {
		return fmt.Errorf("nats.store_dir: %w", err)
	}
	demoMode := *path == ""
	if _, set := os.LookupEnv(config.EnvName("log.level")); demoMode && !set {
		// The demo's terminal is for alerts; the services' routine logs would bury them.
		f.Log.Level = "warn"
	}
	log, err := logging.New(io.err, f.Log.Level, f.Log.Format)
	if err != nil {
		return err
	}
	tuneGC(log)
	pc := pipeline.Config{File: f, Logger: log, Console: io.out}
	if demoMode {
		stop, err := startDemo(ctx, &pc, io, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	return pipeline.Run(ctx, pc)
}

// startDemo serves the bundled stories as local feeds, points pc at them and tells the user
// what is happening, including when the replay is over and how to see it again.
func startDemo(ctx context.Context, pc *pipeline.Config, io stdio, log *slog.Logger) (func(), error) {
	stories, err := demo.Stories()
	if err != nil {
		return nil, err
	}
	feeds := demo.NewServer(stories, demoStep)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo feed server: %w", err)
	}
	hs := &http.Server{Handler: feeds, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("demo feed server stopped", "err", err)
		}
	}()
	base := "http://" + ln.Addr().String()
	dir := pc.File.NATS.StoreDir
	earlier := hasState(dir)
	pc.File = demo.Config(pc.File, base, feeds.Outlets(), demoInterval)
	pc.FallbackPorts = true
	fmt.Fprintf(io.out, "Parley demo: %d stories from %d outlets replayed as RSS feeds on %s, one every %s.\nAlerts print below; Ctrl-C stops. State is kept in %s.\n\n",
		len(stories), len(feeds.Outlets()), base, demoStep, dir)
	if earlier {
		fmt.Fprintf(io.out, "%s holds an earlier run's state: stories already seen are not alerted again, so this run may print nothing.\nTo start afresh, stop and delete it: rm -rf %s\n\n", dir, dir)
	}
	replay := time.Duration(len(stories)) * demoStep
	pc.OnReady = func(a pipeline.Addrs) {
		go announceDone(ctx, a.NATSURL, replay, len(stories), dir, io)
	}
	return func() { _ = hs.Close() }, nil
}

// hasState reports whether dir already holds JetStream files from an earlier run.
func hasState(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) > 0
}

// announceDone prints, once every story is out and every consumer has caught up, that the
// demo is over and how to see it again.
func announceDone(ctx context.Context, natsURL string, replay time.Duration, n int, dir string, io stdio) {
	select {
	case <-ctx.Done():
		return
	case <-time.After(replay + 2*demoInterval):
	}
	nc, err := connectCLI(natsURL, nats.Name("parley-demo"))
	if err != nil {
		return
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return
	}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for idle := 0; idle < 5; {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if pipelineIdle(ctx, js) {
			idle++
		} else {
			idle = 0
		}
	}
	fmt.Fprintf(io.out, "\nDemo done: all %d stories were read and every alert above was sent. Parley keeps watching; Ctrl-C stops.\nA second run alerts nothing new, since %s remembers what was seen; to replay from scratch: rm -rf %s\n", n, dir, dir)
}

// pipelineIdle reports whether no consumer of the pipeline's streams has work left.
func pipelineIdle(ctx context.Context, js jetstream.JetStream) bool {
	for _, name := range []string{bus.StreamItems, bus.StreamEvents, bus.StreamAlerts} {
		s, err := js.Stream(ctx, name)
		if err != nil {
			return false
		}
		l := s.ListConsumers(ctx)
		for ci := range l.Info() {
			if ci.NumPending+uint64(ci.NumAckPending) > 0 {
				return false
			}
		}
		if l.Err() != nil {
			return false
		}
	}
	return true
}
