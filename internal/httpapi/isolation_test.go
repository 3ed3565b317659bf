package httpapi_test

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/lodestar-cx/lodestar/internal/apitest"
	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/priority"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

// principal is one kind of caller of the isolation matrix.
type principal struct {
	name    string
	token   string // "" for anonymous
	tokenWS int64
	scope   auth.Scope
	userID  int64
	roles   map[int64]auth.Role // by workspace, at the start
}

// world is the matrix's fixture: two workspaces, A and B, with people in each.
type world struct {
	t          *testing.T
	env        *apitest.Env
	a, b       int64
	owners     map[int64]int64 // workspace -> owner user id
	visions    map[int64]int64 // workspace -> the vision's goal id
	principals []*principal
	n          int
}

func (w *world) unique(prefix string) string {
	w.n++
	return fmt.Sprintf("%s-%d", prefix, w.n)
}

func (w *world) user(role auth.Role, workspaces ...int64) int64 {
	w.t.Helper()
	u := w.env.NewUser(w.t, w.unique("user")+"@example.com")
	for _, ws := range workspaces {
		if _, err := w.env.Store.AddMember(w.t.Context(), audit.System, ws, u.ID, role); err != nil {
			w.t.Fatal(err)
		}
	}
	return u.ID
}

func newWorld(t *testing.T, env *apitest.Env) *world {
	w := &world{t: t, env: env, a: env.Workspace.ID, owners: map[int64]int64{env.Workspace.ID: env.Owner.ID}}
	bOwner := env.NewUser(t, "b-owner@example.com")
	b, err := env.Store.CreateWorkspace(t.Context(), audit.System, bOwner.ID, workspace.CreateInput{Name: "B"})
	if err != nil {
		t.Fatal(err)
	}
	w.b = b.ID
	w.owners[w.b] = bOwner.ID
	add := func(name string, userID, tokenWS int64, scope auth.Scope, roles map[int64]auth.Role) {
		w.principals = append(w.principals, &principal{name: name, token: env.NewToken(t, tokenWS, userID, scope),
			tokenWS: tokenWS, scope: scope, userID: userID, roles: roles})
	}
	add("owner", env.Owner.ID, w.a, auth.ScopeWrite, map[int64]auth.Role{w.a: auth.RoleOwner})
	for _, r := range []auth.Role{auth.RoleAdmin, auth.RoleEditor, auth.RoleViewer} {
		add(r.String(), w.user(r, w.a), w.a, auth.ScopeWrite, map[int64]auth.Role{w.a: r})
	}
	add("read-only token", env.Owner.ID, w.a, auth.ScopeRead, map[int64]auth.Role{w.a: auth.RoleOwner})
	// An owner elsewhere: the same role as A's owner, in another workspace.
	add("owner of another workspace", bOwner.ID, w.b, auth.ScopeWrite, map[int64]auth.Role{w.b: auth.RoleOwner})
	// And each other role, held in B only, with a write token of B.
	for _, r := range []auth.Role{auth.RoleAdmin, auth.RoleEditor, auth.RoleViewer} {
		add(r.String()+" of another workspace", w.user(r, w.b), w.b, auth.ScopeWrite, map[int64]auth.Role{w.b: r})
	}
	// A member of both workspaces whose token belongs to the other one.
	both := w.user(auth.RoleAdmin, w.a, w.b)
	add("token of another workspace", both, w.b, auth.ScopeWrite, map[int64]auth.Role{w.a: auth.RoleAdmin, w.b: auth.RoleAdmin})
	w.principals = append(w.principals, &principal{name: "anonymous"})
	w.visions = map[int64]int64{}
	for _, ws := range []int64{w.a, w.b} {
		g, err := env.Store.CreateGoal(t.Context(), audit.System, ws, goals.GoalInput{Title: "Vision", Status: goals.Active, Weight: ptr(1.0)})
		if err != nil {
			t.Fatal(err)
		}
		w.visions[ws] = g.ID
	}
	return w
}

func ptr[T any](v T) *T { return &v }

// goal makes a business goal under the workspace's vision.
func (w *world) goal(ws int64) goals.Goal {
	w.t.Helper()
	g, err := w.env.Store.CreateGoal(w.t.Context(), audit.System, ws, goals.GoalInput{ParentID: w.visions[ws],
		Title: w.unique("goal"), Status: goals.Active, Weight: ptr(1.0)})
	if err != nil {
		w.t.Fatal(err)
	}
	return g
}

func (w *world) initiative(ws int64) roadmap.Initiative {
	w.t.Helper()
	in := roadmap.InitiativeInput{Title: w.unique("initiative"), Horizon: roadmap.Short, Status: roadmap.Planned,
		Inputs: priority.Inputs{"impact": 4, "feasibility": 3, "alignment": 5}}
	it, err := w.env.Store.CreateInitiative(w.t.Context(), audit.System, ws, in)
	if err != nil {
		w.t.Fatal(err)
	}
	return it
}

func keyResultInput() goals.KeyResultInput {
	return goals.KeyResultInput{Title: "NPS", Kind: goals.Increase, Baseline: 30, Target: 45, Current: ptr(30.0),
		DueDate: civil.Date{Year: 2026, Month: 12, Day: 31}, Weight: ptr(1.0), Source: goals.Manual}
}

func (w *world) keyResult(ws int64) goals.KeyResult {
	w.t.Helper()
	k, err := w.env.Store.CreateKeyResult(w.t.Context(), audit.System, ws, w.goal(ws).ID, keyResultInput())
	if err != nil {
		w.t.Fatal(err)
	}
	return k
}

// target is where a cell's request points: the workspace in the path, and the workspace of
// the object named after it (the same, or another for the mixed column).
type target struct{ ws, objWS int64 }

// request builds a cell's request with fresh objects, so that cells do not disturb each other.
type request func(w *world, p *principal, tg target) (path string, body any, headers []string)

func (w *world) team(ws int64, extraMember int64) workspace.Team {
	w.t.Helper()
	tm, err := w.env.Store.CreateTeam(w.t.Context(), audit.System, ws, workspace.TeamInput{Name: w.unique("team")})
	if err != nil {
		w.t.Fatal(err)
	}
	if extraMember != 0 {
		if tm, err = w.env.Store.SetTeamMember(w.t.Context(), audit.System, ws, tm.ID, extraMember, true); err != nil {
			w.t.Fatal(err)
		}
	}
	return tm
}

func ifMatch(v int64) []string { return []string{"If-Match", fmt.Sprintf(`"v%d"`, v)} }

// cases says, for every route of the API, how to call it. Each area keeps its cases beside its
// own tests; a route none of them covers fails the matrix.
func cases() map[string]request {
	all := map[string]request{}
	for _, set := range []map[string]request{accessCases, goalCases, initiativeCases, initiativeExtraCases, journeyCases, roadmapDocCases, feedbackCases, searchCases, metricCases, experimentCases, insightCases} {
		for k, v := range set {
			all[k] = v
		}
	}
	return all
}

var accessCases = map[string]request{
	"GET /api/v1/ping":       func(w *world, p *principal, tg target) (string, any, []string) { return "/api/v1/ping", nil, nil },
	"GET /api/v1/me":         func(w *world, p *principal, tg target) (string, any, []string) { return "/api/v1/me", nil, nil },
	"GET /api/v1/workspaces": func(w *world, p *principal, tg target) (string, any, []string) { return "/api/v1/workspaces", nil, nil },
	"POST /api/v1/workspaces": func(w *world, p *principal, tg target) (string, any, []string) {
		return "/api/v1/workspaces", map[string]string{"name": w.unique("ws")}, nil
	},
	"POST /api/v1/invites/accept": func(w *world, p *principal, tg target) (string, any, []string) {
		code := auth.NewSecret()
		if _, err := w.env.Store.CreateInvite(w.t.Context(), audit.System, w.a, workspace.InviteInput{Role: "viewer", ValidDays: 1}, auth.HashSecret(code)); err != nil {
			w.t.Fatal(err)
		}
		return "/api/v1/invites/accept", map[string]string{"code": code}, nil
	},
	"GET /api/v1/workspaces/{workspace}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d", tg.ws), nil, nil
	},
	"PATCH /api/v1/workspaces/{workspace}": func(w *world, p *principal, tg target) (string, any, []string) {
		cur, err := w.env.Store.Workspace(w.t.Context(), tg.ws)
		if err != nil {
			w.t.Fatal(err)
		}
		return fmt.Sprintf("/api/v1/workspaces/%d", tg.ws), map[string]string{"name": w.unique("renamed")}, ifMatch(cur.Version)
	},
	"DELETE /api/v1/workspaces/{workspace}": func(w *world, p *principal, tg target) (string, any, []string) {
		cur, err := w.env.Store.Workspace(w.t.Context(), tg.ws)
		if err != nil {
			w.t.Fatal(err)
		}
		return fmt.Sprintf("/api/v1/workspaces/%d", tg.ws), nil, ifMatch(cur.Version)
	},
	"GET /api/v1/workspaces/{workspace}/members": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/members", tg.ws), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/members/{user}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/members/%d", tg.ws, w.owners[tg.objWS]), nil, nil
	},
	"PATCH /api/v1/workspaces/{workspace}/members/{user}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/members/%d", tg.ws, w.user(auth.RoleEditor, tg.objWS)), map[string]string{"role": "viewer"}, ifMatch(1)
	},
	"DELETE /api/v1/workspaces/{workspace}/members/{user}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/members/%d", tg.ws, w.user(auth.RoleEditor, tg.objWS)), nil, ifMatch(1)
	},
	"GET /api/v1/workspaces/{workspace}/invites": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/invites", tg.ws), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/invites": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/invites", tg.ws), map[string]string{"role": "editor"}, nil
	},
	"DELETE /api/v1/workspaces/{workspace}/invites/{invite}": func(w *world, p *principal, tg target) (string, any, []string) {
		inv, err := w.env.Store.CreateInvite(w.t.Context(), audit.System, tg.objWS, workspace.InviteInput{Role: "viewer", ValidDays: 1}, auth.HashSecret(auth.NewSecret()))
		if err != nil {
			w.t.Fatal(err)
		}
		return fmt.Sprintf("/api/v1/workspaces/%d/invites/%d", tg.ws, inv.ID), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/audit": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/audit?entity=member", tg.ws), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/teams": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/teams", tg.ws), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/teams": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/teams", tg.ws), map[string]any{"name": w.unique("team")}, nil
	},
	"GET /api/v1/workspaces/{workspace}/teams/{team}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/teams/%d", tg.ws, w.team(tg.objWS, 0).ID), nil, nil
	},
	"PATCH /api/v1/workspaces/{workspace}/teams/{team}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/teams/%d", tg.ws, w.team(tg.objWS, 0).ID), map[string]string{"description": "x"}, ifMatch(1)
	},
	"DELETE /api/v1/workspaces/{workspace}/teams/{team}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/teams/%d", tg.ws, w.team(tg.objWS, 0).ID), nil, ifMatch(1)
	},
	"PUT /api/v1/workspaces/{workspace}/teams/{team}/members/{user}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/teams/%d/members/%d", tg.ws, w.team(tg.objWS, 0).ID, w.owners[tg.objWS]), nil, nil
	},
	"DELETE /api/v1/workspaces/{workspace}/teams/{team}/members/{user}": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/teams/%d/members/%d", tg.ws, w.team(tg.objWS, w.owners[tg.objWS]).ID, w.owners[tg.objWS]), nil, nil
	},
	"GET /api/v1/workspaces/{workspace}/tokens": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/tokens", tg.ws), nil, nil
	},
	"POST /api/v1/workspaces/{workspace}/tokens": func(w *world, p *principal, tg target) (string, any, []string) {
		return fmt.Sprintf("/api/v1/workspaces/%d/tokens", tg.ws), map[string]string{"name": "script", "scope": "read"}, nil
	},
	"DELETE /api/v1/workspaces/{workspace}/tokens/{token}": func(w *world, p *principal, tg target) (string, any, []string) {
		// The caller's own token when the caller belongs there, so that the role alone decides.
		owner := w.owners[tg.objWS]
		if _, ok := p.roles[tg.objWS]; ok {
			owner = p.userID
		}
		secret, hint := auth.NewToken()
		tk, err := w.env.Store.CreateToken(w.t.Context(), audit.System, tg.objWS, owner, auth.NewTokenInput{Name: "victim", Scope: auth.ScopeRead}, auth.HashSecret(secret), hint)
		if err != nil {
			w.t.Fatal(err)
		}
		return fmt.Sprintf("/api/v1/workspaces/%d/tokens/%d", tg.ws, tk.ID), nil, nil
	},
}

// expect is the status the rules give a cell; 0 means success (any 2xx).
func expect(p *principal, route apiRoute, tg target) int {
	switch {
	case p.token == "":
		return http.StatusUnauthorized
	case route.write && p.scope != auth.ScopeWrite:
		return http.StatusForbidden
	case !route.perm.Workspace():
		return 0
	case tg.ws != p.tokenWS:
		return http.StatusNotFound
	}
	role := min(p.roles[tg.ws], p.scope.Cap())
	switch {
	case role == auth.RoleNone:
		return http.StatusNotFound
	case role < route.perm.Role():
		return http.StatusForbidden
	case tg.objWS != tg.ws:
		return http.StatusNotFound
	}
	return 0
}

type apiRoute struct {
	key   string
	perm  auth.Permission
	write bool
	ids   int // path parameters after {workspace}
}

var pathParamRE = regexp.MustCompile(`\{[a-z_]+\}`)

// TestIsolationMatrix calls every route of the API as every kind of caller, on objects of the
// caller's workspace, of another workspace, and of another workspace reached through the
// caller's own workspace path, and checks each status. A route without a case fails the test.
func TestIsolationMatrix(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			env := apitest.Start(t, d, apitest.Options{})
			w := newWorld(t, env)
			all := cases()
			var routes []apiRoute
			total := 0
			for _, r := range env.Server.API.Routes() {
				if r.Perm == auth.PermPublic {
					continue
				}
				total++
				key := r.Method + " " + r.Path
				if all[key] == nil {
					t.Errorf("route %s has no case in the isolation matrix", key)
					continue
				}
				routes = append(routes, apiRoute{key: key, perm: r.Perm, write: r.Method != http.MethodGet,
					ids: len(pathParamRE.FindAllString(r.Path, -1)) - 1})
			}
			// Deleting a workspace ends the fixture, so that route goes last.
			sort.SliceStable(routes, func(i, j int) bool {
				return !strings.HasSuffix(routes[i].key, "DELETE /api/v1/workspaces/{workspace}") && strings.HasSuffix(routes[j].key, "/workspaces/{workspace}") && strings.HasPrefix(routes[j].key, "DELETE")
			})
			type cell struct {
				p    *principal
				tg   target
				want int
			}
			cells, crossOK, covered := 0, 0, map[string]bool{}
			for _, route := range routes {
				targets := []target{{w.a, w.a}}
				if route.perm.Workspace() {
					targets = append(targets, target{w.b, w.b})
					if route.ids > 0 {
						targets = append(targets, target{w.a, w.b})
					}
				}
				var plan []cell
				for _, p := range w.principals {
					for _, tg := range targets {
						plan = append(plan, cell{p, tg, expect(p, route, tg)})
					}
				}
				// Successes last, so that a deletion does not pull the ground from other cells.
				sort.SliceStable(plan, func(i, j int) bool { return plan[i].want != 0 && plan[j].want == 0 })
				for _, c := range plan {
					method, _, _ := strings.Cut(route.key, " ")
					path, body, headers := all[route.key](w, c.p, c.tg)
					headers = append(headers, "Authorization", "")
					if c.p.token != "" {
						headers[len(headers)-1] = "Bearer " + c.p.token
					}
					resp := env.Do(t, method, path, body, headers...)
					cells++
					covered[route.key] = true
					ok := resp.Status >= 200 && resp.Status < 300
					if ok && route.perm.Workspace() && (c.tg.ws != c.p.tokenWS || c.tg.objWS != c.p.tokenWS) {
						crossOK++
					}
					if c.want == 0 && !ok || c.want != 0 && resp.Status != c.want {
						want := fmt.Sprint(c.want)
						if c.want == 0 {
							want = "2xx"
						}
						t.Errorf("%s as %s on workspace %d (object in %d) = %d, want %s: %s",
							route.key, c.p.name, c.tg.ws, c.tg.objWS, resp.Status, want, resp.Body)
					}
				}
			}
			t.Logf("isolation matrix: %d of %d routes covered, %d cells, %d cross-workspace successes",
				len(covered), total, cells, crossOK)
			if crossOK != 0 {
				t.Errorf("%d requests reached another workspace's data", crossOK)
			}
		})
	}
}
