package store

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/lodestar-cx/lodestar/internal/fault"
)

// Page asks for one page of a list ordered by id: the items after the id After, at most Limit.
type Page struct {
	After int64
	Limit int
}

// MaxPageLimit is the most items one page may hold.
const MaxPageLimit = 500

func (p Page) limit() int {
	if p.Limit <= 0 || p.Limit > MaxPageLimit {
		return MaxPageLimit
	}
	return p.Limit
}

// collect scans rows fetched with LIMIT page.limit()+1 and returns the page and the id to pass
// as After for the next page, or 0 when this page is the last.
func collect[T any](rows *sql.Rows, p Page, scan func(*sql.Rows) (T, error), id func(T) int64) ([]T, int64, error) {
	defer rows.Close()
	items := []T{}
	for rows.Next() {
		it, err := scan(rows)
		if err != nil {
			return nil, 0, err
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(items) > p.limit() {
		items = items[:p.limit()]
		return items, id(items[len(items)-1]), nil
	}
	return items, 0, nil
}

// versionMiss explains why a conditional write on one row changed nothing: the row is missing
// (fault.ErrNotFound) or has moved past the version asked for (fault.ErrStale). query selects
// the row's version; it must carry the workspace id in its WHERE clause when the row has one.
func versionMiss(row *sql.Row, what string, want int64) error {
	var got int64
	switch err := row.Scan(&got); {
	case err == sql.ErrNoRows:
		return fmt.Errorf("%s: %w", what, fault.ErrNotFound)
	case err != nil:
		return err
	case got != want:
		return staleVersion(what, got, want)
	default:
		// The version matched but nothing changed: the row went between the two statements.
		return fmt.Errorf("%s: %w", what, fault.ErrStale)
	}
}

// staleVersion reports a conditional write that named an old version.
func staleVersion(what string, got, want int64) error {
	return fmt.Errorf("%s is at version %d, not %d: %w", what, got, want, fault.ErrStale)
}

// utc normalises a time read from either driver.
func utc(t time.Time) time.Time { return t.UTC() }

// sqliteTimeLayout is how the SQLite driver writes times (its _time_format=sqlite).
const sqliteTimeLayout = "2006-01-02 15:04:05.999999999-07:00"

// aggregateTime scans a time computed by SQL, such as MIN(at). PostgreSQL returns a time;
// SQLite returns the stored text, since an expression has no declared column type for its
// driver to go by. NULL scans as the zero time.
type aggregateTime struct{ Time time.Time }

func (a *aggregateTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		a.Time = time.Time{}
	case time.Time:
		a.Time = x.UTC()
	case string:
		t, err := time.Parse(sqliteTimeLayout, x)
		if err != nil {
			return fmt.Errorf("time %q: %w", x, err)
		}
		a.Time = t.UTC()
	default:
		return fmt.Errorf("cannot scan %T as a time", v)
	}
	return nil
}
