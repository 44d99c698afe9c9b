package deliver

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nicholas-fedor/shoutrrr/pkg/services/chat/discord"
	"github.com/nicholas-fedor/shoutrrr/pkg/services/chat/slack"
	"github.com/nicholas-fedor/shoutrrr/pkg/services/chat/teams"
	"github.com/nicholas-fedor/shoutrrr/pkg/services/chat/telegram"
	"github.com/nicholas-fedor/shoutrrr/pkg/services/email/smtp"
	"github.com/nicholas-fedor/shoutrrr/pkg/services/push/ntfy"
	"github.com/nicholas-fedor/shoutrrr/pkg/types"

	"github.com/parleyhq/parley/services/notify/round"
)

// Channels, as the `channel` label of parley_deliveries_total.
const (
	ChannelWebhook  = "webhook"
	ChannelConsole  = "console"
	ChannelSlack    = "slack"
	ChannelTelegram = "telegram"
	ChannelDiscord  = "discord"
	ChannelTeams    = "teams"
	ChannelNtfy     = "ntfy"
	ChannelEmail    = "email"
)

// Channels lists every channel, for metrics that should show zeros rather than gaps.
var Channels = []string{ChannelWebhook, ChannelConsole, ChannelSlack, ChannelTelegram, ChannelDiscord, ChannelTeams, ChannelNtfy, ChannelEmail}

// Service endpoints that the library hard-codes for the channels it gives no HTTP client
// to: Parley posts to them itself, with the client it was given.
const (
	telegramAPI  = "https://api.telegram.org"
	slackPostAPI = "https://slack.com/api/chat.postMessage"
)

// ChannelOf says which channel a target reaches. Chat targets are notification URLs in the
// shoutrrr syntax (slack://, telegram://, discord://, teams://, ntfy://, smtp://); NewChat
// checks the rest of such a URL.
func ChannelOf(target string) (string, error) {
	if target == "" {
		return "", errors.New("required")
	}
	if target == "console:" || strings.HasPrefix(target, "console://") {
		return ChannelConsole, nil
	}
	u, err := url.Parse(target)
	if err != nil {
		return "", fmt.Errorf("not a URL: %s", redact(target))
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return "", fmt.Errorf("%s URL without a host", u.Scheme)
		}
		return ChannelWebhook, nil
	case "slack":
		return ChannelSlack, nil
	case "telegram":
		return ChannelTelegram, nil
	case "discord":
		return ChannelDiscord, nil
	case "teams":
		return ChannelTeams, nil
	case "ntfy":
		return ChannelNtfy, nil
	case "smtp":
		return ChannelEmail, nil
	case "":
		return "", errors.New("no scheme: want http(s)://, console://, slack://, telegram://, discord://, teams://, ntfy:// or smtp://")
	}
	return "", fmt.Errorf("unsupported scheme %q: want http, https, console, slack, telegram, discord, teams, ntfy or smtp", u.Scheme)
}

// Chat sends alerts to a chat, push or email service named by a notification URL, each
// message formatted for what that service shows. The shoutrrr library parses and checks the
// URLs; it also sends for ntfy, Discord and email, which accept an HTTP client or a host.
// Slack, Telegram and Teams are posted here from the library's parsed configuration, because
// the library sends those through http.DefaultClient, which Parley must not share or change.
type Chat struct {
	channel string
	target  *url.URL
	client  *http.Client
	log     types.StdLogger
	// timeout bounds one Send, whatever the client's own timeout; 0: the client's alone.
	timeout time.Duration
}

// NewChat checks target and returns its sender. client carries every HTTP request (its
// Timeout bounds one attempt); nil means a client with a 10 s timeout.
func NewChat(target string, client *http.Client, log *slog.Logger) (*Chat, error) {
	channel, err := ChannelOf(target)
	if err != nil {
		return nil, err
	}
	if channel == ChannelWebhook || channel == ChannelConsole {
		return nil, fmt.Errorf("%s is not a chat target", channel)
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("not a URL: %s", redact(target))
	}
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Chat{channel: channel, target: u, client: client, log: stdLogger{log.With("channel", channel)}}
	// Parse once now so a bad URL is refused when the subscription is made, not at the
	// first alert.
	if _, err := c.service(); err != nil {
		return nil, fmt.Errorf("%s URL: %w", channel, err)
	}
	return c, nil
}

// Channel is the metric label of the chat's service.
func (c *Chat) Channel() string { return c.channel }

// service parses the URL into a fresh library service: the library's services change their
// configuration while sending, so none is shared between sends.
func (c *Chat) service() (types.Service, error) {
	var s types.Service
	switch c.channel {
	case ChannelSlack:
		s = &slack.Service{}
	case ChannelTelegram:
		s = &telegram.Service{}
	case ChannelDiscord:
		s = &discord.Service{}
	case ChannelTeams:
		s = &teams.Service{}
	case ChannelNtfy:
		s = &ntfy.Service{}
	case ChannelEmail:
		s = &smtp.Service{}
	default:
		return nil, fmt.Errorf("no chat service for %s", c.channel)
	}
	if err := s.Initialize(c.target, c.log); err != nil {
		return nil, err
	}
	return s, nil
}

// Send delivers one alert and returns the service's answer in words (for `parley subs
// test`). A failure is an *Error.
func (c *Chat) Send(ctx context.Context, m Message) (string, error) {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	s, err := c.service()
	if err != nil {
		return "", &Error{Err: fmt.Errorf("%s URL: %w", c.channel, err)}
	}
	f := describe(m.Alert)
	switch s := s.(type) {
	case *slack.Service:
		return c.sendSlack(ctx, s.Config, f)
	case *telegram.Service:
		return c.sendTelegram(ctx, s.Config, f)
	case *teams.Service:
		return c.sendTeams(ctx, s.Config, f)
	case *discord.Service:
		return c.sendDiscord(ctx, s.Config, f)
	case *ntfy.Service:
		return c.sendNtfy(ctx, s.Config, f)
	case *smtp.Service:
		// The library writes the subject as it is; RFC 2047 keeps an en dash or a Cyrillic
		// name readable in every mail client. Its SMTP client takes no context.
		params := types.Params{"title": mime.QEncoding.Encode("utf-8", cut(kindLabel(f.Kind)+": "+f.Headline, emailSubjectMax))}
		if err := withContext(ctx, func() error { return s.Send(wrapLines(plainText(f), emailLineMax), &params) }); err != nil {
			return "", &Error{Retryable: !smtpPermanent(err), Err: fmt.Errorf("email: %w", err)}
		}
		return "accepted by the smtp server", nil
	}
	return "", &Error{Err: fmt.Errorf("no sender for %s", c.channel)}
}

// emailLineMax keeps body lines well inside SMTP's 998-octet line limit.
const emailLineMax = 900

// smtpCode finds a 5xx reply in an SMTP client's error: the server refused for good (no
// such mailbox, relaying denied), so a retry would be refused again. 4xx is temporary.
var smtpCode = regexp.MustCompile(`\b5\d\d[ -]`)

func smtpPermanent(err error) bool {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code >= 500
	}
	return smtpCode.MatchString(err.Error())
}

// wrapLines breaks every line of s longer than n bytes at a space (or, in a word longer
// than n, anywhere between runes).
func wrapLines(s string, n int) string {
	var b strings.Builder
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		for len(line) > n {
			cutAt := strings.LastIndexByte(line[:n], ' ')
			if cutAt <= 0 {
				cutAt = len(cutBytes(line, n))
			}
			b.WriteString(line[:cutAt])
			b.WriteByte('\n')
			line = strings.TrimPrefix(line[cutAt:], " ")
		}
		b.WriteString(line)
	}
	return b.String()
}

// emailSubjectMax keeps a subject, once encoded, within one 998-octet header line.
const emailSubjectMax = 200

// sendDiscord posts one embed to the webhook itself, so a 429's Retry-After reaches the
// retry schedule instead of the library sleeping on it.
func (c *Chat) sendDiscord(ctx context.Context, cfg *discord.Config, f facts) (string, error) {
	u := discord.CreateAPIURLFromConfig(cfg)
	if u == "" {
		return "", &Error{Err: errors.New("discord: URL needs a token and a webhook id")}
	}
	p := discordPayload(f)
	if cfg.Username != "" {
		p["username"] = cfg.Username
	}
	status, _, err := c.postJSON(ctx, u, nil, p)
	if err != nil {
		// Transport errors quote the webhook URL, token included.
		var e *Error
		if errors.As(err, &e) {
			e.Err = errors.New(strings.ReplaceAll(e.Err.Error(), cfg.Token, "***"))
		}
		return "", err
	}
	return answer(status), nil
}

// sendNtfy publishes through ntfy's HTTP API, headers carrying title, tags and click.
func (c *Chat) sendNtfy(ctx context.Context, cfg *ntfy.Config, f facts) (string, error) {
	hdr := http.Header{}
	hdr.Set("Content-Type", "text/plain; charset=utf-8")
	hdr.Set("Title", cut(f.Headline, 250))
	hdr.Set("Tags", tagFor(f.Kind))
	if p := cfg.Priority.String(); p != "" {
		hdr.Set("Priority", p)
	}
	if len(f.Sources) > 0 {
		hdr.Set("Click", f.Sources[0].URL)
	}
	if cfg.Username != "" || cfg.Password != "" {
		hdr.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(cfg.Username+":"+cfg.Password)))
	}
	status, _, err := c.post(ctx, cfg.GetAPIURL(), hdr, []byte(cutBytes(plainText(f), ntfyMessageMax)))
	if err != nil {
		return "", err
	}
	return answer(status), nil
}

// ntfyMessageMax is ntfy.sh's message limit; beyond it the message becomes an attachment.
const ntfyMessageMax = 4096

func tagFor(kind string) string {
	if kind == string(round.RoundUpdated) {
		return "arrows_counterclockwise"
	}
	return "handshake"
}

// --- Slack: Block Kit with mrkdwn ---------------------------------------------------------

func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// slackURL keeps a URL from closing or splitting a <url|label> link.
var slackURL = strings.NewReplacer("<", "%3C", ">", "%3E", "|", "%7C")

func slackPayload(f facts) map[string]any {
	field := func(name, value string) map[string]any {
		return map[string]any{"type": "mrkdwn", "text": "*" + name + "*\n" + slackEscape(value)}
	}
	fields := []any{field("Status", f.Status), field("Venue", f.Venue), field("Dates", f.Dates), field("Parties", f.Parties)}
	if f.Hosts != "" {
		fields = append(fields, field("Hosts", f.Hosts))
	}
	blocks := []any{
		map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "text": cut(f.Headline, 150)}},
	}
	text := slackEscape(f.Summary)
	if f.Change != "" {
		text = strings.TrimSpace(text + "\n*Change:* " + slackEscape(f.Change))
	}
	if text != "" {
		blocks = append(blocks, map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": cut(text, 3000)}})
	}
	blocks = append(blocks, map[string]any{"type": "section", "fields": fields})
	if len(f.Sources) > 0 {
		links := make([]string, 0, len(f.Sources))
		for _, s := range f.Sources {
			links = append(links, "<"+slackURL.Replace(s.URL)+"|"+slackEscape(label(s))+">")
		}
		blocks = append(blocks, map[string]any{"type": "context", "elements": []any{
			map[string]any{"type": "mrkdwn", "text": cut("Sources: "+strings.Join(links, " · "), 3000)},
		}})
	}
	return map[string]any{"text": kindLabel(f.Kind) + ": " + f.Headline, "blocks": blocks}
}

func (c *Chat) sendSlack(ctx context.Context, cfg *slack.Config, f facts) (string, error) {
	p := slackPayload(f)
	if cfg.BotName != "" {
		p["username"] = cfg.BotName
	}
	if !cfg.Token.IsAPIToken() {
		status, body, err := c.postJSON(ctx, cfg.Token.WebhookURL(), nil, p)
		if err != nil {
			return "", err
		}
		if s := strings.TrimSpace(string(body)); s != "" && s != "ok" {
			return "", &Error{StatusCode: status, Err: fmt.Errorf("slack: webhook answered %q", s)}
		}
		return answer(status), nil
	}
	p["channel"] = cfg.Channel
	hdr := http.Header{"Authorization": {cfg.Token.Authorization()}}
	status, body, err := c.postJSON(ctx, slackPostAPI, hdr, p)
	if err != nil {
		return "", err
	}
	var res struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(body, &res); err != nil || !res.OK {
		return "", &Error{StatusCode: status, Retryable: res.Error == "ratelimited", Err: fmt.Errorf("slack: api answered %q", cut(string(body), 200))}
	}
	return answer(status), nil
}

// --- Telegram: HTML parse mode ------------------------------------------------------------

func telegramText(f facts) string {
	e := html.EscapeString
	var b strings.Builder
	b.WriteString("<b>" + e(kindLabel(f.Kind)) + ":</b> <b>" + e(f.Headline) + "</b>\n")
	if f.Summary != "" {
		b.WriteString(e(f.Summary) + "\n")
	}
	if f.Change != "" {
		b.WriteString("<i>Change: " + e(f.Change) + "</i>\n")
	}
	b.WriteString("\n<b>Status:</b> " + e(f.Status) + "\n<b>Venue:</b> " + e(f.Venue) + "\n<b>Dates:</b> " + e(f.Dates) + "\n<b>Parties:</b> " + e(f.Parties) + "\n")
	if f.Hosts != "" {
		b.WriteString("<b>Hosts:</b> " + e(f.Hosts) + "\n")
	}
	if len(f.Sources) > 0 {
		links := make([]string, 0, len(f.Sources))
		for _, s := range f.Sources {
			links = append(links, `<a href="`+e(s.URL)+`">`+e(label(s))+"</a>")
		}
		b.WriteString("\n" + strings.Join(links, " · "))
	}
	return cut(b.String(), 4096)
}

func (c *Chat) sendTelegram(ctx context.Context, cfg *telegram.Config, f facts) (string, error) {
	if len(cfg.Chats) == 0 {
		return "", &Error{Err: errors.New("telegram: URL names no chats")}
	}
	text := telegramText(f)
	var last int
	for _, chat := range cfg.Chats {
		id, thread, _ := strings.Cut(chat, ":")
		p := map[string]any{
			"chat_id":                  id,
			"text":                     text,
			"parse_mode":               "HTML",
			"disable_web_page_preview": !cfg.Preview,
			"disable_notification":     !cfg.Notification,
		}
		if n, err := strconv.Atoi(thread); err == nil {
			p["message_thread_id"] = n
		}
		status, body, err := c.postJSON(ctx, telegramAPI+"/bot"+cfg.Token+"/sendMessage", nil, p)
		if err != nil {
			return "", err
		}
		var res struct {
			OK bool `json:"ok"`
		}
		if json.Unmarshal(body, &res) != nil || !res.OK {
			return "", &Error{StatusCode: status, Err: fmt.Errorf("telegram: chat %s: answered %q", id, cut(string(body), 200))}
		}
		last = status
	}
	return answer(last), nil
}

// --- Teams: MessageCard with facts --------------------------------------------------------

func teamsPayload(f facts, cfg *teams.Config) map[string]any {
	fact := func(n, v string) map[string]any { return map[string]any{"name": n, "value": v} }
	factList := []any{fact("Status", f.Status), fact("Venue", f.Venue), fact("Dates", f.Dates), fact("Parties", f.Parties)}
	if f.Hosts != "" {
		factList = append(factList, fact("Hosts", f.Hosts))
	}
	if f.Change != "" {
		factList = append(factList, fact("Change", f.Change))
	}
	var links []string
	for _, s := range f.Sources {
		links = append(links, "["+strings.NewReplacer("[", "(", "]", ")").Replace(label(s))+"]("+s.URL+")")
	}
	section := map[string]any{"activityTitle": kindLabel(f.Kind), "facts": factList, "markdown": true}
	text := f.Summary
	if len(links) > 0 {
		text = strings.TrimSpace(text + "\n\nSources: " + strings.Join(links, " · "))
	}
	if text != "" {
		// Teams refuses cards over 28 KB; leave room for the rest of the card.
		section["text"] = cutBytes(text, teamsTextMax)
	}
	color := cfg.Color
	if color == "" {
		color = "0076D7"
	}
	title := f.Headline
	if cfg.Title != "" {
		title = cfg.Title + ": " + f.Headline
	}
	return map[string]any{
		"@type": "MessageCard", "@context": "https://schema.org/extensions",
		"summary": cut(f.Headline, 120), "title": cut(title, 250), "themeColor": color,
		"sections": []any{section},
	}
}

// teamsTextMax bounds a card's text in bytes (the whole card must stay under 28 KB).
const teamsTextMax = 16 << 10

func (c *Chat) sendTeams(ctx context.Context, cfg *teams.Config, f facts) (string, error) {
	if cfg.Host == "" {
		return "", &Error{Err: errors.New("teams: URL has no host= parameter")}
	}
	u := teams.BuildWebhookURL(cfg.Host, cfg.Group, cfg.Tenant, cfg.AltID, cfg.GroupOwner, cfg.ExtraID)
	if err := teams.ValidateWebhookURL(u); err != nil {
		return "", &Error{Err: fmt.Errorf("teams: %w", err)}
	}
	status, _, err := c.postJSON(ctx, u, nil, teamsPayload(f, cfg))
	if err != nil {
		return "", err
	}
	return answer(status), nil
}

// --- Discord: one embed -------------------------------------------------------------------

func discordPayload(f facts) map[string]any {
	field := func(n, v string) map[string]any {
		return map[string]any{"name": n, "value": cut(v, 1024), "inline": true}
	}
	fields := []any{field("Status", f.Status), field("Venue", f.Venue), field("Dates", f.Dates), field("Parties", f.Parties)}
	if f.Hosts != "" {
		fields = append(fields, field("Hosts", f.Hosts))
	}
	desc := f.Summary
	if f.Change != "" {
		desc = strings.TrimSpace(desc + "\n**Change:** " + f.Change)
	}
	if len(f.Sources) > 0 {
		links := make([]string, 0, len(f.Sources))
		for _, s := range f.Sources {
			links = append(links, "["+strings.NewReplacer("[", "(", "]", ")").Replace(label(s))+"]("+s.URL+")")
		}
		desc = strings.TrimSpace(desc + "\n\nSources: " + strings.Join(links, " · "))
	}
	embed := map[string]any{
		"title":       cut(kindLabel(f.Kind)+": "+f.Headline, 256),
		"description": cut(desc, 4096),
		"color":       0x2488ff,
		"fields":      fields,
	}
	if len(f.Sources) > 0 {
		embed["url"] = f.Sources[0].URL
	}
	return map[string]any{"embeds": []any{embed}}
}

// --- plumbing -----------------------------------------------------------------------------

// postJSON posts v and returns the status and the start of the body; failures are *Error,
// classified like webhook answers.
func (c *Chat) postJSON(ctx context.Context, u string, hdr http.Header, v any) (int, []byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// The services read '<' and '&' as themselves; \u003c only makes payloads unreadable.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return 0, nil, &Error{Err: fmt.Errorf("%s: encode: %w", c.channel, err)}
	}
	h := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	for k, vs := range hdr {
		h[k] = vs
	}
	return c.post(ctx, u, h, buf.Bytes())
}

// post posts body with the headers hdr; failures are *Error, classified like webhook
// answers.
func (c *Chat) post(ctx context.Context, u string, hdr http.Header, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, nil, &Error{Err: fmt.Errorf("%s: build request: %w", c.channel, err)}
	}
	req.Header.Set("User-Agent", "parley-notify")
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	resp, err := c.client.Do(req)
	if err != nil {
		// The URL may carry a token (Telegram, Slack webhooks): say where, not what.
		return 0, nil, &Error{Retryable: true, Err: fmt.Errorf("%s: post to %s: %w", c.channel, req.URL.Host, errors.Unwrap(err))}
	}
	defer resp.Body.Close()
	answerBody, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, answerBody, nil
	}
	return resp.StatusCode, answerBody, &Error{
		StatusCode: resp.StatusCode,
		Retryable:  resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500,
		RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now()),
		Err:        fmt.Errorf("%s: %s answered %s: %q", c.channel, req.URL.Host, resp.Status, cut(strings.TrimSpace(string(answerBody)), 200)),
	}
}

func answer(status int) string { return fmt.Sprintf("%d %s", status, http.StatusText(status)) }

// cutBytes shortens s to at most n bytes without splitting a rune.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// cut shortens s to at most n runes, the limits chat services put on fields.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// stdLogger hands the library's log lines to slog at debug level.
type stdLogger struct{ log *slog.Logger }

func (l stdLogger) Print(v ...any) { l.log.Debug(strings.TrimSpace(fmt.Sprint(v...))) }
func (l stdLogger) Printf(format string, v ...any) {
	l.log.Debug(strings.TrimSpace(fmt.Sprintf(format, v...)))
}
func (l stdLogger) Println(v ...any) { l.log.Debug(strings.TrimSpace(fmt.Sprintln(v...))) }
