package fetch_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/services/fetch"
	"github.com/prometheus/client_golang/prometheus"
)

// growingFeeds serves n feeds under /feed/<i>; add appends an item to every one of them. It
// records when each feed was requested.
type growingFeeds struct {
	mu    sync.Mutex
	items int
	hits  map[int][]time.Time
}

func (g *growingFeeds) add() {
	g.mu.Lock()
	g.items++
	g.mu.Unlock()
}

func (g *growingFeeds) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var feed int
	if _, err := fmt.Sscanf(r.URL.Path, "/feed/%d", &feed); err != nil {
		http.NotFound(w, r)
		return
	}
	g.mu.Lock()
	g.hits[feed] = append(g.hits[feed], time.Now())
	n := g.items
	g.mu.Unlock()
	items := make([][3]string, 0, n)
	for i := n; i >= 1; i-- {
		items = append(items, [3]string{fmt.Sprintf("f%d-i%d", feed, i), fmt.Sprintf("https://example.org/%d/%d", feed, i),
			fmt.Sprintf("Abu Dhabi talks, update %d", i)})
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	_, _ = w.Write([]byte(rssDoc("", fmt.Sprintf("Desk %d", feed), items...)))
}

// hitsAfter returns each feed's request times after t.
func (g *growingFeeds) hitsAfter(feed int, t time.Time) []time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []time.Time
	for _, h := range g.hits[feed] {
		if h.After(t) {
			out = append(out, h)
		}
	}
	return out
}

// TestReplicaKilledFeedsTakenOver runs three fetchers, each with its own NATS connection, on
// one JetStream; one dies without any cleanup, its membership left to lapse. Every feed keeps
// being polled, by the survivors, within the membership TTL and an interval, and every item
// is in the stream once.
func TestReplicaKilledFeedsTakenOver(t *testing.T) {
	const feeds = 24
	const every = 300 * time.Millisecond
	e := startNATS(t, t.TempDir())
	g := &growingFeeds{items: 2, hits: map[int][]time.Time{}}
	srv := newMuxServer(t, g)
	var list []fetch.Feed
	for i := range feeds {
		list = append(list, fetch.Feed{URL: fmt.Sprintf("%s/feed/%d", srv.URL, i), Interval: every})
	}

	type replica struct {
		nc     *nats.Conn
		cancel context.CancelFunc
		done   chan struct{}
		reg    *prometheus.Registry
	}
	var replicas []*replica
	for range 3 {
		nc, err := nats.Connect(e.srv.ClientURL())
		if err != nil {
			t.Fatal(err)
		}
		b, err := bus.New(nc, 1)
		if err != nil {
			t.Fatal(err)
		}
		c := baseConfig(e, list...)
		c.Bus = b
		r := &replica{nc: nc, done: make(chan struct{}), reg: prometheus.NewRegistry()}
		c.Registerer = r.reg
		var ctx context.Context
		ctx, r.cancel = context.WithCancel(context.Background())
		go func() {
			defer close(r.done)
			_ = fetch.Run(ctx, c)
		}()
		replicas = append(replicas, r)
		t.Cleanup(func() {
			r.cancel()
			<-r.done
			nc.Close()
		})
	}

	eventually(t, 20*time.Second, "first items of every feed", func() bool { return len(e.items()) >= feeds*2 })
	victim := replicas[0]
	eventually(t, 10*time.Second, "the victim is polling", func() bool {
		return metric(t, victim.reg, "parley_fetch_polls_total", "result", "not_modified") > 0
	})

	// Killed: its connection goes first, so nothing of its shutdown path reaches NATS.
	victim.nc.Close()
	victim.cancel()
	killed := time.Now()
	g.add()

	// Every feed gets its new item, from the survivors.
	eventually(t, 20*time.Second, "third item of every feed", func() bool { return len(e.items()) >= feeds*3 })
	// And keeps being polled at its interval: watch a few more intervals, then check the gaps.
	eventually(t, 20*time.Second, "several polls of every feed after the kill", func() bool {
		for i := range feeds {
			if len(g.hitsAfter(i, killed)) < 4 {
				return false
			}
		}
		return true
	})
	for _, r := range replicas[1:] {
		r.cancel()
		<-r.done
	}
	// The dead replica's membership lapses after its TTL; the survivors see that at their
	// next heartbeat (a third of the TTL) and take its feeds at their next check (one
	// interval plus up to a tenth of jitter). The three seconds of slack are for -race on two
	// cores shared with the rest of CI; a feed nobody took over would wait for ever.
	ttl := baseConfig(e).MemberTTL
	maxGap := ttl + ttl/3 + every + every/10 + 3*time.Second
	for i := range feeds {
		prev := killed
		for _, h := range g.hitsAfter(i, killed) {
			if gap := h.Sub(prev); gap > maxGap {
				t.Errorf("feed %d: %s without a poll after the kill, want <= %s", i, gap, maxGap)
			}
			prev = h
		}
	}

	if n := e.streamMsgs(); n != feeds*3 {
		t.Errorf("stream holds %d items, want %d (each once)", n, feeds*3)
	}
	ids := map[string]bool{}
	for _, it := range e.items() {
		ids[it.Guid] = true
	}
	for i := range feeds {
		for j := 1; j <= 3; j++ {
			if guid := fmt.Sprintf("f%d-i%d", i, j); !ids[guid] {
				t.Errorf("item %s never published", guid)
			}
		}
	}
}

// pollers wraps a handler and records, per feed, which replica (by User-Agent) polled it when.
type pollers struct {
	next http.Handler
	mu   sync.Mutex
	by   map[int][]poller
}

type poller struct {
	agent string
	at    time.Time
}

func (p *pollers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var feed int
	if _, err := fmt.Sscanf(r.URL.Path, "/feed/%d", &feed); err == nil {
		p.mu.Lock()
		p.by[feed] = append(p.by[feed], poller{r.UserAgent(), time.Now()})
		p.mu.Unlock()
	}
	p.next.ServeHTTP(w, r)
}

// agentsAfter returns the replicas that polled feed after t, and how many polls they made.
func (p *pollers) agentsAfter(feed int, t time.Time) (agents map[string]bool, polls int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	agents = map[string]bool{}
	for _, h := range p.by[feed] {
		if h.at.After(t) {
			agents[h.agent] = true
			polls++
		}
	}
	return agents, polls
}

// TestReplicasShareFeeds runs 1, 2 and 4 fetchers on one JetStream. Once each has seen all
// the others, every feed is polled by one of them only, and every item is published once.
func TestReplicasShareFeeds(t *testing.T) {
	for _, n := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("%d replicas", n), func(t *testing.T) {
			const feeds = 24
			e := startNATS(t, t.TempDir())
			g := &growingFeeds{items: 2, hits: map[int][]time.Time{}}
			p := &pollers{next: g, by: map[int][]poller{}}
			srv := newMuxServer(t, p)
			var list []fetch.Feed
			for i := range feeds {
				list = append(list, fetch.Feed{URL: fmt.Sprintf("%s/feed/%d", srv.URL, i), Interval: 300 * time.Millisecond})
			}
			var logs []*logRecorder
			for i := range n {
				c := baseConfig(e, list...)
				c.UserAgent = fmt.Sprintf("replica-%d", i)
				l := newLogRecorder()
				c.Logger = slogTo(l)
				logs = append(logs, l)
				startRun(t, c)
			}
			eventually(t, 20*time.Second, "every replica sees the others", func() bool {
				for _, l := range logs {
					if _, ok := l.find(func(r logRecord) bool {
						return r.Msg == "fetch replicas changed" && r.Attrs["replicas"] == fmt.Sprint(n)
					}); !ok && n > 1 {
						return false
					}
				}
				return true
			})
			// Polls a replica started before it saw the last member may still arrive; wait
			// for one more round.
			seen := time.Now()
			eventually(t, 20*time.Second, "a poll of every feed since", func() bool {
				for i := range feeds {
					if _, polls := p.agentsAfter(i, seen); polls < 1 {
						return false
					}
				}
				return true
			})
			settled := time.Now()
			g.add()
			eventually(t, 20*time.Second, "three polls of every feed by settled replicas", func() bool {
				for i := range feeds {
					if _, polls := p.agentsAfter(i, settled); polls < 3 {
						return false
					}
				}
				return true
			})
			for i := range feeds {
				if agents, _ := p.agentsAfter(i, settled); len(agents) != 1 {
					t.Errorf("feed %d polled by %d replicas after they settled, want 1: %v", i, len(agents), agents)
				}
			}
			eventually(t, 20*time.Second, "third item of every feed", func() bool { return len(e.items()) >= feeds*3 })
			if got := e.streamMsgs(); got != feeds*3 {
				t.Errorf("stream holds %d items, want %d (each once)", got, feeds*3)
			}
		})
	}
}
