// Package demo is the bundled demo of `parley run` without a config: a local feed server that
// replays the project's own test stories as a few outlets' RSS feeds.
package demo

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

//go:embed stories/*.txt
var storyFS embed.FS

// Story is one article written for the demo and the end-to-end tests.
type Story struct {
	File      string
	Outlet    string
	Title     string
	Link      string
	Published time.Time
	// Body is plain text, paragraphs separated by blank lines.
	Body string
}

// Stories returns the bundled stories, oldest first.
func Stories() ([]Story, error) {
	return StoriesIn(storyFS, "stories/*.txt")
}

// ParseStory reads the story format: "key: value" header lines, a "---" line, then the body.
func ParseStory(name, raw string) (Story, error) {
	st := Story{File: name}
	head, body, ok := strings.Cut(raw, "\n---\n")
	if !ok {
		return st, fmt.Errorf("demo story %s: no --- line between header and body", name)
	}
	sc := bufio.NewScanner(strings.NewReader(head))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "outlet":
			st.Outlet = v
		case "title":
			st.Title = v
		case "link":
			st.Link = v
		case "published":
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return st, fmt.Errorf("demo story %s: published: %w", name, err)
			}
			st.Published = t
		}
	}
	st.Body = strings.TrimSpace(body)
	if st.Outlet == "" || st.Title == "" || st.Link == "" || st.Published.IsZero() || st.Body == "" {
		return st, fmt.Errorf("demo story %s: outlet, title, link, published and a body are all required", name)
	}
	return st, nil
}

// Paragraphs splits the body on blank lines.
func (s Story) Paragraphs() []string {
	var out []string
	for _, p := range strings.Split(s.Body, "\n\n") {
		if p = strings.TrimSpace(strings.ReplaceAll(p, "\n", " ")); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// StoriesIn reads every story file matching pattern in fsys (as fs.Glob), oldest first and,
// at one publication time, by file name, so a replay of them has one order.
func StoriesIn(fsys fs.FS, pattern string) ([]Story, error) {
	files, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, fmt.Errorf("stories %s: %w", pattern, err)
	}
	sort.Strings(files)
	out := make([]Story, 0, len(files))
	for _, f := range files {
		raw, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("story %s: %w", f, err)
		}
		st, err := ParseStory(path.Base(f), string(raw))
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Published.Before(out[j].Published) })
	return out, nil
}
