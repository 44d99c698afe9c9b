package extract

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ann is a match of a gazetteer entry (entity, city, venue, person) over the
// tokens [a, b) of a paragraph.
type ann struct {
	a, b    int
	entries []entry
}

// para is one paragraph (or the title) with its tokens and annotations.
type para struct {
	text   string
	toks   []token
	title  bool
	index  int // body paragraph index, 0 = lead; -1 for the title
	skipTo int // tokens before skipTo belong to a dateline
	anns   []ann
	annAt  []int32   // token → index in anns of the entity match covering it, or -1
	startM []cueMask // token → cues of phrases starting here
	endM   []cueMask // token → cues of phrases ending here
	topicM []uint32  // token → topics of phrases starting here
	sents  [][2]int  // sentence token ranges
	dateln string    // dateline text, if any (where the reporter files from)
	// datelineCity is the city of the dateline when it is a known one, else -1.
	datelineCity int32
	// script whose cue words are read (scriptAny: all), from the article's language.
	script script
	// prevDay is the last meeting day the article gave before the sentence
	// being read: "five days later" counts from it.
	prevDay time.Time
	// sentDays are the days read so far in the sentence being read, in
	// order: "on Tuesday …, and the same day …" counts from the last
	// before it, not from a day of the sentences before.
	sentDays []sentDay
	// prevMeeting: the sentence before the one being read reports a
	// meeting, which "It started on Wednesday" refers back to.
	prevMeeting bool
	// prevPerson: the person a sentence before opened with, whom "he" or
	// "she" opening the sentence being read stands for; -1 for none.
	prevPerson int32
}

// splitParagraphs splits text at blank lines. Single newlines inside a
// paragraph are kept as spaces by the tokenizer.
func splitParagraphs(text string) []string {
	var out []string
	text = strings.ReplaceAll(text, "\r\n", "\n")
	for len(text) > 0 {
		i := strings.IndexByte(text, '\n')
		var p string
		if i < 0 {
			p, text = text, ""
		} else {
			p, text = text[:i], text[i+1:]
		}
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		// A quotation set off as a block of its own ends with a comma,
		// and its attribution ("– sources told AFP") opens the next one:
		// one sentence.
		if n := len(out); n > 0 && strings.HasSuffix(out[n-1], ",") {
			out[n-1] += " " + p
			continue
		}
		out = append(out, p)
	}
	return out
}

var captionDate = regexp.MustCompile(`(?:[A-Z][a-z]{2,8}\.? \d{1,2}|\d{1,2} [A-Z][a-z]{2,8}), (?:19|20)\d\d(?:\s*[.)])*\s*$`)

// furniture reports whether a paragraph is page furniture (read-more lines,
// bylines, captions, newsletter boxes) rather than article text.
func (x *Extractor) furniture(p string) bool {
	lp := strings.ToLower(p)
	for _, b := range x.boilerplate {
		if strings.HasPrefix(lp, b) {
			return true
		}
	}
	for _, c := range x.captions {
		if strings.Contains(lp, c) {
			return true
		}
	}
	if strings.HasPrefix(lp, "by ") && len(strings.Fields(p)) <= 8 && !strings.ContainsAny(p, ".!?") {
		return true
	}
	// A photo caption describes its picture in the present and closes with
	// the full date it was taken:
	// "…during their meeting at the Kremlin in Moscow, Russia, on
	// Wednesday, Aug. 13, 2025." Text names the year only of the past.
	if len(p) < 600 && endsWithYear(p) && captionDate.MatchString(p[max(0, len(p)-40):]) &&
		slices.ContainsFunc(x.captionVerbs, func(v string) bool { return strings.Contains(lp, v) }) {
		return true
	}
	// A short line without final punctuation (related headlines, section
	// labels, navigation) is not text.
	last, _ := utf8.DecodeLastRuneInString(p)
	return !strings.ContainsRune(".!?\"”»:)…", last) && len(strings.Fields(p)) <= 14
}

// endsWithYear: p ends with a year of this or the last century, then maybe
// a full stop or a bracket ("…, Aug. 13, 2025."), which captionDate needs;
// checked first since the expression is run on every paragraph.
func endsWithYear(p string) bool {
	p = strings.TrimRight(p, " \t\n\f\r.)")
	if len(p) < 4 {
		return false
	}
	y := p[len(p)-4:]
	return (y[:2] == "19" || y[:2] == "20") && y[2] >= '0' && y[2] <= '9' && y[3] >= '0' && y[3] <= '9'
}

// pageStamp is a publication stamp a page puts before its story ("date
// 2025-08-26", "Published: 2025-08-26T10:00Z"): when the page was written,
// not when anyone met.
var pageStamp = regexp.MustCompile(`^(?i:(?:date|published|updated|posted)\s*:?\s*)?(?:19|20)\d\d-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d)?(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)?\s+`)

// afterSeam returns what follows the first place where two blocks of a page
// were joined without a space: a lower-case word of three letters or more
// running into a capitalised one ("ShutterstockIraq"), or a full stop into
// a capital ("details.The"). "" when there is none. Names written that way
// ("LeBlanc", "McDonald") have fewer letters before the capital.
func afterSeam(p string) string {
	run := 0
	prev := rune(0)
	for i, r := range p {
		// The width read, not RuneLen: an invalid byte reads as U+FFFD,
		// one byte wide but three to encode.
		_, w := utf8.DecodeRuneInString(p[i:])
		next, _ := utf8.DecodeRuneInString(p[i+w:])
		if unicode.IsUpper(r) && unicode.IsLower(next) && (run >= 3 || prev == '.' && run == 0 && i > 0) {
			return p[i:]
		}
		switch {
		case unicode.IsLower(r):
			run++
		default:
			run = 0
		}
		prev = r
	}
	return ""
}

type cueMatch struct {
	a, b int
	mask cueMask
}

// annotate finds gazetteer entities (longest match, no overlaps) and lexical
// cues (every match, except that tense and status cues inside a longer
// tense/status phrase are dropped) in the tokens of p.
func (x *Extractor) annotate(p *para, scratch *[]cueMatch) {
	n := len(p.toks)
	p.annAt = make([]int32, n)
	p.startM = make([]cueMask, n)
	p.endM = make([]cueMask, n)
	p.topicM = make([]uint32, n)
	for i := range p.annAt {
		p.annAt[i] = -1
	}
	cues := (*scratch)[:0]
	for i := 0; i < n; i++ {
		node := x.root
		bestEnd := -1
		var bestEntries []entry
		for j := i; j < n; j++ {
			node = node.child(&p.toks[j])
			if node == nil {
				break
			}
			if len(node.entries) == 0 {
				continue
			}
			var ents []entry
			for _, e := range node.entries {
				if e.script != scriptAny && p.script != scriptAny && e.script != p.script {
					continue // a cue word of another language's script
				}
				switch e.kind {
				case kCue:
					if caseOK(e, p.toks[i:j+1]) {
						m := e.mask
						if i > 0 && p.toks[i-1].orig == "-" && !p.toks[i].spaceBefore && !p.toks[i-1].spaceBefore {
							m &^= cTense // "long-delayed" is no postponement
						}
						cues = append(cues, cueMatch{i, j + 1, m})
					}
				case kTopic:
					p.topicM[i] |= 1 << uint(e.idx)
				default:
					if caseOK(e, p.toks[i:j+1]) {
						ents = append(ents, e)
					}
				}
			}
			if len(ents) > 0 {
				bestEnd, bestEntries = j+1, ents
			}
		}
		if bestEnd > 0 && p.annAt[i] < 0 {
			p.anns = append(p.anns, ann{a: i, b: bestEnd, entries: bestEntries})
			id := int32(len(p.anns) - 1)
			for k := i; k < bestEnd; k++ {
				p.annAt[k] = id
			}
		}
	}
	// cues are ordered by start, then by length (shorter first).
	coverStart, coverEnd := -1, -1
	for k, c := range cues {
		m := c.mask
		if c.a > coverStart && c.a < coverEnd {
			m &^= cTense // inside a longer tense/status phrase
		} else if c.mask&(cTense|cNoTense) != 0 {
			longest := c.b
			for _, d := range cues[k+1:] {
				if d.a != c.a {
					break
				}
				if d.mask&(cTense|cNoTense) != 0 && d.b > longest {
					longest = d.b
				}
			}
			if longest > c.b {
				m &^= cTense // a longer phrase at the same start wins
			} else {
				coverStart, coverEnd = c.a, c.b
			}
		}
		p.startM[c.a] |= m
		p.endM[c.b-1] |= m
	}
	for _, c := range cues {
		if c.mask&cBlock != 0 {
			for t := c.a; t < c.b; t++ {
				p.startM[t] &^= cMeeting | cWeakMeet
				p.endM[t] &^= cMeeting | cWeakMeet
			}
		}
	}
	for _, c := range cues {
		if c.mask&cUnnamed != 0 {
			unnamedSource(p, c.b)
		}
		if c.mask&cReceive != 0 && !receivesSide(p, c.b) {
			for t := c.a; t < c.b; t++ {
				p.startM[t] &^= cMeeting
				p.endM[t] &^= cMeeting
			}
		}
	}
	*scratch = cues
	x.placesFromText(p)
}

// receivesSide: whom a verb of receiving receives, from b, is a side, a
// person or a delegation ("received the Azerbaijani delegation", "принял
// Алиева"), not a thing ("receiving authorization").
func receivesSide(p *para, b int) bool {
	for t := b; t < len(p.toks) && t < b+4; t++ {
		if p.annAt[t] >= 0 || p.startM[t]&cNegotiator != 0 || p.toks[t].upper && p.toks[t].kind == tWord {
			return true
		}
		// "receiving authorization on 9 January": a preposition or a
		// number ends the object.
		if p.toks[t].orig == "." || p.toks[t].orig == "," || p.toks[t].kind == tNum || p.startM[t]&(cLocPrep|cObjPrep|cFromPrep) != 0 {
			return false
		}
	}
	return false
}

// unnamedSource clears the meeting words of the phrase that follows an
// unnamed source's licence, from b: "on condition of anonymity to discuss
// the delicate, closed-door negotiations". The phrase ends at the sentence's
// end or at the verb of saying ("…authorized to give statements, said the
// meeting…").
func unnamedSource(p *para, b int) {
	for t := b; t < len(p.toks) && t < b+9; t++ {
		if p.startM[t]&cSpeech != 0 || p.toks[t].orig == "." {
			return
		}
		p.startM[t] &^= cMeeting | cWeakMeet
		p.endM[t] &^= cMeeting | cWeakMeet
	}
}

// placesFromText reads cities the gazetteer does not know from the way
// the press names them: "in Kunming, China", "at Tengchong, in China".
// The city joins this article's copy of the city table only (see
// Extract), so nothing learned from one article leaks into another.
func (x *Extractor) placesFromText(p *para) {
	t := p.toks
	for i := 0; i+3 < len(t); i++ {
		if p.endM[i]&cLocPrep == 0 || t[i].upper || p.annAt[i+1] >= 0 {
			continue
		}
		// one to three capitalised words, then a comma and a country
		j := i + 1
		for j < len(t) && j-i <= 3 && t[j].kind == tWord && t[j].upper && !t[j].allUpper && p.annAt[j] < 0 && p.startM[j] == 0 {
			j++
		}
		if j == i+1 || j-i > 3 || j+1 >= len(t) || t[j].orig != "," || p.annAt[j+1] < 0 {
			continue
		}
		an := &p.anns[p.annAt[j+1]]
		if an.a != j+1 {
			continue
		}
		country := ""
		for _, e := range an.entries {
			if e.kind == kEntity && e.sub == subName && x.entities[e.idx].kind == "country" {
				country = x.entities[e.idx].code
			}
		}
		if country == "" {
			continue
		}
		x.learnCity(p, i+1, j, country)
	}
	x.placesNamedAsTowns(p)
}

// placesNamedAsTowns reads "the southern port city of Busan", "the resort
// town of Turnberry": the country is the last one the paragraph named
// before it ("a South Korean air base … in the port city of Busan").
func (x *Extractor) placesNamedAsTowns(p *para) {
	t := p.toks
	for i := 1; i+2 < len(t); i++ {
		if t[i].low != "of" || !townWord(t[i-1].low) || p.annAt[i+1] >= 0 {
			continue
		}
		j := i + 1
		for j < len(t) && j-i <= 3 && t[j].kind == tWord && t[j].upper && !t[j].allUpper && p.annAt[j] < 0 && p.startM[j] == 0 {
			j++
		}
		if j == i+1 || j-i > 3 {
			continue
		}
		country, at := "", -1
		for _, an := range p.anns {
			for _, e := range an.entries {
				if e.kind == kEntity && x.entities[e.idx].kind == "country" && an.b <= i && an.b > at {
					country, at = x.entities[e.idx].code, an.b
				}
			}
		}
		x.learnCity(p, i+1, j, country)
	}
}

func townWord(w string) bool {
	switch w {
	case "city", "town", "village", "port", "resort", "district", "enclave", "capital":
		return true
	}
	return false
}

// learnCity adds tokens [a, b) of p as a city of country to this article's
// copy of the city table and annotates them.
func (x *Extractor) learnCity(p *para, a, b int, country string) {
	name := p.text[p.toks[a].start:p.toks[b-1].end]
	cid := int32(len(x.cities))
	x.cities = append(x.cities, city{name: name, country: country})
	p.anns = append(p.anns, ann{a: a, b: b, entries: []entry{{kind: kCity, idx: cid}}})
	for k := a; k < b; k++ {
		p.annAt[k] = int32(len(p.anns) - 1)
	}
}

// findDateline recognises a wire dateline at the start of the first body
// paragraph ("KYIV, Jan 24 (Reuters) -", "ABU DHABI —", "Geneva (AFP) –")
// and returns the index of the first token after it.
func (x *Extractor) findDateline(p *para) int {
	t := p.toks
	limit := len(t)
	if limit > 16 {
		limit = 16
	}
	// "ISLAMABAD: Pakistan and Afghanistan agreed…": a place in capitals
	// and a colon.
	if c := colonDateline(t); c > 0 {
		p.setDateline(c)
		return c + 1
	}
	dash := -1
	for i := 0; i < limit; i++ {
		if t[i].kind != tPunct {
			continue
		}
		switch t[i].orig {
		case "—", "–":
			dash = i
		case "-":
			if t[i].spaceBefore || (i+1 < len(t) && t[i+1].spaceBefore) {
				if i+1 < len(t) && t[i+1].kind == tNum && i > 0 && t[i-1].kind == tNum {
					continue // a date range "23 - 24"
				}
				dash = i
			}
		}
		if dash >= 0 {
			break
		}
	}
	if dash < 1 {
		// "(Reuters) -" alone
		return 0
	}
	// The words before the first ',' or '(' must be a place in capitals or
	// a known place.
	end := dash
	for i := 0; i < dash; i++ {
		if t[i].orig == "," || t[i].orig == "(" {
			end = i
			break
		}
	}
	if end == 0 {
		if t[0].orig == "(" {
			return dash + 1
		}
		return 0
	}
	allCaps := true
	for i := 0; i < end; i++ {
		if t[i].kind == tWord && !t[i].allUpper && !(len(t[i].orig) == 1 && t[i].upper) {
			allCaps = false
		}
		if t[i].kind == tNum {
			return 0
		}
	}
	known := p.annAt[0] >= 0 && int(p.anns[p.annAt[0]].b) == end && end <= 4
	if !allCaps && !known {
		return 0
	}
	if end > 5 {
		return 0
	}
	// Everything between the place and the dash must be short: a date,
	// a country, an agency in parentheses.
	if dash-end > 10 {
		return 0
	}
	p.setDateline(end)
	return dash + 1
}

// setDateline takes the tokens [0, end) of p as its dateline, and their
// city, when they name one, as the dateline's.
func (p *para) setDateline(end int) {
	t := p.toks
	p.dateln = p.text[t[0].start:t[end-1].end]
	if id := p.annAt[0]; id >= 0 && int(p.anns[id].b) == end {
		for _, e := range p.anns[id].entries {
			if e.kind == kCity {
				p.datelineCity = e.idx
			}
		}
	}
}

// colonDateline is the index of the colon after one to three words in
// capitals opening t, 0 when there is none.
func colonDateline(t []token) int {
	for i := 0; i < len(t) && i <= 3; i++ {
		if t[i].orig == ":" {
			if i > 0 && i+1 < len(t) && t[i+1].upper {
				return i
			}
			return 0
		}
		if t[i].kind != tWord || !t[i].allUpper || len(t[i].orig) < 3 {
			return 0
		}
	}
	return 0
}

// splitSentences fills p.sents.
func (x *Extractor) splitSentences(p *para) {
	t := p.toks
	start := p.skipTo
	for i := start; i < len(t); i++ {
		if t[i].kind != tPunct {
			continue
		}
		o := t[i].orig
		if o != "." && o != "!" && o != "?" && o != "…" {
			continue
		}
		// "10.03.2026": a date written with dots
		if o == "." && i > 0 && i+1 < len(t) && t[i-1].kind == tNum && t[i+1].kind == tNum && !t[i].spaceBefore && !t[i+1].spaceBefore {
			continue
		}
		if o == "." && i > 0 {
			prev := &t[i-1]
			if prev.kind == tWord && (x.abbrevs[prev.low] || (utf8.RuneCountInString(prev.orig) == 1 && prev.upper)) {
				continue
			}
		}
		// absorb closing quotes and brackets
		j := i + 1
		for j < len(t) && t[j].kind == tPunct && strings.Contains("\"”’')»]", t[j].orig) {
			j++
		}
		if j < len(t) {
			r, _ := utf8.DecodeRuneInString(t[j].orig)
			if !(unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune("\"“«'‘(", r)) {
				continue
			}
		}
		if j > start {
			p.sents = append(p.sents, [2]int{start, j})
		}
		start = j
		i = j - 1
	}
	if start < len(t) {
		p.sents = append(p.sents, [2]int{start, len(t)})
	}
	p.capSentences()
}

// capSentences cuts sentences longer than maxSentence tokens: text without
// sentence punctuation (tables, lists run together) must not make the work
// per sentence grow without bound.
func (p *para) capSentences() {
	var out [][2]int
	for _, sr := range p.sents {
		for sr[1]-sr[0] > maxSentence {
			out = append(out, [2]int{sr[0], sr[0] + maxSentence})
			sr[0] += maxSentence
		}
		out = append(out, sr)
	}
	p.sents = out
}

// maxSentence is the most tokens one sentence may have.
const maxSentence = 150

// spanText returns the paragraph text covered by tokens [a, b).
func (p *para) spanText(a, b int) string {
	if a >= b {
		return ""
	}
	return strings.TrimSpace(p.text[p.toks[a].start:p.toks[b-1].end])
}

// sentDay is a day read in a sentence, and the token after its expression.
type sentDay struct {
	b   int
	day time.Time
}
