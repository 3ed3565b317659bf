// Package workspace owns the workspace: one company's CX roadmap, and the boundary that keeps
// one tenant's data from every other.
package workspace

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lodestar-cx/lodestar/internal/fault"
)

// Workspace is one tenant of Lodestar.
type Workspace struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name" jsonschema:"minLength=1,maxLength=100"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

// ETagVersion returns the version that the HTTP layer sends as the ETag.
func (w Workspace) ETagVersion() int64 { return w.Version }

// MaxNameLen is the longest workspace name, in characters.
const MaxNameLen = 100

// CreateInput is what it takes to create a workspace.
type CreateInput struct {
	Name string `json:"name" jsonschema:"minLength=1,maxLength=100"`
}

// Validate normalises the input and reports each field at fault.
func (in *CreateInput) Validate() error {
	var v fault.Validation
	in.Name = strings.TrimSpace(in.Name)
	checkName(&v, "name", in.Name)
	return v.Err()
}

// UpdateInput changes a workspace. Absent fields are left as they are.
type UpdateInput struct {
	Name *string `json:"name,omitempty" jsonschema:"minLength=1,maxLength=100"`
}

// Validate normalises the input and reports each field at fault.
func (in *UpdateInput) Validate() error {
	var v fault.Validation
	if in.Name != nil {
		*in.Name = strings.TrimSpace(*in.Name)
		checkName(&v, "name", *in.Name)
	}
	return v.Err()
}

func checkName(v *fault.Validation, field, name string) {
	v.Check(name != "", field, "must not be empty")
	v.Check(utf8.RuneCountInString(name) <= MaxNameLen, field, "must be at most %d characters", MaxNameLen)
	v.Check(utf8.ValidString(name), field, "must be valid UTF-8")
}
