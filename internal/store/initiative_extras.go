package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
)

// CheckInCadence reads how often the workspace expects check-ins.
func (s *Store) CheckInCadence(ctx context.Context, ws int64) (roadmap.CheckInCadence, error) {
	var c roadmap.CheckInCadence
	err := s.readRow(ctx, `SELECT check_in_cadence_days FROM workspaces WHERE id = $1`, ws).Scan(&c.Days)
	if err == sql.ErrNoRows {
		return c, fmt.Errorf("workspace %d: %w", ws, fault.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("check-in cadence: %w", err)
	}
	return c, nil
}

// SetCheckInCadence sets how often the workspace expects check-ins.
func (s *Store) SetCheckInCadence(ctx context.Context, a audit.Actor, ws int64, c roadmap.CheckInCadence) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var before roadmap.CheckInCadence
		err := tx.QueryRowContext(ctx, `SELECT check_in_cadence_days FROM workspaces WHERE id = $1`, ws).Scan(&before.Days)
		if err == sql.ErrNoRows {
			return fmt.Errorf("workspace %d: %w", ws, fault.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE workspaces SET check_in_cadence_days = $2 WHERE id = $1`, ws, c.Days); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Update, "check_in_cadence", ws, before, c)
	})
	if err != nil {
		return fmt.Errorf("set check-in cadence: %w", err)
	}
	return nil
}

const initiativeCheckInColumns = `id, initiative_id, status, progress, confidence, note, blockers, author_user_id, at`

func scanInitiativeCheckIn(row interface{ Scan(...any) error }) (goals.CheckIn, error) {
	var c goals.CheckIn
	var author sql.NullInt64
	var progress sql.NullFloat64
	err := row.Scan(&c.ID, &c.InitiativeID, &c.Status, &progress, &c.Confidence, &c.Note, &c.Blockers, &author, &c.At)
	c.AuthorID, c.At = author.Int64, utc(c.At)
	if progress.Valid {
		c.Progress = &progress.Float64
	}
	return c, err
}

// CreateInitiativeCheckIn posts a check-in on an initiative of the workspace. Check-ins are
// kept: each is a new row of the initiative's history.
func (s *Store) CreateInitiativeCheckIn(ctx context.Context, a audit.Actor, ws, initiativeID int64, in roadmap.CheckInInput) (goals.CheckIn, error) {
	var c goals.CheckIn
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := getInitiative(ctx, tx, ws, initiativeID); err != nil {
			return err
		}
		var err error
		c, err = scanInitiativeCheckIn(tx.QueryRowContext(ctx, `INSERT INTO check_ins (workspace_id, initiative_id, status, progress,
			confidence, note, blockers, author_user_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+initiativeCheckInColumns,
			ws, initiativeID, in.Status, *in.Progress, in.Confidence, in.Note, in.Blockers, nullID(a.UserID), s.stamp()))
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Create, "check_in", c.ID, nil, c)
	})
	if err != nil {
		return c, fmt.Errorf("check in on initiative: %w", err)
	}
	return c, nil
}

// BackfillInitiativeCheckIn adds a past check-in to an initiative's history, as an import of
// earlier reviews does; at must be in the past.
func (s *Store) BackfillInitiativeCheckIn(ctx context.Context, a audit.Actor, ws, initiativeID int64, in roadmap.CheckInInput, at time.Time) (goals.CheckIn, error) {
	var c goals.CheckIn
	if err := in.Validate(); err != nil {
		return c, fmt.Errorf("backfill initiative check-in: %w", err)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := getInitiative(ctx, tx, ws, initiativeID); err != nil {
			return err
		}
		if !at.Before(s.now()) {
			return fault.Invalid("at", "must be in the past")
		}
		var err error
		c, err = scanInitiativeCheckIn(tx.QueryRowContext(ctx, `INSERT INTO check_ins (workspace_id, initiative_id, status, progress,
			confidence, note, blockers, author_user_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+initiativeCheckInColumns,
			ws, initiativeID, in.Status, *in.Progress, in.Confidence, in.Note, in.Blockers, nullID(a.UserID), at.UTC().Truncate(time.Microsecond)))
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Create, "check_in", c.ID, nil, c)
	})
	if err != nil {
		return c, fmt.Errorf("backfill initiative check-in: %w", err)
	}
	return c, nil
}

// InitiativeCheckIns lists an initiative's check-ins, oldest first.
func (s *Store) InitiativeCheckIns(ctx context.Context, ws, initiativeID int64, p Page) ([]goals.CheckIn, int64, error) {
	if _, err := s.Initiative(ctx, ws, initiativeID); err != nil {
		return nil, 0, err
	}
	rows, err := s.readRows(ctx, `SELECT `+initiativeCheckInColumns+` FROM check_ins WHERE workspace_id = $1 AND initiative_id = $2
		AND id > $3 ORDER BY id LIMIT $4`, ws, initiativeID, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list initiative check-ins: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (goals.CheckIn, error) { return scanInitiativeCheckIn(r) },
		func(c goals.CheckIn) int64 { return c.ID })
}

// LastInitiativeCheckIns gives, for each initiative of the workspace that has check-ins, the
// time of its latest.
func (s *Store) LastInitiativeCheckIns(ctx context.Context, ws int64) (map[int64]time.Time, error) {
	return s.lastCheckIns(ctx, `SELECT initiative_id, MAX(at) FROM check_ins
		WHERE workspace_id = $1 AND initiative_id IS NOT NULL GROUP BY initiative_id`, ws)
}

// LastKeyResultCheckIns gives, for each key result of the workspace that has check-ins, the
// time of its latest.
func (s *Store) LastKeyResultCheckIns(ctx context.Context, ws int64) (map[int64]time.Time, error) {
	return s.lastCheckIns(ctx, `SELECT key_result_id, MAX(at) FROM check_ins
		WHERE workspace_id = $1 AND key_result_id IS NOT NULL GROUP BY key_result_id`, ws)
}

func (s *Store) lastCheckIns(ctx context.Context, query string, ws int64) (map[int64]time.Time, error) {
	rows, err := s.readRows(ctx, query, ws)
	if err != nil {
		return nil, fmt.Errorf("last check-ins: %w", err)
	}
	defer rows.Close()
	last := map[int64]time.Time{}
	for rows.Next() {
		var id int64
		var at aggregateTime
		if err := rows.Scan(&id, &at); err != nil {
			return nil, fmt.Errorf("last check-ins: %w", err)
		}
		last[id] = at.Time
	}
	return last, rows.Err()
}

const keyResultLinkSelect = `SELECT l.initiative_id, l.key_result_id, k.title, k.unit, l.expected_effect, l.note
	FROM initiative_key_results l JOIN key_results k ON k.id = l.key_result_id AND k.workspace_id = l.workspace_id`

func scanKeyResultLink(row interface{ Scan(...any) error }) (roadmap.KeyResultLink, error) {
	var l roadmap.KeyResultLink
	var effect sql.NullFloat64
	err := row.Scan(&l.InitiativeID, &l.KeyResultID, &l.Title, &l.Unit, &effect, &l.Note)
	if effect.Valid {
		l.ExpectedEffect = &effect.Float64
	}
	return l, err
}

func getKeyResultLink(ctx context.Context, q queryer, ws, initiativeID, krID int64) (roadmap.KeyResultLink, error) {
	l, err := scanKeyResultLink(q.QueryRowContext(ctx, keyResultLinkSelect+`
		WHERE l.workspace_id = $1 AND l.initiative_id = $2 AND l.key_result_id = $3`, ws, initiativeID, krID))
	if err == sql.ErrNoRows {
		return l, fmt.Errorf("link from initiative %d to key result %d: %w", initiativeID, krID, fault.ErrNotFound)
	}
	return l, err
}

// LinkKeyResult links an initiative to a key result, both of the workspace, with the effect
// expected of it; linking again replaces the effect and the note.
func (s *Store) LinkKeyResult(ctx context.Context, a audit.Actor, ws, initiativeID, krID int64, in roadmap.KeyResultLinkInput) (roadmap.KeyResultLink, error) {
	var l roadmap.KeyResultLink
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := getInitiative(ctx, tx, ws, initiativeID); err != nil {
			return err
		}
		if _, err := getKeyResult(ctx, tx, ws, krID); err != nil {
			return err
		}
		var before any
		switch b, err := getKeyResultLink(ctx, tx, ws, initiativeID, krID); {
		case err == nil:
			before = b
		case !errors.Is(err, fault.ErrNotFound):
			return err
		}
		var effect any
		if in.ExpectedEffect != nil {
			effect = *in.ExpectedEffect
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO initiative_key_results (workspace_id, initiative_id, key_result_id, expected_effect, note)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (initiative_id, key_result_id)
			DO UPDATE SET expected_effect = excluded.expected_effect, note = excluded.note`,
			ws, initiativeID, krID, effect, in.Note); err != nil {
			return err
		}
		var err error
		if l, err = getKeyResultLink(ctx, tx, ws, initiativeID, krID); err != nil {
			return err
		}
		action := audit.Create
		if before != nil {
			action = audit.Update
		}
		return s.record(ctx, tx, a, ws, action, "initiative_key_result", fmt.Sprintf("%d-%d", initiativeID, krID), before, l)
	})
	if err != nil {
		return l, fmt.Errorf("link key result: %w", err)
	}
	return l, nil
}

// UnlinkKeyResult removes the link from an initiative of the workspace to a key result.
func (s *Store) UnlinkKeyResult(ctx context.Context, a audit.Actor, ws, initiativeID, krID int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getKeyResultLink(ctx, tx, ws, initiativeID, krID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM initiative_key_results
			WHERE workspace_id = $1 AND initiative_id = $2 AND key_result_id = $3`, ws, initiativeID, krID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "initiative_key_result", fmt.Sprintf("%d-%d", initiativeID, krID), before, nil)
	})
	if err != nil {
		return fmt.Errorf("unlink key result: %w", err)
	}
	return nil
}

// KeyResultLinks lists the links from the workspace's initiatives to key results, by
// initiative, each initiative's in key result order.
func (s *Store) KeyResultLinks(ctx context.Context, ws int64) (map[int64][]roadmap.KeyResultLink, error) {
	rows, err := s.readRows(ctx, keyResultLinkSelect+` WHERE l.workspace_id = $1 ORDER BY l.initiative_id, l.key_result_id`, ws)
	if err != nil {
		return nil, fmt.Errorf("key result links: %w", err)
	}
	defer rows.Close()
	links := map[int64][]roadmap.KeyResultLink{}
	for rows.Next() {
		l, err := scanKeyResultLink(rows)
		if err != nil {
			return nil, fmt.Errorf("key result links: %w", err)
		}
		links[l.InitiativeID] = append(links[l.InitiativeID], l)
	}
	return links, rows.Err()
}

// TeamResponsibilities reads the workspace's teams, by name, with only their id and name set,
// and which initiatives each is directly responsible for (an assignment of the team with the
// role responsible).
func (s *Store) TeamResponsibilities(ctx context.Context, ws int64) ([]roadmap.TeamLoad, []roadmap.Responsibility, error) {
	rows, err := s.readRows(ctx, `SELECT id, name FROM teams WHERE workspace_id = $1 ORDER BY name, id`, ws)
	if err != nil {
		return nil, nil, fmt.Errorf("team responsibilities: %w", err)
	}
	teams := []roadmap.TeamLoad{}
	for rows.Next() {
		var t roadmap.TeamLoad
		if err := rows.Scan(&t.TeamID, &t.Name); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("team responsibilities: %w", err)
		}
		teams = append(teams, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("team responsibilities: %w", err)
	}
	rows, err = s.readRows(ctx, `SELECT a.team_id, i.id, i.title, i.horizon, i.status, i.due_date
		FROM assignments a JOIN initiatives i ON i.id = a.initiative_id AND i.workspace_id = a.workspace_id
		WHERE a.workspace_id = $1 AND a.role = 'responsible' AND a.team_id IS NOT NULL
		ORDER BY a.team_id, i.id`, ws)
	if err != nil {
		return nil, nil, fmt.Errorf("team responsibilities: %w", err)
	}
	defer rows.Close()
	var rs []roadmap.Responsibility
	for rows.Next() {
		var r roadmap.Responsibility
		it := &r.Initiative
		if err := rows.Scan(&r.TeamID, &it.ID, &it.Title, &it.Horizon, &it.Status, &it.DueDate); err != nil {
			return nil, nil, fmt.Errorf("team responsibilities: %w", err)
		}
		rs = append(rs, r)
	}
	return teams, rs, rows.Err()
}
