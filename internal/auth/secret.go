package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// TokenPrefix starts every API token, so that a leaked one is recognisable (and scannable).
const TokenPrefix = "lst_"

// NewSecret returns a fresh random secret of 256 bits, URL-safe.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewToken returns a new API token's secret and the hint shown in lists afterwards.
func NewToken() (secret, hint string) {
	secret = TokenPrefix + NewSecret()
	return secret, secret[:len(TokenPrefix)+4] + "…"
}

// HashSecret is how session ids, API tokens and invite codes are stored: only their SHA-256,
// so the database alone never lets anyone in. The secrets carry 256 bits of entropy, so a
// fast hash is the right one.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// LooksLikeToken reports whether s has the form of an API token.
func LooksLikeToken(s string) bool {
	return strings.HasPrefix(s, TokenPrefix) && len(s) > len(TokenPrefix)+40
}

// NormaliseEmail is the form an email is stored and compared in.
func NormaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
