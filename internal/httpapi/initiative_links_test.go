package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lodestar-cx/lodestar/internal/apitest"
	"github.com/lodestar-cx/lodestar/internal/journey"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
)

func TestInitiativeTouchpointAndPainPointLinks(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			e := startExtras(t, d, apitest.Options{})
			it := e.initiative(map[string]any{"title": "UX fixes", "horizon": "short"})
			var m journey.Map
			e.must(201, "POST", "/journeys", map[string]any{"name": "Onboarding"}, &m)
			var tp journey.Touchpoint
			e.must(201, "POST", fmt.Sprintf("/journeys/%d/touchpoints", m.ID),
				map[string]any{"stage_id": m.Stages[2].ID, "name": "First form created", "channel": "in_app", "event_name": "form_created"}, &tp)
			var pp journey.PainPoint
			e.must(201, "POST", fmt.Sprintf("/journeys/%d/pain-points", m.ID),
				map[string]any{"title": "Publishing fails", "severity": 4, "touchpoint_id": tp.ID}, &pp)
			tpPath := fmt.Sprintf("/initiatives/%d/touchpoints/%d", it.ID, tp.ID)
			ppPath := fmt.Sprintf("/initiatives/%d/pain-points/%d", it.ID, pp.ID)

			wantTP := roadmap.TouchpointLink{InitiativeID: it.ID, TouchpointID: tp.ID, JourneyID: m.ID, Name: "First form created",
				Channel: journey.ChannelInApp, EventName: "form_created"}
			wantPP := roadmap.PainPointLink{InitiativeID: it.ID, PainPointID: pp.ID, JourneyID: m.ID, Title: "Publishing fails",
				Severity: 4, Status: journey.Open}
			for range 2 { // linking again answers the same link
				var gotTP roadmap.TouchpointLink
				e.must(200, "PUT", tpPath, nil, &gotTP)
				if diff := cmp.Diff(wantTP, gotTP); diff != "" {
					t.Errorf("PUT %s (-want +got):\n%s", tpPath, diff)
				}
				var gotPP roadmap.PainPointLink
				e.must(200, "PUT", ppPath, nil, &gotPP)
				if diff := cmp.Diff(wantPP, gotPP); diff != "" {
					t.Errorf("PUT %s (-want +got):\n%s", ppPath, diff)
				}
			}
			got := e.getInitiative(it.ID)
			if diff := cmp.Diff([]roadmap.TouchpointLink{wantTP}, got.Touchpoints); diff != "" {
				t.Errorf("initiative's touchpoints (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]roadmap.PainPointLink{wantPP}, got.PainPoints); diff != "" {
				t.Errorf("initiative's pain points (-want +got):\n%s", diff)
			}

			for _, c := range []struct {
				method, path string
				want         int
			}{
				{"PUT", fmt.Sprintf("/initiatives/%d/touchpoints/%d", it.ID, tp.ID+1000), 404},
				{"PUT", fmt.Sprintf("/initiatives/%d/pain-points/%d", it.ID, pp.ID+1000), 404},
				{"PUT", fmt.Sprintf("/initiatives/%d/touchpoints/%d", it.ID+1000, tp.ID), 404},
				{"PUT", fmt.Sprintf("/initiatives/%d/touchpoints/%d", it.ID, pp.ID+1000), 404},
				{"DELETE", tpPath, 204},
				{"DELETE", tpPath, 404},
				{"DELETE", ppPath, 204},
				{"DELETE", ppPath, 404},
			} {
				if r := e.Do(t, c.method, e.base+c.path, nil); r.Status != c.want {
					t.Errorf("%s %s = %d %s, want %d", c.method, c.path, r.Status, r.Body, c.want)
				}
			}
			got = e.getInitiative(it.ID)
			if len(got.Touchpoints) != 0 || len(got.PainPoints) != 0 || got.Touchpoints == nil || got.PainPoints == nil {
				t.Errorf("after unlinking, touchpoints %v and pain points %v; want empty lists", got.Touchpoints, got.PainPoints)
			}

			// A link goes with its touchpoint.
			e.must(200, "PUT", tpPath, nil, nil)
			r := e.Do(t, "DELETE", e.base+fmt.Sprintf("/journeys/%d/touchpoints/%d", m.ID, tp.ID), nil, "If-Match", `"v1"`)
			if r.Status != 204 {
				t.Fatalf("delete touchpoint = %d %s", r.Status, r.Body)
			}
			if got := e.getInitiative(it.ID); len(got.Touchpoints) != 0 {
				t.Errorf("initiative links a deleted touchpoint: %v", got.Touchpoints)
			}
		})
	}
}
