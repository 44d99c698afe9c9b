// Package evaluate scores the extractor against a labelled corpus: articles
// with a gold JSON file naming the primary meeting each one reports, or none.
package evaluate

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/parleyhq/parley/platform/story"
)

// Case is one labelled article of a corpus.
type Case struct {
	Name string
	// Raw is the article body as published: plain text or HTML.
	Raw                string
	Title, URL, Source string
	Published          time.Time
	// Track and Lang group the scores ("russia-ukraine-us", "en"); empty
	// when the corpus does not say.
	Track, Lang string
	// Primary is the meeting the article is mainly about; nil for an
	// article that reports none.
	Primary   *Meeting
	Secondary []Meeting
	// MustNot are places never to give as the venue (datelines, captions).
	MustNot []string
	// Gold is the project corpus's own label, with its extra checks
	// (participants, language).
	Gold Gold
}

// Gold is the expected primary meeting of an article. A gold file holding
// JSON null, or {"negative": true}, marks an article that reports no
// concrete meeting.
type Gold struct {
	Negative            bool     `json:"negative,omitempty"`
	Parties             []string `json:"parties"`
	City                string   `json:"city"`
	Country             string   `json:"country"`
	StartDate           string   `json:"start_date"`
	EndDate             string   `json:"end_date"`
	Status              string   `json:"status"`
	Language            string   `json:"language,omitempty"`
	Mediators           []string `json:"mediators,omitempty"`
	Venue               string   `json:"venue,omitempty"`
	Round               int      `json:"round,omitempty"`
	TopicsInclude       []string `json:"topics_include,omitempty"`
	ParticipantsInclude []string `json:"participants_include,omitempty"`
	ParticipantsExclude []string `json:"participants_exclude,omitempty"`
	MinEvents           int      `json:"min_events,omitempty"`
	// Secondary are the other meetings the article reports, in the realdev
	// form ("city" a list, "start", "date_tolerance_days", "optional"), so
	// that event precision counts them as found rather than as false.
	Secondary []realdevMeeting `json:"secondary,omitempty"`
}

// articleExts are the article files of a corpus; each has a NAME.json beside it.
var articleExts = []string{".txt", ".html"}

// LoadDir reads a labelled corpus: the realdev format (articles.jsonl and
// gold.json, see LoadRealdev) or the project's own, where every article of
// dir has its gold file beside it. A project article is "key: value"
// header lines (title, published, outlet, url), a line "---", then the
// body, plain text or HTML.
func LoadDir(dir string) ([]Case, error) {
	if IsRealdev(dir) {
		return LoadRealdev(dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read corpus: %w", err)
	}
	var cases []Case
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || !contains(articleExts, ext) {
			continue
		}
		name := strings.TrimSuffix(e.Name(), ext)
		c, err := loadCase(filepath.Join(dir, e.Name()), filepath.Join(dir, name+".json"))
		if err != nil {
			return nil, err
		}
		c.Name = name
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("corpus %s: no articles (*.txt, *.html with a .json beside each)", dir)
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].Name < cases[j].Name })
	return cases, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func loadCase(articlePath, goldPath string) (Case, error) {
	b, err := os.ReadFile(articlePath)
	if err != nil {
		return Case{}, fmt.Errorf("read article: %w", err)
	}
	c, err := ParseArticle(string(b))
	if err != nil {
		return Case{}, fmt.Errorf("article %s: %w", articlePath, err)
	}
	gb, err := os.ReadFile(goldPath)
	if err != nil {
		return Case{}, fmt.Errorf("gold for %s: %w", articlePath, err)
	}
	var g *Gold
	if err := json.Unmarshal(gb, &g); err != nil {
		return Case{}, fmt.Errorf("gold %s: %w", goldPath, err)
	}
	if g == nil {
		g = &Gold{Negative: true}
	}
	if !g.Negative && len(g.Parties) == 0 {
		return Case{}, fmt.Errorf("gold %s: no parties and not marked negative", goldPath)
	}
	c.Gold = *g
	c.Lang = g.Language
	if !g.Negative {
		m := g.meeting()
		c.Primary = &m
		c.Track = trackOf(g.Parties)
	}
	for i, s := range g.Secondary {
		if len(s.Parties) == 0 || len(s.Status) == 0 {
			return Case{}, fmt.Errorf("gold %s: secondary %d needs parties and status", goldPath, i)
		}
		c.Secondary = append(c.Secondary, s.meeting())
	}
	return c, nil
}

// ParseArticle reads the header-and-body article format (platform/story).
func ParseArticle(s string) (Case, error) {
	st, err := story.Parse("article", s)
	if err != nil {
		return Case{}, err
	}
	return Case{Source: st.Outlet, Title: st.Title, URL: st.Link, Published: st.Published, Raw: st.Body}, nil
}

// trackOf names a project-corpus track by its sides: "RU-UA-US".
func trackOf(parties []string) string {
	return strings.Join(sortedCopy(parties), "-")
}

func sortedCopy(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return out
}
