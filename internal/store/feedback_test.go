package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

func twoWorkspaces(t *testing.T, s *store.Store) (int64, int64) {
	t.Helper()
	ana, bo := mustUser(t, s, "ana@example.com"), mustUser(t, s, "bo@example.com")
	ws, err := s.CreateWorkspace(t.Context(), audit.System, ana.ID, workspace.CreateInput{Name: "W"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.CreateWorkspace(t.Context(), audit.System, bo.ID, workspace.CreateInput{Name: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	return ws.ID, other.ID
}

func score(f float64) *float64 { return &f }

func npsItem(id string, s float64, at time.Time) feedback.Item {
	it := feedback.Item{SourceKind: feedback.Survey, Source: "qualtrics", ExternalID: id, CustomerExternalID: "c-" + id,
		At: at, Question: feedback.NPS, Score: score(s), Text: "comment " + id, Attributes: map[string]string{"plan": "pro"}}
	it.Normalize()
	return it
}

func TestWriteFeedbackUpserts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws, other := twoWorkspaces(t, s)
		at := time.Date(2026, 3, 1, 12, 30, 0, 0, time.UTC)
		b := &store.Batch{Items: []feedback.Item{npsItem("r1", 0, at), npsItem("r2", 9, at), npsItem("r3", 7, at)}}
		c, err := s.WriteFeedback(ctx, ws, b)
		if err != nil {
			t.Fatal(err)
		}
		if want := (store.Counts{Inserted: 3}); c != want {
			t.Errorf("first write = %+v, want %+v", c, want)
		}
		// The same items again change nothing, and keep their versions.
		c, err = s.WriteFeedback(ctx, ws, b)
		if err != nil {
			t.Fatal(err)
		}
		if want := (store.Counts{Unchanged: 3}); c != want {
			t.Errorf("same write again = %+v, want %+v", c, want)
		}
		// One changed item is updated; the same external id in another workspace is its own.
		changed := npsItem("r2", 10, at)
		c, err = s.WriteFeedback(ctx, ws, &store.Batch{Items: []feedback.Item{changed, npsItem("r1", 0, at)}})
		if err != nil {
			t.Fatal(err)
		}
		if want := (store.Counts{Updated: 1, Unchanged: 1}); c != want {
			t.Errorf("write with one change = %+v, want %+v", c, want)
		}
		if c, err = s.WriteFeedback(ctx, other, &store.Batch{Items: []feedback.Item{npsItem("r1", 3, at)}}); err != nil || c.Inserted != 1 {
			t.Errorf("write to the other workspace = %+v, %v; want 1 inserted", c, err)
		}

		items, next, err := s.FeedbackItems(ctx, ws, store.FeedbackFilter{}, store.Page{})
		if err != nil || next != 0 {
			t.Fatalf("FeedbackItems = %v, next %d", err, next)
		}
		got := map[string]feedback.Item{}
		for _, it := range items {
			got[it.ExternalID] = it
		}
		if len(items) != 3 {
			t.Fatalf("workspace holds %d items, want 3", len(items))
		}
		r1 := got["r1"]
		if r1.Score == nil || *r1.Score != 0 {
			t.Errorf("r1 score = %v, want 0 (a score of 0 is a score)", r1.Score)
		}
		if r1.Version != 1 || got["r2"].Version != 2 || *got["r2"].Score != 10 {
			t.Errorf("versions r1 %d, r2 %d (score %v); want 1 and 2 (10)", r1.Version, got["r2"].Version, *got["r2"].Score)
		}
		want := npsItem("r1", 0, at)
		if diff := cmp.Diff(want, r1, cmpopts.IgnoreFields(feedback.Item{}, "ID", "WorkspaceID", "CreatedAt", "UpdatedAt", "Version")); diff != "" {
			t.Errorf("stored item differs (-want +got):\n%s", diff)
		}
		if _, err := s.FeedbackItem(ctx, other, r1.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("FeedbackItem of another workspace = %v, want not found", err)
		}
		counts, err := s.CountFeedback(ctx, other)
		if err != nil || counts.Items != 1 {
			t.Errorf("CountFeedback(other) = %+v, %v; want 1 item", counts, err)
		}
	})
}

func TestWriteCustomersMergeAndEventsDeduplicate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws, _ := twoWorkspaces(t, s)
		signup := time.Date(2025, 11, 3, 0, 0, 0, 0, time.UTC)
		b := &store.Batch{Customers: []feedback.Customer{
			{ExternalID: "c1", Plan: "pro", Region: "EU", SignupAt: signup, Revenue: score(49), Attributes: map[string]string{"seats": "5"}},
		}}
		if c, err := s.WriteFeedback(ctx, ws, b); err != nil || c.Inserted != 1 {
			t.Fatalf("write customer = %+v, %v", c, err)
		}
		// A later file that names only the plan keeps the rest, and merges attributes.
		b = &store.Batch{Customers: []feedback.Customer{{ExternalID: "c1", Plan: "enterprise", Attributes: map[string]string{"csm": "Lee"}}}}
		if c, err := s.WriteFeedback(ctx, ws, b); err != nil || c.Updated != 1 {
			t.Fatalf("update customer = %+v, %v", c, err)
		}
		if c, err := s.WriteFeedback(ctx, ws, b); err != nil || c.Unchanged != 1 {
			t.Errorf("same update again = %+v, %v; want unchanged", c, err)
		}
		cs, _, err := s.Customers(ctx, ws, store.Page{})
		if err != nil || len(cs) != 1 {
			t.Fatalf("Customers = %v, %v", cs, err)
		}
		got := cs[0]
		if got.Plan != "enterprise" || got.Region != "EU" || !got.SignupAt.Equal(signup) || *got.Revenue != 49 ||
			!cmp.Equal(got.Attributes, map[string]string{"seats": "5", "csm": "Lee"}) {
			t.Errorf("merged customer = %+v", got)
		}

		at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
		ev := []feedback.Event{{CustomerExternalID: "c1", Name: "form_created", At: at}, {CustomerExternalID: "c1", Name: "renewed", At: at, Value: score(588)}}
		if c, err := s.WriteFeedback(ctx, ws, &store.Batch{Events: ev}); err != nil || c.Inserted != 2 {
			t.Fatalf("write events = %+v, %v", c, err)
		}
		if c, err := s.WriteFeedback(ctx, ws, &store.Batch{Events: append(ev, ev[0])}); err != nil || c.Unchanged != 3 {
			t.Errorf("same events again = %+v, %v; want 3 unchanged", c, err)
		}
		evs, _, err := s.CustomerEvents(ctx, ws, "c1", store.Page{})
		if err != nil || len(evs) != 2 {
			t.Errorf("CustomerEvents = %d events, %v; want 2", len(evs), err)
		}
	})
}

func TestImportBatchesMoveTheMarker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws, other := twoWorkspaces(t, s)
		im, err := s.CreateImport(ctx, audit.System, ws, feedback.Import{Target: "feedback", Format: "csv",
			FileSHA256: "abc", FileSize: 10, Mapping: []byte(`{"format":"csv"}`)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UnfinishedImport(ctx, other, "abc", "feedback", im.Mapping); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("UnfinishedImport in another workspace = %v, want not found", err)
		}
		found, err := s.UnfinishedImport(ctx, ws, "abc", "feedback", im.Mapping)
		if err != nil || found.ID != im.ID {
			t.Fatalf("UnfinishedImport = %d, %v; want %d", found.ID, err, im.ID)
		}
		if err := s.StartImportWrites(ctx, ws, im.ID, 4, 0, nil); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		batch := func(ids ...int) *store.Batch {
			b := &store.Batch{}
			for _, i := range ids {
				b.Items = append(b.Items, npsItem(fmt.Sprint("r", i), 8, at))
			}
			return b
		}
		if _, err := s.CommitImportBatch(ctx, ws, im.ID, 0, 2, batch(1, 2)); err != nil {
			t.Fatal(err)
		}
		// A second writer that thinks the import is still at 0 writes nothing.
		if _, err := s.CommitImportBatch(ctx, ws, im.ID, 0, 2, batch(3, 4)); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("batch from a stale marker = %v, want a conflict", err)
		}
		if c, _ := s.CountFeedback(ctx, ws); c.Items != 2 {
			t.Errorf("after the refused batch the workspace holds %d items, want 2", c.Items)
		}
		if _, err := s.CommitImportBatch(ctx, other, im.ID, 2, 4, batch(3, 4)); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("batch through another workspace = %v, want a conflict (the import is not there)", err)
		}
		if _, err := s.CommitImportBatch(ctx, ws, im.ID, 2, 4, batch(3, 4)); err != nil {
			t.Fatal(err)
		}
		done, err := s.FinishImport(ctx, audit.System, ws, im.ID, feedback.ImportDone, 4, 0, nil, "")
		if err != nil {
			t.Fatal(err)
		}
		if done.Status != feedback.ImportDone || done.RowsDone != 4 || done.Inserted != 4 || done.FinishedAt.IsZero() {
			t.Errorf("finished import = %+v", done)
		}
		if _, err := s.UnfinishedImport(ctx, ws, "abc", "feedback", im.Mapping); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("UnfinishedImport after finishing = %v, want not found", err)
		}
		if _, err := s.Import(ctx, other, im.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("Import from another workspace = %v, want not found", err)
		}
	})
}
