package store

import (
	"context"
	"database/sql"
	"fmt"

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

// CreateWorkspace creates a workspace.
func (s *Store) CreateWorkspace(ctx context.Context, in workspace.CreateInput) (workspace.Workspace, error) {
	now := s.stamp()
	var w workspace.Workspace
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		w, err = scanWorkspace(tx.QueryRowContext(ctx,
			`INSERT INTO workspaces (name, created_at, updated_at) VALUES ($1, $2, $2) RETURNING `+workspaceColumns,
			in.Name, now))
		return err
	})
	if err != nil {
		return workspace.Workspace{}, fmt.Errorf("create workspace: %w", err)
	}
	return w, nil
}

// Workspace reads one workspace.
func (s *Store) Workspace(ctx context.Context, id int64) (workspace.Workspace, error) {
	w, err := scanWorkspace(s.read.QueryRowContext(ctx, `SELECT `+workspaceColumns+` FROM workspaces WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return w, fmt.Errorf("workspace %d: %w", id, fault.ErrNotFound)
	}
	return w, err
}

// Workspaces lists workspaces by id.
func (s *Store) Workspaces(ctx context.Context, p Page) ([]workspace.Workspace, int64, error) {
	rows, err := s.read.QueryContext(ctx,
		`SELECT `+workspaceColumns+` FROM workspaces WHERE id > $1 ORDER BY id LIMIT $2`, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list workspaces: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (workspace.Workspace, error) { return scanWorkspace(r) },
		func(w workspace.Workspace) int64 { return w.ID })
}

// UpdateWorkspace applies in to the workspace if it is still at version.
func (s *Store) UpdateWorkspace(ctx context.Context, id, version int64, in workspace.UpdateInput) (workspace.Workspace, error) {
	var w workspace.Workspace
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		w, err = scanWorkspace(tx.QueryRowContext(ctx,
			`UPDATE workspaces SET name = COALESCE($3, name), updated_at = $4, version = version + 1
			WHERE id = $1 AND version = $2 RETURNING `+workspaceColumns,
			id, version, in.Name, s.stamp()))
		if err == sql.ErrNoRows {
			return versionMiss(tx.QueryRowContext(ctx, `SELECT version FROM workspaces WHERE id = $1`, id),
				fmt.Sprintf("workspace %d", id), version)
		}
		return err
	})
	if err != nil {
		return workspace.Workspace{}, fmt.Errorf("update workspace: %w", err)
	}
	return w, nil
}

// DeleteWorkspace deletes the workspace, and with it all its data, if it is still at version.
func (s *Store) DeleteWorkspace(ctx context.Context, id, version int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM workspaces WHERE id = $1 AND version = $2`, id, version)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		return versionMiss(tx.QueryRowContext(ctx, `SELECT version FROM workspaces WHERE id = $1`, id),
			fmt.Sprintf("workspace %d", id), version)
	})
	if err != nil {
		return fmt.Errorf("delete workspace: %w", err)
	}
	return nil
}
