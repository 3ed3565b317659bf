package auth

import "fmt"

// Role is a member's role in a workspace. Roles are ordered: each can do what the ones below
// it can.
type Role int

// The roles, weakest first. RoleNone means no membership.
const (
	RoleNone Role = iota
	RoleViewer
	RoleEditor
	RoleAdmin
	RoleOwner
)

var roleNames = []string{"", "viewer", "editor", "admin", "owner"}

func (r Role) String() string {
	if r < 0 || int(r) >= len(roleNames) {
		return fmt.Sprintf("Role(%d)", int(r))
	}
	return roleNames[r]
}

// ParseRole reads a role name.
func ParseRole(s string) (Role, bool) {
	for i, n := range roleNames {
		if n == s && i > 0 {
			return Role(i), true
		}
	}
	return RoleNone, false
}

// RoleNames lists the role names, weakest first, for documentation and validation.
func RoleNames() []string { return roleNames[1:] }

// Scope limits what an API token may do, whatever its owner's role.
type Scope string

// The token scopes.
const (
	ScopeRead  Scope = "read"
	ScopeWrite Scope = "write"
)

// Cap is the strongest role a token of the scope acts with.
func (s Scope) Cap() Role {
	if s == ScopeWrite {
		return RoleOwner
	}
	return RoleViewer
}

// Permission is what a route needs. Workspace permissions map to the least role that has them.
type Permission int

// The permissions.
const (
	// PermPublic needs nobody. (The zero Permission is deliberately none of these, so that a
	// route that forgets to say what it needs is caught when it is registered.)
	PermPublic Permission = iota + 1
	// PermSignedIn needs an authenticated caller, in no particular workspace.
	PermSignedIn
	// PermView reads a workspace's data.
	PermView
	// PermEdit changes the roadmap's content.
	PermEdit
	// PermManage manages members, teams, tokens of others and reads the audit log.
	PermManage
	// PermOwn deletes the workspace and grants or takes away ownership.
	PermOwn
)

// Role is the least role that holds p in a workspace.
func (p Permission) Role() Role {
	switch p {
	case PermView:
		return RoleViewer
	case PermEdit:
		return RoleEditor
	case PermManage:
		return RoleAdmin
	case PermOwn:
		return RoleOwner
	}
	return RoleNone
}

// Workspace reports whether p concerns one workspace.
func (p Permission) Workspace() bool { return p >= PermView }

func (p Permission) String() string {
	if p < PermPublic || p > PermOwn {
		return fmt.Sprintf("Permission(%d)", int(p))
	}
	return [...]string{"public", "signed-in", "view", "edit", "manage", "own"}[p-1]
}
