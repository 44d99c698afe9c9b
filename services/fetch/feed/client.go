// Package feed does fetch's HTTP: conditional GETs bounded in time and size, feed parsing with
// gofeed after the body has been brought to UTF-8 whatever charset it declares, and fetching
// linked article pages.
package feed

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/parleyhq/parley/services/fetch/limit"
)

// Options configure a Client.
type Options struct {
	UserAgent    string
	Timeout      time.Duration // the whole request, body included
	MaxBodyBytes int64         // after content decoding
	// Control vets each address before connecting (see package guard); nil allows all.
	Control func(network, address string, c syscall.RawConn) error
	// Limiter bounds requests in flight; nil means unbounded.
	Limiter *limit.Limiter
	// MaxIdleConnsPerHost keeps that many connections warm per host; default 8.
	MaxIdleConnsPerHost int
}

// Client makes fetch's HTTP requests. It is safe for concurrent use.
type Client struct {
	transport *http.Transport
	o         Options
	userAgent []string // the header's value, shared by every request (nil: none)
	// timedOut is the cause of every request's timeout: one error, not one a poll.
	timedOut *TimeoutError
}

const maxRedirects = 5

// NewClient builds a client with its own transport, so separate fetchers in one process share
// no connections or limits.
func NewClient(o Options) *Client {
	if o.MaxIdleConnsPerHost <= 0 {
		o.MaxIdleConnsPerHost = 8
	}
	client := &Client{transport: NewTransport(o), o: o, timedOut: &TimeoutError{Limit: o.Timeout}}
	if o.UserAgent != "" {
		client.userAgent = []string{o.UserAgent}
	}
	return client
}

// Buffer sizes of a connection. Most servers close the connection after each poll, so every
// poll dials afresh and pays for both buffers, net/http's 4 KB each by default, in garbage:
// a feed request is a few hundred bytes, a 304 answer not much more, and a body larger than
// the read buffer is read past it.
const (
	writeBufferSize = 1 << 10
	readBufferSize  = 2 << 10
)

// NewTransport is the transport of NewClient: o's Control, MaxIdleConnsPerHost (0 means 1)
// and its buffer sizes. The farm benchmark's bare client uses it too, so that the two are
// compared on the same connections.
func NewTransport(o Options) *http.Transport {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: o.Control}
	return &http.Transport{
		// No proxy: through a proxy the dial-time address check would see the proxy, not the
		// feed's host, and the guard would be pointless.
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   o.MaxIdleConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		WriteBufferSize:       writeBufferSize,
		ReadBufferSize:        readBufferSize,
	}
}

// Close drops idle connections.
func (c *Client) Close() { c.transport.CloseIdleConnections() }

// Request is one GET.
type Request struct {
	URL string
	// ETag and LastModified, when set, make the request conditional.
	ETag         string
	LastModified string
	Accept       string
	// Reservation, when set, is the caller's slot of the Limiter for the URL's host
	// (Limiter.Reserve), whose start has come: Get waits only for a global slot, and gives
	// both back when done.
	Reservation *limit.Reservation
	// Deadline, when set, enforces the timeout in place of a context of the request's own;
	// requests sharing one must not overlap.
	Deadline *Deadline
}

// Response is a complete, successful (2xx or 304) response.
type Response struct {
	StatusCode   int
	Body         []byte
	ContentType  string
	ETag         string
	LastModified string
	// URL is where the body came from after redirects; empty for a 304.
	URL string
}

// NotModified reports a 304 answer to a conditional request.
func (r *Response) NotModified() bool { return r.StatusCode == http.StatusNotModified }

// StatusError is a response outside 2xx and 304.
type StatusError struct {
	StatusCode int
	Status     string
	// RetryAfter is the server's Retry-After, zero when absent or unparseable.
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	s := "HTTP " + e.Status
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// TooLargeError is a body over the configured cap.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("response body exceeds the limit of %d bytes (max_body_bytes)", e.Limit)
}

// TimeoutError is a request that did not complete within the configured time.
type TimeoutError struct{ Limit time.Duration }

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("no complete response within the %s timeout", e.Limit)
}

// Get performs one GET, reading the whole body. A 304 is a Response, not an error.
func (c *Client) Get(ctx context.Context, r Request) (*Response, error) {
	var req *http.Request
	var release func()
	var err error
	switch {
	case r.Reservation != nil:
		// The host is the reservation's: the request is built once the slot is held, with
		// the context it is made under, rather than built and then copied for that context.
		if err = r.Reservation.Acquire(ctx); err == nil {
			defer r.Reservation.Release()
		}
	case c.o.Limiter != nil:
		// Built first, so the URL is parsed once: the limiter needs its host.
		if req, err = c.newRequest(ctx, r); err != nil {
			return nil, fmt.Errorf("GET %s: %w", r.URL, err)
		}
		if release, err = c.o.Limiter.Acquire(ctx, req.URL.Hostname()); err == nil {
			defer release()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("GET %s: waiting for a request slot: %w", r.URL, err)
	}
	// The timeout starts once a slot is held: time spent queueing is not the server's fault.
	switch {
	case c.o.Timeout <= 0:
	case r.Deadline != nil:
		ctx = r.Deadline.start(ctx, c.o.Timeout, c.timedOut)
		defer r.Deadline.stop()
	default:
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, c.o.Timeout, c.timedOut)
		defer cancel()
	}
	if req == nil {
		req, err = c.newRequest(ctx, r)
		if err != nil {
			return nil, fmt.Errorf("GET %s: %w", r.URL, err)
		}
	} else if c.o.Timeout > 0 {
		req = req.WithContext(ctx)
	}
	resp, err := c.do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", r.URL, explain(ctx, err))
	}
	return resp, nil
}

// acceptFeed is the Accept header of every poll. Requests share it: nothing writes to a
// request's headers once it is built (follow copies them for a redirect).
var acceptFeed = []string{AcceptFeed}

// acceptGzip asks for gzip as the transport would. Asked for by the request rather than by
// the transport, the body is not decompressed for us (see body), but the transport no longer
// makes a header map of its own for the request on every poll, a twentieth of what a poll
// allocates besides the dial (cmd/parley's farm benchmark).
var acceptGzip = []string{"gzip"}

// newRequest builds the GET of r. Header values are set as slices directly: Header.Set would
// canonicalise each key and allocate a slice for each value on every poll.
func (c *Client) newRequest(ctx context.Context, r Request) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL, nil)
	if err != nil {
		return nil, err
	}
	h := make(http.Header, 5)
	h["Accept-Encoding"] = acceptGzip
	if c.userAgent != nil {
		h["User-Agent"] = c.userAgent
	}
	switch r.Accept {
	case "":
	case AcceptFeed:
		h["Accept"] = acceptFeed
	default:
		h["Accept"] = []string{r.Accept}
	}
	if r.ETag != "" {
		h["If-None-Match"] = []string{r.ETag}
	}
	if r.LastModified != "" {
		h["If-Modified-Since"] = []string{r.LastModified}
	}
	req.Header = h
	return req, nil
}

func (c *Client) do(req *http.Request) (*Response, error) {
	resp, err := c.follow(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()

	// The transport canonicalises the response's header keys, so they are looked up as
	// written: Header.Get canonicalised each key again on every poll.
	out := &Response{
		StatusCode:   resp.StatusCode,
		ContentType:  first(resp.Header["Content-Type"]),
		ETag:         first(resp.Header["Etag"]),
		LastModified: first(resp.Header["Last-Modified"]),
	}
	if resp.StatusCode == http.StatusNotModified {
		return out, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Drain a little so the connection can be reused; an error page is not worth more.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, &StatusError{
			StatusCode: resp.StatusCode,
			Status:     resp.Status,
			RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now()),
		}
	}
	// Only a body needs its address, to resolve relative links; a 304 spares the string.
	out.URL = resp.Request.URL.String()
	body, declared, err := decoded(resp)
	if err != nil {
		return nil, fmt.Errorf("reading body: %w", err)
	}
	limit := c.o.MaxBodyBytes
	if limit > 0 && declared > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	// This bounds the decoded size: a small compressed bomb cannot blow up memory.
	if limit > 0 {
		body = io.LimitReader(body, limit+1)
	}
	b, err := readBody(body, declared)
	if err != nil {
		return nil, fmt.Errorf("reading body: %w", err)
	}
	if limit > 0 && int64(len(b)) > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	out.Body = b
	return out, nil
}

// decoded is resp's body as the server meant it, gzip undone (newRequest asks for it), and
// its length when known.
func decoded(resp *http.Response) (io.Reader, int64, error) {
	if resp.Uncompressed || !strings.EqualFold(first(resp.Header["Content-Encoding"]), "gzip") {
		return resp.Body, resp.ContentLength, nil
	}
	zr, err := gzip.NewReader(resp.Body)
	if errors.Is(err, io.EOF) {
		return http.NoBody, 0, nil // an empty body, as the transport would read it
	}
	if err != nil {
		return nil, 0, err
	}
	return zr, -1, nil
}

// first is a header's first value, or "".
func first(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}

// follow makes req and the requests its redirects lead to, as http.Client does for a GET
// (the same headers, a Referer unless the redirect leaves HTTPS), stopping after
// maxRedirects or at a scheme other than HTTP's. It calls the transport itself: http.Client
// copied the request's headers on every poll, against the rare redirect.
func (c *Client) follow(req *http.Request) (*http.Response, error) {
	for redirects := 0; ; redirects++ {
		resp, err := c.transport.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		loc := resp.Header.Get("Location")
		if !redirect(resp.StatusCode) || loc == "" {
			return resp, nil
		}
		to, err := redirectTarget(req.URL, loc, redirects+1)
		// What http.Client reads of a redirect's body, so a small one's connection is reused.
		if resp.ContentLength == -1 || resp.ContentLength <= 2<<10 {
			_, _ = io.CopyN(io.Discard, resp.Body, 2<<10)
		}
		_ = resp.Body.Close()
		if err != nil {
			return nil, err
		}
		next, err := http.NewRequestWithContext(req.Context(), http.MethodGet, to.String(), nil)
		if err != nil {
			return nil, fmt.Errorf("redirect to %q: %w", loc, err)
		}
		next.Header = req.Header.Clone()
		delete(next.Header, "Referer")
		if req.URL.Scheme != "https" || to.Scheme == "https" {
			from := *req.URL
			from.User = nil
			next.Header["Referer"] = []string{from.String()}
		}
		req = next
	}
}

// redirectTarget is where the redirects-th redirect, to loc, leads from u, or why it is not
// followed.
func redirectTarget(u *url.URL, loc string, redirects int) (*url.URL, error) {
	to, err := u.Parse(loc)
	switch {
	case err != nil:
		return nil, fmt.Errorf("failed to parse Location header %q: %w", loc, err)
	case redirects >= maxRedirects:
		return nil, fmt.Errorf("stopped after %d redirects", maxRedirects)
	case to.Scheme != "http" && to.Scheme != "https":
		return nil, fmt.Errorf("redirect to unsupported scheme %q", to.Scheme)
	}
	return to, nil
}

// redirect says whether http.Client follows a GET answered with status.
func redirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// presizeCap bounds the buffer a declared length alone can make readBody allocate, for a
// client without a body limit.
const presizeCap = 16 << 20

// readBody reads r to its end into a buffer sized by the declared length, when there is
// one: io.ReadAll's doubling from 512 bytes leaves about as much garbage as the feed is
// long, on every changed poll. The length is only a hint; the caller has bounded r.
func readBody(r io.Reader, declared int64) ([]byte, error) {
	if declared <= 0 || declared > presizeCap {
		return io.ReadAll(r)
	}
	var buf bytes.Buffer
	buf.Grow(int(declared) + bytes.MinRead) // room for ReadFrom to see the end without growing
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// explain replaces the transport's bare "context deadline exceeded" with the limit that was hit.
func explain(ctx context.Context, err error) error {
	var te *TimeoutError
	if errors.As(context.Cause(ctx), &te) && !errors.As(err, new(*TooLargeError)) {
		return te
	}
	return err
}

// retryAfter parses a Retry-After value: delay-seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, int64(365*24*time.Hour/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
