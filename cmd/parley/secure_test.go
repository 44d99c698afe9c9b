package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/bustest"
	"github.com/parleyhq/parley/platform/config"
	"github.com/parleyhq/parley/services/fetch"
	"github.com/parleyhq/parley/services/notify"
)

// parley run against a NATS that requires TLS and an NKey, as the user whose permissions
// are the union of the three services': alerts flow, and nothing secret is readable in the
// buckets.
func TestRunAgainstSecureNATS(t *testing.T) {
	s := bustest.StartSecure(t)
	var signed atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Webhook-Signature") != "" || r.Header.Get("X-Parley-Signature") != "" {
			signed.Add(1)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	const secret, token = "desk-signing-secret-42", "tok3n-in-the-query"
	dir := t.TempDir()
	cfg := fmt.Sprintf(`nats:
  url: %s
  nkey_seed_file: %s
  tls: {ca_file: %s}
http: {listen: %s}
allow_private_addresses: true
secrets: {key: %s}
feeds:
%ssubscriptions:
  - {name: screen, target: "console://"}
  - {name: desk, target: "%s/hook?token=%s", secret: %s}
`, s.URL, s.Seeds["parley"], s.CAFile, freeAddr(t), bustest.Key, demoFeeds(t), hook.URL, token, secret)
	path := filepath.Join(dir, "parley.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	r := startCLI(t, "run", "--config", path)
	waitFor(t, "an alert on the console and a signed one at the webhook", func() bool {
		return strings.Contains(r.out.String(), "[new_round]") && signed.Load() > 0
	})
	if strings.Contains(strings.ToLower(r.err.String()), "permissions violation") {
		t.Errorf("parley run hit a permissions violation:\n%s", r.err.String())
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	opts, err := bus.SecurityOptions(configFor(s, "admin"))
	if err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(s.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	for _, bucket := range []string{notify.BucketSubscriptions, fetch.BucketFeeds} {
		for _, v := range bucketValues(ctx, t, js, bucket) {
			for _, plain := range []string{secret, token} {
				if strings.Contains(v, plain) {
					t.Errorf("%s holds %q in plain text: %s", bucket, plain, v)
				}
			}
		}
	}
}

func bucketValues(ctx context.Context, t *testing.T, js jetstream.JetStream, bucket string) []string {
	t.Helper()
	kv, err := js.KeyValue(ctx, bucket)
	if err != nil {
		t.Fatalf("open %s: %v", bucket, err)
	}
	keys, err := kv.ListKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for k := range keys.Keys() {
		e, err := kv.Get(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(e.Value()))
	}
	if len(out) == 0 && bucket == notify.BucketSubscriptions {
		t.Errorf("%s is empty", bucket)
	}
	return out
}

func configFor(s *bustest.Secure, user string) config.NATS {
	return config.NATS{NKeySeedFile: s.Seeds[user], TLS: config.NATSTLS{CAFile: s.CAFile}}
}

// The WebSub callback is on its own listener: hubs reach it there, and nothing else is
// there; the private listener does not serve it.
func TestWebSubCallbackOnPublicListenerOnly(t *testing.T) {
	t.Chdir(t.TempDir())
	private, public := freeAddr(t), freeAddr(t)
	cfg := fmt.Sprintf("nats: {store_dir: ./state, listen: %s}\nhttp: {listen: %s, public_listen: %s}\nfetch: {websub_callback_url: \"https://parley.example.org\"}\n", freeAddr(t), private, public)
	if err := os.WriteFile("parley.yaml", []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	r := startCLI(t, "run", "--config", "parley.yaml")
	waitFor(t, "parley running", func() bool { return strings.Contains(r.err.String(), "parley running") })
	status := func(method, url string) int {
		req, _ := http.NewRequest(method, url, strings.NewReader("<rss/>"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// fetch registers the callback once its buckets are open.
	waitFor(t, "the callback on the public listener", func() bool {
		resp, err := http.Post("http://"+public+"/websub/unknown-feed", "application/rss+xml", strings.NewReader("<rss/>"))
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusGone
	})
	for _, c := range []struct {
		method, url string
		want        int
	}{
		{"GET", "http://" + public + "/metrics", http.StatusNotFound},
		{"GET", "http://" + public + "/api/rounds", http.StatusNotFound},
		{"POST", "http://" + private + "/websub/unknown-feed", http.StatusNotFound},
		{"GET", "http://" + private + "/metrics", http.StatusOK},
	} {
		if got := status(c.method, c.url); got != c.want {
			t.Errorf("%s %s = %d, want %d", c.method, c.url, got, c.want)
		}
	}
}

// Each service as its own user, with only the permissions deploy/ gives it: alerts still
// flow end to end, so no service needs more than its user has.
func TestServicesAsTheirOwnUsers(t *testing.T) {
	s := bustest.StartSecure(t)
	dir := t.TempDir()
	feeds := demoFeeds(t)
	var notifyOut *syncBuffer
	for _, svc := range bus.Services {
		cfg := fmt.Sprintf(`nats:
  url: %s
  nkey_seed_file: %s
  tls: {ca_file: %s}
http: {listen: %s}
allow_private_addresses: true
secrets: {key: %s}
feeds:
%ssubscriptions:
  - {name: screen, target: "console://"}
`, s.URL, s.Seeds[svc], s.CAFile, freeAddr(t), bustest.Key, feeds)
		path := filepath.Join(dir, svc+".yaml")
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		r := startCLI(t, svc, "--config", path)
		if svc == "notify" {
			notifyOut = r.out
		}
		t.Cleanup(func() {
			if strings.Contains(strings.ToLower(r.err.String()), "permissions violation") {
				t.Errorf("%s hit a permissions violation:\n%s", svc, r.err.String())
			}
		})
	}
	waitFor(t, "an alert from notify", func() bool { return strings.Contains(notifyOut.String(), "[new_round]") })
}
