// Package auth owns who a caller is and what they may do: password hashing, session and API
// token secrets, roles and the permissions routes ask for. It stores nothing itself.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"

	"github.com/lodestar-cx/lodestar/internal/fault"
)

// Argon2Params are the argon2id cost settings.
type Argon2Params struct {
	Time    uint32 // passes
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultArgon2 meets the OWASP ASVS 5.0 floor for argon2id (m = 19 MiB, t = 2, p = 1).
var DefaultArgon2 = Argon2Params{Time: 2, Memory: 19 * 1024, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
	// Password length bounds, in characters.
	MinPasswordLen = 8
	MaxPasswordLen = 256
)

// CheckPassword reports whether a new password is acceptable, as an invalid field.
func CheckPassword(field, pw string) error {
	if _, problem := passwordProblem(pw); problem != "" {
		return fault.Invalid(field, "%s", problem)
	}
	return nil
}

// passwordProblem says what is wrong with a new password, or "" when nothing is.
func passwordProblem(pw string) (field, problem string) {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return "password", "must be valid UTF-8"
	case n < MinPasswordLen:
		return "password", fmt.Sprintf("must be at least %d characters", MinPasswordLen)
	case n > MaxPasswordLen:
		return "password", fmt.Sprintf("must be at most %d characters", MaxPasswordLen)
	}
	return "", ""
}

// normalise maps a password to NFKC, so that the same characters typed on different systems
// give the same hash. The whole password is used: nothing is ever truncated.
func normalise(pw string) []byte { return []byte(norm.NFKC.String(pw)) }

// HashPassword hashes pw with argon2id and returns a PHC-format string that records the
// parameters beside the salt and key.
func HashPassword(pw string, p Argon2Params) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey(normalise(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("malformed password hash")

func parseHash(h string) (p Argon2Params, salt, key []byte, err error) {
	parts := strings.Split(h, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, errBadHash
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return p, nil, nil, errBadHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) == 0 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

// VerifyPassword reports whether pw matches hash, and whether the hash should be replaced
// because it was made with weaker parameters than want.
func VerifyPassword(pw, hash string, want Argon2Params) (ok, rehash bool) {
	p, salt, key, err := parseHash(hash)
	if err != nil {
		return false, false
	}
	got := argon2.IDKey(normalise(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false
	}
	return true, p.Time < want.Time || p.Memory < want.Memory || p.Threads < want.Threads
}

// dummyHash is verified against when an account does not exist, so that an unknown email
// costs the same time as a wrong password.
var dummyHash, _ = HashPassword("lodestar-no-such-account", DefaultArgon2)

// SpendVerifyTime does the work of one password check against nothing.
func SpendVerifyTime(pw string) { VerifyPassword(pw, dummyHash, DefaultArgon2) }
