package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/experiments"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/stats"
)

const experimentColumns = `id, workspace_id, name, hypothesis, initiative_id, key_result_id, kind, variant, attribute, event,
	within_days, scale_min, scale_max, filter, dim, variants, start_day, end_day, created_at, updated_at, version`

func scanExperiment(row interface{ Scan(...any) error }) (experiments.Experiment, error) {
	var e experiments.Experiment
	var initiative, kr sql.NullInt64
	var smin, smax sql.NullFloat64
	var filter, variants string
	m := &e.Metric
	err := row.Scan(&e.ID, &e.WorkspaceID, &e.Name, &e.Hypothesis, &initiative, &kr, &m.Kind, &m.Variant, &m.Attribute, &m.Event,
		&m.Within, &smin, &smax, &filter, &e.Dim, &variants, &e.Start, &e.End, &e.CreatedAt, &e.UpdatedAt, &e.Version)
	if err != nil {
		return e, err
	}
	e.InitiativeID, e.KeyResultID = initiative.Int64, kr.Int64
	if smin.Valid && smax.Valid {
		m.Scale = &feedback.Scale{Min: smin.Float64, Max: smax.Float64}
	}
	if filter != "" && filter != "{}" {
		if err := json.Unmarshal([]byte(filter), &m.Filter); err != nil {
			return e, fmt.Errorf("experiment %d filter: %w", e.ID, err)
		}
	}
	if err := json.Unmarshal([]byte(variants), &e.Variants); err != nil {
		return e, fmt.Errorf("experiment %d variants: %w", e.ID, err)
	}
	e.CreatedAt, e.UpdatedAt = utc(e.CreatedAt), utc(e.UpdatedAt)
	e.Decisions = []experiments.Decision{}
	return e, nil
}

const decisionColumns = `id, experiment_id, decision, variant, note, actor_user_id, at, key_result_id, value, n, interval_low, interval_high`

func scanDecision(row interface{ Scan(...any) error }) (experiments.Decision, int64, error) {
	var d experiments.Decision
	var experiment int64
	var actor, kr, n sql.NullInt64
	var value, low, high sql.NullFloat64
	err := row.Scan(&d.ID, &experiment, &d.Decision, &d.Variant, &d.Note, &actor, &d.At, &kr, &value, &n, &low, &high)
	d.ByUserID, d.At = actor.Int64, utc(d.At)
	if kr.Valid && value.Valid {
		d.Recorded = &experiments.Recorded{KeyResultID: kr.Int64, Value: value.Float64, N: n.Int64,
			Interval: stats.Interval{Low: low.Float64, High: high.Float64}}
	}
	return d, experiment, err
}

// listQueryer reads one row or many: a transaction, or the store's cached reader.
type listQueryer interface {
	queryer
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// loadDecisions fills the decision logs of es, experiments of workspace ws, in one query.
func loadDecisions(ctx context.Context, q listQueryer, ws int64, es []experiments.Experiment) error {
	if len(es) == 0 {
		return nil
	}
	byID := map[int64]*experiments.Experiment{}
	lo, hi := es[0].ID, es[0].ID
	for i := range es {
		byID[es[i].ID] = &es[i]
		lo, hi = min(lo, es[i].ID), max(hi, es[i].ID)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+decisionColumns+` FROM experiment_decisions
		WHERE workspace_id = $1 AND experiment_id >= $2 AND experiment_id <= $3 ORDER BY experiment_id, id`, ws, lo, hi)
	if err != nil {
		return fmt.Errorf("experiment decisions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		d, id, err := scanDecision(rows)
		if err != nil {
			return fmt.Errorf("experiment decisions: %w", err)
		}
		if e := byID[id]; e != nil {
			e.Decisions = append(e.Decisions, d)
		}
	}
	return rows.Err()
}

func getExperiment(ctx context.Context, q listQueryer, ws, id int64) (experiments.Experiment, error) {
	e, err := scanExperiment(q.QueryRowContext(ctx, `SELECT `+experimentColumns+` FROM experiments WHERE workspace_id = $1 AND id = $2`, ws, id))
	if err == sql.ErrNoRows {
		return e, fmt.Errorf("experiment %d: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return e, err
	}
	es := []experiments.Experiment{e}
	err = loadDecisions(ctx, q, ws, es)
	return es[0], err
}

// experimentArgs are the values of an experiment's definition, in the order of the columns
// name to end_day.
func experimentArgs(in experiments.Input) ([]any, error) {
	variants, err := json.Marshal(in.Variants)
	if err != nil {
		return nil, err
	}
	m := in.Metric
	smin, smax := scaleArgs(m.Scale)
	return []any{in.Name, in.Hypothesis, nullID(in.InitiativeID), nullID(in.KeyResultID), string(m.Kind), string(m.Variant), m.Attribute,
		m.Event, m.Within, smin, smax, filterJSON(m.Filter), in.Dim, string(variants), in.Start, in.End}, nil
}

// checkExperimentLinks checks that the initiative and key result an experiment names belong to
// the workspace.
func checkExperimentLinks(ctx context.Context, tx *sql.Tx, ws int64, in experiments.Input) error {
	if in.InitiativeID != 0 {
		if _, err := getInitiative(ctx, tx, ws, in.InitiativeID); errors.Is(err, fault.ErrNotFound) {
			return fault.Invalid("initiative_id", "initiative %d is not an initiative of this workspace", in.InitiativeID)
		} else if err != nil {
			return err
		}
	}
	if in.KeyResultID != 0 {
		if _, err := getKeyResult(ctx, tx, ws, in.KeyResultID); errors.Is(err, fault.ErrNotFound) {
			return fault.Invalid("key_result_id", "key result %d is not a key result of this workspace", in.KeyResultID)
		} else if err != nil {
			return err
		}
	}
	return nil
}

func experimentNameTaken(err error) error {
	if errors.Is(err, fault.ErrConflict) {
		return fault.Invalid("name", "another experiment of this workspace has this name")
	}
	return err
}

// CreateExperiment saves an experiment.
func (s *Store) CreateExperiment(ctx context.Context, a audit.Actor, ws int64, in experiments.Input) (experiments.Experiment, error) {
	var e experiments.Experiment
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkExperimentLinks(ctx, tx, ws, in); err != nil {
			return err
		}
		args, err := experimentArgs(in)
		if err != nil {
			return err
		}
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO experiments (workspace_id, name, hypothesis, initiative_id, key_result_id, kind,
			variant, attribute, event, within_days, scale_min, scale_max, filter, dim, variants, start_day, end_day, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING id`,
			append(append([]any{ws}, args...), s.stamp())...).Scan(&id)
		if err != nil {
			return experimentNameTaken(mapErr(err))
		}
		if e, err = getExperiment(ctx, tx, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Create, "experiment", id, nil, e)
	})
	if err != nil {
		return e, fmt.Errorf("create experiment: %w", err)
	}
	return e, nil
}

// Experiment reads an experiment of the workspace with its decision log.
func (s *Store) Experiment(ctx context.Context, ws, id int64) (experiments.Experiment, error) {
	return getExperiment(ctx, cachedReader{s}, ws, id)
}

// Experiments lists the workspace's experiments by id, with their decision logs.
func (s *Store) Experiments(ctx context.Context, ws int64, p Page) ([]experiments.Experiment, int64, error) {
	rows, err := s.readRows(ctx, `SELECT `+experimentColumns+` FROM experiments WHERE workspace_id = $1 AND id > $2
		ORDER BY id LIMIT $3`, ws, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list experiments: %w", err)
	}
	es, next, err := collect(rows, p, func(r *sql.Rows) (experiments.Experiment, error) { return scanExperiment(r) },
		func(e experiments.Experiment) int64 { return e.ID })
	if err != nil {
		return nil, 0, fmt.Errorf("list experiments: %w", err)
	}
	if err := loadDecisions(ctx, cachedReader{s}, ws, es); err != nil {
		return nil, 0, err
	}
	return es, next, nil
}

// lockedExperiment reads an experiment for a change at version: not found, stale, or (for a
// concluded one) refused.
func lockedExperiment(ctx context.Context, tx *sql.Tx, ws, id, version int64, what string) (experiments.Experiment, error) {
	e, err := getExperiment(ctx, tx, ws, id)
	if err != nil {
		return e, err
	}
	if e.Version != version {
		return e, staleVersion(fmt.Sprintf("experiment %d", id), e.Version, version)
	}
	if d, done := e.Concluded(); done && what != "" {
		return e, &fault.ConflictError{Detail: fmt.Sprintf("Experiment %d was concluded by its %s decision of %s; it is kept as decided and takes no %s.",
			id, d.Decision, d.At.Format(time.DateOnly), what)}
	}
	return e, nil
}

// ReplaceExperiment replaces an experiment's definition if it is still at version and not
// concluded: a decided experiment is kept as it was decided. Its decision log stays.
func (s *Store) ReplaceExperiment(ctx context.Context, a audit.Actor, ws, id, version int64, in experiments.Input) (experiments.Experiment, error) {
	var e experiments.Experiment
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := lockedExperiment(ctx, tx, ws, id, version, "changes")
		if err != nil {
			return err
		}
		if err := checkExperimentLinks(ctx, tx, ws, in); err != nil {
			return err
		}
		args, err := experimentArgs(in)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE experiments SET name = $4, hypothesis = $5, initiative_id = $6, key_result_id = $7,
			kind = $8, variant = $9, attribute = $10, event = $11, within_days = $12, scale_min = $13, scale_max = $14, filter = $15,
			dim = $16, variants = $17, start_day = $18, end_day = $19, updated_at = $20, version = version + 1
			WHERE workspace_id = $1 AND id = $2 AND version = $3`, append(append([]any{ws, id, version}, args...), s.stamp())...)
		if err != nil {
			return experimentNameTaken(mapErr(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return versionMiss(tx.QueryRowContext(ctx, `SELECT version FROM experiments WHERE workspace_id = $1 AND id = $2`, ws, id),
				fmt.Sprintf("experiment %d", id), version)
		}
		if e, err = getExperiment(ctx, tx, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Update, "experiment", id, before, e)
	})
	if err != nil {
		return e, fmt.Errorf("replace experiment: %w", err)
	}
	return e, nil
}

// DeleteExperiment deletes an experiment and its decision log if it is still at version. A
// value a ship decision recorded on a key result stays in that key result's history.
func (s *Store) DeleteExperiment(ctx context.Context, a audit.Actor, ws, id, version int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := lockedExperiment(ctx, tx, ws, id, version, "")
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM experiments WHERE workspace_id = $1 AND id = $2`, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "experiment", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete experiment: %w", err)
	}
	return nil
}

// AppendExperimentDecision adds d to the decision log of an experiment at version that no
// decision has concluded, and moves the experiment to its next version. A decision with a
// recorded value sets that value on the experiment's key result and keeps it in the key
// result's history with its n and interval, in the same transaction.
func (s *Store) AppendExperimentDecision(ctx context.Context, a audit.Actor, ws, id, version int64, d experiments.Decision) (experiments.Experiment, error) {
	var e experiments.Experiment
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := lockedExperiment(ctx, tx, ws, id, version, "more decisions")
		if err != nil {
			return err
		}
		now := s.stamp()
		res, err := tx.ExecContext(ctx, `UPDATE experiments SET updated_at = $4, version = version + 1
			WHERE workspace_id = $1 AND id = $2 AND version = $3`, ws, id, version, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return versionMiss(tx.QueryRowContext(ctx, `SELECT version FROM experiments WHERE workspace_id = $1 AND id = $2`, ws, id),
				fmt.Sprintf("experiment %d", id), version)
		}
		var kr, value, n, low, high any
		if r := d.Recorded; r != nil {
			if r.KeyResultID != before.KeyResultID {
				return fmt.Errorf("%w: the decision records on key result %d, the experiment's is %d", fault.ErrConflict, r.KeyResultID, before.KeyResultID)
			}
			if err := s.recordExperimentValue(ctx, tx, a, ws, before, d, now); err != nil {
				return err
			}
			kr, value, n, low, high = r.KeyResultID, r.Value, r.N, r.Interval.Low, r.Interval.High
		}
		d, _, err = scanDecision(tx.QueryRowContext(ctx, `INSERT INTO experiment_decisions (workspace_id, experiment_id, decision,
			variant, note, actor_user_id, at, key_result_id, value, n, interval_low, interval_high)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING `+decisionColumns,
			ws, id, string(d.Decision), d.Variant, d.Note, nullID(a.UserID), now, kr, value, n, low, high))
		if err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, ws, audit.Create, "experiment_decision", d.ID, nil, d); err != nil {
			return err
		}
		e, err = getExperiment(ctx, tx, ws, id)
		return err
	})
	if err != nil {
		return e, fmt.Errorf("decide on experiment: %w", err)
	}
	return e, nil
}

// recordExperimentValue sets the experiment's key result to the shipped variant's value and
// keeps it in the history with its sample size and interval, as a metric's value is kept
// (RecordMetricValue), under the source "experiment". Unlike RecordMetricValue it records on
// any key result, bound to a metric or not, and records even an unchanged value: a decision
// is an event of its own. A key result bound to a metric takes the metric's value again at
// its next refresh; the shipped result stays in its history.
func (s *Store) recordExperimentValue(ctx context.Context, tx *sql.Tx, a audit.Actor, ws int64, e experiments.Experiment, d experiments.Decision, at time.Time) error {
	r := d.Recorded
	before, err := getKeyResult(ctx, tx, ws, r.KeyResultID)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE key_results SET current_value = $3, updated_at = $4, version = version + 1
		WHERE workspace_id = $1 AND id = $2`, ws, r.KeyResultID, r.Value, at); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO key_result_values (workspace_id, key_result_id, value, source, note, actor_user_id, at,
		n, interval_low, interval_high) VALUES ($1, $2, $3, 'experiment', $4, $5, $6, $7, $8, $9)`,
		ws, r.KeyResultID, r.Value, e.ShipNote(d), nullID(a.UserID), at, r.N, r.Interval.Low, r.Interval.High); err != nil {
		return err
	}
	return s.record(ctx, tx, a, ws, audit.Update, "key_result", r.KeyResultID,
		map[string]float64{"current": before.Current}, map[string]float64{"current": r.Value})
}

// DecideExperiment records a decision on an experiment if it is still at version (see
// experiments.Decide): in one transaction, so that a shipped variant's value is recorded on
// the key result as the results give it at that moment.
func (s *Store) DecideExperiment(ctx context.Context, a audit.Actor, ws, id, version int64, in experiments.DecisionInput) (experiments.Experiment, error) {
	var e experiments.Experiment
	err := s.Atomically(ctx, func(tx *Store) error {
		var err error
		e, err = experiments.Decide(ctx, tx, a, ws, id, version, in)
		return err
	})
	return e, err
}

// The store is what deciding on an experiment needs.
var _ experiments.Store = (*Store)(nil)
