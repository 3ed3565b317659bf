package httpapi

import (
	"net/http"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/roadmapdoc"
)

func (a *API) roadmapDocRoutes() []*Route {
	const tag = "roadmap as code"
	ws := "/workspaces/{workspace}"
	return []*Route{
		op(Route{ID: "exportRoadmap", Method: http.MethodGet, Path: ws + "/roadmap", Tag: tag, Perm: auth.PermView,
			Summary: "The whole roadmap as a YAML document (goals, key results, journeys with their stages, touchpoints and pain points, initiatives, owners, dependencies and links)"}, a.exportRoadmap),
		op(Route{ID: "applyRoadmap", Method: http.MethodPost, Path: ws + "/roadmap/apply", Tag: tag, Perm: auth.PermManage,
			Summary:   "Check a roadmap document, list what it changes, and apply it in one transaction unless dry_run",
			BodyLimit: 8 << 20}, a.applyRoadmap),
	}
}

// RoadmapDocument carries a roadmap document.
type RoadmapDocument struct {
	Format  string `json:"format" jsonschema:"enum=yaml"`
	Content string `json:"content" jsonschema_description:"The document itself."`
}

// ApplyRoadmapInput asks to apply a roadmap document.
type ApplyRoadmapInput struct {
	Content string `json:"content" jsonschema_description:"A YAML roadmap document, as GET …/roadmap returns it."`
	DryRun  bool   `json:"dry_run,omitempty" jsonschema_description:"Only check the document and list the changes."`
}

func (a *API) exportRoadmap(r *Request, _ Empty) (RoadmapDocument, error) {
	b, err := roadmapdoc.Export(r.Context(), a.store, r.Workspace)
	return RoadmapDocument{Format: "yaml", Content: string(b)}, err
}

func (a *API) applyRoadmap(r *Request, in ApplyRoadmapInput) (roadmapdoc.Result, error) {
	d, err := roadmapdoc.Parse([]byte(in.Content))
	if err != nil {
		return roadmapdoc.Result{}, err
	}
	return roadmapdoc.Apply(r.Context(), a.store, r.Actor(), r.Workspace, d, in.DryRun)
}
