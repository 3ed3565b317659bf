package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/journey"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
	"github.com/lodestar-cx/lodestar/internal/store"
)

// The roadmap commands read and change a workspace's roadmap on the database directly, as the
// admin commands do; changes are audited as made by the system. What they show that is
// computed (progress, pace, scores, ranks, flags, staleness, the critical path, reschedule
// shifts) comes from the same functions the API calls, so the two never disagree.

// roadmapCommand is an admin command on one workspace, named by --workspace.
func roadmapCommand(name, summary string, flags func(fs *flag.FlagSet), run func(ctx context.Context, e *env, st *store.Store, ws int64) error) *command {
	var ws int64
	return adminCommand(name, summary,
		func(fs *flag.FlagSet) {
			fs.Int64Var(&ws, "workspace", 0, "the workspace `id`")
			if flags != nil {
				flags(fs)
			}
		},
		func(ctx context.Context, e *env, st *store.Store) error {
			if ws <= 0 {
				return &usageError{msg: "--workspace is required: the workspace id"}
			}
			if _, err := st.Workspace(ctx, ws); err != nil {
				return err
			}
			return run(ctx, e, st, ws)
		})
}

// optFloat is a number flag that knows whether it was given.
type optFloat struct {
	v   float64
	set bool
}

func (f *optFloat) String() string {
	if f == nil || !f.set {
		return ""
	}
	return strconv.FormatFloat(f.v, 'g', -1, 64)
}

func (f *optFloat) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return errors.New("want a number")
	}
	f.v, f.set = v, true
	return nil
}

func (f *optFloat) ptr() *float64 {
	if !f.set {
		return nil
	}
	v := f.v
	return &v
}

// wantID checks that the id flag name was given.
func wantID(name string, id int64) error {
	if id <= 0 {
		return &usageError{msg: "--" + name + " is required: an id"}
	}
	return nil
}

// flagErrors turns a validation error of what the flags gave into one line that names each
// flag at fault; rename maps an input field to its flag where the names differ.
func flagErrors(err error, rename map[string]string) error {
	var inv *fault.InvalidError
	if !errors.As(err, &inv) {
		return err
	}
	parts := make([]string, len(inv.Fields))
	for i, f := range inv.Fields {
		name := f.Field
		if r, ok := rename[name]; ok {
			name = r
		}
		parts[i] = "--" + strings.ReplaceAll(name, "_", "-") + " " + f.Message
	}
	return &usageError{msg: strings.Join(parts, "; ")}
}

func parseDate(name, s string) (civil.Date, error) {
	d, err := civil.Parse(s)
	if err != nil {
		return d, &usageError{msg: fmt.Sprintf("--%s %q: want a date such as 2026-06-30", name, s)}
	}
	return d, nil
}

// fieldList prints name-value rows aligned, without a header.
func fieldList(w io.Writer, rows func(tw io.Writer)) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	rows(tw)
	return tw.Flush()
}

func jsonFlag(fs *flag.FlagSet, dst *bool) {
	fs.BoolVar(dst, "json", false, "print JSON for scripts rather than a table")
}

// writeJSON prints v indented; lists go out as {"items": [...]}, as the API sends them.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

type jsonItems[T any] struct {
	Items []T `json:"items"`
}

func jsonList[T any](s []T) jsonItems[T] {
	if s == nil {
		s = []T{}
	}
	return jsonItems[T]{Items: s}
}

// all collects every page of a list.
func readAll[T any](fetch func(p store.Page) ([]T, int64, error)) ([]T, error) {
	var out []T
	err := eachPage(func(p store.Page) (int64, error) {
		page, next, err := fetch(p)
		out = append(out, page...)
		return next, err
	})
	return out, err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func fmtDate(d civil.Date) string {
	if d.IsZero() {
		return "-"
	}
	return d.String()
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func fmtPct(v float64) string { return fmt.Sprintf("%.0f%%", v*100) }

func mark(b bool, word string) string {
	if b {
		return word
	}
	return ""
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// names resolves the teams and users that own things, reading each at most once.
type ownerNames struct {
	ctx   context.Context
	st    *store.Store
	teams map[int64]string
	users map[int64]string
}

func newOwnerNames(ctx context.Context, st *store.Store, ws int64) (*ownerNames, error) {
	n := &ownerNames{ctx: ctx, st: st, teams: map[int64]string{}, users: map[int64]string{}}
	err := eachPage(func(p store.Page) (int64, error) {
		ts, next, err := st.Teams(ctx, ws, p)
		for _, t := range ts {
			n.teams[t.ID] = t.Name
		}
		return next, err
	})
	return n, err
}

func (n *ownerNames) owner(user, team int64) string {
	switch {
	case team != 0:
		if name, ok := n.teams[team]; ok {
			return "team " + name
		}
		return fmt.Sprintf("team %d", team)
	case user != 0:
		if _, ok := n.users[user]; !ok {
			n.users[user] = fmt.Sprintf("user %d", user)
			if u, err := n.st.User(n.ctx, user); err == nil {
				n.users[user] = u.Email
			}
		}
		return n.users[user]
	}
	return "-"
}

// goalNode is a goal of the tree with its key results and the goals below it.
type goalNode struct {
	goals.Goal
	KeyResults []goals.KeyResult `json:"key_results"`
	Children   []*goalNode       `json:"children"`
}

func goalCommand() *command {
	var asJSON bool
	return &command{name: "goal", summary: "read the goal tree: vision, goals, objectives and key results", subs: []*command{
		roadmapCommand("list", "show the goal tree with each key result's progress, pace and staleness",
			func(fs *flag.FlagSet) { jsonFlag(fs, &asJSON) },
			func(ctx context.Context, e *env, st *store.Store, ws int64) error {
				gs, err := readAll(func(p store.Page) ([]goals.Goal, int64, error) { return st.Goals(ctx, ws, p) })
				if err != nil {
					return err
				}
				krs, err := readAll(func(p store.Page) ([]goals.KeyResult, int64, error) { return st.KeyResults(ctx, ws, 0, p) })
				if err != nil {
					return err
				}
				now := time.Now()
				for i := range krs {
					krs[i].Compute(now)
				}
				if err := roadmap.MarkStaleKeyResults(ctx, st, ws, now, krs); err != nil {
					return err
				}
				roots := goalTree(gs, krs)
				if asJSON {
					return writeJSON(e.stdout, jsonList(roots))
				}
				n, err := newOwnerNames(ctx, st, ws)
				if err != nil {
					return err
				}
				return table(e.stdout, "LEVEL\tID\tTITLE\tOWNER\tSTATUS\tPERIOD / DUE\tVALUE\tPROGRESS\tEXPECTED\tPACE\tSTALE", func(tw io.Writer) {
					var walk func(nodes []*goalNode, depth int)
					walk = func(nodes []*goalNode, depth int) {
						for _, g := range nodes {
							indent := strings.Repeat("  ", depth)
							period := ""
							if !g.PeriodStart.IsZero() || !g.PeriodEnd.IsZero() {
								period = fmtDate(g.PeriodStart) + " to " + fmtDate(g.PeriodEnd)
							}
							fmt.Fprintf(tw, "%s\t%d\t%s%s\t%s\t%s\t%s\t\t\t\t\t\n", g.Level, g.ID, indent, g.Title,
								n.owner(g.OwnerUserID, g.OwnerTeamID), g.Status, period)
							for _, k := range g.KeyResults {
								value := fmt.Sprintf("%s → %s (now %s)", fmtNum(k.Baseline), fmtNum(k.Target), fmtNum(k.Current))
								if k.Unit != "" {
									value += " " + k.Unit
								}
								fmt.Fprintf(tw, "key result\t%d\t%s  %s\t\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, indent, k.Title,
									k.Kind, fmtDate(k.DueDate), value, fmtPct(k.Progress), fmtPct(k.Expected), k.Pace, mark(k.Stale, "stale"))
							}
							walk(g.Children, depth+1)
						}
					}
					walk(roots, 0)
				})
			}),
	}}
}

// goalTree arranges goals (in id order) under their parents, each with its key results. A
// goal whose parent is missing stands as a root.
func goalTree(gs []goals.Goal, krs []goals.KeyResult) []*goalNode {
	nodes := make(map[int64]*goalNode, len(gs))
	for _, g := range gs {
		nodes[g.ID] = &goalNode{Goal: g, KeyResults: []goals.KeyResult{}, Children: []*goalNode{}}
	}
	for _, k := range krs {
		if n, ok := nodes[k.GoalID]; ok {
			n.KeyResults = append(n.KeyResults, k)
		}
	}
	roots := []*goalNode{}
	for _, g := range gs {
		if p, ok := nodes[g.ParentID]; ok && g.ParentID != 0 {
			p.Children = append(p.Children, nodes[g.ID])
		} else {
			roots = append(roots, nodes[g.ID])
		}
	}
	return roots
}

func keyResultCommand() *command {
	var id int64
	var value optFloat
	var note string
	var asJSON bool
	idFlag := func(fs *flag.FlagSet) { fs.Int64Var(&id, "id", 0, "the key result `id`") }
	return &command{name: "kr", summary: "record and read a key result's values", subs: []*command{
		roadmapCommand("set-value", "record a new value of a key result, kept in its history",
			func(fs *flag.FlagSet) {
				idFlag(fs)
				fs.Var(&value, "value", "the new `value`, in the key result's unit")
				fs.StringVar(&note, "note", "", "where the value comes from or what changed")
			},
			func(ctx context.Context, e *env, st *store.Store, ws int64) error {
				if err := wantID("id", id); err != nil {
					return err
				}
				if !value.set {
					return &usageError{msg: "--value is required: the new value"}
				}
				in := goals.ValueInput{Value: value.v, Note: note}
				if err := in.Validate(); err != nil {
					return flagErrors(err, nil)
				}
				k, err := st.RecordKeyResultValue(ctx, audit.System, ws, id, in.Value, "manual", in.Note)
				if err != nil {
					return err
				}
				now := time.Now()
				k.Compute(now)
				krs := []goals.KeyResult{k}
				if err := roadmap.MarkStaleKeyResults(ctx, st, ws, now, krs); err != nil {
					return err
				}
				k = krs[0]
				fmt.Fprintf(e.stdout, "key result %d %q is now %s%s: progress %s (expected %s), %s\n",
					k.ID, k.Title, fmtNum(k.Current), strings.TrimRight(" "+k.Unit, " "), fmtPct(k.Progress), fmtPct(k.Expected), k.Pace)
				return nil
			}),
		roadmapCommand("history", "list a key result's values, oldest first",
			func(fs *flag.FlagSet) { idFlag(fs); jsonFlag(fs, &asJSON) },
			func(ctx context.Context, e *env, st *store.Store, ws int64) error {
				if err := wantID("id", id); err != nil {
					return err
				}
				if _, err := st.KeyResult(ctx, ws, id); err != nil {
					return err
				}
				vs, err := readAll(func(p store.Page) ([]goals.Value, int64, error) { return st.KeyResultValues(ctx, ws, id, p) })
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(e.stdout, jsonList(vs))
				}
				return table(e.stdout, "AT\tVALUE\tSOURCE\tBY\tNOTE", func(tw io.Writer) {
					for _, v := range vs {
						by := "system"
						if v.ActorUserID != 0 {
							by = fmt.Sprintf("user %d", v.ActorUserID)
						}
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", v.At.Format(time.RFC3339), fmtNum(v.Value), v.Source, by, oneLine(v.Note))
					}
				})
			}),
	}}
}

// checkInTarget is what a check-in is on: an initiative or a key result, never both.
type checkInTarget struct{ initiative, keyResult int64 }

func (t *checkInTarget) register(fs *flag.FlagSet) {
	fs.Int64Var(&t.initiative, "initiative", 0, "check in on this initiative (its `id`)")
	fs.Int64Var(&t.keyResult, "key-result", 0, "check in on this key result (its `id`)")
}

func (t *checkInTarget) check() error {
	if (t.initiative > 0) == (t.keyResult > 0) {
		return &usageError{msg: "give either --initiative or --key-result: the id of what the check-in is on"}
	}
	return nil
}

func checkInCommand() *command {
	var target checkInTarget
	var status, note, blockers string
	var progress, value optFloat
	var confidence int
	var asJSON bool
	return &command{name: "checkin", summary: "post and read check-ins on initiatives and key results", subs: []*command{
		roadmapCommand("add", "check in on an initiative or a key result; a note is required when at risk or off track",
			func(fs *flag.FlagSet) {
				target.register(fs)
				fs.StringVar(&status, "status", "", "`status`: on_track, at_risk or off_track")
				fs.Var(&progress, "progress", "how far along the initiative is, in `percent` (initiatives only)")
				fs.Var(&value, "value", "a new `value` of the key result, recorded in its history (key results only)")
				fs.IntVar(&confidence, "confidence", 0, "confidence it will land, from 1 to 10")
				fs.StringVar(&note, "note", "", "what is going on; required when at risk or off track")
				fs.StringVar(&blockers, "blockers", "", "what stands in the way")
			},
			func(ctx context.Context, e *env, st *store.Store, ws int64) error {
				if err := target.check(); err != nil {
					return err
				}
				var c goals.CheckIn
				if target.initiative > 0 {
					if value.set {
						return &usageError{msg: "--value is for key results: an initiative reports --progress"}
					}
					in := roadmap.CheckInInput{Status: goals.Status(status), Progress: progress.ptr(), Confidence: confidence, Note: note, Blockers: blockers}
					if err := in.Validate(); err != nil {
						return flagErrors(err, nil)
					}
					var err error
					if c, err = st.CreateInitiativeCheckIn(ctx, audit.System, ws, target.initiative, in); err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "checked in on initiative %d: %s, progress %s%%, confidence %d\n", target.initiative, c.Status, fmtNum(*c.Progress), c.Confidence)
					return nil
				}
				if progress.set {
					return &usageError{msg: "--progress is for initiatives: a key result reports --value"}
				}
				in := goals.CheckInInput{Status: goals.Status(status), Value: value.ptr(), Confidence: confidence, Note: note, Blockers: blockers}
				if err := in.Validate(); err != nil {
					return flagErrors(err, nil)
				}
				c, err := st.CreateKeyResultCheckIn(ctx, audit.System, ws, target.keyResult, in)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "checked in on key result %d: %s, confidence %d", target.keyResult, c.Status, c.Confidence)
				if c.Value != nil {
					fmt.Fprintf(e.stdout, ", value %s", fmtNum(*c.Value))
				}
				fmt.Fprintln(e.stdout)
				return nil
			}),
		roadmapCommand("list", "list the check-ins on an initiative or a key result, oldest first",
			func(fs *flag.FlagSet) { target.register(fs); jsonFlag(fs, &asJSON) },
			func(ctx context.Context, e *env, st *store.Store, ws int64) error {
				if err := target.check(); err != nil {
					return err
				}
				var cs []goals.CheckIn
				var err error
				if target.initiative > 0 {
					if _, err := st.Initiative(ctx, ws, target.initiative); err != nil {
						return err
					}
					cs, err = readAll(func(p store.Page) ([]goals.CheckIn, int64, error) {
						return st.InitiativeCheckIns(ctx, ws, target.initiative, p)
					})
				} else {
					if _, err := st.KeyResult(ctx, ws, target.keyResult); err != nil {
						return err
					}
					cs, err = readAll(func(p store.Page) ([]goals.CheckIn, int64, error) {
						return st.KeyResultCheckIns(ctx, ws, target.keyResult, p)
					})
				}
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(e.stdout, jsonList(cs))
				}
				measure := "VALUE"
				if target.initiative > 0 {
					measure = "PROGRESS"
				}
				return table(e.stdout, "AT\tSTATUS\t"+measure+"\tCONFIDENCE\tNOTE\tBLOCKERS", func(tw io.Writer) {
					for _, c := range cs {
						m := "-"
						switch {
						case c.Progress != nil:
							m = fmtNum(*c.Progress) + "%"
						case c.Value != nil:
							m = fmtNum(*c.Value)
						}
						fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", c.At.Format(time.RFC3339), c.Status, m, c.Confidence,
							orDash(oneLine(c.Note)), orDash(oneLine(c.Blockers)))
					}
				})
			}),
	}}
}

// rankedInitiatives reads every initiative of the workspace with what the API computes for
// its list: scores, flags and ranks within each horizon, in horizon and rank order.
func rankedInitiatives(ctx context.Context, st *store.Store, ws int64) ([]roadmap.Initiative, error) {
	its, err := readAll(func(p store.Page) ([]roadmap.Initiative, int64, error) { return st.Initiatives(ctx, ws, p) })
	if err != nil {
		return nil, err
	}
	if err := roadmap.Decorate(ctx, st, ws, time.Now(), its); err != nil {
		return nil, err
	}
	roadmap.Rank(its)
	return its, nil
}

func fmtScore(it roadmap.Initiative) string {
	if it.Score == nil {
		return "-"
	}
	return strconv.FormatFloat(it.Score.Score, 'f', 2, 64)
}

func fmtFlags(fl []string) string {
	if len(fl) == 0 {
		return "-"
	}
	return strings.Join(fl, ",")
}

// initiativeDetail is an initiative as show prints it: with its owners and dependencies.
type initiativeDetail struct {
	roadmap.Initiative
	Assignments   []roadmap.Assignment `json:"assignments"`
	Prerequisites []int64              `json:"prerequisites" jsonschema_description:"The initiatives this one waits for."`
	Dependents    []int64              `json:"dependents" jsonschema_description:"The initiatives that wait for this one."`
}

func initiativeCommand() *command {
	var horizon string
	var id int64
	var asJSON bool
	return &command{name: "initiative", summary: "read the initiatives: ranks, scores explained, owners, dependencies", subs: []*command{
		roadmapCommand("list", "list the initiatives by horizon and rank, with their scores and what needs attention",
			func(fs *flag.FlagSet) {
				fs.StringVar(&horizon, "horizon", "", "only this `horizon`: short, mid or long")
				jsonFlag(fs, &asJSON)
			},
			func(ctx context.Context, e *env, st *store.Store, ws int64) error {
				switch roadmap.Horizon(horizon) {
				case "", roadmap.Short, roadmap.Mid, roadmap.Long:
				default:
					return &usageError{msg: fmt.Sprintf("--horizon %q: want short, mid or long", horizon)}
				}
				its, err := rankedInitiatives(ctx, st, ws)
				if err != nil {
					return err
				}
				if horizon != "" {
					its = slices.DeleteFunc(its, func(it roadmap.Initiative) bool { return it.Horizon != roadmap.Horizon(horizon) })
				}
				if asJSON {
					return writeJSON(e.stdout, jsonList(its))
				}
				return table(e.stdout, "HORIZON\tRANK\tID\tTITLE\tSTATUS\tSCORE\tSTART\tDUE\tFLAGS", func(tw io.Writer) {
					for _, it := range its {
						rank := "-"
						if it.Rank > 0 {
							rank = strconv.Itoa(it.Rank)
						}
						fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", it.Horizon, rank, it.ID, it.Title, it.Status,
							fmtScore(it), fmtDate(it.StartDate), fmtDate(it.DueDate), fmtFlags(it.Flags))
					}
				})
			}),
		roadmapCommand("show", "show an initiative: its score explained, owners, dependencies, key results and flags",
			func(fs *flag.FlagSet) {
				fs.Int64Var(&id, "id", 0, "the initiative `id`")
				jsonFlag(fs, &asJSON)
			},
			func(ctx context.Context, e *env, st *store.Store, ws int64) error {
				if err := wantID("id", id); err != nil {
					return err
				}
				it, err := st.Initiative(ctx, ws, id)
				if err != nil {
					return err
				}
				its := []roadmap.Initiative{it}
				if err := roadmap.Decorate(ctx, st, ws, time.Now(), its); err != nil {
					return err
				}
				d := initiativeDetail{Initiative: its[0], Prerequisites: []int64{}, Dependents: []int64{}}
				if d.Assignments, err = st.Assignments(ctx, ws, id); err != nil {
					return err
				}
				plan, err := st.Plan(ctx, ws)
				if err != nil {
					return err
				}
				titles := map[int64]string{}
				for _, p := range plan.Items {
					titles[p.ID] = p.Title
				}
				for _, dep := range plan.Deps {
					switch id {
					case dep.DependentID:
						d.Prerequisites = append(d.Prerequisites, dep.PrerequisiteID)
					case dep.PrerequisiteID:
						d.Dependents = append(d.Dependents, dep.DependentID)
					}
				}
				if asJSON {
					return writeJSON(e.stdout, d)
				}
				n, err := newOwnerNames(ctx, st, ws)
				if err != nil {
					return err
				}
				return printInitiative(e.stdout, d, titles, n)
			}),
	}}
}

func printInitiative(w io.Writer, d initiativeDetail, titles map[int64]string, n *ownerNames) error {
	fmt.Fprintf(w, "initiative %d %q\n", d.ID, d.Title)
	err := fieldList(w, func(tw io.Writer) {
		fmt.Fprintf(tw, "horizon\t%s\n", d.Horizon)
		fmt.Fprintf(tw, "status\t%s\n", d.Status)
		fmt.Fprintf(tw, "dates\t%s to %s\n", fmtDate(d.StartDate), fmtDate(d.DueDate))
		fmt.Fprintf(tw, "flags\t%s\n", fmtFlags(d.Flags))
		if d.Description != "" {
			fmt.Fprintf(tw, "description\t%s\n", oneLine(d.Description))
		}
	})
	if err != nil {
		return err
	}
	if s := d.Score; s != nil {
		fmt.Fprintf(w, "\nscore %s under %s: %s\n", fmtScore(d.Initiative), s.Framework, s.Formula)
		inputs := make([]string, 0, len(s.Inputs))
		for k, v := range s.Inputs {
			inputs = append(inputs, k+"="+fmtNum(v))
		}
		slices.Sort(inputs)
		fmt.Fprintf(w, "inputs: %s\n", strings.Join(inputs, ", "))
		if err := table(w, "TERM\tWITH VALUES\tVALUE", func(tw io.Writer) {
			for _, t := range s.Terms {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, t.Expr, strconv.FormatFloat(t.Value, 'f', -1, 64))
			}
		}); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(w, "\nno score: %s\n", d.ScoreError)
	}
	fmt.Fprintf(w, "\nowners (%d accountable):\n", d.Accountable)
	if len(d.Assignments) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, a := range d.Assignments {
		fmt.Fprintf(w, "  %-13s %s\n", a.Role, n.owner(a.UserID, a.TeamID))
	}
	fmt.Fprintln(w, "\ndependencies:")
	if len(d.Prerequisites)+len(d.Dependents) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, p := range d.Prerequisites {
		fmt.Fprintf(w, "  waits for %d %q\n", p, titles[p])
	}
	for _, p := range d.Dependents {
		fmt.Fprintf(w, "  blocks    %d %q\n", p, titles[p])
	}
	fmt.Fprintln(w, "\nkey results:")
	if len(d.KeyResults) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, l := range d.KeyResults {
		effect := "effect not estimated"
		if l.ExpectedEffect != nil {
			effect = "expected effect " + strconv.FormatFloat(*l.ExpectedEffect, 'f', -1, 64)
			if l.Unit != "" {
				effect += " " + l.Unit
			}
		}
		fmt.Fprintf(w, "  %d %q: %s", l.KeyResultID, l.Title, effect)
		if l.Note != "" {
			fmt.Fprintf(w, " (%s)", oneLine(l.Note))
		}
		fmt.Fprintln(w)
	}
	return nil
}

func timelineCommand() *command {
	var asJSON bool
	return roadmapCommand("timeline", "show the dated initiatives in order, the critical path and dependency conflicts",
		func(fs *flag.FlagSet) { jsonFlag(fs, &asJSON) },
		func(ctx context.Context, e *env, st *store.Store, ws int64) error {
			plan, err := st.Plan(ctx, ws)
			if err != nil {
				return err
			}
			tl, err := plan.Timeline()
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(e.stdout, tl)
			}
			byID := map[int64]roadmap.PlanItem{}
			for _, it := range plan.Items {
				byID[it.ID] = it
			}
			onPath := map[int64]bool{}
			for _, id := range tl.CriticalPath {
				onPath[id] = true
			}
			// The timeline's slack lists exactly the dated initiatives.
			slack := slices.Clone(tl.Slack)
			slices.SortFunc(slack, func(a, b roadmap.Slack) int {
				x, y := byID[a.InitiativeID], byID[b.InitiativeID]
				if c := x.Start.Compare(y.Start); c != 0 {
					return c
				}
				if c := x.Due.Compare(y.Due); c != 0 {
					return c
				}
				return cmp.Compare(a.InitiativeID, b.InitiativeID)
			})
			conflicted := tl.ConflictIDs()
			if err := table(e.stdout, "START\tDUE\tID\tTITLE\tSLACK\tCRITICAL\tCONFLICT", func(tw io.Writer) {
				for _, s := range slack {
					it := byID[s.InitiativeID]
					fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%dd\t%s\t%s\n", fmtDate(it.Start), fmtDate(it.Due), it.ID, it.Title, s.Days,
						mark(onPath[it.ID], "*"), mark(conflicted[it.ID], "conflict"))
				}
			}); err != nil {
				return err
			}
			if len(tl.CriticalPath) == 0 {
				fmt.Fprintln(e.stdout, "\ncritical path: none (no dated initiatives)")
			} else {
				path := make([]string, len(tl.CriticalPath))
				for i, id := range tl.CriticalPath {
					path[i] = fmt.Sprintf("%q (%d)", byID[id].Title, id)
				}
				fmt.Fprintf(e.stdout, "\ncritical path: %s\n  %s to %s, %d days\n", strings.Join(path, " → "), fmtDate(tl.Start), fmtDate(tl.End), tl.Span)
			}
			if len(tl.Conflicts) == 0 {
				fmt.Fprintln(e.stdout, "conflicts: none")
				return nil
			}
			fmt.Fprintf(e.stdout, "conflicts: %d\n", len(tl.Conflicts))
			for _, c := range tl.Conflicts {
				fmt.Fprintf(e.stdout, "  %q (%d) starts before %q (%d) is done: it must move %d day(s) later",
					byID[c.DependentID].Title, c.DependentID, byID[c.PrerequisiteID].Title, c.PrerequisiteID, c.Days)
				if len(c.Via) > 0 {
					via := make([]string, len(c.Via))
					for i, v := range c.Via {
						via[i] = strconv.FormatInt(v, 10)
					}
					fmt.Fprintf(e.stdout, " (via %s)", strings.Join(via, ", "))
				}
				fmt.Fprintln(e.stdout)
			}
			return nil
		})
}

func rescheduleCommand() *command {
	var id int64
	var start, due string
	var apply bool
	return roadmapCommand("reschedule", "move an initiative's dates and show every dependent it pushes; apply with --yes",
		func(fs *flag.FlagSet) {
			fs.Int64Var(&id, "initiative", 0, "the initiative `id` to move")
			fs.StringVar(&due, "due", "", "the new due `date`, such as 2026-06-30")
			fs.StringVar(&start, "start", "", "the new start `date`; the current one when absent")
			fs.BoolVar(&apply, "yes", false, "apply the shifts; without it, only show them")
		},
		func(ctx context.Context, e *env, st *store.Store, ws int64) error {
			if err := wantID("initiative", id); err != nil {
				return err
			}
			if err := required("due", due); err != nil {
				return err
			}
			var m roadmap.Move
			var err error
			if m.DueDate, err = parseDate("due", due); err != nil {
				return err
			}
			if start != "" {
				if m.StartDate, err = parseDate("start", start); err != nil {
					return err
				}
			}
			rename := map[string]string{"due_date": "due", "start_date": "start"}
			shifts, err := roadmap.PreviewReschedule(ctx, st, ws, id, m)
			if err != nil {
				return flagErrors(err, rename)
			}
			if apply {
				// Apply exactly what was previewed: if the plan changed in between, nothing moves.
				shifts, err = st.Reschedule(ctx, audit.System, ws, id, shifts,
					func(p roadmap.Plan) ([]roadmap.Shift, error) { return p.Reschedule(id, m) })
				if err != nil {
					return flagErrors(err, rename)
				}
			}
			if err := table(e.stdout, "ID\tTITLE\tSTART\tDUE\tNEW START\tNEW DUE\tDAYS", func(tw io.Writer) {
				for _, s := range shifts {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%+d\n", s.InitiativeID, s.Title, fmtDate(s.OldStart), fmtDate(s.OldDue),
						fmtDate(s.NewStart), fmtDate(s.NewDue), s.Days)
				}
			}); err != nil {
				return err
			}
			if apply {
				fmt.Fprintf(e.stdout, "moved %d initiative(s)\n", len(shifts))
			} else {
				fmt.Fprintf(e.stdout, "%d initiative(s) would move: run again with --yes to apply\n", len(shifts))
			}
			return nil
		})
}

func teamLoadCommand() *command {
	var asJSON bool
	return roadmapCommand("team-load", "show what each team is responsible for, per horizon and quarter",
		func(fs *flag.FlagSet) { jsonFlag(fs, &asJSON) },
		func(ctx context.Context, e *env, st *store.Store, ws int64) error {
			teams, rs, err := st.TeamResponsibilities(ctx, ws)
			if err != nil {
				return err
			}
			loads := roadmap.Loads(teams, rs)
			if asJSON {
				return writeJSON(e.stdout, jsonList(loads))
			}
			return table(e.stdout, "TEAM\tOPEN\tSHORT\tMID\tLONG\tUNDATED\tBY QUARTER DUE\tINITIATIVES", func(tw io.Writer) {
				for _, l := range loads {
					qs := make([]string, len(l.Quarters))
					for i, q := range l.Quarters {
						qs[i] = fmt.Sprintf("%s: %d", q.Quarter, q.Count)
					}
					ids := make([]string, len(l.Initiatives))
					for i, it := range l.Initiatives {
						ids[i] = strconv.FormatInt(it.ID, 10)
					}
					fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n", l.Name, l.Total, l.Horizons.Short, l.Horizons.Mid, l.Horizons.Long,
						l.Undated, orDash(strings.Join(qs, ", ")), orDash(strings.Join(ids, ", ")))
				}
			})
		})
}

func journeyCommand() *command {
	var id int64
	var asJSON bool
	return &command{name: "journey", summary: "read the customer journeys: stages, touchpoints, milestones, pain points", subs: []*command{
		roadmapCommand("list", "list the journeys, each with whether its review is overdue",
			func(fs *flag.FlagSet) { jsonFlag(fs, &asJSON) },
			func(ctx context.Context, e *env, st *store.Store, ws int64) error {
				js, err := readAll(func(p store.Page) ([]journey.Journey, int64, error) { return st.Journeys(ctx, ws, p) })
				if err != nil {
					return err
				}
				now := time.Now()
				for i := range js {
					js[i].Compute(now)
				}
				if asJSON {
					return writeJSON(e.stdout, jsonList(js))
				}
				n, err := newOwnerNames(ctx, st, ws)
				if err != nil {
					return err
				}
				return table(e.stdout, "ID\tNAME\tPERSONA\tOWNER\tREVIEW EVERY\tLAST REVIEWED\tREVIEW DUE\tSTALE", func(tw io.Writer) {
					for _, j := range js {
						fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%dd\t%s\t%s\t%s\n", j.ID, j.Name, orDash(j.Persona), n.owner(j.OwnerUserID, j.OwnerTeamID),
							j.ReviewCadenceDays, fmtReviewed(j.LastReviewedAt), j.ReviewDue.Format(time.DateOnly), mark(j.Stale, "stale"))
					}
				})
			}),
		roadmapCommand("show", "show a journey's map: stages with touchpoints and milestones, pain points, staleness",
			func(fs *flag.FlagSet) {
				fs.Int64Var(&id, "id", 0, "the journey `id`")
				jsonFlag(fs, &asJSON)
			},
			func(ctx context.Context, e *env, st *store.Store, ws int64) error {
				if err := wantID("id", id); err != nil {
					return err
				}
				m, err := st.JourneyMap(ctx, ws, id)
				if err != nil {
					return err
				}
				m.Compute(time.Now())
				if asJSON {
					return writeJSON(e.stdout, m)
				}
				n, err := newOwnerNames(ctx, st, ws)
				if err != nil {
					return err
				}
				return printJourney(e.stdout, m, n)
			}),
	}}
}

func fmtReviewed(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Format(time.DateOnly)
}

func printJourney(w io.Writer, m journey.Map, n *ownerNames) error {
	fmt.Fprintf(w, "journey %d %q\n", m.ID, m.Name)
	review := fmt.Sprintf("every %d days; last %s; due %s", m.ReviewCadenceDays, fmtReviewed(m.LastReviewedAt), m.ReviewDue.Format(time.DateOnly))
	if m.Stale {
		review += "; STALE: the review is overdue"
	}
	if err := fieldList(w, func(tw io.Writer) {
		fmt.Fprintf(tw, "persona\t%s\n", orDash(m.Persona))
		fmt.Fprintf(tw, "owner\t%s\n", n.owner(m.OwnerUserID, m.OwnerTeamID))
		fmt.Fprintf(tw, "review\t%s\n", review)
	}); err != nil {
		return err
	}
	touchpoints := map[int64]string{}
	fmt.Fprintln(w)
	if err := table(w, "STAGE\tTOUCHPOINT\tCHANNEL\tTEAM\tMILESTONE", func(tw io.Writer) {
		for _, s := range m.Stages {
			if len(s.Touchpoints) == 0 {
				fmt.Fprintf(tw, "%d. %s\t-\t\t\t\n", s.Position, s.Name)
			}
			for i, t := range s.Touchpoints {
				touchpoints[t.ID] = t.Name
				stage := ""
				if i == 0 {
					stage = fmt.Sprintf("%d. %s", s.Position, s.Name)
				}
				team := "-"
				if t.TeamID != 0 {
					team = n.owner(0, t.TeamID)
				}
				milestone := ""
				if t.Milestone {
					milestone = "event " + t.EventName
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", stage, t.Name, t.Channel, team, milestone)
			}
		}
	}); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if len(m.PainPoints) == 0 {
		fmt.Fprintln(w, "pain points: none")
		return nil
	}
	return table(w, "PAIN POINT\tSEVERITY\tSTATUS\tTOUCHPOINT\tEVIDENCE", func(tw io.Writer) {
		for _, p := range m.PainPoints {
			tp := "-"
			if p.TouchpointID != 0 {
				tp = touchpoints[p.TouchpointID]
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%d link(s)\n", p.Title, p.Severity, p.Status, tp, len(p.Evidence))
		}
	})
}
