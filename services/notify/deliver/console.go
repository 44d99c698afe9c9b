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
	f := describe(a)
	var b bytes.Buffer
	fmt.Fprintf(&b, "[%s] %s\n", a.Kind, a.Headline)
	if f.Change != "" {
		fmt.Fprintf(&b, "  change:  %s\n", f.Change)
	}
	fmt.Fprintf(&b, "  status:  %s\n", f.Status)
	fmt.Fprintf(&b, "  venue:   %s\n", f.Venue)
	fmt.Fprintf(&b, "  dates:   %s\n", f.Dates)
	fmt.Fprintf(&b, "  parties: %s\n", f.Parties)
	if f.Hosts != "" {
		fmt.Fprintf(&b, "  hosts:   %s\n", f.Hosts)
	}
	for _, s := range f.Sources {
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
