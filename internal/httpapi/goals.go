package httpapi

import (
	"context"
	"net/http"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/goals"
)

func (a *API) goalRoutes() []*Route {
	const tag = "goals"
	ws := "/workspaces/{workspace}"
	return []*Route{
		op(Route{ID: "listGoals", Method: http.MethodGet, Path: ws + "/goals", Tag: tag, Perm: auth.PermView,
			Summary: "List the goal tree's nodes (vision, goals, objectives) with their parents and rolled-up progress and pace", Paged: true}, a.listGoals),
		op(Route{ID: "createGoal", Method: http.MethodPost, Path: ws + "/goals", Tag: tag, Perm: auth.PermEdit,
			Summary: "Add a goal to the tree", Status: http.StatusCreated}, a.createGoal),
		op(Route{ID: "getGoal", Method: http.MethodGet, Path: ws + "/goals/{goal}", Tag: tag, Perm: auth.PermView,
			Summary: "Get a goal with its progress and pace rolled up from the key results and objectives below it"}, a.getGoal),
		op(Route{ID: "updateGoal", Method: http.MethodPatch, Path: ws + "/goals/{goal}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Change or move a goal", Conditional: true}, a.updateGoal),
		op(Route{ID: "deleteGoal", Method: http.MethodDelete, Path: ws + "/goals/{goal}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Delete a goal with the objectives and key results below it", Conditional: true}, a.deleteGoal),

		op(Route{ID: "listKeyResults", Method: http.MethodGet, Path: ws + "/key-results", Tag: tag, Perm: auth.PermView,
			Summary: "List key results with progress and pace", Paged: true,
			Query: []QueryParam{{Name: "goal", Description: "Only the key results of this goal (its id)."}}}, a.listKeyResults),
		op(Route{ID: "createKeyResult", Method: http.MethodPost, Path: ws + "/goals/{goal}/key-results", Tag: tag, Perm: auth.PermEdit,
			Summary: "Add a key result to a goal", Status: http.StatusCreated}, a.createKeyResult),
		op(Route{ID: "getKeyResult", Method: http.MethodGet, Path: ws + "/key-results/{key_result}", Tag: tag, Perm: auth.PermView,
			Summary: "Get a key result with its progress and pace"}, a.getKeyResult),
		op(Route{ID: "updateKeyResult", Method: http.MethodPatch, Path: ws + "/key-results/{key_result}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Change a key result's definition (its value changes through values and check-ins)", Conditional: true}, a.updateKeyResult),
		op(Route{ID: "deleteKeyResult", Method: http.MethodDelete, Path: ws + "/key-results/{key_result}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Delete a key result and its history", Conditional: true}, a.deleteKeyResult),
		op(Route{ID: "recordKeyResultValue", Method: http.MethodPost, Path: ws + "/key-results/{key_result}/values", Tag: tag, Perm: auth.PermEdit,
			Summary: "Record a new value of a key result", Status: http.StatusCreated}, a.recordKeyResultValue),
		op(Route{ID: "listKeyResultValues", Method: http.MethodGet, Path: ws + "/key-results/{key_result}/values", Tag: tag, Perm: auth.PermView,
			Summary: "The history of a key result's values, oldest first", Paged: true}, a.listKeyResultValues),
		op(Route{ID: "createKeyResultCheckIn", Method: http.MethodPost, Path: ws + "/key-results/{key_result}/check-ins", Tag: tag, Perm: auth.PermEdit,
			Summary: "Check in on a key result: status, confidence, a note, and optionally a new value", Status: http.StatusCreated}, a.createKeyResultCheckIn),
		op(Route{ID: "listKeyResultCheckIns", Method: http.MethodGet, Path: ws + "/key-results/{key_result}/check-ins", Tag: tag, Perm: auth.PermView,
			Summary: "A key result's check-ins, oldest first", Paged: true}, a.listKeyResultCheckIns),
	}
}

func (a *API) listGoals(r *Request, _ Empty) (List[goals.Goal], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[goals.Goal]{}, err
	}
	items, next, err := a.store.Goals(r.Context(), r.Workspace, p)
	if err == nil {
		err = a.rollUp(r.Context(), r.Workspace, items)
	}
	return listOf(items, next), err
}

// rolledUp fills a goal's progress, expected progress and pace.
func (a *API) rolledUp(r *Request, g goals.Goal, err error) (goals.Goal, error) {
	if err != nil {
		return g, err
	}
	items := []goals.Goal{g}
	err = a.rollUp(r.Context(), r.Workspace, items)
	return items[0], err
}

// rollUp fills the computed fields of items, goals of workspace ws, as of now. A goal's
// progress depends on everything below it, so the whole tree and its key results are read
// once, whatever the number of items.
func (a *API) rollUp(ctx context.Context, ws int64, items []goals.Goal) error {
	tree, krs, err := a.store.GoalTree(ctx, ws)
	if err != nil {
		return err
	}
	now := a.now()
	for i := range krs {
		krs[i].Compute(now)
	}
	goals.ComputeTree(tree, krs)
	byID := make(map[int64]goals.Goal, len(tree))
	for _, g := range tree {
		byID[g.ID] = g
	}
	for i := range items {
		// A goal created or deleted between the two reads has no entry and stays unmeasured.
		items[i].SetComputed(byID[items[i].ID])
	}
	return nil
}

func (a *API) createGoal(r *Request, in goals.GoalInput) (goals.Goal, error) {
	g, err := a.store.CreateGoal(r.Context(), r.Actor(), r.Workspace, in)
	return a.rolledUp(r, g, err)
}

func (a *API) getGoal(r *Request, _ Empty) (goals.Goal, error) {
	id, err := r.PathID("goal")
	if err != nil {
		return goals.Goal{}, err
	}
	g, err := a.store.Goal(r.Context(), r.Workspace, id)
	return a.rolledUp(r, g, err)
}

func (a *API) updateGoal(r *Request, in goals.GoalUpdate) (goals.Goal, error) {
	id, err := r.PathID("goal")
	if err != nil {
		return goals.Goal{}, err
	}
	g, err := a.store.UpdateGoal(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch, in)
	return a.rolledUp(r, g, err)
}

func (a *API) deleteGoal(r *Request, _ Empty) (Empty, error) {
	id, err := r.PathID("goal")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.DeleteGoal(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch)
}

// computed fills a key result's progress, pace and staleness as of now.
func (a *API) computed(r *Request, k goals.KeyResult, err error) (goals.KeyResult, error) {
	if err != nil {
		return k, err
	}
	k.Compute(a.now())
	items := []goals.KeyResult{k}
	err = a.markStaleKeyResults(r.Context(), r.Workspace, items)
	return items[0], err
}

func (a *API) listKeyResults(r *Request, _ Empty) (List[goals.KeyResult], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[goals.KeyResult]{}, err
	}
	goal, err := queryID(r, "goal")
	if err != nil {
		return List[goals.KeyResult]{}, err
	}
	items, next, err := a.store.KeyResults(r.Context(), r.Workspace, goal, p)
	for i := range items {
		items[i].Compute(a.now())
	}
	if err == nil {
		err = a.markStaleKeyResults(r.Context(), r.Workspace, items)
	}
	return listOf(items, next), err
}

func (a *API) createKeyResult(r *Request, in goals.KeyResultInput) (goals.KeyResult, error) {
	goal, err := r.PathID("goal")
	if err != nil {
		return goals.KeyResult{}, err
	}
	k, err := a.store.CreateKeyResult(r.Context(), r.Actor(), r.Workspace, goal, in)
	if err == nil && k.Source == goals.Metric {
		a.refreshKeyResults(r.Context(), r.Workspace)
		k, err = a.store.KeyResult(r.Context(), r.Workspace, k.ID)
	}
	return a.computed(r, k, err)
}

func (a *API) getKeyResult(r *Request, _ Empty) (goals.KeyResult, error) {
	id, err := r.PathID("key_result")
	if err != nil {
		return goals.KeyResult{}, err
	}
	k, err := a.store.KeyResult(r.Context(), r.Workspace, id)
	return a.computed(r, k, err)
}

func (a *API) updateKeyResult(r *Request, in goals.KeyResultUpdate) (goals.KeyResult, error) {
	id, err := r.PathID("key_result")
	if err != nil {
		return goals.KeyResult{}, err
	}
	k, err := a.store.UpdateKeyResult(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch, in)
	if err == nil && k.Source == goals.Metric {
		a.refreshKeyResults(r.Context(), r.Workspace)
		k, err = a.store.KeyResult(r.Context(), r.Workspace, k.ID)
	}
	return a.computed(r, k, err)
}

func (a *API) deleteKeyResult(r *Request, _ Empty) (Empty, error) {
	id, err := r.PathID("key_result")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.DeleteKeyResult(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch)
}

func (a *API) recordKeyResultValue(r *Request, in goals.ValueInput) (goals.KeyResult, error) {
	id, err := r.PathID("key_result")
	if err != nil {
		return goals.KeyResult{}, err
	}
	k, err := a.store.RecordKeyResultValue(r.Context(), r.Actor(), r.Workspace, id, in.Value, "manual", in.Note)
	return a.computed(r, k, err)
}

func (a *API) listKeyResultValues(r *Request, _ Empty) (List[goals.Value], error) {
	id, err := r.PathID("key_result")
	if err != nil {
		return List[goals.Value]{}, err
	}
	p, err := parsePage(r.Request)
	if err != nil {
		return List[goals.Value]{}, err
	}
	items, next, err := a.store.KeyResultValues(r.Context(), r.Workspace, id, p)
	return listOf(items, next), err
}

func (a *API) createKeyResultCheckIn(r *Request, in goals.CheckInInput) (goals.CheckIn, error) {
	id, err := r.PathID("key_result")
	if err != nil {
		return goals.CheckIn{}, err
	}
	return a.store.CreateKeyResultCheckIn(r.Context(), r.Actor(), r.Workspace, id, in)
}

func (a *API) listKeyResultCheckIns(r *Request, _ Empty) (List[goals.CheckIn], error) {
	id, err := r.PathID("key_result")
	if err != nil {
		return List[goals.CheckIn]{}, err
	}
	p, err := parsePage(r.Request)
	if err != nil {
		return List[goals.CheckIn]{}, err
	}
	items, next, err := a.store.KeyResultCheckIns(r.Context(), r.Workspace, id, p)
	return listOf(items, next), err
}
