package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/server"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

// site is the whole server on a throw-away database.
type site struct {
	t      *testing.T
	ts     *httptest.Server
	store  *store.Store
	clock  *storetest.Clock
	cookie string // the session cookie's name
	// auth opens sessions directly, so that tests need not pay for a password check to sign in.
	auth *auth.Service
}

// newSite serves the full stack: over TLS when secure, as a production install would be.
func newSite(t *testing.T, driver string, secure bool) *site {
	t.Helper()
	clk := storetest.NewClock(time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC))
	st := storetest.Open(t, driver, storetest.Options{Now: clk.Now})
	srv, err := server.New(server.Options{Store: st, Now: clk.Now, Policy: auth.DefaultPolicy,
		SecureCookies: secure, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	s := &site{t: t, store: st, clock: clk, cookie: "lodestar_session",
		auth: auth.NewService(st, clk.Now, auth.DefaultPolicy)}
	if secure {
		s.ts, s.cookie = httptest.NewTLSServer(srv.Handler()), "__Host-lodestar_session"
	} else {
		s.ts = httptest.NewServer(srv.Handler())
	}
	t.Cleanup(s.ts.Close)
	return s
}

// eachSite runs fn once per database, each with a fresh site over plain http.
func eachSite(t *testing.T, fn func(t *testing.T, s *site)) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) { fn(t, newSite(t, d, false)) })
	}
}

// user creates a user. With password "" the user cannot sign in with a password (and costs
// no hashing); sessions come from signIn.
func (s *site) user(email, password string) auth.User {
	s.t.Helper()
	hash := ""
	if password != "" {
		var err error
		if hash, err = auth.HashPassword(password, auth.DefaultArgon2); err != nil {
			s.t.Fatal(err)
		}
	}
	u, err := s.store.CreateUser(s.t.Context(), audit.System, email, strings.Split(email, "@")[0], hash, false)
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

func (s *site) workspace(name string, owner auth.User) workspace.Workspace {
	s.t.Helper()
	ws, err := s.store.CreateWorkspace(s.t.Context(), audit.System, owner.ID, workspace.CreateInput{Name: name})
	if err != nil {
		s.t.Fatal(err)
	}
	return ws
}

func (s *site) member(ws workspace.Workspace, u auth.User, role auth.Role) {
	s.t.Helper()
	if _, err := s.store.AddMember(s.t.Context(), audit.System, ws.ID, u.ID, role); err != nil {
		s.t.Fatal(err)
	}
}

// token creates an API token for the user and returns it with its secret.
func (s *site) token(ws workspace.Workspace, u auth.User) (auth.Token, string) {
	s.t.Helper()
	secret, hint := auth.NewToken()
	tok, err := s.store.CreateToken(s.t.Context(), audit.System, ws.ID, u.ID,
		auth.NewTokenInput{Name: "script", Scope: auth.ScopeWrite}, auth.HashSecret(secret), hint)
	if err != nil {
		s.t.Fatal(err)
	}
	return tok, secret
}

// session reads a browser's session from the store.
func (s *site) session(b *browser) (auth.Session, error) {
	return s.store.Session(s.t.Context(), auth.HashSecret(b.sessionID()))
}

// browser is a client with its own cookie jar that stops at every redirect, so tests see
// where the server sends it.
type browser struct {
	s      *site
	client *http.Client
	jar    *cookiejar.Jar
}

func (s *site) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		s.t.Fatal(err)
	}
	return &browser{s: s, jar: jar, client: &http.Client{
		Jar: jar, Transport: s.ts.Client().Transport, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// signedIn returns a browser with a new session of the user.
func (s *site) signedIn(u auth.User) *browser {
	s.t.Helper()
	secret, err := s.auth.StartSession(s.t.Context(), u.ID, "")
	if err != nil {
		s.t.Fatal(err)
	}
	return s.browserWith(secret)
}

// browserWith returns a browser that presents the session id secret.
func (s *site) browserWith(secret string) *browser {
	b := s.browser()
	b.jar.SetCookies(b.base(), []*http.Cookie{{Name: s.cookie, Value: secret, Path: "/"}})
	return b
}

func (b *browser) base() *url.URL {
	u, _ := url.Parse(b.s.ts.URL + "/")
	return u
}

// sessionID is the session cookie the browser holds, or "".
func (b *browser) sessionID() string {
	for _, c := range b.jar.Cookies(b.base()) {
		if c.Name == b.s.cookie {
			return c.Value
		}
	}
	return ""
}

type response struct {
	status int
	header http.Header
	body   string
	resp   *http.Response
}

// location is where a redirect points.
func (r response) location() string { return r.header.Get("Location") }

func (b *browser) do(method, path string, form url.Values, headers ...string) response {
	b.s.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(b.s.t.Context(), method, b.s.ts.URL+path, body)
	if err != nil {
		b.s.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	if err != nil {
		b.s.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(text), resp: resp}
}

func (b *browser) get(path string, headers ...string) response {
	return b.do("GET", path, nil, headers...)
}

func (b *browser) post(path string, form url.Values, headers ...string) response {
	if form == nil {
		form = url.Values{}
	}
	return b.do("POST", path, form, headers...)
}

// signedInAs reports whether the browser's session is live, by asking for a page that needs
// one.
func (b *browser) signedInAs(email string) bool {
	b.s.t.Helper()
	r := b.get("/account/password")
	switch {
	case r.status == http.StatusOK && strings.Contains(r.body, email):
		return true
	case r.status == http.StatusSeeOther && strings.HasPrefix(r.location(), "/login"):
		return false
	}
	b.s.t.Fatalf("GET /account/password = %d (Location %q); want 200 or a redirect to /login", r.status, r.location())
	return false
}

// storePage reads whole (small) lists.
var storePage = store.Page{Limit: store.MaxPageLimit}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
