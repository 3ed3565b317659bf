// Package store is the only place in Lodestar that speaks SQL. It opens the embedded SQLite
// database or a PostgreSQL server, applies the migrations embedded in the binary, and offers
// typed methods for every table. Queries are written once with $N placeholders, which both
// drivers bind; the few places where the dialects differ are named in this package.
//
// Every method that reads or writes a workspace's data takes the workspace id and puts it in the
// WHERE clause: that is what keeps tenants apart.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/fault"
)

// Options says which database to open and how.
type Options struct {
	// Driver is config.DriverSQLite or config.DriverPostgres.
	Driver string
	// Target is the SQLite file path or the PostgreSQL URL.
	Target string
	// Logger receives the store's messages; nil discards them.
	Logger *slog.Logger
	// Now is the clock used for timestamps; nil means time.Now.
	Now func() time.Time
}

// Store is a handle on an open database. It is safe for concurrent use.
type Store struct {
	driver string
	// write takes every write. On SQLite it holds one connection, so writes queue in Go rather
	// than spin on the database lock; on PostgreSQL it is the pool.
	write *sql.DB
	// read serves reads. On SQLite it is a pool of query-only connections that WAL lets run
	// beside the writer; on PostgreSQL it is the same pool as write.
	read *sql.DB
	// pg is the native pool under write and read on PostgreSQL, for COPY and LISTEN; nil on SQLite.
	pg  *pgxpool.Pool
	now func() time.Time
	log *slog.Logger
	// stmts caches prepared read statements by query text, on SQLite.
	stmts *sync.Map
	// tx, when set, is the transaction this Store is bound to by Atomically: every read and
	// write of this Store value goes through it.
	tx *sql.Tx
}

// SQLite settings that Open asks for on every connection and then reads back.
const (
	sqliteBusyTimeout = 5000 // milliseconds
)

// Open opens the database. It does not migrate: call Migrate.
func Open(ctx context.Context, opts Options) (*Store, error) {
	s := &Store{driver: opts.Driver, now: opts.Now, log: opts.Logger, stmts: &sync.Map{}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	var err error
	switch opts.Driver {
	case config.DriverSQLite:
		err = s.openSQLite(ctx, opts.Target)
	case config.DriverPostgres:
		err = s.openPostgres(ctx, opts.Target)
	default:
		err = fmt.Errorf("unknown database driver %q", opts.Driver)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func sqliteDSN(path string, readOnly bool) string {
	params := []string{
		fmt.Sprintf("_pragma=busy_timeout(%d)", sqliteBusyTimeout),
		"_pragma=journal_mode(WAL)",
		"_pragma=foreign_keys(1)",
		"_pragma=synchronous(NORMAL)",
		// Times are written as "2006-01-02 15:04:05.999999999-07:00"; kept in UTC they sort
		// as text in time order.
		"_time_format=sqlite",
	}
	if readOnly {
		params = append(params, "_pragma=query_only(1)")
	} else {
		// Take the write lock at BEGIN, so a transaction never fails halfway on an upgrade.
		params = append(params, "_txlock=immediate")
	}
	return path + "?" + strings.Join(params, "&")
}

func (s *Store) openSQLite(ctx context.Context, path string) error {
	if strings.ContainsAny(path, "?#") {
		return fmt.Errorf("sqlite path %q: must not contain ? or #", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("create data directory: %w", err)
		}
	}
	var err error
	if s.write, err = sql.Open("sqlite", sqliteDSN(path, false)); err != nil {
		return fmt.Errorf("open sqlite %s: %w", path, err)
	}
	s.write.SetMaxOpenConns(1)
	s.write.SetConnMaxIdleTime(0)
	// The writer must create the file and switch it to WAL before readers open it.
	if err := checkSQLitePragmas(ctx, s.write, false); err != nil {
		return fmt.Errorf("sqlite %s: %w", path, err)
	}
	if s.read, err = sql.Open("sqlite", sqliteDSN(path, true)); err != nil {
		return fmt.Errorf("open sqlite %s: %w", path, err)
	}
	s.read.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	if err := checkSQLitePragmas(ctx, s.read, true); err != nil {
		return fmt.Errorf("sqlite %s: %w", path, err)
	}
	return nil
}

// Pragmas is what a SQLite connection reports about the settings Lodestar relies on.
type Pragmas struct {
	JournalMode string
	BusyTimeout int
	ForeignKeys bool
	QueryOnly   bool
}

func readPragmas(ctx context.Context, db *sql.DB) (Pragmas, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return Pragmas{}, err
	}
	defer conn.Close()
	var p Pragmas
	for _, q := range []struct {
		sql  string
		dest any
	}{
		{"PRAGMA journal_mode", &p.JournalMode},
		{"PRAGMA busy_timeout", &p.BusyTimeout},
		{"PRAGMA foreign_keys", &p.ForeignKeys},
		{"PRAGMA query_only", &p.QueryOnly},
	} {
		if err := conn.QueryRowContext(ctx, q.sql).Scan(q.dest); err != nil {
			return Pragmas{}, fmt.Errorf("%s: %w", q.sql, err)
		}
	}
	return p, nil
}

func checkSQLitePragmas(ctx context.Context, db *sql.DB, readOnly bool) error {
	p, err := readPragmas(ctx, db)
	if err != nil {
		return err
	}
	want := Pragmas{JournalMode: "wal", BusyTimeout: sqliteBusyTimeout, ForeignKeys: true, QueryOnly: readOnly}
	if p != want {
		return fmt.Errorf("connection settings not in force: got %+v, want %+v", p, want)
	}
	return nil
}

// SQLitePragmas reads the settings of one writer and one reader connection. It is for tests and
// diagnostics; on PostgreSQL it returns an error.
func (s *Store) SQLitePragmas(ctx context.Context) (writer, reader Pragmas, err error) {
	if s.driver != config.DriverSQLite {
		return Pragmas{}, Pragmas{}, errors.New("not an SQLite store")
	}
	if writer, err = readPragmas(ctx, s.write); err != nil {
		return
	}
	reader, err = readPragmas(ctx, s.read)
	return
}

func (s *Store) openPostgres(ctx context.Context, url string) error {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's parse errors quote the connection string, password and all.
		return fmt.Errorf("postgres: cannot parse the database URL %s", config.Redact(url))
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	if s.pg, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.pg.Ping(pingCtx); err != nil {
		return fmt.Errorf("postgres: cannot reach %s:%d: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	s.write = stdlib.OpenDBFromPool(s.pg)
	s.read = s.write
	return nil
}

// Driver returns config.DriverSQLite or config.DriverPostgres.
func (s *Store) Driver() string { return s.driver }

// Pools returns the connection pools by name, for metrics.
func (s *Store) Pools() map[string]*sql.DB {
	if s.read == s.write {
		return map[string]*sql.DB{"main": s.write}
	}
	return map[string]*sql.DB{"write": s.write, "read": s.read}
}

// Close releases the database.
func (s *Store) Close() error {
	var errs []error
	s.stmts.Range(func(_, st any) bool {
		errs = append(errs, st.(*sql.Stmt).Close())
		return true
	})
	if s.read != nil && s.read != s.write {
		errs = append(errs, s.read.Close())
	}
	if s.write != nil {
		errs = append(errs, s.write.Close())
	}
	if s.pg != nil {
		s.pg.Close()
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return err
	}
	return s.write.PingContext(ctx)
}

// Atomically runs fn with a Store bound to one write transaction: every change fn makes
// through it lands together, or none does when fn returns an error.
func (s *Store) Atomically(ctx context.Context, fn func(s *Store) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		bound := *s
		bound.tx = tx
		return fn(&bound)
	})
}

// inTx runs fn in a write transaction, committing when it returns nil; in a Store bound by
// Atomically it runs fn in that transaction.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	if s.tx != nil {
		return mapErr(fn(s.tx))
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return mapErr(err)
	}
	return mapErr(tx.Commit())
}

// mapErr turns the drivers' constraint errors into fault kinds, keeping the driver error for logs.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%w: %s", fault.ErrConflict, pgErr.Message)
		case "23503": // foreign_key_violation
			return fmt.Errorf("%w: a referenced object does not exist: %s", fault.ErrNotFound, pgErr.Message)
		}
		return err
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %s", fault.ErrConflict, sqErr.Error())
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: a referenced object does not exist", fault.ErrNotFound)
		}
	}
	return err
}

// stamp returns the current time as stored: UTC, to the microsecond (PostgreSQL's precision).
func (s *Store) stamp() time.Time {
	return s.now().UTC().Truncate(time.Microsecond)
}

// readRow runs a query that returns one row on the read pool. On SQLite the statement is
// prepared once and kept: preparing costs more than running a small indexed query there (about
// 40 µs against 15 µs). PostgreSQL's driver keeps its own statement cache.
func (s *Store) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	if s.tx != nil {
		return s.tx.QueryRowContext(ctx, query, args...)
	}
	if st := s.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.read.QueryRowContext(ctx, query, args...)
}

// readRows runs a query on the read pool, prepared once on SQLite as readRow does.
func (s *Store) readRows(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s.tx != nil {
		return s.tx.QueryContext(ctx, query, args...)
	}
	if st := s.prepared(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.read.QueryContext(ctx, query, args...)
}

// prepared returns the cached statement for query on SQLite, preparing it on first use; nil
// elsewhere, or when preparing fails (the plain path then reports the error).
func (s *Store) prepared(ctx context.Context, query string) *sql.Stmt {
	if s.driver != config.DriverSQLite {
		return nil
	}
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt)
	}
	st, err := s.read.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	if prev, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt)
	}
	return st
}

// cachedReader lets helpers that take a transaction or a pool read through the statement cache.
type cachedReader struct{ s *Store }

func (c cachedReader) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return c.s.readRow(ctx, query, args...)
}

func (c cachedReader) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.s.readRows(ctx, query, args...)
}

// CheckIntegrity asks the database to check its own structure: SQLite's integrity_check and
// foreign_key_check. PostgreSQL keeps its structure whole by itself, and answers nil.
func (s *Store) CheckIntegrity(ctx context.Context) error {
	if s.driver != config.DriverSQLite {
		return s.Ping(ctx)
	}
	var res string
	if err := s.write.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	rows, err := s.write.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		return errors.New("foreign key check: a row refers to a missing row")
	}
	return rows.Err()
}
