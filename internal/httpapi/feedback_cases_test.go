package httpapi_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/store"
)

// surveyCSV is a small survey export that the "survey" mapping below reads.
const surveyCSV = "response_id,submitted_at,customer_id,nps,comment\n" +
	"r1,2026-03-01T10:00:00Z,c1,0,\"Setup took days, support was slow\"\n" +
	"r2,2026-03-02T11:30:00+02:00,c2,9,Love the new templates\n" +
	"r3,2026-03-03T09:15:00Z,c3,7,\n"

// surveyMapping reads surveyCSV.
var surveyMapping = map[string]any{
	"format": "csv", "target": "feedback", "source": "survey-tool", "source_kind": "survey",
	"external_id": "response_id", "at": "submitted_at", "customer": "customer_id",
	"questions": []map[string]any{{"column": "nps", "question": "nps"}},
	"text":      []string{"comment"},
}

// savedMapping saves surveyMapping in ws under a fresh name.
func (w *world) savedMapping(ws int64) store.SavedMapping {
	w.t.Helper()
	b, err := json.Marshal(surveyMapping)
	if err != nil {
		w.t.Fatal(err)
	}
	m, err := w.env.Store.SaveMapping(w.t.Context(), audit.System, ws, w.unique("mapping"), b)
	if err != nil {
		w.t.Fatal(err)
	}
	return m
}

func (w *world) feedbackItem(ws int64) feedback.Item {
	w.t.Helper()
	s := 8.0
	it := feedback.Item{SourceKind: feedback.Survey, Source: "survey-tool", ExternalID: w.unique("response"),
		At: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Question: feedback.NPS, Score: &s}
	it.Normalize()
	if _, err := w.env.Store.WriteFeedback(w.t.Context(), ws, &store.Batch{Items: []feedback.Item{it}}); err != nil {
		w.t.Fatal(err)
	}
	items, _, err := w.env.Store.FeedbackItems(w.t.Context(), ws, store.FeedbackFilter{}, store.Page{})
	if err != nil {
		w.t.Fatal(err)
	}
	for _, got := range items {
		if got.ExternalID == it.ExternalID {
			return got
		}
	}
	w.t.Fatalf("feedback item %s not stored", it.ExternalID)
	return feedback.Item{}
}

// finishedImport records an import of ws that has finished, so that its event stream ends.
func (w *world) finishedImport(ws int64) feedback.Import {
	w.t.Helper()
	ctx := w.t.Context()
	im, err := w.env.Store.CreateImport(ctx, audit.System, ws, feedback.Import{Target: "feedback", Format: "csv",
		FileSHA256: w.unique("sha"), FileSize: 1, Mapping: []byte(`{}`)})
	if err != nil {
		w.t.Fatal(err)
	}
	if im, err = w.env.Store.FinishImport(ctx, audit.System, ws, im.ID, feedback.ImportDone, 0, 0, nil, ""); err != nil {
		w.t.Fatal(err)
	}
	return im
}

func wsPath(tg target, rest string) string {
	return fmt.Sprintf("/api/v1/workspaces/%d%s", tg.ws, rest)
}

var uploadHeaders = []string{"Content-Type", "text/csv"}

// feedbackCases are the isolation matrix cases of feedback, customers, events and imports.
var feedbackCases = map[string]request{
	"POST /api/v1/workspaces/{workspace}/feedback": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/feedback"), map[string]any{"items": []map[string]any{{"source_kind": "survey", "source": "webhook",
			"external_id": w.unique("r"), "at": "2026-03-01T10:00:00Z", "question": "nps", "score": 0}}}, nil
	},
	"GET /api/v1/workspaces/{workspace}/feedback": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/feedback?question=nps"), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/feedback/{item}": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/feedback/%d", w.feedbackItem(tg.objWS).ID)), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/customers": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/customers"), map[string]any{"customers": []map[string]any{{"external_id": w.unique("c"), "plan": "pro"}}}, nil
	},
	"GET /api/v1/workspaces/{workspace}/customers": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/customers"), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/customer-events": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/customer-events"), map[string]any{"events": []map[string]any{{"customer_external_id": "c1",
			"name": "form_created", "at": "2026-03-01T10:00:00Z"}}}, nil
	},
	"GET /api/v1/workspaces/{workspace}/customer-events": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/customer-events?customer=c1"), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/import-plans": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/import-plans?format=csv&mapping="+w.savedMapping(tg.ws).Name), surveyCSV, uploadHeaders
	},
	"POST /api/v1/workspaces/{workspace}/imports": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/imports?format=csv&mapping="+w.savedMapping(tg.ws).Name), surveyCSV, uploadHeaders
	},
	"GET /api/v1/workspaces/{workspace}/imports": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/imports"), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/imports/{import}": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/imports/%d", w.finishedImport(tg.objWS).ID)), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/imports/{import}/events": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, fmt.Sprintf("/imports/%d/events", w.finishedImport(tg.objWS).ID)), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/import-mappings": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/import-mappings"), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/import-mappings": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/import-mappings"), map[string]any{"name": w.unique("m"), "mapping": surveyMapping}, nil
	},
	"GET /api/v1/workspaces/{workspace}/import-mappings/{name}": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/import-mappings/"+w.savedMapping(tg.objWS).Name), nil, nil
	},
	"PUT /api/v1/workspaces/{workspace}/import-mappings/{name}": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/import-mappings/"+w.savedMapping(tg.objWS).Name), map[string]any{"mapping": surveyMapping}, ifMatch(1)
	},
	"DELETE /api/v1/workspaces/{workspace}/import-mappings/{name}": func(w *world, p *principal, tg target) (string, any, []string) {
		return wsPath(tg, "/import-mappings/"+w.savedMapping(tg.objWS).Name), nil, ifMatch(1)
	},
}
