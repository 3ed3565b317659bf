package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lodestar-cx/lodestar/internal/feedback"
)

// On PostgreSQL an import batch goes in through COPY: the batch is copied into temporary
// staging tables, then upserted from them with the same conflict rules as the INSERT path,
// all in one transaction with the import's marker. COPY skips the parsing and binding of
// thousands of parameters, which is where the many-row INSERT spends its time.

// stagingTables are created once per connection; ON COMMIT DELETE ROWS empties them after
// every transaction.
const stagingTables = `
CREATE TEMP TABLE IF NOT EXISTS lodestar_stage_items (ord INTEGER, source_kind TEXT, source TEXT, external_id TEXT,
	customer_external_id TEXT, at TIMESTAMPTZ, question TEXT, score DOUBLE PRECISION, scale_min DOUBLE PRECISION,
	scale_max DOUBLE PRECISION, text TEXT, attributes JSONB, touchpoint TEXT, excluded BOOLEAN) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS lodestar_stage_customers (ord INTEGER, external_id TEXT, name TEXT, email TEXT, plan TEXT,
	region TEXT, signup_at TIMESTAMPTZ, revenue DOUBLE PRECISION, attributes JSONB) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS lodestar_stage_events (ord INTEGER, customer_external_id TEXT, name TEXT, at TIMESTAMPTZ,
	value DOUBLE PRECISION, attributes JSONB) ON COMMIT DELETE ROWS;`

// copyBatch writes b through COPY in tx and moves the import's marker; the caller commits.
func (s *Store) copyBatch(ctx context.Context, tx pgx.Tx, ws, importID int64, b *Batch) (Counts, error) {
	var total Counts
	if _, err := tx.Exec(ctx, stagingTables); err != nil {
		return total, fmt.Errorf("staging tables: %w", err)
	}
	now := s.stamp()
	count := func(q string, given int, args ...any) error {
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var c Counts
		for rows.Next() {
			var v int64
			if err := rows.Scan(&v); err != nil {
				return err
			}
			if v == 1 {
				c.Inserted++
			} else {
				c.Updated++
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		c.Unchanged = int64(given) - c.Inserted - c.Updated
		total.Add(c)
		return nil
	}

	if len(b.Customers) > 0 {
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"lodestar_stage_customers"},
			[]string{"ord", "external_id", "name", "email", "plan", "region", "signup_at", "revenue", "attributes"},
			pgx.CopyFromSlice(len(b.Customers), func(i int) ([]any, error) {
				c := b.Customers[i]
				return []any{i, c.ExternalID, c.Name, c.Email, c.Plan, c.Region, nullStamp(c.SignupAt), nullFloat(c.Revenue), attrsJSON(c.Attributes)}, nil
			}))
		if err != nil {
			return total, fmt.Errorf("copy customers: %w", err)
		}
		// DISTINCT ON keeps the last of the records that name one customer, as the INSERT path does.
		err = count(`INSERT INTO customers (workspace_id, external_id, name, email, plan, region, signup_at, revenue, attributes, created_at, updated_at)
			SELECT DISTINCT ON (external_id) $1, external_id, name, email, plan, region, signup_at, revenue, attributes, $2, $2
			FROM lodestar_stage_customers ORDER BY external_id, ord DESC`+s.customersConflict(), len(b.Customers), ws, now)
		if err != nil {
			return total, fmt.Errorf("customers: %w", err)
		}
	}
	if len(b.Items) > 0 {
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"lodestar_stage_items"},
			[]string{"ord", "source_kind", "source", "external_id", "customer_external_id", "at", "question", "score",
				"scale_min", "scale_max", "text", "attributes", "touchpoint", "excluded"},
			pgx.CopyFromSlice(len(b.Items), func(i int) ([]any, error) {
				it := b.Items[i]
				var smin, smax any
				if it.Scale != nil {
					smin, smax = it.Scale.Min, it.Scale.Max
				}
				return []any{i, string(it.SourceKind), it.Source, it.ExternalID, it.CustomerExternalID, it.At.UTC(),
					string(it.Question), nullFloat(it.Score), smin, smax, it.Text, attrsJSON(it.Attributes), it.Touchpoint, it.Excluded}, nil
			}))
		if err != nil {
			return total, fmt.Errorf("copy feedback items: %w", err)
		}
		if err := s.aggregateBatch(ctx, pgxRunner{tx}, ws, b.Items); err != nil {
			return total, err
		}
		err = count(`INSERT INTO feedback_items (workspace_id, source_kind, source, external_id, customer_external_id, at,
			question, score, scale_min, scale_max, text, attributes, touchpoint, excluded, import_id, created_at, updated_at)
			SELECT DISTINCT ON (source, external_id) $1, source_kind, source, external_id, customer_external_id, at,
			question, score, scale_min, scale_max, text, attributes, touchpoint, excluded, $2, $3, $3
			FROM lodestar_stage_items ORDER BY source, external_id, ord DESC`+itemsConflict, len(b.Items), ws, nullID(importID), now)
		if err != nil {
			return total, fmt.Errorf("feedback items: %w", err)
		}
	}
	if len(b.Events) > 0 {
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"lodestar_stage_events"},
			[]string{"ord", "customer_external_id", "name", "at", "value", "attributes"},
			pgx.CopyFromSlice(len(b.Events), func(i int) ([]any, error) {
				e := b.Events[i]
				return []any{i, e.CustomerExternalID, e.Name, e.At.UTC().Truncate(time.Microsecond), nullFloat(e.Value), attrsJSON(e.Attributes)}, nil
			}))
		if err != nil {
			return total, fmt.Errorf("copy events: %w", err)
		}
		err = count(`INSERT INTO customer_events (workspace_id, customer_external_id, name, at, value, attributes, created_at)
			SELECT DISTINCT ON (customer_external_id, name, at) $1, customer_external_id, name, at, value, attributes, $2
			FROM lodestar_stage_events ORDER BY customer_external_id, name, at, ord DESC`+eventsConflict+`2 THEN 1 ELSE 2 END`,
			len(b.Events), ws, now)
		if err != nil {
			return total, fmt.Errorf("customer events: %w", err)
		}
	}
	return total, nil
}

// commitImportBatchCopy is CommitImportBatch on PostgreSQL.
func (s *Store) commitImportBatchCopy(ctx context.Context, ws, id, rowsFrom, rowsTo int64, b *Batch) (Counts, error) {
	tx, err := s.pg.Begin(ctx)
	if err != nil {
		return Counts{}, err
	}
	defer tx.Rollback(ctx)
	c, err := s.copyBatch(ctx, tx, ws, id, b)
	if err != nil {
		return Counts{}, mapErr(err)
	}
	tag, err := tx.Exec(ctx, `UPDATE imports SET rows_done = $4, inserted = inserted + $5, updated = updated + $6,
		unchanged = unchanged + $7, updated_at = $8
		WHERE workspace_id = $1 AND id = $2 AND rows_done = $3 AND status = $9`,
		ws, id, rowsFrom, rowsTo, c.Inserted, c.Updated, c.Unchanged, s.stamp(), string(feedback.ImportRunning))
	if err != nil {
		return Counts{}, mapErr(err)
	}
	if tag.RowsAffected() == 0 {
		return Counts{}, importMoved(id)
	}
	if err := tx.Commit(ctx); err != nil {
		return Counts{}, mapErr(err)
	}
	return c, nil
}
