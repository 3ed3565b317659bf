package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/fault"
)

const tokenColumns = `id, workspace_id, user_id, name, hint, scope, expires_at, last_used_at, revoked_at, created_at`

func scanToken(row interface{ Scan(...any) error }) (auth.Token, error) {
	var t auth.Token
	var expires, used, revoked sql.NullTime
	err := row.Scan(&t.ID, &t.WorkspaceID, &t.UserID, &t.Name, &t.Hint, &t.Scope, &expires, &used, &revoked, &t.CreatedAt)
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = timePtr(expires), timePtr(used), timePtr(revoked)
	t.CreatedAt = utc(t.CreatedAt)
	return t, err
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Truncate(time.Microsecond)
}

// CreateToken stores a new API token of the user in the workspace under its hash.
func (s *Store) CreateToken(ctx context.Context, a audit.Actor, ws, userID int64, in auth.NewTokenInput, hash, hint string) (auth.Token, error) {
	if in.ExpiresAt != nil && !in.ExpiresAt.After(s.now()) {
		return auth.Token{}, fault.Invalid("expires_at", "must be in the future")
	}
	var t auth.Token
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		t, err = scanToken(tx.QueryRowContext(ctx, `INSERT INTO api_tokens
			(workspace_id, user_id, name, hash, hint, scope, expires_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+tokenColumns,
			ws, userID, in.Name, hash, hint, string(in.Scope), nullTime(in.ExpiresAt), s.stamp()))
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Create, "token", t.ID, nil, t)
	})
	if err != nil {
		return auth.Token{}, fmt.Errorf("create token: %w", err)
	}
	return t, nil
}

// TokenAccess finds a token by the hash of its secret, whatever its state, with its user and
// the user's role in the token's workspace (auth.RoleNone when no longer a member), in one
// query: it runs on every API request.
func (s *Store) TokenAccess(ctx context.Context, hash string) (auth.Token, auth.User, auth.Role, error) {
	var t auth.Token
	var u auth.User
	var expires, used, revoked sql.NullTime
	var role sql.NullString
	err := s.readRow(ctx, `SELECT t.id, t.workspace_id, t.user_id, t.name, t.hint, t.scope,
		t.expires_at, t.last_used_at, t.revoked_at, t.created_at,
		u.id, u.email, u.name, u.password_hash, u.is_admin, u.disabled, u.created_at, u.updated_at, u.version,
		m.role
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		LEFT JOIN memberships m ON m.workspace_id = t.workspace_id AND m.user_id = t.user_id
		WHERE t.hash = $1`, hash).Scan(
		&t.ID, &t.WorkspaceID, &t.UserID, &t.Name, &t.Hint, &t.Scope, &expires, &used, &revoked, &t.CreatedAt,
		&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.IsAdmin, &u.Disabled, &u.CreatedAt, &u.UpdatedAt, &u.Version,
		&role)
	if err == sql.ErrNoRows {
		return t, u, auth.RoleNone, fmt.Errorf("token: %w", fault.ErrNotFound)
	}
	if err != nil {
		return t, u, auth.RoleNone, err
	}
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = timePtr(expires), timePtr(used), timePtr(revoked)
	t.CreatedAt, u.CreatedAt, u.UpdatedAt = utc(t.CreatedAt), utc(u.CreatedAt), utc(u.UpdatedAt)
	r, _ := auth.ParseRole(role.String)
	return t, u, r, nil
}

// Tokens lists the workspace's tokens, of one user when userID is not 0.
func (s *Store) Tokens(ctx context.Context, ws, userID int64, p Page) ([]auth.Token, int64, error) {
	rows, err := s.readRows(ctx, `SELECT `+tokenColumns+` FROM api_tokens
		WHERE workspace_id = $1 AND ($2 = 0 OR user_id = $2) AND id > $3 ORDER BY id LIMIT $4`,
		ws, userID, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list tokens: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (auth.Token, error) { return scanToken(r) },
		func(t auth.Token) int64 { return t.ID })
}

// Token reads one token of the workspace.
func (s *Store) Token(ctx context.Context, ws, id int64) (auth.Token, error) {
	t, err := scanToken(s.readRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens
		WHERE workspace_id = $1 AND id = $2`, ws, id))
	if err == sql.ErrNoRows {
		return t, fmt.Errorf("token %d: %w", id, fault.ErrNotFound)
	}
	return t, err
}

// RevokeToken revokes a token of the workspace. Revoking a revoked token changes nothing.
func (s *Store) RevokeToken(ctx context.Context, a audit.Actor, ws, id int64) (auth.Token, error) {
	var t auth.Token
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		t, err = scanToken(tx.QueryRowContext(ctx, `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $3)
			WHERE workspace_id = $1 AND id = $2 RETURNING `+tokenColumns, ws, id, s.stamp()))
		if err == sql.ErrNoRows {
			return fmt.Errorf("token %d: %w", id, fault.ErrNotFound)
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "token", id, nil, t)
	})
	if err != nil {
		return auth.Token{}, fmt.Errorf("revoke token: %w", err)
	}
	return t, nil
}

// TouchToken records the use of a token, at most once per minute so that busy scripts do not
// turn every read into a write.
func (s *Store) TouchToken(ctx context.Context, id int64) error {
	now := s.stamp()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $2
			WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)`, id, now, now.Add(-time.Minute))
		return err
	})
}
