package parse

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/parse/clean"
	"github.com/parleyhq/parley/services/parse/extract"
	"github.com/parleyhq/parley/services/parse/lang"
)

// This file is the one place where wire types (protobuf) meet the extractor's domain types.

// ArticleFromItem turns a feed item into an article: the linked page when fetch brought it,
// else the feed's full content, else its summary, with HTML reduced to text.
func ArticleFromItem(item *parleyv1.FeedItem) (*parleyv1.Article, error) {
	body := item.GetPageHtml()
	if strings.TrimSpace(body) == "" {
		body = item.GetContent()
	}
	if strings.TrimSpace(body) == "" {
		body = item.GetSummary()
	}
	text, err := Text(body)
	if err != nil {
		return nil, fmt.Errorf("article %s: %w", item.GetUrl(), err)
	}
	return &parleyv1.Article{
		Id:        item.GetId(),
		ItemId:    item.GetId(),
		Url:       item.GetUrl(),
		Title:     item.GetTitle(),
		Source:    item.GetSource(),
		Published: item.GetPublished(),
		Language:  item.GetLanguage(),
		Text:      text,
		FeedUrl:   item.GetFeedUrl(),
	}, nil
}

// SetLanguage puts the detected language on the article. Detection wins over the language the
// feed declares: multilingual outlets declare one language for feeds that carry several. The
// feed's value stays when the text is too short to tell.
func SetLanguage(det *lang.Detector, a *parleyv1.Article) {
	if l := det.Detect(a.GetTitle() + "\n" + a.GetText()); l != "" {
		a.Language = l
	}
}

// Text reduces HTML to plain text and passes plain text through.
func Text(body string) (string, error) { return clean.Text(body) }

// Events runs the extractor over an article and returns its events in wire form.
func Events(x *extract.Extractor, a *parleyv1.Article) []*parleyv1.NegotiationEvent {
	published := a.GetPublished().AsTime()
	found := x.Extract(extract.Article{
		URL:       a.GetUrl(),
		Title:     a.GetTitle(),
		Source:    a.GetSource(),
		Published: published,
		Text:      a.GetText(),
		Language:  a.GetLanguage(),
	})
	ref := &parleyv1.ArticleRef{Url: a.GetUrl(), Title: a.GetTitle(), Source: a.GetSource(), Published: a.GetPublished()}
	out := make([]*parleyv1.NegotiationEvent, 0, len(found))
	for i, e := range found {
		ev := &parleyv1.NegotiationEvent{
			Article:       ref,
			Status:        statusToWire(e.Status),
			Parties:       e.Parties,
			Mediators:     e.Mediators,
			StartDate:     date(e.Start),
			EndDate:       date(e.End),
			DatePrecision: precisionToWire(e.Precision),
			Topics:        e.Topics,
			RoundNumber:   int32(e.RoundNumber),
			Evidence:      e.Evidence,
			Confidence:    e.Confidence,
			Primary:       e.Primary,
			Language:      a.GetLanguage(),
		}
		if e.Location != (extract.Location{}) {
			ev.Location = &parleyv1.Location{City: e.Location.City, Country: e.Location.Country, Venue: e.Location.Venue}
		}
		for _, p := range e.Participants {
			ev.Participants = append(ev.Participants, &parleyv1.Participant{Name: p.Name, Party: p.Party, Role: p.Role})
		}
		ev.Id = eventID(a, i, ev)
		out = append(out, ev)
	}
	return out
}

// eventID is stable for the same article and the same facts, so a re-parse after a crash, or
// of an updated story that changed nothing about the meeting, publishes the same id and
// changes nothing downstream; an update that does change them (under way → held, new dates)
// is a new event.
func eventID(a *parleyv1.Article, i int, ev *parleyv1.NegotiationEvent) string {
	key := a.GetId()
	if key == "" {
		key = a.GetUrl() + "\x00" + a.GetTitle()
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00%s\x00%s\x00%s\x00%s\x00%d", key, i, strings.Join(ev.Parties, ","),
		ev.GetLocation().GetCity(), ev.StartDate, ev.EndDate, ev.GetStatus())
	return "e" + hex.EncodeToString(h.Sum(nil))[:23]
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func statusToWire(s extract.Status) parleyv1.Status {
	switch s {
	case "scheduled":
		return parleyv1.Status_STATUS_SCHEDULED
	case "underway":
		return parleyv1.Status_STATUS_UNDERWAY
	case "held":
		return parleyv1.Status_STATUS_HELD
	case "cancelled":
		return parleyv1.Status_STATUS_CANCELLED
	case "postponed":
		return parleyv1.Status_STATUS_POSTPONED
	}
	return parleyv1.Status_STATUS_UNSPECIFIED
}

func precisionToWire(p extract.Precision) parleyv1.DatePrecision {
	switch p {
	case "day":
		return parleyv1.DatePrecision_DATE_PRECISION_DAY
	case "week":
		return parleyv1.DatePrecision_DATE_PRECISION_WEEK
	case "month":
		return parleyv1.DatePrecision_DATE_PRECISION_MONTH
	case "season":
		return parleyv1.DatePrecision_DATE_PRECISION_SEASON
	}
	return parleyv1.DatePrecision_DATE_PRECISION_UNSPECIFIED
}

// StatusToken is the subject token of an event's status: parley.events.<token>.
func StatusToken(s parleyv1.Status) string {
	name := strings.ToLower(strings.TrimPrefix(s.String(), "STATUS_"))
	if name == "unspecified" {
		return "unknown"
	}
	return name
}

func outcome(a *parleyv1.Article, events []*parleyv1.NegotiationEvent) Outcome {
	o := Outcome{
		ArticleID: a.GetId(), URL: a.GetUrl(), Title: a.GetTitle(), Source: a.GetSource(),
		Language: a.GetLanguage(), ParsedAt: time.Now().UTC(),
	}
	if a.GetPublished() != nil {
		o.Published = a.GetPublished().AsTime()
	}
	for _, e := range events {
		o.EventIDs = append(o.EventIDs, e.GetId())
	}
	return o
}
