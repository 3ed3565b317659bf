package store_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/journey"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

// journeyFixture is two workspaces, each with an owner, and a journey with the default stages
// in the first.
type journeyFixture struct {
	s         *store.Store
	ws, other int64
	owner     int64
	m         journey.Map
}

func newJourneyFixture(t *testing.T, s *store.Store) journeyFixture {
	t.Helper()
	ctx := t.Context()
	ana, bo := mustUser(t, s, "ana@example.com"), mustUser(t, s, "bo@example.com")
	ws, err := s.CreateWorkspace(ctx, audit.System, ana.ID, workspace.CreateInput{Name: "W"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.CreateWorkspace(ctx, audit.System, bo.ID, workspace.CreateInput{Name: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	f := journeyFixture{s: s, ws: ws.ID, other: other.ID, owner: ana.ID}
	f.m = f.journey(t, ws.ID, nil)
	return f
}

// journey creates a journey in ws with the stages given, or the default ones when nil.
func (f journeyFixture) journey(t *testing.T, ws int64, stages []string) journey.Map {
	t.Helper()
	in := journey.JourneyInput{Name: "Onboarding", Persona: "new admin", Stages: stages}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	m, err := f.s.CreateJourney(t.Context(), audit.System, ws, in)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (f journeyFixture) touchpoint(t *testing.T, ws, journeyID, stageID int64, event string) journey.Touchpoint {
	t.Helper()
	in := journey.TouchpointInput{StageID: stageID, Name: "Touchpoint " + event, Channel: journey.ChannelWeb, EventName: event}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	tp, err := f.s.CreateTouchpoint(t.Context(), audit.System, ws, journeyID, in)
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

func stageIDs(m journey.Map) []int64 {
	var ids []int64
	for _, st := range m.Stages {
		ids = append(ids, st.ID)
	}
	return ids
}

func stageNames(m journey.Map) []string {
	var names []string
	for _, st := range m.Stages {
		names = append(names, st.Name)
	}
	return names
}

// positionsContiguous checks that the stages stand at 1…n in the order listed.
func positionsContiguous(t *testing.T, m journey.Map) {
	t.Helper()
	for i, st := range m.Stages {
		if st.Position != i+1 {
			t.Errorf("stage %d (%s) at position %d, want %d", st.ID, st.Name, st.Position, i+1)
		}
	}
}

func TestJourneyOwnersAndStages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newJourneyFixture(t, s)
		if got := stageNames(f.m); !slices.Equal(got, journey.DefaultStages) {
			t.Errorf("stages of a new journey = %v, want %v", got, journey.DefaultStages)
		}
		positionsContiguous(t, f.m)
		own := f.journey(t, f.ws, []string{"sign up", "first form", "first response"})
		if got := stageNames(own); !slices.Equal(got, []string{"sign up", "first form", "first response"}) {
			t.Errorf("stages of a journey that lists its own = %v", got)
		}

		// Owners must belong to the workspace.
		theirs, err := s.CreateTeam(ctx, audit.System, f.other, workspace.TeamInput{Name: "Theirs"})
		if err != nil {
			t.Fatal(err)
		}
		in := journey.JourneyInput{Name: "J", OwnerTeamID: theirs.ID}
		in.Validate()
		if _, err := s.CreateJourney(ctx, audit.System, f.ws, in); invalidField(err) != "owner_team_id" {
			t.Errorf("a journey owned by another workspace's team = %v, want an invalid owner_team_id", err)
		}
		stranger := mustUser(t, s, "stranger@example.com")
		in = journey.JourneyInput{Name: "J", OwnerUserID: stranger.ID}
		in.Validate()
		if _, err := s.CreateJourney(ctx, audit.System, f.ws, in); invalidField(err) != "owner_user_id" {
			t.Errorf("a journey owned by a non-member = %v, want an invalid owner_user_id", err)
		}
		if _, err := s.UpdateJourney(ctx, audit.System, f.ws, f.m.ID, f.m.Version, journey.JourneyUpdate{OwnerTeamID: &theirs.ID}); invalidField(err) != "owner_team_id" {
			t.Errorf("moving a journey to another workspace's team = %v, want an invalid owner_team_id", err)
		}
		mine, err := s.CreateTeam(ctx, audit.System, f.ws, workspace.TeamInput{Name: "CX"})
		if err != nil {
			t.Fatal(err)
		}
		up, err := s.UpdateJourney(ctx, audit.System, f.ws, f.m.ID, f.m.Version, journey.JourneyUpdate{OwnerTeamID: &mine.ID})
		if err != nil || up.OwnerTeamID != mine.ID || up.Version != f.m.Version+1 || len(up.Stages) != 5 {
			t.Errorf("UpdateJourney to a team of the workspace = %+v, %v", up.Journey, err)
		}
		if _, err := s.UpdateJourney(ctx, audit.System, f.ws, f.m.ID, f.m.Version, journey.JourneyUpdate{}); !errors.Is(err, fault.ErrStale) {
			t.Errorf("UpdateJourney at an old version = %v, want ErrStale", err)
		}

		// An owner who has left the workspace does not block other changes.
		cy := mustUser(t, s, "cy@example.com")
		member, err := s.AddMember(ctx, audit.System, f.ws, cy.ID, auth.RoleEditor)
		if err != nil {
			t.Fatal(err)
		}
		in = journey.JourneyInput{Name: "Cy's", OwnerUserID: cy.ID}
		in.Validate()
		cys, err := s.CreateJourney(ctx, audit.System, f.ws, in)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveMember(ctx, audit.System, f.ws, cy.ID, member.Version); err != nil {
			t.Fatal(err)
		}
		persona := "renewing admin"
		if _, err := s.UpdateJourney(ctx, audit.System, f.ws, cys.ID, cys.Version, journey.JourneyUpdate{Persona: &persona}); err != nil {
			t.Errorf("renaming the persona of a journey whose owner left = %v", err)
		}

		// Another workspace sees none of it.
		if _, err := s.JourneyMap(ctx, f.other, f.m.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("a journey read through another workspace = %v, want ErrNotFound", err)
		}
		if err := s.DeleteJourney(ctx, audit.System, f.other, f.m.ID, up.Version); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("a journey deleted through another workspace = %v, want ErrNotFound", err)
		}
		if _, err := s.CreateStage(ctx, audit.System, f.other, f.m.ID, journey.StageInput{Name: "x"}); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("a stage added through another workspace = %v, want ErrNotFound", err)
		}
		if items, _, err := s.Journeys(ctx, f.other, store.Page{}); err != nil || len(items) != 0 {
			t.Errorf("journeys of the other workspace = %d, %v; want none", len(items), err)
		}

		// Stage names are unique within a journey, not across journeys.
		if _, err := s.CreateStage(ctx, audit.System, f.ws, f.m.ID, journey.StageInput{Name: "purchase"}); invalidField(err) != "name" {
			t.Errorf("a second stage named purchase = %v, want an invalid name", err)
		}
		st, err := s.CreateStage(ctx, audit.System, f.ws, own.ID, journey.StageInput{Name: "purchase"})
		if err != nil || st.Position != 4 {
			t.Errorf("a stage added to the end = %+v, %v; want position 4", st, err)
		}
		name := "first value"
		if _, err := s.UpdateStage(ctx, audit.System, f.ws, f.m.ID, st.ID, st.Version, journey.StageUpdate{Name: &name}); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("a stage renamed through another journey = %v, want ErrNotFound", err)
		}
		renamed, err := s.UpdateStage(ctx, audit.System, f.ws, own.ID, st.ID, st.Version, journey.StageUpdate{Name: &name})
		if err != nil || renamed.Name != name || renamed.Version != st.Version+1 {
			t.Errorf("UpdateStage = %+v, %v", renamed, err)
		}
	})
}

func TestStageOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newJourneyFixture(t, s)
		ids := stageIDs(f.m)
		other := f.journey(t, f.ws, []string{"x", "y"})

		for _, bad := range []struct {
			name  string
			order []int64
			field string
		}{
			{"one missing", ids[1:], "stage_ids"},
			{"a stage of another journey", append(slices.Clone(ids), other.Stages[0].ID), "stage_ids[5]"},
			{"a stage of another journey in place of one", append(slices.Clone(ids[:4]), other.Stages[0].ID), "stage_ids[4]"},
		} {
			if _, err := s.ReorderStages(ctx, audit.System, f.ws, f.m.ID, bad.order); invalidField(err) != bad.field {
				t.Errorf("reorder with %s = %v, want invalid %s", bad.name, err, bad.field)
			}
		}
		// Swap the first two: only they move, and only their versions change.
		order := []int64{ids[1], ids[0], ids[2], ids[3], ids[4]}
		m, err := s.ReorderStages(ctx, audit.System, f.ws, f.m.ID, order)
		if err != nil {
			t.Fatal(err)
		}
		if got := stageIDs(m); !slices.Equal(got, order) {
			t.Errorf("stages after reorder = %v, want %v", got, order)
		}
		positionsContiguous(t, m)
		for i, st := range m.Stages {
			if want := int64(1) + map[bool]int64{true: 1}[i < 2]; st.Version != want {
				t.Errorf("stage %s after the swap at version %d, want %d", st.Name, st.Version, want)
			}
		}
		// A full reversal through the same unique positions.
		rev := slices.Clone(order)
		slices.Reverse(rev)
		if m, err = s.ReorderStages(ctx, audit.System, f.ws, f.m.ID, rev); err != nil {
			t.Fatal(err)
		}
		if got := stageIDs(m); !slices.Equal(got, rev) {
			t.Errorf("stages after reversal = %v, want %v", got, rev)
		}
		positionsContiguous(t, m)
		entries, _, err := s.AuditEntries(ctx, f.ws, audit.Filter{Entity: "journey_stage_order"}, store.Page{})
		if err != nil || len(entries) != 2 {
			t.Errorf("stage order audit entries = %d, %v; want 2", len(entries), err)
		}
	})
}

func TestStageDeletionAndTouchpoints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newJourneyFixture(t, s)
		other := f.journey(t, f.ws, []string{"elsewhere"})
		consideration, purchase := f.m.Stages[1], f.m.Stages[2]

		// A touchpoint's stage must be a stage of its own journey.
		in := journey.TouchpointInput{StageID: other.Stages[0].ID, Name: "Pricing page", Channel: journey.ChannelWeb}
		if _, err := s.CreateTouchpoint(ctx, audit.System, f.ws, f.m.ID, in); invalidField(err) != "stage_id" {
			t.Errorf("a touchpoint in another journey's stage = %v, want an invalid stage_id", err)
		}
		theirs, err := s.CreateTeam(ctx, audit.System, f.other, workspace.TeamInput{Name: "Theirs"})
		if err != nil {
			t.Fatal(err)
		}
		in = journey.TouchpointInput{StageID: consideration.ID, Name: "Pricing page", Channel: journey.ChannelWeb, TeamID: theirs.ID}
		if _, err := s.CreateTouchpoint(ctx, audit.System, f.ws, f.m.ID, in); invalidField(err) != "team_id" {
			t.Errorf("a touchpoint owned by another workspace's team = %v, want an invalid team_id", err)
		}
		tp := f.touchpoint(t, f.ws, f.m.ID, consideration.ID, "pricing_viewed")
		if !tp.Milestone {
			t.Errorf("a touchpoint with an event = %+v, want a milestone", tp)
		}
		// One milestone per event on a journey; the same event on another journey is fine.
		in = journey.TouchpointInput{StageID: purchase.ID, Name: "Again", Channel: journey.ChannelEmail, EventName: "pricing_viewed"}
		if _, err := s.CreateTouchpoint(ctx, audit.System, f.ws, f.m.ID, in); invalidField(err) != "event_name" {
			t.Errorf("a second milestone of one event = %v, want an invalid event_name", err)
		}
		f.touchpoint(t, f.ws, other.ID, other.Stages[0].ID, "pricing_viewed")
		plain := f.touchpoint(t, f.ws, f.m.ID, purchase.ID, "")
		if plain.Milestone {
			t.Errorf("a touchpoint without an event = %+v, want no milestone", plain)
		}

		// Moving to a stage of another journey is refused, within the journey allowed.
		away := other.Stages[0].ID
		if _, err := s.UpdateTouchpoint(ctx, audit.System, f.ws, f.m.ID, tp.ID, tp.Version, journey.TouchpointUpdate{StageID: &away}); invalidField(err) != "stage_id" {
			t.Errorf("moving a touchpoint to another journey's stage = %v, want an invalid stage_id", err)
		}
		if _, err := s.UpdateTouchpoint(ctx, audit.System, f.ws, other.ID, tp.ID, tp.Version, journey.TouchpointUpdate{StageID: &away}); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("a touchpoint changed through another journey = %v, want ErrNotFound", err)
		}

		// A stage with touchpoints cannot be deleted; once emptied it can, and the rest close up.
		err = s.DeleteStage(ctx, audit.System, f.ws, f.m.ID, consideration.ID, consideration.Version)
		var ce *fault.ConflictError
		if !errors.As(err, &ce) {
			t.Fatalf("deleting a stage with a touchpoint = %v, want a conflict that says why", err)
		}
		if want := `Stage "consideration" has 1 touchpoint(s): move them to another stage or delete them before deleting the stage.`; ce.Detail != want {
			t.Errorf("refusal = %q, want %q", ce.Detail, want)
		}
		moved, err := s.UpdateTouchpoint(ctx, audit.System, f.ws, f.m.ID, tp.ID, tp.Version, journey.TouchpointUpdate{StageID: &purchase.ID})
		if err != nil || moved.StageID != purchase.ID || moved.Version != tp.Version+1 {
			t.Fatalf("moving a touchpoint within its journey = %+v, %v", moved, err)
		}
		if err := s.DeleteStage(ctx, audit.System, f.ws, f.m.ID, consideration.ID, consideration.Version); err != nil {
			t.Fatalf("deleting an empty stage = %v", err)
		}
		m, err := s.JourneyMap(ctx, f.ws, f.m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := stageNames(m); !slices.Equal(got, []string{"awareness", "purchase", "retention", "advocacy"}) {
			t.Errorf("stages after deleting consideration = %v", got)
		}
		positionsContiguous(t, m)
		if got := m.Stages[1].Touchpoints; len(got) != 2 || got[0].ID != tp.ID || got[1].ID != plain.ID {
			t.Errorf("touchpoints of purchase = %+v, want the moved one and the plain one", got)
		}
		if err := s.DeleteStage(ctx, audit.System, f.ws, f.m.ID, m.Stages[0].ID, 1); err != nil {
			t.Errorf("deleting the first stage = %v", err)
		}
		if err := s.DeleteStage(ctx, audit.System, f.ws, f.m.ID, m.Stages[2].ID, 1); !errors.Is(err, fault.ErrStale) {
			t.Errorf("deleting a stage that moved up, at its old version = %v, want ErrStale", err)
		}
	})
}

func TestPainPointsAndJourneyDeletion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newJourneyFixture(t, s)
		other := f.journey(t, f.ws, nil)
		tp := f.touchpoint(t, f.ws, f.m.ID, f.m.Stages[2].ID, "checkout_started")
		theirs := f.touchpoint(t, f.ws, other.ID, other.Stages[2].ID, "checkout_started")

		add := func(title string, severity int, status journey.PainStatus, touchpoint int64) (journey.PainPoint, error) {
			in := journey.PainPointInput{Title: title, Severity: severity, Status: status, TouchpointID: touchpoint,
				Evidence: []journey.Evidence{{Title: "Ticket", URL: "https://support.example.com/t/" + title}}}
			if err := in.Validate(); err != nil {
				return journey.PainPoint{}, err
			}
			return s.CreatePainPoint(ctx, audit.System, f.ws, f.m.ID, in)
		}
		if _, err := add("x", 3, "", theirs.ID); invalidField(err) != "touchpoint_id" {
			t.Errorf("a pain point at another journey's touchpoint = %v, want an invalid touchpoint_id", err)
		}
		slow, err := add("slow", 4, journey.Open, tp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(slow.Evidence) != 1 || slow.Evidence[0].URL != "https://support.example.com/t/slow" {
			t.Errorf("evidence read back = %+v", slow.Evidence)
		}
		for _, p := range []struct {
			title    string
			severity int
			status   journey.PainStatus
		}{{"confusing", 2, journey.Open}, {"broken", 5, journey.Acknowledged}, {"fixed", 5, journey.Solved}} {
			if _, err := add(p.title, p.severity, p.status, 0); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.UpdatePainPoint(ctx, audit.System, f.ws, f.m.ID, slow.ID, slow.Version,
			journey.PainPointUpdate{TouchpointID: &theirs.ID}); invalidField(err) != "touchpoint_id" {
			t.Errorf("moving a pain point to another journey's touchpoint = %v, want an invalid touchpoint_id", err)
		}
		titles := func(filter journey.PainPointFilter) []string {
			t.Helper()
			items, _, err := s.PainPoints(ctx, f.ws, f.m.ID, filter, store.Page{})
			if err != nil {
				t.Fatalf("PainPoints(%+v) = %v", filter, err)
			}
			var out []string
			for _, p := range items {
				out = append(out, p.Title)
			}
			return out
		}
		for _, tt := range []struct {
			filter journey.PainPointFilter
			want   []string
		}{
			{journey.PainPointFilter{}, []string{"slow", "confusing", "broken", "fixed"}},
			{journey.PainPointFilter{Status: journey.Open}, []string{"slow", "confusing"}},
			{journey.PainPointFilter{Severity: 5}, []string{"broken", "fixed"}},
			{journey.PainPointFilter{MinSeverity: 4, Status: journey.Open}, []string{"slow"}},
			{journey.PainPointFilter{MinSeverity: 4}, []string{"slow", "broken", "fixed"}},
		} {
			if got := titles(tt.filter); !slices.Equal(got, tt.want) {
				t.Errorf("pain points with %+v = %v, want %v", tt.filter, got, tt.want)
			}
		}
		if items, _, err := s.PainPoints(ctx, f.other, f.m.ID, journey.PainPointFilter{}, store.Page{}); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("pain points listed through another workspace = %d, %v; want ErrNotFound", len(items), err)
		}

		// Deleting a touchpoint leaves its pain points on the journey, detached, at a new version.
		if err := s.DeleteTouchpoint(ctx, audit.System, f.ws, f.m.ID, tp.ID, tp.Version); err != nil {
			t.Fatal(err)
		}
		got, err := s.PainPoint(ctx, f.ws, f.m.ID, slow.ID)
		if err != nil || got.TouchpointID != 0 || got.Version != slow.Version+1 {
			t.Errorf("pain point of a deleted touchpoint = %+v, %v; want detached at version %d", got, err, slow.Version+1)
		}

		// Deleting a journey takes its stages, touchpoints and pain points, and only its own.
		tp2 := f.touchpoint(t, f.ws, f.m.ID, f.m.Stages[0].ID, "")
		m, err := s.JourneyMap(ctx, f.ws, f.m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteJourney(ctx, audit.System, f.ws, f.m.ID, m.Version+1); !errors.Is(err, fault.ErrStale) {
			t.Errorf("DeleteJourney at a wrong version = %v, want ErrStale", err)
		}
		if err := s.DeleteJourney(ctx, audit.System, f.ws, f.m.ID, m.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Touchpoint(ctx, f.ws, f.m.ID, tp2.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("touchpoint of a deleted journey = %v, want ErrNotFound", err)
		}
		for _, table := range []string{"journey_stages", "touchpoints", "pain_points"} {
			n, err := s.CountForTest(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM %s WHERE journey_id = $1`, table), f.m.ID)
			if err != nil || n != 0 {
				t.Errorf("%s rows of a deleted journey = %d, %v; want 0", table, n, err)
			}
		}
		if kept, err := s.JourneyMap(ctx, f.ws, other.ID); err != nil || len(kept.Stages) != 5 || len(kept.Stages[2].Touchpoints) != 1 {
			t.Errorf("the other journey after the deletion = %+v, %v; want it whole", kept, err)
		}
		entries, _, err := s.AuditEntries(ctx, f.ws, audit.Filter{Entity: "journey"}, store.Page{})
		if err != nil || len(entries) == 0 || entries[len(entries)-1].Action != audit.Delete || len(entries[len(entries)-1].Before) == 0 {
			t.Errorf("journey audit trail ends with %+v, %v; want the deletion with the map before it", entries[len(entries)-1], err)
		}
	})
}

func TestJourneyReview(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			ctx := t.Context()
			s := storetest.Open(t, d, storetest.Options{Now: clock.Now})
			f := newJourneyFixture(t, s)
			if !f.m.LastReviewedAt.IsZero() || f.m.LastReviewedBy != 0 {
				t.Errorf("a new journey was reviewed at %v by %d, want never", f.m.LastReviewedAt, f.m.LastReviewedBy)
			}
			clock.Advance(36 * time.Hour)
			m, err := s.ReviewJourney(ctx, audit.Actor{UserID: f.owner}, f.ws, f.m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !m.LastReviewedAt.Equal(clock.Now()) || m.LastReviewedBy != f.owner || m.Version != f.m.Version+1 {
				t.Errorf("after review: at %v by %d, version %d; want %v by %d, version %d",
					m.LastReviewedAt, m.LastReviewedBy, m.Version, clock.Now(), f.owner, f.m.Version+1)
			}
			m.Compute(clock.Now().Add(89 * 24 * time.Hour))
			if m.Stale {
				t.Error("stale 89 days after a review with a 90-day cadence")
			}
			if _, err := s.ReviewJourney(ctx, audit.System, f.other, f.m.ID); !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("a review through another workspace = %v, want ErrNotFound", err)
			}
		})
	}
}

// Stages added at once all land, at distinct positions one after another: the journey lock
// serialises them on PostgreSQL as the single writer does on SQLite.
func TestConcurrentStageChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newJourneyFixture(t, s)
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				_, errs[i] = s.CreateStage(ctx, audit.System, f.ws, f.m.ID, journey.StageInput{Name: fmt.Sprintf("extra %d", i)})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("CreateStage %d = %v", i, err)
			}
		}
		m, err := s.JourneyMap(ctx, f.ws, f.m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Stages) != 5+n {
			t.Errorf("%d stages, want %d", len(m.Stages), 5+n)
		}
		positionsContiguous(t, m)
	})
}
