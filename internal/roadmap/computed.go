package roadmap

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/priority"
)

// Reader is the storage the computed fields of a roadmap are read from. The store is one; the
// API and the CLI hand it to the functions below, so that both compute the same fields the
// same way.
type Reader interface {
	Initiative(ctx context.Context, ws, id int64) (Initiative, error)
	PriorityFramework(ctx context.Context, ws int64) (priority.Framework, error)
	CheckInCadence(ctx context.Context, ws int64) (CheckInCadence, error)
	LastInitiativeCheckIns(ctx context.Context, ws int64) (map[int64]time.Time, error)
	LastKeyResultCheckIns(ctx context.Context, ws int64) (map[int64]time.Time, error)
	KeyResultLinks(ctx context.Context, ws int64) (map[int64][]KeyResultLink, error)
	TouchpointLinks(ctx context.Context, ws int64) (map[int64][]TouchpointLink, error)
	PainPointLinks(ctx context.Context, ws int64) (map[int64][]PainPointLink, error)
	AccountableCounts(ctx context.Context, ws int64) (map[int64]int, error)
	Plan(ctx context.Context, ws int64) (Plan, error)
}

// The flags an initiative can carry.
const (
	FlagNoAccountable      = "no_accountable"
	FlagSeveralAccountable = "several_accountable"
	FlagDependencyConflict = "dependency_conflict"
	FlagOverdue            = "overdue"
	FlagStaleCheckIn       = "stale_check_in"
)

// Decorate fills what is computed on read of the initiatives of workspace ws, as of now: the
// score under the workspace's framework, the links to key results, touchpoints and pain
// points, the count of accountable owners and the flags. Ranks need the whole list: see Rank.
func Decorate(ctx context.Context, r Reader, ws int64, now time.Time, items []Initiative) error {
	f, err := r.PriorityFramework(ctx, ws)
	if err != nil {
		return err
	}
	cadence, err := r.CheckInCadence(ctx, ws)
	if err != nil {
		return err
	}
	lastCheckIns, err := r.LastInitiativeCheckIns(ctx, ws)
	if err != nil {
		return err
	}
	links, err := r.KeyResultLinks(ctx, ws)
	if err != nil {
		return err
	}
	touchpoints, err := r.TouchpointLinks(ctx, ws)
	if err != nil {
		return err
	}
	painPoints, err := r.PainPointLinks(ctx, ws)
	if err != nil {
		return err
	}
	counts, err := r.AccountableCounts(ctx, ws)
	if err != nil {
		return err
	}
	plan, err := r.Plan(ctx, ws)
	if err != nil {
		return err
	}
	tl, err := plan.Timeline()
	if err != nil {
		return err
	}
	conflicts := tl.ConflictIDs()
	today := civil.Of(now.UTC())
	for i := range items {
		it := &items[i]
		it.Scored(f)
		it.KeyResults = links[it.ID]
		if it.KeyResults == nil {
			it.KeyResults = []KeyResultLink{}
		}
		it.Touchpoints, it.PainPoints = touchpoints[it.ID], painPoints[it.ID]
		if it.Touchpoints == nil {
			it.Touchpoints = []TouchpointLink{}
		}
		if it.PainPoints == nil {
			it.PainPoints = []PainPointLink{}
		}
		it.Accountable = counts[it.ID]
		it.Flags = []string{}
		switch {
		case it.Accountable == 0:
			it.Flags = append(it.Flags, FlagNoAccountable)
		case it.Accountable > 1:
			it.Flags = append(it.Flags, FlagSeveralAccountable)
		}
		if conflicts[it.ID] {
			it.Flags = append(it.Flags, FlagDependencyConflict)
		}
		if !it.DueDate.IsZero() && it.DueDate.Before(today) && it.Status != Done && it.Status != Dropped {
			it.Flags = append(it.Flags, FlagOverdue)
		}
		if it.Status.ExpectsCheckIns() && cadence.Stale(lastCheckIns[it.ID], it.CreatedAt, now) {
			it.Flags = append(it.Flags, FlagStaleCheckIn)
		}
	}
	return nil
}

var horizonOrder = map[Horizon]int{Short: 0, Mid: 1, Long: 2}

// Rank sets the rank of every scored initiative within its horizon, from 1 by score, and
// sorts the list by horizon (short first), then rank, unscored initiatives last, then id.
// The initiatives must be scored (Decorate) and be all of the workspace's, or the ranks mean
// nothing.
func Rank(items []Initiative) {
	byHorizon := map[Horizon][]priority.Ranked{}
	for _, it := range items {
		if it.Score != nil {
			byHorizon[it.Horizon] = append(byHorizon[it.Horizon], priority.Ranked{ID: it.ID, Score: it.Score.Score})
		}
	}
	rank := map[int64]int{}
	for _, ranked := range byHorizon {
		for i, rk := range priority.Rank(ranked) {
			rank[rk.ID] = i + 1
		}
	}
	for i := range items {
		items[i].Rank = rank[items[i].ID]
	}
	unrankedLast := func(r int) int {
		if r == 0 {
			return 1 << 30
		}
		return r
	}
	slices.SortStableFunc(items, func(x, y Initiative) int {
		if d := horizonOrder[x.Horizon] - horizonOrder[y.Horizon]; d != 0 {
			return d
		}
		if d := unrankedLast(x.Rank) - unrankedLast(y.Rank); d != 0 {
			return d
		}
		return cmp.Compare(x.ID, y.ID)
	})
}

// MarkStaleKeyResults sets Stale on the key results of workspace ws that have gone longer
// than the workspace's check-in cadence without a check-in, as of now.
func MarkStaleKeyResults(ctx context.Context, r Reader, ws int64, now time.Time, items []goals.KeyResult) error {
	if len(items) == 0 {
		return nil
	}
	cadence, err := r.CheckInCadence(ctx, ws)
	if err != nil {
		return err
	}
	last, err := r.LastKeyResultCheckIns(ctx, ws)
	if err != nil {
		return err
	}
	for i := range items {
		items[i].Stale = cadence.Stale(last[items[i].ID], items[i].CreatedAt, now)
	}
	return nil
}

// PreviewReschedule computes, without changing anything, the shifts that moving initiative id
// of workspace ws as m would make: its own first, then every dependent it pushes later.
// Applying them is the store's Reschedule with these shifts as the ones expected.
func PreviewReschedule(ctx context.Context, r Reader, ws, id int64, m Move) ([]Shift, error) {
	if _, err := r.Initiative(ctx, ws, id); err != nil {
		return nil, err
	}
	plan, err := r.Plan(ctx, ws)
	if err != nil {
		return nil, err
	}
	shifts, err := plan.Reschedule(id, m)
	if shifts == nil {
		shifts = []Shift{}
	}
	return shifts, err
}
