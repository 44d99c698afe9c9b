package deliver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley/services/notify/round"
)

// How an endpoint answers, for the conformance cases.
const (
	answerOK          = "ok"
	answerRateLimited = "rate-limited" // 429 with Retry-After: 7 (SMTP: 421)
	answerRefused     = "refused"      // 400 (SMTP: 550)
	answerHang        = "hang"         // never answers
)

// endpoint stands in for a channel's service: it receives what a Sender sends and answers
// as told.
type endpoint interface {
	target() string
	client() *http.Client
	answer(mode string)
	// deliveries lists what arrived, one string per delivery: the body as the service reads it.
	deliveries() []string
}

// channelCase is one channel under the conformance test.
type channelCase struct {
	name string
	new  func(t *testing.T) endpoint
	// remote: the channel talks to a service that can fail, be slow or ask to wait.
	remote bool
	// retryAfter: the service's protocol can ask for a wait (HTTP Retry-After).
	retryAfter bool
	// withinLimits checks one delivery of an oversized alert against the service's limits.
	withinLimits func(t *testing.T, delivery string)
}

func channelCases() []channelCase {
	httpCase := func(name, target, ok string, limits func(*testing.T, string)) channelCase {
		return channelCase{name: name, remote: true, retryAfter: true, withinLimits: limits,
			new: func(t *testing.T) endpoint { return newHTTPEndpoint(t, target, ok) }}
	}
	return []channelCase{
		httpCase("webhook", "https://hooks.example.org/parley", "", func(t *testing.T, d string) {
			if !json.Valid([]byte(d)) {
				t.Errorf("webhook body is not JSON")
			}
		}),
		httpCase("slack", "slack://hook:T0PARLEY1-B0DESK001-abcdefghijklmnopqrstuvwx@webhook", "ok", func(t *testing.T, d string) {
			var p struct {
				Blocks []struct {
					Text     *struct{ Text string }  `json:"text"`
					Elements []struct{ Text string } `json:"elements"`
				} `json:"blocks"`
			}
			mustJSON(t, d, &p)
			for i, b := range p.Blocks {
				if b.Text != nil {
					limit(t, fmt.Sprintf("slack block %d", i), b.Text.Text, map[bool]int{true: 150, false: 3000}[i == 0])
				}
				for _, e := range b.Elements {
					limit(t, "slack context", e.Text, 3000)
				}
			}
			if len(p.Blocks) > 50 {
				t.Errorf("slack: %d blocks, limit 50", len(p.Blocks))
			}
		}),
		httpCase("telegram", "telegram://110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw@telegram?chats=@desk", `{"ok":true}`, func(t *testing.T, d string) {
			var p struct{ Text string }
			mustJSON(t, d, &p)
			limit(t, "telegram text", p.Text, 4096)
		}),
		httpCase("discord", "discord://s3cr3t-t0ken@1234567890", "", func(t *testing.T, d string) {
			var p struct {
				Embeds []struct {
					Title       string
					Description string
					Fields      []struct{ Name, Value string }
				}
			}
			mustJSON(t, d, &p)
			total := 0
			for _, e := range p.Embeds {
				limit(t, "discord title", e.Title, 256)
				limit(t, "discord description", e.Description, 4096)
				total += utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
				for _, f := range e.Fields {
					limit(t, "discord field", f.Value, 1024)
					total += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
				}
			}
			if total > 6000 {
				t.Errorf("discord embeds hold %d characters, limit 6000", total)
			}
		}),
		httpCase("teams", "teams://11111111-4444-4444-8444-cccccccccccc@22222222-4444-4444-8444-cccccccccccc/"+
			"33333301222222222233333333333344/44444444-4444-4444-8444-cccccccccccc/V2ESyij?host=parley.webhook.office.com", "1",
			func(t *testing.T, d string) {
				if len(d) > 28<<10 {
					t.Errorf("teams card is %d bytes, limit 28 KB", len(d))
				}
			}),
		httpCase("ntfy", "ntfy://ntfy.example.org/parley-desk", `{"id":"x1","event":"message"}`, func(t *testing.T, d string) {
			if len(d) > 4096 {
				t.Errorf("ntfy message is %d bytes, limit 4096", len(d))
			}
		}),
		{name: "email", remote: true, new: newSMTPEndpoint, withinLimits: func(t *testing.T, d string) {
			for line := range strings.SplitSeq(d, "\r\n") {
				if len(line) > 998 {
					t.Errorf("mail line of %d octets, limit 998: %.80s…", len(line), line)
				}
			}
		}},
		{name: "console", new: newConsoleEndpoint, withinLimits: func(*testing.T, string) {}},
	}
}

// TestSenderConformance runs every channel's Sender through the same cases.
func TestSenderConformance(t *testing.T) {
	for _, cc := range channelCases() {
		t.Run(cc.name, func(t *testing.T) {
			t.Run("delivers", func(t *testing.T) { conformDelivers(t, cc) })
			t.Run("same alert, same message", func(t *testing.T) { conformIdempotent(t, cc) })
			t.Run("formatting limits", func(t *testing.T) { conformLimits(t, cc) })
			if !cc.remote {
				return
			}
			t.Run("retry after", func(t *testing.T) { conformRetryAfter(t, cc) })
			t.Run("refused", func(t *testing.T) { conformRefused(t, cc) })
			t.Run("timeout", func(t *testing.T) { conformTimeout(t, cc) })
		})
	}
}

func newSenderFor(t *testing.T, ep endpoint, timeout time.Duration) Sender {
	t.Helper()
	var console *Console
	if c, ok := ep.(*consoleEndpoint); ok {
		console = NewConsole(&c.buf)
	}
	s, err := New(ep.target(), Options{Secret: "whsec_c2VjcmV0", Client: ep.client(), Timeout: timeout, Console: console})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func message(t *testing.T, a round.Alert) Message {
	t.Helper()
	body, err := json.Marshal(map[string]any{"id": a.ID, "kind": a.Kind, "headline": a.Headline})
	if err != nil {
		t.Fatal(err)
	}
	return Message{Alert: a, JSON: body}
}

func conformDelivers(t *testing.T, cc channelCase) {
	ep := cc.new(t)
	s := newSenderFor(t, ep, 5*time.Second)
	if got, _ := ChannelOf(ep.target()); s.Channel() != got {
		t.Errorf("Channel() = %q, want %q", s.Channel(), got)
	}
	a := sampleAlert()
	answer, err := s.Send(context.Background(), message(t, a))
	if err != nil {
		t.Fatal(err)
	}
	if answer == "" {
		t.Error("no answer in words")
	}
	d := ep.deliveries()
	if len(d) != 1 {
		t.Fatalf("%d deliveries, want 1", len(d))
	}
	if !strings.Contains(d[0], "Abu Dhabi") && !strings.Contains(d[0], "Abu=20Dhabi") {
		t.Errorf("delivery does not show the alert: %.300s", d[0])
	}
}

func conformIdempotent(t *testing.T, cc channelCase) {
	ep := cc.new(t)
	s := newSenderFor(t, ep, 5*time.Second)
	m := message(t, sampleAlert())
	for range 2 {
		if _, err := s.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	d := ep.deliveries()
	if len(d) != 2 {
		t.Fatalf("%d deliveries, want 2", len(d))
	}
	if d[0] != d[1] {
		t.Errorf("two sends of one alert differ, so a receiver cannot tell them for one:\n%q\n---\n%q", d[0], d[1])
	}
}

func conformLimits(t *testing.T, cc channelCase) {
	ep := cc.new(t)
	s := newSenderFor(t, ep, 5*time.Second)
	a := sampleAlert()
	a.Headline = strings.Repeat("Very long headline about talks ", 200)
	a.Summary = strings.Repeat("Переговори тривають. ", 800)
	for i := range 300 {
		a.Round.Sources = append(a.Round.Sources, round.Article{URL: fmt.Sprintf("https://outlet%d.example/a/very/long/path/%d", i, i), Source: fmt.Sprintf("Outlet %d", i)})
	}
	if _, err := s.Send(context.Background(), message(t, a)); err != nil {
		t.Fatal(err)
	}
	d := ep.deliveries()
	if len(d) != 1 {
		t.Fatalf("%d deliveries, want 1", len(d))
	}
	cc.withinLimits(t, d[0])
}

func sendErr(t *testing.T, ep endpoint, timeout time.Duration) *Error {
	t.Helper()
	s := newSenderFor(t, ep, timeout)
	done := make(chan error, 1)
	go func() {
		_, err := s.Send(context.Background(), message(t, sampleAlert()))
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		t.Fatal("Send did not return within a minute")
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err %v is not an *Error", err)
	}
	return e
}

func conformRetryAfter(t *testing.T, cc channelCase) {
	ep := cc.new(t)
	ep.answer(answerRateLimited)
	e := sendErr(t, ep, 5*time.Second)
	if !e.Retryable {
		t.Errorf("rate limited: not retryable (%v)", e)
	}
	if cc.retryAfter && e.RetryAfter != 7*time.Second {
		t.Errorf("RetryAfter = %s, want the 7s the service asked for", e.RetryAfter)
	}
}

func conformRefused(t *testing.T, cc channelCase) {
	ep := cc.new(t)
	ep.answer(answerRefused)
	if e := sendErr(t, ep, 5*time.Second); e.Retryable {
		t.Errorf("refused: retryable (%v); the same request would be refused again", e)
	}
}

// A service that never answers costs one attempt of the sender's timeout, then a retry.
func conformTimeout(t *testing.T, cc channelCase) {
	ep := cc.new(t)
	ep.answer(answerHang)
	if e := sendErr(t, ep, 300*time.Millisecond); !e.Retryable {
		t.Errorf("timed out: not retryable (%v)", e)
	}
}

func mustJSON(t *testing.T, d string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(d), v); err != nil {
		t.Fatalf("not JSON: %v: %.200s", err, d)
	}
}

func limit(t *testing.T, what, s string, n int) {
	t.Helper()
	if c := utf8.RuneCountInString(s); c > n {
		t.Errorf("%s has %d characters, limit %d", what, c, n)
	}
}

// --- HTTP services ------------------------------------------------------------------------

type httpEndpoint struct {
	in     *standIn
	url    string
	okBody string
	mu     sync.Mutex
	mode   string
}

func newHTTPEndpoint(t *testing.T, target, okBody string) endpoint {
	e := &httpEndpoint{url: target, okBody: okBody, mode: answerOK}
	e.in = newStandIn(t, e.serve)
	return e
}

func (e *httpEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	mode := e.mode
	e.mu.Unlock()
	switch mode {
	case answerRateLimited:
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"ok":false,"error":"ratelimited"}`)
	case answerRefused:
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"ok":false,"error":"invalid_payload"}`)
	case answerHang:
		<-r.Context().Done()
	default:
		if e.okBody == "" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		io.WriteString(w, e.okBody)
	}
}

func (e *httpEndpoint) target() string       { return e.url }
func (e *httpEndpoint) client() *http.Client { return e.in.client() }
func (e *httpEndpoint) answer(mode string) {
	e.mu.Lock()
	e.mode = mode
	e.mu.Unlock()
}

func (e *httpEndpoint) deliveries() []string {
	e.in.mu.Lock()
	defer e.in.mu.Unlock()
	var out []string
	for _, c := range e.in.got {
		out = append(out, string(c.body))
	}
	return out
}

// --- SMTP ---------------------------------------------------------------------------------

type smtpEndpoint struct {
	addr  string
	mu    sync.Mutex
	mode  string
	mails []string
}

func newSMTPEndpoint(t *testing.T) endpoint {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &smtpEndpoint{addr: ln.Addr().String(), mode: answerOK}
	var conns sync.WaitGroup
	t.Cleanup(func() { ln.Close(); conns.Wait() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Go(func() { e.serve(conn) })
		}
	}()
	return e
}

func (e *smtpEndpoint) serve(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	e.mu.Lock()
	mode := e.mode
	e.mu.Unlock()
	r := bufio.NewReader(conn)
	if mode == answerHang {
		_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
		_, _ = r.ReadString('\n') // never greets
		return
	}
	reply := func(s string) { io.WriteString(conn, s+"\r\n") }
	reply("220 mail.test ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			reply("250-mail.test\r\n250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM:") && mode == answerRateLimited:
			reply("421 4.7.0 try again later")
		case strings.HasPrefix(cmd, "RCPT TO:") && mode == answerRefused:
			reply("550 5.1.1 no such mailbox")
		case cmd == "DATA":
			reply("354 go ahead")
			var b bytes.Buffer
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			e.mu.Lock()
			e.mails = append(e.mails, withoutVaryingHeaders(b.String()))
			e.mu.Unlock()
			reply("250 queued")
		case cmd == "QUIT":
			reply("221 bye")
			return
		default:
			reply("250 ok")
		}
	}
}

// withoutVaryingHeaders drops the Date and Message-ID a mail client stamps on every mail
// and puts the other headers in order (the mail library writes them in map order).
func withoutVaryingHeaders(m string) string {
	head, body, _ := strings.Cut(m, "\r\n\r\n")
	var keep []string
	for line := range strings.SplitSeq(head, "\r\n") {
		if !strings.HasPrefix(line, "Date:") && !strings.HasPrefix(strings.ToLower(line), "message-id:") {
			keep = append(keep, line)
		}
	}
	slices.Sort(keep)
	return strings.Join(keep, "\r\n") + "\r\n\r\n" + body
}

func (e *smtpEndpoint) target() string {
	return "smtp://" + e.addr + "/?auth=None&encryption=None&usestarttls=No&from=parley@example.org&to=desk@example.org"
}
func (e *smtpEndpoint) client() *http.Client { return nil }
func (e *smtpEndpoint) answer(mode string) {
	e.mu.Lock()
	e.mode = mode
	e.mu.Unlock()
}
func (e *smtpEndpoint) deliveries() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.mails...)
}

// --- console ------------------------------------------------------------------------------

type consoleEndpoint struct{ buf bytes.Buffer }

func newConsoleEndpoint(*testing.T) endpoint { return &consoleEndpoint{} }

func (e *consoleEndpoint) target() string       { return "console://" }
func (e *consoleEndpoint) client() *http.Client { return nil }
func (e *consoleEndpoint) answer(string)        {}

// deliveries splits the printed text at each alert's first line, "[kind] headline".
func (e *consoleEndpoint) deliveries() []string {
	var out []string
	for _, block := range strings.Split(strings.TrimSuffix(e.buf.String(), "\n"), "\n[") {
		if strings.TrimSpace(block) != "" {
			out = append(out, strings.TrimPrefix(block, "["))
		}
	}
	return out
}
