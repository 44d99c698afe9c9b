package feed

import (
	"context"
	"sync"
	"time"
)

// Deadline enforces a Client's timeout on requests made one at a time under one context, a
// poll goroutine's, with a context and a timer kept from request to request. A
// context.WithTimeout of each request's own, its timer, and the done channel and child map
// the transport's context of the request hangs on it, were some 4 % of the CPU of a poll
// answered with a 304 (cmd/parley's farm benchmark). The context is replaced only once a
// request overran it or the caller's context changed. The zero value is ready to use; Close
// ends it.
type Deadline struct {
	mu sync.Mutex
	// parent is the context ctx derives from, the caller's of the last request.
	parent context.Context
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
	// until is when the request under way overruns; zero between requests. A timer that
	// fired for an earlier request finds it later than now, or zero, and does nothing.
	until time.Time
	cause error
}

// start returns the context of a request made under parent, cancelled with cause once
// timeout has passed unless stop comes first.
func (d *Deadline) start(parent context.Context, timeout time.Duration, cause error) context.Context {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.parent != parent || d.ctx.Err() != nil {
		if d.cancel != nil {
			d.cancel(context.Canceled) // takes it out of its parent's children
		}
		d.ctx, d.cancel = context.WithCancelCause(parent)
		d.parent = parent
	}
	d.until, d.cause = time.Now().Add(timeout), cause
	if d.timer == nil {
		d.timer = time.AfterFunc(timeout, d.fire)
	} else {
		d.timer.Reset(timeout)
	}
	return d.ctx
}

// stop ends the request's deadline.
func (d *Deadline) stop() {
	d.mu.Lock()
	d.until = time.Time{}
	d.mu.Unlock()
	d.timer.Stop()
}

func (d *Deadline) fire() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.until.IsZero() && !time.Now().Before(d.until) {
		d.cancel(d.cause)
	}
}

// Close releases the context and the timer; the Deadline may be used again afterwards.
func (d *Deadline) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil {
		d.timer.Stop()
	}
	if d.cancel != nil {
		d.cancel(context.Canceled)
	}
	d.parent, d.ctx, d.cancel, d.until = nil, nil, nil, time.Time{}
}
