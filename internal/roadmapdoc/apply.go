package roadmapdoc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/priority"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
	"github.com/lodestar-cx/lodestar/internal/schedule"
	"github.com/lodestar-cx/lodestar/internal/store"
)

// Parse reads a YAML document strictly: an unknown field, a wrong type or a second document is
// an error that gives the line.
func Parse(data []byte) (Document, error) {
	var d Document
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		if errors.Is(err, io.EOF) {
			return d, fault.Invalid("document", "is empty")
		}
		return d, fault.Invalid("document", "%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return d, fault.Invalid("document", "holds more than one YAML document")
	}
	return d, nil
}

// checker gathers the problems of a document, each at its path.
type checker struct{ v fault.Validation }

func (c *checker) add(path, format string, args ...any) { c.v.Add(path, format, args...) }

// key checks the key of the object at path, one of a kind whose keys so far are seen.
func (c *checker) key(path, key string, seen map[string]bool) {
	switch {
	case !keyPattern.MatchString(key) || len(key) > maxKeyLen:
		c.add(path+".key", "must be lower-case letters and digits joined by hyphens, at most %d characters", maxKeyLen)
	case seen[key]:
		c.add(path+".key", "%q is used twice", key)
	}
	seen[key] = true
}

// nested records a domain validation error's fields below path.
func (c *checker) nested(path string, err error) {
	var inv *fault.InvalidError
	if !errors.As(err, &inv) {
		if err != nil {
			c.add(path, "%v", err)
		}
		return
	}
	for _, f := range inv.Fields {
		c.add(path+"."+docField(f.Field), "%s", f.Message)
	}
}

// docField maps an API field name to the document's name for it.
func docField(name string) string {
	switch name {
	case "period_start":
		return "periodStart"
	case "period_end":
		return "periodEnd"
	case "start_date":
		return "start"
	case "due_date":
		return "due"
	case "metric_id":
		return "metric"
	case "parent_id":
		return "parent"
	case "owner_user_id", "owner_team_id":
		return "owner"
	case "review_cadence_days":
		return "reviewCadenceDays"
	case "stage_id":
		return "stage"
	case "team_id":
		return "team"
	case "event_name":
		return "event"
	case "touchpoint_id":
		return "touchpoint"
	}
	return name
}

// plan is a checked document matched against the workspace: every object with its stored
// counterpart, if any, and every reference resolved to an id.
type plan struct {
	doc  Document
	snap *snapshot
	fw   priority.Framework
	// journeys says whether the document holds the journeys and the initiatives' links to
	// them; one of the version before them leaves them as they are.
	journeys bool
	// stored objects by key
	goalByKey map[string]goals.Goal
	krByKey   map[string]goals.KeyResult
	initByKey map[string]roadmap.Initiative
}

// check validates the whole document against the workspace and returns the plan, or an
// *fault.InvalidError naming every problem by its path.
func check(d Document, snap *snapshot) (*plan, error) {
	var c checker
	p := &plan{doc: d, snap: snap, goalByKey: map[string]goals.Goal{}, krByKey: map[string]goals.KeyResult{}, initByKey: map[string]roadmap.Initiative{},
		journeys: d.Version == FormatVersion}
	for _, g := range snap.goals {
		p.goalByKey[g.Key] = g
	}
	for _, k := range snap.keyResults {
		p.krByKey[k.Key] = k
	}
	for _, it := range snap.initiatives {
		p.initByKey[it.Key] = it
	}
	if d.Version != FormatVersion && d.Version != versionWithoutJourneys {
		c.add("version", "must be %d (or %d, which leaves journeys as they are)", FormatVersion, versionWithoutJourneys)
	}
	cfg := priority.Config{Kind: priority.Kind(d.Framework.Kind), Formula: d.Framework.Formula}
	if w := d.Framework.Weights; w != nil {
		cfg.Weights = &priority.Weights{Impact: w.Impact, Feasibility: w.Feasibility, Alignment: w.Alignment}
	}
	fw, err := priority.ParseFramework(cfg)
	c.nested("framework", err)
	p.fw = fw

	goalKeys, krKeys := map[string]bool{}, map[string]bool{}
	for i, g := range d.Goals {
		c.key(fmt.Sprintf("goals[%d]", i), g.Key, goalKeys)
		for j, k := range g.KeyResults {
			c.key(fmt.Sprintf("goals[%d].keyResults[%d]", i, j), k.Key, krKeys)
		}
	}
	// The tree: one vision, every parent known and listed before its children, levels that
	// follow from the parent.
	level := map[string]goals.Level{}
	roots := 0
	for i, g := range d.Goals {
		path := fmt.Sprintf("goals[%d]", i)
		want := goals.Vision
		if g.Parent == "" {
			roots++
			if roots > 1 {
				c.add(path+".parent", "is required: there is one vision, %q", d.Goals[0].Key)
			}
		} else if pl, ok := level[g.Parent]; !ok {
			c.add(path+".parent", "%q is not a goal listed before this one", g.Parent)
		} else if want = goals.Objective; pl == goals.Vision {
			want = goals.Business
		}
		if g.Level != "" && goals.Level(g.Level) != want {
			c.add(path+".level", "must be %s here", want)
		}
		level[g.Key] = want
		in := goals.GoalInput{Title: g.Title, Description: g.Description, PeriodStart: g.PeriodStart, PeriodEnd: g.PeriodEnd,
			Status: goals.GoalStatus(g.Status), Weight: &g.Weight}
		if g.Owner != nil {
			in.OwnerUserID, in.OwnerTeamID = p.resolveOwner(&c, path+".owner", g.Owner.User, g.Owner.Team)
		}
		c.nested(path, in.Validate())
		for j, k := range g.KeyResults {
			kin := krInput(k)
			c.nested(fmt.Sprintf("%s.keyResults[%d]", path, j), kin.Validate())
		}
	}
	tpRefs, ppRefs := p.checkJourneys(&c)
	if !p.journeys && len(d.Journeys) > 0 {
		c.add("journeys", "need version %d of the document", FormatVersion)
	}
	initKeys := map[string]bool{}
	index := map[string]int{}
	for i, it := range d.Initiatives {
		c.key(fmt.Sprintf("initiatives[%d]", i), it.Key, initKeys)
		index[it.Key] = i
	}
	var tasks []schedule.Task
	var deps []schedule.Dependency
	for i, it := range d.Initiatives {
		path := fmt.Sprintf("initiatives[%d]", i)
		in := initInput(it)
		c.nested(path, in.Validate())
		for j, o := range it.Owners {
			op := fmt.Sprintf("%s.owners[%d]", path, j)
			p.resolveOwner(&c, op, o.User, o.Team)
			ain := roadmap.AssignmentInput{UserID: 1, Role: roadmap.Role(o.Role)}
			c.nested(op, ain.Validate())
		}
		if !p.journeys && len(it.Touchpoints)+len(it.PainPoints) > 0 {
			c.add(path, "links to touchpoints and pain points need version %d of the document", FormatVersion)
		}
		checkLinks(&c, path+".touchpoints", "touchpoint", it.Touchpoints, tpRefs)
		checkLinks(&c, path+".painPoints", "pain point", it.PainPoints, ppRefs)
		tasks = append(tasks, schedule.Task{ID: int64(i), Start: it.Start, Due: it.Due})
		for j, dep := range it.DependsOn {
			k, ok := index[dep]
			switch {
			case !ok:
				c.add(fmt.Sprintf("%s.dependsOn[%d]", path, j), "%q is not an initiative of this document", dep)
			case k == i:
				c.add(fmt.Sprintf("%s.dependsOn[%d]", path, j), "an initiative cannot depend on itself")
			case slices.Index(it.DependsOn, dep) != j:
				c.add(fmt.Sprintf("%s.dependsOn[%d]", path, j), "%q is listed twice", dep)
			default:
				deps = append(deps, schedule.Dependency{Prerequisite: int64(k), Dependent: int64(i)})
			}
		}
	}
	if err := c.v.Err(); err != nil {
		return nil, err
	}
	// Dates were checked above, so the graph can only refuse a cycle.
	if _, err := schedule.New(tasks, deps); err != nil {
		var ce *schedule.CycleError
		if !errors.As(err, &ce) {
			return nil, err
		}
		names := make([]string, len(ce.IDs))
		for i, id := range ce.IDs {
			names[i] = d.Initiatives[id].Key
		}
		// The edge from the first to the second task of the cycle: the second depends on the first.
		dep := d.Initiatives[ce.IDs[1]]
		j := slices.Index(dep.DependsOn, d.Initiatives[ce.IDs[0]].Key)
		c.add(fmt.Sprintf("initiatives[%d].dependsOn[%d]", ce.IDs[1], j), "makes a cycle: %s", strings.Join(names, " → "))
		return nil, c.v.Err()
	}
	return p, nil
}

func (p *plan) resolveOwner(c *checker, path, user, team string) (userID, teamID int64) {
	switch {
	case (user == "") == (team == ""):
		c.add(path, "name either a user (by email) or a team (by name)")
	case user != "":
		if userID = p.snap.userIDs[strings.ToLower(user)]; userID == 0 {
			c.add(path+".user", "%q is not a member of this workspace", user)
		}
	default:
		if teamID = p.snap.teamIDs[team]; teamID == 0 {
			c.add(path+".team", "%q is not a team of this workspace", team)
		}
	}
	return userID, teamID
}

func krInput(k KeyResult) goals.KeyResultInput {
	cur, w := k.Current, k.Weight
	return goals.KeyResultInput{Title: k.Title, Kind: goals.Kind(k.Kind), Baseline: k.Baseline, Target: k.Target, Current: &cur,
		Unit: k.Unit, StartDate: k.Start, DueDate: k.Due, Weight: &w, Source: goals.Source(k.Source), MetricID: k.Metric}
}

func initInput(it Initiative) roadmap.InitiativeInput {
	inputs := priority.Inputs{}
	for k, v := range it.Inputs {
		inputs[k] = v
	}
	return roadmap.InitiativeInput{Title: it.Title, Description: it.Description, Horizon: roadmap.Horizon(it.Horizon),
		Status: roadmap.Status(it.Status), StartDate: it.Start, DueDate: it.Due, Inputs: inputs}
}

// Change is one difference between a document and the workspace.
type Change struct {
	// Op is "create", "update" or "delete".
	Op string `json:"op"`
	// Kind is what changes: framework, goal, key result, journey, stage, stage order,
	// touchpoint, pain point, initiative.
	Kind string `json:"kind"`
	Key  string `json:"key"`
	// Fields lists, for an update, what changes from what to what.
	Fields []FieldChange `json:"fields,omitempty"`
}

// FieldChange is one field of an update.
type FieldChange struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

func (c Change) String() string {
	sign := map[string]string{"create": "+", "update": "~", "delete": "-"}[c.Op]
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s", sign, c.Kind, c.Key)
	for _, f := range c.Fields {
		fmt.Fprintf(&b, "\n    %s: %s → %s", f.Field, f.From, f.To)
	}
	return b.String()
}

// diffFields compares two renderings of an object field by field, by their YAML names, but
// for the key and the fields named in skip (lists of objects compared one by one).
func diffFields(from, to any, skip ...string) []FieldChange {
	var out []FieldChange
	fv, tv := reflect.ValueOf(from), reflect.ValueOf(to)
	for i := range fv.NumField() {
		f := fv.Type().Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "key" || slices.Contains(skip, name) {
			continue
		}
		a, b := fv.Field(i), tv.Field(i)
		if !sameValue(a, b) {
			out = append(out, FieldChange{Field: name, From: show(a.Interface()), To: show(b.Interface())})
		}
	}
	return out
}

// sameValue is reflect.DeepEqual, but for an empty list or map, which is the same whether
// it was written as [] or left out.
func sameValue(a, b reflect.Value) bool {
	if k := a.Kind(); (k == reflect.Slice || k == reflect.Map) && a.Len() == 0 && b.Len() == 0 {
		return true
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

func show(v any) string {
	out, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := strings.TrimSpace(string(out))
	if s == "" || s == "null" || s == `""` || s == "{}" || s == "[]" {
		return "(none)"
	}
	return strings.ReplaceAll(s, "\n", " ")
}

// changes lists what applying the plan would change, in the order Apply makes the changes.
func (p *plan) changes() []Change {
	var out []Change
	cur := p.snap.document()
	if !reflect.DeepEqual(cur.Framework, p.doc.Framework) {
		out = append(out, Change{Op: "update", Kind: "framework", Key: p.doc.Framework.Kind,
			Fields: diffFields(cur.Framework, p.doc.Framework)})
	}
	curGoals := map[string]Goal{}
	for _, g := range cur.Goals {
		curGoals[g.Key] = g
	}
	curKRs := map[string]KeyResult{}
	for _, g := range cur.Goals {
		for _, k := range g.KeyResults {
			curKRs[k.Key] = k
		}
	}
	docKRs := map[string]bool{}
	for _, g := range p.doc.Goals {
		was, ok := curGoals[g.Key]
		switch {
		case !ok:
			out = append(out, Change{Op: "create", Kind: "goal", Key: g.Key})
		default:
			if fs := diffFields(was, g, "keyResults"); len(fs) > 0 {
				out = append(out, Change{Op: "update", Kind: "goal", Key: g.Key, Fields: fs})
			}
		}
		for _, k := range g.KeyResults {
			docKRs[k.Key] = true
			was, ok := curKRs[k.Key]
			switch {
			case !ok:
				out = append(out, Change{Op: "create", Kind: "key result", Key: k.Key})
			case p.krByKey[k.Key].GoalID != p.goalByKey[g.Key].ID:
				out = append(out, Change{Op: "update", Kind: "key result", Key: k.Key,
					Fields: append(diffFields(was, k), FieldChange{Field: "goal", From: goalKeyOf(p, p.krByKey[k.Key].GoalID), To: g.Key})})
			default:
				if fs := diffFields(was, k); len(fs) > 0 {
					out = append(out, Change{Op: "update", Kind: "key result", Key: k.Key, Fields: fs})
				}
			}
		}
	}
	for _, k := range sortedKeys(curKRs) {
		if !docKRs[k] {
			out = append(out, Change{Op: "delete", Kind: "key result", Key: k})
		}
	}
	docGoals := map[string]bool{}
	for _, g := range p.doc.Goals {
		docGoals[g.Key] = true
	}
	for i := len(cur.Goals) - 1; i >= 0; i-- { // children before parents
		if g := cur.Goals[i]; !docGoals[g.Key] {
			out = append(out, Change{Op: "delete", Kind: "goal", Key: g.Key})
		}
	}
	if p.journeys {
		out = append(out, p.journeyChanges(cur)...)
	}
	curInits := map[string]Initiative{}
	for _, it := range cur.Initiatives {
		if !p.journeys { // the document leaves the links as they are
			it.Touchpoints, it.PainPoints = nil, nil
		}
		curInits[it.Key] = it
	}
	docInits := map[string]bool{}
	for _, it := range p.doc.Initiatives {
		docInits[it.Key] = true
		was, ok := curInits[it.Key]
		if !ok {
			out = append(out, Change{Op: "create", Kind: "initiative", Key: it.Key})
			continue
		}
		if fs := diffFields(was, it); len(fs) > 0 {
			out = append(out, Change{Op: "update", Kind: "initiative", Key: it.Key, Fields: fs})
		}
	}
	for _, k := range sortedKeys(curInits) {
		if !docInits[k] {
			out = append(out, Change{Op: "delete", Kind: "initiative", Key: k})
		}
	}
	return out
}

func goalKeyOf(p *plan, id int64) string {
	for _, g := range p.snap.goals {
		if g.ID == id {
			return g.Key
		}
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Result is what Apply found and, unless it was a dry run, did.
type Result struct {
	Changes []Change `json:"changes"`
	Applied bool     `json:"applied"`
}

// Apply checks the document against the workspace and lists the changes; unless dryRun, it
// makes them all in one transaction. Nothing changes when the document has any error.
func Apply(ctx context.Context, st *store.Store, a audit.Actor, ws int64, d Document, dryRun bool) (Result, error) {
	snap, err := load(ctx, st, ws)
	if err != nil {
		return Result{}, fmt.Errorf("apply: %w", err)
	}
	p, err := check(d, snap)
	if err != nil {
		return Result{}, err
	}
	res := Result{Changes: p.changes()}
	if res.Changes == nil {
		res.Changes = []Change{}
	}
	if dryRun || len(res.Changes) == 0 {
		return res, nil
	}
	if err := st.Atomically(ctx, func(tx *store.Store) error { return p.apply(ctx, tx, a, ws) }); err != nil {
		return Result{}, fmt.Errorf("apply: %w", err)
	}
	res.Applied = true
	return res, nil
}

// apply makes the plan's changes through tx, a store bound to one transaction.
func (p *plan) apply(ctx context.Context, tx *store.Store, a audit.Actor, ws int64) error {
	if err := tx.SetPriorityFramework(ctx, a, ws, p.fw); err != nil {
		return err
	}
	// Goals, parents first (the document lists them so); then key results.
	goalID := map[string]int64{}
	for _, g := range p.doc.Goals {
		in := goals.GoalInput{ParentID: goalID[g.Parent], Title: g.Title, Description: g.Description, PeriodStart: g.PeriodStart,
			PeriodEnd: g.PeriodEnd, Status: goals.GoalStatus(g.Status), Weight: ptr(g.Weight)}
		if g.Owner != nil {
			in.OwnerUserID, in.OwnerTeamID = p.snap.userIDs[strings.ToLower(g.Owner.User)], p.snap.teamIDs[g.Owner.Team]
		}
		if err := in.Validate(); err != nil {
			return err
		}
		was, ok := p.goalByKey[g.Key]
		if !ok {
			made, err := tx.CreateGoal(ctx, a, ws, in)
			if err != nil {
				return fmt.Errorf("goal %s: %w", g.Key, err)
			}
			goalID[g.Key] = made.ID
		} else {
			goalID[g.Key] = was.ID
			up := goals.GoalUpdate{ParentID: &in.ParentID, Title: &in.Title, Description: &in.Description, OwnerUserID: &in.OwnerUserID,
				OwnerTeamID: &in.OwnerTeamID, PeriodStart: &in.PeriodStart, PeriodEnd: &in.PeriodEnd, Status: &in.Status, Weight: in.Weight}
			if _, err := tx.UpdateGoal(ctx, a, ws, was.ID, was.Version, up); err != nil {
				return fmt.Errorf("goal %s: %w", g.Key, err)
			}
		}
		if err := tx.SetDocKey(ctx, ws, "goals", goalID[g.Key], g.Key); err != nil {
			return err
		}
	}
	docKRs := map[string]bool{}
	for _, g := range p.doc.Goals {
		for _, k := range g.KeyResults {
			docKRs[k.Key] = true
			in := krInput(k)
			if err := in.Validate(); err != nil {
				return err
			}
			was, ok := p.krByKey[k.Key]
			var id int64
			switch {
			case !ok || was.GoalID != goalID[g.Key]:
				// New, or moved to another goal: a key result belongs to its goal for life.
				if ok {
					if err := tx.DeleteKeyResult(ctx, a, ws, was.ID, was.Version); err != nil {
						return fmt.Errorf("key result %s: %w", k.Key, err)
					}
				}
				made, err := tx.CreateKeyResult(ctx, a, ws, goalID[g.Key], in)
				if err != nil {
					return fmt.Errorf("key result %s: %w", k.Key, err)
				}
				id = made.ID
			default:
				id = was.ID
				kind := in.Kind
				up := goals.KeyResultUpdate{Title: &in.Title, Kind: &kind, Baseline: &in.Baseline, Target: &in.Target, Unit: &in.Unit,
					StartDate: &in.StartDate, DueDate: &in.DueDate, Weight: in.Weight, Source: &in.Source, MetricID: &in.MetricID}
				made, err := tx.UpdateKeyResult(ctx, a, ws, was.ID, was.Version, up)
				if err != nil {
					return fmt.Errorf("key result %s: %w", k.Key, err)
				}
				if made.Current != *in.Current {
					if _, err := tx.RecordKeyResultValue(ctx, a, ws, id, *in.Current, "document", "set by roadmap document"); err != nil {
						return err
					}
				}
			}
			if err := tx.SetDocKey(ctx, ws, "key_results", id, k.Key); err != nil {
				return err
			}
		}
	}
	for _, k := range p.snap.keyResults {
		if !docKRs[k.Key] {
			if err := tx.DeleteKeyResult(ctx, a, ws, k.ID, k.Version); err != nil && !errors.Is(err, fault.ErrNotFound) {
				return fmt.Errorf("key result %s: %w", k.Key, err)
			}
		}
	}
	docGoals := map[string]bool{}
	for _, g := range p.doc.Goals {
		docGoals[g.Key] = true
	}
	for i := len(p.snap.goals) - 1; i >= 0; i-- {
		g := p.snap.goals[i]
		if !docGoals[g.Key] {
			// A goal below a deleted one is gone already.
			cur, err := tx.Goal(ctx, ws, g.ID)
			if errors.Is(err, fault.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if err := tx.DeleteGoal(ctx, a, ws, g.ID, cur.Version); err != nil {
				return fmt.Errorf("goal %s: %w", g.Key, err)
			}
		}
	}
	if !p.journeys {
		_, err := p.applyInitiatives(ctx, tx, a, ws)
		return err
	}
	ids, err := p.applyJourneys(ctx, tx, a, ws)
	if err != nil {
		return err
	}
	initID, err := p.applyInitiatives(ctx, tx, a, ws)
	if err != nil {
		return err
	}
	return p.applyLinks(ctx, tx, a, ws, initID, ids)
}

// applyInitiatives makes the initiatives with their owners and dependencies, and returns
// their ids by key.
func (p *plan) applyInitiatives(ctx context.Context, tx *store.Store, a audit.Actor, ws int64) (map[string]int64, error) {
	initID := map[string]int64{}
	for _, it := range p.doc.Initiatives {
		in := initInput(it)
		if err := in.Validate(); err != nil {
			return nil, err
		}
		was, ok := p.initByKey[it.Key]
		if !ok {
			made, err := tx.CreateInitiative(ctx, a, ws, in)
			if err != nil {
				return nil, fmt.Errorf("initiative %s: %w", it.Key, err)
			}
			initID[it.Key] = made.ID
		} else {
			initID[it.Key] = was.ID
			inputs := map[string]*float64{}
			for k := range was.Inputs {
				inputs[k] = nil
			}
			for k, v := range in.Inputs {
				inputs[k] = ptr(v)
			}
			up := roadmap.InitiativeUpdate{Title: &in.Title, Description: &in.Description, Horizon: &in.Horizon, Status: &in.Status,
				StartDate: &in.StartDate, DueDate: &in.DueDate, Inputs: inputs}
			if _, err := tx.UpdateInitiative(ctx, a, ws, was.ID, was.Version, up); err != nil {
				return nil, fmt.Errorf("initiative %s: %w", it.Key, err)
			}
		}
		if err := tx.SetDocKey(ctx, ws, "initiatives", initID[it.Key], it.Key); err != nil {
			return nil, err
		}
	}
	docInits := map[string]bool{}
	for _, it := range p.doc.Initiatives {
		docInits[it.Key] = true
	}
	for _, it := range p.snap.initiatives {
		if !docInits[it.Key] {
			if err := tx.DeleteInitiative(ctx, a, ws, it.ID, it.Version); err != nil {
				return nil, fmt.Errorf("initiative %s: %w", it.Key, err)
			}
		}
	}
	// Owners and dependencies are replaced where they differ.
	cur := p.snap.document()
	curInit := map[string]Initiative{}
	for _, it := range cur.Initiatives {
		curInit[it.Key] = it
	}
	for _, it := range p.doc.Initiatives {
		was := curInit[it.Key]
		id := initID[it.Key]
		if !sameOwners(was.Owners, it.Owners) {
			for _, as := range p.snap.assignments {
				if as.InitiativeID == id {
					if err := tx.Unassign(ctx, a, ws, id, as.ID); err != nil {
						return nil, err
					}
				}
			}
			for _, o := range it.Owners {
				in := roadmap.AssignmentInput{UserID: p.snap.userIDs[strings.ToLower(o.User)], TeamID: p.snap.teamIDs[o.Team], Role: roadmap.Role(o.Role)}
				if _, err := tx.Assign(ctx, a, ws, id, in); err != nil {
					return nil, fmt.Errorf("initiative %s owners: %w", it.Key, err)
				}
			}
		}
		for _, pre := range was.DependsOn {
			if !slices.Contains(it.DependsOn, pre) && docInits[pre] {
				if err := tx.RemoveDependency(ctx, a, ws, initID[pre], id); err != nil {
					return nil, err
				}
			}
		}
	}
	// Added after every removal, so that a dependency turned around is never a cycle on the way.
	for _, it := range p.doc.Initiatives {
		was := curInit[it.Key]
		for _, pre := range it.DependsOn {
			if slices.Contains(was.DependsOn, pre) && p.initByKey[it.Key].ID != 0 {
				continue
			}
			in := roadmap.DependencyInput{PrerequisiteID: initID[pre], DependentID: initID[it.Key]}
			if _, err := tx.AddDependency(ctx, a, ws, in, func(pl roadmap.Plan) error { return pl.CheckNew(in) }); err != nil {
				return nil, fmt.Errorf("initiative %s dependsOn %s: %w", it.Key, pre, err)
			}
		}
	}
	return initID, nil
}

func sameOwners(a, b []Assignment) bool {
	norm := func(xs []Assignment) []string {
		out := make([]string, len(xs))
		for i, x := range xs {
			out[i] = strings.ToLower(x.User) + "|" + x.Team + "|" + x.Role
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(norm(a), norm(b))
}

func ptr[T any](v T) *T { return &v }
