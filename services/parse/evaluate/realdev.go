package evaluate

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Meeting is one labelled meeting of an article: what the extractor should
// report for it.
type Meeting struct {
	Round     string
	Parties   []string
	Mediators []string
	// Cities are the accepted spellings of the venue's city; "" accepts
	// "no city named".
	Cities  []string
	Country string
	// Start is YYYY-MM-DD or "" when the text gives no date; Tolerance is
	// how many days off a found start may be.
	Start     string
	Tolerance int
	// Status lists every accepted status at publication time.
	Status      []string
	RoundNumber int
	// Optional meetings are ones annotators could disagree on: never
	// counted against the extractor, never required of it.
	Optional   bool
	Historical bool
}

// realdev file names (see ../shared/realdev/README.md).
const (
	realdevArticles = "articles.jsonl"
	realdevGold     = "gold.json"
)

// IsRealdev reports whether dir holds a corpus in the realdev format: one
// articles.jsonl and one gold.json for all articles.
func IsRealdev(dir string) bool {
	_, err1 := os.Stat(filepath.Join(dir, realdevArticles))
	_, err2 := os.Stat(filepath.Join(dir, realdevGold))
	return err1 == nil && err2 == nil
}

type realdevArticle struct {
	URL       string `json:"url"`
	Outlet    string `json:"outlet"`
	Published string `json:"published"`
	Title     string `json:"title"`
	Text      string `json:"text"`
}

type realdevMeeting struct {
	Round       string    `json:"round"`
	Parties     []string  `json:"parties"`
	Mediators   []string  `json:"mediators"`
	City        []*string `json:"city"`
	Country     string    `json:"country"`
	Start       *string   `json:"start"`
	Tolerance   *int      `json:"date_tolerance_days"`
	Status      []string  `json:"status"`
	RoundNumber int       `json:"round_number"`
	Historical  bool      `json:"historical"`
	Optional    bool      `json:"optional"`
}

type realdevLabel struct {
	Index     int              `json:"index"`
	Kind      string           `json:"kind"`
	Track     string           `json:"track"`
	Lang      string           `json:"lang"`
	Primary   *realdevMeeting  `json:"primary"`
	Secondary []realdevMeeting `json:"secondary"`
	MustNot   []struct {
		City string `json:"city"`
	} `json:"must_not"`
}

// LoadRealdev reads a corpus in the realdev format.
func LoadRealdev(dir string) ([]Case, error) {
	arts, err := readRealdevArticles(filepath.Join(dir, realdevArticles))
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, realdevGold))
	if err != nil {
		return nil, fmt.Errorf("realdev gold: %w", err)
	}
	var gold struct {
		Articles []realdevLabel `json:"articles"`
	}
	if err := json.Unmarshal(b, &gold); err != nil {
		return nil, fmt.Errorf("realdev gold %s: %w", realdevGold, err)
	}
	var cases []Case
	for _, l := range gold.Articles {
		if l.Index < 0 || l.Index >= len(arts) {
			return nil, fmt.Errorf("realdev gold: index %d has no line in %s (%d lines)", l.Index, realdevArticles, len(arts))
		}
		a := arts[l.Index]
		pub, err := parsePublished(a.Published)
		if err != nil {
			return nil, fmt.Errorf("realdev article %d: %w", l.Index, err)
		}
		c := Case{
			Name: fmt.Sprintf("%03d-%s", l.Index, l.Track), Raw: a.Text, Title: a.Title, URL: a.URL,
			Source: a.Outlet, Published: pub, Track: l.Track, Lang: l.Lang,
		}
		c.Gold.Language = l.Lang
		if l.Primary != nil {
			m := l.Primary.meeting()
			c.Primary = &m
		} else {
			c.Gold.Negative = true
		}
		for _, s := range l.Secondary {
			c.Secondary = append(c.Secondary, s.meeting())
		}
		for _, mn := range l.MustNot {
			c.MustNot = append(c.MustNot, mn.City)
		}
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("realdev corpus %s: no labelled articles", dir)
	}
	return cases, nil
}

func readRealdevArticles(path string) ([]realdevArticle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("realdev articles: %w", err)
	}
	defer f.Close()
	var out []realdevArticle
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		var a realdevArticle
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, line, err)
		}
		out = append(out, a)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

// parsePublished reads RFC 3339 or a bare date (taken as noon UTC, so that
// "today" is that day in every time zone near it).
func parsePublished(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("published %q is neither RFC 3339 nor YYYY-MM-DD", s)
	}
	return t.Add(12 * time.Hour), nil
}

func (r realdevMeeting) meeting() Meeting {
	m := Meeting{
		Round: r.Round, Parties: sortedCopy(r.Parties), Mediators: sortedCopy(r.Mediators), Country: r.Country,
		Status: r.Status, RoundNumber: r.RoundNumber, Optional: r.Optional, Historical: r.Historical, Tolerance: 1,
	}
	for _, c := range r.City {
		if c == nil {
			m.Cities = append(m.Cities, "")
		} else {
			m.Cities = append(m.Cities, *c)
		}
	}
	if len(m.Cities) == 0 {
		m.Cities = []string{""}
	}
	if r.Start != nil {
		m.Start = *r.Start
	}
	if r.Tolerance != nil {
		m.Tolerance = *r.Tolerance
	}
	return m
}

// meeting turns a project-corpus gold file into the common form.
func (g Gold) meeting() Meeting {
	return Meeting{
		Parties: sortedCopy(g.Parties), Mediators: sortedCopy(g.Mediators), Cities: []string{g.City},
		Country: g.Country, Start: g.StartDate, Tolerance: 1, Status: []string{g.Status}, RoundNumber: g.Round,
	}
}

// String is a short human form: "RU,UA @Istanbul 2025-07-23 held".
func (m Meeting) String() string {
	cities := make([]string, len(m.Cities))
	for i, c := range m.Cities {
		if c == "" {
			c = "-"
		}
		cities[i] = c
	}
	tol := ""
	if m.Tolerance != 1 {
		tol = "±" + strconv.Itoa(m.Tolerance)
	}
	return fmt.Sprintf("%s @%s %s%s %s", strings.Join(m.Parties, ","), strings.Join(cities, "|"), m.Start, tol, strings.Join(m.Status, "|"))
}

// RealdevRounds reads which rounds of a realdev corpus should each raise exactly one
// new_round alert when every article is read in publication order, and which may raise one
// or none.
func RealdevRounds(dir string) (expected, optional []string, err error) {
	b, err := os.ReadFile(filepath.Join(dir, realdevGold))
	if err != nil {
		return nil, nil, fmt.Errorf("realdev gold: %w", err)
	}
	var gold struct {
		Expected []string `json:"rounds_expected_new_alert"`
		Optional []string `json:"rounds_optional"`
	}
	if err := json.Unmarshal(b, &gold); err != nil {
		return nil, nil, fmt.Errorf("realdev gold %s: %w", realdevGold, err)
	}
	return gold.Expected, gold.Optional, nil
}

// Matches reports whether an event-like reading (sides, city, start) is this meeting.
func (m Meeting) Matches(parties []string, city, start string) bool {
	return slices.Equal(sortedCopy(parties), m.Parties) && cityOK(city, m.Cities) && dateOK(start, m.Start, m.Tolerance)
}
