package store_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
)

// Users pages through every user by id, the disabled ones included.
func TestUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if got, next, err := s.Users(ctx, store.Page{}); err != nil || len(got) != 0 || next != 0 {
			t.Fatalf("Users on an empty store = %v, %d, %v; want none", got, next, err)
		}
		var want []string
		for _, email := range []string{"ana@example.com", "bo@example.com", "cy@example.com"} {
			mustUser(t, s, email)
			want = append(want, email)
		}
		bo, err := s.UserByEmail(ctx, "bo@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetUserDisabled(ctx, audit.System, bo.ID, true); err != nil {
			t.Fatal(err)
		}
		var got []string
		disabled := map[string]bool{}
		p := store.Page{Limit: 2}
		for pages := 0; ; pages++ {
			if pages > 2 {
				t.Fatal("Users did not end after 2 pages of 2")
			}
			items, next, err := s.Users(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range items {
				got = append(got, u.Email)
				disabled[u.Email] = u.Disabled
			}
			if next == 0 {
				break
			}
			p.After = next
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Users in pages of 2 (-want +got):\n%s", diff)
		}
		if !disabled["bo@example.com"] || disabled["ana@example.com"] {
			t.Errorf("Users disabled flags = %v, want only bo's set", disabled)
		}
	})
}
