package httpapi_test

import (
	"time"

	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/store"
)

// searchableItem writes a feedback item with text that the search cases find, so that each
// cell searches a workspace with a hit in it.
func (w *world) searchableItem(ws int64) {
	w.t.Helper()
	it := feedback.Item{SourceKind: feedback.Ticket, Source: "zendesk", ExternalID: w.unique("ticket"),
		At: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Text: "The billing page crashed again", Attributes: map[string]string{"plan": "pro"}}
	it.Normalize()
	if _, err := w.env.Store.WriteFeedback(w.t.Context(), ws, &store.Batch{Items: []feedback.Item{it}}); err != nil {
		w.t.Fatal(err)
	}
}

// searchCases are the isolation matrix cases of feedback search.
var searchCases = map[string]request{
	"GET /api/v1/workspaces/{workspace}/feedback-search": func(w *world, p *principal, tg target) (string, any, []string) {
		w.searchableItem(tg.objWS)
		return wsPath(tg, "/feedback-search?q=billing+crashes&source=zendesk&attr=plan:pro&excluded=false"), nil, nil
	},
}
