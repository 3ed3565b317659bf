package apitest

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/lodestar-cx/lodestar/internal/httpapi"
)

// recorder stands in for the test that owns a transport, to see what the transport reports.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

type canned struct {
	status int
	body   string
}

func (c canned) contentType() string {
	if c.status >= 400 {
		return "application/problem+json"
	}
	return "application/json"
}

func (c canned) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: c.status, Request: req, Body: io.NopCloser(strings.NewReader(c.body)),
		Header: http.Header{"Content-Type": {c.contentType()}}}, nil
}

// The checking transport must catch a response, or an accepted request, that the document
// does not describe; otherwise the API tests would prove nothing about the document.
func TestCheckingTransportCatchesDrift(t *testing.T) {
	a, err := httpapi.New(httpapi.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := libopenapi.NewDocument(a.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	v, _ := validator.NewValidator(doc)
	good := `{"id":1,"name":"A","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z","version":1}`
	cases := []struct {
		name       string
		method     string
		path, body string
		resp       canned
		wantErrors int
	}{
		{"conforming", "GET", "/api/v1/workspaces/1", "", canned{200, good}, 0},
		{"response with a wrong type", "GET", "/api/v1/workspaces/1", "", canned{200, `{"id":"one","name":"A"}`}, 1},
		{"accepted request the document refuses", "POST", "/api/v1/workspaces", `{"nme":"A"}`, canned{201, good}, 1},
		{"refused request is not held against the document", "POST", "/api/v1/workspaces", `{"nme":"A"}`,
			canned{400, `{"type":"urn:lodestar:problem:unknown-field","title":"Bad Request","status":400}`}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			tr := &checkingTransport{t: rec, base: c.resp, v: v}
			req, _ := http.NewRequest(c.method, "http://lodestar.test"+c.path, strings.NewReader(c.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer lst_test")
			if _, err := tr.RoundTrip(req); err != nil {
				t.Fatal(err)
			}
			if len(rec.errors) != c.wantErrors {
				t.Errorf("reported %d problems, want %d: %q", len(rec.errors), c.wantErrors, rec.errors)
			}
		})
	}
}
