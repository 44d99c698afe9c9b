package deliver

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/services/notify/round"
)

// verify checks a request the way a subscriber would, from the secret string alone, with
// its own HMAC code rather than this package's.
func verify(t *testing.T, secret string, r *http.Request, body []byte) {
	t.Helper()
	key := []byte(secret)
	if rest, ok := strings.CutPrefix(secret, "whsec_"); ok {
		var err error
		if key, err = base64.StdEncoding.DecodeString(rest); err != nil {
			t.Fatal(err)
		}
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(body)
	if got, want := r.Header.Get("X-Parley-Signature"), "sha256="+hex.EncodeToString(mac.Sum(nil)); got != want {
		t.Errorf("X-Parley-Signature = %q, want %q", got, want)
	}
	id, ts := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() > time.Minute {
		t.Errorf("webhook-timestamp %q is not now", ts)
	}
	mac = hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	found := false
	for _, sig := range strings.Fields(r.Header.Get("webhook-signature")) {
		found = found || hmac.Equal([]byte(sig), []byte(want))
	}
	if !found {
		t.Errorf("webhook-signature %q, want %q", r.Header.Get("webhook-signature"), want)
	}
	if r.Header.Get("Idempotency-Key") != id || id == "" {
		t.Errorf("Idempotency-Key %q, webhook-id %q", r.Header.Get("Idempotency-Key"), id)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestSignaturesVerify(t *testing.T) {
	raw := []byte("0123456789abcdef0123456789abcdef")
	for _, secret := range []string{"plain shared secret", "whsec_" + base64.StdEncoding.EncodeToString(raw)} {
		t.Run(secret[:5], func(t *testing.T) {
			body := []byte(`{"id":"abc","kind":"new_round"}`)
			calls := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls++
				got, _ := io.ReadAll(r.Body)
				if !bytes.Equal(got, body) {
					t.Errorf("body %q", got)
				}
				verify(t, secret, r, got)
			}))
			defer srv.Close()
			key, err := Key(secret)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(secret, "whsec_") && !bytes.Equal(key, raw) {
				t.Fatalf("whsec_ key = %x, want the decoded bytes", key)
			}
			w := &Webhook{Client: srv.Client(), URL: srv.URL, Key: key, Timeout: 5 * time.Second}
			if _, err := w.Post(context.Background(), "abc", body); err != nil {
				t.Fatal(err)
			}
			if calls != 1 {
				t.Fatalf("%d calls", calls)
			}
		})
	}
}

func TestKeyRejectsBadWhsec(t *testing.T) {
	if _, err := Key("whsec_***"); err == nil {
		t.Fatal("accepted a whsec_ secret that is not base64")
	}
}

func TestSendClassifiesFailures(t *testing.T) {
	tests := []struct {
		status     int
		retryAfter string
		retryable  bool
		wait       time.Duration
	}{
		{503, "7", true, 7 * time.Second},
		{429, "", true, 0},
		{408, "", true, 0},
		{500, "", true, 0},
		{400, "", false, 0},
		{404, "", false, 0},
		{301, "", false, 0},
	}
	for _, tc := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tc.retryAfter != "" {
				w.Header().Set("Retry-After", tc.retryAfter)
			}
			if tc.status == 301 {
				w.Header().Set("Location", "/elsewhere")
			}
			w.WriteHeader(tc.status)
		}))
		client := srv.Client()
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		w := &Webhook{Client: client, URL: srv.URL, Key: []byte("k")}
		_, err := w.Post(context.Background(), "id", []byte("{}"))
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("%d: err %v is not *Error", tc.status, err)
		}
		if e.StatusCode != tc.status || e.Retryable != tc.retryable || e.RetryAfter != tc.wait {
			t.Errorf("%d: got %+v", tc.status, e)
		}
		srv.Close()
	}

	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := (&Webhook{URL: url, Key: []byte("k"), Timeout: time.Second}).Post(context.Background(), "id", []byte("{}"))
	if err == nil || !IsRetryable(err) {
		t.Errorf("down receiver: err %v, want retryable", err)
	}
}

func TestRetryAfterDate(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	if got := retryAfter(now.Add(90*time.Second).Format(http.TimeFormat), now); got != 90*time.Second {
		t.Errorf("retryAfter(date) = %v", got)
	}
}

func TestRedact(t *testing.T) {
	if got := redact("https://user:tok@hooks.example/p?key=secret"); got != "https://hooks.example/p" {
		t.Errorf("redact = %q", got)
	}
}

func TestConsolePrint(t *testing.T) {
	var buf bytes.Buffer
	a := round.Alert{
		Kind:     round.NewRound,
		Headline: "Russia, Ukraine and US hold talks in Abu Dhabi, Jan 23–24",
		Round: round.Round{
			Parties:   []string{"RU", "UA", "US"},
			Location:  round.Location{City: "Abu Dhabi", Country: "AE"},
			Start:     time.Date(2026, 1, 23, 0, 0, 0, 0, time.UTC),
			End:       time.Date(2026, 1, 24, 0, 0, 0, 0, time.UTC),
			Precision: round.Day,
			Status:    round.Underway,
			Sources: []round.Article{{URL: "https://a.example/1"}, {URL: "https://b.example/2"},
				{URL: "https://c.example/3", Source: "Gulf Wire", Title: "Talks open in Abu Dhabi",
					Published: time.Date(2026, 1, 23, 9, 30, 0, 0, time.UTC)}},
			Participants: []round.Participant{{Name: "Rustem Umerov", Party: "UA", Role: "chief negotiator"}, {Name: "Steve Witkoff", Party: "US"}},
		},
	}
	if err := NewConsole(&buf).Print(a); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"[new_round] Russia, Ukraine and US hold talks in Abu Dhabi, Jan 23–24\n",
		"status:  underway", "venue:   Abu Dhabi, UAE", "dates:   2026-01-23 to 2026-01-24",
		"parties: Russia, Ukraine, US", "source:  https://a.example/1\n", "source:  https://b.example/2\n",
		"people:  Rustem Umerov (chief negotiator, UA); Steve Witkoff (US)\n",
		"source:  Gulf Wire, 2026-01-23 09:30 UTC: Talks open in Abu Dhabi\n           https://c.example/3\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
}
