package roadmapdoc

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/priority"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
	"github.com/lodestar-cx/lodestar/internal/store"
)

// snapshot is a workspace's roadmap as stored, with every object keyed.
type snapshot struct {
	framework   priority.Framework
	goals       []goals.Goal
	keyResults  []goals.KeyResult
	initiatives []roadmap.Initiative
	assignments []roadmap.Assignment
	deps        []roadmap.Dependency
	journeys    []keyedJourney
	// The keys stored for journeys, and for touchpoints and pain points as journey-key/key,
	// by id.
	journeyKeys, touchpointKeys, painPointKeys map[int64]string
	// Touchpoints and pain points by id, named journey-key/key.
	touchpointRef, painPointRef map[int64]string
	// Links from initiatives, by initiative id.
	touchpointLinks map[int64][]roadmap.TouchpointLink
	painPointLinks  map[int64][]roadmap.PainPointLink
	// People and teams, both ways.
	emails    map[int64]string
	userIDs   map[string]int64
	teamNames map[int64]string
	teamIDs   map[string]int64
}

// all reads every page of a list.
func all[T any](fetch func(store.Page) ([]T, int64, error)) ([]T, error) {
	var out []T
	p := store.Page{Limit: store.MaxPageLimit}
	for {
		items, next, err := fetch(p)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == 0 {
			return out, nil
		}
		p.After = next
	}
}

func load(ctx context.Context, st *store.Store, ws int64) (*snapshot, error) {
	s := &snapshot{emails: map[int64]string{}, userIDs: map[string]int64{}, teamNames: map[int64]string{}, teamIDs: map[string]int64{}}
	var err error
	if s.framework, err = st.PriorityFramework(ctx, ws); err != nil {
		return nil, err
	}
	if s.goals, err = all(func(p store.Page) ([]goals.Goal, int64, error) { return st.Goals(ctx, ws, p) }); err != nil {
		return nil, err
	}
	if s.keyResults, err = all(func(p store.Page) ([]goals.KeyResult, int64, error) { return st.KeyResults(ctx, ws, 0, p) }); err != nil {
		return nil, err
	}
	if s.initiatives, err = all(func(p store.Page) ([]roadmap.Initiative, int64, error) { return st.Initiatives(ctx, ws, p) }); err != nil {
		return nil, err
	}
	if s.assignments, err = st.WorkspaceAssignments(ctx, ws); err != nil {
		return nil, err
	}
	plan, err := st.Plan(ctx, ws)
	if err != nil {
		return nil, err
	}
	s.deps = plan.Deps
	if err := s.loadJourneys(ctx, st, ws); err != nil {
		return nil, err
	}
	members, err := all(func(p store.Page) ([]workspaceMember, int64, error) { return membersPage(ctx, st, ws, p) })
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		s.emails[m.id], s.userIDs[m.email] = m.email, m.id
	}
	teams, err := all(func(p store.Page) ([]workspaceTeam, int64, error) { return teamsPage(ctx, st, ws, p) })
	if err != nil {
		return nil, err
	}
	for _, t := range teams {
		s.teamNames[t.id], s.teamIDs[t.name] = t.name, t.id
	}
	s.assignKeys()
	return s, nil
}

type workspaceMember struct {
	id    int64
	email string
}

func membersPage(ctx context.Context, st *store.Store, ws int64, p store.Page) ([]workspaceMember, int64, error) {
	ms, next, err := st.Members(ctx, ws, p)
	out := make([]workspaceMember, len(ms))
	for i, m := range ms {
		out[i] = workspaceMember{m.UserID, m.Email}
	}
	return out, next, err
}

type workspaceTeam struct {
	id   int64
	name string
}

func teamsPage(ctx context.Context, st *store.Store, ws int64, p store.Page) ([]workspaceTeam, int64, error) {
	ts, next, err := st.Teams(ctx, ws, p)
	out := make([]workspaceTeam, len(ts))
	for i, t := range ts {
		out[i] = workspaceTeam{t.ID, t.Name}
	}
	return out, next, err
}

// assignKeys gives every object without a stored key one made from its title, in id order,
// so that the same state always yields the same keys.
func (s *snapshot) assignKeys() {
	var own []string
	for _, g := range s.goals {
		own = append(own, g.Key)
	}
	k := newKeyer(own)
	for i := range s.goals {
		s.goals[i].Key = k.key(s.goals[i].Key, s.goals[i].Title)
	}
	own = own[:0]
	for _, kr := range s.keyResults {
		own = append(own, kr.Key)
	}
	k = newKeyer(own)
	for i := range s.keyResults {
		s.keyResults[i].Key = k.key(s.keyResults[i].Key, s.keyResults[i].Title)
	}
	own = own[:0]
	for _, it := range s.initiatives {
		own = append(own, it.Key)
	}
	k = newKeyer(own)
	for i := range s.initiatives {
		s.initiatives[i].Key = k.key(s.initiatives[i].Key, s.initiatives[i].Title)
	}
	s.assignJourneyKeys()
}

func (s *snapshot) owner(userID, teamID int64) *Owner {
	switch {
	case userID != 0:
		return &Owner{User: s.emails[userID]}
	case teamID != 0:
		return &Owner{Team: s.teamNames[teamID]}
	}
	return nil
}

// document renders the snapshot: goals depth first from the vision, a journey's stages in
// their order and its touchpoints by stage, children and every other list by key, so that the
// order never depends on ids or timing.
func (s *snapshot) document() Document {
	c := s.framework.Config()
	d := Document{Version: FormatVersion, Framework: Framework{Kind: string(c.Kind), Formula: c.Formula},
		Goals: []Goal{}, Journeys: s.journeyDocs(), Initiatives: []Initiative{}}
	if c.Weights != nil {
		d.Framework.Weights = &Weights{c.Weights.Impact, c.Weights.Feasibility, c.Weights.Alignment}
	}
	keyOf := map[int64]string{}
	children := map[int64][]goals.Goal{}
	for _, g := range s.goals {
		keyOf[g.ID] = g.Key
		children[g.ParentID] = append(children[g.ParentID], g)
	}
	krs := map[int64][]KeyResult{}
	for _, k := range s.keyResults {
		krs[k.GoalID] = append(krs[k.GoalID], KeyResult{Key: k.Key, Title: k.Title, Kind: string(k.Kind), Baseline: k.Baseline,
			Target: k.Target, Current: k.Current, Unit: k.Unit, Start: k.StartDate, Due: k.DueDate, Weight: k.Weight,
			Source: string(k.Source), Metric: k.MetricID})
	}
	var walk func(parent int64)
	walk = func(parent int64) {
		kids := children[parent]
		slices.SortFunc(kids, func(a, b goals.Goal) int { return cmp.Compare(a.Key, b.Key) })
		for _, g := range kids {
			list := krs[g.ID]
			slices.SortFunc(list, func(a, b KeyResult) int { return cmp.Compare(a.Key, b.Key) })
			d.Goals = append(d.Goals, Goal{Key: g.Key, Title: g.Title, Level: string(g.Level), Parent: keyOf[g.ParentID],
				Description: g.Description, Owner: s.owner(g.OwnerUserID, g.OwnerTeamID), PeriodStart: g.PeriodStart,
				PeriodEnd: g.PeriodEnd, Status: string(g.Status), Weight: g.Weight, KeyResults: list})
			walk(g.ID)
		}
	}
	walk(0)

	initKey := map[int64]string{}
	for _, it := range s.initiatives {
		initKey[it.ID] = it.Key
	}
	owners := map[int64][]Assignment{}
	for _, a := range s.assignments {
		o := s.owner(a.UserID, a.TeamID)
		owners[a.InitiativeID] = append(owners[a.InitiativeID], Assignment{User: o.User, Team: o.Team, Role: string(a.Role)})
	}
	deps := map[int64][]string{}
	for _, dep := range s.deps {
		deps[dep.DependentID] = append(deps[dep.DependentID], initKey[dep.PrerequisiteID])
	}
	for _, it := range s.initiatives {
		os := owners[it.ID]
		slices.SortFunc(os, func(a, b Assignment) int {
			return cmp.Or(cmp.Compare(roleOrder[a.Role], roleOrder[b.Role]), cmp.Compare(a.User, b.User), cmp.Compare(a.Team, b.Team))
		})
		ds := deps[it.ID]
		slices.Sort(ds)
		var inputs map[string]float64
		if len(it.Inputs) > 0 {
			inputs = it.Inputs
		}
		tps, pps := s.linkRefs(it.ID)
		d.Initiatives = append(d.Initiatives, Initiative{Key: it.Key, Title: it.Title, Description: it.Description,
			Horizon: string(it.Horizon), Status: string(it.Status), Start: it.StartDate, Due: it.DueDate,
			Inputs: inputs, Owners: os, DependsOn: ds, Touchpoints: tps, PainPoints: pps})
	}
	slices.SortFunc(d.Initiatives, func(a, b Initiative) int { return cmp.Compare(a.Key, b.Key) })
	return d
}

var roleOrder = map[string]int{"accountable": 0, "responsible": 1, "participating": 2}

// Export writes the workspace's roadmap as a YAML document.
func Export(ctx context.Context, st *store.Store, ws int64) ([]byte, error) {
	s, err := load(ctx, st, ws)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return Marshal(s.document())
}

// Marshal writes a document as YAML, two spaces to a level.
func Marshal(d Document) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
