package extract

import (
	"strings"
	"unicode/utf8"
)

// learnPeople reads who speaks for whom from the article itself:
// "Azerbaijani President Ilham Aliyev", "Korea's industry minister Kim
// Jung-kwan", "премьер-министр Армении Никол Пашинян". A person found so
// is then known by full name and surname in every paragraph, so a track
// file is needed only for spellings and roles, not to find the sides. The
// people join this article's copy of the table (see Extract).
func (x *Extractor) learnPeople(paras []*para) {
	known := map[string]int32{} // lower-case full name or surname → person
	for _, p := range paras {
		for ai := 0; ai < len(p.anns); ai++ {
			an := p.anns[ai]
			code, ok := x.countryOf(an)
			if !ok || x.orgEnvoy(p, an) {
				continue
			}
			// "Canada-U.S. Trade Minister": the minister of the first.
			if an.a > 0 && p.toks[an.a-1].orig == "-" {
				continue
			}
			if an.b+1 < len(p.toks) && p.toks[an.b].orig == "-" {
				if id := p.annAt[an.b+1]; id >= 0 {
					if s, e := x.nameAfterTitle(p, p.anns[id].b); e > s {
						x.addLearned(p, s, e, code, known)
					}
				}
				continue
			}
			// ENTITY title… Name  ("Azerbaijani President Ilham Aliyev")
			if s, e := x.nameAfterTitle(p, an.b); e > s {
				x.addLearned(p, s, e, code, known)
				continue
			}
			// Name, ENTITY title ("Kim Jung-kwan, Korea's industry minister,")
			if an.a >= 3 && p.toks[an.a-1].orig == "," && x.titleFollows(p, an.b) {
				if s, e := x.nameBefore(p, an.a-1); e > s {
					x.addLearned(p, s, e, code, known)
					continue
				}
			}
			// title ENTITY Name ("президент Азербайджана Ильхам Алиев")
			if an.a > 0 && p.endM[an.a-1]&cTitle != 0 {
				if s, e := x.nameAt(p, an.b); e > s {
					x.addLearned(p, s, e, code, known)
				}
			}
		}
	}
	if len(known) == 0 {
		return
	}
	for _, p := range paras {
		x.markLearned(p, known)
	}
}

// orgEnvoy: the annotation names an organisation whose envoy stands next
// to it ("EU envoy Peter Sorensen", "спецпредставитель ЕС"): a go-between,
// whom the article does not make a side.
func (x *Extractor) orgEnvoy(p *para, an ann) bool {
	org := false
	for _, e := range an.entries {
		if e.kind == kEntity && x.entities[e.idx].kind == "org" {
			org = true
		}
	}
	if !org {
		return false
	}
	for k := max(an.a-3, 0); k < min(an.b+3, len(p.toks)); k++ {
		if p.startM[k]&cEnvoy != 0 {
			return true
		}
	}
	return false
}

// countryOf: the annotation names a country, a group or an organisation as
// a side (by name, possessive or demonym), not a city.
func (x *Extractor) countryOf(an ann) (string, bool) {
	for _, e := range an.entries {
		if e.kind == kEntity && e.sub != subMetonym {
			return x.entities[e.idx].code, true
		}
	}
	return "", false
}

// nameAfterTitle finds "title words + Name" starting at i: one to five
// words of which at least one is a title, then a capitalised name.
func (x *Extractor) nameAfterTitle(p *para, i int) (int, int) {
	t := p.toks
	titled := false
	k := i
	for ; k < len(t) && k-i < 6; k++ {
		if t[k].kind != tWord || p.annAt[k] >= 0 {
			break
		}
		if (p.startM[k]|p.endM[k])&cTitle != 0 {
			titled = true
			continue
		}
		if titled && t[k].upper {
			break // the name begins
		}
		if t[k].upper && k+1 < len(t) && t[k+1].kind == tWord && (p.startM[k+1]|p.endM[k+1])&cTitle != 0 {
			continue // "Trade Representative", "Economic revitalization minister"
		}
		if !t[k].upper && len(t[k].low) > 2 {
			continue // "industry", "trade", "foreign"
		}
		break
	}
	if !titled {
		return 0, 0
	}
	if k+1 < len(t) && t[k].orig == "," {
		k++ // "Japan's tariff negotiator, Ryosei Akazawa,"
	}
	return x.nameAt(p, k)
}

// nameAt reads two or three capitalised, unannotated words starting at i.
func (x *Extractor) nameAt(p *para, i int) (int, int) {
	t := p.toks
	k := i
	for k < len(t) && k-i < 3 && t[k].kind == tWord && t[k].upper && !t[k].allUpper && p.annAt[k] < 0 &&
		(p.startM[k]|p.endM[k])&(cTitle|cSpeech|cMeeting) == 0 && utf8.RuneCountInString(t[k].orig) > 1 {
		k++
	}
	if k-i < 2 {
		return 0, 0
	}
	return i, k
}

func (x *Extractor) addLearned(p *para, s, e int, code string, known map[string]int32) {
	name := p.text[p.toks[s].start:p.toks[e-1].end]
	full := lower(name)
	if _, ok := known[full]; ok {
		return
	}
	pr := person{name: name, party: code}
	// "Kremlin spokesman Dmitry Peskov": a voice, not a negotiator.
	for k := s - 1; k >= 0 && k >= s-4; k-- {
		if (p.startM[k]|p.endM[k])&cCommentator != 0 {
			pr.commentator = true
		}
	}
	x.people = append(x.people, pr)
	id := int32(len(x.people) - 1)
	known[full] = id
	if sur := lower(p.toks[e-1].orig); utf8.RuneCountInString(sur) > 3 {
		if _, ok := known[sur]; !ok {
			known[sur] = id
		}
	}
}

// markLearned annotates every unannotated mention of a learned person:
// the full name, or the surname alone (with its Cyrillic case endings).
func (x *Extractor) markLearned(p *para, known map[string]int32) {
	t := p.toks
	for i := 0; i < len(t); i++ {
		if p.annAt[i] >= 0 || !t[i].upper || t[i].kind != tWord {
			continue
		}
		best, bestEnd := int32(-1), 0
		for e := i + 1; e <= len(t) && e-i <= 3; e++ {
			if p.annAt[e-1] >= 0 {
				break
			}
			key := lower(p.text[t[i].start:t[e-1].end])
			if id, ok := known[key]; ok {
				best, bestEnd = id, e
			} else if e == i+1 && !isLatin(key) {
				if id, ok := known[cyrillicSurname(key, known)]; ok {
					best, bestEnd = id, e
				}
			}
		}
		if best < 0 {
			continue
		}
		p.anns = append(p.anns, ann{a: i, b: bestEnd, entries: []entry{{kind: kPerson, idx: best}}})
		for k := i; k < bestEnd; k++ {
			p.annAt[k] = int32(len(p.anns) - 1)
		}
		i = bestEnd - 1
	}
}

// cyrillicSurname maps a declined surname ("Алиева", "Пашиняном") to the
// known form it declines, or "".
func cyrillicSurname(w string, known map[string]int32) string {
	for _, end := range []string{"ом", "ем", "ым", "им", "ой", "ою", "а", "у", "е", "я", "ю", "і"} {
		if s, ok := strings.CutSuffix(w, end); ok && utf8.RuneCountInString(s) > 3 {
			if _, ok := known[s]; ok {
				return s
			}
		}
	}
	return ""
}

// titleFollows: a title within the next three words ("industry minister").
func (x *Extractor) titleFollows(p *para, i int) bool {
	for k := i; k < len(p.toks) && k < i+3; k++ {
		if p.toks[k].kind != tWord {
			return false
		}
		if (p.startM[k]|p.endM[k])&cTitle != 0 {
			return true
		}
	}
	return false
}

// nameBefore reads the two or three capitalised, unannotated words that
// end just before i.
func (x *Extractor) nameBefore(p *para, i int) (int, int) {
	s := i
	for s-1 >= 0 && i-s < 3 && p.toks[s-1].kind == tWord && p.toks[s-1].upper && !p.toks[s-1].allUpper && p.annAt[s-1] < 0 &&
		(p.startM[s-1]|p.endM[s-1])&(cTitle|cSpeech|cMeeting) == 0 {
		s--
	}
	if i-s < 2 {
		return 0, 0
	}
	return s, i
}
