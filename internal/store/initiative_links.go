package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
)

// An initiative links to the journey touchpoints it improves and the pain points it relieves.
// Both ends are checked to be of the workspace in the transaction that writes the link; a
// link goes when either end is deleted (the foreign keys cascade).

// linkTable describes one kind of link from initiatives to a journey object.
type linkTable struct {
	table  string // the link table
	column string // its column naming the linked object
	target string // the linked object's table
	entity string // the audit entity of a link
	what   string // the linked object, in messages
}

var (
	touchpointLinks = linkTable{table: "initiative_touchpoints", column: "touchpoint_id", target: "touchpoints",
		entity: "initiative_touchpoint", what: "touchpoint"}
	painPointLinks = linkTable{table: "initiative_pain_points", column: "pain_point_id", target: "pain_points",
		entity: "initiative_pain_point", what: "pain point"}
)

const touchpointLinkSelect = `SELECT l.initiative_id, l.touchpoint_id, t.journey_id, t.name, t.channel, t.event_name
	FROM initiative_touchpoints l JOIN touchpoints t ON t.id = l.touchpoint_id AND t.workspace_id = l.workspace_id`

func scanTouchpointLink(row interface{ Scan(...any) error }) (roadmap.TouchpointLink, error) {
	var l roadmap.TouchpointLink
	err := row.Scan(&l.InitiativeID, &l.TouchpointID, &l.JourneyID, &l.Name, &l.Channel, &l.EventName)
	return l, err
}

const painPointLinkSelect = `SELECT l.initiative_id, l.pain_point_id, p.journey_id, p.title, p.severity, p.status
	FROM initiative_pain_points l JOIN pain_points p ON p.id = l.pain_point_id AND p.workspace_id = l.workspace_id`

func scanPainPointLink(row interface{ Scan(...any) error }) (roadmap.PainPointLink, error) {
	var l roadmap.PainPointLink
	err := row.Scan(&l.InitiativeID, &l.PainPointID, &l.JourneyID, &l.Title, &l.Severity, &l.Status)
	return l, err
}

// getLink reads one link of the kind lt, or fault.ErrNotFound.
func getLink[T any](ctx context.Context, q queryer, lt linkTable, sel string, scan func(interface{ Scan(...any) error }) (T, error),
	ws, initiativeID, id int64) (T, error) {
	l, err := scan(q.QueryRowContext(ctx, sel+` WHERE l.workspace_id = $1 AND l.initiative_id = $2 AND l.`+lt.column+` = $3`,
		ws, initiativeID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return l, fmt.Errorf("link from initiative %d to %s %d: %w", initiativeID, lt.what, id, fault.ErrNotFound)
	}
	return l, err
}

// link links an initiative to the object id of lt's target table, both of the workspace, and
// returns the link. Linking again changes nothing.
func link[T any](ctx context.Context, s *Store, a audit.Actor, lt linkTable, sel string, scan func(interface{ Scan(...any) error }) (T, error),
	ws, initiativeID, id int64) (T, error) {
	var l T
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := getInitiative(ctx, tx, ws, initiativeID); err != nil {
			return err
		}
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM `+lt.target+` WHERE workspace_id = $1 AND id = $2`, ws, id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%s %d: %w", lt.what, id, fault.ErrNotFound)
		}
		if err != nil {
			return err
		}
		switch l, err = getLink(ctx, tx, lt, sel, scan, ws, initiativeID, id); {
		case err == nil:
			return nil
		case !errors.Is(err, fault.ErrNotFound):
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+lt.table+` (workspace_id, initiative_id, `+lt.column+`, created_at)
			VALUES ($1, $2, $3, $4)`, ws, initiativeID, id, s.stamp()); err != nil {
			return err
		}
		if l, err = getLink(ctx, tx, lt, sel, scan, ws, initiativeID, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Create, lt.entity, fmt.Sprintf("%d-%d", initiativeID, id), nil, l)
	})
	if err != nil {
		return l, fmt.Errorf("link %s: %w", lt.what, err)
	}
	return l, nil
}

// unlink removes the link from an initiative of the workspace to the object id.
func unlink[T any](ctx context.Context, s *Store, a audit.Actor, lt linkTable, sel string, scan func(interface{ Scan(...any) error }) (T, error),
	ws, initiativeID, id int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		before, err := getLink(ctx, tx, lt, sel, scan, ws, initiativeID, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+lt.table+` WHERE workspace_id = $1 AND initiative_id = $2 AND `+lt.column+` = $3`,
			ws, initiativeID, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, ws, audit.Delete, lt.entity, fmt.Sprintf("%d-%d", initiativeID, id), before, nil)
	})
	if err != nil {
		return fmt.Errorf("unlink %s: %w", lt.what, err)
	}
	return nil
}

// links reads every link of the kind lt in the workspace, by initiative, each initiative's in
// the order of the linked objects' ids.
func links[T any](ctx context.Context, s *Store, lt linkTable, sel string, scan func(interface{ Scan(...any) error }) (T, error),
	ws int64, initiativeOf func(T) int64) (map[int64][]T, error) {
	rows, err := s.readRows(ctx, sel+` WHERE l.workspace_id = $1 ORDER BY l.initiative_id, l.`+lt.column, ws)
	if err != nil {
		return nil, fmt.Errorf("%s links: %w", lt.what, err)
	}
	defer rows.Close()
	out := map[int64][]T{}
	for rows.Next() {
		l, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s links: %w", lt.what, err)
		}
		id := initiativeOf(l)
		out[id] = append(out[id], l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s links: %w", lt.what, err)
	}
	return out, nil
}

// LinkTouchpoint links an initiative to a journey touchpoint it should improve, both of the
// workspace; linking again changes nothing.
func (s *Store) LinkTouchpoint(ctx context.Context, a audit.Actor, ws, initiativeID, touchpointID int64) (roadmap.TouchpointLink, error) {
	return link(ctx, s, a, touchpointLinks, touchpointLinkSelect, scanTouchpointLink, ws, initiativeID, touchpointID)
}

// UnlinkTouchpoint removes the link from an initiative of the workspace to a touchpoint.
func (s *Store) UnlinkTouchpoint(ctx context.Context, a audit.Actor, ws, initiativeID, touchpointID int64) error {
	return unlink(ctx, s, a, touchpointLinks, touchpointLinkSelect, scanTouchpointLink, ws, initiativeID, touchpointID)
}

// TouchpointLinks lists the links from the workspace's initiatives to touchpoints, by
// initiative.
func (s *Store) TouchpointLinks(ctx context.Context, ws int64) (map[int64][]roadmap.TouchpointLink, error) {
	return links(ctx, s, touchpointLinks, touchpointLinkSelect, scanTouchpointLink, ws,
		func(l roadmap.TouchpointLink) int64 { return l.InitiativeID })
}

// LinkPainPoint links an initiative to a journey pain point it should relieve, both of the
// workspace; linking again changes nothing.
func (s *Store) LinkPainPoint(ctx context.Context, a audit.Actor, ws, initiativeID, painPointID int64) (roadmap.PainPointLink, error) {
	return link(ctx, s, a, painPointLinks, painPointLinkSelect, scanPainPointLink, ws, initiativeID, painPointID)
}

// UnlinkPainPoint removes the link from an initiative of the workspace to a pain point.
func (s *Store) UnlinkPainPoint(ctx context.Context, a audit.Actor, ws, initiativeID, painPointID int64) error {
	return unlink(ctx, s, a, painPointLinks, painPointLinkSelect, scanPainPointLink, ws, initiativeID, painPointID)
}

// PainPointLinks lists the links from the workspace's initiatives to pain points, by
// initiative.
func (s *Store) PainPointLinks(ctx context.Context, ws int64) (map[int64][]roadmap.PainPointLink, error) {
	return links(ctx, s, painPointLinks, painPointLinkSelect, scanPainPointLink, ws,
		func(l roadmap.PainPointLink) int64 { return l.InitiativeID })
}

// DocKeys reads the keys a roadmap document has given the workspace's objects of a table, by
// id; objects without one are left out.
func (s *Store) DocKeys(ctx context.Context, ws int64, table string) (map[int64]string, error) {
	if !docKeyTables[table] {
		return nil, fmt.Errorf("document keys: no table %q", table)
	}
	rows, err := s.readRows(ctx, `SELECT id, doc_key FROM `+table+` WHERE workspace_id = $1 AND doc_key IS NOT NULL`, ws)
	if err != nil {
		return nil, fmt.Errorf("document keys: %w", err)
	}
	defer rows.Close()
	keys := map[int64]string{}
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			return nil, fmt.Errorf("document keys: %w", err)
		}
		keys[id] = key
	}
	return keys, rows.Err()
}
