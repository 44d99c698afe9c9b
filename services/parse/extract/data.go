package extract

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

//go:embed data
var dataFS embed.FS

// cueMask is a set of lexical cue categories.
type cueMask uint64

const (
	cMeetNoun cueMask = 1 << iota
	cMeetVerb
	cWeakMeet
	cNegotiator
	cMediatorPre
	cMediator
	cCommentator
	cSpeech
	cPast
	cPresent
	cFuture
	cFinish
	cStart
	cCancel
	cPostpone
	cHypo
	cLocPrep
	cFromPrep
	cBetween
	cList
	cRel
	cCityNoun
	cBack
	cBreak
	cBlock
	cEnd
	cAlly
	cContinue
	cObjPrep
	cRemote
	cDeny
	cPlaceAdj
	cAbsent
	cThreeWay
	cSeat
	cTitle
	cSoftMeet
	cInternal
	cConflict
	cAbout
	cArrive
	cIndirect
	cNearly
	cRecall
	cDeadline
	cPrepare
	cNow
	cGovt
	cSidelines
	cEnvoy
	cDepart
	cUnnamed
	cSideRef
	cByDate
	cReceive
	cNoTense
	cDeterminer
	cSubordinate
	cTenure
	cInvite
	cTopicPlace
	cConcessive
	cSamePlace
	cNoCity
)

var cueNames = map[string]cueMask{
	"meeting_noun": cMeetNoun, "meeting_verb": cMeetVerb, "weak_meeting": cWeakMeet,
	"negotiator": cNegotiator, "mediator_pre": cMediatorPre, "mediator": cMediator,
	"commentator": cCommentator, "speech": cSpeech, "past": cPast, "present": cPresent,
	"future": cFuture, "finish": cFinish, "start": cStart, "cancel": cCancel,
	"postpone": cPostpone, "hypothetical": cHypo, "loc_prep": cLocPrep, "from_prep": cFromPrep,
	"between": cBetween, "list": cList, "rel": cRel, "city_noun": cCityNoun, "back": cBack,
	"clause_break": cBreak, "block": cBlock, "end": cEnd, "ally": cAlly, "continuation": cContinue, "object_prep": cObjPrep,
	"remote": cRemote, "denial": cDeny, "place_adjective": cPlaceAdj,
	"absent": cAbsent, "three_way": cThreeWay, "seat": cSeat, "title": cTitle, "soft_meeting": cSoftMeet, "internal": cInternal, "conflict": cConflict, "about": cAbout, "arrival": cArrive, "indirect": cIndirect, "nearly": cNearly, "recall": cRecall, "deadline": cDeadline, "prepare": cPrepare, "now": cNow, "govt": cGovt, "sidelines": cSidelines, "envoy": cEnvoy, "depart": cDepart, "unnamed_source": cUnnamed, "side_ref": cSideRef, "by_date": cByDate, "receive": cReceive, "no_tense": cNoTense, "determiner": cDeterminer, "subordinate": cSubordinate, "tenure": cTenure, "invite": cInvite, "topic_place": cTopicPlace, "concessive": cConcessive, "same_place": cSamePlace, "no_city": cNoCity,
}

const cMeeting = cMeetNoun | cMeetVerb

// cTense are the cue categories resolved by longest match: inside "will be
// held" the word "held" is no past tense.
const cTense = cPast | cPresent | cFuture | cFinish | cEnd | cStart | cCancel | cPostpone | cHypo

type entryKind uint8

const (
	kCue entryKind = iota
	kEntity
	kCity
	kVenue
	kPerson
	kTopic
)

type entSub uint8

const (
	subName entSub = iota
	subDemonym
	subMetonym
)

type caseMode uint8

const (
	caseAny   caseMode = iota
	caseCap            // first/last word capitalised (Latin script)
	caseUpper          // written all upper case ("US", "UAE")
	caseLower          // written lower case ("may" the verb)
)

type entry struct {
	kind entryKind
	sub  entSub
	cm   caseMode
	idx  int32 // into entities/cities/venues/people/topics
	mask cueMask
	// script of a cue or topic phrase: the rules of one script apply only
	// to text of a language written in it.
	script script
}

// script of a phrase or an article's language.
type script uint8

const (
	scriptAny script = iota
	scriptLatin
	scriptCyrillic
)

// phraseScript is the script of the phrase's letters (scriptAny for mixed
// or letterless phrases).
func phraseScript(s string) script {
	sc := scriptAny
	for _, r := range s {
		var this script
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			this = scriptCyrillic
		case unicode.Is(unicode.Latin, r):
			this = scriptLatin
		default:
			continue
		}
		if sc != scriptAny && sc != this {
			return scriptAny
		}
		sc = this
	}
	return sc
}

// languageScript maps an ISO 639-1 code to the script whose rules apply;
// unknown or empty languages get every rule.
func languageScript(lang string) script {
	switch strings.ToLower(lang) {
	case "ru", "uk", "be", "bg", "sr", "mk", "kk":
		return scriptCyrillic
	case "":
		return scriptAny
	}
	return scriptLatin
}

type trieNode struct {
	next    map[string]*trieNode
	stems   []stemEdge
	entries []entry
	// byRune lists the stems by their first rune, longest first; the root holds
	// hundreds of stems and a scan of them all for every token was a third of
	// the reading time.
	byRune map[rune][]*stemEdge
}

type stemEdge struct {
	prefix string
	node   *trieNode
}

type entity struct {
	code string
	kind string // country, org, group
	// governsFrom: the day a group took power in its country; from then
	// on it speaks for the state, and its talks with others are no
	// talks inside the country.
	governsFrom time.Time
	// members: a bloc or standing format speaks for these sides
	// ("Mercosur", "the Normandy format"); chairs are its go-betweens
	// ("the Minsk Group's co-chairs").
	members, chairs []string
}

// isGroup: e is a movement, not a government, on day pub.
func (e entity) isGroup(pub time.Time) bool {
	return e.kind == "group" && (e.governsFrom.IsZero() || pub.Before(e.governsFrom))
}

type city struct {
	name, country string
}

type venue struct {
	name string
	city int32
}

type person struct {
	name, party, role     string
	commentator, mediator bool
}

// Extractor holds the compiled gazetteer and lexicon. It is immutable after
// New and safe for concurrent use.
type Extractor struct {
	root     *trieNode
	entities []entity
	cities   []city
	venues   []venue
	people   []person
	topics   []string

	months      map[string]time.Month
	weekdays    map[string]time.Weekday
	relDays     map[string]int
	ordinals    map[string]int
	abbrevs     map[string]bool
	boilerplate []string
	captions    []string
	// captionVerbs: the present tense a photo caption describes its picture in
	captionVerbs []string
	cityByName   map[string]int32
	// capital maps a country code to its capital ("the Omani capital").
	capital map[string]int32
	// mediations: the tracks whose sides meet through standing mediators
	mediations []mediation
}

type rawLexicon struct {
	Cues          map[string][]string `yaml:"cues"`
	Months        map[string]int      `yaml:"months"`
	Weekdays      map[string]int      `yaml:"weekdays"`
	RelativeDays  map[string]int      `yaml:"relative_days"`
	Ordinals      map[string]int      `yaml:"ordinals"`
	Abbreviations []string            `yaml:"abbreviations"`
	Boilerplate   []string            `yaml:"boilerplate_prefixes"`
	Captions      []string            `yaml:"caption_markers"`
	CaptionVerbs  []string            `yaml:"caption_verbs"`
	Topics        map[string][]string `yaml:"topics"`
}

type rawGazetteer struct {
	Entities []rawEntity `yaml:"entities"`
}

type rawEntity struct {
	Code     string   `yaml:"code"`
	Kind     string   `yaml:"kind"`
	Names    []string `yaml:"names"`
	Demonyms []string `yaml:"demonyms"`
	Metonyms []string `yaml:"metonyms"`
	// Capital names the capital when it is not the first city listed.
	Capital string `yaml:"capital"`
	// GovernsFrom (YYYY-MM-DD): a group that took power, from that day.
	GovernsFrom string `yaml:"governs_from"`
	// Members and Chairs: the sides and the go-betweens of a bloc or a
	// standing format (kind: format).
	Members []string  `yaml:"members"`
	Chairs  []string  `yaml:"chairs"`
	Cities  []rawCity `yaml:"cities"`
	Venues  []struct {
		Name    string   `yaml:"name"`
		City    string   `yaml:"city"`
		Aliases []string `yaml:"aliases"`
	} `yaml:"venues"`
}

type rawCity struct {
	Name    string   `yaml:"name"`
	Aliases []string `yaml:"aliases"`
}

type rawTrack struct {
	Track  string        `yaml:"track"`
	Talks  *rawMediation `yaml:"talks"`
	People []struct {
		Name    string   `yaml:"name"`
		Party   string   `yaml:"party"`
		Role    string   `yaml:"role"`
		Aliases []string `yaml:"aliases"`
	} `yaml:"people"`
}

// New loads and compiles the embedded data.
func New() (*Extractor, error) {
	x := &Extractor{
		root:       &trieNode{},
		months:     map[string]time.Month{},
		weekdays:   map[string]time.Weekday{},
		relDays:    map[string]int{},
		ordinals:   map[string]int{},
		abbrevs:    map[string]bool{},
		cityByName: map[string]int32{},
		capital:    map[string]int32{},
	}
	var lex rawLexicon
	if err := loadYAML("data/lexicon.yaml", &lex); err != nil {
		return nil, err
	}
	var gaz rawGazetteer
	if err := loadYAML("data/countries.yaml", &gaz); err != nil {
		return nil, err
	}
	if err := x.loadCues(lex.Cues); err != nil {
		return nil, err
	}
	if err := x.loadWords(&lex); err != nil {
		return nil, err
	}
	if err := x.loadTopics(lex.Topics); err != nil {
		return nil, err
	}
	venues, err := x.loadEntities(gaz.Entities)
	if err != nil {
		return nil, err
	}
	x.addCLDRCountries(gazIndex(gaz.Entities))
	if err := x.loadVenues(venues); err != nil {
		return nil, err
	}
	if err := x.loadPeople(); err != nil {
		return nil, err
	}
	x.root.inheritStems()
	x.root.indexStems()
	return x, nil
}

// loadCues compiles the cue phrases of each category.
func (x *Extractor) loadCues(cues map[string][]string) error {
	// Cues, in a fixed order so that compilation is deterministic.
	cats := make([]string, 0, len(cues))
	for c := range cues {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	for _, c := range cats {
		m, ok := cueNames[c]
		if !ok {
			return fmt.Errorf("extract: lexicon: unknown cue category %q", c)
		}
		for _, p := range cues[c] {
			x.add(p, entry{kind: kCue, mask: m})
		}
	}
	return nil
}

// loadWords reads the lexicon's word lists: months, weekdays, relative
// days, ordinals, abbreviations and the markers of page furniture.
func (x *Extractor) loadWords(lex *rawLexicon) error {
	for k, v := range lex.Months {
		if v < 1 || v > 12 {
			return fmt.Errorf("extract: lexicon: bad month %q", k)
		}
		x.months[lower(k)] = time.Month(v)
	}
	for k, v := range lex.Weekdays {
		x.weekdays[normApos(lower(k))] = time.Weekday(v % 7)
	}
	for k, v := range lex.RelativeDays {
		x.relDays[lower(k)] = v
	}
	for k, v := range lex.Ordinals {
		x.ordinals[lower(k)] = v
	}
	for _, a := range lex.Abbreviations {
		x.abbrevs[lower(a)] = true
	}
	for _, b := range lex.Boilerplate {
		x.boilerplate = append(x.boilerplate, lower(b))
	}
	for _, c := range lex.Captions {
		x.captions = append(x.captions, lower(c))
	}
	for _, c := range lex.CaptionVerbs {
		x.captionVerbs = append(x.captionVerbs, " "+lower(c)+" ")
	}
	return nil
}

// loadTopics compiles the phrases of each topic, which must be one of the
// closed list Topics, in a fixed order.
func (x *Extractor) loadTopics(topics map[string][]string) error {
	known := map[string]bool{}
	for _, t := range Topics {
		known[t] = true
	}
	tnames := make([]string, 0, len(topics))
	for t := range topics {
		if !known[t] {
			return fmt.Errorf("extract: lexicon: topic %q is not in the closed list", t)
		}
		tnames = append(tnames, t)
	}
	sort.Strings(tnames)
	for _, t := range tnames {
		x.topics = append(x.topics, t)
		for _, p := range topics[t] {
			x.add(p, entry{kind: kTopic, idx: int32(len(x.topics) - 1)})
		}
	}
	return nil
}

// pendingVenue is a venue of the gazetteer, compiled once every city is
// known.
type pendingVenue struct {
	name, city string
	aliases    []string
}

// loadEntities compiles the gazetteer's entities with their names, cities
// and capitals, and returns their venues for loadVenues.
func (x *Extractor) loadEntities(ents []rawEntity) ([]pendingVenue, error) {
	var venues []pendingVenue
	for _, e := range ents {
		if e.Code == "" {
			return nil, fmt.Errorf("extract: countries: entity without code")
		}
		kind := e.Kind
		if kind == "" {
			kind = "country"
		}
		ent := entity{code: e.Code, kind: kind, members: e.Members, chairs: e.Chairs}
		if kind == "format" && len(e.Members) == 0 {
			return nil, fmt.Errorf("extract: countries: format %s lists no members (add members: [codes])", e.Code)
		}
		if e.GovernsFrom != "" {
			t, err := time.Parse(time.DateOnly, e.GovernsFrom)
			if err != nil {
				return nil, fmt.Errorf("extract: countries: %s: governs_from %q is not a date (write YYYY-MM-DD): %w", e.Code, e.GovernsFrom, err)
			}
			ent.governsFrom = t
		}
		x.entities = append(x.entities, ent)
		id := int32(len(x.entities) - 1)
		for _, n := range e.Names {
			x.add(n, entry{kind: kEntity, sub: subName, idx: id})
		}
		for _, n := range e.Demonyms {
			x.add(n, entry{kind: kEntity, sub: subDemonym, idx: id})
		}
		for _, n := range e.Metonyms {
			x.add(n, entry{kind: kEntity, sub: subMetonym, idx: id})
		}
		if err := x.loadCities(e, id); err != nil {
			return nil, err
		}
		for _, v := range e.Venues {
			venues = append(venues, pendingVenue{v.Name, v.City, v.Aliases})
		}
	}
	return venues, nil
}

// loadCities compiles the cities of e, entity id, and records its capital.
func (x *Extractor) loadCities(e rawEntity, id int32) error {
	for _, c := range e.Cities {
		x.cities = append(x.cities, city{name: c.Name, country: e.Code})
		cid := int32(len(x.cities) - 1)
		x.cityByName[lower(c.Name)] = cid
		x.add(c.Name, entry{kind: kCity, idx: cid})
		for _, a := range c.Aliases {
			x.add(a, entry{kind: kCity, idx: cid})
		}
	}
	if len(e.Cities) == 0 {
		return nil
	}
	capName := e.Capital
	if capName == "" {
		capName = e.Cities[0].Name
	}
	cid, ok := x.cityByName[lower(capName)]
	if !ok {
		return fmt.Errorf("extract: countries: %s: capital %q is not among its cities", e.Code, capName)
	}
	if _, seen := x.capital[e.Code]; !seen {
		x.capital[e.Code] = cid
	}
	// Russian and Ukrainian news names governments by their capitals
	// ("переговоры Белграда и Приштины") as English does only for some,
	// which the data lists; read as a place where it is one.
	if ent := x.entities[id]; ent.kind == "country" {
		for _, c := range e.Cities {
			if lower(c.Name) != lower(capName) {
				continue
			}
			for _, n := range c.Aliases {
				if !isLatin(n) {
					x.add(n, entry{kind: kEntity, sub: subMetonym, idx: id})
				}
			}
		}
	}
	return nil
}

// gazIndex returns the lower-cased names the gazetteer knows and the index
// of the first entity of each code, for addCLDRCountries.
func gazIndex(ents []rawEntity) (map[string]bool, map[string]int32) {
	gazNames := map[string]bool{}
	ids := map[string]int32{}
	for i, e := range ents {
		if _, ok := ids[e.Code]; !ok {
			ids[e.Code] = int32(i)
		}
		for _, list := range [][]string{e.Names, e.Demonyms, e.Metonyms} {
			for _, n := range list {
				gazNames[lower(strings.TrimSuffix(n, "*"))] = true
			}
		}
		for _, c := range e.Cities {
			gazNames[lower(c.Name)] = true
			for _, a := range c.Aliases {
				gazNames[lower(strings.TrimSuffix(a, "*"))] = true
			}
		}
	}
	return gazNames, ids
}

// loadVenues compiles the venues, each in a known city.
func (x *Extractor) loadVenues(venues []pendingVenue) error {
	for _, v := range venues {
		cid, ok := x.cityByName[lower(v.city)]
		if !ok {
			return fmt.Errorf("extract: countries: venue %q in unknown city %q", v.name, v.city)
		}
		x.venues = append(x.venues, venue{name: v.name, city: cid})
		vid := int32(len(x.venues) - 1)
		x.add(v.name, entry{kind: kVenue, idx: vid})
		for _, a := range v.aliases {
			x.add(a, entry{kind: kVenue, idx: vid})
		}
	}
	return nil
}

// loadPeople compiles the people, one file per negotiation track; a person
// in several tracks is one person, with the aliases of all.
func (x *Extractor) loadPeople() error {
	files, err := fs.Glob(dataFS, "data/tracks/*.yaml")
	if err != nil {
		return err
	}
	sort.Strings(files)
	byName := map[string]int32{}
	for _, f := range files {
		var tr rawTrack
		if err := loadYAML(f, &tr); err != nil {
			return err
		}
		if tr.Talks != nil {
			if err := x.compileMediation(path.Base(f), tr.Talks); err != nil {
				return err
			}
		}
		for _, p := range tr.People {
			if p.Name == "" || p.Party == "" {
				return fmt.Errorf("extract: %s: person without name or party", path.Base(f))
			}
			pid, seen := byName[p.Name]
			if !seen {
				role := lower(p.Role)
				x.people = append(x.people, person{
					name: p.Name, party: p.Party, role: p.Role,
					commentator: role == "spokesman" || role == "spokeswoman" || role == "spokesperson" || role == "commentator",
					mediator:    role == "host" || role == "mediator",
				})
				pid = int32(len(x.people) - 1)
				byName[p.Name] = pid
				x.add(p.Name, entry{kind: kPerson, idx: pid})
			}
			for _, a := range p.Aliases {
				x.add(a, entry{kind: kPerson, idx: pid})
			}
		}
	}
	return nil
}

func loadYAML(name string, v any) error {
	b, err := dataFS.ReadFile(name)
	if err != nil {
		return fmt.Errorf("extract: %w", err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		return fmt.Errorf("extract: %s: %w", name, err)
	}
	return nil
}

func normApos(s string) string {
	if strings.ContainsAny(s, "’ʼ") {
		return strings.NewReplacer("’", "'", "ʼ", "'").Replace(s)
	}
	return s
}

// add compiles one phrase into the trie.
func (x *Extractor) add(phrase string, e entry) {
	phrase = strings.TrimSpace(phrase)
	if strings.HasPrefix(phrase, "=") {
		e.cm = caseLower
		phrase = phrase[1:]
	}
	stem := strings.HasSuffix(phrase, "*")
	phrase = strings.TrimSuffix(phrase, "*")
	toks := tokenize(nil, phrase)
	if len(toks) == 0 {
		return
	}
	if e.kind == kCue || e.kind == kTopic {
		e.script = phraseScript(phrase)
	}
	if e.kind != kCue && e.kind != kTopic {
		switch {
		case isAllUpper(phrase):
			e.cm = caseUpper
		case lowerWord(toks):
			// "Normandy format", "six-party": written so in the data, and
			// so in the news.
			e.cm = caseAny
		default:
			e.cm = caseCap
		}
	}
	n := x.root
	for i, t := range toks {
		key := t.low
		if i == len(toks)-1 && stem {
			var child *trieNode
			for _, s := range n.stems {
				if s.prefix == key {
					child = s.node
				}
			}
			if child == nil {
				child = &trieNode{}
				n.stems = append(n.stems, stemEdge{prefix: key, node: child})
			}
			n = child
			break
		}
		if n.next == nil {
			n.next = map[string]*trieNode{}
		}
		child := n.next[key]
		if child == nil {
			child = &trieNode{}
			n.next[key] = child
		}
		n = child
	}
	// Cue masks with the same case mode merge into one entry.
	n.addEntry(e)
}

func isAllUpper(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			n++
		}
	}
	return n >= 2
}

// child returns the trie node reached from n by token t.
func (n *trieNode) child(t *token) *trieNode {
	if n.next != nil {
		if c := n.next[t.low]; c != nil {
			return c
		}
	}
	// The longest matching stem: after inheritStems it also carries what
	// the shorter stems mean ("продолжают*" is present tense and, through
	// "продолж*", a continuation).
	if len(n.stems) == 0 || t.low == "" {
		return nil
	}
	r, _ := utf8.DecodeRuneInString(t.low)
	for _, s := range n.byRune[r] {
		if strings.HasPrefix(t.low, s.prefix) {
			return s.node
		}
	}
	return nil
}

// indexStems fills byRune in n and below; it runs once the trie is complete.
func (n *trieNode) indexStems() {
	if len(n.stems) > 0 {
		n.byRune = map[rune][]*stemEdge{}
		for i := range n.stems {
			s := &n.stems[i]
			r, _ := utf8.DecodeRuneInString(s.prefix)
			n.byRune[r] = append(n.byRune[r], s)
		}
		for _, list := range n.byRune {
			slices.SortStableFunc(list, func(a, b *stemEdge) int { return len(b.prefix) - len(a.prefix) })
		}
	}
	for _, c := range n.next {
		c.indexStems()
	}
	for _, s := range n.stems {
		s.node.indexStems()
	}
}

// inheritStems gives every word and longer stem the entries of the shorter
// stems that also match it, so that the one child a token follows carries
// every meaning of the token. Only entries ending at that token are
// inherited; phrases continuing past a stem keep their own path.
func (n *trieNode) inheritStems() {
	for _, s := range n.stems {
		for key, c := range n.next {
			if strings.HasPrefix(key, s.prefix) {
				for _, e := range s.node.entries {
					c.addEntry(e)
				}
			}
		}
		for _, o := range n.stems {
			if len(o.prefix) > len(s.prefix) && strings.HasPrefix(o.prefix, s.prefix) {
				for _, e := range s.node.entries {
					o.node.addEntry(e)
				}
			}
		}
	}
	for _, c := range n.next {
		c.inheritStems()
	}
	for _, s := range n.stems {
		s.node.inheritStems()
	}
}

// addEntry adds e to the node, merging cue masks of the same case mode.
func (n *trieNode) addEntry(e entry) {
	if e.kind == kCue {
		for i := range n.entries {
			if n.entries[i].kind == kCue && n.entries[i].cm == e.cm && n.entries[i].script == e.script {
				n.entries[i].mask |= e.mask
				return
			}
		}
	}
	for _, old := range n.entries {
		if old == e {
			return
		}
	}
	n.entries = append(n.entries, e)
}

// caseOK reports whether tokens toks (the matched span) satisfy e's case mode.
func caseOK(e entry, toks []token) bool {
	switch e.cm {
	case caseLower:
		for i := range toks {
			if toks[i].upper {
				return false
			}
		}
	case caseUpper:
		for i := range toks {
			if toks[i].kind == tWord && !toks[i].allUpper {
				return false
			}
		}
	case caseCap:
		first, last := -1, -1
		for i := range toks {
			if toks[i].kind == tWord {
				if first < 0 && toks[i].low != "the" {
					first = i
				}
				last = i
			}
		}
		for _, i := range []int{first, last} {
			if i < 0 {
				continue
			}
			r, _ := utf8.DecodeRuneInString(toks[i].orig)
			if r < 0x250 && unicode.IsLetter(r) && !toks[i].upper { // Latin script only
				return false
			}
		}
	}
	return true
}

// lowerWord: a Latin word of toks is written in lower case.
func lowerWord(toks []token) bool {
	for _, t := range toks {
		if r, _ := utf8.DecodeRuneInString(t.orig); t.kind == tWord && r < 0x250 && unicode.IsLower(r) {
			return true
		}
	}
	return false
}
