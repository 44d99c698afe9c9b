package fetch

import (
	"container/heap"
	"context"
	"sync"
	"time"
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
	owners   owners
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
	cancel  context.CancelFunc
	ctx     context.Context
	removed bool
}

func newSchedule(ctx context.Context, maxPolls int, o owners) *schedule {
	return &schedule{ctx: ctx, owners: o, wake: make(chan struct{}, 1), maxPolls: max(maxPolls, 1),
		due: make(chan *slot), parked: map[*slot]struct{}{}, pollFeed: (*worker).poll}
}

// add schedules w's first poll a little after now, spread so that many feeds added at once
// do not all fire together.
func (s *schedule) add(w *worker) *slot {
	ctx, cancel := context.WithCancel(s.ctx)
	sl := &slot{w: w, ctx: ctx, cancel: cancel, at: time.Now().Add(jitter(min(w.feed.Interval/10, 2*time.Second)))}
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
	if sl.index >= 0 {
		heap.Remove(&s.queue, sl.index)
	}
	delete(s.parked, sl)
	s.mu.Unlock()
	sl.cancel()
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
	var ready []*slot
	retired := time.Now()
	for {
		s.mu.Lock()
		now := time.Now()
		s.unpark()
		wait := time.Hour
		for s.queue.Len() > 0 && s.running < s.maxPolls {
			next := s.queue[0]
			if d := next.at.Sub(now); d > 0 {
				wait = d
				break
			}
			heap.Pop(&s.queue)
			if !s.owners.owns(next.w.hash) {
				// Forget the state: the owner has it now, and polls will read it afresh
				// should the feed come back. It would have been checked again an
				// interval from now; it comes back then at the earliest (see unpark).
				next.w.forget()
				next.at = now.Add(next.w.next.Load().Interval)
				s.parked[next] = struct{}{}
				continue
			}
			s.running++
			ready = append(ready, next)
		}
		idle := s.workers - s.running
		s.mu.Unlock()
		// Handed over outside the lock, which a finishing poll takes.
		for i, sl := range ready {
			s.hand(sl)
			ready[i] = nil
		}
		ready = ready[:0]
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
		for sl != nil {
			s.poll(sl)
			sl = <-s.due // nil: retired, or the schedule ended
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

func (s *schedule) poll(sl *slot) {
	w := sl.w
	w.feed = *w.next.Load()
	next := s.pollFeed(w, sl.ctx)
	s.mu.Lock()
	s.running--
	if !sl.removed && sl.ctx.Err() == nil {
		sl.at = next
		heap.Push(&s.queue, sl)
	}
	s.mu.Unlock()
	s.poke()
}

// dueQueue is a min-heap of slots by due time.
type dueQueue []*slot

func (q dueQueue) Len() int           { return len(q) }
func (q dueQueue) Less(i, j int) bool { return q[i].at.Before(q[j].at) }
func (q dueQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}
func (q *dueQueue) Push(x any) {
	sl := x.(*slot)
	sl.index = len(*q)
	*q = append(*q, sl)
}
func (q *dueQueue) Pop() any {
	old := *q
	sl := old[len(old)-1]
	old[len(old)-1] = nil
	sl.index = -1
	*q = old[:len(old)-1]
	return sl
}
