package extract

import (
	"path/filepath"
	"strings"
	"testing"
)

// benchArticles returns the fixture articles, each padded to about 3 KB with
// paragraphs of the negative fixtures (plain wire text without meetings).
func benchArticles(b *testing.B) []Article {
	files, err := filepath.Glob("testdata/articles/*.txt")
	if err != nil || len(files) == 0 {
		b.Fatalf("no fixtures: %v", err)
	}
	var arts []Article
	var filler []string
	for _, f := range files {
		a, err := readStory(f)
		if err != nil {
			b.Fatal(err)
		}
		arts = append(arts, a)
		if strings.Contains(f, "-neg-") {
			filler = append(filler, strings.Split(a.Text, "\n\n")...)
		}
	}
	for i := range arts {
		var sb strings.Builder
		sb.WriteString(arts[i].Text)
		for k := i; sb.Len() < 3000; k++ {
			sb.WriteString("\n\n")
			sb.WriteString(filler[k%len(filler)])
		}
		arts[i].Text = sb.String()
	}
	return arts
}

func BenchmarkExtractPlain(b *testing.B) {
	x := newTestExtractor(b)
	arts := benchArticles(b)
	total := 0
	for _, a := range arts {
		total += len(a.Text) + len(a.Title)
	}
	b.SetBytes(int64(total / len(arts)))
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		x.Extract(arts[n%len(arts)])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "articles/s")
}

func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}
