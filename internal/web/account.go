package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/telemetry"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

// setupOpen reports, as fault.ErrNotFound, that setup is over once anyone has an account.
func (w *Web) setupOpen(r *http.Request) error {
	n, err := w.store.UserCount(r.Context())
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("setup is done: %w", fault.ErrNotFound)
	}
	return nil
}

func (w *Web) setupForm(rw http.ResponseWriter, r *http.Request, c *caller) error {
	if err := w.setupOpen(r); err != nil {
		return err
	}
	w.render(rw, r, http.StatusOK, "setup.html", w.view(c, "Set up Lodestar"))
	return nil
}

// setupSubmit creates the first user, as instance administrator, and their first workspace,
// and signs them in.
func (w *Web) setupSubmit(rw http.ResponseWriter, r *http.Request, c *caller) error {
	w.setup.Lock()
	defer w.setup.Unlock()
	if err := w.setupOpen(r); err != nil {
		return err
	}
	v := w.view(c, "Set up Lodestar")
	v.Form, v.Errors = r.PostForm, map[string]string{}
	nu := auth.NewUser{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"),
		Password: r.PostFormValue("password"), IsAdmin: true}
	if err := nu.Validate(); err != nil && !fieldErrors(err, v.Errors, nil) {
		return err
	}
	if r.PostFormValue("password_again") != nu.Password {
		v.Errors["password_again"] = "Must match the password."
	}
	wsIn := workspace.CreateInput{Name: r.PostFormValue("workspace")}
	if err := wsIn.Validate(); err != nil && !fieldErrors(err, v.Errors, map[string]string{"name": "workspace"}) {
		return err
	}
	if len(v.Errors) > 0 {
		w.render(rw, r, http.StatusUnprocessableEntity, "setup.html", v)
		return nil
	}
	hash, err := auth.HashPassword(nu.Password, w.auth.Policy().Argon2)
	if err != nil {
		return err
	}
	u, err := w.store.CreateUser(r.Context(), audit.Actor{RequestID: telemetry.RequestID(r.Context())},
		nu.Email, nu.Name, hash, true)
	if fieldErrors(err, v.Errors, nil) {
		w.render(rw, r, http.StatusUnprocessableEntity, "setup.html", v)
		return nil
	}
	if err != nil {
		return err
	}
	me := &caller{User: u}
	ws, err := w.store.CreateWorkspace(r.Context(), me.actor(r), u.ID, wsIn)
	if err != nil {
		return err
	}
	if err := w.signIn(rw, r, u.ID, ws.ID); err != nil {
		return err
	}
	http.Redirect(rw, r, "/", http.StatusSeeOther)
	return nil
}

// signIn starts a session for a user who has just proved who they are another way, in
// place of the browser's current one, in the workspace ws (0 for none).
func (w *Web) signIn(rw http.ResponseWriter, r *http.Request, userID, ws int64) error {
	secret, err := w.auth.StartSession(r.Context(), userID, w.replacing(r))
	if err != nil {
		return err
	}
	if ws != 0 {
		if err := w.store.SetSessionWorkspace(r.Context(), auth.HashSecret(secret), ws); err != nil {
			return err
		}
	}
	w.setSession(rw, secret)
	return nil
}

// replacing is the hash of the browser's session, live or not, which a new session ends.
func (w *Web) replacing(r *http.Request) string {
	if secret := w.sessionSecret(r); secret != "" {
		return auth.HashSecret(secret)
	}
	return ""
}

func (w *Web) loginForm(rw http.ResponseWriter, r *http.Request, c *caller) error {
	n, err := w.store.UserCount(r.Context())
	if err != nil {
		return err
	}
	if n == 0 {
		http.Redirect(rw, r, "/setup", http.StatusSeeOther)
		return nil
	}
	next := localPath(r.URL.Query().Get("next"))
	if c != nil {
		http.Redirect(rw, r, next, http.StatusSeeOther)
		return nil
	}
	v := w.view(c, "Sign in")
	v.Form = url.Values{"next": {next}}
	w.render(rw, r, http.StatusOK, "login.html", v)
	return nil
}

// login signs in. Every failure of the credentials gives the same page with the same
// status, so the page never tells whether an email has an account.
func (w *Web) login(rw http.ResponseWriter, r *http.Request, c *caller) error {
	email, next := r.PostFormValue("email"), localPath(r.PostFormValue("next"))
	secret, _, err := w.auth.Login(r.Context(), email, r.PostFormValue("password"), w.replacing(r))
	var throttled *auth.ThrottledError
	switch {
	case errors.As(err, &throttled):
		secs := int(math.Ceil(throttled.RetryAfter.Seconds()))
		rw.Header().Set("Retry-After", strconv.Itoa(secs))
		w.loginFailed(rw, r, http.StatusTooManyRequests, email, next,
			"Too many failed attempts to sign in to this account. Try again in "+wait(throttled.RetryAfter)+".")
		return nil
	case errors.Is(err, auth.ErrBadCredentials):
		w.loginFailed(rw, r, http.StatusUnauthorized, email, next, "The email or the password is wrong.")
		return nil
	case err != nil:
		return err
	}
	w.setSession(rw, secret)
	http.Redirect(rw, r, next, http.StatusSeeOther)
	return nil
}

func (w *Web) loginFailed(rw http.ResponseWriter, r *http.Request, status int, email, next, message string) {
	// The header shows no one: whoever the browser was, it is signing in afresh.
	v := w.view(nil, "Sign in")
	v.Form = url.Values{"email": {email}, "next": {next}}
	v.Errors = map[string]string{"": message}
	w.render(rw, r, status, "login.html", v)
}

// wait says a duration in words, rounded up to the minute.
func wait(d time.Duration) string {
	m := int(math.Ceil(d.Minutes()))
	if m <= 1 {
		return "a minute"
	}
	return strconv.Itoa(m) + " minutes"
}

// logout ends the session, whether or not it is still live.
func (w *Web) logout(rw http.ResponseWriter, r *http.Request, c *caller) error {
	if err := w.auth.Logout(r.Context(), w.sessionSecret(r)); err != nil {
		return err
	}
	w.clearSession(rw)
	http.Redirect(rw, r, "/", http.StatusSeeOther)
	return nil
}

func (w *Web) passwordForm(rw http.ResponseWriter, r *http.Request, c *caller) error {
	v := w.view(c, "Change your password")
	if r.URL.Query().Get("changed") != "" {
		v.Notice = "Your password is changed. Every other session of yours has ended; this one continues."
	}
	w.render(rw, r, http.StatusOK, "password.html", v)
	return nil
}

// changePassword replaces the caller's password and ends their other sessions, so that
// whoever may have known the old one is signed out everywhere but here.
func (w *Web) changePassword(rw http.ResponseWriter, r *http.Request, c *caller) error {
	v := w.view(c, "Change your password")
	v.Errors = map[string]string{}
	current, next := r.PostFormValue("current_password"), r.PostFormValue("new_password")
	if r.PostFormValue("new_password_again") != next {
		v.Errors["new_password_again"] = "Must match the new password."
	} else {
		err := w.auth.ChangePassword(r.Context(), c.actor(r), c.User, current, next, c.secret)
		if err != nil && !fieldErrors(err, v.Errors, nil) {
			return err
		}
	}
	if len(v.Errors) > 0 {
		w.render(rw, r, http.StatusUnprocessableEntity, "password.html", v)
		return nil
	}
	http.Redirect(rw, r, "/account/password?changed=1", http.StatusSeeOther)
	return nil
}

// invitePage is what the invite page shows.
type invitePage struct {
	Invite    workspace.Invite
	Workspace workspace.Workspace
	Code      string
	// Member is the caller's present role in the workspace, RoleNone if they are not a member.
	Member  auth.Role
	Expired bool
}

func (w *Web) invite(r *http.Request, c *caller) (invitePage, error) {
	code := r.PathValue("code")
	inv, err := w.store.InviteByCode(r.Context(), auth.HashSecret(code))
	if errors.Is(err, fault.ErrNotFound) {
		return invitePage{}, &refusal{kind: err, message: "This invite does not exist or was withdrawn. Ask for a new one."}
	}
	if err != nil {
		return invitePage{}, err
	}
	ws, err := w.store.Workspace(r.Context(), inv.WorkspaceID)
	if err != nil {
		return invitePage{}, err
	}
	role, err := w.store.Role(r.Context(), ws.ID, c.User.ID)
	if err != nil {
		return invitePage{}, err
	}
	return invitePage{Invite: inv, Workspace: ws, Code: code, Member: role,
		Expired: !w.now().Before(inv.ExpiresAt)}, nil
}

func (w *Web) inviteForm(rw http.ResponseWriter, r *http.Request, c *caller) error {
	p, err := w.invite(r, c)
	if err != nil {
		return err
	}
	v := w.view(c, "Invitation to "+p.Workspace.Name)
	v.Page = p
	w.render(rw, r, http.StatusOK, "invite.html", v)
	return nil
}

// acceptInvite makes the caller a member and takes them to the workspace.
func (w *Web) acceptInvite(rw http.ResponseWriter, r *http.Request, c *caller) error {
	p, err := w.invite(r, c)
	if err != nil {
		return err
	}
	v := w.view(c, "Invitation to "+p.Workspace.Name)
	v.Page, v.Errors = p, map[string]string{}
	_, err = w.store.AcceptInvite(r.Context(), c.actor(r), auth.HashSecret(p.Code), c.User)
	if fieldErrors(err, v.Errors, map[string]string{"code": ""}) {
		w.render(rw, r, http.StatusUnprocessableEntity, "invite.html", v)
		return nil
	}
	if err != nil {
		return err
	}
	if err := w.store.SetSessionWorkspace(r.Context(), c.sessionHash(), p.Workspace.ID); err != nil {
		return err
	}
	http.Redirect(rw, r, "/", http.StatusSeeOther)
	return nil
}
