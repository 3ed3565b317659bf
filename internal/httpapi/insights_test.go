package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/apitest"
	"github.com/lodestar-cx/lodestar/internal/httpapi"
	"github.com/lodestar-cx/lodestar/internal/insights"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
)

func TestInsightsThroughTheAPI(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			clock := storetest.NewClock(time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC))
			env := apitest.Start(t, d, apitest.Options{Now: clock.Now})
			base := fmt.Sprintf("/api/v1/workspaces/%d", env.Workspace.ID)
			post := func(path string, body any, into any) {
				t.Helper()
				r := env.Do(t, http.MethodPost, base+path, body)
				if r.Status/100 != 2 {
					t.Fatalf("POST %s = %d %s", path, r.Status, r.Body)
				}
				if into != nil {
					r.JSON(t, into)
				}
			}
			var m struct {
				ID     int64 `json:"id"`
				Stages []struct {
					ID   int64  `json:"id"`
					Name string `json:"name"`
				} `json:"stages"`
			}
			post("/journeys", map[string]any{"name": "Buying"}, &m)
			post(fmt.Sprintf("/journeys/%d/touchpoints", m.ID), map[string]any{"stage_id": m.Stages[2].ID, "name": "Checkout", "channel": "web"}, nil)
			var theme insights.Theme
			post("/themes", map[string]any{"name": "Checkout crashes", "any": []string{"crash", "freeze"}}, &theme)

			// At checkout, February: 2 of 20 detractors say it crashed; March: 12 of 20, and 1 of
			// 20 promoters. The detractors of March are customers with 100 of revenue each.
			var items []map[string]any
			var customers []map[string]any
			add := func(month, i int, score int, text, customer string) {
				items = append(items, map[string]any{"source_kind": "survey", "source": "survey-tool", "external_id": fmt.Sprintf("m%d-%d-%d", month, score, i),
					"customer_external_id": customer, "at": fmt.Sprintf("2026-%02d-%02dT10:00:00Z", month, 1+i), "question": "nps", "score": score,
					"text": text, "touchpoint": "Checkout"})
			}
			for i := range 20 {
				txt := "Delivery options are limited and the prices are high."
				if i < 2 {
					txt = "The app crashed twice while I was paying."
				}
				add(2, i, 3, txt, "")
				add(2, i, 10, "Great service, I love how simple it is.", "")
				txt = "Delivery options are limited and the prices are high."
				if i < 12 {
					txt = "Checkout keeps crashing, I could not pay at all."
				}
				id := fmt.Sprint("d", i)
				customers = append(customers, map[string]any{"external_id": id, "plan": "pro", "revenue": 100})
				add(3, i, 2, txt, id)
				txt = "Great service, I love how simple it is."
				if i == 0 {
					txt = "Good overall, although it crashed once."
				}
				add(3, i, 9, txt, "")
			}
			post("/customers", map[string]any{"customers": customers}, nil)
			post("/feedback", map[string]any{"items": items}, nil)

			// Each item is scored and tagged as it is written.
			var list struct {
				Items []struct {
					ID         int64  `json:"id"`
					ExternalID string `json:"external_id"`
				} `json:"items"`
			}
			env.Do(t, http.MethodGet, base+"/feedback?limit=200", nil).JSON(t, &list)
			ids := map[string]int64{}
			for _, it := range list.Items {
				ids[it.ExternalID] = it.ID
			}
			var in store.ItemInsight
			env.Do(t, http.MethodGet, fmt.Sprintf("%s/feedback/%d/insight", base, ids["m3-2-0"]), nil).JSON(t, &in)
			if !in.Analysed || len(in.Themes) != 1 || in.Themes[0] != "Checkout crashes" || in.Label != "negative" {
				t.Errorf("insight of a crash complaint = %+v, want analysed, negative, tagged Checkout crashes", in)
			}
			env.Do(t, http.MethodGet, fmt.Sprintf("%s/feedback/%d/insight", base, ids["m3-9-5"]), nil).JSON(t, &in)
			if len(in.Themes) != 0 || in.Label != "positive" {
				t.Errorf("insight of praise = %+v, want positive and no theme", in)
			}

			// March's friction point: 60% of detractors against 5% of promoters, 12 customers and
			// 1,200 of revenue, at the purchase stage.
			var fp httpapi.FrictionPoints
			r := env.Do(t, http.MethodGet, base+"/friction-points?from=2026-03-01&to=2026-04-01", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("friction points = %d %s", r.Status, r.Body)
			}
			r.JSON(t, &fp)
			if len(fp.Points) != 1 {
				t.Fatalf("friction points = %+v, want one", fp.Points)
			}
			p := fp.Points[0]
			if p.Touchpoint != "Checkout" || p.Stage != m.Stages[2].Name || p.Detractors != 12 || p.DetractorShare != 60 || p.Promoters != 1 ||
				p.PromoterShare != 5 || !p.Test.Significant || p.Customers != 12 || p.Revenue != 1200 {
				t.Errorf("friction point = %+v, want Checkout (%s): 12 of 20 detractors against 1 of 20 promoters, 12 customers, 1200", p, m.Stages[2].Name)
			}

			// What changed from February to March: the theme rose among detractors.
			var ex insights.Explanation
			r = env.Do(t, http.MethodGet, base+"/metric-explanations?from=2026-03-01&to=2026-04-01&b_from=2026-02-01&b_to=2026-03-01", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("explanation = %d %s", r.Status, r.Body)
			}
			r.JSON(t, &ex)
			if len(ex.Themes) != 1 || ex.Themes[0].BeforeShare != 10 || ex.Themes[0].AfterShare != 60 || !ex.Themes[0].Test.Significant ||
				!strings.Contains(ex.Summary, `"Checkout crashes" rose from 10.0% to 60.0% of detractors`) {
				t.Errorf("explanation = %+v / %q, want Checkout crashes rising from 10%% to 60%% of detractors", ex.Themes, ex.Summary)
			}

			// The theme's evidence, and the pain point it becomes.
			var sums httpapi.ThemeSummaries
			env.Do(t, http.MethodGet, base+"/theme-summaries?from=2026-03-01&to=2026-04-01", nil).JSON(t, &sums)
			if len(sums.Themes) != 1 || sums.Themes[0].Volume != 13 || sums.Themes[0].Customers != 12 || sums.Themes[0].Revenue != 1200 ||
				sums.Themes[0].NPS == nil || sums.Themes[0].NPS.Test.Difference >= 0 || len(sums.Themes[0].Examples) != 3 {
				t.Errorf("summaries = %+v, want 13 items from 12 customers (1200), a negative NPS gap and 3 quotes", sums.Themes)
			}
			var tpp httpapi.ThemePainPoint
			post(fmt.Sprintf("/themes/%d/pain-point", theme.ID), map[string]any{"journey_id": m.ID, "severity": 4}, &tpp)
			if tpp.PainPoint.Title != "Checkout crashes" || tpp.PainPoint.Severity != 4 || tpp.Theme.PainPointID == nil ||
				*tpp.Theme.PainPointID != tpp.PainPoint.ID || !strings.Contains(tpp.PainPoint.Description, "15 items") {
				t.Errorf("pain point = %+v, theme %+v", tpp.PainPoint, tpp.Theme)
			}

			// Discovery over detractors against promoters.
			r = env.Do(t, http.MethodGet, base+"/theme-discovery?from=2026-02-01&to=2026-04-01", nil)
			if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"name":"Checkout crashes"`) {
				t.Errorf("discovery = %d %.300s", r.Status, r.Body)
			}
			if r := env.Do(t, http.MethodGet, base+"/theme-discovery?target=segment", nil); r.Status != http.StatusBadRequest {
				t.Errorf("segment discovery without dim = %d, want 400", r.Status)
			}

			// A changed rule re-tags everything.
			var cur insights.Theme
			env.Do(t, http.MethodGet, fmt.Sprintf("%s/themes/%d", base, theme.ID), nil).JSON(t, &cur)
			r = env.Do(t, http.MethodPut, fmt.Sprintf("%s/themes/%d", base, theme.ID), map[string]any{"name": "Delivery", "any": []string{"delivery"}},
				"If-Match", fmt.Sprintf(`"v%d"`, cur.Version))
			if r.Status != http.StatusOK {
				t.Fatalf("replace theme = %d %s", r.Status, r.Body)
			}
			env.Do(t, http.MethodGet, fmt.Sprintf("%s/feedback/%d/insight", base, ids["m3-2-0"]), nil).JSON(t, &in)
			if len(in.Themes) != 0 {
				t.Errorf("after the rule changed, the crash complaint has themes %v", in.Themes)
			}
			env.Do(t, http.MethodGet, fmt.Sprintf("%s/feedback/%d/insight", base, ids["m3-2-15"]), nil).JSON(t, &in)
			if len(in.Themes) != 1 || in.Themes[0] != "Delivery" {
				t.Errorf("after the rule changed, a delivery complaint has themes %v, want Delivery", in.Themes)
			}
			if r := env.Do(t, http.MethodPost, base+"/themes", map[string]any{"name": "Bad", "any": []string{"the"}}); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("a rule of stop words only = %d %s, want 422", r.Status, r.Body)
			}
		})
	}
}
