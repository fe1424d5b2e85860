package tools

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

// Default limits of HTTP tools.
const (
	DefaultHTTPMaxBytes     = 1 << 20
	DefaultHTTPTimeout      = 10 * time.Second
	DefaultHTTPMaxRedirects = 5
	defaultUserAgent        = "docent-tools/1 (+https://github.com/docent-dev/docent)"
)

// HostPatterns is an allowlist of hosts: "example.com" (that host),
// "*.example.com" (any subdomain, not the apex), "*" (any host); each may
// end in ":port" to allow that port only. IP literals are written as
// themselves ("203.0.113.7", "[2001:db8::1]:8443").
type HostPatterns []hostPattern

type hostPattern struct {
	host string // lower case; "*" or "*.suffix" allowed
	port string // "" = any
}

// ParseHostPatterns validates an allowlist.
func ParseHostPatterns(list []string) (HostPatterns, error) {
	var out HostPatterns
	for _, raw := range list {
		s := strings.ToLower(strings.TrimSpace(raw))
		if s == "" {
			continue
		}
		if strings.Contains(s, "/") || strings.Contains(s, "@") {
			return nil, fmt.Errorf("allow pattern %q: write a host (example.com, *.example.com, host:port), not a URL", raw)
		}
		p := hostPattern{host: s}
		if h, port, err := net.SplitHostPort(s); err == nil {
			if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
				return nil, fmt.Errorf("allow pattern %q: bad port", raw)
			}
			p.host, p.port = h, port
		} else if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
			p.host = s[1 : len(s)-1]
		}
		if p.host != "*" && strings.TrimSuffix(p.host, ".") == "*" {
			return nil, fmt.Errorf("allow pattern %q: '*' may only be the whole pattern or a leading '*.'", raw)
		}
		p.host = strings.TrimSuffix(p.host, ".")
		rest := strings.TrimPrefix(p.host, "*.")
		if p.host != "*" && (rest == "" || strings.Contains(rest, "*")) {
			return nil, fmt.Errorf("allow pattern %q: '*' may only be the whole pattern or a leading '*.'", raw)
		}
		out = append(out, p)
	}
	return out, nil
}

// Allows reports whether the URL's host and port match a pattern.
func (hp HostPatterns) Allows(u *url.URL) bool {
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	for _, p := range hp {
		if p.port != "" && p.port != port {
			continue
		}
		switch {
		case p.host == "*":
			return true
		case strings.HasPrefix(p.host, "*."):
			if strings.HasSuffix(host, p.host[1:]) {
				return true
			}
		case host == p.host:
			return true
		}
	}
	return false
}

// checkURL refuses what no HTTP tool may fetch, before any connection.
func checkURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return &DestinationError{Host: u.Redacted(), Reason: "only http and https URLs are allowed"}
	}
	if u.User != nil {
		return &DestinationError{Host: u.Hostname(), Reason: "URLs with user credentials are not allowed"}
	}
	if u.Hostname() == "" {
		return &DestinationError{Host: u.Redacted(), Reason: "URL has no host"}
	}
	return nil
}

// fetcher runs guarded HTTP requests with limits.
type fetcher struct {
	client   *http.Client
	maxBytes int64
	timeout  time.Duration
}

type fetchPolicy struct {
	guard        Guard
	allow        HostPatterns // nil: any host the guard allows
	maxRedirects int          // <0: do not follow
	sameHost     bool         // redirects must stay on the original host
	maxBytes     int64
	timeout      time.Duration
}

func newFetcher(p fetchPolicy) *fetcher {
	if p.maxBytes <= 0 {
		p.maxBytes = DefaultHTTPMaxBytes
	}
	if p.timeout <= 0 {
		p.timeout = DefaultHTTPTimeout
	}
	tr := &http.Transport{
		Proxy:                  nil, // a proxy would dial for us, past the guard
		DialContext:            p.guard.DialContext(p.timeout),
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           16,
		IdleConnTimeout:        60 * time.Second,
		TLSHandshakeTimeout:    p.timeout,
		ResponseHeaderTimeout:  p.timeout,
		MaxResponseHeaderBytes: 64 << 10,
	}
	client := &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if p.maxRedirects < 0 {
				return http.ErrUseLastResponse
			}
			if len(via) > p.maxRedirects {
				return fmt.Errorf("%w: more than %d redirects", ErrUpstream, p.maxRedirects)
			}
			if err := checkURL(req.URL); err != nil {
				return err
			}
			if p.sameHost && !strings.EqualFold(req.URL.Host, via[0].URL.Host) {
				return &DestinationError{Host: req.URL.Hostname(), Reason: "redirect to another host is not followed"}
			}
			if p.allow != nil && !p.allow.Allows(req.URL) {
				return &DestinationError{Host: req.URL.Host, Reason: "redirect target is not in the allowlist"}
			}
			return nil
		},
	}
	return &fetcher{client: client, maxBytes: p.maxBytes, timeout: p.timeout}
}

type fetched struct {
	url         string
	status      int
	contentType string // media type, lower case
	params      map[string]string
	rawCT       string
	body        []byte
}

// do sends req (whose context bounds it) and reads the body within the size
// limit. Non-2xx statuses are ErrUpstream.
func (f *fetcher) do(ctx context.Context, req *http.Request) (*fetched, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req = req.WithContext(ctx)
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", defaultUserAgent)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		// url.Error's text holds the full URL; arguments in the query
		// stay out of errors and logs.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = fmt.Errorf("%s %s: %w", ue.Op, redactURL(req.URL), ue.Err)
		}
		return nil, f.wrapErr(ctx, err)
	}
	defer resp.Body.Close()
	out := &fetched{url: resp.Request.URL.String(), status: resp.StatusCode, rawCT: resp.Header.Get("Content-Type")}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		msg := strings.TrimSpace(strings.ToValidUTF8(string(snippet), ""))
		if msg != "" {
			msg = ": " + msg
		}
		return nil, fmt.Errorf("%w: %s returned %s%s", ErrUpstream, redactURL(resp.Request.URL), resp.Status, msg)
	}
	if resp.ContentLength > f.maxBytes {
		return nil, fmt.Errorf("%w: response of %d bytes exceeds the limit of %d bytes", ErrUpstream, resp.ContentLength, f.maxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes+1))
	if err != nil {
		return nil, f.wrapErr(ctx, err)
	}
	if int64(len(body)) > f.maxBytes {
		return nil, fmt.Errorf("%w: response exceeds the limit of %d bytes", ErrUpstream, f.maxBytes)
	}
	out.body = body
	if out.rawCT == "" {
		out.rawCT = http.DetectContentType(body)
	}
	mt, params, err := mime.ParseMediaType(out.rawCT)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(out.rawCT, ";", 2)[0]))
	}
	out.contentType, out.params = mt, params
	return out, nil
}

func (f *fetcher) wrapErr(ctx context.Context, err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, ErrForbidden), errors.Is(err, ErrUpstream):
		return err
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("%w: no complete response within %s", ErrTimeout, f.timeout)
	case errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("%w: %v", ErrTimeout, err)
	case errors.Is(err, context.Canceled):
		return err
	}
	return fmt.Errorf("%w: %w", ErrUpstream, err)
}

// redactURL drops credentials, query and fragment from u for messages.
func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User, c.RawQuery, c.ForceQuery, c.Fragment, c.RawFragment = nil, "", false, "", ""
	return c.String()
}

// isTextual reports whether a media type is text a model can read.
func isTextual(mt string) bool {
	switch {
	case strings.HasPrefix(mt, "text/"),
		mt == "application/json", mt == "application/xml", mt == "application/xhtml+xml",
		mt == "application/javascript", mt == "application/x-ndjson", mt == "application/ld+json",
		strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	return false
}

// text decodes the body to UTF-8 (HTML reduced to its visible text).
func (f *fetched) text() (title, text string, err error) {
	if !isTextual(f.contentType) {
		return "", "", fmt.Errorf("%w: content type %q is not text", ErrUpstream, f.contentType)
	}
	r, err := charset.NewReader(strings.NewReader(string(f.body)), f.rawCT)
	if err != nil {
		r = strings.NewReader(string(f.body))
	}
	if f.contentType == "text/html" || f.contentType == "application/xhtml+xml" {
		title, text, err = HTMLText(r)
		if err != nil {
			return "", "", fmt.Errorf("%w: parse HTML: %w", ErrUpstream, err)
		}
		return title, text, nil
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return "", "", fmt.Errorf("%w: decode text: %w", ErrUpstream, err)
	}
	s := string(b)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return "", s, nil
}
