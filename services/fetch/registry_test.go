package fetch_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/services/fetch"
	"github.com/prometheus/client_golang/prometheus"
)

func registryURLs(t *testing.T, reg *fetch.Registry) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	entries, err := reg.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.URL+" "+e.Origin)
	}
	return out
}

func TestRegistryChangesReachRunningFetchers(t *testing.T) {
	e := startNATS(t, t.TempDir())
	a := newFeedServer(t, testdata(t, "rss.xml"), "application/rss+xml")
	b := newFeedServer(t, testdata(t, "atom.xml"), "application/atom+xml")
	ctx := context.Background()
	reg, err := fetch.OpenRegistry(ctx, e.bus)
	if err != nil {
		t.Fatal(err)
	}

	metrics := prometheus.NewRegistry()
	for range 2 {
		c := baseConfig(e, fetch.Feed{URL: a.URL, Interval: interval})
		c.Registerer = metrics
		startRun(t, c)
	}
	eventually(t, 10*time.Second, "config feed published", func() bool { return len(e.itemsOf(a.URL)) == 3 })

	// Added while running: both fetchers take it up, and its items go out once.
	if err := reg.Add(ctx, fetch.Feed{URL: b.URL, Name: "Agence", Interval: interval}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "added feed published", func() bool { return len(e.itemsOf(b.URL)) == 2 })
	eventually(t, 5*time.Second, "both fetchers follow both feeds", func() bool { return metric(t, metrics, "parley_fetch_feeds") == 4 })
	if src := e.itemsOf(b.URL)[0].Source; src != "Agence" {
		t.Errorf("added feed's source = %q, want the registered name", src)
	}

	// Removed while running: no fetcher polls it any more.
	found, err := reg.Remove(ctx, a.URL)
	if err != nil || !found {
		t.Fatalf("Remove = %v, %v", found, err)
	}
	eventually(t, 5*time.Second, "removed feed dropped", func() bool { return metric(t, metrics, "parley_fetch_feeds") == 2 })
	hits := a.hits.Load()
	bHits := b.hits.Load()
	eventually(t, 10*time.Second, "the remaining feed polled 5 more times", func() bool { return b.hits.Load() >= bHits+5 })
	// A poll already under way when the feed was removed may still land, one per fetcher.
	if n := a.hits.Load(); n > hits+2 {
		t.Errorf("removed feed polled %d more times", n-hits)
	}
	if found, err := reg.Remove(ctx, a.URL); err != nil || found {
		t.Errorf("second Remove = %v, %v; want not found", found, err)
	}
	if n := len(e.received()); n != 5 {
		t.Errorf("published %d messages, want 5", n)
	}

	// Feed states are written in batches, a second apart.
	var statuses []fetch.Status
	eventually(t, 10*time.Second, "the remaining feed's state recorded", func() bool {
		statuses, err = fetch.ListStatus(ctx, e.bus)
		if err != nil {
			t.Fatal(err)
		}
		return len(statuses) == 1 && statuses[0].Polled && statuses[0].State.Published == 2
	})
	if len(statuses) != 1 || statuses[0].URL != b.URL || !statuses[0].Polled ||
		statuses[0].State.LastPoll.IsZero() || statuses[0].State.Items != 2 || statuses[0].State.Published != 2 {
		t.Errorf("status = %+v", statuses)
	}
}

func TestConfigSeedsTheRegistry(t *testing.T) {
	e := startNATS(t, t.TempDir())
	ctx := context.Background()
	reg, err := fetch.OpenRegistry(ctx, e.bus)
	if err != nil {
		t.Fatal(err)
	}
	// Unreachable addresses: these runs are about the registry, not polling.
	const one, two, added = "http://192.0.2.1/one", "http://192.0.2.1/two", "http://192.0.2.1/added"
	if err := reg.Add(ctx, fetch.Feed{URL: added}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name  string
		feeds []fetch.Feed
		want  []string
	}{
		{"config feeds are added", []fetch.Feed{{URL: one}, {URL: two}}, []string{added + " added", one + " config", two + " config"}},
		{"a feed dropped from the config is removed", []fetch.Feed{{URL: one}}, []string{added + " added", one + " config"}},
		{"a config without feeds leaves the registry alone", nil, []string{added + " added", one + " config"}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			metrics := prometheus.NewRegistry()
			c := baseConfig(e, s.feeds...)
			c.Registerer = metrics
			stop := startRun(t, c)
			eventually(t, 5*time.Second, "workers started", func() bool {
				return metric(t, metrics, "parley_fetch_feeds") == float64(len(s.want))
			})
			stop()
			if got := registryURLs(t, reg); !slices.Equal(got, s.want) {
				t.Errorf("registry = %q, want %q", got, s.want)
			}
		})
	}
	if err := reg.Add(ctx, fetch.Feed{URL: "ftp://example.org/feed"}); err == nil {
		t.Error("an ftp URL was registered")
	}
	if err := reg.Add(ctx, fetch.Feed{URL: one, Interval: time.Millisecond}); err == nil {
		t.Error("an interval below the minimum was registered")
	}
}
