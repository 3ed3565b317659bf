package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
)

// Batch is what one transaction of an import writes: feedback items, customers and events,
// with the import's progress after them, so that a crash leaves either the whole batch and its
// marker or neither.
type Batch struct {
	Items     []feedback.Item
	Customers []feedback.Customer
	Events    []feedback.Event
}

// Len is how many objects the batch holds.
func (b *Batch) Len() int { return len(b.Items) + len(b.Customers) + len(b.Events) }

// Reset empties the batch, keeping its memory.
func (b *Batch) Reset() {
	b.Items, b.Customers, b.Events = b.Items[:0], b.Customers[:0], b.Events[:0]
}

// Counts say what a write did to each object it was given.
type Counts struct {
	Inserted  int64 `json:"inserted"`
	Updated   int64 `json:"updated"`
	Unchanged int64 `json:"unchanged"`
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Inserted += o.Inserted
	c.Updated += o.Updated
	c.Unchanged += o.Unchanged
}

// rowsPerStatement is how many objects one INSERT writes. PostgreSQL takes 65,535 parameters
// and parses a long statement fast. SQLite (as modernc.org/sqlite binds it) looks each
// parameter up by a linear search, so a statement of n parameters costs n² to parse and to
// bind: a few hundred parameters, prepared once per batch and reused, is its sweet spot.
func (s *Store) rowsPerStatement(cols int) int {
	if s.driver == config.DriverSQLite {
		return max(1, 200/cols)
	}
	return 6000 / cols
}

// batchStatements prepares each distinct statement text once in a transaction: the many-row
// statement of a full chunk repeats through a batch.
type batchStatements struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func (b *batchStatements) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, ok := b.stmts[q]
	if !ok {
		var err error
		if st, err = b.tx.PrepareContext(ctx, q); err != nil {
			return nil, err
		}
		b.stmts[q] = st
	}
	return st.QueryContext(ctx, args...)
}

func (b *batchStatements) close() {
	for _, st := range b.stmts {
		st.Close()
	}
}

func attrsJSON(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	// Map keys come out sorted, so equal maps give equal text and a re-import compares equal.
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(m)
	return strings.TrimSuffix(b.String(), "\n")
}

// placeholders writes rows of cols numbered placeholders, each row followed by tail (such as
// ", $901, $901" for columns that take one value for every row).
func placeholders(b *strings.Builder, rows, cols int, tail string) {
	n := 1
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(b, "$%d", n)
			n++
		}
		b.WriteString(tail)
		b.WriteByte(')')
	}
}

// bulk adapts a many-row statement to the dialect. SQLite treats $N as a named parameter and
// looks each one up in a list of the names seen so far while parsing, which makes a statement
// of n parameters cost n² (it was 97% of an import's time at 6,000 parameters); ?N is
// numbered and costs nothing to look up. Both drivers bind by number either way.
func (s *Store) bulk(q string) string {
	if s.driver == config.DriverSQLite {
		return strings.ReplaceAll(q, "$", "?")
	}
	return q
}

// writeBatch writes b in tx. Every object is upserted by its natural key; an update that would
// change nothing is skipped, so that re-importing a file leaves versions as they were. An
// object appears in the result as inserted (its version is 1 after the statement), updated, or
// unchanged (the statement returned nothing for it).
func (s *Store) writeBatch(ctx context.Context, tx *sql.Tx, ws, importID int64, b *Batch) (Counts, error) {
	var total Counts
	now := s.stamp()
	st := &batchStatements{tx: tx, stmts: map[string]*sql.Stmt{}}
	defer st.close()
	per := s.rowsPerStatement(9)
	for start := 0; start < len(b.Customers); start += per {
		c, err := s.upsertCustomers(ctx, st, ws, now, b.Customers[start:min(start+per, len(b.Customers))])
		if err != nil {
			return total, fmt.Errorf("customers: %w", err)
		}
		total.Add(c)
	}
	if len(b.Items) > 0 {
		if err := s.aggregateBatch(ctx, sqlRunner{tx}, ws, b.Items); err != nil {
			return total, err
		}
	}
	per = s.rowsPerStatement(15)
	for start := 0; start < len(b.Items); start += per {
		c, err := s.upsertItems(ctx, st, ws, importID, now, b.Items[start:min(start+per, len(b.Items))])
		if err != nil {
			return total, fmt.Errorf("feedback items: %w", err)
		}
		total.Add(c)
	}
	per = s.rowsPerStatement(6)
	for start := 0; start < len(b.Events); start += per {
		c, err := s.insertEvents(ctx, st, ws, now, b.Events[start:min(start+per, len(b.Events))])
		if err != nil {
			return total, fmt.Errorf("customer events: %w", err)
		}
		total.Add(c)
	}
	return total, nil
}

// countReturned reads the versions a RETURNING clause gave back.
func countReturned(rows *sql.Rows, given int) (Counts, error) {
	defer rows.Close()
	var c Counts
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return c, err
		}
		if v == 1 {
			c.Inserted++
		} else {
			c.Updated++
		}
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	c.Unchanged = int64(given) - c.Inserted - c.Updated
	return c, nil
}

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func nullStamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Microsecond)
}

// dedupe keeps the last of the objects that share a key, in their first place: one INSERT may
// not touch a row twice (PostgreSQL refuses, SQLite would count it twice).
func dedupe[T any](in []T, key func(T) string) []T {
	seen := make(map[string]int, len(in))
	out := in[:0:0]
	for _, v := range in {
		k := key(v)
		if i, ok := seen[k]; ok {
			out[i] = v
			continue
		}
		seen[k] = len(out)
		out = append(out, v)
	}
	return out
}

func (s *Store) upsertItems(ctx context.Context, st *batchStatements, ws, importID int64, now time.Time, items []feedback.Item) (Counts, error) {
	given := len(items)
	items = dedupe(items, func(it feedback.Item) string { return it.Source + "\x00" + it.ExternalID })
	var q strings.Builder
	q.WriteString(`INSERT INTO feedback_items (workspace_id, source_kind, source, external_id, customer_external_id, at,
		question, score, scale_min, scale_max, text, attributes, touchpoint, excluded, import_id, created_at, updated_at) VALUES `)
	const cols = 15
	// created_at and updated_at take one stamp for every row, bound once after the rows.
	stamp := len(items)*cols + 1
	placeholders(&q, len(items), cols, fmt.Sprintf(", $%d, $%d", stamp, stamp))
	q.WriteString(itemsConflict)
	args := make([]any, 0, len(items)*cols+1)
	for _, it := range items {
		var smin, smax any
		if it.Scale != nil {
			smin, smax = it.Scale.Min, it.Scale.Max
		}
		args = append(args, ws, string(it.SourceKind), it.Source, it.ExternalID, it.CustomerExternalID, it.At.UTC(),
			string(it.Question), nullFloat(it.Score), smin, smax, it.Text, attrsJSON(it.Attributes), it.Touchpoint,
			it.Excluded, nullID(importID))
	}
	args = append(args, now)
	rows, err := st.query(ctx, s.bulk(q.String()), args...)
	if err != nil {
		return Counts{}, err
	}
	c, err := countReturned(rows, len(items))
	c.Unchanged += int64(given - len(items))
	return c, err
}

func (s *Store) upsertCustomers(ctx context.Context, st *batchStatements, ws int64, now time.Time, cs []feedback.Customer) (Counts, error) {
	given := len(cs)
	cs = dedupe(cs, func(c feedback.Customer) string { return c.ExternalID })
	var q strings.Builder
	q.WriteString(`INSERT INTO customers (workspace_id, external_id, name, email, plan, region, signup_at, revenue, attributes, created_at, updated_at) VALUES `)
	const cols = 9
	stamp := len(cs)*cols + 1
	placeholders(&q, len(cs), cols, fmt.Sprintf(", $%d, $%d", stamp, stamp))
	q.WriteString(s.customersConflict())
	args := make([]any, 0, len(cs)*cols+1)
	for _, c := range cs {
		args = append(args, ws, c.ExternalID, c.Name, c.Email, c.Plan, c.Region, nullStamp(c.SignupAt), nullFloat(c.Revenue),
			attrsJSON(c.Attributes))
	}
	args = append(args, now)
	rows, err := st.query(ctx, s.bulk(q.String()), args...)
	if err != nil {
		return Counts{}, err
	}
	c, err := countReturned(rows, len(cs))
	c.Unchanged += int64(given - len(cs))
	return c, err
}

func (s *Store) insertEvents(ctx context.Context, st *batchStatements, ws int64, now time.Time, es []feedback.Event) (Counts, error) {
	given := len(es)
	es = dedupe(es, func(e feedback.Event) string {
		return e.CustomerExternalID + "\x00" + e.Name + "\x00" + e.At.UTC().Format(time.RFC3339Nano)
	})
	var q strings.Builder
	q.WriteString(`INSERT INTO customer_events (workspace_id, customer_external_id, name, at, value, attributes, created_at) VALUES `)
	const cols = 6
	stamp := len(es)*cols + 1
	placeholders(&q, len(es), cols, fmt.Sprintf(", $%d", stamp))
	// An event is a fact: the same event again changes nothing, unless it now carries another
	// value or attributes.
	q.WriteString(eventsConflict + fmt.Sprint(stamp) + ` THEN 1 ELSE 2 END`)
	args := make([]any, 0, len(es)*cols+1)
	for _, e := range es {
		args = append(args, ws, e.CustomerExternalID, e.Name, e.At.UTC(), nullFloat(e.Value), attrsJSON(e.Attributes))
	}
	args = append(args, now)
	rows, err := st.query(ctx, s.bulk(q.String()), args...)
	if err != nil {
		return Counts{}, err
	}
	c, err := countReturned(rows, len(es))
	c.Unchanged += int64(given - len(es))
	return c, err
}

// WriteFeedback writes one batch outside any import: the API's POST /feedback. It validates
// nothing: the caller has.
func (s *Store) WriteFeedback(ctx context.Context, ws int64, b *Batch) (Counts, error) {
	var c Counts
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = s.writeBatch(ctx, tx, ws, 0, b)
		return err
	})
	if err != nil {
		return Counts{}, fmt.Errorf("write feedback: %w", err)
	}
	return c, nil
}

const itemColumns = `id, workspace_id, source_kind, source, external_id, customer_external_id, at, question, score,
	scale_min, scale_max, text, attributes, touchpoint, excluded, created_at, updated_at, version`

func scanItem(row interface{ Scan(...any) error }) (feedback.Item, error) {
	var it feedback.Item
	var score, smin, smax sql.NullFloat64
	var attrs string
	err := row.Scan(&it.ID, &it.WorkspaceID, &it.SourceKind, &it.Source, &it.ExternalID, &it.CustomerExternalID, &it.At,
		&it.Question, &score, &smin, &smax, &it.Text, &attrs, &it.Touchpoint, &it.Excluded, &it.CreatedAt, &it.UpdatedAt, &it.Version)
	if err != nil {
		return it, err
	}
	if score.Valid {
		it.Score = &score.Float64
	}
	if smin.Valid && smax.Valid {
		it.Scale = &feedback.Scale{Min: smin.Float64, Max: smax.Float64}
	}
	if attrs != "" && attrs != "{}" {
		if err := json.Unmarshal([]byte(attrs), &it.Attributes); err != nil {
			return it, fmt.Errorf("feedback item %d attributes: %w", it.ID, err)
		}
	}
	it.At, it.CreatedAt, it.UpdatedAt = utc(it.At), utc(it.CreatedAt), utc(it.UpdatedAt)
	return it, nil
}

// FeedbackFilter narrows a list of feedback items.
type FeedbackFilter struct {
	Source   string
	Question feedback.Question
	Customer string
	From, To time.Time
}

// FeedbackItems lists a workspace's feedback items in id order.
func (s *Store) FeedbackItems(ctx context.Context, ws int64, f FeedbackFilter, p Page) ([]feedback.Item, int64, error) {
	q := `SELECT ` + itemColumns + ` FROM feedback_items WHERE workspace_id = $1 AND id > $2`
	args := []any{ws, p.After}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.Source != "" {
		add("source = $%d", f.Source)
	}
	if f.Question != "" {
		add("question = $%d", string(f.Question))
	}
	if f.Customer != "" {
		add("customer_external_id = $%d", f.Customer)
	}
	if !f.From.IsZero() {
		add("at >= $%d", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("at < $%d", f.To.UTC())
	}
	args = append(args, p.limit()+1)
	q += fmt.Sprintf(" ORDER BY id LIMIT $%d", len(args))
	rows, err := s.readRows(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("feedback items: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (feedback.Item, error) { return scanItem(r) }, func(it feedback.Item) int64 { return it.ID })
}

// FeedbackItem reads one feedback item.
func (s *Store) FeedbackItem(ctx context.Context, ws, id int64) (feedback.Item, error) {
	it, err := scanItem(s.readRow(ctx, `SELECT `+itemColumns+` FROM feedback_items WHERE workspace_id = $1 AND id = $2`, ws, id))
	if err == sql.ErrNoRows {
		return it, fmt.Errorf("feedback item %d: %w", id, fault.ErrNotFound)
	}
	return it, err
}

// FeedbackCounts counts a workspace's feedback items, customers and events.
type FeedbackCounts struct {
	Items     int64 `json:"items"`
	Customers int64 `json:"customers"`
	Events    int64 `json:"events"`
}

// CountFeedback counts what the workspace holds.
func (s *Store) CountFeedback(ctx context.Context, ws int64) (FeedbackCounts, error) {
	var c FeedbackCounts
	err := s.readRow(ctx, `SELECT
		(SELECT COUNT(*) FROM feedback_items WHERE workspace_id = $1),
		(SELECT COUNT(*) FROM customers WHERE workspace_id = $1),
		(SELECT COUNT(*) FROM customer_events WHERE workspace_id = $1)`, ws).Scan(&c.Items, &c.Customers, &c.Events)
	if err != nil {
		return c, fmt.Errorf("count feedback: %w", err)
	}
	return c, nil
}

const customerColumns = `id, workspace_id, external_id, name, email, plan, region, signup_at, revenue, attributes,
	created_at, updated_at, version`

func scanCustomer(row interface{ Scan(...any) error }) (feedback.Customer, error) {
	var c feedback.Customer
	var signup sql.NullTime
	var revenue sql.NullFloat64
	var attrs string
	err := row.Scan(&c.ID, &c.WorkspaceID, &c.ExternalID, &c.Name, &c.Email, &c.Plan, &c.Region, &signup, &revenue, &attrs,
		&c.CreatedAt, &c.UpdatedAt, &c.Version)
	if err != nil {
		return c, err
	}
	if signup.Valid {
		c.SignupAt = utc(signup.Time)
	}
	if revenue.Valid {
		c.Revenue = &revenue.Float64
	}
	if attrs != "" && attrs != "{}" {
		if err := json.Unmarshal([]byte(attrs), &c.Attributes); err != nil {
			return c, fmt.Errorf("customer %d attributes: %w", c.ID, err)
		}
	}
	c.CreatedAt, c.UpdatedAt = utc(c.CreatedAt), utc(c.UpdatedAt)
	return c, nil
}

// Customers lists a workspace's customers in id order.
func (s *Store) Customers(ctx context.Context, ws int64, p Page) ([]feedback.Customer, int64, error) {
	rows, err := s.readRows(ctx, `SELECT `+customerColumns+` FROM customers WHERE workspace_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
		ws, p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("customers: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (feedback.Customer, error) { return scanCustomer(r) }, func(c feedback.Customer) int64 { return c.ID })
}

// CustomerEvents lists a workspace's customer events in id order, of one customer when
// customer is not empty.
func (s *Store) CustomerEvents(ctx context.Context, ws int64, customer string, p Page) ([]feedback.Event, int64, error) {
	rows, err := s.readRows(ctx, `SELECT id, workspace_id, customer_external_id, name, at, value, attributes FROM customer_events
		WHERE workspace_id = $1 AND id > $2 AND ($3 = '' OR customer_external_id = $3) ORDER BY id LIMIT $4`,
		ws, p.After, customer, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("customer events: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (feedback.Event, error) {
		var e feedback.Event
		var value sql.NullFloat64
		var attrs string
		if err := r.Scan(&e.ID, &e.WorkspaceID, &e.CustomerExternalID, &e.Name, &e.At, &value, &attrs); err != nil {
			return e, err
		}
		if value.Valid {
			e.Value = &value.Float64
		}
		if attrs != "" && attrs != "{}" {
			if err := json.Unmarshal([]byte(attrs), &e.Attributes); err != nil {
				return e, err
			}
		}
		e.At = utc(e.At)
		return e, nil
	}, func(e feedback.Event) int64 { return e.ID })
}

// itemsConflict ends an upsert of feedback items: a changed item is updated and its version
// moves; an item that would not change is left alone and not returned.
const itemsConflict = ` ON CONFLICT (workspace_id, source, external_id) DO UPDATE SET
		source_kind = excluded.source_kind, customer_external_id = excluded.customer_external_id, at = excluded.at,
		question = excluded.question, score = excluded.score, scale_min = excluded.scale_min, scale_max = excluded.scale_max,
		text = excluded.text, attributes = excluded.attributes, touchpoint = excluded.touchpoint, excluded = excluded.excluded,
		import_id = excluded.import_id, updated_at = excluded.updated_at, version = feedback_items.version + 1
		WHERE (feedback_items.source_kind, feedback_items.customer_external_id, feedback_items.at, feedback_items.question,
			feedback_items.text, feedback_items.attributes, feedback_items.touchpoint, feedback_items.excluded)
			IS DISTINCT FROM (excluded.source_kind, excluded.customer_external_id, excluded.at, excluded.question,
			excluded.text, excluded.attributes, excluded.touchpoint, excluded.excluded)
		OR feedback_items.score IS DISTINCT FROM excluded.score
		OR feedback_items.scale_min IS DISTINCT FROM excluded.scale_min
		OR feedback_items.scale_max IS DISTINCT FROM excluded.scale_max
		RETURNING version`

// eventsConflict ends an insert of events up to the stamp placeholder that tells inserted
// events (created now) from updated ones.
const eventsConflict = ` ON CONFLICT (workspace_id, customer_external_id, name, at) DO UPDATE SET
		value = excluded.value, attributes = excluded.attributes
		WHERE customer_events.value IS DISTINCT FROM excluded.value OR customer_events.attributes IS DISTINCT FROM excluded.attributes
		RETURNING CASE WHEN created_at = $`

// customersConflict ends an upsert of customers. A customer named in a feedback file keeps
// what other files said of it: only the fields this file gives (non-empty) replace the stored
// ones, and attributes merge.
func (s *Store) customersConflict() string {
	merge := `json_patch(customers.attributes, excluded.attributes)`
	if s.driver == config.DriverPostgres {
		merge = `customers.attributes || excluded.attributes`
	}
	return ` ON CONFLICT (workspace_id, external_id) DO UPDATE SET
		name = COALESCE(NULLIF(excluded.name, ''), customers.name),
		email = COALESCE(NULLIF(excluded.email, ''), customers.email),
		plan = COALESCE(NULLIF(excluded.plan, ''), customers.plan),
		region = COALESCE(NULLIF(excluded.region, ''), customers.region),
		signup_at = COALESCE(excluded.signup_at, customers.signup_at),
		revenue = COALESCE(excluded.revenue, customers.revenue),
		attributes = ` + merge + `, updated_at = excluded.updated_at, version = customers.version + 1
		WHERE (NULLIF(excluded.name, '') IS NOT NULL AND excluded.name IS DISTINCT FROM customers.name)
		OR (NULLIF(excluded.email, '') IS NOT NULL AND excluded.email IS DISTINCT FROM customers.email)
		OR (NULLIF(excluded.plan, '') IS NOT NULL AND excluded.plan IS DISTINCT FROM customers.plan)
		OR (NULLIF(excluded.region, '') IS NOT NULL AND excluded.region IS DISTINCT FROM customers.region)
		OR (excluded.signup_at IS NOT NULL AND excluded.signup_at IS DISTINCT FROM customers.signup_at)
		OR (excluded.revenue IS NOT NULL AND excluded.revenue IS DISTINCT FROM customers.revenue)
		OR ` + merge + ` IS DISTINCT FROM customers.attributes
		RETURNING version`
}
