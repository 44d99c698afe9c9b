// Package limit bounds how many requests fetch has in flight, in total and per host, and how
// often it starts one to any host, so that thousands of feeds neither exhaust the process nor
// hammer one publisher that hosts many of them.
package limit

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Limiter hands out request slots. The zero value is not usable; call New.
type Limiter struct {
	global  chan struct{}
	perHost int
	gap     time.Duration // between request starts to one host; 0: no rate bound

	mu       sync.Mutex
	hosts    map[string]*hostSlots
	acquired int // calls of Acquire, for sweeping now and then
}

// hostSlots is one host's share. It is a count, not a channel: with thousands of hosts each
// polled now and then, an entry is made for nearly every request, and a channel per request
// was a measurable part of a poll's cost. A channel is made only for a request that waits.
type hostSlots struct {
	busy int // slots held
	// waiting are the requests queued for a slot, first come first served; each channel is
	// closed when a released slot passes to it, so busy already counts it.
	waiting []chan struct{}
	// wakers are Reserve's callers that found every slot held, to be told when one frees.
	wakers []func() bool
	next   time.Time // when the next request to the host may start
}

// idle says whether nobody holds, awaits or paces the host, so its entry can go.
func (h *hostSlots) idle(now time.Time) bool {
	return h.busy == 0 && len(h.waiting) == 0 && len(h.wakers) == 0 && !h.next.After(now)
}

// New returns a limiter allowing global requests at once, perHost to any one host, and at
// most perSecond request starts a second to any one host (0 or less: unbounded). Counts
// below 1 are treated as 1.
func New(global, perHost int, perSecond float64) *Limiter {
	l := &Limiter{
		global:  make(chan struct{}, max(global, 1)),
		perHost: max(perHost, 1),
		hosts:   map[string]*hostSlots{},
	}
	if perSecond > 0 {
		l.gap = time.Duration(float64(time.Second) / perSecond)
	}
	return l
}

// Acquire waits for a slot for host and returns the function that gives it back; it must be
// called once, and a second call does nothing.
func (l *Limiter) Acquire(ctx context.Context, host string) (release func(), err error) {
	// The host slot is taken first: a request queued behind a slow host must not sit on a
	// global slot that requests to other hosts could use.
	h, err := l.hostSlot(ctx, host)
	if err != nil {
		return nil, err
	}
	if err := l.pace(ctx, h); err != nil {
		l.releaseHost(host, h)
		return nil, err
	}
	select {
	case l.global <- struct{}{}:
	case <-ctx.Done():
		l.releaseHost(host, h)
		return nil, ctx.Err()
	}
	var done atomic.Bool
	return func() {
		if done.Swap(true) {
			return
		}
		<-l.global
		l.releaseHost(host, h)
	}, nil
}

// hostSlot takes one of host's slots, waiting in line when all are held.
func (l *Limiter) hostSlot(ctx context.Context, host string) (*hostSlots, error) {
	l.mu.Lock()
	if l.acquired++; l.acquired%4096 == 0 {
		l.sweep()
	}
	h := l.hosts[host]
	if h == nil {
		h = &hostSlots{}
		l.hosts[host] = h
	}
	if h.busy < l.perHost { // then nobody waits either
		h.busy++
		l.mu.Unlock()
		return h, nil
	}
	turn := make(chan struct{})
	h.waiting = append(h.waiting, turn)
	l.mu.Unlock()
	select {
	case <-turn:
		return h, nil
	case <-ctx.Done():
	}
	l.mu.Lock()
	if i := slices.Index(h.waiting, turn); i >= 0 {
		h.waiting = slices.Delete(h.waiting, i, i+1)
		if h.idle(time.Now()) {
			delete(l.hosts, host)
		}
		l.mu.Unlock()
		return nil, ctx.Err()
	}
	l.mu.Unlock()
	l.releaseHost(host, h) // the slot came as the context ended
	return nil, ctx.Err()
}

// releaseHost passes a slot of host to the first in line, or frees it and tells the first
// waker.
func (l *Limiter) releaseHost(host string, h *hostSlots) {
	l.mu.Lock()
	if len(h.waiting) > 0 {
		close(h.waiting[0])
		h.waiting = slices.Delete(h.waiting, 0, 1)
		l.mu.Unlock()
		return
	}
	h.busy--
	for {
		var wake func() bool
		if len(h.wakers) > 0 {
			wake = h.wakers[0]
			h.wakers = slices.Delete(h.wakers, 0, 1)
		}
		if h.idle(time.Now()) {
			delete(l.hosts, host)
		}
		l.mu.Unlock()
		if wake == nil || wake() {
			return
		}
		l.mu.Lock()
	}
}

// Reserve takes one of host's slots without waiting, for a request the caller makes once
// start has come (the host's turn under the rate bound, booked now), so that a request
// waiting for its host need not hold a goroutine. When every slot of the host is held it
// returns nil and calls wake, once, when one is released; wake must not block, and whether
// the slot is still free by then is for a second Reserve to find out. A wake that returns
// false (its caller has gone) passes the turn to the next; a nil wake is not told.
func (l *Limiter) Reserve(host string, now time.Time, wake func() bool) (r *Reservation, start time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.hosts[host]
	if h == nil {
		h = &hostSlots{}
		l.hosts[host] = h
	}
	if h.busy >= l.perHost || len(h.waiting) > 0 {
		if wake != nil {
			h.wakers = append(h.wakers, wake)
		}
		return nil, time.Time{}
	}
	h.busy++
	start = now
	if l.gap > 0 {
		start = maxTime(now, h.next)
		h.next = start.Add(l.gap)
	}
	return &Reservation{l: l, host: host, h: h}, start
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Reservation is a host slot taken by Reserve. Acquire and Release, or Cancel, give it back.
type Reservation struct {
	l    *Limiter
	host string
	h    *hostSlots
	done atomic.Bool // the host slot is given back, or is Release's to give back
	held atomic.Bool // Acquire took a global slot that Release has not given back
}

// Acquire waits for a global slot for the reserved request; Release gives back both slots.
// It must be called once. Under a context already done it fails even when a slot is free. On
// error the host slot is given back at once, and Release does nothing. Release is a method
// rather than a returned function, as Limiter.Acquire's is: a closure and the flag it
// captures were two allocations on every poll.
func (r *Reservation) Acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		r.Cancel()
		return err
	}
	select {
	case r.l.global <- struct{}{}:
	default:
		// Every slot is held: wait, unless ctx ends first. Trying first spares most polls a
		// select over two channels, which locks both.
		select {
		case r.l.global <- struct{}{}:
		case <-ctx.Done():
			r.Cancel()
			return ctx.Err()
		}
	}
	if r.done.Swap(true) {
		<-r.l.global
		return errors.New("limit: reservation used after it was given back")
	}
	r.held.Store(true)
	return nil
}

// Release gives back the slots Acquire took; a second call does nothing.
func (r *Reservation) Release() {
	if r.held.Swap(false) {
		<-r.l.global
		r.l.releaseHost(r.host, r.h)
	}
}

// Cancel gives the host slot back unless Acquire took it over; a second call does nothing.
func (r *Reservation) Cancel() {
	if !r.done.Swap(true) {
		r.l.releaseHost(r.host, r.h)
	}
}

// pace waits for the host's next start time and books the one after. Holding a host slot
// meanwhile is right: the host could not take another request sooner anyway.
func (l *Limiter) pace(ctx context.Context, h *hostSlots) error {
	if l.gap == 0 {
		return nil
	}
	l.mu.Lock()
	now := time.Now()
	start := h.next
	if start.Before(now) {
		start = now
	}
	h.next = start.Add(l.gap)
	l.mu.Unlock()
	wait := start.Sub(now)
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sweep drops hosts nobody uses whose pacing has lapsed; releaseHost cannot when a host's
// last request ends before its next start time.
func (l *Limiter) sweep() {
	now := time.Now()
	for host, h := range l.hosts {
		if h.idle(now) {
			delete(l.hosts, host)
		}
	}
}
