// Package limit bounds how many requests fetch has in flight, in total and per host, so that
// thousands of feeds neither exhaust the process nor hammer one publisher that hosts many of
// them.
package limit

import (
	"context"
	"sync"
)

// Limiter hands out request slots. The zero value is not usable; call New.
type Limiter struct {
	global  chan struct{}
	perHost int

	mu    sync.Mutex
	hosts map[string]*hostSlots
}

type hostSlots struct {
	ch    chan struct{}
	users int // holders and waiters; the entry is dropped at zero so the map does not grow for ever
}

// New returns a limiter allowing global requests at once, and perHost to any one host.
// Values below 1 are treated as 1.
func New(global, perHost int) *Limiter {
	return &Limiter{
		global:  make(chan struct{}, max(global, 1)),
		perHost: max(perHost, 1),
		hosts:   map[string]*hostSlots{},
	}
}

// Acquire waits for a slot for host and returns the function that gives it back; it must be
// called exactly once.
func (l *Limiter) Acquire(ctx context.Context, host string) (release func(), err error) {
	l.mu.Lock()
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
		if h.users == 0 {
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
