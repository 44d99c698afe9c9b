// Package clean turns feed HTML content, or a whole article page, into plain
// text: paragraphs separated by blank lines, without scripts, navigation,
// headers and footers, asides, figures and captions, forms, and the usual
// page furniture ("Read more", share buttons, newsletter boxes).
package clean

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// dropped are elements whose whole subtree is page furniture or not text.
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Nav: true,
	atom.Header: true, atom.Footer: true, atom.Aside: true, atom.Figure: true,
	atom.Figcaption: true, atom.Form: true, atom.Iframe: true, atom.Svg: true,
	atom.Button: true, atom.Select: true, atom.Option: true, atom.Template: true,
	atom.Head: true, atom.Input: true, atom.Textarea: true, atom.Canvas: true,
	atom.Video: true, atom.Audio: true, atom.Picture: true, atom.Object: true,
	atom.Embed: true, atom.Menu: true, atom.Dialog: true, atom.Math: true,
	atom.Label: true, atom.Img: true,
}

// blocks end a paragraph before and after them.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Blockquote: true, atom.Pre: true,
	atom.Table: true, atom.Tr: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
	atom.Br: true, atom.Hr: true, atom.Address: true, atom.Details: true, atom.Summary: true,
	atom.Body: true, atom.Html: true, atom.Center: true, atom.Hgroup: true, atom.Caption: true,
}

// furnitureWords in a class or id mark boilerplate containers.
var furnitureWords = map[string]bool{
	"share": true, "sharing": true, "social": true, "related": true, "newsletter": true,
	"subscribe": true, "subscription": true, "promo": true, "advert": true, "advertisement": true,
	"ad": true, "ads": true, "adslot": true, "cookie": true, "cookies": true, "consent": true,
	"comment": true, "comments": true, "breadcrumb": true, "breadcrumbs": true, "sidebar": true,
	"menu": true, "nav": true, "navbar": true, "navigation": true, "footer": true, "masthead": true,
	"caption": true, "credit": true, "credits": true, "readmore": true, "recommended": true,
	"recirculation": true, "popular": true, "trending": true, "tags": true, "bio": true,
	"skip": true, "sronly": true, "paywall": true, "toolbar": true, "banner": true,
	"outbrain": true, "taboola": true, "signup": true, "byline": true,
}

var furnitureRoles = map[string]bool{
	"navigation": true, "banner": true, "contentinfo": true, "complementary": true,
	"search": true, "dialog": true, "alert": true, "menu": true, "menubar": true,
}

// boilerplate lines, compared lower-cased after trimming.
var boilerExact = map[string]bool{
	"read more": true, "advertisement": true, "skip to main content": true, "skip to content": true,
	"share": true, "share this article": true, "subscribe": true, "sign up": true,
	"continue reading": true, "show more": true, "related": true, "related stories": true,
	"related articles": true, "most read": true, "more stories": true, "comments": true,
	"back to top": true, "print": true, "email": true, "follow us": true, "close": true, "menu": true,
}

var boilerPrefix = []string{
	"read more:", "read also:", "related:", "see also:", "sign up for", "subscribe to",
	"share this", "follow us on", "skip to ", "click here", "advertisement ",
	"about the author", "more from ", "читайте також", "читайте также", "читайте тоже",
	"читайте еще", "дивіться також", "смотрите также",
}

// bioRoles mark a paragraph about the writer rather than the news.
var bioRoles = []string{
	"correspondent", "reporter", "editor", "columnist", "covers ", "writes about",
	"follow him", "follow her", "contributed to this report", "contributed reporting",
}

// isBio: "Mara Lind is the Gulf correspondent…", "Jo Smith covers Iran…":
// a short paragraph opening with a name and a verb of being or covering.
func isBio(p string) bool {
	if len(p) > 300 {
		return false
	}
	l := strings.ToLower(p)
	role := false
	for _, r := range bioRoles {
		if strings.Contains(l, r) {
			role = true
			break
		}
	}
	if !role {
		return false
	}
	w := strings.Fields(p)
	if len(w) < 4 {
		return false
	}
	capital := func(s string) bool {
		r, _ := utf8.DecodeRuneInString(s)
		return unicode.IsUpper(r)
	}
	switch strings.ToLower(w[2]) {
	case "is", "covers", "reports", "writes", "was", "has":
		return capital(w[0]) && capital(w[1])
	}
	return false
}

// HTMLToText reads HTML and returns its main text, paragraphs separated by
// blank lines. When the page has <article> elements the longest one is used;
// otherwise <main>, otherwise the body.
func HTMLToText(r io.Reader) (string, error) {
	doc, err := html.Parse(r)
	if err != nil {
		return "", err
	}
	root := mainNode(doc)
	w := &writer{}
	w.walk(root)
	w.flush()
	return strings.Join(w.paras, "\n\n"), nil
}

// mainNode picks the subtree holding the article text.
func mainNode(doc *html.Node) *html.Node {
	var articles, mains []*html.Node
	var body *html.Node
	var find func(n *html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if skip(n) {
				return
			}
			switch {
			case n.DataAtom == atom.Article:
				articles = append(articles, n)
			case n.DataAtom == atom.Main || attr(n, "role") == "main":
				mains = append(mains, n)
			case n.DataAtom == atom.Body:
				body = n
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	pick := func(ns []*html.Node) *html.Node {
		var best *html.Node
		bestLen := 0
		for _, n := range ns {
			if l := textLen(n); l > bestLen {
				best, bestLen = n, l
			}
		}
		// A teaser <article> in a list is not the page's article.
		if best != nil && bestLen >= 200 {
			return best
		}
		return nil
	}
	if n := pick(articles); n != nil {
		return n
	}
	if n := pick(mains); n != nil {
		return n
	}
	if body != nil {
		return body
	}
	return doc
}

func textLen(n *html.Node) int {
	if n.Type == html.TextNode {
		return len(strings.TrimSpace(n.Data))
	}
	if n.Type == html.ElementNode && skip(n) {
		return 0
	}
	l := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		l += textLen(c)
	}
	return l
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return strings.ToLower(strings.TrimSpace(a.Val))
		}
	}
	return ""
}

// skip reports whether element n is furniture to drop with its subtree.
func skip(n *html.Node) bool {
	if dropped[n.DataAtom] {
		return true
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return true
			}
		case "role":
			if furnitureRoles[strings.ToLower(strings.TrimSpace(a.Val))] {
				return true
			}
		case "style":
			v := strings.ToLower(strings.ReplaceAll(a.Val, " ", ""))
			if strings.Contains(v, "display:none") || strings.Contains(v, "visibility:hidden") {
				return true
			}
		case "class", "id":
			if n.DataAtom == atom.Article || n.DataAtom == atom.Main || n.DataAtom == atom.Body {
				continue
			}
			if furnitureName(a.Val) {
				return true
			}
		}
	}
	return false
}

// unseparated is built once: skip asks for it on every class and id of
// every element, and a Replacer is costly to build.
var unseparated = strings.NewReplacer("-", "", "_", "")

// furnitureName reports whether a class or id value names boilerplate:
// "share-bar", "related_links", "newsletter-signup", "sr-only".
func furnitureName(v string) bool {
	for _, cls := range strings.Fields(strings.ToLower(v)) {
		if furnitureWords[unseparated.Replace(cls)] {
			return true
		}
		for _, part := range strings.FieldsFunc(cls, func(r rune) bool { return r == '-' || r == '_' }) {
			if furnitureWords[part] {
				return true
			}
		}
	}
	return false
}

type writer struct {
	paras []string
	cur   strings.Builder
	space bool // a space is pending before the next word
}

func (w *writer) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
		if skip(n) {
			return
		}
	case html.CommentNode, html.DoctypeNode:
		return
	}
	block := n.Type == html.ElementNode && blocks[n.DataAtom]
	if block {
		w.flush()
	}
	if n.Type == html.ElementNode && (n.DataAtom == atom.Td || n.DataAtom == atom.Th) {
		w.space = true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
	if block {
		w.flush()
	}
}

func (w *writer) text(s string) {
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if unicode.IsSpace(r) || r == '\u00a0' || r == '\u200b' {
			w.space = true
			continue
		}
		if w.space && w.cur.Len() > 0 {
			w.cur.WriteByte(' ')
		}
		w.space = false
		w.cur.WriteRune(r)
	}
}

func (w *writer) flush() {
	p := strings.TrimSpace(w.cur.String())
	w.cur.Reset()
	w.space = false
	if p == "" || isBoilerplate(p) {
		return
	}
	w.paras = append(w.paras, p)
}

func isBoilerplate(p string) bool {
	l := strings.ToLower(strings.TrimRight(p, " .:»›→>"))
	if boilerExact[l] || isBio(p) {
		return true
	}
	if len(l) < 120 {
		for _, b := range boilerPrefix {
			if strings.HasPrefix(l, b) {
				return true
			}
		}
	}
	return false
}

// knownTags are element names whose presence marks a string as HTML.
var knownTags = map[string]bool{
	"p": true, "div": true, "br": true, "a": true, "span": true, "html": true, "body": true,
	"head": true, "article": true, "section": true, "main": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "ul": true, "ol": true, "li": true,
	"img": true, "strong": true, "em": true, "b": true, "i": true, "u": true, "table": true,
	"tr": true, "td": true, "th": true, "blockquote": true, "figure": true, "figcaption": true,
	"script": true, "style": true, "iframe": true, "hr": true, "pre": true, "code": true,
	"small": true, "sup": true, "sub": true, "nav": true, "header": true, "footer": true,
	"aside": true, "title": true, "meta": true, "link": true, "time": true, "picture": true,
	"source": true, "video": true, "center": true, "font": true,
}

// IsHTML guesses whether s is HTML markup rather than plain text: it holds
// a doctype, a comment, or at least one tag of a known HTML element.
func IsHTML(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '<' {
			continue
		}
		rest := s[i+1:]
		if len(rest) >= 8 && strings.EqualFold(rest[:8], "!doctype") || strings.HasPrefix(rest, "!--") {
			return true
		}
		rest = strings.TrimPrefix(rest, "/")
		j := 0
		for j < len(rest) && j < 12 && (rest[j] >= 'a' && rest[j] <= 'z' || rest[j] >= 'A' && rest[j] <= 'Z' || rest[j] >= '0' && rest[j] <= '9') {
			j++
		}
		if j == 0 || j >= len(rest) {
			continue
		}
		if !knownTags[strings.ToLower(rest[:j])] {
			continue
		}
		switch rest[j] {
		case '>', ' ', '/', '\t', '\n', '\r':
			return true
		}
	}
	return false
}

// MaxPageBytes is the largest page Text reads: article pages are well under
// a megabyte, and parsing is not free.
const MaxPageBytes = 16 << 20

// Text reduces HTML to plain text and passes plain text through trimmed.
func Text(body string) (string, error) {
	if len(body) > MaxPageBytes {
		return "", fmt.Errorf("page of %d bytes is larger than %d MiB", len(body), MaxPageBytes>>20)
	}
	if !IsHTML(body) {
		return strings.TrimSpace(body), nil
	}
	text, err := mainText(body, DefaultMethod)
	if err != nil {
		return "", fmt.Errorf("html to text: %w", err)
	}
	return text, nil
}
