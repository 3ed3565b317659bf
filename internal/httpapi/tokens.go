package httpapi

import (
	"net/http"

	"github.com/lodestar-cx/lodestar/internal/auth"
)

func (a *API) tokenRoutes() []*Route {
	const tag = "tokens"
	return []*Route{
		op(Route{ID: "listTokens", Method: http.MethodGet, Path: "/workspaces/{workspace}/tokens", Tag: tag, Perm: auth.PermView,
			Summary: "List API tokens: the caller's own, or all of the workspace's for admins", Paged: true}, a.listTokens),
		op(Route{ID: "createToken", Method: http.MethodPost, Path: "/workspaces/{workspace}/tokens", Tag: tag, Perm: auth.PermView,
			Summary: "Create an API token for the caller; the secret is shown once", Status: http.StatusCreated}, a.createToken),
		op(Route{ID: "revokeToken", Method: http.MethodDelete, Path: "/workspaces/{workspace}/tokens/{token}", Tag: tag, Perm: auth.PermView,
			Summary: "Revoke an API token (one's own, or any for admins)"}, a.revokeToken),
	}
}

func (a *API) listTokens(r *Request, _ Empty) (List[auth.Token], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[auth.Token]{}, err
	}
	user := r.User.ID
	if r.Role >= auth.RoleAdmin {
		user = 0
	}
	items, next, err := a.store.Tokens(r.Context(), r.Workspace, user, p)
	return listOf(items, next), err
}

func (a *API) createToken(r *Request, in auth.NewTokenInput) (auth.CreatedToken, error) {
	secret, hint := auth.NewToken()
	t, err := a.store.CreateToken(r.Context(), r.Actor(), r.Workspace, r.User.ID, in, auth.HashSecret(secret), hint)
	if err != nil {
		return auth.CreatedToken{}, err
	}
	return auth.CreatedToken{Token: t, Secret: secret}, nil
}

func (a *API) revokeToken(r *Request, _ Empty) (Empty, error) {
	id, err := r.PathID("token")
	if err != nil {
		return Empty{}, err
	}
	t, err := a.store.Token(r.Context(), r.Workspace, id)
	if err != nil {
		return Empty{}, err
	}
	if t.UserID != r.User.ID && r.Role < auth.RoleAdmin {
		return Empty{}, forbidden("Only an admin revokes another member's token.")
	}
	_, err = a.store.RevokeToken(r.Context(), r.Actor(), r.Workspace, id)
	return Empty{}, err
}
