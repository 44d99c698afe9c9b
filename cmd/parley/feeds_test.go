package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/platform/natsembed"
	"github.com/parleyhq/parley/services/fetch"
)

func TestFeedsCommands(t *testing.T) {
	srv, err := natsembed.Start(natsembed.Config{StoreDir: t.TempDir(), Listen: "127.0.0.1:-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Shutdown()
		srv.WaitForShutdown()
	})
	url := srv.ClientURL()

	// A poll record as fetch would leave it, so list has something to show.
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	b, err := bus.New(nc, 1)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	states, err := b.KeyValue(ctx, fetch.BucketFeeds, 1)
	if err != nil {
		t.Fatal(err)
	}
	polled := time.Date(2026, 1, 23, 8, 0, 0, 0, time.UTC)
	rec, _ := json.Marshal(fetch.State{URL: "https://wire.example.org/world.rss", LastPoll: polled, LastResult: "error",
		LastError: "GET https://wire.example.org/world.rss: HTTP 503", Items: 4, Published: 9, NextPoll: polled.Add(10 * time.Minute)})
	if _, err := states.Put(ctx, fetch.FeedID("https://wire.example.org/world.rss"), rec); err != nil {
		t.Fatal(err)
	}

	opmlFile := filepath.Join(t.TempDir(), "feeds.opml")
	if err := os.WriteFile(opmlFile, []byte(`<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Desk</title></head><body>
  <outline text="Europe">
    <outline type="rss" text="Kyiv Desk" xmlUrl="https://kyiv.example.org/feed.xml"/>
    <outline type="rss" text="Wire World" xmlUrl="https://wire.example.org/world.rss"/>
  </outline>
  <outline type="rss" text="Gulf Times" title="Gulf Times" xmlUrl="https://gulf.example.org/rss"/>
</body></opml>`), 0o600); err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		args    []string
		code    int
		out     string // substring of standard output
		errText string // substring of standard error
	}{
		{args: []string{"add", "https://wire.example.org/world.rss", "--name", "Wire World", "--interval", "10m", "--full-text"}, out: "registered https://wire.example.org/world.rss"},
		{args: []string{"add", "ftp://wire.example.org/world.rss"}, code: 1, errText: "scheme must be http or https"},
		{args: []string{"add"}, code: 1, errText: "exactly one feed URL"},
		{args: []string{"import-opml", opmlFile}, out: "registered 2 feeds; 1 already registered"},
		{args: []string{"list"}, out: "https://wire.example.org/world.rss  Wire World"},
		{args: []string{"remove", "https://gulf.example.org/rss"}, out: "removed https://gulf.example.org/rss"},
		{args: []string{"remove", "https://gulf.example.org/rss"}, code: 1, errText: "is not registered"},
		{args: []string{"frobnicate"}, code: 2, errText: "unknown subcommand \"frobnicate\""},
	}
	for _, s := range steps {
		code, out, errOut := runCLI(t, "", append(append([]string{"feeds"}, s.args...), "--nats", url)...)
		if code != s.code || !strings.Contains(out, s.out) || !strings.Contains(errOut, s.errText) {
			t.Errorf("feeds %q: exit %d, out %q, err %q; want exit %d, out ~ %q, err ~ %q", s.args, code, out, errOut, s.code, s.out, s.errText)
		}
	}

	code, out, errOut := runCLI(t, "", "feeds", "list", "--json", "--nats", url)
	if code != 0 {
		t.Fatalf("list --json: exit %d: %s", code, errOut)
	}
	var got []feedJSON
	for line := range strings.Lines(out) {
		var f feedJSON
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		got = append(got, f)
	}
	if len(got) != 2 || got[0].URL != "https://kyiv.example.org/feed.xml" || got[1].URL != "https://wire.example.org/world.rss" {
		t.Fatalf("list --json = %+v", got)
	}
	if k := got[0]; k.Name != "Kyiv Desk" || k.Interval != "5m0s" || k.LastPoll != nil || k.LastResult != "" {
		t.Errorf("imported feed: %+v", k)
	}
	w := got[1]
	if w.Name != "Wire World" || w.Interval != "10m0s" || !w.FullText || w.LastPoll == nil || !w.LastPoll.Equal(polled) ||
		w.LastResult != "error" || w.Items != 4 || w.Published != 9 || w.NextPoll == nil || !strings.Contains(w.LastError, "503") {
		t.Errorf("polled feed: %+v", w)
	}

	code, out, errOut = runCLI(t, "", "feeds", "export-opml", "--nats", url)
	if code != 0 {
		t.Fatalf("export-opml: exit %d: %s", code, errOut)
	}
	var doc opml
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("export is not XML: %v\n%s", err, out)
	}
	if doc.Version != "2.0" || len(doc.Body.Outlines) != 2 || doc.Body.Outlines[1].XMLURL != "https://wire.example.org/world.rss" ||
		doc.Body.Outlines[1].Text != "Wire World" || doc.Body.Outlines[1].Type != "rss" {
		t.Errorf("export = %s", out)
	}
}
