package httpapi

import (
	"context"
	"net/http"
	"slices"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/civil"
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

// decorate fills what is computed on read: scores under the workspace's framework, ranks
// within each horizon, the count of accountable owners and the flags; and the links to key
// results, read with the initiative.
func (a *API) decorate(ctx context.Context, ws int64, items []roadmap.Initiative) error {
	f, err := a.store.PriorityFramework(ctx, ws)
	if err != nil {
		return err
	}
	cadence, err := a.store.CheckInCadence(ctx, ws)
	if err != nil {
		return err
	}
	lastCheckIns, err := a.store.LastInitiativeCheckIns(ctx, ws)
	if err != nil {
		return err
	}
	links, err := a.store.KeyResultLinks(ctx, ws)
	if err != nil {
		return err
	}
	counts, err := a.store.AccountableCounts(ctx, ws)
	if err != nil {
		return err
	}
	plan, err := a.store.Plan(ctx, ws)
	if err != nil {
		return err
	}
	tl, err := plan.Timeline()
	if err != nil {
		return err
	}
	conflicts := tl.ConflictIDs()
	now := a.now()
	today := civil.Of(now.UTC())
	for i := range items {
		it := &items[i]
		it.Scored(f)
		it.KeyResults = nonNil(links[it.ID])
		it.Accountable = counts[it.ID]
		it.Flags = []string{}
		switch {
		case it.Accountable == 0:
			it.Flags = append(it.Flags, "no_accountable")
		case it.Accountable > 1:
			it.Flags = append(it.Flags, "several_accountable")
		}
		if conflicts[it.ID] {
			it.Flags = append(it.Flags, "dependency_conflict")
		}
		if !it.DueDate.IsZero() && it.DueDate.Before(today) && it.Status != roadmap.Done && it.Status != roadmap.Dropped {
			it.Flags = append(it.Flags, "overdue")
		}
		if it.Status.ExpectsCheckIns() && cadence.Stale(lastCheckIns[it.ID], it.CreatedAt, now) {
			it.Flags = append(it.Flags, "stale_check_in")
		}
	}
	return nil
}

var horizonOrder = map[roadmap.Horizon]int{roadmap.Short: 0, roadmap.Mid: 1, roadmap.Long: 2}

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
	// Rank within each horizon; unscored initiatives come after the scored ones.
	byHorizon := map[roadmap.Horizon][]priority.Ranked{}
	for _, it := range all {
		if it.Score != nil {
			byHorizon[it.Horizon] = append(byHorizon[it.Horizon], priority.Ranked{ID: it.ID, Score: it.Score.Score})
		}
	}
	rank := map[int64]int{}
	for _, items := range byHorizon {
		for i, rk := range priority.Rank(items) {
			rank[rk.ID] = i + 1
		}
	}
	for i := range all {
		all[i].Rank = rank[all[i].ID]
	}
	slices.SortStableFunc(all, func(x, y roadmap.Initiative) int {
		if d := horizonOrder[x.Horizon] - horizonOrder[y.Horizon]; d != 0 {
			return d
		}
		rx, ry := x.Rank, y.Rank
		if rx == 0 {
			rx = 1 << 30
		}
		if ry == 0 {
			ry = 1 << 30
		}
		if rx != ry {
			return rx - ry
		}
		return int(x.ID - y.ID)
	})
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
	if _, err := a.store.Initiative(r.Context(), r.Workspace, id); err != nil {
		return Reschedule{}, err
	}
	plan, err := a.store.Plan(r.Context(), r.Workspace)
	if err != nil {
		return Reschedule{}, err
	}
	shifts, err := plan.Reschedule(id, in)
	return Reschedule{Shifts: nonNil(shifts)}, err
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
