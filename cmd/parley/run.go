package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/parleyhq/parley/cmd/parley/internal/demo"
	"github.com/parleyhq/parley/cmd/parley/internal/pipeline"
	"github.com/parleyhq/parley/platform/config"
	"github.com/parleyhq/parley/platform/logging"
)

// Demo pacing: a new story appears every demoStep and feeds are polled every demoInterval, so
// the first alerts print within seconds and the whole replay takes well under a minute.
const (
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
	demoMode := *path == ""
	if _, set := os.LookupEnv(config.EnvName("log.level")); demoMode && !set {
		// The demo's terminal is for alerts; the services' routine logs would bury them.
		f.Log.Level = "warn"
	}
	log, err := logging.New(io.err, f.Log.Level, f.Log.Format)
	if err != nil {
		return err
	}
	pc := pipeline.Config{File: f, Logger: log, Console: io.out}
	if demoMode {
		stories, err := demo.Stories()
		if err != nil {
			return err
		}
		feeds := demo.NewServer(stories, demoStep)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("demo feed server: %w", err)
		}
		hs := &http.Server{Handler: feeds, ReadHeaderTimeout: 5 * time.Second}
		go func() {
			if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("demo feed server stopped", "err", err)
			}
		}()
		defer hs.Close()
		base := "http://" + ln.Addr().String()
		pc.File = demo.Config(f, base, feeds.Outlets(), demoInterval)
		pc.FallbackPorts = true
		fmt.Fprintf(io.out, "Parley demo: %d stories from %d outlets replayed as RSS feeds on %s, one every %s.\nAlerts print below; Ctrl-C stops. Data is kept in %s, so a second run prints nothing again.\n\n",
			len(stories), len(feeds.Outlets()), base, demoStep, f.NATS.StoreDir)
	}
	return pipeline.Run(ctx, pc)
}
