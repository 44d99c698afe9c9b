package extract

import (
	"strings"
	"time"
)

type tense uint8

const (
	tenseNone tense = iota
	tensePast
	tensePresent
	tenseFuture
	// tensePastFirm is the past of a verb right before a date; only
	// inferYear tells it from tensePast.
	tensePastFirm
)

// dateCand is a date expression found in a clause.
type dateCand struct {
	start, end time.Time
	prec       Precision
	a, b       int  // token span
	speech     bool // the date of a statement ("said on Monday"), not of a meeting
	finish     bool // the date is when something ended ("ended on Saturday")
	until      bool // "until Wednesday": the last day of something under way
	// moved: the new day of a postponed meeting ("postponed to next week")
	moved bool
	// arrival: the day someone arrived ("delegations arrived on Monday"),
	// which comes before the meeting rather than opening it
	arrival bool
	tn      tense
}

func day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func addDays(t time.Time, n int) time.Time { return t.AddDate(0, 0, n) }

func mkDate(y int, m time.Month, d int) (time.Time, bool) {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Month() != m || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

func absDays(a, b time.Time) int {
	d := int(a.Sub(b).Hours() / 24)
	if d < 0 {
		return -d
	}
	return d
}

func isRangeSep(t *token) bool {
	switch t.low {
	case "-", "–", "—", "to", "and", "through", "until", "till", "thru", "и", "та", "і", "й", "по", "до":
		return true
	}
	return false
}

var monthCtx = map[string]bool{
	"in": true, "early": true, "late": true, "mid": true, "since": true, "until": true, "by": true,
	"of": true, "last": true, "next": true, "this": true, "during": true, "before": true, "after": true,
	"from": true, "throughout": true, "between": true, "end": true, "start": true, "beginning": true, "в": true, "у": true, "на": true, "до": true, "с": true, "з": true, "начале": true, "середине": true, "конце": true, "початку": true, "середині": true, "кінці": true, "наприкінці": true,
}

var seasons = map[string]time.Month{ // first month of the season
	"spring": time.March, "summer": time.June, "autumn": time.September, "fall": time.September,
	"winter": time.December, "весной": time.March, "летом": time.June, "осенью": time.September,
	"зимой": time.December, "навесні": time.March, "влітку": time.June, "восени": time.September,
	"взимку": time.December,
}

var numberWords = map[string]int{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4,
	"five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "several": 3, "few": 3,
	"две": 2, "два": 2, "три": 3, "четыре": 4, "пять": 5, "дві": 2, "чотири": 4, "п'ять": 5,
	"двух": 2, "трех": 3, "трёх": 3, "двох": 2, "трьох": 3}

var speechGap = map[string]bool{"on": true, "in": true, "late": true, "early": true, ",": true,
	"a": true, "an": true, "the": true, "his": true, "her": true, "its": true, "their": true,
	"at": true, "during": true, "video": true, "televised": true, "joint": true, "written": true,
	"earlier": true, "later": true, "nightly": true, "evening": true, "в": true, "во": true, "у": true,
	"вечірньому": true, "вечернем": true, "своєму": true, "своем": true, "щоденному": true, "ежедневном": true}

// parseDates finds date expressions in the tokens [a, b) of p. tenseAt gives
// the tense governing token i, used to resolve weekdays and years.
func (x *Extractor) parseDates(p *para, a, b int, pub time.Time, tenseAt func(int) tense) []dateCand {
	if pub.IsZero() {
		return nil
	}
	s := dateScan{x: x, p: p, t: p.toks, a: a, b: b, pd: day(pub)}
	var out []dateCand
	if c, ok := s.daysAfter(); ok {
		out = append(out, c)
	}
	for i := a; i < b; i++ {
		c, ok, last := s.read(i, tenseAt)
		if ok {
			s.setRole(&c)
			c.tn = tenseAt(c.a)
			// "announced on Friday (Saturday morning India time)": the
			// same day in another time zone, with the same role.
			if n := len(out); n > 0 && c.a-1 >= a && p.toks[c.a-1].orig == "(" && out[n-1].b == c.a-1 {
				c.speech, c.finish = out[n-1].speech, out[n-1].finish
			}
			out = append(out, c)
			if c.prec == PrecisionDay && !c.speech {
				p.sentDays = append(p.sentDays, sentDay{b: c.b, day: c.start})
			}
		}
		i = last
	}
	return out
}

// aboutAntecedent: c stands in a relative clause set off by commas that
// tells of something other than a meeting ("Starmer, who became leader in
// April 2020, is hosting…"); "the talks, which began on Monday, …" are the
// meeting's own.
func (s *dateScan) aboutAntecedent(c *dateCand) bool {
	t, p := s.t, s.p
	open := -1
	for k := c.a - 1; k >= 1 && k >= c.a-12; k-- {
		if t[k].orig == "," {
			return false
		}
		if (t[k].low == "who" || t[k].low == "which") && t[k-1].orig == "," {
			open = k
			break
		}
	}
	if open < 0 || open-2 < 0 || p.endM[open-2]&(cMeeting|cWeakMeet) != 0 {
		return false
	}
	for k := open; k < len(t) && k <= c.b+12; k++ {
		if p.startM[k]&(cMeeting|cWeakMeet) != 0 {
			return false
		}
		if k >= c.b && t[k].orig == "," {
			return true
		}
	}
	return false
}

// daysAfter dates a clause opened by "after" or "before" that follows "a
// day" or "two days" by the day named before it in the sentence: "swapped
// prisoners on Thursday, a day after their delegations met" met on
// Wednesday.
func (s *dateScan) daysAfter() (dateCand, bool) {
	t, a := s.t, s.a
	if a < 2 || s.p.startM[a]&cSubordinate == 0 {
		return dateCand{}, false
	}
	if t[a-1].low != "day" && t[a-1].low != "days" {
		return dateCand{}, false
	}
	// Weeks and "several days" count too loosely to give a day.
	n, ok := numberWords[t[a-2].low]
	if !ok || n > 3 || t[a-2].low == "several" || t[a-2].low == "few" {
		return dateCand{}, false
	}
	// "met on Saturday and again on Sunday, a day after…": the first.
	var anchor time.Time
	for _, d := range s.p.sentDays {
		if d.b <= a-2 && d.b >= a-14 && (anchor.IsZero() || d.day.Before(anchor)) {
			anchor = d.day
		}
	}
	if anchor.IsZero() {
		return dateCand{}, false
	}
	shift := -n
	if t[a].low == "before" {
		shift = n
	}
	day := addDays(anchor, shift)
	return dateCand{start: day, end: day, prec: PrecisionDay, a: a, b: a + 1}, true
}

// dateScan reads the dates of the tokens [a, b) of p, published on day pd.
// tenseAt is passed to its methods, not kept in it: whatever the scan holds
// escapes with pd, and the caller's tenseAt would go to the heap.
type dateScan struct {
	x    *Extractor
	p    *para
	t    []token
	a, b int
	pd   time.Time
}

// setRole marks c as the date of a statement or of an ending by the words
// before it.
// opensBeforeSpeech: c stands at the start of its clause ("On Monday,")
// and a word of speech follows within eight tokens, before any word of
// meeting.
func (s *dateScan) opensBeforeSpeech(c *dateCand) bool {
	t, p := s.t, s.p
	first := c.a
	if first-1 >= s.a {
		switch t[first-1].low {
		case "on", "in", "в", "у":
			first--
		}
	}
	if first != s.a {
		return false
	}
	for k := c.b; k < s.b && k < c.b+8; k++ {
		if p.startM[k]&cMeeting != 0 {
			return false
		}
		if p.startM[k]&cSpeech != 0 {
			return true
		}
	}
	return false
}

// attribution: the clause opens with "about this" and a word of speech
// follows within a few words.
func (s *dateScan) attribution() bool {
	t, a := s.t, s.a
	if a+2 >= s.b {
		return false
	}
	switch t[a].low + " " + t[a+1].low {
	case "про це", "об этом", "about this", "про цю", "об этой":
	default:
		return false
	}
	for k := a + 2; k < s.b && k < a+8; k++ {
		if s.p.startM[k]&cSpeech != 0 {
			return true
		}
	}
	return false
}

// preparesAfter: a word of preparing follows c in its clause before any
// word of meeting, and a meeting follows it. A meeting before c is dated by
// it: "met on Monday to finalise preparations for the talks".
func (s *dateScan) preparesAfter(c *dateCand) bool {
	for k := s.a; k < c.a; k++ {
		if s.p.startM[k]&cMeeting != 0 {
			return false
		}
	}
	for k := c.b; k < s.b; k++ {
		m := s.p.startM[k]
		if m&cMeeting != 0 {
			return false
		}
		if m&cPrepare != 0 {
			for q := k + 1; q < s.b; q++ {
				if s.p.startM[q]&cMeeting != 0 {
					return true
				}
			}
			return false
		}
	}
	return false
}

func (s *dateScan) setRole(c *dateCand) {
	t, a := s.t, s.a
	// speech dates: "said on Monday", "in a statement on Tuesday"
	if !t[c.a].poss {
		k := c.a - 1
		for names := 0; k >= a; k-- {
			// "told Reuters on Monday", "confirmed to Al Mayadeen yesterday":
			// whom the statement was made to stands between.
			// "сообщили в правительстве Армении во вторник": the
			// office spoken for stands between too.
			if (t[k].upper || s.p.startM[k]&(cGovt|cNegotiator|cCommentator) != 0) && t[k].kind == tWord && names < 3 {
				names++
				continue
			}
			if !speechGap[t[k].low] && (t[k].low != "to" || names == 0) {
				break
			}
		}
		if k >= a && s.p.endM[k]&cSpeech != 0 {
			c.speech = true
		}
	}
	// "were postponed to next week", "перенесены на следующую неделю"
	if k := c.a - 1; k-1 >= a {
		switch t[k].low {
		case "to", "until", "till", "на", "до":
			for q := k - 1; q >= a && q >= k-3; q-- {
				if s.p.startM[q]&cPostpone != 0 {
					c.moved = true
				}
			}
		}
	}
	// "On Monday, the ministry said that …", "В марте министерство
	// сообщило, что …": a date that opens the clause before its speaker.
	if !c.speech && s.opensBeforeSpeech(c) {
		c.speech = true
	}
	for k := max(c.a-1, a); k <= c.a; k++ {
		switch t[k].low {
		case "until", "till", "through":
			// "postponed until mid-week" is the new day, not a last day
			c.until = !c.moved
		case "до":
			// "продлятся до пятницы": a last day; "до 10 марта" may be a
			// deadline, so only a day of the week
			if _, wd := s.x.weekdays[t[c.a].low]; wd && k < c.a {
				c.until = !c.moved
			}
		case "since":
			// "reworked several times since November": when a span
			// began, not the day of a meeting, unless it names the day
			// talks began ("under way since Monday").
			c.speech = c.prec != PrecisionDay
		}
	}
	// "Про це він заявив … 24 лютого", "Об этом сообщил … в среду": a
	// sentence that only names the source of what came before dates the
	// saying.
	if s.attribution() {
		c.speech = true
	}
	// "Today I discussed the preparation of another meeting": the day of
	// the work towards a meeting named after it, not the meeting's.
	if s.preparesAfter(c) {
		c.speech = true
	}
	// "a Thanksgiving deadline—November 27", "the August 1 deadline": the
	// day something is due, no meeting's.
	for k := max(c.a-3, a); k < min(c.b+2, s.b); k++ {
		if s.p.startM[k]&cDeadline != 0 {
			c.speech = true
		}
	}
	if c.a-1 >= a && s.p.endM[c.a-1]&cByDate != 0 {
		c.speech = true
	}
	for k := max(c.a-3, a); k < c.a; k++ {
		if s.p.endM[k]&cTenure != 0 {
			c.speech = true // "who took office in July 2024"
		}
	}
	if s.aboutAntecedent(c) {
		c.speech = true
	}
	// "ended on Saturday", "wrapped up two days of talks on Tuesday": the
	// nearest start/end verb before the date says which end it is.
	for k := c.a - 1; k >= a; k-- {
		if m := s.p.startM[k] | s.p.endM[k]; m&(cEnd|cStart) != 0 {
			c.finish = m&cEnd != 0
			break
		}
	}
	// "arrived on Monday", "arrived in Nairobi on Monday"
	for k := c.a - 1; k >= a && k >= c.a-4; k-- {
		if s.p.startM[k]&cMeeting != 0 {
			break
		}
		if s.p.startM[k]&cArrive != 0 {
			c.arrival = true
			break
		}
	}
	// "talks, which began on Tuesday, …, a source said": a day a start
	// verb governs is the meeting's, whoever tells it.
	if k := c.a - 1; k-1 >= a && c.speech && (s.t[k].low == "on" || s.t[k].low == "во" || s.t[k].low == "в" || s.t[k].low == "у") && s.p.endM[k-1]&cStart != 0 && s.p.startM[k-1]&cMeeting == 0 {
		c.speech = false
	}
}

// read reads the date expression, if any, at token i and returns it and
// the index of the last token it took.
func (s *dateScan) read(i int, tenseAt func(int) tense) (dateCand, bool, int) {
	x, t, a, b, pd := s.x, s.t, s.a, s.b, s.pd
	tk := &t[i]
	if tk.kind == tNum && tk.numLen == 4 && i+4 < b && t[i+1].orig == "-" && t[i+2].kind == tNum && t[i+3].orig == "-" && t[i+4].kind == tNum {
		if d, ok := mkDate(tk.num, time.Month(t[i+2].num), t[i+4].num); ok {
			return dateCand{start: d, end: d, prec: PrecisionDay, a: i, b: i + 5}, true, i + 4
		}
		return dateCand{}, false, i
	}
	if tk.kind == tNum {
		if c, ok := s.dotted(i, tenseAt); ok {
			return c, true, c.b - 1
		}
	}
	if tk.kind != tWord {
		return dateCand{}, false, i
	}
	if m, ok := x.months[tk.low]; ok && (tk.upper || !isLatin(tk.orig)) && !hyphenJoined(t, i, b) {
		c, ok := x.parseMonth(s.p, a, b, i, m, pd, tenseAt)
		if ok && c.b > i+1 {
			return c, true, c.b - 1
		}
		return c, ok, i
	}
	if wd, ok := x.weekdays[tk.low]; ok {
		// "Friday, Jan. 23" / "Friday 23 January": the calendar date wins
		if i+1 < b && (t[i+1].kind == tNum || t[i+1].orig == "," && i+2 < b && (x.isMonth(&t[i+2]) || t[i+2].kind == tNum)) {
			return dateCand{}, false, i
		}
		c := x.parseWeekday(s.p, a, b, i, wd, pd, tenseAt)
		return c, true, c.b - 1
	}
	if n, ok := x.relDays[tk.low]; ok {
		d := addDays(pd, n)
		return dateCand{start: d, end: d, prec: PrecisionDay, a: i, b: i + 1}, true, i
	}
	// "the plenary opened this morning": the day of publication
	if tk.low == "this" && i+1 < b && partOfDay(t[i+1].low) {
		return dateCand{start: pd, end: pd, prec: PrecisionDay, a: i, b: i + 2}, true, i + 1
	}
	return s.readWord(i, tenseAt)
}

// dotted reads a date written day.month[.year] ("10.03.2026", "02.03"),
// as Russian, Ukrainian and European papers write it, with nothing between
// its parts.
func (s *dateScan) dotted(i int, tenseAt func(int) tense) (dateCand, bool) {
	t, b := s.t, s.b
	joined := func(k int) bool { return k < b && !t[k].spaceBefore }
	if t[i].kind != tNum || t[i].numLen > 2 || i+2 >= b || t[i+1].orig != "." || !joined(i+1) ||
		t[i+2].kind != tNum || t[i+2].numLen != 2 || !joined(i+2) {
		return dateCand{}, false
	}
	d, m, end := t[i].num, time.Month(t[i+2].num), i+3
	var y int
	if end+1 < b && t[end].orig == "." && joined(end) && t[end+1].kind == tNum && t[end+1].numLen == 4 && joined(end+1) {
		y, end = t[end+1].num, end+2
	} else if end+1 < b && t[end].orig == "." && joined(end) && t[end+1].kind == tNum && joined(end+1) {
		return dateCand{}, false // "1.2.3": a section number, a version
	} else if s.p.script == scriptLatin {
		return dateCand{}, false // "rose to 1.10": English writes amounts so
	} else if i > s.a && (t[i-1].low == "в" || t[i-1].low == "о" || t[i-1].low == "об") {
		return dateCand{}, false // "в 12.05", "о 16.30": an hour
	} else {
		y = inferYear(m, d, s.pd, tenseAt(i))
	}
	day, ok := mkDate(y, m, d)
	if !ok {
		return dateCand{}, false
	}
	return dateCand{start: day, end: day, prec: PrecisionDay, a: i, b: end}, true
}

// readWord reads the date that the word at i heads or ends ("next week",
// "the 23rd", "two days ago", "this spring") and returns it and the index
// of the last token it took.
func (s *dateScan) readWord(i int, tenseAt func(int) tense) (dateCand, bool, int) {
	t, a, b, pd := s.t, s.a, s.b, s.pd
	var c dateCand
	ok := false
	switch tk := &t[i]; tk.low {
	case "later", "earlier", "next", "following", "previous", "same", "того", "тот":
		prev := s.p.prevDay
		// A sentence's clauses may be read more than once: only a day
		// that ends before this expression counts.
		for _, d := range s.p.sentDays {
			if d.b <= i-2 {
				prev = d.day
			}
		}
		c, ok = relativeToPrev(t, a, b, i, prev)
	case "the", "on":
		if c, ok = dayOfMonth(s.x, t, a, b, i, pd, tenseAt(i)); ok {
			return c, true, c.b - 1
		}
	case "week", "weekend":
		c, ok = parseWeek(t, a, i, pd, tenseAt(i))
	case "midweek":
		c, ok = midweek(t, a, i, i+1, pd)
	case "weeks", "days", "недель", "тижнів", "дня", "дней", "днів", "дні":
		c, ok = s.within(i)
	case "неделе", "неделю", "неделя", "недели", "тижня", "тиждень", "тижні":
		if c, ok = parseCyrillicWeek(t, a, i, pd, tenseAt(i)); !ok {
			c, ok = s.within(i) // "через две недели"
		}
	case "month", "месяца", "месяце", "месяц", "місяця", "місяці", "місяць":
		c, ok = parseRelMonth(t, a, i, pd)
	case "ago":
		c, ok = s.ago(i)
	default:
		if sm, found := seasons[tk.low]; found {
			c, ok = parseSeason(t, a, i, sm, pd, tenseAt(i))
		}
	}
	return c, ok, i
}

// ago reads "two days ago", "a week ago" ending at i.
func (s *dateScan) ago(i int) (dateCand, bool) {
	t, pd := s.t, s.pd
	if i-2 < s.a {
		return dateCand{}, false
	}
	n, ok := numberWords[t[i-2].low]
	if t[i-2].kind == tNum {
		n, ok = t[i-2].num, true
	}
	if !ok {
		return dateCand{}, false
	}
	switch t[i-1].low {
	case "day", "days":
		d := addDays(pd, -n)
		return dateCand{start: d, end: d, prec: PrecisionDay, a: i - 2, b: i + 1}, true
	case "week", "weeks":
		d := addDays(pd, -7*n)
		return dateCand{start: d, end: addDays(d, 6), prec: PrecisionWeek, a: i - 2, b: i + 1}, true
	}
	return dateCand{}, false
}

// within reads "in two weeks", "in three days", "через две недели": so
// long from the publication day.
func (s *dateScan) within(i int) (dateCand, bool) {
	t, pd := s.t, s.pd
	if i-2 < s.a {
		return dateCand{}, false
	}
	switch t[i-2].low {
	case "in", "через":
	default:
		return dateCand{}, false
	}
	n, ok := numberWords[t[i-1].low]
	if t[i-1].kind == tNum {
		n, ok = t[i-1].num, true
	}
	if !ok || n < 1 || n > 31 {
		return dateCand{}, false
	}
	switch t[i].low {
	case "days", "дня", "дней", "днів", "дні":
		d := addDays(pd, n)
		return dateCand{start: d, end: d, prec: PrecisionDay, a: i - 2, b: i + 1}, true
	}
	// "in two weeks": the week around that day
	d := addDays(pd, 7*n)
	return dateCand{start: addDays(d, -3), end: addDays(d, 3), prec: PrecisionWeek, a: i - 2, b: i + 1}, true
}

func isLatin(s string) bool {
	for _, r := range s {
		return r < 0x250
	}
	return false
}

func (x *Extractor) isMonth(t *token) bool {
	_, ok := x.months[t.low]
	return ok && (t.upper || !isLatin(t.orig))
}

// hyphenJoined reports whether the word at i is the head of a hyphenated name ("Mar-a-Lago",
// "Jan-Mayen"): a month abbreviation there is no date.
func hyphenJoined(t []token, i, b int) bool {
	return i+2 < b && t[i+1].orig == "-" && !t[i+1].spaceBefore && t[i+2].kind == tWord && !t[i+2].spaceBefore
}

func dayNum(t *token) bool { return t.kind == tNum && t.numLen <= 2 && t.num >= 1 && t.num <= 31 }

// parseYear reads an explicit year at k (", 2026", "last year").
func parseYear(t []token, k, b int, pd time.Time) (y int, ok bool, next int) {
	j := k
	if j < b && t[j].orig == "," {
		j++
	}
	if j < b && t[j].kind == tNum && t[j].numLen == 4 && t[j].num >= 1990 && t[j].num <= 2100 {
		return t[j].num, true, j + 1
	}
	j = k
	if j < b && t[j].low == "of" {
		j++
	}
	if j+1 < b && t[j+1].low == "year" {
		switch t[j].low {
		case "last", "past":
			return pd.Year() - 1, true, j + 2
		case "this":
			return pd.Year(), true, j + 2
		case "next":
			return pd.Year() + 1, true, j + 2
		}
	}
	// "в июле прошлого года", "у липні минулого року"
	if j+1 < b && (t[j+1].low == "года" || t[j+1].low == "року") {
		switch t[j].low {
		case "прошлого", "минулого", "позапрошлого":
			if t[j].low == "позапрошлого" {
				return pd.Year() - 2, true, j + 2
			}
			return pd.Year() - 1, true, j + 2
		case "этого", "текущего", "нынешнего", "цього", "поточного":
			return pd.Year(), true, j + 2
		case "следующего", "будущего", "наступного":
			return pd.Year() + 1, true, j + 2
		}
	}
	if j < b && (t[j].low == "года" || t[j].low == "року" || t[j].low == "г") {
		return 0, false, j + 1
	}
	return 0, false, k
}

// pastJustBefore: a past verb stands at most four tokens before token i
// ("was signed in China on Jan. 11"). So near its date, the past is no
// mere nudge: the date is not months ahead.
func pastJustBefore(p *para, a, i int) bool {
	for k := i - 1; k >= a && k >= i-5; k-- {
		if p.toks[k].kind == tPunct {
			return false
		}
		if p.startM[k]&cPast != 0 && p.toks[k].low != "last" {
			return true
		}
		if k > a && edForm(&p.toks[k]) {
			switch p.toks[k-1].low {
			case "was", "were", "been":
				return true
			}
		}
	}
	return false
}

// inferYear picks the year putting month/day nearest the publication day,
// nudged by tense.
func inferYear(m time.Month, d int, pd time.Time, tn tense) int {
	best, bestDiff := pd.Year(), 1<<30
	for y := pd.Year() - 1; y <= pd.Year()+1; y++ {
		dt, ok := mkDate(y, m, d)
		if !ok {
			continue
		}
		diff := absDays(dt, pd)
		if tn == tensePast && dt.After(addDays(pd, 3)) {
			diff += 300
		}
		if tn == tensePastFirm && dt.After(addDays(pd, 3)) {
			diff += 1000
		}
		if tn == tenseFuture && dt.Before(addDays(pd, -3)) {
			diff += 300
		}
		if diff < bestDiff {
			best, bestDiff = y, diff
		}
	}
	return best
}

func (x *Extractor) parseMonth(p *para, a, b, i int, m time.Month, pd time.Time, tenseAt func(int) tense) (dateCand, bool) {
	t := p.toks
	j := i + 1
	if j < b && t[j].orig == "." {
		j++
	}
	r := monthDate{x: x, t: t, a: a, b: b, i: i, j: j, m: m, pd: pd, tn: tenseAt(i)}
	if r.tn == tensePast && pastJustBefore(p, a, i) {
		r.tn = tensePastFirm
	}
	// "January 23", "Jan. 23-24", "January 31 to February 1", "January 23, 2026"
	if j < b && dayNum(&t[j]) {
		return r.dayAfter()
	}
	// "23 January", "23-24 January", "4 и 5 февраля"
	if i-1 >= a && dayNum(&t[i-1]) {
		return r.dayBefore()
	}
	// "the 3rd of March", "the 14th of December"
	if i-2 >= a && t[i-1].low == "of" && dayNum(&t[i-2]) && t[i-2].numLen < len(t[i-2].orig) {
		return r.days(i-2, j, m, t[i-2].num, m, t[i-2].num, j)
	}
	// A month alone: "in February", "early March", "last December".
	return r.alone()
}

// monthDate reads the date around the month name m at t[i], in the tokens
// [a, b); j is the token after the name and its period.
type monthDate struct {
	x       *Extractor
	t       []token
	a, b, i int
	j       int
	m       time.Month
	pd      time.Time
	tn      tense
}

// days is the date from d1 of m1 to d2 of m2 in the tokens [start, end),
// in the year written at yk or else the nearest one.
func (r *monthDate) days(start, end int, m1 time.Month, d1 int, m2 time.Month, d2 int, yk int) (dateCand, bool) {
	y, haveY, next := parseYear(r.t, yk, r.b, r.pd)
	if next > end {
		end = next
	}
	if !haveY {
		y = inferYear(m1, d1, r.pd, r.tn)
	}
	s, ok1 := mkDate(y, m1, d1)
	y2 := y
	if m2 < m1 {
		y2++
	}
	e, ok2 := mkDate(y2, m2, d2)
	if !ok1 || !ok2 || e.Before(s) || e.Sub(s) > 40*24*time.Hour {
		return dateCand{}, false
	}
	return dateCand{start: s, end: e, prec: PrecisionDay, a: start, b: end}, true
}

// dayAfter reads a day after the month name: "January 23", "Jan. 23-24",
// "January 31 to February 1".
func (r *monthDate) dayAfter() (dateCand, bool) {
	t, b, j, m := r.t, r.b, r.j, r.m
	d1 := t[j].num
	k := j + 1
	m2, d2 := m, d1
	if k+1 < b && isRangeSep(&t[k]) {
		k2 := k + 1
		if dayNum(&t[k2]) && t[k2].num > d1 {
			d2 = t[k2].num
			k = k2 + 1
		} else if r.x.isMonth(&t[k2]) {
			k3 := k2 + 1
			if k3 < b && t[k3].orig == "." {
				k3++
			}
			if k3 < b && dayNum(&t[k3]) {
				m2, d2 = r.x.months[t[k2].low], t[k3].num
				k = k3 + 1
			}
		}
	}
	return r.days(r.i, k, m, d1, m2, d2, k)
}

// dayBefore reads a day before the month name: "23 January", "23-24
// January", "4 и 5 февраля".
func (r *monthDate) dayBefore() (dateCand, bool) {
	t, a, i, j, m := r.t, r.a, r.i, r.j, r.m
	d2 := t[i-1].num
	d1, start := d2, i-1
	if i-3 >= a && isRangeSep(&t[i-2]) && dayNum(&t[i-3]) && t[i-3].num < d2 {
		d1, start = t[i-3].num, i-3
	} else if i-4 >= a && isRangeSep(&t[i-2]) && r.x.isMonth(&t[i-3]) && dayNum(&t[i-4]) {
		// "31 January – 1 February"
		m1 := r.x.months[t[i-3].low]
		return r.days(i-4, j, m1, t[i-4].num, m, d2, j)
	}
	return r.days(start, j, m, d1, m, d2, j)
}

// alone reads a month with no day: "in February", "early March", "last
// December", "May 2025".
func (r *monthDate) alone() (dateCand, bool) {
	t, a, i, j, m, pd := r.t, r.a, r.i, r.j, r.m, r.pd
	ctx := i-1 >= a && (monthCtx[t[i-1].low] || t[i-1].orig == "-" && i-2 >= a && t[i-2].low == "mid")
	y, haveY, next := parseYear(t, j, r.b, pd)
	if !ctx && !haveY {
		return dateCand{}, false
	}
	start := i
	if ctx {
		start = i - 1
	}
	if !haveY {
		y = r.year()
	}
	s := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	e := s.AddDate(0, 1, -1)
	end := next
	if end < j {
		end = j
	}
	s, e = r.part(s, e)
	return dateCand{start: s, end: e, prec: PrecisionMonth, a: start, b: end}, true
}

// year is the year of a month named without one: "last December" is
// before the publication, "next March" after it, else the nearest.
func (r *monthDate) year() int {
	t, a, i, m, pd := r.t, r.a, r.i, r.m, r.pd
	switch {
	case i-1 >= a && t[i-1].low == "last":
		y := pd.Year()
		if m >= pd.Month() {
			y--
		}
		return y
	case i-1 >= a && t[i-1].low == "next":
		y := pd.Year()
		if m <= pd.Month() {
			y++
		}
		return y
	default:
		return inferYear(m, 15, pd, r.tn)
	}
}

// part narrows the month [s, e] to the part of it the words before name.
// "early March", "mid-May", "late June", "the end of March": the third of
// the month they name.
func (r *monthDate) part(s, e time.Time) (time.Time, time.Time) {
	t, a, i := r.t, r.a, r.i
	if i-2 >= a && t[i-1].low == "of" {
		// "the middle of December", "the end of March"
		switch t[i-2].low {
		case "beginning", "start":
			return s, addDays(s, 9)
		case "middle":
			return addDays(s, 10), addDays(s, 19)
		case "end":
			return addDays(s, 20), e
		}
	}
	if i-1 >= a {
		switch w := t[i-1].low; {
		case w == "early" || w == "начале" || w == "початку":
			e = addDays(s, 9)
		case w == "-" && i-2 >= a && t[i-2].low == "mid" || w == "mid" || w == "середине" || w == "середині":
			s, e = addDays(s, 10), addDays(s, 19)
		case w == "late" || w == "конце" || w == "кінці":
			s = addDays(s, 20)
		}
	}
	return s, e
}

func (x *Extractor) parseWeekday(p *para, a, b, i int, wd time.Weekday, pd time.Time, tenseAt func(int) tense) dateCand {
	t := p.toks
	tn := tenseAt(i)
	mod := ""
	start := i
	if i-1 >= a {
		switch t[i-1].low {
		case "last", "past", "previous":
			mod, tn, start = "last", tensePast, i-1
		case "next", "coming":
			mod, tn, start = "next", tenseFuture, i-1
		case "this":
			mod, start = "this", i-1
			if tn != tensePast {
				tn = tenseFuture
			}
		case "from", "between":
			start = i - 1
		}
	}
	pw := pd.Weekday()
	back := (int(pw) - int(wd) + 7) % 7
	fwd := (int(wd) - int(pw) + 7) % 7
	var off int
	switch tn {
	case tensePast:
		off = -back
		if mod == "last" && back == 0 {
			off = -7
		}
	case tenseFuture:
		off = fwd
		// "next Thursday", said on a Wednesday: tomorrow would be
		// "Thursday"; "next" points to the week after.
		if mod == "next" && t[i-1].low == "next" && fwd <= 2 {
			off = fwd + 7
		}
		if mod == "next" && fwd == 0 {
			off = 7
		}
	default:
		off = -back
		if fwd < back {
			off = fwd
		}
	}
	d := addDays(pd, off)
	c := dateCand{start: d, end: d, prec: PrecisionDay, a: start, b: i + 1}
	// "Friday and Saturday", "Friday-Sunday", "from Friday to Sunday"
	if i+2 < b && isRangeSep(&t[i+1]) {
		if wd2, ok := x.weekdays[t[i+2].low]; ok {
			n := (int(wd2) - int(wd) + 7) % 7
			if n > 0 && n <= 3 {
				c.end = addDays(d, n)
				c.b = i + 3
			}
		}
	}
	return c
}

func mondayOf(d time.Time) time.Time {
	return addDays(d, -((int(d.Weekday()) + 6) % 7))
}

func parseWeek(t []token, a, i int, pd time.Time, tn tense) (dateCand, bool) {
	if i-1 < a {
		return dateCand{}, false
	}
	mod := t[i-1].low
	pre := ""
	if i-2 >= a {
		pre = t[i-2].low
	}
	if t[i].low == "week" {
		switch {
		case mod == "mid":
			return midweek(t, a, i-1, i+1, pd)
		case mod == "-" && pre == "mid":
			return midweek(t, a, i-2, i+1, pd)
		}
		return namedWeek(mod, pre, i, pd, tn)
	}
	return weekend(mod, pre, i, pd, tn)
}

// midweek reads "mid-week", "midweek": Tuesday to Thursday of this week,
// or of the next when said on its Wednesday or later.
func midweek(t []token, a, first, b int, pd time.Time) (dateCand, bool) {
	mon := mondayOf(pd)
	if wd := pd.Weekday(); wd >= time.Wednesday || wd == time.Sunday {
		mon = addDays(mon, 7)
	}
	return dateCand{start: addDays(mon, 1), end: addDays(mon, 3), prec: PrecisionWeek, a: first, b: b}, true
}

// namedWeek reads "this week", "next week", "earlier this week" ending at
// i, where mod is the word before "week" and pre the one before that.
func namedWeek(mod, pre string, i int, pd time.Time, tn tense) (dateCand, bool) {
	mon := mondayOf(pd)
	var s, e time.Time
	switch mod {
	case "this":
		s, e = mon, addDays(mon, 6)
		if tn == tenseFuture && s.Before(pd) {
			s = pd // "will meet this week", said on a Wednesday: from today on
		}
		if pre == "earlier" {
			e = addDays(pd, -1)
			if e.Before(s) {
				e = s
			}
		} else if pre == "later" {
			s = addDays(pd, 1)
			if s.After(e) {
				return dateCand{}, false
			}
		}
	case "next":
		s, e = addDays(mon, 7), addDays(mon, 13)
	case "last", "past", "previous":
		if pre == "the" {
			s, e = addDays(pd, -7), addDays(pd, -1)
		} else {
			s, e = addDays(mon, -7), addDays(mon, -1)
		}
	case "coming":
		s, e = addDays(pd, 1), addDays(pd, 7)
	default:
		return dateCand{}, false
	}
	start := i - 1
	if pre == "earlier" || pre == "later" || pre == "early" || pre == "late" {
		start = i - 2
	}
	return dateCand{start: s, end: e, prec: PrecisionWeek, a: start, b: i + 1}, true
}

// weekend reads "this weekend", "over the weekend" ending at i, where mod
// is the word before "weekend" and pre the one before that.
func weekend(mod, pre string, i int, pd time.Time, tn tense) (dateCand, bool) {
	s, ok := weekendSaturday(mod, pre, pd, tn)
	if !ok {
		return dateCand{}, false
	}
	start := i - 1
	if mod == "the" {
		start = i - 2
	}
	return dateCand{start: s, end: addDays(s, 1), prec: PrecisionWeek, a: start, b: i + 1}, true
}

// weekendSaturday is the Saturday of the weekend that mod (and pre, in
// "over the weekend") name.
func weekendSaturday(mod, pre string, pd time.Time, tn tense) (time.Time, bool) {
	pw := int(pd.Weekday())
	sat := func(off int) time.Time { return addDays(pd, off) }
	untilSat := (6 - pw + 7) % 7 // days to the coming Saturday (0 on Saturday)
	sinceSat := (pw - 6 + 7) % 7 // days since the last Saturday (0 on Saturday)
	var s time.Time
	switch mod {
	case "this":
		switch {
		case pw == 6 || pw == 0:
			s = sat(-sinceSat)
		case tn == tensePast && pw <= 2:
			s = sat(-sinceSat)
		default:
			s = sat(untilSat)
		}
	case "next":
		s = sat(untilSat)
		if pw >= 5 || pw == 0 {
			s = addDays(s, 7)
		}
	case "last", "past", "previous":
		off := sinceSat
		if off == 0 || pw == 0 {
			off += 7
		}
		s = sat(-off)
	case "the":
		if pre != "over" && pre != "at" && pre != "on" && pre != "during" {
			return time.Time{}, false
		}
		switch {
		case pw == 6 || pw == 0:
			s = sat(-sinceSat)
		case tn == tenseFuture:
			s = sat(untilSat)
		case tn == tensePast || pw <= 3:
			s = sat(-sinceSat)
		default:
			s = sat(untilSat)
		}
	default:
		return time.Time{}, false
	}
	return s, true
}

func parseRelMonth(t []token, a, i int, pd time.Time) (dateCand, bool) {
	if i-1 < a {
		return dateCand{}, false
	}
	first := time.Date(pd.Year(), pd.Month(), 1, 0, 0, 0, 0, time.UTC)
	var s time.Time
	// "в конце месяца", "наприкінці місяця": of this month
	part := i - 2
	switch t[i-1].low {
	case "начале", "середине", "конце", "початку", "середині", "кінці", "наприкінці":
		part = i - 1
	}
	// "at the end of the month"
	if t[i-1].low == "the" && i-3 >= a && t[i-2].low == "of" {
		part = i - 3
	}
	switch mod := t[i-1].low; {
	case part == i-1 || part == i-3:
		s = first
	case mod == "this" || strings.HasPrefix(mod, "эт") || strings.HasPrefix(mod, "ць") || strings.HasPrefix(mod, "цей") || strings.HasPrefix(mod, "поточн") || strings.HasPrefix(mod, "текущ"):
		s = first
	case mod == "next" || strings.HasPrefix(mod, "следующ") || strings.HasPrefix(mod, "наступн") || strings.HasPrefix(mod, "будущ"):
		s = first.AddDate(0, 1, 0)
	case mod == "last" || mod == "past" || mod == "previous" || strings.HasPrefix(mod, "прошл") || strings.HasPrefix(mod, "минул"):
		s = first.AddDate(0, -1, 0)
	default:
		return dateCand{}, false
	}
	c := dateCand{start: s, end: s.AddDate(0, 1, -1), prec: PrecisionMonth, a: i - 1, b: i + 1}
	// "early next month", "в начале следующего месяца", "наприкінці цього місяця"
	if k := part; k >= a {
		switch w := t[k].low; {
		case w == "early" || w == "beginning" || w == "start" || w == "начале" || w == "початку":
			c.end, c.a = addDays(s, 9), k
		case w == "mid" || w == "middle" || w == "середине" || w == "середині":
			c.start, c.end, c.a = addDays(s, 10), addDays(s, 19), k
		case w == "late" || w == "end" || w == "конце" || w == "кінці" || w == "наприкінці":
			c.start, c.a = addDays(s, 20), k
		case w == "later" && s.Equal(first) && pd.After(first) && addDays(pd, 1).Before(c.end.AddDate(0, 0, 1)):
			// "later this month": the rest of it, from tomorrow as "later
			// this week" is
			c.start, c.a = addDays(pd, 1), k
		case w == "earlier" && s.Equal(first) && pd.After(first):
			// "earlier this month": the part gone
			c.end, c.a = addDays(pd, -1), k
		default:
			if part == i-3 {
				return dateCand{}, false // "one of the month's …"
			}
		}
	}
	return c, true
}

func parseSeason(t []token, a, i int, sm time.Month, pd time.Time, tn tense) (dateCand, bool) {
	mod := ""
	if i-1 >= a {
		mod = t[i-1].low
		if mod == "the" && i-2 >= a {
			mod = t[i-2].low
		}
	}
	// Cyrillic season words are adverbs ("летом") and need no modifier.
	if isLatin(t[i].orig) && mod != "this" && mod != "next" && mod != "last" && mod != "in" && mod != "early" && mod != "late" && mod != "during" && mod != "past" {
		return dateCand{}, false
	}
	startOf := func(y int) time.Time { return time.Date(y, sm, 1, 0, 0, 0, 0, time.UTC) }
	endOf := func(s time.Time) time.Time { return s.AddDate(0, 3, -1) }
	// the season containing pd, or the last one that started before it
	cur := startOf(pd.Year())
	if cur.After(pd) {
		cur = startOf(pd.Year() - 1)
	}
	var s time.Time
	switch {
	case mod == "last" || mod == "past":
		s = cur
		if !endOf(s).Before(pd) {
			s = startOf(s.Year() - 1)
		}
	case mod == "next":
		s = startOf(cur.Year() + 1)
	case mod == "this":
		s = cur
		if endOf(s).Before(pd) {
			s = startOf(cur.Year() + 1)
		}
	default:
		s = cur
		if tn == tenseFuture && endOf(s).Before(pd) {
			s = startOf(cur.Year() + 1)
		}
	}
	start := i
	if i-1 >= a && mod != "" {
		start = i - 1
	}
	return dateCand{start: s, end: endOf(s), prec: PrecisionSeason, a: start, b: i + 1}, true
}

// relativeToPrev reads dates counted from the last date the article gave:
// "five days later", "a week later", "two days earlier", "the next day",
// "the following day", "the previous day".
func relativeToPrev(t []token, a, b, i int, prev time.Time) (dateCand, bool) {
	if prev.IsZero() {
		return dateCand{}, false
	}
	switch t[i].low {
	case "later", "earlier":
		if i-2 < a {
			return dateCand{}, false
		}
		n, ok := numberWords[t[i-2].low]
		if t[i-2].kind == tNum && t[i-2].numLen == len(t[i-2].orig) {
			n, ok = t[i-2].num, true
		}
		if !ok || n > 60 {
			return dateCand{}, false
		}
		switch t[i-1].low {
		case "day", "days":
		case "week", "weeks":
			n *= 7
		default:
			return dateCand{}, false
		}
		if t[i].low == "earlier" {
			n = -n
		}
		d := addDays(prev, n)
		return dateCand{start: d, end: d, prec: PrecisionDay, a: i - 2, b: i + 1}, true
	case "того", "тот": // "того ж дня", "в тот же день"
		if i+2 >= b {
			return dateCand{}, false
		}
		switch t[i+1].low {
		case "ж", "же", "самого", "самый":
		default:
			return dateCand{}, false
		}
		switch t[i+2].low {
		case "дня", "день":
			return dateCand{start: prev, end: prev, prec: PrecisionDay, a: i, b: i + 3}, true
		}
		return dateCand{}, false
	case "same": // "the same day", "that same day", "on the same evening"
		if i-1 < a || i+1 >= b {
			return dateCand{}, false
		}
		switch t[i+1].low {
		case "day", "evening", "morning", "night", "afternoon":
		default:
			return dateCand{}, false
		}
		switch t[i-1].low {
		case "the", "that":
			return dateCand{start: prev, end: prev, prec: PrecisionDay, a: i - 1, b: i + 2}, true
		}
		return dateCand{}, false
	default: // next, following, previous
		if i-1 < a || t[i-1].low != "the" || i+1 >= b || t[i+1].low != "day" {
			return dateCand{}, false
		}
		n := 1
		if t[i].low == "previous" {
			n = -1
		}
		d := addDays(prev, n)
		return dateCand{start: d, end: d, prec: PrecisionDay, a: i - 1, b: i + 2}, true
	}
}

// dayOfMonth reads "on the 14th", "on 14th" (a day of a month left unsaid): the
// nearest such day in the direction of the tense.
func dayOfMonth(x *Extractor, t []token, a, b, i int, pd time.Time, tn tense) (dateCand, bool) {
	k := i + 1
	on := t[i].low == "on" || i-1 >= a && t[i-1].low == "on" // "on 25th", "on the 25th"
	if !on || k >= b || t[k].kind != tNum || t[k].numLen == len(t[k].orig) || t[k].numLen > 2 {
		return dateCand{}, false
	}
	dn := t[k].num
	if dn < 1 || dn > 31 {
		return dateCand{}, false
	}
	// "on the 14th of December" is a calendar date read elsewhere.
	for q := k + 1; q < b && q <= k+2; q++ {
		if x.isMonth(&t[q]) {
			return dateCand{}, false
		}
	}
	first := time.Date(pd.Year(), pd.Month(), 1, 0, 0, 0, 0, time.UTC)
	pm, nm := first.AddDate(0, -1, 0), first.AddDate(0, 1, 0)
	this, ok := mkDate(pd.Year(), pd.Month(), dn)
	prevM, okP := mkDate(pm.Year(), pm.Month(), dn)
	nextM, okN := mkDate(nm.Year(), nm.Month(), dn)
	var d time.Time
	switch {
	case tn == tensePast:
		if ok && !this.After(pd) {
			d = this
		} else if okP {
			d = prevM
		}
	case tn == tenseFuture:
		if ok && !this.Before(pd) {
			d = this
		} else if okN {
			d = nextM
		}
	default:
		if ok {
			d = this
		}
	}
	if d.IsZero() {
		return dateCand{}, false
	}
	from := i - 1
	if t[i].low == "on" {
		from = i
	}
	return dateCand{start: d, end: d, prec: PrecisionDay, a: from, b: k + 1}, true
}

// parseCyrillicWeek reads "на этой неделе", "на следующей неделе",
// "наступного тижня", "минулого тижня".
func parseCyrillicWeek(t []token, a, i int, pd time.Time, tn tense) (dateCand, bool) {
	if i-1 < a {
		return dateCand{}, false
	}
	mon := mondayOf(pd)
	mod := t[i-1].low
	var s, e time.Time
	switch {
	case strings.HasPrefix(mod, "эт") || strings.HasPrefix(mod, "ць") || strings.HasPrefix(mod, "цей") || strings.HasPrefix(mod, "поточн") || strings.HasPrefix(mod, "текущ"):
		s, e = mon, addDays(mon, 6)
		if tn == tenseFuture && s.Before(pd) {
			s = pd
		}
	case strings.HasPrefix(mod, "следующ") || strings.HasPrefix(mod, "наступн") || strings.HasPrefix(mod, "будущ"):
		s, e = addDays(mon, 7), addDays(mon, 13)
		if wd := pd.Weekday(); wd >= time.Friday || wd == time.Sunday {
			s = addDays(pd, 1) // said at the week's end, it takes in the weekend
		}
	case strings.HasPrefix(mod, "прошл") || strings.HasPrefix(mod, "минул") || strings.HasPrefix(mod, "попередн"):
		s, e = addDays(mon, -7), addDays(mon, -1)
	default:
		return dateCand{}, false
	}
	return dateCand{start: s, end: e, prec: PrecisionWeek, a: i - 1, b: i + 1}, true
}

func partOfDay(w string) bool {
	switch w {
	case "morning", "afternoon", "evening":
		return true
	}
	return false
}
