package parse

import (
	"context"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/parleyhq/parley/platform/bus"
)

// BucketArticles records what parse made of each article ("<article id>" → Outcome), events
// or none, so an operator can see what was read and found empty.
const BucketArticles = "parley_articles"

// articlesTTL outlives the items stream an article can be redelivered from, and leaves a few
// weeks to look back at what was read.
const articlesTTL = bus.RetentionItems + 23*24*time.Hour

// Outcome is parse's own record of one article: its reference, language and the ids of the
// events found in it. It is stored as compact JSON; no other service reads it.
type Outcome struct {
	ArticleID string    `json:"id"`
	URL       string    `json:"u"`
	Title     string    `json:"t,omitempty"`
	Source    string    `json:"s,omitempty"`
	Published time.Time `json:"p,omitzero"`
	Language  string    `json:"l,omitempty"`
	EventIDs  []string  `json:"ev,omitempty"`
	ParsedAt  time.Time `json:"at"`
}

func openArticles(ctx context.Context, b *bus.Bus) (jetstream.KeyValue, error) {
	return b.KeyValueWith(ctx, jetstream.KeyValueConfig{Bucket: BucketArticles, TTL: articlesTTL})
}
