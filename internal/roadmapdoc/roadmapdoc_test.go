package roadmapdoc_test

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/journey"
	"github.com/lodestar-cx/lodestar/internal/priority"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
	"github.com/lodestar-cx/lodestar/internal/roadmapdoc"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

func ptr[T any](v T) *T { return &v }

// valid validates an input as a handler would before it reaches the store.
func valid[T interface{ Validate() error }](t *testing.T, in T) T {
	t.Helper()
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	return in
}

// seed makes a small roadmap through the store, as the API would: goals, key results,
// initiatives with owners and a dependency, and a journey whose touchpoints and pain points
// the initiatives link to.
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

	m, err := s.CreateJourney(ctx, sys, ws, *valid(t, &journey.JourneyInput{Name: "Onboarding", Persona: "New small-business admin",
		OwnerTeamID: team.ID, ReviewCadenceDays: ptr(30), Stages: []string{"Sign up", "Activate", "Expand"}}))
	if err != nil {
		t.Fatal(err)
	}
	touchpoint := func(stage int, name string, ch journey.Channel, team int64, event string) int64 {
		t.Helper()
		tp, err := s.CreateTouchpoint(ctx, sys, ws, m.ID, *valid(t, &journey.TouchpointInput{StageID: m.Stages[stage].ID, Name: name,
			Channel: ch, TeamID: team, EventName: event}))
		if err != nil {
			t.Fatal(err)
		}
		return tp.ID
	}
	signUp := touchpoint(0, "Sign-up form", journey.ChannelWeb, 0, "signed_up")
	welcome := touchpoint(0, "Welcome email", journey.ChannelEmail, team.ID, "")
	published := touchpoint(1, "First form published", journey.ChannelInApp, 0, "form_published")
	touchpoint(2, "Invite teammates", journey.ChannelInApp, 0, "")
	spam, err := s.CreatePainPoint(ctx, sys, ws, m.ID, *valid(t, &journey.PainPointInput{Title: "Confirmation email lands in spam",
		Description: "Customers wait for an email that never comes.", Severity: 4, TouchpointID: welcome,
		Evidence: []journey.Evidence{{Title: "Ticket 4411", URL: "https://support.example.com/tickets/4411"}}}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreatePainPoint(ctx, sys, ws, m.ID, *valid(t, &journey.PainPointInput{Title: "Templates are hard to find",
		Severity: 3, Status: journey.Acknowledged})); err != nil {
		t.Fatal(err)
	}
	for _, l := range []struct{ initiative, touchpoint int64 }{{chat.ID, welcome}, {bot.ID, signUp}, {bot.ID, published}} {
		if _, err := s.LinkTouchpoint(ctx, sys, ws, l.initiative, l.touchpoint); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.LinkPainPoint(ctx, sys, ws, chat.ID, spam.ID); err != nil {
		t.Fatal(err)
	}
	return ws
}

// freshWorkspace makes another workspace of seed's owner with the same team and no roadmap.
func freshWorkspace(t *testing.T, s *store.Store) int64 {
	t.Helper()
	ctx := t.Context()
	ana, err := s.UserByEmail(ctx, "ana@example.com")
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.CreateWorkspace(ctx, audit.System, ana.ID, workspace.CreateInput{Name: "Acme again"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateTeam(ctx, audit.System, w.ID, workspace.TeamInput{Name: "Customer support", LeadUserID: ana.ID}); err != nil {
		t.Fatal(err)
	}
	return w.ID
}

// changeLines renders changes as apply shows them, one string each.
func changeLines(cs []roadmapdoc.Change) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.String()
	}
	return out
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
			"dependsOn:\n      - live-chat-for-instant-support", "user: ana@example.com", "role: accountable",
			"journeys:\n  - key: onboarding", "stages:\n      - Sign up\n      - Activate\n      - Expand", "stage: Sign up",
			"event: signed_up", "team: Customer support\n      - key: first-form-published", "touchpoint: welcome-email",
			"url: https://support.example.com/tickets/4411",
			"touchpoints:\n      - onboarding/first-form-published\n      - onboarding/sign-up-form",
			"painPoints:\n      - onboarding/confirmation-email-lands-in-spam"} {
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

		// The same document makes a fresh workspace (with the same people and team) the same
		// roadmap: journeys, stages, touchpoints, pain points and links included.
		fresh := freshWorkspace(t, s)
		made, err := roadmapdoc.Apply(ctx, s, audit.System, fresh, d, false)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Join(changeLines(made.Changes), "\n")
		for _, want := range []string{"+ journey onboarding", "+ touchpoint onboarding/invite-teammates",
			"+ pain point onboarding/templates-are-hard-to-find", "+ initiative ai-chatbot"} {
			if !strings.Contains(lines, want) {
				t.Errorf("applying to a fresh workspace: changes lack %q:\n%s", want, lines)
			}
		}
		copied, err := roadmapdoc.Export(ctx, s, fresh)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, copied) {
			t.Errorf("export → apply to a fresh workspace → export differs:\n%s\n---\n%s", first, copied)
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
		i, j := strings.Index(edited, "    keyResults:"), strings.Index(edited, "journeys:")
		edited = edited[:i] + edited[j:]
		d, err = roadmapdoc.Parse([]byte(edited))
		if err != nil {
			t.Fatal(err)
		}
		dry, err := roadmapdoc.Apply(ctx, s, audit.System, ws, d, true)
		if err != nil {
			t.Fatal(err)
		}
		diff := strings.Join(changeLines(dry.Changes), "\n")
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
			{"unknown stage", "stage: Activate", "stage: Onboard", "journeys[0].touchpoints[2].stage"},
			{"touchpoint key used twice", "key: welcome-email", "key: sign-up-form", "journeys[0].touchpoints[1].key"},
			{"stage listed twice", "      - Expand\n", "      - Activate\n", "journeys[0].stages[2]"},
			{"unknown touchpoint of a pain point", "touchpoint: welcome-email", "touchpoint: nowhere", "journeys[0].painPoints[0].touchpoint"},
			{"unknown linked touchpoint", "- onboarding/sign-up-form", "- onboarding/nowhere", "initiatives[0].touchpoints[1]"},
			{"linked touchpoint without its journey", "- onboarding/welcome-email", "- welcome-email", "initiatives[1].touchpoints[0]"},
			{"unknown linked pain point", "- onboarding/confirmation-email-lands-in-spam", "- onboarding/nowhere", "initiatives[1].painPoints[0]"},
			{"bad channel", "channel: email", "channel: pigeon", "journeys[0].touchpoints[1].channel"},
			{"bad event", "event: signed_up", "event: Signed up", "journeys[0].touchpoints[0].event"},
			{"event used twice", "event: signed_up", "event: form_published", "journeys[0].touchpoints[2].event"},
			{"unknown touchpoint team", "channel: email\n        team: Customer support", "channel: email\n        team: Nobody", "journeys[0].touchpoints[1].team"},
			{"unknown journey owner", "      team: Customer support\n    reviewCadenceDays", "      team: Nobody\n    reviewCadenceDays", "journeys[0].owner.team"},
			{"bad cadence", "reviewCadenceDays: 30", "reviewCadenceDays: 0", "journeys[0].reviewCadenceDays"},
			{"bad severity", "severity: 4", "severity: 9", "journeys[0].painPoints[0].severity"},
			{"no status", "        status: acknowledged\n", "", "journeys[0].painPoints[1].status"},
			{"bad evidence link", "url: https://support.example.com/tickets/4411", "url: ftp://example.com/4411", "journeys[0].painPoints[0].evidence[0].url"},
			{"journey key used twice", "  - key: onboarding\n", "  - key: onboarding\n    name: Onboarding\n    reviewCadenceDays: 30\n  - key: onboarding\n", "journeys[1].key"},
			{"journeys in version 1", "version: 2", "version: 1", "journeys"},
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

// editedJourney is seed's journey after TestApplyJourneyChanges's edits, as export writes it.
const editedJourney = `journeys:
  - key: onboarding
    name: Onboarding
    persona: New small-business admin
    owner:
      team: Customer support
    reviewCadenceDays: 30
    stages:
      - Activate
      - Sign up
    touchpoints:
      - key: first-form-published
        name: First form published
        stage: Activate
        channel: in_app
      - key: form-published
        name: Form published
        stage: Activate
        channel: in_app
        event: form_published
      - key: invite-teammates
        name: Invite teammates
        stage: Activate
        channel: in_app
      - key: sign-up-form
        name: Sign-up form
        stage: Sign up
        channel: web
        event: signed_up
      - key: welcome-email
        name: Welcome message
        stage: Sign up
        channel: email
        team: Customer support
    painPoints:
      - key: confirmation-email-lands-in-spam
        title: Confirmation email lands in spam
        description: Customers wait for an email that never comes.
        severity: 4
        status: open
        touchpoint: welcome-email
        evidence:
          - title: Ticket 4411
            url: https://support.example.com/tickets/4411
      - key: invites-expire-too-soon
        title: Invites expire too soon
        severity: 2
        status: open
        touchpoint: invite-teammates
      - key: templates-are-hard-to-find
        title: Templates are hard to find
        severity: 3
        status: acknowledged
`

func TestApplyJourneyChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws := seed(t, s)
		base, err := roadmapdoc.Export(ctx, s, ws)
		if err != nil {
			t.Fatal(err)
		}
		// A renamed touchpoint; a new pain point; the stage Expand removed while its touchpoint
		// moves to Activate, which comes first now; a milestone's event passed to a new
		// touchpoint; the chatbot unlinked from the sign-up form.
		i, j := bytes.Index(base, []byte("journeys:\n")), bytes.Index(base, []byte("initiatives:\n"))
		edited := string(base[:i]) + editedJourney + string(base[j:])
		edited = strings.Replace(edited, "      - onboarding/first-form-published\n      - onboarding/sign-up-form\n",
			"      - onboarding/first-form-published\n", 1)
		d, err := roadmapdoc.Parse([]byte(edited))
		if err != nil {
			t.Fatal(err)
		}
		dry, err := roadmapdoc.Apply(ctx, s, audit.System, ws, d, true)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"- stage onboarding/Expand",
			"~ touchpoint onboarding/first-form-published\n    event: form_published → (none)",
			"+ touchpoint onboarding/form-published",
			"~ touchpoint onboarding/invite-teammates\n    stage: Expand → Activate",
			"~ touchpoint onboarding/welcome-email\n    name: Welcome email → Welcome message",
			"+ pain point onboarding/invites-expire-too-soon",
			"~ stage order onboarding\n    stages: Sign up, Activate, Expand → Activate, Sign up",
			"~ initiative ai-chatbot\n    touchpoints: - onboarding/first-form-published - onboarding/sign-up-form → - onboarding/first-form-published",
		}
		if diff := cmp.Diff(want, changeLines(dry.Changes)); diff != "" {
			t.Errorf("dry run changes (-want +got):\n%s", diff)
		}
		if dry.Applied {
			t.Error("a dry run says it applied")
		}
		if again, _ := roadmapdoc.Export(ctx, s, ws); !bytes.Equal(again, base) {
			t.Error("a dry run changed the workspace")
		}
		res, err := roadmapdoc.Apply(ctx, s, audit.System, ws, d, false)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, changeLines(res.Changes)); diff != "" || !res.Applied {
			t.Errorf("Apply = applied %v, changes (-want +got):\n%s", res.Applied, diff)
		}
		after, err := roadmapdoc.Export(ctx, s, ws)
		if err != nil {
			t.Fatal(err)
		}
		if string(after) != edited {
			t.Errorf("after apply, export differs from the document applied:\n%s\n---\n%s", edited, after)
		}
		if res, err := roadmapdoc.Apply(ctx, s, audit.System, ws, d, true); err != nil || len(res.Changes) != 0 {
			t.Errorf("applying the same document again = %v, %v; want no changes", changeLines(res.Changes), err)
		}
		// Through the store: the journey has two stages, the new touchpoint holds the event,
		// and the chatbot links to the one touchpoint left.
		js, _, err := s.Journeys(ctx, ws, store.Page{})
		if err != nil || len(js) != 1 {
			t.Fatalf("Journeys = %v, %v; want one", js, err)
		}
		m, err := s.JourneyMap(ctx, ws, js[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		var stages, milestones []string
		for _, st := range m.Stages {
			stages = append(stages, st.Name)
			for _, tp := range st.Touchpoints {
				if tp.Milestone {
					milestones = append(milestones, tp.Name+"="+tp.EventName)
				}
			}
		}
		if diff := cmp.Diff([]string{"Activate", "Sign up"}, stages); diff != "" {
			t.Errorf("stages (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"Form published=form_published", "Sign-up form=signed_up"}, milestones); diff != "" {
			t.Errorf("milestones (-want +got):\n%s", diff)
		}
		links, err := s.TouchpointLinks(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ls := range links {
			n += len(ls)
		}
		if n != 2 {
			t.Errorf("touchpoint links = %v, want 2 (live chat and the chatbot, one each)", links)
		}
	})
}

func TestApplyVersion1LeavesJourneys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws := seed(t, s)
		base, err := roadmapdoc.Export(ctx, s, ws)
		if err != nil {
			t.Fatal(err)
		}
		// The document as the first version wrote it: no journeys, no links.
		i, j := bytes.Index(base, []byte("journeys:\n")), bytes.Index(base, []byte("initiatives:\n"))
		old := strings.Replace(string(base[:i])+string(base[j:]), "version: 2", "version: 1", 1)
		old = regexp.MustCompile(`(?m)^    (touchpoints|painPoints):\n(      - .*\n)+`).ReplaceAllString(old, "")
		old = strings.Replace(old, "status: idea", "status: planned", 1)
		d, err := roadmapdoc.Parse([]byte(old))
		if err != nil {
			t.Fatal(err)
		}
		res, err := roadmapdoc.Apply(ctx, s, audit.System, ws, d, false)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"~ initiative ai-chatbot\n    status: idea → planned"}, changeLines(res.Changes)); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
		after, err := roadmapdoc.Export(ctx, s, ws)
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.Replace(string(base), "status: idea", "status: planned", 1); string(after) != want {
			t.Errorf("a version 1 document changed the journeys or links:\n%s\n---\n%s", want, after)
		}
	})
}

// TestApplyJourneyEdits applies, one after the other, edits whose order of writes the store
// would refuse if apply made them naively, and checks that each leaves the workspace exactly
// as the document says.
func TestApplyJourneyEdits(t *testing.T) {
	links := regexp.MustCompile(`(?m)^    (touchpoints|painPoints):\n(      - .*\n)+`)
	steps := []struct {
		name string
		edit func(doc string) string
	}{
		{"events swapped", func(doc string) string {
			// The sign-up form, listed first, takes an event the first form still holds.
			doc = strings.Replace(doc, "event: signed_up", "event: TMP", 1)
			doc = strings.Replace(doc, "event: form_published", "event: signed_up", 1)
			return strings.Replace(doc, "event: TMP", "event: form_published", 1)
		}},
		{"touchpoint with a pain point deleted", func(doc string) string {
			// The pain point stays, detached; live chat's link goes with the touchpoint.
			doc = strings.Replace(doc, `      - key: welcome-email
        name: Welcome email
        stage: Sign up
        channel: email
        team: Customer support
`, "", 1)
			doc = strings.Replace(doc, "        touchpoint: welcome-email\n", "", 1)
			return strings.Replace(doc, "    touchpoints:\n      - onboarding/welcome-email\n", "", 1)
		}},
		{"stage renamed", func(doc string) string {
			doc = strings.Replace(doc, "      - Activate\n", "      - Activation\n", 1)
			return strings.Replace(doc, "stage: Activate\n", "stage: Activation\n", 1)
		}},
		{"journey added", func(doc string) string {
			return strings.Replace(doc, "initiatives:\n", `  - key: renewal
    name: Renewal
    reviewCadenceDays: 90
    stages:
      - Renew
    touchpoints:
      - key: renewal-reminder
        name: Renewal reminder
        stage: Renew
        channel: email
        event: renewal_reminded
    painPoints:
      - key: price-surprise
        title: Price surprise
        severity: 5
        status: open
        touchpoint: renewal-reminder
initiatives:
`, 1)
		}},
		{"journeys deleted", func(doc string) string {
			i, j := strings.Index(doc, "journeys:\n"), strings.Index(doc, "initiatives:\n")
			return links.ReplaceAllString(doc[:i]+"journeys: []\n"+doc[j:], "")
		}},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws := seed(t, s)
		doc, err := roadmapdoc.Export(ctx, s, ws)
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range steps {
			edited := step.edit(string(doc))
			if edited == string(doc) {
				t.Fatalf("%s: the edit changed nothing", step.name)
			}
			d, err := roadmapdoc.Parse([]byte(edited))
			if err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			res, err := roadmapdoc.Apply(ctx, s, audit.System, ws, d, false)
			if err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			t.Logf("%s:\n%s", step.name, strings.Join(changeLines(res.Changes), "\n"))
			if doc, err = roadmapdoc.Export(ctx, s, ws); err != nil {
				t.Fatal(err)
			}
			if string(doc) != edited {
				t.Fatalf("%s: export differs from the document applied:\n%s\n---\n%s", step.name, edited, doc)
			}
		}
	})
}
