// Package story reads the article files Parley's demo, replay tests and extraction corpus
// are written in: "key: value" header lines (outlet, title, link, published), a line
// "---", then the body as plain text or HTML.
package story

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Story is one article file.
type Story struct {
	File      string
	Outlet    string
	Title     string
	Link      string
	Published time.Time
	// Body is the text after the "---" line: paragraphs separated by blank lines, or HTML.
	Body string
}

// Parse reads one file's contents; name only labels errors. Every article needs a
// publication time, since dates in its text resolve against it.
func Parse(name, raw string) (Story, error) {
	st := Story{File: name}
	raw = strings.ReplaceAll(raw, "\r\n", "\n")
	head, body, ok := strings.Cut(raw, "\n---\n")
	if !ok {
		return st, fmt.Errorf("story %s: no --- line between header and body", name)
	}
	for _, line := range strings.Split(head, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "outlet", "source":
			st.Outlet = v
		case "title":
			st.Title = v
		case "link", "url":
			st.Link = v
		case "published":
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return st, fmt.Errorf("story %s: published: %w", name, err)
			}
			st.Published = t
		}
	}
	if st.Published.IsZero() {
		return st, fmt.Errorf("story %s: %w", name, errors.New("no published: line in the header"))
	}
	st.Body = strings.TrimSpace(body)
	return st, nil
}

// Paragraphs splits a plain-text body on blank lines, joining each paragraph's lines.
func (s Story) Paragraphs() []string {
	var out []string
	for _, p := range strings.Split(s.Body, "\n\n") {
		if p = strings.TrimSpace(strings.ReplaceAll(p, "\n", " ")); p != "" {
			out = append(out, p)
		}
	}
	return out
}
