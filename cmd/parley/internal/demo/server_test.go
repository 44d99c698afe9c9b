package demo

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func testStories() []Story {
	t0 := time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC)
	return []Story{
		{Outlet: "Kyiv Ledger", Title: "One", Link: "https://kyivledger.example/1", Published: t0, Body: "First & <one>.\n\nSecond para."},
		{Outlet: "Gulf Wire", Title: "Two", Link: "https://gulfwire.example/2", Published: t0.Add(time.Hour), Body: "Two."},
		{Outlet: "Kyiv Ledger", Title: "Three", Link: "https://kyivledger.example/3", Published: t0.Add(2 * time.Hour), Body: "Three."},
	}
}

func TestServerReplaysWithETag(t *testing.T) {
	s := NewServer(testStories(), time.Minute)
	clock := s.start
	s.now = func() time.Time { return clock }
	srv := httptest.NewServer(s)
	defer srv.Close()

	get := func(etag string) (int, string, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/kyiv-ledger/rss.xml", nil)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("ETag"), string(b)
	}
	code, etag, body := get("")
	if code != 200 || !strings.Contains(body, "<title>One</title>") || strings.Contains(body, "Three") {
		t.Fatalf("first poll: %d %s", code, body)
	}
	// Read back the way a feed reader does: content:encoded by its namespace.
	var doc struct {
		Items []struct {
			Encoded string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("feed is not XML: %v", err)
	}
	if got := doc.Items[0].Encoded; !strings.Contains(got, "<p>First &amp; &lt;one&gt;.</p>") {
		t.Errorf("content:encoded = %q", got)
	}
	if code, _, _ := get(etag); code != http.StatusNotModified {
		t.Errorf("unchanged feed answered %d, want 304", code)
	}
	clock = clock.Add(2 * time.Minute)
	code, etag2, body := get(etag)
	if code != 200 || etag2 == etag || !strings.Contains(body, "Three") {
		t.Errorf("after the replay step: %d %q", code, body)
	}
	if code, _, _ := get(""); code != 200 {
		t.Errorf("code %d", code)
	}
	resp, err := http.Get(srv.URL + "/nowhere/rss.xml")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown outlet: %d", resp.StatusCode)
	}
}

func TestBundledStoriesParse(t *testing.T) {
	st, err := Stories()
	if err != nil {
		t.Fatal(err)
	}
	if len(st) < 10 {
		t.Fatalf("%d stories, want the bundled set", len(st))
	}
	for i := 1; i < len(st); i++ {
		if st[i].Published.Before(st[i-1].Published) {
			t.Errorf("stories not sorted: %s before %s", st[i-1].File, st[i].File)
		}
	}
}

func TestParseStoryRejectsIncomplete(t *testing.T) {
	if _, err := ParseStory("x.txt", "outlet: A\ntitle: T\n---\nbody"); err == nil {
		t.Error("story without link and published accepted")
	}
	if _, err := ParseStory("x.txt", "no separator"); err == nil {
		t.Error("story without --- accepted")
	}
}
