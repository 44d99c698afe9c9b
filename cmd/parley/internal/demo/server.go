package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Server serves one RSS feed per outlet at /<slug>/rss.xml. It replays the stories: the i-th
// story (oldest first) appears in its outlet's feed Step×i after the server starts, so a run
// shows rounds being announced, opened and concluded rather than everything at once.
type Server struct {
	stories []Story
	step    time.Duration
	start   time.Time
	now     func() time.Time

	mu    sync.Mutex
	cache map[string]cached // slug → rendered feed for the number of stories visible
}

type cached struct {
	visible int
	body    []byte
	etag    string
}

// NewServer replays stories, one every step (0: all at once).
func NewServer(stories []Story, step time.Duration) *Server {
	return &Server{stories: stories, step: step, start: time.Now(), now: time.Now, cache: map[string]cached{}}
}

// Slug names an outlet in URLs: "Kyiv Ledger" → "kyiv-ledger".
func Slug(outlet string) string {
	return strings.ToLower(strings.Join(strings.Fields(outlet), "-"))
}

// Outlets lists the outlets with stories, sorted.
func (s *Server) Outlets() []string {
	seen := map[string]bool{}
	var out []string
	for _, st := range s.stories {
		if !seen[st.Outlet] {
			seen[st.Outlet] = true
			out = append(out, st.Outlet)
		}
	}
	sort.Strings(out)
	return out
}

func (s *Server) visible() int {
	if s.step <= 0 {
		return len(s.stories)
	}
	return min(len(s.stories), int(s.now().Sub(s.start)/s.step)+1)
}

// ServeHTTP serves the feeds with ETag so fetch's conditional GET gets 304s.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	slug, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/"), "/rss.xml")
	if !ok {
		http.NotFound(w, r)
		return
	}
	var outlet string
	for _, o := range s.Outlets() {
		if Slug(o) == slug {
			outlet = o
		}
	}
	if outlet == "" {
		http.NotFound(w, r)
		return
	}
	n := s.visible()
	s.mu.Lock()
	c, ok := s.cache[slug]
	if !ok || c.visible != n {
		var mine []Story
		var home string
		for _, st := range s.stories[:n] {
			if st.Outlet == outlet {
				mine = append(mine, st)
				if u, err := url.Parse(st.Link); err == nil {
					home = u.Scheme + "://" + u.Host
				}
			}
		}
		body, err := RSS(outlet, home, mine)
		if err != nil {
			s.mu.Unlock()
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		sum := sha256.Sum256(body)
		c = cached{visible: n, body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		s.cache[slug] = c
	}
	s.mu.Unlock()
	w.Header().Set("ETag", c.etag)
	if r.Header.Get("If-None-Match") == c.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	_, _ = w.Write(c.body)
}
