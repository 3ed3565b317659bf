package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/lodestar-cx/lodestar/internal/audit"
)

// record writes an audit entry in the transaction of the change it describes. ws is 0 for a
// change outside any workspace; before and after are marshalled to JSON, nil for none.
func (s *Store) record(ctx context.Context, tx *sql.Tx, a audit.Actor, ws int64, action, entity string, id any, before, after any) error {
	enc := func(v any) (any, error) {
		if v == nil {
			return nil, nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return string(b), nil
	}
	b, err := enc(before)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	af, err := enc(after)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log
		(workspace_id, actor_user_id, actor_token_id, request_id, action, entity, entity_id, before_value, after_value, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		nullID(ws), nullID(a.UserID), nullID(a.TokenID), a.RequestID, action, entity, fmt.Sprint(id), b, af, s.stamp())
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// nullID stores 0 as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// AuditEntries lists a workspace's audit trail, oldest first, filtered by entity and time.
func (s *Store) AuditEntries(ctx context.Context, ws int64, f audit.Filter, p Page) ([]audit.Entry, int64, error) {
	where := []string{"workspace_id = $1", "id > $2"}
	args := []any{ws, p.After}
	if f.Entity != "" {
		args = append(args, f.Entity)
		where = append(where, fmt.Sprintf("entity = $%d", len(args)))
	}
	if !f.Since.IsZero() {
		args = append(args, f.Since.UTC())
		where = append(where, fmt.Sprintf("at >= $%d", len(args)))
	}
	if !f.Until.IsZero() {
		args = append(args, f.Until.UTC())
		where = append(where, fmt.Sprintf("at < $%d", len(args)))
	}
	args = append(args, p.limit()+1)
	rows, err := s.readRows(ctx, `SELECT id, workspace_id, actor_user_id, actor_token_id, request_id,
		action, entity, entity_id, before_value, after_value, at FROM audit_log
		WHERE `+strings.Join(where, " AND ")+fmt.Sprintf(` ORDER BY id LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("audit entries: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (audit.Entry, error) {
		var e audit.Entry
		var wsID, user, token sql.NullInt64
		var before, after sql.NullString
		err := r.Scan(&e.ID, &wsID, &user, &token, &e.RequestID, &e.Action, &e.Entity, &e.EntityID, &before, &after, &e.At)
		e.WorkspaceID, e.ActorUserID, e.ActorTokenID = wsID.Int64, user.Int64, token.Int64
		if before.Valid {
			e.Before = json.RawMessage(before.String)
		}
		if after.Valid {
			e.After = json.RawMessage(after.String)
		}
		e.At = utc(e.At)
		return e, err
	}, func(e audit.Entry) int64 { return e.ID })
}
