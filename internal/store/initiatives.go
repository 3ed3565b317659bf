package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/priority"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
)

// PriorityFramework reads the workspace's scoring framework; the default when none is set.
func (s *Store) PriorityFramework(ctx context.Context, ws int64) (priority.Framework, error) {
	var raw string
	err := s.readRow(ctx, `SELECT priority_framework FROM workspaces WHERE id = $1`, ws).Scan(&raw)
	if err == sql.ErrNoRows {
		return priority.Framework{}, fmt.Errorf("workspace %d: %w", ws, fault.ErrNotFound)
	}
	if err != nil || raw == "" {
		return priority.Default(), err
	}
	var f priority.Framework
	if err := json.Unmarshal([]byte(raw), &f); err != nil {
		return priority.Framework{}, fmt.Errorf("workspace %d: stored framework: %w", ws, err)
	}
	return f, nil
}

// SetPriorityFramework chooses the workspace's scoring framework.
func (s *Store) SetPriorityFramework(ctx context.Context, a audit.Actor, ws int64, f priority.Framework) error {
	raw, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := s.PriorityFramework(ctx, ws)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE workspaces SET priority_framework = $2 WHERE id = $1`, ws, string(raw)); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Update, "priority_framework", ws, before, f)
	})
}

const initiativeColumns = `id, workspace_id, title, description, horizon, status, start_date, due_date, inputs,
	created_at, updated_at, version, COALESCE(doc_key, '')`

func scanInitiative(row interface{ Scan(...any) error }) (roadmap.Initiative, error) {
	var i roadmap.Initiative
	var inputs string
	err := row.Scan(&i.ID, &i.WorkspaceID, &i.Title, &i.Description, &i.Horizon, &i.Status, &i.StartDate, &i.DueDate,
		&inputs, &i.CreatedAt, &i.UpdatedAt, &i.Version, &i.Key)
	if err != nil {
		return i, err
	}
	i.CreatedAt, i.UpdatedAt = utc(i.CreatedAt), utc(i.UpdatedAt)
	i.Inputs = priority.Inputs{}
	if err := json.Unmarshal([]byte(inputs), &i.Inputs); err != nil {
		return i, fmt.Errorf("initiative %d: inputs: %w", i.ID, err)
	}
	i.Flags = []string{}
	return i, nil
}

func encodeInputs(in priority.Inputs) (string, error) {
	if in == nil {
		in = priority.Inputs{}
	}
	b, err := json.Marshal(in)
	return string(b), err
}

func getInitiative(ctx context.Context, q queryer, ws, id int64) (roadmap.Initiative, error) {
	i, err := scanInitiative(q.QueryRowContext(ctx, `SELECT `+initiativeColumns+` FROM initiatives WHERE workspace_id = $1 AND id = $2`, ws, id))
	if err == sql.ErrNoRows {
		return i, fmt.Errorf("initiative %d: %w", id, fault.ErrNotFound)
	}
	return i, err
}

// CreateInitiative adds an initiative to the roadmap.
func (s *Store) CreateInitiative(ctx context.Context, a audit.Actor, ws int64, in roadmap.InitiativeInput) (roadmap.Initiative, error) {
	inputs, err := encodeInputs(in.Inputs)
	if err != nil {
		return roadmap.Initiative{}, err
	}
	var i roadmap.Initiative
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.stamp()
		var err error
		i, err = scanInitiative(tx.QueryRowContext(ctx, `INSERT INTO initiatives (workspace_id, title, description, horizon, status,
			start_date, due_date, inputs, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING `+initiativeColumns,
			ws, in.Title, in.Description, in.Horizon, in.Status, in.StartDate, in.DueDate, inputs, now))
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Create, "initiative", i.ID, nil, i)
	})
	if err != nil {
		return i, fmt.Errorf("create initiative: %w", err)
	}
	return i, nil
}

// Initiative reads one initiative of the workspace.
func (s *Store) Initiative(ctx context.Context, ws, id int64) (roadmap.Initiative, error) {
	return getInitiative(ctx, cachedReader{s}, ws, id)
}

// Initiatives lists the workspace's initiatives by id.
func (s *Store) Initiatives(ctx context.Context, ws int64, p Page) ([]roadmap.Initiative, int64, error) {
	rows, err := s.readRows(ctx, `SELECT `+initiativeColumns+` FROM initiatives WHERE workspace_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
		ws, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list initiatives: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (roadmap.Initiative, error) { return scanInitiative(r) },
		func(i roadmap.Initiative) int64 { return i.ID })
}

// UpdateInitiative changes an initiative if it is still at version. A start date it moves
// must be after the due date of every initiative it waits for (roadmap.Plan.CheckStart), or
// the update is refused naming start_date; its due date may move freely.
func (s *Store) UpdateInitiative(ctx context.Context, a audit.Actor, ws, id, version int64, in roadmap.InitiativeUpdate) (roadmap.Initiative, error) {
	var i roadmap.Initiative
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getInitiative(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return staleVersion(fmt.Sprintf("initiative %d", id), before.Version, version)
		}
		after, err := in.Apply(before)
		if err != nil {
			return err
		}
		inputs, err := encodeInputs(after.Inputs)
		if err != nil {
			return err
		}
		// A start that moves (or a start that comes to count, when the initiative becomes
		// dated) must stay after its prerequisites' due dates. A due date that moves is free:
		// the dependents it overtakes are flagged until a reschedule moves them.
		dated := func(it roadmap.Initiative) bool { return !it.StartDate.IsZero() && !it.DueDate.IsZero() }
		checkStart := dated(after) && (after.StartDate != before.StartDate || !dated(before))
		if checkStart {
			if err := s.lockWorkspace(ctx, tx, ws); err != nil {
				return err
			}
		}
		i, err = scanInitiative(tx.QueryRowContext(ctx, `UPDATE initiatives SET title = $3, description = $4, horizon = $5,
			status = $6, start_date = $7, due_date = $8, inputs = $9, updated_at = $10, version = version + 1
			WHERE workspace_id = $1 AND id = $2 RETURNING `+initiativeColumns,
			ws, id, after.Title, after.Description, after.Horizon, after.Status, after.StartDate, after.DueDate, inputs, s.stamp()))
		if err != nil {
			return err
		}
		if checkStart {
			plan, err := loadPlan(ctx, tx, ws)
			if err != nil {
				return err
			}
			if err := plan.CheckStart(id); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, ws, audit.Update, "initiative", id, before, i)
	})
	if err != nil {
		return i, fmt.Errorf("update initiative: %w", err)
	}
	return i, nil
}

// DeleteInitiative deletes an initiative, its assignments and dependencies, if it is still at
// version.
func (s *Store) DeleteInitiative(ctx context.Context, a audit.Actor, ws, id, version int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getInitiative(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return staleVersion(fmt.Sprintf("initiative %d", id), before.Version, version)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM initiatives WHERE workspace_id = $1 AND id = $2`, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "initiative", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete initiative: %w", err)
	}
	return nil
}

// AccountableCounts counts the accountable assignments of each initiative of the workspace.
func (s *Store) AccountableCounts(ctx context.Context, ws int64) (map[int64]int, error) {
	rows, err := s.readRows(ctx, `SELECT initiative_id, COUNT(*) FROM assignments
		WHERE workspace_id = $1 AND role = 'accountable' GROUP BY initiative_id`, ws)
	if err != nil {
		return nil, fmt.Errorf("accountable counts: %w", err)
	}
	defer rows.Close()
	counts := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		counts[id] = n
	}
	return counts, rows.Err()
}

// Assignments lists an initiative's assignments.
func (s *Store) Assignments(ctx context.Context, ws, initiativeID int64) ([]roadmap.Assignment, error) {
	if _, err := s.Initiative(ctx, ws, initiativeID); err != nil {
		return nil, err
	}
	rows, err := s.readRows(ctx, `SELECT id, initiative_id, user_id, team_id, role, created_at FROM assignments
		WHERE workspace_id = $1 AND initiative_id = $2 ORDER BY id`, ws, initiativeID)
	if err != nil {
		return nil, fmt.Errorf("list assignments: %w", err)
	}
	return scanAssignments(rows)
}

// WorkspaceAssignments lists every assignment of the workspace's initiatives.
func (s *Store) WorkspaceAssignments(ctx context.Context, ws int64) ([]roadmap.Assignment, error) {
	rows, err := s.readRows(ctx, `SELECT id, initiative_id, user_id, team_id, role, created_at FROM assignments
		WHERE workspace_id = $1 ORDER BY id`, ws)
	if err != nil {
		return nil, fmt.Errorf("list assignments: %w", err)
	}
	return scanAssignments(rows)
}

func scanAssignments(rows *sql.Rows) ([]roadmap.Assignment, error) {
	defer rows.Close()
	out := []roadmap.Assignment{}
	for rows.Next() {
		var as roadmap.Assignment
		var user, team sql.NullInt64
		if err := rows.Scan(&as.ID, &as.InitiativeID, &user, &team, &as.Role, &as.CreatedAt); err != nil {
			return nil, err
		}
		as.UserID, as.TeamID, as.CreatedAt = user.Int64, team.Int64, utc(as.CreatedAt)
		out = append(out, as)
	}
	return out, rows.Err()
}

// Assign gives a member or a team of the workspace a role in an initiative.
func (s *Store) Assign(ctx context.Context, a audit.Actor, ws, initiativeID int64, in roadmap.AssignmentInput) (roadmap.Assignment, error) {
	var as roadmap.Assignment
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := getInitiative(ctx, tx, ws, initiativeID); err != nil {
			return err
		}
		if in.UserID != 0 {
			if err := requireMember(ctx, tx, ws, in.UserID, "user_id"); err != nil {
				return err
			}
		} else if err := checkOwner(ctx, tx, ws, 0, in.TeamID); err != nil {
			var inv *fault.InvalidError
			if errors.As(err, &inv) {
				return fault.Invalid("team_id", "team %d is not a team of this workspace", in.TeamID)
			}
			return err
		}
		var user, team sql.NullInt64
		err := tx.QueryRowContext(ctx, `INSERT INTO assignments (workspace_id, initiative_id, user_id, team_id, role, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, initiative_id, user_id, team_id, role, created_at`,
			ws, initiativeID, nullID(in.UserID), nullID(in.TeamID), in.Role, s.stamp()).Scan(
			&as.ID, &as.InitiativeID, &user, &team, &as.Role, &as.CreatedAt)
		if err != nil {
			if errors.Is(mapErr(err), fault.ErrConflict) {
				return fault.Invalid("role", "this assignment exists already")
			}
			return err
		}
		as.UserID, as.TeamID, as.CreatedAt = user.Int64, team.Int64, utc(as.CreatedAt)
		return s.record(ctx, tx, a, ws, audit.Create, "assignment", as.ID, nil, as)
	})
	if err != nil {
		return as, fmt.Errorf("assign: %w", err)
	}
	return as, nil
}

// Unassign removes an assignment of an initiative.
func (s *Store) Unassign(ctx context.Context, a audit.Actor, ws, initiativeID, id int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM assignments WHERE workspace_id = $1 AND initiative_id = $2 AND id = $3`, ws, initiativeID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("assignment %d: %w", id, fault.ErrNotFound)
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "assignment", id, nil, nil)
	})
	if err != nil {
		return fmt.Errorf("unassign: %w", err)
	}
	return nil
}

// Plan reads what the workspace's timeline is computed from.
func (s *Store) Plan(ctx context.Context, ws int64) (roadmap.Plan, error) {
	return loadPlan(ctx, cachedReader{s}, ws)
}

func loadPlan(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, ws int64) (roadmap.Plan, error) {
	var p roadmap.Plan
	rows, err := q.QueryContext(ctx, `SELECT id, title, start_date, due_date FROM initiatives WHERE workspace_id = $1 ORDER BY id`, ws)
	if err != nil {
		return p, fmt.Errorf("plan: %w", err)
	}
	for rows.Next() {
		var it roadmap.PlanItem
		if err := rows.Scan(&it.ID, &it.Title, &it.Start, &it.Due); err != nil {
			rows.Close()
			return p, err
		}
		p.Items = append(p.Items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return p, err
	}
	rows, err = q.QueryContext(ctx, `SELECT prerequisite_id, dependent_id, created_at FROM dependencies
		WHERE workspace_id = $1 ORDER BY prerequisite_id, dependent_id`, ws)
	if err != nil {
		return p, fmt.Errorf("plan: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d roadmap.Dependency
		if err := rows.Scan(&d.PrerequisiteID, &d.DependentID, &d.CreatedAt); err != nil {
			return p, err
		}
		d.CreatedAt = utc(d.CreatedAt)
		p.Deps = append(p.Deps, d)
	}
	return p, rows.Err()
}

// lockWorkspace serialises writers of one workspace's dependency graph, so that two
// dependencies added at once cannot close a cycle that neither saw. SQLite's single writer
// already does.
func (s *Store) lockWorkspace(ctx context.Context, tx *sql.Tx, ws int64) error {
	if s.driver != config.DriverPostgres {
		return nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM workspaces WHERE id = $1 FOR UPDATE`, ws).Scan(&id)
	return err
}

// AddDependency records that the dependent waits for the prerequisite, both initiatives of the
// workspace, after check has approved the workspace's plan with it; check refuses cycles. A
// dependency whose prerequisite is due on or after the dependent's start is refused too,
// naming prerequisite_id (roadmap.Plan.CheckNewDates).
func (s *Store) AddDependency(ctx context.Context, a audit.Actor, ws int64, in roadmap.DependencyInput, check func(roadmap.Plan) error) (roadmap.Dependency, error) {
	var d roadmap.Dependency
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockWorkspace(ctx, tx, ws); err != nil {
			return err
		}
		for _, f := range []struct {
			field string
			id    int64
		}{{"prerequisite_id", in.PrerequisiteID}, {"dependent_id", in.DependentID}} {
			if _, err := getInitiative(ctx, tx, ws, f.id); errors.Is(err, fault.ErrNotFound) {
				return fault.Invalid(f.field, "initiative %d is not an initiative of this workspace", f.id)
			} else if err != nil {
				return err
			}
		}
		plan, err := loadPlan(ctx, tx, ws)
		if err != nil {
			return err
		}
		if err := check(plan); err != nil {
			return err
		}
		if err := plan.CheckNewDates(in); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO dependencies (workspace_id, prerequisite_id, dependent_id, created_at)
			VALUES ($1, $2, $3, $4) RETURNING prerequisite_id, dependent_id, created_at`,
			ws, in.PrerequisiteID, in.DependentID, s.stamp()).Scan(&d.PrerequisiteID, &d.DependentID, &d.CreatedAt)
		if errors.Is(mapErr(err), fault.ErrConflict) {
			return fault.Invalid("dependent_id", "this dependency exists already")
		}
		if err != nil {
			return err
		}
		d.CreatedAt = utc(d.CreatedAt)
		return s.record(ctx, tx, a, ws, audit.Create, "dependency", fmt.Sprintf("%d-%d", d.PrerequisiteID, d.DependentID), nil, d)
	})
	if err != nil {
		return d, fmt.Errorf("add dependency: %w", err)
	}
	return d, nil
}

// RemoveDependency deletes a dependency of the workspace.
func (s *Store) RemoveDependency(ctx context.Context, a audit.Actor, ws, prerequisite, dependent int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM dependencies WHERE workspace_id = $1 AND prerequisite_id = $2 AND dependent_id = $3`,
			ws, prerequisite, dependent)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("dependency %d → %d: %w", prerequisite, dependent, fault.ErrNotFound)
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "dependency", fmt.Sprintf("%d-%d", prerequisite, dependent), nil, nil)
	})
	if err != nil {
		return fmt.Errorf("remove dependency: %w", err)
	}
	return nil
}

// Reschedule moves initiative id and the dependents it pushes, as compute previews it on the
// workspace's plan read under the workspace lock. When the caller passes the preview it saw
// (expect) and the plan has changed so that the shifts differ, nothing moves.
func (s *Store) Reschedule(ctx context.Context, a audit.Actor, ws, id int64, expect []roadmap.Shift,
	compute func(roadmap.Plan) ([]roadmap.Shift, error)) ([]roadmap.Shift, error) {
	var shifts []roadmap.Shift
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockWorkspace(ctx, tx, ws); err != nil {
			return err
		}
		if _, err := getInitiative(ctx, tx, ws, id); err != nil {
			return err
		}
		plan, err := loadPlan(ctx, tx, ws)
		if err != nil {
			return err
		}
		if shifts, err = compute(plan); err != nil {
			return err
		}
		if expect != nil && !slices.Equal(expect, shifts) {
			return &fault.ConflictError{Detail: "The plan changed since the preview: preview the reschedule again."}
		}
		now := s.stamp()
		for _, sh := range shifts {
			if _, err := tx.ExecContext(ctx, `UPDATE initiatives SET start_date = $3, due_date = $4, updated_at = $5, version = version + 1
				WHERE workspace_id = $1 AND id = $2`, ws, sh.InitiativeID, sh.NewStart, sh.NewDue, now); err != nil {
				return err
			}
			if err := s.record(ctx, tx, a, ws, audit.Update, "initiative", sh.InitiativeID,
				map[string]civil.Date{"start_date": sh.OldStart, "due_date": sh.OldDue},
				map[string]civil.Date{"start_date": sh.NewStart, "due_date": sh.NewDue}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reschedule: %w", err)
	}
	return shifts, nil
}

// docKeyTables are the tables whose rows a roadmap document names by key.
var docKeyTables = map[string]bool{"goals": true, "key_results": true, "initiatives": true,
	"journeys": true, "touchpoints": true, "pain_points": true}

// SetDocKey gives an object of the workspace the key a roadmap document names it by.
func (s *Store) SetDocKey(ctx context.Context, ws int64, table string, id int64, key string) error {
	if !docKeyTables[table] {
		return fmt.Errorf("set document key: no table %q", table)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE `+table+` SET doc_key = $3 WHERE workspace_id = $1 AND id = $2`, ws, id, key)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("%s %d: %w", table, id, fault.ErrNotFound)
		}
		return nil
	})
}
