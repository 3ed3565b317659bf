// Package httpapi serves the versioned REST API under /api/v1: JSON in and out, errors as RFC
// 9457 problem details, cursor pagination, optimistic concurrency through ETag and If-Match, and
// an OpenAPI 3.1 document generated from the same route table that serves the requests.
//
// Handlers are thin: the shared request path decodes and validates the body, checks
// preconditions and encodes the result; a handler only calls the store or a service.
package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/telemetry"
)

// Prefix is where the API lives.
const Prefix = "/api/v1"

// API is the REST API. Build it with New and serve it with Handler.
type API struct {
	store  *store.Store
	auth   *auth.Service
	log    *slog.Logger
	public string
	now    func() time.Time
	routes []*Route
	mux    *http.ServeMux
	spec   []byte

	// Imports uploaded through the API run in the background under jobCtx, which Close ends;
	// an import stopped so resumes when its file is uploaded again.
	jobCtx      context.Context
	stopJobs    context.CancelFunc
	jobs        sync.WaitGroup
	streamEvery time.Duration
}

// Options configures the API.
type Options struct {
	Store  *store.Store
	Auth   *auth.Service
	Logger *slog.Logger
	// Version is the application version shown in the OpenAPI document.
	Version string
	// PublicURL prefixes the links the API hands out; empty leaves them relative.
	PublicURL string
	// Now is the clock that computed fields (pace, staleness) are judged by; nil means time.Now.
	Now func() time.Time
	// StreamEvery is how often an event stream looks for news; half a second when 0.
	StreamEvery time.Duration
}

// Close stops the imports running in the background at their next batch and waits for them.
func (a *API) Close() {
	a.stopJobs()
	a.jobs.Wait()
}

// New builds the API and its OpenAPI document.
func New(opts Options) (*API, error) {
	a := &API{store: opts.Store, auth: opts.Auth, log: opts.Logger, public: strings.TrimSuffix(opts.PublicURL, "/"), mux: http.NewServeMux(),
		streamEvery: opts.StreamEvery}
	a.jobCtx, a.stopJobs = context.WithCancel(context.Background())
	if a.streamEvery <= 0 {
		a.streamEvery = 500 * time.Millisecond
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.now = opts.Now; a.now == nil {
		a.now = time.Now
	}
	a.routes = a.routeTable()
	spec, err := buildOpenAPI(a.routes, opts.Version)
	if err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	a.spec = spec
	a.routes = append(a.routes, &Route{
		Method: http.MethodGet, Path: "/openapi.json", Summary: "This API's OpenAPI 3.1 document",
		Perm: auth.PermPublic, undocumented: true,
		serve: func(w http.ResponseWriter, r *Request) error {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-cache")
			_, err := w.Write(a.spec)
			return err
		},
	})
	a.register()
	return a, nil
}

// Handler serves every path under Prefix.
func (a *API) Handler() http.Handler { return a.mux }

// OpenAPI returns the OpenAPI document.
func (a *API) OpenAPI() []byte { return a.spec }

// Routes lists the routes the API serves, in registration order.
func (a *API) Routes() []RouteInfo {
	out := make([]RouteInfo, len(a.routes))
	for i, r := range a.routes {
		out[i] = RouteInfo{Method: r.Method, Path: Prefix + r.Path, Conditional: r.Conditional, Perm: r.Perm}
	}
	return out
}

// RouteInfo describes one route for tests and tools.
type RouteInfo struct {
	Method, Path string
	// Conditional routes need If-Match.
	Conditional bool
	// Perm is what the caller needs.
	Perm auth.Permission
}

// Route is one operation of the API.
type Route struct {
	// ID is the operationId in the OpenAPI document, unique across the API.
	ID      string
	Method  string
	Path    string // below Prefix, with {name} wildcards
	Summary string
	Tag     string
	// Perm is what the caller needs; a route must say. Routes with a workspace permission
	// have {workspace} in their path.
	Perm auth.Permission
	// Query documents the query parameters beside limit and cursor.
	Query []QueryParam
	// Conditional routes change a versioned object and need If-Match with its ETag.
	Conditional bool
	// Status is the success status; 0 means 200, or 204 for a handler without output.
	Status int
	// Paged routes take the limit and cursor parameters.
	Paged bool
	// BodyLimit overrides DefaultBodyLimit.
	BodyLimit int64

	in, out      reflect.Type // nil when there is no body
	undocumented bool
	// upload routes take the raw file as their body; stream routes answer with server-sent
	// events.
	upload, stream bool
	serve          func(w http.ResponseWriter, r *Request) error
}

// QueryParam documents one query parameter.
type QueryParam struct {
	Name, Description string
	// Format is a JSON Schema string format such as "date-time"; empty for plain text.
	Format string
}

// Request is what a handler gets beside its decoded input.
type Request struct {
	*http.Request
	// IfMatch is the version named by If-Match, on conditional routes.
	IfMatch int64
	// User is the caller, on routes that need one.
	User auth.User
	// Token is the API token the caller used.
	Token auth.Token
	// Workspace is the id of the workspace in the path, on workspace routes, and Role the
	// caller's role there as limited by the token's scope.
	Workspace int64
	Role      auth.Role
}

// Actor is the caller, for the audit trail.
func (r *Request) Actor() audit.Actor {
	return audit.Actor{UserID: r.User.ID, TokenID: r.Token.ID, RequestID: telemetry.RequestID(r.Context())}
}

// queryID reads an optional numeric query parameter; 0 when absent.
func queryID(r *Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fieldError(http.StatusBadRequest, "invalid-parameter", name, fmt.Sprintf("%s must be a positive whole number.", name))
	}
	return id, nil
}

// PathID reads a numeric path parameter.
func (r *Request) PathID(name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fieldError(http.StatusBadRequest, "invalid-parameter", name,
			fmt.Sprintf("%s must be a positive whole number.", name))
	}
	return id, nil
}

// Empty is the input of an operation without a request body, or the output of one that
// answers 204 No Content.
type Empty struct{}

var emptyType = reflect.TypeFor[Empty]()

// validator is implemented by input types that check and normalise themselves.
type validator interface{ Validate() error }

// versioned is implemented by outputs that carry an optimistic-concurrency version.
type versioned interface{ ETagVersion() int64 }

// op builds a route from a typed handler. The shared request path around fn decodes and
// validates In, enforces If-Match on conditional routes, and encodes Out with its ETag.
func op[In, Out any](route Route, fn func(r *Request, in In) (Out, error)) *Route {
	rt := route
	if t := reflect.TypeFor[In](); t != emptyType {
		rt.in = t
	}
	if t := reflect.TypeFor[Out](); t != emptyType {
		rt.out = t
	}
	if rt.Status == 0 {
		rt.Status = http.StatusOK
		if rt.out == nil {
			rt.Status = http.StatusNoContent
		}
	}
	limit := rt.BodyLimit
	if limit == 0 {
		limit = DefaultBodyLimit
	}
	rt.serve = func(w http.ResponseWriter, req *Request) error {
		hr := req.Request
		if rt.Conditional {
			v, err := parseIfMatch(hr.Header.Get("If-Match"))
			if err != nil {
				return err
			}
			req.IfMatch = v
		}
		var in In
		if rt.in != nil {
			if err := decodeJSON(w, hr, &in, limit); err != nil {
				return err
			}
			if v, ok := any(&in).(validator); ok {
				if err := v.Validate(); err != nil {
					return err
				}
			}
		}
		out, err := fn(req, in)
		if err != nil {
			return err
		}
		if rt.out == nil {
			w.WriteHeader(rt.Status)
			return nil
		}
		if v, ok := any(out).(versioned); ok {
			w.Header().Set("ETag", formatETag(v.ETagVersion()))
		}
		return writeJSON(w, rt.Status, out)
	}
	return &rt
}

// upload builds a route whose body is a file, read by fn itself.
func upload[Out any](route Route, fn func(w http.ResponseWriter, r *Request) (Out, error)) *Route {
	rt := route
	rt.upload = true
	rt.out = reflect.TypeFor[Out]()
	if rt.Status == 0 {
		rt.Status = http.StatusOK
	}
	rt.serve = func(w http.ResponseWriter, req *Request) error {
		out, err := fn(w, req)
		if err != nil {
			return err
		}
		return writeJSON(w, rt.Status, out)
	}
	return &rt
}

// stream builds a route that answers with server-sent events, written by fn itself.
func stream(route Route, fn func(w http.ResponseWriter, r *Request) error) *Route {
	rt := route
	rt.stream = true
	rt.Status = http.StatusOK
	rt.serve = fn
	return &rt
}

// writeEvent writes one server-sent event holding v as JSON.
func writeEvent(w io.Writer, event, id string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "event: %s\nid: %s\ndata: %s\n\n", event, id, b)
	return err
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

// formatETag renders a version as a strong entity tag.
func formatETag(version int64) string { return `"v` + strconv.FormatInt(version, 10) + `"` }

// parseIfMatch reads the version from an If-Match header holding one ETag of this API.
func parseIfMatch(h string) (int64, error) {
	if h == "" {
		return 0, &apiError{status: http.StatusPreconditionRequired, code: "precondition-required",
			detail: "This change needs an If-Match header with the ETag of the version it applies to; GET the object to learn it.",
			fields: []fault.FieldError{{Field: "If-Match", Message: "required"}}}
	}
	s := strings.TrimSpace(h)
	if v, ok := strings.CutPrefix(s, `"v`); ok && strings.HasSuffix(v, `"`) {
		if n, err := strconv.ParseInt(strings.TrimSuffix(v, `"`), 10, 64); err == nil && n > 0 {
			return n, nil
		}
	}
	return 0, fieldError(http.StatusBadRequest, "invalid-header", "If-Match",
		`If-Match must hold one ETag as returned by this API, such as "v3" (quotes included).`)
}

// register puts every route on the mux, wrapped in the shared error handling, and answers
// other methods on known paths with 405 and unknown paths with 404, both as problems.
func (a *API) register() {
	methods := map[string][]string{}
	var paths []string
	for _, rt := range a.routes {
		if rt.Perm == 0 {
			panic(fmt.Sprintf("route %s %s does not say what permission it needs", rt.Method, rt.Path))
		}
		if rt.Perm.Workspace() != strings.HasPrefix(rt.Path, "/workspaces/{workspace}") {
			panic(fmt.Sprintf("route %s %s: permission %s and path disagree about the workspace", rt.Method, rt.Path, rt.Perm))
		}
		pattern := rt.Method + " " + Prefix + rt.Path
		a.mux.Handle(pattern, a.wrap(pattern, rt))
		if _, ok := methods[rt.Path]; !ok {
			paths = append(paths, rt.Path)
		}
		methods[rt.Path] = append(methods[rt.Path], rt.Method)
	}
	for _, p := range paths {
		allow := methods[p]
		if slices.Contains(allow, http.MethodGet) {
			allow = append(allow, http.MethodHead)
		}
		allowed := strings.Join(allow, ", ")
		a.mux.Handle(Prefix+p, a.wrap(Prefix+p, &Route{Perm: auth.PermPublic, serve: func(w http.ResponseWriter, r *Request) error {
			return &apiError{status: http.StatusMethodNotAllowed, code: "method-not-allowed",
				detail: fmt.Sprintf("%s is not allowed here; allowed: %s.", r.Method, allowed),
				header: http.Header{"Allow": {allowed}}}
		}}))
	}
	a.mux.Handle(Prefix+"/", a.wrap(Prefix+"/", &Route{Perm: auth.PermPublic, serve: func(w http.ResponseWriter, r *Request) error {
		return newError(http.StatusNotFound, "no-such-route", fmt.Sprintf("There is no API route %s.", r.URL.Path))
	}}))
}

// wrap authenticates and authorizes the caller for the route, runs it, and turns its error
// into a problem response and a panic into a 500.
func (a *API) wrap(pattern string, rt *Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		telemetry.SetRoute(r.Context(), pattern)
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				writeProblem(w, r, a.log, fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
			}
		}()
		req, err := a.authorize(r, rt)
		if err == nil {
			err = rt.serve(w, req)
		}
		if err != nil {
			writeProblem(w, r, a.log, err)
		}
	})
}
