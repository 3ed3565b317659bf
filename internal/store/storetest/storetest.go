// Package storetest opens real, migrated, throw-away stores for tests: an SQLite file in a
// temporary directory always, and a fresh PostgreSQL schema when LODESTAR_TEST_POSTGRES holds a
// server URL. Under CI (CI=true) a missing or unreachable PostgreSQL fails the test instead of
// skipping it, so the PostgreSQL half of a suite can never vanish unnoticed.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver for the admin connection

	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/store"
)

// PostgresEnv names the variable that holds the PostgreSQL server URL for tests.
const PostgresEnv = "LODESTAR_TEST_POSTGRES"

// Options tune the stores a test gets.
type Options struct {
	// Now is the store's clock; nil means time.Now.
	Now func() time.Time
}

// Drivers lists the drivers a test run covers: always SQLite, and PostgreSQL when configured.
// Under CI it fails t when PostgreSQL is not configured.
func Drivers(t testing.TB) []string {
	t.Helper()
	drivers := []string{config.DriverSQLite}
	if os.Getenv(PostgresEnv) != "" {
		drivers = append(drivers, config.DriverPostgres)
	} else if os.Getenv("CI") != "" {
		t.Fatalf("%s is not set under CI: the PostgreSQL half of the store suite would not run", PostgresEnv)
	}
	return drivers
}

// Each runs fn as a subtest once per driver, each with a store of its own.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range Drivers(t) {
		t.Run(d, func(t *testing.T) {
			fn(t, Open(t, d, Options{}))
		})
	}
}

// Open returns a migrated store of the driver, removed when the test ends.
func Open(t testing.TB, driver string, opts Options) *store.Store {
	t.Helper()
	target := Target(t, driver)
	s, err := store.Open(context.Background(), store.Options{Driver: driver, Target: target, Now: opts.Now})
	if err != nil {
		t.Fatalf("open %s store: %v", driver, err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s store: %v", driver, err)
	}
	return s
}

// Target returns a fresh, empty database of the driver for the test: an SQLite file path, or
// a PostgreSQL URL whose search_path is a schema of the test's own, dropped when it ends.
func Target(t testing.TB, driver string) string {
	t.Helper()
	switch driver {
	case config.DriverSQLite:
		return filepath.Join(t.TempDir(), "lodestar.db")
	case config.DriverPostgres:
		return postgresSchema(t)
	}
	t.Fatalf("unknown driver %q", driver)
	return ""
}

func postgresSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Fatalf("%s is not set", PostgresEnv)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres %s: %v", config.Redact(base), err)
	}
	t.Cleanup(func() { admin.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		t.Fatalf("postgres %s is unreachable: %v", config.Redact(base), err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "lodestar_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
