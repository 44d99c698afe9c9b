package main

import (
	"context"
	"errors"
)

// cmdRounds is being built; until then it says so rather than pretending.
func cmdRounds(context.Context, []string, stdio) error {
	return errors.New("'parley rounds' is not built yet")
}
