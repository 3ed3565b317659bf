package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

// A member of one workspace sees nothing of another through the pages: every page and
// action of another workspace answers 404, as one that does not exist; within a workspace,
// roles limit what a member may change.
func TestTenantIsolation(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		alice, bob, carol := s.user("alice@example.com", ""), s.user("bob@example.com", ""), s.user("carol@example.com", "")
		a, b := s.workspace("Alpha", alice), s.workspace("Beta", bob)
		s.member(a, carol, auth.RoleViewer)
		aliceTok, _ := s.token(a, alice)
		bobTok, _ := s.token(b, bob)
		carolTok, _ := s.token(a, carol)
		carolTok2, _ := s.token(a, carol)
		asAlice, asCarol, anonymous := s.signedIn(alice), s.signedIn(carol), s.browser()

		path := func(p string) string {
			return strings.NewReplacer("{A}", itoa(a.ID), "{B}", itoa(b.ID), "{aliceTok}", itoa(aliceTok.ID),
				"{bobTok}", itoa(bobTok.ID), "{carolTok}", itoa(carolTok.ID), "{carolTok2}", itoa(carolTok2.ID)).Replace(p)
		}
		tests := []struct {
			who        string
			b          *browser
			method     string
			path       string
			form       url.Values
			wantStatus int
		}{
			{"alice", asAlice, "GET", "/w/{B}/members", nil, http.StatusNotFound},
			{"alice", asAlice, "GET", "/w/{B}/teams", nil, http.StatusNotFound},
			{"alice", asAlice, "GET", "/w/{B}/tokens", nil, http.StatusNotFound},
			{"alice", asAlice, "POST", "/switch", url.Values{"workspace": {"{B}"}}, http.StatusNotFound},
			{"alice", asAlice, "POST", "/switch", url.Values{"workspace": {"nonsense"}}, http.StatusNotFound},
			{"alice", asAlice, "POST", "/w/{B}/teams", url.Values{"name": {"Intruders"}}, http.StatusNotFound},
			{"alice", asAlice, "POST", "/w/{B}/tokens", url.Values{"name": {"x"}, "scope": {"write"}}, http.StatusNotFound},
			{"alice", asAlice, "POST", "/w/{B}/tokens/{bobTok}/revoke", nil, http.StatusNotFound},
			// Alice's own workspace in the path does not reach Beta's token either.
			{"alice", asAlice, "POST", "/w/{A}/tokens/{bobTok}/revoke", nil, http.StatusNotFound},
			{"alice", asAlice, "GET", "/w/999999/members", nil, http.StatusNotFound},
			{"alice", asAlice, "GET", "/w/abc/members", nil, http.StatusNotFound},
			{"alice", asAlice, "GET", "/w/{A}/members", nil, http.StatusOK},
			{"carol (viewer)", asCarol, "GET", "/w/{A}/members", nil, http.StatusOK},
			{"carol (viewer)", asCarol, "GET", "/w/{A}/teams", nil, http.StatusOK},
			{"carol (viewer)", asCarol, "POST", "/w/{A}/teams", url.Values{"name": {"Ops"}}, http.StatusForbidden},
			{"carol (viewer)", asCarol, "POST", "/w/{A}/tokens/{aliceTok}/revoke", nil, http.StatusForbidden},
			{"carol (viewer)", asCarol, "POST", "/w/{A}/tokens/{carolTok}/revoke", nil, http.StatusSeeOther},
			{"alice (owner)", asAlice, "POST", "/w/{A}/tokens/{carolTok2}/revoke", nil, http.StatusSeeOther},
			{"anonymous", anonymous, "GET", "/w/{A}/members", nil, http.StatusSeeOther},
			{"anonymous", anonymous, "POST", "/w/{A}/teams", url.Values{"name": {"Ops"}}, http.StatusSeeOther},
		}
		for _, tt := range tests {
			form := url.Values{}
			for k, vs := range tt.form {
				for _, v := range vs {
					form.Add(k, path(v))
				}
			}
			if tt.form == nil && tt.method == "GET" {
				form = nil
			}
			r := tt.b.do(tt.method, path(tt.path), form)
			if r.status != tt.wantStatus {
				t.Errorf("%s: %s %s = %d, want %d", tt.who, tt.method, tt.path, r.status, tt.wantStatus)
			}
			if r.status == http.StatusNotFound && (strings.Contains(r.body, "Beta") || strings.Contains(r.body, "bob@")) {
				t.Errorf("%s: %s %s names the other workspace or its people", tt.who, tt.method, tt.path)
			}
		}
		if r := asCarol.get(path("/w/{A}/teams")); strings.Contains(r.body, "Create a team") {
			t.Error("a viewer is offered the form to create a team")
		}
		for _, ws := range []int64{a.ID, b.ID} {
			if teams, _, _ := s.store.Teams(t.Context(), ws, storePage); len(teams) != 0 {
				t.Errorf("teams of workspace %d = %v, want none", ws, teams)
			}
		}
		if toks, _, _ := s.store.Tokens(t.Context(), b.ID, 0, storePage); len(toks) != 1 {
			t.Errorf("tokens of Beta = %d, want only Bob's", len(toks))
		}
		for _, tc := range []struct {
			name        string
			ws, id      int64
			wantRevoked bool
		}{
			{"Bob's", b.ID, bobTok.ID, false},
			{"Alice's", a.ID, aliceTok.ID, false},
			{"Carol's first", a.ID, carolTok.ID, true},
			{"Carol's second", a.ID, carolTok2.ID, true},
		} {
			tok, err := s.store.Token(t.Context(), tc.ws, tc.id)
			if err != nil {
				t.Fatal(err)
			}
			if got := tok.RevokedAt != nil; got != tc.wantRevoked {
				t.Errorf("%s token revoked = %v, want %v", tc.name, got, tc.wantRevoked)
			}
		}
		if ss, _ := s.session(asAlice); ss.WorkspaceID != 0 {
			t.Errorf("Alice's session workspace = %d after refused switches, want 0", ss.WorkspaceID)
		}
	})
}

// The home page lists the user's workspaces, marks the current one and switches between them.
func TestHomeAndSwitch(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		u := s.user("ana@example.com", "")
		first, second := s.workspace("First", u), s.workspace("Second", u)
		b := s.signedIn(u)
		r := b.get("/")
		for _, want := range []string{"First", "Second", "First</h2>", `action="/switch"`, `<label for="workspace">`,
			"/w/" + itoa(first.ID) + "/tokens", `href="/api/v1/openapi.json"`, `href="/metrics"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("GET / lacks %q", want)
			}
		}
		if r := b.post("/switch", url.Values{"workspace": {itoa(second.ID)}}); r.status != http.StatusSeeOther || r.location() != "/" {
			t.Fatalf("POST /switch = %d to %q, want 303 to /", r.status, r.location())
		}
		if ss, _ := s.session(b); ss.WorkspaceID != second.ID {
			t.Errorf("session workspace = %d, want %d", ss.WorkspaceID, second.ID)
		}
		if r := b.get("/"); !strings.Contains(r.body, "Second</h2>") || !strings.Contains(r.body, "/w/"+itoa(second.ID)+"/members") {
			t.Errorf("GET / after switching does not make Second current:\n%s", r.body)
		}
		// A workspace the user has left stops being current.
		m, _ := s.store.Member(t.Context(), second.ID, u.ID)
		other := s.user("owner@example.com", "")
		s.member(second, other, auth.RoleOwner)
		if err := s.store.RemoveMember(t.Context(), audit.System, second.ID, u.ID, m.Version); err != nil {
			t.Fatal(err)
		}
		if r := b.get("/"); !strings.Contains(r.body, "First</h2>") || strings.Contains(r.body, "Second") {
			t.Errorf("GET / after leaving Second still shows it:\n%s", r.body)
		}
	})
}

// The pages of a workspace: members with roles, teams with their people, and the tokens.
func TestWorkspacePages(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ana, ben := s.user("ana@example.com", ""), s.user("ben@example.com", "")
		ws := s.workspace("Acme", ana)
		s.member(ws, ben, auth.RoleEditor)
		b := s.signedIn(ana)
		base := "/w/" + itoa(ws.ID)

		r := b.get(base + "/members")
		if r.status != http.StatusOK || !regexp.MustCompile(`ben@example.com</td>\s*<td>editor`).MatchString(r.body) ||
			!strings.Contains(r.body, "<title>Members of Acme · Lodestar</title>") {
			t.Errorf("GET members = %d, want 200 listing ben as editor under its own title:\n%s", r.status, r.body)
		}

		teams := []struct {
			name       string
			form       url.Values
			wantStatus int
			wantBody   string
		}{
			{"created", url.Values{"name": {"Support"}, "description": {"Front line"}, "lead_user_id": {itoa(ben.ID)}},
				http.StatusSeeOther, ""},
			{"empty name", url.Values{"name": {"  "}}, http.StatusUnprocessableEntity, "Must not be empty."},
			{"name taken", url.Values{"name": {"Support"}}, http.StatusUnprocessableEntity, "Another team of this workspace has this name."},
			{"lead from elsewhere", url.Values{"name": {"Other"}, "lead_user_id": {"999999"}},
				http.StatusUnprocessableEntity, "User 999999 is not a member of this workspace."},
			{"lead not a number", url.Values{"name": {"Other"}, "lead_user_id": {"ben"}},
				http.StatusUnprocessableEntity, "Choose a member of this workspace."},
		}
		for _, tt := range teams {
			r := b.post(base+"/teams", tt.form)
			if r.status != tt.wantStatus || !strings.Contains(r.body, tt.wantBody) {
				t.Errorf("%s: POST teams = %d, want %d with %q\n%s", tt.name, r.status, tt.wantStatus, tt.wantBody, r.body)
			}
		}
		r = b.get(base + "/teams")
		if !regexp.MustCompile(`Support</strong><br><span class="muted">Front line</span></td>\s*<td>ben</td>\s*<td>ben</td>`).MatchString(r.body) {
			t.Errorf("GET teams does not list Support led by ben with ben as member:\n%s", r.body)
		}

		// A token's secret is shown once, works on the API, and stops working when revoked.
		r = b.post(base+"/tokens", url.Values{"name": {"CI"}, "scope": {"read"}, "expires_at": {"2031-01-01"}})
		secret := regexp.MustCompile(`value="(lst_[A-Za-z0-9_-]+)"`).FindStringSubmatch(r.body)
		if r.status != http.StatusCreated || secret == nil {
			t.Fatalf("POST tokens = %d, want 201 showing the secret:\n%s", r.status, r.body)
		}
		toks, _, _ := s.store.Tokens(t.Context(), ws.ID, ana.ID, storePage)
		if len(toks) != 1 || toks[0].Scope != auth.ScopeRead || toks[0].ExpiresAt == nil || toks[0].ExpiresAt.Format("2006-01-02") != "2031-01-01" {
			t.Fatalf("tokens after creating one = %+v, want one read token expiring on 2031-01-01", toks)
		}
		api := func() int {
			return b.get("/api/v1/workspaces/"+itoa(ws.ID), "Authorization", "Bearer "+secret[1]).status
		}
		if got := api(); got != http.StatusOK {
			t.Errorf("API with the new token = %d, want 200", got)
		}
		r = b.get(base + "/tokens")
		if strings.Contains(r.body, secret[1]) || !strings.Contains(r.body, toks[0].Hint) {
			t.Errorf("GET tokens shows the secret again, or not the hint %q", toks[0].Hint)
		}
		for _, tt := range []struct {
			name     string
			form     url.Values
			wantBody string
		}{
			{"no name", url.Values{"name": {""}, "scope": {"read"}}, "Must not be empty."},
			{"no scope", url.Values{"name": {"x"}}, `Must be &#34;read&#34; or &#34;write&#34;.`},
			{"past expiry", url.Values{"name": {"x"}, "scope": {"write"}, "expires_at": {"2020-01-01"}}, "Must be in the future."},
			{"not a date", url.Values{"name": {"x"}, "scope": {"write"}, "expires_at": {"soon"}}, "Must be a date such as"},
		} {
			r := b.post(base+"/tokens", tt.form)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, tt.wantBody) || strings.Contains(r.body, `value="lst_`) {
				t.Errorf("%s: POST tokens = %d, want 422 with %q and no secret\n%s", tt.name, r.status, tt.wantBody, r.body)
			}
		}
		if toks, _, _ := s.store.Tokens(t.Context(), ws.ID, 0, storePage); len(toks) != 1 {
			t.Errorf("refused token forms created tokens: %d in all, want 1", len(toks))
		}
		if r := b.post(base+"/tokens/"+itoa(toks[0].ID)+"/revoke", nil); r.status != http.StatusSeeOther {
			t.Errorf("POST revoke = %d, want 303", r.status)
		}
		if got := api(); got != http.StatusUnauthorized {
			t.Errorf("API with the revoked token = %d, want 401", got)
		}
		if r := b.get(base + "/tokens"); !strings.Contains(r.body, "revoked") {
			t.Error("GET tokens does not mark the token revoked")
		}
		// The API never takes the session cookie.
		if r := b.get("/api/v1/workspaces/" + itoa(ws.ID)); r.status != http.StatusUnauthorized {
			t.Errorf("API with only the session cookie = %d, want 401", r.status)
		}
	})
}

// An invite link sends a signed-out visitor to sign in first, then lets them join.
func TestInvite(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		owner, dan := s.user("owner@example.com", ""), s.user("dan@example.com", "")
		ws := s.workspace("Acme", owner)
		code := auth.NewSecret()
		if _, err := s.store.CreateInvite(t.Context(), audit.System, ws.ID,
			workspace.InviteInput{Role: "editor", ValidDays: 7}, auth.HashSecret(code)); err != nil {
			t.Fatal(err)
		}
		link := "/invite/" + code
		if r := s.browser().get(link); r.status != http.StatusSeeOther || r.location() != "/login?next="+url.QueryEscape(link) {
			t.Errorf("GET %s signed out = %d to %q, want 303 to /login?next=…", link, r.status, r.location())
		}
		b := s.signedIn(dan)
		if r := b.get("/invite/" + auth.NewSecret()); r.status != http.StatusNotFound {
			t.Errorf("GET an unknown invite = %d, want 404", r.status)
		}
		r := b.get(link)
		if r.status != http.StatusOK || !strings.Contains(r.body, "Join Acme") || !strings.Contains(r.body, "<dd>editor</dd>") {
			t.Fatalf("GET %s = %d, want 200 naming Acme and the editor role:\n%s", link, r.status, r.body)
		}
		if r := b.post(link, nil); r.status != http.StatusSeeOther || r.location() != "/" {
			t.Fatalf("POST %s = %d to %q, want 303 to /", link, r.status, r.location())
		}
		if role, _ := s.store.Role(t.Context(), ws.ID, dan.ID); role != auth.RoleEditor {
			t.Errorf("Dan's role after accepting = %v, want editor", role)
		}
		if ss, _ := s.session(b); ss.WorkspaceID != ws.ID {
			t.Errorf("session workspace after accepting = %d, want %d", ss.WorkspaceID, ws.ID)
		}
		if r := b.post(link, nil); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "already been used") {
			t.Errorf("POST %s again = %d, want 422 saying it was used\n%s", link, r.status, r.body)
		}
	})
}

// Every page carries the security headers and links its stylesheet under a hashed name that
// is cached for good; unknown paths get the styled 404.
func TestHeadersAndAssets(t *testing.T) {
	s := newSite(t, "sqlite", false)
	b := s.browser()
	r := b.get("/")
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
		if r.header.Get(h) == "" {
			t.Errorf("GET / lacks the %s header", h)
		}
	}
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("GET / Cache-Control = %q, want no-store", got)
	}
	css := regexp.MustCompile(`href="(/static/app\.[0-9a-f]{10}\.css)"`).FindStringSubmatch(r.body)
	if css == nil {
		t.Fatalf("GET / links no hashed stylesheet:\n%s", r.body)
	}
	if r := b.get(css[1]); r.status != http.StatusOK || !strings.Contains(r.header.Get("Cache-Control"), "immutable") {
		t.Errorf("GET %s = %d, Cache-Control %q; want 200, immutable", css[1], r.status, r.header.Get("Cache-Control"))
	}
	if r := b.get("/no/such/page"); r.status != http.StatusNotFound || !strings.Contains(r.body, css[1]) {
		t.Errorf("GET /no/such/page = %d, want the styled 404", r.status)
	}
}

// Pages take only the session cookie: an API token (or a session id) sent as a bearer token
// authenticates no page, opens no session, changes nothing, and lends no role to a browser
// that is signed in as someone else.
func TestBearerTokensDoNotAuthenticatePages(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		alice, carol := s.user("alice@example.com", ""), s.user("carol@example.com", "")
		a, other := s.workspace("Alpha", alice), s.workspace("Other", alice)
		s.member(a, carol, auth.RoleViewer)
		aliceTok, secret := s.token(a, alice)
		sessionSecret, err := s.auth.StartSession(t.Context(), alice.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		code := auth.NewSecret()
		if _, err := s.store.CreateInvite(t.Context(), audit.System, a.ID,
			workspace.InviteInput{Role: "editor", ValidDays: 7}, auth.HashSecret(code)); err != nil {
			t.Fatal(err)
		}
		base := "/w/" + itoa(a.ID)
		pages := []struct {
			method, path string
			form         url.Values
		}{
			{"GET", base + "/members", nil},
			{"GET", base + "/teams", nil},
			{"GET", base + "/tokens", nil},
			{"GET", "/account/password", nil},
			{"GET", "/invite/" + code, nil},
			{"POST", base + "/teams", url.Values{"name": {"Bearer team"}}},
			{"POST", base + "/tokens", url.Values{"name": {"minted"}, "scope": {"write"}}},
			{"POST", base + "/tokens/" + itoa(aliceTok.ID) + "/revoke", url.Values{}},
			{"POST", "/switch", url.Values{"workspace": {itoa(other.ID)}}},
			{"POST", "/invite/" + code, url.Values{}},
			{"POST", "/account/password", url.Values{"current_password": {"x"}, "new_password": {"bearer pw1"}, "new_password_again": {"bearer pw1"}}},
		}
		for _, cred := range []struct{ name, bearer string }{
			{"API token", secret},
			{"session id", sessionSecret},
		} {
			for _, p := range pages {
				b := s.browser()
				// No Origin or Sec-Fetch-Site, as a script sends it: the cross-origin check lets
				// it through, so the page's own authentication is what answers.
				r := b.do(p.method, p.path, p.form, "Authorization", "Bearer "+cred.bearer)
				if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
					t.Errorf("%s %s with a bearer %s = %d to %q, want 303 to /login", p.method, p.path, cred.name, r.status, r.location())
				}
				for _, c := range r.resp.Cookies() {
					if c.Name == s.cookie && c.Value != "" {
						t.Errorf("%s %s with a bearer %s set a session cookie", p.method, p.path, cred.name)
					}
				}
				if b.sessionID() != "" {
					t.Errorf("%s %s with a bearer %s left the browser a session", p.method, p.path, cred.name)
				}
			}
			if r := s.browser().get("/", "Authorization", "Bearer "+cred.bearer); strings.Contains(r.body, "Alpha") || strings.Contains(r.body, "alice@") {
				t.Errorf("GET / with a bearer %s shows Alice's workspaces", cred.name)
			}
		}

		// A viewer's browser that also carries the owner's token acts as the viewer.
		asCarol := s.signedIn(carol)
		if r := asCarol.post(base+"/teams", url.Values{"name": {"Borrowed"}}, "Authorization", "Bearer "+secret); r.status != http.StatusForbidden {
			t.Errorf("viewer's POST teams with the owner's bearer token = %d, want 403", r.status)
		}

		if teams, _, _ := s.store.Teams(t.Context(), a.ID, storePage); len(teams) != 0 {
			t.Errorf("bearer requests created teams %v", teams)
		}
		if toks, _, _ := s.store.Tokens(t.Context(), a.ID, 0, storePage); len(toks) != 1 || toks[0].RevokedAt != nil {
			t.Errorf("tokens after bearer requests = %+v, want Alice's one, not revoked", toks)
		}
		if role, _ := s.store.Role(t.Context(), a.ID, alice.ID); role != auth.RoleOwner {
			t.Errorf("Alice's role = %v, want owner", role)
		}
		if inv, err := s.store.InviteByCode(t.Context(), auth.HashSecret(code)); err != nil || inv.AcceptedAt != nil {
			t.Errorf("the invite after bearer requests = %+v, %v; want it unused", inv, err)
		}
		if ss, err := s.store.Session(t.Context(), auth.HashSecret(sessionSecret)); err != nil || ss.WorkspaceID != 0 {
			t.Errorf("Alice's session after bearer requests = %+v, %v; want it live, on no workspace", ss, err)
		}
	})
}
