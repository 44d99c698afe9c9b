package evaluate

import (
	"runtime"
	"testing"

	"github.com/parleyhq/parley/services/parse/clean"
	"github.com/parleyhq/parley/services/parse/extract"
	"github.com/parleyhq/parley/services/parse/lang"
)

// TestMemoryFootprint: the parse service must stay under 200 MB resident
// with everything it loads (gazetteer, lexicon, tracks, language profiles)
// after reading the whole corpus.
func TestMemoryFootprint(t *testing.T) {
	cases, err := LoadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	x, err := extract.New()
	if err != nil {
		t.Fatal(err)
	}
	det := lang.New()
	for _, c := range cases {
		text, err := clean.Text(c.Raw)
		if err != nil {
			t.Fatal(err)
		}
		x.Extract(extract.Article{Title: c.Title, Published: c.Published, Text: text, Language: det.Detect(text)})
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	const limit = 200 << 20
	t.Logf("heap in use %d MiB, obtained from the OS %d MiB", ms.HeapInuse>>20, ms.Sys>>20)
	if ms.Sys > limit {
		t.Errorf("memory obtained from the OS is %d MiB, want under %d MiB", ms.Sys>>20, limit>>20)
	}
	runtime.KeepAlive(x)
	runtime.KeepAlive(det)
}
