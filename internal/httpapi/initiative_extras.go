package httpapi

import (
	"context"
	"net/http"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
)

func (a *API) initiativeExtraRoutes() []*Route {
	const tag = "initiatives"
	ws := "/workspaces/{workspace}"
	return []*Route{
		op(Route{ID: "listInitiativeCheckIns", Method: http.MethodGet, Path: ws + "/initiatives/{initiative}/check-ins", Tag: tag, Perm: auth.PermView,
			Summary: "An initiative's check-ins, oldest first", Paged: true}, a.listInitiativeCheckIns),
		op(Route{ID: "createInitiativeCheckIn", Method: http.MethodPost, Path: ws + "/initiatives/{initiative}/check-ins", Tag: tag, Perm: auth.PermEdit,
			Summary: "Check in on an initiative: status, progress, confidence, and a note when at risk or off track", Status: http.StatusCreated}, a.createInitiativeCheckIn),
		op(Route{ID: "getCheckInCadence", Method: http.MethodGet, Path: ws + "/check-in-cadence", Tag: tag, Perm: auth.PermView,
			Summary: "How often initiatives and key results are expected to check in before they are stale"}, a.getCheckInCadence),
		op(Route{ID: "setCheckInCadence", Method: http.MethodPut, Path: ws + "/check-in-cadence", Tag: tag, Perm: auth.PermManage,
			Summary: "Set how often initiatives and key results are expected to check in"}, a.setCheckInCadence),
		op(Route{ID: "linkKeyResult", Method: http.MethodPut, Path: ws + "/initiatives/{initiative}/key-results/{key_result}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Link an initiative to a key result it should move, with the expected effect; linking again replaces it"}, a.linkKeyResult),
		op(Route{ID: "unlinkKeyResult", Method: http.MethodDelete, Path: ws + "/initiatives/{initiative}/key-results/{key_result}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Remove the link from an initiative to a key result"}, a.unlinkKeyResult),
		op(Route{ID: "linkTouchpoint", Method: http.MethodPut, Path: ws + "/initiatives/{initiative}/touchpoints/{touchpoint}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Link an initiative to a journey touchpoint it should improve; linking again changes nothing"}, a.linkTouchpoint),
		op(Route{ID: "unlinkTouchpoint", Method: http.MethodDelete, Path: ws + "/initiatives/{initiative}/touchpoints/{touchpoint}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Remove the link from an initiative to a touchpoint"}, a.unlinkTouchpoint),
		op(Route{ID: "linkPainPoint", Method: http.MethodPut, Path: ws + "/initiatives/{initiative}/pain-points/{pain_point}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Link an initiative to a journey pain point it should relieve; linking again changes nothing"}, a.linkPainPoint),
		op(Route{ID: "unlinkPainPoint", Method: http.MethodDelete, Path: ws + "/initiatives/{initiative}/pain-points/{pain_point}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Remove the link from an initiative to a pain point"}, a.unlinkPainPoint),
		op(Route{ID: "getTeamLoad", Method: http.MethodGet, Path: ws + "/team-load", Tag: tag, Perm: auth.PermView,
			Summary: "For each team, the open initiatives it is responsible for, per horizon and per quarter of their due date"}, a.getTeamLoad),
	}
}

func (a *API) createInitiativeCheckIn(r *Request, in roadmap.CheckInInput) (goals.CheckIn, error) {
	id, err := r.PathID("initiative")
	if err != nil {
		return goals.CheckIn{}, err
	}
	return a.store.CreateInitiativeCheckIn(r.Context(), r.Actor(), r.Workspace, id, in)
}

func (a *API) listInitiativeCheckIns(r *Request, _ Empty) (List[goals.CheckIn], error) {
	id, err := r.PathID("initiative")
	if err != nil {
		return List[goals.CheckIn]{}, err
	}
	p, err := parsePage(r.Request)
	if err != nil {
		return List[goals.CheckIn]{}, err
	}
	items, next, err := a.store.InitiativeCheckIns(r.Context(), r.Workspace, id, p)
	return listOf(items, next), err
}

func (a *API) getCheckInCadence(r *Request, _ Empty) (roadmap.CheckInCadence, error) {
	return a.store.CheckInCadence(r.Context(), r.Workspace)
}

func (a *API) setCheckInCadence(r *Request, in roadmap.CheckInCadence) (roadmap.CheckInCadence, error) {
	return in, a.store.SetCheckInCadence(r.Context(), r.Actor(), r.Workspace, in)
}

// markStaleKeyResults sets Stale on the key results (see roadmap.MarkStaleKeyResults), as of
// the API's clock.
func (a *API) markStaleKeyResults(ctx context.Context, ws int64, items []goals.KeyResult) error {
	return roadmap.MarkStaleKeyResults(ctx, a.store, ws, a.now(), items)
}

func (a *API) linkKeyResult(r *Request, in roadmap.KeyResultLinkInput) (roadmap.KeyResultLink, error) {
	id, err := r.PathID("initiative")
	if err != nil {
		return roadmap.KeyResultLink{}, err
	}
	kr, err := r.PathID("key_result")
	if err != nil {
		return roadmap.KeyResultLink{}, err
	}
	return a.store.LinkKeyResult(r.Context(), r.Actor(), r.Workspace, id, kr, in)
}

func (a *API) unlinkKeyResult(r *Request, _ Empty) (Empty, error) {
	id, err := r.PathID("initiative")
	if err != nil {
		return Empty{}, err
	}
	kr, err := r.PathID("key_result")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.UnlinkKeyResult(r.Context(), r.Actor(), r.Workspace, id, kr)
}

// linkIDs reads the initiative's id and the linked object's id, named param, from the path.
func linkIDs(r *Request, param string) (initiative, id int64, err error) {
	if initiative, err = r.PathID("initiative"); err != nil {
		return 0, 0, err
	}
	id, err = r.PathID(param)
	return initiative, id, err
}

func (a *API) linkTouchpoint(r *Request, _ Empty) (roadmap.TouchpointLink, error) {
	id, tp, err := linkIDs(r, "touchpoint")
	if err != nil {
		return roadmap.TouchpointLink{}, err
	}
	return a.store.LinkTouchpoint(r.Context(), r.Actor(), r.Workspace, id, tp)
}

func (a *API) unlinkTouchpoint(r *Request, _ Empty) (Empty, error) {
	id, tp, err := linkIDs(r, "touchpoint")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.UnlinkTouchpoint(r.Context(), r.Actor(), r.Workspace, id, tp)
}

func (a *API) linkPainPoint(r *Request, _ Empty) (roadmap.PainPointLink, error) {
	id, pp, err := linkIDs(r, "pain_point")
	if err != nil {
		return roadmap.PainPointLink{}, err
	}
	return a.store.LinkPainPoint(r.Context(), r.Actor(), r.Workspace, id, pp)
}

func (a *API) unlinkPainPoint(r *Request, _ Empty) (Empty, error) {
	id, pp, err := linkIDs(r, "pain_point")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.UnlinkPainPoint(r.Context(), r.Actor(), r.Workspace, id, pp)
}

func (a *API) getTeamLoad(r *Request, _ Empty) (List[roadmap.TeamLoad], error) {
	teams, rs, err := a.store.TeamResponsibilities(r.Context(), r.Workspace)
	if err != nil {
		return List[roadmap.TeamLoad]{}, err
	}
	return List[roadmap.TeamLoad]{Items: roadmap.Loads(teams, rs)}, nil
}
