package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

const requestIDHeader = "X-Request-ID"

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID propagates a caller's X-Request-ID or makes one.
func (s *Server) requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(requestIDHeader)
		if !validRequestID.MatchString(id) {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Set("request_id", id)
		c.Header(requestIDHeader, id)
		c.Next()
	}
}

// recovery turns a panic into a 500 JSON error (and a log with the stack);
// a bug in one request never takes the server down.
func (s *Server) recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				s.Log.Error("panic", "request_id", c.GetString("request_id"), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				if !c.Writer.Written() {
					abort(c, http.StatusInternalServerError, "internal", "internal error (request id "+c.GetString("request_id")+")")
				}
				c.Abort()
			}
		}()
		c.Next()
	}
}

// observe logs each request and records metrics.
func (s *Server) observe() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		s.metrics.inflight.Inc()
		c.Next()
		s.metrics.inflight.Dec()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		d := time.Since(start)
		s.metrics.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Inc()
		s.metrics.latency.WithLabelValues(c.Request.Method, route).Observe(d.Seconds())
		level := slog.LevelInfo
		if c.Writer.Status() >= 500 {
			level = slog.LevelError
		}
		if route == "/healthz" || route == "/readyz" || route == "/metrics" {
			level = slog.LevelDebug
		}
		s.Log.LogAttrs(c.Request.Context(), level, "http", slog.String("request_id", c.GetString("request_id")),
			slog.String("method", c.Request.Method), slog.String("path", c.Request.URL.Path), slog.Int("status", c.Writer.Status()),
			slog.Float64("ms", float64(d.Microseconds())/1000))
	}
}

// auth checks API keys when configured (constant-time comparison).
func (s *Server) auth() gin.HandlerFunc {
	return func(c *gin.Context) {
		if len(s.Opt.APIKeys) == 0 {
			c.Next()
			return
		}
		key := c.GetHeader("X-API-Key")
		if h := c.GetHeader("Authorization"); key == "" && strings.HasPrefix(h, "Bearer ") {
			key = strings.TrimPrefix(h, "Bearer ")
		}
		if key == "" {
			c.Header("WWW-Authenticate", `Bearer realm="docent"`)
			abort(c, http.StatusUnauthorized, "unauthorized", "missing API key: send Authorization: Bearer KEY or X-API-Key")
			return
		}
		for _, k := range s.Opt.APIKeys {
			if subtle.ConstantTimeCompare([]byte(k), []byte(key)) == 1 {
				c.Next()
				return
			}
		}
		abort(c, http.StatusForbidden, "forbidden", "API key not accepted")
	}
}

// limitInFlight sheds load: beyond MaxInFlight concurrent requests the
// server answers 429 at once instead of queueing without bound.
func (s *Server) limitInFlight() gin.HandlerFunc {
	sem := make(chan struct{}, s.Opt.MaxInFlight)
	return func(c *gin.Context) {
		select {
		case sem <- struct{}{}:
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(c.Request.Context(), s.Opt.RequestTimeout)
			defer cancel()
			c.Request = c.Request.WithContext(ctx)
			c.Next()
		default:
			c.Header("Retry-After", "1")
			abort(c, http.StatusTooManyRequests, "overloaded", fmt.Sprintf("server is handling %d requests; retry shortly", s.Opt.MaxInFlight))
		}
	}
}

// limitBody caps request bodies; reading past the cap fails and handlers
// answer 413.
func (s *Server) limitBody() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > s.Opt.MaxBodyBytes {
			abort(c, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("request body of %d bytes exceeds the limit of %d bytes", c.Request.ContentLength, s.Opt.MaxBodyBytes))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.Opt.MaxBodyBytes)
		c.Next()
	}
}
