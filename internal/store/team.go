package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

const teamColumns = `id, workspace_id, name, description, lead_user_id, created_at, updated_at, version`

func scanTeam(row interface{ Scan(...any) error }) (workspace.Team, error) {
	var t workspace.Team
	var lead sql.NullInt64
	err := row.Scan(&t.ID, &t.WorkspaceID, &t.Name, &t.Description, &lead, &t.CreatedAt, &t.UpdatedAt, &t.Version)
	t.LeadUserID = lead.Int64
	t.CreatedAt, t.UpdatedAt = utc(t.CreatedAt), utc(t.UpdatedAt)
	t.MemberIDs = []int64{}
	return t, err
}

// teamWithMembers reads a team of the workspace and its member ids.
func teamWithMembers(ctx context.Context, q interface {
	queryer
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, ws, id int64) (workspace.Team, error) {
	t, err := scanTeam(q.QueryRowContext(ctx, `SELECT `+teamColumns+` FROM teams WHERE workspace_id = $1 AND id = $2`, ws, id))
	if err == sql.ErrNoRows {
		return t, fmt.Errorf("team %d: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return t, err
	}
	rows, err := q.QueryContext(ctx, `SELECT user_id FROM team_members WHERE workspace_id = $1 AND team_id = $2 ORDER BY user_id`, ws, id)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var uid int64
		if err := rows.Scan(&uid); err != nil {
			return t, err
		}
		t.MemberIDs = append(t.MemberIDs, uid)
	}
	return t, rows.Err()
}

// requireMember checks that the user id given in field is a member of the workspace; an id
// from elsewhere is reported as invalid input, never looked up across workspaces.
func requireMember(ctx context.Context, tx *sql.Tx, ws, userID int64, field string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM memberships WHERE workspace_id = $1 AND user_id = $2`, ws, userID).Scan(&one)
	if err == sql.ErrNoRows {
		return fault.Invalid(field, "user %d is not a member of this workspace", userID)
	}
	return err
}

func teamNameTaken(err error) error {
	if errors.Is(err, fault.ErrConflict) {
		return fault.Invalid("name", "another team of this workspace has this name")
	}
	return err
}

// CreateTeam creates a team; its lead, if any, must be a member and joins the team.
func (s *Store) CreateTeam(ctx context.Context, a audit.Actor, ws int64, in workspace.TeamInput) (workspace.Team, error) {
	var t workspace.Team
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if in.LeadUserID != 0 {
			if err := requireMember(ctx, tx, ws, in.LeadUserID, "lead_user_id"); err != nil {
				return err
			}
		}
		now := s.stamp()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO teams (workspace_id, name, description, lead_user_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, ws, in.Name, in.Description, nullID(in.LeadUserID), now).Scan(&id)
		if err != nil {
			return teamNameTaken(mapErr(err))
		}
		if in.LeadUserID != 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO team_members (workspace_id, team_id, user_id, created_at)
				VALUES ($1, $2, $3, $4)`, ws, id, in.LeadUserID, now); err != nil {
				return err
			}
		}
		if t, err = teamWithMembers(ctx, tx, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Create, "team", id, nil, t)
	})
	if err != nil {
		return t, fmt.Errorf("create team: %w", err)
	}
	return t, nil
}

// Team reads a team of the workspace with its members.
func (s *Store) Team(ctx context.Context, ws, id int64) (workspace.Team, error) {
	return teamWithMembers(ctx, cachedReader{s}, ws, id)
}

// Teams lists the workspace's teams by id, with their members.
func (s *Store) Teams(ctx context.Context, ws int64, p Page) ([]workspace.Team, int64, error) {
	rows, err := s.readRows(ctx, `SELECT `+teamColumns+` FROM teams WHERE workspace_id = $1 AND id > $2
		ORDER BY id LIMIT $3`, ws, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list teams: %w", err)
	}
	teams, next, err := collect(rows, p, func(r *sql.Rows) (workspace.Team, error) { return scanTeam(r) },
		func(t workspace.Team) int64 { return t.ID })
	if err != nil || len(teams) == 0 {
		return teams, next, err
	}
	byID := map[int64]*workspace.Team{}
	for i := range teams {
		byID[teams[i].ID] = &teams[i]
	}
	mrows, err := s.readRows(ctx, `SELECT team_id, user_id FROM team_members
		WHERE workspace_id = $1 AND team_id BETWEEN $2 AND $3 ORDER BY team_id, user_id`,
		ws, teams[0].ID, teams[len(teams)-1].ID)
	if err != nil {
		return nil, 0, fmt.Errorf("list teams: %w", err)
	}
	defer mrows.Close()
	for mrows.Next() {
		var tid, uid int64
		if err := mrows.Scan(&tid, &uid); err != nil {
			return nil, 0, err
		}
		if t := byID[tid]; t != nil {
			t.MemberIDs = append(t.MemberIDs, uid)
		}
	}
	return teams, next, mrows.Err()
}

// UpdateTeam changes a team if it is still at version.
func (s *Store) UpdateTeam(ctx context.Context, a audit.Actor, ws, id, version int64, in workspace.TeamUpdate) (workspace.Team, error) {
	var t workspace.Team
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := teamWithMembers(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return staleVersion(fmt.Sprintf("team %d", id), before.Version, version)
		}
		lead := before.LeadUserID
		if in.LeadUserID != nil {
			lead = *in.LeadUserID
			if lead != 0 {
				if err := requireMember(ctx, tx, ws, lead, "lead_user_id"); err != nil {
					return err
				}
			}
		}
		now := s.stamp()
		_, err = tx.ExecContext(ctx, `UPDATE teams SET name = COALESCE($4, name), description = COALESCE($5, description),
			lead_user_id = $6, updated_at = $7, version = version + 1
			WHERE workspace_id = $1 AND id = $2 AND version = $3`,
			ws, id, version, in.Name, in.Description, nullID(lead), now)
		if err != nil {
			return teamNameTaken(mapErr(err))
		}
		if lead != 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO team_members (workspace_id, team_id, user_id, created_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, ws, id, lead, now); err != nil {
				return err
			}
		}
		if t, err = teamWithMembers(ctx, tx, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Update, "team", id, before, t)
	})
	if err != nil {
		return t, fmt.Errorf("update team: %w", err)
	}
	return t, nil
}

// DeleteTeam deletes a team if it is still at version.
func (s *Store) DeleteTeam(ctx context.Context, a audit.Actor, ws, id, version int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := teamWithMembers(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return staleVersion(fmt.Sprintf("team %d", id), before.Version, version)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM teams WHERE workspace_id = $1 AND id = $2`, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "team", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete team: %w", err)
	}
	return nil
}

// SetTeamMember adds the member to the team, or removes them, and bumps the team's version.
// The team's lead cannot be removed while leading it.
func (s *Store) SetTeamMember(ctx context.Context, a audit.Actor, ws, teamID, userID int64, member bool) (workspace.Team, error) {
	var t workspace.Team
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := teamWithMembers(ctx, tx, ws, teamID)
		if err != nil {
			return err
		}
		now := s.stamp()
		if member {
			if err := requireMember(ctx, tx, ws, userID, "user"); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO team_members (workspace_id, team_id, user_id, created_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, ws, teamID, userID, now); err != nil {
				return err
			}
		} else {
			if before.LeadUserID == userID {
				return fault.Invalid("user", "the team's lead cannot leave it; choose another lead first")
			}
			res, err := tx.ExecContext(ctx, `DELETE FROM team_members WHERE workspace_id = $1 AND team_id = $2 AND user_id = $3`,
				ws, teamID, userID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fmt.Errorf("team member %d: %w", userID, fault.ErrNotFound)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE teams SET updated_at = $3, version = version + 1
			WHERE workspace_id = $1 AND id = $2`, ws, teamID, now); err != nil {
			return err
		}
		if t, err = teamWithMembers(ctx, tx, ws, teamID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Update, "team", teamID, before, t)
	})
	if err != nil {
		return t, fmt.Errorf("team member: %w", err)
	}
	return t, nil
}
