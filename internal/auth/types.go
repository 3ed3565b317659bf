package auth

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lodestar-cx/lodestar/internal/fault"
)

// User is a person who signs in.
type User struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	IsAdmin   bool      `json:"is_admin" jsonschema_description:"An instance administrator: may create users and sees every workspace from the CLI."`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
	// PasswordHash is never sent.
	PasswordHash string `json:"-"`
}

// ETagVersion is the version sent as the ETag.
func (u User) ETagVersion() int64 { return u.Version }

// NewUser is what it takes to create a user.
type NewUser struct {
	Email    string
	Name     string
	Password string
	IsAdmin  bool
}

// Validate normalises the input and reports each field at fault.
func (in *NewUser) Validate() error {
	var v fault.Validation
	in.Email = NormaliseEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	checkEmail(&v, "email", in.Email)
	v.Check(utf8.RuneCountInString(in.Name) <= 100, "name", "must be at most 100 characters")
	if field, problem := passwordProblem(in.Password); problem != "" {
		v.Add(field, "%s", problem)
	}
	return v.Err()
}

func checkEmail(v *fault.Validation, field, email string) {
	at := strings.LastIndexByte(email, '@')
	v.Check(at > 0 && at < len(email)-1 && !strings.ContainsAny(email, " \t\r\n<>") && len(email) <= 254,
		field, "must be an email address such as ana@example.com")
}

// Session is a signed-in browser.
type Session struct {
	UserID      int64
	WorkspaceID int64 // the workspace the browser has chosen; 0 for none
	CreatedAt   time.Time
	LastSeenAt  time.Time
	ExpiresAt   time.Time
}

// Token is an API token, as listed (its secret is shown once, at creation, and never stored).
type Token struct {
	ID          int64      `json:"id"`
	WorkspaceID int64      `json:"workspace_id"`
	UserID      int64      `json:"user_id"`
	Name        string     `json:"name"`
	Hint        string     `json:"hint" jsonschema_description:"The first characters of the token, to recognise it."`
	Scope       Scope      `json:"scope" jsonschema:"enum=read,enum=write"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
	LastUsedAt  *time.Time `json:"last_used_at,omitempty"`
	RevokedAt   *time.Time `json:"revoked_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
}

// Active reports whether the token still authenticates at now.
func (t Token) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// NewTokenInput is what it takes to create an API token.
type NewTokenInput struct {
	Name      string     `json:"name" jsonschema:"minLength=1,maxLength=100"`
	Scope     Scope      `json:"scope" jsonschema:"enum=read,enum=write"`
	ExpiresAt *time.Time `json:"expires_at,omitempty" jsonschema_description:"When the token stops working; never when absent."`
}

// Validate normalises the input and reports each field at fault.
func (in *NewTokenInput) Validate() error {
	var v fault.Validation
	in.Name = strings.TrimSpace(in.Name)
	v.Check(in.Name != "", "name", "must not be empty")
	v.Check(utf8.RuneCountInString(in.Name) <= 100, "name", "must be at most 100 characters")
	v.Check(in.Scope == ScopeRead || in.Scope == ScopeWrite, "scope", `must be "read" or "write"`)
	return v.Err()
}

// CreatedToken is a new token with its secret, shown this once.
type CreatedToken struct {
	Token
	Secret string `json:"secret" jsonschema_description:"The token itself. It is shown only now: store it safely."`
}
