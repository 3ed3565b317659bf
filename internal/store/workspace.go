package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

const workspaceColumns = `id, name, created_at, updated_at, version`

func scanWorkspace(row interface{ Scan(...any) error }) (workspace.Workspace, error) {
	var w workspace.Workspace
	err := row.Scan(&w.ID, &w.Name, &w.CreatedAt, &w.UpdatedAt, &w.Version)
	w.CreatedAt, w.UpdatedAt = utc(w.CreatedAt), utc(w.UpdatedAt)
	return w, err
}

// CreateWorkspace creates a workspace with owner (a user id; 0 for none) as its owner.
func (s *Store) CreateWorkspace(ctx context.Context, a audit.Actor, owner int64, in workspace.CreateInput) (workspace.Workspace, error) {
	now := s.stamp()
	var w workspace.Workspace
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		w, err = scanWorkspace(tx.QueryRowContext(ctx,
			`INSERT INTO workspaces (name, created_at, updated_at) VALUES ($1, $2, $2) RETURNING `+workspaceColumns,
			in.Name, now))
		if err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, w.ID, audit.Create, "workspace", w.ID, nil, w); err != nil {
			return err
		}
		if owner != 0 {
			_, err = s.addMember(ctx, tx, a, w.ID, owner, auth.RoleOwner)
		}
		return err
	})
	if err != nil {
		return workspace.Workspace{}, fmt.Errorf("create workspace: %w", err)
	}
	return w, nil
}

// Workspace reads one workspace.
func (s *Store) Workspace(ctx context.Context, id int64) (workspace.Workspace, error) {
	return getWorkspace(ctx, cachedReader{s}, id)
}

func getWorkspace(ctx context.Context, q queryer, id int64) (workspace.Workspace, error) {
	w, err := scanWorkspace(q.QueryRowContext(ctx, `SELECT `+workspaceColumns+` FROM workspaces WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return w, fmt.Errorf("workspace %d: %w", id, fault.ErrNotFound)
	}
	return w, err
}

// Workspaces lists every workspace by id, for instance administration.
func (s *Store) Workspaces(ctx context.Context, p Page) ([]workspace.Workspace, int64, error) {
	rows, err := s.readRows(ctx,
		`SELECT `+workspaceColumns+` FROM workspaces WHERE id > $1 ORDER BY id LIMIT $2`, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list workspaces: %w", err)
	}
	return collect(rows, p, scanWorkspaceRows, workspaceID)
}

// UserWorkspaces lists the workspaces the user is a member of, by id. When only is not 0, the
// list holds at most that workspace (an API token sees only its own).
func (s *Store) UserWorkspaces(ctx context.Context, userID, only int64, p Page) ([]workspace.Workspace, int64, error) {
	rows, err := s.readRows(ctx,
		`SELECT w.id, w.name, w.created_at, w.updated_at, w.version FROM workspaces w
		JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $1
		WHERE w.id > $2 AND ($3 = 0 OR w.id = $3) ORDER BY w.id LIMIT $4`, userID, p.After, only, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list workspaces: %w", err)
	}
	return collect(rows, p, scanWorkspaceRows, workspaceID)
}

func scanWorkspaceRows(r *sql.Rows) (workspace.Workspace, error) { return scanWorkspace(r) }
func workspaceID(w workspace.Workspace) int64                    { return w.ID }

// UpdateWorkspace applies in to the workspace if it is still at version.
func (s *Store) UpdateWorkspace(ctx context.Context, a audit.Actor, id, version int64, in workspace.UpdateInput) (workspace.Workspace, error) {
	var w workspace.Workspace
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getWorkspace(ctx, tx, id)
		if err != nil {
			return err
		}
		w, err = scanWorkspace(tx.QueryRowContext(ctx,
			`UPDATE workspaces SET name = COALESCE($3, name), updated_at = $4, version = version + 1
			WHERE id = $1 AND version = $2 RETURNING `+workspaceColumns,
			id, version, in.Name, s.stamp()))
		if err == sql.ErrNoRows {
			return versionMiss(tx.QueryRowContext(ctx, `SELECT version FROM workspaces WHERE id = $1`, id),
				fmt.Sprintf("workspace %d", id), version)
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, id, audit.Update, "workspace", id, before, w)
	})
	if err != nil {
		return workspace.Workspace{}, fmt.Errorf("update workspace: %w", err)
	}
	return w, nil
}

// DeleteWorkspace deletes the workspace, and with it all its data, if it is still at version.
// The deletion itself is recorded outside the workspace, whose own trail goes with it.
func (s *Store) DeleteWorkspace(ctx context.Context, a audit.Actor, id, version int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getWorkspace(ctx, tx, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM workspaces WHERE id = $1 AND version = $2`, id, version)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return versionMiss(tx.QueryRowContext(ctx, `SELECT version FROM workspaces WHERE id = $1`, id),
				fmt.Sprintf("workspace %d", id), version)
		}
		return s.record(ctx, tx, a, 0, audit.Delete, "workspace", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete workspace: %w", err)
	}
	return nil
}
