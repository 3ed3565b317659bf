// Package fault defines the small set of error kinds that every layer of Lodestar speaks: a thing
// was not found, input was invalid (with the fields at fault), a write conflicted with existing
// data, a conditional write met a newer version, or the caller lacks a right.
//
// Lower layers wrap these with %w and context; the HTTP layer maps them to statuses in one place
// with errors.Is and errors.As.
package fault

import (
	"errors"
	"fmt"
	"strings"
)

// The error kinds. Wrap them with fmt.Errorf("...: %w", fault.ErrNotFound) to add context.
var (
	// ErrNotFound means the object does not exist, or exists in a workspace the caller cannot see.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the write clashes with existing data (a duplicate key, a cycle).
	ErrConflict = errors.New("conflict")
	// ErrStale means a conditional write named a version that is no longer current.
	ErrStale = errors.New("version is not current")
	// ErrForbidden means the caller is known but lacks the permission.
	ErrForbidden = errors.New("forbidden")
	// ErrUnauthenticated means the caller could not be identified.
	ErrUnauthenticated = errors.New("unauthenticated")
)

// ConflictError is a conflict whose description is safe to show the client, such as "the plan
// changed since the preview". It is a fault.ErrConflict.
type ConflictError struct{ Detail string }

func (e *ConflictError) Error() string { return e.Detail }

// Unwrap makes a ConflictError match ErrConflict.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// FieldError is one problem with one field of the input.
type FieldError struct {
	// Field names the input element at fault: a JSON member path such as "name" or
	// "initiatives[3].dependsOn[0]", a query parameter, or a header.
	Field string `json:"field"`
	// Message says what is wrong, in words a user can act on.
	Message string `json:"message"`
}

// InvalidError reports input that failed validation, field by field.
type InvalidError struct {
	Fields []FieldError
}

func (e *InvalidError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		if f.Field == "" {
			parts[i] = f.Message
			continue
		}
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Invalid returns an InvalidError for a single field.
func Invalid(field, format string, args ...any) error {
	return &InvalidError{Fields: []FieldError{{Field: field, Message: fmt.Sprintf(format, args...)}}}
}

// Validation gathers field errors as input is checked, so that a caller learns every problem at
// once rather than one per request. The zero value is ready to use.
type Validation struct {
	fields []FieldError
}

// Check records message for field unless ok holds.
func (v *Validation) Check(ok bool, field, format string, args ...any) {
	if !ok {
		v.Add(field, format, args...)
	}
}

// Add records a problem with field.
func (v *Validation) Add(field, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns an *InvalidError holding the recorded problems, or nil when there are none.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &InvalidError{Fields: v.fields}
}
