package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"
)

// NATSFromEnv reads the nats.* keys from PARLEY_NATS_* alone, for the commands that take no
// config file (tail, subs, feeds, dlq, rounds): they must present the same credentials as
// the services.
func NATSFromEnv(lookup func(string) (string, bool)) (NATS, error) {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	f := &File{}
	if err := applyEnv(f, lookup); err != nil {
		return NATS{}, fmt.Errorf("config: %w", err)
	}
	if errs := f.NATS.validateSecurity(); len(errs) > 0 {
		return NATS{}, fmt.Errorf("config: %w", errs[0])
	}
	return f.NATS, nil
}

// SecretsFromEnv reads secrets.key and secrets.previous_keys from PARLEY_SECRETS_* alone, for
// the commands that take no config file.
func SecretsFromEnv(lookup func(string) (string, bool)) (Secrets, error) {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	f := &File{}
	if err := applyEnv(f, lookup); err != nil {
		return Secrets{}, fmt.Errorf("config: %w", err)
	}
	return f.Secrets, nil
}

// AuthMethod names the one way of authenticating that is set, "" for none.
func (n NATS) AuthMethod() string {
	var set []string
	if n.User != "" || n.Password != "" {
		set = append(set, "user")
	}
	if n.Token != "" {
		set = append(set, "token")
	}
	if n.NKeySeedFile != "" {
		set = append(set, "nkey_seed_file")
	}
	if n.CredsFile != "" {
		set = append(set, "creds_file")
	}
	if len(set) == 1 {
		return set[0]
	}
	return strings.Join(set, ",")
}

// validateSecurity names the key that is wrong: a missing file is found at start, not at the
// first reconnect.
func (n NATS) validateSecurity() []error {
	var errs []error
	if m := n.AuthMethod(); strings.Contains(m, ",") {
		errs = append(errs, fmt.Errorf("nats: %s are all set; use one of nats.user, nats.token, nats.nkey_seed_file, nats.creds_file", m))
	}
	if n.Password != "" && n.User == "" {
		errs = append(errs, fmt.Errorf("nats.password: set without nats.user"))
	}
	if (n.TLS.CertFile == "") != (n.TLS.KeyFile == "") {
		errs = append(errs, fmt.Errorf("nats.tls.cert_file and nats.tls.key_file: give both or neither"))
	}
	files := []struct{ key, path string }{
		{"nats.nkey_seed_file", n.NKeySeedFile}, {"nats.creds_file", n.CredsFile},
		{"nats.tls.ca_file", n.TLS.CAFile}, {"nats.tls.cert_file", n.TLS.CertFile}, {"nats.tls.key_file", n.TLS.KeyFile},
	}
	for _, f := range files {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(f.path); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.key, err))
		}
	}
	return errs
}

// The shortest feed intervals: a publisher on the internet is polled at most once a minute,
// so a typo cannot hammer it; a feed on the operator's own network (demo, tests, load farms),
// which allow_private_addresses must let through anyway, down to once a second.
const (
	MinPublicInterval  = time.Minute
	MinPrivateInterval = time.Second
)

// MinInterval is the shortest interval feedURL may be polled at.
func MinInterval(feedURL string, allowPrivate bool) time.Duration {
	u, err := url.Parse(feedURL)
	if err != nil || !allowPrivate || !privateHost(u.Hostname()) {
		return MinPublicInterval
	}
	return MinPrivateInterval
}

// privateHost: a loopback or private address, or a name that no public DNS serves (one
// label, as compose and Kubernetes service names are, or .local, .internal, .localhost).
func privateHost(host string) bool {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast()
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" {
		return false
	}
	if !strings.Contains(host, ".") {
		return true
	}
	for _, suffix := range []string{".local", ".internal", ".localhost", ".svc.cluster.local"} {
		if strings.HasSuffix(host, suffix) {
			return true
		}
	}
	return false
}
