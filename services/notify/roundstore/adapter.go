package roundstore

// The one place where the stored form of a round meets the domain's round.State. The stored
// form is notify's own (no other service reads it): compact JSON with short names, dates as
// days and times as Unix seconds, readable with `nats kv get` when something needs a look.

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley/services/notify/round"
)

// version of the stored form; a round in another one is an error, not a guess.
const version = 1

type storedState struct {
	V         int          `json:"v"`
	Round     storedRound  `json:"r"`
	Reports   []storedRep  `json:"rep,omitempty"`
	Recent    []string     `json:"ev,omitempty"`
	LastAlert *storedAlert `json:"a,omitempty"`
	Seq       int          `json:"seq,omitempty"`
	Published bool         `json:"pub,omitempty"`
	Latest    int64        `json:"lp,omitempty"`
}

type storedRound struct {
	ID           string          `json:"id"`
	Parties      []string        `json:"p,omitempty"`
	Mediators    []string        `json:"m,omitempty"`
	Location     storedLoc       `json:"l"`
	Start        string          `json:"s,omitempty"`
	End          string          `json:"e,omitempty"`
	Precision    round.Precision `json:"pr,omitempty"`
	Status       round.Status    `json:"st,omitempty"`
	Participants [][3]string     `json:"pa,omitempty"`
	Topics       []string        `json:"t,omitempty"`
	Sources      []storedArticle `json:"src,omitempty"`
	Articles     int             `json:"n,omitempty"`
	FirstSeen    int64           `json:"fs,omitempty"`
	RoundNumber  int             `json:"rn,omitempty"`
}

type storedLoc struct {
	City    string `json:"c,omitempty"`
	Country string `json:"cc,omitempty"`
	Venue   string `json:"v,omitempty"`
}

type storedArticle struct {
	URL       string `json:"u"`
	Title     string `json:"t,omitempty"`
	Source    string `json:"s,omitempty"`
	Published int64  `json:"p,omitempty"`
}

type storedRep struct {
	EventID    string          `json:"id"`
	Published  int64           `json:"p"`
	Confidence float64         `json:"c,omitempty"`
	Status     round.Status    `json:"st,omitempty"`
	Parties    []string        `json:"pa,omitempty"`
	Mediators  []string        `json:"m,omitempty"`
	Location   storedLoc       `json:"l"`
	Start      string          `json:"s,omitempty"`
	End        string          `json:"e,omitempty"`
	Precision  round.Precision `json:"pr,omitempty"`
}

type storedAlert struct {
	ID        string      `json:"id"`
	Kind      round.Kind  `json:"k"`
	Change    string      `json:"ch,omitempty"`
	Round     storedRound `json:"r"`
	Headline  string      `json:"h,omitempty"`
	Summary   string      `json:"su,omitempty"`
	CreatedAt int64       `json:"at,omitempty"`
}

func encodeState(st round.State) ([]byte, error) {
	s := storedState{
		V: version, Round: roundOut(st.Round), Recent: st.RecentEvents, Seq: st.Seq,
		Published: st.Published, Latest: unix(st.LatestPublished),
	}
	for _, rp := range st.Reports {
		s.Reports = append(s.Reports, storedRep{
			EventID: rp.EventID, Published: unix(rp.Published), Confidence: rp.Confidence, Status: rp.Status,
			Parties: rp.Parties, Mediators: rp.Mediators, Location: locOut(rp.Location),
			Start: round.Date(rp.Start), End: round.Date(rp.End), Precision: rp.Precision,
		})
	}
	if a := st.LastAlert; a != nil {
		s.LastAlert = &storedAlert{
			ID: a.ID, Kind: a.Kind, Change: a.Change, Round: roundOut(a.Round),
			Headline: a.Headline, Summary: a.Summary, CreatedAt: unix(a.CreatedAt),
		}
	}
	return json.Marshal(s)
}

func decodeState(data []byte) (round.State, error) {
	var s storedState
	if err := json.Unmarshal(data, &s); err != nil {
		return round.State{}, err
	}
	if s.V != version {
		return round.State{}, &versionError{s.V}
	}
	st := round.State{
		Round: roundIn(s.Round), RecentEvents: s.Recent, Seq: s.Seq,
		Published: s.Published, LatestPublished: fromUnix(s.Latest),
	}
	for _, rp := range s.Reports {
		st.Reports = append(st.Reports, round.Report{
			EventID: rp.EventID, Published: fromUnix(rp.Published), Confidence: rp.Confidence, Status: rp.Status,
			Parties: rp.Parties, Mediators: rp.Mediators, Location: locIn(rp.Location),
			Start: day(rp.Start), End: day(rp.End), Precision: rp.Precision,
		})
	}
	if a := s.LastAlert; a != nil {
		st.LastAlert = &round.Alert{
			ID: a.ID, Kind: a.Kind, Change: a.Change, Round: roundIn(a.Round),
			Headline: a.Headline, Summary: a.Summary, CreatedAt: fromUnix(a.CreatedAt),
		}
	}
	return st, nil
}

type versionError struct{ v int }

func (e *versionError) Error() string { return fmt.Sprintf("stored round has unknown version %d", e.v) }

func roundOut(r round.Round) storedRound {
	out := storedRound{
		ID: r.ID, Parties: r.Parties, Mediators: r.Mediators, Location: locOut(r.Location),
		Start: round.Date(r.Start), End: round.Date(r.End), Precision: r.Precision, Status: r.Status,
		Topics: r.Topics, Articles: r.Articles, FirstSeen: unix(r.FirstSeen), RoundNumber: r.RoundNumber,
	}
	for _, p := range r.Participants {
		out.Participants = append(out.Participants, [3]string{p.Name, p.Party, p.Role})
	}
	for _, a := range r.Sources {
		out.Sources = append(out.Sources, storedArticle{URL: a.URL, Title: a.Title, Source: a.Source, Published: unix(a.Published)})
	}
	return out
}

func roundIn(s storedRound) round.Round {
	r := round.Round{
		ID: s.ID, Parties: s.Parties, Mediators: s.Mediators, Location: locIn(s.Location),
		Start: day(s.Start), End: day(s.End), Precision: s.Precision, Status: s.Status,
		Topics: s.Topics, Articles: s.Articles, FirstSeen: fromUnix(s.FirstSeen), RoundNumber: s.RoundNumber,
	}
	for _, p := range s.Participants {
		r.Participants = append(r.Participants, round.Participant{Name: p[0], Party: p[1], Role: p[2]})
	}
	for _, a := range s.Sources {
		r.Sources = append(r.Sources, round.Article{URL: a.URL, Title: a.Title, Source: a.Source, Published: fromUnix(a.Published)})
	}
	return r
}

func locOut(l round.Location) storedLoc {
	return storedLoc{City: l.City, Country: l.Country, Venue: l.Venue}
}

func locIn(l storedLoc) round.Location {
	return round.Location{City: l.City, Country: l.Country, Venue: l.Venue}
}

// Publication times are kept to the second: finer than any feed gives them.
func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func fromUnix(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
