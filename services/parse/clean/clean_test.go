package clean

import (
	"strings"
	"testing"
)

func TestHTMLToText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{
			name: "feed fragment",
			in:   `<p>Talks began in <b>Geneva</b> on Tuesday.</p><p>They end &amp; resume&nbsp;later.</p>`,
			want: "Talks began in Geneva on Tuesday.\n\nThey end & resume later.",
		},
		{
			name: "br separated",
			in:   `First line.<br><br>Second   line<br/>Third line`,
			want: "First line.\n\nSecond line\n\nThird line",
		},
		{
			name: "furniture dropped",
			in: `<html><head><title>T</title><style>p{}</style><script>var x = "talks";</script></head><body>
<header><a href="/">Home</a> Menu</header>
<nav><ul><li>World</li><li>Europe</li></ul></nav>
<div class="share-bar">Share on X</div>
<p>Negotiators met in Abu Dhabi.</p>
<figure><img src="a.jpg"><figcaption>Delegates in Riyadh in February.</figcaption></figure>
<aside>Related: talks in Istanbul</aside>
<form><label>Email</label><input name="e"><button>Sign up</button></form>
<p>Read more</p>
<p style="display: none">hidden text</p>
<footer>© 2026 Example</footer></body></html>`,
			want: "Negotiators met in Abu Dhabi.",
		},
		{
			name: "article preferred over page",
			in: `<body><div class="teaser"><article><h2>Other story</h2></article></div>
<div id="sidebar">Most read: a list</div>
<article><h1>Headline</h1><p>` + strings.Repeat("Long article text about the talks. ", 10) + `</p>
<ul class="related-links"><li>Another link</li></ul><p>Final paragraph.</p></article>
<p>Outside the article.</p></body>`,
			want: "Headline\n\n" + strings.TrimSpace(strings.Repeat("Long article text about the talks. ", 10)) + "\n\nFinal paragraph.",
		},
		{
			name: "lists and quotes",
			in:   `<ul><li>one</li><li>two <i>three</i></li></ul><blockquote>"We will meet again," he said.</blockquote>`,
			want: "one\n\ntwo three\n\n\"We will meet again,\" he said.",
		},
		{
			name: "plain text passes",
			in:   "Just text, no tags.",
			want: "Just text, no tags.",
		},
		{
			name: "cyrillic",
			in:   `<p>Переговоры в&nbsp;Абу-Даби</p>`,
			want: "Переговоры в Абу-Даби",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := HTMLToText(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestIsHTML(t *testing.T) {
	yes := []string{
		"<p>hello</p>",
		"text with <br> a break",
		"<!DOCTYPE html><html></html>",
		"<!-- c --> x",
		`<a href="x">link</a>`,
		"<DIV>upper</DIV>",
		"closing only </p>",
	}
	no := []string{
		"",
		"plain text",
		"a < b and c > d",
		"x<y",
		"<notatag> here",
		"email <someone@example.org>",
		"5 <10 and 7> 2",
	}
	for _, s := range yes {
		if !IsHTML(s) {
			t.Errorf("IsHTML(%q) = false, want true", s)
		}
	}
	for _, s := range no {
		if IsHTML(s) {
			t.Errorf("IsHTML(%q) = true, want false", s)
		}
	}
}

func BenchmarkHTMLToText(b *testing.B) {
	page := `<html><head><script>x</script></head><body><nav>menu</nav><article><h1>Title</h1>` +
		strings.Repeat(`<p>Negotiators from Russia, Ukraine and the United States met in Geneva on Tuesday for <a href="#">talks</a>.</p>`, 60) +
		`</article><footer>f</footer></body></html>`
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := HTMLToText(strings.NewReader(page)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
