package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/fault"
)

// Store is what the service needs of storage.
type Store interface {
	UserByEmail(ctx context.Context, email string) (User, error)
	User(ctx context.Context, id int64) (User, error)
	SetPasswordHash(ctx context.Context, a audit.Actor, userID int64, hash string, endSessions bool, keep string) error
	RecordLoginFailure(ctx context.Context, account string, window time.Duration) error
	LoginFailures(ctx context.Context, account string, window time.Duration) (int, time.Time, error)
	ClearLoginFailures(ctx context.Context, account string) error
	CreateSession(ctx context.Context, hash string, userID int64, expires time.Time, replacing string) error
	Session(ctx context.Context, hash string) (Session, error)
	TouchSession(ctx context.Context, hash string) error
	DeleteSession(ctx context.Context, hash string) error
	TokenAccess(ctx context.Context, hash string) (Token, User, Role, error)
	TouchToken(ctx context.Context, id int64) error
}

// Policy holds the tunable rules of signing in.
type Policy struct {
	Argon2 Argon2Params
	// IdleTimeout ends a session unused for this long; AbsoluteTimeout ends any session this
	// long after sign-in.
	IdleTimeout, AbsoluteTimeout time.Duration
	// MaxFailures failed sign-ins of one account within FailureWindow lock it until the
	// oldest of them leaves the window.
	MaxFailures   int
	FailureWindow time.Duration
}

// DefaultPolicy is the policy of a new installation.
var DefaultPolicy = Policy{
	Argon2:          DefaultArgon2,
	IdleTimeout:     12 * time.Hour,
	AbsoluteTimeout: 14 * 24 * time.Hour,
	MaxFailures:     10,
	FailureWindow:   15 * time.Minute,
}

// Service signs people in and recognises them afterwards.
type Service struct {
	store  Store
	now    func() time.Time
	policy Policy
}

// NewService returns a service over the store with the clock and policy.
func NewService(st Store, now func() time.Time, p Policy) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, now: now, policy: p}
}

// Policy returns the service's policy.
func (s *Service) Policy() Policy { return s.policy }

// ErrBadCredentials is the one answer to a failed sign-in, whatever failed: an unknown email,
// a wrong password and a disabled account look the same from outside.
var ErrBadCredentials = fmt.Errorf("email or password is wrong: %w", fault.ErrUnauthenticated)

// ThrottledError says that an account has failed too often, and when to try again.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed sign-ins; try again in %s", e.RetryAfter.Round(time.Second))
}

// Login checks the credentials and opens a session. It returns the session secret for the
// cookie. replacing is the hash of the browser's current session, if any, which ends.
func (s *Service) Login(ctx context.Context, email, password, replacing string) (secret string, u User, err error) {
	account := NormaliseEmail(email)
	if err := s.throttled(ctx, account); err != nil {
		return "", User{}, err
	}
	u, err = s.store.UserByEmail(ctx, account)
	ok, rehash := false, false
	switch {
	case errors.Is(err, fault.ErrNotFound):
		SpendVerifyTime(password)
	case err != nil:
		return "", User{}, err
	default:
		ok, rehash = VerifyPassword(password, u.PasswordHash, s.policy.Argon2)
	}
	if !ok || u.Disabled {
		if err := s.store.RecordLoginFailure(ctx, account, s.policy.FailureWindow); err != nil {
			return "", User{}, err
		}
		return "", User{}, ErrBadCredentials
	}
	if err := s.store.ClearLoginFailures(ctx, account); err != nil {
		return "", User{}, err
	}
	if rehash {
		if h, err := HashPassword(password, s.policy.Argon2); err == nil {
			if err := s.store.SetPasswordHash(ctx, audit.System, u.ID, h, false, ""); err != nil {
				return "", User{}, err
			}
		}
	}
	secret, err = s.StartSession(ctx, u.ID, replacing)
	return secret, u, err
}

// throttled returns a *ThrottledError when the account has failed too often of late.
func (s *Service) throttled(ctx context.Context, account string) error {
	n, oldest, err := s.store.LoginFailures(ctx, account, s.policy.FailureWindow)
	if err != nil {
		return err
	}
	if n >= s.policy.MaxFailures {
		wait := oldest.Add(s.policy.FailureWindow).Sub(s.now())
		return &ThrottledError{RetryAfter: max(wait, time.Second)}
	}
	return nil
}

// StartSession opens a session for the user and returns its secret.
func (s *Service) StartSession(ctx context.Context, userID int64, replacing string) (string, error) {
	secret := NewSecret()
	if err := s.store.CreateSession(ctx, HashSecret(secret), userID, s.now().Add(s.policy.AbsoluteTimeout), replacing); err != nil {
		return "", err
	}
	return secret, nil
}

// ErrNoSession means the secret names no live session.
var ErrNoSession = fmt.Errorf("no session: %w", fault.ErrUnauthenticated)

// SessionUser recognises a browser by its session secret. Sessions past their idle or
// absolute timeout, and sessions of disabled users, end here.
func (s *Service) SessionUser(ctx context.Context, secret string) (User, Session, error) {
	if secret == "" {
		return User{}, Session{}, ErrNoSession
	}
	hash := HashSecret(secret)
	ss, err := s.store.Session(ctx, hash)
	if errors.Is(err, fault.ErrNotFound) {
		return User{}, Session{}, ErrNoSession
	}
	if err != nil {
		return User{}, Session{}, err
	}
	now := s.now()
	if !now.Before(ss.ExpiresAt) || now.Sub(ss.LastSeenAt) >= s.policy.IdleTimeout {
		return User{}, Session{}, errors.Join(ErrNoSession, s.store.DeleteSession(ctx, hash))
	}
	u, err := s.store.User(ctx, ss.UserID)
	if err != nil {
		return User{}, Session{}, err
	}
	if u.Disabled {
		return User{}, Session{}, errors.Join(ErrNoSession, s.store.DeleteSession(ctx, hash))
	}
	// Record activity at most once a minute: reads stay reads.
	if now.Sub(ss.LastSeenAt) >= time.Minute {
		if err := s.store.TouchSession(ctx, hash); err != nil {
			return User{}, Session{}, err
		}
	}
	return u, ss, nil
}

// Logout ends the session.
func (s *Service) Logout(ctx context.Context, secret string) error {
	if secret == "" {
		return nil
	}
	return s.store.DeleteSession(ctx, HashSecret(secret))
}

// ChangePassword replaces the user's password after checking the current one, and ends all
// of the user's other sessions. Wrong guesses of the current password count as failed
// sign-ins of the account, so a stolen session cannot be used to guess without limit.
func (s *Service) ChangePassword(ctx context.Context, a audit.Actor, u User, current, next, keepSession string) error {
	if err := s.throttled(ctx, u.Email); err != nil {
		return err
	}
	if ok, _ := VerifyPassword(current, u.PasswordHash, s.policy.Argon2); !ok {
		if err := s.store.RecordLoginFailure(ctx, u.Email, s.policy.FailureWindow); err != nil {
			return err
		}
		return fault.Invalid("current_password", "is not your current password")
	}
	if err := CheckPassword("new_password", next); err != nil {
		return err
	}
	h, err := HashPassword(next, s.policy.Argon2)
	if err != nil {
		return err
	}
	keep := ""
	if keepSession != "" {
		keep = HashSecret(keepSession)
	}
	return s.store.SetPasswordHash(ctx, a, u.ID, h, true, keep)
}

// ErrBadToken is the answer to a missing, unknown, revoked or expired API token.
var ErrBadToken = fmt.Errorf("the API token is not valid: %w", fault.ErrUnauthenticated)

// TokenUser recognises an API caller by its token, and returns the role the token acts with in
// its workspace: the user's role there, capped by the token's scope (auth.RoleNone when the
// user is no longer a member).
func (s *Service) TokenUser(ctx context.Context, secret string) (User, Token, Role, error) {
	if !LooksLikeToken(secret) {
		return User{}, Token{}, RoleNone, ErrBadToken
	}
	t, u, role, err := s.store.TokenAccess(ctx, HashSecret(secret))
	if errors.Is(err, fault.ErrNotFound) {
		return User{}, Token{}, RoleNone, ErrBadToken
	}
	if err != nil {
		return User{}, Token{}, RoleNone, err
	}
	now := s.now()
	if !t.Active(now) || u.Disabled {
		return User{}, Token{}, RoleNone, ErrBadToken
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= time.Minute {
		if err := s.store.TouchToken(ctx, t.ID); err != nil {
			return User{}, Token{}, RoleNone, err
		}
	}
	return u, t, min(role, t.Scope.Cap()), nil
}
