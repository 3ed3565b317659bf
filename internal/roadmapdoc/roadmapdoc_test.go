package roadmapdoc_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/priority"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
	"github.com/lodestar-cx/lodestar/internal/roadmapdoc"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

func ptr[T any](v T) *T { return &v }

// seed makes a small roadmap through the store, as the API would.
func seed(t *testing.T, s *store.Store) int64 {
	t.Helper()
	ctx := t.Context()
	sys := audit.System
	ana, err := s.CreateUser(ctx, sys, "ana@example.com", "Ana", "", false)
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.CreateWorkspace(ctx, sys, ana.ID, workspace.CreateInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	ws := w.ID
	team, err := s.CreateTeam(ctx, sys, ws, workspace.TeamInput{Name: "Customer support", LeadUserID: ana.ID})
	if err != nil {
		t.Fatal(err)
	}
	vision, _ := s.CreateGoal(ctx, sys, ws, goals.GoalInput{Title: "Customers succeed on their own", Status: goals.Active, Weight: ptr(1.0)})
	churn, err := s.CreateGoal(ctx, sys, ws, goals.GoalInput{ParentID: vision.ID, Title: "Reduce churn by 10%", Status: goals.Active,
		Weight: ptr(1.0), OwnerTeamID: team.ID, PeriodStart: civil.Date{Year: 2026, Month: 1, Day: 1}, PeriodEnd: civil.Date{Year: 2026, Month: 6, Day: 30}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateKeyResult(ctx, sys, ws, churn.ID, goals.KeyResultInput{Title: "Monthly churn", Kind: goals.Decrease,
		Baseline: 6, Target: 5.4, Current: ptr(5.9), Unit: "%", DueDate: civil.Date{Year: 2026, Month: 6, Day: 30}, Weight: ptr(1.0), Source: goals.Manual}); err != nil {
		t.Fatal(err)
	}
	chat, err := s.CreateInitiative(ctx, sys, ws, roadmap.InitiativeInput{Title: "Live chat for instant support", Horizon: roadmap.Short,
		Status: roadmap.Planned, StartDate: civil.Date{Year: 2026, Month: 3, Day: 1}, DueDate: civil.Date{Year: 2026, Month: 4, Day: 30},
		Inputs: priority.Inputs{"impact": 4, "feasibility": 4, "alignment": 5}})
	if err != nil {
		t.Fatal(err)
	}
	bot, err := s.CreateInitiative(ctx, sys, ws, roadmap.InitiativeInput{Title: "AI chatbot", Horizon: roadmap.Mid, Status: roadmap.Idea,
		Inputs: priority.Inputs{"impact": 5}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Assign(ctx, sys, ws, chat.ID, roadmap.AssignmentInput{UserID: ana.ID, Role: roadmap.Accountable}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Assign(ctx, sys, ws, chat.ID, roadmap.AssignmentInput{TeamID: team.ID, Role: roadmap.Responsible}); err != nil {
		t.Fatal(err)
	}
	in := roadmap.DependencyInput{PrerequisiteID: chat.ID, DependentID: bot.ID}
	if _, err := s.AddDependency(ctx, sys, ws, in, func(p roadmap.Plan) error { return p.CheckNew(in) }); err != nil {
		t.Fatal(err)
	}
	return ws
}

func TestRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws := seed(t, s)
		first, err := roadmapdoc.Export(ctx, s, ws)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"key: reduce-churn-by-10", "parent: customers-succeed-on-their-own", "team: Customer support",
			"dependsOn:\n      - live-chat-for-instant-support", "user: ana@example.com", "role: accountable"} {
			if !strings.Contains(string(first), want) {
				t.Errorf("export lacks %q:\n%s", want, first)
			}
		}
		d, err := roadmapdoc.Parse(first)
		if err != nil {
			t.Fatal(err)
		}
		res, err := roadmapdoc.Apply(ctx, s, audit.System, ws, d, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Changes) != 0 {
			t.Errorf("applying an export changes %v", res.Changes)
		}
		second, err := roadmapdoc.Export(ctx, s, ws)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, second) {
			t.Errorf("export → apply → export differs:\n%s\n---\n%s", first, second)
		}

		// Edit the document: a new initiative that depends on another, a changed status,
		// a removed key result.
		edited := strings.Replace(string(first), "status: idea", "status: planned", 1)
		// Initiatives come last, by key, so the new one goes at the end, in the export's own form.
		edited += `  - key: ux-fixes
    title: UX fixes for common ticket errors
    horizon: short
    status: planned
    inputs:
      alignment: 4
      feasibility: 5
      impact: 3
    dependsOn:
      - live-chat-for-instant-support
`
		i, j := strings.Index(edited, "    keyResults:"), strings.Index(edited, "initiatives:")
		edited = edited[:i] + edited[j:]
		d, err = roadmapdoc.Parse([]byte(edited))
		if err != nil {
			t.Fatal(err)
		}
		dry, err := roadmapdoc.Apply(ctx, s, audit.System, ws, d, true)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, c := range dry.Changes {
			lines = append(lines, c.String())
		}
		diff := strings.Join(lines, "\n")
		for _, want := range []string{"- key result monthly-churn", "+ initiative ux-fixes", "~ initiative ai-chatbot\n    status: idea → planned"} {
			if !strings.Contains(diff, want) {
				t.Errorf("diff lacks %q:\n%s", want, diff)
			}
		}
		if again, _ := roadmapdoc.Export(ctx, s, ws); !bytes.Equal(again, first) {
			t.Error("a dry run changed the workspace")
		}
		if _, err := roadmapdoc.Apply(ctx, s, audit.System, ws, d, false); err != nil {
			t.Fatal(err)
		}
		after, err := roadmapdoc.Export(ctx, s, ws)
		if err != nil {
			t.Fatal(err)
		}
		if string(after) != edited {
			t.Errorf("after apply, export differs from the document applied:\n%s\n---\n%s", edited, after)
		}
	})
}

func TestApplyRefusesBadDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws := seed(t, s)
		base, err := roadmapdoc.Export(ctx, s, ws)
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name, from, to, path string
		}{
			{"unknown dependency", "      - live-chat-for-instant-support", "      - no-such-thing", "initiatives[0].dependsOn[0]"},
			{"unknown member", "user: ana@example.com", "user: nobody@example.com", "initiatives[1].owners[0].user"},
			{"unknown team", "      - team: Customer support", "      - team: Nobody", "initiatives[1].owners[1].team"},
			{"bad horizon", "horizon: mid", "horizon: someday", "initiatives[0].horizon"},
			{"target equal to baseline", "target: 5.4", "target: 6", "goals[1].keyResults[0].target"},
			{"bad key", "key: ai-chatbot", "key: AI Chatbot", "initiatives[0].key"},
			{"unknown parent", "parent: customers-succeed-on-their-own", "parent: elsewhere", "goals[1].parent"},
			{"unknown field", "horizon: mid", "horizon: mid\n    colour: red", "document"},
			{"cycle", "initiatives:\n", "", "initiatives[1].dependsOn[0]"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				text := strings.Replace(string(base), c.from, c.to, 1)
				if c.name == "cycle" {
					// Live chat (second by key) now also waits for the chatbot (first).
					text = strings.Replace(string(base), "  - key: live-chat-for-instant-support\n", "  - key: live-chat-for-instant-support\n    dependsOn:\n      - ai-chatbot\n", 1)
				}
				d, err := roadmapdoc.Parse([]byte(text))
				if err == nil {
					_, err = roadmapdoc.Apply(ctx, s, audit.System, ws, d, false)
				}
				var inv *fault.InvalidError
				if !errors.As(err, &inv) || inv.Fields[0].Field != c.path {
					t.Fatalf("got %v, want an error at %s", err, c.path)
				}
				if after, _ := roadmapdoc.Export(ctx, s, ws); !bytes.Equal(after, base) {
					t.Error("a refused document changed the workspace")
				}
			})
		}
	})
}
