package round

import (
	"maps"
	"math"
	"slices"
	"strings"
	"time"
)

// recencyScale is how fast an older report loses weight against a newer one when they
// disagree on status, dates or place: a report a day older than the newest counts for about
// an eighth, so a postponement outweighs the many reports of the original date before it.
const recencyScale = 12 * time.Hour

// sideMargin is how much more support a new reading of a side needs than the current one.
const sideMargin = 1.5

// weight of a report in the round's reading: its confidence, faded by age when recency
// counts. A report without a confidence counts as an average one.
func (rp Report) weight(newest time.Time, recency bool) float64 {
	c := rp.Confidence
	if c <= 0 {
		c = 0.5
	}
	if !recency {
		return c
	}
	age := newest.Sub(rp.Published)
	return c * math.Exp(-float64(age)/float64(recencyScale))
}

// reread sets the round's status, dates, place and sides to the best-supported reading of
// its reports. On a tie the current reading stays, so alerts do not flap on even evidence.
func (p Policy) reread(st *State) {
	if len(st.Reports) == 0 {
		return
	}
	newest := st.Reports[len(st.Reports)-1].Published
	r := &st.Round
	r.Status = readStatus(st.Reports, newest, r.Status)
	readDates(st.Reports, newest, r)
	readPlace(st.Reports, newest, &r.Location)
	r.Parties, r.Mediators = readSides(st.Reports, r.Parties)
}

// readStatus: a meeting reported held stays held (news of it being called off is about
// something else); otherwise going ahead, postponed and cancelled are weighed, and going
// ahead reads as under way once any report says so.
func readStatus(reports []Report, newest time.Time, cur Status) Status {
	support := map[Status]float64{}
	underway := false
	for _, rp := range reports {
		s := rp.Status
		switch s {
		case Held:
			return Held
		case StatusUnknown:
			continue
		case Underway:
			s, underway = Scheduled, true // one reading: the meeting goes ahead
		}
		support[s] += rp.weight(newest, true)
	}
	best := cur
	if best == Underway {
		best = Scheduled
	}
	for _, s := range []Status{Scheduled, Postponed, Cancelled} {
		if support[s] > support[best] {
			best = s
		}
	}
	if best == Scheduled && underway {
		return Underway
	}
	return best
}

// precisionWeight makes an exact date outweigh a vague one of the same age.
func precisionWeight(p Precision) float64 {
	switch p {
	case Day:
		return 1
	case Week:
		return 0.3
	case Month:
		return 0.1
	}
	return 0.03
}

// readDates picks the dates with the most support. A report naming some of the days of a
// longer reading ("talks on Friday" of a Friday–Saturday meeting) supports that reading too,
// and so does a vaguer report whose week or month holds it.
func readDates(reports []Report, newest time.Time, r *Round) {
	type reading struct {
		start, end time.Time
		prec       Precision
	}
	support := func(c reading) float64 {
		var s float64
		for _, rp := range reports {
			if rp.Start.IsZero() {
				continue
			}
			same := rp.Start.Equal(c.start) && rp.End.Equal(c.end) && rp.Precision == c.prec
			within := rp.Precision == Day && c.prec == Day && !rp.Start.Before(c.start) && !rp.End.After(c.end)
			// "last month's Berlin talks" confirms the days already known,
			// and never moves them to the 1st of the month.
			covers := rp.Precision > c.prec && c.prec != PrecisionUnknown && !c.start.Before(rp.Start) && !c.end.After(rp.End)
			if same || within || covers {
				s += rp.weight(newest, true)
			}
		}
		return s * precisionWeight(c.prec)
	}
	best := reading{r.Start, r.End, r.Precision}
	bestS := 0.0
	if r.Dated() {
		bestS = support(best)
	}
	for _, rp := range reports {
		if rp.Start.IsZero() {
			continue
		}
		c := reading{rp.Start, rp.End, rp.Precision}
		if s := support(c); s > bestS {
			best, bestS = c, s
		}
	}
	r.Start, r.End, r.Precision = best.start, best.end, best.prec
}

// readPlace picks the city with the most support and takes country and venue from the
// newest report of it.
func readPlace(reports []Report, newest time.Time, loc *Location) {
	support := map[string]float64{}
	for _, rp := range reports {
		if c := strings.ToLower(rp.Location.City); c != "" {
			support[c] += rp.weight(newest, true)
		}
	}
	city := strings.ToLower(loc.City)
	for _, c := range slices.Sorted(maps.Keys(support)) {
		if support[c] > support[city] {
			city = c
		}
	}
	var out Location
	for _, rp := range slices.Backward(reports) {
		if strings.ToLower(rp.Location.City) != city {
			continue
		}
		if out.City == "" {
			out.City = rp.Location.City
		}
		if out.Country == "" {
			out.Country = rp.Location.Country
		}
		if out.Venue == "" {
			out.Venue = rp.Location.Venue
		}
	}
	if city == "" || out.City == "" {
		out = Location{Country: loc.Country, Venue: loc.Venue}
		for _, rp := range slices.Backward(reports) {
			if out.Country == "" {
				out.Country = rp.Location.Country
			}
		}
	}
	if strings.EqualFold(out.City, loc.City) {
		out.City = loc.City // keep the spelling alerts already used
	}
	*loc = out
}

// readSides weighs each code as a negotiating side against its mentions as a mediator and
// against reports that leave it out, by confidence alone: who sits at the table does not
// change with time, so a newer report does not outvote older ones on it. Changing how a code
// reads takes clearly more support (sideMargin) than keeping it, so outlets that disagree
// about one side do not make the round flap between two readings.
func readSides(reports []Report, cur []string) (parties, mediators []string) {
	var total float64
	asParty, asMediator := map[string]float64{}, map[string]float64{}
	for _, rp := range reports {
		w := rp.weight(time.Time{}, false)
		total += w
		for _, c := range rp.Parties {
			asParty[c] += w
		}
		for _, c := range rp.Mediators {
			asMediator[c] += w
		}
	}
	for _, c := range unionSorted(slices.Collect(maps.Keys(asParty)), slices.Collect(maps.Keys(asMediator))) {
		p, m := asParty[c], asMediator[c]
		isParty := p > sideMargin*m && p > total/2
		if slices.Contains(cur, c) {
			isParty = p*sideMargin >= m && p*sideMargin*2 >= total
		}
		switch {
		case isParty:
			parties = append(parties, c)
		case m > 0:
			mediators = append(mediators, c)
		}
	}
	return parties, mediators
}
