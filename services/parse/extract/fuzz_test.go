package extract

import (
	"testing"
	"time"
)

// FuzzExtract checks that no input makes the extractor panic and that every
// result keeps the documented invariants.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"KYIV, Jan 24 (Reuters) - Russian and Ukrainian delegations met in Abu Dhabi on Friday.",
		"U.S. and Ukrainian teams will meet in Geneva on Feb. 17-18.",
		"ABU DHABI —",
		"(Reuters) -",
		"Talks between X and Y. -- - — Jan. 31-Feb. 1 Friday-Sunday 2026-13-45",
		"В Абу-Даби 4 и 5 февраля проходят переговоры делегаций России, Украины и США.",
		"Hamas' negotiators' talks'", "’s", "U.", "A.B.", "1st 2nd round two-day talks",
	} {
		f.Add(s, "title", int64(1769000000))
	}
	x, err := New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, title string, pub int64) {
		evs := x.Extract(Article{Title: title, Text: text, Published: time.Unix(pub%4e9, 0)})
		if evs == nil {
			return
		}
		primary := 0
		for _, e := range evs {
			if e.Primary {
				primary++
			}
			if len(e.Parties) == 0 {
				t.Errorf("event without parties: %+v", e)
			}
			if !e.Start.IsZero() && e.End.Before(e.Start) {
				t.Errorf("end before start: %+v", e)
			}
			if e.Confidence <= 0 || e.Confidence > 1 {
				t.Errorf("confidence %v", e.Confidence)
			}
		}
		if primary != 1 {
			t.Errorf("%d primary events", primary)
		}
	})
}
