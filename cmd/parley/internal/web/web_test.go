package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parleyhq/parley/cmd/parley/internal/web"
	"github.com/parleyhq/parley/platform/bustest"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// Before anything was read the pages still answer, and say what is missing and what to do.
func TestPagesOnAFreshInstall(t *testing.T) {
	env := bustest.Start(t)
	mux := http.NewServeMux()
	web.New(env.Bus, nil).Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, tc := range []struct {
		path string
		code int
		want []string
	}{
		{"/", 200, []string{"0 of 0 rounds", "No rounds yet"}},
		{"/?from=31/01/2026", 200, []string{"ignored the date 31/01/2026: write it as 2026-01-31"}},
		{"/rounds/nope", 404, []string{"No such round", "nope"}},
		{"/status", 200, []string{"No feeds registered", "parley feeds add", "No subscriptions: alerts go nowhere", "Dead-letter queue: <span class=\"dlq-size\">0</span>", `http-equiv="refresh" content="10"`}},
		{"/rounds/%3Cscript%3E", 404, []string{"&lt;script&gt;"}},
	} {
		code, body := get(t, srv.URL+tc.path)
		if code != tc.code {
			t.Errorf("GET %s: %d, want %d", tc.path, code, tc.code)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s lacks %q:\n%s", tc.path, w, body)
			}
		}
	}
}
