package main

import (
	"context"
	"errors"
)

// cmdDLQ is being built; until then it says so rather than pretending.
func cmdDLQ(context.Context, []string, stdio) error {
	return errors.New("'parley dlq' is not built yet")
}
