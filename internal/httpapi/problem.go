package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/telemetry"
)

// ProblemTypePrefix starts the type URI of every problem this API reports; the rest is a short
// code that clients can switch on, such as "not-found" or "invalid-field".
const ProblemTypePrefix = "urn:lodestar:problem:"

// Problem is an RFC 9457 problem details object, the body of every error response.
type Problem struct {
	Type      string             `json:"type" jsonschema_description:"A URI whose last part is a stable machine-readable code."`
	Title     string             `json:"title"`
	Status    int                `json:"status"`
	Detail    string             `json:"detail,omitempty"`
	Instance  string             `json:"instance,omitempty" jsonschema_description:"The path of the request."`
	RequestID string             `json:"request_id,omitempty"`
	Errors    []fault.FieldError `json:"errors,omitempty" jsonschema_description:"The fields in error, each with what is wrong."`
}

// apiError is an error that carries its HTTP form: the status, the problem code and a message
// safe to show the client. Handlers and decoding produce it; fault kinds are mapped to it.
type apiError struct {
	status int
	code   string
	detail string
	fields []fault.FieldError
	header http.Header
}

func (e *apiError) Error() string { return e.code + ": " + e.detail }

func newError(status int, code, detail string) *apiError {
	return &apiError{status: status, code: code, detail: detail}
}

func fieldError(status int, code, field, detail string) *apiError {
	return &apiError{status: status, code: code, detail: detail, fields: []fault.FieldError{{Field: field, Message: detail}}}
}

// classify maps any error to its HTTP form. Errors of unknown kind are internal: their text
// is logged, never sent.
func classify(err error) (e *apiError, internal bool) {
	var ae *apiError
	var inv *fault.InvalidError
	switch {
	case errors.As(err, &ae):
		return ae, false
	case errors.As(err, &inv):
		return &apiError{status: http.StatusUnprocessableEntity, code: "invalid-field",
			detail: "The request has invalid fields.", fields: inv.Fields}, false
	case errors.Is(err, fault.ErrNotFound):
		return newError(http.StatusNotFound, "not-found", "The requested object does not exist."), false
	case errors.Is(err, fault.ErrStale):
		return newError(http.StatusPreconditionFailed, "precondition-failed",
			"The object has changed since the version named in If-Match; fetch it again and retry."), false
	case errors.Is(err, fault.ErrConflict):
		return newError(http.StatusConflict, "conflict", conflictDetail(err)), false
	case errors.Is(err, fault.ErrForbidden):
		return newError(http.StatusForbidden, "forbidden", "You lack the permission for this action."), false
	case errors.Is(err, fault.ErrUnauthenticated):
		return newError(http.StatusUnauthorized, "unauthenticated", "Authentication is required."), false
	}
	return newError(http.StatusInternalServerError, "internal", "An internal error occurred; the request id identifies it in the server log."), true
}

// conflictDetail tells what conflicted when the error says so in a client-safe way.
func conflictDetail(err error) string {
	var ce *fault.ConflictError
	if errors.As(err, &ce) {
		return ce.Detail
	}
	return "The request conflicts with existing data."
}

// writeProblem sends err as application/problem+json, and logs it when it is internal.
func writeProblem(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	e, internal := classify(err)
	if internal {
		log.ErrorContext(r.Context(), "request failed", "error", err,
			"request_id", telemetry.RequestID(r.Context()), "method", r.Method, "path", r.URL.Path)
	}
	for k, vs := range e.header {
		w.Header()[k] = vs
	}
	p := Problem{
		Type:      ProblemTypePrefix + e.code,
		Title:     http.StatusText(e.status),
		Status:    e.status,
		Detail:    e.detail,
		Instance:  r.URL.Path,
		RequestID: telemetry.RequestID(r.Context()),
		Errors:    e.fields,
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(p)
}
