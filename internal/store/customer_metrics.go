package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/metrics"
)

// CustomerLifecycles reads every customer of the workspace as the customer metrics see them:
// their sign-up (the customer's signup time, or else their first signed_up event), their first
// churned event, and the value of segment (plan, region, or an attribute; "" for none). A
// customer known only from events counts when it has a signed_up event.
func (s *Store) CustomerLifecycles(ctx context.Context, ws int64, segment string) ([]metrics.Lifecycle, error) {
	byID := map[string]*metrics.Lifecycle{}
	var order []string
	rows, err := s.readRows(ctx, `SELECT external_id, signup_at, plan, region, attributes FROM customers WHERE workspace_id = $1 ORDER BY id`, ws)
	if err != nil {
		return nil, fmt.Errorf("customer lifecycles: %w", err)
	}
	for rows.Next() {
		var id, plan, region, attrs string
		var signup sql.NullTime
		if err := rows.Scan(&id, &signup, &plan, &region, &attrs); err != nil {
			rows.Close()
			return nil, fmt.Errorf("customer lifecycles: %w", err)
		}
		l := &metrics.Lifecycle{Customer: id}
		if signup.Valid {
			l.Signup = signup.Time.UTC()
		}
		switch segment {
		case "":
		case "plan":
			l.Segment = plan
		case "region":
			l.Segment = region
		default:
			var m map[string]string
			if attrs != "" && attrs != "{}" && json.Unmarshal([]byte(attrs), &m) == nil {
				l.Segment = m[segment]
			}
		}
		byID[id] = l
		order = append(order, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("customer lifecycles: %w", err)
	}
	firsts, err := s.FirstEvents(ctx, ws, []string{feedback.EventSignedUp, feedback.EventChurned})
	if err != nil {
		return nil, err
	}
	for id, f := range firsts {
		l := byID[id]
		if l == nil {
			if _, ok := f[feedback.EventSignedUp]; !ok {
				continue
			}
			l = &metrics.Lifecycle{Customer: id}
			byID[id] = l
			order = append(order, id)
		}
		if t, ok := f[feedback.EventSignedUp]; ok && l.Signup.IsZero() {
			l.Signup = t
		}
		if t, ok := f[feedback.EventChurned]; ok {
			l.Churn = t
		}
	}
	out := make([]metrics.Lifecycle, 0, len(order))
	for _, id := range order {
		if l := byID[id]; !l.Signup.IsZero() {
			out = append(out, *l)
		}
	}
	return out, nil
}

// FirstEvents reads, for every customer of the workspace, the first time of each of the named
// events.
func (s *Store) FirstEvents(ctx context.Context, ws int64, names []string) (map[string]map[string]time.Time, error) {
	args := []any{ws}
	marks := make([]string, len(names))
	for i, n := range names {
		args = append(args, n)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	rows, err := s.readRows(ctx, `SELECT customer_external_id, name, MIN(at) FROM customer_events
		WHERE workspace_id = $1 AND name IN (`+strings.Join(marks, ", ")+`) GROUP BY customer_external_id, name`, args...)
	if err != nil {
		return nil, fmt.Errorf("first events: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]time.Time{}
	for rows.Next() {
		var id, name string
		var at aggregateTime
		if err := rows.Scan(&id, &name, &at); err != nil {
			return nil, fmt.Errorf("first events: %w", err)
		}
		if out[id] == nil {
			out[id] = map[string]time.Time{}
		}
		out[id][name] = at.Time
	}
	return out, rows.Err()
}

// Payments reads the workspace's purchased and renewed events in [from, to), in time order:
// who paid what, and when.
func (s *Store) Payments(ctx context.Context, ws int64, from, to time.Time) (metrics.Payments, error) {
	rows, err := s.readRows(ctx, `SELECT customer_external_id, at, COALESCE(value, 0) FROM customer_events
		WHERE workspace_id = $1 AND name IN ($2, $3) AND at >= $4 AND at < $5 ORDER BY at, id`,
		ws, feedback.EventPurchased, feedback.EventRenewed, from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("payments: %w", err)
	}
	defer rows.Close()
	var out metrics.Payments
	for rows.Next() {
		var p metrics.Payment
		var at aggregateTime
		if err := rows.Scan(&p.Customer, &at, &p.Value); err != nil {
			return nil, fmt.Errorf("payments: %w", err)
		}
		p.At = at.Time
		out = append(out, p)
	}
	return out, rows.Err()
}
