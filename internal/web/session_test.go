package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/web"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

var setupForm = url.Values{"email": {"ana@example.com"}, "name": {"Ana"}, "password": {"correct horse"},
	"password_again": {"correct horse"}, "workspace": {"Acme"}}

// First run: setup creates the admin and signs them in; each sign-in gets a new session id,
// and signing out ends the session for good.
func TestSetupLoginLogout(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		if r := b.get("/login"); r.status != http.StatusSeeOther || r.location() != "/setup" {
			t.Fatalf("GET /login before setup = %d to %q, want 303 to /setup", r.status, r.location())
		}
		if r := b.get("/"); r.status != http.StatusOK || !strings.Contains(r.body, `href="/login"`) {
			t.Errorf("GET / signed out = %d, want 200 with a link to sign in", r.status)
		}
		if r := b.get("/setup"); r.status != http.StatusOK {
			t.Fatalf("GET /setup = %d, want 200", r.status)
		}
		bad := url.Values{"email": {"ana@example.com"}, "name": {"Ana"}, "password": {"correct horse"},
			"password_again": {"correct horses"}, "workspace": {" "}}
		r := b.post("/setup", bad)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Must match the password.") ||
			!strings.Contains(r.body, "Must not be empty.") || !strings.Contains(r.body, `value="ana@example.com"`) {
			t.Errorf("POST /setup with a mismatch and no workspace = %d, want 422 naming both fields and keeping the email\n%s", r.status, r.body)
		}
		if n, _ := s.store.UserCount(t.Context()); n != 0 {
			t.Fatalf("UserCount after a refused setup = %d, want 0", n)
		}

		r = b.post("/setup", setupForm)
		if r.status != http.StatusSeeOther || r.location() != "/" {
			t.Fatalf("POST /setup = %d to %q, want 303 to /", r.status, r.location())
		}
		first := b.sessionID()
		if first == "" {
			t.Fatal("POST /setup set no session cookie")
		}
		r = b.get("/")
		if !strings.Contains(r.body, "ana@example.com") || !strings.Contains(r.body, "Acme</h2>") {
			t.Errorf("GET / after setup lacks the user's email or the current workspace Acme:\n%s", r.body)
		}
		u, err := s.store.UserByEmail(t.Context(), "ana@example.com")
		if err != nil || !u.IsAdmin {
			t.Errorf("UserByEmail(ana) = %+v, %v; want an instance admin", u, err)
		}
		if r := b.get("/setup"); r.status != http.StatusNotFound {
			t.Errorf("GET /setup once a user exists = %d, want 404", r.status)
		}
		other := url.Values{"email": {"eve@example.com"}, "name": {"Eve"}, "password": {"correct horse"},
			"password_again": {"correct horse"}, "workspace": {"Evil"}}
		if r := b.post("/setup", other); r.status != http.StatusNotFound {
			t.Errorf("POST /setup once a user exists = %d, want 404", r.status)
		}
		if n, _ := s.store.UserCount(t.Context()); n != 1 {
			t.Errorf("UserCount = %d, want 1", n)
		}

		// Signing in again in the same browser replaces the session: a new id, the old one dead.
		r = b.post("/login", url.Values{"email": {"ANA@example.com "}, "password": {"correct horse"},
			"next": {"/account/password"}})
		if r.status != http.StatusSeeOther || r.location() != "/account/password" {
			t.Fatalf("POST /login = %d to %q, want 303 to the next page", r.status, r.location())
		}
		second := b.sessionID()
		if second == "" || second == first {
			t.Fatalf("session id after a second sign-in = %q, want a new one (was %q)", second, first)
		}
		if s.browserWith(first).signedInAs("ana@example.com") {
			t.Error("the session replaced at sign-in still works")
		}
		if !b.signedInAs("ana@example.com") {
			t.Fatal("the new session does not work")
		}

		r = b.post("/logout", nil)
		if r.status != http.StatusSeeOther || r.location() != "/" {
			t.Errorf("POST /logout = %d to %q, want 303 to /", r.status, r.location())
		}
		if got := b.sessionID(); got != "" {
			t.Errorf("session cookie after logout = %q, want it cleared", got)
		}
		old := s.browserWith(second)
		if r := old.get("/w/1/members"); r.status != http.StatusSeeOther || r.location() != "/login?next=%2Fw%2F1%2Fmembers" {
			t.Errorf("GET /w/1/members with the signed-out cookie = %d to %q, want 303 to /login?next=%%2Fw%%2F1%%2Fmembers", r.status, r.location())
		}
		if r := b.get("/login"); r.status != http.StatusOK {
			t.Errorf("GET /login after setup = %d, want the form", r.status)
		}
	})
}

// A session ends when its user is disabled, when it sits idle too long, and at its absolute
// timeout however busy it is.
func TestSessionEnds(t *testing.T) {
	p := auth.DefaultPolicy
	tests := []struct {
		name string
		// end must leave the session live until its last step, which ends it.
		end func(t *testing.T, s *site, b *browser, u auth.User)
	}{
		{"user disabled", func(t *testing.T, s *site, b *browser, u auth.User) {
			if err := s.store.SetUserDisabled(t.Context(), audit.System, u.ID, true); err != nil {
				t.Fatal(err)
			}
		}},
		{"idle timeout", func(t *testing.T, s *site, b *browser, u auth.User) {
			s.clock.Advance(p.IdleTimeout - time.Minute)
			if !b.signedInAs(u.Email) {
				t.Fatalf("session ended after %s idle, before the idle timeout %s", p.IdleTimeout-time.Minute, p.IdleTimeout)
			}
			s.clock.Advance(p.IdleTimeout)
		}},
		{"absolute timeout", func(t *testing.T, s *site, b *browser, u auth.User) {
			step := p.IdleTimeout / 2
			for elapsed := step; elapsed < p.AbsoluteTimeout; elapsed += step {
				s.clock.Advance(step)
				if !b.signedInAs(u.Email) {
					t.Fatalf("busy session ended %s after sign-in, before the absolute timeout %s", elapsed, p.AbsoluteTimeout)
				}
			}
			s.clock.Advance(step)
		}},
	}
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			s := newSite(t, d, false)
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					u := s.user(strings.ReplaceAll(tt.name, " ", "-")+"@example.com", "")
					b := s.signedIn(u)
					if !b.signedInAs(u.Email) {
						t.Fatal("new session does not work")
					}
					tt.end(t, s, b, u)
					r := b.get("/account/password")
					if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
						t.Errorf("GET /account/password after the session ended = %d to %q, want 303 to /login", r.status, r.location())
					}
					if got := b.sessionID(); got != "" {
						t.Errorf("session cookie after the session ended = %q, want it cleared", got)
					}
				})
			}
		})
	}
}

// Changing the password ends the user's other sessions and keeps the one that changed it.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		u := s.user("ana@example.com", "old password")
		here, elsewhere := s.signedIn(u), s.signedIn(u)
		tests := []struct {
			name       string
			form       url.Values
			wantStatus int
			wantBody   string
		}{
			{"wrong current password", url.Values{"current_password": {"not it at all"},
				"new_password": {"new password"}, "new_password_again": {"new password"}},
				http.StatusUnprocessableEntity, "Is not your current password."},
			{"mismatch", url.Values{"current_password": {"old password"},
				"new_password": {"new password"}, "new_password_again": {"new passwort"}},
				http.StatusUnprocessableEntity, "Must match the new password."},
			{"too short", url.Values{"current_password": {"old password"},
				"new_password": {"short"}, "new_password_again": {"short"}},
				http.StatusUnprocessableEntity, "Must be at least 8 characters."},
			{"changed", url.Values{"current_password": {"old password"},
				"new_password": {"new password"}, "new_password_again": {"new password"}},
				http.StatusSeeOther, ""},
		}
		for _, tt := range tests {
			r := here.post("/account/password", tt.form)
			if r.status != tt.wantStatus || !strings.Contains(r.body, tt.wantBody) {
				t.Errorf("%s: POST /account/password = %d, want %d with %q\n%s", tt.name, r.status, tt.wantStatus, tt.wantBody, r.body)
			}
			if strings.Contains(r.body, "old password") {
				t.Errorf("%s: the page shows a submitted password", tt.name)
			}
			if tt.wantStatus != http.StatusSeeOther && !elsewhere.signedInAs(u.Email) {
				t.Fatalf("%s: a refused change ended the other session", tt.name)
			}
		}
		if r := here.get("/account/password?changed=1"); !strings.Contains(r.body, "Your password is changed.") {
			t.Errorf("the changing session does not see the confirmation:\n%s", r.body)
		}
		if elsewhere.signedInAs(u.Email) {
			t.Error("the other session survived the password change")
		}
		if !here.signedInAs(u.Email) {
			t.Error("the session that changed the password ended")
		}
		got, _ := s.store.User(t.Context(), u.ID)
		if ok, _ := auth.VerifyPassword("new password", got.PasswordHash, auth.DefaultArgon2); !ok {
			t.Error("the new password is not stored")
		}
	})
}

// cookieView is what matters of a Set-Cookie.
type cookieView struct {
	Name     string
	Path     string
	MaxAge   int
	HttpOnly bool
	Secure   bool
	SameSite http.SameSite
}

func sessionCookie(t *testing.T, r response) cookieView {
	t.Helper()
	cs := r.resp.Cookies()
	if len(cs) != 1 {
		t.Fatalf("response sets %d cookies, want 1: %v", len(cs), r.header.Values("Set-Cookie"))
	}
	c := cs[0]
	return cookieView{Name: c.Name, Path: c.Path, MaxAge: c.MaxAge, HttpOnly: c.HttpOnly, Secure: c.Secure, SameSite: c.SameSite}
}

// The session cookie is HttpOnly, SameSite=Lax, for the whole site, lives as long as a
// session can, and is __Host- and Secure unless the install runs on plain http.
func TestSessionCookieAttributes(t *testing.T) {
	tests := []struct {
		secure     bool
		wantName   string
		wantSecure bool
	}{
		{secure: true, wantName: "__Host-lodestar_session", wantSecure: true},
		{secure: false, wantName: "lodestar_session", wantSecure: false},
	}
	for _, d := range storetest.Drivers(t) {
		for _, tt := range tests {
			t.Run(d+"/secure="+map[bool]string{true: "true", false: "false"}[tt.secure], func(t *testing.T) {
				s := newSite(t, d, tt.secure)
				b := s.browser()
				r := b.post("/setup", setupForm)
				want := cookieView{Name: tt.wantName, Path: "/", MaxAge: int(auth.DefaultPolicy.AbsoluteTimeout / time.Second),
					HttpOnly: true, Secure: tt.wantSecure, SameSite: http.SameSiteLaxMode}
				if diff := cmp.Diff(want, sessionCookie(t, r)); diff != "" {
					t.Errorf("session cookie at sign-in (-want +got):\n%s", diff)
				}
				if !b.signedInAs("ana@example.com") {
					t.Fatal("the browser does not send the cookie back")
				}
				r = b.post("/logout", nil)
				want.MaxAge = -1
				if diff := cmp.Diff(want, sessionCookie(t, r)); diff != "" {
					t.Errorf("session cookie at sign-out (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// Another site cannot make a signed-in browser sign out, switch workspace or submit a form.
func TestCrossSiteRequestsRefused(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		u := s.user("ana@example.com", "")
		a, other := s.workspace("A", u), s.workspace("Other", u)
		tok, _ := s.token(a, u)
		elsewhere := s.workspace("Elsewhere", s.user("eve@example.com", ""))
		code := auth.NewSecret()
		if _, err := s.store.CreateInvite(t.Context(), audit.System, elsewhere.ID,
			workspace.InviteInput{Role: "viewer", ValidDays: 7}, auth.HashSecret(code)); err != nil {
			t.Fatal(err)
		}
		b := s.signedIn(u)
		ws := func(path string) string {
			return strings.NewReplacer("{A}", itoa(a.ID), "{tok}", itoa(tok.ID)).Replace(path)
		}
		// Every state-changing form of the pages. The pages have no PATCH or DELETE routes;
		// those methods are refused all the same, before any route is looked up.
		posts := []struct {
			path string
			form url.Values
		}{
			{"/logout", nil},
			{"/switch", url.Values{"workspace": {itoa(other.ID)}}},
			{ws("/w/{A}/teams"), url.Values{"name": {"Evil"}}},
			{ws("/w/{A}/tokens"), url.Values{"name": {"evil"}, "scope": {"write"}}},
			{ws("/w/{A}/tokens/{tok}/revoke"), nil},
			{"/invite/" + code, nil},
			{"/account/password", url.Values{"current_password": {"x"}, "new_password": {"evil evil"}, "new_password_again": {"evil evil"}}},
			{"/login", url.Values{"email": {"eve@example.com"}, "password": {"evil evil"}}},
			{"/setup", url.Values{"email": {"evil@example.com"}, "password": {"evil evil"}, "password_again": {"evil evil"}, "workspace": {"Evil"}}},
		}
		headers := [][]string{
			{"Sec-Fetch-Site", "cross-site"},
			{"Sec-Fetch-Site", "same-site"},
			{"Origin", "https://evil.example"},
		}
		for _, p := range posts {
			for _, method := range []string{http.MethodPost, http.MethodPatch, http.MethodDelete} {
				for _, h := range headers {
					form := p.form
					if form == nil {
						form = url.Values{}
					}
					if r := b.do(method, p.path, form, h...); r.status != http.StatusForbidden {
						t.Errorf("%s %s with %s: %s = %d, want 403", method, p.path, h[0], h[1], r.status)
					}
				}
			}
		}
		if !b.signedInAs(u.Email) {
			t.Fatal("a cross-site POST /logout signed the browser out")
		}
		if ss, err := s.session(b); err != nil || ss.WorkspaceID != 0 {
			t.Errorf("session workspace after cross-site switches = %d, %v; want unchanged 0", ss.WorkspaceID, err)
		}
		if teams, _, _ := s.store.Teams(t.Context(), a.ID, storePage); len(teams) != 0 {
			t.Errorf("cross-site POSTs created teams %v", teams)
		}
		if toks, _, _ := s.store.Tokens(t.Context(), a.ID, 0, storePage); len(toks) != 1 || toks[0].RevokedAt != nil {
			t.Errorf("tokens after cross-site requests = %+v, want the one there was, not revoked", toks)
		}
		if role, _ := s.store.Role(t.Context(), elsewhere.ID, u.ID); role != auth.RoleNone {
			t.Errorf("a cross-site invite acceptance made the user %v of another workspace", role)
		}
		if n, _ := s.store.UserCount(t.Context()); n != 2 {
			t.Errorf("users after cross-site requests = %d, want 2", n)
		}
		// The same request from the site itself goes through.
		if r := b.post("/switch", url.Values{"workspace": {itoa(other.ID)}}, "Sec-Fetch-Site", "same-origin"); r.status != http.StatusSeeOther {
			t.Errorf("same-origin POST /switch = %d, want 303", r.status)
		}
	})
}

// Too many failed sign-ins lock the account for the failure window, and the answers never
// tell a known email from an unknown one.
func TestLoginThrottlingAndNoEnumeration(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		s.user("ana@example.com", "right password")
		b := s.browser()
		login := func(email, password string) response {
			return b.post("/login", url.Values{"email": {email}, "password": {password}, "next": {"/"}})
		}
		unknown := login("nobody@example.com", "right password")
		wrong := login("ana@example.com", "wrong password")
		if unknown.status != http.StatusUnauthorized || wrong.status != http.StatusUnauthorized {
			t.Errorf("POST /login: unknown email = %d, wrong password = %d; want 401 for both", unknown.status, wrong.status)
		}
		// The page shows the email typed back; that aside, the answers must be identical.
		scrub := func(body, email string) string { return strings.ReplaceAll(body, html.EscapeString(email), "EMAIL") }
		if diff := cmp.Diff(scrub(unknown.body, "nobody@example.com"), scrub(wrong.body, "ana@example.com")); diff != "" {
			t.Errorf("bodies for an unknown email and a wrong password differ (-unknown +wrong):\n%s", diff)
		}
		for i := 2; i <= auth.DefaultPolicy.MaxFailures; i++ {
			if r := login("ana@example.com", "wrong password"); r.status != http.StatusUnauthorized {
				t.Fatalf("failed sign-in %d = %d, want 401", i, r.status)
			}
		}
		r := login("ana@example.com", "right password")
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "900" {
			t.Errorf("sign-in after %d failures = %d, Retry-After %q; want 429 with 900 (seconds)",
				auth.DefaultPolicy.MaxFailures, r.status, r.header.Get("Retry-After"))
		}
		if b.sessionID() != "" {
			t.Error("a throttled sign-in set a session cookie")
		}
		s.clock.Advance(auth.DefaultPolicy.FailureWindow + time.Second)
		b = s.browserWith("a-session-that-ended")
		r = b.post("/login", url.Values{"email": {"ana@example.com"}, "password": {"right password"}, "next": {"//evil.example/x"}})
		if r.status != http.StatusSeeOther || r.location() != "/" {
			t.Errorf("sign-in after the window with next=//evil.example/x = %d to %q, want 303 to /", r.status, r.location())
		}
		if c := sessionCookie(t, r); c.MaxAge <= 0 {
			t.Errorf("sign-in over a dead session sets the cookie with Max-Age %d, want the new session's", c.MaxAge)
		}
		if !b.signedInAs("ana@example.com") {
			t.Error("sign-in after the failure window did not start a session")
		}
	})
}

func TestLocalPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/w/1/members", "/w/1/members"},
		{"/invite/abc?x=1", "/invite/abc?x=1"},
		{"", "/"},
		{"//evil.example", "/"},
		{"/\\evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"w/1", "/"},
		{"/\nLocation: x", "/"},
	}
	for _, tt := range tests {
		if got := web.LocalPath(tt.in); got != tt.want {
			t.Errorf("localPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
