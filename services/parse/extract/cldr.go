package extract

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// cldrNamers name countries from Unicode CLDR, the data set behind every major locale
// library, in the languages Parley reads. The gazetteer YAML adds what CLDR lacks
// (demonyms, metonyms, cities, venues, inflected stems); CLDR makes sure no country is
// missing, so a new negotiation track needs no data file to find its sides.
var cldrNamers = []display.Namer{display.English.Regions(), display.Russian.Regions(), display.Ukrainian.Regions()}

// addCLDRCountries registers every ISO 3166-1 country's CLDR names that the gazetteer
// does not already list. known holds the gazetteer's phrases in lower case; ids maps
// codes to entities already loaded.
func (x *Extractor) addCLDRCountries(known map[string]bool, ids map[string]int32) {
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			r, err := language.ParseRegion(string([]rune{a, b}))
			if err != nil || !r.IsCountry() {
				continue
			}
			// Deprecated codes ("BU" for Burma) name their successor's country.
			code := r.Canonicalize().String()
			// "Zambian", "Malawian": the regular English adjective of a
			// one-word name, for countries the gazetteer gives no demonym.
			if d := regularDemonym(display.English.Regions().Name(r)); d != "" && !known[lower(d)] {
				known[lower(d)] = true
				x.add(d, entry{kind: kEntity, sub: subDemonym, idx: x.countryID(code, ids)})
			}
			for _, namer := range cldrNamers {
				for _, name := range cldrVariants(namer.Name(r)) {
					if name == "" || known[lower(name)] || cldrCommonWords[lower(name)] {
						continue
					}
					known[lower(name)] = true
					x.add(name, entry{kind: kEntity, sub: subName, idx: x.countryID(code, ids)})
				}
			}
		}
	}
}

// cldrCommonWords are CLDR names that are also everyday words, which open
// sentences with a capital: Russian and Ukrainian "Того" (Togo) is "that"
// in "Того же дня".
var cldrCommonWords = map[string]bool{"того": true}

// countryID is the entity of country code, added when the gazetteer has none.
func (x *Extractor) countryID(code string, ids map[string]int32) int32 {
	if id, ok := ids[code]; ok {
		return id
	}
	x.entities = append(x.entities, entity{code: code, kind: "country"})
	id := int32(len(x.entities) - 1)
	ids[code] = id
	return id
}

// cldrVariants turns a CLDR display name into the phrases an article would use:
// "Bosnia & Herzegovina" is written with "and"; "Congo - Kinshasa" and "Myanmar (Burma)"
// carry a qualifier no article writes; a one-word Cyrillic name becomes a stem, since
// Russian and Ukrainian decline country names ("Армения", "в Армении").
func cldrVariants(name string) []string {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil
	}
	for _, q := range []string{" (", " - "} {
		if i := strings.Index(name, q); i > 0 {
			name = name[:i]
		}
	}
	name = strings.ReplaceAll(name, "&", "and")
	if utf8.RuneCountInString(name) < 4 || strings.Contains(name, ".") {
		return nil // abbreviations ("о-в", "ОАЭ") are the gazetteer's to list, with care
	}
	if !isLatin(name) && !strings.Contains(name, " ") && utf8.RuneCountInString(name) > 4 {
		return []string{cyrillicStem(name) + "*"}
	}
	return []string{name}
}

// cyrillicStem drops the nominative ending a declined form replaces.
func cyrillicStem(name string) string {
	for _, end := range []string{"ия", "ія", "а", "я", "ь", "й"} {
		if s, ok := strings.CutSuffix(name, end); ok {
			if end == "ия" || end == "ія" {
				return s + strings.TrimSuffix(end, "я")
			}
			return s
		}
	}
	return name
}

// regularDemonym forms the adjective of a one-word English country name
// by the two regular patterns (Zambia → Zambian, Malawi → Malawian), or ""
// when the name follows neither. Irregular ones are the gazetteer's.
func regularDemonym(name string) string {
	if strings.ContainsAny(name, " -&.()") || utf8.RuneCountInString(name) < 4 || !isLatin(name) {
		return ""
	}
	switch name[len(name)-1] {
	case 'a':
		return name + "n"
	case 'i':
		return name + "an"
	}
	return ""
}
