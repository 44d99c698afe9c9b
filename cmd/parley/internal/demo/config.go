package demo

import (
	"time"

	"github.com/parleyhq/parley/platform/config"
)

// Config is the configuration of the bundled demo: the outlets' feeds on baseURL, polled
// every few seconds, and alerts printed to the terminal.
func Config(base *config.File, baseURL string, outlets []string, interval time.Duration) *config.File {
	c := *base
	c.AllowPrivateAddresses = true // the demo feed server is on loopback
	c.Feeds = nil
	for _, o := range outlets {
		c.Feeds = append(c.Feeds, config.Feed{
			URL:      baseURL + "/" + Slug(o) + "/rss.xml",
			Name:     o,
			Interval: config.Duration(interval),
		})
	}
	c.Subscriptions = append([]config.Subscription{{Name: "terminal", Target: "console://"}}, c.Subscriptions...)
	return &c
}
