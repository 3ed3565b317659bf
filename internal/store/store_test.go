package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

func TestSQLitePragmasInForce(t *testing.T) {
	s := storetest.Open(t, config.DriverSQLite, storetest.Options{})
	w, r, err := s.SQLitePragmas(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	wantW := store.Pragmas{JournalMode: "wal", BusyTimeout: 5000, ForeignKeys: true, QueryOnly: false}
	wantR := store.Pragmas{JournalMode: "wal", BusyTimeout: 5000, ForeignKeys: true, QueryOnly: true}
	if diff := cmp.Diff(wantW, w); diff != "" {
		t.Errorf("writer pragmas (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantR, r); diff != "" {
		t.Errorf("reader pragmas (-want +got):\n%s", diff)
	}
}

func TestMigrate(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			ctx := t.Context()
			target := storetest.Target(t, d)
			s, err := store.Open(ctx, store.Options{Driver: d, Target: target})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			v, err := s.SchemaVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if v.Current != 0 || v.Latest < 1 {
				t.Fatalf("SchemaVersion of a new database = %+v, want current 0 and latest >= 1", v)
			}
			if err := s.CheckReady(ctx); err == nil {
				t.Error("CheckReady before migrating = nil, want an error about pending migrations")
			}
			// Several migrators at once (as several `lodestar serve` starting together): each
			// migration is applied exactly once.
			var wg sync.WaitGroup
			counts := make([]int, 4)
			errs := make([]error, 4)
			for i := range counts {
				wg.Go(func() {
					o, err := store.Open(ctx, store.Options{Driver: d, Target: target})
					if err != nil {
						errs[i] = err
						return
					}
					defer o.Close()
					counts[i], errs[i] = o.Migrate(ctx)
				})
			}
			wg.Wait()
			total := 0
			for i := range counts {
				if errs[i] != nil {
					t.Fatalf("migrator %d: %v", i, errs[i])
				}
				total += counts[i]
			}
			if total != v.Latest {
				t.Errorf("migrations applied in all = %d, want %d", total, v.Latest)
			}
			if err := s.CheckReady(ctx); err != nil {
				t.Errorf("CheckReady after migrating = %v", err)
			}
			if n, err := s.Migrate(ctx); err != nil || n != 0 {
				t.Errorf("second Migrate = %d, %v; want 0, nil", n, err)
			}
		})
	}
}

func TestMigrateRefusesNewerDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		v, err := s.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ExecForTest(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'from_the_future', 'x')`, v.Latest+1); err != nil {
			t.Fatal(err)
		}
		_, err = s.Migrate(ctx)
		if !errors.Is(err, store.ErrSchemaTooNew) {
			t.Fatalf("Migrate on a newer database = %v, want ErrSchemaTooNew", err)
		}
		if err := s.CheckReady(ctx); !errors.Is(err, store.ErrSchemaTooNew) {
			t.Errorf("CheckReady on a newer database = %v, want ErrSchemaTooNew", err)
		}
	})
}

func TestWorkspaceCRUD(t *testing.T) {
	clock := time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.FixedZone("CET", 3600))
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			ctx := t.Context()
			s := storetest.Open(t, d, storetest.Options{Now: func() time.Time { return clock }})
			w, err := s.CreateWorkspace(ctx, audit.System, 0, workspace.CreateInput{Name: "Acme"})
			if err != nil {
				t.Fatal(err)
			}
			wantTime := time.Date(2026, 3, 1, 8, 30, 0, 123456000, time.UTC)
			want := workspace.Workspace{ID: w.ID, Name: "Acme", CreatedAt: wantTime, UpdatedAt: wantTime, Version: 1}
			if diff := cmp.Diff(want, w); diff != "" {
				t.Fatalf("CreateWorkspace (-want +got):\n%s", diff)
			}
			got, err := s.Workspace(ctx, w.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("Workspace (-want +got):\n%s", diff)
			}

			name := "Acme Corp"
			up, err := s.UpdateWorkspace(ctx, audit.System, w.ID, 1, workspace.UpdateInput{Name: &name})
			if err != nil {
				t.Fatal(err)
			}
			if up.Name != name || up.Version != 2 {
				t.Errorf("UpdateWorkspace = %+v, want name %q version 2", up, name)
			}
			if _, err := s.UpdateWorkspace(ctx, audit.System, w.ID, 1, workspace.UpdateInput{Name: &name}); !errors.Is(err, fault.ErrStale) {
				t.Errorf("UpdateWorkspace at an old version = %v, want ErrStale", err)
			}
			if _, err := s.UpdateWorkspace(ctx, audit.System, w.ID+1000, 1, workspace.UpdateInput{Name: &name}); !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("UpdateWorkspace of a missing workspace = %v, want ErrNotFound", err)
			}
			if err := s.DeleteWorkspace(ctx, audit.System, w.ID, 1); !errors.Is(err, fault.ErrStale) {
				t.Errorf("DeleteWorkspace at an old version = %v, want ErrStale", err)
			}
			if err := s.DeleteWorkspace(ctx, audit.System, w.ID, 2); err != nil {
				t.Errorf("DeleteWorkspace = %v", err)
			}
			if _, err := s.Workspace(ctx, w.ID); !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("Workspace after delete = %v, want ErrNotFound", err)
			}
		})
	}
}

func TestWorkspacePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		var ids []int64
		for i := range 7 {
			w, err := s.CreateWorkspace(ctx, audit.System, 0, workspace.CreateInput{Name: string(rune('A' + i))})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, w.ID)
		}
		var seen []int64
		p := store.Page{Limit: 3}
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("pagination does not end")
			}
			items, next, err := s.Workspaces(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range items {
				seen = append(seen, w.ID)
			}
			if next == 0 {
				break
			}
			p.After = next
		}
		if diff := cmp.Diff(ids, seen); diff != "" {
			t.Errorf("ids over all pages (-want +got):\n%s", diff)
		}
	})
}

func TestConcurrentConditionalUpdates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w, err := s.CreateWorkspace(ctx, audit.System, 0, workspace.CreateInput{Name: "Race"})
		if err != nil {
			t.Fatal(err)
		}
		const n = 20
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				name := "writer " + string(rune('a'+i))
				_, errs[i] = s.UpdateWorkspace(ctx, audit.System, w.ID, w.Version, workspace.UpdateInput{Name: &name})
			})
		}
		wg.Wait()
		ok, stale := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, fault.ErrStale):
				stale++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 1 || stale != n-1 {
			t.Errorf("concurrent updates at one version: %d succeeded, %d stale; want 1 and %d", ok, stale, n-1)
		}
	})
}

// Changes made through an Atomically-bound store land together or not at all, and reads in
// it see its own writes.
func TestAtomically(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		boom := errors.New("boom")
		err := s.Atomically(ctx, func(b *store.Store) error {
			w, err := b.CreateWorkspace(ctx, audit.System, 0, workspace.CreateInput{Name: "first"})
			if err != nil {
				return err
			}
			if got, err := b.Workspace(ctx, w.ID); err != nil || got.Name != "first" {
				t.Errorf("read inside the transaction = %+v, %v", got, err)
			}
			if _, err := b.CreateWorkspace(ctx, audit.System, 0, workspace.CreateInput{Name: "second"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Atomically = %v, want boom", err)
		}
		if items, _, _ := s.Workspaces(ctx, store.Page{}); len(items) != 0 {
			t.Errorf("%d workspaces after a rolled-back transaction, want 0", len(items))
		}
		if err := s.Atomically(ctx, func(b *store.Store) error {
			_, err := b.CreateWorkspace(ctx, audit.System, 0, workspace.CreateInput{Name: "kept"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if items, _, _ := s.Workspaces(ctx, store.Page{}); len(items) != 1 {
			t.Errorf("%d workspaces after a committed transaction, want 1", len(items))
		}
	})
}
