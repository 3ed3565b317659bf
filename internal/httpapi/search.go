package httpapi

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/store"
)

func (a *API) searchRoutes() []*Route {
	return []*Route{
		op(Route{ID: "searchFeedback", Method: http.MethodGet, Path: "/workspaces/{workspace}/feedback-search", Tag: "feedback", Perm: auth.PermView,
			Summary: "Search the text of the workspace's feedback, most relevant first, with a snippet around the matches of each item; filters narrow the search",
			Paged:   true, Query: []QueryParam{
				{Name: "q", Description: `Required. The words to find, in any of their forms ("billing" finds "billed"); every word must appear. "A quoted phrase" finds the words in a row, -word or -"a phrase" leaves out the items that have it, and OR between two words finds either. Common words such as the or not are not searched. Up to 1,000 characters and 32 words or phrases.`},
				{Name: "source", Description: "Only the items of this source, such as qualtrics."},
				{Name: "source_kind", Description: "Only the items of this kind of source: survey, ticket, review, interview or social."},
				{Name: "question", Description: "Only the answers to this question: nps, csat or ces."},
				{Name: "score_min", Description: "Only items with a score of at least this number."},
				{Name: "score_max", Description: "Only items with a score of at most this number."},
				{Name: "touchpoint", Description: "Only the items about this touchpoint, by name."},
				{Name: "from", Description: "Only items given at or after this time.", Format: "date-time"},
				{Name: "to", Description: "Only items given before this time.", Format: "date-time"},
				{Name: "customer", Description: "Only the items of this customer, by external id."},
				{Name: "attr", Description: "Only items whose attribute has this value, as key:value, such as plan:pro. Repeat it, up to 20 times: values of one key are alternatives, different keys must all hold."},
				{Name: "excluded", Description: "true for only the items excluded from metrics, false for only the others; both when absent."},
			}}, a.searchFeedback),
	}
}

// searchFeedback answers a search. Paging is by position in the ranked hits (see
// store.SearchFeedback): a cursor holds on to the search it came from only while the feedback
// stays as it was, and the hits end after store.MaxSearchHits.
func (a *API) searchFeedback(r *Request, _ Empty) (List[store.SearchHit], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[store.SearchHit]{}, err
	}
	v := r.URL.Query()
	q := store.SearchQuery{Text: v.Get("q"), Source: v.Get("source"), SourceKind: feedback.SourceKind(v.Get("source_kind")),
		Question: feedback.Question(v.Get("question")), Touchpoint: v.Get("touchpoint"), Customer: v.Get("customer")}
	if q.ScoreMin, err = floatParam(r, "score_min"); err != nil {
		return List[store.SearchHit]{}, err
	}
	if q.ScoreMax, err = floatParam(r, "score_max"); err != nil {
		return List[store.SearchHit]{}, err
	}
	if q.From, err = timeParam(r, "from"); err != nil {
		return List[store.SearchHit]{}, err
	}
	if q.To, err = timeParam(r, "to"); err != nil {
		return List[store.SearchHit]{}, err
	}
	switch s := v.Get("excluded"); s {
	case "":
	case "true", "false":
		b := s == "true"
		q.Excluded = &b
	default:
		return List[store.SearchHit]{}, fieldError(http.StatusBadRequest, "invalid-parameter", "excluded", "excluded must be true or false.")
	}
	for _, kv := range v["attr"] {
		key, value, ok := strings.Cut(kv, ":")
		if !ok || key == "" {
			return List[store.SearchHit]{}, fieldError(http.StatusBadRequest, "invalid-parameter", "attr",
				fmt.Sprintf("attr %q must be key:value, such as plan:pro.", kv))
		}
		if q.Attributes == nil {
			q.Attributes = map[string][]string{}
		}
		q.Attributes[key] = append(q.Attributes[key], value)
	}
	if err := q.Validate(); err != nil {
		return List[store.SearchHit]{}, paramError(err)
	}
	hits, next, err := a.store.SearchFeedback(r.Context(), r.Workspace, q, p)
	if err != nil {
		return List[store.SearchHit]{}, paramError(err)
	}
	return listOf(hits, next), nil
}

// floatParam reads an optional number parameter; nil when absent.
func floatParam(r *Request, name string) (*float64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fieldError(http.StatusBadRequest, "invalid-parameter", name, name+" must be a number such as 7 or 2.5.")
	}
	return &f, nil
}
