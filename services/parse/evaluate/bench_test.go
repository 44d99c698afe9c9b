package evaluate

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parleyhq/parley/services/parse/clean"
	"github.com/parleyhq/parley/services/parse/extract"
	"github.com/parleyhq/parley/services/parse/lang"
)

// benchCases returns corpus articles of one kind, each padded to size with
// what surrounds real articles: more paragraphs of wire copy for plain
// text; navigation, related-story lists and scripts for HTML pages.
func benchCases(b *testing.B, html bool, size int) []Case {
	cases, err := LoadDir(corpusDir)
	if err != nil {
		b.Fatal(err)
	}
	var filler []string
	for _, c := range cases {
		if c.Gold.Negative && !clean.IsHTML(c.Raw) {
			filler = append(filler, strings.Split(c.Raw, "\n\n")...)
		}
	}
	var out []Case
	for i, c := range cases {
		if clean.IsHTML(c.Raw) != html {
			continue
		}
		var sb strings.Builder
		if !html {
			sb.WriteString(c.Raw)
			for k := i; sb.Len() < size; k++ {
				sb.WriteString("\n\n" + filler[k%len(filler)])
			}
		} else {
			head, rest, _ := strings.Cut(c.Raw, "<body")
			sb.WriteString(head + "<body")
			_, rest, _ = strings.Cut(rest, ">")
			sb.WriteString("><script>var config = {\"ads\": true, \"slots\": [1,2,3]};</script>\n<nav><ul>")
			for k := 0; sb.Len() < size/3; k++ {
				sb.WriteString("<li><a href=\"/section/" + string(rune('a'+k%26)) + "\">Section " + string(rune('A'+k%26)) + "</a></li>")
			}
			sb.WriteString("</ul></nav>\n" + rest)
			sb.WriteString("<section class=\"related\"><ul>")
			for k := i; sb.Len() < size; k++ {
				sb.WriteString("<li><a href=\"/story\">" + filler[k%len(filler)] + "</a></li>\n")
			}
			sb.WriteString("</ul></section>")
		}
		c.Raw = sb.String()
		out = append(out, c)
	}
	return out
}

func benchRead(b *testing.B, cases []Case) {
	x, err := extract.New()
	if err != nil {
		b.Fatal(err)
	}
	det := lang.New()
	total := 0
	for _, c := range cases {
		total += len(c.Raw)
	}
	b.SetBytes(int64(total / len(cases)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		c := cases[n%len(cases)]
		text, err := clean.Text(c.Raw)
		if err != nil {
			b.Fatal(err)
		}
		x.Extract(extract.Article{Title: c.Title, Published: c.Published, Text: text, Language: det.Detect(c.Title + "\n" + text)})
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "articles/s")
	// On a shared machine wall time counts other processes' work too; CPU
	// time of this process is what one core spends per article.
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(n)/cpu.Seconds(), "articles/cpu-s")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPlainArticle reads 2–4 KB plain-text articles: language,
// extraction.
func BenchmarkPlainArticle(b *testing.B) { benchRead(b, benchCases(b, false, 3000)) }

// BenchmarkHTMLArticle reads 30–80 KB article pages: main text, language,
// extraction.
func BenchmarkHTMLArticle(b *testing.B) { benchRead(b, benchCases(b, true, 50000)) }
