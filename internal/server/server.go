// Package server assembles Lodestar's HTTP surfaces (the REST API, the web pages, health,
// readiness and metrics) behind the shared middleware, and runs them with timeouts and a
// graceful shutdown.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/httpapi"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/telemetry"
	"github.com/lodestar-cx/lodestar/internal/web"
)

// Options is what the server is built from.
type Options struct {
	Store   *store.Store
	Logger  *slog.Logger
	Version string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Policy rules sign-in; the zero value means auth.DefaultPolicy.
	Policy auth.Policy
	// PublicURL is the address people reach Lodestar at, for links in responses.
	PublicURL string
	// SecureCookies marks session cookies Secure and gives them the __Host- prefix. It is
	// off only for plain-http development on localhost.
	SecureCookies bool
}

// Server is Lodestar's HTTP handler with everything mounted.
type Server struct {
	API     *httpapi.API
	Metrics *telemetry.Metrics
	handler http.Handler
	store   *store.Store
	log     *slog.Logger
}

// New builds the handler tree.
func New(opts Options) (*Server, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	policy := opts.Policy
	if policy == (auth.Policy{}) {
		policy = auth.DefaultPolicy
	}
	authn := auth.NewService(opts.Store, opts.Now, policy)
	api, err := httpapi.New(httpapi.Options{Store: opts.Store, Auth: authn, Logger: log, Version: opts.Version,
		PublicURL: opts.PublicURL, Now: opts.Now})
	if err != nil {
		return nil, err
	}
	pages, err := web.New(web.Options{Store: opts.Store, Auth: authn, Logger: log, Version: opts.Version,
		SecureCookies: opts.SecureCookies, Now: opts.Now})
	if err != nil {
		return nil, err
	}
	s := &Server{API: api, Metrics: telemetry.NewMetrics(opts.Store.Pools()), store: opts.Store, log: log}
	mux := http.NewServeMux()
	mux.Handle(httpapi.Prefix+"/", api.Handler())
	mux.Handle("GET /healthz", s.named("GET /healthz", s.healthz))
	mux.Handle("GET /readyz", s.named("GET /readyz", s.readyz))
	mux.Handle("GET /metrics", s.named("GET /metrics",
		promhttp.HandlerFor(s.Metrics.Registry, promhttp.HandlerOpts{Registry: s.Metrics.Registry}).ServeHTTP))
	mux.Handle("/", pages.Handler())
	s.handler = telemetry.Middleware(log, s.Metrics, recoverer(log, mux))
	return s, nil
}

// Handler serves every surface.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) named(pattern string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		telemetry.SetRoute(r.Context(), pattern)
		h(w, r)
	})
}

// Health is the body of /healthz and /readyz.
type Health struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeHealth(w, http.StatusOK, Health{Status: "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.store.CheckReady(ctx); err != nil {
		s.log.WarnContext(r.Context(), "not ready", "error", err)
		writeHealth(w, http.StatusServiceUnavailable, Health{Status: "unavailable", Error: err.Error()})
		return
	}
	writeHealth(w, http.StatusOK, Health{Status: "ok"})
}

func writeHealth(w http.ResponseWriter, status int, h Health) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(h)
}

// recoverer turns a panic outside the API (which answers with its own problem) into a 500.
func recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.ErrorContext(r.Context(), "panic", "error", fmt.Sprint(p), "stack", string(debug.Stack()),
					"request_id", telemetry.RequestID(r.Context()))
				http.Error(w, "Internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// Serve runs h on ln until ctx ends, then stops accepting connections and lets in-flight
// requests finish for up to drain.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, drain time.Duration, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "drain", drain)
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
