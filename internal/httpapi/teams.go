package httpapi

import (
	"net/http"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

func (a *API) teamRoutes() []*Route {
	const tag = "teams"
	return []*Route{
		op(Route{ID: "listTeams", Method: http.MethodGet, Path: "/workspaces/{workspace}/teams", Tag: tag, Perm: auth.PermView,
			Summary: "List teams", Paged: true}, a.listTeams),
		op(Route{ID: "createTeam", Method: http.MethodPost, Path: "/workspaces/{workspace}/teams", Tag: tag, Perm: auth.PermManage,
			Summary: "Create a team", Status: http.StatusCreated}, a.createTeam),
		op(Route{ID: "getTeam", Method: http.MethodGet, Path: "/workspaces/{workspace}/teams/{team}", Tag: tag, Perm: auth.PermView,
			Summary: "Get a team"}, a.getTeam),
		op(Route{ID: "updateTeam", Method: http.MethodPatch, Path: "/workspaces/{workspace}/teams/{team}", Tag: tag, Perm: auth.PermManage,
			Summary: "Change a team", Conditional: true}, a.updateTeam),
		op(Route{ID: "deleteTeam", Method: http.MethodDelete, Path: "/workspaces/{workspace}/teams/{team}", Tag: tag, Perm: auth.PermManage,
			Summary: "Delete a team", Conditional: true}, a.deleteTeam),
		op(Route{ID: "addTeamMember", Method: http.MethodPut, Path: "/workspaces/{workspace}/teams/{team}/members/{user}", Tag: tag, Perm: auth.PermManage,
			Summary: "Add a workspace member to the team"}, a.addTeamMember),
		op(Route{ID: "removeTeamMember", Method: http.MethodDelete, Path: "/workspaces/{workspace}/teams/{team}/members/{user}", Tag: tag, Perm: auth.PermManage,
			Summary: "Remove a member from the team"}, a.removeTeamMember),
	}
}

func (a *API) listTeams(r *Request, _ Empty) (List[workspace.Team], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[workspace.Team]{}, err
	}
	items, next, err := a.store.Teams(r.Context(), r.Workspace, p)
	return listOf(items, next), err
}

func (a *API) createTeam(r *Request, in workspace.TeamInput) (workspace.Team, error) {
	return a.store.CreateTeam(r.Context(), r.Actor(), r.Workspace, in)
}

func (a *API) getTeam(r *Request, _ Empty) (workspace.Team, error) {
	id, err := r.PathID("team")
	if err != nil {
		return workspace.Team{}, err
	}
	return a.store.Team(r.Context(), r.Workspace, id)
}

func (a *API) updateTeam(r *Request, in workspace.TeamUpdate) (workspace.Team, error) {
	id, err := r.PathID("team")
	if err != nil {
		return workspace.Team{}, err
	}
	return a.store.UpdateTeam(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch, in)
}

func (a *API) deleteTeam(r *Request, _ Empty) (Empty, error) {
	id, err := r.PathID("team")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.DeleteTeam(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch)
}

func (a *API) setTeamMember(r *Request, member bool) (workspace.Team, error) {
	id, err := r.PathID("team")
	if err != nil {
		return workspace.Team{}, err
	}
	uid, err := r.PathID("user")
	if err != nil {
		return workspace.Team{}, err
	}
	return a.store.SetTeamMember(r.Context(), r.Actor(), r.Workspace, id, uid, member)
}

func (a *API) addTeamMember(r *Request, _ Empty) (workspace.Team, error) {
	return a.setTeamMember(r, true)
}
func (a *API) removeTeamMember(r *Request, _ Empty) (workspace.Team, error) {
	return a.setTeamMember(r, false)
}
