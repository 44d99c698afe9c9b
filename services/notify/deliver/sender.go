package deliver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/parleyhq/parley/services/notify/round"
)

// Sender delivers alerts to one target. Every channel (webhook, console, Slack, Telegram,
// Discord, Teams, ntfy, email) is one, and every one passes the same conformance test
// (conformance_test.go): it honours its timeout and ctx, reports failures as *Error saying
// whether a retry may succeed and what wait the receiver asked for, sends the same request
// for the same alert (receivers can deduplicate), and keeps within its service's limits.
type Sender interface {
	// Channel is the metric label of the target's channel.
	Channel() string
	// Send delivers one alert and returns the receiver's answer in words.
	Send(ctx context.Context, m Message) (string, error)
}

// Message is one alert as senders need it.
type Message struct {
	Alert round.Alert
	// JSON is the alert as webhooks POST it (protojson with proto field names, SPEC §5).
	JSON []byte
}

// Options configure New.
type Options struct {
	// Secret keys webhook signatures.
	Secret string
	// Client carries every HTTP request; nil: a client of its own.
	Client *http.Client
	// Timeout bounds one attempt; default 10 s.
	Timeout time.Duration
	// Console is where console:// prints; nil: such a target fails every send.
	Console *Console
	Logger  *slog.Logger
}

// New returns the Sender for target.
func New(target string, o Options) (Sender, error) {
	channel, err := ChannelOf(target)
	if err != nil {
		return nil, err
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	switch channel {
	case ChannelConsole:
		return o.Console, nil
	case ChannelWebhook:
		key, err := Key(o.Secret)
		if err != nil {
			return nil, err
		}
		if o.Secret == "" {
			o.Logger.Warn("webhook subscription has no secret; its signatures prove nothing")
		}
		return &Webhook{Client: o.Client, URL: target, Key: key, Timeout: o.Timeout}, nil
	}
	c, err := NewChat(target, o.Client, o.Logger)
	if err != nil {
		return nil, err
	}
	c.timeout = o.Timeout
	return c, nil
}

// Channel is ChannelConsole.
func (c *Console) Channel() string { return ChannelConsole }

// Send prints the alert.
func (c *Console) Send(_ context.Context, m Message) (string, error) {
	if c == nil {
		return "", &Error{Err: errors.New("no console to print on here")}
	}
	if err := c.Print(m.Alert); err != nil {
		return "", err
	}
	return "printed", nil
}

// Channel is ChannelWebhook.
func (w *Webhook) Channel() string { return ChannelWebhook }

// Send posts m.JSON, signed, with the alert id as its idempotency key.
func (w *Webhook) Send(ctx context.Context, m Message) (string, error) {
	status, err := w.Post(ctx, m.Alert.ID, m.JSON)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d %s", status, http.StatusText(status)), nil
}

// withContext runs send, which cannot be cancelled (a library's SMTP client), and returns
// when it does or when ctx ends; in the latter case send finishes in the background.
func withContext(ctx context.Context, send func() error) error {
	done := make(chan error, 1)
	go func() { done <- send() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
