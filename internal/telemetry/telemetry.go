// Package telemetry follows each HTTP request: it gives it an id, learns the route that served
// it, counts and times it for Prometheus, and writes the access log. The surfaces (API, web
// pages) name their route with SetRoute; everything else happens in the middleware.
package telemetry

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

type ctxKey struct{}

// info is what the middleware learns about one request as it passes through the layers.
type info struct {
	id       string
	route    string
	hidePath bool
}

// RequestID returns the id of the request ctx belongs to, or "" outside a request.
func RequestID(ctx context.Context) string {
	if in, ok := ctx.Value(ctxKey{}).(*info); ok {
		return in.id
	}
	return ""
}

// SetRoute records the route pattern that serves the request, for metrics and the access log.
func SetRoute(ctx context.Context, pattern string) {
	if in, ok := ctx.Value(ctxKey{}).(*info); ok {
		in.route = pattern
	}
}

// HidePath keeps the request's path out of the access log, which then shows the route pattern
// in its place: for paths that carry a secret, such as an invite code.
func HidePath(ctx context.Context) {
	if in, ok := ctx.Value(ctxKey{}).(*info); ok {
		in.hidePath = true
	}
}

// Metrics holds the Prometheus collectors of one server. It is not global: each server, and
// each test, has its own registry.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics makes a registry with the process and Go runtime collectors, the HTTP request
// metrics, and the statistics of each named database pool.
func NewMetrics(pools map[string]*sql.DB) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lodestar_http_requests_total",
			Help: "HTTP requests served, by route pattern, method and status code.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "lodestar_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by route pattern and method.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
	}
	m.Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.duration,
	)
	for name, db := range pools {
		m.Registry.MustRegister(collectors.NewDBStatsCollector(db, name))
	}
	return m
}

// statusWriter remembers the status and size of a response. It passes Flush and the rest
// through Unwrap, so http.ResponseController still reaches the real writer.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Middleware assigns the request id (keeping a well-formed X-Request-Id from a proxy), and after
// the request records its metrics and writes one access log line.
func Middleware(log *slog.Logger, m *Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		in := &info{id: incomingID(r.Header.Get("X-Request-Id"))}
		if in.id == "" {
			in.id = newID()
		}
		w.Header().Set("X-Request-Id", in.id)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), ctxKey{}, in)))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		elapsed := time.Since(start)
		route := in.route
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Inc()
		m.duration.WithLabelValues(route, r.Method).Observe(elapsed.Seconds())
		path := r.URL.Path
		if in.hidePath {
			path = route
		}
		log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", in.id),
			slog.String("method", r.Method),
			slog.String("path", path),
			slog.String("route", route),
			slog.Int("status", sw.status),
			slog.Int64("bytes", sw.bytes),
			slog.Duration("duration", elapsed),
			slog.String("remote", r.RemoteAddr),
		)
	})
}

// incomingID accepts a request id from upstream only when it is short and plain.
func incomingID(s string) string {
	if len(s) == 0 || len(s) > 64 {
		return ""
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return ""
		}
	}
	return s
}

func newID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
