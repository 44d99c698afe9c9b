package fetch

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// fakeOwners gives this replica the feeds in mine and counts the checks of each feed.
type fakeOwners struct {
	mu     sync.Mutex
	mine   map[uint64]bool
	checks map[uint64]int
	gen    atomic.Uint64
	change chan struct{}
}

func (o *fakeOwners) owns(h uint64) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.checks[h]++
	return o.mine[h]
}

func (o *fakeOwners) generation() uint64       { return o.gen.Load() }
func (o *fakeOwners) changed() <-chan struct{} { return o.change }

// give hands this replica a feed, as a replica leaving would.
func (o *fakeOwners) give(h uint64) {
	o.mu.Lock()
	o.mine[h] = true
	o.mu.Unlock()
	o.gen.Add(1)
	o.change <- struct{}{}
}

func (o *fakeOwners) checked(h uint64) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.checks[h]
}

// TestScheduleParksOthersFeeds: another replica's feed is checked once and then left alone,
// however many intervals pass, and it is polled within one interval of coming to this
// replica.
func TestScheduleParksOthersFeeds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const every = time.Second
		ctx, cancel := context.WithCancel(t.Context())
		o := &fakeOwners{mine: map[uint64]bool{}, checks: map[uint64]int{}, change: make(chan struct{}, 1)}
		s := newSchedule(ctx, 4, o)
		var mu sync.Mutex
		polls := map[string][]time.Time{}
		s.pollFeed = func(w *worker, _ context.Context) time.Time {
			mu.Lock()
			defer mu.Unlock()
			polls[w.id] = append(polls[w.id], time.Now())
			return time.Now().Add(w.feed.Interval)
		}
		polled := func(id string) []time.Time {
			mu.Lock()
			defer mu.Unlock()
			return append([]time.Time(nil), polls[id]...)
		}
		feed := func(id string) *worker {
			f := Feed{URL: "http://example.org/" + id, Interval: every}
			w := &worker{id: id, hash: feedHash(id), feed: f}
			w.next.Store(&f)
			return w
		}
		mine, theirs := feed("mine"), feed("theirs")
		o.mine[mine.hash] = true
		s.add(mine)
		s.add(theirs)
		done := make(chan struct{})
		go func() { defer close(done); s.run() }()

		time.Sleep(10 * every)
		if n := len(polled("mine")); n < 9 {
			t.Errorf("own feed polled %d times in 10 intervals", n)
		}
		if n := len(polled("theirs")); n != 0 {
			t.Errorf("another replica's feed polled %d times", n)
		}
		if n := o.checked(theirs.hash); n != 1 {
			t.Errorf("another replica's feed checked %d times in 10 intervals, want once", n)
		}

		given := time.Now()
		o.give(theirs.hash)
		time.Sleep(every)
		got := polled("theirs")
		if len(got) == 0 {
			t.Fatalf("a feed that came to this replica was not polled within an interval")
		}
		if d := got[0].Sub(given); d > every {
			t.Errorf("a feed that came to this replica was first polled %s after, want within %s", d, every)
		}
		cancel()
		<-done
	})
}
