package store

import "context"

// CountForTest runs a query that returns one number on the writer, for tests that check rows
// no method reads back, such as those a cascade should have removed.
func (s *Store) CountForTest(ctx context.Context, query string, args ...any) (int, error) {
	var n int
	err := s.write.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, err
}
