package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

func TestLoadExpandsAndOverrides(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.yaml")
	if err := os.WriteFile(path, []byte(`
nats:
  store_dir: /var/lib/parley
feeds:
  - url: https://example.org/rss.xml
    interval: 2m
    full_text: true
  - url: https://example.net/atom.xml
subscriptions:
  - name: desk
    target: https://hooks.example.org/parley
    secret: ${DESK_SECRET}
    filter: {parties: [RU, UA], kinds: [new_round]}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path, env(map[string]string{
		"DESK_SECRET":                      "s3cr3t: with {yaml} chars",
		"PARLEY_NATS_URL":                  "nats://nats.internal:4222",
		"PARLEY_HTTP_LISTEN":               "0.0.0.0:9090",
		"PARLEY_ALLOW_PRIVATE_ADDRESSES":   "true",
		"PARLEY_LOG_LEVEL":                 "debug",
		"PARLEY_FETCH_WEBSUB_CALLBACK_URL": "https://parley.example.org",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Subscriptions[0].Secret; got != "s3cr3t: with {yaml} chars" {
		t.Errorf("secret = %q", got)
	}
	if f.NATS.URL != "nats://nats.internal:4222" || f.HTTP.Listen != "0.0.0.0:9090" || !f.AllowPrivateAddresses || f.Log.Level != "debug" {
		t.Errorf("env overrides not applied: %+v", f)
	}
	if f.Fetch.WebSubCallbackURL != "https://parley.example.org" {
		t.Errorf("fetch.websub_callback_url = %q", f.Fetch.WebSubCallbackURL)
	}
	if f.NATS.StoreDir != "/var/lib/parley" {
		t.Errorf("store_dir = %q", f.NATS.StoreDir)
	}
	if f.Feeds[0].Interval.Duration() != 2*time.Minute || !f.Feeds[0].FullText {
		t.Errorf("feed 0 = %+v", f.Feeds[0])
	}
	if f.Feeds[1].Interval.Duration() != DefaultFeedInterval {
		t.Errorf("feed 1 interval = %s, want the default", f.Feeds[1].Interval)
	}
	if got := f.Subscriptions[0].Filter; len(got.Parties) != 2 || got.Kinds[0] != "new_round" {
		t.Errorf("filter = %+v", got)
	}
}

func TestDefaultsWithoutFile(t *testing.T) {
	f, err := Load("", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if f.NATS.URL != "" || f.NATS.StoreDir != DefaultStoreDir || f.HTTP.Listen != DefaultHTTPListen {
		t.Errorf("defaults = %+v", f)
	}
}

func TestErrorsNameTheKey(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		env        map[string]string
		want       string
	}{
		{"unknown key", "nats:\n  urll: nats://x:4222\n", nil, "urll"},
		{"bad feed url", "feeds:\n  - url: ftp://example.org/x\n", nil, "feeds[0].url"},
		{"bad interval", "feeds:\n  - url: https://example.org/x\n    interval: soon\n", nil, "soon"},
		{"duplicate feed", "feeds:\n  - url: https://a.example/x\n  - url: https://a.example/x\n", nil, "feeds[1].url"},
		{"bad kind", "subscriptions:\n  - name: a\n    target: https://h.example\n    filter: {kinds: [everything]}\n", nil, "subscriptions[0].filter.kinds"},
		{"bad sub name", "subscriptions:\n  - name: 'a b'\n    target: https://h.example\n", nil, "subscriptions[0].name"},
		{"unset variable", "subscriptions:\n  - name: a\n    target: https://h.example\n    secret: ${NOPE}\n", nil, "NOPE"},
		{"bad env bool", "", map[string]string{"PARLEY_ALLOW_PRIVATE_ADDRESSES": "maybe"}, "PARLEY_ALLOW_PRIVATE_ADDRESSES"},
		{"bad env url", "", map[string]string{"PARLEY_NATS_URL": "::"}, "nats.url"},
		{"bad log level", "log: {level: loud}\n", nil, "log.level"},
		{"bad websub callback", "fetch: {websub_callback_url: 'ftp://parley.example.org'}\n", nil, "fetch.websub_callback_url"},
		{"bad websub callback in env", "", map[string]string{"PARLEY_FETCH_WEBSUB_CALLBACK_URL": "parley.example.org"}, "fetch.websub_callback_url"},
		{"negative host rate", "fetch: {host_rate: -1}\n", nil, "fetch.host_rate: -1 is not a positive number of requests a second to one host; leave it out for the default 10"},
		{"infinite host rate", "fetch: {host_rate: .inf}\n", nil, "fetch.host_rate"},
		{"host rate not a number", "fetch: {host_rate: fast}\n", nil, "fast"},
		{"bad host rate in env", "", map[string]string{"PARLEY_FETCH_HOST_RATE": "fast"}, "PARLEY_FETCH_HOST_RATE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), env(tc.env))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %q", err, tc.want)
			}
		})
	}
}

// TestHostRate: fetch.host_rate is read from the file, overridden by PARLEY_FETCH_HOST_RATE,
// and defaults to DefaultHostRate when absent.
func TestHostRate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.yaml")
	if err := os.WriteFile(path, []byte("fetch:\n  host_rate: 2.5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		env        map[string]string
		want       float64
	}{
		{"from the file", path, nil, 2.5},
		{"from the environment", path, map[string]string{"PARLEY_FETCH_HOST_RATE": "0.5"}, 0.5},
		{"default", "", nil, DefaultHostRate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Load(tc.path, env(tc.env))
			if err != nil {
				t.Fatal(err)
			}
			if f.Fetch.HostRate != tc.want {
				t.Errorf("fetch.host_rate = %v, want %v", f.Fetch.HostRate, tc.want)
			}
		})
	}
}

func TestEnvName(t *testing.T) {
	if got := EnvName("nats.store_dir"); got != "PARLEY_NATS_STORE_DIR" {
		t.Errorf("EnvName = %q", got)
	}
}
