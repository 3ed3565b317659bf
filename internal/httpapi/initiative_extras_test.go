package httpapi_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lodestar-cx/lodestar/internal/apitest"
	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/httpapi"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

// extrasEnv is a running API with helpers for the tests of check-ins, links and team load.
type extrasEnv struct {
	*apitest.Env
	t    *testing.T
	base string
}

func startExtras(t *testing.T, driver string, opts apitest.Options) *extrasEnv {
	env := apitest.Start(t, driver, opts)
	return &extrasEnv{Env: env, t: t, base: fmt.Sprintf("/api/v1/workspaces/%d", env.Workspace.ID)}
}

// must sends a request that must answer want, and decodes the answer into out when not nil.
func (e *extrasEnv) must(want int, method, path string, body, out any) {
	e.t.Helper()
	r := e.Do(e.t, method, e.base+path, body)
	if r.Status != want {
		e.t.Fatalf("%s %s %v = %d %s, want %d", method, path, body, r.Status, r.Body, want)
	}
	if out != nil {
		r.JSON(e.t, out)
	}
}

// invalid sends a request that must be refused as invalid, naming field first.
func (e *extrasEnv) invalid(method, path string, body any, field string) {
	e.t.Helper()
	r := e.Do(e.t, method, e.base+path, body)
	var p httpapi.Problem
	r.JSON(e.t, &p)
	if r.Status != 422 || len(p.Errors) == 0 || p.Errors[0].Field != field {
		e.t.Errorf("%s %s %v = %d %+v, want 422 naming %s", method, path, body, r.Status, p, field)
	}
}

func (e *extrasEnv) initiative(body map[string]any) roadmap.Initiative {
	e.t.Helper()
	var it roadmap.Initiative
	e.must(201, "POST", "/initiatives", body, &it)
	return it
}

func (e *extrasEnv) getInitiative(id int64) roadmap.Initiative {
	e.t.Helper()
	var it roadmap.Initiative
	e.must(200, "GET", fmt.Sprintf("/initiatives/%d", id), nil, &it)
	return it
}

func (e *extrasEnv) keyResult() goals.KeyResult {
	e.t.Helper()
	var g goals.Goal
	e.must(201, "POST", "/goals", map[string]any{"title": "Delight customers"}, &g)
	var k goals.KeyResult
	e.must(201, "POST", fmt.Sprintf("/goals/%d/key-results", g.ID), map[string]any{"title": "NPS", "kind": "increase",
		"baseline": 30, "target": 45, "unit": "points", "due_date": "2026-12-31"}, &k)
	return k
}

func TestInitiativeCheckIns(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			clock := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
			e := startExtras(t, d, apitest.Options{Now: clock.Now})
			it := e.initiative(map[string]any{"title": "Live chat", "horizon": "short", "status": "in_progress"})
			path := fmt.Sprintf("/initiatives/%d/check-ins", it.ID)

			e.invalid("POST", path, map[string]any{"status": "at_risk", "progress": 30, "confidence": 5}, "note")
			e.invalid("POST", path, map[string]any{"status": "off_track", "progress": 30, "confidence": 5, "note": "  "}, "note")
			e.invalid("POST", path, map[string]any{"status": "on_track", "progress": 101, "confidence": 5}, "progress")
			e.invalid("POST", path, map[string]any{"status": "on_track", "progress": -1, "confidence": 5}, "progress")
			e.invalid("POST", path, map[string]any{"status": "on_track", "confidence": 5}, "progress")
			e.invalid("POST", path, map[string]any{"status": "on_track", "progress": 10, "confidence": 11}, "confidence")
			e.invalid("POST", path, map[string]any{"status": "stuck", "progress": 10, "confidence": 5}, "status")
			if r := e.Do(t, "POST", e.base+path, map[string]any{"status": "on_track", "progress": 10, "confidence": 5, "value": 3}); r.Status != 400 {
				t.Errorf("a check-in with a key result's value = %d %s, want 400", r.Status, r.Body)
			}

			for _, body := range []map[string]any{
				{"status": "on_track", "progress": 0, "confidence": 8},
				{"status": "at_risk", "progress": 35.5, "confidence": 5, "note": "The vendor slipped.", "blockers": "Vendor contract"},
				{"status": "on_track", "progress": 100, "confidence": 9, "note": "Live."},
			} {
				clock.Advance(time.Hour)
				e.must(201, "POST", path, body, nil)
			}
			var page httpapi.List[goals.CheckIn]
			e.must(200, "GET", path+"?limit=2", nil, &page)
			if len(page.Items) != 2 || page.NextCursor == "" {
				t.Fatalf("first page %+v, want two check-ins and a cursor", page)
			}
			var rest httpapi.List[goals.CheckIn]
			e.must(200, "GET", path+"?limit=2&cursor="+page.NextCursor, nil, &rest)
			if rest.NextCursor != "" {
				t.Errorf("second page has a cursor %q; want it to be the last", rest.NextCursor)
			}
			all := append(page.Items, rest.Items...)
			var got []string
			for _, c := range all {
				if c.InitiativeID != it.ID || c.KeyResultID != 0 || c.Progress == nil || c.AuthorID != e.Owner.ID {
					t.Errorf("check-in %+v: want initiative %d, no key result, a progress and author %d", c, it.ID, e.Owner.ID)
					continue
				}
				got = append(got, fmt.Sprintf("%s %g %d %q %q %s", c.Status, *c.Progress, c.Confidence, c.Note, c.Blockers, c.At.Format("15:04")))
			}
			want := []string{
				`on_track 0 8 "" "" 10:00`,
				`at_risk 35.5 5 "The vendor slipped." "Vendor contract" 11:00`,
				`on_track 100 9 "Live." "" 12:00`,
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("history, oldest first (-want +got):\n%s", diff)
			}
			if r := e.Do(t, "GET", e.base+"/initiatives/999999/check-ins", nil); r.Status != 404 {
				t.Errorf("check-ins of a missing initiative = %d, want 404", r.Status)
			}

			// Key result check-ins are as they were: a value, no progress.
			kr := e.keyResult()
			var c goals.CheckIn
			e.must(201, "POST", fmt.Sprintf("/key-results/%d/check-ins", kr.ID), map[string]any{"status": "on_track", "confidence": 7, "value": 33}, &c)
			if c.KeyResultID != kr.ID || c.InitiativeID != 0 || c.Progress != nil || c.Value == nil || *c.Value != 33 {
				t.Errorf("key result check-in %+v, want key result %d with value 33 and no progress", c, kr.ID)
			}
			if r := e.Do(t, "POST", fmt.Sprintf("%s/key-results/%d/check-ins", e.base, kr.ID),
				map[string]any{"status": "on_track", "confidence": 7, "progress": 50}); r.Status != 400 {
				t.Errorf("a key result check-in with progress = %d, want 400", r.Status)
			}
			var krs httpapi.List[goals.CheckIn]
			e.must(200, "GET", fmt.Sprintf("/key-results/%d/check-ins", kr.ID), nil, &krs)
			if len(krs.Items) != 1 {
				t.Errorf("key result check-ins %+v, want only its own one", krs.Items)
			}
		})
	}
}

func TestCheckInStaleness(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			clock := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
			e := startExtras(t, d, apitest.Options{Now: clock.Now})
			planned := e.initiative(map[string]any{"title": "Live chat", "horizon": "short", "status": "planned"})
			running := e.initiative(map[string]any{"title": "Help centre", "horizon": "short", "status": "in_progress"})
			e.initiative(map[string]any{"title": "Chatbot", "horizon": "long"})                        // an idea checks in on nothing
			e.initiative(map[string]any{"title": "Status page", "horizon": "short", "status": "done"}) // nor what is done
			kr := e.keyResult()

			var cadence roadmap.CheckInCadence
			e.must(200, "GET", "/check-in-cadence", nil, &cadence)
			if cadence.Days != 14 {
				t.Errorf("default cadence %d days, want 14", cadence.Days)
			}
			// stale lists what is stale now: initiatives by title, and the key result as "NPS".
			stale := func() []string {
				t.Helper()
				var out []string
				var list httpapi.List[roadmap.Initiative]
				e.must(200, "GET", "/initiatives", nil, &list)
				for _, it := range list.Items {
					one := e.getInitiative(it.ID)
					if slices.Contains(it.Flags, "stale_check_in") != slices.Contains(one.Flags, "stale_check_in") {
						t.Errorf("%s: list flags %v, own flags %v disagree", it.Title, it.Flags, one.Flags)
					}
					if slices.Contains(it.Flags, "stale_check_in") {
						out = append(out, it.Title)
					}
				}
				var k goals.KeyResult
				e.must(200, "GET", fmt.Sprintf("/key-results/%d", kr.ID), nil, &k)
				var ks httpapi.List[goals.KeyResult]
				e.must(200, "GET", "/key-results", nil, &ks)
				if len(ks.Items) != 1 || ks.Items[0].Stale != k.Stale {
					t.Errorf("key result stale %v alone, %+v in the list", k.Stale, ks.Items)
				}
				if k.Stale {
					out = append(out, "NPS")
				}
				slices.Sort(out)
				return out
			}
			check := func(when string, want ...string) {
				t.Helper()
				if got := stale(); !slices.Equal(got, want) {
					t.Errorf("%s: stale %v, want %v", when, got, want)
				}
			}

			check("at creation")
			clock.Advance(14 * 24 * time.Hour)
			check("exactly one cadence after creation")
			clock.Advance(time.Minute)
			check("past the cadence, never checked in", "Help centre", "Live chat", "NPS")

			e.must(201, "POST", fmt.Sprintf("/initiatives/%d/check-ins", planned.ID), map[string]any{"status": "on_track", "progress": 10, "confidence": 7}, nil)
			e.must(201, "POST", fmt.Sprintf("/key-results/%d/check-ins", kr.ID), map[string]any{"status": "on_track", "confidence": 7}, nil)
			check("after checking in on live chat and NPS", "Help centre")

			// A shorter cadence makes the fresh check-ins old.
			e.invalid("PUT", "/check-in-cadence", map[string]any{"days": 0}, "days")
			e.invalid("PUT", "/check-in-cadence", map[string]any{"days": 366}, "days")
			e.must(200, "PUT", "/check-in-cadence", map[string]any{"days": 3}, &cadence)
			e.must(200, "GET", "/check-in-cadence", nil, &cadence)
			if cadence.Days != 3 {
				t.Errorf("cadence after setting 3: %d", cadence.Days)
			}
			clock.Advance(3*24*time.Hour + time.Minute)
			check("three days after the check-ins, on a three-day cadence", "Help centre", "Live chat", "NPS")

			// Finishing an initiative ends its check-ins.
			if r := e.Do(t, "PATCH", fmt.Sprintf("%s/initiatives/%d", e.base, running.ID), map[string]any{"status": "done"}, ifMatch(1)...); r.Status != 200 {
				t.Fatalf("finish the help centre = %d %s", r.Status, r.Body)
			}
			check("after the help centre is done", "Live chat", "NPS")
		})
	}
}

func TestKeyResultLinks(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			env := apitest.Start(t, d, apitest.Options{})
			w := newWorld(t, env)
			e := &extrasEnv{Env: env, t: t, base: fmt.Sprintf("/api/v1/workspaces/%d", w.a)}
			mine, theirs := w.initiative(w.a), w.initiative(w.b)
			nps, csat, theirKR := w.keyResult(w.a), w.keyResult(w.a), w.keyResult(w.b)
			link := func(it, kr int64) string { return fmt.Sprintf("/initiatives/%d/key-results/%d", it, kr) }

			// Every object in the path must be of the path's workspace.
			for _, p := range []string{link(mine.ID, theirKR.ID), link(theirs.ID, nps.ID), link(theirs.ID, theirKR.ID), link(mine.ID, 999999)} {
				if r := e.Do(t, "PUT", e.base+p, map[string]any{"expected_effect": 2}); r.Status != 404 {
					t.Errorf("PUT %s = %d %s, want 404", p, r.Status, r.Body)
				}
				if r := e.Do(t, "DELETE", e.base+p, nil); r.Status != 404 {
					t.Errorf("DELETE %s = %d %s, want 404", p, r.Status, r.Body)
				}
			}
			if links, err := env.Store.KeyResultLinks(t.Context(), w.b); err != nil || len(links) != 0 {
				t.Errorf("workspace B's links after refused requests: %v, %v", links, err)
			}

			var l roadmap.KeyResultLink
			e.must(200, "PUT", link(mine.ID, nps.ID), map[string]any{"expected_effect": 3, "note": " Chat answers what sinks the score. "}, &l)
			want := roadmap.KeyResultLink{InitiativeID: mine.ID, KeyResultID: nps.ID, Title: nps.Title, Unit: nps.Unit,
				ExpectedEffect: ptr(3.0), Note: "Chat answers what sinks the score."}
			if diff := cmp.Diff(want, l); diff != "" {
				t.Errorf("link (-want +got):\n%s", diff)
			}
			e.must(200, "PUT", link(mine.ID, csat.ID), map[string]any{}, nil)
			e.invalid("PUT", link(mine.ID, csat.ID), map[string]any{"note": strings.Repeat("x", 2001)}, "note")

			it := e.getInitiative(mine.ID)
			if len(it.KeyResults) != 2 || it.KeyResults[0].KeyResultID != nps.ID || it.KeyResults[1].ExpectedEffect != nil {
				t.Errorf("initiative's key results %+v, want NPS (+3) and CSAT (no estimate)", it.KeyResults)
			}
			var list httpapi.List[roadmap.Initiative]
			e.must(200, "GET", "/initiatives", nil, &list)
			for _, x := range list.Items {
				if x.ID == mine.ID && !cmp.Equal(x.KeyResults, it.KeyResults) {
					t.Errorf("key results in the list %+v, alone %+v", x.KeyResults, it.KeyResults)
				}
			}

			// Linking again replaces the estimate and the note.
			var relinked roadmap.KeyResultLink
			e.must(200, "PUT", link(mine.ID, nps.ID), map[string]any{"note": "Unsure now"}, &relinked)
			if relinked.ExpectedEffect != nil || relinked.Note != "Unsure now" {
				t.Errorf("relinked %+v, want no estimate and the new note", relinked)
			}
			e.must(204, "DELETE", link(mine.ID, nps.ID), nil, nil)
			if r := e.Do(t, "DELETE", e.base+link(mine.ID, nps.ID), nil); r.Status != 404 {
				t.Errorf("unlink twice = %d, want 404", r.Status)
			}
			it = e.getInitiative(mine.ID)
			if len(it.KeyResults) != 1 || it.KeyResults[0].KeyResultID != csat.ID {
				t.Errorf("after unlinking NPS: %+v, want CSAT alone", it.KeyResults)
			}
			// A key result deleted takes its links with it.
			if r := e.Do(t, "DELETE", fmt.Sprintf("%s/key-results/%d", e.base, csat.ID), nil, ifMatch(1)...); r.Status != 204 {
				t.Fatalf("delete CSAT = %d %s", r.Status, r.Body)
			}
			if it = e.getInitiative(mine.ID); it.KeyResults == nil || len(it.KeyResults) != 0 {
				t.Errorf("after deleting CSAT: %#v, want an empty list", it.KeyResults)
			}
		})
	}
}

func TestTeamLoad(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			e := startExtras(t, d, apitest.Options{})
			ctx, ws := t.Context(), e.Workspace.ID
			team := func(name string) int64 {
				tm, err := e.Store.CreateTeam(ctx, audit.System, ws, workspace.TeamInput{Name: name})
				if err != nil {
					t.Fatal(err)
				}
				return tm.ID
			}
			web, support := team("Web"), team("Support")
			team("Billing") // responsible for nothing
			assign := func(it roadmap.Initiative, in roadmap.AssignmentInput) {
				if _, err := e.Store.Assign(ctx, audit.System, ws, it.ID, in); err != nil {
					t.Fatal(err)
				}
			}
			mk := func(title, horizon, status, due string, teams ...int64) roadmap.Initiative {
				body := map[string]any{"title": title, "horizon": horizon, "status": status}
				if due != "" {
					body["due_date"] = due
				}
				it := e.initiative(body)
				for _, tm := range teams {
					assign(it, roadmap.AssignmentInput{TeamID: tm, Role: roadmap.Responsible})
				}
				return it
			}
			mk("Live chat", "short", "in_progress", "2026-05-15", support, web)
			mk("Macros", "short", "planned", "2026-04-01", support)
			mk("Help centre", "mid", "planned", "2026-07-01", support)
			mk("Community", "long", "idea", "", support)
			mk("Chatbot", "long", "idea", "2027-01-31", support)
			mk("Status page", "short", "done", "2026-03-01", support)     // done: no load
			mk("Old portal", "mid", "dropped", "2026-06-01", support)     // dropped: no load
			accountable := mk("Survey", "short", "planned", "2026-05-01") // accountable is not responsible
			assign(accountable, roadmap.AssignmentInput{TeamID: support, Role: roadmap.Accountable})
			assign(accountable, roadmap.AssignmentInput{UserID: e.Owner.ID, Role: roadmap.Responsible})

			var got httpapi.List[roadmap.TeamLoad]
			e.must(200, "GET", "/team-load", nil, &got)
			summary := func(l roadmap.TeamLoad) string {
				var titles []string
				for _, it := range l.Initiatives {
					titles = append(titles, it.Title)
				}
				return fmt.Sprintf("%s total=%d short=%d mid=%d long=%d quarters=%v undated=%d %v",
					l.Name, l.Total, l.Horizons.Short, l.Horizons.Mid, l.Horizons.Long, l.Quarters, l.Undated, titles)
			}
			var lines []string
			for _, l := range got.Items {
				lines = append(lines, summary(l))
			}
			want := []string{
				"Billing total=0 short=0 mid=0 long=0 quarters=[] undated=0 []",
				"Support total=5 short=2 mid=1 long=2 quarters=[{2026-Q2 2} {2026-Q3 1} {2027-Q1 1}] undated=1 [Macros Live chat Help centre Chatbot Community]",
				"Web total=1 short=1 mid=0 long=0 quarters=[{2026-Q2 1}] undated=0 [Live chat]",
			}
			if diff := cmp.Diff(want, lines); diff != "" {
				t.Errorf("team load (-want +got):\n%s", diff)
			}
		})
	}
}
