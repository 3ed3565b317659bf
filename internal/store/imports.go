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
	"github.com/lodestar-cx/lodestar/internal/feedback"
)

const importColumns = `id, workspace_id, status, target, format, file_name, file_sha256, file_size, mapping, skip_invalid,
	rows_total, rows_done, inserted, updated, unchanged, invalid, problems, error, created_by, created_at, updated_at, finished_at`

func scanImport(row interface{ Scan(...any) error }) (feedback.Import, error) {
	var im feedback.Import
	var mapping, problems string
	var by sql.NullInt64
	var finished sql.NullTime
	err := row.Scan(&im.ID, &im.WorkspaceID, &im.Status, &im.Target, &im.Format, &im.FileName, &im.FileSHA256, &im.FileSize,
		&mapping, &im.SkipInvalid, &im.RowsTotal, &im.RowsDone, &im.Inserted, &im.Updated, &im.Unchanged, &im.Invalid,
		&problems, &im.Error, &by, &im.CreatedAt, &im.UpdatedAt, &finished)
	if err != nil {
		return im, err
	}
	im.Mapping = json.RawMessage(mapping)
	if err := json.Unmarshal([]byte(problems), &im.Problems); err != nil {
		return im, fmt.Errorf("import %d problems: %w", im.ID, err)
	}
	if im.Problems == nil {
		im.Problems = []feedback.Problem{}
	}
	im.CreatedBy = by.Int64
	if finished.Valid {
		im.FinishedAt = utc(finished.Time)
	}
	im.CreatedAt, im.UpdatedAt = utc(im.CreatedAt), utc(im.UpdatedAt)
	return im, nil
}

// CreateImport records a new import job, validating.
func (s *Store) CreateImport(ctx context.Context, a audit.Actor, ws int64, in feedback.Import) (feedback.Import, error) {
	var out feedback.Import
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.stamp()
		var err error
		out, err = scanImport(tx.QueryRowContext(ctx, `INSERT INTO imports (workspace_id, status, target, format, file_name,
			file_sha256, file_size, mapping, skip_invalid, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING `+importColumns,
			ws, string(feedback.ImportValidating), in.Target, in.Format, in.FileName, in.FileSHA256, in.FileSize,
			string(in.Mapping), in.SkipInvalid, nullID(a.UserID), now))
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, "create", "import", out.ID, nil, map[string]any{
			"file_name": out.FileName, "format": out.Format, "target": out.Target, "file_sha256": out.FileSHA256})
	})
	if err != nil {
		return out, fmt.Errorf("create import: %w", err)
	}
	return out, nil
}

// Import reads one import job.
func (s *Store) Import(ctx context.Context, ws, id int64) (feedback.Import, error) {
	im, err := scanImport(s.readRow(ctx, `SELECT `+importColumns+` FROM imports WHERE workspace_id = $1 AND id = $2`, ws, id))
	if err == sql.ErrNoRows {
		return im, fmt.Errorf("import %d: %w", id, fault.ErrNotFound)
	}
	return im, err
}

// Imports lists a workspace's import jobs, newest first.
func (s *Store) Imports(ctx context.Context, ws int64, p Page) ([]feedback.Import, int64, error) {
	after := p.After
	if after == 0 {
		after = 1 << 62
	}
	rows, err := s.readRows(ctx, `SELECT `+importColumns+` FROM imports WHERE workspace_id = $1 AND id < $2
		ORDER BY id DESC LIMIT $3`, ws, after, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("imports: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (feedback.Import, error) { return scanImport(r) },
		func(im feedback.Import) int64 { return im.ID })
}

// UnfinishedImport finds the newest import of the same file, target and mapping that has not
// finished: the one a new run of that file resumes. fault.ErrNotFound when there is none.
func (s *Store) UnfinishedImport(ctx context.Context, ws int64, sha256, target string, mapping json.RawMessage) (feedback.Import, error) {
	im, err := scanImport(s.readRow(ctx, `SELECT `+importColumns+` FROM imports
		WHERE workspace_id = $1 AND file_sha256 = $2 AND target = $3 AND mapping = $4 AND status IN ($5, $6)
		ORDER BY id DESC LIMIT 1`,
		ws, sha256, target, string(mapping), string(feedback.ImportValidating), string(feedback.ImportRunning)))
	if err == sql.ErrNoRows {
		return im, fmt.Errorf("unfinished import: %w", fault.ErrNotFound)
	}
	return im, err
}

// importMoved is the error of a progress write that found the import elsewhere than its
// writer thought: finished, or moved on by another process.
func importMoved(id int64) error {
	return &fault.ConflictError{Detail: fmt.Sprintf("import %d moved on elsewhere: another process is running it, or it has finished", id)}
}

// StartImportWrites marks a validated import as running, with what validation found. It is
// a no-op for an import that is running already (a resumed one).
func (s *Store) StartImportWrites(ctx context.Context, ws, id, rowsTotal, invalid int64, problems []feedback.Problem) error {
	pj, err := problemsJSON(problems)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE imports SET status = $3, rows_total = $4, invalid = $5, problems = $6,
			updated_at = $7 WHERE workspace_id = $1 AND id = $2 AND status IN ($3, $8)`,
			ws, id, string(feedback.ImportRunning), rowsTotal, invalid, pj, s.stamp(), string(feedback.ImportValidating))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return importMoved(id)
		}
		return nil
	})
}

func problemsJSON(ps []feedback.Problem) (string, error) {
	if len(ps) > feedback.MaxProblems {
		ps = ps[:feedback.MaxProblems]
	}
	if ps == nil {
		ps = []feedback.Problem{}
	}
	b, err := json.Marshal(ps)
	return string(b), err
}

// CommitImportBatch writes a batch and moves the import's progress from rowsFrom to rowsTo
// records in one transaction. When the import is not at rowsFrom (another process wrote this
// batch, or the import finished) nothing is written and the error is a fault.ErrConflict.
func (s *Store) CommitImportBatch(ctx context.Context, ws, id, rowsFrom, rowsTo int64, b *Batch) (Counts, error) {
	if s.driver == config.DriverPostgres && s.tx == nil {
		c, err := s.commitImportBatchCopy(ctx, ws, id, rowsFrom, rowsTo, b)
		if err != nil {
			return Counts{}, fmt.Errorf("import %d batch: %w", id, err)
		}
		return c, nil
	}
	var c Counts
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if c, err = s.writeBatch(ctx, tx, ws, id, b); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE imports SET rows_done = $4, inserted = inserted + $5, updated = updated + $6,
			unchanged = unchanged + $7, updated_at = $8
			WHERE workspace_id = $1 AND id = $2 AND rows_done = $3 AND status = $9`,
			ws, id, rowsFrom, rowsTo, c.Inserted, c.Updated, c.Unchanged, s.stamp(), string(feedback.ImportRunning))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return importMoved(id)
		}
		return nil
	})
	if err != nil {
		return Counts{}, fmt.Errorf("import %d batch: %w", id, err)
	}
	return c, nil
}

// FinishImport ends an import with its final status, and an error message for a failed one.
func (s *Store) FinishImport(ctx context.Context, a audit.Actor, ws, id int64, status feedback.ImportStatus, rowsTotal, invalid int64,
	problems []feedback.Problem, message string) (feedback.Import, error) {
	pj, err := problemsJSON(problems)
	if err != nil {
		return feedback.Import{}, err
	}
	var out feedback.Import
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.stamp()
		var err error
		out, err = scanImport(tx.QueryRowContext(ctx, `UPDATE imports SET status = $3, rows_total = $4, invalid = $5,
			problems = $6, error = $7, updated_at = $8, finished_at = $8
			WHERE workspace_id = $1 AND id = $2 AND status IN ($9, $10) RETURNING `+importColumns,
			ws, id, string(status), rowsTotal, invalid, pj, message, now,
			string(feedback.ImportValidating), string(feedback.ImportRunning)))
		if err == sql.ErrNoRows {
			return importMoved(id)
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, "finish", "import", id, nil, map[string]any{"status": out.Status,
			"inserted": out.Inserted, "updated": out.Updated, "unchanged": out.Unchanged, "invalid": out.Invalid})
	})
	if err != nil {
		return out, fmt.Errorf("finish import: %w", err)
	}
	return out, nil
}

// SavedMapping is a mapping saved under a name for the next file of the same layout.
type SavedMapping struct {
	ID          int64           `json:"id"`
	WorkspaceID int64           `json:"workspace_id"`
	Name        string          `json:"name"`
	Mapping     json.RawMessage `json:"mapping" jsonschema:"type=object"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	Version     int64           `json:"version"`
}

// ETagVersion is the version sent as the ETag.
func (m SavedMapping) ETagVersion() int64 { return m.Version }

const mappingColumns = `id, workspace_id, name, mapping, created_at, updated_at, version`

func scanMapping(row interface{ Scan(...any) error }) (SavedMapping, error) {
	var m SavedMapping
	var raw string
	err := row.Scan(&m.ID, &m.WorkspaceID, &m.Name, &raw, &m.CreatedAt, &m.UpdatedAt, &m.Version)
	m.Mapping = json.RawMessage(raw)
	m.CreatedAt, m.UpdatedAt = utc(m.CreatedAt), utc(m.UpdatedAt)
	return m, err
}

// SaveMapping stores a new named mapping; a name taken already is a conflict.
func (s *Store) SaveMapping(ctx context.Context, a audit.Actor, ws int64, name string, mapping json.RawMessage) (SavedMapping, error) {
	var out SavedMapping
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = scanMapping(tx.QueryRowContext(ctx, `INSERT INTO import_mappings (workspace_id, name, mapping, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4) RETURNING `+mappingColumns, ws, name, string(mapping), s.stamp()))
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, "create", "import_mapping", out.ID, nil, out)
	})
	if errors.Is(err, fault.ErrConflict) {
		return out, &fault.ConflictError{Detail: fmt.Sprintf("a mapping named %q exists already: replace it with PUT", name)}
	}
	if err != nil {
		return out, fmt.Errorf("save mapping: %w", err)
	}
	return out, nil
}

// ReplaceMapping replaces a named mapping at the version given.
func (s *Store) ReplaceMapping(ctx context.Context, a audit.Actor, ws int64, name string, version int64, mapping json.RawMessage) (SavedMapping, error) {
	var out SavedMapping
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := scanMapping(tx.QueryRowContext(ctx, `SELECT `+mappingColumns+` FROM import_mappings WHERE workspace_id = $1 AND name = $2`, ws, name))
		if err == sql.ErrNoRows {
			return fmt.Errorf("mapping %q: %w", name, fault.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if before.Version != version {
			return staleVersion("mapping "+name, before.Version, version)
		}
		out, err = scanMapping(tx.QueryRowContext(ctx, `UPDATE import_mappings SET mapping = $3, updated_at = $4, version = version + 1
			WHERE workspace_id = $1 AND name = $2 RETURNING `+mappingColumns, ws, name, string(mapping), s.stamp()))
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, "update", "import_mapping", out.ID, before, out)
	})
	if err != nil {
		return out, fmt.Errorf("replace mapping: %w", err)
	}
	return out, nil
}

// DeleteMapping deletes a named mapping at the version given.
func (s *Store) DeleteMapping(ctx context.Context, a audit.Actor, ws int64, name string, version int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := scanMapping(tx.QueryRowContext(ctx, `SELECT `+mappingColumns+` FROM import_mappings WHERE workspace_id = $1 AND name = $2`, ws, name))
		if err == sql.ErrNoRows {
			return fmt.Errorf("mapping %q: %w", name, fault.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if before.Version != version {
			return staleVersion("mapping "+name, before.Version, version)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM import_mappings WHERE workspace_id = $1 AND id = $2`, ws, before.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, "delete", "import_mapping", before.ID, before, nil)
	})
}

// SavedMappingNamed reads a named mapping.
func (s *Store) SavedMappingNamed(ctx context.Context, ws int64, name string) (SavedMapping, error) {
	m, err := scanMapping(s.readRow(ctx, `SELECT `+mappingColumns+` FROM import_mappings WHERE workspace_id = $1 AND name = $2`, ws, name))
	if err == sql.ErrNoRows {
		return m, fmt.Errorf("mapping %q: %w", name, fault.ErrNotFound)
	}
	return m, err
}

// SavedMappings lists a workspace's saved mappings by id.
func (s *Store) SavedMappings(ctx context.Context, ws int64, p Page) ([]SavedMapping, int64, error) {
	rows, err := s.readRows(ctx, `SELECT `+mappingColumns+` FROM import_mappings WHERE workspace_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
		ws, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("mappings: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (SavedMapping, error) { return scanMapping(r) }, func(m SavedMapping) int64 { return m.ID })
}
