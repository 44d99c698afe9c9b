package notify

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Topics is the closed list of topics rounds carry (SPEC section 4); a filter on any other
// word could never match.
var Topics = []string{
	"security_guarantees", "territory", "ceasefire", "peace_plan", "reconstruction",
	"prisoner_exchange", "nuclear_plant", "sanctions", "trade", "nuclear_program",
	"hostages", "humanitarian_aid",
}

// checkFilterValues refuses parties that are not ISO 3166-1 alpha-2 country codes and topics
// off the closed list, naming what would have been meant or what is valid.
func checkFilterValues(f Filter, field func(string) string) error {
	for j, p := range f.Parties {
		if code, ok := countryCode(p); !ok {
			hint := "want an ISO 3166-1 alpha-2 country code such as RU, UA or US"
			if code != "" {
				hint = "did you mean " + code + "?"
			}
			return fmt.Errorf("%s[%d]: %q is not a country code: %s", field("filter.parties"), j, p, hint)
		}
	}
	for j, t := range f.Topics {
		if !slices.Contains(Topics, strings.ToLower(strings.TrimSpace(t))) {
			return fmt.Errorf("%s[%d]: %q is not a topic: want one of %s", field("filter.topics"), j, t, strings.Join(Topics, ", "))
		}
	}
	return nil
}

// countryCode reports whether s is an alpha-2 country code (any case); when it is not, it
// returns the code s most likely meant (from an alpha-3 code or an English name), if any.
func countryCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	up := strings.ToUpper(s)
	if len(up) == 2 {
		if r, err := language.ParseRegion(up); err == nil && r.IsCountry() && r.String() == up {
			return up, true
		}
		return "", false
	}
	if r, err := language.ParseRegion(up); err == nil && r.IsCountry() {
		return r.String(), false // an alpha-3 or numeric code
	}
	return countryNames()[strings.ToLower(s)], false
}

// countryNames maps English country names to their codes, for the hint only.
var countryNames = sync.OnceValue(func() map[string]string {
	names := map[string]string{}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() || r.String() != code {
				continue
			}
			if n := display.English.Regions().Name(r); n != "" {
				names[strings.ToLower(n)] = code
			}
		}
	}
	return names
})

// Named lists the filter's non-empty criteria in a fixed order, for showing a filter to
// people: name and values.
func (f Filter) Named() []NamedValues {
	var out []NamedValues
	for _, p := range []NamedValues{{"parties", f.Parties}, {"kinds", f.Kinds}, {"topics", f.Topics}, {"status", f.Status}} {
		if len(p.Values) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// NamedValues is one criterion of a Filter.
type NamedValues struct {
	Name   string
	Values []string
}
