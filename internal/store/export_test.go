package store

import "context"

// ExecForTest runs a statement on the writer, for tests that must set up states the API
// refuses to create.
func (s *Store) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := s.write.ExecContext(ctx, query, args...)
	return err
}
