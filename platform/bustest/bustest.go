// Package bustest starts a real embedded JetStream server with Parley's streams for tests.
package bustest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/natsembed"
	"github.com/parleyhq/parley/platform/seal"
)

// Key is the secrets key of every test bus: what a test stores sealed, the services it runs
// on that bus can open.
const Key = "cGFybGV5LXRlc3Qta2V5LW5vdC1mb3ItcHJvZHVjdGk="

// Env is a running server and a connection to it with the streams in place.
type Env struct {
	Server *server.Server
	Bus    *bus.Bus
	// StoreDir lets a test restart the server on the same data.
	StoreDir string
}

// Start runs a server on a random port with its store in a temporary folder; both are
// cleaned up when the test ends.
func Start(t testing.TB) *Env {
	t.Helper()
	return StartIn(t, t.TempDir())
}

// StartIn is Start on a given store folder, to restart a server on the same data.
func StartIn(t testing.TB, dir string) *Env {
	t.Helper()
	srv, err := natsembed.Start(natsembed.Config{StoreDir: dir, Listen: "127.0.0.1:-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	ctx := context.Background()
	nc, err := bus.Connect(ctx, srv.ClientURL(), t.Name(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	b, err := bus.New(nc, 1)
	if err != nil {
		t.Fatal(err)
	}
	if b.Secrets, err = seal.Parse(Key); err != nil {
		t.Fatal(err)
	}
	if err := b.EnsureStreams(ctx); err != nil {
		t.Fatal(err)
	}
	return &Env{Server: srv, Bus: b, StoreDir: dir}
}

// Serve runs a service's Run in the background. The returned stop cancels it and fails the
// test unless Run returns nil within a minute; it runs at cleanup too and is safe to call twice.
func Serve(t testing.TB, run func(context.Context) error) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run returned %v on shutdown, want nil", err)
				}
			case <-time.After(time.Minute):
				t.Error("Run did not return within a minute of cancel")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}
