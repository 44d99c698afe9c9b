package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFeedIntervalFloor(t *testing.T) {
	cases := []struct {
		url, interval string
		private       bool
		wantErr       string
	}{
		{"https://news.example.org/rss", "1m", false, ""},
		{"https://news.example.org/rss", "30s", true, "shorter than 1m0s"},
		{"http://127.0.0.1:8081/rss", "1s", true, ""},
		{"http://127.0.0.1:8081/rss", "1s", false, "shorter than 1m0s"},
		{"http://demo-feeds:8081/rss", "2s", true, ""},
		{"http://10.0.0.7/rss", "500ms", true, "shorter than 1s"},
	}
	for _, c := range cases {
		raw := "allow_private_addresses: " + map[bool]string{true: "true", false: "false"}[c.private] +
			"\nfeeds:\n  - url: " + c.url + "\n    interval: " + c.interval + "\n"
		_, err := Parse([]byte(raw), func(string) (string, bool) { return "", false })
		if (err == nil) != (c.wantErr == "") || err != nil && !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("%s every %s (private %v): %v, want %q", c.url, c.interval, c.private, err, c.wantErr)
		}
	}
}

func TestNATSSecurityKeys(t *testing.T) {
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"PARLEY_NATS_TLS_CA_FILE": ca, "PARLEY_NATS_USER": "fetch", "PARLEY_NATS_PASSWORD": "pw"}
	n, err := NATSFromEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil || n.TLS.CAFile != ca || n.User != "fetch" || n.Password != "pw" {
		t.Fatalf("NATSFromEnv = %+v, %v", n, err)
	}
	bad := []struct{ yaml, want string }{
		{"nats:\n  user: a\n  token: b\n", "use one of"},
		{"nats:\n  password: b\n", "nats.password"},
		{"nats:\n  tls:\n    cert_file: " + ca + "\n", "give both"},
		{"nats:\n  creds_file: " + filepath.Join(dir, "missing.creds") + "\n", "nats.creds_file"},
	}
	for _, b := range bad {
		if _, err := Parse([]byte(b.yaml), func(string) (string, bool) { return "", false }); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%q: %v, want an error naming %q", b.yaml, err, b.want)
		}
	}
}
