package bus

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats.go"
	"github.com/parleyhq/parley/platform/config"
)

// SecurityOptions turns the nats.* credentials and TLS keys into client options. Every file
// is read here, so a bad one is named at start and not at the first reconnect.
func SecurityOptions(n config.NATS) ([]nats.Option, error) {
	var opts []nats.Option
	switch {
	case n.User != "":
		opts = append(opts, nats.UserInfo(n.User, n.Password))
	case n.Token != "":
		opts = append(opts, nats.Token(n.Token))
	case n.NKeySeedFile != "":
		opt, err := nats.NkeyOptionFromSeed(n.NKeySeedFile)
		if err != nil {
			return nil, fmt.Errorf("nats.nkey_seed_file %s: %w (it must hold a user seed, SU…, as nsc or nk -gen user writes it)", n.NKeySeedFile, err)
		}
		opts = append(opts, opt)
	case n.CredsFile != "":
		if err := checkCreds(n.CredsFile, time.Now()); err != nil {
			return nil, err
		}
		opts = append(opts, nats.UserCredentials(n.CredsFile))
	}
	if n.TLS.Enabled() {
		cfg, err := tlsConfig(n.TLS)
		if err != nil {
			return nil, err
		}
		opts = append(opts, nats.Secure(cfg))
	}
	return opts, nil
}

// checkCreds refuses a .creds file that is unreadable, malformed or expired, which the
// server would otherwise only answer with "authorization violation".
func checkCreds(path string, now time.Time) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("nats.creds_file: %w", err)
	}
	token, err := jwt.ParseDecoratedJWT(raw)
	if err != nil {
		return fmt.Errorf("nats.creds_file %s: no user JWT: %w", path, err)
	}
	claims, err := jwt.DecodeUserClaims(token)
	if err != nil {
		return fmt.Errorf("nats.creds_file %s: the JWT is not a user JWT: %w", path, err)
	}
	if claims.Expires > 0 && now.Unix() >= claims.Expires {
		return fmt.Errorf("nats.creds_file %s: credentials of %s expired at %s; issue new ones (nsc generate creds)",
			path, claims.Subject, time.Unix(claims.Expires, 0).UTC().Format(time.RFC3339))
	}
	if _, err := jwt.ParseDecoratedUserNKey(raw); err != nil {
		return fmt.Errorf("nats.creds_file %s: no user seed: %w", path, err)
	}
	return nil
}

func tlsConfig(t config.NATSTLS) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("nats.tls.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("nats.tls.ca_file %s: no PEM certificate in it", t.CAFile)
		}
		cfg.RootCAs = pool
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("nats.tls.cert_file %s / nats.tls.key_file %s: %w", t.CertFile, t.KeyFile, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// Explain adds to a connection error which setting to change, and reports whether retrying
// is pointless: wrong credentials or an untrusted certificate do not heal by waiting.
func Explain(err error) (error, bool) {
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certErr *tls.CertificateVerificationError
	switch {
	case err == nil:
		return nil, false
	case errors.Is(err, nats.ErrAuthExpired):
		return fmt.Errorf("%w: the credentials have expired; renew nats.creds_file", err), true
	case errors.Is(err, nats.ErrAuthorization):
		return fmt.Errorf("%w: the server refused the credentials; check nats.user/nats.password, nats.token, nats.nkey_seed_file or nats.creds_file", err), true
	case errors.As(err, &unknownCA), errors.As(err, &certErr) && errors.As(certErr.Err, &unknownCA):
		return fmt.Errorf("%w: the server's certificate is not signed by a trusted authority; set nats.tls.ca_file to its CA", err), true
	case errors.As(err, &hostErr):
		return fmt.Errorf("%w: the server's certificate does not name the host of nats.url", err), true
	case errors.Is(err, nats.ErrSecureConnRequired), strings.Contains(err.Error(), "secure connection"):
		return fmt.Errorf("%w: the server requires TLS; set nats.tls.ca_file (and use a tls:// URL)", err), true
	case strings.Contains(err.Error(), "certificate required"):
		return fmt.Errorf("%w: the server wants a client certificate; set nats.tls.cert_file and nats.tls.key_file", err), true
	}
	return err, false
}
