package feed

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
)

// gofeedAlone parses body as Parse did before it rewrote dates.
func gofeedAlone(t *testing.T, body []byte) *gofeed.Feed {
	t.Helper()
	utf8Body, err := ToUTF8(body, "")
	if err != nil {
		t.Fatal(err)
	}
	p := gofeed.NewParser()
	p.RSSTranslator = rssTranslator
	f, err := p.Parse(bytes.NewReader(utf8Body))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func rssWith(channelDate string, items ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><pubDate>%s</pubDate><lastBuildDate>%s</lastBuildDate>`, channelDate, channelDate)
	for _, it := range items {
		b.WriteString("<item>" + it + "</item>")
	}
	b.WriteString("</channel></rss>")
	return []byte(b.String())
}

// The rewritten dates must give what gofeed gives on its own, text and time, for the dates
// rewritten and for those that only look like them.
func TestParseDatesAsGofeedAlone(t *testing.T) {
	dates := []string{
		"Tue, 17 Feb 2026 08:00:00 GMT", "Tue, 17 Feb 2026 08:00:00 UTC", " Tue, 17 Feb 2026 08:00:00 GMT\n",
		"Tue, 17 Feb 2026 08:00:00.123456 GMT", "tue, 17 feb 2026 08:00:00 GMT", "Mon, 17 Feb 2026 08:00:00 GMT",
		"Tue, 7 Feb 2026 08:00:00 GMT", "Tue, 17 Feb 2026 8:00:00 GMT", "Tue, 17 Feb 2026 08:00:00 EST",
		"Tue, 17 Feb 2026 08:00:00 +0000", "Tue, 31 Feb 2026 08:00:00 GMT", "Tue, 17 Feb 2026 24:00:00 GMT",
		"2026-02-17T08:00:00Z", "Tue, 17 Feb 2026 08:00 GMT", "17 Feb 2026 08:00:00 GMT", "Tue, 17 Feb 2026 08:00:00 GMT+2",
		"Sat, 01 Jan 0000 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT",
	}
	for _, m := range []string{"Jan", "Jun", "Dec"} {
		for _, day := range []string{"01", "09", "28", "30"} {
			dates = append(dates, fmt.Sprintf("Thu, %s %s 2025 23:59:59 GMT", day, m))
		}
	}
	for _, d := range dates {
		t.Run(d, func(t *testing.T) {
			// An item identified by its title and date alone, so the date's text matters.
			body := rssWith(d, "<title>a</title><pubDate>"+d+"</pubDate>")
			same(t, body)
		})
	}
}

func same(t *testing.T, body []byte) {
	t.Helper()
	got, err := Parse(body, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := gofeedAlone(t, body); !reflect.DeepEqual(got, want) {
		t.Errorf("Parse differs from gofeed alone:\n got %+v %+v\nwant %+v %+v", got, got.Items[0], want, want.Items[0])
	}
}

// Dates the scan must leave alone, or put back exactly.
func TestParseDatesLeftAlone(t *testing.T) {
	const gmt, rfc3339 = "Tue, 17 Feb 2026 08:00:00 GMT", "2026-02-17T08:00:00Z"
	cases := map[string][]byte{
		"a date inside a description's raw markup": rssWith(gmt,
			"<title>a</title><description>Due <b>soon</b> <pubDate>"+gmt+"</pubDate></description><pubDate>"+gmt+"</pubDate>"),
		"a date inside CDATA": rssWith(gmt, "<title>a</title><description><![CDATA[<pubDate>"+gmt+"</pubDate>]]></description><pubDate>"+gmt+"</pubDate>"),
		"the rewritten text already in the feed": rssWith(gmt,
			"<title>a</title><pubDate>"+gmt+"</pubDate>", "<title>b</title><pubDate>"+rfc3339+"</pubDate>"),
		"two texts of one instant": rssWith(gmt,
			"<title>a</title><pubDate>"+gmt+"</pubDate>", "<title>b</title><pubDate>Tue, 17 Feb 2026 08:00:00 UTC</pubDate>"),
		"markup the scan does not follow": rssWith(gmt, "<title>a</title><description>x</p></description><pubDate>"+gmt+"</pubDate>"),
		"a date with attributes":          rssWith(gmt, `<title>a</title><pubDate x="1">`+gmt+"</pubDate>"),
		"atom": []byte(`<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>a</title><pubDate>` + gmt +
			`</pubDate><updated>` + rfc3339 + `</updated></entry></feed>`),
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) { same(t, body) })
	}
}

// The point of the rewrite: a feed's usual dates reach gofeed in its second layout.
func TestRFC3339Dates(t *testing.T) {
	body := rssWith("Tue, 17 Feb 2026 08:00:00 GMT",
		"<title>a</title><description>Due <b>soon</b></description><pubDate>Mon, 16 Feb 2026 09:30:00 GMT</pubDate>",
		"<title>b</title><description><![CDATA[<p>x</p>]]></description><pubDate>Sun, 15 Feb 2026 10:00:00 UTC</pubDate>")
	out, originals := rfc3339Dates(body)
	for _, want := range []string{"<pubDate>2026-02-17T08:00:00Z</pubDate>", "<lastBuildDate>2026-02-17T08:00:00Z</lastBuildDate>",
		"<pubDate>2026-02-16T09:30:00Z</pubDate>", "<pubDate>2026-02-15T10:00:00Z</pubDate>"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("no %s in\n%s", want, out)
		}
	}
	if len(originals) != 3 {
		t.Errorf("originals = %v", originals)
	}
	if bytes.Contains(out, []byte("GMT")) || bytes.Contains(out, []byte("UTC")) {
		t.Errorf("a date left:\n%s", out)
	}
	same(t, body)
}
