// Package audit describes the audit trail: who changed what, when, from which value to which.
// The store writes an entry in the same transaction as each change, so the trail and the data
// never disagree.
package audit

import (
	"encoding/json"
	"time"
)

// Actor is who makes a change: a user, through a browser session or an API token, or the
// system itself (both ids zero).
type Actor struct {
	UserID    int64
	TokenID   int64
	RequestID string
}

// System is the actor of changes made by Lodestar itself or by the admin CLI.
var System = Actor{}

// Entry is one change.
type Entry struct {
	ID           int64           `json:"id"`
	WorkspaceID  int64           `json:"workspace_id,omitempty"`
	ActorUserID  int64           `json:"actor_user_id,omitempty"`
	ActorTokenID int64           `json:"actor_token_id,omitempty"`
	RequestID    string          `json:"request_id,omitempty"`
	Action       string          `json:"action" jsonschema:"enum=create,enum=update,enum=delete"`
	Entity       string          `json:"entity" jsonschema_description:"The kind of object: workspace, member, team, token, invite, ..."`
	EntityID     string          `json:"entity_id"`
	Before       json.RawMessage `json:"before,omitempty" jsonschema:"type=object"`
	After        json.RawMessage `json:"after,omitempty" jsonschema:"type=object"`
	At           time.Time       `json:"at"`
}

// Actions.
const (
	Create = "create"
	Update = "update"
	Delete = "delete"
)

// Filter selects entries.
type Filter struct {
	Entity string
	Since  time.Time // inclusive; zero for no bound
	Until  time.Time // exclusive; zero for no bound
}
