package extract

import (
	"iter"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// mention is one merged clause that speaks of a meeting.
type mention struct {
	c        *clause
	order    int
	title    bool
	paraIdx  int // body paragraph index; -1 for the title
	evidence string
	loc      locCand
	hasLoc   bool
	start    time.Time
	end      time.Time
	prec     Precision
	hasDate  bool
	tn       tense
	strong   map[string]bool
	weak     bool  // attaches to a meeting but never starts one
	endTn    tense // tense of the clause naming the last day
	// titleDay: a headline or a present tense reporting the meeting as
	// news of the day
	titleDay bool
	// presentDay: the present tense says the meeting is on today
	presentDay bool
	// arrivedOn: start..end is the day people arrived for the meeting,
	// not the meeting's
	arrivedOn bool
}

type cluster struct {
	ms      []*mention
	loc     locCand
	hasLoc  bool
	start   time.Time
	end     time.Time
	prec    Precision
	hasDate bool
	round   int
	order   int
	strong  map[string]bool
	endTn   tense
	// threeSides: the article counts three sides somewhere ("the three
	// countries"), so a host named among them negotiates.
	threeSides bool
}

// Extract returns the concrete meetings reported by a, the primary one
// first, or nil when the article reports none.
func (x *Extractor) Extract(a Article) []Event {
	// Places read from the text itself extend this article's copy of the
	// city table; the shared one stays as loaded, safe for concurrent use.
	local := *x
	local.cities = x.cities[:len(x.cities):len(x.cities)]
	local.people = x.people[:len(x.people):len(x.people)]
	return local.extract(a)
}

func (x *Extractor) extract(a Article) []Event {
	a.Text = capText(a.Text)
	r := x.mentions(a)
	if len(r.mentions) == 0 {
		return nil
	}
	pub := a.Published.UTC()
	clusters := x.clusterMentions(r.mentions, day(pub))
	datedByArrivalDay(clusters)
	datedByArrival(clusters, r.arrivals)
	datedByHeadline(clusters, day(pub))
	datedBySameVisit(clusters)
	if countsThree(r.paras) {
		for _, cl := range clusters {
			cl.threeSides = true
		}
	}
	// "Oman will host the talks" names only the country; a reporter filing
	// from a city of that country is there for the meeting.
	for _, cl := range clusters {
		if cl.hasLoc && cl.loc.city < 0 && r.dateline >= 0 && x.cities[r.dateline].country == cl.loc.country {
			cl.loc.city = r.dateline
		}
	}
	var named map[string]bool
	if len(x.mediations) > 0 {
		named = x.namedCodes(r.paras)
	}
	evs := x.events(clusters, pub, r.topics, r.titleSides, named)
	if len(evs) > 0 && named != nil {
		x.mediatedRounds(evs, named)
	}
	if !noCityTold(r.mentions, evs) {
		x.placedByDateline(evs, r.dateline)
	}
	return evs
}

// noCityTold: the primary of evs is told of as met on a border ("met on
// the border", "at the crossing point") or at a place kept secret ("at an
// undisclosed location"): no city, the dateline's least of all.
func noCityTold(ms []*mention, evs []Event) bool {
	return len(evs) > 0 && slices.ContainsFunc(ms, func(m *mention) bool {
		return m.c.mask&cNoCity != 0 && slices.Contains(evs[0].Evidence, m.evidence)
	})
}

// countsThree: a word of three sides stands anywhere in the article.
func countsThree(paras []*para) bool {
	for _, p := range paras {
		for _, m := range p.startM {
			if m&cThreeWay != 0 {
				return true
			}
		}
	}
	return false
}

// placedByDateline places the article's meeting, when nothing else does,
// in the dateline's city: "MINSK — the talks between Lukashenko and
// Kellogg lasted six hours". Only a meeting that took or takes place, of
// a side whose country the city is in: a reporter in Kyiv writing about
// the next round knows no more than the text says.
func (x *Extractor) placedByDateline(evs []Event, dateline int32) {
	if len(evs) == 0 || dateline < 0 {
		return
	}
	ev := &evs[0]
	c := x.cities[dateline]
	if ev.Location != (Location{}) || ev.Status != StatusHeld && ev.Status != StatusUnderway || !slices.Contains(ev.Parties, c.country) {
		return
	}
	ev.Location = Location{City: c.name, Country: c.country}
}

// datedByHeadline gives the publication day to a meeting nothing in the
// body dates, when the headline reports it as the day's news.
func datedByHeadline(cls []*cluster, pd time.Time) {
	for _, cl := range cls {
		if cl.hasDate {
			// "talks are continuing … tomorrow the talks go on": under way today
			if cl.prec == PrecisionDay && cl.start.Equal(addDays(pd, 1)) && slices.ContainsFunc(cl.ms, func(m *mention) bool { return m.presentDay }) {
				cl.start = pd
			}
			continue
		}
		for _, m := range cl.ms {
			if m.titleDay {
				cl.start, cl.end, cl.prec, cl.hasDate, cl.endTn = pd, pd, PrecisionDay, true, tensePresent
				if m.c.mask&(cEnd|cFinish) != 0 || m.c.mask&cPast != 0 && m.c.mask&cPresent == 0 {
					cl.endTn = tensePast
				}
				break
			}
		}
	}
}

// datedBySameVisit dates a meeting held apart from the article's own, in its
// city, with no day of its own: "the US team was to hold talks with the
// Ukrainians separately in Miami" is part of the same visit to Miami.
func datedBySameVisit(cls []*cluster) {
	if len(cls) < 2 {
		return
	}
	lead := leadCluster(cls)
	if !lead.hasDate || !lead.hasLoc || lead.loc.city < 0 {
		return
	}
	for _, cl := range cls {
		if cl == lead || cl.hasDate || !cl.hasLoc || cl.loc.city != lead.loc.city || !slices.ContainsFunc(cl.ms, func(m *mention) bool { return m.c.separate || m.c.apart }) {
			continue
		}
		cl.start, cl.end, cl.prec, cl.hasDate = lead.start, lead.end, lead.prec, true
	}
}

// mentions reads the article into meeting mentions, in text order, and the
// topics the whole article touches.
func (x *Extractor) mentions(a Article) *reading {
	pub := a.Published.UTC()
	paras := x.readParas(a)
	x.learnPeople(paras)
	r := &reading{dateline: -1}
	var prevDay time.Time
	var prevPlace locCand // the place of the last meeting told of with its city
	hasPrevPlace := false
	prevMeeting := false
	prevPerson := int32(-1)
	titleHypo := false
	for _, p := range paras {
		if p.dateln != "" && r.dateline < 0 {
			r.dateline = p.datelineCity
		}
		for _, m := range p.topicM {
			r.topics |= m
		}
		for _, sr := range p.sents {
			p.prevDay, p.prevMeeting, p.prevPerson = prevDay, prevMeeting, prevPerson
			p.sentDays = p.sentDays[:0]
			prevMeeting = false
			if pr := openingPerson(p, sr[0], sr[1]); pr >= 0 {
				prevPerson = pr
			}
			for _, c := range x.sentenceClauses(p, sr[0], sr[1], pub) {
				if ar, ok := arrivalOf(c, pub); ok {
					r.arrivals = append(r.arrivals, ar)
				}
				if !p.title && p.index == 0 && c.hasCue() && c.hypothetical() {
					r.leadHypo = append(r.leadHypo, c)
				}
				if p.title && c.hasCue() && c.hypothetical() {
					titleHypo = true
				}
				m := x.clauseMention(c, pub)
				if m == nil {
					continue
				}
				if m.hasDate && m.prec == PrecisionDay {
					prevDay = m.start
				}
				if !m.hasLoc && hasPrevPlace && c.mask&cSamePlace != 0 {
					m.loc, m.hasLoc = prevPlace, true // "in the same city"
				}
				if m.hasLoc && m.loc.city >= 0 {
					prevPlace, hasPrevPlace = m.loc, true
				}
				prevMeeting = prevMeeting || !m.weak
				m.order = len(r.mentions)
				m.title = p.title
				m.paraIdx = p.index
				m.evidence = p.spanText(sr[0], sr[1])
				r.mentions = append(r.mentions, m)
			}
		}
	}
	// A headline that only offers talks ("Ukraine and Russia may hold a
	// new round") lends its sides to no meeting the story recalls.
	if len(paras) > 0 && paras[0].title && !titleHypo {
		r.titleSides = x.sidesNamed(paras[0])
	}
	// Asked before any headline goes: DeleteFunc moves the slice it reads.
	leadMeets := slices.ContainsFunc(r.mentions, func(o *mention) bool { return !o.title && o.paraIdx == 0 && !o.weak })
	if !leadMeets {
		r.mentions = slices.DeleteFunc(r.mentions, r.offeredInLead)
	}
	r.paras = paras
	return r
}

// offeredInLead: m is an undated headline whose lead tells of the meeting
// only as offered, hoped for or refused ("Kenya to host talks between
// Sudan's warring sides" over "Ruto said Nairobi was ready to host talks
// … but neither side had agreed"): the headline is the lead cut short.
// Only asked when the lead tells of no meeting of its own.
func (r *reading) offeredInLead(m *mention) bool {
	if !m.title || m.hasDate || m.tn == tensePast || len(r.leadHypo) == 0 {
		return false
	}
	sides := strongCodes(m.c)
	return slices.ContainsFunc(r.leadHypo, func(c *clause) bool {
		hypo := strongCodes(c)
		if len(sides) == 0 || len(hypo) == 0 {
			return true
		}
		for code := range sides {
			if hypo[code] {
				return true
			}
		}
		return false
	})
}

// namedCodes are the sides every country, group or known person of the
// article speaks for.
func (x *Extractor) namedCodes(paras []*para) map[string]bool {
	named := map[string]bool{}
	for _, p := range paras {
		for _, an := range p.anns {
			for _, en := range an.entries {
				switch en.kind {
				case kEntity:
					named[x.entities[en.idx].code] = true
				case kPerson:
					named[x.people[en.idx].party] = true
				}
			}
		}
	}
	return named
}

// openingPerson is the known person the sentence [a, b) opens with, its
// subject as news writes it ("Canadian minister Dominic LeBlanc left …");
// -1 for none.
func openingPerson(p *para, a, b int) int32 {
	for _, an := range p.anns {
		if an.a < a || an.a >= b || an.a >= a+8 {
			continue
		}
		for _, en := range an.entries {
			if en.kind == kPerson {
				return en.idx
			}
		}
	}
	return -1
}

// reading is what mentions finds in an article.
type reading struct {
	mentions []*mention
	topics   uint32 // every topic the article touches
	dateline int32  // the dateline's city, -1 when none
	// titleSides: the sides the headline names
	titleSides []string
	arrivals   []arrival
	// leadHypo: the lead's clauses that tell of a meeting only as
	// hypothetical
	leadHypo []*clause
	// paras: the article as read, for what looks at all of it after the
	// meetings are found (a track's standing talks)
	paras []*para
}

// arrival: someone is to arrive in a city on a day, with no meeting word
// ("I'm coming to Geneva with Jared this Thursday").
type arrival struct {
	city     int32
	day, end time.Time // the day, or the days of "next week"
	prec     Precision
}

// arrivalOf reads c as an arrival still to come on a named day in a named
// city, which dates the meeting there that the article leaves undated.
func arrivalOf(c *clause, pub time.Time) (arrival, bool) {
	if c.mask&cArrive == 0 || c.hasCue() || c.mask&(cHypo|cDeny) != 0 {
		return arrival{}, false
	}
	loc, ok := c.bestLoc()
	d := bestDate(c)
	if !ok || loc.city < 0 || loc.near || d == nil || precisionRank(d.prec) < precisionRank(PrecisionWeek) || d.end.Before(day(pub)) {
		return arrival{}, false
	}
	return arrival{city: loc.city, day: d.start, end: d.end, prec: d.prec}, true
}

// arrivedFor: the clause tells of an arrival on its date for the meeting
// named after "for" ("arrived in Doha on Sunday for talks with Hamas").
func arrivedFor(c *clause, d *dateCand) bool {
	if c.mask&cArrive == 0 {
		return false
	}
	p := c.p
	for i := c.a; i < c.b; i++ {
		if p.startM[i]&cMeeting == 0 {
			continue
		}
		// the first meeting word, with "for" at most four words before it
		for k := i - 1; k >= c.a && k >= i-4; k-- {
			if p.toks[k].low == "for" {
				return d.b <= k
			}
		}
		return false
	}
	return false
}

// datedByArrivalDay dates a meeting nothing else dates by the day its
// people arrived for it.
func datedByArrivalDay(cls []*cluster) {
	for _, cl := range cls {
		if cl.hasDate {
			continue
		}
		for _, m := range cl.ms {
			if m.arrivedOn {
				cl.start, cl.end, cl.prec, cl.hasDate, cl.endTn = m.start, m.end, m.prec, true, m.endTn
				break
			}
		}
	}
}

// datedByArrival dates a meeting still to come in a city, undated or
// dated only by a span ("this week"), by the one day within it the article
// says its people arrive there.
func datedByArrival(cls []*cluster, arrivals []arrival) {
	for _, cl := range cls {
		if !cl.hasLoc || cl.loc.city < 0 || !leansTo(cl, tenseFuture) {
			continue
		}
		if cl.hasDate && precisionRank(cl.prec) >= precisionRank(PrecisionDay) {
			continue
		}
		var when *arrival
		for i, ar := range arrivals {
			if ar.city != cl.loc.city || cl.hasDate && (ar.day.Before(cl.start) || ar.day.After(cl.end) || precisionRank(ar.prec) <= precisionRank(cl.prec)) {
				continue
			}
			if when != nil && !when.day.Equal(ar.day) {
				when = nil
				break
			}
			when = &arrivals[i]
		}
		if when != nil {
			cl.start, cl.end, cl.prec, cl.hasDate, cl.endTn = when.day, when.day, when.prec, true, tenseFuture
			if when.prec != PrecisionDay {
				cl.end = when.end
			}
		}
	}
}

// readParas tokenizes and annotates the headline and the paragraphs of the
// body, leaving out page furniture, and finds the dateline.
func (x *Extractor) readParas(a Article) []*para {
	sc := languageScript(a.Language)
	var paras []*para
	var scratch []cueMatch
	// About a token for every four bytes of text: growing the slice
	// paragraph by paragraph was a tenth of reading a plain article.
	toks := make([]token, 0, (len(a.Title)+len(a.Text))/4+64)
	mk := func(text string, title bool, idx int) *para {
		start := len(toks)
		toks = tokenize(toks, text)
		p := &para{text: text, toks: toks[start:len(toks):len(toks)], title: title, index: idx, datelineCity: -1, prevPerson: -1, script: sc}
		x.annotate(p, &scratch)
		return p
	}
	if t := strings.TrimSpace(a.Title); t != "" {
		p := mk(t, true, -1)
		p.sents = [][2]int{{0, len(p.toks)}}
		p.capSentences()
		paras = append(paras, p)
	}
	body := 0
	hasDateline := false
	deck := true // only the highlights above the story have come so far
	for _, ptxt := range splitParagraphs(a.Text) {
		if body < 4 {
			ptxt = pageStamp.ReplaceAllString(ptxt, "")
		}
		// The highlights a paper lists above the story ("• Next round of
		// talks scheduled in Istanbul on 25th") are its summary, told
		// without a full stop; related links come below it.
		if hl, ok := highlight(ptxt); ok && deck {
			// Told as the lead is, and no paragraph of the story.
			p := mk(hl, false, 0)
			x.splitSentences(p)
			paras = append(paras, p)
			continue
		}
		deck = false
		if x.furniture(ptxt) {
			// A page whose blocks were joined without a break glues the
			// story to the photo credit before it ("…/ShutterstockIraq
			// will host…"): the text after the seam is the story's.
			if ptxt = afterSeam(ptxt); ptxt == "" || x.furniture(ptxt) {
				continue
			}
		}

		p := mk(ptxt, false, body)
		// The dateline opens the story, which may come after a repeated
		// headline, a byline or a caption.
		if body < 4 && !hasDateline {
			p.skipTo = x.findDateline(p)
			hasDateline = p.dateln != ""
		}
		x.splitSentences(p)
		paras = append(paras, p)
		body++
	}
	return paras
}

// highlight returns a bulleted line of six words or more without its
// bullet.
func highlight(p string) (string, bool) {
	t := strings.TrimSpace(p)
	r, n := utf8.DecodeRuneInString(t)
	switch r {
	case '•', '▪', '●', '◦', '■':
	default:
		return "", false
	}
	t = strings.TrimSpace(t[n:])
	return t, len(strings.Fields(t)) >= 6
}

// clauseMention is the mention c makes of a meeting, or nil when it makes
// none or only a hypothetical one.
func (x *Extractor) clauseMention(c *clause, pub time.Time) *mention {
	weak := false
	// "US and Ukrainian delegations spent the day at a hotel in
	// Jeddah on Tuesday": two sides' delegations, a place and a
	// day make a meeting without the word.
	if !c.hasCue() && c.mask&cWeakMeet != 0 && len(strongCodes(c)) >= 2 && c.hasDate() {
		if _, ok := c.bestLoc(); ok {
			c.mask |= cMeetNoun
		}
	}
	if !c.hasCue() {
		// "Umerov leads the Ukrainian delegation": no meeting of
		// its own, but it tells who is at the current one.
		if c.mask&cWeakMeet == 0 {
			return nil
		}
		weak = true
	}
	if c.hypothetical() {
		return nil
	}
	// "the venue where the treaty was signed in 1991": history, which
	// no meeting of the news takes its sides from.
	if c.longAgo && !c.hasDate() {
		return nil
	}
	m := x.newMention(c, pub)
	if weak {
		m.weak, m.hasDate = true, false
	}
	return m
}

func (x *Extractor) newMention(c *clause, pub time.Time) *mention {
	m := &mention{c: c}
	m.loc, m.hasLoc = c.bestLoc()
	// The most precise date; adjacent days of the same clause join into a range.
	if best := bestDate(c); best != nil {
		m.dateFrom(c, best)
		// "the dialogue is expected to continue until Wednesday": from
		// today to then.
		if best.until && c.mask&cContinue != 0 && m.start.After(day(pub)) {
			m.start = day(pub)
		}
		// "which began on Tuesday, will last until Friday": from the one
		// day to the other.
		if d := dayBeforeUntil(c); d != nil && m.prec == PrecisionDay {
			for _, u := range c.dates {
				if u.until && u.prec == PrecisionDay {
					m.start, m.end, m.endTn = d.start, u.end, u.tn
				}
			}
		}
		// "arrived in Washington on Wednesday for a second round of
		// talks": the day is the arrival's. The talks take it only when
		// nothing else dates them (see datedByArrivalDay).
		if m.hasDate && arrivedFor(c, best) {
			m.hasDate, m.arrivedOn = false, true
		}
		// "The two previous rounds took place in Abu Dhabi earlier this
		// month": a span for several meetings dates none of them. (Days
		// may be each one's: "two rounds, on January 23-24 and February
		// 4-5", read clause by clause.)
		if n := countedMeetings(c); n > 1 && len(c.dates) < n && m.hasDate && m.prec != PrecisionDay {
			m.hasDate = false
		}
		// "held the second day of talks on Monday": they began on Sunday.
		if n := x.dayOrdinal(c); n > 1 && m.hasDate && m.prec == PrecisionDay && m.start.Equal(m.end) {
			m.start = addDays(m.end, -(n - 1))
		}
	}
	if !m.hasDate {
		x.impliedDate(m, c, pub)
	}
	m.newsOfTheDay(c, pub)
	if !m.hasDate && !pub.IsZero() && x.leadNews(c) {
		m.titleDay = true
	}
	m.tn = clauseTense(c)
	m.strong = strongCodes(c)
	return m
}

// longPast: ev ended more than a month before pd.
func longPast(ev Event, pd time.Time) bool {
	end := ev.End
	if end.IsZero() {
		end = ev.Start
	}
	return !end.IsZero() && end.Before(addDays(pd, -31))
}

// dayBeforeUntil is the day c says its meeting began, when c also names
// the day it lasts until, up to a week later; nil otherwise.
func dayBeforeUntil(c *clause) *dateCand {
	for i := range c.dates {
		u := &c.dates[i]
		if !u.until || u.prec != PrecisionDay {
			continue
		}
		for j := range c.dates {
			d := &c.dates[j]
			if j != i && !d.until && !d.speech && d.prec == PrecisionDay && d.start.Before(u.start) && !d.start.Before(addDays(u.start, -7)) {
				return d
			}
		}
	}
	return nil
}

// precisionRank orders precisions, the finest highest.
func precisionRank(p Precision) int {
	switch p {
	case PrecisionDay:
		return 4
	case PrecisionWeek:
		return 3
	case PrecisionMonth:
		return 2
	}
	return 1
}

// bestDate is the most precise date of c that is not the day of a
// statement, the first of equals; nil when there is none.
func bestDate(c *clause) *dateCand {
	var best *dateCand
	bestGap := 0
	for i := range c.dates {
		d := &c.dates[i]
		if d.speech {
			continue
		}
		if d.moved {
			return d // the day a postponed meeting moved to
		}
		// Of equally precise dates, the one nearest a meeting word: "the
		// agreement, brokered on 30 October, sets a meeting for 6 November".
		gap := cueGap(c, d)
		if best == nil || precisionRank(d.prec) > precisionRank(best.prec) || precisionRank(d.prec) == precisionRank(best.prec) && gap < bestGap {
			best, bestGap = d, gap
		}
	}
	return best
}

// cueGap is the number of tokens between d and the nearest meeting word
// of c.
func cueGap(c *clause, d *dateCand) int {
	gap := 1 << 20
	for k := c.a; k < c.b; k++ {
		if c.p.startM[k]&cMeeting == 0 {
			continue
		}
		switch {
		case k < d.a && !commaAnd(c.p, k, d.a):
			gap = min(gap, d.a-k)
		case k >= d.b && !commaAnd(c.p, d.b, k):
			gap = min(gap, k-d.b+1)
		}
	}
	return gap
}

// commaAnd: ", and" stands between tokens a and b: "in May, they met in
// Istanbul, and in August…" dates the meeting by May, not August.
func commaAnd(p *para, a, b int) bool {
	for k := a + 1; k < b; k++ {
		if p.toks[k-1].orig == "," && pairConj[p.toks[k].low] {
			return true
		}
	}
	return false
}

// dateFrom dates m by best, the most precise date of c, widened by the
// days next to it and by a stated duration.
func (m *mention) dateFrom(c *clause, best *dateCand) {
	m.hasDate = true
	m.start, m.end, m.prec, m.endTn = best.start, best.end, best.prec, best.tn
	if best.finish || c.daysBefore {
		m.endTn = tensePast
	}
	if m.prec != PrecisionDay {
		return
	}
	for _, d := range c.dates {
		// "arrived on Monday and the plenary opened this morning": the
		// day before is the journey's
		if d.speech || d.prec != PrecisionDay || d.arrival && !best.arrival {
			continue
		}
		if !d.start.After(addDays(m.end, 1)) && !d.end.Before(addDays(m.start, -1)) {
			if d.start.Before(m.start) {
				m.start = d.start
			}
			if d.end.After(m.end) {
				m.end = d.end
				m.endTn = d.tn
				if d.finish {
					m.endTn = tensePast
				}
			}
		}
	}
	if c.days > 1 && m.start.Equal(m.end) {
		if best.finish || c.daysBefore || c.mask&cEnd != 0 && c.mask&cStart == 0 {
			m.start = addDays(m.end, -(c.days - 1))
		} else {
			m.end = addDays(m.start, c.days-1)
		}
	}
}

// impliedDate dates m, whose clause c names no day of the meeting, by what
// c implies: a duration that ended by the statement, or today.
func (x *Extractor) impliedDate(m *mention, c *clause, pub time.Time) {
	if c.days > 1 && c.mask&cPast != 0 {
		// "said on Sunday that two days of talks had been productive": the
		// talks ended by the day of the statement.
		for _, d := range c.dates {
			if d.speech && d.prec == PrecisionDay {
				m.hasDate = true
				m.start, m.end, m.prec, m.endTn = addDays(d.end, -(c.days-1)), d.end, PrecisionDay, tensePast
				c.metPast = true
				return
			}
		}
	}
	if pub.IsZero() {
		return
	}
	// "held three days of talks in Pyongyang", with no day and no sign of
	// long ago: the news of talks that have just ended.
	if c.days > 1 && c.metPast && c.mask&cHypo == 0 && !c.prev && !c.longAgo && len(c.dates) == 0 && c.hasCue() && !c.p.title && toldAsNews(c) {
		end := addDays(day(pub), -1)
		m.hasDate = true
		m.start, m.end, m.prec, m.endTn = addDays(end, -(c.days-1)), end, PrecisionDay, tensePast
		c.metPast = true
		return
	}
	// "провели заседание, сообщили … во вторник": a meeting told as over
	// by a report of a day took place in the week up to that day.
	if c.mask&cPast != 0 && c.mask&(cFuture|cHypo) == 0 && c.hasCue() {
		for _, d := range c.dates {
			if d.speech && d.prec == PrecisionDay && !d.start.After(day(pub)) {
				m.hasDate = true
				m.start, m.end, m.prec, m.endTn = addDays(d.end, -6), d.end, PrecisionWeek, tensePast
				if c.mask&cEnd != 0 {
					// "said on Friday that the round had ended": news of an end is news that day
					m.start, m.prec = d.end, PrecisionDay
				}
				c.metPast = true
				return
			}
		}
	}
	if c.mask&(cPast|cFuture) == 0 {
		// "delegations are back for a second day": day N is today.
		if n := x.dayOrdinal(c); n > 0 {
			m.hasDate = true
			m.start, m.end, m.prec, m.endTn = addDays(day(pub), -(n-1)), day(pub), PrecisionDay, tensePresent
			return
		}
	}
	if perfect(c) {
		// "the meeting has ended", "the talks have begun": today, unless
		// another report dates the meeting ("have concluded the fifth
		// round … The talks, which took place from July 14 to 17").
		m.titleDay = true
	}
}

// toldAsNews: c tells its meeting in the plain past of news ("held three
// days of talks"), not as something done before ("have held talks there
// before", "had met earlier").
func toldAsNews(c *clause) bool {
	for i := c.a; i < c.b; i++ {
		switch c.p.toks[i].low {
		case "have", "has", "had", "before", "previously", "earlier", "once", "ранее", "раньше", "прежде", "раніше":
			return false
		}
	}
	return true
}

// leadNews: c is in the lead sentence, which reports what talks just
// gave and dates nothing ("Pakistan and Afghanistan agreed to extend the
// truce during talks in Istanbul"): the day's news. Only a meeting the
// body leaves undated takes the day (see datedByHeadline).
func (x *Extractor) leadNews(c *clause) bool {
	p := c.p
	if p.title || p.index != 0 || len(p.sents) == 0 || c.a >= p.sents[0][1] || !c.hasCue() ||
		c.mask&(cPast|cEnd|cFinish) == 0 || c.mask&(cFuture|cHypo) != 0 {
		return false
	}
	for i := p.sents[0][0]; i < p.sents[0][1]; i++ {
		t := &p.toks[i]
		if _, ok := x.weekdays[t.low]; ok {
			return false
		}
		if _, ok := x.relDays[t.low]; ok {
			return false
		}
		if x.isMonth(t) {
			return false
		}
	}
	return true
}

// newsOfTheDay marks an undated mention that reports the meeting as the
// news of the day of publication.
func (m *mention) newsOfTheDay(c *clause, pub time.Time) {
	if m.hasDate || pub.IsZero() {
		return
	}
	if c.mask&cArrive != 0 && (c.p.title || c.p.index <= 1) && c.mask&cHypo == 0 {
		// "Putin envoy heads to Miami for talks", "negotiators landed in
		// Doha to join the talks": the meeting is on now or next.
		m.titleDay = true
	}
	if c.p.title && c.mask&(cStart|cEnd|cFinish|cMeetVerb) != 0 && c.mask&(cFuture|cHypo) == 0 {
		// A headline tells the day's news: "Pashinyan and Aliyev begin talks
		// in the UAE", "minister meets Lutnick". Only a meeting the body
		// leaves undated takes the day (see datedByHeadline).
		m.titleDay = true
	}
	if c.mask&cPresent != 0 && c.mask&(cFuture|cPast) == 0 {
		// "are meeting right now": the publication day, unless the meeting
		// it belongs to is dated ("the talks continue to be constructive"
		// says nothing of when).
		m.titleDay, m.presentDay = true, true
	}
}

// clauseTense is the tense c reports its meeting in.
func clauseTense(c *clause) tense {
	switch {
	case c.metPast || c.mask&cEnd != 0:
		return tensePast
	case c.mask&cFuture != 0:
		return tenseFuture
	case c.mask&(cStart|cPresent) != 0:
		return tensePresent
	case c.mask&cPast != 0:
		return tensePast
	}
	return tenseNone
}

func overlaps(s1, e1, s2, e2 time.Time, slack int) bool {
	return !s1.After(addDays(e2, slack)) && !s2.After(addDays(e1, slack))
}

func conflictParties(a, b map[string]bool) bool {
	if len(a) < 2 || len(b) < 2 {
		return false
	}
	aOnly, bOnly := false, false
	for k := range a {
		if !b[k] {
			aOnly = true
		}
	}
	for k := range b {
		if !a[k] {
			bOnly = true
		}
	}
	return aOnly && bOnly
}

// fit scores how well m belongs to cl; negative when it cannot.
func fit(cl *cluster, m *mention, pd time.Time) int {
	score := 0
	if m.hasLoc && cl.hasLoc {
		switch {
		case m.loc.city >= 0 && cl.loc.city >= 0:
			if m.loc.city != cl.loc.city {
				// "near Miami" and "in Hallandale Beach" are one place.
				if (m.loc.near || cl.loc.near) && m.loc.country == cl.loc.country {
					score++
					break
				}
				return -1
			}
			score += 4
		case m.loc.country != cl.loc.country && m.loc.country != "" && cl.loc.country != "":
			// "peace talks in Ukraine" may name what the talks are about;
			// a city elsewhere ("in Abu Dhabi") does not contradict it. A
			// signing in Washington months before does.
			if (m.loc.city < 0) != (cl.loc.city < 0) && !longBefore(m, pd) && !slices.ContainsFunc(cl.ms, func(o *mention) bool { return longBefore(o, pd) }) {
				break
			}
			return -1
		default:
			score += 2
		}
	}
	if m.hasDate && cl.hasDate {
		slack := 0
		if m.prec == PrecisionDay && cl.prec == PrecisionDay {
			slack = 1
		}
		if !overlaps(m.start, m.end, cl.start, cl.end, slack) {
			return -1
		}
		// The next day is the same meeting only if the text says it goes
		// on (or ended), or names the same place.
		// The day after, unplaced, between the same sides ("On Friday,
		// Akazawa was to hold talks with Bessent") goes on too.
		samePlace := m.hasLoc && cl.hasLoc && (m.loc.city < 0) == (cl.loc.city < 0)
		if !overlaps(m.start, m.end, cl.start, cl.end, 0) && m.c.mask&(cContinue|cStart|cEnd) == 0 && !samePlace && !(!m.hasLoc && sameSides(m.strong, cl.strong)) {
			return -1
		}
		score += 3
	}
	// "a separate meeting … will take place on Wednesday": not the one
	// the article is about
	if m.c.separate {
		return -1
	}
	// "was to hold talks with the Ukrainians separately" is another meeting;
	// "mediators met separately with both delegations" is the same one.
	if m.c.apart && len(cl.strong) > 0 && !sidesWithin(m.strong, cl.strong) {
		return -1
	}
	// "preparations for the next round": not the round already begun
	if m.c.next && !m.hasDate && cl.hasDate && !cl.start.After(pd) {
		return -1
	}
	// "delegations have arrived in Barbados to continue talks" is today's
	// news; "three days of talks last week" is the round before.
	// But "the talks that were launched Monday" began the round that is
	// under way.
	begun := m.hasDate && !cl.hasDate && begunLately(m, pd) && slices.ContainsFunc(cl.ms, func(o *mention) bool { return o.tn == tensePresent || o.c.mask&cArrive != 0 })
	if begun {
		score += 2
	} else if m.hasDate && !cl.hasDate && (m.end.Before(addDays(pd, -1)) || m.prec != PrecisionDay && m.end.Before(pd)) && slices.ContainsFunc(cl.ms, func(o *mention) bool { return o.titleDay && o.c.mask&cArrive != 0 }) {
		return -1
	}
	// "the talks", "both sides" with nothing of their own are the
	// current round, not one named as before it.
	if !m.c.prev && !m.hasDate && !m.hasLoc && !cl.hasDate && !slices.ContainsFunc(cl.ms, func(o *mention) bool { return !o.c.prev }) {
		return -1
	}
	if m.c.round > 0 && cl.round > 0 && m.c.round != cl.round {
		return -1
	}
	if conflictParties(m.strong, cl.strong) {
		return -1
	}
	// "met on the sidelines of the summit … Xi is hosting the summit": a
	// meeting on the sidelines is between its own sides; others at the
	// gathering are not at it.
	if len(cl.strong) >= 2 && !sidesWithin(m.strong, cl.strong) && !sidesWithin(cl.strong, m.strong) && slices.ContainsFunc(cl.ms, func(o *mention) bool { return o.c.mask&cSidelines != 0 }) {
		return -1
	}
	// "Turkey and Qatar, which mediated the talks, said they would go on
	// with their efforts": the tense of what the go-betweens do next.
	if !m.hasDate && cl.hasDate && !onlyHelpers(m) {
		if m.tn == tenseFuture && cl.end.Before(pd) {
			return -1
		}
		if m.tn == tensePast && cl.start.After(pd) {
			return -1
		}
	}
	// "they intend to meet in Geneva" and "the last round took place in
	// Geneva on 17-18 February" are two meetings in one city.
	if m.hasDate && !cl.hasDate && m.end.Before(addDays(pd, -1)) && leansTo(cl, tenseFuture) && !begun {
		return -1
	}
	// "they agreed on a truce during the talks in Istanbul" and "the next
	// meeting will be in Istanbul on 6 November" are two meetings too.
	if m.hasDate && !cl.hasDate && m.start.After(pd) && leansTo(cl, tensePast) {
		return -1
	}
	return score
}

// onlyHelpers: m names go-betweens and no side.
func onlyHelpers(m *mention) bool {
	return len(m.strong) == 0 && slices.ContainsFunc(m.c.ents, func(e entEv) bool { return e.mediator > 0 })
}

// begunLately: m tells of talks that began on a day of the past week and
// says nothing of their end ("the talks that were launched Monday").
func begunLately(m *mention, pd time.Time) bool {
	return m.prec == PrecisionDay && m.c.mask&cStart != 0 && m.c.mask&(cEnd|cFinish) == 0 && !m.start.Before(addDays(pd, -7)) && m.start.Before(pd)
}

// leansTo: some mention of cl is in tense tn and none in the opposite one.
// countedMeetings is the number of meetings a clause counts ("the two
// previous rounds", "три раунда"), 0 when it counts none.
func countedMeetings(c *clause) int {
	t := c.p.toks
	for i := c.a; i < c.b; i++ {
		n, ok := numberWords[t[i].low]
		if !ok || n < 2 || t[i].low == "several" || t[i].low == "few" {
			continue
		}
		for k := i + 1; k < c.b && k <= i+3; k++ {
			switch t[k].low {
			case "rounds", "meetings", "sessions", "summits", "раунда", "раунди", "встречи", "зустрічі", "сессии", "сесії":
				return n
			}
		}
	}
	return 0
}

// sameSides: a and b name the same two or more sides.
func sameSides(a, b map[string]bool) bool {
	if len(a) < 2 || len(a) != len(b) {
		return false
	}
	for c := range a {
		if !b[c] {
			return false
		}
	}
	return true
}

// longBefore: m is dated more than a month before pd.
func longBefore(m *mention, pd time.Time) bool {
	return m.hasDate && m.end.Before(addDays(pd, -30))
}

func leansTo(cl *cluster, tn tense) bool {
	opp := tensePast
	if tn == tensePast {
		opp = tenseFuture
	}
	some := false
	for _, m := range cl.ms {
		if m.tn == opp {
			return false
		}
		some = some || m.tn == tn
	}
	return some
}

func (cl *cluster) add(m *mention) {
	cl.ms = append(cl.ms, m)
	if m.hasLoc && (!cl.hasLoc || cl.loc.city < 0 && m.loc.city >= 0 || cl.loc.near && !m.loc.near && m.loc.city >= 0 ||
		cl.loc.venue < 0 && m.loc.venue >= 0 && m.loc.city == cl.loc.city) {
		// "the port city of Busan" names no country; the meeting's does.
		if m.loc.country == "" && cl.hasLoc {
			m.loc.country = cl.loc.country
		}
		cl.loc, cl.hasLoc = m.loc, true
	}
	if m.hasDate {
		switch {
		case !cl.hasDate:
			cl.start, cl.end, cl.prec, cl.hasDate, cl.endTn = m.start, m.end, m.prec, true, m.endTn
		case cl.prec == PrecisionDay && m.prec == PrecisionDay:
			if m.start.Before(cl.start) {
				cl.start = m.start
			}
			if m.end.After(cl.end) || m.end.Equal(cl.end) && m.endTn == tensePast {
				cl.end, cl.endTn = m.end, m.endTn
			}
		case m.prec == PrecisionDay || m.prec == PrecisionWeek && cl.prec != PrecisionWeek || m.prec == PrecisionMonth && cl.prec == PrecisionSeason:
			cl.start, cl.end, cl.prec, cl.endTn = m.start, m.end, m.prec, m.endTn
		}
	}
	if cl.round == 0 {
		cl.round = m.c.round
	}
	for k := range m.strong {
		cl.strong[k] = true
	}
}

func (x *Extractor) clusterMentions(ms []*mention, pd time.Time) []*cluster {
	var cls []*cluster
	var pending []*mention
	var cur *cluster
	for _, m := range ms {
		anchored := m.hasLoc || m.hasDate
		if m.weak && len(cls) > 0 {
			// Who leads which delegation is said of the meeting the article
			// is about, not of the last one mentioned in passing.
			// It may not bring in a side the meeting's own clauses never
			// name ("the Ukrainian delegation had left by then").
			if main := leadCluster(cls); fit(main, m, pd) >= 0 && !otherSides(m.strong, main.strong) {
				main.add(m)
			}
			continue
		}
		if !anchored || m.weak {
			if cur == nil {
				pending = append(pending, m)
			} else if fit(cur, m, pd) >= 0 && !beforeOrAfter(m, cur) {
				cur.add(m)
			}
			continue
		}
		var best *cluster
		bestScore := 0
		for _, cl := range cls {
			s := fit(cl, m, pd)
			if s <= 0 {
				continue
			}
			if cl == cur {
				s++
			}
			// Of two meetings in one city, the one between the sides the
			// mention names: "asked Umerov's leave for the meeting in
			// Geneva" is not the talks with Iran there.
			if len(m.strong) > 0 && sidesWithin(m.strong, cl.strong) {
				s++
			}
			if s > bestScore {
				best, bestScore = cl, s
			}
		}
		if best == nil && len(cls) > 0 {
			// "Talks in Abu Dhabi" in the headline, "began on Friday" in
			// the lead: a mention that supplies only what the main meeting
			// lacks completes it.
			if main := leadCluster(cls); fit(main, m, pd) == 0 && (m.hasDate && !main.hasDate || m.hasLoc && !main.hasLoc) {
				best = main
			}
		}
		if best == nil {
			best = &cluster{order: len(cls), strong: map[string]bool{}}
			cls = append(cls, best)
			best.add(m)
			// Mentions before the first place or date join the first
			// meeting they fit: a headline's "second round" waits for the
			// second round when the first is told first.
			pending = slices.DeleteFunc(pending, func(pm *mention) bool {
				// "… to meet Umerov in Geneva before Iran talks": what
				// comes before or after it, between others, is not it.
				if fit(best, pm, pd) >= 0 && !beforeOrAfter(pm, best) {
					best.add(pm)
					return true
				}
				return false
			})
		} else {
			best.add(m)
		}
		cur = best
	}
	// "Umerov and Witkoff are meeting right now": no place or date, but
	// a meeting of the day all the same (see datedByHeadline).
	if len(cls) == 0 {
		if i := slices.IndexFunc(pending, meetingNow); i >= 0 {
			cl := &cluster{strong: map[string]bool{}}
			cl.add(pending[i])
			for _, pm := range pending {
				if pm != pending[i] && fit(cl, pm, pd) >= 0 {
					cl.add(pm)
				}
			}
			cls = append(cls, cl)
		}
	}
	return cls
}

// sidesWithin: every side of a is one of b's.
func sidesWithin(a, b map[string]bool) bool {
	for code := range a {
		if !b[code] {
			return false
		}
	}
	return true
}

// meetingNow: two named sides meet as the article is written ("are
// meeting right now", "зустрічаються прямо зараз").
func meetingNow(m *mention) bool {
	return m.presentDay && m.c.hasCue() && m.c.mask&cHypo == 0 && len(m.strong) >= 2
}

// leadScore rates how much the article is about cl: headline, lead, mentions.
func leadScore(cl *cluster) int {
	s := len(cl.ms)
	for _, m := range cl.ms {
		sub := subordinate(m)
		switch {
		case m.title && sub:
			s += 4
		case m.title:
			s += 10
		}
		switch {
		case m.paraIdx == 0 && sub:
			s += 2
		case m.paraIdx == 0:
			s += 5
		case m.paraIdx == 1:
			s += 2
		}
	}
	if cl.hasLoc {
		s++
	}
	if cl.hasDate && cl.prec == PrecisionDay {
		s++
	}
	return s
}

// subordinate: m is told in a clause opened by "after" or "before", which
// tells what the news came after ("… meet in Paris after Moscow talks").
func subordinate(m *mention) bool {
	return m.c.a > 0 && m.c.p.startM[m.c.a]&cBreak != 0 && m.c.p.startM[m.c.a]&cSubordinate != 0
}

// beforeOrAfter: m tells, between other sides, what came before or after
// the meeting of cl ("… to meet Umerov in Geneva before Iran talks").
func beforeOrAfter(m *mention, cl *cluster) bool {
	return subordinate(m) && otherSides(m.strong, cl.strong)
}

// agreedLater: cl is a meeting still to come for no day yet ("… agree to
// continue talks in Istanbul").
func agreedLater(cl *cluster) bool {
	return !cl.hasDate && leansTo(cl, tenseFuture)
}

// heldInLead: cl is a dated meeting over by pd that the lead paragraph
// tells of.
func heldInLead(cl *cluster, pd time.Time) bool {
	return cl.hasDate && cl.end.Before(pd) && slices.ContainsFunc(cl.ms, func(m *mention) bool { return !m.c.p.title && m.paraIdx == 0 && m.tn == tensePast })
}

func leadCluster(cls []*cluster) *cluster {
	best := cls[0]
	for _, cl := range cls[1:] {
		if leadScore(cl) > leadScore(best) {
			best = cl
		}
	}
	return best
}

// events turns clusters into Events, keeping only concrete meetings.
// sidesNamed lists the countries, groups and organisations (and the sides
// of known people) p names other than as a place or an object, sorted.
func (x *Extractor) sidesNamed(p *para) []string {
	var out []string
	for _, an := range p.anns {
		// "in Oman", "sanctions against Russia"; but "on the Pak-Afghan
		// ceasefire" names the two sides.
		if an.a > 0 && p.endM[an.a-1]&(cLocPrep|cObjPrep) != 0 && !(an.b+1 < len(p.toks) && p.toks[an.b].orig == "-" && p.annAt[an.b+1] >= 0) {
			continue
		}
		if helperAfter(p, an.b) {
			continue // "Qatar-Turkey mediation", "Qatari mediators"
		}
		if code, ok := x.countryOf(an); ok && !slices.Contains(out, code) {
			out = append(out, code)
		}
		for _, e := range an.entries {
			if e.kind == kPerson {
				if c := x.people[e.idx].party; c != "" && !x.people[e.idx].commentator && !slices.Contains(out, c) {
					out = append(out, c)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// helperAfter: a word for a go-between follows the name ending at b,
// across a list of other names ("Qatar-Turkey mediation").
func helperAfter(p *para, b int) bool {
	for k := b; k < len(p.toks) && k <= b+4; k++ {
		if p.startM[k]&cMediator != 0 {
			return true
		}
		if p.annAt[k] < 0 && p.toks[k].orig != "-" && p.toks[k].orig != "," && p.toks[k].low != "and" {
			return false
		}
	}
	return false
}

// named are the codes the article names, for a track's standing talks (nil
// when no track has any).
func (x *Extractor) events(cls []*cluster, pub time.Time, articleTopics uint32, titleSides []string, named map[string]bool) []Event {
	pd := day(pub)
	type scored struct {
		ev    Event
		score int
		order int
		three bool // the meeting is called trilateral
		cl    *cluster
	}
	var out []scored
	var rejected []*cluster
	var lead *cluster
	for _, cl := range cls {
		ev, ok := x.event(cl, pd, nil)
		if !ok {
			rejected = append(rejected, cl)
			continue
		}
		if lead == nil || leadScore(cl) > leadScore(lead) {
			lead = cl
		}
		out = append(out, scored{ev, leadScore(cl), firstOrder(cl), cuesOf(cl).mask&cThreeWay != 0, cl})
	}
	sides := x.inheritable(lead, pd, titleSides, named)
	for _, cl := range rejected {
		inherit := sides
		if inherit == nil {
			inherit = x.mediatedSides(cl, pd, named)
		}
		if inherit == nil {
			continue
		}
		if ev, ok := x.event(cl, pd, inherit); ok {
			out = append(out, scored{ev, leadScore(cl), firstOrder(cl), cuesOf(cl).mask&cThreeWay != 0, cl})
		}
	}
	// An article that tells only of meetings long past reports none: they
	// are its background ("Russia handed over the document at the last
	// round in Istanbul in June").
	if !slices.ContainsFunc(out, func(o scored) bool { return !longPast(o.ev, pd) }) {
		return nil
	}
	for i := range out {
		if out[i].three {
			completeThreeWay(&out[i].ev, func(yield func(*Event) bool) {
				for j := range out {
					if j != i && !yield(&out[j].ev) {
						return
					}
				}
			})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].order < out[j].order })
	bi := 0
	for i := range out {
		if out[i].score > out[bi].score {
			bi = i
		}
	}
	// A meeting agreed on for no day yet is what the news led to when the
	// lead tells of a round held: that round is the news.
	if agreedLater(out[bi].cl) {
		for i := range out {
			if heldInLead(out[i].cl, pd) {
				bi = i
				break
			}
		}
	}
	out[bi].ev.Primary = true
	x.articleTopics(&out[bi].ev, articleTopics)
	evs := make([]Event, 0, len(out))
	evs = append(evs, out[bi].ev)
	for i := range out {
		// Besides the meeting the article is about, only dated meetings
		// are reported: "talks in Istanbul" in passing names no round.
		if i != bi && !out[i].ev.Start.IsZero() {
			evs = append(evs, out[i].ev)
		}
	}
	return evs
}

// inheritable are the sides a meeting that names none may take.
// "The previous round was held in Abu Dhabi on January 23-24": a placed and
// dated meeting that names no sides of its own is one of the sides the
// article is about (those of lead).
// With no meeting of its own found, the headline's sides ("Iran-Saudi
// talks…", "Pashinyan and Aliyev …") are those of a meeting whose clause
// names one of them ("he will meet Lutnick in Washington on Thursday").
func (x *Extractor) inheritable(lead *cluster, pd time.Time, titleSides []string, named map[string]bool) []string {
	switch {
	case lead != nil:
		ev, _ := x.event(lead, pd, nil)
		// The sides of a track's standing talks, not the mediators read
		// as sides of the lead meeting.
		if named != nil {
			evs := []Event{ev}
			x.mediatedRounds(evs, named)
			return evs[0].Parties
		}
		return ev.Parties
	case len(titleSides) >= 2 && len(titleSides) <= 4:
		return titleSides
	}
	return nil
}

// articleTopics gives ev, the meeting the article is about, the topics
// the whole article touches besides its own.
func (x *Extractor) articleTopics(ev *Event, topics uint32) {
	if topics == 0 {
		return
	}
	seen := map[string]bool{}
	for _, t := range ev.Topics {
		seen[t] = true
	}
	var ts []string
	for i, t := range x.topics {
		if topics&(1<<uint(i)) != 0 || seen[t] {
			ts = append(ts, t)
		}
	}
	ev.Topics = ts
}

// completeThreeWay gives a meeting called trilateral that names only two
// of its sides ("trilateral talks … between Russian and Ukrainian forces")
// the three sides of another meeting of the article that includes both.
func completeThreeWay(ev *Event, others iter.Seq[*Event]) {
	if len(ev.Parties) != 2 {
		return
	}
	for o := range others {
		if len(o.Parties) == 3 && slices.Contains(o.Parties, ev.Parties[0]) && slices.Contains(o.Parties, ev.Parties[1]) {
			ev.Parties = slices.Clone(o.Parties)
			ev.Mediators = slices.DeleteFunc(ev.Mediators, func(m string) bool { return slices.Contains(o.Parties, m) })
			return
		}
	}
	// "Trump met Zelensky in Davos, his envoys met Putin in Moscow …
	// trilateral talks begin on Friday": the three are the sides the
	// article's meetings name between them, when they are three.
	union := slices.Clone(ev.Parties)
	for o := range others {
		if len(o.Parties) == 2 && (slices.Contains(o.Parties, ev.Parties[0]) || slices.Contains(o.Parties, ev.Parties[1])) {
			for _, code := range o.Parties {
				if !slices.Contains(union, code) {
					union = append(union, code)
				}
			}
		}
	}
	if len(union) == 3 {
		sort.Strings(union)
		ev.Parties = union
		ev.Mediators = slices.DeleteFunc(ev.Mediators, func(m string) bool { return slices.Contains(union, m) })
		return
	}
	// "trilateral talks between Russia and Ukraine", with the US read as a
	// go-between: the one helper that is not the host is the third side.
	var third []string
	for _, m := range ev.Mediators {
		if m != ev.Location.Country {
			third = append(third, m)
		}
	}
	if len(third) == 1 {
		ev.Parties = append(ev.Parties, third[0])
		sort.Strings(ev.Parties)
		ev.Mediators = slices.DeleteFunc(ev.Mediators, func(m string) bool { return m == third[0] })
	}
}

func firstOrder(cl *cluster) int {
	first := 1 << 30
	for _, m := range cl.ms {
		first = min(first, m.order)
	}
	return first
}

// event turns cl into an Event, or false when it is no concrete meeting.
// With inherit set, a meeting that names at most one of those sides and
// no other is taken to be between them, when it has a place and a day and
// the word for a round or talks.
func (x *Extractor) event(cl *cluster, pd time.Time, inherit []string) (Event, bool) {
	var ev Event
	k := cuesOf(cl)
	t := sideTally{
		score:   map[string]int{},
		strong:  map[string]int{},
		med:     map[string]int{},
		named:   map[string]bool{},
		between: map[string]bool{},
		groups:  map[string]bool{},
		members: map[string]bool{},
		subject: map[string]bool{},
	}
	t.tally(cl)
	ev.Participants = x.participants(cl)
	ev.Evidence = evidenceOf(cl)
	parties, internal := t.sidesOf(cl, k.mask)
	ev.Location = x.locationOf(cl)
	ev.Parties, ev.Mediators = t.hostAndMediators(cl, k.mask, parties)
	// Participants of a side that is only a host are mediators' people; keep them.
	// Concrete: two sides and a place or date, or one side with place, date
	// and the word talks/meeting.
	if inherit != nil && !inheritSides(&ev, cl, k, inherit, pd) {
		return ev, false
	}
	// The sides of a meeting inside one country, taken from the article's
	// lead meeting: "meetings between the two Libyan councils in Cairo".
	internal = internal || len(inherit) == 1
	if !concrete(cl, k, len(ev.Parties), internal) {
		return ev, false
	}
	if cl.hasDate {
		ev.Start, ev.End, ev.Precision = cl.start, cl.end, cl.prec
		ev.Start, ev.End = lastedDays(cl, ev.Start, ev.End)
	}
	ev.Status = status(k.mask, k.metPast, cl, pd)
	ev.Topics = x.topicNames(k.topics)
	ev.RoundNumber = cl.round
	ev.Confidence = confidence(&ev, cl, k)
	return ev, true
}

// lastedDays widens the one day start..end of cl by a duration another
// sentence gives: "talks ended on Tuesday … The two-day meeting in Addis
// Ababa was the first in two years" began on Monday.
func lastedDays(cl *cluster, start, end time.Time) (time.Time, time.Time) {
	if cl.prec != PrecisionDay || !start.Equal(end) {
		return start, end
	}
	dated := func(mask cueMask) bool {
		return slices.ContainsFunc(cl.ms, func(o *mention) bool { return o.hasDate && o.c.mask&mask != 0 })
	}
	for _, m := range cl.ms {
		if n := m.c.days; n > 1 && n <= 14 && !m.hasDate {
			switch {
			case dated(cEnd | cFinish):
				return addDays(end, -(n - 1)), end // "ended on Thursday"
			case dated(cStart | cFuture):
				return start, addDays(start, n-1) // "began on Tuesday"
			}
		}
	}
	return start, end
}

// clusterCues are the cues of all the clauses of a cluster taken together.
type clusterCues struct {
	mask    cueMask
	metPast bool
	// meetNoun: a clause names the meeting with a noun ("talks", "summit")
	meetNoun bool
	hard     bool
	topics   uint32
}

func cuesOf(cl *cluster) clusterCues {
	var k clusterCues
	for _, m := range cl.ms {
		c := m.c
		k.hard = k.hard || c.hard
		mask := c.mask
		if m.weak {
			// "the EU envoy said the deal would take effect": the tense
			// of a clause that only names who is at the meeting is not
			// the meeting's.
			mask &^= cFuture | cPast | cPresent
		}
		k.mask |= mask
		k.metPast = k.metPast || c.metPast
		k.topics |= c.topics
		if c.mask&cMeetNoun != 0 {
			k.meetNoun = true
		}
	}
	return k
}

// sideTally is what the clauses of a cluster say of each entity they name.
type sideTally struct {
	score  map[string]int // summed evidence of negotiating
	strong map[string]int // clauses naming it a side for sure
	med    map[string]int // evidence of hosting or mediating
	named  map[string]bool
	// between: the sides of the clause naming the most after "between"
	between map[string]bool
	groups  map[string]bool // movements and armed groups named as sides
	members map[string]bool // sides read from a bloc or format's name
	subject map[string]bool // sides of a pair that opens a sentence (entEv.subject)
}

// tally adds up what the clauses of cl say of each entity.
func (t *sideTally) tally(cl *cluster) {
	for _, m := range cl.ms {
		c := m.c
		// The clause naming the most sides after "between" says who they
		// are ("talks among Ukraine, the US and Russia"), not every clause.
		cb := map[string]bool{}
		for _, e := range c.ents {
			if e.between {
				cb[e.code] = true
			}
		}
		if len(cb) >= 2 && len(cb) > len(t.between) {
			t.between = cb
		}
		for _, e := range c.ents {
			if e.group && e.score >= 2 {
				t.groups[e.code] = true
			}
			t.score[e.code] += e.score
			if e.score >= 2 {
				t.strong[e.code]++
			}
			t.med[e.code] += e.mediator
			t.named[e.code] = true
			if e.member && e.score >= 2 {
				t.members[e.code] = true
			}
			if e.subject {
				t.subject[e.code] = true
			}
		}
	}
}

// participants are the people the clauses name as taking part, each once,
// in the order of the clauses.
func (x *Extractor) participants(cl *cluster) []Participant {
	var out []Participant
	seen := map[int32]bool{}
	for _, m := range cl.ms {
		for _, pe := range m.c.people {
			if !pe.participant || seen[pe.idx] {
				continue
			}
			seen[pe.idx] = true
			pr := x.people[pe.idx]
			out = append(out, Participant{Name: pr.name, Party: pr.party, Role: pr.role})
		}
	}
	return out
}

// evidenceOf holds up to three distinct sentences of the meeting: those of
// the body that may start a meeting, or any when there are none.
func evidenceOf(cl *cluster) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range cl.ms {
		if !m.title && !m.weak && !seen[m.evidence] && len(out) < 3 {
			seen[m.evidence] = true
			out = append(out, m.evidence)
		}
	}
	if len(out) == 0 {
		for _, m := range cl.ms {
			if !seen[m.evidence] && len(out) < 3 {
				seen[m.evidence] = true
				out = append(out, m.evidence)
			}
		}
	}
	return out
}

// sidesOf returns the negotiating sides, sorted, and whether the talks are
// inside one country. Entities it drops as sides count as helpers in t.med.
func (t *sideTally) sidesOf(cl *cluster, mask cueMask) (parties []string, internal bool) {
	for code := range t.score {
		if t.strong[code] > 0 && t.strong[code] >= t.med[code] {
			parties = append(parties, code)
		}
	}
	// A government and a movement of its own country, or rival factions:
	// the talks are inside that country, and foreigners at them help.
	// A standing format names its members as the sides ("the Geneva
	// International Discussions"), whoever else speaks for a territory.
	if in := internalSide(cl, t.strong, t.groups, mask); in != "" && len(t.between) < 2 && len(t.members) < 2 {
		parties = slices.DeleteFunc(parties, func(c string) bool {
			if c == in {
				return false
			}
			t.med[c]++
			return true
		})
		if len(parties) == 0 {
			parties = []string{in}
		}
		internal = true
	}
	// "talks between Israel and Hamas" says who the sides are; anyone else
	// at the table (an envoy who joins, a host) helps them.
	if len(t.between) >= 2 {
		parties = parties[:0]
		for c := range t.score {
			if t.between[c] {
				parties = append(parties, c)
			} else if t.strong[c] > 0 {
				t.med[c]++
			}
		}
		sort.Strings(parties)
	}
	// "indirect talks with Hamas through mediators": two sides; an envoy
	// named beside them is one of the go-betweens.
	if mask&cIndirect != 0 && len(parties) > 2 && len(t.between) < 2 {
		if pair := indirectSides(cl); len(pair) == 2 {
			parties = slices.DeleteFunc(parties, func(c string) bool {
				if pair[c] {
					return false
				}
				t.med[c]++
				return true
			})
		}
	}
	sort.Strings(parties)
	return parties, internal
}

// locationOf is the place of the meeting, zero when it has none.
func (x *Extractor) locationOf(cl *cluster) Location {
	var loc Location
	if !cl.hasLoc {
		return loc
	}
	loc.Country = cl.loc.country
	if cl.loc.city >= 0 {
		loc.City = x.cities[cl.loc.city].name
	}
	if cl.loc.venue >= 0 {
		loc.Venue = x.venues[cl.loc.venue].name
	}
	return loc
}

// hostAndMediators returns the sides, less a host that only hosts, and the
// mediators, sorted: whoever helps and is no side, and the host country.
func (t *sideTally) hostAndMediators(cl *cluster, mask cueMask, parties []string) ([]string, []string) {
	var mediators []string
	for code, n := range t.med {
		if n > 0 && !slices.Contains(parties, code) {
			mediators = append(mediators, code)
		}
	}
	if cl.hasLoc {
		// The host country, when named and not negotiating, is a mediator.
		hc := cl.loc.country
		// A host beside two other sides hosts them ("the president hosted
		// the two leaders at the White House", "talks in Riyadh between
		// Russia and the US with the Saudi minister attending"), unless the
		// text counts three sides.
		if slices.Contains(parties, hc) && len(parties) >= 3 && mask&cThreeWay == 0 && !cl.threeSides && !t.members[hc] && !t.between[hc] && !t.subject[hc] {
			parties = slices.DeleteFunc(parties, func(p string) bool { return p == hc })
		}
		if t.named[hc] && !slices.Contains(parties, hc) && !slices.Contains(mediators, hc) {
			mediators = append(mediators, hc)
		}
	}
	sort.Strings(mediators)
	return parties, mediators
}

// inheritSides gives ev the sides of inherit, or returns false when cl is
// no meeting that may take them: it names a side of its own, or lacks the
// word for talks, a city, or a day (a week or month will do for a meeting
// that is over).
func inheritSides(ev *Event, cl *cluster, k clusterCues, inherit []string, pd time.Time) bool {
	// Consultations with a place are a meeting, not a call.
	if len(ev.Parties) >= 2 || !k.meetNoun && k.mask&cMeetVerb == 0 || !k.hard && !cl.hasLoc || !cl.hasDate {
		return false
	}
	// A day, or for a round that is over a week or month: "the last
	// round was held in New Delhi in December 2019".
	// Or "the next round will be held in Yerevan early next month": the
	// round announced after the one in the news, which may name only the
	// country ("the next session in Armenia in July").
	next := slices.ContainsFunc(cl.ms, func(m *mention) bool { return m.c.next }) && cl.start.After(pd)
	// "When they last met, in November 2022, the sides agreed…": a meeting
	// that is over, told of by the sides, needs no place.
	byRef := cl.end.Before(pd) && slices.ContainsFunc(cl.ms, func(m *mention) bool {
		return m.c.mask&cSideRef != 0 && m.c.hasCue() && m.tn == tensePast
	})
	if !next && !byRef && (!cl.hasLoc || cl.loc.city < 0) {
		return false
	}
	if cl.prec != PrecisionDay && !next && (precisionRank(cl.prec) < precisionRank(PrecisionMonth) || !cl.end.Before(pd)) {
		return false
	}
	for _, p := range ev.Parties {
		if !slices.Contains(inherit, p) {
			return false
		}
	}
	ev.Parties = slices.Clone(inherit)
	ev.Mediators = slices.DeleteFunc(ev.Mediators, func(m string) bool { return slices.Contains(inherit, m) })
	return true
}

// concrete: cl, with n sides, is a meeting that really took or takes place.
func concrete(cl *cluster, k clusterCues, n int, internal bool) bool {
	// A bare country with no date ("talks in Ukraine") names no meeting.
	placed := cl.hasLoc && (cl.loc.city >= 0 || cl.loc.venue >= 0)
	if !k.hard && !cl.hasLoc {
		return false // "discussions" with no place: as likely a call as a meeting
	}
	ok := (n >= 2 || internal && n == 1) && (placed || cl.hasDate)
	// An undated meeting the headline and lead do not report is background
	// ("he recalled the proposals made at the meeting in Istanbul").
	if !cl.hasDate && !slices.ContainsFunc(cl.ms, func(m *mention) bool { return (m.title || m.paraIdx <= 1) && m.c.mask&cRecall == 0 }) {
		ok = false
	}
	return ok
}

func (x *Extractor) topicNames(topics uint32) []string {
	var out []string
	for i, t := range x.topics {
		if topics&(1<<uint(i)) != 0 {
			out = append(out, t)
		}
	}
	return out
}

// confidence grows with what pins the meeting down: a city, a day, two
// sides, several mentions, a status the text states.
func confidence(ev *Event, cl *cluster, k clusterCues) float64 {
	conf := 0.3
	if ev.Location.City != "" {
		conf += 0.2
	} else if cl.hasLoc {
		conf += 0.1
	}
	if cl.hasDate {
		if cl.prec == PrecisionDay {
			conf += 0.2
		} else {
			conf += 0.1
		}
	}
	if len(ev.Parties) >= 2 {
		conf += 0.1
	}
	if len(cl.ms) >= 2 {
		conf += 0.1
	}
	if k.mask&(cCancel|cPostpone|cEnd|cStart|cFuture) != 0 || k.metPast {
		conf += 0.05
	}
	if conf > 0.95 {
		conf = 0.95
	}
	return float64(int(conf*100+0.5)) / 100
}

func status(mask cueMask, metPast bool, cl *cluster, pd time.Time) Status {
	switch {
	case mask&cCancel != 0:
		return StatusCancelled
	case mask&cPostpone != 0:
		return StatusPostponed
	}
	// "are meeting" is under way only when said of this moment: "are
	// meeting today" may be later in the day.
	started := mask&(cStart|cNow) != 0
	future := mask&cFuture != 0
	ended := mask&cEnd != 0
	if !cl.hasDate {
		switch {
		case metPast || ended:
			return StatusHeld
		case started || mask&cPresent != 0:
			return StatusUnderway
		case future:
			return StatusScheduled
		}
		return StatusHeld
	}
	switch {
	case cl.end.Before(pd) && started && !ended && !metPast && (mask&cPresent != 0 || absDays(cl.end, pd) <= 7):
		// "the talks, which began on Sunday, are continuing": a start
		// within the week and no word of an end.
		return StatusUnderway
	case cl.end.Before(pd):
		return StatusHeld
	case cl.start.After(pd):
		return StatusScheduled
	}
	// The meeting spans the publication day.
	if cl.prec != PrecisionDay {
		switch {
		case ended || metPast && !future:
			return StatusHeld
		case future && !slices.ContainsFunc(cl.ms, func(m *mention) bool { return m.tn != tenseFuture && m.c.mask&cStart != 0 }):
			// "talks are set to continue this weekend", said on the
			// Saturday, "will resume … this month": the days ahead, with
			// no word that they began.
			return StatusScheduled
		case started:
			return StatusUnderway
		case future:
			return StatusScheduled
		}
		return StatusUnderway
	}
	if cl.start.Equal(pd) && !started && !metPast && future {
		return StatusScheduled // "will meet today", "talks open on Friday"
	}
	if mask&cNow != 0 && !ended {
		// "met today" and "are meeting again right now": still under way
		return StatusUnderway
	}
	if cl.end.Equal(pd) {
		if cl.endTn == tensePast && (ended || metPast || !started && !future && mask&cPresent == 0) {
			return StatusHeld // "ended on Saturday", "met on Friday", "agreed during the talks"
		}
		if cl.start.Equal(pd) && metPast && !started && cl.endTn != tenseFuture {
			return StatusHeld
		}
	}
	return StatusUnderway
}

// internalSide is the one country whose sides meet: a movement of that
// country named as a side next to its state, or words for rival factions
// next to a single state side. "" when the meeting is between states.
func internalSide(cl *cluster, strong map[string]int, groups map[string]bool, mask cueMask) string {
	for g := range groups {
		// Israel and Hamas: another side as well supported is no helper.
		rival := false
		for code, n := range strong {
			if code != g && n >= strong[g] && !(cl.hasLoc && code == cl.loc.country) {
				rival = true
			}
		}
		if rival {
			continue
		}
		for _, m := range cl.ms {
			for _, e := range m.c.ents {
				if e.code == g && !e.group && !e.place {
					return g
				}
			}
		}
		// "Houthi and government negotiators": the government of the
		// movement's own country
		if mask&cGovt != 0 && len(strong) == 1 {
			return g
		}
	}
	if mask&cInternal == 0 {
		return ""
	}
	// rival factions of the one side that is no venue
	side := ""
	for code, n := range strong {
		if n == 0 || cl.hasLoc && code == cl.loc.country {
			continue
		}
		if side != "" {
			return ""
		}
		side = code
	}
	return side
}

// strongCodes are the sides a clause names for sure.
// indirectSides: the sides named in the clauses that call the talks
// indirect ("Israeli negotiators began indirect talks with Hamas").
func indirectSides(cl *cluster) map[string]bool {
	out := map[string]bool{}
	for _, m := range cl.ms {
		if m.c.mask&cIndirect != 0 {
			maps.Copy(out, strongCodes(m.c))
		}
	}
	return out
}

func strongCodes(c *clause) map[string]bool {
	m := map[string]bool{}
	for _, e := range c.ents {
		if e.score >= 2 {
			m[e.code] = true
		}
	}
	return m
}

// otherSides: a clause naming a side the meeting clause lacks, while the
// meeting clause has sides it does not name ("Witkoff will see Putin …,
// after talks with Ukrainian officials"), speaks of another meeting.
func otherSides(c, o map[string]bool) bool {
	if len(c) == 0 || len(o) < 2 {
		return false
	}
	return conflictParties(c, o) || len(c) == 1 && !o[firstKey(c)]
}

func firstKey(m map[string]bool) string {
	for k := range m {
		return k
	}
	return ""
}

// timeClause: the clause opens with "since", "before", "after"… and so
// dates another event than the meeting it follows.
func timeClause(p *para, c *clause) bool {
	k := c.a
	if k < len(p.toks) && p.toks[k].orig == "," {
		k++
	}
	if k >= c.b {
		return false
	}
	switch p.toks[k].low {
	case "since", "before", "after", "following", "until", "when", "while":
		return true
	}
	return false
}

// perfect: a start or end word in the present perfect ("has ended", "have
// begun"), which reports something of the day of publication.
func perfect(c *clause) bool {
	t := c.p.toks
	for i := c.a + 1; i < c.b; i++ {
		if c.p.startM[i]&(cStart|cEnd) == 0 {
			continue
		}
		if l := t[i-1].low; l == "has" || l == "have" || i-2 >= c.a && (t[i-2].low == "has" || t[i-2].low == "have") && t[i-1].kind == tWord && len(l) > 2 && l[len(l)-2:] == "ly" {
			return true
		}
	}
	return false
}

// dayOrdinal finds "second day", "day two" in c and returns the number.
func (x *Extractor) dayOrdinal(c *clause) int {
	t := c.p.toks
	for i := c.a; i+1 < c.b; i++ {
		if n, ok := x.ordinals[t[i].low]; ok && n >= 1 && n <= 7 && dayNoun(t[i+1].low) {
			return n // "the second day", "второй день", "другий день"
		}
		if t[i].low == "day" {
			if n, ok := x.ordinals[t[i+1].low]; ok && n >= 1 && n <= 7 {
				return n
			}
		}
	}
	return 0
}

// dayNoun: w is the word for a day of a meeting.
func dayNoun(w string) bool {
	switch w {
	case "day", "день", "дня", "дне", "дні":
		return true
	}
	return false
}

// maxTextBytes bounds what one article may cost: no news article comes near
// it, and a runaway page must not stall a worker.
const maxTextBytes = 1 << 20

// capText cuts text longer than maxTextBytes at the last paragraph break
// before the limit (or at a rune boundary when there is none).
func capText(s string) string {
	if len(s) <= maxTextBytes {
		return s
	}
	cut := strings.LastIndex(s[:maxTextBytes], "\n\n")
	if cut <= 0 {
		cut = maxTextBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	return s[:cut]
}
