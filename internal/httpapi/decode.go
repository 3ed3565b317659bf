package httpapi

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/lodestar-cx/lodestar/internal/store"
)

// DefaultBodyLimit bounds a JSON request body unless a route says otherwise.
const DefaultBodyLimit = 1 << 20

// decodeJSON reads one JSON object from the body into dst, refusing unknown members, bodies over
// limit bytes, and anything after the object. Its errors name what is wrong and where.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any, limit int64) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !(mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		return fieldError(http.StatusUnsupportedMediaType, "unsupported-media-type", "Content-Type",
			"The request body must be JSON, sent with Content-Type: application/json.")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return bodyError(err, limit)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return bodyError(err, limit)
		}
		return newError(http.StatusBadRequest, "malformed-body", "The request body has data after its JSON object.")
	}
	return nil
}

func bodyError(err error, limit int64) error {
	var maxErr *http.MaxBytesError
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &maxErr):
		return newError(http.StatusRequestEntityTooLarge, "body-too-large",
			fmt.Sprintf("The request body exceeds the limit of %d bytes.", limit))
	case errors.Is(err, io.EOF):
		return newError(http.StatusBadRequest, "malformed-body", "The request body is empty; a JSON object is expected.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return newError(http.StatusBadRequest, "malformed-body", "The request body ends in the middle of its JSON.")
	case errors.As(err, &syntaxErr):
		return newError(http.StatusBadRequest, "malformed-body",
			fmt.Sprintf("The request body is not valid JSON at byte %d: %s.", syntaxErr.Offset, strings.TrimPrefix(syntaxErr.Error(), "json: ")))
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return newError(http.StatusBadRequest, "malformed-body",
				fmt.Sprintf("The request body must be a JSON object, not a %s.", typeErr.Value))
		}
		return fieldError(http.StatusBadRequest, "invalid-field", field,
			fmt.Sprintf("Must be of type %s, not a JSON %s.", jsonTypeName(typeErr.Type.String()), typeErr.Value))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return fieldError(http.StatusBadRequest, "unknown-field", name, fmt.Sprintf("Unknown field %q.", name))
	}
	return newError(http.StatusBadRequest, "malformed-body", "The request body could not be read.")
}

func jsonTypeName(goType string) string {
	switch strings.TrimPrefix(goType, "*") {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "int", "int32", "int64", "uint", "uint32", "uint64":
		return "integer"
	case "float32", "float64":
		return "number"
	}
	if strings.HasPrefix(goType, "[]") {
		return "array"
	}
	return "object"
}

// List is one page of a collection. NextCursor, when present, fetches the page after it.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty" jsonschema_description:"Pass as the cursor parameter to fetch the next page; absent on the last page."`
}

// Page size bounds of list endpoints.
const (
	defaultPageLimit = 50
)

// cursor is the position a cursor stands for. It is encoded opaquely so that it can grow
// (a sort key beside the id) without breaking clients.
type cursor struct {
	After int64 `json:"a"`
}

func encodeCursor(after int64) string {
	if after == 0 {
		return ""
	}
	b, _ := json.Marshal(cursor{After: after})
	return base64.RawURLEncoding.EncodeToString(b)
}

// parsePage reads the limit and cursor query parameters.
func parsePage(r *http.Request) (store.Page, error) {
	p := store.Page{Limit: defaultPageLimit}
	q := r.URL.Query()
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > store.MaxPageLimit {
			return p, fieldError(http.StatusBadRequest, "invalid-parameter", "limit",
				fmt.Sprintf("limit must be a whole number from 1 to %d.", store.MaxPageLimit))
		}
		p.Limit = n
	}
	if s := q.Get("cursor"); s != "" {
		var c cursor
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err == nil {
			dec := json.NewDecoder(strings.NewReader(string(b)))
			dec.DisallowUnknownFields()
			err = dec.Decode(&c)
		}
		if err != nil || c.After <= 0 {
			return p, fieldError(http.StatusBadRequest, "invalid-cursor", "cursor",
				"cursor is not one this API returned; start again without it.")
		}
		p.After = c.After
	}
	return p, nil
}

func listOf[T any](items []T, next int64) List[T] {
	return List[T]{Items: items, NextCursor: encodeCursor(next)}
}
