package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/services/fetch/feed"
	"github.com/parleyhq/parley/services/fetch/limit"
)

const (
	// opTimeout bounds each NATS operation of a poll.
	opTimeout = 10 * time.Second
	// maxRetryAfter caps a server's Retry-After, so a typo on their side cannot silence a
	// feed for a year.
	maxRetryAfter = 24 * time.Hour
)

// worker polls one feed. Only the goroutine polling it touches it, or the schedule while
// it waits in the queue.
type worker struct {
	r       *runner
	feed    Feed
	id      string
	hash    uint64 // feedHash(id), for the owner
	subject string

	// next is the feed's latest settings from the registry, taken up at each poll.
	next atomic.Pointer[Feed]

	st     State // the feed's state as this replica knows it; persisted in batches (saver)
	loaded bool  // st was read from the feeds bucket since this replica took the feed on
	// pre is the state read with all the others at start, used instead of a read of its own.
	pre *State
	// written is the poll time of the state last handed to the bucket.
	written time.Time
	// res is the slot of the feed's host that the schedule took for this poll (see admit).
	res *limit.Reservation
	// deadline is the polling goroutine's, for the poll's request (see poller).
	deadline *feed.Deadline
}

// stateRefresh is how often the record of a feed that keeps answering 304 is written
// anyway, so that `parley feeds list` and /status show polls at most that old.
const stateRefresh = time.Hour

// forget drops the state: another replica owns the feed now and keeps it up to date.
func (w *worker) forget() {
	w.loaded, w.pre = false, nil
}

func newWorker(r *runner, f Feed) *worker {
	id := FeedID(f.URL)
	w := &worker{
		r:       r,
		feed:    f,
		id:      id,
		hash:    feedHash(id),
		subject: bus.SubjectItems + "." + id,
	}
	w.next.Store(&f)
	return w
}

// log is the feed's logger. It is made when something is logged rather than kept: a logger
// per feed, its handler cloned with the attributes formatted, was a twentieth of the heap
// that every collection scans, and most feeds log nothing between restarts. Any goroutine
// may call it (WebSub's handlers do), so the URL is the registry's, not the poll's copy.
func (w *worker) log() *slog.Logger {
	return w.r.log.With("feed_url", w.next.Load().URL, "feed_id", w.id)
}

// outcome is what one poll found.
type outcome struct {
	result      string // ResultOK, ResultNotModified or ResultError
	err         error
	retryAfter  time.Duration
	interrupted bool // shutdown cut the poll short; nothing is recorded
	items       int
	published   int
	// validators are stored only when set, i.e. once every item of the body is out.
	setValidators      bool
	etag, lastModified string
	bodySHA256         string
	// links: a body was parsed, and hub and self are its WebSub links (maybe none).
	links     bool
	hub, self string
}

// stateRetry is how soon a poll is tried again after the feed state bucket failed.
const stateRetry = 3 * time.Second

// poll fetches the feed, publishes what is new and records the result in memory. It
// returns when to poll next. Only this replica polls the feed (see members), so nothing is
// claimed; the state is read from the bucket once, when the feed comes to this replica.
func (w *worker) poll(ctx context.Context) time.Time {
	now := time.Now()
	if !w.loaded {
		err := w.load(ctx)
		switch {
		case ctx.Err() != nil:
			return now
		case err != nil:
			// NATS failed, not the feed: try again soon (the bucket is re-created within
			// seconds when a restart lost it), so polling resumes at once when NATS is back.
			w.r.m.pollsBy[ResultError].Inc()
			w.log().Warn("poll postponed: feed state unavailable", "err", err)
			return now.Add(min(backoff(w.feed.Interval, w.st.Failures+1), stateRetry+jitter(stateRetry)))
		}
		if due := w.due(); due.After(now) {
			// Polled within its interval before a restart or a hand-over.
			w.r.m.pollsBy[ResultSkipped].Inc()
			return due
		}
	}

	before := w.st
	out := w.fetch(ctx)
	if out.interrupted {
		return now
	}
	w.r.m.pollsBy[out.result].Inc()
	w.r.m.duration.Observe(time.Since(now).Seconds())

	st := before
	st.URL, st.Name = w.feed.URL, w.feed.Name
	st.LastPoll = now
	st.NextPoll = now.Add(w.feed.Interval + jitter(w.feed.Interval/10))
	st = finish(st, out, w.feed.Interval, now)
	switch {
	case out.err != nil:
		w.log().Warn("poll failed", "err", out.err, "failures", st.Failures, "next_poll", st.NextPoll)
	case out.published > 0 && w.r.log.Enabled(ctx, slog.LevelInfo):
		w.log().Info("feed polled", "result", out.result, "items", out.items, "published", out.published)
	case w.r.log.Enabled(ctx, slog.LevelDebug): // spares the arguments' boxing and the logger on every 304
		w.log().Debug("feed polled", "result", out.result, "items", out.items)
	}
	if w.r.websub != nil && out.err == nil {
		w.r.websub.subscribe(ctx, w, &st, now)
	}
	w.record(ctx, before, st)
	return st.NextPoll
}

// load reads the feed's state from the feeds bucket.
func (w *worker) load(ctx context.Context) error {
	if w.pre != nil {
		w.st, w.pre, w.loaded = *w.pre, nil, true
		return nil
	}
	opCtx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	st, _, _, err := loadState(opCtx, w.r.states, w.id)
	if err != nil {
		return err
	}
	w.st, w.loaded = st, true
	return nil
}

// due is when the feed should next be polled according to its record. A shorter interval in
// the config than when the record was written takes effect at once; back-off does not.
func (w *worker) due() time.Time {
	next := w.st.NextPoll
	if w.st.Failures == 0 && !w.st.LastPoll.IsZero() {
		if byInterval := w.st.LastPoll.Add(w.feed.Interval); byInterval.Before(next) {
			next = byInterval
		}
	}
	return next
}

// record keeps st in memory and has it persisted when it differs from before in more than
// the poll times, or every stateRefresh: a 304 writes nothing. WebSub subscriptions are
// written at once, since the hub's verification may reach any replica.
func (w *worker) record(ctx context.Context, before, st State) {
	w.st = st
	if st.WebSubHub != before.WebSubHub || st.WebSubTopic != before.WebSubTopic ||
		st.WebSubSecret != before.WebSubSecret || !st.WebSubRenew.Equal(before.WebSubRenew) {
		opCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opTimeout)
		defer cancel()
		err := storeState(opCtx, w.r.states, w.id, st)
		if err == nil {
			w.written = st.LastPoll
			return
		}
		w.log().Warn("could not record feed state; will retry", "err", err)
	}
	cmp, was := st, before
	cmp.LastPoll, cmp.NextPoll, cmp.LastSuccess = time.Time{}, time.Time{}, time.Time{}
	was.LastPoll, was.NextPoll, was.LastSuccess = time.Time{}, time.Time{}, time.Time{}
	if cmp != was || st.LastPoll.Sub(w.written) >= stateRefresh {
		w.r.saver.mark(w.id, st)
		w.written = st.LastPoll
	}
}

// finish derives the new record from the previous one and the poll's outcome.
func finish(prev State, out outcome, interval time.Duration, started time.Time) State {
	st := prev
	st.LastResult = out.result
	st.Published += int64(out.published)
	if out.result == ResultOK {
		st.Items = out.items
	}
	if out.links {
		st.Hub, st.Topic = out.hub, out.self
	}
	if out.setValidators {
		st.ETag, st.LastModified = out.etag, out.lastModified
		if out.bodySHA256 != "" {
			st.BodySHA256 = out.bodySHA256
		}
	}
	if out.err != nil {
		st.Failures++
		st.LastError = out.err.Error()
		delay := backoff(interval, st.Failures)
		if ra := min(out.retryAfter, maxRetryAfter); ra > delay {
			delay = ra
		}
		st.NextPoll = started.Add(delay + jitter(delay/10))
		return st
	}
	st.Failures = 0
	st.LastError = ""
	st.LastSuccess = started
	return st
}

// backoff doubles the wait after each consecutive failure, up to ten intervals or an hour,
// whichever is less, but never below one interval.
func backoff(interval time.Duration, failures int) time.Duration {
	ceiling := max(interval, min(time.Hour, 10*interval))
	d := interval
	for i := 0; i < failures && d < ceiling; i++ {
		d *= 2
	}
	return min(d, ceiling)
}

func jitter(upTo time.Duration) time.Duration {
	if upTo <= 0 {
		return 0
	}
	return rand.N(upTo)
}

// fetch does the HTTP part of a poll and publishes the new items.
func (w *worker) fetch(ctx context.Context) outcome {
	resp, err := w.r.client.Get(ctx, feed.Request{
		URL:          w.feed.URL,
		ETag:         w.st.ETag,
		LastModified: w.st.LastModified,
		Accept:       feed.AcceptFeed,
		Reservation:  w.res,
		Deadline:     w.deadline,
	})
	if ctx.Err() != nil {
		return outcome{interrupted: true}
	}
	if err != nil {
		o := outcome{result: ResultError, err: err}
		var se *feed.StatusError
		if errors.As(err, &se) && (se.StatusCode == http.StatusTooManyRequests || se.StatusCode == http.StatusServiceUnavailable) {
			o.retryAfter = se.RetryAfter
		}
		return o
	}
	if resp.NotModified() {
		o := outcome{result: ResultNotModified, etag: w.st.ETag, lastModified: w.st.LastModified}
		// A 304 may carry fresher validators.
		if resp.ETag != "" {
			o.etag, o.setValidators = resp.ETag, true
		}
		if resp.LastModified != "" {
			o.lastModified, o.setValidators = resp.LastModified, true
		}
		return o
	}
	sum := sha256.Sum256(resp.Body)
	bodySHA := hex.EncodeToString(sum[:])
	if bodySHA == w.st.BodySHA256 {
		// The server ignored the validators (or has none) but sent the bytes whose items are
		// all out already: as good as a 304.
		return outcome{result: ResultNotModified, setValidators: true, etag: resp.ETag, lastModified: resp.LastModified, bodySHA256: bodySHA}
	}
	fetched := time.Now()
	parsed, err := feed.Parse(resp.Body, resp.ContentType)
	if err != nil {
		return outcome{result: ResultError, err: err}
	}
	base, _ := url.Parse(resp.URL)
	items := buildItems(w.feed, w.id, parsed, base, fetched)
	o := outcome{result: ResultOK, items: len(items)}
	if w.r.websub != nil {
		o.links = true
		o.hub, o.self = hubLinks(resp.Body, resp.ContentType)
	}
	for _, it := range items {
		if ctx.Err() != nil {
			return outcome{interrupted: true}
		}
		published, err := w.publish(ctx, it, fetched)
		if published {
			o.published++
		}
		if err != nil {
			if ctx.Err() != nil {
				return outcome{interrupted: true}
			}
			o.result, o.err = ResultError, fmt.Errorf("item %s: %w", it.Id, err)
			return o
		}
	}
	// Only now: validators stored before every item was out would turn the next poll into a
	// 304 and lose the rest until the feed changed again.
	o.setValidators, o.etag, o.lastModified, o.bodySHA256 = true, resp.ETag, resp.LastModified, bodySHA
	return o
}

// publish sends one item unless it was seen before with the same content, and marks it seen
// once JetStream has it. A new version of an item's content is published under the item's id
// with the version in its Nats-Msg-Id, so parse reads the story again.
func (w *worker) publish(ctx context.Context, ni newItem, fetched time.Time) (bool, error) {
	it := ni.FeedItem
	hash := contentHash(it)
	rec, seen, err := w.lookupSeen(ctx, it.Id)
	if err != nil {
		return false, err
	}
	msgID := it.Id
	if seen {
		if rec.hash == "" || rec.hash == hash {
			return false, w.renewSeen(ctx, it.Id, rec)
		}
		msgID = it.Id + "." + hash
		w.log().Debug("item content changed; publishing the new version", "item_id", it.Id, "item_url", it.Url)
	} else if ni.linkID != "" {
		_, seen, err := w.lookupSeen(ctx, ni.linkID)
		if err != nil {
			return false, err
		}
		if seen {
			// Same link, new GUID: the feed churns its GUIDs (see LinkID). Remembering the
			// GUID spares the next poll this check.
			w.log().Debug("new guid for a link already published; not publishing it again", "item_id", it.Id, "item_url", it.Url)
			opCtx, cancel := context.WithTimeout(ctx, opTimeout)
			defer cancel()
			return false, w.markSeen(opCtx, seenRecord{at: fetched, hash: hash}, it.Id)
		}
	}

	if w.feed.FullText && it.Url != "" {
		html, err := w.r.client.Page(ctx, it.Url)
		switch {
		case ctx.Err() != nil:
			return false, ctx.Err()
		case err != nil:
			w.log().Warn("full text not fetched; publishing the item without it", "item_id", it.Id, "item_url", it.Url, "err", err)
		default:
			it.PageHtml = html
		}
	}

	// From here the item is published and marked even during shutdown, so the two do not
	// drift apart.
	opCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opTimeout)
	defer cancel()
	stamp := fetched.UTC().Format(time.RFC3339Nano)
	ack, err := w.r.bus.Publish(opCtx, w.subject, msgID, it, nats.Header{bus.HeaderFetchedAt: []string{stamp}})
	if err != nil {
		return false, err
	}
	fresh := !ack.Duplicate
	if fresh {
		w.r.m.published.Inc()
	} else {
		// An earlier run published it and died before marking it; the stream dropped
		// this copy.
		w.log().Debug("item already in the stream; marking it seen", "item_id", it.Id)
	}
	// If this fails, the next poll publishes it again under the same Nats-Msg-Id, which the
	// stream drops while its duplicate window lasts.
	if err := w.markSeen(opCtx, seenRecord{at: fetched, hash: hash}, it.Id, ni.linkID); err != nil {
		return fresh, err
	}
	return fresh, nil
}

// renewSeen rewrites a record past half its time to live, so an item its feed still lists
// is not forgotten and published again.
func (w *worker) renewSeen(ctx context.Context, key string, rec seenRecord) error {
	if time.Since(rec.at) < seenTTL/2 {
		return nil
	}
	opCtx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	rec.at = time.Now()
	return w.markSeen(opCtx, rec, key)
}
