// Package web serves Lodestar's HTML pages and their static assets, both embedded in the
// binary. Assets are served under content-hashed names with a year-long cache lifetime, so a
// new release never meets a stale stylesheet.
//
// The pages authenticate with a server-side session whose id travels in a cookie; the cookie
// means nothing to the REST API, which takes bearer tokens only. Every state-changing request
// passes Go's cross-origin protection first, so another site cannot submit a form on a signed-in
// user's behalf.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

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
	store   *store.Store
	auth    *auth.Service
	now     func() time.Time
	secure  bool
	cookie  string                        // the session cookie's name
	pages   map[string]*template.Template // by file name, each with the layout
	assets  map[string]asset              // by hashed name
	urls    map[string]string             // plain name -> /static/hashed name
	mux     *http.ServeMux
	handler http.Handler
	// setup serialises first-run setup within this process, so that two quick submissions
	// cannot both find no user and both create an administrator.
	setup sync.Mutex
}

// Options configures the pages.
type Options struct {
	Store   *store.Store
	Auth    *auth.Service
	Logger  *slog.Logger
	Version string
	// Now is the clock, for showing whether a token has expired; nil means time.Now.
	Now func() time.Time
	// SecureCookies marks the session cookie Secure with the __Host- prefix.
	SecureCookies bool
}

// Session cookie names. The __Host- prefix makes browsers insist on Secure, Path=/ and no
// Domain, so a sibling subdomain cannot plant a session; it needs https, hence the plain
// name for development on http://localhost.
const (
	secureCookieName = "__Host-lodestar_session"
	plainCookieName  = "lodestar_session"
)

// New loads the templates, hashes the assets and registers the routes.
func New(opts Options) (*Web, error) {
	if opts.Store == nil || opts.Auth == nil {
		return nil, errors.New("web: Options.Store and Options.Auth are required")
	}
	w := &Web{
		log: opts.Logger, version: opts.Version, store: opts.Store, auth: opts.Auth, now: opts.Now,
		secure: opts.SecureCookies, cookie: plainCookieName,
		pages: map[string]*template.Template{}, assets: map[string]asset{}, urls: map[string]string{},
		mux: http.NewServeMux(),
	}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	if w.now == nil {
		w.now = time.Now
	}
	if w.secure {
		w.cookie = secureCookieName
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
	if err := w.parseTemplates(); err != nil {
		return nil, err
	}
	w.routes()

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(w.crossOrigin))
	w.handler = securityHeaders(cop.Handler(w.mux))
	return w, nil
}

// parseTemplates gives each page its own copy of the layout, so that every page can define
// the same "content" block.
func (w *Web) parseTemplates() error {
	layout, err := template.New("").Funcs(template.FuncMap{
		"static": w.staticURL,
		"field":  field,
		"when":   when,
	}).ParseFS(files, "templates/layout.html")
	if err != nil {
		return fmt.Errorf("parse layout: %w", err)
	}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return err
	}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		t, err := layout.Clone()
		if err != nil {
			return err
		}
		if t, err = t.ParseFS(files, name); err != nil {
			return fmt.Errorf("parse %s: %w", base, err)
		}
		w.pages[base] = t
	}
	return nil
}

func (w *Web) routes() {
	w.handle("GET /static/{name}", w.static)

	w.page("GET /{$}", auth.PermPublic, w.home)
	w.page("GET /setup", auth.PermPublic, w.setupForm)
	w.page("POST /setup", auth.PermPublic, w.setupSubmit)
	w.page("GET /login", auth.PermPublic, w.loginForm)
	w.page("POST /login", auth.PermPublic, w.login)
	w.page("POST /logout", auth.PermPublic, w.logout)
	w.page("GET /account/password", auth.PermSignedIn, w.passwordForm)
	w.page("POST /account/password", auth.PermSignedIn, w.changePassword)
	w.page("GET /invite/{code}", auth.PermSignedIn, w.inviteForm)
	w.page("POST /invite/{code}", auth.PermSignedIn, w.acceptInvite)

	w.page("POST /switch", auth.PermSignedIn, w.switchWorkspace)
	w.page("GET /w/{workspace}/members", auth.PermView, w.members)
	w.page("GET /w/{workspace}/teams", auth.PermView, w.teams)
	w.page("POST /w/{workspace}/teams", auth.PermManage, w.createTeam)
	w.page("GET /w/{workspace}/tokens", auth.PermView, w.tokens)
	w.page("POST /w/{workspace}/tokens", auth.PermView, w.createToken)
	w.page("POST /w/{workspace}/tokens/{token}/revoke", auth.PermView, w.revokeToken)

	// Anything else is a styled 404 (the server mux sends every unclaimed path here).
	w.page("/", auth.PermPublic, func(rw http.ResponseWriter, r *http.Request, c *caller) error {
		return errNoPage
	})
}

// Handler serves the pages.
func (w *Web) Handler() http.Handler { return w.handler }

func (w *Web) handle(pattern string, h http.HandlerFunc) {
	secretPath := strings.Contains(pattern, "{code}")
	w.mux.Handle(pattern, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		telemetry.SetRoute(r.Context(), pattern)
		if secretPath {
			telemetry.HidePath(r.Context())
		}
		h(rw, r)
	}))
}

// securityHeaders sets the headers every page and asset carries. The policy allows only the
// stylesheet from this origin: the pages have no script at all.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		h := rw.Header()
		h.Set("Content-Security-Policy",
			"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		// Invite links carry their secret in the path; keep it from other sites.
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(rw, r)
	})
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

// render executes a page into a buffer first, so that a template error becomes a clean 500
// rather than half a page.
func (w *Web) render(rw http.ResponseWriter, r *http.Request, status int, name string, v view) {
	var buf bytes.Buffer
	t, ok := w.pages[name]
	err := fmt.Errorf("no page %q", name)
	if ok {
		err = t.ExecuteTemplate(&buf, "layout", v)
	}
	if err != nil {
		w.log.ErrorContext(r.Context(), "render page", "page", name, "error", err,
			"request_id", telemetry.RequestID(r.Context()))
		http.Error(rw, "Internal error; the request id identifies it in the server log.", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	// Pages show one person's data, and the token page a secret: keep them out of every cache,
	// the browser's back-forward history included.
	rw.Header().Set("Cache-Control", "no-store")
	rw.WriteHeader(status)
	rw.Write(buf.Bytes())
}

// crossOrigin answers a state-changing request that another site sent.
func (w *Web) crossOrigin(rw http.ResponseWriter, r *http.Request) {
	w.render(rw, r, http.StatusForbidden, "error.html", view{Title: "Refused", Version: w.version,
		Page: "This form was sent from another site, so Lodestar refused it. Open Lodestar directly and try again."})
}
