package fetch

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// FeedID is the feed's short stable id: the first 16 hex digits of sha256 of its URL. It is
// the subject token (parley.items.<feed_id>) and the key of its state.
func FeedID(feedURL string) string {
	sum := sha256.Sum256([]byte(feedURL))
	return hex.EncodeToString(sum[:8])
}

// ItemID is an entry's identity: 32 hex digits of sha256 of the feed URL, a NUL, and the
// entry's GUID, else its link, else its title and publication date as written in the feed.
// The same entry therefore keeps its id across polls, restarts and replicas.
func ItemID(feedURL string, it *gofeed.Item) string {
	h := sha256.New()
	h.Write([]byte(feedURL))
	h.Write([]byte{0})
	h.Write([]byte(itemKey(it)))
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// LinkID is the second identity of an entry that has both a GUID and a link: the link's key in
// the seen bucket. Some feeds mint a fresh GUID for every entry on every request (a session id
// or a timestamp in it); identity by GUID alone would publish their whole feed on each poll. An
// entry whose GUID is new but whose link was published before under another GUID is taken as
// seen. Links shared by several entries of one document (a feed that links every entry to its
// home page) identify nothing and get no LinkID.
func LinkID(feedURL, link string) string {
	h := sha256.New()
	h.Write([]byte(feedURL))
	h.Write([]byte("\x00link\x00"))
	h.Write([]byte(link))
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func itemKey(it *gofeed.Item) string {
	if g := strings.TrimSpace(it.GUID); g != "" {
		return g
	}
	if l := strings.TrimSpace(itemLink(it)); l != "" {
		return l
	}
	title, date := strings.TrimSpace(it.Title), strings.TrimSpace(it.Published)
	if date == "" {
		date = strings.TrimSpace(it.Updated)
	}
	if title == "" && date == "" {
		// Nothing identifies the entry but its text; better than every such entry colliding.
		return it.Description + "\x00" + it.Content
	}
	return title + "\x00" + date
}

func itemLink(it *gofeed.Item) string {
	if it.Link != "" {
		return it.Link
	}
	if len(it.Links) > 0 {
		return it.Links[0]
	}
	return ""
}

// newItem is a FeedItem to publish and the link alias of its identity ("" for none).
type newItem struct {
	*parleyv1.FeedItem
	linkID string
}

// buildItems turns a parsed feed into FeedItems, oldest first. base resolves relative links.
func buildItems(f Feed, feedID string, parsed *gofeed.Feed, base *url.URL, fetched time.Time) []newItem {
	source := f.Name
	if source == "" {
		source = strings.TrimSpace(parsed.Title)
	}
	if source == "" {
		if u, err := url.Parse(f.URL); err == nil {
			source = u.Hostname()
		}
	}
	type dated struct {
		item newItem
		at   time.Time
	}
	out := make([]dated, 0, len(parsed.Items))
	for _, it := range parsed.Items {
		if it == nil {
			continue
		}
		at := fetched
		switch {
		case it.PublishedParsed != nil && !it.PublishedParsed.IsZero():
			at = *it.PublishedParsed
		case it.UpdatedParsed != nil && !it.UpdatedParsed.IsZero():
			at = *it.UpdatedParsed
		}
		cats := make([]string, 0, len(it.Categories))
		for _, c := range it.Categories {
			if c = clean(strings.TrimSpace(c)); c != "" {
				cats = append(cats, c)
			}
		}
		out = append(out, dated{at: at, item: newItem{FeedItem: &parleyv1.FeedItem{
			Id:         ItemID(f.URL, it),
			FeedUrl:    f.URL,
			FeedId:     feedID,
			Source:     clean(source),
			Guid:       clean(strings.TrimSpace(it.GUID)),
			Url:        clean(resolve(base, strings.TrimSpace(itemLink(it)))),
			Title:      clean(strings.TrimSpace(it.Title)),
			Summary:    clean(it.Description),
			Content:    clean(it.Content),
			Published:  timestamppb.New(at),
			FetchedAt:  timestamppb.New(fetched),
			Language:   clean(strings.TrimSpace(parsed.Language)),
			Categories: cats,
		}}})
	}
	links := make(map[string]int, len(out))
	for _, d := range out {
		links[d.item.Url]++
	}
	for i := range out {
		if it := out[i].item; it.Guid != "" && it.Url != "" && links[it.Url] == 1 {
			out[i].item.linkID = LinkID(f.URL, it.Url)
		}
	}
	// Feeds list newest first as a rule; reversing before a stable sort keeps that order for
	// entries with equal or missing dates, which then come out oldest first too.
	slices.Reverse(out)
	slices.SortStableFunc(out, func(a, b dated) int { return a.at.Compare(b.at) })
	items := make([]newItem, len(out))
	for i, d := range out {
		items[i] = d.item
	}
	return items
}

func resolve(base *url.URL, link string) string {
	if link == "" || base == nil {
		return link
	}
	u, err := url.Parse(link)
	if err != nil || u.IsAbs() {
		return link
	}
	return base.ResolveReference(u).String()
}

// clean keeps protobuf marshalling from failing on a string that is not valid UTF-8, which
// would otherwise block the whole feed on one bad entry.
func clean(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
