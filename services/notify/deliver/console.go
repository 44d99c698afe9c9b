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

// Print writes one alert: headline, status, venue, dates, parties, people, then each source
// with its outlet, time and title above its URL.
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
	if people := participants(a.Round.Participants); people != "" {
		fmt.Fprintf(&b, "  people:  %s\n", people)
	}
	for _, s := range f.Sources {
		writeSource(&b, s)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.w.Write(b.Bytes()); err != nil {
		return &Error{Retryable: true, Err: fmt.Errorf("console: %w", err)}
	}
	return nil
}

// writeSource prints who reported what and when, then the link on its own line so terminals
// make it clickable; a source known only by its URL takes one line.
func writeSource(b *bytes.Buffer, s round.Article) {
	var head []string
	if s.Source != "" {
		head = append(head, s.Source)
	}
	if !s.Published.IsZero() {
		head = append(head, s.Published.UTC().Format("2006-01-02 15:04 UTC"))
	}
	line := strings.Join(head, ", ")
	if t := strings.TrimSpace(s.Title); t != "" {
		line = strings.TrimPrefix(line+": "+t, ": ")
	}
	if line == "" {
		fmt.Fprintf(b, "  source:  %s\n", s.URL)
		return
	}
	fmt.Fprintf(b, "  source:  %s\n           %s\n", line, s.URL)
}

// participants names the people at the table: "Rustem Umerov (chief negotiator, UA)".
func participants(ps []round.Participant) string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		detail := strings.Join(nonEmpty(p.Role, p.Party), ", ")
		if detail != "" {
			out = append(out, p.Name+" ("+detail+")")
		} else {
			out = append(out, p.Name)
		}
	}
	return strings.Join(out, "; ")
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
