package httpapi

import (
	"net/http"

	"github.com/lodestar-cx/lodestar/internal/auth"
)

// routeTable is every route of the API, by area. A route added here is served, documented in
// the OpenAPI document and checked by the tests that walk the table.
func (a *API) routeTable() []*Route {
	var rs []*Route
	rs = append(rs, op(Route{ID: "ping", Method: http.MethodGet, Path: "/ping", Tag: "meta", Perm: auth.PermSignedIn,
		Summary: "Answer with the API version, as a cheap authenticated round trip"}, a.ping))
	rs = append(rs, a.workspaceRoutes()...)
	rs = append(rs, a.teamRoutes()...)
	rs = append(rs, a.tokenRoutes()...)
	rs = append(rs, a.goalRoutes()...)
	rs = append(rs, a.initiativeRoutes()...)
	rs = append(rs, a.initiativeExtraRoutes()...)
	rs = append(rs, a.roadmapDocRoutes()...)
	rs = append(rs, a.journeyRoutes()...)
	rs = append(rs, a.feedbackRoutes()...)
	rs = append(rs, a.searchRoutes()...)
	rs = append(rs, a.metricRoutes()...)
	rs = append(rs, a.insightRoutes()...)
	rs = append(rs, a.experimentRoutes()...)
	return rs
}

// Pong is the answer to ping.
type Pong struct {
	API string `json:"api"`
}

func (a *API) ping(_ *Request, _ Empty) (Pong, error) { return Pong{API: "v1"}, nil }
