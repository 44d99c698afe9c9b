package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/parleyhq/parley/platform/bus"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
)

func deadLetter(t *testing.T, b *bus.Bus, sub, id string) {
	t.Helper()
	hdr := nats.Header{}
	hdr.Set("Parley-Subscription", sub)
	hdr.Set("Parley-Alert-Id", id)
	hdr.Set("Parley-Error", "post: connection refused")
	hdr.Set("Parley-Attempts", "12")
	a := &parleyv1.Alert{Id: id, Kind: "new_round", Headline: "talks"}
	if _, err := b.Publish(context.Background(), bus.SubjectDLQ+"."+sub, sub+"."+id, a, hdr); err != nil {
		t.Fatal(err)
	}
}

// Dead letters of a subscription that was removed can be dropped; an id that is not in the
// DLQ is an error, not "nothing to replay".
func TestDLQPurgeAndUnknownIDs(t *testing.T) {
	url, b := natsForCLI(t)
	deadLetter(t, b, "gone", "a1")
	deadLetter(t, b, "gone", "a2")
	deadLetter(t, b, "desk", "b1")

	code, out, errOut := runCLI(t, "", "dlq", "replay", "--nats", url, "nope")
	if code != 1 || !strings.Contains(errOut, "no alert nope in the DLQ") || strings.Contains(out, "nothing to replay") {
		t.Errorf("replay of an unknown id: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "", "dlq", "replay", "--nats", url, "--sub", "gone")
	if code != 1 || !strings.Contains(errOut, "parley dlq purge --sub gone") {
		t.Errorf("replay for a removed subscription should point to purge: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "dlq", "purge", "--nats", url); code != 1 || !strings.Contains(errOut, "--all") {
		t.Errorf("purge without a choice: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "dlq", "purge", "--nats", url, "zzz"); code != 1 || !strings.Contains(errOut, "no alert zzz") {
		t.Errorf("purge of an unknown id: exit %d, stderr %q", code, errOut)
	}
	code, out, errOut = runCLI(t, "", "dlq", "purge", "--nats", url, "--sub", "gone")
	if code != 0 || !strings.Contains(out, "purged 2 dead letters") {
		t.Errorf("purge --sub gone: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	_, out, _ = runCLI(t, "", "dlq", "list", "--nats", url, "--json")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 || !strings.Contains(lines[0], `"alert_id":"b1"`) {
		t.Errorf("after purge, the DLQ holds:\n%s", out)
	}
	if code, out, _ := runCLI(t, "", "dlq", "purge", "--nats", url, "--all"); code != 0 || !strings.Contains(out, "purged 1 dead letters") {
		t.Errorf("purge --all: exit %d, %q", code, out)
	}
}

// How soon an alert reaches the DLQ is a setting: with two quick attempts an alert to a
// receiver that always fails is dead-lettered within seconds, not a quarter of an hour.
func TestDLQTimingIsASetting(t *testing.T) {
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer failing.Close()
	cfg := "notify: {max_attempts: 2, retry_base: 100ms, retry_max: 200ms}\n" +
		"subscriptions:\n  - {name: desk, target: " + failing.URL + "}\n"
	url := runPipelineCLI(t, cfg)
	var letters []map[string]any
	deadline := time.Now().Add(60 * time.Second)
	for len(letters) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no dead letter within 60s of the first alert")
		}
		time.Sleep(100 * time.Millisecond)
		_, out, _ := runCLI(t, "", "dlq", "list", "--nats", url, "--json")
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(l), &m) == nil {
				letters = append(letters, m)
			}
		}
	}
	if letters[0]["subscription"] != "desk" || letters[0]["attempts"] != float64(2) {
		t.Errorf("dead letter %v: want desk after 2 attempts", letters[0])
	}
}

// runPipelineCLI runs `parley run --config` with extra YAML on the demo stories (served
// here, all at once) and returns the embedded NATS URL once it is up.
func runPipelineCLI(t *testing.T, extra string) string {
	t.Helper()
	feeds := demoFeeds(t)
	dir := t.TempDir()
	natsAddr := freeAddr(t)
	cfg := "nats: {store_dir: " + filepath.Join(dir, "data") + ", listen: " + natsAddr + "}\n" +
		"http: {listen: " + freeAddr(t) + "}\nlog: {level: error}\nallow_private_addresses: true\n" +
		"feeds:\n" + feeds + extra
	path := filepath.Join(dir, "parley.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	startCLI(t, "run", "--config", path)
	url := "nats://" + natsAddr
	waitFor(t, "the embedded NATS to answer", func() bool {
		nc, err := nats.Connect(url)
		if err != nil {
			return false
		}
		nc.Close()
		return true
	})
	return url
}
