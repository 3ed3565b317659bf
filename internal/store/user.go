package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/fault"
)

const userColumns = `id, email, name, password_hash, is_admin, disabled, created_at, updated_at, version`

func scanUser(row interface{ Scan(...any) error }) (auth.User, error) {
	var u auth.User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.IsAdmin, &u.Disabled, &u.CreatedAt, &u.UpdatedAt, &u.Version)
	u.CreatedAt, u.UpdatedAt = utc(u.CreatedAt), utc(u.UpdatedAt)
	return u, err
}

// CreateUser creates a user whose password is already hashed. A taken email is a conflict.
func (s *Store) CreateUser(ctx context.Context, a audit.Actor, email, name, passwordHash string, isAdmin bool) (auth.User, error) {
	now := s.stamp()
	var u auth.User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRowContext(ctx, `INSERT INTO users (email, name, password_hash, is_admin, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING `+userColumns, email, name, passwordHash, isAdmin, now))
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, 0, audit.Create, "user", u.ID, nil, u)
	})
	if errors.Is(err, fault.ErrConflict) {
		return auth.User{}, fault.Invalid("email", "is already taken by another account")
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// User reads a user.
func (s *Store) User(ctx context.Context, id int64) (auth.User, error) {
	u, err := scanUser(s.readRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return u, fmt.Errorf("user %d: %w", id, fault.ErrNotFound)
	}
	return u, err
}

// UserByEmail reads a user by normalised email.
func (s *Store) UserByEmail(ctx context.Context, email string) (auth.User, error) {
	u, err := scanUser(s.readRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, email))
	if err == sql.ErrNoRows {
		return u, fmt.Errorf("user: %w", fault.ErrNotFound)
	}
	return u, err
}

// Users lists every user by id, for instance administration.
func (s *Store) Users(ctx context.Context, p Page) ([]auth.User, int64, error) {
	rows, err := s.readRows(ctx, `SELECT `+userColumns+` FROM users WHERE id > $1 ORDER BY id LIMIT $2`,
		p.After, p.limit()+1)
	if err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	return collect(rows, p, func(r *sql.Rows) (auth.User, error) { return scanUser(r) },
		func(u auth.User) int64 { return u.ID })
}

// UserCount counts the users, to know whether first-run setup is still open.
func (s *Store) UserCount(ctx context.Context) (int, error) {
	var n int
	err := s.readRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

// SetPasswordHash replaces a user's password hash and, when endSessions, ends every session
// of the user but keep (the hash of the session making the change; "" for none).
func (s *Store) SetPasswordHash(ctx context.Context, a audit.Actor, userID int64, hash string, endSessions bool, keep string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2, updated_at = $3, version = version + 1 WHERE id = $1`,
			userID, hash, s.stamp())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("user %d: %w", userID, fault.ErrNotFound)
		}
		if endSessions {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2`, userID, keep); err != nil {
				return err
			}
			if err := s.record(ctx, tx, a, 0, audit.Update, "user", userID, nil, map[string]string{"password": "changed"}); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetUserDisabled disables or enables a user. Disabling ends the user's sessions; the user's
// API tokens stop working because every request checks the user.
func (s *Store) SetUserDisabled(ctx context.Context, a audit.Actor, userID int64, disabled bool) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $2, updated_at = $3, version = version + 1 WHERE id = $1`,
			userID, disabled, s.stamp())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("user %d: %w", userID, fault.ErrNotFound)
		}
		if disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, 0, audit.Update, "user", userID, nil, map[string]bool{"disabled": disabled})
	})
}

// RecordLoginFailure notes a failed sign-in for the account (a normalised email, known or
// not) and forgets failures older than window.
func (s *Store) RecordLoginFailure(ctx context.Context, account string, window time.Duration) error {
	now := s.stamp()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE at < $1`, now.Add(-window)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO login_failures (account, at) VALUES ($1, $2)`, account, now)
		return err
	})
}

// LoginFailures counts the account's failures less than window before now, and returns the
// oldest of them (zero when there are none).
func (s *Store) LoginFailures(ctx context.Context, account string, window time.Duration) (int, time.Time, error) {
	var n int
	var oldest aggregateTime
	err := s.readRow(ctx, `SELECT COUNT(*), MIN(at) FROM login_failures WHERE account = $1 AND at > $2`,
		account, s.stamp().Add(-window)).Scan(&n, &oldest)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("login failures: %w", err)
	}
	return n, oldest.Time, nil
}

// ClearLoginFailures forgets the account's failures after a successful sign-in.
func (s *Store) ClearLoginFailures(ctx context.Context, account string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE account = $1`, account)
		return err
	})
}
