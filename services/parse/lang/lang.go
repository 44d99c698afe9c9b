// Package lang tells which language an article is written in, so the
// extractor can pick the rules (month names, weekdays, cue words) of that
// language and the article carries its language on the wire.
package lang

import (
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
)

// sampleBytes bounds what detection reads: the headline and first
// paragraphs decide the language, and trigram counting over a whole long
// page would cost more than the extraction itself.
const sampleBytes = 600

// Detector detects the language of news text among the languages Parley's
// feeds carry. Its trigram profiles are compiled into the library (a few
// hundred kilobytes), so it downloads and loads nothing at run time.
type Detector struct {
	opts whatlanggo.Options
}

// supported are the languages detection may answer: the extractor reads
// English, Russian and Ukrainian; the others are common in the same feeds
// and are named so that they are not mistaken for one of the three.
// Bulgarian and Belarusian are left out: on short news text their trigram
// profiles take Russian articles (measured on the corpus).
var supported = []whatlanggo.Lang{
	whatlanggo.Eng, whatlanggo.Rus, whatlanggo.Ukr, whatlanggo.Deu, whatlanggo.Fra,
	whatlanggo.Spa, whatlanggo.Ita, whatlanggo.Pol, whatlanggo.Tur, whatlanggo.Arb,
	whatlanggo.Heb, whatlanggo.Pes, whatlanggo.Cmn,
}

// New returns a detector limited to the supported languages.
func New() *Detector {
	wl := make(map[whatlanggo.Lang]bool, len(supported))
	for _, l := range supported {
		wl[l] = true
	}
	return &Detector{opts: whatlanggo.Options{Whitelist: wl}}
}

// Detect returns the ISO 639-1 code of text's language, or "" when the text
// has too little to go on. A nil Detector detects nothing.
func (d *Detector) Detect(text string) string {
	if d == nil {
		return ""
	}
	if len(text) > sampleBytes {
		cut := sampleBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	letters := 0
	for _, r := range text {
		if r > 0x40 {
			letters++
		}
		if letters >= 20 {
			break
		}
	}
	if letters < 20 {
		return ""
	}
	info := whatlanggo.DetectWithOptions(text, d.opts)
	return info.Lang.Iso6391()
}
