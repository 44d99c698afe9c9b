package deliver

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/parleyhq/parley/services/notify/round"
)

// Console prints alerts as readable lines. Several subscriptions may share one, so whole
// alerts are written under a lock and never interleave.
type Console struct {
	mu sync.Mutex
	w  io.Writer
}

// NewConsole prints to w.
func NewConsole(w io.Writer) *Console { return &Console{w: w} }

// Print writes one alert: headline, status, venue, dates, parties, then each source URL.
func (c *Console) Print(a round.Alert) error {
	r := a.Round
	var b bytes.Buffer
	fmt.Fprintf(&b, "[%s] %s\n", a.Kind, a.Headline)
	if a.Change != "" {
		fmt.Fprintf(&b, "  change:  %s\n", a.Change)
	}
	fmt.Fprintf(&b, "  status:  %s\n", r.Status)
	venue := strings.Join(nonEmpty(r.Location.Venue, r.Location.City, countryName(r.Location.Country)), ", ")
	if venue == "" {
		venue = "unknown"
	}
	fmt.Fprintf(&b, "  venue:   %s\n", venue)
	dates := "unknown"
	if r.Dated() {
		dates = round.Date(r.Start)
		if !r.End.IsZero() && !r.End.Equal(r.Start) {
			dates += " to " + round.Date(r.End)
		}
		if r.Precision != round.Day {
			dates += " (" + r.Precision.String() + ")"
		}
	}
	fmt.Fprintf(&b, "  dates:   %s\n", dates)
	parties := make([]string, len(r.Parties))
	for i, p := range r.Parties {
		parties[i] = round.PartyName(p)
	}
	fmt.Fprintf(&b, "  parties: %s\n", strings.Join(parties, ", "))
	if len(r.Mediators) > 0 {
		hosts := make([]string, len(r.Mediators))
		for i, m := range r.Mediators {
			hosts[i] = round.PartyName(m)
		}
		fmt.Fprintf(&b, "  hosts:   %s\n", strings.Join(hosts, ", "))
	}
	for _, s := range r.Sources {
		fmt.Fprintf(&b, "  source:  %s\n", s.URL)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.w.Write(b.Bytes()); err != nil {
		return &Error{Retryable: true, Err: fmt.Errorf("console: %w", err)}
	}
	return nil
}

func countryName(code string) string {
	if code == "" {
		return ""
	}
	return round.PartyName(code)
}

func nonEmpty(ss ...string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" && !containsFold(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func containsFold(ss []string, s string) bool {
	for _, x := range ss {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
