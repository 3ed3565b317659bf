// Package apitest runs Lodestar's whole HTTP stack on a real listener over a real, throw-away
// database, and checks every exchange against the OpenAPI document: each response must match
// it, and so must each request the server accepted. Tests of the API use it so that the
// document cannot drift from the code.
package apitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	vErrors "github.com/pb33f/libopenapi-validator/errors"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/server"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

// Env is one running server and a client for it, with a first user who owns a first
// workspace and holds a write token for it.
type Env struct {
	Store     *store.Store
	Server    *server.Server
	URL       string
	Client    *http.Client
	Owner     auth.User
	Workspace workspace.Workspace
	// Token is the owner's write token for Workspace; Do sends it unless told otherwise.
	Token string
}

// Options tune the environment.
type Options struct {
	Now func() time.Time
}

// Start runs a server on a fresh database of the driver until the test ends.
func Start(t testing.TB, driver string, opts Options) *Env {
	t.Helper()
	st := storetest.Open(t, driver, storetest.Options{Now: opts.Now})
	srv, err := server.New(server.Options{Store: st, Version: "test", Now: opts.Now})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	// Before the server and the store close: imports running in the background stop first.
	t.Cleanup(srv.API.Close)
	doc, err := libopenapi.NewDocument(srv.API.OpenAPI())
	if err != nil {
		t.Fatalf("parse OpenAPI document: %v", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("OpenAPI validator: %v", errs)
	}
	e := &Env{
		Store:  st,
		Server: srv,
		URL:    ts.URL,
		Client: &http.Client{Transport: &checkingTransport{t: t, base: ts.Client().Transport, v: v}},
	}
	e.Owner = e.NewUser(t, "owner@example.com")
	ws, err := st.CreateWorkspace(t.Context(), audit.System, e.Owner.ID, workspace.CreateInput{Name: "Home"})
	if err != nil {
		t.Fatal(err)
	}
	e.Workspace = ws
	e.Token = e.NewToken(t, ws.ID, e.Owner.ID, auth.ScopeWrite)
	return e
}

// NewUser creates a user without a password (API callers use tokens).
func (e *Env) NewUser(t testing.TB, email string) auth.User {
	t.Helper()
	u, err := e.Store.CreateUser(t.Context(), audit.System, email, "", "", false)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// NewToken creates an API token for the user in the workspace and returns its secret.
func (e *Env) NewToken(t testing.TB, ws, userID int64, scope auth.Scope) string {
	t.Helper()
	secret, hint := auth.NewToken()
	if _, err := e.Store.CreateToken(t.Context(), audit.System, ws, userID,
		auth.NewTokenInput{Name: "test", Scope: scope}, auth.HashSecret(secret), hint); err != nil {
		t.Fatal(err)
	}
	return secret
}

// checkingTransport validates API exchanges against the OpenAPI document as they happen.
type checkingTransport struct {
	t    testing.TB
	base http.RoundTripper
	mu   sync.Mutex // the validator is not documented as safe for concurrent use
	v    validator.Validator
}

func (c *checkingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		var err error
		if reqBody, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := c.base.RoundTrip(req)
	if err != nil || !strings.HasPrefix(req.URL.Path, "/api/v1/") || req.URL.Path == "/api/v1/openapi.json" {
		return resp, err
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))

	vreq := req.Clone(req.Context())
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	vresp := *resp
	vresp.Body = io.NopCloser(bytes.NewReader(respBody))
	c.mu.Lock()
	defer c.mu.Unlock()
	// A request the server accepted must be one the document allows.
	if resp.StatusCode < 400 {
		if ok, errs := c.v.ValidateHttpRequest(vreq); !ok {
			c.t.Errorf("%s %s was accepted (%d) but does not match the OpenAPI document:%s",
				req.Method, req.URL.Path, resp.StatusCode, describe(errs))
		}
		vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	if ok, errs := c.v.ValidateHttpResponse(vreq, &vresp); !ok && !undocumentedRoute(resp.StatusCode, errs) {
		c.t.Errorf("response %d to %s %s does not match the OpenAPI document:%s\nbody: %s",
			resp.StatusCode, req.Method, req.URL.Path, describe(errs), respBody)
	}
	return resp, nil
}

// undocumentedRoute reports a 404 or 405 for a path or method the document rightly lacks.
func undocumentedRoute(status int, errs []*vErrors.ValidationError) bool {
	if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
		return false
	}
	for _, e := range errs {
		if !e.IsPathMissingError() && !e.IsOperationMissingError() {
			return false
		}
	}
	return true
}

func describe(errs []*vErrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "\n  - %s", e.Error())
		for _, s := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, "\n      %s", s.Error())
		}
	}
	return b.String()
}

// Response is a completed exchange.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it cannot.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Do sends a request with the environment's token. body is sent as is when it is a string or
// []byte, and as JSON otherwise; headers come in name, value pairs, and an Authorization
// header among them, even empty, replaces the token.
func (e *Env) Do(t testing.TB, method, path string, body any, headers ...string) *Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, e.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+e.Token)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if req.Header.Get("Authorization") == "" {
		req.Header.Del("Authorization")
	}
	resp, err := e.Client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}
