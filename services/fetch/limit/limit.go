// Package limit bounds how many requests fetch has in flight, in total and per host, and how
// often it starts one to any host, so that thousands of feeds neither exhaust the process nor
// hammer one publisher that hosts many of them.
package limit

import (
	"context"
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
	next    time.Time // when the next request to the host may start
}

// idle says whether nobody holds, awaits or paces the host, so its entry can go.
func (h *hostSlots) idle(now time.Time) bool {
	return h.busy == 0 && len(h.waiting) == 0 && !h.next.After(now)
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

// releaseHost passes a slot of host to the first in line, or frees it.
func (l *Limiter) releaseHost(host string, h *hostSlots) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(h.waiting) > 0 {
		close(h.waiting[0])
		h.waiting = slices.Delete(h.waiting, 0, 1)
		return
	}
	h.busy--
	if h.idle(time.Now()) {
		delete(l.hosts, host)
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
