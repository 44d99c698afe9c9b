package main

import (
	"context"
	"errors"
)

// cmdEval is being built; until then it says so rather than pretending.
func cmdEval(context.Context, []string, stdio) error {
	return errors.New("'parley eval' is not built yet")
}
