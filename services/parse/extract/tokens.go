package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tWord tokKind = iota
	tNum
	tPunct
)

// token is one word, number or punctuation mark of a paragraph.
type token struct {
	orig        string // as written (initials joined: "U.S." → "US")
	low         string // lower case
	start, end  int    // byte offsets in the paragraph
	num         int    // value for tNum
	numLen      int    // digits in a tNum
	kind        tokKind
	spaceBefore bool
	poss        bool // followed by a possessive 's
	upper       bool // first rune is upper case
	allUpper    bool // every letter is upper case (and at least two letters)
}

func isApos(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

// tokenize splits s into tokens, appending to dst.
func tokenize(dst []token, s string) []token {
	space := true
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r) || r == '\u00a0':
			space = true
			i += size
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			t, n := scanWord(s, i)
			t.spaceBefore = space
			dst = append(dst, t)
			i = n
		default:
			t := token{orig: s[i : i+size], start: i, end: i + size, kind: tPunct, spaceBefore: space}
			if r == '’' || r == '‘' {
				t.orig = "'"
			}
			t.low = t.orig
			dst = append(dst, t)
			i += size
		}
		space = false
	}
	return dst
}

// scanWord reads a word or number starting at i.
func scanWord(s string, i int) (token, int) {
	start := i
	// Initials: U.S., U.N., U.A.E.
	if t, n, ok := scanInitials(s, i); ok {
		return t, n
	}
	digits, letters := 0, 0
	j := i
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if unicode.IsLetter(r) || unicode.IsMark(r) {
			letters++
			j += size
			continue
		}
		if unicode.IsDigit(r) {
			digits++
			j += size
			continue
		}
		if isApos(r) && j+size < len(s) {
			r2, size2 := utf8.DecodeRuneInString(s[j+size:])
			if unicode.IsLetter(r2) {
				// possessive 's / s'
				if (r2 == 's' || r2 == 'S') && (j+size+size2 == len(s) || !isWordRune(s[j+size+size2:])) {
					t := mkWord(s[start:j], start, j)
					t.poss = true
					return t, j + size + size2
				}
				j += size
				continue
			}
		}
		break
	}
	word := s[start:j]
	if digits > 0 && letters == 0 {
		t := token{orig: word, low: word, start: start, end: j, kind: tNum, numLen: digits}
		t.num = atoi(word)
		return t, j
	}
	if digits > 0 {
		// 23rd, 1st: ordinal numbers
		k := 0
		for k < len(word) && word[k] >= '0' && word[k] <= '9' {
			k++
		}
		suf := strings.ToLower(word[k:])
		if k > 0 && k <= 2 && (suf == "st" || suf == "nd" || suf == "rd" || suf == "th") {
			t := token{orig: word, low: strings.ToLower(word), start: start, end: j, kind: tNum, numLen: k}
			t.num = atoi(word[:k])
			return t, j
		}
	}
	return mkWord(word, start, j), j
}

func isWordRune(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s) && i < 9; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// scanInitials recognises single letters joined by periods ("U.S.").
func scanInitials(s string, i int) (token, int, bool) {
	var b []byte
	j := i
	for {
		r, size := utf8.DecodeRuneInString(s[j:])
		if r >= utf8.RuneSelf || !unicode.IsUpper(r) || j+size >= len(s) || s[j+size] != '.' {
			break
		}
		// the letter must be a single letter (next after '.' is a letter or end)
		b = append(b, byte(r))
		j += size + 1
		if j >= len(s) {
			break
		}
		r2, _ := utf8.DecodeRuneInString(s[j:])
		if r2 >= utf8.RuneSelf || !unicode.IsUpper(r2) || j+1 < len(s) && unicode.IsLetter(rune(s[j+1])) {
			break
		}
	}
	if len(b) < 2 {
		return token{}, 0, false
	}
	if j < len(s) && isWordRune(s[j:]) {
		return token{}, 0, false
	}
	w := string(b)
	t := token{orig: w, low: strings.ToLower(w), start: i, end: j, kind: tWord, upper: true, allUpper: true}
	return t, j, true
}

func mkWord(w string, start, end int) token {
	t := token{orig: w, start: start, end: end, kind: tWord}
	t.low = lower(w)
	r, _ := utf8.DecodeRuneInString(w)
	t.upper = unicode.IsUpper(r)
	if t.upper {
		n, all := 0, true
		for _, r := range w {
			if unicode.IsLetter(r) {
				n++
				if !unicode.IsUpper(r) {
					all = false
					break
				}
			}
		}
		t.allUpper = all && n >= 2
	}
	// The apostrophes' lead bytes first: ContainsAny with non-ASCII runes
	// decodes every rune of every word.
	if (strings.IndexByte(t.low, 0xE2) >= 0 || strings.IndexByte(t.low, 0xCA) >= 0) && strings.ContainsAny(t.low, "’ʼ") {
		t.low = apostrophes.Replace(t.low)
	}
	return t
}

var apostrophes = strings.NewReplacer("’", "'", "ʼ", "'")

// lower is strings.ToLower with an allocation-free path for lower-case ASCII.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return strings.ToLower(s)
		}
	}
	return s
}
