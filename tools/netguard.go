package tools

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// Address categories reported by ClassifyAddr.
const (
	AddrPublic      = "public"
	AddrMetadata    = "cloud metadata"
	AddrUnspecified = "unspecified"
	AddrLoopback    = "loopback"
	AddrPrivate     = "private"
	AddrCGNAT       = "carrier-grade NAT (shared)"
	AddrLinkLocal   = "link-local"
	AddrMulticast   = "multicast"
	AddrReserved    = "reserved or non-routable"
	AddrInvalid     = "invalid"
)

// Cloud metadata and host-agent endpoints. They are refused even where
// private addresses are allowed.
var metadataAddrs = map[netip.Addr]bool{
	netip.MustParseAddr("169.254.169.254"): true, // AWS, GCP, Azure, OpenStack, DigitalOcean...
	netip.MustParseAddr("169.254.170.2"):   true, // AWS ECS task metadata
	netip.MustParseAddr("169.254.169.123"): true, // AWS time sync
	netip.MustParseAddr("fd00:ec2::254"):   true, // AWS IMDS over IPv6
	netip.MustParseAddr("fd00:ec2::123"):   true,
	netip.MustParseAddr("100.100.100.200"): true, // Alibaba Cloud
	netip.MustParseAddr("168.63.129.16"):   true, // Azure wire server
}

type prefixClass struct {
	p     netip.Prefix
	class string
}

// Ordered: the first match wins.
var specialPrefixes = func() []prefixClass {
	list := []struct{ p, c string }{
		{"0.0.0.0/8", AddrUnspecified}, // "this network" (RFC 1122)
		{"127.0.0.0/8", AddrLoopback},
		{"10.0.0.0/8", AddrPrivate}, // RFC 1918
		{"172.16.0.0/12", AddrPrivate},
		{"192.168.0.0/16", AddrPrivate},
		{"100.64.0.0/10", AddrCGNAT}, // RFC 6598
		{"169.254.0.0/16", AddrLinkLocal},
		{"192.0.0.0/24", AddrReserved},   // IETF protocol assignments
		{"192.0.2.0/24", AddrReserved},   // TEST-NET-1
		{"192.88.99.0/24", AddrReserved}, // 6to4 relay anycast (deprecated)
		{"198.18.0.0/15", AddrReserved},  // benchmarking
		{"198.51.100.0/24", AddrReserved},
		{"203.0.113.0/24", AddrReserved},
		{"224.0.0.0/4", AddrMulticast},
		{"240.0.0.0/4", AddrReserved}, // includes 255.255.255.255
		{"::/128", AddrUnspecified},
		{"::1/128", AddrLoopback},
		{"::/96", AddrReserved},           // IPv4-compatible (deprecated)
		{"::ffff:0:0:0/96", AddrReserved}, // SIIT IPv4-translated
		{"64:ff9b:1::/48", AddrPrivate},   // local-use NAT64 (RFC 8215)
		{"100::/64", AddrReserved},        // discard-only
		{"2001::/23", AddrReserved},       // IETF protocol assignments, Teredo (2001::/32)
		{"2001:db8::/32", AddrReserved},   // documentation
		{"3fff::/20", AddrReserved},       // documentation (RFC 9637)
		{"5f00::/16", AddrReserved},       // SRv6 SIDs
		{"fc00::/7", AddrPrivate},         // unique local (RFC 4193)
		{"fe80::/10", AddrLinkLocal},
		{"fec0::/10", AddrPrivate}, // site-local (deprecated)
		{"ff00::/8", AddrMulticast},
	}
	out := make([]prefixClass, len(list))
	for i, e := range list {
		out[i] = prefixClass{netip.MustParsePrefix(e.p), e.c}
	}
	return out
}()

var (
	nat64   = netip.MustParsePrefix("64:ff9b::/96")
	sixToFo = netip.MustParsePrefix("2002::/16")
)

// ClassifyAddr says what kind of address ip is: AddrPublic or the reason it
// is not a public unicast address. IPv4-mapped, NAT64 and 6to4 IPv6
// addresses are classified by the IPv4 address they embed.
func ClassifyAddr(ip netip.Addr) string {
	if !ip.IsValid() {
		return AddrInvalid
	}
	ip = ip.WithZone("")
	if ip.Is4In6() {
		ip = ip.Unmap()
	}
	if metadataAddrs[ip] {
		return AddrMetadata
	}
	if ip.Is6() {
		b := ip.As16()
		switch {
		case nat64.Contains(ip):
			return embedded(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
		case sixToFo.Contains(ip):
			return embedded(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
		}
	}
	for _, pc := range specialPrefixes {
		if pc.p.Contains(ip) {
			return pc.class
		}
	}
	if ip.Is6() && !netip.MustParsePrefix("2000::/3").Contains(ip) {
		return AddrReserved // outside global unicast space
	}
	return AddrPublic
}

func embedded(v4 netip.Addr) string {
	c := ClassifyAddr(v4)
	if c == AddrPublic {
		return AddrPublic
	}
	return c + " (embedded in an IPv6 address)"
}

// Guard decides which addresses outgoing HTTP tool requests may reach.
// The zero Guard allows public unicast addresses only.
type Guard struct {
	// AllowPrivate also allows loopback, private (RFC 1918, RFC 4193) and
	// carrier-grade NAT addresses: for declared tools that set
	// allow_private. Link-local, multicast, unspecified, reserved and cloud
	// metadata addresses stay refused.
	AllowPrivate bool
	// AllowLoopback allows loopback addresses only. It exists for tests
	// (servers from net/http/httptest listen on 127.0.0.1) and is not
	// reachable from configuration.
	AllowLoopback bool
	// Resolver resolves host names; nil: net.DefaultResolver.
	Resolver interface {
		LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
	}
}

// DestinationError reports a refused destination. It wraps ErrForbidden.
type DestinationError struct {
	Host   string     // as requested
	Addr   netip.Addr // the address refused, when one was resolved
	Reason string
}

func (e *DestinationError) Error() string {
	switch {
	case e.Addr.IsValid() && e.Host != "" && e.Host != e.Addr.String():
		return fmt.Sprintf("destination %s refused: it resolves to %s, a %s address", e.Host, e.Addr, e.Reason)
	case e.Addr.IsValid():
		return fmt.Sprintf("destination %s refused: %s address", e.Addr, e.Reason)
	}
	return fmt.Sprintf("destination %s refused: %s", e.Host, e.Reason)
}

func (e *DestinationError) Unwrap() error { return ErrForbidden }

// Check returns a *DestinationError when ip may not be reached.
func (g Guard) Check(host string, ip netip.Addr) error {
	switch c := ClassifyAddr(ip); c {
	case AddrPublic:
		return nil
	case AddrLoopback:
		if g.AllowLoopback || g.AllowPrivate {
			return nil
		}
		return &DestinationError{Host: host, Addr: ip, Reason: c}
	case AddrPrivate, AddrCGNAT:
		if g.AllowPrivate {
			return nil
		}
		return &DestinationError{Host: host, Addr: ip, Reason: c}
	default:
		return &DestinationError{Host: host, Addr: ip, Reason: c}
	}
}

// ambiguousIPHost reports host names that some resolvers read as IPv4
// addresses in decimal, octal or hex (2130706433, 0177.0.0.1, 0x7f.1,
// 127.1) although Go's parser does not. They are refused rather than
// guessed at.
func ambiguousIPHost(host string) bool {
	if host == "" {
		return false
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return false
	}
	last := host[strings.LastIndexByte(host, '.')+1:]
	if last == "" { // trailing dot: look at the label before it
		h := strings.TrimSuffix(host, ".")
		last = h[strings.LastIndexByte(h, '.')+1:]
	}
	// A real DNS name never ends in an all-numeric (or 0x-hex) label.
	if last == "" {
		return false
	}
	if strings.HasPrefix(strings.ToLower(last), "0x") {
		return true
	}
	for _, r := range last {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Resolve returns the addresses of host (an IP literal or a name), all of
// which must pass Check; one refused address refuses the host.
func (g Guard) Resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	h := strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if ip, err := netip.ParseAddr(h); err == nil {
		if err := g.Check(host, ip); err != nil {
			return nil, err
		}
		return []netip.Addr{ip}, nil
	}
	if ambiguousIPHost(h) {
		return nil, &DestinationError{Host: host, Reason: "host looks like an IP address in a non-standard (decimal, octal or hex) form"}
	}
	if h == "" || strings.EqualFold(h, "localhost") || strings.HasSuffix(strings.ToLower(h), ".localhost") {
		if !(g.AllowLoopback || g.AllowPrivate) {
			return nil, &DestinationError{Host: host, Reason: "loopback host name"}
		}
	}
	var r interface {
		LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
	} = net.DefaultResolver
	if g.Resolver != nil {
		r = g.Resolver
	}
	ips, err := r.LookupNetIP(ctx, "ip", h)
	if err != nil {
		return nil, fmt.Errorf("%w: resolve %s: %w", ErrUpstream, host, err)
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("%w: resolve %s: no addresses", ErrUpstream, host)
	}
	for _, ip := range ips {
		if err := g.Check(host, ip); err != nil {
			return nil, err
		}
	}
	return ips, nil
}

// DialContext connects to addr ("host:port") after resolving the host
// itself and checking every address; the socket's Control hook checks the
// address actually dialed once more, so a second resolution (DNS
// rebinding) cannot slip past the guard.
func (g Guard) DialContext(timeout time.Duration) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, fmt.Errorf("%w: bad address %q: %w", ErrUpstream, addr, err)
		}
		ips, err := g.Resolve(ctx, host)
		if err != nil {
			return nil, err
		}
		d := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second, Control: g.control}
		var firstErr error
		for _, ip := range ips {
			conn, err := d.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
			if err == nil {
				return conn, nil
			}
			if errors.Is(err, ErrForbidden) || ctx.Err() != nil {
				return nil, err
			}
			if firstErr == nil {
				firstErr = err
			}
		}
		return nil, firstErr
	}
}

// control runs on the socket before connect: the last word on the address.
func (g Guard) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &DestinationError{Host: address, Reason: "unparseable socket address"}
	}
	return g.Check("", ap.Addr())
}
