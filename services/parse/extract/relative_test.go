package extract

import "testing"

// Dates counted from an earlier date of the article, days of a month left
// unsaid, and past tense pulling a month-day into the past.
func TestRelativeDates(t *testing.T) {
	x := newTestExtractor(t)
	pub := mustTime(t, "2026-01-10T12:00:00Z")
	for _, tc := range []struct {
		name, text, city, start, status string
	}{
		{"n days later", "Ukrainian and US officials met in Geneva on Nov. 23. Five days later, US and Ukrainian teams met again in Hallandale Beach.",
			"Hallandale Beach", "2025-11-28", "held"},
		{"the next day", "Russian and US talks in Riyadh were held on Feb. 18. The next day, US officials met Ukrainian envoys in Jeddah.",
			"Jeddah", "2025-02-19", "held"},
		{"day of month, past", "Ukrainian and US negotiators met in Berlin on the 14th.", "Berlin", "2025-12-14", "held"},
		{"day of month, future", "Ukrainian and US negotiators will meet in Berlin on the 14th.", "Berlin", "2026-01-14", "scheduled"},
		{"past tense month-day", "Russian and US talks in Riyadh were held on Feb. 18.", "Riyadh", "2025-02-18", "held"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A meeting of the week keeps the article from being only
			// background (see longPast), whatever the case reads.
			evs := x.Extract(Article{Title: "Talks", Text: tc.text + " Both sides will meet again in Vienna on Friday.", Published: pub})
			for _, e := range evs {
				if e.Location.City == tc.city {
					if e.StartDate() != tc.start || string(e.Status) != tc.status {
						t.Errorf("%s: got %s %s, want %s %s", tc.city, e.StartDate(), e.Status, tc.start, tc.status)
					}
					return
				}
			}
			t.Errorf("no meeting in %s: %s", tc.city, describe(evs))
		})
	}
}
