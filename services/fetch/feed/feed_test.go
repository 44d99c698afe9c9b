package feed

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/parleyhq/parley/services/fetch/limit"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const cyrTitle = "Переговоры в Стамбуле продолжатся в понедельник"

func TestParseCharsets(t *testing.T) {
	cp1251 := read(t, "cp1251.xml")
	utf8Stale := []byte(`<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>t</title><item><title>` + cyrTitle + `</title></item></channel></rss>`)
	noDecl := []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>` + cyrTitle + `</title></item></channel></rss>`)
	enc1251, _ := charmap.Windows1251.NewEncoder().Bytes(noDecl)
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(
		[]byte(strings.Replace(string(noDecl), `<?xml version="1.0"?>`, `<?xml version="1.0" encoding="UTF-16"?>`, 1)))
	latin1 := []byte("<rss version=\"2.0\"><channel><title>t</title><item><title>Caf\xe9 talks</title></item></channel></rss>")

	cases := []struct {
		name, contentType string
		body              []byte
		want              string
	}{
		{"windows-1251 declared in the XML declaration", "text/xml", cp1251, cyrTitle},
		{"windows-1251 only in Content-Type", "application/rss+xml; charset=windows-1251", read(t, "cp1251-undeclared.xml"), cyrTitle},
		{"windows-1251 alias cp1251 in Content-Type", "text/xml; charset=cp1251", enc1251, cyrTitle},
		{"KOI8-R declared, server says utf-8", "text/xml; charset=utf-8", read(t, "koi8r.xml"), cyrTitle},
		{"UTF-8 body with a stale windows-1251 declaration, server says utf-8", "text/xml; charset=UTF-8", utf8Stale, cyrTitle},
		{"UTF-8 with BOM", "", append([]byte{0xEF, 0xBB, 0xBF}, noDecl...), cyrTitle},
		{"UTF-16 with BOM", "", utf16, cyrTitle},
		{"undeclared and not UTF-8 falls back to windows-1252", "", latin1, "Café talks"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(tc.body, tc.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Items[0].Title; got != tc.want {
				t.Errorf("title = %q, want %q", got, tc.want)
			}
		})
	}
}

// Documents why ToUTF8 exists: gofeed alone cannot read a feed whose charset is only in
// Content-Type. If this starts failing, gofeed learned to, and ToUTF8 may be simplified.
func TestGofeedAloneMissesContentTypeCharset(t *testing.T) {
	_, err := gofeed.NewParser().Parse(bytes.NewReader(read(t, "cp1251-undeclared.xml")))
	if err == nil {
		t.Skip("gofeed now decodes this feed by itself")
	}
}

func TestParseMalformed(t *testing.T) {
	if _, err := Parse(read(t, "malformed.xml"), "text/html"); err == nil {
		t.Fatal("no error for an HTML page")
	}
}

func newClient(o Options) *Client {
	c := NewClient(o)
	return c
}

func TestGetConditional(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"x"` && r.Header.Get("If-Modified-Since") == "Mon, 12 May 2025 08:00:00 GMT" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"x"`)
		_, _ = w.Write([]byte("body"))
	}))
	defer srv.Close()
	c := newClient(Options{Timeout: time.Second, UserAgent: "test"})
	defer c.Close()
	r, err := c.Get(context.Background(), Request{URL: srv.URL})
	if err != nil || r.NotModified() || string(r.Body) != "body" || r.ETag != `"x"` {
		t.Fatalf("first GET: %+v, %v", r, err)
	}
	r, err = c.Get(context.Background(), Request{URL: srv.URL, ETag: `"x"`, LastModified: "Mon, 12 May 2025 08:00:00 GMT"})
	if err != nil || !r.NotModified() {
		t.Fatalf("conditional GET: %+v, %v", r, err)
	}
}

// Redirects are followed as http.Client follows them: conditional headers kept, a Referer
// added, relative locations resolved, at most four hops, HTTP schemes only.
func TestGetRedirects(t *testing.T) {
	mux := http.NewServeMux()
	var srvURL string
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "new?x=1", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"x"` && r.Header.Get("User-Agent") == "test" && r.Header.Get("Accept") == AcceptFeed &&
			r.Header.Get("Referer") == srvURL+"/old" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		_, _ = w.Write([]byte("body of " + r.URL.String() + " from " + r.Header.Get("Referer")))
	})
	mux.HandleFunc("/hop/", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hop/"))
		if n == 0 {
			_, _ = w.Write([]byte("arrived"))
			return
		}
		http.Redirect(w, r, "/hop/"+strconv.Itoa(n-1), http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.org/feed", http.StatusFound)
	})
	mux.HandleFunc("/nowhere", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusFound) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	srvURL = srv.URL
	c := newClient(Options{Timeout: time.Second, UserAgent: "test"})
	defer c.Close()
	ctx := context.Background()

	r, err := c.Get(ctx, Request{URL: srv.URL + "/old", ETag: `"x"`, Accept: AcceptFeed})
	if err != nil || !r.NotModified() {
		t.Errorf("conditional GET redirected: %+v, %v", r, err)
	}
	r, err = c.Get(ctx, Request{URL: srv.URL + "/old"})
	if want := "body of /new?x=1 from " + srv.URL + "/old"; err != nil || string(r.Body) != want || r.URL != srv.URL+"/new?x=1" {
		t.Errorf("GET redirected: %+v, %v; want %q from %s", r, err, want, srv.URL+"/new?x=1")
	}
	if r, err := c.Get(ctx, Request{URL: srv.URL + "/hop/4"}); err != nil || string(r.Body) != "arrived" {
		t.Errorf("four redirects: %+v, %v", r, err)
	}
	if _, err := c.Get(ctx, Request{URL: srv.URL + "/hop/5"}); err == nil || !strings.Contains(err.Error(), "stopped after 5 redirects") {
		t.Errorf("five redirects: err = %v", err)
	}
	if _, err := c.Get(ctx, Request{URL: srv.URL + "/ftp"}); err == nil || !strings.Contains(err.Error(), `unsupported scheme "ftp"`) {
		t.Errorf("redirect to ftp: err = %v", err)
	}
	var se *StatusError
	if _, err := c.Get(ctx, Request{URL: srv.URL + "/nowhere"}); !errors.As(err, &se) || se.StatusCode != http.StatusFound {
		t.Errorf("redirect without a location: err = %v", err)
	}
}

// A poll whose host slot the schedule reserved takes only a global slot, and gives both back.
func TestGetReserved(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("body")) }))
	defer srv.Close()
	l := limit.New(1, 1, 0)
	c := newClient(Options{Timeout: time.Second, Limiter: l})
	defer c.Close()
	host := strings.Split(strings.TrimPrefix(srv.URL, "http://"), ":")[0]
	for range 2 {
		res, _ := l.Reserve(host, time.Now(), nil)
		if res == nil {
			t.Fatal("the host's slot was not given back")
		}
		if r, err := c.Get(context.Background(), Request{URL: srv.URL, Reservation: res}); err != nil || string(r.Body) != "body" {
			t.Fatalf("reserved GET: %+v, %v", r, err)
		}
	}
	res, _ := l.Reserve(host, time.Now(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Get(ctx, Request{URL: srv.URL, Reservation: res}); err == nil {
		t.Fatal("a GET under a cancelled context")
	}
	if r, err := c.Get(context.Background(), Request{URL: srv.URL}); err != nil || string(r.Body) != "body" {
		t.Fatalf("GET after a reserved one gave up: %+v, %v", r, err)
	}
}

func TestGetLimits(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 4096)
	mux := http.NewServeMux()
	mux.HandleFunc("/plain", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(big) })
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		for range 4 {
			_, _ = w.Write(big[:1024])
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		_, _ = zw.Write(bytes.Repeat([]byte(" "), 1<<20))
		_ = zw.Close()
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		<-r.Context().Done() // headers sent, body never finishes
	})
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := newClient(Options{Timeout: 200 * time.Millisecond, MaxBodyBytes: 1000})
	defer c.Close()

	for _, p := range []string{"/plain", "/chunked", "/gzip"} {
		_, err := c.Get(context.Background(), Request{URL: srv.URL + p})
		var tl *TooLargeError
		if !errors.As(err, &tl) || tl.Limit != 1000 || !strings.Contains(err.Error(), "1000 bytes") {
			t.Errorf("%s: err = %v, want the body limit", p, err)
		}
	}
	_, err := c.Get(context.Background(), Request{URL: srv.URL + "/slow"})
	var te *TimeoutError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "200ms timeout") {
		t.Errorf("slow body: err = %v, want the timeout", err)
	}
	_, err = c.Get(context.Background(), Request{URL: srv.URL + "/busy"})
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != 503 || se.RetryAfter != 2*time.Minute {
		t.Errorf("503: err = %#v", err)
	}
}

func TestRetryAfterDate(t *testing.T) {
	now := time.Date(2025, 5, 14, 10, 0, 0, 0, time.UTC)
	if got := retryAfter("Wed, 14 May 2025 10:05:00 GMT", now); got != 5*time.Minute {
		t.Errorf("date: %s", got)
	}
	for _, v := range []string{"", "soon", "-3", "Wed, 14 May 2025 09:00:00 GMT"} {
		if got := retryAfter(v, now); got != 0 {
			t.Errorf("%q: %s, want 0", v, got)
		}
	}
}

func TestPageDecodesMetaCharset(t *testing.T) {
	page := read(t, "page-cp1251.html")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/pdf" {
			w.Header().Set("Content-Type", "application/pdf")
		} else {
			w.Header().Set("Content-Type", "text/html")
		}
		_, _ = w.Write(page)
	}))
	defer srv.Close()
	c := newClient(Options{Timeout: time.Second, MaxBodyBytes: 1 << 20})
	defer c.Close()
	html, err := c.Page(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html, "Делегации встретились") {
		t.Errorf("page = %q", html)
	}
	if _, err := c.Page(context.Background(), srv.URL+"/pdf"); err == nil {
		t.Error("a PDF was accepted as a page")
	}
}

// Parsing by the root element's name must give what gofeed's own detection gives, and leave
// to it whatever the name does not settle.
func TestParseFeedAsGofeed(t *testing.T) {
	bodies := map[string][]byte{
		"rss":                 read(t, "rss.xml"),
		"atom":                read(t, "atom.xml"),
		"full text":           read(t, "fulltext.xml"),
		"rdf":                 []byte(`<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>t</title></channel><item><title>a</title><link>https://example.org/a</link></item></rdf:RDF>`),
		"comment and doctype": []byte("\n<?xml version=\"1.0\"?>\n<!-- made by hand -->\n<!DOCTYPE rss>\n<?xml-stylesheet href=\"s.xsl\"?>\n<RSS version=\"2.0\"><channel><title>t</title><item><guid>g</guid><title>a</title></item></channel></RSS>"),
		"json":                []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"1","title":"a"}]}`),
		"internal subset":     []byte(`<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "y">]><rss version="2.0"><channel><title>t</title></channel></rss>`),
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			p := gofeed.NewParser()
			p.RSSTranslator = rssTranslator
			want, wantErr := p.Parse(bytes.NewReader(body))
			got, err := parseFeed(body)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("error %v, gofeed's %v", err, wantErr)
			}
			if err != nil {
				return
			}
			if got.FeedType != want.FeedType || got.Title != want.Title || len(got.Items) != len(want.Items) {
				t.Fatalf("got %s %q with %d items, gofeed %s %q with %d", got.FeedType, got.Title, len(got.Items), want.FeedType, want.Title, len(want.Items))
			}
			for i := range got.Items {
				if g, w := *got.Items[i], *want.Items[i]; g.GUID != w.GUID || g.Title != w.Title || g.Link != w.Link || g.Published != w.Published {
					t.Errorf("item %d: %+v, gofeed's %+v", i, g, w)
				}
			}
		})
	}
	for body, want := range map[string]string{
		"<!-- unterminated": "",
		"<?xml version='1.0'?>\n<rdf:RDF xmlns:rdf='x'>": "RDF",
		"\xEF\xBB\xBF<feed xmlns='x'>":                   "feed",
		"<!DOCTYPE rss [<!ENTITY x 'y'>]><rss>":          "",
	} {
		if got := string(rootElement([]byte(body))); got != want {
			t.Errorf("root of %q: %q, want %q", body, got, want)
		}
	}
}
