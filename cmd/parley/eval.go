package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/parleyhq/parley/services/parse/evaluate"
	"github.com/parleyhq/parley/services/parse/extract"
	"github.com/parleyhq/parley/services/parse/lang"
)

// cmdEval scores the extractor on a labelled corpus directory: the project's own (NAME.txt or
// NAME.html articles, each with a NAME.json gold file, see services/parse/testdata/corpus) or
// the realdev format (articles.jsonl and gold.json).
func cmdEval(_ context.Context, args []string, io stdio) error {
	fs := newFlags("eval", io)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("give one corpus DIR (e.g. services/parse/testdata/corpus or ../shared/realdev)")
	}
	cases, err := evaluate.LoadDir(fs.Arg(0))
	if err != nil {
		return err
	}
	x, err := extract.New()
	if err != nil {
		return fmt.Errorf("extractor: %w", err)
	}
	rep, err := evaluate.Run(x, lang.New(), cases)
	if err != nil {
		return err
	}
	rep.Print(io.out)
	return nil
}
