package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

const memberSelect = `SELECT m.workspace_id, m.user_id, u.email, u.name, m.role, m.created_at, m.version
	FROM memberships m JOIN users u ON u.id = m.user_id`

func scanMember(row interface{ Scan(...any) error }) (workspace.Member, error) {
	var m workspace.Member
	err := row.Scan(&m.WorkspaceID, &m.UserID, &m.Email, &m.Name, &m.Role, &m.CreatedAt, &m.Version)
	m.CreatedAt = utc(m.CreatedAt)
	return m, err
}

// Role returns the user's role in the workspace, auth.RoleNone when not a member.
func (s *Store) Role(ctx context.Context, ws, userID int64) (auth.Role, error) {
	var name string
	err := s.readRow(ctx, `SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2`,
		ws, userID).Scan(&name)
	if err == sql.ErrNoRows {
		return auth.RoleNone, nil
	}
	if err != nil {
		return auth.RoleNone, fmt.Errorf("role: %w", err)
	}
	r, _ := auth.ParseRole(name)
	return r, nil
}

// Member reads one membership of the workspace.
func (s *Store) Member(ctx context.Context, ws, userID int64) (workspace.Member, error) {
	return getMember(ctx, cachedReader{s}, ws, userID)
}

func getMember(ctx context.Context, q queryer, ws, userID int64) (workspace.Member, error) {
	m, err := scanMember(q.QueryRowContext(ctx, memberSelect+` WHERE m.workspace_id = $1 AND m.user_id = $2`, ws, userID))
	if err == sql.ErrNoRows {
		return m, fmt.Errorf("member %d: %w", userID, fault.ErrNotFound)
	}
	return m, err
}

// Members lists the workspace's members by user id.
func (s *Store) Members(ctx context.Context, ws int64, p Page) ([]workspace.Member, int64, error) {
	rows, err := s.readRows(ctx, memberSelect+` WHERE m.workspace_id = $1 AND m.user_id > $2
		ORDER BY m.user_id LIMIT $3`, ws, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list members: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (workspace.Member, error) { return scanMember(r) },
		func(m workspace.Member) int64 { return m.UserID })
}

// AddMember makes the user a member of the workspace with the role. A user who already is a
// member keeps the stronger of the two roles.
func (s *Store) AddMember(ctx context.Context, a audit.Actor, ws, userID int64, role auth.Role) (workspace.Member, error) {
	var m workspace.Member
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		m, err = s.addMember(ctx, tx, a, ws, userID, role)
		return err
	})
	if err != nil {
		return m, fmt.Errorf("add member: %w", err)
	}
	return m, nil
}

func (s *Store) addMember(ctx context.Context, tx *sql.Tx, a audit.Actor, ws, userID int64, role auth.Role) (workspace.Member, error) {
	before, err := getMember(ctx, tx, ws, userID)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		now := s.stamp()
		if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (workspace_id, user_id, role, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4)`, ws, userID, role.String(), now); err != nil {
			return before, err
		}
		m, err := getMember(ctx, tx, ws, userID)
		if err != nil {
			return m, err
		}
		return m, s.record(ctx, tx, a, ws, audit.Create, "member", userID, nil, m)
	case err != nil:
		return before, err
	}
	if r, _ := auth.ParseRole(before.Role); r >= role {
		return before, nil
	}
	return s.setRole(ctx, tx, a, ws, before, role)
}

func (s *Store) setRole(ctx context.Context, tx *sql.Tx, a audit.Actor, ws int64, before workspace.Member, role auth.Role) (workspace.Member, error) {
	if _, err := tx.ExecContext(ctx, `UPDATE memberships SET role = $3, updated_at = $4, version = version + 1
		WHERE workspace_id = $1 AND user_id = $2`, ws, before.UserID, role.String(), s.stamp()); err != nil {
		return before, err
	}
	m, err := getMember(ctx, tx, ws, before.UserID)
	if err != nil {
		return m, err
	}
	return m, s.record(ctx, tx, a, ws, audit.Update, "member", before.UserID, before, m)
}

var errLastOwner = &fault.InvalidError{Fields: []fault.FieldError{{Field: "role",
	Message: "the workspace must keep at least one owner"}}}

// lastOwner reports whether the user is the workspace's only owner.
func lastOwner(ctx context.Context, tx *sql.Tx, ws int64, m workspace.Member) (bool, error) {
	if m.Role != auth.RoleOwner.String() {
		return false, nil
	}
	var owners int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND role = 'owner'`, ws).Scan(&owners)
	return owners <= 1, err
}

// UpdateMemberRole changes a member's role if the membership is still at version. The last
// owner cannot step down.
func (s *Store) UpdateMemberRole(ctx context.Context, a audit.Actor, ws, userID, version int64, role auth.Role) (workspace.Member, error) {
	var m workspace.Member
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getMember(ctx, tx, ws, userID)
		if err != nil {
			return err
		}
		if before.Version != version {
			return staleVersion(fmt.Sprintf("member %d", userID), before.Version, version)
		}
		if last, err := lastOwner(ctx, tx, ws, before); err != nil {
			return err
		} else if last && role != auth.RoleOwner {
			return errLastOwner
		}
		m, err = s.setRole(ctx, tx, a, ws, before, role)
		return err
	})
	if err != nil {
		return m, fmt.Errorf("update member: %w", err)
	}
	return m, nil
}

// RemoveMember ends a membership (and the member's team places and tokens in the workspace)
// if it is still at version. The last owner cannot leave.
func (s *Store) RemoveMember(ctx context.Context, a audit.Actor, ws, userID, version int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getMember(ctx, tx, ws, userID)
		if err != nil {
			return err
		}
		if before.Version != version {
			return staleVersion(fmt.Sprintf("member %d", userID), before.Version, version)
		}
		if last, err := lastOwner(ctx, tx, ws, before); err != nil {
			return err
		} else if last {
			return errLastOwner
		}
		for _, q := range []string{
			`UPDATE teams SET lead_user_id = NULL WHERE workspace_id = $1 AND lead_user_id = $2`,
			`DELETE FROM api_tokens WHERE workspace_id = $1 AND user_id = $2`,
			`DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2`,
		} {
			if _, err := tx.ExecContext(ctx, q, ws, userID); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "member", userID, before, nil)
	})
	if err != nil {
		return fmt.Errorf("remove member: %w", err)
	}
	return nil
}
