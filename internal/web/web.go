// Package web serves Lodestar's HTML pages and their static assets, both embedded in the
// binary. Assets are served under content-hashed names with a year-long cache lifetime, so a
// new release never meets a stale stylesheet.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/telemetry"
)

//go:embed templates static
var files embed.FS

// asset is one static file with its hashed URL.
type asset struct {
	body        []byte
	contentType string
}

// Web serves the pages.
type Web struct {
	log     *slog.Logger
	version string
	pages   *template.Template
	assets  map[string]asset  // by hashed name
	urls    map[string]string // plain name -> /static/hashed name
	mux     *http.ServeMux
}

// Options configures the pages.
type Options struct {
	Store   *store.Store
	Auth    *auth.Service
	Logger  *slog.Logger
	Version string
	// SecureCookies marks the session cookie Secure with the __Host- prefix.
	SecureCookies bool
}

// New loads the templates and hashes the assets.
func New(opts Options) (*Web, error) {
	w := &Web{log: opts.Logger, version: opts.Version, assets: map[string]asset{}, urls: map[string]string{}, mux: http.NewServeMux()}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	entries, err := fs.ReadDir(files, "static")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		body, err := fs.ReadFile(files, "static/"+e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(e.Name())
		hashed := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:5]) + ext
		w.assets[hashed] = asset{body: body, contentType: mime.TypeByExtension(ext)}
		w.urls[e.Name()] = "/static/" + hashed
	}
	w.pages, err = template.New("").Funcs(template.FuncMap{"static": w.staticURL}).ParseFS(files, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	w.handle("GET /{$}", w.home)
	w.handle("GET /static/{name}", w.static)
	return w, nil
}

// Handler serves the pages.
func (w *Web) Handler() http.Handler { return w.mux }

func (w *Web) handle(pattern string, h http.HandlerFunc) {
	w.mux.Handle(pattern, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		telemetry.SetRoute(r.Context(), pattern)
		h(rw, r)
	}))
}

func (w *Web) staticURL(name string) (string, error) {
	u, ok := w.urls[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return u, nil
}

func (w *Web) static(rw http.ResponseWriter, r *http.Request) {
	a, ok := w.assets[r.PathValue("name")]
	if !ok {
		http.NotFound(rw, r)
		return
	}
	rw.Header().Set("Content-Type", a.contentType)
	rw.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	rw.Write(a.body)
}

func (w *Web) home(rw http.ResponseWriter, r *http.Request) {
	w.render(rw, r, "home.html", map[string]any{"Version": w.version})
}

// render executes a page into a buffer first, so that a template error becomes a clean 500
// rather than half a page.
func (w *Web) render(rw http.ResponseWriter, r *http.Request, name string, data any) {
	var buf bytes.Buffer
	if err := w.pages.ExecuteTemplate(&buf, name, data); err != nil {
		w.log.ErrorContext(r.Context(), "render page", "page", name, "error", err,
			"request_id", telemetry.RequestID(r.Context()))
		http.Error(rw, "Internal error; the request id identifies it in the server log.", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Cache-Control", "no-cache")
	rw.Write(buf.Bytes())
}
