package cli

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

func TestSearchCommand(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			r := buildRoadmap(t, d)
			item := func(id, source, text string, day int, s *float64, attrs map[string]string) feedback.Item {
				it := feedback.Item{SourceKind: feedback.Survey, Source: source, ExternalID: id, At: time.Date(2026, 3, day, 12, 0, 0, 0, time.UTC),
					Text: text, Attributes: attrs}
				if s != nil {
					it.Question, it.Score = feedback.NPS, s
				}
				it.Normalize()
				return it
			}
			two, nine := 2.0, 9.0
			items := []feedback.Item{
				item("r1", "qualtrics", "The billing page crashed when I updated my card", 2, &two, map[string]string{"plan": "pro"}),
				item("r2", "qualtrics", "Billing is clear,\tsupport was friendly", 3, &nine, map[string]string{"plan": "free"}),
				item("t1", "zendesk", "Crashed again on the billing page; please, fix it", 5, nil, nil),
			}
			if _, err := r.st.WriteFeedback(t.Context(), r.ws, &store.Batch{Items: items}); err != nil {
				t.Fatal(err)
			}
			// Another workspace's matching feedback never shows.
			u, err := r.st.CreateUser(t.Context(), audit.System, "other@example.com", "", "", false)
			if err != nil {
				t.Fatal(err)
			}
			other, err := r.st.CreateWorkspace(t.Context(), audit.System, u.ID, workspace.CreateInput{Name: "Other"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.st.WriteFeedback(t.Context(), other.ID, &store.Batch{Items: []feedback.Item{item("x", "qualtrics", "billing billing crashed", 2, nil, nil)}}); err != nil {
				t.Fatal(err)
			}

			out := r.ok(t, []string{"ID AT SOURCE SCORE RANK SNIPPET", "2026-03-02 qualtrics nps 2", "The «billing» page «crashed» when I updated my card",
				"2026-03-05 zendesk -", "«Crashed» again on the «billing» page; please, fix it"},
				"search", "billing", "crashes")
			if strings.Contains(out, "friendly") || strings.Count(out, "\n") != 3 {
				t.Errorf("search billing crashes printed\n%s\nwant the header and two hits", out)
			}
			// Filters, and words with quote marks and operators.
			out = r.ok(t, []string{"«Billing» is clear, «support» was friendly"}, "search", `'billing' OR supports -NEAR(`, "--attr", "plan:free", "--score-min", "5")
			if strings.Count(out, "\n") != 2 {
				t.Errorf("search with filters printed\n%s\nwant one hit", out)
			}
			r.ok(t, []string{"no feedback matches"}, "search", "billing", "--source", "zendesk", "--to", "2026-03-05")
			r.ok(t, []string{"Crashed again on the «billing» page"}, "search", "billing", "--source", "Zendesk", "--from", "2026-03-05T00:00:00Z", "--excluded", "false")
			r.ok(t, []string{"no feedback matches"}, "search", "billing", "--excluded", "true")

			// CSV: a header, then a row per hit with its plain snippet and full text.
			out = r.ok(t, nil, "search", "billing", "--format", "csv", "--limit", "2")
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || len(recs) != 3 || recs[0][9] != "snippet" || recs[1][10] == "" || strings.ContainsAny(recs[1][9], "«»") {
				t.Errorf("csv = %q, %v; want a header and two hits", recs, err)
			}

			// JSON is the API's list of hits.
			var list struct {
				Items []store.SearchHit `json:"items"`
			}
			decode(t, r.ok(t, nil, "search", "page", "crashed", "--format", "json", "--customer", ""), &list)
			if len(list.Items) != 2 || list.Items[0].Item.WorkspaceID != r.ws || len(list.Items[0].Highlights) != 2 {
				t.Errorf("json = %+v, want two hits with two highlights each", list.Items)
			}
			for _, h := range list.Items {
				if h.Item.WorkspaceID != r.ws {
					t.Errorf("json hit %d is of workspace %d", h.Item.ID, h.Item.WorkspaceID)
				}
			}

			// Mistakes are named.
			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"search"}, "name the words to search for"},
				{[]string{"search", "-refund"}, "flag provided but not defined: -refund"},
				{[]string{"search", "billing", "--format", "xml"}, "--format"},
				{[]string{"search", "billing", "--score-min", "5", "--score-max", "1"}, "--score-max must not be below the minimum score"},
				{[]string{"search", "billing", "--score-min", "lots"}, "score-min"},
				{[]string{"search", "billing", "--question", "stars"}, "--question"},
				{[]string{"search", "billing", "--source-kind", "email"}, "--source-kind"},
				{[]string{"search", "billing", "--attr", "plan"}, "--attr"},
				{[]string{"search", "billing", "--excluded", "maybe"}, "--excluded"},
				{[]string{"search", "billing", "--from", "soon"}, "--from"},
				{[]string{"search", "billing", "--limit", "0"}, "--limit"},
			} {
				code, _, errs := r.run(t, c.args...)
				if code != 2 || !strings.Contains(errs, c.want) {
					t.Errorf("lodestar %s = exit %d, %q; want exit 2 naming %s", strings.Join(c.args, " "), code, errs, c.want)
				}
			}
			// -- ends the flags, so that a word to leave out can come first.
			if code, _, errs := runIn(t, "", append(append([]string{"search", "--workspace", fmt.Sprint(r.ws)}, r.args...), "--", "-refund")...); code != 2 ||
				!strings.Contains(errs, "the words to search for must hold at least one word") {
				t.Errorf("search -- -refund = exit %d, %q; want exit 2 naming the words", code, errs)
			}
			if code, _, errs := runIn(t, "", append([]string{"search", "billing", "--workspace", fmt.Sprint(r.ws + 100)}, r.args...)...); code != 1 || !strings.Contains(errs, "not found") {
				t.Errorf("search in a missing workspace = exit %d, %q", code, errs)
			}
		})
	}
}
