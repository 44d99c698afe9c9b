package clean

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// outline writes the trees the two methods work on: the one the parser
// builds from page, less the children of nav, aside and footer elements
// (which the structural method drops whole), and the one readability is
// shown (see prune).
func outline(t testing.TB, page string) string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	var walk func(n *html.Node, depth int, cut bool)
	walk = func(n *html.Node, depth int, cut bool) {
		fmt.Fprintf(&sb, "%*s%d %s %q %q\n", depth, "", n.Type, n.Namespace, n.Data, n.Attr)
		if cut && n.Type == html.ElementNode && elidable(n.Data) {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1, cut)
		}
	}
	walk(doc, 0, true)
	sb.WriteString("pruned:\n")
	prune(doc)
	walk(doc, 0, false)
	return sb.String()
}

var elideSeeds = []string{
	`<html><body><nav><ul><li><a href="/">Home</a></li></ul></nav><p>Talks in Geneva.</p></body></html>`,
	`<body><nav class="menu"><a href="/a">A</a> <a href='/b'>B</a></nav><article><p>x</p></article><footer><p>© 2026</footer>`,
	`<b>bold<nav><a>open link</nav>after</b>`,
	`<div><nav>x</div>y</nav>z`,
	`<ul><li><nav><li>inner</li></nav>after</li></ul>`,
	`<a href="x">outer<nav><a>inner</a></nav>tail</a>`,
	`<button>b<nav><button>c</button></nav>d</button>`,
	`<table><tr><td><nav><p>cell</p></nav></td></tr></table>`,
	`<table><nav><p>foster</p></nav><tr><td>x</td></tr></table>`,
	`<svg><nav><p>breakout</p></nav></svg>`,
	`<nav><svg><p>x</p></svg></nav>after`,
	`<select><nav>opt</nav></select>`,
	`<nav><!-- </nav> --><p>in</p></nav>out`,
	`<nav><script>var s = "</nav>";</script></nav>out`,
	`<nav><script><!-- document.write("<script></script>") --></script></nav>out`,
	`<nav title="a>b"><p>x</p></nav>out`,
	`<nav><p a=/>x</nav>out`,
	`<nav><nav><p>x</p></nav><p>y</p></nav>z`,
	`<nav><h2>x</h3>y</nav>z`,
	`<p>para<nav>menu</nav>more`,
	`<nav><form><input></form></nav><form><input name=q></form>`,
	`<nav><textarea></nav></textarea></nav>out`,
	`<nav>unterminated <a href="x`,
	`<aside><p>one<p>two</aside><footer><dl><dt>a<dd>b</dl></footer>`,
	`<NAV><UL><LI>X</LI></UL></NAV>`,
	`<nav-bar><a>custom</a></nav-bar><nav/>x</nav>`,
	`<nav><template><p>t</p></template></nav>`,
	`<!--<nav>--><nav>a</nav>`,
	`<nav><![CDATA[x]]></nav>`,
	`<head><nav>h</nav><title>T</title></head><body>b`,
	`<nav><li>a<li>b</nav>c`,
	`<nav><p>x<div>y</div></p></nav>z`,
	`<nav><h2>Envoys meet in Geneva</h2><a>x</a></nav>`,
	`<aside><span class="author-name">Jo Smith</span></aside><footer><a rel="author">J</a></footer>`,
	`<nav class="byline"><a>x</a></nav><aside><p ID="DATELINE">x</p></aside>`,
	`<nav><p class="by&#108;ine">x</p></nav>`,
	`<footer><script type="application/ld+json">{"headline": "Talks"}</script><p>x</p></footer>`,
	`<aside><meta itemprop="datePublished" content="2025-11-23"><p>x</p></aside><nav><title>T</title></nav>`,
	`<header class="site-header"><nav><a href="/">Home page of the site</a></nav><p>Tagline</p></header>`,
}

func TestElideKeepsTree(t *testing.T) {
	for _, page := range elideSeeds {
		if got, want := outline(t, elide(page)), outline(t, page); got != want {
			t.Errorf("%q elided to %q:\n%s\nwant\n%s", page, elide(page), got, want)
		}
	}
}

func TestElideCuts(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<nav class="m"><ul><li><a href="/">Home</a></li></ul></nav><p>Talks.</p>`, `<nav class="m"></nav><p>Talks.</p>`},
		{`<NAV><UL><LI>X</LI></UL></NAV><aside><p>a</p></aside>`, `<NAV></NAV><aside></aside>`},
		{`<footer><nav><a>x</a></nav><p>y</p></footer>`, `<footer></footer>`},
		// An open link would be reopened after the menu.
		{`<nav><a>x</nav>y`, `<nav><a>x</nav>y`},
		// Readability is shown headings and bylines (see holdsMark).
		{`<aside><h2>Talks</h2></aside>`, `<aside><h2>Talks</h2></aside>`},
		{`<nav><a class=byline>x</a></nav>`, `<nav><a class=byline>x</a></nav>`},
		{`<p>no menus here</p>`, `<p>no menus here</p>`},
	}
	for _, tt := range tests {
		if got := elide(tt.in); got != tt.want {
			t.Errorf("elide(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzElide checks that cutting the menus' content leaves the parser
// building the same tree less that content.
func FuzzElide(f *testing.F) {
	for _, s := range elideSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, page string) {
		if got, want := outline(t, elide(page)), outline(t, page); got != want {
			t.Errorf("%q elided to %q:\n%s\nwant\n%s", page, elide(page), got, want)
		}
	})
}

// TestElideBounded: elements left whole hold others that elide follows
// again; on a page of nothing else that must not take quadratic time.
func TestElideBounded(t *testing.T) {
	page := strings.Repeat("<aside><b>", 50000)
	start := time.Now()
	if got := elide(page); got != page {
		t.Errorf("elide changed a page it cannot cut")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("elide took %v on %d bytes", d, len(page))
	}
}
