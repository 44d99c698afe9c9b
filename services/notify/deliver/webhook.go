// Package deliver sends alerts to subscribers: signed JSON webhooks, chat, push and email
// services named by notification URLs, and a console printer.
// What to send and when to retry is decided by the caller; this package only says whether a
// failed attempt is worth retrying.
package deliver

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Key turns a subscription secret into the HMAC key of its signatures. A secret in the
// Standard Webhooks form "whsec_<base64>" stands for its decoded bytes, so stock verifier
// libraries given the same string agree with us; any other string is used as it is.
func Key(secret string) ([]byte, error) {
	rest, ok := strings.CutPrefix(secret, "whsec_")
	if !ok {
		return []byte(secret), nil
	}
	key, err := base64.StdEncoding.DecodeString(rest)
	if err != nil {
		if key, err2 := base64.RawStdEncoding.DecodeString(rest); err2 == nil {
			return key, nil
		}
		return nil, fmt.Errorf("whsec_ secret is not base64: %w", err)
	}
	return key, nil
}

// Signature is the X-Parley-Signature value: "sha256=" and the hex HMAC-SHA256 of body.
func Signature(key, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// StandardSignature is the Standard Webhooks webhook-signature value: "v1," and the base64
// HMAC-SHA256 of "id.timestamp.body".
func StandardSignature(key []byte, id string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%d.", id, timestamp)
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Error is a failed delivery attempt.
type Error struct {
	// StatusCode is the receiver's answer, 0 when there was none.
	StatusCode int
	// Retryable is true when the same request may succeed later.
	Retryable bool
	// RetryAfter is the wait the receiver asked for, 0 when it did not.
	RetryAfter time.Duration
	Err        error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Webhook posts signed JSON to one URL.
type Webhook struct {
	Client *http.Client
	URL    string
	Key    []byte
	// Timeout bounds one attempt, response included.
	Timeout time.Duration
	// Now stamps webhook-timestamp; time.Now when nil.
	Now func() time.Time
}

// Post posts body with id as its idempotency key and returns the receiver's status code, 0
// when it did not answer. A failure is an *Error.
func (w *Webhook) Post(ctx context.Context, id string, body []byte) (int, error) {
	if w.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, w.Timeout)
		defer cancel()
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return 0, &Error{Err: fmt.Errorf("build request: %w", err)}
	}
	sent := now()
	ts := sent.Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "parley-notify")
	req.Header.Set("X-Parley-Signature", Signature(w.Key, body))
	req.Header.Set("Idempotency-Key", id)
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", StandardSignature(w.Key, id, ts, body))

	client := w.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, &Error{Retryable: true, Err: fmt.Errorf("post %s: %w", redact(w.URL), err)}
	}
	defer resp.Body.Close()
	// Read a little of the answer for the log, and drain so the connection can be reused.
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, nil
	}
	e := &Error{
		StatusCode: resp.StatusCode,
		Retryable:  resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500,
		RetryAfter: retryAfter(resp.Header.Get("Retry-After"), sent),
	}
	msg := strings.TrimSpace(string(snippet))
	if msg != "" {
		e.Err = fmt.Errorf("post %s: %s: %q", redact(w.URL), resp.Status, msg)
	} else {
		e.Err = fmt.Errorf("post %s: %s", redact(w.URL), resp.Status)
	}
	return resp.StatusCode, e
}

// retryAfter reads a Retry-After header, in seconds or as an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		return max(time.Duration(secs)*time.Second, 0)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// redact drops credentials and query from a URL for logs: webhook URLs often carry tokens.
func redact(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	if scheme, rest, ok := strings.Cut(raw, "://"); ok {
		if at := strings.LastIndex(rest, "@"); at >= 0 && !strings.Contains(rest[:at], "/") {
			rest = rest[at+1:]
		}
		return scheme + "://" + rest
	}
	return raw
}

// IsRetryable reports whether err from Send is worth another attempt.
func IsRetryable(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Retryable
	}
	return true
}

// Redact is a target URL fit for logs and listings: no credentials, tokens in userinfo or
// query.
func Redact(target string) string { return redact(target) }
