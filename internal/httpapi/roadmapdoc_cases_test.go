package httpapi_test

import (
	"fmt"

	"github.com/lodestar-cx/lodestar/internal/roadmapdoc"
)

// roadmapDocCases are the isolation matrix cases of roadmap as code.
var roadmapDocCases = map[string]request{
	"GET /api/v1/workspaces/{workspace}/roadmap": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/roadmap", tg.ws), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/roadmap/apply": func(w *world, p *principal, tg target) (string, any, []string) {
		doc, err := roadmapdoc.Export(w.t.Context(), w.env.Store, tg.objWS)
		if err != nil {
			w.t.Fatal(err)
		}
		return fmt.Sprintf("/api/v1/workspaces/%d/roadmap/apply", tg.ws), map[string]any{"content": string(doc), "dry_run": true}, nil
	},
}
