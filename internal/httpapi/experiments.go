package httpapi

import (
	"net/http"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/experiments"
)

func (a *API) experimentRoutes() []*Route {
	const tag = "experiments"
	ws := "/workspaces/{workspace}"
	return []*Route{
		op(Route{ID: "listExperiments", Method: http.MethodGet, Path: ws + "/experiments", Tag: tag, Perm: auth.PermView,
			Summary: "List the experiments, with their status and decision logs", Paged: true}, a.listExperiments),
		op(Route{ID: "createExperiment", Method: http.MethodPost, Path: ws + "/experiments", Tag: tag, Perm: auth.PermEdit,
			Summary: "Start an experiment: a hypothesis, a metric, the attribute whose values make the variants (the control first) and the span of days",
			Status:  http.StatusCreated}, a.createExperiment),
		op(Route{ID: "getExperiment", Method: http.MethodGet, Path: ws + "/experiments/{experiment}", Tag: tag, Perm: auth.PermView,
			Summary: "Get an experiment with its decision log"}, a.getExperiment),
		op(Route{ID: "replaceExperiment", Method: http.MethodPut, Path: ws + "/experiments/{experiment}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Replace an experiment's definition; a concluded experiment is kept as decided (409)", Conditional: true}, a.replaceExperiment),
		op(Route{ID: "deleteExperiment", Method: http.MethodDelete, Path: ws + "/experiments/{experiment}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Delete an experiment and its decision log; values it recorded on a key result stay in that history", Conditional: true}, a.deleteExperiment),
		op(Route{ID: "getExperimentResults", Method: http.MethodGet, Path: ws + "/experiments/{experiment}/results", Tag: tag, Perm: auth.PermView,
			Summary: "Each variant's value over the experiment's span with n and a 95% interval; each treatment's test against the control, its minimum detectable effect and a verdict"},
			a.experimentResults),
		op(Route{ID: "decideExperiment", Method: http.MethodPost, Path: ws + "/experiments/{experiment}/decisions", Tag: tag, Perm: auth.PermEdit,
			Summary:     "Log a decision (ship, iterate, stop) on the version of the experiment seen; shipping records the shipped variant's value, with n and interval, on the experiment's key result",
			Conditional: true}, a.decideExperiment),
	}
}

// withStatus fills the computed status of es as of today in the workspace's time zone.
func (a *API) withStatus(r *Request, es ...*experiments.Experiment) error {
	layout, err := a.store.MetricLayout(r.Context(), r.Workspace)
	if err != nil {
		return err
	}
	today := layout.Day(a.now())
	for _, e := range es {
		e.Compute(today)
	}
	return nil
}

// experiment answers with e and its status, or with err.
func (a *API) experiment(r *Request, e experiments.Experiment, err error) (experiments.Experiment, error) {
	if err != nil {
		return e, err
	}
	return e, a.withStatus(r, &e)
}

func (a *API) listExperiments(r *Request, _ Empty) (List[experiments.Experiment], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[experiments.Experiment]{}, err
	}
	items, next, err := a.store.Experiments(r.Context(), r.Workspace, p)
	if err != nil {
		return List[experiments.Experiment]{}, err
	}
	ptrs := make([]*experiments.Experiment, len(items))
	for i := range items {
		ptrs[i] = &items[i]
	}
	return listOf(items, next), a.withStatus(r, ptrs...)
}

func (a *API) createExperiment(r *Request, in experiments.Input) (experiments.Experiment, error) {
	e, err := a.store.CreateExperiment(r.Context(), r.Actor(), r.Workspace, in)
	return a.experiment(r, e, err)
}

func (a *API) getExperiment(r *Request, _ Empty) (experiments.Experiment, error) {
	id, err := r.PathID("experiment")
	if err != nil {
		return experiments.Experiment{}, err
	}
	e, err := a.store.Experiment(r.Context(), r.Workspace, id)
	return a.experiment(r, e, err)
}

func (a *API) replaceExperiment(r *Request, in experiments.Input) (experiments.Experiment, error) {
	id, err := r.PathID("experiment")
	if err != nil {
		return experiments.Experiment{}, err
	}
	e, err := a.store.ReplaceExperiment(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch, in)
	return a.experiment(r, e, err)
}

func (a *API) deleteExperiment(r *Request, _ Empty) (Empty, error) {
	id, err := r.PathID("experiment")
	if err != nil {
		return Empty{}, err
	}
	return Empty{}, a.store.DeleteExperiment(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch)
}

func (a *API) experimentResults(r *Request, _ Empty) (experiments.Results, error) {
	id, err := r.PathID("experiment")
	if err != nil {
		return experiments.Results{}, err
	}
	e, err := a.store.Experiment(r.Context(), r.Workspace, id)
	if err != nil {
		return experiments.Results{}, err
	}
	return experiments.Evaluate(r.Context(), a.store, r.Workspace, e)
}

func (a *API) decideExperiment(r *Request, in experiments.DecisionInput) (experiments.Experiment, error) {
	id, err := r.PathID("experiment")
	if err != nil {
		return experiments.Experiment{}, err
	}
	e, err := a.store.DecideExperiment(r.Context(), r.Actor(), r.Workspace, id, r.IfMatch, in)
	return a.experiment(r, e, err)
}
