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
)

const goalColumns = `id, workspace_id, parent_id, level, title, description, owner_user_id, owner_team_id,
	period_start, period_end, status, weight, created_at, updated_at, version, COALESCE(doc_key, '')`

func scanGoal(row interface{ Scan(...any) error }) (goals.Goal, error) {
	var g goals.Goal
	var parent, ownerUser, ownerTeam sql.NullInt64
	err := row.Scan(&g.ID, &g.WorkspaceID, &parent, &g.Level, &g.Title, &g.Description, &ownerUser, &ownerTeam,
		&g.PeriodStart, &g.PeriodEnd, &g.Status, &g.Weight, &g.CreatedAt, &g.UpdatedAt, &g.Version, &g.Key)
	g.ParentID, g.OwnerUserID, g.OwnerTeamID = parent.Int64, ownerUser.Int64, ownerTeam.Int64
	g.CreatedAt, g.UpdatedAt = utc(g.CreatedAt), utc(g.UpdatedAt)
	return g, err
}

func getGoal(ctx context.Context, q queryer, ws, id int64) (goals.Goal, error) {
	g, err := scanGoal(q.QueryRowContext(ctx, `SELECT `+goalColumns+` FROM goals WHERE workspace_id = $1 AND id = $2`, ws, id))
	if err == sql.ErrNoRows {
		return g, fmt.Errorf("goal %d: %w", id, fault.ErrNotFound)
	}
	return g, err
}

// checkOwner checks that a goal's owner, given by id in the input, belongs to the workspace.
func checkOwner(ctx context.Context, tx *sql.Tx, ws, user, team int64) error {
	if user != 0 {
		if err := requireMember(ctx, tx, ws, user, "owner_user_id"); err != nil {
			return err
		}
	}
	if team != 0 {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM teams WHERE workspace_id = $1 AND id = $2`, ws, team).Scan(&one)
		if err == sql.ErrNoRows {
			return fault.Invalid("owner_team_id", "team %d is not a team of this workspace", team)
		}
		return err
	}
	return nil
}

// placeGoal checks where a goal may stand in the tree and returns its level: the vision has no
// parent and is the only one; a goal stands under the vision; an objective under a goal or
// another objective. The parent must be in the same workspace and, when moving the goal
// with id self, not below it.
func placeGoal(ctx context.Context, tx *sql.Tx, ws, self, parentID int64, level goals.Level) (goals.Level, error) {
	if parentID == 0 {
		if level != "" && level != goals.Vision {
			return "", fault.Invalid("parent_id", "a %s needs a parent goal", level)
		}
		var other int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM goals WHERE workspace_id = $1 AND parent_id IS NULL AND id <> $2`, ws, self).Scan(&other)
		if err == nil {
			return "", fault.Invalid("parent_id", "is required: the workspace's vision is goal %d, and there is one vision", other)
		}
		if err != sql.ErrNoRows {
			return "", err
		}
		return goals.Vision, nil
	}
	parent, err := getGoal(ctx, tx, ws, parentID)
	if errors.Is(err, fault.ErrNotFound) {
		return "", fault.Invalid("parent_id", "goal %d is not a goal of this workspace", parentID)
	}
	if err != nil {
		return "", err
	}
	want := goals.Objective
	if parent.Level == goals.Vision {
		want = goals.Business
	}
	if level != "" && level != want {
		return "", fault.Invalid("level", "a goal under a %s is a %s", parent.Level, want)
	}
	// Walk up from the new parent: meeting self would make a loop.
	for cur := parent; self != 0; {
		if cur.ID == self {
			return "", fault.Invalid("parent_id", "goal %d is below this goal; a goal cannot move under itself", parentID)
		}
		if cur.ParentID == 0 {
			break
		}
		if cur, err = getGoal(ctx, tx, ws, cur.ParentID); err != nil {
			return "", err
		}
	}
	return want, nil
}

// CreateGoal adds a goal to the workspace's tree.
func (s *Store) CreateGoal(ctx context.Context, a audit.Actor, ws int64, in goals.GoalInput) (goals.Goal, error) {
	var g goals.Goal
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		level, err := placeGoal(ctx, tx, ws, 0, in.ParentID, in.Level)
		if err != nil {
			return err
		}
		if err := checkOwner(ctx, tx, ws, in.OwnerUserID, in.OwnerTeamID); err != nil {
			return err
		}
		now := s.stamp()
		g, err = scanGoal(tx.QueryRowContext(ctx, `INSERT INTO goals (workspace_id, parent_id, level, title, description,
			owner_user_id, owner_team_id, period_start, period_end, status, weight, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING `+goalColumns,
			ws, nullID(in.ParentID), level, in.Title, in.Description, nullID(in.OwnerUserID), nullID(in.OwnerTeamID),
			in.PeriodStart, in.PeriodEnd, in.Status, *in.Weight, now))
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Create, "goal", g.ID, nil, g)
	})
	if err != nil {
		return g, fmt.Errorf("create goal: %w", err)
	}
	return g, nil
}

// Goal reads one goal of the workspace.
func (s *Store) Goal(ctx context.Context, ws, id int64) (goals.Goal, error) {
	return getGoal(ctx, cachedReader{s}, ws, id)
}

// Goals lists the workspace's goals by id.
func (s *Store) Goals(ctx context.Context, ws int64, p Page) ([]goals.Goal, int64, error) {
	rows, err := s.readRows(ctx, `SELECT `+goalColumns+` FROM goals WHERE workspace_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
		ws, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list goals: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (goals.Goal, error) { return scanGoal(r) }, func(g goals.Goal) int64 { return g.ID })
}

// GoalTree reads the workspace's whole goal tree and every key result under it, in one read
// transaction so that the two agree, for computing progress up the tree.
func (s *Store) GoalTree(ctx context.Context, ws int64) ([]goals.Goal, []goals.KeyResult, error) {
	tree, krs := []goals.Goal{}, []goals.KeyResult{}
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+goalColumns+` FROM goals WHERE workspace_id = $1 ORDER BY id`, ws)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			g, err := scanGoal(rows)
			if err != nil {
				return err
			}
			tree = append(tree, g)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		krRows, err := tx.QueryContext(ctx, keyResultSelect+` WHERE k.workspace_id = $1 ORDER BY k.id`, ws)
		if err != nil {
			return err
		}
		defer krRows.Close()
		for krRows.Next() {
			k, err := scanKeyResult(krRows)
			if err != nil {
				return err
			}
			krs = append(krs, k)
		}
		return krRows.Err()
	})
	if err != nil {
		return nil, nil, fmt.Errorf("goal tree: %w", err)
	}
	return tree, krs, nil
}

// UpdateGoal changes a goal if it is still at version.
func (s *Store) UpdateGoal(ctx context.Context, a audit.Actor, ws, id, version int64, in goals.GoalUpdate) (goals.Goal, error) {
	var g goals.Goal
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getGoal(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return staleVersion(fmt.Sprintf("goal %d", id), before.Version, version)
		}
		after, err := in.Apply(before)
		if err != nil {
			return err
		}
		if after.ParentID != before.ParentID {
			if after.Level, err = placeGoal(ctx, tx, ws, id, after.ParentID, ""); err != nil {
				return err
			}
		}
		if err := checkOwner(ctx, tx, ws, after.OwnerUserID, after.OwnerTeamID); err != nil {
			return err
		}
		g, err = scanGoal(tx.QueryRowContext(ctx, `UPDATE goals SET parent_id = $3, level = $4, title = $5, description = $6,
			owner_user_id = $7, owner_team_id = $8, period_start = $9, period_end = $10, status = $11, weight = $12,
			updated_at = $13, version = version + 1 WHERE workspace_id = $1 AND id = $2 RETURNING `+goalColumns,
			ws, id, nullID(after.ParentID), after.Level, after.Title, after.Description, nullID(after.OwnerUserID),
			nullID(after.OwnerTeamID), after.PeriodStart, after.PeriodEnd, after.Status, after.Weight, s.stamp()))
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Update, "goal", id, before, g)
	})
	if err != nil {
		return g, fmt.Errorf("update goal: %w", err)
	}
	return g, nil
}

// DeleteGoal deletes a goal with everything below it (objectives and key results) if it is
// still at version.
func (s *Store) DeleteGoal(ctx context.Context, a audit.Actor, ws, id, version int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getGoal(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return staleVersion(fmt.Sprintf("goal %d", id), before.Version, version)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM goals WHERE workspace_id = $1 AND id = $2`, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "goal", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete goal: %w", err)
	}
	return nil
}

const keyResultSelect = `SELECT k.id, k.workspace_id, k.goal_id, k.title, k.kind, k.baseline, k.target, k.current_value,
	k.unit, k.start_date, k.due_date, k.weight, k.source, k.metric_id, k.created_at, k.updated_at, k.version, g.period_start,
	COALESCE(k.doc_key, '')
	FROM key_results k JOIN goals g ON g.id = k.goal_id AND g.workspace_id = k.workspace_id`

func scanKeyResult(row interface{ Scan(...any) error }) (goals.KeyResult, error) {
	var k goals.KeyResult
	var metric sql.NullInt64
	err := row.Scan(&k.ID, &k.WorkspaceID, &k.GoalID, &k.Title, &k.Kind, &k.Baseline, &k.Target, &k.Current,
		&k.Unit, &k.StartDate, &k.DueDate, &k.Weight, &k.Source, &metric, &k.CreatedAt, &k.UpdatedAt, &k.Version, &k.GoalStart, &k.Key)
	k.MetricID = metric.Int64
	k.CreatedAt, k.UpdatedAt = utc(k.CreatedAt), utc(k.UpdatedAt)
	return k, err
}

func getKeyResult(ctx context.Context, q queryer, ws, id int64) (goals.KeyResult, error) {
	k, err := scanKeyResult(q.QueryRowContext(ctx, keyResultSelect+` WHERE k.workspace_id = $1 AND k.id = $2`, ws, id))
	if err == sql.ErrNoRows {
		return k, fmt.Errorf("key result %d: %w", id, fault.ErrNotFound)
	}
	return k, err
}

// CreateKeyResult adds a key result to a goal of the workspace; its first value starts the
// history.
func (s *Store) CreateKeyResult(ctx context.Context, a audit.Actor, ws, goalID int64, in goals.KeyResultInput) (goals.KeyResult, error) {
	var k goals.KeyResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := getGoal(ctx, tx, ws, goalID); err != nil {
			return err
		}
		if err := requireMetric(ctx, tx, ws, in.MetricID); err != nil {
			return err
		}
		now := s.stamp()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO key_results (workspace_id, goal_id, title, kind, baseline, target,
			current_value, unit, start_date, due_date, weight, source, metric_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
			ws, goalID, in.Title, in.Kind, in.Baseline, in.Target, *in.Current, in.Unit, in.StartDate, in.DueDate,
			*in.Weight, in.Source, nullID(in.MetricID), now).Scan(&id)
		if err != nil {
			return err
		}
		if err := s.appendValue(ctx, tx, a, ws, id, *in.Current, "manual", "initial value"); err != nil {
			return err
		}
		if k, err = getKeyResult(ctx, tx, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Create, "key_result", id, nil, k)
	})
	if err != nil {
		return k, fmt.Errorf("create key result: %w", err)
	}
	return k, nil
}

func (s *Store) appendValue(ctx context.Context, tx *sql.Tx, a audit.Actor, ws, krID int64, v float64, source, note string) error {
	return s.appendValueAt(ctx, tx, a, ws, krID, v, source, note, s.stamp())
}

func (s *Store) appendValueAt(ctx context.Context, tx *sql.Tx, a audit.Actor, ws, krID int64, v float64, source, note string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO key_result_values (workspace_id, key_result_id, value, source, note, actor_user_id, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, ws, krID, v, source, note, nullID(a.UserID), at.UTC().Truncate(time.Microsecond))
	return err
}

// BackfillKeyResultValue adds a past value to a key result's history, as an import of earlier
// measurements does; the current value stays as it is.
func (s *Store) BackfillKeyResultValue(ctx context.Context, a audit.Actor, ws, id int64, v float64, note string, at time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := getKeyResult(ctx, tx, ws, id); err != nil {
			return err
		}
		if !at.Before(s.now()) {
			return fault.Invalid("at", "must be in the past")
		}
		return s.appendValueAt(ctx, tx, a, ws, id, v, "backfill", note, at)
	})
	if err != nil {
		return fmt.Errorf("backfill key result value: %w", err)
	}
	return nil
}

// KeyResult reads one key result of the workspace.
func (s *Store) KeyResult(ctx context.Context, ws, id int64) (goals.KeyResult, error) {
	return getKeyResult(ctx, cachedReader{s}, ws, id)
}

// KeyResults lists the workspace's key results by id, of one goal when goalID is not 0.
func (s *Store) KeyResults(ctx context.Context, ws, goalID int64, p Page) ([]goals.KeyResult, int64, error) {
	rows, err := s.readRows(ctx, keyResultSelect+` WHERE k.workspace_id = $1 AND ($2 = 0 OR k.goal_id = $2) AND k.id > $3
		ORDER BY k.id LIMIT $4`, ws, goalID, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list key results: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (goals.KeyResult, error) { return scanKeyResult(r) },
		func(k goals.KeyResult) int64 { return k.ID })
}

// UpdateKeyResult changes a key result's definition if it is still at version.
func (s *Store) UpdateKeyResult(ctx context.Context, a audit.Actor, ws, id, version int64, in goals.KeyResultUpdate) (goals.KeyResult, error) {
	var k goals.KeyResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getKeyResult(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return staleVersion(fmt.Sprintf("key result %d", id), before.Version, version)
		}
		after, err := in.Apply(before)
		if err != nil {
			return err
		}
		if err := requireMetric(ctx, tx, ws, after.MetricID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE key_results SET title = $3, kind = $4, baseline = $5, target = $6, unit = $7,
			start_date = $8, due_date = $9, weight = $10, source = $11, metric_id = $12, updated_at = $13, version = version + 1
			WHERE workspace_id = $1 AND id = $2`, ws, id, after.Title, after.Kind, after.Baseline, after.Target, after.Unit,
			after.StartDate, after.DueDate, after.Weight, after.Source, nullID(after.MetricID), s.stamp()); err != nil {
			return err
		}
		if k, err = getKeyResult(ctx, tx, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Update, "key_result", id, before, k)
	})
	if err != nil {
		return k, fmt.Errorf("update key result: %w", err)
	}
	return k, nil
}

// DeleteKeyResult deletes a key result and its history if it is still at version.
func (s *Store) DeleteKeyResult(ctx context.Context, a audit.Actor, ws, id, version int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getKeyResult(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return staleVersion(fmt.Sprintf("key result %d", id), before.Version, version)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM key_results WHERE workspace_id = $1 AND id = $2`, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "key_result", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete key result: %w", err)
	}
	return nil
}

// RecordKeyResultValue sets a key result's current value and keeps it in the history. Every
// source of values (a person, a check-in, a bound metric) comes through here.
func (s *Store) RecordKeyResultValue(ctx context.Context, a audit.Actor, ws, id int64, v float64, source, note string) (goals.KeyResult, error) {
	var k goals.KeyResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		k, err = s.recordValue(ctx, tx, a, ws, id, v, source, note)
		return err
	})
	if err != nil {
		return k, fmt.Errorf("record key result value: %w", err)
	}
	return k, nil
}

func (s *Store) recordValue(ctx context.Context, tx *sql.Tx, a audit.Actor, ws, id int64, v float64, source, note string) (goals.KeyResult, error) {
	before, err := getKeyResult(ctx, tx, ws, id)
	if err != nil {
		return before, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE key_results SET current_value = $3, updated_at = $4, version = version + 1
		WHERE workspace_id = $1 AND id = $2`, ws, id, v, s.stamp()); err != nil {
		return before, err
	}
	if err := s.appendValue(ctx, tx, a, ws, id, v, source, note); err != nil {
		return before, err
	}
	k, err := getKeyResult(ctx, tx, ws, id)
	if err != nil {
		return k, err
	}
	return k, s.record(ctx, tx, a, ws, audit.Update, "key_result", id, map[string]float64{"current": before.Current}, map[string]float64{"current": v})
}

// KeyResultValues lists a key result's history, oldest first.
func (s *Store) KeyResultValues(ctx context.Context, ws, id int64, p Page) ([]goals.Value, int64, error) {
	if _, err := s.KeyResult(ctx, ws, id); err != nil {
		return nil, 0, err
	}
	// In time order, backfilled values among the rest; the cursor is the last value's id, and
	// the page goes on from that value's (at, id).
	rows, err := s.readRows(ctx, `SELECT id, key_result_id, value, source, note, actor_user_id, at, n, interval_low, interval_high
		FROM key_result_values v
		WHERE workspace_id = $1 AND key_result_id = $2
		AND ($3 = 0 OR (at, id) > (SELECT at, id FROM key_result_values WHERE workspace_id = $1 AND id = $3))
		ORDER BY at, id LIMIT $4`, ws, id, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("key result history: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (goals.Value, error) {
		var v goals.Value
		var actor, n sql.NullInt64
		var low, high sql.NullFloat64
		err := r.Scan(&v.ID, &v.KeyResultID, &v.Value, &v.Source, &v.Note, &actor, &v.At, &n, &low, &high)
		v.ActorUserID, v.At = actor.Int64, utc(v.At)
		if n.Valid {
			v.N = &n.Int64
		}
		if low.Valid && high.Valid {
			v.Interval = &goals.Interval{Low: low.Float64, High: high.Float64}
		}
		return v, err
	}, func(v goals.Value) int64 { return v.ID })
}

// CreateKeyResultCheckIn posts a check-in on a key result; a value in it is recorded in the
// key result's history in the same transaction.
func (s *Store) CreateKeyResultCheckIn(ctx context.Context, a audit.Actor, ws, krID int64, in goals.CheckInInput) (goals.CheckIn, error) {
	var c goals.CheckIn
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := getKeyResult(ctx, tx, ws, krID); err != nil {
			return err
		}
		if in.Value != nil {
			if _, err := s.recordValue(ctx, tx, a, ws, krID, *in.Value, "check-in", in.Note); err != nil {
				return err
			}
		}
		var value any
		if in.Value != nil {
			value = *in.Value
		}
		var err error
		c, err = scanCheckIn(tx.QueryRowContext(ctx, `INSERT INTO check_ins (workspace_id, key_result_id, status, value,
			confidence, note, blockers, author_user_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+checkInColumns,
			ws, krID, in.Status, value, in.Confidence, in.Note, in.Blockers, nullID(a.UserID), s.stamp()))
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Create, "check_in", c.ID, nil, c)
	})
	if err != nil {
		return c, fmt.Errorf("check in: %w", err)
	}
	return c, nil
}

const checkInColumns = `id, key_result_id, status, value, confidence, note, blockers, author_user_id, at`

func scanCheckIn(row interface{ Scan(...any) error }) (goals.CheckIn, error) {
	var c goals.CheckIn
	var kr, author sql.NullInt64
	var value sql.NullFloat64
	err := row.Scan(&c.ID, &kr, &c.Status, &value, &c.Confidence, &c.Note, &c.Blockers, &author, &c.At)
	c.KeyResultID, c.AuthorID, c.At = kr.Int64, author.Int64, utc(c.At)
	if value.Valid {
		c.Value = &value.Float64
	}
	return c, err
}

// KeyResultCheckIns lists a key result's check-ins, oldest first.
func (s *Store) KeyResultCheckIns(ctx context.Context, ws, krID int64, p Page) ([]goals.CheckIn, int64, error) {
	if _, err := s.KeyResult(ctx, ws, krID); err != nil {
		return nil, 0, err
	}
	rows, err := s.readRows(ctx, `SELECT `+checkInColumns+` FROM check_ins WHERE workspace_id = $1 AND key_result_id = $2
		AND id > $3 ORDER BY id LIMIT $4`, ws, krID, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list check-ins: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (goals.CheckIn, error) { return scanCheckIn(r) }, func(c goals.CheckIn) int64 { return c.ID })
}
