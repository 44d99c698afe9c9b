package notify

// The one place where wire types (protobuf, the contract with other services and
// subscribers) meet notify's domain types in package round.

import (
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	parleyv1 "github.com/parleyhq/parley/proto/parley/v1"
	"github.com/parleyhq/parley/services/notify/round"
)

// AlertJSON is an alert as webhooks carry it and `parley tail` prints it: protojson with
// the .proto field names and every field present, so consumers need no defaults.
func AlertJSON(a *parleyv1.Alert) ([]byte, error) {
	return protojson.MarshalOptions{UseProtoNames: true, EmitDefaultValues: true}.Marshal(a)
}

// EventFromProto is the folding form of a wire event, for tools that fold in process.
func EventFromProto(e *parleyv1.NegotiationEvent) round.Event { return eventFromProto(e) }

func eventFromProto(e *parleyv1.NegotiationEvent) round.Event {
	return round.Event{
		ID:           e.GetId(),
		Article:      articleFromProto(e.GetArticle()),
		Status:       statusFromProto(e.GetStatus()),
		Parties:      e.GetParties(),
		Mediators:    e.GetMediators(),
		Location:     locationFromProto(e.GetLocation()),
		Start:        dateFromWire(e.GetStartDate()),
		End:          dateFromWire(e.GetEndDate()),
		Precision:    precisionFromProto(e.GetDatePrecision()),
		Participants: participantsFromProto(e.GetParticipants()),
		Topics:       e.GetTopics(),
		RoundNumber:  int(e.GetRoundNumber()),
		Primary:      e.GetPrimary(),
		Confidence:   e.GetConfidence(),
	}
}

func alertFromProto(a *parleyv1.Alert) round.Alert {
	return round.Alert{
		ID:        a.GetId(),
		Kind:      round.Kind(a.GetKind()),
		Change:    a.GetChange(),
		Round:     roundFromProto(a.GetRound()),
		Headline:  a.GetHeadline(),
		Summary:   a.GetSummary(),
		CreatedAt: timeFromProto(a.GetCreatedAt()),
	}
}

func alertToProto(a round.Alert) *parleyv1.Alert {
	return &parleyv1.Alert{
		Id:        a.ID,
		Kind:      string(a.Kind),
		Change:    a.Change,
		Round:     roundToProto(a.Round),
		Headline:  a.Headline,
		Summary:   a.Summary,
		CreatedAt: timeToProto(a.CreatedAt),
	}
}

// RoundFromProto reads a round as the contract carries it.
func RoundFromProto(r *parleyv1.Round) round.Round { return roundFromProto(r) }

func roundFromProto(r *parleyv1.Round) round.Round {
	out := round.Round{
		ID:           r.GetId(),
		Parties:      r.GetParties(),
		Mediators:    r.GetMediators(),
		Location:     locationFromProto(r.GetLocation()),
		Start:        dateFromWire(r.GetStartDate()),
		End:          dateFromWire(r.GetEndDate()),
		Precision:    precisionFromProto(r.GetDatePrecision()),
		Status:       statusFromProto(r.GetStatus()),
		Participants: participantsFromProto(r.GetParticipants()),
		Topics:       r.GetTopics(),
		FirstSeen:    timeFromProto(r.GetFirstSeen()),
		RoundNumber:  int(r.GetRoundNumber()),
		Articles:     int(r.GetArticleCount()),
	}
	for _, s := range r.GetSources() {
		out.Sources = append(out.Sources, articleFromProto(s))
	}
	if out.Dated() && out.Precision == round.PrecisionUnknown {
		out.Precision = round.Day
	}
	return out
}

// RoundProto is a round as the contract carries it, in alerts and in the timeline.
func RoundProto(r round.Round) *parleyv1.Round { return roundToProto(r) }

func roundToProto(r round.Round) *parleyv1.Round {
	out := &parleyv1.Round{
		Id:            r.ID,
		Parties:       r.Parties,
		Mediators:     r.Mediators,
		StartDate:     round.Date(r.Start),
		EndDate:       round.Date(r.End),
		DatePrecision: precisionToProto(r.Precision),
		Status:        statusToProto(r.Status),
		Topics:        r.Topics,
		FirstSeen:     timeToProto(r.FirstSeen),
		ArticleCount:  int32(r.ArticleCount()),
		RoundNumber:   int32(r.RoundNumber),
	}
	if r.Location != (round.Location{}) {
		out.Location = &parleyv1.Location{City: r.Location.City, Country: r.Location.Country, Venue: r.Location.Venue}
	}
	for _, p := range r.Participants {
		out.Participants = append(out.Participants, &parleyv1.Participant{Name: p.Name, Party: p.Party, Role: p.Role})
	}
	for _, s := range r.Sources {
		out.Sources = append(out.Sources, &parleyv1.ArticleRef{Url: s.URL, Title: s.Title, Source: s.Source, Published: timeToProto(s.Published)})
	}
	return out
}

func articleFromProto(a *parleyv1.ArticleRef) round.Article {
	return round.Article{URL: a.GetUrl(), Title: a.GetTitle(), Source: a.GetSource(), Published: timeFromProto(a.GetPublished())}
}

func locationFromProto(l *parleyv1.Location) round.Location {
	return round.Location{City: l.GetCity(), Country: l.GetCountry(), Venue: l.GetVenue()}
}

func participantsFromProto(ps []*parleyv1.Participant) []round.Participant {
	var out []round.Participant
	for _, p := range ps {
		out = append(out, round.Participant{Name: p.GetName(), Party: p.GetParty(), Role: p.GetRole()})
	}
	return out
}

func statusFromProto(s parleyv1.Status) round.Status {
	switch s {
	case parleyv1.Status_STATUS_SCHEDULED:
		return round.Scheduled
	case parleyv1.Status_STATUS_UNDERWAY:
		return round.Underway
	case parleyv1.Status_STATUS_HELD:
		return round.Held
	case parleyv1.Status_STATUS_CANCELLED:
		return round.Cancelled
	case parleyv1.Status_STATUS_POSTPONED:
		return round.Postponed
	}
	return round.StatusUnknown
}

func statusToProto(s round.Status) parleyv1.Status {
	switch s {
	case round.Scheduled:
		return parleyv1.Status_STATUS_SCHEDULED
	case round.Underway:
		return parleyv1.Status_STATUS_UNDERWAY
	case round.Held:
		return parleyv1.Status_STATUS_HELD
	case round.Cancelled:
		return parleyv1.Status_STATUS_CANCELLED
	case round.Postponed:
		return parleyv1.Status_STATUS_POSTPONED
	}
	return parleyv1.Status_STATUS_UNSPECIFIED
}

func precisionFromProto(p parleyv1.DatePrecision) round.Precision {
	switch p {
	case parleyv1.DatePrecision_DATE_PRECISION_DAY:
		return round.Day
	case parleyv1.DatePrecision_DATE_PRECISION_WEEK:
		return round.Week
	case parleyv1.DatePrecision_DATE_PRECISION_MONTH:
		return round.Month
	case parleyv1.DatePrecision_DATE_PRECISION_SEASON:
		return round.Season
	}
	return round.PrecisionUnknown
}

func precisionToProto(p round.Precision) parleyv1.DatePrecision {
	switch p {
	case round.Day:
		return parleyv1.DatePrecision_DATE_PRECISION_DAY
	case round.Week:
		return parleyv1.DatePrecision_DATE_PRECISION_WEEK
	case round.Month:
		return parleyv1.DatePrecision_DATE_PRECISION_MONTH
	case round.Season:
		return parleyv1.DatePrecision_DATE_PRECISION_SEASON
	}
	return parleyv1.DatePrecision_DATE_PRECISION_UNSPECIFIED
}

// dateFromWire reads "YYYY-MM-DD"; anything else counts as no date rather than a failure,
// since one malformed field should not cost the rest of the event.
func dateFromWire(s string) time.Time {
	for _, layout := range []string{time.DateOnly, "2006-01", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// Zero times travel as absent timestamps, not as year 1.
func timeToProto(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func timeFromProto(ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	return ts.AsTime()
}
