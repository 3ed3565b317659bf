package httpapi_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/apitest"
	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/httpapi"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

func TestInitiatives(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			clock := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
			env := apitest.Start(t, d, apitest.Options{Now: clock.Now})
			base := fmt.Sprintf("/api/v1/workspaces/%d", env.Workspace.ID)
			create := func(body map[string]any) roadmap.Initiative {
				t.Helper()
				r := env.Do(t, "POST", base+"/initiatives", body)
				if r.Status != 201 {
					t.Fatalf("create %v = %d %s", body, r.Status, r.Body)
				}
				var it roadmap.Initiative
				r.JSON(t, &it)
				return it
			}
			field := func(r *apitest.Response, want string) string {
				t.Helper()
				var p httpapi.Problem
				r.JSON(t, &p)
				if r.Status != 422 || len(p.Errors) == 0 || p.Errors[0].Field != want {
					t.Fatalf("got %d %+v, want 422 naming %s", r.Status, p, want)
				}
				return p.Errors[0].Message
			}

			chat := create(map[string]any{"title": "Live chat for instant support", "horizon": "short", "status": "planned",
				"start_date": "2026-03-01", "due_date": "2026-04-30", "inputs": map[string]any{"impact": 4, "feasibility": 4, "alignment": 5}})
			// The default framework: 0.5 × impact + 0.25 × feasibility + 0.25 × alignment.
			if chat.Score == nil || chat.Score.Score != 4.25 || len(chat.Score.Terms) != 3 || chat.Score.Framework != "impact-feasibility-alignment" {
				t.Fatalf("score = %+v, want 4.25 from three terms", chat.Score)
			}
			if !slices.Contains(chat.Flags, "no_accountable") {
				t.Errorf("flags %v lack no_accountable", chat.Flags)
			}
			bot := create(map[string]any{"title": "AI chatbot", "horizon": "short", "start_date": "2026-04-15", "due_date": "2026-06-30",
				"inputs": map[string]any{"impact": 5, "feasibility": 2, "alignment": 4}})
			guides := create(map[string]any{"title": "Self-service onboarding guides", "horizon": "mid",
				"inputs": map[string]any{"impact": 3}})
			if guides.Score != nil || !strings.Contains(guides.ScoreError, "feasibility") {
				t.Errorf("an initiative lacking inputs: score %+v, error %q; want no score, naming feasibility", guides.Score, guides.ScoreError)
			}
			field(env.Do(t, "POST", base+"/initiatives", map[string]any{"title": "X", "horizon": "someday"}), "horizon")
			field(env.Do(t, "POST", base+"/initiatives", map[string]any{"title": "X", "horizon": "short", "inputs": map[string]any{"karma": 3}}), "inputs.karma")
			field(env.Do(t, "POST", base+"/initiatives", map[string]any{"title": "X", "horizon": "short",
				"start_date": "2026-05-01", "due_date": "2026-04-01"}), "due_date")

			// Ranking within a horizon, by score; the unscored come last.
			var list httpapi.List[roadmap.Initiative]
			env.Do(t, "GET", base+"/initiatives", nil).JSON(t, &list)
			var order []string
			for _, it := range list.Items {
				order = append(order, fmt.Sprintf("%s/%d", it.Horizon, it.Rank))
			}
			if fmt.Sprint(order) != "[short/1 short/2 mid/0]" || list.Items[0].ID != chat.ID {
				t.Errorf("order %v (first %d), want [short/1 short/2 mid/0] with live chat first", order, list.Items[0].ID)
			}

			// Dependencies: the chatbot cannot wait for live chat while it starts before live
			// chat is due; once live chat ends earlier it can.
			msg := field(env.Do(t, "POST", base+"/dependencies", map[string]any{"prerequisite_id": chat.ID, "dependent_id": bot.ID}), "prerequisite_id")
			if !strings.Contains(msg, "2026-04-30") || !strings.Contains(msg, "2026-04-15") {
				t.Errorf("dates message %q does not name both dates", msg)
			}
			if r := env.Do(t, "PATCH", fmt.Sprintf("%s/initiatives/%d", base, chat.ID), map[string]any{"due_date": "2026-04-10"}, "If-Match", `"v1"`); r.Status != 200 {
				t.Fatalf("move live chat's due date = %d %s", r.Status, r.Body)
			}
			dep := env.Do(t, "POST", base+"/dependencies", map[string]any{"prerequisite_id": chat.ID, "dependent_id": bot.ID})
			if dep.Status != 201 {
				t.Fatalf("add dependency = %d %s", dep.Status, dep.Body)
			}
			// Live chat slips past the bot's start: allowed, and the bot is flagged.
			if r := env.Do(t, "PATCH", fmt.Sprintf("%s/initiatives/%d", base, chat.ID), map[string]any{"due_date": "2026-04-30"}, "If-Match", `"v2"`); r.Status != 200 {
				t.Fatalf("slip live chat = %d %s", r.Status, r.Body)
			}
			// Starting the bot before live chat ends is refused by hand.
			field(env.Do(t, "PATCH", fmt.Sprintf("%s/initiatives/%d", base, bot.ID), map[string]any{"start_date": "2026-04-20"}, "If-Match", `"v1"`), "start_date")
			msg = field(env.Do(t, "POST", base+"/dependencies", map[string]any{"prerequisite_id": bot.ID, "dependent_id": chat.ID}), "dependent_id")
			if !strings.Contains(msg, `"AI chatbot"`) || !strings.Contains(msg, `"Live chat for instant support"`) || strings.Count(msg, "→") != 2 {
				t.Errorf("cycle message %q does not spell the cycle out", msg)
			}
			field(env.Do(t, "POST", base+"/dependencies", map[string]any{"prerequisite_id": chat.ID, "dependent_id": bot.ID}), "dependent_id")
			var got roadmap.Initiative
			env.Do(t, "GET", fmt.Sprintf("%s/initiatives/%d", base, bot.ID), nil).JSON(t, &got)
			if !slices.Contains(got.Flags, "dependency_conflict") {
				t.Errorf("bot flags %v lack dependency_conflict (it starts before live chat is due)", got.Flags)
			}
			var tl roadmap.Timeline
			env.Do(t, "GET", base+"/timeline", nil).JSON(t, &tl)
			if len(tl.Conflicts) != 1 || tl.Conflicts[0].DependentID != bot.ID || tl.Conflicts[0].Days != 16 {
				t.Errorf("conflicts %+v, want the bot to move 16 days", tl.Conflicts)
			}
			if fmt.Sprint(tl.CriticalPath) != fmt.Sprint([]int64{chat.ID, bot.ID}) {
				t.Errorf("critical path %v, want [%d %d]", tl.CriticalPath, chat.ID, bot.ID)
			}

			// Ownership: one accountable clears the flag; a second is flagged.
			for i, u := range []int64{env.Owner.ID, env.Owner.ID} {
				body := map[string]any{"user_id": u, "role": "accountable"}
				r := env.Do(t, "POST", fmt.Sprintf("%s/initiatives/%d/assignments", base, chat.ID), body)
				if i == 1 {
					field(r, "role") // the same person twice
				}
			}
			team, err := env.Store.CreateTeam(t.Context(), audit.System, env.Workspace.ID, workspace.TeamInput{Name: "Support"})
			if err != nil {
				t.Fatal(err)
			}
			if r := env.Do(t, "POST", fmt.Sprintf("%s/initiatives/%d/assignments", base, chat.ID), map[string]any{"team_id": team.ID, "role": "accountable"}); r.Status != 201 {
				t.Fatalf("assign a team = %d %s", r.Status, r.Body)
			}
			env.Do(t, "GET", fmt.Sprintf("%s/initiatives/%d", base, chat.ID), nil).JSON(t, &got)
			if got.Accountable != 2 || !slices.Contains(got.Flags, "several_accountable") {
				t.Errorf("accountable %d, flags %v; want 2 and several_accountable", got.Accountable, got.Flags)
			}

			// Switching framework rescores everything; inputs on the wrong scale are named.
			if r := env.Do(t, "PUT", base+"/priority-framework", map[string]any{"kind": "custom", "formula": "impact * 2 +"}); r.Status != 422 {
				t.Errorf("a broken formula = %d, want 422", r.Status)
			}
			if r := env.Do(t, "PUT", base+"/priority-framework", map[string]any{"kind": "custom", "formula": "impact * 2 - feasibility"}); r.Status != 200 {
				t.Fatalf("set custom framework = %d %s", r.Status, r.Body)
			}
			env.Do(t, "GET", fmt.Sprintf("%s/initiatives/%d", base, chat.ID), nil).JSON(t, &got)
			if got.Score == nil || got.Score.Score != 4 || got.Score.Framework != "custom" {
				t.Errorf("custom score %+v, want 4", got.Score)
			}

			// Overdue once the due date passes unfinished.
			clock.Advance(60 * 24 * time.Hour)
			env.Do(t, "GET", fmt.Sprintf("%s/initiatives/%d", base, chat.ID), nil).JSON(t, &got)
			if !slices.Contains(got.Flags, "overdue") {
				t.Errorf("flags %v lack overdue", got.Flags)
			}
		})
	}
}

// Ids in request bodies are checked against the workspace of the path: naming another
// workspace's objects is refused as invalid input and changes nothing.
func TestBodyIDsStayInTheirWorkspace(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			env := apitest.Start(t, d, apitest.Options{})
			w := newWorld(t, env)
			base := fmt.Sprintf("/api/v1/workspaces/%d", w.a)
			mine, theirs := w.initiative(w.a), w.initiative(w.b)
			theirTeam := w.team(w.b, 0)
			cases := []struct {
				path  string
				body  map[string]any
				field string
			}{
				{"/dependencies", map[string]any{"prerequisite_id": theirs.ID, "dependent_id": mine.ID}, "prerequisite_id"},
				{"/dependencies", map[string]any{"prerequisite_id": mine.ID, "dependent_id": theirs.ID}, "dependent_id"},
				{fmt.Sprintf("/initiatives/%d/assignments", mine.ID), map[string]any{"user_id": w.owners[w.b], "role": "responsible"}, "user_id"},
				{fmt.Sprintf("/initiatives/%d/assignments", mine.ID), map[string]any{"team_id": theirTeam.ID, "role": "responsible"}, "team_id"},
				{"/goals", map[string]any{"title": "X", "parent_id": w.visions[w.b]}, "parent_id"},
				{"/goals", map[string]any{"title": "X", "parent_id": w.visions[w.a], "owner_team_id": theirTeam.ID}, "owner_team_id"},
				{"/goals", map[string]any{"title": "X", "parent_id": w.visions[w.a], "owner_user_id": w.owners[w.b]}, "owner_user_id"},
				{"/teams", map[string]any{"name": "X", "lead_user_id": w.owners[w.b]}, "lead_user_id"},
			}
			for _, c := range cases {
				r := env.Do(t, "POST", base+c.path, c.body)
				var p httpapi.Problem
				r.JSON(t, &p)
				if r.Status != 422 || len(p.Errors) == 0 || p.Errors[0].Field != c.field {
					t.Errorf("POST %s %v = %d %+v; want 422 naming %s", c.path, c.body, r.Status, p, c.field)
				}
			}
			plan, err := env.Store.Plan(t.Context(), w.a)
			if err != nil || len(plan.Deps) != 0 {
				t.Errorf("workspace A's dependencies after refused requests: %v, %v", plan.Deps, err)
			}
		})
	}
}

// A slip is previewed, then applied only while the preview still holds.
func TestReschedule(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			env := apitest.Start(t, d, apitest.Options{})
			base := fmt.Sprintf("/api/v1/workspaces/%d", env.Workspace.ID)
			mk := func(title, start, due string) roadmap.Initiative {
				t.Helper()
				var it roadmap.Initiative
				r := env.Do(t, "POST", base+"/initiatives", map[string]any{"title": title, "horizon": "short", "start_date": start, "due_date": due})
				if r.Status != 201 {
					t.Fatalf("create = %d %s", r.Status, r.Body)
				}
				r.JSON(t, &it)
				return it
			}
			a := mk("A", "2026-03-01", "2026-03-10")
			b := mk("B", "2026-03-11", "2026-03-20")
			c := mk("C", "2026-03-21", "2026-03-31")
			free := mk("Free", "2026-03-25", "2026-04-05")
			for _, dep := range [][2]int64{{a.ID, b.ID}, {b.ID, c.ID}} {
				if r := env.Do(t, "POST", base+"/dependencies", map[string]any{"prerequisite_id": dep[0], "dependent_id": dep[1]}); r.Status != 201 {
					t.Fatalf("dependency = %d %s", r.Status, r.Body)
				}
			}
			slip := map[string]any{"due_date": "2026-03-15"} // A slips five days
			var preview httpapi.Reschedule
			if r := env.Do(t, "POST", fmt.Sprintf("%s/initiatives/%d/reschedule/preview", base, a.ID), slip); r.Status != 200 {
				t.Fatalf("preview = %d %s", r.Status, r.Body)
			} else {
				r.JSON(t, &preview)
			}
			var moved []string
			for _, s := range preview.Shifts {
				moved = append(moved, fmt.Sprintf("%s %s..%s %+d", s.Title, s.NewStart, s.NewDue, s.Days))
			}
			want := "[A 2026-03-01..2026-03-15 +5 B 2026-03-16..2026-03-25 +5 C 2026-03-26..2026-04-05 +5]"
			if fmt.Sprint(moved) != want {
				t.Fatalf("preview %v, want %s", moved, want)
			}
			// Nothing moved yet.
			var got roadmap.Initiative
			env.Do(t, "GET", fmt.Sprintf("%s/initiatives/%d", base, c.ID), nil).JSON(t, &got)
			if got.DueDate.String() != "2026-03-31" {
				t.Fatalf("C moved on preview: %v", got.DueDate)
			}
			// Someone moves B in between: the stale preview is refused.
			if r := env.Do(t, "PATCH", fmt.Sprintf("%s/initiatives/%d", base, b.ID), map[string]any{"due_date": "2026-03-22"}, "If-Match", `"v1"`); r.Status != 200 {
				t.Fatalf("patch B = %d %s", r.Status, r.Body)
			}
			applyBody := map[string]any{"due_date": "2026-03-15", "expect": preview.Shifts}
			if r := env.Do(t, "POST", fmt.Sprintf("%s/initiatives/%d/reschedule", base, a.ID), applyBody); r.Status != 409 {
				t.Fatalf("apply a stale preview = %d %s, want 409", r.Status, r.Body)
			}
			env.Do(t, "POST", fmt.Sprintf("%s/initiatives/%d/reschedule/preview", base, a.ID), slip).JSON(t, &preview)
			applyBody["expect"] = preview.Shifts
			var applied httpapi.Reschedule
			if r := env.Do(t, "POST", fmt.Sprintf("%s/initiatives/%d/reschedule", base, a.ID), applyBody); r.Status != 200 {
				t.Fatalf("apply = %d %s", r.Status, r.Body)
			} else {
				r.JSON(t, &applied)
			}
			var tl roadmap.Timeline
			env.Do(t, "GET", base+"/timeline", nil).JSON(t, &tl)
			if len(tl.Conflicts) != 0 {
				t.Errorf("conflicts after the reschedule: %+v", tl.Conflicts)
			}
			env.Do(t, "GET", fmt.Sprintf("%s/initiatives/%d", base, free.ID), nil).JSON(t, &got)
			if got.Version != 1 {
				t.Errorf("an initiative outside the chain changed: version %d", got.Version)
			}
		})
	}
}
