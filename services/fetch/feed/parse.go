package feed

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// AcceptFeed is the Accept header for feed requests.
const AcceptFeed = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"

// Parse decodes body to UTF-8 (see ToUTF8) and parses it as RSS, Atom or JSON Feed.
func Parse(body []byte, contentType string) (*gofeed.Feed, error) {
	utf8Body, err := ToUTF8(body, contentType)
	if err != nil {
		return nil, err
	}
	utf8Body, originals := rfc3339Dates(utf8Body)
	f, err := parseFeed(utf8Body)
	if err != nil {
		return nil, fmt.Errorf("parse feed: %w", err)
	}
	restoreDates(f, originals)
	return f, nil
}

// parseFeed hands an RSS or Atom body to gofeed's parser of its format. gofeed.Parser.Parse
// finds the format itself, by buffering the body's head and running an XML decoder over it,
// and then parses through that buffer: 8 KB of garbage on every changed poll, about a tenth
// of what fetch and the pipeline allocate besides net/http (cmd/parley's farm benchmark).
// The root element's name, read off the body as gofeed's detector would, says as much. JSON
// Feed, and whatever is not plainly RSS or Atom, still goes through gofeed.Parser.Parse.
func parseFeed(body []byte) (*gofeed.Feed, error) {
	switch root := rootElement(body); {
	case bytes.EqualFold(root, []byte("rss")), bytes.EqualFold(root, []byte("rdf")):
		rf, err := (&rss.Parser{}).Parse(bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		return rssTranslator.Translate(rf)
	case bytes.EqualFold(root, []byte("feed")):
		af, err := (&atom.Parser{}).Parse(bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		return atomTranslator.Translate(af)
	}
	p := gofeed.NewParser()
	p.RSSTranslator = rssTranslator
	return p.Parse(bytes.NewReader(body))
}

// after is the offset just past the first sep in b, or -1.
func after(b []byte, sep string) int {
	i := bytes.Index(b, []byte(sep))
	if i < 0 {
		return -1
	}
	return i + len(sep)
}

var atomTranslator = &gofeed.DefaultAtomTranslator{}

// detectorSkips are the bytes gofeed's detector skips at the start of a body: whitespace and
// those of byte-order marks.
const detectorSkips = " \r\n\t\xFE\xFF\x00\xEF\xBB\xBF"

// rootElement is the local name of the XML document's root element, found past the bytes
// gofeed's detector skips, the XML declaration, processing instructions, comments and a
// DOCTYPE without an internal subset; nil when the body is not that simple.
func rootElement(b []byte) []byte {
	i := 0
	for i < len(b) && strings.IndexByte(detectorSkips, b[i]) >= 0 {
		i++
	}
	for {
		for i < len(b) && (b[i] == ' ' || b[i] == '\r' || b[i] == '\n' || b[i] == '\t') {
			i++
		}
		rest := b[i:]
		if len(rest) < 2 || rest[0] != '<' {
			return nil
		}
		var end int
		switch {
		case bytes.HasPrefix(rest, []byte("<?")):
			end = after(rest, "?>")
		case bytes.HasPrefix(rest, []byte("<!--")):
			end = after(rest, "-->")
		case rest[1] == '!':
			end = after(rest, ">")
			if end < 0 || bytes.IndexByte(rest[:end], '[') >= 0 {
				return nil // an internal subset may hold a '>'
			}
		default:
			name := rest[1:]
			if n := bytes.IndexAny(name, " \r\n\t/>"); n >= 0 {
				name = name[:n]
			}
			if c := bytes.LastIndexByte(name, ':'); c >= 0 {
				name = name[c+1:]
			}
			return name
		}
		if end < 0 {
			return nil
		}
		i += end
	}
}

// rssTranslator skips gofeed's search for an item's first image, an HTML parse of every
// item's description and content that was a large part of a parse's garbage: fetch publishes
// no images.
var rssTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}

var prologEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']`)

// ToUTF8 returns a feed body as UTF-8 with any XML declaration rewritten to say so.
//
// gofeed alone honours only the XML declaration, and only when encoding/xml asks for it: a feed
// that names its charset solely in Content-Type (common for windows-1251 and KOI8-R feeds) is
// read as UTF-8 and fails or comes out garbled. So the charset is chosen here, in this order:
// a byte-order mark; then UTF-8 if the body is valid UTF-8 and either one declaration says
// UTF-8 or none is made (a server that re-encoded its feed but kept a stale XML declaration is
// common, and real single-byte Cyrillic text is practically never valid UTF-8); then the first
// other charset declared, XML declaration before Content-Type; then windows-1252, the web's
// fallback, so that an undeclared legacy feed still parses.
func ToUTF8(body []byte, contentType string) ([]byte, error) {
	enc, name := chooseEncoding(body, contentType)
	if enc == nil {
		return rewriteDeclaration(bytes.TrimPrefix(body, utf8BOM)), nil
	}
	out, _, err := transform.Bytes(enc.NewDecoder(), body)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	return rewriteDeclaration(bytes.TrimPrefix(out, utf8BOM)), nil
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// chooseEncoding returns nil for UTF-8.
func chooseEncoding(body []byte, contentType string) (encoding.Encoding, string) {
	switch {
	case bytes.HasPrefix(body, utf8BOM):
		return nil, "utf-8"
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}), bytes.HasPrefix(body, []byte{0xFF, 0xFE}):
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM), "utf-16"
	// UTF-16 without a byte-order mark, recognised by its XML declaration as XML 1.0
	// appendix F suggests. Such a body can pass for valid UTF-8 (Cyrillic code units have no
	// byte above 0x7F), so it must be caught before the UTF-8 check.
	case bytes.HasPrefix(body, []byte("<\x00?\x00")):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le"
	case bytes.HasPrefix(body, []byte("\x00<\x00?")):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be"
	}
	var declared []string
	if m := prologEncoding.FindSubmatch(head(body, 1024)); m != nil {
		declared = append(declared, string(m[1]))
	}
	if cs := contentTypeCharset(contentType); cs != "" {
		declared = append(declared, cs)
	}
	type known struct {
		enc  encoding.Encoding
		name string
	}
	var candidates []known
	for _, label := range declared {
		enc, name := charset.Lookup(label)
		switch {
		case enc == nil:
			continue // an unknown label is no evidence either way
		case name == "utf-8", name == "utf-16le", name == "utf-16be":
			// UTF-16 was recognised above if the body is UTF-16; a UTF-16 label on anything
			// else is a lie told by a template.
			continue
		}
		candidates = append(candidates, known{enc, name})
	}
	// Valid UTF-8 wins over any single-byte declaration: non-ASCII text in a legacy charset
	// practically never forms valid UTF-8 by chance, while UTF-8 under a stale declaration
	// (the server or the template says windows-1251, the CMS writes UTF-8) is common.
	if utf8.Valid(body) {
		return nil, "utf-8"
	}
	if len(candidates) > 0 {
		return candidates[0].enc, candidates[0].name
	}
	return charmap.Windows1252, "windows-1252"
}

func head(b []byte, n int) []byte { return b[:min(len(b), n)] }

func contentTypeCharset(ct string) string {
	if ct == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(params["charset"])
}

// rewriteDeclaration makes the XML declaration say UTF-8, which the body now is; otherwise
// encoding/xml would decode the already decoded bytes a second time.
func rewriteDeclaration(b []byte) []byte {
	loc := prologEncoding.FindSubmatchIndex(head(b, 1024))
	if loc == nil {
		return b
	}
	if strings.EqualFold(string(b[loc[2]:loc[3]]), "utf-8") {
		return b
	}
	out := make([]byte, 0, len(b))
	out = append(out, b[:loc[2]]...)
	out = append(out, "UTF-8"...)
	return append(out, b[loc[3]:]...)
}
