package deliver

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/services/notify/round"
)

// sampleAlert is the second Abu Dhabi round as an update, reported by two outlets.
func sampleAlert() round.Alert {
	return round.Alert{
		ID:       "a-123",
		Kind:     round.RoundUpdated,
		Change:   "status: scheduled → underway",
		Headline: "Russia, Ukraine and US hold talks in Abu Dhabi, Feb 4–5",
		Summary:  "Delegations of Russia, Ukraine and the US meet in Abu Dhabi for a second trilateral round, hosted by the UAE.",
		Round: round.Round{
			Parties:   []string{"RU", "UA", "US"},
			Mediators: []string{"AE"},
			Location:  round.Location{City: "Abu Dhabi", Country: "AE"},
			Start:     time.Date(2026, 2, 4, 0, 0, 0, 0, time.UTC),
			End:       time.Date(2026, 2, 5, 0, 0, 0, 0, time.UTC),
			Precision: round.Day,
			Status:    round.Underway,
			Sources: []round.Article{
				{URL: "https://gulf-wire.example/talks/second-round", Source: "Gulf Wire"},
				{URL: "https://kyiv-ledger.example/news/abu-dhabi?x=1&y=<2>", Title: "Second round opens"},
			},
		},
	}
}

// captured is one request as the stand-in service received it.
type captured struct {
	host   string // the host the client meant to reach
	path   string
	header http.Header
	body   []byte
}

// standIn plays every chat service's API: requests for any host arrive here through a
// transport that keeps the path and records the intended host.
type standIn struct {
	srv    *httptest.Server
	answer func(w http.ResponseWriter, r *http.Request)
	mu     sync.Mutex
	got    []captured
}

func newStandIn(t *testing.T, answer func(w http.ResponseWriter, r *http.Request)) *standIn {
	s := &standIn{answer: answer}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.got = append(s.got, captured{host: r.Header.Get("X-Meant-For"), path: r.URL.EscapedPath(), header: r.Header.Clone(), body: body})
		s.mu.Unlock()
		s.answer(w, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *standIn) client() *http.Client {
	to, _ := url.Parse(s.srv.URL)
	base := s.srv.Client().Transport
	return &http.Client{Timeout: 5 * time.Second, Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Header.Set("X-Meant-For", r.URL.Scheme+"://"+r.URL.Host)
		r.URL.Scheme, r.URL.Host, r.Host = "http", to.Host, ""
		return base.RoundTrip(r)
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func (s *standIn) only(t *testing.T) captured {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.got) != 1 {
		t.Fatalf("%d requests, want 1", len(s.got))
	}
	return s.got[0]
}

func jsonBody(t *testing.T, c captured) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(c.body, &m); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, c.body)
	}
	return m
}

// dig walks a decoded JSON value: keys for objects, "0", "1"… for arrays.
func dig(t *testing.T, v any, path ...string) any {
	t.Helper()
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i := 0
			for _, c := range p {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				t.Fatalf("no element %s in %v", p, x)
			}
			v = x[i]
		default:
			t.Fatalf("cannot walk %q into %T", p, v)
		}
	}
	return v
}

func contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

func TestChatChannels(t *testing.T) {
	const tgToken = "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
	ok := func(body string) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, body) }
	}
	tests := []struct {
		name    string
		target  string
		channel string
		answer  func(http.ResponseWriter, *http.Request)
		check   func(t *testing.T, c captured)
	}{
		{
			name:    "slack webhook",
			target:  "slack://hook:T0PARLEY1-B0DESK001-abcdefghijklmnopqrstuvwx@webhook",
			channel: ChannelSlack,
			answer:  ok("ok"),
			check: func(t *testing.T, c captured) {
				if c.host != "https://hooks.slack.com" || c.path != "/services/T0PARLEY1/B0DESK001/abcdefghijklmnopqrstuvwx" {
					t.Errorf("posted to %s%s", c.host, c.path)
				}
				m := jsonBody(t, c)
				if got := dig(t, m, "blocks", "0", "text", "text"); got != "Russia, Ukraine and US hold talks in Abu Dhabi, Feb 4–5" {
					t.Errorf("header block %q", got)
				}
				contains(t, "slack message", string(c.body),
					`*Venue*\nAbu Dhabi, UAE`, `*Dates*\n2026-02-04 to 2026-02-05`, `*Parties*\nRussia, Ukraine, US`,
					`*Change:* status: scheduled → underway`, `<https://gulf-wire.example/talks/second-round|Gulf Wire>`,
					`<https://kyiv-ledger.example/news/abu-dhabi?x=1&y=%3C2%3E|Second round opens>`)
				if m["text"] != "Round updated: Russia, Ukraine and US hold talks in Abu Dhabi, Feb 4–5" {
					t.Errorf("notification text %q", m["text"])
				}
			},
		},
		{
			name:    "slack bot token",
			target:  "slack://xoxb:123456789012-1234567890123-4pT1Hn7tY1vWnpcs3Ob0ePZt@C0PARLEY1",
			channel: ChannelSlack,
			answer:  ok(`{"ok":true}`),
			check: func(t *testing.T, c captured) {
				if c.host != "https://slack.com" || c.path != "/api/chat.postMessage" {
					t.Errorf("posted to %s%s", c.host, c.path)
				}
				if got := c.header.Get("Authorization"); got != "Bearer xoxb-123456789012-1234567890123-4pT1Hn7tY1vWnpcs3Ob0ePZt" {
					t.Errorf("Authorization %q", got)
				}
				if got := jsonBody(t, c)["channel"]; got != "C0PARLEY1" {
					t.Errorf("channel %v", got)
				}
			},
		},
		{
			name:    "telegram",
			target:  "telegram://" + tgToken + "@telegram?chats=@parley_desk,-1001234567890:42&preview=no",
			channel: ChannelTelegram,
			answer:  ok(`{"ok":true,"result":{"message_id":7}}`),
			check:   nil, // two chats: checked below
		},
		{
			name:    "discord",
			target:  "discord://s3cr3t-t0ken@1234567890",
			channel: ChannelDiscord,
			answer:  func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) },
			check: func(t *testing.T, c captured) {
				if c.host != "https://discord.com" || c.path != "/api/webhooks/1234567890/s3cr3t-t0ken" {
					t.Errorf("posted to %s%s", c.host, c.path)
				}
				m := jsonBody(t, c)
				if got := dig(t, m, "embeds", "0", "title"); got != "Round updated: Russia, Ukraine and US hold talks in Abu Dhabi, Feb 4–5" {
					t.Errorf("embed title %q", got)
				}
				if got := dig(t, m, "embeds", "0", "url"); got != "https://gulf-wire.example/talks/second-round" {
					t.Errorf("embed url %q", got)
				}
				if got := dig(t, m, "embeds", "0", "fields", "1", "value"); got != "Abu Dhabi, UAE" {
					t.Errorf("venue field %q", got)
				}
				contains(t, "discord description", dig(t, m, "embeds", "0", "description").(string),
					"**Change:** status: scheduled → underway", "[Gulf Wire](https://gulf-wire.example/talks/second-round)")
			},
		},
		{
			name: "teams",
			target: "teams://11111111-4444-4444-8444-cccccccccccc@22222222-4444-4444-8444-cccccccccccc/" +
				"33333301222222222233333333333344/44444444-4444-4444-8444-cccccccccccc/V2ESyij_gAljSoUQHvZoZYzlpAoAXExy?host=parley.webhook.office.com",
			channel: ChannelTeams,
			answer:  ok("1"),
			check: func(t *testing.T, c captured) {
				if c.host != "https://parley.webhook.office.com" || !strings.HasPrefix(c.path, "/webhookb2/11111111-4444-4444-8444-cccccccccccc@22222222-") {
					t.Errorf("posted to %s%s", c.host, c.path)
				}
				m := jsonBody(t, c)
				if m["@type"] != "MessageCard" || m["title"] != "Russia, Ukraine and US hold talks in Abu Dhabi, Feb 4–5" {
					t.Errorf("card %v", m)
				}
				if got := dig(t, m, "sections", "0", "facts", "2", "value"); got != "2026-02-04 to 2026-02-05" {
					t.Errorf("dates fact %q", got)
				}
				contains(t, "teams text", dig(t, m, "sections", "0", "text").(string), "[Gulf Wire](https://gulf-wire.example/talks/second-round)")
			},
		},
		{
			name:    "ntfy",
			target:  "ntfy://ntfy.example.org/parley-desk?priority=high",
			channel: ChannelNtfy,
			answer:  ok(`{"id":"x1","event":"message"}`),
			check: func(t *testing.T, c captured) {
				if c.host != "https://ntfy.example.org" || c.path != "/parley-desk" {
					t.Errorf("posted to %s%s", c.host, c.path)
				}
				if got := c.header.Get("Title"); got != "Russia, Ukraine and US hold talks in Abu Dhabi, Feb 4–5" {
					t.Errorf("Title %q", got)
				}
				if got := c.header.Get("Click"); got != "https://gulf-wire.example/talks/second-round" {
					t.Errorf("Click %q", got)
				}
				if !strings.EqualFold(c.header.Get("Priority"), "high") {
					t.Errorf("Priority %q", c.header.Get("Priority"))
				}
				contains(t, "ntfy message", string(c.body), "Venue:   Abu Dhabi, UAE", "Hosts:   UAE",
					"- Gulf Wire: https://gulf-wire.example/talks/second-round")
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStandIn(t, tc.answer)
			chat, err := NewChat(tc.target, s.client(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if chat.Channel() != tc.channel {
				t.Errorf("channel %q, want %q", chat.Channel(), tc.channel)
			}
			if _, err := chat.Send(context.Background(), Message{Alert: sampleAlert()}); err != nil {
				t.Fatal(err)
			}
			if tc.check != nil {
				tc.check(t, s.only(t))
				return
			}
			// telegram: one message per chat, in HTML.
			s.mu.Lock()
			got := append([]captured(nil), s.got...)
			s.mu.Unlock()
			if len(got) != 2 {
				t.Fatalf("%d requests, want one per chat", len(got))
			}
			for i, want := range []string{"@parley_desk", "-1001234567890"} {
				if got[i].host != "https://api.telegram.org" || got[i].path != "/bot"+tgToken+"/sendMessage" {
					t.Errorf("posted to %s%s", got[i].host, got[i].path)
				}
				m := jsonBody(t, got[i])
				if m["chat_id"] != want || m["parse_mode"] != "HTML" || m["disable_web_page_preview"] != true {
					t.Errorf("payload %v", m)
				}
				contains(t, "telegram text", m["text"].(string),
					"<b>Round updated:</b> <b>Russia, Ukraine and US hold talks in Abu Dhabi, Feb 4–5</b>",
					"<b>Venue:</b> Abu Dhabi, UAE", `<a href="https://kyiv-ledger.example/news/abu-dhabi?x=1&amp;y=&lt;2&gt;">Second round opens</a>`)
			}
			if n, ok := dig(t, jsonBody(t, got[1]), "message_thread_id").(float64); !ok || n != 42 {
				t.Errorf("thread id %v", n)
			}
		})
	}
}

func TestChatFailures(t *testing.T) {
	tests := []struct {
		name      string
		target    string
		answer    func(http.ResponseWriter, *http.Request)
		retryable bool
		wait      time.Duration
		secret    string // must not appear in the error
	}{
		{"telegram rate limited", "telegram://110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw@telegram?chats=@x",
			func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Retry-After", "3")
				w.WriteHeader(http.StatusTooManyRequests)
				io.WriteString(w, `{"ok":false,"error_code":429}`)
			}, true, 3 * time.Second, "AAHdqTcv"},
		{"telegram bad chat", "telegram://110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw@telegram?chats=@x",
			func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"ok":false,"description":"chat not found"}`)
			}, false, 0, "AAHdqTcv"},
		{"slack webhook revoked", "slack://hook:T0PARLEY1-B0DESK001-abcdefghijklmnopqrstuvwx@webhook",
			func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "invalid_token") }, false, 0, "abcdefghijklmnop"},
		{"teams down", "teams://11111111-4444-4444-8444-cccccccccccc@22222222-4444-4444-8444-cccccccccccc/" +
			"33333301222222222233333333333344/44444444-4444-4444-8444-cccccccccccc/V2ESyij?host=parley.webhook.office.com",
			func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) }, true, 0, "V2ESyij"},
		{"discord unreachable", "discord://s3cr3t-t0ken@1234567890",
			func(w http.ResponseWriter, _ *http.Request) {
				// Hang up without an answer: a transport error, which quotes the URL.
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.Close()
			}, true, 0, "s3cr3t-t0ken"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStandIn(t, tc.answer)
			chat, err := NewChat(tc.target, s.client(), nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = chat.Send(context.Background(), Message{Alert: sampleAlert()})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err %v is not *Error", err)
			}
			if e.Retryable != tc.retryable || e.RetryAfter != tc.wait {
				t.Errorf("got retryable %v wait %v (%v)", e.Retryable, e.RetryAfter, err)
			}
			if strings.Contains(err.Error(), tc.secret) {
				t.Errorf("error shows the token: %v", err)
			}
		})
	}
}

func TestChatRejectsBadURLs(t *testing.T) {
	for _, target := range []string{
		"teams://11111111-4444-4444-8444-cccccccccccc@22222222-4444-4444-8444-cccccccccccc/x/y/z", // no host=
		"slack://hook:not-a-token@webhook",
		"gopher://example.org/",
		"https://hooks.example.org/parley", // a webhook, not a chat
	} {
		if _, err := NewChat(target, nil, nil); err == nil {
			t.Errorf("NewChat(%q) accepted it", target)
		}
	}
}

// smtpServer is a minimal SMTP receiver: enough of RFC 5321 for a client that neither
// authenticates nor upgrades to TLS. Each accepted message is sent on mails.
func smtpServer(t *testing.T) (addr string, mails <-chan receivedMail) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	out := make(chan receivedMail, 4)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go serveSMTP(conn, out)
		}
	}()
	return ln.Addr().String(), out
}

type receivedMail struct {
	from string
	to   []string
	data string
}

func serveSMTP(conn net.Conn, out chan<- receivedMail) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	reply := func(s string) { io.WriteString(conn, s+"\r\n") }
	reply("220 mail.test ESMTP")
	var m receivedMail
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			reply("250-mail.test\r\n250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			m = receivedMail{from: addrOf(line[10:])}
			reply("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			m.to = append(m.to, addrOf(line[8:]))
			reply("250 ok")
		case cmd == "DATA":
			reply("354 go ahead")
			var b strings.Builder
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
			m.data = b.String()
			out <- m
			reply("250 queued")
		case cmd == "QUIT":
			reply("221 bye")
			return
		default:
			reply("250 ok")
		}
	}
}

// addrOf reads "<a@b> PARAM=…" as a@b.
func addrOf(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '>'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimPrefix(s, "<")
}

func TestEmail(t *testing.T) {
	addr, mails := smtpServer(t)
	target := "smtp://" + addr + "/?auth=None&encryption=None&usestarttls=No&from=parley@example.org&fromname=Parley&to=desk@example.org"
	chat, err := NewChat(target, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if chat.Channel() != ChannelEmail {
		t.Errorf("channel %q", chat.Channel())
	}
	if _, err := chat.Send(context.Background(), Message{Alert: sampleAlert()}); err != nil {
		t.Fatal(err)
	}
	var m receivedMail
	select {
	case m = <-mails:
	case <-time.After(10 * time.Second):
		t.Fatal("no mail")
	}
	if m.from != "parley@example.org" || len(m.to) != 1 || m.to[0] != "desk@example.org" {
		t.Errorf("envelope from %q to %v", m.from, m.to)
	}
	msg, err := mail.ReadMessage(strings.NewReader(strings.ReplaceAll(m.data, "\r\n", "\n")))
	if err != nil {
		t.Fatalf("not a mail message: %v\n%s", err, m.data)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != "Round updated: Russia, Ukraine and US hold talks in Abu Dhabi, Feb 4–5" {
		t.Errorf("subject %q (%v)", subject, err)
	}
	if got := msg.Header.Get("To"); got != "desk@example.org" {
		t.Errorf("To %q", got)
	}
	body, _ := io.ReadAll(msg.Body)
	contains(t, "email body", string(body),
		"Russia, Ukraine and US hold talks in Abu Dhabi, Feb 4–5\n",
		"Change:  status: scheduled → underway", "Status:  underway", "Venue:   Abu Dhabi, UAE",
		"Dates:   2026-02-04 to 2026-02-05", "Parties: Russia, Ukraine, US",
		"- Gulf Wire: https://gulf-wire.example/talks/second-round")
}
