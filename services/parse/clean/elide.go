package clean

import "strings"

// elide cuts the content of each <nav>, <aside> and <footer> out of a page
// before it is parsed, keeping the tags themselves. Both methods drop these
// elements whole (see dropped and pruned), and on news pages they hold much
// of the markup (menus of hundreds of links), which the HTML parser would
// otherwise turn into nodes only for them to be thrown away.
//
// The cut must leave the parser building the same tree less those elements'
// children, so elide leaves an element alone when its content could reach
// outside it: an end tag of an element opened before it, a formatting
// element left open (the parser reopens those after it), tables, forms,
// templates and foreign content, or an element inside a table, a select,
// a template or foreign content. Where it cannot follow the tokenizer for
// sure (a script holding "<!--", CDATA, plaintext, a frameset, an
// unterminated tag or comment) it returns the page as it is.
func elide(page string) string {
	if !hasElidable(page) {
		return page
	}
	var sb strings.Builder
	last := 0
	var ctx [nContexts]int
	// Open a, nobr and button elements: the same start tag inside the
	// element would close them, and with them the element.
	reopened := 0
	work := 0 // bytes region has followed
	for i := 0; ; {
		j := strings.IndexByte(page[i:], '<')
		if j < 0 {
			break
		}
		i += j
		t, ok := next(page, i)
		if !ok {
			return page
		}
		if t.kind != startTag && t.kind != endTag {
			i = t.end
			continue
		}
		if t.kind == endTag {
			if c := contextOf(t.name); c >= 0 && ctx[c] > 0 {
				ctx[c]--
			}
			// Inside a table an a's end tag may leave it open.
			if closesItself(t.name) && reopened > 0 && ctx == [nContexts]int{} {
				reopened--
			}
			i = t.end
			continue
		}
		if c := contextOf(t.name); c >= 0 && !(c == inForeign && t.selfClosing) {
			ctx[c]++
		}
		if closesItself(t.name) {
			reopened++
		}
		if t.raw {
			end, ok := rawEnd(page, t)
			if !ok {
				return page
			}
			i = end
			continue
		}
		if !elidable(t.name) || t.marked || ctx != [nContexts]int{} || reopened > 0 {
			i = t.end
			continue
		}
		closing, ok, sure := region(page, t)
		if !sure {
			return page
		}
		// Elements nested in one whose content elide left alone are
		// followed again: a page of such nestings would take time
		// quadratic in its size, so the following stops at a bound.
		if work += closing - t.end; work > 2*len(page) {
			break
		}
		if !ok {
			i = t.end
			continue
		}
		if sb.Len() == 0 {
			sb.Grow(len(page))
		}
		sb.WriteString(page[last:t.end])
		last, i = closing, closing
	}
	if last == 0 {
		return page
	}
	sb.WriteString(page[last:])
	return sb.String()
}

// hasElidable: most feed fragments have no element elide cuts, and need no
// scan.
func hasElidable(page string) bool {
	for i := 0; ; {
		j := strings.IndexByte(page[i:], '<')
		if j < 0 || i+j+1 >= len(page) {
			return false
		}
		i += j + 1
		for _, name := range []string{"nav", "aside", "footer"} {
			if len(page)-i > len(name) && asciiEqualFold(page[i:i+len(name)], name) {
				return true
			}
		}
	}
}

func elidable(name string) bool { return name == "nav" || name == "aside" || name == "footer" }

// Contexts in which a start tag does not simply open a child of the
// current element.
const (
	inTable = iota
	inSelect
	inTemplate
	inForeign
	nContexts
)

func contextOf(name string) int {
	switch name {
	case "table":
		return inTable
	case "select":
		return inSelect
	case "template":
		return inTemplate
	case "svg", "math":
		return inForeign
	}
	return -1
}

// region follows the content of the elidable element whose start tag is t
// and returns where its end tag starts. ok is false when the content may
// reach outside the element, and end is then where region stopped; sure
// is false when the tokenizer cannot be followed at all. Inside, every end tag must close the element opened
// last, and no start tag may be one that closes an element implicitly:
// then the parser's stack of open elements is the one region keeps, and
// nothing the content does can touch what lies outside it.
func region(page string, t tag) (end int, ok, sure bool) {
	var stack []string
	var open [len(tracked)]int // how many of each tracked name are on the stack
	has := func(name string) bool {
		k := trackedIndex(name)
		return k >= 0 && open[k] > 0
	}
	for i := t.end; ; {
		j := strings.IndexByte(page[i:], '<')
		if j < 0 {
			return len(page), false, true
		}
		i += j
		u, ok := next(page, i)
		if !ok {
			return 0, false, false
		}
		switch u.kind {
		case startTag:
			if u.marked || reaching(u.name) ||
				closesP(u.name) && has("p") ||
				heading(u.name) && len(stack) > 0 && heading(stack[len(stack)-1]) ||
				u.name == "li" && has("li") ||
				(u.name == "dd" || u.name == "dt") && (has("dd") || has("dt")) ||
				closesItself(u.name) && has(u.name) {
				return i, false, true
			}
			if u.raw {
				end, ok := rawEnd(page, u)
				if !ok {
					return 0, false, false
				}
				if u, ok = next(page, end); !ok {
					return 0, false, false
				}
				i = u.end
				continue
			}
			if !void(u.name) {
				stack = append(stack, u.name)
				if k := trackedIndex(u.name); k >= 0 {
					open[k]++
				}
			}
		case endTag:
			if u.name == t.name && !has(t.name) {
				for _, f := range formatting {
					if has(f) {
						return i, false, true
					}
				}
				return i, true, true
			}
			if len(stack) == 0 || stack[len(stack)-1] != u.name {
				return i, false, true
			}
			stack = stack[:len(stack)-1]
			if k := trackedIndex(u.name); k >= 0 {
				open[k]--
			}
		}
		i = u.end
	}
}

// tracked are the names region asks whether the stack holds: the elidable
// ones, those that a start tag closes implicitly, and the formatting
// elements.
var tracked = [...]string{"nav", "aside", "footer", "p", "li", "dd", "dt", "a", "nobr", "button",
	"b", "big", "code", "em", "font", "i", "s", "small", "strike", "strong", "tt", "u"}

func trackedIndex(name string) int {
	for k, n := range tracked {
		if n == name {
			return k
		}
	}
	return -1
}

// closesItself: a start tag of these closes an open element of its kind.
func closesItself(name string) bool { return name == "a" || name == "nobr" || name == "button" }

// closesP: a start tag of these closes an open p.
func closesP(name string) bool {
	switch name {
	case "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div",
		"dl", "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "main", "menu", "nav",
		"ol", "p", "search", "section", "summary", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
		"listing", "hr", "xmp", "li", "dd", "dt":
		return true
	}
	return false
}

func heading(name string) bool {
	return len(name) == 2 && name[0] == 'h' && '1' <= name[1] && name[1] <= '6'
}

// reaching are elements whose content or end the parser may attach outside
// the element they stand in, or that close elements they stand in.
func reaching(name string) bool {
	switch name {
	case "html", "head", "body", "frameset", "frame", "form", "template", "table", "caption",
		"colgroup", "col", "tbody", "thead", "tfoot", "tr", "td", "th", "select", "svg", "math",
		"object", "applet", "marquee", "plaintext", "image", "isindex", "keygen",
		"option", "optgroup", "rb", "rp", "rt", "rtc":
		return true
	}
	return false
}

// formatting elements left open are reopened by the parser after the
// element that held them.
var formatting = []string{"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"}

func void(name string) bool {
	switch name {
	case "area", "base", "basefont", "bgsound", "br", "col", "embed", "hr", "img", "input",
		"link", "meta", "param", "source", "track", "wbr":
		return true
	}
	return false
}

type tagKind int

const (
	other tagKind = iota // text '<', comment, doctype, processing instruction
	startTag
	endTag
)

type tag struct {
	kind        tagKind
	name        string // lower-cased
	end         int    // just past the tag
	selfClosing bool
	raw         bool // its content is raw text up to its end tag
	// marked: one of the elements, or attributes, that holdsMark looks
	// for, which prune leaves for readability to see.
	marked bool
}

// next reads the markup starting with page[i] == '<' the way
// golang.org/x/net/html's tokenizer does. ok is false where elide stops
// following it: CDATA, an unterminated tag or comment, plaintext.
func next(page string, i int) (tag, bool) {
	if i+1 >= len(page) {
		return tag{end: len(page)}, true
	}
	c := page[i+1]
	switch {
	case isLetter(c):
		t, ok := readTag(page, i+1)
		t.kind = startTag
		switch t.name {
		case "iframe", "noembed", "noframes", "noscript", "script", "style", "textarea", "title", "xmp":
			t.raw = true
		case "plaintext", "frameset":
			return t, false
		}
		return t, ok
	case c == '/':
		if i+2 >= len(page) {
			return tag{}, false
		}
		switch d := page[i+2]; {
		case d == '>':
			return tag{end: i + 3}, true
		case isLetter(d):
			t, ok := readTag(page, i+2)
			t.kind = endTag
			return t, ok
		}
		return closeAngle(page, i+2)
	case c == '!':
		if strings.HasPrefix(page[i:], "<!--") {
			return comment(page, i+4)
		}
		if strings.HasPrefix(page[i:], "<![CDATA[") {
			return tag{}, false
		}
		return closeAngle(page, i+2)
	case c == '?':
		return closeAngle(page, i+1)
	}
	return tag{end: i + 1}, true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' }

// closeAngle: a bogus comment or doctype runs to the next '>'.
func closeAngle(page string, i int) (tag, bool) {
	j := strings.IndexByte(page[i:], '>')
	if j < 0 {
		return tag{}, false
	}
	return tag{end: i + j + 1}, true
}

// comment reads a comment whose text starts at i, as the tokenizer does:
// it ends at "-->" or "--!>", or at once for "<!-->" and "<!--->".
func comment(page string, i int) (tag, bool) {
	dashes, beginning := 0, true
	for ; i < len(page); i++ {
		switch page[i] {
		case '-':
			dashes++
			continue
		case '>':
			if dashes >= 2 || beginning {
				return tag{end: i + 1}, true
			}
		case '!':
			if dashes >= 2 && i+1 < len(page) {
				if page[i+1] == '>' {
					return tag{end: i + 2}, true
				}
				if page[i+1] == '-' {
					i++
					dashes, beginning = 1, false
					continue
				}
			}
		}
		dashes, beginning = 0, false
	}
	return tag{}, false
}

// readTag reads a tag's name, starting at i, and its attributes, as the
// tokenizer's readTag does, up to and past the closing '>'.
func readTag(page string, i int) (tag, bool) {
	start := i
	for i < len(page) && !isSpace(page[i]) && page[i] != '/' && page[i] != '>' {
		i++
	}
	t := tag{name: asciiLower(page[start:i])}
	switch t.name {
	case "h1", "h2", "title", "meta":
		t.marked = true
	}
	skip := func() {
		for i < len(page) && isSpace(page[i]) {
			i++
		}
	}
	lastVal := -1 // index of the last attribute value's last byte
	for {
		skip()
		if i >= len(page) {
			return t, false
		}
		if page[i] == '>' {
			t.end = i + 1
			t.selfClosing = page[i-1] == '/' && i-1 != lastVal
			return t, true
		}
		// Attribute name: an '=' opening it belongs to it.
		k := i
		for i < len(page) {
			c := page[i]
			if c == '=' && i == k {
				i++
				continue
			}
			if c == '=' || c == '/' || c == '>' || isSpace(c) {
				break
			}
			i++
		}
		if i == k && i < len(page) && page[i] == '/' {
			i++
			continue
		}
		key := page[k:i]
		// Attribute value.
		skip()
		if i >= len(page) {
			return t, false
		}
		switch page[i] {
		case '/':
			i++
			continue
		case '=':
		default:
			continue
		}
		i++
		skip()
		if i >= len(page) {
			return t, false
		}
		switch q := page[i]; q {
		case '>':
			continue
		case '\'', '"':
			j := strings.IndexByte(page[i+1:], q)
			if j < 0 {
				return t, false
			}
			t.marked = t.marked || marking(t.name, key, page[i+1:i+1+j])
			i += j + 2
			lastVal = -1
		default:
			v := i
			for i < len(page) && !isSpace(page[i]) && page[i] != '>' {
				i++
			}
			t.marked = t.marked || marking(t.name, key, page[v:i])
			lastVal = i - 1
		}
	}
}

// marking reports whether an attribute may make its element a mark for
// holdsMark. A character reference could spell anything.
func marking(name, key, val string) bool {
	switch {
	case asciiEqualFold(key, "class"), asciiEqualFold(key, "id"):
		return hasWord(val, bylineWords) || strings.Contains(val, "&")
	case asciiEqualFold(key, "rel"), asciiEqualFold(key, "itemprop"):
		return hasWord(val, []string{"author"}) || strings.Contains(val, "&")
	case name == "script" && asciiEqualFold(key, "type"):
		return hasWord(val, []string{"ld+json"}) || strings.Contains(val, "&")
	}
	return false
}

// rawEnd returns where the raw text of t ends: at its end tag, which the
// caller reads next. A script holding "<!--" switches the tokenizer into
// states elide does not follow.
func rawEnd(page string, t tag) (int, bool) {
	for i := t.end; ; {
		j := strings.Index(page[i:], "</")
		if j < 0 {
			return 0, false
		}
		i += j
		if e := i + 2 + len(t.name); e < len(page) && asciiEqualFold(page[i+2:e], t.name) &&
			(isSpace(page[e]) || page[e] == '/' || page[e] == '>') {
			if t.name == "script" && strings.Contains(page[t.end:i], "<!--") {
				return 0, false
			}
			return i, true
		}
		i += 2
	}
}

// asciiLower lower-cases ASCII letters only, as the tokenizer does.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// asciiEqualFold compares s with the lower-case name, ignoring the case of
// ASCII letters only, as the tokenizer does.
func asciiEqualFold(s, name string) bool {
	if len(s) != len(name) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != name[i] {
			return false
		}
	}
	return true
}
