package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/fault"
)

// CreateSession stores a session under the hash of its id, and ends the session it replaces
// (replacing, the hash of the browser's previous session; "" for none), so that signing in
// always yields a new id.
func (s *Store) CreateSession(ctx context.Context, hash string, userID int64, expires time.Time, replacing string) error {
	now := s.stamp()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if replacing != "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, replacing); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at)
			VALUES ($1, $2, $3, $3, $4)`, hash, userID, now, expires.UTC())
		return err
	})
}

// Session reads a session by the hash of its id.
func (s *Store) Session(ctx context.Context, hash string) (auth.Session, error) {
	var ss auth.Session
	var ws sql.NullInt64
	err := s.readRow(ctx, `SELECT user_id, workspace_id, created_at, last_seen_at, expires_at
		FROM sessions WHERE id_hash = $1`, hash).Scan(&ss.UserID, &ws, &ss.CreatedAt, &ss.LastSeenAt, &ss.ExpiresAt)
	if err == sql.ErrNoRows {
		return ss, fmt.Errorf("session: %w", fault.ErrNotFound)
	}
	ss.WorkspaceID = ws.Int64
	ss.CreatedAt, ss.LastSeenAt, ss.ExpiresAt = utc(ss.CreatedAt), utc(ss.LastSeenAt), utc(ss.ExpiresAt)
	return ss, err
}

// TouchSession records activity on a session.
func (s *Store) TouchSession(ctx context.Context, hash string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1`, hash, s.stamp())
		return err
	})
}

// SetSessionWorkspace records the workspace a browser works in.
func (s *Store) SetSessionWorkspace(ctx context.Context, hash string, ws int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET workspace_id = $2 WHERE id_hash = $1`, hash, nullID(ws))
		return err
	})
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, hash)
		return err
	})
}

// DeleteExpiredSessions removes sessions past their absolute expiry or idle for longer than idle.
func (s *Store) DeleteExpiredSessions(ctx context.Context, idle time.Duration) (int64, error) {
	now := s.stamp()
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, now, now.Add(-idle))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
