package httpapi

import (
	"fmt"
	"net/http"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

func (a *API) workspaceRoutes() []*Route {
	const tag = "workspaces"
	return []*Route{
		op(Route{ID: "getMe", Method: http.MethodGet, Path: "/me", Tag: "users", Perm: auth.PermSignedIn,
			Summary: "The user the token belongs to"}, a.getMe),
		op(Route{ID: "listWorkspaces", Method: http.MethodGet, Path: "/workspaces", Tag: tag, Perm: auth.PermSignedIn,
			Summary: "List the workspaces the caller can see (a token sees its own)", Paged: true}, a.listWorkspaces),
		op(Route{ID: "createWorkspace", Method: http.MethodPost, Path: "/workspaces", Tag: tag, Perm: auth.PermSignedIn,
			Summary: "Create a workspace, owned by the caller", Status: http.StatusCreated}, a.createWorkspace),
		op(Route{ID: "getWorkspace", Method: http.MethodGet, Path: "/workspaces/{workspace}", Tag: tag, Perm: auth.PermView,
			Summary: "Get a workspace"}, a.getWorkspace),
		op(Route{ID: "updateWorkspace", Method: http.MethodPatch, Path: "/workspaces/{workspace}", Tag: tag, Perm: auth.PermManage,
			Summary: "Rename a workspace", Conditional: true}, a.updateWorkspace),
		op(Route{ID: "deleteWorkspace", Method: http.MethodDelete, Path: "/workspaces/{workspace}", Tag: tag, Perm: auth.PermOwn,
			Summary: "Delete a workspace and all its data", Conditional: true}, a.deleteWorkspace),

		op(Route{ID: "listMembers", Method: http.MethodGet, Path: "/workspaces/{workspace}/members", Tag: tag, Perm: auth.PermView,
			Summary: "List the workspace's members", Paged: true}, a.listMembers),
		op(Route{ID: "getMember", Method: http.MethodGet, Path: "/workspaces/{workspace}/members/{user}", Tag: tag, Perm: auth.PermView,
			Summary: "Get a member"}, a.getMember),
		op(Route{ID: "updateMember", Method: http.MethodPatch, Path: "/workspaces/{workspace}/members/{user}", Tag: tag, Perm: auth.PermManage,
			Summary: "Change a member's role (only owners grant or take ownership)", Conditional: true}, a.updateMember),
		op(Route{ID: "removeMember", Method: http.MethodDelete, Path: "/workspaces/{workspace}/members/{user}", Tag: tag, Perm: auth.PermManage,
			Summary: "Remove a member", Conditional: true}, a.removeMember),

		op(Route{ID: "listInvites", Method: http.MethodGet, Path: "/workspaces/{workspace}/invites", Tag: tag, Perm: auth.PermManage,
			Summary: "List invites", Paged: true}, a.listInvites),
		op(Route{ID: "createInvite", Method: http.MethodPost, Path: "/workspaces/{workspace}/invites", Tag: tag, Perm: auth.PermManage,
			Summary: "Invite someone; the code is shown once", Status: http.StatusCreated}, a.createInvite),
		op(Route{ID: "deleteInvite", Method: http.MethodDelete, Path: "/workspaces/{workspace}/invites/{invite}", Tag: tag, Perm: auth.PermManage,
			Summary: "Withdraw an invite"}, a.deleteInvite),
		op(Route{ID: "acceptInvite", Method: http.MethodPost, Path: "/invites/accept", Tag: tag, Perm: auth.PermSignedIn,
			Summary: "Join a workspace with an invite code"}, a.acceptInvite),

		op(Route{ID: "listAudit", Method: http.MethodGet, Path: "/workspaces/{workspace}/audit", Tag: tag, Perm: auth.PermManage,
			Summary: "Read the audit trail, oldest first", Paged: true, Query: []QueryParam{
				{Name: "entity", Description: "Only entries about this kind of object, such as team or member."},
				{Name: "since", Description: "Only entries at or after this time.", Format: "date-time"},
				{Name: "until", Description: "Only entries before this time.", Format: "date-time"},
			}}, a.listAudit),
	}
}

func (a *API) getMe(r *Request, _ Empty) (auth.User, error) { return r.User, nil }

func (a *API) listWorkspaces(r *Request, _ Empty) (List[workspace.Workspace], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[workspace.Workspace]{}, err
	}
	items, next, err := a.store.UserWorkspaces(r.Context(), r.User.ID, r.Token.WorkspaceID, p)
	return listOf(items, next), err
}

func (a *API) createWorkspace(r *Request, in workspace.CreateInput) (workspace.Workspace, error) {
	return a.store.CreateWorkspace(r.Context(), r.Actor(), r.User.ID, in)
}

func (a *API) getWorkspace(r *Request, _ Empty) (workspace.Workspace, error) {
	return a.store.Workspace(r.Context(), r.Workspace)
}

func (a *API) updateWorkspace(r *Request, in workspace.UpdateInput) (workspace.Workspace, error) {
	return a.store.UpdateWorkspace(r.Context(), r.Actor(), r.Workspace, r.IfMatch, in)
}

func (a *API) deleteWorkspace(r *Request, _ Empty) (Empty, error) {
	return Empty{}, a.store.DeleteWorkspace(r.Context(), r.Actor(), r.Workspace, r.IfMatch)
}

func (a *API) listMembers(r *Request, _ Empty) (List[workspace.Member], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[workspace.Member]{}, err
	}
	items, next, err := a.store.Members(r.Context(), r.Workspace, p)
	return listOf(items, next), err
}

func (a *API) getMember(r *Request, _ Empty) (workspace.Member, error) {
	uid, err := r.PathID("user")
	if err != nil {
		return workspace.Member{}, err
	}
	return a.store.Member(r.Context(), r.Workspace, uid)
}

func (a *API) updateMember(r *Request, in workspace.MemberUpdate) (workspace.Member, error) {
	uid, err := r.PathID("user")
	if err != nil {
		return workspace.Member{}, err
	}
	cur, err := a.store.Member(r.Context(), r.Workspace, uid)
	if err != nil {
		return cur, err
	}
	role, _ := auth.ParseRole(in.Role)
	if (role == auth.RoleOwner || cur.Role == auth.RoleOwner.String()) && r.Role < auth.RoleOwner {
		return cur, forbidden("Only an owner grants or takes away ownership.")
	}
	return a.store.UpdateMemberRole(r.Context(), r.Actor(), r.Workspace, uid, r.IfMatch, role)
}

func (a *API) removeMember(r *Request, _ Empty) (Empty, error) {
	uid, err := r.PathID("user")
	if err != nil {
		return Empty{}, err
	}
	cur, err := a.store.Member(r.Context(), r.Workspace, uid)
	if err != nil {
		return Empty{}, err
	}
	if cur.Role == auth.RoleOwner.String() && r.Role < auth.RoleOwner {
		return Empty{}, forbidden("Only an owner removes an owner.")
	}
	return Empty{}, a.store.RemoveMember(r.Context(), r.Actor(), r.Workspace, uid, r.IfMatch)
}

func (a *API) listInvites(r *Request, _ Empty) (List[workspace.Invite], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[workspace.Invite]{}, err
	}
	items, next, err := a.store.Invites(r.Context(), r.Workspace, p)
	return listOf(items, next), err
}

func (a *API) createInvite(r *Request, in workspace.InviteInput) (workspace.CreatedInvite, error) {
	if in.Role == auth.RoleOwner.String() && r.Role < auth.RoleOwner {
		return workspace.CreatedInvite{}, forbidden("Only an owner invites an owner.")
	}
	code := auth.NewSecret()
	inv, err := a.store.CreateInvite(r.Context(), r.Actor(), r.Workspace, in, auth.HashSecret(code))
	if err != nil {
		return workspace.CreatedInvite{}, err
	}
	return workspace.CreatedInvite{Invite: inv, Code: code, Link: a.public + "/invite/" + code}, nil
}

func (a *API) deleteInvite(r *Request, _ Empty) (Empty, error) {
	id, err := r.PathID("invite")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.DeleteInvite(r.Context(), r.Actor(), r.Workspace, id)
}

// AcceptInviteInput carries an invite code.
type AcceptInviteInput struct {
	Code string `json:"code" jsonschema:"minLength=1"`
}

func (a *API) acceptInvite(r *Request, in AcceptInviteInput) (workspace.Member, error) {
	return a.store.AcceptInvite(r.Context(), r.Actor(), auth.HashSecret(in.Code), r.User)
}

func (a *API) listAudit(r *Request, _ Empty) (List[audit.Entry], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[audit.Entry]{}, err
	}
	q := r.URL.Query()
	f := audit.Filter{Entity: q.Get("entity")}
	for _, tp := range []struct {
		name string
		dst  *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if s := q.Get(tp.name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return List[audit.Entry]{}, fieldError(http.StatusBadRequest, "invalid-parameter", tp.name,
					fmt.Sprintf("%s must be a time such as 2026-01-31T09:00:00Z.", tp.name))
			}
			*tp.dst = t
		}
	}
	items, next, err := a.store.AuditEntries(r.Context(), r.Workspace, f, p)
	return listOf(items, next), err
}
