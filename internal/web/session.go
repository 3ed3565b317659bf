package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/telemetry"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

// caller is the signed-in person behind a request, and on workspace pages the workspace of
// the path with their role there.
type caller struct {
	User      auth.User
	Session   auth.Session
	secret    string // the session cookie's value
	Workspace workspace.Workspace
	Role      auth.Role
}

// actor is the caller as the audit trail records them.
func (c *caller) actor(r *http.Request) audit.Actor {
	return audit.Actor{UserID: c.User.ID, RequestID: telemetry.RequestID(r.Context())}
}

// sessionHash is the key of the caller's session in the store.
func (c *caller) sessionHash() string { return auth.HashSecret(c.secret) }

// pageFunc serves a page. It gets the caller (nil on a public page visited signed out) and
// returns the errors it does not answer itself, for fail to turn into a status.
type pageFunc func(rw http.ResponseWriter, r *http.Request, c *caller) error

// maxForm bounds a form body; the largest form, a team's description, is far smaller.
const maxForm = 64 << 10

// page registers a page that needs perm. It is the one place pages authenticate and
// authorize: a signed-out visitor of a private page is sent to sign in, and a workspace the
// caller is not a member of does not exist for them.
func (w *Web) page(pattern string, perm auth.Permission, h pageFunc) {
	if perm < auth.PermPublic || perm > auth.PermOwn {
		panic(fmt.Sprintf("web: page %q does not say what it needs", pattern))
	}
	w.handle(pattern, func(rw http.ResponseWriter, r *http.Request) {
		c, err := w.caller(rw, r, perm)
		if err == nil && r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(rw, r.Body, maxForm)
			if perr := r.ParseForm(); perr != nil {
				err = &refusal{kind: errBadForm, message: "The form could not be read."}
			}
		}
		if err == nil {
			err = h(rw, r, c)
		}
		if err != nil {
			w.fail(rw, r, c, err)
		}
	})
}

// caller recognises the browser by its session cookie and checks perm.
func (w *Web) caller(rw http.ResponseWriter, r *http.Request, perm auth.Permission) (*caller, error) {
	var c *caller
	if secret := w.sessionSecret(r); secret != "" {
		u, s, err := w.auth.SessionUser(r.Context(), secret)
		switch {
		case errors.Is(err, fault.ErrUnauthenticated):
			// The session ended (timed out, signed out elsewhere, user disabled): forget it.
			w.clearSession(rw)
		case err != nil:
			return nil, err
		default:
			c = &caller{User: u, Session: s, secret: secret}
		}
	}
	if perm == auth.PermPublic {
		return c, nil
	}
	if c == nil {
		return nil, errSignIn
	}
	if !perm.Workspace() {
		return c, nil
	}
	id, err := pathID(r, "workspace")
	if err != nil {
		return c, err
	}
	role, err := w.store.Role(r.Context(), id, c.User.ID)
	if err != nil {
		return c, err
	}
	if role == auth.RoleNone {
		return c, fmt.Errorf("workspace %d: %w", id, fault.ErrNotFound)
	}
	ws, err := w.store.Workspace(r.Context(), id)
	if err != nil {
		return c, err
	}
	c.Workspace, c.Role = ws, role
	if role < perm.Role() {
		return c, &refusal{kind: fault.ErrForbidden,
			message: "This needs the " + perm.Role().String() + " role in " + ws.Name + "; you are " + articled(role.String()) + "."}
	}
	return c, nil
}

func articled(role string) string {
	if role == "" {
		return "not a member"
	}
	if strings.IndexByte("aeiou", role[0]) >= 0 {
		return "an " + role
	}
	return "a " + role
}

// pathID reads a numeric path value; anything else names nothing.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%s %q: %w", name, r.PathValue(name), fault.ErrNotFound)
	}
	return id, nil
}

var (
	errSignIn  = fmt.Errorf("this page needs a session: %w", fault.ErrUnauthenticated)
	errNoPage  = fmt.Errorf("no such page: %w", fault.ErrNotFound)
	errBadForm = errors.New("unreadable form")
)

// refusal is an error with words for the visitor.
type refusal struct {
	kind    error
	message string
}

func (e *refusal) Error() string { return e.message }
func (e *refusal) Unwrap() error { return e.kind }

// fail answers a request whose page returned err. It is the one place error kinds become
// statuses on the pages.
func (w *Web) fail(rw http.ResponseWriter, r *http.Request, c *caller, err error) {
	if errors.Is(err, fault.ErrUnauthenticated) {
		to := "/login"
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			to += "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		http.Redirect(rw, r, to, http.StatusSeeOther)
		return
	}
	status, message := http.StatusInternalServerError, "Something went wrong on our side. The request id "+
		telemetry.RequestID(r.Context())+" identifies it in the server log."
	var invalid *fault.InvalidError
	switch {
	case errors.Is(err, fault.ErrNotFound):
		status, message = http.StatusNotFound, "There is no such page, or it is not yours to see."
	case errors.Is(err, fault.ErrForbidden):
		status, message = http.StatusForbidden, "You may not do this."
	case errors.Is(err, errBadForm):
		status = http.StatusBadRequest
	case errors.As(err, &invalid):
		status, message = http.StatusUnprocessableEntity, invalid.Error()
	default:
		w.log.ErrorContext(r.Context(), "page", "method", r.Method, "path", r.URL.Path, "error", err,
			"request_id", telemetry.RequestID(r.Context()))
	}
	var ref *refusal
	if errors.As(err, &ref) {
		message = ref.message
	}
	v := w.view(c, http.StatusText(status))
	v.Page = message
	w.render(rw, r, status, "error.html", v)
}

// sessionSecret is the browser's session id, or "".
func (w *Web) sessionSecret(r *http.Request) string {
	ck, err := r.Cookie(w.cookie)
	if err != nil {
		return ""
	}
	return ck.Value
}

// setSession gives the browser its session id. The cookie lives as long as the session can;
// HttpOnly keeps it from scripts and SameSite=Lax from most cross-site requests, behind the
// cross-origin check that refuses the rest.
func (w *Web) setSession(rw http.ResponseWriter, secret string) {
	// Recognising the request may already have cleared a dead session's cookie in this
	// response; the new cookie takes that one's place rather than following it.
	h := rw.Header()
	kept := h["Set-Cookie"][:0]
	for _, v := range h["Set-Cookie"] {
		if !strings.HasPrefix(v, w.cookie+"=") {
			kept = append(kept, v)
		}
	}
	h["Set-Cookie"] = kept
	http.SetCookie(rw, &http.Cookie{Name: w.cookie, Value: secret, Path: "/",
		MaxAge:   int(w.auth.Policy().AbsoluteTimeout / time.Second),
		HttpOnly: true, Secure: w.secure, SameSite: http.SameSiteLaxMode})
}

// clearSession tells the browser to drop its session cookie.
func (w *Web) clearSession(rw http.ResponseWriter) {
	http.SetCookie(rw, &http.Cookie{Name: w.cookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: w.secure, SameSite: http.SameSiteLaxMode})
}

// localPath returns next when it is a path on this site, and "/" otherwise, so that a link
// to the sign-in page cannot send someone on to another site. Browsers read "//host" and
// "/\host" as another host.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n\t") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}

// view is what every page template gets.
type view struct {
	Title   string
	User    *auth.User // nil when signed out
	Version string
	// Workspace is set on a workspace's pages, for their navigation; Section names the page.
	Workspace *workspace.Workspace
	Role      auth.Role
	Section   string
	// Notice confirms what the last action did.
	Notice string
	// Form holds the submitted values to show again; Errors the messages by input name, ""
	// for the form as a whole.
	Form   url.Values
	Errors map[string]string
	// Page is what the page itself shows.
	Page any
}

func (w *Web) view(c *caller, title string) view {
	v := view{Title: title, Version: w.version}
	if c != nil {
		v.User = &c.User
		if c.Workspace.ID != 0 {
			v.Workspace, v.Role = &c.Workspace, c.Role
		}
	}
	return v
}

// fieldErrors turns validation errors into messages by input name; rename maps the fields
// of an input type to the names of the form's inputs where they differ. It reports false for
// an error that is not about the input.
func fieldErrors(err error, into map[string]string, rename map[string]string) bool {
	var invalid *fault.InvalidError
	if !errors.As(err, &invalid) {
		return false
	}
	for _, f := range invalid.Fields {
		name := f.Field
		if to, ok := rename[name]; ok {
			name = to
		}
		if _, seen := into[name]; !seen {
			into[name] = sentence(f.Message)
		}
	}
	return true
}

// sentence makes a validation message ("must not be empty") read on its own under its field.
func sentence(msg string) string {
	if msg == "" {
		return msg
	}
	msg = strings.ToUpper(msg[:1]) + msg[1:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// input is one labelled form input, as the "input" template draws it.
type input struct {
	Name, Label, Type, Autocomplete, Value, Error string
}

// field describes an input of the page's form: its value comes back after a failed
// submission, except a password's, which is never written into a page.
func field(v view, name, label, typ, autocomplete string) input {
	in := input{Name: name, Label: label, Type: typ, Autocomplete: autocomplete, Error: v.Errors[name]}
	if typ != "password" {
		in.Value = v.Form.Get(name)
	}
	return in
}

// when formats a time for the pages, or none when there is no time.
func when(t any, none string) template.HTML {
	var tm time.Time
	switch t := t.(type) {
	case time.Time:
		tm = t
	case *time.Time:
		if t == nil {
			return template.HTML(template.HTMLEscapeString(none))
		}
		tm = *t
	}
	if tm.IsZero() {
		return template.HTML(template.HTMLEscapeString(none))
	}
	tm = tm.UTC()
	return template.HTML(`<time datetime="` + tm.Format(time.RFC3339) + `">` + tm.Format("2 Jan 2006 15:04") + ` UTC</time>`)
}
