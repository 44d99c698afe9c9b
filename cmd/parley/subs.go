package main

import (
	"context"
	"errors"
)

// cmdSubs is being built; until then it says so rather than pretending.
func cmdSubs(context.Context, []string, stdio) error {
	return errors.New("'parley subs' is not built yet")
}
