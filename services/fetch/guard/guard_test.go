package guard

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	refused := []string{
		"127.0.0.1", "127.8.9.10", "::1", "0.0.0.0", "::",
		"10.1.2.3", "172.16.0.1", "192.168.1.1", "fd00:ec2::254", "fc00::1",
		"169.254.169.254", "fe80::1", "100.100.100.200", "100.64.0.1",
		"224.0.0.1", "ff02::1", "255.255.255.255", "198.18.0.1", "240.0.0.1",
		"::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:c0a8:101::1",
	}
	allowed := []string{"93.184.216.34", "8.8.8.8", "2606:4700::1111", "64:ff9b::808:808", "2002:808:808::1"}
	for _, s := range refused {
		err := Check(netip.MustParseAddr(s))
		if !errors.Is(err, ErrRefused) {
			t.Errorf("%s: allowed, want refused", s)
		}
	}
	for _, s := range allowed {
		if err := Check(netip.MustParseAddr(s)); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
}

func TestControlRefusesAtConnect(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	// "localhost" resolves to loopback: the name passes, the connection does not.
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for _, allow := range []bool{false, true} {
		d := &net.Dialer{Timeout: time.Second, Control: Control(allow)}
		conn, err := d.DialContext(context.Background(), "tcp", net.JoinHostPort("localhost", port))
		if allow {
			if err != nil {
				t.Errorf("allowed dial failed: %v", err)
			} else {
				conn.Close()
			}
			continue
		}
		if !errors.Is(err, ErrRefused) {
			t.Errorf("dial to localhost: err = %v, want refused", err)
		}
		// The error reaches operators through feeds list and the status page: it names the fix.
		if err != nil && (!strings.Contains(err.Error(), "allow_private_addresses") || !strings.Contains(err.Error(), "PARLEY_ALLOW_PRIVATE_ADDRESSES")) {
			t.Errorf("refusal %q does not name the setting that allows it", err)
		}
	}
}
