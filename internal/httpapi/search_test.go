package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/apitest"
	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/httpapi"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

type searchPage struct {
	Items      []store.SearchHit `json:"items"`
	NextCursor string            `json:"next_cursor"`
}

func TestSearchFeedbackThroughTheAPI(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			env := apitest.Start(t, d, apitest.Options{})
			base := fmt.Sprintf("/api/v1/workspaces/%d", env.Workspace.ID)
			item := func(id, kind, source, text string, day int, extra map[string]any) map[string]any {
				it := map[string]any{"source_kind": kind, "source": source, "external_id": id,
					"at": fmt.Sprintf("2026-03-%02dT10:00:00Z", day), "text": text}
				for k, v := range extra {
					it[k] = v
				}
				return it
			}
			r := env.Do(t, http.MethodPost, base+"/feedback", map[string]any{"items": []any{
				item("crash", "ticket", "zendesk", "The billing page crashed when I updated my card", 1,
					map[string]any{"customer_external_id": "c1", "touchpoint": "Billing", "attributes": map[string]string{"plan": "pro"}}),
				item("twice", "survey", "qualtrics", "I was billed twice this month, please refund", 2,
					map[string]any{"question": "nps", "score": 2, "attributes": map[string]string{"plan": "free", "region": "emea"}}),
				item("praise", "survey", "qualtrics", "Billing is clear and support was friendly", 3,
					map[string]any{"question": "nps", "score": 10, "attributes": map[string]string{"plan": "free", "region": "amer"}}),
				item("again", "ticket", "zendesk", "Crashed again on the billing page", 4, map[string]any{"excluded": true}),
				item("other", "review", "g2", "Templates are lovely", 5, nil),
			}})
			if r.Status != http.StatusOK {
				t.Fatalf("post feedback = %d %s", r.Status, r.Body)
			}
			// Another workspace holds the same words; it must never show.
			owner := env.NewUser(t, "b@example.com")
			b, err := env.Store.CreateWorkspace(t.Context(), audit.System, owner.ID, workspace.CreateInput{Name: "B"})
			if err != nil {
				t.Fatal(err)
			}
			theirs := feedback.Item{SourceKind: feedback.Ticket, Source: "zendesk", ExternalID: "crash",
				At: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), Text: "The billing page crashed when I updated my card"}
			theirs.Normalize()
			if _, err := env.Store.WriteFeedback(t.Context(), b.ID, &store.Batch{Items: []feedback.Item{theirs}}); err != nil {
				t.Fatal(err)
			}

			search := func(query string) []string {
				t.Helper()
				var ids []string
				next := ""
				for range 20 {
					path := base + "/feedback-search?limit=1&" + query
					if next != "" {
						path += "&cursor=" + url.QueryEscape(next)
					}
					r := env.Do(t, http.MethodGet, path, nil)
					if r.Status != http.StatusOK {
						t.Fatalf("GET %s = %d %s", path, r.Status, r.Body)
					}
					var page searchPage
					r.JSON(t, &page)
					for _, h := range page.Items {
						if h.Item.WorkspaceID != env.Workspace.ID {
							t.Fatalf("GET %s returned item %d of workspace %d", path, h.Item.ID, h.Item.WorkspaceID)
						}
						ids = append(ids, h.Item.ExternalID)
					}
					if next = page.NextCursor; next == "" {
						slices.Sort(ids)
						return ids
					}
				}
				t.Fatalf("search %s did not end", query)
				return nil
			}
			for _, c := range []struct {
				query string
				want  []string
			}{
				{"q=billing", []string{"again", "crash", "praise", "twice"}},
				{"q=" + url.QueryEscape(`"billing page" -card`), []string{"again"}},
				{"q=refund+OR+templates", []string{"other", "twice"}},
				{"q=billing&source=zendesk", []string{"again", "crash"}},
				{"q=billing&source_kind=survey", []string{"praise", "twice"}},
				{"q=billing&question=nps&score_min=0&score_max=6", []string{"twice"}},
				{"q=billing&score_min=6.5", []string{"praise"}},
				{"q=billing&touchpoint=Billing", []string{"crash"}},
				{"q=billing&from=2026-03-02T00:00:00Z&to=2026-03-04T00:00:00Z", []string{"praise", "twice"}},
				{"q=billing&customer=c1", []string{"crash"}},
				{"q=billing&attr=plan:free", []string{"praise", "twice"}},
				{"q=billing&attr=plan:free&attr=plan:pro&attr=region:emea", []string{"twice"}},
				{"q=billing&excluded=true", []string{"again"}},
				{"q=billing&excluded=false", []string{"crash", "praise", "twice"}},
				// What a user types is never syntax.
				{"q=" + url.QueryEscape(`"billing`), []string{"again", "crash", "praise", "twice"}},
				{"q=" + url.QueryEscape(`billing'; DROP TABLE feedback_items; --`), nil},
				{"q=" + url.QueryEscape(`NEAR(billing) AND OR NOT *`), nil},
			} {
				if got := search(c.query); !slices.Equal(got, c.want) {
					t.Errorf("search %s = %q, want %q", c.query, got, c.want)
				}
			}

			// A hit carries the item, its rank and a snippet with the matches marked.
			r = env.Do(t, http.MethodGet, base+"/feedback-search?q=crashes&source=zendesk&excluded=false", nil)
			var page searchPage
			r.JSON(t, &page)
			if r.Status != http.StatusOK || len(page.Items) != 1 {
				t.Fatalf("search crashes = %d %s", r.Status, r.Body)
			}
			h := page.Items[0]
			if h.Item.ExternalID != "crash" || h.Rank <= 0 || h.Snippet != "The billing page crashed when I updated my card" ||
				!slices.Equal(h.Highlights, []store.Span{{Start: 17, End: 24}}) {
				t.Errorf("hit = %+v, want the crash item with rank > 0 and crashed highlighted at 17..24", h)
			}

			// Bad parameters are named.
			for _, c := range []struct{ query, param string }{
				{"", "q"},
				{"q=", "q"},
				{"q=-refund", "q"},
				{"q=the+not", "q"},
				{"q=" + url.QueryEscape(`"" - ...`), "q"},
				{"q=billing&score_min=lots", "score_min"},
				{"q=billing&score_max=NaN", "score_max"},
				{"q=billing&score_min=5&score_max=1", "score_max"},
				{"q=billing&from=yesterday", "from"},
				{"q=billing&from=2026-03-04T00:00:00Z&to=2026-03-01T00:00:00Z", "to"},
				{"q=billing&question=stars", "question"},
				{"q=billing&source_kind=email", "source_kind"},
				{"q=billing&attr=plan", "attr"},
				{"q=billing&attr=:pro", "attr"},
				{"q=billing&excluded=maybe", "excluded"},
				{"q=billing&limit=0", "limit"},
				{"q=billing&cursor=nonsense", "cursor"},
				{"q=billing&cursor=eyJhIjoxMDAwMH0", "cursor"}, // {"a":10000}: past the deepest page
			} {
				r := env.Do(t, http.MethodGet, base+"/feedback-search?"+c.query, nil)
				var p httpapi.Problem
				r.JSON(t, &p)
				if r.Status != http.StatusBadRequest || len(p.Errors) == 0 || p.Errors[0].Field != c.param {
					t.Errorf("GET feedback-search?%s = %d %s, want 400 naming %s", c.query, r.Status, r.Body, c.param)
				}
			}
		})
	}
}
