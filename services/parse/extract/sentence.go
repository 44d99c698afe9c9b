package extract

import (
	"slices"
	"time"
)

// pairConj joins two reports of meetings in one sentence after a comma.
var pairConj = map[string]bool{"and": true, "with": true, "whereas": true, "while": true, "и": true, "а": true, "і": true, "та": true, "й": true}

// sentenceClauses splits the sentence [a, b) at clause breaks ("after",
// "while", ";") and merges the pieces back so that every clause with a
// meeting word carries the place and date that belong to it.
func (x *Extractor) sentenceClauses(p *para, a, b int, pub time.Time) []*clause {
	if k := openingClauseEnd(p, a, b); k > 0 {
		if first := x.sentenceClauses(p, a, k, pub); len(first) == 1 && first[0].hasCue() && first[0].hasAnchor() {
			return append(first, x.sentenceClauses(p, k, b, pub)...)
		}
	}
	var cs []*clause
	start := a
	for i := a + 1; i < b; i++ {
		if p.startM[i]&cBreak != 0 && i-start >= 2 && !hyphenated(p, i, b) && !durationAfter(p, i, b) {
			cs = append(cs, x.analyzeClause(p, start, i, a, b, pub))
			start = i
		}
	}
	cs = append(cs, x.analyzeClause(p, start, b, a, b, pub))
	cs = x.splitPairs(p, cs, a, b, pub)
	if len(cs) == 1 {
		return cs
	}
	cs = attachParts(p, joinBare(cs))
	placePrevious(p, cs)
	return cs
}

// openingClauseEnd is the comma that ends a clause opening the sentence [a, b)
// with "while" or "although", or -1. When that clause reports a meeting whole,
// the main clause's doubt or denial ("…, a source said any direct contact was
// ruled out") is not the meeting's, and the two are read apart.
func openingClauseEnd(p *para, a, b int) int {
	if p.startM[a]&cConcessive == 0 {
		return -1
	}
	for i := a + 1; i < b; i++ {
		if p.toks[i].low == "," {
			return i
		}
	}
	return -1
}

// placePrevious gives an earlier meeting the sentence leaves unplaced the
// place of the meeting it came before: "took place in Istanbul on June 2,
// following a previous meeting on May 16". A place of its own, or other
// sides, keep it apart.
func placePrevious(p *para, cs []*clause) {
	for i := 1; i < len(cs); i++ {
		l, r := cs[i-1], cs[i]
		if !r.prev || !r.hasCue() || !r.hasDate() || !l.hasCue() || otherSides(strongCodes(l), strongCodes(r)) {
			continue
		}
		switch p.toks[r.a].low {
		case "following", "after", "после", "після":
		default:
			continue
		}
		if _, ok := r.bestLoc(); ok {
			continue
		}
		if loc, ok := l.bestLoc(); ok && loc.city >= 0 {
			r.locs = append(r.locs, loc)
		}
	}
}

// durationAfter: the break word at i ("after", "following") opens a
// length of time, not a clause: "concluded talks after nearly four hours".
func durationAfter(p *para, i, b int) bool {
	for k := i + 1; k < b && k <= i+3; k++ {
		switch p.toks[k].low {
		case "hours", "hour", "days", "day", "minutes", "weeks", "часов", "часа", "дней", "дня", "годин", "днів":
			return true
		}
	}
	return false
}

// hyphenated: the word at i is the head of a compound ("a follow-up
// meeting", "follow up"), no conjunction.
func hyphenated(p *para, i, b int) bool {
	return i+1 < b && (p.toks[i+1].orig == "-" && !p.toks[i+1].spaceBefore || p.toks[i+1].low == "up")
}

// splitPairs splits every clause of cs that reports two meetings.
// "X met Y in A on Friday, and Z met W in B": two meetings joined by ", and".
func (x *Extractor) splitPairs(p *para, cs []*clause, a, b int, pub time.Time) []*clause {
	for i := 0; i < len(cs) && len(cs) < 8; i++ {
		c := cs[i]
		if !c.hasCue() || !c.hasAnchor() {
			continue
		}
		var l, r *clause
		if c.b-c.a <= 80 {
			l, r = x.splitPair(p, c, a, b, pub)
		}
		if l == nil {
			l, r = splitDateList(p, c)
		}
		if l == nil {
			l, r = splitPlaceList(p, c)
		}
		if l == nil {
			l, r = x.splitHypo(p, c, a, b, pub)
		}
		if l == nil {
			l, r = x.splitNext(p, c, a, b, pub)
		}
		if l != nil {
			cs = append(cs[:i], append([]*clause{l, r}, cs[i+1:]...)...)
		}
	}
	return cs
}

// splitHypo splits a clause that reports a meeting held and goes on to
// one that may happen: "they held talks to reach a deal, possibly at a
// meeting of the leaders at the summit on Monday". The date and place
// after the word of possibility are the possible meeting's.
func (x *Extractor) splitHypo(p *para, c *clause, a, b int, pub time.Time) (*clause, *clause) {
	if !c.metPast && c.mask&cPast == 0 {
		return nil, nil
	}
	meet := -1
	for i := c.a; i < c.b; i++ {
		switch {
		case p.startM[i]&cMeeting != 0 && meet < 0:
			meet = i
		// The possible meeting follows its word closely: "possibly at a
		// meeting", not "a proposed trade agreement on Tuesday after five
		// days of discussions".
		case p.startM[i]&cHypo != 0 && meet >= 0 && meetingWordIn(p, i+1, min(i+5, c.b)):
			r := x.analyzeClause(p, i, c.b, a, b, pub)
			r.maybe = true
			return x.analyzeClause(p, c.a, i, a, b, pub), r
		}
	}
	return nil, nil
}

// splitNext splits a clause that reports a meeting and, after a comma,
// the next one: "talks in Istanbul ended, the next meeting in May". The
// place and date after the comma are the next meeting's.
func (x *Extractor) splitNext(p *para, c *clause, a, b int, pub time.Time) (*clause, *clause) {
	t := p.toks
	for i := c.a + 2; i+2 < c.b; i++ {
		if t[i].orig != "," || !meetingWordIn(p, c.a, i) || !nextWord(t[i+1].low) && !(t[i+1].low == "the" && nextWord(t[i+2].low)) {
			continue
		}
		if meetingWordIn(p, i+1, min(i+5, c.b)) {
			return x.analyzeClause(p, c.a, i, a, b, pub), x.analyzeClause(p, i+1, c.b, a, b, pub)
		}
	}
	return nil, nil
}

// meetingWordIn: a meeting word stands in [a, b).
func meetingWordIn(p *para, a, b int) bool {
	for k := a; k < b; k++ {
		if p.startM[k]&cMeeting != 0 {
			return true
		}
	}
	return false
}

// splitDateList splits c when it dates its meeting twice with days far
// apart joined by "and": "two rounds, held in Abu Dhabi on January 23-24 and
// February 4-5" are two meetings in one place. Days close together
// ("talks on Monday and Wednesday") are one meeting.
func splitDateList(p *para, c *clause) (*clause, *clause) {
	for i := range c.dates {
		d1 := &c.dates[i]
		if d1.speech || d1.prec != PrecisionDay {
			continue
		}
		for j := range c.dates {
			d2 := &c.dates[j]
			if d2.speech || d2.prec != PrecisionDay || d2.a < d1.b || !listed(p, d1.b, d2.a) || d2.start.Sub(d1.end) < 4*24*time.Hour {
				continue
			}
			l, r := *c, *c
			l.dates = slices.Delete(slices.Clone(c.dates), j, j+1)
			r.dates = []dateCand{*d2}
			r.locs, r.ents, r.people = slices.Clone(c.locs), slices.Clone(c.ents), slices.Clone(c.people)
			return &l, &r
		}
	}
	return nil, nil
}

// splitPlaceList splits c when it places its meeting in two cities joined
// by "and": "the ministers' meetings in Astana and Vientiane in July" are
// two meetings, one in each.
func splitPlaceList(p *para, c *clause) (*clause, *clause) {
	for i := range c.locs {
		l1 := &c.locs[i]
		if l1.e == 0 || l1.score < 3 {
			continue
		}
		for j := range c.locs {
			l2 := &c.locs[j]
			if l2.e == 0 || l2.score < 3 || l2.city == l1.city || l2.s < l1.e {
				continue
			}
			if k := datedItem(p, c, l1.e, l2.s); k >= 0 {
				// "in London in June and in Geneva in May": each place
				// with its own date.
				l, r := *c, *c
				l.locs = slices.Delete(slices.Clone(c.locs), j, j+1)
				l.dates = slices.DeleteFunc(slices.Clone(c.dates), func(d dateCand) bool { return d.a >= l2.s })
				r.locs = []locCand{*l2}
				r.ents, r.people = slices.Clone(c.ents), slices.Clone(c.people)
				r.dates = slices.DeleteFunc(slices.Clone(c.dates), func(d dateCand) bool { return d.a < l2.e })
				return &l, &r
			}
			if !listed(p, l1.e, l2.s) {
				continue
			}
			l, r := *c, *c
			l.locs = slices.Delete(slices.Clone(c.locs), j, j+1)
			r.locs = []locCand{*l2}
			r.ents, r.people = slices.Clone(c.ents), slices.Clone(c.people)
			// The list's dates are both meetings', except a date after a
			// later place, and "since mid-May, they met in Geneva and
			// London", which dates the first.
			r.dates = slices.DeleteFunc(slices.Clone(c.dates), func(d dateCand) bool {
				return placedBetween(c, l2.e, d.a) || d.a < l1.s && sinceDate(p, d)
			})
			return &l, &r
		}
	}
	return nil, nil
}

// datedItem: the tokens [a, b) between two places are the first place's
// date and the word that joins the next ("… in June and in …"); the index
// of that date in c.dates, or -1.
func datedItem(p *para, c *clause, a, b int) int {
	for k, d := range c.dates {
		if d.a < a || d.b > b || d.a-a > 1 {
			continue
		}
		rest := b - d.b
		if rest < 1 || rest > 2 || !pairConj[p.toks[d.b].low] && p.toks[d.b].low != "," {
			continue
		}
		if rest == 2 && p.endM[b-1]&cLocPrep == 0 {
			continue
		}
		return k
	}
	return -1
}

// sinceDate: d opens a span that runs to now ("since mid-May", whose
// date starts at "-May").
func sinceDate(p *para, d dateCand) bool {
	for k := d.a; k >= 0 && k >= d.a-3; k-- {
		if p.toks[k].low == "since" {
			return true
		}
	}
	return false
}

// placedBetween: c names a city between tokens a and b ("in Muscat and
// Rome in April and in Muscat on May 11": May 11 is not Rome's).
func placedBetween(c *clause, a, b int) bool {
	return slices.ContainsFunc(c.locs, func(l locCand) bool { return l.e > 0 && l.s >= a && l.e <= b })
}

// listed: the tokens [a, b) only join two items of a list ("and", ",").
func listed(p *para, a, b int) bool {
	if b-a < 1 || b-a > 2 {
		return false
	}
	for k := a; k < b; k++ {
		if w := p.toks[k].low; w != "," && !pairConj[w] || w == "with" || w == "while" || w == "whereas" || w == "а" {
			return false
		}
	}
	return true
}

// splitPair splits c, of the sentence [a, b), at the first conjunction after
// a comma that has a meeting with a place or date on either side; nil when
// there is none.
func (x *Extractor) splitPair(p *para, c *clause, a, b int, pub time.Time) (*clause, *clause) {
	for k := c.a + 2; k+2 < c.b; k++ {
		// "..., and Z met W", "... and, hours later, Z met W", "…, with
		// the second round taking place Feb. 4-5", "…, а второй раунд…"
		conj := p.toks[k].low
		if !pairConj[conj] || p.toks[k-1].orig != "," && (conj != "and" || p.toks[k+1].orig != ",") {
			continue
		}
		le, rs := k, k+1
		if p.toks[k-1].orig == "," {
			le = k - 1
		}
		if p.toks[k+1].orig == "," {
			rs = k + 2
		}
		l, r := x.analyzeClause(p, c.a, le, a, b, pub), x.analyzeClause(p, rs, c.b, a, b, pub)
		if l.hasCue() && l.hasAnchor() && r.hasCue() && r.hasAnchor() {
			// "…held four days of talks from Monday, with the three
			// signing a statement on Friday": a clause with no tense of
			// its own is told in the first one's.
			if tn := clauseTense(l); clauseTense(r) == tenseNone && tn != tenseNone {
				for i := range r.dates {
					if r.dates[i].tn == tenseNone {
						r.dates[i].tn = tn
					}
				}
				r.metPast = r.metPast || tn == tensePast && r.mask&cMeetVerb != 0
			}
			if !r.hasDate() {
				r.dates = append(r.dates, l.dates...) // "Yesterday A met B in X, and C met D in Y"
			}
			if _, ok := r.bestLoc(); !ok && !namesPlace(p, r) {
				r.locs = append(r.locs, l.locs...) // "…in Abu Dhabi on Jan. 23-24, with the second round Feb. 4-5"
			}
			return l, r
		}
	}
	return nil, nil
}

// namesPlace: c says where with a name the gazetteer may not know ("and
// in August, Trump hosted Putin in Alaska").
func namesPlace(p *para, c *clause) bool {
	for k := c.a; k+1 < c.b; k++ {
		if p.endM[k]&cLocPrep != 0 && p.toks[k].kind == tWord && !p.toks[k].upper && p.toks[k+1].upper && p.toks[k+1].kind == tWord && p.startM[k+1] == 0 {
			return true
		}
	}
	return false
}

// joinBare is step 1 of merging clauses back.
// 1. Clauses with neither meeting word nor anchor join their neighbour.
// A clause that names a delegation ("Russia's delegation will be led by
// Medinsky") joins only a preceding meeting clause; otherwise it stays
// on its own and later attaches to the meeting being reported.
func joinBare(cs []*clause) []*clause {
	var out []*clause
	for i, c := range cs {
		if !c.hasCue() && !c.hasAnchor() {
			if len(out) > 0 && (c.mask&cWeakMeet == 0 || out[len(out)-1].hasCue()) {
				out[len(out)-1].merge(c, false)
				continue
			}
			if i+1 < len(cs) && c.mask&cWeakMeet == 0 {
				cs[i+1].merge(c, false)
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// attachParts is steps 2 and 3 of merging clauses back.
// 2. A meeting word without anchor joins the nearest clause that has
// both; 3. an anchor without meeting word fills what the previous
// meeting clause lacks.
func attachParts(p *para, cs []*clause) []*clause {
	var out []*clause
	for i, c := range cs {
		switch {
		case c.hasCue() && !c.hasAnchor():
			if target := joinTarget(c, out, cs[i+1:]); target != nil {
				target.merge(c, false)
				continue
			}
		case !c.hasCue() && c.hasAnchor():
			if mergeAnchor(p, c, out, cs[i+1:]) {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// joinTarget is the clause with a meeting word and an anchor that c, a
// meeting word without anchor, belongs to: the nearest of before, else the
// first of after; nil when there is none.
func joinTarget(c *clause, before, after []*clause) *clause {
	// "…, after talks with Ukrainian officials": a meeting between
	// other sides is another meeting, not a detail of this one.
	joins := func(o *clause) bool {
		// Nor does a meeting that only may happen lend its anchors.
		return o.hasCue() && o.hasAnchor() && !otherSides(strongCodes(c), strongCodes(o)) && (c.hypothetical() || !o.hypothetical())
	}
	for k := len(before) - 1; k >= 0; k-- {
		if joins(before[k]) {
			return before[k]
		}
	}
	for _, o := range after {
		if joins(o) {
			return o
		}
	}
	return nil
}

// mergeAnchor merges c, an anchor without meeting word, into the meeting
// clause it completes, the last of before or the first of after, and
// reports whether it did.
func mergeAnchor(p *para, c *clause, before, after []*clause) bool {
	if len(before) > 0 && timeClause(p, c) {
		// "since Washington raised tariffs in April": the date is
		// of something else.
		return false
	}
	if len(before) > 0 && before[len(before)-1].hasCue() {
		before[len(before)-1].merge(c, true)
		return true
	}
	// "Israel and Hamas agreed on Thursday after three days of
	// talks in the resort": the subject and the date sit in the
	// clause before the meeting word.
	if len(before) == 0 && len(after) > 0 && after[0].hasCue() && !otherSides(strongCodes(after[0]), strongCodes(c)) {
		if relative(p, after[0]) || departedAfter(p, c, after[0]) {
			// "a prisoner exchange on Oct. 2 in Istanbul, which hosted
			// three rounds of talks": the relative clause tells of the
			// place; the date is the exchange's.
			placeOnly := *c
			placeOnly.dates = nil
			after[0].merge(&placeOnly, true)
			return true
		}
		after[0].merge(c, true)
		return true
	}
	return false
}

// departedAfter: anchor tells of leaving, and m opens with "after": "left
// Washington on Wednesday after a meeting with Lutnick" dates the leaving,
// which came after the meeting. ("agreed on Sunday following marathon
// negotiations" dates their end.)
func departedAfter(p *para, anchor, m *clause) bool {
	switch p.toks[m.a].low {
	case "after", "following", "после", "після":
	default:
		return false
	}
	for i := anchor.a; i < anchor.b; i++ {
		if p.startM[i]&cDepart != 0 {
			return true
		}
	}
	return false
}

// relative: c opens with a relative pronoun (", which", "where").
func relative(p *para, c *clause) bool {
	i := c.a
	if p.toks[i].orig == "," && i+1 < c.b {
		i++
	}
	switch p.toks[i].low {
	case "which", "where", "who", "который", "которая", "которые", "где", "який", "яка", "які", "де":
		return true
	}
	return false
}
