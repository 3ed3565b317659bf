package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/lodestar-cx/lodestar/internal/apitest"
	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/httpapi"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

func TestOpenAPIDocument(t *testing.T) {
	a, err := httpapi.New(httpapi.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := libopenapi.NewDocument(a.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	if v := doc.GetVersion(); v != "3.1.0" {
		t.Errorf("openapi version = %q, want 3.1.0", v)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if ok, errs := v.ValidateDocument(); !ok {
		for _, e := range errs {
			t.Errorf("document: %s", e.Error())
		}
	}
	var spec struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(a.OpenAPI(), &spec); err != nil {
		t.Fatal(err)
	}
	for _, r := range a.Routes() {
		if r.Path == httpapi.Prefix+"/openapi.json" {
			continue
		}
		if _, ok := spec.Paths[r.Path][strings.ToLower(r.Method)]; !ok {
			t.Errorf("route %s %s is not in the OpenAPI document", r.Method, r.Path)
		}
	}
}

// scenario is one request and what must come back.
type scenario struct {
	name     string
	method   string
	path     string // %d is replaced by the id of the workspace made for the scenario
	body     any
	headers  []string
	status   int
	problem  string   // the problem code, for errors
	field    string   // the field named in the problem
	contains []string // parts of the body
}

func TestWorkspaceScenarios(t *testing.T) {
	big := `{"name":"` + strings.Repeat("x", httpapi.DefaultBodyLimit) + `"}`
	scenarios := []scenario{
		{name: "create", method: "POST", path: "/api/v1/workspaces", body: map[string]any{"name": "  Acme  "}, status: 201, contains: []string{`"name":"Acme"`, `"version":1`}},
		{name: "get", method: "GET", path: "/api/v1/workspaces/%d", status: 200, contains: []string{`"name":"Seed"`}},
		{name: "get missing", method: "GET", path: "/api/v1/workspaces/999999", status: 404, problem: "not-found"},
		{name: "get bad id", method: "GET", path: "/api/v1/workspaces/abc", status: 400, problem: "invalid-parameter", field: "workspace"},
		{name: "malformed JSON", method: "POST", path: "/api/v1/workspaces", body: `{"name": "A",`, status: 400, problem: "malformed-body"},
		{name: "syntax error", method: "POST", path: "/api/v1/workspaces", body: `{"name" "A"}`, status: 400, problem: "malformed-body", contains: []string{"byte 9"}},
		{name: "empty body", method: "POST", path: "/api/v1/workspaces", body: ``, status: 400, problem: "malformed-body"},
		{name: "not an object", method: "POST", path: "/api/v1/workspaces", body: `[1]`, status: 400, problem: "malformed-body"},
		{name: "trailing data", method: "POST", path: "/api/v1/workspaces", body: `{"name":"A"} {}`, status: 400, problem: "malformed-body"},
		{name: "unknown field", method: "POST", path: "/api/v1/workspaces", body: `{"name":"A","colour":"red"}`, status: 400, problem: "unknown-field", field: "colour"},
		{name: "wrong type", method: "POST", path: "/api/v1/workspaces", body: `{"name":42}`, status: 400, problem: "invalid-field", field: "name"},
		{name: "invalid value", method: "POST", path: "/api/v1/workspaces", body: `{"name":"   "}`, status: 422, problem: "invalid-field", field: "name"},
		{name: "too long", method: "POST", path: "/api/v1/workspaces", body: map[string]any{"name": strings.Repeat("é", 101)}, status: 422, problem: "invalid-field", field: "name"},
		{name: "oversized body", method: "POST", path: "/api/v1/workspaces", body: big, status: 413, problem: "body-too-large"},
		{name: "not JSON", method: "POST", path: "/api/v1/workspaces", body: `name=A`, headers: []string{"Content-Type", "application/x-www-form-urlencoded"}, status: 415, problem: "unsupported-media-type", field: "Content-Type"},
		{name: "bad cursor", method: "GET", path: "/api/v1/workspaces?cursor=bm9wZQ", status: 400, problem: "invalid-cursor", field: "cursor"},
		{name: "bad limit", method: "GET", path: "/api/v1/workspaces?limit=0", status: 400, problem: "invalid-parameter", field: "limit"},
		{name: "patch without If-Match", method: "PATCH", path: "/api/v1/workspaces/%d", body: map[string]any{"name": "B"}, status: 428, problem: "precondition-required", field: "If-Match"},
		{name: "patch with malformed If-Match", method: "PATCH", path: "/api/v1/workspaces/%d", body: map[string]any{"name": "B"}, headers: []string{"If-Match", "1"}, status: 400, problem: "invalid-header", field: "If-Match"},
		{name: "patch stale", method: "PATCH", path: "/api/v1/workspaces/%d", body: map[string]any{"name": "B"}, headers: []string{"If-Match", `"v7"`}, status: 412, problem: "precondition-failed"},
		{name: "patch", method: "PATCH", path: "/api/v1/workspaces/%d", body: map[string]any{"name": "B"}, headers: []string{"If-Match", `"v1"`}, status: 200, contains: []string{`"name":"B"`, `"version":2`}},
		{name: "delete without If-Match", method: "DELETE", path: "/api/v1/workspaces/%d", status: 428, problem: "precondition-required"},
		{name: "delete", method: "DELETE", path: "/api/v1/workspaces/%d", headers: []string{"If-Match", `"v1"`}, status: 204},
		{name: "delete missing", method: "DELETE", path: "/api/v1/workspaces/999999", headers: []string{"If-Match", `"v1"`}, status: 404, problem: "not-found"},
		{name: "unknown route", method: "GET", path: "/api/v1/nothing-here", status: 404, problem: "no-such-route"},
		{name: "method not allowed", method: "PUT", path: "/api/v1/workspaces/%d", body: map[string]any{}, status: 405, problem: "method-not-allowed"},
	}
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			env := apitest.Start(t, d, apitest.Options{})
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) {
					seed, err := env.Store.CreateWorkspace(t.Context(), audit.System, env.Owner.ID, workspace.CreateInput{Name: "Seed"})
					if err != nil {
						t.Fatal(err)
					}
					token := env.NewToken(t, seed.ID, env.Owner.ID, auth.ScopeWrite)
					path := sc.path
					if strings.Contains(path, "%d") {
						path = fmt.Sprintf(path, seed.ID)
					}
					resp := env.Do(t, sc.method, path, sc.body, append([]string{"Authorization", "Bearer " + token}, sc.headers...)...)
					if resp.Status != sc.status {
						t.Fatalf("%s %s = %d, want %d; body %s", sc.method, path, resp.Status, sc.status, resp.Body)
					}
					for _, part := range sc.contains {
						if !strings.Contains(string(resp.Body), part) {
							t.Errorf("body %s does not contain %s", resp.Body, part)
						}
					}
					if sc.problem == "" {
						return
					}
					checkProblem(t, resp, sc.status, sc.problem, sc.field)
				})
			}
		})
	}
}

func checkProblem(t *testing.T, resp *apitest.Response, status int, code, field string) {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	var p httpapi.Problem
	resp.JSON(t, &p)
	if p.Type != httpapi.ProblemTypePrefix+code || p.Status != status || p.Detail == "" || p.RequestID == "" {
		t.Errorf("problem = %+v, want type %s, status %d, a detail and a request id", p, code, status)
	}
	if p.RequestID != resp.Header.Get("X-Request-Id") {
		t.Errorf("problem request_id %q differs from X-Request-Id %q", p.RequestID, resp.Header.Get("X-Request-Id"))
	}
	if field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != field) {
		t.Errorf("problem errors = %+v, want field %q named", p.Errors, field)
	}
	if strings.Contains(string(resp.Body), "goroutine") || strings.Contains(string(resp.Body), ".go:") {
		t.Errorf("problem body leaks internals: %s", resp.Body)
	}
}

func TestETagRoundTrip(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			env := apitest.Start(t, d, apitest.Options{})
			created := env.Do(t, "POST", "/api/v1/workspaces", map[string]string{"name": "Acme"})
			if etag := created.Header.Get("ETag"); created.Status != 201 || etag != `"v1"` {
				t.Fatalf("create = %d with ETag %q, want 201 and \"v1\"", created.Status, etag)
			}
			w := env.Workspace
			got := env.Do(t, "GET", fmt.Sprintf("/api/v1/workspaces/%d", w.ID), nil)
			etag := got.Header.Get("ETag")
			if etag != `"v1"` {
				t.Fatalf("ETag of GET %q; want \"v1\"", etag)
			}
			patched := env.Do(t, "PATCH", fmt.Sprintf("/api/v1/workspaces/%d", w.ID), map[string]string{"name": "Acme 2"}, "If-Match", etag)
			if patched.Status != 200 || patched.Header.Get("ETag") != `"v2"` {
				t.Fatalf("PATCH = %d with ETag %q, want 200 and \"v2\"", patched.Status, patched.Header.Get("ETag"))
			}
			again := env.Do(t, "PATCH", fmt.Sprintf("/api/v1/workspaces/%d", w.ID), map[string]string{"name": "lost update"}, "If-Match", etag)
			if again.Status != http.StatusPreconditionFailed {
				t.Fatalf("second PATCH with the old ETag = %d, want 412", again.Status)
			}
		})
	}
}

// Fifty clients edit one object from the same version at once: exactly one wins, the others
// learn that it changed, and none overwrites another silently.
func TestConcurrentPatchesOneWins(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			env := apitest.Start(t, d, apitest.Options{})
			w := env.Workspace
			const n = 50
			statuses := make([]int, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					statuses[i] = env.Do(t, "PATCH", fmt.Sprintf("/api/v1/workspaces/%d", w.ID),
						map[string]string{"name": fmt.Sprintf("writer %d", i)}, "If-Match", `"v1"`).Status
				})
			}
			wg.Wait()
			count := map[int]int{}
			for _, s := range statuses {
				count[s]++
			}
			if count[200] != 1 || count[412] != n-1 {
				t.Errorf("statuses of %d concurrent PATCHes = %v, want one 200 and %d 412", n, count, n-1)
			}
		})
	}
}

func TestPaginationThroughAPI(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			env := apitest.Start(t, d, apitest.Options{})
			want := map[string]bool{}
			teams := fmt.Sprintf("/api/v1/workspaces/%d/teams", env.Workspace.ID)
			for i := range 5 {
				name := fmt.Sprintf("T%d", i)
				want[name] = true
				if r := env.Do(t, "POST", teams, map[string]string{"name": name}); r.Status != 201 {
					t.Fatalf("create team = %d %s", r.Status, r.Body)
				}
			}
			seen := map[string]bool{}
			path := teams + "?limit=2"
			for pages := 1; ; pages++ {
				var page httpapi.List[workspace.Team]
				env.Do(t, "GET", path, nil).JSON(t, &page)
				for _, w := range page.Items {
					if seen[w.Name] {
						t.Errorf("%s appears twice", w.Name)
					}
					seen[w.Name] = true
				}
				if page.NextCursor == "" {
					if pages != 3 {
						t.Errorf("pages = %d, want 3", pages)
					}
					break
				}
				path = teams + "?limit=2&cursor=" + page.NextCursor
			}
			if len(seen) != len(want) {
				t.Errorf("saw %v, want %v", seen, want)
			}
		})
	}
}
