package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

func mustUser(t *testing.T, s *store.Store, email string) auth.User {
	t.Helper()
	u, err := s.CreateUser(t.Context(), audit.System, email, "", "", false)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func invalidField(err error) string {
	var inv *fault.InvalidError
	if errors.As(err, &inv) && len(inv.Fields) > 0 {
		return inv.Fields[0].Field
	}
	return ""
}

func TestMembershipRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ana, bo := mustUser(t, s, "ana@example.com"), mustUser(t, s, "bo@example.com")
		if _, err := s.CreateUser(ctx, audit.System, "ana@example.com", "", "", false); invalidField(err) != "email" {
			t.Errorf("a second user with a taken email = %v, want an invalid email", err)
		}
		ws, err := s.CreateWorkspace(ctx, audit.System, ana.ID, workspace.CreateInput{Name: "W"})
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := s.Role(ctx, ws.ID, ana.ID); r != auth.RoleOwner {
			t.Errorf("creator's role = %v, want owner", r)
		}
		m, err := s.AddMember(ctx, audit.System, ws.ID, bo.ID, auth.RoleEditor)
		if err != nil {
			t.Fatal(err)
		}
		// Adding again with a weaker role keeps the stronger one.
		if again, _ := s.AddMember(ctx, audit.System, ws.ID, bo.ID, auth.RoleViewer); again.Role != "editor" {
			t.Errorf("re-adding as viewer gave role %q, want editor kept", again.Role)
		}
		owner, _ := s.Member(ctx, ws.ID, ana.ID)
		if _, err := s.UpdateMemberRole(ctx, audit.System, ws.ID, ana.ID, owner.Version, auth.RoleAdmin); invalidField(err) != "role" {
			t.Errorf("the last owner stepping down = %v, want refused on role", err)
		}
		if err := s.RemoveMember(ctx, audit.System, ws.ID, ana.ID, owner.Version); invalidField(err) != "role" {
			t.Errorf("removing the last owner = %v, want refused", err)
		}
		if _, err := s.UpdateMemberRole(ctx, audit.System, ws.ID, bo.ID, m.Version+5, auth.RoleViewer); !errors.Is(err, fault.ErrStale) {
			t.Errorf("role change at a stale version = %v, want ErrStale", err)
		}
		if m, err = s.UpdateMemberRole(ctx, audit.System, ws.ID, bo.ID, m.Version, auth.RoleOwner); err != nil {
			t.Fatal(err)
		}
		// With two owners, one may step down.
		if _, err := s.UpdateMemberRole(ctx, audit.System, ws.ID, ana.ID, owner.Version, auth.RoleAdmin); err != nil {
			t.Errorf("an owner stepping down beside another owner = %v", err)
		}
		// Removing a member takes their team places, leads and tokens in the workspace.
		tm, err := s.CreateTeam(ctx, audit.System, ws.ID, workspace.TeamInput{Name: "Support", LeadUserID: ana.ID})
		if err != nil {
			t.Fatal(err)
		}
		secret, hint := auth.NewToken()
		if _, err := s.CreateToken(ctx, audit.System, ws.ID, ana.ID, auth.NewTokenInput{Name: "t", Scope: auth.ScopeRead}, auth.HashSecret(secret), hint); err != nil {
			t.Fatal(err)
		}
		cur, _ := s.Member(ctx, ws.ID, ana.ID)
		if err := s.RemoveMember(ctx, audit.System, ws.ID, ana.ID, cur.Version); err != nil {
			t.Fatal(err)
		}
		tm, _ = s.Team(ctx, ws.ID, tm.ID)
		if tm.LeadUserID != 0 || len(tm.MemberIDs) != 0 {
			t.Errorf("team after its lead left = lead %d, members %v; want neither", tm.LeadUserID, tm.MemberIDs)
		}
		if toks, _, _ := s.Tokens(ctx, ws.ID, ana.ID, store.Page{}); len(toks) != 0 {
			t.Errorf("tokens of a removed member = %d, want 0", len(toks))
		}
	})
}

func TestTeamRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ana, outsider := mustUser(t, s, "ana@example.com"), mustUser(t, s, "out@example.com")
		ws, _ := s.CreateWorkspace(ctx, audit.System, ana.ID, workspace.CreateInput{Name: "W"})
		other, _ := s.CreateWorkspace(ctx, audit.System, outsider.ID, workspace.CreateInput{Name: "Other"})
		if _, err := s.CreateTeam(ctx, audit.System, ws.ID, workspace.TeamInput{Name: "X", LeadUserID: outsider.ID}); invalidField(err) != "lead_user_id" {
			t.Errorf("a lead from another workspace = %v, want an invalid lead_user_id", err)
		}
		tm, err := s.CreateTeam(ctx, audit.System, ws.ID, workspace.TeamInput{Name: "Support", LeadUserID: ana.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(tm.MemberIDs) != 1 || tm.MemberIDs[0] != ana.ID {
			t.Errorf("members of a new team = %v, want its lead", tm.MemberIDs)
		}
		if _, err := s.CreateTeam(ctx, audit.System, ws.ID, workspace.TeamInput{Name: "Support"}); invalidField(err) != "name" {
			t.Errorf("a duplicate team name = %v, want an invalid name", err)
		}
		if _, err := s.CreateTeam(ctx, audit.System, other.ID, workspace.TeamInput{Name: "Support"}); err != nil {
			t.Errorf("the same team name in another workspace = %v, want it allowed", err)
		}
		if _, err := s.SetTeamMember(ctx, audit.System, ws.ID, tm.ID, outsider.ID, true); invalidField(err) != "user" {
			t.Errorf("adding a non-member to a team = %v, want refused", err)
		}
		if _, err := s.SetTeamMember(ctx, audit.System, ws.ID, tm.ID, ana.ID, false); invalidField(err) != "user" {
			t.Errorf("removing the lead from the team = %v, want refused", err)
		}
		if _, err := s.Team(ctx, other.ID, tm.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("a team read through another workspace = %v, want ErrNotFound", err)
		}
		if err := s.DeleteTeam(ctx, audit.System, other.ID, tm.ID, tm.Version); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("a team deleted through another workspace = %v, want ErrNotFound", err)
		}
		name := "Customer support"
		up, err := s.UpdateTeam(ctx, audit.System, ws.ID, tm.ID, tm.Version, workspace.TeamUpdate{Name: &name})
		if err != nil || up.Name != name || up.Version != tm.Version+1 {
			t.Errorf("UpdateTeam = %+v, %v", up, err)
		}
		entries, _, err := s.AuditEntries(ctx, ws.ID, audit.Filter{Entity: "team"}, store.Page{})
		if err != nil || len(entries) != 2 || entries[1].Action != audit.Update || len(entries[1].Before) == 0 || len(entries[1].After) == 0 {
			t.Errorf("team audit trail = %+v, %v; want create then update with before and after", entries, err)
		}
		if others, _, _ := s.AuditEntries(ctx, other.ID, audit.Filter{Entity: "team"}, store.Page{}); len(others) != 1 {
			t.Errorf("other workspace's team trail has %d entries, want its own 1", len(others))
		}
	})
}

func TestInvites(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC))
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			s := storetest.Open(t, d, storetest.Options{Now: clock.Now})
			ctx := t.Context()
			ana, bo, cy := mustUser(t, s, "ana@example.com"), mustUser(t, s, "bo@example.com"), mustUser(t, s, "cy@example.com")
			ws, _ := s.CreateWorkspace(ctx, audit.System, ana.ID, workspace.CreateInput{Name: "W"})
			inv, err := s.CreateInvite(ctx, audit.Actor{UserID: ana.ID}, ws.ID, workspace.InviteInput{Email: "bo@example.com", Role: "editor", ValidDays: 2}, "code-1")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.AcceptInvite(ctx, audit.System, "code-1", cy); invalidField(err) != "code" {
				t.Errorf("an invite accepted by someone else = %v, want refused", err)
			}
			m, err := s.AcceptInvite(ctx, audit.System, "code-1", bo)
			if err != nil || m.Role != "editor" || m.WorkspaceID != ws.ID {
				t.Fatalf("AcceptInvite = %+v, %v", m, err)
			}
			if _, err := s.AcceptInvite(ctx, audit.System, "code-1", bo); invalidField(err) != "code" {
				t.Errorf("an invite used twice = %v, want refused", err)
			}
			if _, err := s.CreateInvite(ctx, audit.System, ws.ID, workspace.InviteInput{Role: "viewer", ValidDays: 1}, "code-2"); err != nil {
				t.Fatal(err)
			}
			clock.Advance(25 * time.Hour)
			if _, err := s.AcceptInvite(ctx, audit.System, "code-2", cy); invalidField(err) != "code" {
				t.Errorf("an expired invite = %v, want refused", err)
			}
			if _, err := s.AcceptInvite(ctx, audit.System, "no-such-code", cy); invalidField(err) != "code" {
				t.Errorf("an unknown code = %v, want refused", err)
			}
			if err := s.DeleteInvite(ctx, audit.System, ws.ID+1, inv.ID); !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("an invite deleted through another workspace = %v, want ErrNotFound", err)
			}
		})
	}
}
