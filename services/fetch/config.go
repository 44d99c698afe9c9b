package fetch

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"syscall"
	"time"

	"github.com/parleyhq/parley/platform/bus"
	"github.com/prometheus/client_golang/prometheus"
)

// Defaults applied by SetDefaults.
const (
	DefaultUserAgent       = "Parley/0.1 (+https://github.com/parleyhq/parley)"
	DefaultTimeout         = 30 * time.Second
	DefaultMaxBodyBytes    = 10 << 20
	DefaultHostConcurrency = 4
	// DefaultHostRate is polite to a publisher hosting many feeds and still polls 600 of
	// them a minute.
	DefaultHostRate = 10
	DefaultInterval = 5 * time.Minute
	// MinInterval keeps a typo from turning fetch into a load generator; it is low enough for
	// tests and local demos.
	MinInterval = 50 * time.Millisecond
)

// Feed is one feed to poll.
type Feed struct {
	URL string
	// Name is the outlet's name for Source; empty means the feed's own title.
	Name     string
	Interval time.Duration
	// FullText fetches each new item's linked page into FeedItem.PageHtml.
	FullText bool
}

// Config of one fetcher.
type Config struct {
	Bus   *bus.Bus // required; streams already ensured by the caller
	Feeds []Feed
	// Seed identifies the config Feeds come from (see plan).
	Seed       Seed
	Logger     *slog.Logger          // default slog.Default()
	Registerer prometheus.Registerer // nil: metrics are kept but not exported
	UserAgent  string
	Timeout    time.Duration // whole request, body included
	// MaxBodyBytes caps every response body, measured after gzip decoding.
	MaxBodyBytes int64
	// Concurrency bounds HTTP requests in flight across all feeds; default sized to the
	// machine (see DefaultConcurrency).
	Concurrency int
	// HostConcurrency bounds HTTP requests in flight to any one host, so a publisher with
	// many feeds is not hit by all of them at once.
	HostConcurrency int
	// HostRate bounds requests started per second to any one host; default DefaultHostRate,
	// negative: no bound (tests whose many feeds share one loopback server).
	HostRate float64
	// MemberTTL is how long a replica that stopped heartbeating keeps its share of the
	// feeds; default DefaultMemberTTL. Every replica must use the same.
	MemberTTL time.Duration
	// AllowPrivateAddresses lets fetch connect to loopback, private, link-local and metadata
	// addresses. Checked on the connected address, so DNS rebinding cannot get round it.
	AllowPrivateAddresses bool
	// WebSubCallbackURL is Parley's public base URL for WebSub; empty: no WebSub. Hubs are
	// given <WebSubCallbackURL>/websub/<feed_id>, which must reach Mux.
	WebSubCallbackURL string
	// Mux gets the WebSub callback handler at /websub/; required with WebSubCallbackURL.
	// Each Run registers it there, so two Runs need two Muxes (http.ServeMux refuses a
	// pattern twice).
	Mux Mux
	// WebSubLease is the subscription lease asked of hubs; default DefaultWebSubLease.
	WebSubLease time.Duration
}

// SetDefaults fills zero fields.
func (c *Config) SetDefaults() {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConcurrency()
	}
	if c.HostRate == 0 {
		c.HostRate = DefaultHostRate
	}
	if c.MemberTTL == 0 {
		c.MemberTTL = DefaultMemberTTL
	}
	if c.HostConcurrency == 0 {
		c.HostConcurrency = DefaultHostConcurrency
	}
	if c.WebSubLease == 0 {
		c.WebSubLease = DefaultWebSubLease
	}
	for i := range c.Feeds {
		if c.Feeds[i].Interval == 0 {
			c.Feeds[i].Interval = DefaultInterval
		}
	}
}

// Validate reports the first bad field by name. Zero values are accepted: they mean the default.
func (c Config) Validate() error {
	if c.Bus == nil {
		return errors.New("fetch: bus is required")
	}
	switch {
	case c.Timeout < 0:
		return fmt.Errorf("fetch: timeout: %s is negative", c.Timeout)
	case c.MaxBodyBytes < 0:
		return fmt.Errorf("fetch: max_body_bytes: %d is negative", c.MaxBodyBytes)
	case c.Concurrency < 0:
		return fmt.Errorf("fetch: concurrency: %d is negative", c.Concurrency)
	case c.HostConcurrency < 0:
		return fmt.Errorf("fetch: host_concurrency: %d is negative", c.HostConcurrency)
	case c.MemberTTL < 0:
		return fmt.Errorf("fetch: member ttl: %s is negative", c.MemberTTL)
	case c.WebSubLease < 0:
		return fmt.Errorf("fetch: websub lease: %s is negative", c.WebSubLease)
	}
	if c.WebSubCallbackURL != "" {
		if err := validateURL(c.WebSubCallbackURL); err != nil {
			return fmt.Errorf("fetch: websub_callback_url: %w", err)
		}
		if c.Mux == nil {
			return errors.New("fetch: websub_callback_url is set but there is no Mux to serve the callback on")
		}
	}
	seen := make(map[string]int, len(c.Feeds))
	for i, f := range c.Feeds {
		if err := validateURL(f.URL); err != nil {
			return fmt.Errorf("fetch: feeds[%d].url: %w", i, err)
		}
		if j, dup := seen[f.URL]; dup {
			return fmt.Errorf("fetch: feeds[%d].url: %s is already feeds[%d]", i, f.URL, j)
		}
		seen[f.URL] = i
		if f.Interval != 0 && f.Interval < MinInterval {
			return fmt.Errorf("fetch: feeds[%d].interval: %s is below the minimum %s", i, f.Interval, MinInterval)
		}
	}
	return nil
}

func validateURL(s string) error {
	if s == "" {
		return errors.New("is empty")
	}
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q: scheme must be http or https", s)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%q: no host", s)
	}
	return nil
}

// DefaultConcurrency sizes the requests in flight to the machine: a request mostly waits on
// the network, so 64 per core keep the cores busy with hosts a round trip of tens of
// milliseconds away (128 per core polled 10,000 loopback hosts faster, at 40 MB more); each
// holds a socket, so a quarter of the file descriptor limit is the ceiling.
func DefaultConcurrency() int {
	n := 64 * runtime.GOMAXPROCS(0)
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil && lim.Cur > 0 {
		n = min(n, int(min(lim.Cur/4, 1<<20)))
	}
	return max(n, 16)
}
