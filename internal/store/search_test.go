package store_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

// searchItem is a feedback item for the search tests: id names it, day is its day of March 2026.
func searchItem(id, text string, day int, mod func(it *feedback.Item)) feedback.Item {
	it := feedback.Item{SourceKind: feedback.Ticket, Source: "zendesk", ExternalID: id, At: time.Date(2026, 3, day, 12, 0, 0, 0, time.UTC),
		Text: text}
	if mod != nil {
		mod(&it)
	}
	it.Normalize()
	return it
}

// searchFixture writes the items the search tests look for into ws, and look-alikes into other.
func searchFixture(t *testing.T, s *store.Store, ws, other int64) {
	t.Helper()
	items := []feedback.Item{
		searchItem("crash", "The billing page crashed when I updated my card", 1, func(it *feedback.Item) {
			it.CustomerExternalID, it.Touchpoint, it.Attributes = "c1", "Billing", map[string]string{"plan": "pro"}
		}),
		searchItem("twice", "I was billed twice this month, please refund", 2, func(it *feedback.Item) {
			it.SourceKind, it.Source, it.Question, it.Score = feedback.Survey, "qualtrics", feedback.NPS, score(2)
			it.Attributes = map[string]string{"plan": "free", "$odd.key": "x", "tier-1_b": "gold", `we"ird`: "y"}
		}),
		searchItem("quick", "Support was quick and friendly", 3, func(it *feedback.Item) {
			it.SourceKind, it.Source, it.Question, it.Score = feedback.Survey, "qualtrics", feedback.NPS, score(10)
		}),
		searchItem("templates", "Love the new templates; the page loads fast", 4, func(it *feedback.Item) {
			it.SourceKind, it.Source, it.Question, it.Score = feedback.Review, "g2", feedback.CSAT, score(5)
			it.Attributes = map[string]string{"plan": "enterprise"}
		}),
		searchItem("again", "Crashed again on the billing page", 5, func(it *feedback.Item) { it.Excluded = true }),
		searchItem("cafe", "Le café était froid: résumé export was slow", 6, nil),
		searchItem("empty", "", 7, nil),
		searchItem("mail", "No e-mail came after the export", 8, nil),
	}
	if _, err := s.WriteFeedback(t.Context(), ws, &store.Batch{Items: items}); err != nil {
		t.Fatal(err)
	}
	theirs := []feedback.Item{
		searchItem("crash", "The billing page crashed when I updated my card", 1, nil),
		searchItem("theirs", "billing refund templates support crashed page café", 2, nil),
	}
	if _, err := s.WriteFeedback(t.Context(), other, &store.Batch{Items: theirs}); err != nil {
		t.Fatal(err)
	}
}

// search runs a search and returns the external ids of every hit, reading all pages.
func search(t *testing.T, s *store.Store, ws int64, q store.SearchQuery) []string {
	t.Helper()
	var ids []string
	p := store.Page{Limit: 2}
	for range 100 {
		hits, next, err := s.SearchFeedback(t.Context(), ws, q, p)
		if err != nil {
			t.Fatalf("SearchFeedback(%+v) = %v", q, err)
		}
		for _, h := range hits {
			if h.Item.WorkspaceID != ws {
				t.Fatalf("SearchFeedback(%q) in workspace %d returned item %d of workspace %d", q.Text, ws, h.Item.ID, h.Item.WorkspaceID)
			}
			ids = append(ids, h.Item.ExternalID)
		}
		if next == 0 {
			return ids
		}
		p.After = next
	}
	t.Fatalf("SearchFeedback(%q) did not end", q.Text)
	return nil
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestSearchFeedbackWordsAndFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws, other := twoWorkspaces(t, s)
		searchFixture(t, s, ws, other)
		yes, no := true, false
		at := func(day int) time.Time { return time.Date(2026, 3, day, 0, 0, 0, 0, time.UTC) }
		for _, c := range []struct {
			name string
			q    store.SearchQuery
			want []string
		}{
			{"a word finds its forms", store.SearchQuery{Text: "billing"}, []string{"again", "crash", "twice"}},
			{"case does not matter", store.SearchQuery{Text: "CRASHES"}, []string{"again", "crash"}},
			{"every word must appear", store.SearchQuery{Text: "billing page"}, []string{"again", "crash"}},
			{"a phrase keeps its order", store.SearchQuery{Text: `"page crashed"`}, []string{"crash"}},
			{"a word left out", store.SearchQuery{Text: "billing -refund"}, []string{"again", "crash"}},
			{"a phrase left out", store.SearchQuery{Text: `billing -"billing page"`}, []string{"twice"}},
			{"either word", store.SearchQuery{Text: "refund OR templates"}, []string{"templates", "twice"}},
			{"either word, and another", store.SearchQuery{Text: "refund or templates page"}, []string{"templates"}},
			{"no match", store.SearchQuery{Text: "kubernetes"}, nil},
			{"by source", store.SearchQuery{Text: "billing", Source: " Zendesk "}, []string{"again", "crash"}},
			{"by source kind", store.SearchQuery{Text: "billing", SourceKind: feedback.Survey}, []string{"twice"}},
			{"by question", store.SearchQuery{Text: "page OR billing", Question: feedback.CSAT}, []string{"templates"}},
			{"by score", store.SearchQuery{Text: "billed OR support OR templates", ScoreMin: score(3), ScoreMax: score(9)}, []string{"templates"}},
			{"by least score", store.SearchQuery{Text: "billed OR support OR templates", ScoreMin: score(5)}, []string{"quick", "templates"}},
			{"by touchpoint", store.SearchQuery{Text: "billing", Touchpoint: "Billing"}, []string{"crash"}},
			{"by time", store.SearchQuery{Text: "billing", From: at(2), To: at(5)}, []string{"twice"}},
			{"by customer", store.SearchQuery{Text: "billing", Customer: "c1"}, []string{"crash"}},
			{"by attribute", store.SearchQuery{Text: "billing", Attributes: map[string][]string{"plan": {"pro"}}}, []string{"crash"}},
			{"by attribute values", store.SearchQuery{Text: "billing", Attributes: map[string][]string{"plan": {"pro", "free"}}}, []string{"crash", "twice"}},
			{"by two attributes", store.SearchQuery{Text: "billing", Attributes: map[string][]string{"plan": {"pro", "free"}, "$odd.key": {"x"}}}, []string{"twice"}},
			{"by attribute keys of every shape", store.SearchQuery{Text: "billing", Attributes: map[string][]string{"tier-1_b": {"gold"}, `we"ird`: {"y"}}}, []string{"twice"}},
			{"by attribute absent", store.SearchQuery{Text: "billing", Attributes: map[string][]string{"tier-1_b": {"silver"}}}, nil},
			{"excluded only", store.SearchQuery{Text: "billing", Excluded: &yes}, []string{"again"}},
			{"not excluded", store.SearchQuery{Text: "billing", Excluded: &no}, []string{"crash", "twice"}},
		} {
			if got := sorted(search(t, s, ws, c.q)); !slices.Equal(got, c.want) {
				t.Errorf("%s: SearchFeedback(%+v) = %q, want %q", c.name, c.q, got, c.want)
			}
		}
		// The other workspace finds only its own items, with the same words.
		if got := sorted(search(t, s, other, store.SearchQuery{Text: "billing"})); !slices.Equal(got, []string{"crash", "theirs"}) {
			t.Errorf("search in the other workspace = %q, want its own two items", got)
		}
		// Diacritics: SQLite's tokenizer folds them; PostgreSQL's english configuration keeps
		// them (unaccent is an extension Lodestar does not require).
		got := search(t, s, ws, store.SearchQuery{Text: "resume"})
		if want := s.Driver() == config.DriverSQLite; (len(got) == 1) != want {
			t.Errorf("%s: search for resume found %q; want résumé found: %v", s.Driver(), got, want)
		}
		if got := search(t, s, ws, store.SearchQuery{Text: "café"}); !slices.Equal(got, []string{"cafe"}) {
			t.Errorf("search for café = %q", got)
		}
	})
}

// Whatever a user types, the search never fails with a syntax error: what holds a word is a
// search, and what holds none is refused as invalid.
func TestSearchFeedbackHostileInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws, other := twoWorkspaces(t, s)
		searchFixture(t, s, ws, other)
		for _, text := range []string{
			`"`, `""`, `"""`, `billing"`, `"billing`, `bill"ing`, `AND`, `OR`, `NOT`, `NOT billing`, `billing NOT`, `billing AND`,
			`billing OR`, `OR billing`, `NEAR(billing page)`, `NEAR`, `billing*`, `*`, `text:billing`, `feedback_fts:billing`,
			`^billing`, `'; DROP TABLE feedback_items; --`, `-`, `--billing`, `- billing`, `billing -`, `(billing`, `billing)`,
			`{text}: billing`, `e-mail`, `a+b`, `100%`, `\`, `\"billing\"`, `:*`, `billing:*`, `!billing`, `billing & page | x`,
			`<->`, `billing <-> page`, `!!billing`, `日本語`, `🙂 billing`, `billing ` + strings.Repeat("x", 990), `$1`, `?1`, `@@`,
			"billing\tpage\ncrashed", `-"`, `"-billing"`, `-"billing page`, `'billing'`, `''`, `(`, `)`, `"a" "b"`, `billing -billing`,
			strings.Repeat(`"`, 50), strings.Repeat("-", 50), `rank`, `rowid = 1`, "\u00a0billing\u00a0", "\uE000billing\uE001",
		} {
			hits, _, err := s.SearchFeedback(t.Context(), ws, store.SearchQuery{Text: text}, store.Page{})
			var inv *fault.InvalidError
			if err != nil && (!errors.As(err, &inv) || len(inv.Fields) != 1 || inv.Fields[0].Field != "q") {
				t.Errorf("SearchFeedback(%q) = %v, want hits or an invalid q", text, err)
			}
			for _, h := range hits {
				if h.Item.WorkspaceID != ws {
					t.Errorf("SearchFeedback(%q) found item %d of workspace %d", text, h.Item.ID, h.Item.WorkspaceID)
				}
			}
		}
		// Quote marks and operators are words or nothing, never syntax.
		for text, want := range map[string][]string{
			`"billing`:     {"again", "crash", "twice"},
			`billing"page`: {"again", "crash"},
			`NOT billing`:  {"again", "crash", "twice"},
			// Words joined by punctuation are a phrase, as both databases read them.
			`text:billing`:       nil,
			`page:billing`:       nil,
			`billing-page`:       {"again", "crash"},
			`e-mail`:             {"mail"},
			`"e mail"`:           {"mail"},
			`NEAR(billing page)`: nil,
			`NEAR billing page`:  nil,
			`billing*`:           {"again", "crash", "twice"},
			`billing -billing`:   nil,
		} {
			if got := sorted(search(t, s, ws, store.SearchQuery{Text: text})); !slices.Equal(got, want) {
				t.Errorf("SearchFeedback(%q) = %q, want %q", text, got, want)
			}
		}
	})
}

func TestSearchFeedbackValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ws, _ := twoWorkspaces(t, s)
		for _, c := range []struct {
			q     store.SearchQuery
			p     store.Page
			field string
		}{
			{store.SearchQuery{}, store.Page{}, "q"},
			{store.SearchQuery{Text: "   "}, store.Page{}, "q"},
			{store.SearchQuery{Text: "-refund"}, store.Page{}, "q"},
			{store.SearchQuery{Text: "... --- !!!"}, store.Page{}, "q"},
			{store.SearchQuery{Text: strings.Repeat("word ", 40)}, store.Page{}, "q"},
			{store.SearchQuery{Text: strings.Repeat("x", 1001)}, store.Page{}, "q"},
			{store.SearchQuery{Text: "bill\x00ing"}, store.Page{}, "q"},
			{store.SearchQuery{Text: "billing", Source: "a\x00"}, store.Page{}, "source"},
			{store.SearchQuery{Text: "billing", SourceKind: "email"}, store.Page{}, "source_kind"},
			{store.SearchQuery{Text: "billing", Question: "none"}, store.Page{}, "question"},
			{store.SearchQuery{Text: "billing", ScoreMin: score(9), ScoreMax: score(3)}, store.Page{}, "score_max"},
			{store.SearchQuery{Text: "billing", From: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}, store.Page{}, "to"},
			{store.SearchQuery{Text: "billing", Attributes: map[string][]string{"": {"x"}}}, store.Page{}, "attr"},
			{store.SearchQuery{Text: "billing", Attributes: map[string][]string{"plan": slices.Repeat([]string{"x"}, 21)}}, store.Page{}, "attr"},
			{store.SearchQuery{Text: "billing"}, store.Page{After: store.MaxSearchHits}, "cursor"},
		} {
			_, _, err := s.SearchFeedback(t.Context(), ws, c.q, c.p)
			if got := invalidField(err); got != c.field {
				t.Errorf("SearchFeedback(%+v, %+v) = %v, want an invalid %s", c.q, c.p, err, c.field)
			}
		}
	})
}

func TestSearchFeedbackOrderPagesAndSnippets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws, other := twoWorkspaces(t, s)
		long := strings.Repeat("Setup was long and the docs were thin. ", 6) + "Then the invoice arrived wrong. " +
			strings.Repeat("We asked support many times about it. ", 6)
		var items []feedback.Item
		// Five items of the same text tie on rank, and come in id order.
		for i := range 5 {
			items = append(items, searchItem(fmt.Sprint("same", i), "invoice invoice", 1, nil))
		}
		items = append(items,
			searchItem("long", long, 2, nil),
			searchItem("once", "One invoice, among many other words in a longer comment about our account manager", 3, nil),
			searchItem("accent", "Ça m'a énervé : l'invoice était fausse", 4, nil),
			searchItem("pua", "odd \uE000 mark before the invoice", 5, nil),
		)
		if _, err := s.WriteFeedback(ctx, ws, &store.Batch{Items: items}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.WriteFeedback(ctx, other, &store.Batch{Items: []feedback.Item{searchItem("x", "invoice invoice invoice", 1, nil)}}); err != nil {
			t.Fatal(err)
		}
		all, next, err := s.SearchFeedback(ctx, ws, store.SearchQuery{Text: "invoices"}, store.Page{})
		if err != nil || next != 0 || len(all) != len(items) {
			t.Fatalf("SearchFeedback = %d hits, next %d, %v; want %d hits on one page", len(all), next, err, len(items))
		}
		for i := 1; i < len(all); i++ {
			a, b := all[i-1], all[i]
			if a.Rank < b.Rank || a.Rank == b.Rank && a.Item.ID > b.Item.ID {
				t.Errorf("hit %d (id %d, rank %g) before hit %d (id %d, rank %g): want rank descending, then id", i-1, a.Item.ID, a.Rank, i, b.Item.ID, b.Rank)
			}
		}
		// Ties: the five equal texts rank equally, so they come in id order, together.
		var same []int64
		for _, h := range all {
			if strings.HasPrefix(h.Item.ExternalID, "same") {
				same = append(same, h.Item.ID)
			}
		}
		if !slices.IsSorted(same) || len(same) != 5 {
			t.Errorf("equal texts came as ids %v, want five in id order", same)
		}
		if all[0].Rank <= all[len(all)-1].Rank {
			t.Errorf("ranks run from %g to %g, want the best first", all[0].Rank, all[len(all)-1].Rank)
		}
		// Pages of any size follow the one-page order without gap or repeat.
		for _, size := range []int{1, 2, 3, 4} {
			var ids []int64
			p := store.Page{Limit: size}
			for {
				hits, next, err := s.SearchFeedback(ctx, ws, store.SearchQuery{Text: "invoices"}, p)
				if err != nil {
					t.Fatal(err)
				}
				if len(hits) > size {
					t.Fatalf("page of %d holds %d hits", size, len(hits))
				}
				for _, h := range hits {
					ids = append(ids, h.Item.ID)
				}
				if next == 0 {
					break
				}
				p.After = next
			}
			var want []int64
			for _, h := range all {
				want = append(want, h.Item.ID)
			}
			if !slices.Equal(ids, want) {
				t.Errorf("pages of %d gave ids %v, want %v", size, ids, want)
			}
		}

		// Snippets: plain text, matches by code point, … where the text was cut.
		byID := map[string]store.SearchHit{}
		for _, h := range all {
			byID[h.Item.ExternalID] = h
		}
		marked := func(h store.SearchHit) []string {
			r := []rune(h.Snippet)
			var out []string
			for _, sp := range h.Highlights {
				if sp.Start < 0 || sp.End > len(r) || sp.Start >= sp.End {
					t.Fatalf("highlight %+v outside snippet %q", sp, h.Snippet)
				}
				out = append(out, string(r[sp.Start:sp.End]))
			}
			return out
		}
		for _, h := range all {
			if strings.ContainsAny(h.Snippet, "\uE000\uE001") && h.Item.ExternalID != "pua" {
				t.Errorf("snippet %q holds a delimiter", h.Snippet)
			}
		}
		if h := byID["same0"]; h.Snippet != "invoice invoice" || !slices.Equal(marked(h), []string{"invoice", "invoice"}) {
			t.Errorf("short text: snippet %q, highlights %q", h.Snippet, marked(h))
		}
		if h := byID["long"]; !strings.HasPrefix(h.Snippet, "…") || !strings.HasSuffix(h.Snippet, "…") ||
			!strings.Contains(h.Snippet, "invoice arrived") || !slices.Equal(marked(h), []string{"invoice"}) || len(h.Snippet) > len(long)/2 {
			t.Errorf("long text: snippet %q, highlights %q; want an excerpt around the invoice, cut at both ends", h.Snippet, marked(h))
		}
		// Offsets count code points: é before the match is one.
		if h := byID["accent"]; !slices.Equal(marked(h), []string{"invoice"}) || !strings.Contains(h.Snippet, "énervé : l'invoice") {
			t.Errorf("text with accents: snippet %q, highlights %q %+v", h.Snippet, marked(h), h.Highlights)
		}
		if h := byID["pua"]; len(h.Highlights) != 0 || !strings.Contains(h.Snippet, "invoice") {
			t.Errorf("text holding a delimiter: snippet %q, highlights %+v; want the text and no highlights", h.Snippet, h.Highlights)
		}
	})
}

// The index follows every write: the upserts of the API and of imports (COPY on PostgreSQL),
// edits, deletes and the deletion of a workspace.
func TestSearchIndexFollowsWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws, other := twoWorkspaces(t, s)
		searchFixture(t, s, ws, other)
		find := func(text string) []string { return sorted(search(t, s, ws, store.SearchQuery{Text: text})) }

		// A changed text replaces the old words; a change of score alone keeps them.
		changed := searchItem("quick", "Support was slow to answer", 3, func(it *feedback.Item) {
			it.SourceKind, it.Source, it.Question, it.Score = feedback.Survey, "qualtrics", feedback.NPS, score(10)
		})
		if c, err := s.WriteFeedback(ctx, ws, &store.Batch{Items: []feedback.Item{changed}}); err != nil || c.Updated != 1 {
			t.Fatalf("WriteFeedback = %+v, %v", c, err)
		}
		if got := find("quick"); got != nil {
			t.Errorf("after the text changed, quick finds %q", got)
		}
		if got := find("slow"); !slices.Equal(got, []string{"cafe", "quick"}) {
			t.Errorf("after the text changed, slow finds %q", got)
		}
		changed.Score = score(4)
		if c, err := s.WriteFeedback(ctx, ws, &store.Batch{Items: []feedback.Item{changed}}); err != nil || c.Updated != 1 {
			t.Fatalf("WriteFeedback = %+v, %v", c, err)
		}
		if got := find("answer"); !slices.Equal(got, []string{"quick"}) {
			t.Errorf("after the score changed, answer finds %q", got)
		}

		// Imports: new items and changed texts, through CommitImportBatch.
		im, err := s.CreateImport(ctx, audit.System, ws, feedback.Import{Target: "feedback", Format: "csv",
			FileSHA256: "search", FileSize: 1, Mapping: []byte(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.StartImportWrites(ctx, ws, im.ID, 3, 0, nil); err != nil {
			t.Fatal(err)
		}
		b := &store.Batch{Items: []feedback.Item{
			searchItem("imported", "Onboarding checklist was confusing", 8, nil),
			searchItem("templates", "Templates gallery is empty", 4, func(it *feedback.Item) {
				it.SourceKind, it.Source, it.Question, it.Score = feedback.Review, "g2", feedback.CSAT, score(5)
			}),
			searchItem("imported", "Onboarding checklist was confusing, twice", 8, nil), // the last of a key wins
		}}
		if _, err := s.CommitImportBatch(ctx, ws, im.ID, 0, 3, b); err != nil {
			t.Fatal(err)
		}
		if got := find("onboarding twice"); !slices.Equal(got, []string{"imported"}) {
			t.Errorf("after the import, onboarding twice finds %q", got)
		}
		if got := find("gallery"); !slices.Equal(got, []string{"templates"}) {
			t.Errorf("after the import, gallery finds %q", got)
		}
		if got := find("loads"); got != nil {
			t.Errorf("after the import replaced its text, loads finds %q", got)
		}

		// Edits by hand change no text; deletes take the item out.
		hits, _, err := s.SearchFeedback(ctx, ws, store.SearchQuery{Text: "onboarding"}, store.Page{})
		if err != nil || len(hits) != 1 {
			t.Fatalf("SearchFeedback = %d hits, %v", len(hits), err)
		}
		yes := true
		it, err := s.UpdateFeedbackItem(ctx, audit.System, ws, hits[0].Item.ID, hits[0].Item.Version, feedback.ItemUpdate{Excluded: &yes})
		if err != nil {
			t.Fatal(err)
		}
		if got := sorted(search(t, s, ws, store.SearchQuery{Text: "onboarding", Excluded: &yes})); !slices.Equal(got, []string{"imported"}) {
			t.Errorf("after excluding it, an excluded-only search finds %q", got)
		}
		if err := s.DeleteFeedbackItem(ctx, audit.System, ws, it.ID, it.Version); err != nil {
			t.Fatal(err)
		}
		if got := find("onboarding"); got != nil {
			t.Errorf("after the delete, onboarding finds %q", got)
		}

		// Deleting a workspace takes its items out of the index; the other's stay.
		w, err := s.Workspace(ctx, other)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteWorkspace(ctx, audit.System, other, w.Version); err != nil {
			t.Fatal(err)
		}
		if got := find("billing"); !slices.Equal(got, []string{"again", "crash", "twice"}) {
			t.Errorf("after deleting the other workspace, billing finds %q", got)
		}
		if err := s.CheckSearchIndex(ctx); err != nil {
			t.Errorf("CheckSearchIndex = %v", err)
		}
		if err := s.CheckIntegrity(ctx); err != nil {
			t.Errorf("CheckIntegrity = %v", err)
		}
	})
}

// The migration indexes the feedback already there: undo it on a database with feedback, and
// run its file again.
func TestSearchMigrationIndexesExistingFeedback(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws, other := twoWorkspaces(t, s)
		files, err := filepath.Glob(filepath.Join("migrations", s.Driver(), "*_feedback_search.sql"))
		if err != nil || len(files) != 1 {
			t.Fatalf("the search migration of %s: %q, %v", s.Driver(), files, err)
		}
		migration, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		undo := []string{`DROP TRIGGER feedback_fts_insert`, `DROP TRIGGER feedback_fts_delete`, `DROP TRIGGER feedback_fts_update`,
			`DROP TABLE feedback_fts`}
		if s.Driver() == config.DriverPostgres {
			undo = []string{`ALTER TABLE feedback_items DROP COLUMN search`}
		}
		for _, q := range undo {
			if err := s.ExecForTest(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		searchFixture(t, s, ws, other)
		if err := s.ExecForTest(ctx, string(migration)); err != nil {
			t.Fatalf("%s: %v", files[0], err)
		}
		if got := sorted(search(t, s, ws, store.SearchQuery{Text: "billing"})); !slices.Equal(got, []string{"again", "crash", "twice"}) {
			t.Errorf("after the migration, billing finds %q", got)
		}
		if err := s.CheckSearchIndex(ctx); err != nil {
			t.Errorf("CheckSearchIndex = %v", err)
		}
	})
}

// benchWords are the words of the benchmark's generated comments: a few common, most rare.
var benchWords = strings.Fields(`support billing invoice slow fast page crashed onboarding templates export pricing
	refund login password mobile app dashboard report chart integration slack salesforce email notification search filter
	great love hate confusing easy helpful friendly waited days hours answer ticket agent manager renewal contract
	discount upgrade downgrade plan seat user admin permission sso bug error timeout load sync calendar reminder survey`)

// BenchmarkSearchFeedback searches a workspace of SEARCH_BENCH_ITEMS (default 100,000)
// generated feedback items, on SQLite and, when configured, PostgreSQL.
func BenchmarkSearchFeedback(b *testing.B) {
	n := 100000
	if v := os.Getenv("SEARCH_BENCH_ITEMS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	for _, d := range storetest.Drivers(b) {
		b.Run(d, func(b *testing.B) {
			ctx := b.Context()
			s := storetest.Open(b, d, storetest.Options{})
			u, err := s.CreateUser(ctx, audit.System, "bench@example.com", "", "", false)
			if err != nil {
				b.Fatal(err)
			}
			w, err := s.CreateWorkspace(ctx, audit.System, u.ID, workspace.CreateInput{Name: "Bench"})
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			filler := rand.NewZipf(rng, 1.2, 1, 4999)
			batch := &store.Batch{}
			start := time.Now()
			for i := range n {
				// Word k of benchWords is in 30%/(k+1) of the comments: support in 30%, billing
				// in 15%, calendar in 0.5%; the rest of the 5 to 30 words come from 5,000 others.
				var words []string
				for k, w := range benchWords {
					if rng.Float64() < 0.3/float64(k+1) {
						words = append(words, w)
					}
				}
				for size := 5 + rng.IntN(26); len(words) < size; {
					words = append(words, fmt.Sprint("w", filler.Uint64()))
				}
				rng.Shuffle(len(words), func(a, b int) { words[a], words[b] = words[b], words[a] })
				it := searchItem(fmt.Sprint("r", i), strings.Join(words, " "), 1+i%28, func(it *feedback.Item) {
					it.Source = []string{"zendesk", "qualtrics", "g2"}[i%3]
					it.Attributes = map[string]string{"plan": []string{"free", "pro", "enterprise"}[i/3%3]}
				})
				batch.Items = append(batch.Items, it)
				if len(batch.Items) == 5000 || i == n-1 {
					if _, err := s.WriteFeedback(ctx, w.ID, batch); err != nil {
						b.Fatal(err)
					}
					batch.Reset()
				}
			}
			b.Logf("%s: wrote %d items in %s", d, n, time.Since(start).Round(time.Millisecond))
			if d == config.DriverPostgres {
				// What autovacuum does soon after an import: statistics for the planner, and
				// the GIN index's pending list merged.
				if err := s.ExecForTest(ctx, `VACUUM ANALYZE feedback_items`); err != nil {
					b.Fatal(err)
				}
			}
			for _, c := range []struct {
				name string
				q    store.SearchQuery
			}{
				{"common word", store.SearchQuery{Text: "support"}},
				{"rare word", store.SearchQuery{Text: "calendar"}},
				{"two words", store.SearchQuery{Text: "billing invoice"}},
				{"phrase", store.SearchQuery{Text: `"slow page"`}},
				{"or and not", store.SearchQuery{Text: "refund OR discount -support"}},
				{"common word filtered", store.SearchQuery{Text: "support", Source: "g2", Attributes: map[string][]string{"plan": {"pro"}},
					From: time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)}},
				{"no match", store.SearchQuery{Text: "kubernetes"}},
			} {
				b.Run(c.name, func(b *testing.B) {
					hits := 0
					for b.Loop() {
						h, _, err := s.SearchFeedback(ctx, w.ID, c.q, store.Page{Limit: 50})
						if err != nil {
							b.Fatal(err)
						}
						hits = len(h)
					}
					b.ReportMetric(float64(hits), "hits")
				})
			}
		})
	}
}
