// Package server is docent's HTTP API (Gin): documents, ask (JSON or SSE),
// jobs, health, metrics. Handlers translate between HTTP and the ingest,
// retrieval and agent packages; they hold no business logic of their own.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/docent-dev/docent/agent"
	"github.com/docent-dev/docent/ingest"
	"github.com/docent-dev/docent/retrieval"
	"github.com/docent-dev/docent/tools"
)

// Options configure the HTTP layer.
type Options struct {
	APIKeys             []string
	MaxBodyBytes        int64
	MaxInFlight         int
	RequestTimeout      time.Duration
	AsyncThresholdBytes int64
}

// Server wires the HTTP API to the application.
type Server struct {
	Store    retrieval.Store
	Pipeline *ingest.Pipeline
	Jobs     *ingest.Jobs
	Agent    *agent.Agent
	Tools    *tools.Registry // nil: no tools
	Log      *slog.Logger
	Opt      Options
	// Ready, when set, reports whether models are loaded (nil error);
	// until then /readyz answers 503 and ask/upload answer 503 not_ready.
	Ready func() error
	// GeneratorName is shown by /readyz ("extractive" when empty).
	GeneratorName func() string

	metrics *metrics
	handler http.Handler
}

// New builds the server and its routes.
func New(s *Server) *Server {
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.Opt.MaxBodyBytes <= 0 {
		s.Opt.MaxBodyBytes = 256 << 20
	}
	if s.Opt.MaxInFlight <= 0 {
		s.Opt.MaxInFlight = 64
	}
	if s.Opt.RequestTimeout <= 0 {
		s.Opt.RequestTimeout = 2 * time.Minute
	}
	if s.Jobs == nil {
		s.Jobs = &ingest.Jobs{Pipeline: s.Pipeline}
	}
	if s.Jobs.Classify == nil {
		s.Jobs.Classify = func(err error) (string, string) {
			e := classify(err)
			return e.Code, e.Message
		}
	}
	s.metrics = newMetrics()
	s.handler = s.routes()
	return s
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) routes() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.NoRoute(func(c *gin.Context) {
		abort(c, http.StatusNotFound, "not_found", "no route "+c.Request.Method+" "+c.Request.URL.Path)
	})
	r.NoMethod(func(c *gin.Context) {
		abort(c, http.StatusMethodNotAllowed, "method_not_allowed", c.Request.Method+" is not allowed on "+c.Request.URL.Path)
	})
	r.Use(s.requestID(), s.recovery(), s.observe())
	r.GET("/", s.ui)
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", s.readyz)
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})))

	v1 := r.Group("/v1", s.auth(), s.limitInFlight(), s.limitBody())
	v1.POST("/documents", s.requireReady(), s.postDocuments)
	v1.GET("/documents", s.listDocuments)
	v1.GET("/documents/:id", s.getDocument)
	v1.DELETE("/documents/:id", s.deleteDocument)
	v1.POST("/ask", s.requireReady(), s.ask)
	v1.GET("/jobs/:id", s.getJob)
	v1.GET("/tools", s.listTools)
	v1.POST("/tools/:name/invoke", s.invokeTool)
	return r
}

// requireReady answers 503 until the models are loaded.
func (s *Server) requireReady() gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.Ready != nil {
			if err := s.Ready(); err != nil {
				c.Header("Retry-After", "5")
				abort(c, http.StatusServiceUnavailable, "not_ready", err.Error())
				return
			}
		}
		c.Next()
	}
}

// Run serves on addr until ctx is cancelled, then shuts down gracefully:
// it stops accepting, lets in-flight requests and ingestion jobs finish
// (up to grace), and returns.
func (s *Server) Run(ctx context.Context, addr string, grace time.Duration) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	return s.Serve(ctx, ln, grace)
}

// Serve is Run on an existing listener.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.Log.Info("docent listening", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Log.Info("shutting down", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	done := make(chan struct{})
	go func() { s.Jobs.Wait(); close(done) }()
	select {
	case <-done:
	case <-sctx.Done():
		s.Log.Warn("ingestion jobs still running at shutdown deadline")
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	checks := gin.H{}
	status := http.StatusOK
	if err := s.Store.Ping(ctx); err != nil {
		checks["store"] = err.Error()
		status = http.StatusServiceUnavailable
	} else {
		checks["store"] = "ok"
	}
	checks["generator"] = "extractive"
	if s.GeneratorName != nil {
		if n := s.GeneratorName(); n != "" {
			checks["generator"] = n
		}
	}
	if s.Ready != nil {
		if err := s.Ready(); err != nil {
			checks["models"] = err.Error()
			status = http.StatusServiceUnavailable
		} else {
			checks["models"] = "ok"
		}
	}
	c.JSON(status, gin.H{"status": map[bool]string{true: "ready", false: "not ready"}[status == http.StatusOK], "checks": checks})
}

type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	ingested *prometheus.CounterVec
	answers  *prometheus.CounterVec
	inflight prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "docent_http_requests_total", Help: "HTTP requests by route and status."}, []string{"method", "route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "docent_http_request_duration_seconds", Help: "HTTP request latency.", Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12)}, []string{"method", "route"})
	m.ingested = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "docent_documents_ingested_total", Help: "Documents ingested by outcome (created, updated, unchanged, duplicate, failed)."}, []string{"status"})
	m.answers = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "docent_answers_total", Help: "Answers by generator and outcome (answered, refused)."}, []string{"generator", "outcome"})
	m.inflight = prometheus.NewGauge(prometheus.GaugeOpts{Name: "docent_http_in_flight", Help: "Requests being handled."})
	m.reg.MustRegister(m.requests, m.latency, m.ingested, m.answers, m.inflight,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
