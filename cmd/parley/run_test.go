package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The demo says when the replay is over, and a second run says why it is quiet and how to
// start afresh.
func TestDemoSaysWhenDoneAndHowToStartAfresh(t *testing.T) {
	t.Chdir(t.TempDir())
	dir, err := filepath.Abs("data")
	if err != nil {
		t.Fatal(err)
	}
	step := demoStep
	demoStep = 20 * time.Millisecond
	t.Cleanup(func() { demoStep = step })
	t.Setenv("PARLEY_NATS_LISTEN", freeAddr(t))
	httpAddr := freeAddr(t)
	t.Setenv("PARLEY_HTTP_LISTEN", httpAddr)

	first := startCLI(t, "run")
	waitFor(t, "the demo to say it is done", func() bool { return strings.Contains(first.out.String(), "Demo done") })
	out := first.out.String()
	for _, want := range []string{"State is kept in " + dir, "[new_round]", "Demo done: all 14 stories", "rm -rf " + dir} {
		if !strings.Contains(out, want) {
			t.Errorf("first run lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "earlier run") {
		t.Errorf("first run talks of an earlier run:\n%s", out)
	}
	if code := first.stop(); code != 0 {
		t.Fatalf("first run exited %d: %s", code, first.err.String())
	}

	second := startCLI(t, "run")
	// Stopped only once up: a stop during start-up is another test's subject.
	waitFor(t, "the second run to serve", func() bool {
		resp, err := http.Get("http://" + httpAddr + "/readyz")
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	out = second.out.String()
	for _, want := range []string{dir + " holds an earlier run's state", "not alerted again", "rm -rf " + dir} {
		if !strings.Contains(out, want) {
			t.Errorf("second run lacks %q:\n%s", want, out)
		}
	}
}

// A relative store_dir is resolved against the working directory once and logged absolute,
// and a pipeline with nobody to tell warns about it.
func TestRunLogsAbsoluteStoreDirAndWarnsWithoutSubscriptions(t *testing.T) {
	t.Chdir(t.TempDir())
	want, err := filepath.Abs("state")
	if err != nil {
		t.Fatal(err)
	}
	cfg := "nats: {store_dir: ./state, listen: " + freeAddr(t) + "}\nhttp: {listen: " + freeAddr(t) + "}\nlog: {level: info}\n"
	if err := os.WriteFile("parley.yaml", []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	r := startCLI(t, "run", "--config", "parley.yaml")
	waitFor(t, "parley running", func() bool { return strings.Contains(r.err.String(), "parley running") })
	logs := r.err.String()
	if !strings.Contains(logs, "store_dir="+want) {
		t.Errorf("store_dir not logged as %s:\n%s", want, logs)
	}
	if !strings.Contains(logs, "no subscriptions") || !strings.Contains(logs, "parley subs add") {
		t.Errorf("no warning about the missing subscriptions:\n%s", logs)
	}
}
