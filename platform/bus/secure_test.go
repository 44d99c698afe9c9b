package bus_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/bustest"
	"github.com/parleyhq/parley/platform/config"
)

func connectAs(ctx context.Context, t *testing.T, s *bustest.Secure, n config.NATS, extra ...nats.Option) (*nats.Conn, error) {
	t.Helper()
	opts, err := bus.SecurityOptions(n)
	if err != nil {
		return nil, err
	}
	return bus.Connect(ctx, s.URL, t.Name(), nil, append(opts, extra...)...)
}

// A service user gets its own subjects through JetStream and nothing of another service's;
// a client without the right credentials or trust is turned away at once, told what to fix.
func TestSecureNATS(t *testing.T) {
	s := bustest.StartSecure(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tlsOnly := config.NATSTLS{CAFile: s.CAFile}

	violations := make(chan error, 4)
	nc, err := connectAs(ctx, t, s, config.NATS{NKeySeedFile: s.Seeds["fetch"], TLS: tlsOnly},
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { violations <- err }))
	if err != nil {
		t.Fatalf("fetch user with its seed and the CA: %v", err)
	}
	defer nc.Close()
	b, err := bus.New(nc, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.EnsureStreams(ctx); err != nil {
		t.Fatalf("fetch user creating the streams: %v", err)
	}
	if _, err := b.JS.Publish(ctx, bus.SubjectItems+".feed1", []byte("item")); err != nil {
		t.Errorf("fetch user publishing an item: %v", err)
	}
	if err := nc.Publish(bus.SubjectAlerts+".new_round", []byte("forged")); err != nil {
		t.Fatal(err)
	}
	_ = nc.Flush()
	select {
	case err := <-violations:
		if !errors.Is(err, nats.ErrPermissionViolation) && !strings.Contains(strings.ToLower(err.Error()), "permissions violation") {
			t.Errorf("forged alert: %v, want a permissions violation", err)
		}
	case <-time.After(30 * time.Second):
		t.Error("the fetch user published an alert without a permissions violation")
	}

	other := t.TempDir()
	stranger, _ := nkeys.CreateUser()
	seed, _ := stranger.Seed()
	strangerSeed := filepath.Join(other, "stranger.nk")
	if err := os.WriteFile(strangerSeed, seed, 0o600); err != nil {
		t.Fatal(err)
	}
	otherCA, _, _ := bustest.WriteTLS(t, other, "someone-else")
	refused := []struct {
		name string
		n    config.NATS
		want string
	}{
		{"no credentials", config.NATS{TLS: tlsOnly}, "refused the credentials"},
		{"unknown nkey", config.NATS{NKeySeedFile: strangerSeed, TLS: tlsOnly}, "refused the credentials"},
		{"untrusted certificate", config.NATS{NKeySeedFile: s.Seeds["fetch"], TLS: config.NATSTLS{CAFile: otherCA}}, "nats.tls.ca_file"},
	}
	for _, r := range refused {
		start := time.Now()
		nc, err := connectAs(ctx, t, s, r.n)
		if err == nil {
			nc.Close()
			t.Errorf("%s: connected", r.name)
			continue
		}
		if !strings.Contains(err.Error(), r.want) {
			t.Errorf("%s: %v, want it to say %q", r.name, err, r.want)
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("%s: refused only after %s, want at once", r.name, d)
		}
	}
}

func TestExpiredCredsNamed(t *testing.T) {
	account, _ := nkeys.CreateAccount()
	accountPub, _ := account.PublicKey()
	user, _ := nkeys.CreateUser()
	userPub, _ := user.PublicKey()
	claims := jwt.NewUserClaims(userPub)
	claims.IssuerAccount = accountPub
	claims.Expires = time.Now().Add(-time.Hour).Unix()
	token, err := claims.Encode(account)
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := user.Seed()
	creds, err := jwt.FormatUserConfig(token, seed)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "user.creds")
	if err := os.WriteFile(path, creds, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = bus.SecurityOptions(config.NATS{CredsFile: path})
	if err == nil || !strings.Contains(err.Error(), "expired") || !strings.Contains(err.Error(), "nats.creds_file") {
		t.Errorf("expired creds: %v, want an error naming nats.creds_file and the expiry", err)
	}
	if err := os.WriteFile(path, []byte("not creds"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := bus.SecurityOptions(config.NATS{CredsFile: path}); err == nil || !strings.Contains(err.Error(), "nats.creds_file") {
		t.Errorf("malformed creds: %v", err)
	}
}
