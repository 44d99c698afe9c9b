package feed

import (
	"bytes"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
)

// gofeed parses an RSS date by trying some 130 layouts in turn, each failure allocating an
// error, and RFC 1123 with a zone name ("Tue, 17 Feb 2026 08:00:00 GMT", what most feeds
// write) comes only after the layouts with numeric offsets: a tenth of all of fetch's
// allocations. gofeed has no hook for its date parsing, so the RSS dates in that form are
// rewritten, before gofeed sees them, as the RFC 3339 time of the same instant, its second
// layout, and the text the feed wrote is put back afterwards (item identity may rest on it,
// see fetch.ItemID).

// rfc3339Dates rewrites the <pubDate> and <lastBuildDate> elements of an RSS <item> or
// <channel> written in RFC 1123 with GMT or UTC. It returns the body to parse and each
// rewritten date's original text, by the text it was rewritten to; nil when it rewrote
// nothing. A rewritten text that the body may hold already, or that two different originals
// would share, is left alone, so that putting the originals back cannot touch anything else.
// So is anything in markup this scan does not follow: a date inside another element's text
// (raw HTML in a description) must stay as it is.
func rfc3339Dates(body []byte) ([]byte, map[string]string) {
	if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '<' ||
		bytes.Contains(body, []byte("<!DOCTYPE")) || bytes.Contains(body, []byte("<!ENTITY")) {
		return body, nil // JSON, or an internal subset that could hold markup
	}
	d := dateRewriter{body: body}
	d.scan()
	if d.originals == nil {
		return body, nil
	}
	return append(d.out, body[d.copied:]...), d.originals
}

// dateRewriter is one pass of rfc3339Dates over a body.
type dateRewriter struct {
	body      []byte
	out       []byte
	copied    int      // body[:copied] is in out
	open      []string // the elements open at the scan's position
	originals map[string]string
	stamps    map[string]struct{} // see rfc3339Stamps
}

// scan follows the body's elements; it stops, keeping what it rewrote so far, at the first
// markup it cannot follow: an end tag that does not close the element last opened, or
// something unterminated.
func (d *dateRewriter) scan() {
	b := d.body
	for i := 0; i < len(b); {
		lt := bytes.IndexByte(b[i:], '<')
		if lt < 0 {
			return
		}
		i += lt
		rest := b[i:]
		if skipTo := skipped(rest); skipTo != "" {
			end := bytes.Index(rest, []byte(skipTo))
			if end < 0 {
				return
			}
			i += end + len(skipTo)
			continue
		}
		if bytes.HasPrefix(rest, []byte("</")) {
			end := bytes.IndexByte(rest, '>')
			if end < 0 || len(d.open) == 0 || string(bytes.TrimSpace(rest[2:end])) != d.open[len(d.open)-1] {
				return
			}
			d.open = d.open[:len(d.open)-1]
			i += end + 1
			continue
		}
		if n, ok := d.date(i); ok {
			i += n
			continue
		}
		name, end, closed := startTag(rest)
		if end < 0 || name == "" {
			return
		}
		if !closed {
			d.open = append(d.open, name)
		}
		i += end
	}
}

// skipped is how markup at the start of rest that holds no elements ends ("" for none).
func skipped(rest []byte) string {
	switch {
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		return "]]>"
	case bytes.HasPrefix(rest, []byte("<!--")):
		return "-->"
	case bytes.HasPrefix(rest, []byte("<?")):
		return "?>"
	}
	return ""
}

// startTag reads the start tag at the beginning of rest: its name, its length (-1 when it
// does not end) and whether it closes itself.
func startTag(rest []byte) (name string, end int, closed bool) {
	n := 1
	for n < len(rest) && strings.IndexByte(" \t\r\n/>", rest[n]) < 0 {
		n++
	}
	name = string(rest[1:n])
	var quote byte
	for ; n < len(rest); n++ {
		switch c := rest[n]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return name, n + 1, rest[n-1] == '/'
		}
	}
	return name, -1, false
}

// date rewrites the date element at body[i:], if that is what it is, and returns its length.
func (d *dateRewriter) date(i int) (int, bool) {
	if len(d.open) == 0 {
		return 0, false
	}
	if parent := d.open[len(d.open)-1]; parent != "item" && parent != "channel" {
		return 0, false
	}
	start, end, text, ok := dateElement(d.body[i:])
	if !ok {
		return 0, false
	}
	orig := bytes.TrimSpace(text)
	to, ok := rfc3339Text(orig)
	if !ok {
		return end, true
	}
	if d.stamps == nil {
		d.stamps = rfc3339Stamps(d.body)
	}
	if _, clash := d.stamps[to[:len(stampLayout)]]; clash {
		return end, true
	}
	if had, dup := d.originals[to]; dup && had != string(orig) {
		return end, true
	}
	if d.originals == nil {
		d.originals = map[string]string{}
		d.out = make([]byte, 0, len(d.body))
	}
	d.originals[to] = string(orig)
	d.out = append(d.out, d.body[d.copied:i+start]...)
	d.out = append(d.out, to...)
	d.copied = i + start + len(text)
	return end, true
}

// stampLayout is the part of an RFC 3339 time that rfc3339Stamps looks for.
const stampLayout = "2006-01-02T15:04:05"

// rfc3339Stamps is the set of every text in body that could begin an RFC 3339 time: a
// rewritten date that begins with one of them might be mistaken for the feed's own text.
// One pass over the body, rather than a search for each date.
func rfc3339Stamps(body []byte) map[string]struct{} {
	set := map[string]struct{}{}
	const date = len("2006-01-02")
	for i := date; i < len(body); i++ {
		j := bytes.IndexByte(body[i:], 'T')
		if j < 0 {
			break
		}
		i += j
		if i+len(stampLayout)-date <= len(body) && looksLikeDate(body[i-date:i]) {
			set[string(body[i-date:i-date+len(stampLayout)])] = struct{}{}
		}
	}
	return set
}

// looksLikeDate says whether b is shaped like 2006-01-02.
func looksLikeDate(b []byte) bool {
	for k, c := range b {
		if k == 4 || k == 7 {
			if c != '-' {
				return false
			}
		} else if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// rfc3339Text is the RFC 3339 form of an RFC 1123 date whose zone is GMT or UTC. gofeed
// reads such a date with time.RFC1123 (no layout before it matches) and gives GMT and UTC
// a zero offset whatever the local zone says; so does this.
func rfc3339Text(d []byte) (string, bool) {
	if !bytes.HasSuffix(d, []byte(" GMT")) && !bytes.HasSuffix(d, []byte(" UTC")) {
		return "", false
	}
	t, err := time.Parse(time.RFC1123, string(d))
	if err != nil {
		return "", false
	}
	utc := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	return utc.Format(time.RFC3339Nano), true
}

// restoreDates puts back the dates rfc3339Dates rewrote, where gofeed keeps their text.
func restoreDates(f *gofeed.Feed, originals map[string]string) {
	put := func(s *string) {
		if o, ok := originals[*s]; ok {
			*s = o
		}
	}
	put(&f.Published)
	put(&f.Updated)
	for _, it := range f.Items {
		if it != nil {
			put(&it.Published)
			put(&it.Updated)
		}
	}
}

// dateElement matches rest against <pubDate>…</pubDate> or <lastBuildDate>…</lastBuildDate>
// with plain text inside: the text is rest[start:start+len(text)] and the element ends at end.
func dateElement(rest []byte) (start, end int, text []byte, ok bool) {
	for _, name := range [...]string{"pubDate", "lastBuildDate"} {
		open := "<" + name + ">"
		if !bytes.HasPrefix(rest, []byte(open)) {
			continue
		}
		start = len(open)
		n := bytes.IndexByte(rest[start:], '<')
		closing := "</" + name + ">"
		if n < 0 || !bytes.HasPrefix(rest[start+n:], []byte(closing)) {
			return 0, 0, nil, false
		}
		return start, start + n + len(closing), rest[start : start+n], true
	}
	return 0, 0, nil, false
}
