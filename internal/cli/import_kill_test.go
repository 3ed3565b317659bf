package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/cli"
	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

// TestImportChild is the process TestImportSurvivesKill kills: it runs the command line in
// LODESTAR_CHILD_ARGS and exits. Without that variable it does nothing.
func TestImportChild(t *testing.T) {
	args := os.Getenv("LODESTAR_CHILD_ARGS")
	if args == "" {
		t.Skip("runs only as the child of TestImportSurvivesKill")
	}
	os.Exit(cli.Run(context.Background(), strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// writeSurvey writes a survey file of n responses and the mapping that reads it.
func writeSurvey(t *testing.T, dir string, n int) (file, mapping string) {
	t.Helper()
	file = filepath.Join(dir, "survey.csv")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "response_id,submitted_at,customer_id,nps,comment")
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		fmt.Fprintf(w, "r%d,%s,c%d,%d,\"comment %d, with a comma\"\n", i, start.Add(time.Duration(i)*time.Second).Format(time.RFC3339), i%997, i%11, i)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	mapping = filepath.Join(dir, "mapping.json")
	m, _ := json.Marshal(map[string]any{"format": "csv", "target": "feedback", "source": "kill-test", "source_kind": "survey",
		"external_id": "response_id", "at": "submitted_at", "customer": "customer_id",
		"questions": []map[string]any{{"column": "nps", "question": "nps"}}, "text": []string{"comment"}})
	if err := os.WriteFile(mapping, m, 0o644); err != nil {
		t.Fatal(err)
	}
	return file, mapping
}

// TestImportSurvivesKill kills an import process with SIGKILL at random points, restarts it
// each time, and checks after every kill that the records written are exactly the ones the
// job's marker counts (no partial batch), and at the end that every record is there once and
// a full re-import changes nothing. LODESTAR_KILLTEST_ROWS and LODESTAR_KILLTEST_KILLS size it.
func TestImportSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes for a while")
	}
	rows, kills := envInt("LODESTAR_KILLTEST_ROWS", 100_000), envInt("LODESTAR_KILLTEST_KILLS", 20)
	file, mapping := writeSurvey(t, t.TempDir(), rows)
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			ctx := t.Context()
			target := storetest.Target(t, d)
			st, err := store.Open(ctx, store.Options{Driver: d, Target: target})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if _, err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			u, err := st.CreateUser(ctx, audit.System, "ana@example.com", "Ana", "", false)
			if err != nil {
				t.Fatal(err)
			}
			ws, err := st.CreateWorkspace(ctx, audit.System, u.ID, workspace.CreateInput{Name: "W"})
			if err != nil {
				t.Fatal(err)
			}
			db := target
			if d == config.DriverSQLite {
				db = "sqlite:" + target
			}
			args := strings.Join([]string{"import", file, "--workspace", fmt.Sprint(ws.ID), "--database", db,
				"--mapping", mapping, "--format", "csv", "--batch", "1000"}, "\x1f")
			// progress reads how many records the newest import has written.
			progress := func() int64 {
				ims, _, err := st.Imports(ctx, ws.ID, store.Page{Limit: 1})
				if err != nil {
					t.Fatal(err)
				}
				if len(ims) == 0 {
					return 0
				}
				return ims[0].RowsDone
			}
			// run imports the file; with a kill point above 0 it kills the import with SIGKILL
			// once the import has written that many records, a moment later so that the kill
			// can land in the middle of the next batch.
			rng := rand.New(rand.NewPCG(1, uint64(len(d))))
			run := func(killAt int64) (killed bool) {
				cmd := exec.Command(os.Args[0], "-test.run=^TestImportChild$")
				cmd.Env = append(os.Environ(), "LODESTAR_CHILD_ARGS="+args)
				out := &strings.Builder{}
				cmd.Stdout, cmd.Stderr = out, out
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- cmd.Wait() }()
				tick := time.NewTicker(2 * time.Millisecond)
				defer tick.Stop()
				for {
					select {
					case err := <-done:
						if err != nil {
							t.Fatalf("import: %v\n%s", err, out)
						}
						return false
					case <-tick.C:
						if killAt == 0 || progress() < killAt {
							continue
						}
						time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
						_ = cmd.Process.Signal(syscall.SIGKILL)
						<-done
						return true
					}
				}
			}
			// The kill points: distinct record counts spread at random over the file.
			points := map[int64]bool{}
			for len(points) < kills {
				points[int64(1+rng.IntN(rows-rows/20))] = true
			}
			order := slices.Sorted(maps.Keys(points))
			var marks []int64
			completed := false
			for _, at := range order {
				if completed {
					break
				}
				if !run(at) {
					completed = true
					continue
				}
				// After a kill, the workspace holds exactly what the marker counts.
				ims, _, err := st.Imports(ctx, ws.ID, store.Page{Limit: 1})
				if err != nil {
					t.Fatal(err)
				}
				c, err := st.CountFeedback(ctx, ws.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(ims) == 1 && !ims[0].Status.Finished() {
					marks = append(marks, ims[0].RowsDone)
					if c.Items != ims[0].RowsDone {
						t.Errorf("after a kill the workspace holds %d items and the marker says %d", c.Items, ims[0].RowsDone)
					}
				}
				if err := st.CheckIntegrity(ctx); err != nil {
					t.Fatalf("after a kill: %v", err)
				}
			}
			run(0)
			t.Logf("%s: %d kills landed mid-import, at records %v", d, len(marks), marks)
			if len(marks) < kills/2 {
				t.Errorf("only %d of %d kills landed mid-import: the test no longer tests much", len(marks), kills)
			}
			check := func(when string, wantUnchanged bool) {
				ims, _, err := st.Imports(ctx, ws.ID, store.Page{Limit: 1})
				if err != nil || len(ims) != 1 {
					t.Fatalf("%s: imports %v, %v", when, ims, err)
				}
				im := ims[0]
				c, err := st.CountFeedback(ctx, ws.ID)
				if err != nil {
					t.Fatal(err)
				}
				if im.Status != feedback.ImportDone || im.RowsDone != int64(rows) || c.Items != int64(rows) {
					t.Errorf("%s: import %s at %d of %d, workspace holds %d items; want done with %d", when, im.Status, im.RowsDone, im.RowsTotal, c.Items, rows)
				}
				if wantUnchanged && (im.Inserted != 0 || im.Updated != 0) {
					t.Errorf("%s: inserted %d, updated %d; want nothing changed", when, im.Inserted, im.Updated)
				}
				if err := st.CheckIntegrity(ctx); err != nil {
					t.Errorf("%s: %v", when, err)
				}
			}
			check("after the kills", false)
			run(0)
			check("after a full re-import", true)
		})
	}
}
