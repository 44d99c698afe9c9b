package fetch_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley/services/fetch"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// rssDoc writes a small RSS document; items are {guid, link, title}.
func rssDoc(decl, title string, items ...[3]string) string {
	var b strings.Builder
	if decl != "" {
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="%s"?>`+"\n", decl)
	}
	fmt.Fprintf(&b, "<rss version=\"2.0\"><channel><title>%s</title><link>https://example.org/</link>\n", title)
	for _, it := range items {
		b.WriteString("<item>")
		if it[0] != "" {
			fmt.Fprintf(&b, "<guid isPermaLink=\"false\">%s</guid>", it[0])
		}
		fmt.Fprintf(&b, "<link>%s</link><title>%s</title><pubDate>Fri, 16 May 2025 10:00:00 GMT</pubDate></item>\n", it[1], it[2])
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

func encode(t *testing.T, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func static(body []byte, contentType string, extra ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		for i := 0; i+1 < len(extra); i += 2 {
			w.Header().Set(extra[i], extra[i+1])
		}
		_, _ = w.Write(body)
	}
}

// TestHostileFeedsAreContained runs every hostile feed together with a well-behaved one in a
// single fetcher: each gets a clear error or correct items, and the good feed is unaffected.
func TestHostileFeedsAreContained(t *testing.T) {
	const ruTitle = "Делегации России и Украины встретились в Стамбуле"
	const grTitle = "Συνομιλίες στη Γενεύη στις 23 Νοεμβρίου"
	const deTitle = "Gespräche in Genf über den Friedensplan"

	// 64 MiB of spaces after a feed's opening: about 64 KiB on the wire.
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	_, _ = zw.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>`))
	_, _ = zw.Write(bytes.Repeat([]byte(" "), 64<<20))
	_ = zw.Close()

	laughs := `<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Laughs &lol9;</title>
<item><guid>laughs-1</guid><link>https://example.org/laughs</link><title>Envoys meet in Riyadh &lol9;</title></item>
</channel></rss>`

	var churn atomic.Int64
	type tc struct {
		name    string
		handler http.HandlerFunc
		// errContains, when set, is the error the feed's state must record; otherwise the
		// feed must succeed with exactly wantTitles.
		errContains string
		wantTitles  []string
		// minHits is how often the server must have been polled before the outcome counts.
		minHits int64
	}
	cases := []tc{
		{
			name: "gzip bomb",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/rss+xml")
				w.Header().Set("Content-Encoding", "gzip")
				_, _ = w.Write(bomb.Bytes())
			},
			errContains: "exceeds the limit of 10485760 bytes",
		},
		{
			// encoding/xml does not expand entities declared in a DTD: they stay literal text,
			// so the expansion never happens.
			name:       "billion laughs",
			handler:    static([]byte(laughs), "application/rss+xml"),
			wantTitles: []string{"Envoys meet in Riyadh &lol9;"},
		},
		{
			name: "one byte a second",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/rss+xml")
				w.WriteHeader(http.StatusOK)
				doc := rssDoc("", "Drip")
				for i := range len(doc) {
					if _, err := w.Write([]byte{doc[i]}); err != nil {
						return
					}
					w.(http.Flusher).Flush()
					select {
					case <-r.Context().Done():
						return
					case <-time.After(time.Second):
					}
				}
			},
			errContains: "timeout",
		},
		{
			name: "redirect loop",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, r.URL.Path, http.StatusFound)
			},
			errContains: "stopped after 5 redirects",
		},
		{
			// Declared UTF-8, but one byte is not: the body is read as windows-1252 rather
			// than dropped, and every published string is valid UTF-8.
			name: "invalid UTF-8",
			handler: static([]byte(rssDoc("utf-8", "Broken",
				[3]string{"bad-1", "https://example.org/bad", "Talks in Jeddah \xff resume"})), "application/rss+xml; charset=utf-8"),
			wantTitles: []string{"Talks in Jeddah ÿ resume"},
		},
		{
			// The prolog and the header both claim windows-1251, but the body is UTF-8.
			name: "wrong declared charset",
			handler: static([]byte(rssDoc("windows-1251", "Wrong",
				[3]string{"wrong-1", "https://example.org/wrong", ruTitle})), "text/xml; charset=windows-1251"),
			wantTitles: []string{ruTitle},
		},
		{
			name: "UTF-16 with BOM",
			handler: static(encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), rssDoc("UTF-16", "Utf16",
				[3]string{"u16-1", "https://example.org/u16", ruTitle})), "application/rss+xml"),
			wantTitles: []string{ruTitle},
		},
		{
			name: "UTF-16 big-endian without BOM",
			handler: static(encode(t, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), rssDoc("UTF-16", "Utf16be",
				[3]string{"u16be-1", "https://example.org/u16be", ruTitle})), "application/rss+xml"),
			wantTitles: []string{ruTitle},
		},
		{
			name: "UTF-16 little-endian without BOM",
			handler: static(encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), rssDoc("UTF-16", "Utf16le",
				[3]string{"u16le-1", "https://example.org/u16le", ruTitle})), "application/rss+xml"),
			wantTitles: []string{ruTitle},
		},
		{
			name: "ISO-8859-5 in the prolog",
			handler: static(encode(t, charmap.ISO8859_5, rssDoc("ISO-8859-5", "Iso5",
				[3]string{"iso5-1", "https://example.org/iso5", ruTitle})), "application/rss+xml"),
			wantTitles: []string{ruTitle},
		},
		{
			name: "ISO-8859-7 in Content-Type",
			handler: static(encode(t, charmap.ISO8859_7, rssDoc("", "Iso7",
				[3]string{"iso7-1", "https://example.org/iso7", grTitle})), "application/rss+xml; charset=iso-8859-7"),
			wantTitles: []string{grTitle},
		},
		{
			name: "ISO-8859-1 in both",
			handler: static(encode(t, charmap.ISO8859_1, rssDoc("ISO-8859-1", "Iso1",
				[3]string{"iso1-1", "https://example.org/iso1", deTitle})), "text/xml; charset=ISO-8859-1"),
			wantTitles: []string{deTitle},
		},
		{
			// Every request mints new GUIDs for the same two stories: identity falls back to
			// the link, so each story goes out once however often the feed is polled.
			name: "GUIDs change on every poll",
			handler: func(w http.ResponseWriter, r *http.Request) {
				n := churn.Add(1)
				w.Header().Set("Content-Type", "application/rss+xml")
				_, _ = w.Write([]byte(rssDoc("", "Churn",
					[3]string{fmt.Sprintf("session-%d-a", n), "https://example.org/churn/geneva", "Geneva talks set for Sunday"},
					[3]string{fmt.Sprintf("session-%d-b", n), "https://example.org/churn/florida", "Florida talks follow Geneva"},
				)))
			},
			wantTitles: []string{"Florida talks follow Geneva", "Geneva talks set for Sunday"}, // equal dates: document order, reversed
			minHits:    4,
		},
	}

	e := startNATS(t, t.TempDir())
	good := newFeedServer(t, testdata(t, "rss.xml"), "application/rss+xml")
	good.set(func(fs *feedServer) { fs.stamp = true })
	feeds := []fetch.Feed{{URL: good.URL + "/good", Interval: interval}}
	urls := make([]string, len(cases))
	hits := make([]*atomic.Int64, len(cases))
	for i, c := range cases {
		hits[i] = new(atomic.Int64)
		h := c.handler
		s := newMuxServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits[i].Add(1)
			h(w, r)
		}))
		urls[i] = s.URL + "/feed"
		feeds = append(feeds, fetch.Feed{URL: urls[i], Interval: interval})
	}
	reg := prometheus.NewRegistry()
	logs := newLogRecorder()
	c := baseConfig(e, feeds...)
	c.Timeout = time.Second
	c.Registerer = reg
	c.Logger = slogTo(logs)
	startRun(t, c)

	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := urls[i]
			if c.errContains != "" {
				eventually(t, 15*time.Second, "error recorded", func() bool { return e.state(u).LastResult == fetch.ResultError })
				if st := e.state(u); !strings.Contains(st.LastError, c.errContains) {
					t.Errorf("last_error = %q, want it to contain %q", st.LastError, c.errContains)
				}
				if _, ok := logs.find(func(r logRecord) bool { return r.Msg == "poll failed" && r.Attrs["feed_url"] == u }); !ok {
					t.Error("failure not logged with feed_url")
				}
				if n := len(e.itemsOf(u)); n != 0 {
					t.Errorf("%d items published", n)
				}
				return
			}
			minHits := max(c.minHits, 1)
			eventually(t, 15*time.Second, "polled and recorded", func() bool {
				return hits[i].Load() >= minHits && len(e.itemsOf(u)) >= len(c.wantTitles) && e.state(u).LastResult != ""
			})
			if st := e.state(u); st.LastError != "" {
				t.Errorf("last_error = %q", st.LastError)
			}
			var got []string
			for _, it := range e.itemsOf(u) {
				got = append(got, it.Title)
				for _, s := range []string{it.Title, it.Source, it.Url, it.Guid} {
					if !utf8.ValidString(s) {
						t.Errorf("invalid UTF-8 in %q", s)
					}
				}
			}
			if !slices.Equal(got, c.wantTitles) {
				t.Errorf("titles = %q, want %q", got, c.wantTitles)
			}
		})
	}

	// The well-behaved feed, polled alongside all of them, is whole and published once.
	eventually(t, 10*time.Second, "good feed polled thrice", func() bool { return good.hits.Load() >= 3 })
	if n := len(e.itemsOf(good.URL + "/good")); n != 3 {
		t.Errorf("good feed published %d items, want 3", n)
	}
	if st := e.state(good.URL + "/good"); st.LastError != "" || st.Failures != 0 {
		t.Errorf("good feed state: %+v", st)
	}
	if got := metric(t, reg, "parley_fetch_polls_total", "result", "error"); got < 3 {
		t.Errorf("polls error = %v, want >= 3", got)
	}
}
