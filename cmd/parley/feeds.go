package main

import (
	"context"
	"errors"
)

// cmdFeeds is being built; until then it says so rather than pretending.
func cmdFeeds(context.Context, []string, stdio) error {
	return errors.New("'parley feeds' is not built yet")
}
