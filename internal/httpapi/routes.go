package httpapi

import "net/http"

// routeTable is every route of the API, by area. A route added here is served, documented in
// the OpenAPI document and checked by the tests that walk the table.
func (a *API) routeTable() []*Route {
	var rs []*Route
	rs = append(rs, op(Route{ID: "ping", Method: http.MethodGet, Path: "/ping", Tag: "meta",
		Summary: "Answer with the API version, as a cheap authenticated round trip"}, a.ping))
	rs = append(rs, a.workspaceRoutes()...)
	return rs
}

// Pong is the answer to ping.
type Pong struct {
	API string `json:"api"`
}

func (a *API) ping(_ *Request, _ Empty) (Pong, error) { return Pong{API: "v1"}, nil }
