package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

// pageSize is how many rows a list page shows.
const pageSize = 100

// homePage is what the home page shows a signed-in user.
type homePage struct {
	Workspaces []workspace.Workspace
	More       bool // the user belongs to more workspaces than listed
	Current    workspace.Workspace
}

// home welcomes a visitor, or shows a signed-in user their workspaces.
func (w *Web) home(rw http.ResponseWriter, r *http.Request, c *caller) error {
	v := w.view(c, "Lodestar")
	if c == nil {
		w.render(rw, r, http.StatusOK, "home.html", v)
		return nil
	}
	list, next, err := w.store.UserWorkspaces(r.Context(), c.User.ID, 0, store.Page{Limit: pageSize})
	if err != nil {
		return err
	}
	p := homePage{Workspaces: list, More: next != 0}
	// The session's workspace is current while the user is still a member of it; otherwise
	// the first one they have.
	if id := c.Session.WorkspaceID; id != 0 {
		role, err := w.store.Role(r.Context(), id, c.User.ID)
		if err != nil {
			return err
		}
		if role != auth.RoleNone {
			if p.Current, err = w.store.Workspace(r.Context(), id); err != nil && !errors.Is(err, fault.ErrNotFound) {
				return err
			}
		}
	}
	if p.Current.ID == 0 && len(list) > 0 {
		p.Current = list[0]
	}
	v.Page = p
	w.render(rw, r, http.StatusOK, "home.html", v)
	return nil
}

// switchWorkspace makes another of the caller's workspaces current for this session.
func (w *Web) switchWorkspace(rw http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := strconv.ParseInt(r.PostFormValue("workspace"), 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("workspace %q: %w", r.PostFormValue("workspace"), fault.ErrNotFound)
	}
	role, err := w.store.Role(r.Context(), id, c.User.ID)
	if err != nil {
		return err
	}
	if role == auth.RoleNone {
		return fmt.Errorf("workspace %d: %w", id, fault.ErrNotFound)
	}
	if err := w.store.SetSessionWorkspace(r.Context(), c.sessionHash(), id); err != nil {
		return err
	}
	http.Redirect(rw, r, "/", http.StatusSeeOther)
	return nil
}

// listPage reads the cursor of a list page: the id after which it starts.
func listPage(r *http.Request) store.Page {
	after, err := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if err != nil || after < 0 {
		after = 0
	}
	return store.Page{After: after, Limit: pageSize}
}

// membersPage is what the members page shows.
type membersPage struct {
	Members []workspace.Member
	Next    int64 // the cursor of the next page; 0 on the last
}

func (w *Web) members(rw http.ResponseWriter, r *http.Request, c *caller) error {
	list, next, err := w.store.Members(r.Context(), c.Workspace.ID, listPage(r))
	if err != nil {
		return err
	}
	v := w.view(c, "Members of "+c.Workspace.Name)
	v.Section = "members"
	v.Page = membersPage{Members: list, Next: next}
	w.render(rw, r, http.StatusOK, "members.html", v)
	return nil
}

// teamRow is a team with its people named.
type teamRow struct {
	workspace.Team
	Lead    string
	Members []string
}

// teamsPage is what the teams page shows.
type teamsPage struct {
	Teams     []teamRow
	Next      int64
	CanManage bool
	// People are the members who may lead a new team.
	People []workspace.Member
}

func (w *Web) teamsPage(r *http.Request, c *caller) (teamsPage, error) {
	teams, next, err := w.store.Teams(r.Context(), c.Workspace.ID, listPage(r))
	if err != nil {
		return teamsPage{}, err
	}
	people, _, err := w.store.Members(r.Context(), c.Workspace.ID, store.Page{Limit: store.MaxPageLimit})
	if err != nil {
		return teamsPage{}, err
	}
	names := make(map[int64]string, len(people))
	for _, m := range people {
		names[m.UserID] = displayName(m)
	}
	// A workspace larger than one page of members still names everyone, if plainly.
	name := func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		return "user " + strconv.FormatInt(id, 10)
	}
	p := teamsPage{Next: next, CanManage: c.Role >= auth.PermManage.Role(), People: people}
	for _, t := range teams {
		row := teamRow{Team: t}
		if t.LeadUserID != 0 {
			row.Lead = name(t.LeadUserID)
		}
		for _, id := range t.MemberIDs {
			row.Members = append(row.Members, name(id))
		}
		p.Teams = append(p.Teams, row)
	}
	return p, nil
}

func displayName(m workspace.Member) string {
	if m.Name != "" {
		return m.Name
	}
	return m.Email
}

func (w *Web) teams(rw http.ResponseWriter, r *http.Request, c *caller) error {
	p, err := w.teamsPage(r, c)
	if err != nil {
		return err
	}
	v := w.view(c, "Teams of "+c.Workspace.Name)
	v.Section, v.Page = "teams", p
	w.render(rw, r, http.StatusOK, "teams.html", v)
	return nil
}

// createTeam creates a team; only admins and owners reach it.
func (w *Web) createTeam(rw http.ResponseWriter, r *http.Request, c *caller) error {
	v := w.view(c, "Teams of "+c.Workspace.Name)
	v.Section, v.Form, v.Errors = "teams", r.PostForm, map[string]string{}
	in := workspace.TeamInput{Name: r.PostFormValue("name"), Description: r.PostFormValue("description")}
	if lead := r.PostFormValue("lead_user_id"); lead != "" {
		id, err := strconv.ParseInt(lead, 10, 64)
		if err != nil || id <= 0 {
			v.Errors["lead_user_id"] = "Choose a member of this workspace."
		}
		in.LeadUserID = id
	}
	err := in.Validate()
	if err == nil && len(v.Errors) == 0 {
		_, err = w.store.CreateTeam(r.Context(), c.actor(r), c.Workspace.ID, in)
	}
	if err != nil && !fieldErrors(err, v.Errors, nil) {
		return err
	}
	if len(v.Errors) == 0 {
		http.Redirect(rw, r, fmt.Sprintf("/w/%d/teams", c.Workspace.ID), http.StatusSeeOther)
		return nil
	}
	p, err := w.teamsPage(r, c)
	if err != nil {
		return err
	}
	v.Page = p
	w.render(rw, r, http.StatusUnprocessableEntity, "teams.html", v)
	return nil
}

// tokenRow is an API token as listed.
type tokenRow struct {
	auth.Token
	Expired bool
}

// tokensPage is what the tokens page shows.
type tokensPage struct {
	Tokens []tokenRow
	Next   int64
	// Created is the token just made, whose secret this one response shows.
	Created *auth.CreatedToken
}

func (w *Web) tokensPage(r *http.Request, c *caller) (tokensPage, error) {
	list, next, err := w.store.Tokens(r.Context(), c.Workspace.ID, c.User.ID, listPage(r))
	if err != nil {
		return tokensPage{}, err
	}
	now := w.now()
	p := tokensPage{Next: next}
	for _, t := range list {
		p.Tokens = append(p.Tokens, tokenRow{Token: t, Expired: t.RevokedAt == nil && !t.Active(now)})
	}
	return p, nil
}

// tokens lists the caller's own tokens in the workspace.
func (w *Web) tokens(rw http.ResponseWriter, r *http.Request, c *caller) error {
	p, err := w.tokensPage(r, c)
	if err != nil {
		return err
	}
	v := w.view(c, "API tokens in "+c.Workspace.Name)
	v.Section, v.Page = "tokens", p
	v.Form = map[string][]string{"scope": {string(auth.ScopeRead)}}
	w.render(rw, r, http.StatusOK, "tokens.html", v)
	return nil
}

// createToken makes a token for the caller and shows its secret in the response, the only
// time anyone sees it.
func (w *Web) createToken(rw http.ResponseWriter, r *http.Request, c *caller) error {
	v := w.view(c, "API tokens in "+c.Workspace.Name)
	v.Section, v.Form, v.Errors = "tokens", r.PostForm, map[string]string{}
	in := auth.NewTokenInput{Name: r.PostFormValue("name"), Scope: auth.Scope(r.PostFormValue("scope"))}
	if day := strings.TrimSpace(r.PostFormValue("expires_at")); day != "" {
		t, err := time.Parse(time.DateOnly, day)
		if err != nil {
			v.Errors["expires_at"] = "Must be a date such as 2030-01-31."
		}
		in.ExpiresAt = &t
	}
	var created *auth.CreatedToken
	err := in.Validate()
	if err == nil && len(v.Errors) == 0 {
		secret, hint := auth.NewToken()
		var t auth.Token
		t, err = w.store.CreateToken(r.Context(), c.actor(r), c.Workspace.ID, c.User.ID, in, auth.HashSecret(secret), hint)
		created = &auth.CreatedToken{Token: t, Secret: secret}
	}
	if err != nil && !fieldErrors(err, v.Errors, nil) {
		return err
	}
	p, err := w.tokensPage(r, c)
	if err != nil {
		return err
	}
	status := http.StatusUnprocessableEntity
	if len(v.Errors) == 0 {
		status, p.Created = http.StatusCreated, created
		v.Form = map[string][]string{"scope": {string(auth.ScopeRead)}}
	}
	v.Page = p
	w.render(rw, r, status, "tokens.html", v)
	return nil
}

// revokeToken revokes one of the caller's tokens, or, for an admin, anyone's in the workspace.
func (w *Web) revokeToken(rw http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "token")
	if err != nil {
		return err
	}
	t, err := w.store.Token(r.Context(), c.Workspace.ID, id)
	if err != nil {
		return err
	}
	if t.UserID != c.User.ID && c.Role < auth.RoleAdmin {
		return &refusal{kind: fault.ErrForbidden, message: "Only an admin revokes another member's token."}
	}
	if _, err := w.store.RevokeToken(r.Context(), c.actor(r), c.Workspace.ID, id); err != nil {
		return err
	}
	http.Redirect(rw, r, fmt.Sprintf("/w/%d/tokens", c.Workspace.ID), http.StatusSeeOther)
	return nil
}
