package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/apitest"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
)

func saveSurveyMapping(t *testing.T, env *apitest.Env, name string) {
	t.Helper()
	resp := env.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/workspaces/%d/import-mappings", env.Workspace.ID),
		map[string]any{"name": name, "mapping": surveyMapping})
	if resp.Status != http.StatusCreated {
		t.Fatalf("save mapping = %d %s", resp.Status, resp.Body)
	}
}

// awaitImport polls an import until it finishes.
func awaitImport(t *testing.T, env *apitest.Env, id int64) feedback.Import {
	t.Helper()
	for range 200 {
		var im feedback.Import
		resp := env.Do(t, http.MethodGet, fmt.Sprintf("/api/v1/workspaces/%d/imports/%d", env.Workspace.ID, id), nil)
		if resp.Status != http.StatusOK {
			t.Fatalf("get import = %d %s", resp.Status, resp.Body)
		}
		resp.JSON(t, &im)
		if im.Status.Finished() {
			return im
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("import %d did not finish", id)
	return feedback.Import{}
}

func TestFeedbackImportThroughTheAPI(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			env := apitest.Start(t, d, apitest.Options{})
			base := fmt.Sprintf("/api/v1/workspaces/%d", env.Workspace.ID)
			saveSurveyMapping(t, env, "survey")

			// The plan shows the format, the columns and the records as they will be written.
			var plan struct {
				Format  string `json:"format"`
				Columns []struct {
					Key string `json:"key"`
				} `json:"columns"`
				Sample []struct {
					Row   int             `json:"row"`
					Items []feedback.Item `json:"items"`
				} `json:"sample"`
			}
			resp := env.Do(t, http.MethodPost, base+"/import-plans?format=csv&mapping=survey", surveyCSV, uploadHeaders...)
			if resp.Status != http.StatusOK {
				t.Fatalf("plan = %d %s", resp.Status, resp.Body)
			}
			resp.JSON(t, &plan)
			if plan.Format != "csv" || len(plan.Columns) != 5 || len(plan.Sample) != 3 || plan.Sample[0].Row != 2 ||
				len(plan.Sample[0].Items) != 1 || *plan.Sample[0].Items[0].Score != 0 {
				t.Errorf("plan = %s", resp.Body)
			}

			resp = env.Do(t, http.MethodPost, base+"/imports?format=csv&mapping=survey&file_name=march.csv", surveyCSV, uploadHeaders...)
			if resp.Status != http.StatusAccepted {
				t.Fatalf("create import = %d %s", resp.Status, resp.Body)
			}
			var started feedback.Import
			resp.JSON(t, &started)
			im := awaitImport(t, env, started.ID)
			if im.Status != feedback.ImportDone || im.RowsDone != 3 || im.Inserted != 3 || im.FileName != "march.csv" {
				t.Errorf("finished import = %+v", im)
			}
			// The events stream of a finished import ends with done.
			resp = env.Do(t, http.MethodGet, fmt.Sprintf("%s/imports/%d/events", base, im.ID), nil)
			if resp.Status != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") ||
				!strings.Contains(string(resp.Body), "event: done\n") || !strings.Contains(string(resp.Body), `"rows_done":3`) {
				t.Errorf("events = %d %s %q", resp.Status, resp.Header.Get("Content-Type"), resp.Body)
			}
			var list struct {
				Items []feedback.Item `json:"items"`
			}
			resp = env.Do(t, http.MethodGet, base+"/feedback?question=nps", nil)
			resp.JSON(t, &list)
			if len(list.Items) != 3 {
				t.Errorf("feedback after import = %d items, want 3", len(list.Items))
			}

			// The same file again changes nothing.
			resp = env.Do(t, http.MethodPost, base+"/imports?format=csv&mapping=survey", surveyCSV, uploadHeaders...)
			resp.JSON(t, &started)
			if again := awaitImport(t, env, started.ID); again.Unchanged != 3 || again.Inserted+again.Updated != 0 {
				t.Errorf("re-import = %+v, want 3 unchanged", again)
			}

			// A file with a bad score is refused whole, and says where.
			bad := surveyCSV + "r4,2026-03-04T10:00:00Z,c4,12,too high\n"
			resp = env.Do(t, http.MethodPost, base+"/imports?format=csv&mapping=survey", bad, uploadHeaders...)
			resp.JSON(t, &started)
			refused := awaitImport(t, env, started.ID)
			if refused.Status != feedback.ImportRefused || len(refused.Problems) != 1 || refused.Problems[0].Row != 5 || refused.Problems[0].Column != "nps" {
				t.Errorf("bad file = %+v", refused)
			}
			resp = env.Do(t, http.MethodGet, base+"/feedback", nil)
			resp.JSON(t, &list)
			if len(list.Items) != 3 {
				t.Errorf("after the refused file: %d items, want 3", len(list.Items))
			}

			// A mapping that names a column the file lacks is refused before any job exists.
			resp = env.Do(t, http.MethodPost, base+"/imports?format=csv&mapping=survey", "id,when\n1,2026-01-01\n", uploadHeaders...)
			if resp.Status != http.StatusUnprocessableEntity || !strings.Contains(string(resp.Body), "mapping.external_id") {
				t.Errorf("mapping that does not fit = %d %s", resp.Status, resp.Body)
			}
		})
	}
}

func TestPostFeedbackBatch(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			env := apitest.Start(t, d, apitest.Options{})
			path := fmt.Sprintf("/api/v1/workspaces/%d/feedback", env.Workspace.ID)
			item := func(id string, score any) map[string]any {
				return map[string]any{"source_kind": "survey", "source": "webhook", "external_id": id,
					"at": "2026-03-01T10:00:00Z", "question": "nps", "score": score}
			}
			resp := env.Do(t, http.MethodPost, path, map[string]any{"items": []any{item("a", 0), item("b", 11), item("", 5)}})
			if resp.Status != http.StatusUnprocessableEntity {
				t.Fatalf("bad batch = %d %s", resp.Status, resp.Body)
			}
			for _, want := range []string{`"items[1].score"`, `"items[2].external_id"`} {
				if !strings.Contains(string(resp.Body), want) {
					t.Errorf("bad batch answer lacks %s: %s", want, resp.Body)
				}
			}
			resp = env.Do(t, http.MethodPost, path, map[string]any{"items": []any{item("a", 0), item("b", 10)}})
			if resp.Status != http.StatusOK || !strings.Contains(string(resp.Body), `"inserted":2`) {
				t.Errorf("good batch = %d %s", resp.Status, resp.Body)
			}
			resp = env.Do(t, http.MethodPost, path, map[string]any{"items": []any{item("a", 0), item("b", 9)}})
			if !strings.Contains(string(resp.Body), `"updated":1`) || !strings.Contains(string(resp.Body), `"unchanged":1`) {
				t.Errorf("batch again with one change = %s", resp.Body)
			}
			many := make([]any, 1001)
			for i := range many {
				many[i] = item(fmt.Sprint(i), 5)
			}
			if resp = env.Do(t, http.MethodPost, path, map[string]any{"items": many}); resp.Status != http.StatusUnprocessableEntity {
				t.Errorf("1,001 items = %d, want 422", resp.Status)
			}
		})
	}
}
