// Package demo is the bundled demo of `parley run` without a config: a local feed server that
// replays the project's own test stories as a few outlets' RSS feeds.
package demo

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"github.com/parleyhq/parley/platform/story"
)

//go:embed stories/*.txt
var storyFS embed.FS

// Story is one article written for the demo and the end-to-end tests.
type Story = story.Story

// Stories returns the bundled stories, oldest first.
func Stories() ([]Story, error) {
	return StoriesIn(storyFS, "stories/*.txt")
}

// ParseStory reads a demo story: one that a feed can carry, so outlet, title, link and a
// body are required besides the publication time.
func ParseStory(name, raw string) (Story, error) {
	st, err := story.Parse(name, raw)
	if err != nil {
		return st, fmt.Errorf("demo: %w", err)
	}
	if st.Outlet == "" || st.Title == "" || st.Link == "" || st.Body == "" {
		return st, fmt.Errorf("demo story %s: outlet, title, link, published and a body are all required", name)
	}
	return st, nil
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
