package main

import (
	"testing"

	"github.com/parleyhq/parley/platform/config"
	"github.com/parleyhq/parley/services/fetch"
)

// TestHostRateDefaultIsFetchs: the config fills in fetch.host_rate itself (platform cannot
// import fetch), so a config without the key must give fetch its own default.
func TestHostRateDefaultIsFetchs(t *testing.T) {
	if config.DefaultHostRate != fetch.DefaultHostRate {
		t.Errorf("config.DefaultHostRate = %v, fetch.DefaultHostRate = %v", config.DefaultHostRate, fetch.DefaultHostRate)
	}
}
