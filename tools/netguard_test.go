package tools

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
)

func TestClassifyAddr(t *testing.T) {
	cases := map[string]string{
		// public
		"8.8.8.8": AddrPublic, "1.1.1.1": AddrPublic, "93.184.216.34": AddrPublic, "172.15.255.255": AddrPublic,
		"172.32.0.1": AddrPublic, "100.63.255.255": AddrPublic, "100.128.0.0": AddrPublic, "169.253.255.255": AddrPublic,
		"2606:4700:4700::1111": AddrPublic, "2001:4860:4860::8888": AddrPublic, "::ffff:8.8.8.8": AddrPublic,
		"64:ff9b::808:808": AddrPublic, "2002:808:808::1": AddrPublic,
		// loopback
		"127.0.0.1": AddrLoopback, "127.255.255.254": AddrLoopback, "127.1.2.3": AddrLoopback, "::1": AddrLoopback,
		"::ffff:127.0.0.1": AddrLoopback,
		// unspecified
		"0.0.0.0": AddrUnspecified, "0.1.2.3": AddrUnspecified, "::": AddrUnspecified, "::ffff:0.0.0.0": AddrUnspecified,
		// RFC 1918 and RFC 4193
		"10.0.0.1": AddrPrivate, "10.255.255.255": AddrPrivate, "172.16.0.1": AddrPrivate, "172.31.255.255": AddrPrivate,
		"192.168.0.1": AddrPrivate, "192.168.255.255": AddrPrivate, "fc00::1": AddrPrivate, "fd12:3456:789a::1": AddrPrivate,
		"::ffff:10.0.0.1": AddrPrivate, "::ffff:192.168.1.1": AddrPrivate, "fec0::1": AddrPrivate,
		// CGNAT
		"100.64.0.1": AddrCGNAT, "100.127.255.255": AddrCGNAT,
		// link-local
		"169.254.0.1": AddrLinkLocal, "169.254.1.1": AddrLinkLocal, "fe80::1": AddrLinkLocal, "fe80::1%eth0": AddrLinkLocal,
		"::ffff:169.254.1.1": AddrLinkLocal,
		// metadata
		"169.254.169.254": AddrMetadata, "fd00:ec2::254": AddrMetadata, "::ffff:169.254.169.254": AddrMetadata,
		"100.100.100.200": AddrMetadata, "169.254.170.2": AddrMetadata,
		// multicast
		"224.0.0.1": AddrMulticast, "239.255.255.250": AddrMulticast, "ff02::1": AddrMulticast, "ff05::2": AddrMulticast,
		// reserved
		"255.255.255.255": AddrReserved, "240.0.0.1": AddrReserved, "192.0.2.1": AddrReserved, "198.51.100.1": AddrReserved,
		"203.0.113.1": AddrReserved, "198.18.0.1": AddrReserved, "192.0.0.1": AddrReserved, "2001:db8::1": AddrReserved,
		"2001::1": AddrReserved, "100::1": AddrReserved, "::1.2.3.4": AddrReserved, "::ffff:0:7f00:1": AddrReserved,
		"4000::1": AddrReserved,
		// IPv4 embedded in NAT64 and 6to4
		"64:ff9b::7f00:1":    AddrLoopback + " (embedded in an IPv6 address)",
		"64:ff9b::a9fe:a9fe": AddrMetadata + " (embedded in an IPv6 address)",
		"2002:a00:1::":       AddrPrivate + " (embedded in an IPv6 address)",
		"2002:7f00:1::1":     AddrLoopback + " (embedded in an IPv6 address)",
		"64:ff9b:1::1":       AddrPrivate,
	}
	for s, want := range cases {
		ip, err := netip.ParseAddr(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if got := ClassifyAddr(ip); got != want {
			t.Errorf("ClassifyAddr(%s) = %q, want %q", s, got, want)
		}
	}
	if ClassifyAddr(netip.Addr{}) != AddrInvalid {
		t.Error("zero Addr")
	}
}

func TestGuardCheck(t *testing.T) {
	type want struct{ def, loopback, private bool } // allowed under Guard{}, {AllowLoopback}, {AllowPrivate}
	cases := map[string]want{
		"8.8.8.8":          {true, true, true},
		"127.0.0.1":        {false, true, true},
		"::1":              {false, true, true},
		"::ffff:127.0.0.1": {false, true, true},
		"10.0.0.1":         {false, false, true},
		"fd00::1":          {false, false, true},
		"100.64.1.1":       {false, false, true},
		"169.254.169.254":  {false, false, false},
		"fd00:ec2::254":    {false, false, false},
		"169.254.1.1":      {false, false, false},
		"fe80::1":          {false, false, false},
		"0.0.0.0":          {false, false, false},
		"::":               {false, false, false},
		"224.0.0.1":        {false, false, false},
		"ff02::1":          {false, false, false},
	}
	for s, w := range cases {
		ip := netip.MustParseAddr(s)
		for i, g := range []Guard{{}, {AllowLoopback: true}, {AllowPrivate: true}} {
			err := g.Check(s, ip)
			allowed := []bool{w.def, w.loopback, w.private}[i]
			if (err == nil) != allowed {
				t.Errorf("guard %d, %s: err %v, want allowed=%v", i, s, err, allowed)
			}
			if err != nil && !errors.Is(err, ErrForbidden) {
				t.Errorf("%s: %v does not wrap ErrForbidden", s, err)
			}
		}
	}
}

// stubResolver answers from a table.
type stubResolver map[string][]string

func (s stubResolver) LookupNetIP(_ context.Context, _ string, host string) ([]netip.Addr, error) {
	addrs, ok := s[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []netip.Addr
	for _, a := range addrs {
		out = append(out, netip.MustParseAddr(a))
	}
	return out, nil
}

func TestGuardResolve(t *testing.T) {
	g := Guard{Resolver: stubResolver{
		"public.test":  {"93.184.216.34"},
		"loop.test":    {"127.0.0.1"},
		"mixed.test":   {"93.184.216.34", "10.0.0.5"},
		"meta.test":    {"169.254.169.254"},
		"v6meta.test":  {"fd00:ec2::254"},
		"mapped.test":  {"::ffff:127.0.0.1"},
		"private.test": {"192.168.1.10"},
	}}
	ctx := context.Background()
	if ips, err := g.Resolve(ctx, "public.test"); err != nil || len(ips) != 1 {
		t.Fatalf("public: %v %v", ips, err)
	}
	refused := []string{
		"loop.test", "mixed.test", "meta.test", "v6meta.test", "mapped.test", "private.test",
		"127.0.0.1", "[::1]", "10.0.0.1", "169.254.169.254", "[fd00:ec2::254]", "0.0.0.0",
		"localhost", "LOCALHOST", "foo.localhost", "",
		// non-standard IPv4 forms: Go's parser rejects them, some resolvers accept them
		"2130706433", "0177.0.0.1", "0x7f.0.0.1", "0x7f000001", "127.1", "017700000001", "1.2.3.04",
	}
	for _, h := range refused {
		_, err := g.Resolve(ctx, h)
		if !errors.Is(err, ErrForbidden) {
			t.Errorf("Resolve(%q): %v, want ErrForbidden", h, err)
		}
	}
	// The message names the host and what it resolved to.
	_, err := g.Resolve(ctx, "loop.test")
	if !strings.Contains(err.Error(), "loop.test refused: it resolves to 127.0.0.1, a loopback address") {
		t.Errorf("message: %v", err)
	}
	if _, err := g.Resolve(ctx, "nxdomain.test"); !errors.Is(err, ErrUpstream) {
		t.Errorf("nxdomain: %v", err)
	}
}

func TestNetParseRejectsNonStandardIPv4(t *testing.T) {
	// Documents why ambiguousIPHost exists: these never parse as addresses
	// in Go, so they would go to the resolver as names.
	for _, s := range []string{"2130706433", "0177.0.0.1", "0x7f.0.0.1", "127.1", "1.2.3.04"} {
		if net.ParseIP(s) != nil {
			t.Errorf("net.ParseIP(%q) parsed", s)
		}
		if _, err := netip.ParseAddr(s); err == nil {
			t.Errorf("netip.ParseAddr(%q) parsed", s)
		}
	}
}

func TestGuardDialControl(t *testing.T) {
	// The Control hook refuses the socket address itself, whatever resolved it.
	g := Guard{}
	for _, a := range []string{"127.0.0.1:80", "[::1]:443", "10.1.2.3:8080", "169.254.169.254:80", "[::ffff:127.0.0.1]:80", "[fe80::1%lo]:80"} {
		if err := g.control("tcp", a, nil); !errors.Is(err, ErrForbidden) {
			t.Errorf("control(%s): %v", a, err)
		}
	}
	if err := g.control("tcp", "93.184.216.34:443", nil); err != nil {
		t.Errorf("public: %v", err)
	}
	// A dial straight to a loopback listener is refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip(err)
	}
	defer ln.Close()
	dial := g.DialContext(0)
	if _, err := dial(context.Background(), "tcp", ln.Addr().String()); !errors.Is(err, ErrForbidden) {
		t.Fatalf("dial loopback: %v", err)
	}
	conn, err := Guard{AllowLoopback: true}.DialContext(0)(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dial with AllowLoopback: %v", err)
	}
	conn.Close()
}

func TestHostPatterns(t *testing.T) {
	hp, err := ParseHostPatterns([]string{"Example.com", "*.docs.example.org", "api.test:8443", "[2001:db8::1]", " ", "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]bool{
		"https://example.com/x":          true,
		"http://EXAMPLE.COM./":           true,
		"https://www.example.com/":       false,
		"https://a.docs.example.org/":    true,
		"https://a.b.docs.example.org/":  true,
		"https://docs.example.org/":      false,
		"https://evildocs.example.org/":  false,
		"https://api.test:8443/":         true,
		"https://api.test/":              false,
		"http://[2001:db8::1]:8080/":     true,
		"http://127.0.0.1:1234/":         true,
		"https://example.com.evil.test/": false,
	}
	for raw, want := range cases {
		u := mustURL(t, raw)
		if got := hp.Allows(u); got != want {
			t.Errorf("Allows(%s) = %v, want %v", raw, got, want)
		}
	}
	for _, bad := range []string{"https://example.com", "example.com/path", "*example.com", "a.*.com", "*.", "host:0", "host:99999", "user@host"} {
		if _, err := ParseHostPatterns([]string{bad}); err == nil {
			t.Errorf("pattern %q accepted", bad)
		}
	}
	star, _ := ParseHostPatterns([]string{"*"})
	if !star.Allows(mustURL(t, "https://anything.test/")) {
		t.Error("* should allow any host")
	}
}
