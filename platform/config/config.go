// Package config loads Parley's YAML configuration (SPEC section 6): ${VAR} expansion inside
// values, PARLEY_* environment overrides, defaults, and errors that name the offending key.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// File is the whole configuration of a Parley process.
type File struct {
	NATS          NATS           `yaml:"nats"`
	HTTP          HTTP           `yaml:"http"`
	Log           Log            `yaml:"log"`
	Feeds         []Feed         `yaml:"feeds"`
	Subscriptions []Subscription `yaml:"subscriptions"`
	// AllowPrivateAddresses lets fetch reach loopback and private addresses
	// (PARLEY_ALLOW_PRIVATE_ADDRESSES); refused by default so a feed URL cannot probe the
	// operator's own network.
	AllowPrivateAddresses bool    `yaml:"allow_private_addresses"`
	Fetch                 Fetch   `yaml:"fetch"`
	Notify                Notify  `yaml:"notify"`
	Seed                  Seed    `yaml:"seed"`
	Secrets               Secrets `yaml:"secrets"`
}

// Secrets holds the key that seals webhook secrets, chat tokens and WebSub secrets in the
// buckets (AES-256-GCM; 32 random bytes in base64). It comes from outside the buckets, best
// as PARLEY_SECRETS_KEY from a Kubernetes Secret. To rotate, make the new key secrets.key
// and keep the old one in previous_keys until every entry has been rewritten.
type Secrets struct {
	Key          string   `yaml:"key"`
	PreviousKeys []string `yaml:"previous_keys"`
}

// Seed is who wrote the config's feeds and subscriptions into the registries, and which
// version of that config it is. A process whose config is of an older generation than what
// the same owner already wrote (an old pod restarting during a rolling update) seeds
// nothing and deletes nothing; entries of another owner are never deleted.
type Seed struct {
	// Owner names the config (default "config"): deployments that seed one NATS from
	// different files give each its own owner.
	Owner string `yaml:"owner"`
	// Generation is raised with every change to feeds or subscriptions (default 0).
	Generation int `yaml:"generation"`
}

// Notify holds the delivery settings of the notify service. A failing receiver is retried
// with exponential backoff, retry_base doubling up to retry_max, and after max_attempts the
// alert goes to the dead-letter queue: with the defaults it gets there after 14 to 19
// minutes (the waits are jittered down by up to half).
type Notify struct {
	MaxAttempts     int      `yaml:"max_attempts"`
	RetryBase       Duration `yaml:"retry_base"`
	RetryMax        Duration `yaml:"retry_max"`
	DeliveryTimeout Duration `yaml:"delivery_timeout"`
}

// Fetch holds settings of the fetch service beyond its feeds.
type Fetch struct {
	// WebSubCallbackURL is Parley's public base URL, reachable by WebSub hubs
	// (PARLEY_FETCH_WEBSUB_CALLBACK_URL). Hubs are told to push to <it>/websub/<feed_id>,
	// served on the http.listen endpoint. Empty: no WebSub, polling only.
	WebSubCallbackURL string `yaml:"websub_callback_url"`
	// HostRate bounds the requests fetch starts a second to any one host
	// (PARLEY_FETCH_HOST_RATE), so a publisher hosting many of the feeds is not hit by all
	// of them at once; fractions allowed (0.5: one every 2 s). Absent or 0: DefaultHostRate.
	HostRate float64 `yaml:"host_rate"`
}

// NATS says where the message bus is. An empty URL means an embedded server.
type NATS struct {
	URL      string `yaml:"url"`
	StoreDir string `yaml:"store_dir"`
	// Listen is the client address of the embedded server, so `parley tail` and other
	// processes can reach it.
	Listen string `yaml:"listen"`
	// Replicas of every stream and bucket; 3 on a clustered JetStream.
	Replicas int `yaml:"replicas"`
	// User and Password, Token, NKeySeedFile or CredsFile authenticate Parley to NATS (one
	// of them); the embedded server of `parley run` requires the same when one is set.
	User         string  `yaml:"user"`
	Password     string  `yaml:"password"`
	Token        string  `yaml:"token"`
	NKeySeedFile string  `yaml:"nkey_seed_file"`
	CredsFile    string  `yaml:"creds_file"`
	TLS          NATSTLS `yaml:"tls"`
}

// NATSTLS makes the connection TLS: CAFile is the authority the server's certificate must
// chain to (the system roots when empty), CertFile and KeyFile an optional client
// certificate for servers that verify clients.
type NATSTLS struct {
	CAFile   string `yaml:"ca_file"`
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
}

// Enabled reports whether any TLS setting is given.
func (t NATSTLS) Enabled() bool { return t.CAFile != "" || t.CertFile != "" || t.KeyFile != "" }

// HTTP is the private endpoint (/metrics, /healthz, /readyz, the API and pages) and the
// public one, which serves only the WebSub callback.
type HTTP struct {
	Listen string `yaml:"listen"`
	// PublicListen serves /websub/ alone, for hubs on the internet, when
	// fetch.websub_callback_url is set (default 127.0.0.1:8081, behind a reverse proxy).
	PublicListen string `yaml:"public_listen"`
}

// Log chooses the slog handler.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// Feed is one feed to poll.
type Feed struct {
	URL      string   `yaml:"url"`
	Name     string   `yaml:"name"`
	Interval Duration `yaml:"interval"`
	FullText bool     `yaml:"full_text"`
}

// Subscription is one alert channel.
type Subscription struct {
	Name   string `yaml:"name"`
	Target string `yaml:"target"`
	Secret string `yaml:"secret"`
	Filter Filter `yaml:"filter"`
}

// Filter narrows the alerts a subscription receives; an empty list matches everything.
type Filter struct {
	Parties []string `yaml:"parties"`
	Kinds   []string `yaml:"kinds"`
	Topics  []string `yaml:"topics"`
	Status  []string `yaml:"status"`
}

// Defaults used where the file says nothing.
const (
	DefaultStoreDir     = "./data"
	DefaultNATSListen   = "127.0.0.1:4222"
	DefaultHTTPListen   = "127.0.0.1:8080"
	DefaultPublicListen = "127.0.0.1:8081"
	DefaultFeedInterval = 5 * time.Minute
	// DefaultHostRate is fetch's own default (fetch.DefaultHostRate), which platform cannot
	// import; TestHostRateDefaultIsFetchs in cmd/parley keeps the two equal.
	DefaultHostRate = 10
	// The delivery defaults notify has always used.
	DefaultMaxAttempts     = 12
	DefaultRetryBase       = time.Second
	DefaultRetryMax        = 5 * time.Minute
	DefaultDeliveryTimeout = 10 * time.Second
	EnvPrefix              = "PARLEY_"
	DefaultSeedOwner       = "config"
)

// Default returns the configuration used when no file is given.
func Default() *File {
	f := &File{}
	f.applyDefaults()
	return f
}

func (f *File) applyDefaults() {
	if f.NATS.StoreDir == "" {
		f.NATS.StoreDir = DefaultStoreDir
	}
	if f.NATS.Listen == "" {
		f.NATS.Listen = DefaultNATSListen
	}
	if f.NATS.Replicas == 0 {
		f.NATS.Replicas = 1
	}
	if f.HTTP.Listen == "" {
		f.HTTP.Listen = DefaultHTTPListen
	}
	if f.HTTP.PublicListen == "" && f.Fetch.WebSubCallbackURL != "" {
		f.HTTP.PublicListen = DefaultPublicListen
	}
	if f.Log.Level == "" {
		f.Log.Level = "info"
	}
	if f.Seed.Owner == "" {
		f.Seed.Owner = DefaultSeedOwner
	}
	if f.Log.Format == "" {
		f.Log.Format = "text"
	}
	if f.Fetch.HostRate == 0 {
		f.Fetch.HostRate = DefaultHostRate
	}
	f.Notify.applyDefaults()
	for i := range f.Feeds {
		if f.Feeds[i].Interval == 0 {
			f.Feeds[i].Interval = Duration(DefaultFeedInterval)
		}
	}
}

// Load reads the YAML file at path (none when path is empty), expands ${VAR} in values,
// applies PARLEY_* overrides from lookup (os.LookupEnv when nil), fills defaults and validates.
func Load(path string, lookup func(string) (string, bool)) (*File, error) {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	f := &File{}
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		if err := decode(raw, f, lookup); err != nil {
			return nil, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if err := applyEnv(f, lookup); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	f.applyDefaults()
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return f, nil
}

// Parse is Load for bytes already read; used by tests and the bundled demo.
func Parse(raw []byte, lookup func(string) (string, bool)) (*File, error) {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	f := &File{}
	if err := decode(raw, f, lookup); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := applyEnv(f, lookup); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	f.applyDefaults()
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return f, nil
}

func decode(raw []byte, f *File, lookup func(string) (string, bool)) error {
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		return err
	}
	if len(root.Content) == 0 {
		return nil // an empty file is the default configuration
	}
	if err := expandNode(&root, lookup); err != nil {
		return err
	}
	// Re-encoding the expanded tree lets the strict decoder report unknown keys with their
	// line, which Node.Decode cannot do.
	expanded, err := yaml.Marshal(&root)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(expanded))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil {
		return fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return nil
}

// expandNode replaces ${VAR} in scalar values only, so a secret containing YAML syntax cannot
// change the document's structure.
func expandNode(n *yaml.Node, lookup func(string) (string, bool)) error {
	if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "${") {
		var missing []string
		n.Value = os.Expand(n.Value, func(name string) string {
			v, ok := lookup(name)
			if !ok {
				missing = append(missing, name)
			}
			return v
		})
		if len(missing) > 0 {
			return fmt.Errorf("line %d: environment variable %s is not set", n.Line, strings.Join(missing, ", "))
		}
		n.Tag = "" // let the decoder re-infer bool/int after expansion
		n.Style = 0
	}
	for _, c := range n.Content {
		if err := expandNode(c, lookup); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks every key and names the first bad one.
func (f *File) Validate() error {
	var errs []error
	if f.NATS.URL != "" {
		if u, err := url.Parse(f.NATS.URL); err != nil || u.Host == "" {
			errs = append(errs, fmt.Errorf("nats.url: %q is not a URL like nats://host:4222", f.NATS.URL))
		}
	}
	errs = append(errs, f.NATS.validateSecurity()...)
	if f.NATS.Replicas < 1 || f.NATS.Replicas > 5 {
		errs = append(errs, fmt.Errorf("nats.replicas: %d is not between 1 and 5", f.NATS.Replicas))
	}
	if f.Seed.Generation < 0 {
		errs = append(errs, fmt.Errorf("seed.generation: %d is negative", f.Seed.Generation))
	}
	switch f.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log.level: %q is not one of debug, info, warn, error", f.Log.Level))
	}
	switch f.Log.Format {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("log.format: %q is not text or json", f.Log.Format))
	}
	if s := f.Fetch.WebSubCallbackURL; s != "" {
		if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("fetch.websub_callback_url: %q is not an http(s) URL", s))
		}
	}
	if r := f.Fetch.HostRate; !(r > 0) || math.IsInf(r, 0) {
		errs = append(errs, fmt.Errorf("fetch.host_rate: %v is not a positive number of requests a second to one host; leave it out for the default %d, or raise it (e.g. 50) for a host that serves many of your feeds", r, DefaultHostRate))
	}
	if f.HTTP.PublicListen != "" && f.HTTP.PublicListen == f.HTTP.Listen {
		errs = append(errs, fmt.Errorf("http.public_listen: %s is http.listen too; the WebSub callback gets its own listener so /metrics and the API stay private", f.HTTP.PublicListen))
	}
	errs = append(errs, f.Notify.validate()...)
	seenFeed := map[string]bool{}
	for i, fd := range f.Feeds {
		key := fmt.Sprintf("feeds[%d]", i)
		u, err := url.Parse(fd.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s.url: %q is not an http(s) URL", key, fd.URL))
		}
		if seenFeed[fd.URL] {
			errs = append(errs, fmt.Errorf("%s.url: %q is listed twice", key, fd.URL))
		}
		seenFeed[fd.URL] = true
		if least := MinInterval(fd.URL, f.AllowPrivateAddresses); fd.Interval < Duration(least) {
			errs = append(errs, fmt.Errorf("%s.interval: %s is shorter than %s, the least for %s (1s only for feeds on private addresses with allow_private_addresses)", key, fd.Interval, least, fd.URL))
		}
	}
	seenSub := map[string]bool{}
	for i, s := range f.Subscriptions {
		key := fmt.Sprintf("subscriptions[%d]", i)
		if !validName(s.Name) {
			errs = append(errs, fmt.Errorf("%s.name: %q must be letters, digits, - or _", key, s.Name))
		}
		if seenSub[s.Name] {
			errs = append(errs, fmt.Errorf("%s.name: %q is used twice", key, s.Name))
		}
		seenSub[s.Name] = true
		u, err := url.Parse(s.Target)
		if err != nil || u.Scheme == "" {
			errs = append(errs, fmt.Errorf("%s.target: %q is not a URL", key, s.Target))
		}
		for _, k := range s.Filter.Kinds {
			if k != "new_round" && k != "round_updated" {
				errs = append(errs, fmt.Errorf("%s.filter.kinds: %q is not new_round or round_updated", key, k))
			}
		}
	}
	return errors.Join(errs...)
}

func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func (n *Notify) applyDefaults() {
	if n.MaxAttempts == 0 {
		n.MaxAttempts = DefaultMaxAttempts
	}
	if n.RetryBase == 0 {
		n.RetryBase = Duration(DefaultRetryBase)
	}
	if n.RetryMax == 0 {
		n.RetryMax = Duration(DefaultRetryMax)
	}
	if n.DeliveryTimeout == 0 {
		n.DeliveryTimeout = Duration(DefaultDeliveryTimeout)
	}
}

func (n Notify) validate() []error {
	var errs []error
	if n.MaxAttempts < 1 {
		errs = append(errs, fmt.Errorf("notify.max_attempts: %d is less than 1", n.MaxAttempts))
	}
	if n.RetryBase < 0 || n.RetryMax < n.RetryBase {
		errs = append(errs, fmt.Errorf("notify.retry_max: %s is shorter than notify.retry_base %s", n.RetryMax, n.RetryBase))
	}
	if n.DeliveryTimeout < 0 {
		errs = append(errs, fmt.Errorf("notify.delivery_timeout: %s is negative", n.DeliveryTimeout))
	}
	return errs
}

// TimeToDLQ is the longest an alert to a receiver that never answers takes to reach the
// dead-letter queue: the sum of the un-jittered waits between its attempts (each attempt's
// own time aside).
func (n Notify) TimeToDLQ() time.Duration {
	var total time.Duration
	wait := n.RetryBase.Duration()
	for i := 1; i < n.MaxAttempts; i++ {
		total += min(wait, n.RetryMax.Duration())
		wait *= 2
	}
	return total
}
