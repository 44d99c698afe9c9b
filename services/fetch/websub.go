package fetch

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parleyhq/parley/services/fetch/feed"
	"github.com/parleyhq/parley/services/fetch/guard"
)

// WebSub (W3C Recommendation, 23 January 2018). A feed whose body links a hub (rel="hub") is
// subscribed at that hub with the callback <WebSubCallbackURL>/websub/<feed_id>; the hub
// then pushes the feed's new content there, and its items go out through the same once-ever
// path as polled ones. Polling goes on regardless: it is the fallback when a hub is down,
// forgets the subscription or never verifies it.
//
// The subscription (hub, topic, secret, when to renew) is part of the feed's State, so every
// replica behind the callback URL can verify a hub's request and check a push's signature,
// whichever replica subscribed. Only the replica that polls a feed subscribes or renews it.

// WebSubPath is where the callback handler is mounted; the feed's id follows it.
const WebSubPath = "/websub/"

// Mux is where fetch mounts its WebSub callback handler; platform/ops.Server is one.
type Mux interface {
	Handle(pattern string, h http.Handler)
}

const (
	// DefaultWebSubLease is the lease fetch asks hubs for.
	DefaultWebSubLease = 24 * time.Hour
	// webSubRetry is how long a feed waits after a hub refused or failed a subscription
	// request before the next attempt (polling goes on meanwhile).
	webSubRetry = 30 * time.Minute
	// webSubRequestTimeout bounds a subscription request to a hub.
	webSubRequestTimeout = 15 * time.Second
	// pendingFor is how long a subscription request waits for the hub's verification.
	pendingFor = 5 * time.Minute
)

// websub subscribes feeds at their hubs and serves the callback.
type websub struct {
	r       *runner
	base    string // callback base URL, no trailing slash
	lease   time.Duration
	maxBody int64
	client  *http.Client
	log     *slog.Logger

	mu      sync.Mutex
	workers map[string]*worker       // registered feeds by id
	pending map[string]pendingRecord // requests sent by this replica, by feed id
	// granted is when a lease a hub verified here ends, by feed id, for hubs that grant less
	// than was asked.
	granted map[string]time.Time
}

// pendingRecord lets this replica answer a verification that comes before the state
// recording the subscription is written (some hubs verify within the request).
type pendingRecord struct {
	topic string
	until time.Time
}

func newWebSub(r *runner, c Config) *websub {
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: guard.Control(c.AllowPrivateAddresses)}
	tr := &http.Transport{Proxy: nil, DialContext: dialer.DialContext, TLSHandshakeTimeout: 10 * time.Second}
	return &websub{
		r:       r,
		base:    strings.TrimSuffix(c.WebSubCallbackURL, "/"),
		lease:   c.WebSubLease,
		maxBody: c.MaxBodyBytes,
		client: &http.Client{Transport: tr, Timeout: webSubRequestTimeout, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a hub that redirects a POST is not followed
		}},
		log:     c.Logger,
		workers: map[string]*worker{},
		pending: map[string]pendingRecord{},
		granted: map[string]time.Time{},
	}
}

func (ws *websub) register(w *worker) {
	ws.mu.Lock()
	ws.workers[w.id] = w
	ws.mu.Unlock()
}

func (ws *websub) unregister(id string) {
	ws.mu.Lock()
	delete(ws.workers, id)
	delete(ws.pending, id)
	delete(ws.granted, id)
	ws.mu.Unlock()
}

// subscribe asks the hub the feed advertised for its pushes when the feed has no live
// subscription at that hub, or when the one it has is due for renewal. It is called from the
// worker's poll with the state about to be saved, and updates it.
func (ws *websub) subscribe(ctx context.Context, w *worker, st *State, now time.Time) {
	if st.Hub == "" {
		return
	}
	topic := st.Topic
	if topic == "" {
		topic = w.feed.URL
	}
	same := st.WebSubHub == st.Hub && st.WebSubTopic == topic && st.WebSubSecret != ""
	ws.mu.Lock()
	ends, short := ws.granted[w.id]
	delete(ws.granted, w.id)
	ws.mu.Unlock()
	if short {
		// The hub granted less than was asked: renew as if that had been asked.
		lease := ends.Sub(now)
		if renew := now.Add(max(lease/2, min(lease*4/5, lease-2*w.feed.Interval))); renew.Before(st.WebSubRenew) {
			st.WebSubRenew = renew
		}
	}
	if same && now.Before(st.WebSubRenew) {
		return
	}
	secret, err := ws.r.bus.Secrets.Open(st.WebSubSecret, webSubAAD(w.id))
	if !same || err != nil {
		secret = newSecret()
	}
	// The secret is kept sealed in parley_feeds: whoever reads the bucket could otherwise
	// forge pushes. Without a key there is no WebSub, only polling.
	sealed, err := ws.r.bus.Secrets.Seal(secret, webSubAAD(w.id))
	if err != nil {
		st.WebSubRenew = now.Add(webSubRetry)
		w.log().Warn("websub not requested; polling only", "hub_url", st.Hub, "err", err)
		return
	}
	callback := ws.base + WebSubPath + w.id
	ws.mu.Lock()
	ws.pending[w.id] = pendingRecord{topic: topic, until: now.Add(pendingFor)}
	ws.mu.Unlock()
	st.WebSubHub, st.WebSubTopic, st.WebSubSecret = st.Hub, topic, sealed
	err = ws.request(ctx, st.Hub, url.Values{
		"hub.mode":          {"subscribe"},
		"hub.topic":         {topic},
		"hub.callback":      {callback},
		"hub.secret":        {secret},
		"hub.lease_seconds": {strconv.Itoa(int(ws.lease / time.Second))},
	})
	if err != nil {
		st.WebSubRenew = now.Add(webSubRetry)
		w.log().Warn("websub subscription failed; polling only", "hub_url", st.Hub, "topic", topic, "err", err)
		return
	}
	// Renewal happens at a poll, so it is due two intervals before the lease ends (but not
	// before half of it); a hub that never verifies is asked again then.
	st.WebSubRenew = now.Add(max(ws.lease/2, min(ws.lease*4/5, ws.lease-2*w.feed.Interval)))
	w.log().Info("websub subscription requested", "hub_url", st.Hub, "topic", topic, "callback", callback)
}

func (ws *websub) request(ctx context.Context, hub string, form url.Values) error {
	ctx, cancel := context.WithTimeout(ctx, webSubRequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hub, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("hub request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", ws.r.userAgent)
	resp, err := ws.client.Do(req)
	if err != nil {
		return fmt.Errorf("hub request: %w", err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("hub answered HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(msg))
	}
	return nil
}

func webSubAAD(id string) string { return BucketFeeds + "/" + id + "/websub_secret" }

func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// ServeHTTP is the callback: GET is a hub verifying a subscription, POST is content.
func (ws *websub) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, WebSubPath)
	if id == "" || strings.Contains(id, "/") {
		http.NotFound(rw, r)
		return
	}
	switch r.Method {
	case http.MethodGet:
		ws.verify(rw, r, id)
	case http.MethodPost:
		ws.distribute(rw, r, id)
	default:
		rw.Header().Set("Allow", "GET, POST")
		http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// lookup returns the feed's worker and its stored state; ok is false when the feed is not
// registered.
func (ws *websub) lookup(ctx context.Context, id string) (w *worker, st State, p pendingRecord, ok bool, err error) {
	ws.mu.Lock()
	w, ok = ws.workers[id]
	p = ws.pending[id]
	ws.mu.Unlock()
	if !ok {
		return nil, State{}, p, false, nil
	}
	opCtx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	st, _, _, err = loadState(opCtx, ws.r.states, id)
	return w, st, p, true, err
}

func (ws *websub) verify(rw http.ResponseWriter, r *http.Request, id string) {
	q := r.URL.Query()
	mode, topic, challenge := q.Get("hub.mode"), q.Get("hub.topic"), q.Get("hub.challenge")
	w, st, p, registered, err := ws.lookup(r.Context(), id)
	if err != nil {
		http.Error(rw, "feed state unavailable", http.StatusServiceUnavailable)
		return
	}
	log := ws.log.With("feed_id", id, "topic", topic, "mode", mode)
	wanted := registered && topic != "" &&
		(topic == st.WebSubTopic || (topic == p.topic && time.Now().Before(p.until)))
	switch mode {
	case "subscribe":
		if !wanted || challenge == "" {
			log.Warn("websub verification refused: no such subscription requested")
			http.NotFound(rw, r)
			return
		}
		granted := q.Get("hub.lease_seconds")
		if secs, err := strconv.Atoi(granted); err == nil && secs > 0 && time.Duration(secs)*time.Second < ws.lease {
			ws.mu.Lock()
			ws.granted[id] = time.Now().Add(time.Duration(secs) * time.Second)
			ws.mu.Unlock()
		}
		w.log().Info("websub subscription verified", "topic", topic, "lease_seconds", granted)
	case "unsubscribe":
		// Confirmed only for what fetch no longer wants, so nobody else can end a subscription.
		if wanted || challenge == "" {
			http.NotFound(rw, r)
			return
		}
	case "denied":
		log.Warn("websub subscription denied by the hub; polling only", "reason", q.Get("hub.reason"))
		rw.WriteHeader(http.StatusOK)
		return
	default:
		http.Error(rw, "unknown hub.mode", http.StatusBadRequest)
		return
	}
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(rw, challenge)
}

func (ws *websub) distribute(rw http.ResponseWriter, r *http.Request, id string) {
	w, st, _, registered, err := ws.lookup(r.Context(), id)
	switch {
	case err != nil:
		http.Error(rw, "feed state unavailable", http.StatusServiceUnavailable)
		return
	case !registered || st.WebSubSecret == "":
		// Gone tells the hub there is nobody here for this topic any more.
		http.Error(rw, "no subscription", http.StatusGone)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, ws.maxBody+1))
	if err != nil {
		http.Error(rw, "cannot read body", http.StatusBadRequest)
		return
	}
	if int64(len(body)) > ws.maxBody {
		http.Error(rw, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	secret, err := ws.r.bus.Secrets.Open(st.WebSubSecret, webSubAAD(id))
	if err != nil {
		w.log().Warn("websub content ignored: its secret does not open", "err", err)
		rw.WriteHeader(http.StatusAccepted)
		return
	}
	if err := checkSignature(r.Header.Get("X-Hub-Signature"), secret, body); err != nil {
		// The spec has the subscriber acknowledge and ignore it, so a forger learns nothing.
		w.log().Warn("websub content ignored: bad signature", "err", err)
		rw.WriteHeader(http.StatusAccepted)
		return
	}
	published, items, err := ws.publish(r.Context(), w, st, body, r.Header.Get("Content-Type"))
	if err != nil {
		w.log().Warn("websub content not published", "err", err, "items", items, "published", published)
		// Polling picks the items up; the hub need not retry.
		rw.WriteHeader(http.StatusAccepted)
		return
	}
	w.log().Info("websub content received", "items", items, "published", published)
	rw.WriteHeader(http.StatusNoContent)
}

// publish sends the new items of a pushed body through the poll's once-ever path.
func (ws *websub) publish(ctx context.Context, w *worker, st State, body []byte, contentType string) (published, items int, err error) {
	parsed, err := feed.Parse(body, contentType)
	if err != nil {
		return 0, 0, err
	}
	// A view of the worker for this request: the worker itself belongs to its poll goroutine.
	pw := &worker{r: w.r, feed: *w.next.Load(), id: w.id, subject: w.subject}
	pw.next.Store(w.next.Load())
	base, _ := url.Parse(st.WebSubTopic)
	fetched := time.Now()
	list := buildItems(pw.feed, pw.id, parsed, base, fetched)
	for _, it := range list {
		ok, err := pw.publish(ctx, it, fetched)
		if ok {
			published++
		}
		if err != nil {
			return published, len(list), fmt.Errorf("item %s: %w", it.Id, err)
		}
	}
	return published, len(list), nil
}

// checkSignature verifies X-Hub-Signature: method=hex(HMAC(secret, body)).
func checkSignature(header, secret string, body []byte) error {
	method, sig, ok := strings.Cut(header, "=")
	if !ok {
		return errors.New("no X-Hub-Signature")
	}
	var h func() hash.Hash
	switch strings.ToLower(method) {
	case "sha1":
		h = sha1.New
	case "sha256":
		h = sha256.New
	case "sha384":
		h = sha512.New384
	case "sha512":
		h = sha512.New
	default:
		return fmt.Errorf("signature method %q not supported", method)
	}
	want, err := hex.DecodeString(sig)
	if err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	m := hmac.New(h, []byte(secret))
	m.Write(body)
	if !hmac.Equal(m.Sum(nil), want) {
		return errors.New("signature mismatch")
	}
	return nil
}

// hubLinks finds the hub and self links of a feed body (Atom link elements, in the feed or,
// for RSS, in the channel, before the first entry). Entities are not expanded.
func hubLinks(body []byte, contentType string) (hub, self string) {
	utf8Body, err := feed.ToUTF8(body, contentType)
	if err != nil {
		return "", ""
	}
	d := xml.NewDecoder(bytes.NewReader(utf8Body))
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil } // already UTF-8
	for range 10000 {
		tok, err := d.RawToken()
		if err != nil {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "item", "entry":
			return hub, self
		case "link":
			var rel, href string
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "rel":
					rel = a.Value
				case "href":
					href = strings.TrimSpace(a.Value)
				}
			}
			if href == "" || validateURL(href) != nil {
				continue
			}
			if rel == "hub" && hub == "" {
				hub = href
			}
			if rel == "self" && self == "" {
				self = href
			}
		}
	}
	return hub, self
}
