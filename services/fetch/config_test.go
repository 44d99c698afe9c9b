package fetch_test

import (
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/platform/bus"
	"github.com/parleyhq/parley/services/fetch"
)

func TestValidate(t *testing.T) {
	b := &bus.Bus{}
	ok := fetch.Feed{URL: "https://news.example.org/rss", Interval: time.Minute}
	cases := []struct {
		c    fetch.Config
		want string
	}{
		{fetch.Config{Feeds: []fetch.Feed{ok}}, "fetch: bus is required"},
		{fetch.Config{Bus: b, Feeds: []fetch.Feed{ok, {URL: "ftp://x/y"}}}, "fetch: feeds[1].url:"},
		{fetch.Config{Bus: b, Feeds: []fetch.Feed{{URL: ""}}}, "fetch: feeds[0].url: is empty"},
		{fetch.Config{Bus: b, Feeds: []fetch.Feed{{URL: "http:///path"}}}, "fetch: feeds[0].url:"},
		{fetch.Config{Bus: b, Feeds: []fetch.Feed{ok, ok}}, "fetch: feeds[1].url: https://news.example.org/rss is already feeds[0]"},
		{fetch.Config{Bus: b, Feeds: []fetch.Feed{{URL: ok.URL, Interval: 10 * time.Millisecond}}}, "fetch: feeds[0].interval:"},
		{fetch.Config{Bus: b, Timeout: -time.Second}, "fetch: timeout:"},
		{fetch.Config{Bus: b, MaxBodyBytes: -1}, "fetch: max_body_bytes:"},
		{fetch.Config{Bus: b, Concurrency: -1}, "fetch: concurrency:"},
	}
	for _, tc := range cases {
		err := tc.c.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Validate() = %v, want %q...", err, tc.want)
		}
	}
	good := fetch.Config{Bus: b, Feeds: []fetch.Feed{ok, {URL: "http://other.example/feed", Interval: fetch.MinInterval}, {URL: "https://x.example/a"}}}
	if err := good.Validate(); err != nil {
		t.Errorf("valid config: %v", err)
	}
	good.SetDefaults()
	if good.Timeout != 30*time.Second || good.MaxBodyBytes != 10<<20 || good.Concurrency < 16 || good.HostRate != fetch.DefaultHostRate || good.MemberTTL != fetch.DefaultMemberTTL ||
		good.UserAgent != fetch.DefaultUserAgent || good.Feeds[2].Interval != fetch.DefaultInterval || good.Logger == nil {
		t.Errorf("defaults: %+v", good)
	}
}
