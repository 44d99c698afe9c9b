package round

import (
	"strings"
	"testing"
)

func TestHeadline(t *testing.T) {
	base := Round{
		Parties:   []string{"RU", "UA", "US"},
		Location:  Location{City: "Abu Dhabi", Country: "AE"},
		Start:     d("2026-01-23"),
		End:       d("2026-01-24"),
		Precision: Day,
		Status:    Underway,
	}
	tests := []struct {
		name string
		edit func(*Round)
		want string
	}{
		{"underway", func(*Round) {}, "Russia, Ukraine and US hold talks in Abu Dhabi, Jan 23–24"},
		{"scheduled", func(r *Round) { r.Status = Scheduled }, "Russia, Ukraine and US to hold talks in Abu Dhabi, Jan 23–24"},
		{"held one day", func(r *Round) {
			r.Status, r.Parties, r.Location.City, r.Start, r.End = Held, []string{"RU", "US"}, "Riyadh", d("2025-02-18"), d("2025-02-18")
		}, "Russia and US held talks in Riyadh, Feb 18"},
		{"across months", func(r *Round) { r.Start, r.End = d("2026-01-31"), d("2026-02-01") }, "Russia, Ukraine and US hold talks in Abu Dhabi, Jan 31–Feb 1"},
		{"postponed", func(r *Round) { r.Status = Postponed }, "Russia, Ukraine and US talks in Abu Dhabi postponed, Jan 23–24"},
		{"week", func(r *Round) { r.Status, r.Precision, r.Start = Scheduled, Week, d("2026-01-19") }, "Russia, Ukraine and US to hold talks in Abu Dhabi, week of Jan 19"},
		{"undated, no city", func(r *Round) { r.Status, r.Start, r.End, r.Location = Scheduled, d(""), d(""), Location{} }, "Russia, Ukraine and US to hold talks"},
	}
	for _, tc := range tests {
		r := base
		tc.edit(&r)
		if got := Headline(r); got != tc.want {
			t.Errorf("%s: Headline = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestSummary(t *testing.T) {
	r := Round{
		Parties:      []string{"RU", "UA", "US"},
		Mediators:    []string{"AE"},
		Location:     Location{City: "Abu Dhabi", Country: "AE"},
		Start:        d("2026-01-23"),
		End:          d("2026-01-24"),
		Precision:    Day,
		Status:       Held,
		Participants: []Participant{{Name: "Rustem Umerov", Party: "UA"}, {Name: "Steve Witkoff", Party: "US"}},
		Topics:       []string{"security_guarantees"},
		Sources:      []Article{{URL: "u1"}, {URL: "u2"}},
	}
	got := Summary(r, "status: underway → held")
	for _, want := range []string{
		"Update: status: underway → held.",
		"Delegations of Russia, Ukraine and US met in Abu Dhabi, UAE on Jan 23–24, 2026.",
		"Rustem Umerov (Ukraine)",
		"security guarantees",
		"Reported by 2 sources.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Summary = %q, want it to contain %q", got, want)
		}
	}
}

func TestPartyName(t *testing.T) {
	for code, want := range map[string]string{"RU": "Russia", "UA": "Ukraine", "US": "US", "SA": "Saudi Arabia", "EU": "EU", "NATO": "NATO", "XX": "XX"} {
		if got := PartyName(code); got != want {
			t.Errorf("PartyName(%s) = %q, want %q", code, got, want)
		}
	}
}

func TestParseStatus(t *testing.T) {
	for in, want := range map[string]Status{"held": Held, "STATUS_HELD": Held, " Scheduled ": Scheduled, "postponed": Postponed} {
		if got, ok := ParseStatus(in); !ok || got != want {
			t.Errorf("ParseStatus(%q) = %v, %v", in, got, ok)
		}
	}
	if _, ok := ParseStatus("maybe"); ok {
		t.Error("ParseStatus accepted nonsense")
	}
}
