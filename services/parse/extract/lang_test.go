package extract

import "testing"

func TestScripts(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want script
	}{{"talks", scriptLatin}, {"переговор", scriptCyrillic}, {"3", scriptAny}, {"talks переговоры", scriptAny}} {
		if got := phraseScript(tc.in); got != tc.want {
			t.Errorf("phraseScript(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		in   string
		want script
	}{{"ru", scriptCyrillic}, {"uk", scriptCyrillic}, {"en", scriptLatin}, {"de", scriptLatin}, {"", scriptAny}} {
		if got := languageScript(tc.in); got != tc.want {
			t.Errorf("languageScript(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// The article's language picks which script's cue words are read; names
// are read in every script.
func TestLanguagePicksRules(t *testing.T) {
	x := newTestExtractor(t)
	pub := mustTime(t, "2026-02-04T10:00:00Z")
	ru := "В Абу-Даби 4 и 5 февраля проходят переговоры делегаций России, Украины и США."
	for _, tc := range []struct {
		name, text, lang string
		want             bool
	}{
		{"russian read as russian", ru, "ru", true},
		{"russian, language unknown", ru, "", true},
		{"russian cue words are not english rules", ru, "en", false},
		{"english read as english", "Russian, Ukrainian and US delegations met in Abu Dhabi on Wednesday.", "en", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evs := x.Extract(Article{Title: "x", Text: tc.text, Published: pub, Language: tc.lang})
			if got := len(evs) > 0; got != tc.want {
				t.Errorf("found event = %v, want %v: %s", got, tc.want, describe(evs))
			}
		})
	}
}

// A word matching several stems carries all their meanings: "продолжаются"
// is present tense ("продолжают*") and a continuation ("продолж*").
func TestStemsCombine(t *testing.T) {
	x := newTestExtractor(t)
	toks := tokenize(nil, "продолжаются")
	n := x.root.child(&toks[0])
	if n == nil {
		t.Fatal("no trie node for продолжаются")
	}
	var m cueMask
	for _, e := range n.entries {
		if e.kind == kCue {
			m |= e.mask
		}
	}
	if m&cPresent == 0 || m&cContinue == 0 {
		t.Errorf("mask %b lacks present or continuation", m)
	}
}
