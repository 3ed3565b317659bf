package cli

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/journey"
	"github.com/lodestar-cx/lodestar/internal/priority"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

// testRoadmap is a small roadmap built through the store, forty days ago by the store's clock,
// so that what has not checked in since is stale.
type testRoadmap struct {
	st                     *store.Store
	args                   []string // the database flags for the commands
	ws                     int64
	keyResult              int64
	chat, bot, guides, ops int64 // initiatives
	journey                int64
	today                  civil.Date
}

func buildRoadmap(t *testing.T, driver string) testRoadmap {
	t.Helper()
	ctx := t.Context()
	target := storetest.Target(t, driver)
	r := testRoadmap{args: []string{"--database", target}, today: civil.Of(time.Now().UTC())}
	if driver == config.DriverSQLite {
		r.args = []string{"--data-dir", filepath.Dir(target)}
	}
	past := time.Now().Add(-40 * 24 * time.Hour)
	st, err := store.Open(ctx, store.Options{Driver: driver, Target: target, Now: func() time.Time { return past }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	r.st = st
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	u, err := st.CreateUser(ctx, audit.System, "ana@example.com", "Ana", "x", false)
	must(err)
	w, err := st.CreateWorkspace(ctx, audit.System, u.ID, workspace.CreateInput{Name: "Acme"})
	must(err)
	r.ws = w.ID
	team, err := st.CreateTeam(ctx, audit.System, r.ws, workspace.TeamInput{Name: "Support"})
	must(err)

	goal := func(parent int64, title string) int64 {
		t.Helper()
		in := goals.GoalInput{ParentID: parent, Title: title, OwnerTeamID: team.ID}
		must(in.Validate())
		g, err := st.CreateGoal(ctx, audit.System, r.ws, in)
		must(err)
		return g.ID
	}
	vision := goal(0, "Customers stay")
	churn := goal(vision, "Reduce churn by 10%")
	activation := goal(churn, "Faster activation")
	kin := goals.KeyResultInput{Title: "Activated in a week", Kind: goals.Kind("increase"), Baseline: 30, Target: 40, Unit: "%",
		StartDate: r.today.AddDays(-30), DueDate: r.today.AddDays(60)}
	must(kin.Validate())
	k, err := st.CreateKeyResult(ctx, audit.System, r.ws, activation, kin)
	must(err)
	r.keyResult = k.ID

	initiative := func(title string, h roadmap.Horizon, start, due civil.Date, in priority.Inputs) int64 {
		t.Helper()
		ii := roadmap.InitiativeInput{Title: title, Horizon: h, Status: roadmap.Planned, StartDate: start, DueDate: due, Inputs: in}
		must(ii.Validate())
		it, err := st.CreateInitiative(ctx, audit.System, r.ws, ii)
		must(err)
		return it.ID
	}
	d := r.today.AddDays(10)
	r.chat = initiative("Live chat", roadmap.Short, d, d.AddDays(30), priority.Inputs{"impact": 5, "feasibility": 4, "alignment": 5})
	r.bot = initiative("AI chatbot", roadmap.Short, d.AddDays(45), d.AddDays(75), priority.Inputs{"impact": 3, "feasibility": 2, "alignment": 3})
	r.guides = initiative("Onboarding guides", roadmap.Mid, civil.Date{}, civil.Date{}, nil)
	r.ops = initiative("Support workflows", roadmap.Mid, d.AddDays(31), d.AddDays(36), priority.Inputs{"impact": 2, "feasibility": 5, "alignment": 2})
	for _, a := range []struct {
		id int64
		in roadmap.AssignmentInput
	}{
		{r.chat, roadmap.AssignmentInput{UserID: u.ID, Role: roadmap.Accountable}},
		{r.chat, roadmap.AssignmentInput{TeamID: team.ID, Role: roadmap.Responsible}},
		{r.ops, roadmap.AssignmentInput{UserID: u.ID, Role: roadmap.Accountable}},
		{r.guides, roadmap.AssignmentInput{UserID: u.ID, Role: roadmap.Accountable}},
	} {
		_, err := st.Assign(ctx, audit.System, r.ws, a.id, a.in)
		must(err)
	}
	for _, dep := range []roadmap.DependencyInput{{PrerequisiteID: r.chat, DependentID: r.bot}, {PrerequisiteID: r.chat, DependentID: r.ops}} {
		_, err := st.AddDependency(ctx, audit.System, r.ws, dep, func(p roadmap.Plan) error { return p.CheckNew(dep) })
		must(err)
	}
	// Live chat slips past the start of the support workflows, which wait for it: a conflict.
	due := d.AddDays(35)
	_, err = st.UpdateInitiative(ctx, audit.System, r.ws, r.chat, 1, roadmap.InitiativeUpdate{DueDate: &due})
	must(err)
	effect := 5.0
	_, err = st.LinkKeyResult(ctx, audit.System, r.ws, r.chat, r.keyResult, roadmap.KeyResultLinkInput{ExpectedEffect: &effect, Note: "faster answers"})
	must(err)

	cadence := 30
	jin := journey.JourneyInput{Name: "Form builder", Persona: "small-business admin", OwnerTeamID: team.ID, ReviewCadenceDays: &cadence}
	must(jin.Validate())
	m, err := st.CreateJourney(ctx, audit.System, r.ws, jin)
	must(err)
	r.journey = m.ID
	tin := journey.TouchpointInput{StageID: m.Stages[0].ID, Name: "Pricing page", Channel: "web"}
	must(tin.Validate())
	_, err = st.CreateTouchpoint(ctx, audit.System, r.ws, m.ID, tin)
	must(err)
	min := journey.TouchpointInput{StageID: m.Stages[2].ID, Name: "First form", Channel: "in_app", TeamID: team.ID, EventName: "form_created"}
	must(min.Validate())
	milestone, err := st.CreateTouchpoint(ctx, audit.System, r.ws, m.ID, min)
	must(err)
	pin := journey.PainPointInput{Title: "Editor is confusing", Severity: 4, TouchpointID: milestone.ID}
	must(pin.Validate())
	_, err = st.CreatePainPoint(ctx, audit.System, r.ws, m.ID, pin)
	must(err)
	return r
}

// run runs a roadmap command on the roadmap's workspace and database.
func (r testRoadmap) run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	full := append(append([]string{}, args...), "--workspace", fmt.Sprint(r.ws))
	return runIn(t, "", append(full, r.args...)...)
}

// ok runs a command that must succeed and print each of want.
func (r testRoadmap) ok(t *testing.T, want []string, args ...string) string {
	t.Helper()
	code, out, errs := r.run(t, args...)
	if code != 0 {
		t.Fatalf("lodestar %s = exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	for _, w := range want {
		if !strings.Contains(squeeze(out), squeeze(w)) {
			t.Errorf("lodestar %s printed\n%s\nwant it to contain %q", strings.Join(args, " "), out, w)
		}
	}
	return out
}

// squeeze collapses runs of spaces, so that a test can name a table row without its padding.
func squeeze(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

func TestRoadmapCommands(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			r := buildRoadmap(t, d)
			id := func(n int64) string { return fmt.Sprint(n) }

			t.Run("goals and key results", func(t *testing.T) {
				out := r.ok(t, []string{"vision", "goal", "objective", "Customers stay", "  Reduce churn by 10%",
					"    Faster activation", "team Support", "Activated in a week", "30 → 40 (now 30) %", "off_track", "stale"},
					"goal", "list")
				if strings.Index(out, "Customers stay") > strings.Index(out, "Faster activation") {
					t.Errorf("goal list is not in tree order:\n%s", out)
				}
				r.ok(t, []string{"is now 36 %", "progress 60%"}, "kr", "set-value", "--id", id(r.keyResult), "--value", "36", "--note", "from the dashboard")
				r.ok(t, []string{"36 manual system from the dashboard"}, "kr", "history", "--id", id(r.keyResult))
				var tree struct {
					Items []struct {
						Title    string `json:"title"`
						Children []struct {
							Children []struct {
								KeyResults []goals.KeyResult `json:"key_results"`
							} `json:"children"`
						} `json:"children"`
					} `json:"items"`
				}
				decode(t, r.ok(t, nil, "goal", "list", "--json"), &tree)
				if len(tree.Items) != 1 || len(tree.Items[0].Children) != 1 || len(tree.Items[0].Children[0].Children) != 1 {
					t.Fatalf("goal list --json = %+v, want one vision, one goal, one objective", tree)
				}
				k := tree.Items[0].Children[0].Children[0].KeyResults
				if len(k) != 1 || k[0].Current != 36 || k[0].Progress < 0.59 || k[0].Progress > 0.61 || !k[0].Stale || k[0].Pace == "" {
					t.Errorf("goal list --json key results = %+v, want the value 36 with progress 0.6, a pace, stale", k)
				}
			})

			t.Run("check-ins", func(t *testing.T) {
				r.ok(t, []string{"checked in on key result", "at_risk", "value 37"}, "checkin", "add", "--key-result", id(r.keyResult),
					"--status", "at_risk", "--confidence", "6", "--value", "37", "--note", "signups dipped")
				r.ok(t, []string{"at_risk 37 6 signups dipped -"}, "checkin", "list", "--key-result", id(r.keyResult))
				r.ok(t, []string{"checked in on initiative", "progress 40%, confidence 8"}, "checkin", "add", "--initiative", id(r.chat),
					"--status", "on_track", "--progress", "40", "--confidence", "8", "--blockers", "none really")
				r.ok(t, []string{"PROGRESS", "on_track 40% 8 - none really"}, "checkin", "list", "--initiative", id(r.chat))
				var list struct {
					Items []goals.CheckIn `json:"items"`
				}
				decode(t, r.ok(t, nil, "checkin", "list", "--initiative", id(r.chat), "--json"), &list)
				if len(list.Items) != 1 || list.Items[0].Progress == nil || *list.Items[0].Progress != 40 {
					t.Errorf("checkin list --json = %+v, want the one check-in at 40%%", list.Items)
				}
			})

			t.Run("initiatives", func(t *testing.T) {
				out := r.ok(t, []string{
					"short 1 " + id(r.chat) + " Live chat planned 4.75",
					"short 2 " + id(r.bot) + " AI chatbot planned",
					"mid 1 " + id(r.ops) + " Support workflows",
					"mid - " + id(r.guides) + " Onboarding guides planned -",
				}, "initiative", "list")
				for _, c := range []struct {
					title, flags string
				}{
					{"Live chat", "-"},
					{"AI chatbot", "no_accountable,stale_check_in"},
					{"Support workflows", "dependency_conflict,stale_check_in"},
					{"Onboarding guides", "stale_check_in"},
				} {
					line := lineWith(out, c.title)
					if !strings.HasSuffix(strings.TrimSpace(line), " "+c.flags) {
						t.Errorf("initiative list row %q, want flags %s", line, c.flags)
					}
				}
				out = r.ok(t, []string{"Support workflows", "Onboarding guides"}, "initiative", "list", "--horizon", "mid")
				if strings.Contains(out, "Live chat") {
					t.Errorf("initiative list --horizon mid shows a short-term initiative:\n%s", out)
				}
				var list struct {
					Items []roadmap.Initiative `json:"items"`
				}
				decode(t, r.ok(t, nil, "initiative", "list", "--json"), &list)
				if len(list.Items) != 4 || list.Items[0].ID != r.chat || list.Items[0].Rank != 1 || list.Items[0].Score == nil {
					t.Errorf("initiative list --json = %+v, want live chat first, ranked 1, scored", list.Items)
				}
				r.ok(t, []string{
					`initiative ` + id(r.chat) + ` "Live chat"`,
					"score 4.75 under impact-feasibility-alignment:",
					"inputs: alignment=5, feasibility=4, impact=5",
					"TERM WITH VALUES VALUE",
					"accountable ana@example.com",
					"responsible team Support",
					"(1 accountable)",
					`blocks ` + id(r.bot) + ` "AI chatbot"`,
					`"Activated in a week": expected effect 5 % (faster answers)`,
				}, "initiative", "show", "--id", id(r.chat))
				r.ok(t, []string{"score 2.75 under", `waits for ` + id(r.chat) + ` "Live chat"`, "dependency_conflict", "key results:\n none"},
					"initiative", "show", "--id", id(r.ops))
				r.ok(t, []string{"no score:", "feasibility"}, "initiative", "show", "--id", id(r.guides))
				var one initiativeDetail
				decode(t, r.ok(t, nil, "initiative", "show", "--id", id(r.chat), "--json"), &one)
				if one.Score == nil || len(one.Score.Terms) == 0 || len(one.Assignments) != 2 || len(one.Dependents) != 2 || len(one.KeyResults) != 1 {
					t.Errorf("initiative show --json = %+v, want the score explained, two owners, two dependents, one key result", one)
				}
			})

			t.Run("timeline and reschedule", func(t *testing.T) {
				chat, _ := r.st.Initiative(t.Context(), r.ws, r.chat)
				bot, _ := r.st.Initiative(t.Context(), r.ws, r.bot)
				ops, _ := r.st.Initiative(t.Context(), r.ws, r.ops)
				out := r.ok(t, []string{
					fmt.Sprintf("%s %s %d Live chat", chat.StartDate, chat.DueDate, r.chat),
					fmt.Sprintf(`critical path: "Live chat" (%d) → "AI chatbot" (%d)`, r.chat, r.bot),
					"conflicts: 1",
					fmt.Sprintf(`"Support workflows" (%d) starts before "Live chat" (%d) is done: it must move 5 day(s) later`, r.ops, r.chat),
				}, "timeline")
				for _, c := range []struct{ title, end string }{{"Live chat", "*"}, {"AI chatbot", "*"}, {"Support workflows", "conflict"}} {
					if line := lineWith(out, c.title); !strings.HasSuffix(line, c.end) {
						t.Errorf("timeline row %q, want it to end in %q", line, c.end)
					}
				}
				if strings.Contains(out, "Onboarding guides") {
					t.Errorf("timeline lists an undated initiative:\n%s", out)
				}

				due := chat.DueDate.AddDays(7)
				out = r.ok(t, []string{
					fmt.Sprintf("%d Live chat %s %s %s %s +7", r.chat, chat.StartDate, chat.DueDate, chat.StartDate, due),
					fmt.Sprintf("%d Support workflows %s %s %s %s +12", r.ops, ops.StartDate, ops.DueDate, ops.StartDate.AddDays(12), ops.DueDate.AddDays(12)),
					"2 initiative(s) would move: run again with --yes",
				}, "reschedule", "--initiative", id(r.chat), "--due", due.String())
				if strings.Contains(out, "AI chatbot") {
					t.Errorf("reschedule moves the chatbot, which starts after the new due date:\n%s", out)
				}
				for _, before := range []roadmap.Initiative{chat, ops} {
					if after, _ := r.st.Initiative(t.Context(), r.ws, before.ID); after.StartDate != before.StartDate || after.DueDate != before.DueDate {
						t.Fatalf("the preview moved %q to %s–%s", after.Title, after.StartDate, after.DueDate)
					}
				}
				r.ok(t, []string{"moved 2 initiative(s)"}, "reschedule", "--initiative", id(r.chat), "--due", due.String(), "--yes")
				if after, _ := r.st.Initiative(t.Context(), r.ws, r.ops); after.StartDate != ops.StartDate.AddDays(12) {
					t.Errorf("after reschedule --yes %q starts %s, want %s", after.Title, after.StartDate, ops.StartDate.AddDays(12))
				}
				if after, _ := r.st.Initiative(t.Context(), r.ws, r.chat); after.DueDate != due {
					t.Errorf("after reschedule --yes %q is due %s, want %s", after.Title, after.DueDate, due)
				}
				if after, _ := r.st.Initiative(t.Context(), r.ws, r.bot); after.StartDate != bot.StartDate || after.DueDate != bot.DueDate {
					t.Errorf("after reschedule --yes %q runs %s–%s, want it left at %s–%s", after.Title, after.StartDate, after.DueDate, bot.StartDate, bot.DueDate)
				}
				r.ok(t, []string{"conflicts: none"}, "timeline")
				var tl roadmap.Timeline
				decode(t, r.ok(t, nil, "timeline", "--json"), &tl)
				if len(tl.CriticalPath) != 2 || tl.CriticalPath[0] != r.chat {
					t.Errorf("timeline --json critical path = %v, want live chat then the chatbot", tl.CriticalPath)
				}
			})

			t.Run("team load and journeys", func(t *testing.T) {
				r.ok(t, []string{"TEAM OPEN SHORT MID LONG UNDATED", "Support 1 1 0 0 0 " + roadmap.Quarter(r.today.AddDays(52)) + ": 1 " + id(r.chat)},
					"team-load")
				r.ok(t, []string{fmt.Sprintf("%d Form builder small-business admin team Support 30d never", r.journey), "stale"}, "journey", "list")
				r.ok(t, []string{
					fmt.Sprintf(`journey %d "Form builder"`, r.journey),
					"STALE: the review is overdue",
					"1. awareness Pricing page web -",
					"2. consideration -",
					"3. purchase First form in_app team Support event form_created",
					"Editor is confusing 4 open First form 0 link(s)",
				}, "journey", "show", "--id", id(r.journey))
				var m journey.Map
				decode(t, r.ok(t, nil, "journey", "show", "--id", id(r.journey), "--json"), &m)
				if !m.Stale || len(m.Stages) != 5 || len(m.PainPoints) != 1 {
					t.Errorf("journey show --json = %+v, want stale, five stages, one pain point", m)
				}
			})

			t.Run("errors", func(t *testing.T) {
				for _, c := range []struct {
					args []string
					code int
					want string
				}{
					{[]string{"initiative", "list", "--horizon", "soon"}, 2, `--horizon "soon": want short, mid or long`},
					{[]string{"initiative", "show"}, 2, "--id is required"},
					{[]string{"initiative", "show", "--id", "999"}, 1, "not found"},
					{[]string{"kr", "set-value", "--id", id(r.keyResult)}, 2, "--value is required"},
					{[]string{"kr", "set-value", "--id", id(r.keyResult), "--value", "lots"}, 2, `invalid value "lots" for flag -value: want a number`},
					{[]string{"checkin", "add", "--status", "on_track", "--confidence", "5"}, 2, "give either --initiative or --key-result"},
					{[]string{"checkin", "add", "--initiative", "1", "--key-result", "1"}, 2, "give either --initiative or --key-result"},
					{[]string{"checkin", "add", "--key-result", id(r.keyResult), "--status", "off_track", "--confidence", "3"}, 2, "--note is required"},
					{[]string{"checkin", "add", "--initiative", id(r.chat), "--status", "on_track", "--confidence", "11"}, 2,
						"--confidence must be a whole number from 1 to 10; --progress is required"},
					{[]string{"checkin", "add", "--initiative", id(r.chat), "--status", "on_track", "--confidence", "5", "--progress", "5", "--value", "1"}, 2,
						"--value is for key results"},
					{[]string{"reschedule", "--initiative", id(r.chat)}, 2, "--due is required"},
					{[]string{"reschedule", "--initiative", id(r.chat), "--due", "next week"}, 2, `--due "next week": want a date`},
					{[]string{"reschedule", "--initiative", id(r.chat), "--due", "2020-01-01"}, 2, "--due must not be before the start date"},
				} {
					code, _, errs := r.run(t, c.args...)
					if code != c.code || !strings.Contains(errs, c.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
						t.Errorf("lodestar %s = exit %d, stderr %q; want exit %d and one line with %q", strings.Join(c.args, " "), code, errs, c.code, c.want)
					}
				}
				code, _, errs := runIn(t, "", append([]string{"timeline"}, r.args...)...)
				if code != 2 || !strings.Contains(errs, "--workspace is required") {
					t.Errorf("lodestar timeline without --workspace = exit %d, stderr %q", code, errs)
				}
			})
		})
	}
}

func lineWith(out, s string) string {
	for _, l := range strings.Split(squeeze(out), "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

func decode(t *testing.T, out string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}
}
