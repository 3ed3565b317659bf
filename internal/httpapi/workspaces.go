package httpapi

import (
	"net/http"

	"github.com/lodestar-cx/lodestar/internal/workspace"
)

func (a *API) workspaceRoutes() []*Route {
	return []*Route{
		op(Route{ID: "listWorkspaces", Method: http.MethodGet, Path: "/workspaces", Tag: "workspaces",
			Summary: "List workspaces", Paged: true}, a.listWorkspaces),
		op(Route{ID: "createWorkspace", Method: http.MethodPost, Path: "/workspaces", Tag: "workspaces",
			Summary: "Create a workspace", Status: http.StatusCreated}, a.createWorkspace),
		op(Route{ID: "getWorkspace", Method: http.MethodGet, Path: "/workspaces/{workspace}", Tag: "workspaces",
			Summary: "Get a workspace"}, a.getWorkspace),
		op(Route{ID: "updateWorkspace", Method: http.MethodPatch, Path: "/workspaces/{workspace}", Tag: "workspaces",
			Summary: "Rename a workspace", Conditional: true}, a.updateWorkspace),
		op(Route{ID: "deleteWorkspace", Method: http.MethodDelete, Path: "/workspaces/{workspace}", Tag: "workspaces",
			Summary: "Delete a workspace and all its data", Conditional: true}, a.deleteWorkspace),
	}
}

func (a *API) listWorkspaces(r *Request, _ Empty) (List[workspace.Workspace], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[workspace.Workspace]{}, err
	}
	items, next, err := a.store.Workspaces(r.Context(), p)
	return listOf(items, next), err
}

func (a *API) createWorkspace(r *Request, in workspace.CreateInput) (workspace.Workspace, error) {
	return a.store.CreateWorkspace(r.Context(), in)
}

func (a *API) getWorkspace(r *Request, _ Empty) (workspace.Workspace, error) {
	id, err := r.PathID("workspace")
	if err != nil {
		return workspace.Workspace{}, err
	}
	return a.store.Workspace(r.Context(), id)
}

func (a *API) updateWorkspace(r *Request, in workspace.UpdateInput) (workspace.Workspace, error) {
	id, err := r.PathID("workspace")
	if err != nil {
		return workspace.Workspace{}, err
	}
	return a.store.UpdateWorkspace(r.Context(), id, r.IfMatch, in)
}

func (a *API) deleteWorkspace(r *Request, _ Empty) (Empty, error) {
	id, err := r.PathID("workspace")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.DeleteWorkspace(r.Context(), id, r.IfMatch)
}
