package fetch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/parleyhq/parley/services/fetch/limit"
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
		s := newSchedule(ctx, 4, o, nil)
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

// TestScheduleHostWaitsHoldNoPoll: feeds waiting for their host, for its rate or for one of
// its slots, do not take up the polls under way, so a publisher hosting many feeds does not
// hold up another host's feed; and every one of the publisher's feeds is still polled, one
// removed while it waited included, at the host's rate and within its slots.
func TestScheduleHostWaitsHoldNoPoll(t *testing.T) {
	for _, tc := range []struct {
		name     string
		l        func() *limit.Limiter // made in the bubble, so that waits on it are durable
		takes    time.Duration         // how long a poll of the busy host holds its slot
		interval time.Duration         // between starts to the busy host, at least
	}{
		{"rate", func() *limit.Limiter { return limit.New(8, 4, 1) }, 0, time.Second},
		{"slots", func() *limit.Limiter { return limit.New(8, 1, 0) }, time.Second, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { testHostWaits(t, tc.l(), tc.takes, tc.interval) })
		})
	}
}

func testHostWaits(t *testing.T, l *limit.Limiter, takes, interval time.Duration) {
	ctx, cancel := context.WithCancel(t.Context())
	o := &fakeOwners{mine: map[uint64]bool{}, checks: map[uint64]int{}, change: make(chan struct{}, 1)}
	s := newSchedule(ctx, 2, o, l)
	var mu sync.Mutex
	polls := map[string][]time.Time{}
	// As a real poll: the request goes through the limiter, with the schedule's slot if any.
	s.pollFeed = func(w *worker, ctx context.Context) time.Time {
		var release func()
		var err error
		if res := w.res; res != nil {
			err, release = res.Acquire(ctx), res.Release
		} else {
			release, err = l.Acquire(ctx, strings.Split(w.feed.URL, "/")[2])
		}
		if err != nil {
			return time.Now().Add(w.feed.Interval)
		}
		mu.Lock()
		polls[w.id] = append(polls[w.id], time.Now())
		mu.Unlock()
		if strings.Contains(w.feed.URL, "busy") {
			time.Sleep(takes)
		}
		release()
		return time.Now().Add(w.feed.Interval)
	}
	add := func(id string) *slot {
		f := Feed{URL: "http://" + id, Interval: time.Hour}
		w := &worker{id: id, hash: feedHash(id), feed: f}
		w.next.Store(&f)
		o.mine[w.hash] = true
		return s.add(w)
	}
	const busy = 30
	slots := make([]*slot, busy)
	for i := range busy {
		slots[i] = add(fmt.Sprintf("busy.example/%d", i))
	}
	done := make(chan struct{})
	go func() { defer close(done); s.run() }()
	time.Sleep(3 * time.Second) // every busy feed due, most waiting for the host
	gone := -1
	mu.Lock()
	for i := range busy {
		if len(polls[fmt.Sprintf("busy.example/%d", i)]) == 0 {
			gone = i
		}
	}
	mu.Unlock()
	s.remove(slots[gone])
	added := time.Now()
	add("other.example/feed")
	time.Sleep(3 * time.Second)
	mu.Lock()
	other := polls["other.example/feed"]
	mu.Unlock()
	if len(other) != 1 || other[0].Sub(added) > 2*time.Second+takes {
		t.Errorf("another host's feed polled at %v, %s after it was added; want once, at once", other, time.Since(added))
	}
	time.Sleep(busy * interval)
	mu.Lock()
	defer mu.Unlock()
	var starts []time.Time
	for i := range busy {
		p := polls[fmt.Sprintf("busy.example/%d", i)]
		switch {
		case i == gone && len(p) != 0:
			t.Errorf("a feed removed while it waited for its host was polled")
		case i != gone && len(p) != 1:
			t.Errorf("busy feed %d polled %d times, want once", i, len(p))
		}
		starts = append(starts, p...)
	}
	slices.SortFunc(starts, time.Time.Compare)
	for i := 1; i < len(starts); i++ {
		if d := starts[i].Sub(starts[i-1]); d < interval {
			t.Errorf("busy host's polls %d and %d %s apart, want at least %s", i-1, i, d, interval)
		}
	}
	cancel()
	<-done
}
