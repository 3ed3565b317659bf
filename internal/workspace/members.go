package workspace

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/fault"
)

// Member is a user's membership of a workspace.
type Member struct {
	WorkspaceID int64     `json:"workspace_id"`
	UserID      int64     `json:"user_id"`
	Email       string    `json:"email"`
	Name        string    `json:"name"`
	Role        string    `json:"role" jsonschema:"enum=owner,enum=admin,enum=editor,enum=viewer"`
	CreatedAt   time.Time `json:"created_at"`
	Version     int64     `json:"version"`
}

// ETagVersion is the version sent as the ETag.
func (m Member) ETagVersion() int64 { return m.Version }

// MemberUpdate changes a member's role.
type MemberUpdate struct {
	Role string `json:"role" jsonschema:"enum=owner,enum=admin,enum=editor,enum=viewer"`
}

// Validate reports each field at fault.
func (in *MemberUpdate) Validate() error {
	return checkRole("role", in.Role)
}

func checkRole(field, role string) error {
	if _, ok := auth.ParseRole(role); !ok {
		return fault.Invalid(field, "must be one of %s", strings.Join(auth.RoleNames(), ", "))
	}
	return nil
}

// Team is a group of members who own work together.
type Team struct {
	ID          int64     `json:"id"`
	WorkspaceID int64     `json:"workspace_id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	LeadUserID  int64     `json:"lead_user_id,omitempty" jsonschema_description:"The member who leads the team; absent when there is none."`
	MemberIDs   []int64   `json:"member_ids" jsonschema_description:"The user ids of the team's members."`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int64     `json:"version"`
}

// ETagVersion is the version sent as the ETag.
func (t Team) ETagVersion() int64 { return t.Version }

// TeamInput creates a team.
type TeamInput struct {
	Name        string `json:"name" jsonschema:"minLength=1,maxLength=100"`
	Description string `json:"description,omitempty" jsonschema:"maxLength=2000"`
	LeadUserID  int64  `json:"lead_user_id,omitempty" jsonschema_description:"A member of the workspace to lead the team."`
}

// Validate normalises the input and reports each field at fault.
func (in *TeamInput) Validate() error {
	var v fault.Validation
	in.Name = strings.TrimSpace(in.Name)
	checkName(&v, "name", in.Name)
	v.Check(utf8.RuneCountInString(in.Description) <= 2000, "description", "must be at most 2000 characters")
	v.Check(in.LeadUserID >= 0, "lead_user_id", "must be a user id")
	return v.Err()
}

// TeamUpdate changes a team. Absent fields stay as they are; a lead of 0 removes the lead.
type TeamUpdate struct {
	Name        *string `json:"name,omitempty" jsonschema:"minLength=1,maxLength=100"`
	Description *string `json:"description,omitempty" jsonschema:"maxLength=2000"`
	LeadUserID  *int64  `json:"lead_user_id,omitempty" jsonschema_description:"A member to lead the team; 0 for no lead."`
}

// Validate normalises the input and reports each field at fault.
func (in *TeamUpdate) Validate() error {
	var v fault.Validation
	if in.Name != nil {
		*in.Name = strings.TrimSpace(*in.Name)
		checkName(&v, "name", *in.Name)
	}
	if in.Description != nil {
		v.Check(utf8.RuneCountInString(*in.Description) <= 2000, "description", "must be at most 2000 characters")
	}
	if in.LeadUserID != nil {
		v.Check(*in.LeadUserID >= 0, "lead_user_id", "must be a user id, or 0 for none")
	}
	return v.Err()
}

// Invite lets someone join the workspace with a role.
type Invite struct {
	ID          int64      `json:"id"`
	WorkspaceID int64      `json:"workspace_id"`
	Email       string     `json:"email,omitempty" jsonschema_description:"Who the invite is for; anyone with the code may use it when absent."`
	Role        string     `json:"role" jsonschema:"enum=owner,enum=admin,enum=editor,enum=viewer"`
	CreatedBy   int64      `json:"created_by,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	ExpiresAt   time.Time  `json:"expires_at"`
	AcceptedBy  int64      `json:"accepted_by,omitempty"`
	AcceptedAt  *time.Time `json:"accepted_at,omitempty"`
}

// InviteInput creates an invite.
type InviteInput struct {
	Email string `json:"email,omitempty"`
	Role  string `json:"role" jsonschema:"enum=owner,enum=admin,enum=editor,enum=viewer"`
	// ValidDays is how long the invite may be used; 7 when absent.
	ValidDays int `json:"valid_days,omitempty" jsonschema:"minimum=1,maximum=90"`
}

// Validate normalises the input and reports each field at fault.
func (in *InviteInput) Validate() error {
	var v fault.Validation
	in.Email = auth.NormaliseEmail(in.Email)
	if in.Email != "" {
		v.Check(strings.Contains(in.Email, "@"), "email", "must be an email address")
	}
	if err := checkRole("role", in.Role); err != nil {
		v.Add("role", "must be one of %s", strings.Join(auth.RoleNames(), ", "))
	}
	if in.ValidDays == 0 {
		in.ValidDays = 7
	}
	v.Check(in.ValidDays >= 1 && in.ValidDays <= 90, "valid_days", "must be from 1 to 90")
	return v.Err()
}

// CreatedInvite is a new invite with its code, shown this once.
type CreatedInvite struct {
	Invite
	Code string `json:"code" jsonschema_description:"The secret that accepts the invite; shown only now."`
	Link string `json:"link" jsonschema_description:"The page that accepts the invite."`
}
