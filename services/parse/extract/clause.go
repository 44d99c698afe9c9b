package extract

import (
	"strings"
	"time"
)

// entEv is evidence about one party-like entity in a clause.
type entEv struct {
	code     string
	score    int  // 2 = negotiating side for sure, 1 = mentioned near a meeting word
	mediator int  // evidence of hosting or mediating
	place    bool // named as a place ("in the UAE", "Geneva, Switzerland")
	// between: named in "talks between X and Y", which says who the sides are
	between bool
	// group: a movement or armed group, which takes its territory's code
	group bool
}

type personEv struct {
	idx         int32
	participant bool
}

type locCand struct {
	city, venue int32 // -1 when none
	country     string
	score       int
	// near: "near Miami", "outside Geneva": close to the city, not in it.
	near bool
}

// clause holds what one clause (or several merged clauses) of a sentence says.
type clause struct {
	p       *para
	a, b    int
	mask    cueMask
	metPast bool // "met", "held", "ended": a meeting really happened
	// hard: a meeting word that is no soft one ("talks", "met"; not only
	// "discussions", which are also held by phone)
	hard bool
	// next: "the next round", "следующий раунд": a meeting still to come,
	// not the one under way
	next   bool
	locs   []locCand
	dates  []dateCand
	ents   []entEv
	people []personEv
	topics uint32
	round  int
	days   int // stated duration ("two-day talks")
	// daysBefore: the duration ends at the clause's date ("after two days").
	daysBefore bool
}

func (c *clause) hasCue() bool { return c.mask&cMeeting != 0 }

func (c *clause) bestLoc() (locCand, bool) {
	best, ok := locCand{}, false
	for _, l := range c.locs {
		// A city beats a bare country scored one less: "at the US mission
		// in Geneva".
		better := !ok || l.score > best.score || l.city >= 0 && best.city < 0 && l.score+1 >= best.score
		if ok && best.city >= 0 && l.city < 0 && best.score+1 >= l.score {
			better = false
		}
		if l.score >= 3 && better {
			best, ok = l, true
		}
	}
	return best, ok
}

func (c *clause) hasDate() bool {
	for _, d := range c.dates {
		if !d.speech {
			return true
		}
	}
	return false
}

func (c *clause) hasAnchor() bool {
	_, ok := c.bestLoc()
	return ok || c.hasDate()
}

// merge folds o into c. With fill set, o only supplies the anchors c lacks.
func (c *clause) merge(o *clause, fill bool) {
	if o.a < c.a {
		c.a = o.a
	}
	if o.b > c.b {
		c.b = o.b
	}
	c.mask |= o.mask
	c.metPast = c.metPast || o.metPast
	c.hard = c.hard || o.hard
	c.next = c.next || o.next
	_, hasLoc := c.bestLoc()
	if !fill || !hasLoc {
		c.locs = append(c.locs, o.locs...)
	}
	if !fill || !c.hasDate() {
		c.dates = append(c.dates, o.dates...)
	}
	c.ents = append(c.ents, o.ents...)
	c.people = append(c.people, o.people...)
	c.topics |= o.topics
	if c.round == 0 {
		c.round = o.round
	}
	if c.days == 0 {
		c.days, c.daysBefore = o.days, o.daysBefore
	}
}

// hypothetical: talk about talks ("ready for talks", "could meet", "talks
// suspended") with nothing saying a meeting is really on or took place.
func (c *clause) hypothetical() bool {
	if c.mask&cDeny != 0 {
		return true // "denied that officials had met": no meeting, whatever the tense
	}
	if c.mask&cHypo == 0 {
		return false
	}
	return !(c.metPast || c.mask&(cStart|cEnd|cCancel|cPostpone) != 0)
}

// analyzeClause reads the tokens [a, b) of p.
// Names and dates are taken from [a, b); the words around a name are read
// within the whole sentence [sa, sb).
func (x *Extractor) analyzeClause(p *para, a, b, sa, sb int, pub time.Time) *clause {
	c := &clause{p: p, a: a, b: b}
	t := p.toks
	var cuePos []int  // meeting words
	var nearPos []int // meeting words and weak meeting words
	type tcue struct {
		pos int
		tn  tense
	}
	var tcues []tcue
	for i := sa; i < sb; i++ {
		m := p.startM[i]
		if m&cMeeting != 0 && i >= a && i < b {
			cuePos = append(cuePos, i)
			if m&cSoftMeet == 0 {
				c.hard = true
			}
			for q := i - 1; q >= a && q >= i-3; q-- {
				if nextWord(t[q].low) {
					c.next = true
				}
			}
		}
		if m&(cMeeting|cWeakMeet) != 0 {
			nearPos = append(nearPos, i)
		}
	}
	// A clause about a phone or video call: its names are not at the meeting.
	remote := false
	for i := a; i < b; i++ {
		if p.startM[i]&cRemote != 0 {
			remote = true
		}
	}
	sentCue := false
	for i := sa; i < sb; i++ {
		if p.startM[i]&cMeeting != 0 {
			sentCue = true
		}
	}
	// Status words count only next to a meeting word: "continuing strikes"
	// says nothing about talks.
	const statusBits = cStart | cEnd | cFinish | cCancel | cPostpone | cContinue
	nearMeeting := func(i int) bool {
		for _, q := range nearPos {
			if q-i <= 15 && i-q <= 15 {
				return true
			}
		}
		return false
	}
	for i := a; i < b; i++ {
		m := p.startM[i]
		if m&statusBits != 0 && !nearMeeting(i) {
			m &^= statusBits
		}
		c.mask |= m
		c.topics |= p.topicM[i]
		if m&cFinish != 0 && m&(cPast|cMeetVerb) != 0 {
			c.metPast = true
		}
		switch {
		case m&cFuture != 0:
			tcues = append(tcues, tcue{i, tenseFuture})
		case m&cPast != 0:
			tcues = append(tcues, tcue{i, tensePast})
		case m&cPresent != 0:
			tcues = append(tcues, tcue{i, tensePresent})
		}
	}
	tenseAt := func(i int) tense {
		tn, fut := tenseNone, false
		for k := len(tcues) - 1; k >= 0; k-- {
			if tcues[k].pos >= i {
				continue
			}
			if tn == tenseNone {
				tn = tcues[k].tn
			}
			if tcues[k].tn == tenseFuture {
				fut = true
			}
		}
		if tn == tensePresent && fut {
			return tenseFuture
		}
		if tn != tenseNone {
			return tn
		}
		// A tense word far ahead belongs to another verb ("On Tuesday, the
		// teams spent the day …, a plan that Washington will now put …").
		for _, tc := range tcues {
			if tc.pos > i && tc.pos-i <= 10 {
				return tc.tn
			}
		}
		return tenseNone
	}
	c.dates = x.parseDates(p, a, b, pub, tenseAt)

	dist := func(i int) int {
		best := 1 << 20
		for _, q := range cuePos {
			d := q - i
			if d < 0 {
				d = -d
			}
			if d < best {
				best = d
			}
		}
		return best
	}
	prevTok := func(s int) int { // index before s, skipping "the" and "central"
		k := s - 1
		for n := 0; n < 2 && k >= sa && p.endM[k]&cPlaceAdj != 0; n++ {
			k--
		}
		if k >= sa && t[k].low == "the" {
			k--
		}
		return k
	}
	// walks over lists of names: "Russian, Ukrainian and US", "Qatar and Egypt"
	isListy := func(k int) bool {
		if p.startM[k]&cList != 0 {
			return true
		}
		if id := p.annAt[k]; id >= 0 {
			for _, e := range p.anns[id].entries {
				if e.kind == kEntity || e.kind == kPerson {
					return true
				}
			}
		}
		return false
	}
	leftWalk := func(s int) int {
		k := s - 1
		for k >= sa && isListy(k) {
			k--
		}
		return k
	}
	rightWalk := func(e int) int {
		k := e
		for k < sb && isListy(k) {
			k++
		}
		return k
	}
	near := func(s, e int, m cueMask, w int) bool {
		for k := s - w; k < e+w; k++ {
			if k >= sa && k < sb && (k < s || k >= e) && (p.startM[k]|p.endM[k])&m != 0 {
				return true
			}
		}
		return false
	}

	// allyBefore: the name is in the reach of an earlier "joined by",
	// "alongside": support, not a side.
	allyBefore := func(s int) bool {
		for k := s - 1; k >= sa && k >= s-8; k-- {
			if p.endM[k]&cAlly != 0 {
				return true
			}
			if t[k].orig == "." || t[k].orig == ";" {
				break
			}
		}
		return false
	}
	for ai := range p.anns {
		an := &p.anns[ai]
		if an.a < a || an.b > b {
			continue
		}
		s, e := an.a, an.b
		k := prevTok(s)
		prep, from, fromSide, approx := false, false, false, false
		if k >= sa {
			pm := p.endM[k]
			switch {
			case pm&cLocPrep != 0 || pm&cCityNoun != 0:
				prep = true
				approx = t[k].low == "near" || t[k].low == "outside"
			case pm&cFromPrep != 0:
				from = true
				// "delegations from Russia, Ukraine and the US"
				fromSide = k-1 >= sa && p.endM[k-1]&(cNegotiator|cWeakMeet) != 0
			case t[k].orig == "," && k-1 >= sa && p.endM[k-1]&cCityNoun != 0:
				prep = true
			}
		}
		compound := e < sb && (p.startM[e]&cMeetNoun != 0 || t[e].orig == "-" && e+1 < sb && p.startM[e+1]&(cMeetNoun|cMediator) != 0) ||
			t[e-1].poss && e < sb && p.startM[e]&cMeetNoun != 0
		// "the regime in Naypyidaw": the seat of a side, not a venue.
		penalty := prep && k-1 >= sa && p.endM[k-1]&cSeat != 0
		for j := k; j >= sa && j >= k-6; j-- {
			if p.endM[j]&(cSpeech|cBack) != 0 {
				penalty = true
			}
		}
		locScore := 0
		switch {
		case compound:
			locScore = 4
		case prep:
			locScore = 3
		case from:
			locScore = 1
		}
		if locScore > 0 {
			switch d := dist(s); {
			case d <= 4:
				locScore += 2
			case d <= 10:
				locScore++
			}
		}
		// "officials in Kyiv said": where a source speaks from, not where
		// anyone meets.
		for q := e; q < sb && q < e+2; q++ {
			if p.startM[q]&cSpeech != 0 {
				penalty = true
			}
		}
		if penalty {
			locScore -= 4
		}
		usedAsPlace := false
		for _, en := range an.entries {
			switch en.kind {
			case kCity:
				if locScore > 0 {
					c.locs = append(c.locs, locCand{city: en.idx, venue: -1, country: x.cities[en.idx].country, score: locScore, near: approx})
					if locScore >= 3 {
						usedAsPlace = true
					}
				}
			case kVenue:
				if prep || compound {
					v := x.venues[en.idx]
					c.locs = append(c.locs, locCand{city: v.city, venue: en.idx, country: x.cities[v.city].country, score: locScore + 1})
					usedAsPlace = true
				}
			}
		}
		for _, en := range an.entries {
			switch en.kind {
			case kEntity:
				ent := x.entities[en.idx]
				if en.sub == subMetonym && usedAsPlace {
					continue
				}
				ev := entEv{code: ent.code, group: ent.kind == "group"}
				// A place, not a side: "in the UAE", "Geneva, Switzerland", "the Saudi capital".
				medFrom := from && k-1 >= sa && p.endM[k-1]&cMediator != 0
				if en.sub == subName && ent.kind == "country" && (prep || from && !fromSide && !medFrom) {
					ev.place = true
					if prep && locScore >= 3 {
						c.locs = append(c.locs, locCand{city: -1, venue: -1, country: ent.code, score: locScore - 1})
					}
					c.ents = append(c.ents, ev)
					continue
				}
				if en.sub == subName && k >= sa && t[k].orig == "," && k-1 >= sa && p.annAt[k-1] >= 0 && hasKind(p.anns[p.annAt[k-1]], kCity) {
					ev.place = true
					c.ents = append(c.ents, ev)
					continue
				}
				if en.sub == subDemonym && e < sb && p.startM[e]&cCityNoun != 0 {
					ev.place = true
					// "in the Omani capital" names the capital city.
					if cid, ok := x.capital[ent.code]; ok && isCapitalWord(t[e].low) && k >= sa && p.endM[k]&cLocPrep != 0 {
						sc := 3
						if dist(s) <= 10 {
							sc++
						}
						c.locs = append(c.locs, locCand{city: cid, venue: -1, country: ent.code, score: sc})
					}
					c.ents = append(c.ents, ev)
					continue
				}
				if near(s, e, cCommentator, 3) {
					continue
				}
				l, r := leftWalk(s), rightWalk(e)
				// "hosted by X", "mediators from X and Y"
				if l >= sa && (p.endM[l]&cMediatorPre != 0 ||
					(t[l].low == "from" || t[l].low == "of") && l-1 >= sa && p.endM[l-1]&cMediator != 0) {
					ev.mediator = 1
					ev.place = false
				}
				// "Qatari mediators", "the UAE, which hosted the talks",
				// "Emirati officials, who helped arrange the meeting"
				hosts := false
				for q, n := r, 0; q < sb && n < 6; q, n = q+1, n+1 {
					m := p.startM[q]
					if m&cMediator != 0 {
						ev.mediator = 1
						hosts = hostWord(t[q].low)
						break
					}
					if m&(cNegotiator|cRel|cList) == 0 {
						break
					}
				}
				if ev.mediator > 0 && (hosts || l >= sa && t[l].low == "by" && l-1 >= sa && hostWord(t[l-1].low)) {
					// "Oman will host the talks", "hosted by Türkiye": the
					// country is where, when nothing closer says so.
					c.locs = append(c.locs, locCand{city: -1, venue: -1, country: ent.code, score: 3})
				}
				if ev.mediator == 0 {
					ev.score = 1
					// "talks between X and Y", "delegations of X and Y", "делегаций России"
					// ", with X greeting them" adds a circumstance, not a side.
					absolute := l >= sa && t[l].low == "with" && l-1 >= sa && t[l-1].orig == ","
					if l >= sa && (p.endM[l]&(cBetween|cNegotiator|cMeetNoun) != 0 && !absolute ||
						(t[l].low == "of" || fromSide) && l-1 >= sa && p.endM[l-1]&(cNegotiator|cMeetNoun|cWeakMeet) != 0) {
						ev.score = 2
					}
					// "delegations from the United States, Ukraine and Russia"
					if l-1 >= sa && p.endM[l]&cFromPrep != 0 && p.endM[l-1]&(cNegotiator|cWeakMeet) != 0 {
						ev.score = 2
						fromSide = true
					}
					if l >= sa && betweenBefore(p, sa, l) {
						ev.score = 2 // "talks between regional foes Iran and Saudi Arabia"
					}
					if l >= sa && (betweenWord(t[l].low) || fromSide || betweenBefore(p, sa, l)) && ev.score == 2 {
						ev.between = true // "talks between X and Y", "delegations from X, Y and Z"
					}
					// "the war between Russia and Ukraine", "ending the war
					// with Russia": the sides of the conflict the talks are
					// about, not of the talks.
					if l >= sa && p.endM[l]&cBetween != 0 && l-1 >= sa && p.endM[l-1]&cConflict != 0 {
						ev.score, ev.between = 1, false
					}
					// "Israel and Hamas agreed ... after three days of talks":
					// a pair of sides opening a sentence with a meeting word
					// is who met.
					if l < sa && sentCue && r < sb && r-(l+1) >= 3 && p.startM[r]&cSpeech == 0 {
						pair := false
						for q := l + 1; q < r; q++ {
							if t[q].low == "and" || t[q].low == "и" || t[q].low == "та" || t[q].low == "і" {
								pair = true
							}
						}
						if pair {
							ev.score = 2
						}
					}
					// "Pakistan's high-stakes negotiations with Afghanistan"
					if t[e-1].poss {
						for q := e; q < sb && q < e+3; q++ {
							if p.startM[q]&cMeetNoun != 0 {
								ev.score = 2
								break
							}
							if t[q].kind != tWord || t[q].upper {
								break
							}
						}
					}
					// "X and Y delegations", "X and Y will hold a second round"
					for q := r; q < sb && q < r+5; q++ {
						if t[q].kind == tPunct && t[q].orig != "-" {
							break
						}
						if p.startM[q]&cMeeting != 0 || q < r+2 && p.startM[q]&cNegotiator != 0 {
							ev.score = 2
							break
						}
					}
					// a source, not a side: "Turkish officials said",
					// "Ukrainian President Volodymyr Zelensky said"
					q := r
					for q < sb && (p.startM[q]&cNegotiator != 0 || p.annAt[q] >= 0 && hasKind(p.anns[p.annAt[q]], kPerson) || t[q].upper && q-r < 4) {
						q++
					}
					for k := e; k < sb && (k < r+3 || k <= q+1); k++ {
						if p.startM[k]&cSpeech != 0 {
							ev.score = 1
							break
						}
					}
				}
				// "the Nato summit", "an EU summit": the organisation's own
				// gathering, a format rather than a side.
				if ev.score > 1 && compound && ent.kind == "org" {
					ev.score = 1
				}
				// "discussed Russia's demands", "Ukrainian territory": what
				// the talks are about.
				if ev.score > 1 && e < sb && p.startM[e]&cAbout != 0 && (t[e-1].poss || en.sub == subDemonym || ent.kind == "org") {
					ev.score = 1
				}
				if k >= sa && p.endM[k]&cObjPrep != 0 && ev.score > 1 {
					ev.score = 1 // "sanctions against Russia"
				}
				if ev.score > 1 && near(s, e, cAbsent, 3) {
					ev.score = 1 // "with Kyiv absent from the table"
				}
				if ev.score > 1 && remote {
					ev.score = 1 // "spoke to Russia by phone"
				}
				if ev.score > 1 && !ev.between && (near(s, e, cAlly, 4) || allyBefore(s)) {
					ev.score = 1 // "European leaders joined the talks", "accompanied by French officials"
				}
				c.ents = append(c.ents, ev)
			case kPerson:
				pr := x.people[en.idx]
				if pr.commentator {
					continue
				}
				speech := t[e-1].poss
				for q := e; q < sb && q < e+3; q++ {
					if p.startM[q]&cSpeech != 0 {
						speech = true
					}
				}
				for q := s - 1; q >= sa && q >= s-2; q-- {
					if p.endM[q]&cSpeech != 0 {
						speech = true
					}
				}
				ev := entEv{code: pr.party, score: 2}
				if remote && !pr.mediator {
					// "had spoken to Putin by phone before the meeting"
					speech = true
				}
				if speech {
					ev.score = 1
				}
				// "a ceremony hosted by President X": the host, not a side.
				l := s - 1
				for l >= sa && (isListy(l) || p.endM[l]&cNegotiator != 0) {
					l-- // titles: "hosted by President X"
				}
				if l >= sa && p.endM[l]&cMediatorPre != 0 {
					ev.mediator, ev.score, speech = 1, 0, true
				}
				if ev.score > 1 && (near(s, e, cAlly, 4) || allyBefore(s)) {
					ev.score = 1 // "Witkoff to join the talks": support, not a side
				}
				if pr.mediator {
					// a host's minister: "Turkish Foreign Minister Hakan Fidan"
					ev.mediator, ev.score = 2, 0
				}
				c.ents = append(c.ents, ev)
				c.people = append(c.people, personEv{idx: en.idx, participant: !speech})
			}
		}
	}

	// Round number: "the third round", "3rd round", "round two".
	for i := a; i < b && c.round == 0; i++ {
		if t[i].low != "round" || p.startM[i]&cMeetNoun == 0 {
			continue
		}
		q := i - 1
		for q > a && (t[q].low == "new" || t[q].low == "full" || t[q].low == "formal") {
			q-- // "the second full round"
		}
		if q >= a {
			if n, ok := x.ordinals[t[q].low]; ok && n > 0 && t[q].low != "one" {
				c.round = n
			} else if t[q].kind == tNum && t[q].numLen < len(t[q].orig) && t[q].num > 0 && t[q].num < 50 {
				c.round = t[q].num // "3rd"
			}
		}
		if c.round == 0 && i+1 < b {
			if n, ok := x.ordinals[t[i+1].low]; ok && !t[i+1].upper && n <= 10 {
				c.round = n
			} else if t[i+1].kind == tNum && t[i+1].numLen == len(t[i+1].orig) && t[i+1].num > 0 && t[i+1].num < 50 {
				c.round = t[i+1].num
			}
		}
	}
	// Duration in one word: "двухдневные переговоры", "дводенні переговори".
	for i := a; i+1 < b && c.days == 0; i++ {
		if n := cyrillicDays(t[i].low); n > 0 && p.startM[i+1]&cMeeting != 0 {
			c.days = n
		}
	}
	// Duration: "two-day talks", "two days of talks", "three-day meeting".
	for i := a; i+1 < b; i++ {
		n, ok := numberWords[t[i].low]
		if t[i].kind == tNum && t[i].numLen == len(t[i].orig) {
			n, ok = t[i].num, true
		}
		if !ok || n < 2 || n > 7 || t[i].low == "a" || t[i].low == "an" {
			continue
		}
		j := i + 1
		if t[j].orig == "-" && j+1 < b {
			j++
		}
		if t[j].low == "day" || t[j].low == "days" {
			// "two-day talks", "two days of (trilateral) talks"
			if j+1 < b && (p.startM[j+1]&cMeetNoun != 0 || t[j+1].low == "of" &&
				(j+2 < b && p.startM[j+2]&cMeeting != 0 || j+3 < b && p.startM[j+3]&cMeeting != 0)) {
				c.days = n
			}
			// "ended on Wednesday after two days"
			if i-1 >= a && (t[i-1].low == "after" || t[i-1].low == "over" || t[i-1].low == "for") && len(nearPos) > 0 {
				c.days = n
			}
			// "agreed on Thursday after three days of talks": the date
			// is the last day, and the talks took place.
			if c.days == n && i-1 >= a && (t[i-1].low == "after" || t[i-1].low == "following") {
				c.daysBefore, c.metPast = true, true
			}
		}
	}
	return c
}

func hasKind(a ann, k entryKind) bool {
	for _, e := range a.entries {
		if e.kind == k {
			return true
		}
	}
	return false
}

// isCapitalWord: "capital", "столице", "столиці".
func isCapitalWord(w string) bool {
	return w == "capital" || strings.HasPrefix(w, "столиц")
}

// hostWord: the mediator word says where ("host", "venue"), not only who helps.
func hostWord(w string) bool {
	return strings.HasPrefix(w, "host") || w == "venue" || strings.HasPrefix(w, "площадк") || strings.HasPrefix(w, "майданчик")
}

// betweenWord: "between", "among": the names after it are the sides.
func betweenWord(w string) bool {
	switch w {
	case "between", "among", "involving", "между", "між":
		return true
	}
	return false
}

// nextWord: the meeting it qualifies is still to come.
func nextWord(w string) bool {
	switch w {
	case "next", "following", "upcoming":
		return true
	}
	return strings.HasPrefix(w, "следующ") || strings.HasPrefix(w, "наступн")
}

// cyrillicDays reads a Russian or Ukrainian duration adjective: 2 for
// "двухдневные", 3 for "триденні"; 0 for any other word.
func cyrillicDays(w string) int {
	for _, d := range []struct {
		stem string
		n    int
	}{{"двухдневн", 2}, {"двухдн", 2}, {"дводенн", 2}, {"трехдневн", 3}, {"трёхдневн", 3}, {"триденн", 3}, {"четырехдневн", 4}, {"чотириденн", 4}} {
		if strings.HasPrefix(w, d.stem) {
			return d.n
		}
	}
	return 0
}

// betweenBefore: "between the delegations of", "между делегациями",
// "between regional foes" ends at l: a few lower-case words after "between".
func betweenBefore(p *para, sa, l int) bool {
	for k := l; k >= sa && k > l-4; k-- {
		t := &p.toks[k]
		if k < l && betweenWord(t.low) {
			return true
		}
		if t.kind != tWord || t.upper || p.annAt[k] >= 0 {
			return false
		}
	}
	return false
}
