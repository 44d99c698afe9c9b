// Package lang tells which language an article is written in, so the
// extractor can pick the rules (month names, weekdays, cue words) of that
// language and the article carries its language on the wire.
package lang

import (
	"strings"
	"unicode"
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
	if l := byMarks(text); l != "" {
		return l
	}
	info := whatlanggo.DetectWithOptions(text, d.opts)
	return info.Lang.Iso6391()
}

// byMarks answers the common cases without trigram counting, which costs
// as much as reading the article: Cyrillic with letters only Ukrainian
// (і, ї, є, ґ) or only Russian (ы, э, ъ, ё) writes, and Latin text whose
// words are English function words. It returns "" when unsure.
func byMarks(text string) string {
	var uk, ru, cyr, latin int
	for _, r := range text {
		switch {
		case r == 'і' || r == 'ї' || r == 'є' || r == 'ґ' || r == 'І' || r == 'Ї' || r == 'Є':
			uk++
		case r == 'ы' || r == 'э' || r == 'ъ' || r == 'ё' || r == 'Ы' || r == 'Э':
			ru++
		}
		switch {
		case r >= 0x400 && r <= 0x4ff:
			cyr++
		case r < 0x80 && (r|0x20) >= 'a' && (r|0x20) <= 'z':
			latin++
		}
	}
	switch {
	case cyr > 4*latin && uk >= 3 && ru == 0:
		return "uk"
	case cyr > 4*latin && ru >= 3 && uk == 0:
		return "ru"
	case latin > 20*cyr && englishShare(text) >= 0.2:
		return "en"
	}
	return ""
}

// englishWords are function words frequent in English news and rare as
// whole words in the other languages of the feeds.
var englishWords = map[string]bool{
	"the": true, "of": true, "and": true, "to": true, "in": true, "a": true, "is": true, "that": true,
	"for": true, "on": true, "with": true, "said": true, "was": true, "he": true, "it": true, "by": true,
	"as": true, "at": true, "from": true, "his": true, "will": true, "have": true, "has": true, "be": true,
	"are": true, "were": true, "which": true, "after": true, "its": true, "their": true, "this": true,
}

// englishShare is the share of words in text that are English function words.
func englishShare(text string) float64 {
	words, hits := 0, 0
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		words++
		if englishWords[strings.ToLower(w)] {
			hits++
		}
	}
	if words < 10 {
		return 0
	}
	return float64(hits) / float64(words)
}
