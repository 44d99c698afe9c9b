package extract

import (
	"slices"
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
	// member: read from a bloc or format's name; a host that is a member
	// is a side ("the Normandy format met in Paris").
	member bool
	// subject: one of a pair opening the sentence that tells of the
	// meeting ("Israeli and Lebanese officers met in Naqoura"): a side even
	// where it hosts.
	subject bool
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
	// s, e: the tokens naming a city read as a city; zero otherwise
	s, e int
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
	next bool
	// prev: "the previous Geneva talks", "an earlier round": a meeting
	// before the one in the news
	prev bool
	// separate: "a separate meeting": not any other meeting the article
	// tells of
	separate bool
	// hypoStart: its words of starting or ending are only possible
	// ("ready to resume talks").
	hypoStart bool
	// apart: "held talks with them separately": another meeting than one
	// between other sides.
	apart  bool
	locs   []locCand
	dates  []dateCand
	ents   []entEv
	people []personEv
	topics uint32
	round  int
	days   int // stated duration ("two-day talks")
	// longAgo: the clause dates itself by a year long past ("the treaty
	// was signed there in 1991").
	longAgo bool
	// maybe: the clause opens with a word of possibility, split off a
	// meeting held ("…, possibly at a summit on Monday"): all of it may be.
	maybe bool
	// daysBefore: the duration ends at the clause's date ("after two days").
	daysBefore bool
	// invitedSide: one side invites the other ("Zelensky invites Putin to
	// meet in Kyiv"): an offer, no meeting yet.
	invitedSide bool
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
	c.separate = c.separate || o.separate
	c.apart = c.apart || o.apart
	c.prev = c.prev || o.prev
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
	if c.maybe || c.invitedSide {
		return true
	}
	if c.mask&cHypo == 0 {
		return false
	}
	return !(c.metPast || c.mask&(cStart|cEnd|cCancel|cPostpone) != 0 && !c.hypoStart)
}

// hypoStarts: every word of starting or ending in [a, b) is what a word
// of possibility governs ("ready to resume talks", "hopes to conclude"),
// and there is one.
func hypoStarts(p *para, a, b int) bool {
	found := false
	for i := a; i < b; i++ {
		if p.startM[i]&(cStart|cEnd) == 0 {
			continue
		}
		governed := false
		for k := max(a, i-3); k < i; k++ {
			if p.endM[k]&cHypo != 0 {
				governed = true
			}
		}
		if !governed {
			return false
		}
		found = true
	}
	return found
}

// analyzeClause reads the tokens [a, b) of p.
// Names and dates are taken from [a, b); the words around a name are read
// within the whole sentence [sa, sb).
func (x *Extractor) analyzeClause(p *para, a, b, sa, sb int, pub time.Time) *clause {
	c := &clause{p: p, a: a, b: b}
	cr := &clauseReader{x: x, c: c, p: p, t: p.toks, a: a, b: b, sa: sa, sb: sb, pub: pub}
	cr.scanCues()
	cr.scanStatus()
	cr.afterPast()
	c.dates = x.parseDates(p, a, b, pub, cr.tenseAt)
	for ai := range p.anns {
		an := &p.anns[ai]
		if an.a < a || an.b > b {
			continue
		}
		cr.readAnn(an)
	}
	cr.readHeOrShe()
	cr.readSpeakerHe()
	cr.readHisMeeting()
	cr.readRound()
	cr.readDays()
	c.longAgo = yearLongAgo(p, a, b, pub)
	c.hypoStart = hypoStarts(p, a, b)
	c.invitedSide = cr.invitedSide()
	if cr.pronoun && !c.hasCue() && c.mask&(cStart|cEnd|cFinish|cContinue) != 0 && len(c.ents) == 0 {
		c.mask |= cMeetNoun
	}
	return c
}

// invitedSide: the clause invites ("invites", "пригласил"), and no
// organisation, which would convene the sides, is named in it; "was not
// invited" says who is absent.
func (cr *clauseReader) invitedSide() bool {
	p, t := cr.p, cr.t
	for i := cr.a; i < cr.b; i++ {
		if p.startM[i]&cInvite == 0 || i > cr.a && t[i].low == "invited" && (t[i-1].low == "not" || t[i-1].low == "was" || t[i-1].low == "were" || t[i-1].low == "been") {
			continue
		}
		if i-2 >= cr.a && p.startM[i-2]&cMediatorPre != 0 || i-1 >= cr.a && p.startM[i-1]&cMediatorPre != 0 {
			continue // "at the invitation of the crown prince": a host
		}
		for ai := range p.anns {
			an := &p.anns[ai]
			if an.a < cr.a || an.b > cr.b {
				continue
			}
			for _, e := range an.entries {
				if e.kind == kEntity && cr.x.entities[e.idx].kind == "org" {
					return false
				}
			}
		}
		return true
	}
	return false
}

// readHeOrShe reads "he" or "she" opening the sentence of a meeting
// as the person a sentence before opened with: "He is due to hold talks
// on Sunday with counterparts from France, Britain and Germany."
// readHisMeeting reads "his meeting with Netanyahu" in a sentence that
// opened with Trump as Trump's meeting.
func (cr *clauseReader) readHisMeeting() {
	p, t := cr.p, cr.t
	for i := cr.a; i+1 < cr.b; i++ {
		switch t[i].low {
		case "his", "her":
		default:
			continue
		}
		if p.startM[i+1]&cMeetNoun == 0 && (i+2 >= cr.b || p.startM[i+2]&cMeetNoun == 0) {
			continue
		}
		if en, ok := cr.personIn(func(an *ann) bool { return an.a >= cr.sa && an.a < i && an.a < cr.sa+8 }); ok {
			st := annSite{s: i, e: i + 1, k: cr.prevTok(i)}
			cr.readPerson(&st, en)
		}
		return
	}
}

// personIn is the first person among the annotations that in accepts.
func (cr *clauseReader) personIn(in func(an *ann) bool) (entry, bool) {
	for ai := range cr.p.anns {
		an := &cr.p.anns[ai]
		if !in(an) {
			continue
		}
		for _, en := range an.entries {
			if en.kind == kPerson {
				return en, true
			}
		}
	}
	return entry{}, false
}

// readSpeakerHe reads "he" or "she" right after a verb of saying as the
// person who said it: "Trump said on Monday he would meet Xi in South
// Korea" is Trump's meeting.
func (cr *clauseReader) readSpeakerHe() {
	p, t := cr.p, cr.t
	if !cr.c.hasCue() {
		return
	}
	for i := cr.a + 1; i < cr.b; i++ {
		switch t[i].low {
		case "he", "she", "он", "она", "він", "вона":
		default:
			continue
		}
		// the verb of saying within four tokens before: "said", "said
		// on Monday", "said that"
		sp := -1
		for q := i - 1; q >= cr.sa && q >= i-5; q-- {
			if p.startM[q]&cSpeech != 0 {
				sp = q
				break
			}
		}
		if sp < 0 {
			continue
		}
		// the person who says it, in the few tokens before the verb
		if en, ok := cr.personIn(func(an *ann) bool { return an.b <= sp && an.b >= sp-2 && an.a >= cr.sa }); ok {
			st := annSite{s: i, e: i + 1, k: cr.prevTok(i)}
			cr.readPerson(&st, en)
		}
		return
	}
}

func (cr *clauseReader) readHeOrShe() {
	p, a := cr.p, cr.a
	if a != cr.sa || p.prevPerson < 0 || !cr.c.hasCue() {
		return
	}
	switch cr.t[a].low {
	case "he", "she", "он", "она", "він", "вона":
	default:
		return
	}
	st := annSite{s: a, e: a + 1, k: cr.prevTok(a)}
	cr.readPerson(&st, entry{kind: kPerson, idx: p.prevPerson})
}

// yearLongAgo: "in 1991", a year at least two before pub, dates the
// clause.
func yearLongAgo(p *para, a, b int, pub time.Time) bool {
	// Last year is long past once January is: "Turkey hosted two rounds in
	// 2025".
	last := pub.Year() - 2
	if pub.YearDay() > 31 {
		last = pub.Year() - 1
	}
	for i := a; i+1 < b; i++ {
		switch p.toks[i].low {
		case "in", "в", "у":
		default:
			continue
		}
		if y := &p.toks[i+1]; y.kind == tNum && y.numLen == 4 && y.num >= 1900 && y.num <= last {
			return true
		}
	}
	return false
}

// clauseReader reads the clause [a, b) of p, within its sentence [sa, sb),
// into c.
type clauseReader struct {
	x            *Extractor
	c            *clause
	p            *para
	t            []token
	a, b, sa, sb int
	pub          time.Time
	cuePos       []int // meeting words
	nearPos      []int // meeting words and weak meeting words
	tcues        []tenseCue
	// nextAt: meeting words of a meeting still to come ("the next round")
	nextAt []int
	// remote: a clause about a phone or video call: its names are not at
	// the meeting.
	remote bool
	// sentCue: a meeting word anywhere in the sentence.
	sentCue bool
	// pronoun: the clause opens with "it" (or "она", "вона"…) for the
	// meeting of the sentence before.
	pronoun bool
}

// pronoun: w may stand for a meeting named in the sentence before.
func pronoun(w string) bool {
	switch w {
	case "it", "они", "она", "оно", "вони", "вона", "воно":
		return true
	}
	return false
}

// tenseCue is a tense word of the clause.
type tenseCue struct {
	pos int
	tn  tense
}

// scanCues finds the meeting words of the clause and of its sentence, and
// whether the clause is about a call.
func (cr *clauseReader) scanCues() {
	c, p, t, a, b, sa, sb := cr.c, cr.p, cr.t, cr.a, cr.b, cr.sa, cr.sb
	for i := sa; i < sb; i++ {
		m := p.startM[i]
		if m&cMeeting != 0 && i >= a && i < b {
			cr.cuePos = append(cr.cuePos, i)
			if m&cSoftMeet == 0 {
				c.hard = true
			}
			for q := i - 1; q >= a && q >= i-3; q-- {
				if nextWord(t[q].low) {
					c.next = true
					cr.nextAt = append(cr.nextAt, i)
				}
				if prevWord(t[q].low) {
					c.prev = true
				}
				if separateWord(t[q].low) {
					c.separate = true
				}
			}
		}
		if m&(cMeeting|cWeakMeet) != 0 {
			cr.nearPos = append(cr.nearPos, i)
		}
	}
	// "It started on Wednesday and is expected to last three days", after
	// a sentence about a meeting: "it" is that meeting.
	if a == sa && p.prevMeeting && pronoun(t[a].low) {
		cr.nearPos = append(cr.nearPos, a)
		cr.pronoun = true
	}
	// A clause about a phone or video call: its names are not at the meeting.
	// "was to hold talks with the Ukrainians separately": another meeting
	// than the one the article is about, wherever the adverb stands.
	for i := a; i < b; i++ {
		if p.startM[i]&cRemote != 0 {
			cr.remote = true
		}
		if w := t[i].low; w == "separately" || w == "отдельно" || w == "окремо" {
			c.apart = true
		}
	}
	for i := sa; i < sb; i++ {
		if p.startM[i]&cMeeting != 0 {
			cr.sentCue = true
		}
	}
}

// scanStatus gathers the cues, topics and tense words of the clause.
func (cr *clauseReader) scanStatus() {
	c, p, a, b := cr.c, cr.p, cr.a, cr.b
	// Status words count only next to a meeting word: "continuing strikes"
	// says nothing about talks.
	const statusBits = cStart | cEnd | cFinish | cCancel | cPostpone | cContinue
	for i := a; i < b; i++ {
		m := p.startM[i]
		if m&statusBits != 0 && !cr.nearMeeting(i) && !(m&(cCancel|cPostpone) != 0 && cr.subjectMeeting(i)) {
			m &^= statusBits
		}
		// "the closed border": an adjective of something else, no verb
		// of the meeting ("the postponed talks" are the meeting's).
		if i > a && i+1 < b && p.endM[i-1]&cDeterminer != 0 && m&cMeeting == 0 && p.startM[i+1]&(cMeeting|cWeakMeet) == 0 && cr.t[i+1].kind == tWord {
			m &^= statusBits | cPast
		}
		// "were nearly called off, but went ahead": a cancellation
		// that did not happen.
		if m&(cCancel|cPostpone) != 0 && (i > a && p.endM[i-1]&cNearly != 0 || i > a+1 && p.endM[i-2]&cNearly != 0) {
			m &^= cCancel | cPostpone
		}
		c.topics |= p.topicM[i]
		if m&(cFinish|cEnd) != 0 && cr.willBefore(i) {
			// "will be finished", "will end": an end still to come
			m &^= cFinish | cEnd | cPast
		}
		c.mask |= m
		if m&cFinish != 0 && m&(cPast|cMeetVerb) != 0 {
			c.metPast = true
		}
		switch {
		case m&cFuture != 0:
			cr.tcues = append(cr.tcues, tenseCue{i, tenseFuture})
		case m&cPast != 0:
			cr.tcues = append(cr.tcues, tenseCue{i, tensePast})
		case m&cPresent != 0:
			cr.tcues = append(cr.tcues, tenseCue{i, tensePresent})
		}
	}
	if len(cr.tcues) == 0 {
		cr.pastByForm()
	}
}

// afterPast reads "a statement issued after a meeting of the delegations":
// a meeting something already done came after is over.
func (cr *clauseReader) afterPast() {
	p, t, a := cr.p, cr.t, cr.a
	if t[a].low != "after" || a-1 < cr.sa || a+3 >= cr.b {
		return
	}
	prev := &t[a-1]
	done := p.endM[a-1]&(cPast|cSpeech) != 0 || edForm(prev)
	if !done {
		return
	}
	for k := a + 1; k <= a+3; k++ {
		if p.startM[k]&cMeetNoun != 0 {
			cr.c.metPast = true
			cr.tcues = append(cr.tcues, tenseCue{a, tensePast})
			return
		}
	}
}

// edForm: t is a lower-case English word in -ed ("collapsed", "issued"),
// a past form whatever the lexicon holds.
func edForm(t *token) bool {
	return t.kind == tWord && !t.upper && len(t.low) >= 5 && strings.HasSuffix(t.low, "ed")
}

// pastByForm takes an English verb in -ed ("collapsed", "stalled") for the
// past when the clause has no tense word of the lexicon: news tells most
// of what happened in the simple past, with verbs no list can hold.
func (cr *clauseReader) pastByForm() {
	for i := cr.a; i < cr.b; i++ {
		t := cr.t[i]
		if !edForm(&t) || cr.p.startM[i] != 0 || cr.p.endM[i] != 0 {
			continue
		}
		// "the proposed talks", "a planned meeting": an adjective before its noun.
		if i+1 < cr.b && cr.p.startM[i+1]&(cMeeting|cWeakMeet) != 0 {
			continue
		}
		// "… who was detained", "has proposed": the auxiliary decides.
		if i > cr.a && (cr.t[i-1].low == "be" || cr.t[i-1].low == "been" || cr.t[i-1].low == "being") {
			continue
		}
		cr.tcues = append(cr.tcues, tenseCue{i, tensePast})
		return
	}
}

// willBefore: a future word stands right before token i ("will be
// finished", "will have met").
func (cr *clauseReader) willBefore(i int) bool {
	n := len(cr.tcues)
	return n > 0 && cr.tcues[n-1].tn == tenseFuture && i-cr.tcues[n-1].pos <= 3
}

// nearMeeting: token i is within 15 tokens of a meeting or weak meeting
// word, or follows one with at most 6 words between when names stand
// there too: in "the 31st meeting of the Joint Working Group on Border
// Affairs (JWG) was held", "held" is the meeting's verb.
func (cr *clauseReader) nearMeeting(i int) bool {
	for _, q := range cr.nearPos {
		if q-i <= 15 && i-q <= 15 || q < i && cr.fewWordsBetween(q, i, 6) {
			return true
		}
	}
	return false
}

// subjectMeeting: a meeting word opens the sentence and token i comes
// after it: "A meeting between … that was scheduled for Monday in
// Brussels was called off", however long the words that name it.
func (cr *clauseReader) subjectMeeting(i int) bool {
	for _, q := range cr.cuePos {
		if q < i && i-q <= 30 && q-cr.sa <= 2 {
			return true
		}
	}
	return false
}

// fewWordsBetween: at most n tokens strictly between q and i are words
// that are not capitalised.
func (cr *clauseReader) fewWordsBetween(q, i, n int) bool {
	for k := q + 1; k < i; k++ {
		if t := cr.t[k]; !t.upper && t.kind == tWord {
			if n--; n < 0 {
				return false
			}
		}
	}
	return true
}

// tenseAt gives the tense that governs token i.
// lastCueBefore is the position of the last tense word before token i, or
// -1.
func (cr *clauseReader) lastCueBefore(i int) int {
	for k := len(cr.tcues) - 1; k >= 0; k-- {
		if cr.tcues[k].pos < i {
			return cr.tcues[k].pos
		}
	}
	return -1
}

func (cr *clauseReader) tenseAt(i int) tense {
	tcues := cr.tcues
	tn, fut := tenseNone, false
	for k := len(tcues) - 1; k >= 0; k-- {
		if tcues[k].pos >= i {
			continue
		}
		if tn == tenseNone {
			tn = tcues[k].tn
			// "will be finished", "will have ended": a past form after
			// "will" is the future.
			if tn == tensePast && k > 0 && tcues[k-1].tn == tenseFuture && tcues[k].pos-tcues[k-1].pos <= 3 {
				tn = tenseFuture
			}
		}
		if tcues[k].tn == tenseFuture {
			fut = true
		}
	}
	if tn == tensePresent && fut {
		return tenseFuture
	}
	// "agreed to hold the next session in Armenia in July": the next
	// meeting between the past word and the date is still to come.
	if tn == tensePast && slices.ContainsFunc(cr.nextAt, func(q int) bool { return q < i && q > cr.lastCueBefore(i) }) {
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

// dist is the distance from token i to the nearest meeting word of the clause.
func (cr *clauseReader) dist(i int) int {
	best := 1 << 20
	for _, q := range cr.cuePos {
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

// prevTok is the index before s, skipping "the" and "central".
func (cr *clauseReader) prevTok(s int) int {
	p, t, sa := cr.p, cr.t, cr.sa
	k := s - 1
	for n := 0; n < 2 && k >= sa && p.endM[k]&cPlaceAdj != 0; n++ {
		k--
	}
	if k >= sa && t[k].low == "the" {
		k--
	}
	return k
}

// isListy: token k belongs to a list of names, which leftWalk and rightWalk
// walk over: "Russian, Ukrainian and US", "Qatar and Egypt".
func (cr *clauseReader) isListy(k int) bool {
	p := cr.p
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

func (cr *clauseReader) leftWalk(s int) int {
	k := s - 1
	for k >= cr.sa && cr.isListy(k) {
		k--
	}
	return k
}

func (cr *clauseReader) rightWalk(e int) int {
	k := e
	for k < cr.sb && cr.isListy(k) {
		k++
	}
	return k
}

// near: a cue of m within w tokens of [s, e), outside it.
func (cr *clauseReader) near(s, e int, m cueMask, w int) bool {
	p, sa, sb := cr.p, cr.sa, cr.sb
	for k := s - w; k < e+w; k++ {
		if k >= sa && k < sb && (k < s || k >= e) && (p.startM[k]|p.endM[k])&m != 0 {
			return true
		}
	}
	return false
}

// allyBefore: the name is in the reach of an earlier "joined by",
// "alongside": support, not a side.
func (cr *clauseReader) allyBefore(s int) bool {
	p, t, sa := cr.p, cr.t, cr.sa
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

// annSite is where one annotation [s, e) stands in its sentence: k is the
// token before it (see prevTok), and the rest says how the words around
// present it.
type annSite struct {
	s, e, k int
	prep    bool // "in X", "the city of X"
	approx  bool // "near X", "outside X"
	from    bool // "from X"
	// fromSide: "delegations from X"; reading one entry of the annotation
	// may set it for the entries after it.
	fromSide bool
	compound bool // "X talks", "X-hosted"
	locScore int  // how surely the name is where the meeting is
	// usedAsPlace: a city or venue of the annotation was taken as the place.
	usedAsPlace bool
}

// readAnn reads one annotation of the clause: its places, its parties and
// its people.
func (cr *clauseReader) readAnn(an *ann) {
	st := cr.site(an)
	if code := cr.pairedCapital(an); code != "" {
		cr.c.ents = append(cr.c.ents, entEv{code: code, score: 2, between: true})
		return
	}
	cr.readPlaces(an, &st)
	for _, en := range an.entries {
		switch en.kind {
		case kEntity:
			cr.readEntity(&st, en)
		case kPerson:
			cr.readPerson(&st, en)
		}
	}
}

// pairedCapital is the country whose capital an names in "between Manila
// and Beijing": two capitals paired by "between" are their governments, as
// the data lists for a few capitals ("Kyiv") and news writes of any. "" when
// an is not such a capital.
func (cr *clauseReader) pairedCapital(an *ann) string {
	p, t, sa, sb := cr.p, cr.t, cr.sa, cr.sb
	capitalAt := func(i int) string {
		if i < sa || i >= sb || p.annAt[i] < 0 {
			return ""
		}
		for _, en := range p.anns[p.annAt[i]].entries {
			if en.kind != kCity {
				continue
			}
			if code := cr.x.cities[en.idx].country; cr.x.capital[code] == en.idx {
				return code
			}
		}
		return ""
	}
	code := capitalAt(an.a)
	if code == "" {
		return ""
	}
	k := cr.prevTok(an.a)
	switch {
	case k >= sa && betweenWord(t[k].low):
		// "between Manila and Beijing"
		if an.b+1 < sb && pairConj[t[an.b].low] {
			if other := capitalAt(an.b + 1); other != "" && other != code {
				return code
			}
		}
	case k >= sa && pairConj[t[k].low] && k-1 >= sa && p.annAt[k-1] >= 0:
		// "… and Beijing"
		first := &p.anns[p.annAt[k-1]]
		if other := capitalAt(first.a); other != "" && other != code {
			if j := cr.prevTok(first.a); j >= sa && betweenWord(t[j].low) {
				return code
			}
		}
	}
	return ""
}

// site reads the words around the annotation an.
func (cr *clauseReader) site(an *ann) annSite {
	p, t, sa, sb := cr.p, cr.t, cr.sa, cr.sb
	s, e := an.a, an.b
	k := cr.prevTok(s)
	st := annSite{s: s, e: e, k: k}
	if k >= sa {
		pm := p.endM[k]
		switch {
		case pm&cLocPrep != 0 || pm&cCityNoun != 0:
			st.prep = true
			st.approx = t[k].low == "near" || t[k].low == "outside"
		case pm&cFromPrep != 0 && instrumentalWith(t, k, s):
			// "переговори з Росією": with, not from
		case pm&cFromPrep != 0:
			st.from = true
			// "delegations from Russia, Ukraine and the US"
			st.fromSide = k-1 >= sa && p.endM[k-1]&(cNegotiator|cWeakMeet) != 0
		case t[k].orig == "," && k-1 >= sa && p.endM[k-1]&cCityNoun != 0:
			st.prep = true
		case cr.afterCapitalOf(k):
			st.prep = true
		case cr.placeListBefore(k, 3):
			st.prep = true
		}
	}
	// "his Turnberry resort": a place named by the kind of place after it.
	if !st.prep && e < sb && p.startM[e]&cCityNoun != 0 && hasKind(*an, kCity) {
		st.prep = true
	}
	st.compound = e < sb && (p.startM[e]&cMeetNoun != 0 || t[e].orig == "-" && e+1 < sb && p.startM[e+1]&(cMeetNoun|cMediator) != 0) ||
		t[e-1].poss && e < sb && p.startM[e]&cMeetNoun != 0
	st.locScore = cr.locScore(&st)
	return st
}

// placeListBefore: token k joins a city named as a place to the name
// after it ("in Astana and Vientiane", "in Doha, Cairo and Riyadh").
func (cr *clauseReader) placeListBefore(k, depth int) bool {
	p := cr.p
	if depth == 0 || k-1 < cr.sa || p.toks[k].orig != "," && !pairConj[p.toks[k].low] {
		return false
	}
	id := p.annAt[k-1]
	if id < 0 || !hasKind(p.anns[id], kCity) {
		return false
	}
	j := cr.prevTok(p.anns[id].a)
	return j >= cr.sa && (p.endM[j]&cLocPrep != 0 || cr.placeListBefore(j, depth-1))
}

// afterCapitalOf: token k closes a country named after "capital" ("в
// столице Объединенных Арабских Эмиратов Абу-Даби", "the capital of
// Kenya, Nairobi"), so the name after it is the capital itself.
func (cr *clauseReader) afterCapitalOf(k int) bool {
	p := cr.p
	if k >= cr.sa && p.toks[k].orig == "," {
		k--
	}
	// "в столице Объединенных Арабских Эмиратов (ОАЭ) Абу-Даби": the
	// country's abbreviation in brackets stands between.
	if k >= cr.sa && p.toks[k].orig == ")" {
		for q := k - 1; q >= cr.sa && q >= k-4; q-- {
			if p.toks[q].orig == "(" {
				k = q - 1
				break
			}
		}
	}
	if k < cr.sa || p.annAt[k] < 0 {
		return false
	}
	an := &p.anns[p.annAt[k]]
	if an.b != k+1 || !slices.ContainsFunc(an.entries, func(e entry) bool { return e.kind == kEntity }) {
		return false
	}
	q := an.a - 1
	// "Объединенных Арабских" before "Эмиратов", which alone is in the gazetteer
	for n := 0; n < 3 && q >= cr.sa && p.toks[q].upper && p.annAt[q] < 0; n++ {
		q--
	}
	if q >= cr.sa && (p.toks[q].low == "of" || p.toks[q].low == "the") {
		q--
	}
	return q >= cr.sa && p.endM[q]&cCityNoun != 0 && isCapitalWord(p.toks[q].low)
}

// locScore: how surely the annotation names where the meeting is; 3 and
// more is a place.
func (cr *clauseReader) locScore(st *annSite) int {
	locScore := 0
	switch {
	case st.compound:
		locScore = 4
	case st.prep:
		locScore = 3
	case st.from && cr.backFromTalks(st):
		// "returned from Washington after holding talks": the place
		// they came back from is where they met.
		return 3
	case st.from:
		locScore = 1
	}
	if locScore > 0 {
		switch d := cr.dist(st.s); {
		case d <= 4:
			locScore += 2
		case d <= 10:
			locScore++
		}
	}
	if cr.penalty(st) {
		locScore -= 4
	}
	return locScore
}

// backFromTalks: the place after "from" is one people came back from,
// and the clause goes on to the meeting they held there.
func (cr *clauseReader) backFromTalks(st *annSite) bool {
	t, k := cr.t, st.k
	if k-1 < cr.sa {
		return false
	}
	switch t[k-1].low {
	case "returned", "returning", "returns", "back", "home":
	default:
		return false
	}
	for q := st.e; q < cr.sb && q < st.e+8; q++ {
		if cr.p.startM[q]&cMeeting != 0 {
			return true
		}
	}
	return false
}

// penalty: the name is where a side sits or a source speaks, not where
// anyone meets.
func (cr *clauseReader) penalty(st *annSite) bool {
	p, sa, sb, e, k := cr.p, cr.sa, cr.sb, st.e, st.k
	// "the regime in Naypyidaw": the seat of a side, not a venue.
	penalty := st.prep && k-1 >= sa && p.endM[k-1]&(cSeat|cTopicPlace) != 0
	for j := k; j >= sa && j >= k-6; j-- {
		// "confirmed the Istanbul talks" names the meeting's place all
		// the same; "announced at the Antalya forum" does not.
		if p.endM[j]&(cSpeech|cBack) != 0 && !(st.compound && k-j <= 1) {
			penalty = true
		}
	}
	// "officials in Kyiv said": where a source speaks from, not where
	// anyone meets. "met in Bender, the bureau said" is the meeting's.
	for q := e; q < sb && q < e+2 && p.toks[q].orig != ","; q++ {
		if p.startM[q]&cSpeech != 0 {
			penalty = true
		}
	}
	return penalty
}

// readPlaces takes the cities and venues of an as place candidates.
func (cr *clauseReader) readPlaces(an *ann, st *annSite) {
	x, c, locScore := cr.x, cr.c, st.locScore
	// "negotiators from Chisinau and Tiraspol": whom they speak for, not
	// where they meet.
	if st.fromSide && slices.ContainsFunc(an.entries, func(e entry) bool { return e.kind == kEntity && e.sub == subMetonym }) {
		return
	}
	for _, en := range an.entries {
		switch en.kind {
		case kCity:
			if locScore > 0 {
				c.locs = append(c.locs, locCand{city: en.idx, venue: -1, country: x.cities[en.idx].country, score: locScore, near: st.approx, s: st.s, e: st.e})
				if locScore >= 3 {
					st.usedAsPlace = true
				}
			}
		case kVenue:
			if st.prep || st.compound {
				v := x.venues[en.idx]
				c.locs = append(c.locs, locCand{city: v.city, venue: en.idx, country: x.cities[v.city].country, score: locScore + 1})
				st.usedAsPlace = true
			}
		}
	}
}

// readEntity reads a country, organisation or group: a place, a mediator
// or a side, and how surely a side.
func (cr *clauseReader) readEntity(st *annSite, en entry) {
	ent := cr.x.entities[en.idx]
	if en.sub == subMetonym && st.usedAsPlace {
		return
	}
	ev := entEv{code: ent.code, group: ent.isGroup(cr.pub)}
	if cr.entityPlace(st, en, ent, &ev) {
		cr.c.ents = append(cr.c.ents, ev)
		return
	}
	// "Russian spokesman": the commentator's country. "…and Georgia, said
	// a spokesman": the attribution after the comma is not about it.
	if cr.near(st.s, st.e, cCommentator, 3) && !cr.attributionAfter(st.e) {
		return
	}
	if cr.besideGathering(st.s) {
		return
	}
	l, r := cr.leftWalk(st.s), cr.rightWalk(st.e)
	cr.readMediator(ent, l, r, &ev)
	if ev.mediator == 0 {
		cr.readSide(st, l, r, &ev)
	}
	cr.demoteSide(st, en, ent, &ev)
	if ent.kind == "format" {
		// "the 60th round of the Geneva International Discussions": a
		// standing format named by its meeting is its members meeting.
		if ev.mediator == 0 && cr.dist(st.s) <= 6 {
			ev.score = 2
		}
		cr.formatMembers(ent, ev)
		return
	}
	cr.c.ents = append(cr.c.ents, ev)
}

// formatMembers reads a bloc or standing format as its members, each in
// the role the format's name has in the clause, and its chairs as
// go-betweens: "the EU and Mercosur signed" is the EU and Mercosur's four.
func (cr *clauseReader) formatMembers(ent entity, ev entEv) {
	for _, m := range ent.members {
		mev := ev
		mev.code, mev.group, mev.member = m, false, true
		cr.c.ents = append(cr.c.ents, mev)
	}
	for _, ch := range ent.chairs {
		cr.c.ents = append(cr.c.ents, entEv{code: ch, mediator: 1})
	}
}

// entityPlace: the entity is named as a place, not a side ("in the UAE",
// "Geneva, Switzerland", "the Saudi capital"); it sets ev.place and adds
// the place candidates it gives.
func (cr *clauseReader) entityPlace(st *annSite, en entry, ent entity, ev *entEv) bool {
	x, c, p, t, sa, sb := cr.x, cr.c, cr.p, cr.t, cr.sa, cr.sb
	s, e, k := st.s, st.e, st.k
	// "in Sweden's capital": the capital city.
	if en.sub == subName && t[e-1].poss && e < sb && isCapitalWord(t[e].low) && k >= sa && p.endM[k]&cLocPrep != 0 {
		ev.place = true
		if cid, ok := x.capital[ent.code]; ok {
			c.locs = append(c.locs, locCand{city: cid, venue: -1, country: ent.code, score: 3 + boolInt(cr.dist(s) <= 10)})
		}
		return true
	}
	// "в столице Казахстана", "in the capital of the UAE, Abu Dhabi": the
	// capital city.
	if q := capitalBefore(t, k, sa); en.sub == subName && ent.kind == "country" && q >= 0 {
		ev.place = true
		if q-1 >= sa && t[q-1].low == "the" {
			q-- // "in the capital of Kazakhstan"
		}
		if cid, ok := x.capital[ent.code]; ok && q-1 >= sa && p.endM[q-1]&cLocPrep != 0 {
			c.locs = append(c.locs, locCand{city: cid, venue: -1, country: ent.code, score: 3 + boolInt(cr.dist(s) <= 10)})
		}
		return true
	}
	// "the Barbados talks": named by where they are held, like "the
	// Istanbul talks"; no side.
	if en.sub == subName && ent.kind == "country" && st.compound && s-1 >= sa && t[s-1].low == "the" {
		ev.place = true
		return true
	}
	// A place, not a side: "in the UAE", "Geneva, Switzerland", "the Saudi capital".
	medFrom := st.from && k-1 >= sa && p.endM[k-1]&cMediator != 0
	if en.sub == subName && ent.kind == "country" && (st.prep || st.from && !st.fromSide && !medFrom) {
		ev.place = true
		if st.prep && st.locScore >= 3 {
			c.locs = append(c.locs, locCand{city: -1, venue: -1, country: ent.code, score: st.locScore - 1})
		}
		return true
	}
	if en.sub == subName && k >= sa && t[k].orig == "," && k-1 >= sa && p.annAt[k-1] >= 0 && hasKind(p.anns[p.annAt[k-1]], kCity) {
		ev.place = true
		return true
	}
	if en.sub == subDemonym && e < sb && p.startM[e]&cCityNoun != 0 {
		ev.place = true
		// "in the Omani capital" names the capital city.
		if cid, ok := x.capital[ent.code]; ok && isCapitalWord(t[e].low) && k >= sa && p.endM[k]&cLocPrep != 0 {
			sc := 3
			if cr.dist(s) <= 10 {
				sc++
			}
			c.locs = append(c.locs, locCand{city: cid, venue: -1, country: ent.code, score: sc})
		}
		return true
	}
	return false
}

// attributionAfter: the comma at e opens the attribution of the sentence
// (", said a spokesman", ", his spokesman said"), which is not about the
// name before it.
func (cr *clauseReader) attributionAfter(e int) bool {
	t, p := cr.t, cr.p
	if e+1 >= cr.sb || t[e].orig != "," {
		return false
	}
	if p.startM[e+1]&cSpeech != 0 {
		return true
	}
	switch t[e+1].low {
	case "his", "her", "their", "its", "the", "a":
		return e+2 < cr.sb && p.startM[e+2]&cCommentator != 0
	}
	return false
}

// readMediator reads whether the entity, whose list of names spans (l, r),
// hosts or mediates, and takes a host as the place.
func (cr *clauseReader) readMediator(ent entity, l, r int, ev *entEv) {
	c, p, t, sa, sb := cr.c, cr.p, cr.t, cr.sa, cr.sb
	// "the EU special representative", "спецпредставитель ЕС", "a UN
	// envoy": an organisation's envoy goes between the sides.
	if ent.kind == "org" && (l >= sa && p.endM[l]&cEnvoy != 0 || r < sb && p.startM[r]&cEnvoy != 0) {
		ev.mediator = 1
		ev.place = false
		return
	}
	// "hosted by X", "mediators from X and Y", "в присутствии президента США"
	if l >= sa && (p.endM[l]&cMediatorPre != 0 || p.endM[l]&cNegotiator != 0 && l-1 >= sa && p.endM[l-1]&cMediatorPre != 0 ||
		(t[l].low == "from" || t[l].low == "of") && l-1 >= sa && p.endM[l-1]&cMediator != 0) {
		ev.mediator = 1
		ev.place = false
	}
	// "Qatari mediators", "the UAE, which hosted the talks",
	// "Emirati officials, who helped arrange the meeting"
	hosts := false
	q0 := r
	if q0+1 < sb && t[q0].orig == "-" && !t[q0].spaceBefore {
		q0++ // "China-brokered talks", "Qatar-mediated"
	}
	// "U.S. envoy Tom Barrack hosted the sessions": the envoy hosts, and
	// where he does is no more his country than his name is.
	person := false
	for q, n := q0, 0; q < sb && n < 6; q, n = q+1, n+1 {
		m := p.startM[q]
		if m&cMediatorPre != 0 {
			break // "Russia and Ukraine, mediated by Qatar": the helper comes after
		}
		if m&cMediator != 0 {
			ev.mediator = 1
			hosts = hostWord(t[q].low) && !person
			break
		}
		if an := p.annAt[q]; an >= 0 && hasKind(p.anns[an], kPerson) && q > q0 && p.startM[q-1]&cEnvoy != 0 {
			person = true
			q = max(q, p.anns[an].b-1)
			continue
		}
		if m&(cNegotiator|cRel|cList|cEnvoy) == 0 {
			break
		}
	}
	if ev.mediator > 0 && (hosts || l >= sa && t[l].low == "by" && l-1 >= sa && hostWord(t[l-1].low)) {
		// "Oman will host the talks", "hosted by Türkiye": the
		// country is where, when nothing closer says so.
		c.locs = append(c.locs, locCand{city: -1, venue: -1, country: ent.code, score: 3})
	}
}

// readSide scores an entity that is no mediator: 2 when the words around
// its list of names (l, r) make it a negotiating side, else 1.
func (cr *clauseReader) readSide(st *annSite, l, r int, ev *entEv) {
	p, sa, sb := cr.p, cr.sa, cr.sb
	ev.score = 1
	cr.sideBefore(st, l, ev)
	// "Israel and Hamas agreed ... after three days of talks":
	// a pair of sides opening a sentence with a meeting word
	// is who met.
	if l < sa && cr.sentCue && r < sb && r-(l+1) >= 3 && p.startM[r]&cSpeech == 0 && cr.hasAnd(l+1, r) {
		ev.score, ev.subject = 2, true
	}
	if cr.meetingAfter(st, r) || cr.govtAndRivals(l, r) {
		ev.score = 2
	}
	if cr.sourceAfter(st, r) {
		ev.score = 1
	}
	// "the war between Russia and Ukraine", "ending the war with Russia",
	// "his stalemate with U.S. President Trump": the sides of the
	// conflict the talks are about, not of the talks.
	if cr.conflictWith(l) {
		ev.score, ev.between = 1, false
	}
}

// govtAndRivals: the names (l, r) open a sentence that tells of a
// meeting as their government's, paired with its rivals ("South Sudan's
// government and a coalition of opposition groups resumed talks"): the
// one side of talks inside that country.
func (cr *clauseReader) govtAndRivals(l, r int) bool {
	p, t, sb := cr.p, cr.t, cr.sb
	if l >= cr.sa || !cr.sentCue || r+1 >= sb || p.startM[r]&cGovt == 0 || !cr.hasAnd(r+1, r+2) {
		return false
	}
	for q := r + 2; q < sb && q < r+8; q++ {
		if p.startM[q]&cInternal != 0 {
			return true
		}
		if t[q].kind != tWord {
			return false
		}
	}
	return false
}

// sideBefore reads the words before the list of names, which ends at l.
func (cr *clauseReader) sideBefore(st *annSite, l int, ev *entEv) {
	p, t, sa := cr.p, cr.t, cr.sa
	// "talks between X and Y", "delegations of X and Y", "делегаций России"
	// ", with X greeting them" adds a circumstance, not a side.
	absolute := l >= sa && t[l].low == "with" && l-1 >= sa && t[l-1].orig == ","
	if l >= sa && (p.endM[l]&(cBetween|cNegotiator|cMeetNoun) != 0 && !absolute ||
		(t[l].low == "of" || st.fromSide || p.endM[l]&cGovt != 0) && l-1 >= sa && p.endM[l-1]&(cNegotiator|cMeetNoun|cWeakMeet) != 0) {
		ev.score = 2 // … "представители правительства ДР Конго и движения М23"
	}
	// "переговори з Росією", "зустріч із Україною": Ukrainian "with"
	if l >= sa && instrumentalWith(t, l, st.s) {
		ev.score = 2
	}
	// "delegations from the United States, Ukraine and Russia",
	// "representatives from Ethiopia and from the Tigrayan government"
	if l-1 >= sa && p.endM[l]&cFromPrep != 0 && (p.endM[l-1]&(cNegotiator|cWeakMeet) != 0 || cr.fromListBefore(l)) {
		ev.score = 2
		st.fromSide = true
	}
	if l >= sa && betweenBefore(p, sa, l) {
		ev.score = 2 // "talks between regional foes Iran and Saudi Arabia"
	}
	if cr.appositiveSides(l) {
		ev.score = 2
	}
	// "with the participation of the guarantor states (Iran, Russia,
	// Turkey)": members listed after the group they make up.
	if k := cr.groupBefore(l); k >= sa && p.endM[k]&cBetween != 0 {
		ev.score, ev.between = 2, true
		return
	}
	// "… (Iran, Russia, Turkey), the Syrian government, and the Syrian
	// armed opposition": the list goes on after the parenthesis.
	if k := cr.afterGroup(l); k >= sa && p.endM[k]&cBetween != 0 {
		ev.score, ev.between = 2, true
	}
	// "counterparts from France, Britain and Germany" are the other
	// sides, not all of them.
	// "Water ministers of Egypt, Ethiopia and Sudan" name all the sides too;
	// "met senior diplomats from Britain, France and Germany" the others.
	ofList := l-1 >= sa && t[l].low == "of" && p.endM[l-1]&cNegotiator != 0
	if l >= sa && (betweenWord(t[l].low) || (st.fromSide || ofList) && !counterpartsBefore(t, l, sa) && !cr.objectOfMeeting(l) || betweenBefore(p, sa, l)) && ev.score == 2 {
		ev.between = true // "talks between X and Y", "delegations from X, Y and Z"
	}
}

// appositiveSides: the list of names after the comma that ends at l
// spells out a group named just before as a side: "delegations from Iran
// and the three European powers, Britain, France and Germany".
func (cr *clauseReader) appositiveSides(l int) bool {
	p, t, sa := cr.p, cr.t, cr.sa
	// the walk to the list's left end has taken the comma in
	if l >= sa && t[l].orig == "," {
		l--
	} else if l < sa || l+1 >= cr.sb || t[l+1].orig != "," {
		return false
	}
	for k, n := l, 0; k-1 >= sa && n < 5; k, n = k-1, n+1 {
		switch t[k].low {
		case "and":
			return n > 0 && cr.fromListBefore(k+1)
		}
		if t[k].kind != tWord && t[k].kind != tNum || t[k].upper && n == 0 && p.annAt[k] < 0 {
			return false
		}
	}
	return false
}

// conflictWith: the list of names after token l is the other side of a
// conflict ("the war with Russia", "his nuclear stalemate with President
// Trump").
func (cr *clauseReader) conflictWith(l int) bool {
	p, sa := cr.p, cr.sa
	return l-1 >= sa && p.endM[l]&cBetween != 0 && p.endM[l-1]&cConflict != 0
}

// objectOfMeeting: the people named before the preposition at l are whom
// a meeting verb just before meets ("met senior diplomats from …").
func (cr *clauseReader) objectOfMeeting(l int) bool {
	for q := l - 1; q >= cr.sa && q >= l-5; q-- {
		if cr.p.startM[q]&cMeetVerb != 0 {
			return true
		}
		if cr.t[q].kind != tWord {
			return false
		}
	}
	return false
}

// counterpartsBefore: "counterparts" stands right before the preposition
// at l ("counterparts from France").
func counterpartsBefore(t []token, l, sa int) bool {
	if l-1 < sa {
		return false
	}
	switch t[l-1].low {
	case "counterparts", "counterpart", "коллегами", "колегами", "коллеги", "колеги":
		return true
	}
	return false
}

// groupBefore: when token l opens a parenthesis after a short plain noun
// phrase ("the guarantor states ("), the token before that phrase; else -1.
func (cr *clauseReader) groupBefore(l int) int {
	t := cr.t
	if l < cr.sa || t[l].orig != "(" {
		return -1
	}
	for k, n := l-1, 0; k >= cr.sa && n < 4; k, n = k-1, n+1 {
		if t[k].kind != tWord || t[k].upper || cr.p.annAt[k] >= 0 {
			return -1
		}
		if k-1 >= cr.sa && cr.p.endM[k-1]&cBetween != 0 {
			return k - 1
		}
	}
	return -1
}

// afterGroup: when l closes a parenthesis, or the words ending at l go on
// from one (") , the", "), and the"), what groupBefore gives for the
// opening one; else -1.
func (cr *clauseReader) afterGroup(l int) int {
	t, k := cr.t, l
	for n := 0; k >= cr.sa && n < 3 && (t[k].low == "the" || t[k].orig == "," || t[k].low == "and"); n++ {
		k--
	}
	if k < cr.sa || t[k].orig != ")" {
		return -1
	}
	for j := k - 1; j >= cr.sa && j >= k-12; j-- {
		if t[j].orig == "(" {
			return cr.groupBefore(j)
		}
	}
	return -1
}

// hasAnd: an "and" among the tokens [from, to).
func (cr *clauseReader) hasAnd(from, to int) bool {
	t := cr.t
	pair := false
	for q := from; q < to; q++ {
		if t[q].low == "and" || t[q].low == "и" || t[q].low == "та" || t[q].low == "і" {
			pair = true
		}
	}
	return pair
}

// meetingAfter: a meeting word follows the name, or its list of names
// ending at r, as a side's.
func (cr *clauseReader) meetingAfter(st *annSite, r int) bool {
	p, t, sb, e := cr.p, cr.t, cr.sb, st.e
	// "Pakistan's high-stakes negotiations with Afghanistan"
	if t[e-1].poss {
		for q := e; q < sb && q < e+3; q++ {
			if p.startM[q]&cMeetNoun != 0 {
				return true
			}
			if t[q].kind != tWord || t[q].upper {
				break
			}
		}
	}
	// "X and Y delegations", "X and Y will hold a second round"; the
	// words for the other side of one country are not counted ("X's
	// government and opposition resumed their dialogue").
	lim := r + 5
	for q := r; q < sb && q < lim; q++ {
		if p.startM[q]&cInternal != 0 || t[q].low == "government" {
			lim++
		}
		// "the Joint Military Commission, which brings together officers
		// of both forces, met": the relative clause stands between.
		if (t[q].low == "which" || t[q].low == "who") && q-1 >= 0 && t[q-1].orig == "," {
			if end := commaAfter(t, q+1, min(sb, q+25)); end > 0 {
				lim += end + 1 - q
				q = end
				continue
			}
		}
		if t[q].kind == tPunct && t[q].orig != "-" {
			break
		}
		if p.startM[q]&cMeeting != 0 || q < r+2 && p.startM[q]&cNegotiator != 0 {
			return true
		}
	}
	return false
}

// commaAfter is the first comma in t[from:to], or -1.
func commaAfter(t []token, from, to int) int {
	for k := from; k < to; k++ {
		if t[k].orig == "," {
			return k
		}
	}
	return -1
}

// sourceAfter: a source, not a side: "Turkish officials said",
// "Ukrainian President Volodymyr Zelensky said"
func (cr *clauseReader) sourceAfter(st *annSite, r int) bool {
	p, t, sb, e := cr.p, cr.t, cr.sb, st.e
	// "… talks of Ukraine, the US and Russia, said Umerov": the verb of
	// saying after a comma opens the attribution; the name ends the report.
	if r < sb && r-1 >= e && t[r-1].orig == "," && p.startM[r]&cSpeech != 0 {
		return false
	}
	q := r
	for q < sb && (p.startM[q]&cNegotiator != 0 || p.annAt[q] >= 0 && hasKind(p.anns[p.annAt[q]], kPerson) || t[q].upper && q-r < 4 ||
		titleWord(t[q].low) && (q+1 < sb && t[q+1].upper || q+2 < sb && t[q+2].upper) && q-r < 10) {
		q++ // "US special envoy for the Horn of Africa Mike Hammer says"
	}
	for k := e; k < sb && (k < r+3 || k <= q+1); k++ {
		if p.startM[k]&cSpeech != 0 {
			return true
		}
	}
	// "the EU's foreign policy chief said": whose office speaks.
	if t[e-1].poss {
		for k := e; k < sb && k < e+5 && t[k].kind == tWord && p.startM[k]&cMeeting == 0; k++ {
			if p.startM[k]&cSpeech != 0 {
				return true
			}
		}
	}
	return false
}

// demoteSide makes a side of an entity named as something else only
// mentioned.
func (cr *clauseReader) demoteSide(st *annSite, en entry, ent entity, ev *entEv) {
	p, t, sa, sb := cr.p, cr.t, cr.sa, cr.sb
	s, e, k := st.s, st.e, st.k
	// "the Nato summit", "an EU summit": the organisation's own
	// gathering, a format rather than a side.
	if ev.score > 1 && st.compound && ent.kind == "org" {
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
	if ev.score > 1 && cr.near(s, e, cAbsent, 3) {
		ev.score = 1 // "with Kyiv absent from the table"
	}
	if ev.score > 1 && cr.remote {
		ev.score = 1 // "spoke to Russia by phone"
	}
	if ev.score > 1 && !ev.between && (cr.near(s, e, cAlly, 4) || cr.allyBefore(s)) {
		ev.score = 1 // "European leaders joined the talks", "accompanied by French officials"
	}
	if ev.score > 1 && cr.joinsMeetingAfter(e) {
		// "officials from the U.S., Qatar and Turkey arrived to join the
		// negotiations": they join a meeting of others.
		ev.score, ev.between = 1, false
	}
	if ev.score > 1 && cr.asWellAsBefore(s) {
		// "…the Syrian government and the opposition, as well as
		// representatives from the UN, Jordan and Iraq": observers.
		ev.score, ev.between = 1, false
	}
}

// joinsMeetingAfter: after token e the clause says its subject joins a
// meeting already named ("… to join the negotiations", "joined the talks").
func (cr *clauseReader) joinsMeetingAfter(e int) bool {
	t, p := cr.t, cr.p
	for i := e; i < cr.b; i++ {
		switch t[i].low {
		case "join", "joins", "joined", "joining":
		default:
			continue
		}
		for k := i + 1; k < cr.b && k <= i+3; k++ {
			if p.startM[k]&cMeetNoun != 0 {
				return true
			}
		}
	}
	return false
}

// asWellAsBefore: "as well as" stands within the eight tokens before the
// list that holds s.
func (cr *clauseReader) asWellAsBefore(s int) bool {
	t, l := cr.t, cr.leftWalk(s)
	for k := l; k-2 >= cr.sa && k >= l-8; k-- {
		if t[k].low == "as" && t[k-1].low == "well" && t[k-2].low == "as" {
			return true
		}
	}
	return false
}

// readPerson reads a person: a side's participant, a source, or a host.
func (cr *clauseReader) readPerson(st *annSite, en entry) {
	c, p, sa := cr.c, cr.p, cr.sa
	s, e := st.s, st.e
	pr := cr.x.people[en.idx]
	if pr.commentator {
		return
	}
	speech := cr.speaks(s, e)
	ev := entEv{code: pr.party, score: 2}
	// "LeBlanc's office said the minister met Lutnick": an office speaks
	// of what its own minister did, so its side is at the meeting.
	office := speech && cr.officeSpeaks(e)
	if cr.remote && !pr.mediator {
		// "had spoken to Putin by phone before the meeting"
		speech = true
	}
	if speech && !office {
		ev.score = 1
	}
	// "a ceremony hosted by President X": the host, not a side.
	l := s - 1
	for given := 0; l >= sa && (cr.isListy(l) || p.endM[l]&cNegotiator != 0 || given < 2 && cr.t[l].upper && cr.t[l].kind == tWord && p.annAt[l] < 0); l-- {
		// titles: "hosted by President X"; given names the gazetteer
		// leaves out: "в присутствии президента США Дональда Трампа"
		if p.annAt[l] < 0 && cr.t[l].upper && !cr.isListy(l) && p.endM[l]&cNegotiator == 0 {
			given++
		}
	}
	if l >= sa && p.endM[l]&cMediatorPre != 0 {
		ev.mediator, ev.score, speech = 1, 0, true
	}
	if ev.score > 1 && cr.conflictWith(l) {
		ev.score = 1 // "his stalemate with President Trump"
	}
	if ev.score > 1 && (cr.near(s, e, cAlly, 4) || cr.allyBefore(s)) {
		ev.score = 1 // "Witkoff to join the talks": support, not a side
	}
	if pr.mediator {
		// a host's minister: "Turkish Foreign Minister Hakan Fidan"
		ev.mediator, ev.score = 2, 0
	}
	c.ents = append(c.ents, ev)
	c.people = append(c.people, personEv{idx: en.idx, participant: !speech})
}

// officeSpeaks: the person named before e is the possessor of an office
// that speaks ("LeBlanc's office said").
func (cr *clauseReader) officeSpeaks(e int) bool {
	t := cr.t
	if !t[e-1].poss || e >= cr.sb {
		return false
	}
	switch t[e].low {
	case "office", "ministry", "press", "aides":
	default:
		return false
	}
	for q := e + 1; q < cr.sb && q <= e+2; q++ {
		if cr.p.startM[q]&cSpeech != 0 {
			return true
		}
	}
	return false
}

// speaks: the person named [s, e) is quoted, a source rather than at the
// table.
func (cr *clauseReader) speaks(s, e int) bool {
	p, t, sa, sb := cr.p, cr.t, cr.sa, cr.sb
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
	return speech
}

// readRound reads the round number: "the third round", "3rd round", "round two".
func (cr *clauseReader) readRound() {
	x, c, p, t, a, b := cr.x, cr.c, cr.p, cr.t, cr.a, cr.b
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
}

// readDays reads how long the talks last.
func (cr *clauseReader) readDays() {
	c, p, t, a, b := cr.c, cr.p, cr.t, cr.a, cr.b
	// Duration in one word: "двухдневные переговоры", "дводенні переговори".
	for i := a; i+1 < b && c.days == 0; i++ {
		if n := cyrillicDays(t[i].low); n > 0 && p.startM[i+1]&cMeeting != 0 {
			c.days = n
		}
	}
	// "тривали два дні", "продлятся три дня", "протягом двох днів"
	for i := a + 1; i+1 < b && c.days == 0; i++ {
		if !cyrillicDayWord(t[i+1].low) {
			continue
		}
		if n, ok := numberWords[t[i].low]; ok && n >= 2 && lastingWord(t[i-1].low) && len(cr.nearPos) > 0 {
			c.days = n
		}
	}
	// Duration: "two-day talks", "two days of talks", "three-day meeting".
	for i := a; i+1 < b; i++ {
		n, ok := numberWords[t[i].low]
		if t[i].kind == tNum && t[i].numLen == len(t[i].orig) {
			n, ok = t[i].num, true
		}
		// "after a week of negotiations", "two weeks of talks"
		if ok && n <= 2 && (t[i+1].low == "week" || t[i+1].low == "weeks" || t[i+1].orig == "-" && i+2 < b && t[i+2].low == "week") {
			j := i + 1
			if t[j].orig == "-" {
				j++
			}
			// only of talks: "after a week of border clashes" is no
			// duration of the talks
			if j+1 < b && (p.startM[j+1]&cMeetNoun != 0 || t[j+1].low == "of" && (j+2 < b && p.startM[j+2]&cMeeting != 0 || j+3 < b && p.startM[j+3]&cMeeting != 0)) {
				cr.readDaysAt(i, j, 7*n)
			}
			continue
		}
		if !ok || n < 2 || n > 7 || t[i].low == "a" || t[i].low == "an" {
			continue
		}
		j := i + 1
		if t[j].orig == "-" && j+1 < b {
			j++
		}
		if t[j].low == "day" || t[j].low == "days" {
			cr.readDaysAt(i, j, n)
		}
	}
}

// cyrillicDayWord: "дня", "дней", "дні", "днів".
func cyrillicDayWord(w string) bool {
	switch w {
	case "дня", "дней", "дні", "днів":
		return true
	}
	return false
}

// lastingWord: a verb or preposition of lasting before a duration:
// "длились", "тривали", "протягом".
func lastingWord(w string) bool {
	for _, p := range []string{"длил", "длят", "длит", "продл", "тривал", "тривают", "триват", "протягом", "течение"} {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// meetingWithin: a meeting word stands among the n tokens from i, with
// only words of a compound before it ("two days of U.S.-mediated talks").
func (cr *clauseReader) meetingWithin(i, n int) bool {
	for k := i; k < cr.b && k < i+n; k++ {
		if cr.p.startM[k]&cMeeting != 0 {
			return true
		}
		if w := cr.t[k].orig; w == "," || w == "." || w == ";" {
			return false
		}
	}
	return false
}

// readDaysAt reads the duration n at token i, whose "day" word is token j.
func (cr *clauseReader) readDaysAt(i, j, n int) {
	c, p, t, a, b := cr.c, cr.p, cr.t, cr.a, cr.b
	// "two-day talks", "two days of (trilateral) talks"
	if j+1 < b && (p.startM[j+1]&cMeetNoun != 0 || t[j+1].low == "of" && cr.meetingWithin(j+2, 4)) {
		c.days = n
	}
	// "ended on Wednesday after two days", "is expected to last three days"
	if i-1 >= a && (t[i-1].low == "after" || t[i-1].low == "over" || t[i-1].low == "for" || t[i-1].low == "last" || t[i-1].low == "lasting") && len(cr.nearPos) > 0 {
		c.days = n
	}
	// "agreed on Thursday after three days of talks": the date
	// is the last day, and the talks took place.
	if c.days == n && i-1 >= a && (t[i-1].low == "after" || t[i-1].low == "following") {
		c.daysBefore, c.metPast = true, true
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// fromListBefore: the "from" at k goes on a list of sides that opened
// with one ("representatives from Ethiopia and from the Tigrayan
// government").
func (cr *clauseReader) fromListBefore(k int) bool {
	p, t := cr.p, cr.t
	j := k - 1
	if j < cr.sa || t[j].low != "and" && t[j].orig != "," {
		return false
	}
	for j--; j >= cr.sa && j >= k-10; j-- {
		switch {
		case p.endM[j]&cFromPrep != 0:
			return j-1 >= cr.sa && p.endM[j-1]&(cNegotiator|cWeakMeet) != 0
		case p.annAt[j] >= 0 || t[j].low == "the" || t[j].orig == "," || t[j].low == "and":
		default:
			return false
		}
	}
	return false
}

// titleWord joins the words of a title: "envoy for the Horn of Africa".
func titleWord(w string) bool {
	switch w {
	case "for", "of", "the", "on", "to":
		return true
	}
	return false
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
// capitalBefore is the position of the capital word that the name after k
// is the country of ("capital of", "the capital of the", "столице"), or -1.
func capitalBefore(t []token, k, sa int) int {
	for n := 0; n < 2 && k >= sa && (t[k].low == "of" || t[k].low == "the"); n++ {
		k--
	}
	if k >= sa && isCapitalWord(t[k].low) {
		return k
	}
	return -1
}

func isCapitalWord(w string) bool {
	return w == "capital" || strings.HasPrefix(w, "столиц")
}

// hostWord: the mediator word says where ("host", "venue"), not only who helps.
func hostWord(w string) bool {
	return strings.HasPrefix(w, "host") || w == "venue" || strings.HasPrefix(w, "площадк") || strings.HasPrefix(w, "майданчик")
}

// betweenWord: "between", "among": the names after it are the sides.
// instrumentalWith: the Ukrainian preposition at k ("з", "із", "зі") takes
// the name at s in the instrumental case, and so means "with", not "from".
func instrumentalWith(t []token, k, s int) bool {
	switch t[k].low {
	case "з", "із", "зі":
	default:
		return false
	}
	w := t[s].low
	for _, end := range []string{"ою", "ею", "єю", "ом", "ем", "єм", "ами", "ями"} {
		if strings.HasSuffix(w, end) {
			return true
		}
	}
	return false
}

func betweenWord(w string) bool {
	switch w {
	case "between", "among", "involving", "между", "між":
		return true
	}
	return false
}

// nextWord: the meeting it qualifies is still to come.
// prevWord: w names a meeting before the current one.
func prevWord(w string) bool {
	switch w {
	case "previous", "earlier", "prior", "former":
		return true
	}
	return strings.HasPrefix(w, "предыдущ") || strings.HasPrefix(w, "попередн")
}

// besideGathering: the name at s is of the gathering a meeting is held
// beside ("on the sidelines of the ASEAN ministerial meeting", "на полях
// саммита G20"), within a few words and no comma.
func (cr *clauseReader) besideGathering(s int) bool {
	p := cr.p
	for k := s - 1; k >= cr.sa && k >= s-7; k-- {
		if p.toks[k].orig == "," {
			return false
		}
		if p.endM[k]&cSidelines != 0 {
			return true
		}
	}
	return false
}

func separateWord(w string) bool {
	return w == "separate" || strings.HasPrefix(w, "отдельн") || strings.HasPrefix(w, "окрем")
}

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
	govt := false
	for k := l; k >= sa && k > l-6; k-- {
		t := &p.toks[k]
		if k < l && betweenWord(t.low) {
			return true
		}
		// "between the Yemeni government and the Houthis": a side named
		// by its government, then the list goes on.
		if p.startM[k]&cGovt != 0 {
			govt = true
			continue
		}
		if govt && p.annAt[k] >= 0 {
			continue
		}
		if t.kind != tWord || t.upper || p.annAt[k] >= 0 || !govt && k <= l-4 {
			return false
		}
	}
	return false
}
