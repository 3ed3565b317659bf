package auth_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

func TestPasswordHashing(t *testing.T) {
	cases := []string{
		"correct horse battery staple",
		"пароль-достаточно-длинный",
		"パスワードは十分に長い",
		strings.Repeat("ab", 128), // 256 characters: nothing is cut off
	}
	for _, pw := range cases {
		h, err := auth.HashPassword(pw, auth.DefaultArgon2)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Errorf("HashPassword = %q, want argon2id with m=19456,t=2,p=1", h)
		}
		if ok, rehash := auth.VerifyPassword(pw, h, auth.DefaultArgon2); !ok || rehash {
			t.Errorf("VerifyPassword(%q) = %v, %v; want true, false", pw, ok, rehash)
		}
		if ok, _ := auth.VerifyPassword(pw[:len(pw)-1], h, auth.DefaultArgon2); ok {
			t.Errorf("a password one byte shorter than %q verifies", pw)
		}
	}
	// The same characters in another Unicode form are the same password (NFKC).
	h, _ := auth.HashPassword("caf\u00e9 au lait!", auth.DefaultArgon2)
	if ok, _ := auth.VerifyPassword("cafe\u0301 au lait!", h, auth.DefaultArgon2); !ok {
		t.Error("a decomposed é does not verify against a composed one")
	}
	// A hash made with weaker parameters verifies and asks to be redone.
	weak := auth.Argon2Params{Time: 1, Memory: 8 * 1024, Threads: 1}
	hw, _ := auth.HashPassword("correct horse battery staple", weak)
	if ok, rehash := auth.VerifyPassword("correct horse battery staple", hw, auth.DefaultArgon2); !ok || !rehash {
		t.Errorf("VerifyPassword of a weak hash = %v, %v; want true, true", ok, rehash)
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "plain"} {
		if ok, _ := auth.VerifyPassword("x", bad, auth.DefaultArgon2); ok {
			t.Errorf("VerifyPassword against %q = true", bad)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, ok := range map[string]bool{
		"1234567":                     false,
		"12345678":                    true,
		"äöüßäöüß":                    true, // 8 characters, 16 bytes
		strings.Repeat("x", 256):      true,
		strings.Repeat("x", 257):      false,
		"\xff\xfe invalid utf-8 here": false,
	} {
		if err := auth.CheckPassword("password", pw); (err == nil) != ok {
			t.Errorf("CheckPassword(%q) = %v, want ok %v", pw, err, ok)
		}
	}
}

func setup(t testing.TB, driver string) (*auth.Service, *store.Store, *storetest.Clock, auth.User) {
	t.Helper()
	c := storetest.NewClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
	st := storetest.Open(t, driver, storetest.Options{Now: c.Now})
	h, err := auth.HashPassword("the right password", auth.DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(t.Context(), audit.System, "ana@example.com", "Ana", h, false)
	if err != nil {
		t.Fatal(err)
	}
	return auth.NewService(st, c.Now, auth.DefaultPolicy), st, c, u
}

func TestLoginThrottling(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			svc, _, c, _ := setup(t, d)
			ctx := t.Context()
			for i := range 10 {
				if _, _, err := svc.Login(ctx, "ana@example.com", "wrong password", ""); !errors.Is(err, auth.ErrBadCredentials) {
					t.Fatalf("failure %d = %v, want ErrBadCredentials", i+1, err)
				}
				c.Advance(time.Minute)
			}
			var te *auth.ThrottledError
			if _, _, err := svc.Login(ctx, "ANA@example.com", "the right password", ""); !errors.As(err, &te) {
				t.Fatalf("11th attempt, with the right password = %v, want ThrottledError", err)
			}
			// The first failure leaves the 15-minute window 5 minutes after the 10th (at minute 10).
			if te.RetryAfter != 5*time.Minute {
				t.Errorf("RetryAfter = %v, want 5m", te.RetryAfter)
			}
			c.Advance(te.RetryAfter)
			if _, _, err := svc.Login(ctx, "ana@example.com", "the right password", ""); err != nil {
				t.Errorf("login once the oldest failure left the window = %v", err)
			}
			// Unknown accounts are throttled the same way, so throttling tells nothing either.
			for range 10 {
				svc.Login(ctx, "nobody@example.com", "x", "")
			}
			if _, _, err := svc.Login(ctx, "nobody@example.com", "x", ""); !errors.As(err, &te) {
				t.Errorf("11th attempt on an unknown account = %v, want ThrottledError", err)
			}
		})
	}
}

// An unknown email, a wrong password and a disabled account fail alike.
func TestLoginDoesNotEnumerate(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			svc, st, _, u := setup(t, d)
			ctx := t.Context()
			_, _, unknown := svc.Login(ctx, "nobody@example.com", "the right password", "")
			_, _, wrong := svc.Login(ctx, "ana@example.com", "not the password", "")
			if err := st.SetUserDisabled(ctx, audit.System, u.ID, true); err != nil {
				t.Fatal(err)
			}
			_, _, disabled := svc.Login(ctx, "ana@example.com", "the right password", "")
			if unknown != auth.ErrBadCredentials || wrong != auth.ErrBadCredentials || disabled != auth.ErrBadCredentials {
				t.Errorf("errors: unknown %v, wrong %v, disabled %v; want ErrBadCredentials for all", unknown, wrong, disabled)
			}
		})
	}
}

func TestSessions(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			svc, st, c, u := setup(t, d)
			ctx := t.Context()
			first, _, err := svc.Login(ctx, "ana@example.com", "the right password", "")
			if err != nil {
				t.Fatal(err)
			}
			if got, _, err := svc.SessionUser(ctx, first); err != nil || got.ID != u.ID {
				t.Fatalf("SessionUser = %v, %v", got.ID, err)
			}
			// Signing in again from the same browser replaces the session with a new id.
			second, _, err := svc.Login(ctx, "ana@example.com", "the right password", auth.HashSecret(first))
			if err != nil || second == first || len(second) < 43 {
				t.Fatalf("second login = %q, %v; want a new id of 256 bits", second, err)
			}
			if _, _, err := svc.SessionUser(ctx, first); !errors.Is(err, auth.ErrNoSession) {
				t.Errorf("the replaced session still works: %v", err)
			}
			// Idle timeout: activity keeps it, silence ends it.
			c.Advance(auth.DefaultPolicy.IdleTimeout - time.Minute)
			if _, _, err := svc.SessionUser(ctx, second); err != nil {
				t.Fatalf("session used within the idle timeout = %v", err)
			}
			c.Advance(auth.DefaultPolicy.IdleTimeout)
			if _, _, err := svc.SessionUser(ctx, second); !errors.Is(err, auth.ErrNoSession) {
				t.Errorf("session idle past the timeout = %v, want ErrNoSession", err)
			}
			// Absolute timeout: even a busy session ends.
			third, _ := svc.StartSession(ctx, u.ID, "")
			for elapsed := time.Duration(0); elapsed < auth.DefaultPolicy.AbsoluteTimeout-time.Hour; elapsed += 6 * time.Hour {
				if _, _, err := svc.SessionUser(ctx, third); err != nil {
					t.Fatalf("busy session after %v = %v", elapsed, err)
				}
				c.Advance(6 * time.Hour)
			}
			c.Advance(6 * time.Hour)
			if _, _, err := svc.SessionUser(ctx, third); !errors.Is(err, auth.ErrNoSession) {
				t.Errorf("session past the absolute timeout = %v, want ErrNoSession", err)
			}
			// Password change ends the other sessions, keeps the current one.
			keep, _ := svc.StartSession(ctx, u.ID, "")
			other, _ := svc.StartSession(ctx, u.ID, "")
			var inv *fault.InvalidError
			if err := svc.ChangePassword(ctx, audit.Actor{UserID: u.ID}, u, "not it", "a new password", keep); !errors.As(err, &inv) || inv.Fields[0].Field != "current_password" {
				t.Errorf("ChangePassword with a wrong current password = %v, want an invalid current_password", err)
			}
			if err := svc.ChangePassword(ctx, audit.Actor{UserID: u.ID}, u, "the right password", "a new password", keep); err != nil {
				t.Fatal(err)
			}
			if _, _, err := svc.SessionUser(ctx, keep); err != nil {
				t.Errorf("the session that changed the password ended: %v", err)
			}
			if _, _, err := svc.SessionUser(ctx, other); !errors.Is(err, auth.ErrNoSession) {
				t.Errorf("another session survived the password change: %v", err)
			}
			// Disabling the user ends the session.
			if err := st.SetUserDisabled(ctx, audit.System, u.ID, true); err != nil {
				t.Fatal(err)
			}
			if _, _, err := svc.SessionUser(ctx, keep); !errors.Is(err, auth.ErrNoSession) {
				t.Errorf("a disabled user's session = %v, want ErrNoSession", err)
			}
			if _, _, err := svc.SessionUser(ctx, ""); !errors.Is(err, auth.ErrNoSession) {
				t.Errorf("an empty secret = %v", err)
			}
		})
	}
}

func TestTokens(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			svc, st, c, u := setup(t, d)
			ctx := t.Context()
			ws, err := st.CreateWorkspace(ctx, audit.System, u.ID, workspace.CreateInput{Name: "W"})
			if err != nil {
				t.Fatal(err)
			}
			expires := c.Now().Add(time.Hour)
			secret, hint := auth.NewToken()
			tk, err := st.CreateToken(ctx, audit.System, ws.ID, u.ID, auth.NewTokenInput{Name: "ci", Scope: auth.ScopeRead, ExpiresAt: &expires}, auth.HashSecret(secret), hint)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(hint, secret[8:]) {
				t.Errorf("hint %q shows too much of the secret", hint)
			}
			_, got, role, err := svc.TokenUser(ctx, secret)
			if err != nil || got.ID != tk.ID || role != auth.RoleViewer {
				t.Fatalf("TokenUser = %v, %v, %v; want the token acting as viewer (read scope caps the owner)", got.ID, role, err)
			}
			if after, _ := st.Token(ctx, ws.ID, tk.ID); after.LastUsedAt == nil || !after.LastUsedAt.Equal(c.Now()) {
				t.Errorf("last used = %v, want %v", after.LastUsedAt, c.Now())
			}
			c.Advance(time.Hour)
			if _, _, _, err := svc.TokenUser(ctx, secret); !errors.Is(err, auth.ErrBadToken) {
				t.Errorf("expired token = %v, want ErrBadToken", err)
			}
			secret2, hint2 := auth.NewToken()
			tk2, _ := st.CreateToken(ctx, audit.System, ws.ID, u.ID, auth.NewTokenInput{Name: "w", Scope: auth.ScopeWrite}, auth.HashSecret(secret2), hint2)
			if _, _, role, err := svc.TokenUser(ctx, secret2); err != nil || role != auth.RoleOwner {
				t.Errorf("write token = %v, %v; want owner", role, err)
			}
			if _, err := st.RevokeToken(ctx, audit.System, ws.ID, tk2.ID); err != nil {
				t.Fatal(err)
			}
			if _, _, _, err := svc.TokenUser(ctx, secret2); !errors.Is(err, auth.ErrBadToken) {
				t.Errorf("revoked token = %v, want ErrBadToken", err)
			}
			for _, bad := range []string{"", "lst_", "not-a-token", secret2 + "x"} {
				if _, _, _, err := svc.TokenUser(ctx, bad); !errors.Is(err, auth.ErrBadToken) {
					t.Errorf("TokenUser(%q) = %v, want ErrBadToken", bad, err)
				}
			}
			past := c.Now().Add(-time.Minute)
			if _, err := st.CreateToken(ctx, audit.System, ws.ID, u.ID, auth.NewTokenInput{Name: "x", Scope: auth.ScopeRead, ExpiresAt: &past}, "h", "h"); err == nil {
				t.Error("a token expiring in the past was created")
			}
		})
	}
}

// Guessing the current password on the password page counts against the account like
// failed sign-ins.
func TestChangePasswordIsThrottled(t *testing.T) {
	svc, _, _, u := setup(t, "sqlite")
	ctx := t.Context()
	for range 10 {
		if err := svc.ChangePassword(ctx, audit.Actor{UserID: u.ID}, u, "guess", "a new password", ""); err == nil {
			t.Fatal("a wrong current password was accepted")
		}
	}
	var te *auth.ThrottledError
	if err := svc.ChangePassword(ctx, audit.Actor{UserID: u.ID}, u, "the right password", "a new password", ""); !errors.As(err, &te) {
		t.Errorf("11th attempt = %v, want ThrottledError", err)
	}
	if _, _, err := svc.Login(ctx, "ana@example.com", "the right password", ""); !errors.As(err, &te) {
		t.Errorf("sign-in after 10 wrong guesses on the password page = %v, want ThrottledError", err)
	}
}

func TestNewUserReportsEveryField(t *testing.T) {
	in := auth.NewUser{Email: "not-an-email", Password: "short"}
	var inv *fault.InvalidError
	if err := in.Validate(); !errors.As(err, &inv) || len(inv.Fields) != 2 {
		t.Errorf("Validate = %v, want problems with both email and password", err)
	}
}
