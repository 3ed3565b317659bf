package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
)

// Full-text search of feedback. The user's words are parsed here, once, into terms (a word
// or a quoted phrase, wanted or excluded, with OR between alternatives), and each dialect gets
// them as bound parameters: SQLite as an FTS5 expression in which every term is a quoted
// string, so that no quote mark, operator or stray punctuation a user types can be read as
// FTS5 syntax; PostgreSQL as phraseto_tsquery of each term, joined with the tsquery
// operators. The same words thus mean the same search on both, but for what the databases'
// own text processing does differently (docs/search.md lists it).

// SearchQuery is a full-text search of a workspace's feedback and the filters that narrow it.
// The field names in its validation errors are those of the API's query parameters.
type SearchQuery struct {
	// Text is what the user typed: words (all must appear, in any form the stemmer relates:
	// "billing" finds "billed"), "quoted phrases", -word or -"phrase" to leave out, and OR
	// between two terms for either.
	Text       string
	Source     string
	SourceKind feedback.SourceKind
	Question   feedback.Question
	// ScoreMin and ScoreMax bound the score, inclusive; an item without a score is left out
	// when either is set.
	ScoreMin, ScoreMax *float64
	Touchpoint         string
	// From and To bound the time the feedback was given: From inclusive, To exclusive.
	From, To time.Time
	// Customer is the customer's external id.
	Customer string
	// Attributes holds attribute filters: every key must hold one of its values.
	Attributes map[string][]string
	// Excluded, when set, keeps only the items excluded from metrics (true) or only the others.
	Excluded *bool
}

// Search limits.
const (
	// MaxSearchHits is how deep paging goes into one search's results: a search is read by
	// relevance, page by page, up to this many hits; past them, narrow the search.
	MaxSearchHits = 10000
	// maxSearchTerms bounds the terms of one search, and maxSearchText its length.
	maxSearchTerms = 32
	maxSearchText  = 1000
	// maxSearchAttributes bounds the attribute values a search filters on.
	maxSearchAttributes = 20
	// snippetWords is about how many words a snippet holds.
	snippetWords = 16
)

// Snippet delimiters: characters of Unicode's private use area that the database puts around
// each match and that are turned into Highlights. Text that holds one of them itself gets a
// snippet without highlights rather than wrong ones.
const (
	markStart = '\uE000'
	markEnd   = '\uE001'
)

// SearchHit is one item a search found.
type SearchHit struct {
	Item feedback.Item `json:"item"`
	// Rank is the relevance: higher is better. It orders the hits of one search and means
	// nothing across searches or databases.
	Rank float64 `json:"rank" jsonschema_description:"Relevance, higher first; comparable only within one search."`
	// Snippet is a short plain-text excerpt of the text around the matches, with … where the
	// text was cut.
	Snippet string `json:"snippet" jsonschema_description:"A plain-text excerpt around the matches, with … where the text was cut; render it as text."`
	// Highlights are the matched words in Snippet.
	Highlights []Span `json:"highlights" jsonschema_description:"Where the matched words are in snippet, in Unicode code points (not bytes or UTF-16 units)."`
}

// Span is a stretch of a string in Unicode code points: [Start, End).
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// searchTerm is a word or phrase of a search.
type searchTerm struct {
	text string
	not  bool
}

// searchExpr is a parsed search: every group must match (one of its terms), and no term of
// none may.
type searchExpr struct {
	all  [][]searchTerm
	none []searchTerm
}

// parseSearch reads the user's words. It never fails on syntax: a quote left open runs to the
// end, and what is not a word (punctuation alone, a lone -) is dropped.
func parseSearch(s string) searchExpr {
	var terms []searchTerm
	var ors []bool // ors[i]: the bare word OR stood before terms[i]
	pendingOr := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		t := searchTerm{}
		if r == '-' && i+1 < len(s) {
			if next, _ := utf8.DecodeRuneInString(s[i+1:]); !unicode.IsSpace(next) {
				t.not = true
				i++
			}
		}
		quoted := false
		if i < len(s) && s[i] == '"' {
			quoted = true
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				t.text, i = s[i+1:], len(s)
			} else {
				t.text, i = s[i+1:i+1+end], i+2+end
			}
		} else {
			end := strings.IndexFunc(s[i:], func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
			if end < 0 {
				end = len(s) - i
			}
			t.text, i = s[i:i+end], i+end
		}
		if !quoted && !t.not && strings.EqualFold(t.text, "or") {
			pendingOr = true
			continue
		}
		if !hasWord(t.text) || onlyStopWords(t.text) {
			continue
		}
		terms = append(terms, t)
		ors = append(ors, pendingOr)
		pendingOr = false
	}
	var e searchExpr
	for i, t := range terms {
		switch {
		case t.not:
			e.none = append(e.none, t)
		case ors[i] && i > 0 && !terms[i-1].not && len(e.all) > 0:
			e.all[len(e.all)-1] = append(e.all[len(e.all)-1], t)
		default:
			e.all = append(e.all, []searchTerm{t})
		}
	}
	return e
}

// hasWord reports whether s holds a letter or a digit: anything else is a separator to both
// databases' tokenizers, and a term of separators alone would match nothing.
func hasWord(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) >= 0
}

// stopWords are PostgreSQL's English stop words (tsearch_data/english.stop), which its
// english configuration leaves out of every vector and query. A term of them alone is dropped
// on both databases, so that "not billing" or "the app" search the same everywhere; inside a
// phrase with other words they stay, and each database treats them its own way.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`i me my myself we our ours ourselves you your yours yourself yourselves he him his
		himself she her hers herself it its itself they them their theirs themselves what which who whom this that these
		those am is are was were be been being have has had having do does did doing a an the and but if or because as until
		while of at by for with about against between into through during before after above below to from up down in out on
		off over under again further then once here there when where why how all any both each few more most other some such
		no nor not only own same so than too very s t can will just don should now`) {
		m[w] = true
	}
	return m
}()

// onlyStopWords reports whether every word of s is a stop word.
func onlyStopWords(s string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) {
		if !stopWords[w] {
			return false
		}
	}
	return true
}

func (e searchExpr) terms() int {
	n := len(e.none)
	for _, g := range e.all {
		n += len(g)
	}
	return n
}

// fts5 renders the search as an FTS5 query expression. Each term is an FTS5 string, in which
// only a doubled quote mark means anything: the tokenizer splits what is inside into the
// words of a phrase.
func (e searchExpr) fts5() string {
	quote := func(t searchTerm) string { return `"` + strings.ReplaceAll(t.text, `"`, `""`) + `"` }
	var b strings.Builder
	for i, g := range e.all {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteByte('(')
		for j, t := range g {
			if j > 0 {
				b.WriteString(" OR ")
			}
			b.WriteString(quote(t))
		}
		b.WriteByte(')')
	}
	if len(e.none) > 0 {
		b.WriteString(" NOT (")
		for j, t := range e.none {
			if j > 0 {
				b.WriteString(" OR ")
			}
			b.WriteString(quote(t))
		}
		b.WriteByte(')')
	}
	return b.String()
}

// tsquery renders the search as a PostgreSQL tsquery expression whose terms are the
// parameters from next on, and returns them. Hyphens become spaces: PostgreSQL's parser
// reads "e-mail" as the compound and its parts, which text that spells "e mail" lacks, while
// the parts alone, in a row, match both spellings, as they do on SQLite.
func (e searchExpr) tsquery(next int) (string, []any) {
	var args []any
	term := func(t searchTerm) string {
		args = append(args, strings.ReplaceAll(t.text, "-", " "))
		return fmt.Sprintf("phraseto_tsquery('english', $%d)", next+len(args)-1)
	}
	var parts []string
	for _, g := range e.all {
		alts := make([]string, len(g))
		for j, t := range g {
			alts[j] = term(t)
		}
		parts = append(parts, "("+strings.Join(alts, " || ")+")")
	}
	for _, t := range e.none {
		parts = append(parts, "!!"+term(t))
	}
	return strings.Join(parts, " && "), args
}

// Validate checks the search; field names are the API's parameter names.
func (q *SearchQuery) Validate() error {
	var v fault.Validation
	q.Text = strings.TrimSpace(q.Text)
	e := parseSearch(q.Text)
	switch {
	case q.Text == "":
		v.Add("q", "is required: the words to search for")
	case utf8.RuneCountInString(q.Text) > maxSearchText:
		v.Add("q", "must be at most %d characters", maxSearchText)
	case len(e.all) == 0:
		v.Add("q", "must hold at least one word to find, other than -words and common words such as the or not")
	case e.terms() > maxSearchTerms:
		v.Add("q", "must hold at most %d words and phrases", maxSearchTerms)
	}
	// Sources are stored trimmed and in lower case.
	q.Source = strings.ToLower(strings.TrimSpace(q.Source))
	// PostgreSQL refuses a NUL in text, and no stored value holds one or invalid UTF-8.
	for _, f := range []struct{ name, value string }{{"q", q.Text}, {"source", q.Source}, {"touchpoint", q.Touchpoint}, {"customer", q.Customer}} {
		v.Check(plainText(f.value), f.name, "must be UTF-8 text without NUL characters")
	}
	v.Check(q.SourceKind == "" || slices.Contains(feedback.SourceKinds, q.SourceKind), "source_kind", "must be survey, ticket, review, interview or social")
	v.Check(q.Question == "" || q.Question == feedback.NPS || q.Question == feedback.CSAT || q.Question == feedback.CES,
		"question", "must be nps, csat or ces")
	if q.ScoreMin != nil && q.ScoreMax != nil && *q.ScoreMin > *q.ScoreMax {
		v.Add("score_max", "must not be below the minimum score")
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		v.Add("to", "must be after from")
	}
	n := 0
	for _, vals := range q.Attributes {
		n += len(vals)
	}
	v.Check(n <= maxSearchAttributes, "attr", "may be given at most %d times", maxSearchAttributes)
	for k, vals := range q.Attributes {
		v.Check(k != "" && len(vals) > 0, "attr", "must be key:value with a key")
		v.Check(plainText(k) && !slices.ContainsFunc(vals, func(s string) bool { return !plainText(s) }), "attr",
			"must be UTF-8 text without NUL characters")
	}
	return v.Err()
}

func plainText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// SearchFeedback finds a workspace's feedback items whose text matches q.Text and that pass
// q's filters, most relevant first (ties in id order), with a snippet of each. Paging is by
// offset: p.After is how many hits earlier pages held, and the returned next is the After of
// the next page, or 0 at the end of the hits or at MaxSearchHits. An offset stays stable only
// while the feedback does not change.
func (s *Store) SearchFeedback(ctx context.Context, ws int64, q SearchQuery, p Page) ([]SearchHit, int64, error) {
	if err := q.Validate(); err != nil {
		return nil, 0, err
	}
	if p.After < 0 || p.After >= MaxSearchHits {
		return nil, 0, fault.Invalid("cursor", "goes past the first %d hits of a search; narrow the search", MaxSearchHits)
	}
	limit := min(p.limit(), MaxSearchHits-int(p.After))
	e := parseSearch(q.Text)
	var query string
	var args []any
	if s.driver == config.DriverPostgres {
		query, args = s.searchPostgres(ws, e, q, p.After, limit)
	} else {
		query, args = s.searchSQLite(ws, e, q, p.After, limit)
	}
	// Not through readRows: its statement cache keeps every query text it sees, and the texts
	// of searches vary with their filters. Preparing costs microseconds against a search's
	// milliseconds.
	var rows *sql.Rows
	var err error
	if s.tx != nil {
		rows, err = s.tx.QueryContext(ctx, query, args...)
	} else {
		rows, err = s.read.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("search feedback: %w", err)
	}
	defer rows.Close()
	hits := []SearchHit{}
	for rows.Next() {
		var h SearchHit
		var snippet string
		dest := []any{&h.Rank, &snippet}
		it, err := scanItem(extraScan{rows, dest})
		if err != nil {
			return nil, 0, fmt.Errorf("search feedback: %w", err)
		}
		h.Item = it
		h.Snippet, h.Highlights = highlights(snippet, it.Text)
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("search feedback: %w", err)
	}
	var next int64
	if len(hits) > limit {
		hits = hits[:limit]
		if end := p.After + int64(limit); end < MaxSearchHits {
			next = end
		}
	}
	return hits, next, nil
}

// extraScan scans an item's columns followed by more.
type extraScan struct {
	rows  *sql.Rows
	extra []any
}

func (x extraScan) Scan(dest ...any) error { return x.rows.Scan(append(dest, x.extra...)...) }

// searchFilters appends the filters of q to a WHERE clause on feedback_items as f.
func (s *Store) searchFilters(q SearchQuery, args []any) (string, []any) {
	var b strings.Builder
	add := func(cond string, vs ...any) {
		n := make([]any, len(vs))
		for i, v := range vs {
			args = append(args, v)
			n[i] = len(args)
		}
		b.WriteString(" AND ")
		fmt.Fprintf(&b, cond, n...)
	}
	if q.Source != "" {
		add("f.source = $%d", q.Source)
	}
	if q.SourceKind != "" {
		add("f.source_kind = $%d", string(q.SourceKind))
	}
	if q.Question != "" {
		add("f.question = $%d", string(q.Question))
	}
	if q.ScoreMin != nil {
		add("f.score >= $%d", *q.ScoreMin)
	}
	if q.ScoreMax != nil {
		add("f.score <= $%d", *q.ScoreMax)
	}
	if q.Touchpoint != "" {
		add("f.touchpoint = $%d", q.Touchpoint)
	}
	if !q.From.IsZero() {
		add("f.at >= $%d", q.From.UTC())
	}
	if !q.To.IsZero() {
		add("f.at < $%d", q.To.UTC())
	}
	if q.Customer != "" {
		add("f.customer_external_id = $%d", q.Customer)
	}
	if q.Excluded != nil {
		add("f.excluded = $%d", *q.Excluded)
	}
	keys := make([]string, 0, len(q.Attributes))
	for k := range q.Attributes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range q.Attributes[k] {
			args = append(args, v)
		}
		in := make([]string, len(q.Attributes[k]))
		for i := range in {
			in[i] = fmt.Sprintf("$%d", len(args)-len(in)+1+i)
		}
		args = append(args, k)
		key := len(args)
		switch {
		case s.driver == config.DriverPostgres:
			fmt.Fprintf(&b, " AND f.attributes ->> $%d::text IN (%s)", key, strings.Join(in, ", "))
		case plainKey(k):
			fmt.Fprintf(&b, " AND f.attributes ->> $%d IN (%s)", key, strings.Join(in, ", "))
		default:
			// SQLite's ->> reads a key that starts with $ or [, or holds a quote mark, as
			// (part of) a path; json_each takes any key, at about five times the cost.
			fmt.Fprintf(&b, " AND EXISTS (SELECT 1 FROM json_each(f.attributes) AS a WHERE a.key = $%d AND a.value IN (%s))",
				key, strings.Join(in, ", "))
		}
	}
	return b.String(), args
}

// plainKey reports whether SQLite's ->> reads k as an object key: a word of letters, digits,
// _ and -, beginning with a letter or digit.
func plainKey(k string) bool {
	for i, r := range k {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && (i == 0 || r != '_' && r != '-') {
			return false
		}
	}
	return k != ""
}

// prefixed qualifies every item column with f.
func prefixed(cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = "f." + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// searchSQLite ranks with FTS5's bm25 (its rank column: lower is better, so negated for
// Rank). The hits of the page are chosen first and only they get a snippet: snippet() for
// every match, before the sort, costs more than the search.
func (s *Store) searchSQLite(ws int64, e searchExpr, q SearchQuery, offset int64, limit int) (string, []any) {
	args := []any{ws, e.fts5()}
	filters, args := s.searchFilters(q, args)
	args = append(args, limit+1, offset, string(markStart), string(markEnd), snippetWords)
	n := len(args)
	query := fmt.Sprintf(`SELECT %s, -page.rank, snippet(feedback_fts, 0, $%d, $%d, '', $%d)
		FROM (SELECT f.id, feedback_fts.rank AS rank FROM feedback_fts CROSS JOIN feedback_items AS f ON f.id = feedback_fts.rowid
			WHERE feedback_fts MATCH $2 AND f.workspace_id = $1%s
			ORDER BY feedback_fts.rank, f.id LIMIT $%d OFFSET $%d) AS page
		CROSS JOIN feedback_fts ON feedback_fts.rowid = page.id
		CROSS JOIN feedback_items AS f ON f.id = page.id
		WHERE feedback_fts MATCH $2
		ORDER BY page.rank, page.id`,
		prefixed(itemColumns), n-2, n-1, n, filters, n-4, n-3)
	return query, args
}

// searchPostgres ranks with ts_rank, its length normalisation 1 (the rank over 1 + the log of
// the text's length in words) standing in for bm25's, and takes the snippet from ts_headline
// for the rows of the page only.
func (s *Store) searchPostgres(ws int64, e searchExpr, q SearchQuery, offset int64, limit int) (string, []any) {
	tsq, args := e.tsquery(2)
	args = append([]any{ws}, args...)
	filters, args := s.searchFilters(q, args)
	args = append(args, limit+1, offset,
		fmt.Sprintf("StartSel=%c, StopSel=%c, MaxWords=%d, MinWords=%d, MaxFragments=1", markStart, markEnd, snippetWords, snippetWords/3))
	n := len(args)
	query := fmt.Sprintf(`SELECT %s, page.rank, ts_headline('english', page.text, %s, $%d)
		FROM (SELECT %s, ts_rank(f.search, sq.q, 1) AS rank FROM feedback_items AS f, (SELECT %s AS q) AS sq
			WHERE f.workspace_id = $1 AND f.search @@ sq.q%s
			ORDER BY rank DESC, f.id LIMIT $%d OFFSET $%d) AS page
		ORDER BY page.rank DESC, page.id`,
		pagePrefixed(itemColumns), tsq, n, prefixed(itemColumns), tsq, filters, n-2, n-1)
	return query, args
}

// pagePrefixed qualifies every item column with page.
func pagePrefixed(cols string) string { return strings.ReplaceAll(prefixed(cols), "f.", "page.") }

// highlights turns a snippet with the match delimiters into plain text and the spans of the
// matches, adding … where the snippet cuts text off: at the start unless it begins the text,
// at the end unless it ends it.
func highlights(marked, text string) (string, []Span) {
	spans := []Span{}
	if strings.ContainsRune(text, markStart) || strings.ContainsRune(text, markEnd) {
		marked = strings.NewReplacer(string(markStart), "", string(markEnd), "").Replace(marked)
		return marked, spans
	}
	var plain strings.Builder
	n, start := 0, -1
	for _, r := range marked {
		switch r {
		case markStart:
			start = n
		case markEnd:
			if start >= 0 && n > start {
				spans = append(spans, Span{Start: start, End: n})
			}
			start = -1
		default:
			plain.WriteRune(r)
			n++
		}
	}
	out := plain.String()
	i := strings.Index(text, out)
	if i >= 0 && out != "" && len(strings.Fields(text)) <= snippetWords {
		// A short text is its own snippet, whatever the database cut from its ends.
		shift := utf8.RuneCountInString(text[:i])
		for j := range spans {
			spans[j].Start += shift
			spans[j].End += shift
		}
		return text, spans
	}
	if i >= 0 && out != "" {
		if i > 0 {
			out = "…" + out
			for j := range spans {
				spans[j].Start++
				spans[j].End++
			}
		}
		if i+len(plain.String()) < len(text) {
			out += "…"
		}
	}
	return out, spans
}

// CheckSearchIndex checks, on SQLite, that the full-text index agrees with the feedback it
// indexes (FTS5's integrity-check against its content table), which PRAGMA integrity_check
// does not look at. PostgreSQL computes the search vector with the row and answers nil.
func (s *Store) CheckSearchIndex(ctx context.Context) error {
	if s.driver != config.DriverSQLite {
		return nil
	}
	if _, err := s.write.ExecContext(ctx, `INSERT INTO feedback_fts (feedback_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	return nil
}
