package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/lodestar-cx/lodestar/internal/store/storetest"
)

// runIn runs a command with standard input.
func runIn(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = run(t.Context(), e, args)
	return code, out.String(), errb.String()
}

// A first run from the command line: an administrator, a workspace, a member, a team, a token,
// and the audit trail of it all.
func TestAdminCommands(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			db := dbArgs(t, d)
			step := func(stdin string, want string, args ...string) string {
				t.Helper()
				code, out, errs := runIn(t, stdin, append(args, db...)...)
				if code != 0 || !strings.Contains(out, want) {
					t.Fatalf("lodestar %s = exit %d\nstdout: %s\nstderr: %s\nwant stdout containing %q",
						strings.Join(args, " "), code, out, errs, want)
				}
				return out
			}
			step("correct horse battery\n", "created user 1 <ana@example.com> (instance administrator)",
				"user", "create", "--email", "Ana@Example.com", "--name", "Ana", "--admin", "--password-stdin")
			step("another good one\n", "created user 2 <bo@example.com>", "user", "create", "--email", "bo@example.com", "--password-stdin")
			step("", `created workspace 1 "Acme" owned by <ana@example.com>`, "workspace", "create", "--name", "Acme", "--owner", "ana@example.com")
			step("", "<bo@example.com> is viewer of workspace 1", "workspace", "add-member", "--id", "1", "--email", "bo@example.com", "--role", "viewer")
			step("", "bo@example.com", "workspace", "members", "--id", "1")
			step("", `created team 1 "Support" in workspace 1`, "team", "create", "--workspace", "1", "--name", "Support", "--lead", "ana@example.com")
			secret := strings.TrimSpace(step("", "lst_", "token", "create", "--workspace", "1", "--user", "bo@example.com", "--scope", "read"))
			if !strings.HasPrefix(secret, "lst_") || strings.Contains(secret, "\n") {
				t.Errorf("token create printed %q, want the secret alone", secret)
			}
			step("", "active", "token", "list", "--workspace", "1")
			step("", "revoked token 1", "token", "revoke", "--workspace", "1", "--id", "1")
			step("", "revoked or expired", "token", "list", "--workspace", "1")
			step("", `workspace 1 is now "Acme Corp"`, "workspace", "rename", "--id", "1", "--name", "Acme Corp")
			out := step("", "member", "audit", "list", "--workspace", "1")
			for _, want := range []string{"create  team", "update  workspace", "delete  token"} {
				if !strings.Contains(strings.Join(strings.Fields(out), "  "), strings.Join(strings.Fields(want), "  ")) {
					t.Errorf("audit list lacks %q:\n%s", want, out)
				}
			}
			step("", "user 2 <bo@example.com> disabled", "user", "disable", "--email", "bo@example.com")

			for _, c := range []struct {
				stdin string
				args  []string
				code  int
				want  string
			}{
				{"short\n", []string{"user", "create", "--email", "cy@example.com", "--password-stdin"}, 1, "password: must be at least 8 characters"},
				{"long enough\n", []string{"user", "create", "--email", "ana@example.com", "--password-stdin"}, 1, "email: is already taken"},
				{"", []string{"user", "create", "--email", "cy@example.com"}, 2, "--password-stdin"},
				{"", []string{"workspace", "delete", "--id", "1"}, 2, "add --yes"},
				{"", []string{"workspace", "create", "--name", "X", "--owner", "nobody@example.com"}, 1, `no user with email "nobody@example.com"`},
				{"", []string{"workspace", "frobnicate"}, 2, `has no subcommand "frobnicate"`},
				{"", []string{"workspace"}, 2, "name a subcommand"},
				{"", []string{"token", "create", "--workspace", "1", "--user", "ana@example.com", "--scope", "admin"}, 1, `scope: must be "read" or "write"`},
				{"", []string{"audit", "list", "--workspace", "1", "--since", "yesterday"}, 2, "--since"},
			} {
				code, _, errs := runIn(t, c.stdin, append(c.args, db...)...)
				if code != c.code || !strings.Contains(errs, c.want) {
					t.Errorf("lodestar %s = exit %d, stderr %q; want exit %d and %q", strings.Join(c.args, " "), code, errs, c.code, c.want)
				}
			}
			step("", "deleted workspace 1", "workspace", "delete", "--id", "1", "--yes")
		})
	}
}

func TestGroupHelp(t *testing.T) {
	code, out, _ := runIn(t, "", "workspace", "-h")
	if code != 0 || !strings.Contains(out, "add-member") {
		t.Errorf("lodestar workspace -h = %d %q", code, out)
	}
	code, out, _ = runIn(t, "", "token", "create", "-h")
	if code != 0 || !strings.Contains(out, "--scope") || strings.Contains(out, "LODESTAR_SCOPE") {
		t.Errorf("lodestar token create -h = %d %q; want its flags, without environment names for command flags", code, out)
	}
}
