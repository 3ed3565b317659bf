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
	"github.com/lodestar-cx/lodestar/internal/journey"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

// journey makes a journey with the default stages in the workspace.
func (w *world) journey(ws int64) journey.Map {
	w.t.Helper()
	in := journey.JourneyInput{Name: w.unique("journey")}
	if err := in.Validate(); err != nil {
		w.t.Fatal(err)
	}
	m, err := w.env.Store.CreateJourney(w.t.Context(), audit.System, ws, in)
	if err != nil {
		w.t.Fatal(err)
	}
	return m
}

// touchpoint makes a journey in the workspace with a touchpoint in its second stage.
func (w *world) touchpoint(ws int64) journey.Touchpoint {
	w.t.Helper()
	m := w.journey(ws)
	tp, err := w.env.Store.CreateTouchpoint(w.t.Context(), audit.System, ws, m.ID,
		journey.TouchpointInput{StageID: m.Stages[1].ID, Name: "Pricing page", Channel: journey.ChannelWeb})
	if err != nil {
		w.t.Fatal(err)
	}
	return tp
}

// painPoint makes a journey in the workspace with an open pain point of severity 3.
func (w *world) painPoint(ws int64) journey.PainPoint {
	w.t.Helper()
	m := w.journey(ws)
	in := journey.PainPointInput{Title: "Slow checkout", Severity: 3}
	if err := in.Validate(); err != nil {
		w.t.Fatal(err)
	}
	pp, err := w.env.Store.CreatePainPoint(w.t.Context(), audit.System, ws, m.ID, in)
	if err != nil {
		w.t.Fatal(err)
	}
	return pp
}

// journeyClient wraps an environment with the checks the journey tests repeat.
type journeyClient struct {
	t    *testing.T
	env  *apitest.Env
	base string
}

func (c journeyClient) must(status int, r *apitest.Response, v any) {
	c.t.Helper()
	if r.Status != status {
		c.t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if v != nil {
		r.JSON(c.t, v)
	}
}

// problem checks a problem's status and the field it names first.
func (c journeyClient) problem(what string, r *apitest.Response, status int, field string) httpapi.Problem {
	c.t.Helper()
	var p httpapi.Problem
	r.JSON(c.t, &p)
	if r.Status != status || field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != field) {
		c.t.Errorf("%s: status %d, problem %+v; want %d naming %q", what, r.Status, p, status, field)
	}
	return p
}

func (c journeyClient) path(format string, args ...any) string {
	return c.base + fmt.Sprintf(format, args...)
}

func newJourneyClient(t *testing.T, env *apitest.Env) journeyClient {
	return journeyClient{t: t, env: env, base: fmt.Sprintf("/api/v1/workspaces/%d", env.Workspace.ID)}
}

func TestJourneyMap(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			env := apitest.Start(t, d, apitest.Options{})
			c := newJourneyClient(t, env)

			var onboarding journey.Map
			c.must(201, env.Do(t, "POST", c.path("/journeys"), map[string]any{"name": "Onboarding", "persona": "new admin",
				"owner_user_id": env.Owner.ID}), &onboarding)
			var names []string
			for i, st := range onboarding.Stages {
				names = append(names, st.Name)
				if st.Position != i+1 || len(st.Touchpoints) != 0 {
					t.Errorf("stage %s: position %d, %d touchpoints; want %d, none", st.Name, st.Position, len(st.Touchpoints), i+1)
				}
			}
			if !slices.Equal(names, []string{"awareness", "consideration", "purchase", "retention", "advocacy"}) {
				t.Errorf("default stages = %v", names)
			}
			if onboarding.ReviewCadenceDays != 90 || onboarding.Stale || len(onboarding.PainPoints) != 0 {
				t.Errorf("new journey: cadence %d, stale %v, pain points %v; want 90, false, none",
					onboarding.ReviewCadenceDays, onboarding.Stale, onboarding.PainPoints)
			}
			var own journey.Map
			c.must(201, env.Do(t, "POST", c.path("/journeys"), map[string]any{"name": "Support", "stages": []string{"ask", "answer"}}), &own)
			if len(own.Stages) != 2 || own.Stages[0].Name != "ask" || own.Stages[1].Name != "answer" {
				t.Errorf("a journey's own stages = %+v", own.Stages)
			}
			c.problem("a stage list with a repeat", env.Do(t, "POST", c.path("/journeys"), map[string]any{"name": "X", "stages": []string{"a", "a"}}),
				422, "stages[1]")

			// Field errors name what refers outside the journey or the workspace.
			owner := env.NewUser(t, "elsewhere@example.com")
			elsewhere, err := env.Store.CreateWorkspace(t.Context(), audit.System, owner.ID, workspace.CreateInput{Name: "Elsewhere"})
			if err != nil {
				t.Fatal(err)
			}
			theirTeam, err := env.Store.CreateTeam(t.Context(), audit.System, elsewhere.ID, workspace.TeamInput{Name: "Theirs"})
			if err != nil {
				t.Fatal(err)
			}
			c.problem("a journey owned by another workspace's team",
				env.Do(t, "POST", c.path("/journeys"), map[string]any{"name": "X", "owner_team_id": theirTeam.ID}), 422, "owner_team_id")
			c.problem("moving a journey to another workspace's team",
				env.Do(t, "PATCH", c.path("/journeys/%d", onboarding.ID), map[string]any{"owner_user_id": 0, "owner_team_id": theirTeam.ID},
					ifMatch(onboarding.Version)...), 422, "owner_team_id")
			c.problem("a touchpoint in an unknown stage", env.Do(t, "POST", c.path("/journeys/%d/touchpoints", onboarding.ID),
				map[string]any{"stage_id": 999999, "name": "Docs", "channel": "web"}), 422, "stage_id")
			c.problem("a touchpoint in another journey's stage", env.Do(t, "POST", c.path("/journeys/%d/touchpoints", onboarding.ID),
				map[string]any{"stage_id": own.Stages[0].ID, "name": "Docs", "channel": "web"}), 422, "stage_id")
			c.problem("a touchpoint on an unknown channel", env.Do(t, "POST", c.path("/journeys/%d/touchpoints", onboarding.ID),
				map[string]any{"stage_id": onboarding.Stages[0].ID, "name": "Docs", "channel": "fax"}), 422, "channel")
			c.problem("a milestone whose event is not snake_case", env.Do(t, "POST", c.path("/journeys/%d/touchpoints", onboarding.ID),
				map[string]any{"stage_id": onboarding.Stages[0].ID, "name": "Form", "channel": "in_app", "event_name": "FormCreated"}), 422, "event_name")
			c.problem("a touchpoint owned by another workspace's team", env.Do(t, "POST", c.path("/journeys/%d/touchpoints", onboarding.ID),
				map[string]any{"stage_id": onboarding.Stages[0].ID, "name": "Docs", "channel": "web", "team_id": theirTeam.ID}), 422, "team_id")

			var form, docs, ticket journey.Touchpoint
			c.must(201, env.Do(t, "POST", c.path("/journeys/%d/touchpoints", onboarding.ID), map[string]any{
				"stage_id": onboarding.Stages[2].ID, "name": "First form", "channel": "in_app", "event_name": "form_created"}), &form)
			c.must(201, env.Do(t, "POST", c.path("/journeys/%d/touchpoints", onboarding.ID), map[string]any{
				"stage_id": onboarding.Stages[0].ID, "name": "Docs", "channel": "web"}), &docs)
			c.must(201, env.Do(t, "POST", c.path("/journeys/%d/touchpoints", own.ID), map[string]any{
				"stage_id": own.Stages[0].ID, "name": "Ticket", "channel": "support"}), &ticket)
			if !form.Milestone || docs.Milestone {
				t.Errorf("milestone flags: form %v, docs %v; want true, false", form.Milestone, docs.Milestone)
			}
			c.problem("moving a touchpoint to another journey's stage", env.Do(t, "PATCH", c.path("/journeys/%d/touchpoints/%d", onboarding.ID, docs.ID),
				map[string]any{"stage_id": own.Stages[1].ID}, ifMatch(docs.Version)...), 422, "stage_id")
			if r := env.Do(t, "PATCH", c.path("/journeys/%d/touchpoints/%d", own.ID, docs.ID), map[string]any{"name": "x"}, ifMatch(docs.Version)...); r.Status != 404 {
				t.Errorf("a touchpoint addressed through another journey = %d, want 404", r.Status)
			}
			if r := env.Do(t, "PATCH", c.path("/journeys/%d/stages/%d", own.ID, onboarding.Stages[0].ID), map[string]any{"name": "x"}, ifMatch(1)...); r.Status != 404 {
				t.Errorf("a stage addressed through another journey = %d, want 404", r.Status)
			}

			// Pain points: severity 1–5, links http(s), a touchpoint of the same journey.
			pp := func(body map[string]any) *apitest.Response {
				return env.Do(t, "POST", c.path("/journeys/%d/pain-points", onboarding.ID), body)
			}
			c.problem("severity 0", pp(map[string]any{"title": "Slow", "severity": 0}), 422, "severity")
			c.problem("severity 6", pp(map[string]any{"title": "Slow", "severity": 6}), 422, "severity")
			c.problem("a pain point at another journey's touchpoint", pp(map[string]any{"title": "Slow", "severity": 3,
				"touchpoint_id": ticket.ID}), 422, "touchpoint_id")
			c.problem("evidence that is not a web link", pp(map[string]any{"title": "Slow", "severity": 3,
				"evidence": []map[string]string{{"title": "Ticket", "url": "javascript:alert(1)"}}}), 422, "evidence[0].url")
			var slow, unclear, solved journey.PainPoint
			c.must(201, pp(map[string]any{"title": "Form builder is slow", "severity": 4, "touchpoint_id": form.ID,
				"description": "Saving takes seconds", "evidence": []map[string]string{{"title": "Ticket 1", "url": "https://support.example.com/t/1"}}}), &slow)
			c.must(201, pp(map[string]any{"title": "Docs unclear", "severity": 2, "touchpoint_id": docs.ID}), &unclear)
			c.must(201, pp(map[string]any{"title": "Sign-up email late", "severity": 5, "status": "solved"}), &solved)
			if slow.Status != journey.Open || len(slow.Evidence) != 1 || slow.TouchpointID != form.ID {
				t.Errorf("new pain point = %+v", slow)
			}
			var ack journey.PainPoint
			c.must(200, env.Do(t, "PATCH", c.path("/journeys/%d/pain-points/%d", onboarding.ID, unclear.ID),
				map[string]any{"status": "acknowledged", "evidence": []map[string]string{{"url": "http://example.com/survey"}}},
				ifMatch(unclear.Version)...), &ack)
			if ack.Status != journey.Acknowledged || len(ack.Evidence) != 1 || ack.Version != unclear.Version+1 {
				t.Errorf("acknowledged pain point = %+v", ack)
			}
			c.problem("a pain point patched to severity 7", env.Do(t, "PATCH", c.path("/journeys/%d/pain-points/%d", onboarding.ID, slow.ID),
				map[string]any{"severity": 7}, ifMatch(slow.Version)...), 422, "severity")
			for _, tt := range []struct {
				query string
				want  []int64
			}{
				{"", []int64{slow.ID, unclear.ID, solved.ID}},
				{"?status=open", []int64{slow.ID}},
				{"?severity=5", []int64{solved.ID}},
				{"?min_severity=4", []int64{slow.ID, solved.ID}},
				{"?status=acknowledged&min_severity=2", []int64{unclear.ID}},
			} {
				var list httpapi.List[journey.PainPoint]
				c.must(200, env.Do(t, "GET", c.path("/journeys/%d/pain-points%s", onboarding.ID, tt.query), nil), &list)
				var got []int64
				for _, p := range list.Items {
					got = append(got, p.ID)
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("pain points%s = %v, want %v", tt.query, got, tt.want)
				}
			}
			c.problem("an unknown status filter", env.Do(t, "GET", c.path("/journeys/%d/pain-points?status=closed", onboarding.ID), nil), 400, "status")
			c.problem("a severity filter out of range", env.Do(t, "GET", c.path("/journeys/%d/pain-points?min_severity=9", onboarding.ID), nil), 400, "min_severity")

			// The map: stages in order with their touchpoints, and the pain points.
			var m journey.Map
			r := env.Do(t, "GET", c.path("/journeys/%d", onboarding.ID), nil)
			c.must(200, r, &m)
			if r.Header.Get("ETag") != fmt.Sprintf(`"v%d"`, m.Version) {
				t.Errorf("ETag %q for version %d", r.Header.Get("ETag"), m.Version)
			}
			if tps := m.Stages[2].Touchpoints; len(tps) != 1 || tps[0].ID != form.ID || len(m.Stages[0].Touchpoints) != 1 || len(m.PainPoints) != 3 {
				t.Errorf("map: stages %+v, %d pain points", m.Stages, len(m.PainPoints))
			}

			// A stage with touchpoints is not deleted, and the answer says why.
			p := c.problem("deleting a stage with touchpoints", env.Do(t, "DELETE", c.path("/journeys/%d/stages/%d", onboarding.ID, onboarding.Stages[0].ID),
				nil, ifMatch(1)...), 409, "")
			if !strings.Contains(p.Detail, "has 1 touchpoint") {
				t.Errorf("refusal detail %q does not say why", p.Detail)
			}
			c.must(204, env.Do(t, "DELETE", c.path("/journeys/%d/stages/%d", onboarding.ID, onboarding.Stages[1].ID), nil, ifMatch(1)...), nil)

			// Deleting a touchpoint detaches its pain points; deleting the journey removes all.
			c.must(204, env.Do(t, "DELETE", c.path("/journeys/%d/touchpoints/%d", onboarding.ID, form.ID), nil, ifMatch(form.Version)...), nil)
			m = journey.Map{} // decode afresh: absent members would keep their old values
			c.must(200, env.Do(t, "GET", c.path("/journeys/%d", onboarding.ID), nil), &m)
			if len(m.Stages) != 4 || m.Stages[1].Name != "purchase" || m.Stages[1].Position != 2 || m.PainPoints[0].TouchpointID != 0 {
				t.Errorf("map after deletions: stages %+v, first pain point %+v", m.Stages, m.PainPoints[0])
			}
			c.problem("deleting a journey without If-Match", env.Do(t, "DELETE", c.path("/journeys/%d", onboarding.ID), nil), 428, "If-Match")
			c.problem("deleting a journey at an old version", env.Do(t, "DELETE", c.path("/journeys/%d", onboarding.ID), nil, ifMatch(m.Version+1)...), 412, "")
			c.must(204, env.Do(t, "DELETE", c.path("/journeys/%d", onboarding.ID), nil, ifMatch(m.Version)...), nil)
			for _, path := range []string{c.path("/journeys/%d", onboarding.ID), c.path("/journeys/%d/pain-points", onboarding.ID)} {
				if r := env.Do(t, "GET", path, nil); r.Status != 404 {
					t.Errorf("GET %s after the journey's deletion = %d, want 404", path, r.Status)
				}
			}
			var list httpapi.List[journey.Journey]
			c.must(200, env.Do(t, "GET", c.path("/journeys"), nil), &list)
			if len(list.Items) != 1 || list.Items[0].ID != own.ID {
				t.Errorf("journeys after one was deleted = %+v", list.Items)
			}
		})
	}
}

func TestJourneyStageOrder(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			env := apitest.Start(t, d, apitest.Options{})
			c := newJourneyClient(t, env)
			var m, other journey.Map
			c.must(201, env.Do(t, "POST", c.path("/journeys"), map[string]any{"name": "Onboarding"}), &m)
			c.must(201, env.Do(t, "POST", c.path("/journeys"), map[string]any{"name": "Other", "stages": []string{"x"}}), &other)
			ids := make([]int64, len(m.Stages))
			for i, st := range m.Stages {
				ids[i] = st.ID
			}
			put := func(order []int64) *apitest.Response {
				return env.Do(t, "PUT", c.path("/journeys/%d/stage-order", m.ID), map[string]any{"stage_ids": order})
			}
			c.problem("an order missing a stage", put(ids[:4]), 422, "stage_ids")
			c.problem("an order with a stage of another journey", put(append(slices.Clone(ids), other.Stages[0].ID)), 422, "stage_ids[5]")
			c.problem("an order with an unknown stage", put([]int64{ids[0], ids[1], ids[2], ids[3], 999999}), 422, "stage_ids[4]")
			c.problem("an order with a repeat", put([]int64{ids[0], ids[1], ids[2], ids[3], ids[4], ids[0]}), 422, "stage_ids[5]")
			c.problem("an empty order", put([]int64{}), 422, "stage_ids")
			if r := env.Do(t, "PUT", c.path("/journeys/%d/stage-order", 999999), map[string]any{"stage_ids": ids}); r.Status != 404 {
				t.Errorf("reordering an unknown journey = %d, want 404", r.Status)
			}

			// Add a stage (it goes last), then put it first.
			var loyalty journey.Stage
			c.must(201, env.Do(t, "POST", c.path("/journeys/%d/stages", m.ID), map[string]any{"name": "loyalty"}), &loyalty)
			if loyalty.Position != 6 {
				t.Errorf("a new stage at position %d, want 6", loyalty.Position)
			}
			c.problem("a stage named like another", env.Do(t, "POST", c.path("/journeys/%d/stages", m.ID), map[string]any{"name": "purchase"}), 422, "name")
			c.problem("reordering without the new stage", put(ids), 422, "stage_ids")
			order := append([]int64{loyalty.ID}, ids...)
			var after journey.Map
			c.must(200, put(order), &after)
			for i, st := range after.Stages {
				if st.ID != order[i] || st.Position != i+1 {
					t.Errorf("after reorder, stage %d is %d at position %d; want %d", i, st.ID, st.Position, order[i])
				}
			}
			var renamed journey.Stage
			c.must(200, env.Do(t, "PATCH", c.path("/journeys/%d/stages/%d", m.ID, loyalty.ID), map[string]any{"name": "onboarding"},
				ifMatch(after.Stages[0].Version)...), &renamed)
			if renamed.Name != "onboarding" || renamed.Position != 1 {
				t.Errorf("renamed stage = %+v", renamed)
			}
		})
	}
}

func TestJourneyStaleness(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			clock := storetest.NewClock(time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC))
			env := apitest.Start(t, d, apitest.Options{Now: clock.Now})
			c := newJourneyClient(t, env)
			var m journey.Map
			c.must(201, env.Do(t, "POST", c.path("/journeys"), map[string]any{"name": "Renewal", "review_cadence_days": 7}), &m)
			get := func() journey.Map {
				t.Helper()
				var got journey.Map
				c.must(200, env.Do(t, "GET", c.path("/journeys/%d", m.ID), nil), &got)
				return got
			}
			listed := func() bool {
				t.Helper()
				var list httpapi.List[journey.Journey]
				c.must(200, env.Do(t, "GET", c.path("/journeys"), nil), &list)
				return list.Items[0].Stale
			}
			clock.Advance(7 * 24 * time.Hour)
			if got := get(); got.Stale || !got.ReviewDue.Equal(m.CreatedAt.Add(7*24*time.Hour)) {
				t.Errorf("7 days after creation, never reviewed: stale %v, due %v; want false, %v", got.Stale, got.ReviewDue, m.CreatedAt.Add(7*24*time.Hour))
			}
			clock.Advance(time.Hour)
			if got := get(); !got.Stale || !listed() {
				t.Errorf("7 days and an hour after creation, never reviewed: not stale (map %v, list %v)", got.Stale, listed())
			}

			var reviewed journey.Map
			c.must(200, env.Do(t, "POST", c.path("/journeys/%d/review", m.ID), nil), &reviewed)
			if reviewed.Stale || !reviewed.LastReviewedAt.Equal(clock.Now()) || reviewed.LastReviewedBy != env.Owner.ID {
				t.Errorf("after review: stale %v, at %v by %d; want false, %v by %d",
					reviewed.Stale, reviewed.LastReviewedAt, reviewed.LastReviewedBy, clock.Now(), env.Owner.ID)
			}
			// A longer cadence moves the due date; a review older than it is stale again.
			c.must(200, env.Do(t, "PATCH", c.path("/journeys/%d", m.ID), map[string]any{"review_cadence_days": 30}, ifMatch(reviewed.Version)...), &m)
			clock.Advance(29 * 24 * time.Hour)
			if get().Stale {
				t.Error("29 days after a review with a 30-day cadence: stale")
			}
			clock.Advance(2 * 24 * time.Hour)
			if !get().Stale || !listed() {
				t.Error("31 days after a review with a 30-day cadence: not stale")
			}
			c.problem("a cadence of 0 days", env.Do(t, "PATCH", c.path("/journeys/%d", m.ID), map[string]any{"review_cadence_days": 0},
				ifMatch(m.Version)...), 422, "review_cadence_days")
		})
	}
}
