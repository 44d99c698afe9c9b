// Package limit bounds how many requests fetch has in flight, in total and per host, and how
// often it starts one to any host, so that thousands of feeds neither exhaust the process nor
// hammer one publisher that hosts many of them.
package limit

import (
	"context"
	"sync"
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

type hostSlots struct {
	ch chan struct{}
	// users counts holders and waiters; the entry is dropped at zero once its next start
	// time has passed, so the map does not grow for ever.
	users int
	next  time.Time // when the next request to the host may start; guarded by Limiter.mu
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
// called exactly once.
func (l *Limiter) Acquire(ctx context.Context, host string) (release func(), err error) {
	l.mu.Lock()
	if l.acquired++; l.acquired%4096 == 0 {
		l.sweep()
	}
	h := l.hosts[host]
	if h == nil {
		h = &hostSlots{ch: make(chan struct{}, l.perHost)}
		l.hosts[host] = h
	}
	h.users++
	l.mu.Unlock()

	leave := func() {
		l.mu.Lock()
		h.users--
		if h.users == 0 && !h.next.After(time.Now()) {
			delete(l.hosts, host)
		}
		l.mu.Unlock()
	}

	// The host slot is taken first: a request queued behind a slow host must not sit on a
	// global slot that requests to other hosts could use.
	select {
	case h.ch <- struct{}{}:
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
	if err := l.pace(ctx, h); err != nil {
		<-h.ch
		leave()
		return nil, err
	}
	select {
	case l.global <- struct{}{}:
	case <-ctx.Done():
		<-h.ch
		leave()
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			<-l.global
			<-h.ch
			leave()
		})
	}, nil
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

// sweep drops hosts nobody uses whose pacing has lapsed; leave cannot when a host's last
// request ends before its next start time.
func (l *Limiter) sweep() {
	now := time.Now()
	for host, h := range l.hosts {
		if h.users == 0 && !h.next.After(now) {
			delete(l.hosts, host)
		}
	}
}
