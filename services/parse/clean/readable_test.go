package clean

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestPrune(t *testing.T) {
	doc, err := html.Parse(strings.NewReader(`<html><head><title>T</title></head><body>
<header><h1>Talks resume</h1></header><nav><a href="/">Home</a></nav>
<form><article><p>Envoys met in Geneva.</p><aside>Most read</aside><svg><text>icon</text></svg>
<div class="related-links"><ul><li><a href="/1">Earlier talks in Riyadh</a></li></ul></div>
<div class="related"><p>Talks in Riyadh came first.</p></div>
<div class="content-related"><a href="/2">Istanbul</a></div>
<table><tr><td><div class="related"><a href="/3">Muscat</a></div></td></tr></table>
</article></form>
<aside><h2>Most read</h2></aside><nav><a class="byline" href="/jo">Jo Smith</a></nav>
<footer>Contact</footer><footer><script type="application/ld+json">{}</script></footer>
<aside><meta itemprop="datePublished" content="2025-11-23"></aside></body></html>`))
	if err != nil {
		t.Fatal(err)
	}
	prune(doc)
	var kept []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			kept = append(kept, n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	want := "html head title body header h1 form article p div p div a table tbody tr td div a aside h2 nav a footer script aside meta"
	if got := strings.Join(kept, " "); got != want {
		t.Errorf("kept %q, want %q", got, want)
	}
}

// TestMainTextTitleInMenu: readability drops the first heading that repeats
// the title; when that is in a menu, the article keeps its own.
func TestMainTextTitleInMenu(t *testing.T) {
	page := `<html><head><title>Envoys to meet again in Geneva</title></head><body>
<nav><h2>Envoys to meet again in Geneva</h2><a href="/">Home</a></nav>
<article><h1>Envoys to meet again in Geneva</h1>
<p>Negotiators from both sides met in Geneva on Tuesday, the mediator said, and agreed to meet again next month.</p>
<p>The talks, the third round this year, lasted four hours, and ended with a joint statement on prisoners.</p>
<p>Neither side spoke to reporters afterwards, but officials in both capitals called the meeting useful.</p></article></body></html>`
	got, err := MainText(strings.NewReader(page), Readability)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "Envoys to meet again in Geneva\n\n") {
		t.Errorf("the article's heading is gone:\n%q", got)
	}
}

// TestMainTextMenuUnseen: readability is not shown the page's menus, so a
// menu of prose, however long, does not change which text it keeps.
func TestMainTextMenuUnseen(t *testing.T) {
	article := `<article><h1>Envoys to meet again in Geneva</h1>
<p>Negotiators from both sides met in Geneva on Tuesday, the mediator said, and agreed to meet again next month.</p>
<p>The talks, the third round this year, lasted four hours, and ended with a joint statement on prisoners.</p>
<p>Neither side spoke to reporters afterwards, but officials in both capitals called the meeting useful.</p></article>`
	menu := `<nav>` + strings.Repeat(`<p>Markets, companies, tech and science, with analysis, comment, data and charts from our desks around the world, every day, all year.</p>`, 12) + `</nav>`
	head := `<html><head><title>Envoys to meet again in Geneva</title></head><body>`
	want, err := MainText(strings.NewReader(head+article+`</body></html>`), Readability)
	if err != nil {
		t.Fatal(err)
	}
	got, err := MainText(strings.NewReader(head+menu+article+`</body></html>`), Readability)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("with a menu\n%q\nwithout\n%q", got, want)
	}
}
