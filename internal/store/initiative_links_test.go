package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/journey"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
)

func mustInitiative(t *testing.T, s *store.Store, ws int64, title string) roadmap.Initiative {
	t.Helper()
	in := roadmap.InitiativeInput{Title: title, Horizon: roadmap.Short, Status: roadmap.Planned}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	it, err := s.CreateInitiative(t.Context(), audit.System, ws, in)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func mustPainPoint(t *testing.T, s *store.Store, ws, journeyID, touchpointID int64) journey.PainPoint {
	t.Helper()
	in := journey.PainPointInput{Title: "Publishing fails", Severity: 4, TouchpointID: touchpointID,
		Evidence: []journey.Evidence{{Title: "Ticket", URL: "https://support.example.com/t/1"}}}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	pp, err := s.CreatePainPoint(t.Context(), audit.System, ws, journeyID, in)
	if err != nil {
		t.Fatal(err)
	}
	return pp
}

func count(t *testing.T, s *store.Store, query string, args ...any) int {
	t.Helper()
	n, err := s.CountForTest(t.Context(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInitiativeLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newJourneyFixture(t, s)
		sys := audit.System
		it := mustInitiative(t, s, f.ws, "Live chat")
		tp := f.touchpoint(t, f.ws, f.m.ID, f.m.Stages[2].ID, "form_created")
		pp := mustPainPoint(t, s, f.ws, f.m.ID, tp.ID)

		gotTP, err := s.LinkTouchpoint(ctx, sys, f.ws, it.ID, tp.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantTP := roadmap.TouchpointLink{InitiativeID: it.ID, TouchpointID: tp.ID, JourneyID: f.m.ID, Name: tp.Name,
			Channel: journey.ChannelWeb, EventName: "form_created"}
		if diff := cmp.Diff(wantTP, gotTP); diff != "" {
			t.Errorf("LinkTouchpoint (-want +got):\n%s", diff)
		}
		gotPP, err := s.LinkPainPoint(ctx, sys, f.ws, it.ID, pp.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantPP := roadmap.PainPointLink{InitiativeID: it.ID, PainPointID: pp.ID, JourneyID: f.m.ID, Title: "Publishing fails",
			Severity: 4, Status: journey.Open}
		if diff := cmp.Diff(wantPP, gotPP); diff != "" {
			t.Errorf("LinkPainPoint (-want +got):\n%s", diff)
		}
		// Linking again changes nothing and records nothing.
		audits := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE workspace_id = $1`, f.ws)
		if again, err := s.LinkTouchpoint(ctx, sys, f.ws, it.ID, tp.ID); err != nil || again != wantTP {
			t.Errorf("LinkTouchpoint again = %+v, %v; want the same link", again, err)
		}
		if _, err := s.LinkPainPoint(ctx, sys, f.ws, it.ID, pp.ID); err != nil {
			t.Errorf("LinkPainPoint again = %v", err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE workspace_id = $1`, f.ws); n != audits {
			t.Errorf("linking again wrote %d audit entries, want none", n-audits)
		}

		tps, err := s.TouchpointLinks(ctx, f.ws)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[int64][]roadmap.TouchpointLink{it.ID: {wantTP}}, tps); diff != "" {
			t.Errorf("TouchpointLinks (-want +got):\n%s", diff)
		}
		pps, err := s.PainPointLinks(ctx, f.ws)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[int64][]roadmap.PainPointLink{it.ID: {wantPP}}, pps); diff != "" {
			t.Errorf("PainPointLinks (-want +got):\n%s", diff)
		}

		if err := s.UnlinkTouchpoint(ctx, sys, f.ws, it.ID, tp.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.UnlinkTouchpoint(ctx, sys, f.ws, it.ID, tp.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("UnlinkTouchpoint of no link = %v, want not found", err)
		}
		if err := s.UnlinkPainPoint(ctx, sys, f.ws, it.ID, pp.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.UnlinkPainPoint(ctx, sys, f.ws, it.ID, pp.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("UnlinkPainPoint of no link = %v, want not found", err)
		}
		if tps, _ := s.TouchpointLinks(ctx, f.ws); len(tps) != 0 {
			t.Errorf("TouchpointLinks after unlinking = %v, want none", tps)
		}
	})
}

func TestInitiativeLinksStayInTheirWorkspace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newJourneyFixture(t, s)
		sys := audit.System
		mine := mustInitiative(t, s, f.ws, "Mine")
		theirs := mustInitiative(t, s, f.other, "Theirs")
		om := f.journey(t, f.other, nil)
		otherTP := f.touchpoint(t, f.other, om.ID, om.Stages[0].ID, "")
		otherPP := mustPainPoint(t, s, f.other, om.ID, 0)
		myTP := f.touchpoint(t, f.ws, f.m.ID, f.m.Stages[0].ID, "")
		myPP := mustPainPoint(t, s, f.ws, f.m.ID, 0)

		for name, err := range map[string]error{
			"touchpoint of another workspace":         second(s.LinkTouchpoint(ctx, sys, f.ws, mine.ID, otherTP.ID)),
			"initiative of another workspace":         second(s.LinkTouchpoint(ctx, sys, f.ws, theirs.ID, myTP.ID)),
			"both in the other, asked through mine":   second(s.LinkTouchpoint(ctx, sys, f.ws, theirs.ID, otherTP.ID)),
			"pain point of another workspace":         second(s.LinkPainPoint(ctx, sys, f.ws, mine.ID, otherPP.ID)),
			"pain point initiative of another":        second(s.LinkPainPoint(ctx, sys, f.ws, theirs.ID, myPP.ID)),
			"no such touchpoint":                      second(s.LinkTouchpoint(ctx, sys, f.ws, mine.ID, otherTP.ID+1000)),
			"unlink through another workspace":        s.UnlinkTouchpoint(ctx, sys, f.other, mine.ID, myTP.ID),
			"unlink pain point through another space": s.UnlinkPainPoint(ctx, sys, f.other, mine.ID, myPP.ID),
		} {
			if !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("%s: err = %v, want not found", name, err)
			}
		}
		if n := count(t, s, `SELECT COUNT(*) FROM initiative_touchpoints`) + count(t, s, `SELECT COUNT(*) FROM initiative_pain_points`); n != 0 {
			t.Errorf("%d links were made across workspaces", n)
		}
		if _, err := s.LinkTouchpoint(ctx, sys, f.other, theirs.ID, otherTP.ID); err != nil {
			t.Fatal(err)
		}
		if tps, _ := s.TouchpointLinks(ctx, f.ws); len(tps) != 0 {
			t.Errorf("TouchpointLinks of a workspace shows another's: %v", tps)
		}
	})
}

func second[T any](_ T, err error) error { return err }

func TestInitiativeLinksGoWithEitherEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newJourneyFixture(t, s)
		sys := audit.System
		it := mustInitiative(t, s, f.ws, "Guides")
		other := mustInitiative(t, s, f.ws, "Chat")
		tp := f.touchpoint(t, f.ws, f.m.ID, f.m.Stages[1].ID, "")
		pp := mustPainPoint(t, s, f.ws, f.m.ID, tp.ID)
		for _, id := range []int64{it.ID, other.ID} {
			if _, err := s.LinkTouchpoint(ctx, sys, f.ws, id, tp.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.LinkPainPoint(ctx, sys, f.ws, id, pp.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.DeleteInitiative(ctx, sys, f.ws, it.ID, it.Version); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM initiative_touchpoints WHERE initiative_id = $1`, it.ID) +
			count(t, s, `SELECT COUNT(*) FROM initiative_pain_points WHERE initiative_id = $1`, it.ID); n != 0 {
			t.Errorf("a deleted initiative left %d links", n)
		}
		cur, err := s.Touchpoint(ctx, f.ws, f.m.ID, tp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteTouchpoint(ctx, sys, f.ws, f.m.ID, tp.ID, cur.Version); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM initiative_touchpoints`); n != 0 {
			t.Errorf("a deleted touchpoint left %d links", n)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM initiative_pain_points`); n != 1 {
			t.Errorf("pain point links after its touchpoint went = %d, want 1", n)
		}
		if err := s.DeleteJourney(ctx, sys, f.ws, f.m.ID, f.m.Version); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM initiative_pain_points`); n != 0 {
			t.Errorf("a deleted journey left %d pain point links", n)
		}
	})
}

func TestJourneyDocKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newJourneyFixture(t, s)
		tp := f.touchpoint(t, f.ws, f.m.ID, f.m.Stages[0].ID, "")
		pp := mustPainPoint(t, s, f.ws, f.m.ID, 0)
		for table, id := range map[string]int64{"journeys": f.m.ID, "touchpoints": tp.ID, "pain_points": pp.ID} {
			if keys, err := s.DocKeys(ctx, f.ws, table); err != nil || len(keys) != 0 {
				t.Errorf("DocKeys(%s) before any = %v, %v; want none", table, keys, err)
			}
			if err := s.SetDocKey(ctx, f.ws, table, id, "key-"+table); err != nil {
				t.Fatal(err)
			}
			if err := s.SetDocKey(ctx, f.other, table, id, "stolen"); !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("SetDocKey(%s) through another workspace = %v, want not found", table, err)
			}
			keys, err := s.DocKeys(ctx, f.ws, table)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(map[int64]string{id: "key-" + table}, keys); diff != "" {
				t.Errorf("DocKeys(%s) (-want +got):\n%s", table, diff)
			}
			if keys, _ := s.DocKeys(ctx, f.other, table); len(keys) != 0 {
				t.Errorf("DocKeys(%s) of another workspace = %v, want none", table, keys)
			}
		}
		if _, err := s.DocKeys(ctx, f.ws, "users"); err == nil {
			t.Error("DocKeys of a table without keys = nil, want an error")
		}
	})
}

func TestBackfillInitiativeCheckIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := newJourneyFixture(t, s)
		it := mustInitiative(t, s, f.ws, "Chat")
		at := time.Now().Add(-30 * 24 * time.Hour).UTC().Truncate(time.Microsecond)
		progress := 20.0
		in := roadmap.CheckInInput{Status: goals.AtRisk, Progress: &progress, Confidence: 4, Note: "Vendor slipped."}
		c, err := s.BackfillInitiativeCheckIn(ctx, audit.Actor{UserID: f.owner}, f.ws, it.ID, in, at)
		if err != nil {
			t.Fatal(err)
		}
		if !c.At.Equal(at) || c.InitiativeID != it.ID || c.Note != "Vendor slipped." || c.AuthorID != f.owner {
			t.Errorf("BackfillInitiativeCheckIn = %+v, want it at %v by %d", c, at, f.owner)
		}
		last, err := s.LastInitiativeCheckIns(ctx, f.ws)
		if err != nil || !last[it.ID].Equal(at) {
			t.Errorf("LastInitiativeCheckIns = %v, %v; want %v", last, err, at)
		}
		if _, err := s.BackfillInitiativeCheckIn(ctx, audit.System, f.ws, it.ID, in, time.Now().Add(time.Hour)); invalidField(err) != "at" {
			t.Errorf("backfill in the future = %v, want invalid at", err)
		}
		noNote := roadmap.CheckInInput{Status: goals.AtRisk, Progress: &progress, Confidence: 4}
		if _, err := s.BackfillInitiativeCheckIn(ctx, audit.System, f.ws, it.ID, noNote, at); invalidField(err) != "note" {
			t.Errorf("backfill at risk without a note = %v, want invalid note", err)
		}
		if _, err := s.BackfillInitiativeCheckIn(ctx, audit.System, f.other, it.ID, in, at); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("backfill through another workspace = %v, want not found", err)
		}
	})
}
