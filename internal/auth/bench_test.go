package auth_test

import (
	"testing"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/config"
)

// The cost of one argon2id hash at the default parameters:
//
//	go test -run '^$' -bench Argon2 ./internal/auth/
func BenchmarkArgon2Hash(b *testing.B) {
	for b.Loop() {
		if _, err := auth.HashPassword("correct horse battery staple", auth.DefaultArgon2); err != nil {
			b.Fatal(err)
		}
	}
}

// A failed sign-in for an unknown email beside one with a wrong password: their times must
// match within noise, or the time would tell which emails have accounts.
//
//	go test -run '^$' -bench LoginFailure ./internal/auth/
func BenchmarkLoginFailure(b *testing.B) {
	_, st, c, _ := setup(b, config.DriverSQLite)
	policy := auth.DefaultPolicy
	policy.MaxFailures = 1 << 30 // measure the check, not the throttle
	svc := auth.NewService(st, c.Now, policy)
	for _, bc := range []struct{ name, email string }{
		{"unknown-email", "nobody@example.com"},
		{"wrong-password", "ana@example.com"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := svc.Login(b.Context(), bc.email, "not the password", ""); err != auth.ErrBadCredentials {
					b.Fatal(err)
				}
			}
		})
	}
}
