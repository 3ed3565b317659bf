package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

const inviteColumns = `id, workspace_id, email, role, created_by, created_at, expires_at, accepted_by, accepted_at`

func scanInvite(row interface{ Scan(...any) error }) (workspace.Invite, error) {
	var in workspace.Invite
	var by, acceptedBy sql.NullInt64
	var acceptedAt sql.NullTime
	err := row.Scan(&in.ID, &in.WorkspaceID, &in.Email, &in.Role, &by, &in.CreatedAt, &in.ExpiresAt, &acceptedBy, &acceptedAt)
	in.CreatedBy, in.AcceptedBy, in.AcceptedAt = by.Int64, acceptedBy.Int64, timePtr(acceptedAt)
	in.CreatedAt, in.ExpiresAt = utc(in.CreatedAt), utc(in.ExpiresAt)
	return in, err
}

// CreateInvite stores an invite under the hash of its code.
func (s *Store) CreateInvite(ctx context.Context, a audit.Actor, ws int64, in workspace.InviteInput, codeHash string) (workspace.Invite, error) {
	var inv workspace.Invite
	now := s.stamp()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		inv, err = scanInvite(tx.QueryRowContext(ctx, `INSERT INTO invites (workspace_id, token_hash, email, role, created_by, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+inviteColumns,
			ws, codeHash, in.Email, in.Role, nullID(a.UserID), now, now.Add(time.Duration(in.ValidDays)*24*time.Hour)))
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Create, "invite", inv.ID, nil, inv)
	})
	if err != nil {
		return inv, fmt.Errorf("create invite: %w", err)
	}
	return inv, nil
}

// Invites lists the workspace's invites by id.
func (s *Store) Invites(ctx context.Context, ws int64, p Page) ([]workspace.Invite, int64, error) {
	rows, err := s.readRows(ctx, `SELECT `+inviteColumns+` FROM invites WHERE workspace_id = $1 AND id > $2
		ORDER BY id LIMIT $3`, ws, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list invites: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (workspace.Invite, error) { return scanInvite(r) },
		func(i workspace.Invite) int64 { return i.ID })
}

// DeleteInvite withdraws an invite of the workspace.
func (s *Store) DeleteInvite(ctx context.Context, a audit.Actor, ws, id int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := scanInvite(tx.QueryRowContext(ctx, `SELECT `+inviteColumns+` FROM invites WHERE workspace_id = $1 AND id = $2`, ws, id))
		if err == sql.ErrNoRows {
			return fmt.Errorf("invite %d: %w", id, fault.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM invites WHERE workspace_id = $1 AND id = $2`, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "invite", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete invite: %w", err)
	}
	return nil
}

// InviteByCode reads an invite by the hash of its code, in any workspace: the code is the
// capability.
func (s *Store) InviteByCode(ctx context.Context, codeHash string) (workspace.Invite, error) {
	inv, err := scanInvite(s.readRow(ctx, `SELECT `+inviteColumns+` FROM invites WHERE token_hash = $1`, codeHash))
	if err == sql.ErrNoRows {
		return inv, fmt.Errorf("invite: %w", fault.ErrNotFound)
	}
	return inv, err
}

// AcceptInvite makes the user a member through the invite whose code hashes to codeHash. An
// invite is used once, before it expires, and by the person it names if it names one.
func (s *Store) AcceptInvite(ctx context.Context, a audit.Actor, codeHash string, user auth.User) (workspace.Member, error) {
	var m workspace.Member
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		inv, err := scanInvite(tx.QueryRowContext(ctx, `SELECT `+inviteColumns+` FROM invites WHERE token_hash = $1`, codeHash))
		if err == sql.ErrNoRows {
			return fault.Invalid("code", "this invite does not exist or was withdrawn")
		}
		if err != nil {
			return err
		}
		switch {
		case inv.AcceptedAt != nil:
			return fault.Invalid("code", "this invite has already been used")
		case !s.now().Before(inv.ExpiresAt):
			return fault.Invalid("code", "this invite has expired; ask for a new one")
		case inv.Email != "" && inv.Email != user.Email:
			return fault.Invalid("code", "this invite is for another email address")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invites SET accepted_by = $2, accepted_at = $3 WHERE id = $1`,
			inv.ID, user.ID, s.stamp()); err != nil {
			return err
		}
		role, _ := auth.ParseRole(inv.Role)
		m, err = s.addMember(ctx, tx, a, inv.WorkspaceID, user.ID, role)
		return err
	})
	if err != nil {
		return m, fmt.Errorf("accept invite: %w", err)
	}
	return m, nil
}
