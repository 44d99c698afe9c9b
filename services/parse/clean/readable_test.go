package clean

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestPrune(t *testing.T) {
	doc, err := html.Parse(strings.NewReader(`<html><head><title>T</title></head><body>
<header><h1>Talks resume</h1></header><nav><a href="/">Home</a></nav>
<form><article><p>Envoys met in Geneva.</p><aside>Most read</aside><svg><text>icon</text></svg></article></form>
<footer>Contact</footer></body></html>`))
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
	if got, want := strings.Join(kept, " "), "html head title body header h1 form article p"; got != want {
		t.Errorf("kept %q, want %q", got, want)
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
