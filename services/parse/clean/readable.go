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

// prune removes the pruned elements below n.
func prune(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && pruned[c.DataAtom] {
			n.RemoveChild(c)
		} else {
			prune(c)
		}
		c = next
	}
}
