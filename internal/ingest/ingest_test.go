package ingest_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/importer"
	"github.com/lodestar-cx/lodestar/internal/ingest"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

const survey = "response_id,submitted_at,customer_id,plan,nps,comment\n" +
	"r1,2026-03-01T10:00:00Z,c1,pro,0,\"Setup took days, support was slow\"\n" +
	"r2,2026-03-02T11:30:00+02:00,c2,free,9,Love the new templates\n" +
	"r3,2026-03-03 09:15:00,c3,pro,7,\n"

func mapping() *importer.Mapping {
	return &importer.Mapping{Format: "csv", Target: importer.Feedback, Source: "survey-tool", SourceKind: feedback.Survey,
		ExternalID: "response_id", At: "submitted_at", Customer: "customer_id", Time: importer.TimeFormat{Zone: "Europe/Berlin"},
		Questions:      []importer.QuestionColumn{{Column: "nps", Question: feedback.NPS}},
		Text:           []string{"comment"},
		CustomerFields: map[string]string{"plan": "plan"}}
}

func opener(s string) ingest.Opener {
	return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
}

func workspaceOf(t *testing.T, s *store.Store) int64 {
	t.Helper()
	u, err := s.CreateUser(t.Context(), audit.System, "ana@example.com", "Ana", "", false)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := s.CreateWorkspace(t.Context(), audit.System, u.ID, workspace.CreateInput{Name: "W"})
	if err != nil {
		t.Fatal(err)
	}
	return ws.ID
}

func count(t *testing.T, s *store.Store, ws int64) store.FeedbackCounts {
	t.Helper()
	c, err := s.CountFeedback(t.Context(), ws)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRunImportsAndReimportChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws := workspaceOf(t, s)
		im, err := ingest.Run(ctx, s, audit.System, ws, opener(survey), ingest.Options{Mapping: mapping()})
		if err != nil {
			t.Fatal(err)
		}
		if im.Status != feedback.ImportDone || im.RowsTotal != 3 || im.RowsDone != 3 || im.Inserted != 6 || im.Updated != 0 {
			t.Errorf("first import = status %s, rows %d/%d, inserted %d, updated %d; want done, 3/3, 6 (3 items, 3 customers), 0",
				im.Status, im.RowsDone, im.RowsTotal, im.Inserted, im.Updated)
		}
		if c := count(t, s, ws); c.Items != 3 || c.Customers != 3 {
			t.Errorf("after import the workspace holds %+v, want 3 items and 3 customers", c)
		}
		items, _, err := s.FeedbackItems(ctx, ws, store.FeedbackFilter{Question: feedback.NPS}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]feedback.Item{}
		for _, it := range items {
			byID[it.ExternalID] = it
		}
		if r1 := byID["r1"]; r1.Score == nil || *r1.Score != 0 || r1.Text != "Setup took days, support was slow" {
			t.Errorf("r1 = score %v, text %q; want 0 and the comment", r1.Score, r1.Text)
		}
		// A time without an offset is in the mapping's zone: 09:15 in Berlin is 08:15 UTC.
		if got := byID["r3"].At.Format("2006-01-02T15:04Z07:00"); got != "2026-03-03T08:15Z" {
			t.Errorf("r3 at = %s, want 2026-03-03T08:15Z", got)
		}
		if got := byID["r2"].At.Format("15:04"); got != "09:30" {
			t.Errorf("r2 at = %s UTC, want 09:30 (11:30 at +02:00)", got)
		}

		again, err := ingest.Run(ctx, s, audit.System, ws, opener(survey), ingest.Options{Mapping: mapping()})
		if err != nil {
			t.Fatal(err)
		}
		if again.ID == im.ID || again.Inserted != 0 || again.Updated != 0 || again.Unchanged != 6 {
			t.Errorf("re-import = id %d (first %d), inserted %d, updated %d, unchanged %d; want a new job with 6 unchanged",
				again.ID, im.ID, again.Inserted, again.Updated, again.Unchanged)
		}
		if c := count(t, s, ws); c.Items != 3 {
			t.Errorf("after the re-import the workspace holds %d items, want 3", c.Items)
		}
	})
}

func TestRunRefusesAFileWithABadRecord(t *testing.T) {
	bad := survey + "r4,2026-03-04T10:00:00Z,c4,pro,11,too high\nr5,yesterday,c5,pro,abc,\n"
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws := workspaceOf(t, s)
		im, err := ingest.Run(ctx, s, audit.System, ws, opener(bad), ingest.Options{Mapping: mapping()})
		var refused *ingest.RefusedError
		if !errors.As(err, &refused) {
			t.Fatalf("Run = %v, want a RefusedError", err)
		}
		if im.Status != feedback.ImportRefused || im.Invalid != 2 || im.RowsTotal != 5 {
			t.Errorf("refused import = %s, %d invalid of %d; want refused, 2 of 5", im.Status, im.Invalid, im.RowsTotal)
		}
		want := []feedback.Problem{
			{Row: 5, Column: "nps", Message: "11 is outside the scale 0 to 10"},
			{Row: 6, Column: "submitted_at"},
			{Row: 6, Column: "nps", Message: `"abc" is not a number`},
		}
		if len(im.Problems) != len(want) {
			t.Fatalf("problems = %v, want %d", im.Problems, len(want))
		}
		for i, w := range want {
			got := im.Problems[i]
			if got.Row != w.Row || got.Column != w.Column || w.Message != "" && got.Message != w.Message {
				t.Errorf("problem %d = %s, want row %d, column %s, %q", i, got, w.Row, w.Column, w.Message)
			}
		}
		if c := count(t, s, ws); c.Items != 0 || c.Customers != 0 {
			t.Errorf("a refused import left %+v behind, want nothing", c)
		}

		var heard []feedback.Problem
		im, err = ingest.Run(ctx, s, audit.System, ws, opener(bad), ingest.Options{Mapping: mapping(), SkipInvalid: true,
			OnProblem: func(p feedback.Problem) { heard = append(heard, p) }})
		if err != nil {
			t.Fatal(err)
		}
		if im.Status != feedback.ImportDone || im.Invalid != 2 || im.RowsDone != 5 || len(heard) != 3 {
			t.Errorf("skip-invalid import = %s, invalid %d, rows done %d, %d problems heard; want done, 2, 5, 3",
				im.Status, im.Invalid, im.RowsDone, len(heard))
		}
		if c := count(t, s, ws); c.Items != 3 {
			t.Errorf("skip-invalid import wrote %d items, want the 3 valid ones", c.Items)
		}
	})
}

func TestRunResumesAfterAnInterruption(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws := workspaceOf(t, s)
		ctx, cancel := context.WithCancel(t.Context())
		// Stop after the first batch of one record, as a crash between batches would.
		opts := ingest.Options{Mapping: mapping(), BatchSize: 1, Progress: func(p ingest.Progress) {
			if p.Phase == ingest.Writing && p.Rows == 1 {
				cancel()
			}
		}}
		first, err := ingest.Run(ctx, s, audit.System, ws, opener(survey), opts)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted Run = %v, want context.Canceled", err)
		}
		stopped, err := s.Import(t.Context(), ws, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stopped.Status != feedback.ImportRunning || stopped.RowsDone != 1 {
			t.Fatalf("interrupted import = %s at %d, want running at 1", stopped.Status, stopped.RowsDone)
		}
		var resumedFrom int64 = -1
		opts.Progress = func(p ingest.Progress) { resumedFrom = p.Resumed }
		done, err := ingest.Run(t.Context(), s, audit.System, ws, opener(survey), opts)
		if err != nil {
			t.Fatal(err)
		}
		if done.ID != first.ID || resumedFrom != 1 || done.RowsDone != 3 || done.Inserted != 6 || done.Status != feedback.ImportDone {
			t.Errorf("resumed import = id %d (want %d), resumed from %d (want 1), rows %d, inserted %d, %s; want 3 rows, 6 inserted, done",
				done.ID, first.ID, resumedFrom, done.RowsDone, done.Inserted, done.Status)
		}
		if c := count(t, s, ws); c.Items != 3 {
			t.Errorf("after resuming the workspace holds %d items, want 3", c.Items)
		}
	})
}
