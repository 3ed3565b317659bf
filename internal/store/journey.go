package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/journey"
)

// Journeys are written under a lock on the journey's row (lockJourney) whenever their
// structure changes: stages added, removed or reordered, touchpoints placed in a stage. Stage
// positions are unique per journey and contiguous from 1; touchpoints must sit in a stage of
// their own journey (a composite foreign key backs the check); a stage that still has
// touchpoints cannot be deleted. Deleting a journey deletes its stages, touchpoints and pain
// points; deleting a touchpoint detaches its pain points from it.

// journeyReader is what the journey reads need: a transaction, or the read pool's cache.
type journeyReader interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// inReadTx runs fn in a read-only transaction, so that the several queries that read one
// journey map see one state of the database; in a Store bound by Atomically, in that
// transaction, so that they see its writes.
func (s *Store) inReadTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if s.tx != nil {
		return fn(s.tx)
	}
	opts := &sql.TxOptions{ReadOnly: true}
	if s.driver == config.DriverPostgres {
		// READ COMMITTED takes a new snapshot per statement; SQLite's read transaction keeps one.
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.read.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

const journeyColumns = `id, workspace_id, name, persona, owner_user_id, owner_team_id, review_cadence_days,
	last_reviewed_at, last_reviewed_by, created_at, updated_at, version`

func scanJourney(row interface{ Scan(...any) error }) (journey.Journey, error) {
	var j journey.Journey
	var ownerUser, ownerTeam, reviewer sql.NullInt64
	var reviewed sql.NullTime
	err := row.Scan(&j.ID, &j.WorkspaceID, &j.Name, &j.Persona, &ownerUser, &ownerTeam, &j.ReviewCadenceDays,
		&reviewed, &reviewer, &j.CreatedAt, &j.UpdatedAt, &j.Version)
	j.OwnerUserID, j.OwnerTeamID, j.LastReviewedBy = ownerUser.Int64, ownerTeam.Int64, reviewer.Int64
	if reviewed.Valid {
		j.LastReviewedAt = utc(reviewed.Time)
	}
	j.CreatedAt, j.UpdatedAt = utc(j.CreatedAt), utc(j.UpdatedAt)
	return j, err
}

func getJourney(ctx context.Context, q queryer, ws, id int64) (journey.Journey, error) {
	j, err := scanJourney(q.QueryRowContext(ctx, `SELECT `+journeyColumns+` FROM journeys WHERE workspace_id = $1 AND id = $2`, ws, id))
	if err == sql.ErrNoRows {
		return j, fmt.Errorf("journey %d: %w", id, fault.ErrNotFound)
	}
	return j, err
}

// lockJourney reads a journey of the workspace and, on PostgreSQL, locks its row until the
// transaction ends, so that changes to its stages and touchpoints run one at a time. SQLite's
// single writer already serialises them.
func (s *Store) lockJourney(ctx context.Context, tx *sql.Tx, ws, id int64) (journey.Journey, error) {
	q := `SELECT ` + journeyColumns + ` FROM journeys WHERE workspace_id = $1 AND id = $2`
	if s.driver == config.DriverPostgres {
		q += ` FOR NO KEY UPDATE`
	}
	j, err := scanJourney(tx.QueryRowContext(ctx, q, ws, id))
	if err == sql.ErrNoRows {
		return j, fmt.Errorf("journey %d: %w", id, fault.ErrNotFound)
	}
	return j, err
}

// checkJourneyOwner checks that a journey's owner, given by id in the input, belongs to the
// workspace.
func checkJourneyOwner(ctx context.Context, tx *sql.Tx, ws, user, team int64) error {
	if user != 0 {
		if err := requireMember(ctx, tx, ws, user, "owner_user_id"); err != nil {
			return err
		}
	}
	if team != 0 {
		return requireTeam(ctx, tx, ws, team, "owner_team_id")
	}
	return nil
}

// requireTeam checks that the team id given in field is a team of the workspace.
func requireTeam(ctx context.Context, tx *sql.Tx, ws, team int64, field string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM teams WHERE workspace_id = $1 AND id = $2`, ws, team).Scan(&one)
	if err == sql.ErrNoRows {
		return fault.Invalid(field, "team %d is not a team of this workspace", team)
	}
	return err
}

// loadJourneyMap reads a journey with its stages in order, their touchpoints and its pain
// points.
func loadJourneyMap(ctx context.Context, q journeyReader, ws, id int64) (journey.Map, error) {
	m := journey.Map{Stages: []journey.Stage{}, PainPoints: []journey.PainPoint{}}
	var err error
	if m.Journey, err = getJourney(ctx, q, ws, id); err != nil {
		return m, err
	}
	if m.Stages, err = queryAll(ctx, q, scanStage, `SELECT `+stageColumns+` FROM journey_stages
		WHERE workspace_id = $1 AND journey_id = $2 ORDER BY position`, ws, id); err != nil {
		return m, err
	}
	tps, err := queryAll(ctx, q, scanTouchpoint, `SELECT `+touchpointColumns+` FROM touchpoints
		WHERE workspace_id = $1 AND journey_id = $2 ORDER BY id`, ws, id)
	if err != nil {
		return m, err
	}
	at := map[int64]int{}
	for i, st := range m.Stages {
		at[st.ID] = i
	}
	for _, tp := range tps {
		if i, ok := at[tp.StageID]; ok {
			m.Stages[i].Touchpoints = append(m.Stages[i].Touchpoints, tp)
		}
	}
	m.PainPoints, err = queryAll(ctx, q, scanPainPoint, `SELECT `+painPointColumns+` FROM pain_points
		WHERE workspace_id = $1 AND journey_id = $2 ORDER BY id`, ws, id)
	return m, err
}

// queryAll runs a query and scans every row; an empty result is an empty, non-nil slice.
func queryAll[T any](ctx context.Context, q journeyReader, scan func(interface{ Scan(...any) error }) (T, error),
	query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		it, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// CreateJourney adds a journey with its stages (the input's, or the default ones once
// validated) and returns its map.
func (s *Store) CreateJourney(ctx context.Context, a audit.Actor, ws int64, in journey.JourneyInput) (journey.Map, error) {
	var m journey.Map
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkJourneyOwner(ctx, tx, ws, in.OwnerUserID, in.OwnerTeamID); err != nil {
			return err
		}
		now := s.stamp()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO journeys (workspace_id, name, persona, owner_user_id, owner_team_id,
			review_cadence_days, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			ws, in.Name, in.Persona, nullID(in.OwnerUserID), nullID(in.OwnerTeamID), *in.ReviewCadenceDays, now).Scan(&id)
		if err != nil {
			return err
		}
		for i, name := range in.Stages {
			if _, err := tx.ExecContext(ctx, `INSERT INTO journey_stages (workspace_id, journey_id, name, position, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $5)`, ws, id, name, i+1, now); err != nil {
				return err
			}
		}
		if m, err = loadJourneyMap(ctx, tx, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Create, "journey", id, nil, m)
	})
	if err != nil {
		return m, fmt.Errorf("create journey: %w", err)
	}
	return m, nil
}

// Journey reads one journey of the workspace, without its stages and pain points.
func (s *Store) Journey(ctx context.Context, ws, id int64) (journey.Journey, error) {
	return getJourney(ctx, cachedReader{s}, ws, id)
}

// JourneyMap reads one journey of the workspace with its stages in order, their touchpoints
// and its pain points, all as of one moment.
func (s *Store) JourneyMap(ctx context.Context, ws, id int64) (journey.Map, error) {
	var m journey.Map
	err := s.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		m, err = loadJourneyMap(ctx, tx, ws, id)
		return err
	})
	if err != nil {
		return m, fmt.Errorf("journey map: %w", err)
	}
	return m, nil
}

// Journeys lists the workspace's journeys by id.
func (s *Store) Journeys(ctx context.Context, ws int64, p Page) ([]journey.Journey, int64, error) {
	rows, err := s.readRows(ctx, `SELECT `+journeyColumns+` FROM journeys WHERE workspace_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
		ws, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list journeys: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (journey.Journey, error) { return scanJourney(r) },
		func(j journey.Journey) int64 { return j.ID })
}

// UpdateJourney changes a journey if it is still at version, and returns its map.
func (s *Store) UpdateJourney(ctx context.Context, a audit.Actor, ws, id, version int64, in journey.JourneyUpdate) (journey.Map, error) {
	var m journey.Map
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getJourney(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		what := fmt.Sprintf("journey %d", id)
		if before.Version != version {
			return staleVersion(what, before.Version, version)
		}
		after, err := in.Apply(before)
		if err != nil {
			return err
		}
		// Check only an owner that changes: one who has since left the workspace does not
		// block other changes.
		user, team := after.OwnerUserID, after.OwnerTeamID
		if user == before.OwnerUserID {
			user = 0
		}
		if team == before.OwnerTeamID {
			team = 0
		}
		if err := checkJourneyOwner(ctx, tx, ws, user, team); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE journeys SET name = $4, persona = $5, owner_user_id = $6, owner_team_id = $7,
			review_cadence_days = $8, updated_at = $9, version = version + 1 WHERE workspace_id = $1 AND id = $2 AND version = $3`,
			ws, id, version, after.Name, after.Persona, nullID(after.OwnerUserID), nullID(after.OwnerTeamID),
			after.ReviewCadenceDays, s.stamp())
		if err := changedOne(res, err, what); err != nil {
			return err
		}
		if m, err = loadJourneyMap(ctx, tx, ws, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Update, "journey", id, before, m.Journey)
	})
	if err != nil {
		return m, fmt.Errorf("update journey: %w", err)
	}
	return m, nil
}

// changedOne turns a conditional write that matched no row into fault.ErrStale: the row was
// read at the right version in the same transaction, so another writer got there first.
func changedOne(res sql.Result, err error, what string) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return fmt.Errorf("%s changed meanwhile: %w", what, fault.ErrStale)
	}
	return nil
}

// DeleteJourney deletes a journey with its stages, touchpoints and pain points if it is still
// at version. The audit entry keeps the whole map.
func (s *Store) DeleteJourney(ctx context.Context, a audit.Actor, ws, id, version int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockJourney(ctx, tx, ws, id); err != nil {
			return err
		}
		before, err := loadJourneyMap(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		what := fmt.Sprintf("journey %d", id)
		if before.Version != version {
			return staleVersion(what, before.Version, version)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM journeys WHERE workspace_id = $1 AND id = $2 AND version = $3`, ws, id, version)
		if err := changedOne(res, err, what); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "journey", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete journey: %w", err)
	}
	return nil
}

// ReviewJourney marks a journey reviewed now by the actor, and returns its map.
func (s *Store) ReviewJourney(ctx context.Context, a audit.Actor, ws, id int64) (journey.Map, error) {
	var m journey.Map
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getJourney(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		now := s.stamp()
		res, err := tx.ExecContext(ctx, `UPDATE journeys SET last_reviewed_at = $3, last_reviewed_by = $4, updated_at = $3,
			version = version + 1 WHERE workspace_id = $1 AND id = $2`, ws, id, now, nullID(a.UserID))
		if err := changedOne(res, err, fmt.Sprintf("journey %d", id)); err != nil {
			return err
		}
		if m, err = loadJourneyMap(ctx, tx, ws, id); err != nil {
			return err
		}
		type review struct {
			LastReviewedAt time.Time `json:"last_reviewed_at,omitzero"`
			LastReviewedBy int64     `json:"last_reviewed_by,omitempty"`
		}
		return s.record(ctx, tx, a, ws, audit.Update, "journey", id,
			review{before.LastReviewedAt, before.LastReviewedBy}, review{m.LastReviewedAt, m.LastReviewedBy})
	})
	if err != nil {
		return m, fmt.Errorf("review journey: %w", err)
	}
	return m, nil
}

const stageColumns = `id, journey_id, name, position, created_at, updated_at, version`

func scanStage(row interface{ Scan(...any) error }) (journey.Stage, error) {
	st := journey.Stage{Touchpoints: []journey.Touchpoint{}}
	err := row.Scan(&st.ID, &st.JourneyID, &st.Name, &st.Position, &st.CreatedAt, &st.UpdatedAt, &st.Version)
	st.CreatedAt, st.UpdatedAt = utc(st.CreatedAt), utc(st.UpdatedAt)
	return st, err
}

// getStage reads a stage of the journey with its touchpoints.
func getStage(ctx context.Context, q journeyReader, ws, journeyID, id int64) (journey.Stage, error) {
	st, err := scanStage(q.QueryRowContext(ctx, `SELECT `+stageColumns+` FROM journey_stages
		WHERE workspace_id = $1 AND journey_id = $2 AND id = $3`, ws, journeyID, id))
	if err == sql.ErrNoRows {
		return st, fmt.Errorf("stage %d of journey %d: %w", id, journeyID, fault.ErrNotFound)
	}
	if err != nil {
		return st, err
	}
	st.Touchpoints, err = queryAll(ctx, q, scanTouchpoint, `SELECT `+touchpointColumns+` FROM touchpoints
		WHERE workspace_id = $1 AND journey_id = $2 AND stage_id = $3 ORDER BY id`, ws, journeyID, id)
	return st, err
}

// stagePositions reads the journey's stage ids in order and their current positions.
func stagePositions(ctx context.Context, tx *sql.Tx, ws, journeyID int64) ([]int64, map[int64]int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, position FROM journey_stages WHERE workspace_id = $1 AND journey_id = $2
		ORDER BY position`, ws, journeyID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []int64
	pos := map[int64]int{}
	for rows.Next() {
		var id int64
		var p int
		if err := rows.Scan(&id, &p); err != nil {
			return nil, nil, err
		}
		ids = append(ids, id)
		pos[id] = p
	}
	return ids, pos, rows.Err()
}

// placeStages gives the journey's stages the positions 1…n in the order of ids. It goes in two
// steps so that the unique index on (journey, position) holds after every statement: the
// stages that move first step aside to their negated positions, then each takes its place. A
// stage that moves gets a new version.
func placeStages(ctx context.Context, tx *sql.Tx, ws, journeyID int64, old map[int64]int, ids []int64, now time.Time) error {
	var moved []int
	for i, id := range ids {
		if old[id] != i+1 {
			moved = append(moved, i)
		}
	}
	for _, i := range moved {
		if _, err := tx.ExecContext(ctx, `UPDATE journey_stages SET position = -position
			WHERE workspace_id = $1 AND journey_id = $2 AND id = $3`, ws, journeyID, ids[i]); err != nil {
			return err
		}
	}
	for _, i := range moved {
		if _, err := tx.ExecContext(ctx, `UPDATE journey_stages SET position = $4, updated_at = $5, version = version + 1
			WHERE workspace_id = $1 AND journey_id = $2 AND id = $3`, ws, journeyID, ids[i], i+1, now); err != nil {
			return err
		}
	}
	return nil
}

// stageNameTaken refuses a stage name that another stage of the journey has.
func stageNameTaken(ctx context.Context, tx *sql.Tx, ws, journeyID, self int64, name string) error {
	var other int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM journey_stages WHERE workspace_id = $1 AND journey_id = $2 AND name = $3 AND id <> $4`,
		ws, journeyID, name, self).Scan(&other)
	switch {
	case err == sql.ErrNoRows:
		return nil
	case err != nil:
		return err
	}
	return fault.Invalid("name", "stage %d of this journey is already named %q", other, name)
}

// CreateStage adds a stage at the end of a journey.
func (s *Store) CreateStage(ctx context.Context, a audit.Actor, ws, journeyID int64, in journey.StageInput) (journey.Stage, error) {
	var st journey.Stage
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockJourney(ctx, tx, ws, journeyID); err != nil {
			return err
		}
		ids, _, err := stagePositions(ctx, tx, ws, journeyID)
		if err != nil {
			return err
		}
		if len(ids) >= journey.MaxStages {
			return &fault.ConflictError{Detail: fmt.Sprintf("The journey has %d stages, the most a journey may have.", len(ids))}
		}
		if err := stageNameTaken(ctx, tx, ws, journeyID, 0, in.Name); err != nil {
			return err
		}
		now := s.stamp()
		if st, err = scanStage(tx.QueryRowContext(ctx, `INSERT INTO journey_stages (workspace_id, journey_id, name, position,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING `+stageColumns,
			ws, journeyID, in.Name, len(ids)+1, now)); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Create, "journey_stage", st.ID, nil, st)
	})
	if err != nil {
		return st, fmt.Errorf("create stage: %w", err)
	}
	return st, nil
}

// UpdateStage renames a stage of the journey if it is still at version.
func (s *Store) UpdateStage(ctx context.Context, a audit.Actor, ws, journeyID, id, version int64, in journey.StageUpdate) (journey.Stage, error) {
	var st journey.Stage
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getStage(ctx, tx, ws, journeyID, id)
		if err != nil {
			return err
		}
		what := fmt.Sprintf("stage %d", id)
		if before.Version != version {
			return staleVersion(what, before.Version, version)
		}
		after, err := in.Apply(before)
		if err != nil {
			return err
		}
		if err := stageNameTaken(ctx, tx, ws, journeyID, id, after.Name); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE journey_stages SET name = $5, updated_at = $6, version = version + 1
			WHERE workspace_id = $1 AND journey_id = $2 AND id = $3 AND version = $4`, ws, journeyID, id, version, after.Name, s.stamp())
		if err := changedOne(res, err, what); err != nil {
			return err
		}
		if st, err = getStage(ctx, tx, ws, journeyID, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Update, "journey_stage", id, before, st)
	})
	if err != nil {
		return st, fmt.Errorf("update stage: %w", err)
	}
	return st, nil
}

// DeleteStage deletes a stage of the journey if it is still at version and has no
// touchpoints; the stages after it move up. A stage with touchpoints is refused rather than
// emptied, because its touchpoints carry milestones that funnels count and pain points that
// point at them: they must be moved or deleted on purpose first.
func (s *Store) DeleteStage(ctx context.Context, a audit.Actor, ws, journeyID, id, version int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockJourney(ctx, tx, ws, journeyID); err != nil {
			return err
		}
		before, err := getStage(ctx, tx, ws, journeyID, id)
		if err != nil {
			return err
		}
		what := fmt.Sprintf("stage %d", id)
		if before.Version != version {
			return staleVersion(what, before.Version, version)
		}
		if n := len(before.Touchpoints); n > 0 {
			return &fault.ConflictError{Detail: fmt.Sprintf(
				"Stage %q has %d touchpoint(s): move them to another stage or delete them before deleting the stage.", before.Name, n)}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM journey_stages WHERE workspace_id = $1 AND journey_id = $2 AND id = $3 AND version = $4`,
			ws, journeyID, id, version)
		if err := changedOne(res, err, what); err != nil {
			return err
		}
		ids, pos, err := stagePositions(ctx, tx, ws, journeyID)
		if err != nil {
			return err
		}
		if err := placeStages(ctx, tx, ws, journeyID, pos, ids, s.stamp()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "journey_stage", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete stage: %w", err)
	}
	return nil
}

// ReorderStages puts the journey's stages in the order of ids, which must hold each of its
// stages exactly once, and returns the journey's map.
func (s *Store) ReorderStages(ctx context.Context, a audit.Actor, ws, journeyID int64, ids []int64) (journey.Map, error) {
	var m journey.Map
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockJourney(ctx, tx, ws, journeyID); err != nil {
			return err
		}
		current, pos, err := stagePositions(ctx, tx, ws, journeyID)
		if err != nil {
			return err
		}
		if err := journey.CheckOrder(current, ids); err != nil {
			return err
		}
		if err := placeStages(ctx, tx, ws, journeyID, pos, ids, s.stamp()); err != nil {
			return err
		}
		if m, err = loadJourneyMap(ctx, tx, ws, journeyID); err != nil {
			return err
		}
		type order struct {
			StageIDs []int64 `json:"stage_ids"`
		}
		return s.record(ctx, tx, a, ws, audit.Update, "journey_stage_order", journeyID, order{current}, order{ids})
	})
	if err != nil {
		return m, fmt.Errorf("reorder stages: %w", err)
	}
	return m, nil
}

const touchpointColumns = `id, journey_id, stage_id, name, channel, team_id, event_name, created_at, updated_at, version`

func scanTouchpoint(row interface{ Scan(...any) error }) (journey.Touchpoint, error) {
	var t journey.Touchpoint
	var team sql.NullInt64
	err := row.Scan(&t.ID, &t.JourneyID, &t.StageID, &t.Name, &t.Channel, &team, &t.EventName, &t.CreatedAt, &t.UpdatedAt, &t.Version)
	t.TeamID, t.Milestone = team.Int64, t.EventName != ""
	t.CreatedAt, t.UpdatedAt = utc(t.CreatedAt), utc(t.UpdatedAt)
	return t, err
}

func getTouchpoint(ctx context.Context, q queryer, ws, journeyID, id int64) (journey.Touchpoint, error) {
	t, err := scanTouchpoint(q.QueryRowContext(ctx, `SELECT `+touchpointColumns+` FROM touchpoints
		WHERE workspace_id = $1 AND journey_id = $2 AND id = $3`, ws, journeyID, id))
	if err == sql.ErrNoRows {
		return t, fmt.Errorf("touchpoint %d of journey %d: %w", id, journeyID, fault.ErrNotFound)
	}
	return t, err
}

// checkTouchpointRefs checks what a touchpoint names by id: its stage must be a stage of the
// touchpoint's own journey, its team (when it changes from oldTeam) a team of the workspace,
// and its event must not be another touchpoint's milestone on the same journey.
func checkTouchpointRefs(ctx context.Context, tx *sql.Tx, ws, journeyID, self, oldTeam int64, t journey.Touchpoint) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM journey_stages WHERE workspace_id = $1 AND journey_id = $2 AND id = $3`,
		ws, journeyID, t.StageID).Scan(&one)
	if err == sql.ErrNoRows {
		return fault.Invalid("stage_id", "stage %d is not a stage of journey %d", t.StageID, journeyID)
	}
	if err != nil {
		return err
	}
	if t.TeamID != 0 && t.TeamID != oldTeam {
		if err := requireTeam(ctx, tx, ws, t.TeamID, "team_id"); err != nil {
			return err
		}
	}
	if t.EventName == "" {
		return nil
	}
	var other int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM touchpoints WHERE workspace_id = $1 AND journey_id = $2 AND event_name = $3 AND id <> $4`,
		ws, journeyID, t.EventName, self).Scan(&other)
	switch {
	case err == sql.ErrNoRows:
		return nil
	case err != nil:
		return err
	}
	return fault.Invalid("event_name", "touchpoint %d is already the milestone of event %s on this journey", other, t.EventName)
}

// CreateTouchpoint adds a touchpoint to a stage of the journey.
func (s *Store) CreateTouchpoint(ctx context.Context, a audit.Actor, ws, journeyID int64, in journey.TouchpointInput) (journey.Touchpoint, error) {
	var t journey.Touchpoint
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockJourney(ctx, tx, ws, journeyID); err != nil {
			return err
		}
		want := journey.Touchpoint{StageID: in.StageID, TeamID: in.TeamID, EventName: in.EventName}
		if err := checkTouchpointRefs(ctx, tx, ws, journeyID, 0, 0, want); err != nil {
			return err
		}
		var err error
		if t, err = scanTouchpoint(tx.QueryRowContext(ctx, `INSERT INTO touchpoints (workspace_id, journey_id, stage_id, name,
			channel, team_id, event_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING `+touchpointColumns,
			ws, journeyID, in.StageID, in.Name, in.Channel, nullID(in.TeamID), in.EventName, s.stamp())); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Create, "touchpoint", t.ID, nil, t)
	})
	if err != nil {
		return t, fmt.Errorf("create touchpoint: %w", err)
	}
	return t, nil
}

// Touchpoint reads one touchpoint of the journey.
func (s *Store) Touchpoint(ctx context.Context, ws, journeyID, id int64) (journey.Touchpoint, error) {
	return getTouchpoint(ctx, cachedReader{s}, ws, journeyID, id)
}

// UpdateTouchpoint changes or moves a touchpoint of the journey if it is still at version. It
// may move only to a stage of the same journey.
func (s *Store) UpdateTouchpoint(ctx context.Context, a audit.Actor, ws, journeyID, id, version int64, in journey.TouchpointUpdate) (journey.Touchpoint, error) {
	var t journey.Touchpoint
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockJourney(ctx, tx, ws, journeyID); err != nil {
			return err
		}
		before, err := getTouchpoint(ctx, tx, ws, journeyID, id)
		if err != nil {
			return err
		}
		what := fmt.Sprintf("touchpoint %d", id)
		if before.Version != version {
			return staleVersion(what, before.Version, version)
		}
		after, err := in.Apply(before)
		if err != nil {
			return err
		}
		if err := checkTouchpointRefs(ctx, tx, ws, journeyID, id, before.TeamID, after); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE touchpoints SET stage_id = $5, name = $6, channel = $7, team_id = $8, event_name = $9,
			updated_at = $10, version = version + 1 WHERE workspace_id = $1 AND journey_id = $2 AND id = $3 AND version = $4`,
			ws, journeyID, id, version, after.StageID, after.Name, after.Channel, nullID(after.TeamID), after.EventName, s.stamp())
		if err := changedOne(res, err, what); err != nil {
			return err
		}
		if t, err = getTouchpoint(ctx, tx, ws, journeyID, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Update, "touchpoint", id, before, t)
	})
	if err != nil {
		return t, fmt.Errorf("update touchpoint: %w", err)
	}
	return t, nil
}

// DeleteTouchpoint deletes a touchpoint of the journey if it is still at version. Its pain
// points stay on the journey, detached from it.
func (s *Store) DeleteTouchpoint(ctx context.Context, a audit.Actor, ws, journeyID, id, version int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getTouchpoint(ctx, tx, ws, journeyID, id)
		if err != nil {
			return err
		}
		what := fmt.Sprintf("touchpoint %d", id)
		if before.Version != version {
			return staleVersion(what, before.Version, version)
		}
		// Detach explicitly rather than leave it to ON DELETE SET NULL, so that the pain
		// points' versions say they changed.
		if _, err := tx.ExecContext(ctx, `UPDATE pain_points SET touchpoint_id = NULL, updated_at = $4, version = version + 1
			WHERE workspace_id = $1 AND journey_id = $2 AND touchpoint_id = $3`, ws, journeyID, id, s.stamp()); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM touchpoints WHERE workspace_id = $1 AND journey_id = $2 AND id = $3 AND version = $4`,
			ws, journeyID, id, version)
		if err := changedOne(res, err, what); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "touchpoint", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete touchpoint: %w", err)
	}
	return nil
}

const painPointColumns = `id, journey_id, touchpoint_id, title, description, severity, status, evidence, created_at, updated_at, version`

func scanPainPoint(row interface{ Scan(...any) error }) (journey.PainPoint, error) {
	var p journey.PainPoint
	var tp sql.NullInt64
	var evidence string
	err := row.Scan(&p.ID, &p.JourneyID, &tp, &p.Title, &p.Description, &p.Severity, &p.Status, &evidence,
		&p.CreatedAt, &p.UpdatedAt, &p.Version)
	if err != nil {
		return p, err
	}
	p.TouchpointID = tp.Int64
	p.CreatedAt, p.UpdatedAt = utc(p.CreatedAt), utc(p.UpdatedAt)
	p.Evidence = []journey.Evidence{}
	if err := json.Unmarshal([]byte(evidence), &p.Evidence); err != nil {
		return p, fmt.Errorf("pain point %d: evidence: %w", p.ID, err)
	}
	return p, nil
}

func encodeEvidence(links []journey.Evidence) (string, error) {
	if links == nil {
		links = []journey.Evidence{}
	}
	b, err := json.Marshal(links)
	return string(b), err
}

func getPainPoint(ctx context.Context, q queryer, ws, journeyID, id int64) (journey.PainPoint, error) {
	p, err := scanPainPoint(q.QueryRowContext(ctx, `SELECT `+painPointColumns+` FROM pain_points
		WHERE workspace_id = $1 AND journey_id = $2 AND id = $3`, ws, journeyID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("pain point %d of journey %d: %w", id, journeyID, fault.ErrNotFound)
	}
	return p, err
}

// checkPainTouchpoint checks that a pain point's touchpoint, if any, is on its journey.
func checkPainTouchpoint(ctx context.Context, tx *sql.Tx, ws, journeyID, touchpoint int64) error {
	if touchpoint == 0 {
		return nil
	}
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM touchpoints WHERE workspace_id = $1 AND journey_id = $2 AND id = $3`,
		ws, journeyID, touchpoint).Scan(&one)
	if err == sql.ErrNoRows {
		return fault.Invalid("touchpoint_id", "touchpoint %d is not a touchpoint of journey %d", touchpoint, journeyID)
	}
	return err
}

// CreatePainPoint records a pain point on the journey.
func (s *Store) CreatePainPoint(ctx context.Context, a audit.Actor, ws, journeyID int64, in journey.PainPointInput) (journey.PainPoint, error) {
	evidence, err := encodeEvidence(in.Evidence)
	if err != nil {
		return journey.PainPoint{}, err
	}
	var p journey.PainPoint
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := getJourney(ctx, tx, ws, journeyID); err != nil {
			return err
		}
		if err := checkPainTouchpoint(ctx, tx, ws, journeyID, in.TouchpointID); err != nil {
			return err
		}
		var err error
		if p, err = scanPainPoint(tx.QueryRowContext(ctx, `INSERT INTO pain_points (workspace_id, journey_id, touchpoint_id, title,
			description, severity, status, evidence, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
			RETURNING `+painPointColumns, ws, journeyID, nullID(in.TouchpointID), in.Title, in.Description, in.Severity, in.Status,
			evidence, s.stamp())); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Create, "pain_point", p.ID, nil, p)
	})
	if err != nil {
		return p, fmt.Errorf("create pain point: %w", err)
	}
	return p, nil
}

// PainPoint reads one pain point of the journey.
func (s *Store) PainPoint(ctx context.Context, ws, journeyID, id int64) (journey.PainPoint, error) {
	return getPainPoint(ctx, cachedReader{s}, ws, journeyID, id)
}

// PainPoints lists the journey's pain points by id, as the filter selects.
func (s *Store) PainPoints(ctx context.Context, ws, journeyID int64, f journey.PainPointFilter, p Page) ([]journey.PainPoint, int64, error) {
	if _, err := s.Journey(ctx, ws, journeyID); err != nil {
		return nil, 0, err
	}
	rows, err := s.readRows(ctx, `SELECT `+painPointColumns+` FROM pain_points WHERE workspace_id = $1 AND journey_id = $2
		AND ($3 = '' OR status = $3) AND ($4 = 0 OR severity = $4) AND severity >= $5 AND id > $6 ORDER BY id LIMIT $7`,
		ws, journeyID, string(f.Status), f.Severity, f.MinSeverity, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list pain points: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (journey.PainPoint, error) { return scanPainPoint(r) },
		func(pp journey.PainPoint) int64 { return pp.ID })
}

// UpdatePainPoint changes a pain point of the journey if it is still at version.
func (s *Store) UpdatePainPoint(ctx context.Context, a audit.Actor, ws, journeyID, id, version int64, in journey.PainPointUpdate) (journey.PainPoint, error) {
	var p journey.PainPoint
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getPainPoint(ctx, tx, ws, journeyID, id)
		if err != nil {
			return err
		}
		what := fmt.Sprintf("pain point %d", id)
		if before.Version != version {
			return staleVersion(what, before.Version, version)
		}
		after, err := in.Apply(before)
		if err != nil {
			return err
		}
		if after.TouchpointID != before.TouchpointID {
			if err := checkPainTouchpoint(ctx, tx, ws, journeyID, after.TouchpointID); err != nil {
				return err
			}
		}
		evidence, err := encodeEvidence(after.Evidence)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE pain_points SET touchpoint_id = $5, title = $6, description = $7, severity = $8,
			status = $9, evidence = $10, updated_at = $11, version = version + 1
			WHERE workspace_id = $1 AND journey_id = $2 AND id = $3 AND version = $4`,
			ws, journeyID, id, version, nullID(after.TouchpointID), after.Title, after.Description, after.Severity, after.Status,
			evidence, s.stamp())
		if err := changedOne(res, err, what); err != nil {
			return err
		}
		if p, err = getPainPoint(ctx, tx, ws, journeyID, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Update, "pain_point", id, before, p)
	})
	if err != nil {
		return p, fmt.Errorf("update pain point: %w", err)
	}
	return p, nil
}

// DeletePainPoint deletes a pain point of the journey if it is still at version.
func (s *Store) DeletePainPoint(ctx context.Context, a audit.Actor, ws, journeyID, id, version int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getPainPoint(ctx, tx, ws, journeyID, id)
		if err != nil {
			return err
		}
		what := fmt.Sprintf("pain point %d", id)
		if before.Version != version {
			return staleVersion(what, before.Version, version)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM pain_points WHERE workspace_id = $1 AND journey_id = $2 AND id = $3 AND version = $4`,
			ws, journeyID, id, version)
		if err := changedOne(res, err, what); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Delete, "pain_point", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete pain point: %w", err)
	}
	return nil
}
