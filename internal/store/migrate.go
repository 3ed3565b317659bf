package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lodestar-cx/lodestar/internal/config"
)

//go:embed migrations
var migrationFiles embed.FS

// A migration is one numbered SQL file of a dialect, applied in one transaction.
type migration struct {
	version int
	name    string
	sql     string
}

// migrationLockKey is the PostgreSQL advisory lock that lets one process at a time migrate.
const migrationLockKey = 0x4c6f6465 // "Lode"

func (s *Store) migrations() ([]migration, error) {
	dir := path.Join("migrations", s.driver)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migration %s/%s: want NNNN_name.sql", dir, name)
		}
		body, err := fs.ReadFile(migrationFiles, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: strings.TrimSuffix(name, ".sql"), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migrations of %s: version %d found where %d was expected", s.driver, m.version, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is where a database stands against the binary.
type SchemaVersion struct {
	// Current is the newest migration applied to the database (0 for an empty one).
	Current int
	// Latest is the newest migration this binary carries.
	Latest int
}

// Pending reports whether migrations remain to be applied.
func (v SchemaVersion) Pending() bool { return v.Current < v.Latest }

// ErrSchemaTooNew is wrapped by errors of a database migrated by a newer Lodestar.
var ErrSchemaTooNew = fmt.Errorf("database schema is newer than this binary")

func (v SchemaVersion) check() error {
	if v.Current > v.Latest {
		return fmt.Errorf("%w: the database is at schema version %d, this lodestar knows up to %d; run a lodestar release at least as new as the one that migrated it",
			ErrSchemaTooNew, v.Current, v.Latest)
	}
	return nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	applied_at TEXT NOT NULL
)`

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func currentVersion(ctx context.Context, q queryer) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// SchemaVersion reads the schema version of the database. A database that was never migrated is
// at version 0.
func (s *Store) SchemaVersion(ctx context.Context) (SchemaVersion, error) {
	ms, err := s.migrations()
	if err != nil {
		return SchemaVersion{}, err
	}
	v := SchemaVersion{Latest: len(ms)}
	var exists bool
	q := `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')`
	if s.driver == config.DriverPostgres {
		q = `SELECT to_regclass('schema_migrations') IS NOT NULL`
	}
	if err := s.readRow(ctx, q).Scan(&exists); err != nil {
		return v, fmt.Errorf("read schema version: %w", err)
	}
	if !exists {
		return v, nil
	}
	if v.Current, err = currentVersion(ctx, s.read); err != nil {
		return v, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

// Migrate applies the migrations the database lacks, each in its own transaction, and returns
// how many it applied. Several processes may call it at once: they take turns, and each
// migration is applied once. A database newer than the binary is refused untouched.
func (s *Store) Migrate(ctx context.Context) (applied int, err error) {
	ms, err := s.migrations()
	if err != nil {
		return 0, err
	}
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if s.driver == config.DriverPostgres {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockKey); err != nil {
			return 0, fmt.Errorf("migrate: take lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLockKey)
	}
	if _, err := conn.ExecContext(ctx, createMigrationsTable); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	cur, err := currentVersion(ctx, conn)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	if err := (SchemaVersion{Current: cur, Latest: len(ms)}).check(); err != nil {
		return 0, err
	}
	for _, m := range ms[cur:] {
		did, err := s.apply(ctx, conn, m)
		if err != nil {
			return applied, err
		}
		if did {
			applied++
			s.log.Info("applied migration", "version", m.version, "name", m.name)
		}
	}
	return applied, nil
}

// apply applies m unless another process did so first, and reports whether it did.
func (s *Store) apply(ctx context.Context, conn *sql.Conn, m migration) (bool, error) {
	did, err := func() (bool, error) {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return false, err
		}
		defer tx.Rollback()
		// Another SQLite process may have applied it while this one waited for the write lock.
		if cur, err := currentVersion(ctx, tx); err != nil || cur >= m.version {
			return false, err
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return false, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
			m.version, m.name, s.stamp().Format(time.RFC3339Nano)); err != nil {
			return false, err
		}
		return true, tx.Commit()
	}()
	if err != nil {
		return false, fmt.Errorf("migration %s: %w", m.name, err)
	}
	return did, nil
}

// CheckReady reports whether the database answers and its schema is the one this binary wants.
func (s *Store) CheckReady(ctx context.Context) error {
	if err := s.Ping(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if err := v.check(); err != nil {
		return err
	}
	if v.Pending() {
		return fmt.Errorf("database schema at version %d, %d wanted: migrations pending", v.Current, v.Latest)
	}
	return nil
}
