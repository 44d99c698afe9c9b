package limit

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func TestBounds(t *testing.T) {
	l := New(3, 2, 0)
	var perHost, total, maxHost, maxTotal atomic.Int64
	var wg sync.WaitGroup
	for i := range 20 {
		host := "a"
		if i%2 == 1 {
			host = "b"
		}
		wg.Go(func() {
			release, err := l.Acquire(context.Background(), host)
			if err != nil {
				t.Error(err)
				return
			}
			defer release()
			if host == "a" {
				n := perHost.Add(1)
				defer perHost.Add(-1)
				for m := maxHost.Load(); n > m && !maxHost.CompareAndSwap(m, n); m = maxHost.Load() {
				}
			}
			n := total.Add(1)
			defer total.Add(-1)
			for m := maxTotal.Load(); n > m && !maxTotal.CompareAndSwap(m, n); m = maxTotal.Load() {
			}
			time.Sleep(5 * time.Millisecond) // hold the slot so that others queue
		})
	}
	wg.Wait()
	if maxHost.Load() > 2 || maxTotal.Load() > 3 {
		t.Errorf("max per host %d (limit 2), max total %d (limit 3)", maxHost.Load(), maxTotal.Load())
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.hosts) != 0 {
		t.Errorf("%d idle hosts still tracked", len(l.hosts))
	}
}

func TestAcquireCancelled(t *testing.T) {
	l := New(1, 1, 0)
	release, _ := l.Acquire(context.Background(), "a")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := l.Acquire(ctx, "a"); err == nil {
		t.Fatal("acquired a slot that was taken")
	}
	release()
	release() // a second call is harmless
	r2, err := l.Acquire(context.Background(), "b")
	if err != nil {
		t.Fatal(err)
	}
	r2()
}

// TestHostRate: starts to one host are spaced by the rate, another host is not held up.
// The fake clock of synctest makes the spacing exact, so the test holds on a loaded machine.
func TestHostRate(t *testing.T) {
	synctest.Test(t, testHostRate)
}

func testHostRate(t *testing.T) {
	const gap = 20 * time.Millisecond
	l := New(10, 10, float64(time.Second/gap))
	var starts []time.Time
	for range 4 {
		release, err := l.Acquire(context.Background(), "a")
		if err != nil {
			t.Fatal(err)
		}
		starts = append(starts, time.Now())
		release()
	}
	for i := 1; i < len(starts); i++ {
		if d := starts[i].Sub(starts[i-1]); d < gap {
			t.Errorf("start %d came %s after the one before, want >= %s", i, d, gap)
		}
	}
	other := time.Now()
	release, err := l.Acquire(context.Background(), "b")
	if err != nil {
		t.Fatal(err)
	}
	release()
	if d := time.Since(other); d != 0 {
		t.Errorf("host b waited %s behind host a's pacing", d)
	}
	slow := New(10, 10, 1.0/3600)
	release, err = slow.Acquire(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := slow.Acquire(ctx, "a"); err == nil {
		t.Error("a cancelled wait for a paced host got a slot")
	}
	release, err = slow.Acquire(context.Background(), "b")
	if err != nil {
		t.Fatal(err)
	}
	release()
}

// BenchmarkAcquire takes and gives back a slot for one host after another, as 10,000 feeds
// on hosts of their own do; the limiter is on every poll's path.
func BenchmarkAcquire(b *testing.B) {
	hosts := make([]string, 10000)
	for i := range hosts {
		hosts[i] = "h" + strconv.Itoa(i)
	}
	// A rate so high that no start waits: the benchmark is of the bookkeeping.
	l := New(128, 4, 1e9)
	var next atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := int(next.Add(1)) * 5003
		for pb.Next() {
			release, err := l.Acquire(context.Background(), hosts[i%len(hosts)])
			if err != nil {
				b.Error(err)
				return
			}
			release()
			i += 7
		}
	})
}

// TestWaitersInLine: a released host slot passes to the next request in line, one that gave
// up waiting is skipped without costing a slot, and the host is forgotten once all are done.
func TestWaitersInLine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := New(10, 1, 0)
		first, err := l.Acquire(context.Background(), "a")
		if err != nil {
			t.Fatal(err)
		}
		quitter, quit := context.WithCancel(context.Background())
		gaveUp := make(chan error, 1)
		go func() {
			_, err := l.Acquire(quitter, "a")
			gaveUp <- err
		}()
		synctest.Wait()
		got := make(chan func(), 1)
		go func() {
			release, err := l.Acquire(context.Background(), "a")
			if err != nil {
				t.Error(err)
			}
			got <- release
		}()
		synctest.Wait()
		quit()
		if err := <-gaveUp; err == nil {
			t.Fatal("a cancelled waiter got a slot")
		}
		select {
		case <-got:
			t.Fatal("a waiter got a slot that was still held")
		default:
		}
		first()
		(<-got)()
		l.mu.Lock()
		defer l.mu.Unlock()
		if len(l.hosts) != 0 {
			t.Errorf("%d idle hosts still tracked", len(l.hosts))
		}
	})
}

// TestReserve: a reservation holds a host slot and books the host's next start without
// waiting; when every slot is held the caller is told once one frees, a caller that has gone
// passes the turn on, and the host is forgotten once all are done.
func TestReserve(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const gap = 100 * time.Millisecond
		l := New(1, 2, float64(time.Second/gap))
		now := time.Now()
		r1, start1 := l.Reserve("a", now, nil)
		r2, start2 := l.Reserve("a", now, nil)
		if r1 == nil || r2 == nil || !start1.Equal(now) || !start2.Equal(now.Add(gap)) {
			t.Fatalf("reservations %v at %s, %v at %s; want both, %s apart", r1, start1.Sub(now), r2, start2.Sub(now), gap)
		}
		var woken []string
		wake := func(name string, here bool) func() bool {
			return func() bool { woken = append(woken, name); return here }
		}
		if r, _ := l.Reserve("a", now, wake("gone", false)); r != nil {
			t.Fatal("a third reservation of a host with two slots")
		}
		if r, _ := l.Reserve("a", now, wake("third", true)); r != nil {
			t.Fatal("a third reservation of a host with two slots")
		}
		if r, start := l.Reserve("b", now, nil); r == nil || !start.Equal(now) {
			t.Fatalf("host b: %v at %s", r, start.Sub(now))
		} else {
			r.Cancel()
		}
		if err := r1.Acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
		// The global slot is taken: a second request waits for it, or gives up.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := r2.Acquire(ctx); err == nil {
			t.Fatal("a reservation took the only global slot while it was held")
		}
		// r2's host slot went back: the first waker has gone, so the second is told.
		// (A context already done gets no slot even when one is free: see below.)
		if want := []string{"gone", "third"}; !slices.Equal(woken, want) {
			t.Errorf("woken %v after a reservation gave up, want %v", woken, want)
		}
		r1.Release()
		r1.Release()
		r2.Release() // its Acquire failed: nothing to give back
		if len(woken) != 2 {
			t.Errorf("woken %v: a waker told twice", woken)
		}
		r3, start3 := l.Reserve("a", time.Now(), nil)
		if r3 == nil || !start3.Equal(now.Add(2*gap)) {
			t.Fatalf("after the slots came back: %v at %s, want the start booked after the others'", r3, start3.Sub(now))
		}
		if err := r3.Acquire(ctx); err == nil {
			t.Fatal("a reservation took a free global slot under a context already done")
		}
		r3.Release()
		if r4, _ := l.Reserve("a", time.Now(), nil); r4 == nil {
			t.Fatal("a reservation that gave up kept its host slot")
		} else if err := r4.Acquire(context.Background()); err != nil {
			t.Fatalf("the global slot a reservation gave up on: %v", err)
		} else {
			r4.Release()
		}
		r3.Cancel()
		r3.Cancel()
		time.Sleep(5 * gap) // past every start booked
		l.mu.Lock()
		defer l.mu.Unlock()
		l.sweep()
		if len(l.hosts) != 0 {
			t.Errorf("%d idle hosts still tracked", len(l.hosts))
		}
	})
}
