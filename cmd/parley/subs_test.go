package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/bustest"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/notify"
	"github.com/parleyhq/parley/services/parse/extract"
)

// natsForCLI starts an embedded JetStream server with Parley's streams and returns its URL
// and a bus on it.
func natsForCLI(t *testing.T) (string, *bus.Bus) {
	t.Helper()
	env := bustest.Start(t)
	// The commands seal and open secrets with the key the test bus has.
	t.Setenv("PARLEY_SECRETS_KEY", bustest.Key)
	return env.Server.ClientURL(), env.Bus
}

type hookLog struct {
	mu   sync.Mutex
	keys []string
}

func (h *hookLog) serve(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	h.mu.Lock()
	h.keys = append(h.keys, r.Header.Get("Idempotency-Key"))
	h.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (h *hookLog) got() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.keys...)
}

func TestSubsCommands(t *testing.T) {
	url, _ := natsForCLI(t)
	var hook hookLog
	srv := httptest.NewServer(http.HandlerFunc(hook.serve))
	defer srv.Close()

	steps := []struct {
		args     []string
		code     int
		out, err string // substrings expected on stdout and stderr
	}{
		{[]string{"subs", "add", "--nats", url, "--name", "desk", "--target", srv.URL + "/hook?token=abc", "--secret", "s3", "--parties", "RU, UA", "--kinds", "new_round"}, 0, "subscription desk added (webhook)", ""},
		{[]string{"subs", "add", "--nats", url, "--name", "desk", "--target", "console://"}, 1, "", "subscription desk exists; pass --replace"},
		{[]string{"subs", "add", "--nats", url, "--name", "chat", "--target", "telegram://110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw@telegram?chats=@desk"}, 0, "added (telegram)", ""},
		{[]string{"subs", "add", "--nats", url, "--name", "bad", "--target", "gopher://x"}, 1, "", "unsupported scheme"},
		{[]string{"subs", "add", "--nats", url, "--name", "bad", "--target", "console://", "--kinds", "sometimes"}, 1, "", "filter.kinds[0]"},
		{[]string{"subs", "list", "--nats", url}, 0, "desk  webhook", ""},
		{[]string{"subs", "test", "--nats", url, "desk"}, 0, "desk: 204 No Content", ""},
		{[]string{"subs", "remove", "--nats", url, "chat"}, 0, "subscription chat removed", ""},
		{[]string{"subs", "remove", "--nats", url, "chat"}, 1, "", "no such subscription"},
		{[]string{"subs", "test", "--nats", url, "nobody"}, 1, "", "no such subscription"},
		{[]string{"subs", "frobnicate"}, 2, "", "unknown subcommand"},
	}
	for _, s := range steps {
		code, out, errOut := runCLI(t, "", s.args...)
		if code != s.code || !strings.Contains(out, s.out) || !strings.Contains(errOut, s.err) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d, %q, %q", s.args[1:], code, out, errOut, s.code, s.out, s.err)
		}
	}
	if got := hook.got(); len(got) != 1 || !strings.HasPrefix(got[0], "test-desk-") {
		t.Errorf("the test alert: %v", got)
	}

	code, out, errOut := runCLI(t, "", "subs", "list", "--nats", url, "--json")
	if code != 0 {
		t.Fatalf("list --json: %d %s", code, errOut)
	}
	var rows []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var row map[string]any
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatalf("list --json prints JSON lines, like feeds and dlq list: %v\n%s", err, out)
		}
		rows = append(rows, row)
	}
	if len(rows) != 1 {
		t.Fatalf("rows %v", rows)
	}
	r := rows[0]
	if r["name"] != "desk" || r["channel"] != "webhook" || r["origin"] != "cli" || r["secret_set"] != true ||
		r["target"] != srv.URL+"/hook" {
		t.Errorf("row %v", r)
	}
	if f, _ := json.Marshal(r["filter"]); string(f) != `{"kinds":["new_round"],"parties":["RU","UA"]}` {
		t.Errorf("filter %s", f)
	}
	if strings.Contains(out, "s3") || strings.Contains(out, "token=abc") {
		t.Errorf("listing shows a secret or token:\n%s", out)
	}
}

func TestDLQCommands(t *testing.T) {
	url, b := natsForCLI(t)
	var hook hookLog
	srv := httptest.NewServer(http.HandlerFunc(hook.serve))
	defer srv.Close()
	ctx := context.Background()

	if code, _, errOut := runCLI(t, "", "dlq", "list", "--nats", url); code != 0 || !strings.Contains(errOut, "no dead letters") {
		t.Errorf("empty list: %d %q", code, errOut)
	}
	// A dead letter as notify writes one.
	alert := &parleyv1.Alert{Id: "a1b2c3", Kind: "new_round", Headline: "Ukraine and US hold talks in Miami, Dec 19–20"}
	hdr := nats.Header{}
	hdr.Set("Parley-Subscription", "desk")
	hdr.Set("Parley-Alert-Id", alert.Id)
	hdr.Set("Parley-Error", "post http://127.0.0.1:9/: connection refused")
	hdr.Set("Parley-Attempts", "12")
	if _, err := b.Publish(ctx, bus.SubjectDLQ+".desk", "desk.a1b2c3", alert, hdr); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "dlq", "list", "--nats", url)
	if code != 0 {
		t.Fatalf("list: %d %s", code, errOut)
	}
	for _, want := range []string{"SUBSCRIPTION", "desk", "a1b2c3", "12", "Ukraine and US hold talks in Miami", "connection refused"} {
		if !strings.Contains(out, want) {
			t.Errorf("dlq list lacks %q:\n%s", want, out)
		}
	}
	// Its subscription is gone: replay says so and keeps it.
	code, out, _ = runCLI(t, "", "dlq", "replay", "--nats", url)
	if code != 1 || !strings.Contains(out, "no such subscription") {
		t.Errorf("replay without the subscription: %d %q", code, out)
	}
	if code, _, errOut := runCLI(t, "", "subs", "add", "--nats", url, "--name", "desk", "--target", srv.URL); code != 0 {
		t.Fatalf("subs add: %s", errOut)
	}
	code, out, errOut = runCLI(t, "", "dlq", "replay", "--nats", url, "--sub", "desk", "a1b2c3")
	if code != 0 || !strings.Contains(out, "desk a1b2c3: delivered (204 No Content)") {
		t.Errorf("replay: %d %q %q", code, out, errOut)
	}
	if got := hook.got(); len(got) != 1 || got[0] != "a1b2c3" {
		t.Errorf("receiver got %v", got)
	}
	code, out, _ = runCLI(t, "", "dlq", "list", "--nats", url, "--json")
	if code != 0 || strings.TrimSpace(out) != "" {
		t.Errorf("list after replay: %d %q", code, out)
	}
	if code, out, _ := runCLI(t, "", "dlq", "replay", "--nats", url); code != 0 || !strings.Contains(out, "nothing to replay") {
		t.Errorf("second replay: %d %q", code, out)
	}
}

// Filter values that could never match are refused with the valid ones named.
func TestSubsAddRefusesFilterValuesThatNeverMatch(t *testing.T) {
	url, _ := natsForCLI(t)
	for _, tc := range []struct {
		flag, value string
		want        []string
	}{
		{"--parties", "Ukraine,RUS", []string{`"Ukraine" is not a country code`, "did you mean UA?"}},
		{"--parties", "RU,RUS", []string{`"RUS" is not a country code`, "did you mean RU?"}},
		{"--topics", "cease_fire", []string{`"cease_fire" is not a topic`, "ceasefire", "prisoner_exchange"}},
	} {
		code, _, errOut := runCLI(t, "", "subs", "add", "--nats", url, "--name", "desk", "--target", "console://", tc.flag, tc.value)
		if code != 1 {
			t.Errorf("%s %s: exit %d, want 1", tc.flag, tc.value, code)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%s %s: stderr %q lacks %q", tc.flag, tc.value, errOut, w)
			}
		}
	}
	if topics := extract.Topics; !slices.Equal(topics, notify.Topics) {
		t.Errorf("notify.Topics %v differs from the extractor's %v", notify.Topics, topics)
	}
}

// Replacing a subscription keeps its secret unless --secret says otherwise.
func TestSubsReplaceKeepsSecret(t *testing.T) {
	url, b := natsForCLI(t)
	secretOf := func() string {
		reg, err := notify.OpenRegistry(context.Background(), b)
		if err != nil {
			t.Fatal(err)
		}
		e, err := reg.Get(context.Background(), "desk")
		if err != nil {
			t.Fatal(err)
		}
		return e.Secret
	}
	add := func(args ...string) string {
		t.Helper()
		code, out, errOut := runCLI(t, "", append([]string{"subs", "add", "--nats", url, "--name", "desk"}, args...)...)
		if code != 0 {
			t.Fatalf("subs add %v: exit %d: %s", args, code, errOut)
		}
		return out
	}
	add("--target", "https://hooks.example.org/a", "--secret", "s3cret")
	out := add("--target", "https://hooks.example.org/b", "--replace")
	if got := secretOf(); got != "s3cret" {
		t.Errorf("after --replace without --secret the secret is %q, want it kept", got)
	}
	if !strings.Contains(out, "kept its secret") {
		t.Errorf("replace does not say the secret was kept: %q", out)
	}
	add("--target", "https://hooks.example.org/c", "--replace", "--secret", "n3w")
	if got := secretOf(); got != "n3w" {
		t.Errorf("--secret n3w gave %q", got)
	}
	add("--target", "https://hooks.example.org/c", "--replace", "--secret", "")
	if got := secretOf(); got != "" {
		t.Errorf(`--secret "" left %q`, got)
	}
}
