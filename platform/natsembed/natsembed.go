// Package natsembed runs a NATS server with JetStream inside the Parley process, for
// `parley run` and for tests.
package natsembed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"
)

// Config of an embedded server.
type Config struct {
	// StoreDir holds JetStream's files; required.
	StoreDir string
	// Listen is host:port for clients; port 0 or -1 picks a free one.
	Listen string
	// SyncInterval is how often JetStream fsyncs. Zero means every write ("always"): the
	// Jepsen analysis of NATS 2.12.1 showed acknowledged writes lost with the two-minute default.
	SyncInterval time.Duration
	// ServerName names the server in logs and cluster views.
	ServerName string
	// StartTimeout bounds how long Start waits for the server to accept clients.
	StartTimeout time.Duration
	// User and Password, Token or NKey (a user's public key) make the server require that
	// credential from every client; none of them: it accepts anyone on Listen.
	User     string
	Password string
	Token    string
	NKey     string
}

// Validate checks the config.
func (c Config) Validate() error {
	if c.StoreDir == "" {
		return errors.New("natsembed: StoreDir is required")
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return fmt.Errorf("natsembed: listen %q: %w", c.Listen, err)
	}
	return nil
}

// Start runs the server and waits until it accepts clients. Stop it with Shutdown and
// WaitForShutdown.
func Start(c Config, log *slog.Logger) (*server.Server, error) {
	return StartContext(context.Background(), c, log)
}

// StartContext is Start that gives up as soon as ctx is cancelled. A listen address that is
// busy fails at once, naming it, instead of after StartTimeout.
func StartContext(ctx context.Context, c Config, log *slog.Logger) (*server.Server, error) {
	if c.Listen == "" {
		c.Listen = "127.0.0.1:-1"
	}
	if c.StartTimeout == 0 {
		c.StartTimeout = 30 * time.Second
	}
	if c.ServerName == "" {
		c.ServerName = "parley-embedded"
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	host, portStr, _ := net.SplitHostPort(c.Listen)
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("natsembed: port %q: %w", portStr, err)
	}
	if port == 0 {
		port = -1
	}
	opts := &server.Options{
		ServerName: c.ServerName,
		Host:       host,
		Port:       port,
		JetStream:  true,
		StoreDir:   c.StoreDir,
		NoSigs:     true, // the Parley process owns signal handling
		NoLog:      log == nil,
	}
	switch {
	case c.User != "":
		opts.Username, opts.Password = c.User, c.Password
	case c.Token != "":
		opts.Authorization = c.Token
	case c.NKey != "":
		opts.Nkeys = []*server.NkeyUser{{Nkey: c.NKey}}
	}
	if c.SyncInterval == 0 {
		opts.SyncAlways = true
	} else {
		opts.SyncInterval = c.SyncInterval
	}
	if port > 0 {
		// The server would only log a failed listen and never become ready.
		ln, err := net.Listen("tcp", net.JoinHostPort(host, portStr))
		if err != nil {
			return nil, fmt.Errorf("natsembed: nats.listen %s: %w", c.Listen, err)
		}
		_ = ln.Close()
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("natsembed: %w", err)
	}
	if log != nil {
		s.SetLoggerV2(&slogAdapter{log: log.With("component", "nats")}, false, false, false)
	}
	go s.Start()
	// In short steps, so that Ctrl-C during a slow start (a big store being recovered) works.
	for deadline := time.Now().Add(c.StartTimeout); !s.ReadyForConnections(100 * time.Millisecond); {
		if ctx.Err() != nil || time.Now().After(deadline) {
			s.Shutdown()
			s.WaitForShutdown()
			if ctx.Err() != nil {
				return nil, fmt.Errorf("natsembed: start: %w", ctx.Err())
			}
			return nil, fmt.Errorf("natsembed: server on %s not ready within %s", c.Listen, c.StartTimeout)
		}
	}
	return s, nil
}

// slogAdapter routes the server's own log lines into slog; its notices are debug noise for a
// Parley operator, its warnings and errors are not.
type slogAdapter struct{ log *slog.Logger }

func (a *slogAdapter) Noticef(format string, v ...any) { a.log.Debug(fmt.Sprintf(format, v...)) }
func (a *slogAdapter) Warnf(format string, v ...any)   { a.log.Warn(fmt.Sprintf(format, v...)) }
func (a *slogAdapter) Fatalf(format string, v ...any)  { a.log.Error(fmt.Sprintf(format, v...)) }
func (a *slogAdapter) Errorf(format string, v ...any)  { a.log.Error(fmt.Sprintf(format, v...)) }
func (a *slogAdapter) Debugf(format string, v ...any)  { a.log.Debug(fmt.Sprintf(format, v...)) }
func (a *slogAdapter) Tracef(format string, v ...any)  {}

// NKeyPublic reads a user seed file and returns its public key, which the embedded server
// is told to accept.
func NKeyPublic(seedFile string) (string, error) {
	raw, err := os.ReadFile(seedFile)
	if err != nil {
		return "", fmt.Errorf("nats.nkey_seed_file: %w", err)
	}
	kp, err := nkeys.ParseDecoratedNKey(raw)
	if err != nil {
		return "", fmt.Errorf("nats.nkey_seed_file %s: %w", seedFile, err)
	}
	pub, err := kp.PublicKey()
	if err != nil {
		return "", fmt.Errorf("nats.nkey_seed_file %s: %w", seedFile, err)
	}
	return pub, nil
}
