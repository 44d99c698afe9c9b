package clean

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzText checks that no page makes the cleaner panic or return invalid
// UTF-8 from valid input.
func FuzzText(f *testing.F) {
	for _, s := range []string{
		"<html><body><article><p>KYIV — Talks in Geneva on Friday.</p></article></body></html>",
		"<p>one<p>two<figure><figcaption>cap</figcaption></figure>",
		"<div class=\"cookie\">We use cookies</div><main><p>text</p></main>",
		"plain text without tags", "<", "<!doctype html>", "<article><article><p>x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, page string) {
		for _, m := range []Method{Structural, Readability} {
			text, err := MainText(strings.NewReader(page), m)
			if err != nil {
				continue
			}
			if utf8.ValidString(page) && !utf8.ValidString(text) {
				t.Errorf("%s: invalid UTF-8 out of valid input", m)
			}
		}
		if _, err := Text(page); err != nil && len(page) <= MaxPageBytes {
			t.Errorf("Text: %v", err)
		}
	})
}
