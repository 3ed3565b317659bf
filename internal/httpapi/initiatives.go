package httpapi

import (
	"context"
	"net/http"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/priority"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
	"github.com/lodestar-cx/lodestar/internal/store"
)

func (a *API) initiativeRoutes() []*Route {
	const tag = "initiatives"
	ws := "/workspaces/{workspace}"
	return []*Route{
		op(Route{ID: "getPriorityFramework", Method: http.MethodGet, Path: ws + "/priority-framework", Tag: tag, Perm: auth.PermView,
			Summary: "The framework initiatives are scored with"}, a.getFramework),
		op(Route{ID: "setPriorityFramework", Method: http.MethodPut, Path: ws + "/priority-framework", Tag: tag, Perm: auth.PermManage,
			Summary: "Choose the framework initiatives are scored with"}, a.setFramework),
		op(Route{ID: "listInitiatives", Method: http.MethodGet, Path: ws + "/initiatives", Tag: tag, Perm: auth.PermView,
			Summary: "Every initiative, by horizon and rank, with its score explained and what needs attention"}, a.listInitiatives),
		op(Route{ID: "createInitiative", Method: http.MethodPost, Path: ws + "/initiatives", Tag: tag, Perm: auth.PermEdit,
			Summary: "Add an initiative", Status: http.StatusCreated}, a.createInitiative),
		op(Route{ID: "getInitiative", Method: http.MethodGet, Path: ws + "/initiatives/{initiative}", Tag: tag, Perm: auth.PermView,
			Summary: "Get an initiative with its score explained"}, a.getInitiative),
		op(Route{ID: "updateInitiative", Method: http.MethodPatch, Path: ws + "/initiatives/{initiative}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Change an initiative", Conditional: true}, a.updateInitiative),
		op(Route{ID: "deleteInitiative", Method: http.MethodDelete, Path: ws + "/initiatives/{initiative}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Delete an initiative", Conditional: true}, a.deleteInitiative),
		op(Route{ID: "listAssignments", Method: http.MethodGet, Path: ws + "/initiatives/{initiative}/assignments", Tag: tag, Perm: auth.PermView,
			Summary: "Who is responsible, accountable or participating"}, a.listAssignments),
		op(Route{ID: "createAssignment", Method: http.MethodPost, Path: ws + "/initiatives/{initiative}/assignments", Tag: tag, Perm: auth.PermEdit,
			Summary: "Give a member or a team a role in an initiative", Status: http.StatusCreated}, a.createAssignment),
		op(Route{ID: "deleteAssignment", Method: http.MethodDelete, Path: ws + "/initiatives/{initiative}/assignments/{assignment}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Remove an assignment"}, a.deleteAssignment),
		op(Route{ID: "createDependency", Method: http.MethodPost, Path: ws + "/dependencies", Tag: tag, Perm: auth.PermEdit,
			Summary: "Make an initiative wait for another (a cycle is refused and spelled out)", Status: http.StatusCreated}, a.createDependency),
		op(Route{ID: "deleteDependency", Method: http.MethodDelete, Path: ws + "/initiatives/{initiative}/prerequisites/{prerequisite}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Stop an initiative waiting for another"}, a.deleteDependency),
		op(Route{ID: "previewReschedule", Method: http.MethodPost, Path: ws + "/initiatives/{initiative}/reschedule/preview", Tag: tag, Perm: auth.PermView,
			Summary: "Preview moving an initiative: its shift and every dependent it pushes later"}, a.previewReschedule),
		op(Route{ID: "applyReschedule", Method: http.MethodPost, Path: ws + "/initiatives/{initiative}/reschedule", Tag: tag, Perm: auth.PermEdit,
			Summary: "Move an initiative and push its dependents, as previewed"}, a.applyReschedule),
		op(Route{ID: "getTimeline", Method: http.MethodGet, Path: ws + "/timeline", Tag: tag, Perm: auth.PermView,
			Summary: "The critical path, slack and dependency conflicts of the dated initiatives"}, a.getTimeline),
	}
}

func (a *API) getFramework(r *Request, _ Empty) (priority.Config, error) {
	f, err := a.store.PriorityFramework(r.Context(), r.Workspace)
	return f.Config(), err
}

func (a *API) setFramework(r *Request, in priority.Config) (priority.Config, error) {
	f, err := priority.ParseFramework(in)
	if err != nil {
		return priority.Config{}, err
	}
	return f.Config(), a.store.SetPriorityFramework(r.Context(), r.Actor(), r.Workspace, f)
}

// decorate fills what is computed on read (see roadmap.Decorate), as of the API's clock.
func (a *API) decorate(ctx context.Context, ws int64, items []roadmap.Initiative) error {
	return roadmap.Decorate(ctx, a.store, ws, a.now(), items)
}

func (a *API) listInitiatives(r *Request, _ Empty) (List[roadmap.Initiative], error) {
	var all []roadmap.Initiative
	p := store.Page{Limit: store.MaxPageLimit}
	for {
		items, next, err := a.store.Initiatives(r.Context(), r.Workspace, p)
		if err != nil {
			return List[roadmap.Initiative]{}, err
		}
		all = append(all, items...)
		if next == 0 {
			break
		}
		p.After = next
	}
	if err := a.decorate(r.Context(), r.Workspace, all); err != nil {
		return List[roadmap.Initiative]{}, err
	}
	roadmap.Rank(all)
	if all == nil {
		all = []roadmap.Initiative{}
	}
	return List[roadmap.Initiative]{Items: all}, nil
}

func (a *API) one(ctx context.Context, ws int64, it roadmap.Initiative, err error) (roadmap.Initiative, error) {
	if err != nil {
		return it, err
	}
	items := []roadmap.Initiative{it}
	if err := a.decorate(ctx, ws, items); err != nil {
		return it, err
	}
	return items[0], nil
}

func (a *API) createInitiative(r *Request, in roadmap.InitiativeInput) (roadmap.Initiative, error) {
	it, err := a.store.CreateInitiative(r.Context(), r.Actor(), r.Workspace, in)
	return a.one(r.Context(), r.Workspace, it, err)
}

func (a *API) getInitiative(r *Request, _ Empty) (roadmap.Initiative, error) {
	id, err := r.PathID("initiative")
	if err != nil {
		return roadmap.Initiative{}, err
	}
	it, err := a.store.Initiative(r.Context(), r.Workspace, id)
	return a.one(r.Context(), r.Workspace, it, err)
}

func (a *API) updateInitiative(r *Request, in roadmap.InitiativeUpdate) (roadmap.Initiative, error) {
	id, err := r.PathID("initiative")
	if err != nil {
		return roadmap.Initiative{}, err
	}
	it, err := a.store.UpdateInitiative(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch, in)
	return a.one(r.Context(), r.Workspace, it, err)
}

func (a *API) deleteInitiative(r *Request, _ Empty) (Empty, error) {
	id, err := r.PathID("initiative")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.DeleteInitiative(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch)
}

func (a *API) listAssignments(r *Request, _ Empty) (List[roadmap.Assignment], error) {
	id, err := r.PathID("initiative")
	if err != nil {
		return List[roadmap.Assignment]{}, err
	}
	items, err := a.store.Assignments(r.Context(), r.Workspace, id)
	return List[roadmap.Assignment]{Items: items}, err
}

func (a *API) createAssignment(r *Request, in roadmap.AssignmentInput) (roadmap.Assignment, error) {
	id, err := r.PathID("initiative")
	if err != nil {
		return roadmap.Assignment{}, err
	}
	return a.store.Assign(r.Context(), r.Actor(), r.Workspace, id, in)
}

func (a *API) deleteAssignment(r *Request, _ Empty) (Empty, error) {
	id, err := r.PathID("initiative")
	if err != nil {
		return Empty{}, err
	}
	as, err := r.PathID("assignment")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.Unassign(r.Context(), r.Actor(), r.Workspace, id, as)
}

func (a *API) createDependency(r *Request, in roadmap.DependencyInput) (roadmap.Dependency, error) {
	return a.store.AddDependency(r.Context(), r.Actor(), r.Workspace, in, func(p roadmap.Plan) error { return p.CheckNew(in) })
}

func (a *API) deleteDependency(r *Request, _ Empty) (Empty, error) {
	dep, err := r.PathID("initiative")
	if err != nil {
		return Empty{}, err
	}
	pre, err := r.PathID("prerequisite")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.RemoveDependency(r.Context(), r.Actor(), r.Workspace, pre, dep)
}

func (a *API) getTimeline(r *Request, _ Empty) (roadmap.Timeline, error) {
	plan, err := a.store.Plan(r.Context(), r.Workspace)
	if err != nil {
		return roadmap.Timeline{}, err
	}
	return plan.Timeline()
}

// Reschedule is the result of a reschedule: every initiative that moves.
type Reschedule struct {
	Shifts []roadmap.Shift `json:"shifts"`
}

func (a *API) previewReschedule(r *Request, in roadmap.Move) (Reschedule, error) {
	id, err := r.PathID("initiative")
	if err != nil {
		return Reschedule{}, err
	}
	shifts, err := roadmap.PreviewReschedule(r.Context(), a.store, r.Workspace, id, in)
	return Reschedule{Shifts: shifts}, err
}

func (a *API) applyReschedule(r *Request, in roadmap.Move) (Reschedule, error) {
	id, err := r.PathID("initiative")
	if err != nil {
		return Reschedule{}, err
	}
	shifts, err := a.store.Reschedule(r.Context(), r.Actor(), r.Workspace, id, in.Expect,
		func(p roadmap.Plan) ([]roadmap.Shift, error) { return p.Reschedule(id, in) })
	return Reschedule{Shifts: nonNil(shifts)}, err
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
