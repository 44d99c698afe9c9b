// Package guard keeps fetch from being turned against the network it runs in: a feed URL
// (or a redirect, or a DNS answer that changes between lookup and connect) must not reach
// loopback, private, link-local or cloud-metadata addresses unless the operator allows it.
//
// The check runs on the address actually being connected to (net.Dialer.Control), not on the
// name in the URL, so DNS rebinding cannot get round it.
package guard

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
)

// ErrRefused is wrapped by every refusal, so callers can tell a blocked address from a network
// failure.
var ErrRefused = errors.New("address refused")

// RefusedError says which address was refused and why.
type RefusedError struct {
	Addr   netip.Addr
	Reason string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s is a %s address: %v (to reach it, set allow_private_addresses: true in the config or PARLEY_ALLOW_PRIVATE_ADDRESSES=true)", e.Addr, e.Reason, ErrRefused)
}

func (e *RefusedError) Unwrap() error { return ErrRefused }

// Ranges that the netip predicates do not cover but that still lead into the operator's own
// network or to nowhere useful.
var blocked = []struct {
	prefix netip.Prefix
	reason string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade NAT"}, // also Alibaba's metadata 100.100.100.200
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignment"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("100::/64"), "discard-only"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
}

// Prefixes of IPv6 translation schemes that carry an IPv4 address inside; the embedded address
// is what the packets finally reach, so it is checked too.
var (
	nat64  = netip.MustParsePrefix("64:ff9b::/96")
	sixTo4 = netip.MustParsePrefix("2002::/16")
)

// Check returns a *RefusedError when ip must not be connected to.
func Check(ip netip.Addr) error {
	ip = ip.Unmap().WithZone("")
	if reason := classify(ip); reason != "" {
		return &RefusedError{Addr: ip, Reason: reason}
	}
	if ip.Is6() {
		b := ip.As16()
		var inner netip.Addr
		switch {
		case nat64.Contains(ip):
			inner = netip.AddrFrom4([4]byte(b[12:16]))
		case sixTo4.Contains(ip):
			inner = netip.AddrFrom4([4]byte(b[2:6]))
		}
		if inner.IsValid() {
			if reason := classify(inner); reason != "" {
				return &RefusedError{Addr: ip, Reason: reason + " (embedded " + inner.String() + ")"}
			}
		}
	}
	return nil
}

func classify(ip netip.Addr) string {
	switch {
	case !ip.IsValid():
		return "invalid"
	case ip.IsLoopback():
		return "loopback"
	case ip.IsUnspecified():
		return "unspecified"
	case ip.IsPrivate():
		return "private"
	case ip.IsLinkLocalUnicast():
		return "link-local" // includes the 169.254.169.254 metadata endpoint
	case ip.IsMulticast(), ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast():
		return "multicast"
	case ip.Is4() && ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "broadcast"
	}
	for _, b := range blocked {
		if b.prefix.Contains(ip) {
			return b.reason
		}
	}
	return ""
}

// Control returns a net.Dialer.Control function that refuses connections to addresses Check
// rejects. With allowPrivate it returns nil, which a Dialer treats as "no check".
func Control(allowPrivate bool) func(network, address string, c syscall.RawConn) error {
	if allowPrivate {
		return nil
	}
	return func(network, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return fmt.Errorf("guard: %s address %q: %w", network, address, ErrRefused)
		}
		ip, err := netip.ParseAddr(host)
		if err != nil {
			return fmt.Errorf("guard: %s address %q is not an IP: %w", network, address, ErrRefused)
		}
		if err := Check(ip); err != nil {
			return fmt.Errorf("guard: %w", err)
		}
		return nil
	}
}
