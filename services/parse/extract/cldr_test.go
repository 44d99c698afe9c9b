package extract

import (
	"slices"
	"testing"
	"time"
)

// Countries the gazetteer YAML does not list still come out as sides, from CLDR names.
func TestCountriesFromCLDR(t *testing.T) {
	x := newTestExtractor(t)
	pub := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Delegations from Guyana and Venezuela met in Brasília on Tuesday for talks on the disputed Essequibo region.", []string{"GY", "VE"}},
		{"Делегации Таджикистана и Киргизии провели переговоры о границе во вторник.", []string{"KG", "TJ"}},
		{"Eritrea and Ethiopia will hold talks next week, officials from both governments said.", []string{"ER", "ET"}},
	} {
		evs := x.Extract(Article{Published: pub, Title: "Talks", Text: tc.text})
		if len(evs) == 0 {
			t.Errorf("%q: no event", tc.text)
			continue
		}
		if !slices.Equal(evs[0].Parties, tc.want) {
			t.Errorf("%q: parties %v, want %v", tc.text, evs[0].Parties, tc.want)
		}
	}
}

func TestCLDRVariants(t *testing.T) {
	for in, want := range map[string]string{
		"Bosnia & Herzegovina": "Bosnia and Herzegovina",
		"Congo - Kinshasa":     "Congo",
		"Myanmar (Burma)":      "Myanmar",
		"Армения":              "Армени*",
		"Таджикистан":          "Таджикистан*",
		"о-в Вознесения":       "о-в Вознесения",
		"ОАЭ":                  "",
	} {
		got := ""
		if v := cldrVariants(in); len(v) > 0 {
			got = v[0]
		}
		if got != want {
			t.Errorf("cldrVariants(%q) = %q, want %q", in, got, want)
		}
	}
}
