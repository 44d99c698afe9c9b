package fetch

import (
	"context"

	"github.com/parleyhq/parley/platform/bus"
)

// SeedRegistry writes feeds to the registry as Run does for a config of seed, so that
// replicas started afterwards with the same config find it seeded and write nothing, as in
// any start but the very first.
func SeedRegistry(ctx context.Context, b *bus.Bus, feeds []Feed, seed Seed) error {
	reg, err := OpenRegistry(ctx, b)
	if err != nil {
		return err
	}
	_, writes := plan(nil, feeds, seed)
	return reg.apply(ctx, writes)
}
