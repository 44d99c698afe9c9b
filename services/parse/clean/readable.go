package clean

import (
	"fmt"
	"io"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Method names a way of finding a page's main text.
type Method string

const (
	// Structural keeps the largest <article> (else <main>, else <body>) and
	// drops page furniture by element and class name.
	Structural Method = "structural"
	// Readability scores blocks by text and link density (Mozilla's
	// Readability, via go-readability), then drops furniture the same way.
	Readability Method = "readability"
)

// minReadableShare: below this share of the structural text, Readability
// has kept a fragment (a teaser, a caption) rather than the article.
const minReadableShare = 0.4

// MainText returns the main text of an HTML page by the given method,
// paragraphs separated by blank lines. Readability falls back to the
// structural method when it finds no article or keeps too little.
func MainText(r io.Reader, m Method) (string, error) {
	page, err := io.ReadAll(r)
	if err != nil {
		return "", fmt.Errorf("read html: %w", err)
	}
	return mainText(string(page), m)
}

// mainText is MainText on a page already in memory: Text has the page as a
// string and need not copy it.
func mainText(page string, m Method) (string, error) {
	page = elide(page)
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return "", fmt.Errorf("parse html: %w", err)
	}
	if m == Structural {
		return render(mainNode(doc)), nil
	}
	structuralLen := textLen(mainNode(doc))
	prune(doc)
	fallback := func() (string, error) {
		// Readability has edited doc in place (ParseAndMutate); the
		// structural text comes from a fresh parse. Parsing again on a
		// fallback is cheaper than readability's deep copy of every page
		// (ParseDocument).
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			return "", fmt.Errorf("parse html: %w", err)
		}
		return render(mainNode(doc)), nil
	}
	// Class names stay so that furniture inside the article container
	// (captions, bios, promos) is still recognised by name.
	ps := readability.NewParser()
	ps.KeepClasses = true
	art, err := ps.ParseAndMutate(doc, nil)
	if err != nil || art.Node == nil {
		// No article found: the structural text is the answer, not an error.
		return fallback()
	}
	if float64(textLen(art.Node)) < minReadableShare*float64(structuralLen) {
		return fallback()
	}
	return render(art.Node), nil
}

func render(n *html.Node) string {
	w := &writer{}
	w.walk(n)
	w.flush()
	return strings.Join(w.paras, "\n\n")
}

// DefaultMethod is the method Text uses, chosen by measurement on the
// corpus's HTML pages (see TestCleaningMethods in ../evaluate).
const DefaultMethod = Readability

// pruned are the elements readability is not shown: render drops them
// anyway (see dropped), and they are where pages keep most of their markup
// (menus, site footers, icons). Readability copies and walks the whole tree
// on each of its up to four passes, so without them it does a fraction of
// the work; it also stops counting menu links against the container the
// menu sits in. Not <form>: some sites wrap the whole page in one.
var pruned = map[atom.Atom]bool{
	atom.Nav: true, atom.Footer: true, atom.Aside: true, atom.Svg: true,
	atom.Template: true, atom.Button: true, atom.Select: true, atom.Canvas: true,
}

// prune removes below n the pruned elements and the link lists that
// furnitureLinks finds, unless they hold a mark readability looks for.
func prune(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && (pruned[c.DataAtom] || furnitureLinks(c)) && !holdsMark(c) {
			n.RemoveChild(c)
		} else {
			prune(c)
		}
		c = next
	}
}

// furnitureLinks reports whether n is a list of links ("related stories",
// "most read") that render drops by its class or id and that readability
// drops too on its first pass, by its own list of unlikely names. On a
// short article readability makes up to three more passes without that
// list, and on them spends most of its time scoring such lists, which as
// links it never keeps as text anyway. Readability keeps what stands in
// a table or code, and so does furnitureLinks.
func furnitureLinks(n *html.Node) bool {
	if n.DataAtom == atom.Body || n.DataAtom == atom.A || !skip(n) {
		return false
	}
	var class, id string
	for _, a := range n.Attr {
		switch a.Key {
		case "class":
			class = a.Val
		case "id":
			id = a.Val
		}
	}
	// Readability matches class+" "+id; none of its words holds a space.
	if hasWord(class, likelyWords) || hasWord(id, likelyWords) ||
		!hasWord(class, unlikelyWords) && !hasWord(id, unlikelyWords) {
		return false
	}
	for p, depth := n.Parent, 0; p != nil && depth <= 3; p, depth = p.Parent, depth+1 {
		if p.Type == html.ElementNode && (p.Data == "table" || p.Data == "code") {
			return false
		}
	}
	all, links := linkText(n, false)
	return all > 0 && 2*links >= all
}

// unlikelyWords in a class or id mark a container readability takes as
// unlikely to hold the article, unless likelyWords are there too
// (its unlikelyCandidates and okMaybeItsACandidate).
var (
	unlikelyWords = []string{"-ad-", "ai2html", "banner", "breadcrumbs", "combx", "comment", "community",
		"cover-wrap", "disqus", "extra", "footer", "gdpr", "header", "legends", "menu", "related", "remark",
		"replies", "rss", "shoutbox", "sidebar", "skyscraper", "social", "sponsor", "supplemental",
		"ad-break", "agegate", "pagination", "pager", "popup", "yom-remote"}
	likelyWords = []string{"and", "article", "body", "column", "content", "main", "mathjax", "shadow"}
)

// bylineWords in a class or id mark what readability may take for the
// byline (its "byline|author|dateline|writtenby|p-author").
var bylineWords = []string{"byline", "author", "dateline", "writtenby"}

// hasWord reports whether s holds one of the lower-case words, ignoring
// the case of ASCII letters as readability's patterns do.
func hasWord(s string, words []string) bool {
	for _, w := range words {
		for i := 0; i+len(w) <= len(s); i++ {
			if asciiEqualFold(s[i:i+len(w)], w) {
				return true
			}
		}
	}
	return false
}

// holdsMark reports whether n or an element below it is one that
// readability looks for across the whole page before it drops anything:
// an h1 or h2, of which it drops the first that repeats the title; a
// byline, of which it takes the first and drops it; the title, meta
// elements and JSON-LD it reads the title and byline from. Shown fewer of
// them, it would drop another.
func holdsMark(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.Title, atom.Meta:
		return true
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "class", "id":
			if hasWord(a.Val, bylineWords) {
				return true
			}
		case "rel", "itemprop":
			if strings.Contains(a.Val, "author") {
				return true
			}
		case "type":
			if n.DataAtom == atom.Script && hasWord(a.Val, []string{"ld+json"}) {
				return true
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if holdsMark(c) {
			return true
		}
	}
	return false
}

// linkText returns the length of n's text, and of the part of it in links.
// Menus, asides and footers do not count: elide may have cut their text.
func linkText(n *html.Node, inLink bool) (all, links int) {
	if n.Type == html.TextNode {
		l := len(strings.TrimSpace(n.Data))
		if inLink {
			return l, l
		}
		return l, 0
	}
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.Nav, atom.Aside, atom.Footer:
			return 0, 0
		case atom.A:
			inLink = true
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		a, l := linkText(c, inLink)
		all += a
		links += l
	}
	return all, links
}
