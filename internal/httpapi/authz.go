package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/fault"
)

// authorize is the one place the API decides who may call a route. It authenticates the
// bearer token (cookies never count here), then, on workspace routes, finds the caller's role
// in the workspace of the path. A workspace the caller cannot see answers 404, exactly as one
// that does not exist; a missing permission in the caller's own workspace answers 403.
func (a *API) authorize(r *http.Request, rt *Route) (*Request, error) {
	req := &Request{Request: r}
	if rt.Perm == auth.PermPublic {
		return req, nil
	}
	secret, ok := bearer(r)
	if !ok {
		return nil, unauthenticated("This route needs an API token: send Authorization: Bearer lst_….")
	}
	u, t, role, err := a.auth.TokenUser(r.Context(), secret)
	if errors.Is(err, fault.ErrUnauthenticated) {
		return nil, unauthenticated("The API token is unknown, revoked or expired, or its user is disabled.")
	}
	if err != nil {
		return nil, err
	}
	req.User, req.Token = u, t
	writes := r.Method != http.MethodGet && r.Method != http.MethodHead
	if writes && t.Scope != auth.ScopeWrite {
		return nil, forbidden("This token is read-only.")
	}
	if !rt.Perm.Workspace() {
		return req, nil
	}
	ws, err := strconv.ParseInt(r.PathValue("workspace"), 10, 64)
	if err != nil || ws <= 0 {
		return nil, fieldError(http.StatusBadRequest, "invalid-parameter", "workspace", "workspace must be a positive whole number.")
	}
	// A token works in its own workspace only, and only while its user is a member there.
	if ws != t.WorkspaceID || role == auth.RoleNone {
		return nil, fault.ErrNotFound
	}
	req.Workspace, req.Role = ws, role
	if req.Role < rt.Perm.Role() {
		return nil, forbidden("This needs the " + rt.Perm.Role().String() + " role in the workspace; you act as " + req.Role.String() + ".")
	}
	return req, nil
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, secret, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	secret = strings.TrimSpace(secret)
	return secret, secret != ""
}

func unauthenticated(detail string) error {
	return &apiError{status: http.StatusUnauthorized, code: "unauthenticated", detail: detail,
		header: http.Header{"Www-Authenticate": {`Bearer realm="lodestar"`}}}
}

func forbidden(detail string) error {
	return newError(http.StatusForbidden, "forbidden", detail)
}
