package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/parse"
	"github.com/parleyhq/parley/services/parse/extract"
	"github.com/parleyhq/parley/services/parse/lang"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// maxArticleBytes bounds what extract reads: no real article comes near it, and a runaway
// pipe must not exhaust memory.
const maxArticleBytes = 16 << 20

func cmdExtract(_ context.Context, args []string, io stdio) error {
	fs := newFlags("extract", io)
	published := fs.String("published", "", "publication time of the article, RFC 3339 (required)")
	url := fs.String("url", "", "the article's URL")
	title := fs.String("title", "", "the article's title")
	source := fs.String("source", "", "the outlet")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *published == "" {
		return errors.New("--published is required (RFC 3339, e.g. 2026-01-24T08:00:00Z): dates in the text resolve against it")
	}
	pub, err := time.Parse(time.RFC3339, *published)
	if err != nil {
		return fmt.Errorf("--published %q is not RFC 3339 (e.g. 2026-01-24T08:00:00Z)", *published)
	}
	// Relative dates resolve against it, so a typo in the year would move every date.
	if pub.Year() < 1990 || pub.After(time.Now().AddDate(1, 0, 0)) {
		return fmt.Errorf("--published %s is implausible for a news article (before 1990 or more than a year ahead)", *published)
	}
	if fs.NArg() != 1 {
		return errors.New("give one FILE, or - for standard input")
	}
	raw, err := readArticle(fs.Arg(0), io.in)
	if err != nil {
		return err
	}
	text, err := parse.Text(raw)
	if err != nil {
		return err
	}
	x, err := extract.New()
	if err != nil {
		return err
	}
	article := &parleyv1.Article{
		Id: *url, Url: *url, Title: *title, Source: *source,
		Published: timestamppb.New(pub), Text: text,
	}
	if article.Id == "" {
		article.Id = fs.Arg(0)
	}
	parse.SetLanguage(lang.New(), article)
	mo := protojson.MarshalOptions{UseProtoNames: true, EmitDefaultValues: true}
	for _, ev := range parse.Events(x, article) {
		line, err := mo.Marshal(ev)
		if err != nil {
			return fmt.Errorf("encode event: %w", err)
		}
		fmt.Fprintf(io.out, "%s\n", line)
	}
	return nil
}

func readArticle(name string, stdin io.Reader) (string, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return "", fmt.Errorf("read article: %w", err)
		}
		defer f.Close()
		r = f
	}
	raw, err := io.ReadAll(io.LimitReader(r, maxArticleBytes+1))
	if err != nil {
		return "", fmt.Errorf("read article %s: %w", name, err)
	}
	if len(raw) > maxArticleBytes {
		return "", fmt.Errorf("article %s is larger than %d MiB", name, maxArticleBytes>>20)
	}
	if len(strings.TrimSpace(string(raw))) == 0 {
		return "", fmt.Errorf("article %s is empty", name)
	}
	if looksBinary(raw) {
		return "", fmt.Errorf("article %s is not text (binary data?)", name)
	}
	if !utf8.Valid(raw) {
		// Repair rather than refuse: a stray byte should not cost the whole article.
		raw = []byte(strings.ToValidUTF8(string(raw), "\uFFFD"))
	}
	return string(raw), nil
}

// looksBinary catches images, archives and the like: text, even in a wrong charset, has no
// NUL bytes and few control characters.
func looksBinary(raw []byte) bool {
	sample := raw[:min(len(raw), 8192)]
	if bytes.IndexByte(sample, 0) >= 0 {
		return true
	}
	ctl := 0
	for _, c := range sample {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
			ctl++
		}
	}
	return ctl*10 > len(sample)
}
