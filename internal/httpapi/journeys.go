package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/journey"
)

func (a *API) journeyRoutes() []*Route {
	const tag = "journeys"
	ws := "/workspaces/{workspace}"
	jp := ws + "/journeys/{journey}"
	return []*Route{
		op(Route{ID: "listJourneys", Method: http.MethodGet, Path: ws + "/journeys", Tag: tag, Perm: auth.PermView,
			Summary: "List the customer journeys, each with whether its review is overdue", Paged: true}, a.listJourneys),
		op(Route{ID: "createJourney", Method: http.MethodPost, Path: ws + "/journeys", Tag: tag, Perm: auth.PermEdit,
			Summary: "Add a journey with its own stages or the default five", Status: http.StatusCreated}, a.createJourney),
		op(Route{ID: "getJourney", Method: http.MethodGet, Path: jp, Tag: tag, Perm: auth.PermView,
			Summary: "Get a journey's map: its stages in order with their touchpoints, its pain points, and whether it is stale"}, a.getJourney),
		op(Route{ID: "updateJourney", Method: http.MethodPatch, Path: jp, Tag: tag, Perm: auth.PermEdit,
			Summary: "Change a journey's name, persona, owner or review cadence", Conditional: true}, a.updateJourney),
		op(Route{ID: "deleteJourney", Method: http.MethodDelete, Path: jp, Tag: tag, Perm: auth.PermEdit,
			Summary: "Delete a journey with its stages, touchpoints and pain points", Conditional: true}, a.deleteJourney),
		op(Route{ID: "reviewJourney", Method: http.MethodPost, Path: jp + "/review", Tag: tag, Perm: auth.PermEdit,
			Summary: "Mark a journey reviewed now, by the caller"}, a.reviewJourney),

		op(Route{ID: "createJourneyStage", Method: http.MethodPost, Path: jp + "/stages", Tag: tag, Perm: auth.PermEdit,
			Summary: "Add a stage at the end of a journey", Status: http.StatusCreated}, a.createStage),
		op(Route{ID: "updateJourneyStage", Method: http.MethodPatch, Path: jp + "/stages/{stage}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Rename a stage", Conditional: true}, a.updateStage),
		op(Route{ID: "deleteJourneyStage", Method: http.MethodDelete, Path: jp + "/stages/{stage}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Delete a stage that has no touchpoints (a stage with touchpoints is refused with 409)", Conditional: true}, a.deleteStage),
		op(Route{ID: "reorderJourneyStages", Method: http.MethodPut, Path: jp + "/stage-order", Tag: tag, Perm: auth.PermEdit,
			Summary: "Put a journey's stages in a new order, given as every stage id once"}, a.reorderStages),

		op(Route{ID: "createTouchpoint", Method: http.MethodPost, Path: jp + "/touchpoints", Tag: tag, Perm: auth.PermEdit,
			Summary: "Add a touchpoint, or a milestone when it has an event name, to a stage of a journey", Status: http.StatusCreated}, a.createTouchpoint),
		op(Route{ID: "updateTouchpoint", Method: http.MethodPatch, Path: jp + "/touchpoints/{touchpoint}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Change a touchpoint or move it to another stage of the same journey", Conditional: true}, a.updateTouchpoint),
		op(Route{ID: "deleteTouchpoint", Method: http.MethodDelete, Path: jp + "/touchpoints/{touchpoint}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Delete a touchpoint; its pain points stay on the journey", Conditional: true}, a.deleteTouchpoint),

		op(Route{ID: "listPainPoints", Method: http.MethodGet, Path: jp + "/pain-points", Tag: tag, Perm: auth.PermView,
			Summary: "List a journey's pain points, oldest first", Paged: true, Query: []QueryParam{
				{Name: "status", Description: "Only the pain points with this status: open, acknowledged or solved."},
				{Name: "severity", Description: "Only the pain points of this severity, 1 to 5."},
				{Name: "min_severity", Description: "Only the pain points of this severity or worse, 1 to 5."},
			}}, a.listPainPoints),
		op(Route{ID: "createPainPoint", Method: http.MethodPost, Path: jp + "/pain-points", Tag: tag, Perm: auth.PermEdit,
			Summary: "Record a pain point on a journey, optionally at one of its touchpoints", Status: http.StatusCreated}, a.createPainPoint),
		op(Route{ID: "updatePainPoint", Method: http.MethodPatch, Path: jp + "/pain-points/{pain_point}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Change a pain point", Conditional: true}, a.updatePainPoint),
		op(Route{ID: "deletePainPoint", Method: http.MethodDelete, Path: jp + "/pain-points/{pain_point}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Delete a pain point", Conditional: true}, a.deletePainPoint),
	}
}

// journeyMap fills a map's staleness as of now.
func (a *API) journeyMap(m journey.Map, err error) (journey.Map, error) {
	if err == nil {
		m.Compute(a.now())
	}
	return m, err
}

func (a *API) listJourneys(r *Request, _ Empty) (List[journey.Journey], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[journey.Journey]{}, err
	}
	items, next, err := a.store.Journeys(r.Context(), r.Workspace, p)
	now := a.now()
	for i := range items {
		items[i].Compute(now)
	}
	return listOf(items, next), err
}

func (a *API) createJourney(r *Request, in journey.JourneyInput) (journey.Map, error) {
	return a.journeyMap(a.store.CreateJourney(r.Context(), r.Actor(), r.Workspace, in))
}

func (a *API) getJourney(r *Request, _ Empty) (journey.Map, error) {
	id, err := r.PathID("journey")
	if err != nil {
		return journey.Map{}, err
	}
	return a.journeyMap(a.store.JourneyMap(r.Context(), r.Workspace, id))
}

func (a *API) updateJourney(r *Request, in journey.JourneyUpdate) (journey.Map, error) {
	id, err := r.PathID("journey")
	if err != nil {
		return journey.Map{}, err
	}
	return a.journeyMap(a.store.UpdateJourney(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch, in))
}

func (a *API) deleteJourney(r *Request, _ Empty) (Empty, error) {
	id, err := r.PathID("journey")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.DeleteJourney(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch)
}

func (a *API) reviewJourney(r *Request, _ Empty) (journey.Map, error) {
	id, err := r.PathID("journey")
	if err != nil {
		return journey.Map{}, err
	}
	return a.journeyMap(a.store.ReviewJourney(r.Context(), r.Actor(), r.Workspace, id))
}

// journeyChild reads the journey and the object below it from the path.
func journeyChild(r *Request, child string) (journeyID, id int64, err error) {
	if journeyID, err = r.PathID("journey"); err != nil {
		return 0, 0, err
	}
	id, err = r.PathID(child)
	return journeyID, id, err
}

func (a *API) createStage(r *Request, in journey.StageInput) (journey.Stage, error) {
	j, err := r.PathID("journey")
	if err != nil {
		return journey.Stage{}, err
	}
	return a.store.CreateStage(r.Context(), r.Actor(), r.Workspace, j, in)
}

func (a *API) updateStage(r *Request, in journey.StageUpdate) (journey.Stage, error) {
	j, id, err := journeyChild(r, "stage")
	if err != nil {
		return journey.Stage{}, err
	}
	return a.store.UpdateStage(r.Context(), r.Actor(), r.Workspace, j, id, r.IfMatch, in)
}

func (a *API) deleteStage(r *Request, _ Empty) (Empty, error) {
	j, id, err := journeyChild(r, "stage")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.DeleteStage(r.Context(), r.Actor(), r.Workspace, j, id, r.IfMatch)
}

func (a *API) reorderStages(r *Request, in journey.StageOrder) (journey.Map, error) {
	j, err := r.PathID("journey")
	if err != nil {
		return journey.Map{}, err
	}
	return a.journeyMap(a.store.ReorderStages(r.Context(), r.Actor(), r.Workspace, j, in.StageIDs))
}

func (a *API) createTouchpoint(r *Request, in journey.TouchpointInput) (journey.Touchpoint, error) {
	j, err := r.PathID("journey")
	if err != nil {
		return journey.Touchpoint{}, err
	}
	return a.store.CreateTouchpoint(r.Context(), r.Actor(), r.Workspace, j, in)
}

func (a *API) updateTouchpoint(r *Request, in journey.TouchpointUpdate) (journey.Touchpoint, error) {
	j, id, err := journeyChild(r, "touchpoint")
	if err != nil {
		return journey.Touchpoint{}, err
	}
	return a.store.UpdateTouchpoint(r.Context(), r.Actor(), r.Workspace, j, id, r.IfMatch, in)
}

func (a *API) deleteTouchpoint(r *Request, _ Empty) (Empty, error) {
	j, id, err := journeyChild(r, "touchpoint")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.DeleteTouchpoint(r.Context(), r.Actor(), r.Workspace, j, id, r.IfMatch)
}

// painPointFilter reads the filters of the pain point list from the query.
func painPointFilter(r *Request) (journey.PainPointFilter, error) {
	q := r.URL.Query()
	f := journey.PainPointFilter{Status: journey.PainStatus(q.Get("status"))}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"severity", &f.Severity}, {"min_severity", &f.MinSeverity}} {
		s := q.Get(p.name)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return f, fieldError(http.StatusBadRequest, "invalid-parameter", p.name, fmt.Sprintf("%s must be a whole number from 1 to 5.", p.name))
		}
		*p.dst = n
	}
	var inv *fault.InvalidError
	if err := f.Validate(); errors.As(err, &inv) {
		fe := inv.Fields[0]
		return f, fieldError(http.StatusBadRequest, "invalid-parameter", fe.Field, fmt.Sprintf("%s %s.", fe.Field, fe.Message))
	}
	return f, nil
}

func (a *API) listPainPoints(r *Request, _ Empty) (List[journey.PainPoint], error) {
	j, err := r.PathID("journey")
	if err != nil {
		return List[journey.PainPoint]{}, err
	}
	p, err := parsePage(r.Request)
	if err != nil {
		return List[journey.PainPoint]{}, err
	}
	f, err := painPointFilter(r)
	if err != nil {
		return List[journey.PainPoint]{}, err
	}
	items, next, err := a.store.PainPoints(r.Context(), r.Workspace, j, f, p)
	return listOf(items, next), err
}

func (a *API) createPainPoint(r *Request, in journey.PainPointInput) (journey.PainPoint, error) {
	j, err := r.PathID("journey")
	if err != nil {
		return journey.PainPoint{}, err
	}
	return a.store.CreatePainPoint(r.Context(), r.Actor(), r.Workspace, j, in)
}

func (a *API) updatePainPoint(r *Request, in journey.PainPointUpdate) (journey.PainPoint, error) {
	j, id, err := journeyChild(r, "pain_point")
	if err != nil {
		return journey.PainPoint{}, err
	}
	return a.store.UpdatePainPoint(r.Context(), r.Actor(), r.Workspace, j, id, r.IfMatch, in)
}

func (a *API) deletePainPoint(r *Request, _ Empty) (Empty, error) {
	j, id, err := journeyChild(r, "pain_point")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.DeletePainPoint(r.Context(), r.Actor(), r.Workspace, j, id, r.IfMatch)
}
