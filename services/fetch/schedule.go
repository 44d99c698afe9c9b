package fetch

import (
	"container/heap"
	"context"
	"net/url"
	"sync"
	"time"

	"github.com/parleyhq/parley/services/fetch/feed"
	"github.com/parleyhq/parley/services/fetch/limit"
)

// schedule runs each feed's polls at their due times. Feeds wait in a heap ordered by due
// time, not in a goroutine each: with 10,000 feeds, idle goroutines whose stacks grew while
// parsing a feed cost more memory than everything else fetch keeps. Polls run on goroutines
// reused from poll to poll, as many as polls under way (see hand), up to maxPolls; past that
// many, due feeds wait in the heap. A slow host holds up other feeds only once it has that many polls
// waiting for its per-host slots.
type schedule struct {
	ctx context.Context
	// owners says which feeds this replica polls (see members). Others' feeds are parked
	// out of the queue until the replicas change: checking each of them against every
	// replica every interval was work that each replica did for all the feeds, so the
	// total grew with the replicas.
	owners owners
	// limiter is the one the feed client's requests go through; nil in tests of the schedule
	// alone, which then starts polls without it.
	limiter  *limit.Limiter
	wake     chan struct{}
	wg       sync.WaitGroup
	maxPolls int
	running  int // polls under way; guarded by mu
	workers  int // poll goroutines, busy or idle; guarded by mu
	due      chan *slot
	// pollFeed is (*worker).poll but in tests of the schedule alone.
	pollFeed func(*worker, context.Context) time.Time

	mu     sync.Mutex
	queue  dueQueue
	parked map[*slot]struct{} // others' feeds
	// generation is owners' generation when the parked feeds were last put back.
	generation uint64

	// ready are the feeds takeDue found ready to poll, and unused the host slots it found
	// unused, both for run to deal with outside mu; only run's goroutine touches them.
	ready  []*slot
	unused []*limit.Reservation
}

// owners decides which replica polls a feed.
type owners interface {
	owns(feedHash uint64) bool
	// generation changes whenever the replicas do; changed is signalled after it did.
	generation() uint64
	changed() <-chan struct{}
}

// slot is one feed in the schedule.
type slot struct {
	w       *worker
	at      time.Time
	index   int // in the queue; -1 while polling, parked or removed
	removed bool
	// poller is the goroutine polling the feed, while it does; guarded by the schedule's mu.
	poller *poller
	// res is the slot of the feed's host that its next poll will use (see admit); waiting
	// says the feed waits, out of the queue, to be told that one of its host's slots is free.
	res     *limit.Reservation
	waiting bool
	// wake is s.woken(sl), made once rather than on every poll's Reserve.
	wake func() bool
	// host is the host name of hostOf, the feed's URL when it was last looked at.
	host, hostOf string
}

func newSchedule(ctx context.Context, maxPolls int, o owners, l *limit.Limiter) *schedule {
	return &schedule{ctx: ctx, owners: o, limiter: l, wake: make(chan struct{}, 1), maxPolls: max(maxPolls, 1),
		due: make(chan *slot), parked: map[*slot]struct{}{}, pollFeed: (*worker).poll}
}

// add schedules w's first poll a little after now, spread so that many feeds added at once
// do not all fire together.
func (s *schedule) add(w *worker) *slot {
	sl := &slot{w: w, at: time.Now().Add(jitter(min(w.feed.Interval/10, 2*time.Second)))}
	sl.wake = func() bool { return s.woken(sl) }
	s.mu.Lock()
	heap.Push(&s.queue, sl)
	s.mu.Unlock()
	s.poke()
	return sl
}

// remove unschedules the feed and cuts short a poll under way.
func (s *schedule) remove(sl *slot) {
	s.mu.Lock()
	sl.removed = true
	var res *limit.Reservation
	if sl.index >= 0 {
		heap.Remove(&s.queue, sl.index)
		res, sl.res = sl.res, nil
	}
	delete(s.parked, sl)
	if sl.poller != nil {
		// Under mu, which the poll takes to end: cancelled later, it could be the
		// goroutine's next poll, of another feed, that was cut short.
		sl.poller.cancel()
	}
	s.mu.Unlock()
	if res != nil {
		res.Cancel() // outside mu: it may wake another feed of the host
	}
}

func (s *schedule) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// run starts polls as they fall due until the schedule's context ends, then waits for the
// polls under way.
func (s *schedule) run() {
	defer s.wg.Wait()
	defer close(s.due)
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	retired := time.Now()
	for {
		now := time.Now()
		wait, idle := s.takeDue(now)
		for i, res := range s.unused {
			res.Cancel()
			s.unused[i] = nil
		}
		s.unused = s.unused[:0]
		// Handed over outside the lock, which a finishing poll takes.
		for i, sl := range s.ready {
			s.hand(sl)
			s.ready[i] = nil
		}
		s.ready = s.ready[:0]
		if now.Sub(retired) >= time.Second {
			retired = now
			s.retire(idle - idleWorkers)
		}
		t.Reset(min(wait, time.Second))
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		case <-s.owners.changed():
		}
	}
}

// takeDue moves the feeds due by now that can start into ready, as many as maxPolls allows,
// and returns how long until the next is due and how many poll goroutines are idle.
func (s *schedule) takeDue(now time.Time) (wait time.Duration, idle int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unpark()
	wait = time.Hour
	for s.queue.Len() > 0 && s.running < s.maxPolls {
		next := s.queue[0].sl
		if d := next.at.Sub(now); d > 0 {
			wait = d
			break
		}
		heap.Pop(&s.queue)
		if !s.owners.owns(next.w.hash) {
			s.park(next, now)
			continue
		}
		if !s.admit(next, now) {
			continue
		}
		s.running++
		s.ready = append(s.ready, next)
	}
	return wait, s.workers - s.running
}

// park sets aside another replica's feed. Its state is forgotten: the owner has it now, and
// polls will read it afresh should the feed come back. It would have been checked again an
// interval from now; it comes back then at the earliest (see unpark). Called with mu held.
func (s *schedule) park(sl *slot, now time.Time) {
	sl.w.forget()
	sl.at = now.Add(sl.w.next.Load().Interval)
	s.parked[sl] = struct{}{}
	if sl.res != nil {
		s.unused = append(s.unused, sl.res) // given back outside mu, as it may wake a feed
		sl.res = nil
	}
}

// admit takes a slot of sl's host for its poll and says whether the poll can start now.
// When the host's turn under the rate bound is still to come, sl goes back to the queue for
// that time, the slot held; when every slot of the host is held, sl waits out of the queue
// until the limiter says one is free (see woken). Called with mu held.
func (s *schedule) admit(sl *slot, now time.Time) bool {
	if s.limiter == nil || sl.res != nil {
		return true
	}
	res, start := s.limiter.Reserve(sl.hostname(), now, sl.wake)
	if res == nil {
		sl.waiting = true
		return false
	}
	sl.res = res
	if start.After(now) {
		sl.at = start
		heap.Push(&s.queue, sl)
		return false
	}
	return true
}

// woken queues sl again, due now, once a slot of its host is free; false when it no longer
// waits for one (removed, or the schedule ended), so the limiter tells the next feed.
func (s *schedule) woken(sl *slot) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !sl.waiting || sl.removed || s.ctx.Err() != nil {
		return false
	}
	sl.waiting = false
	sl.at = time.Now()
	heap.Push(&s.queue, sl)
	s.poke()
	return true
}

// hostname is the host of the feed's URL, as the feed client's limiter knows it. Called
// with mu held.
func (sl *slot) hostname() string {
	if u := sl.w.next.Load().URL; u != sl.hostOf {
		sl.hostOf, sl.host = u, ""
		if p, err := url.Parse(u); err == nil {
			sl.host = p.Hostname()
		}
	}
	return sl.host
}

// unpark queues the parked feeds again once the replicas changed, each at the time it was
// due to be checked, so a feed that comes to this replica is taken up within one interval
// as before. Called with mu held.
func (s *schedule) unpark() {
	g := s.owners.generation()
	if g == s.generation {
		return
	}
	s.generation = g
	now := time.Now()
	for sl := range s.parked {
		// A parked feed would have been checked every interval since it was parked; it
		// keeps that phase, so a replica's share comes to the others spread over an
		// interval rather than all at once.
		if late := now.Sub(sl.at); late > 0 {
			iv := max(sl.w.next.Load().Interval, MinInterval)
			sl.at = sl.at.Add((late/iv + 1) * iv)
		}
		heap.Push(&s.queue, sl)
	}
	clear(s.parked)
}

// idleWorkers is how many idle poll goroutines are kept; above that, idle ones are retired
// once a second, so a burst (all feeds due at start) does not leave thousands of parked
// goroutines whose stacks every garbage collection scans.
const idleWorkers = 64

// hand gives sl to an idle poll goroutine, or to a new one when none is waiting: goroutines
// are reused from poll to poll and their number follows the polls in flight.
func (s *schedule) hand(sl *slot) {
	select {
	case s.due <- sl:
		return
	default:
	}
	s.mu.Lock()
	s.workers++
	s.mu.Unlock()
	s.wg.Go(func() {
		var p poller
		defer p.close()
		claimed := false
		for sl != nil {
			if sl, claimed = s.poll(sl, &p, claimed); sl == nil {
				sl, claimed = <-s.due, false // nil: retired, or the schedule ended
			}
		}
		s.mu.Lock()
		s.workers--
		s.mu.Unlock()
	})
}

// retire ends up to n idle poll goroutines.
func (s *schedule) retire(n int) {
	for range n {
		select {
		case s.due <- nil:
		default:
			return
		}
	}
}

// poll polls sl's feed on p's goroutine, and then takes the feed due next, if it can start
// now, for the same goroutine (see next); claimed says that sl was taken so.
func (s *schedule) poll(sl *slot, p *poller, claimed bool) (then *slot, thenClaimed bool) {
	removed := false
	if !claimed {
		p.renew(s.ctx) // no slot names p between polls
		s.mu.Lock()
		removed = sl.removed
		sl.poller = p
		s.mu.Unlock()
	}
	w := sl.w
	w.feed = *w.next.Load()
	w.res = sl.res // the slot is the poll's now, and not in the queue: nothing else reads res
	w.deadline = &p.deadline
	var next time.Time
	if !removed {
		next = s.pollFeed(w, p.ctx)
	}
	w.deadline = nil
	if sl.res != nil {
		sl.res.Cancel() // unless the poll used it: not every poll makes a request
		sl.res, w.res = nil, nil
	}
	s.mu.Lock()
	sl.poller = nil
	p.renew(s.ctx) // under mu, which remove reads p under
	s.running--
	if !sl.removed && s.ctx.Err() == nil {
		sl.at = next
		heap.Push(&s.queue, sl)
		then = s.next(time.Now(), p)
	}
	s.mu.Unlock()
	if then == nil {
		s.poke()
	}
	return then, then != nil
}

// next takes the first feed of the queue for the goroutine of p, which just finished a poll,
// when it is due, this replica's, and its host has a slot free now. When feeds are due
// faster than polls end, as under load, a poll goroutine goes from feed to feed as the bare
// client loops, rather than waking run to hand it the next over a channel: that round trip
// through the Go scheduler was some 3 % of a poll. Anything else is left to run. Called with
// mu held.
func (s *schedule) next(now time.Time, p *poller) *slot {
	if s.owners.generation() != s.generation {
		return nil // run puts the parked feeds back first
	}
	for s.queue.Len() > 0 && s.running < s.maxPolls {
		sl := s.queue[0].sl
		if sl.at.After(now) || !s.owners.owns(sl.w.hash) {
			return nil
		}
		heap.Pop(&s.queue)
		if !s.admit(sl, now) {
			continue
		}
		s.running++
		sl.poller = p
		return sl
	}
	return nil
}

// poller is a poll goroutine's context, kept from poll to poll rather than made for each
// feed: 10,000 contexts, one a feed, each with the map of children its polls' requests
// filed themselves in, were a tenth of the heap. Removing a feed cancels the context of the
// goroutine polling it, which makes itself another.
type poller struct {
	ctx    context.Context
	cancel context.CancelFunc
	// deadline bounds the goroutine's requests (see feed.Deadline).
	deadline feed.Deadline
}

// renew replaces the context once cancelled: its goroutine's previous feed was removed.
func (p *poller) renew(parent context.Context) {
	if p.ctx == nil || p.ctx.Err() != nil {
		p.ctx, p.cancel = context.WithCancel(parent)
	}
}

func (p *poller) close() {
	p.deadline.Close()
	if p.cancel != nil {
		p.cancel()
	}
}

// dueQueue is a min-heap of slots by due time. Each entry carries its slot's due time, so
// that ordering 10,000 feeds, a score of comparisons a poll, reads the heap's array alone
// rather than every slot it compares.
type dueQueue []dueEntry

type dueEntry struct {
	at time.Duration // the slot's at, since queueEpoch
	sl *slot
}

// queueEpoch is the origin of dueEntry's times; measured on the monotonic clock, as at is.
var queueEpoch = time.Now()

func (q dueQueue) Len() int           { return len(q) }
func (q dueQueue) Less(i, j int) bool { return q[i].at < q[j].at }
func (q dueQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].sl.index, q[j].sl.index = i, j
}
func (q *dueQueue) Push(x any) {
	sl := x.(*slot)
	sl.index = len(*q)
	*q = append(*q, dueEntry{at: sl.at.Sub(queueEpoch), sl: sl})
}
func (q *dueQueue) Pop() any {
	old := *q
	sl := old[len(old)-1].sl
	old[len(old)-1] = dueEntry{}
	sl.index = -1
	*q = old[:len(old)-1]
	return sl
}
