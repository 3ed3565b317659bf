package cli

import (
	"bytes"
	"flag"
	"strings"
	"testing"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/store"
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

// adminRun runs admin commands against one database.
type adminRun struct {
	t  *testing.T
	db []string
}

// ok runs a command that must succeed with want on standard output, and returns that output.
func (a adminRun) ok(want string, args ...string) string {
	a.t.Helper()
	code, out, errs := runIn(a.t, "", append(args, a.db...)...)
	if code != 0 || !strings.Contains(out, want) {
		a.t.Fatalf("lodestar %s = exit %d\nstdout: %s\nstderr: %s\nwant stdout containing %q",
			strings.Join(args, " "), code, out, errs, want)
	}
	return out
}

// fails runs a command that must fail with the exit code and a one-line error containing want.
func (a adminRun) fails(code int, want string, args ...string) {
	a.t.Helper()
	got, _, errs := runIn(a.t, "", append(args, a.db...)...)
	if got != code || !strings.Contains(errs, want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		a.t.Errorf("lodestar %s = exit %d, stderr %q; want exit %d and one line with %q", strings.Join(args, " "), got, errs, code, want)
	}
}

// openStore opens the database that the storage flags db name, for checks the commands do
// not print.
func openTestStore(t *testing.T, db []string) *store.Store {
	t.Helper()
	cfg := config.Default()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	cfg.RegisterStorage(fs)
	if err := fs.Parse(db); err != nil {
		t.Fatal(err)
	}
	driver, target, err := cfg.StoreTarget()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.Context(), store.Options{Driver: driver, Target: target})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Managing people from the command line: users listed, roles changed, members removed,
// teams staffed, led, renamed and deleted, and invites made, listed and withdrawn, each
// change audited, and every mistake refused on one line.
func TestMembershipCommands(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			db := dbArgs(t, d)
			a := adminRun{t, db}
			for _, u := range []string{"ana@example.com --admin", "bo@example.com", "cy@example.com", "dan@example.com"} {
				args := append([]string{"user", "create", "--password-stdin", "--email"}, strings.Fields(u)...)
				if code, _, errs := runIn(t, "correct horse battery\n", append(args, db...)...); code != 0 {
					t.Fatalf("lodestar %s = exit %d: %s", strings.Join(args, " "), code, errs)
				}
			}
			a.ok("disabled", "user", "disable", "--email", "dan@example.com")
			users := a.ok("ana@example.com", "user", "list")
			for _, want := range []string{"ID EMAIL NAME ADMIN STATE", "1 ana@example.com yes active", "2 bo@example.com no active",
				"4 dan@example.com no disabled"} {
				if !strings.Contains(strings.Join(strings.Fields(users), " "), want) {
					t.Errorf("user list lacks %q:\n%s", want, users)
				}
			}

			a.ok(`created workspace 1 "Acme"`, "workspace", "create", "--name", "Acme", "--owner", "ana@example.com")
			a.ok(`created workspace 2 "Beta"`, "workspace", "create", "--name", "Beta", "--owner", "cy@example.com")
			a.ok("<bo@example.com> is viewer of workspace 1", "workspace", "add-member", "--id", "1", "--email", "bo@example.com", "--role", "viewer")
			a.ok("<bo@example.com> is now admin of workspace 1", "workspace", "set-role", "--id", "1", "--email", "bo@example.com", "--role", "admin")
			a.ok("<bo@example.com> is now editor of workspace 1", "workspace", "set-role", "--id", "1", "--email", "bo@example.com", "--role", "editor")
			if out := a.ok("bo@example.com", "workspace", "members", "--id", "1"); !strings.Contains(strings.Join(strings.Fields(out), " "), "bo@example.com editor") {
				t.Errorf("workspace members after set-role:\n%s", out)
			}

			a.ok(`created team 1 "Support"`, "team", "create", "--workspace", "1", "--name", "Support", "--lead", "ana@example.com")
			a.ok(`created team 2 "Ops"`, "team", "create", "--workspace", "1", "--name", "Ops")
			a.ok(`created team 3 "Desk"`, "team", "create", "--workspace", "1", "--name", "Desk", "--lead", "ana@example.com")
			a.ok(`<bo@example.com> is in team 1 "Support"`, "team", "add-member", "--workspace", "1", "--id", "1", "--email", "bo@example.com")
			if out := a.ok("Support", "team", "list", "--workspace", "1"); !strings.Contains(strings.Join(strings.Fields(out), " "), "1 Support 1 2") {
				t.Errorf("team list after add-member lacks Support led by user 1 with 2 members:\n%s", out)
			}
			a.ok(`team 1 "Support" is led by <bo@example.com>`, "team", "set-lead", "--workspace", "1", "--id", "1", "--email", "bo@example.com")
			a.ok(`<ana@example.com> left team 1 "Support"`, "team", "remove-member", "--workspace", "1", "--id", "1", "--email", "ana@example.com")
			a.ok(`team 1 "Support" is led by no one`, "team", "set-lead", "--workspace", "1", "--id", "1", "--none")
			a.ok(`team 1 is now "Care"`, "team", "rename", "--workspace", "1", "--id", "1", "--name", " Care ")
			if out := a.ok("Care", "team", "list", "--workspace", "1"); !strings.Contains(strings.Join(strings.Fields(out), " "), "1 Care 0 1") {
				t.Errorf("team list after set-lead --none and rename lacks Care without lead, with 1 member:\n%s", out)
			}
			a.ok(`deleted team 2 "Ops"`, "team", "delete", "--workspace", "1", "--id", "2", "--yes")
			if out := a.ok("Care", "team", "list", "--workspace", "1"); strings.Contains(out, "Ops") {
				t.Errorf("team list after delete still shows Ops:\n%s", out)
			}

			out := a.ok("https://cx.example.com/invite/", "invite", "create", "--workspace", "1", "--role", "viewer",
				"--email", "Dan@Example.com", "--days", "3", "--public-url", "https://cx.example.com/")
			link := strings.TrimSpace(out)
			code, found := strings.CutPrefix(link, "https://cx.example.com/invite/")
			if !found || strings.ContainsAny(code, "/\n ") || len(code) < 40 {
				t.Fatalf("invite create printed %q, want the link alone", out)
			}
			if anyone := strings.TrimSpace(a.ok("http://127.0.0.1:8080/invite/", "invite", "create", "--workspace", "1")); strings.Contains(anyone, code) {
				t.Errorf("two invites share the code: %q", anyone)
			}
			st := openTestStore(t, db)
			inv, err := st.InviteByCode(t.Context(), auth.HashSecret(code))
			if err != nil || inv.ID != 1 || inv.WorkspaceID != 1 || inv.Role != "viewer" || inv.Email != "dan@example.com" {
				t.Errorf("the invite behind the printed code = %+v, %v; want invite 1 of workspace 1 for dan@example.com as viewer", inv, err)
			}
			if days := inv.ExpiresAt.Sub(inv.CreatedAt).Hours() / 24; days != 3 {
				t.Errorf("invite valid for %v days, want 3", days)
			}
			invites := strings.Join(strings.Fields(a.ok("dan@example.com", "invite", "list", "--workspace", "1")), " ")
			for _, want := range []string{"ID FOR ROLE EXPIRES STATE", "1 dan@example.com viewer", "2 anyone editor"} {
				if !strings.Contains(invites, want) {
					t.Errorf("invite list lacks %q:\n%s", want, invites)
				}
			}
			if strings.Count(invites, " open") != 2 {
				t.Errorf("invite list does not show both invites open:\n%s", invites)
			}
			a.ok("revoked invite 1 of workspace 1", "invite", "revoke", "--workspace", "1", "--id", "1")
			if out := a.ok("anyone", "invite", "list", "--workspace", "1"); strings.Contains(out, "dan@") {
				t.Errorf("invite list after revoke still shows it:\n%s", out)
			}
			if _, err := st.InviteByCode(t.Context(), auth.HashSecret(code)); err == nil {
				t.Error("a revoked invite's code still finds it")
			}

			// Removing a member takes their tokens in the workspace.
			a.ok("lst_", "token", "create", "--workspace", "1", "--user", "bo@example.com", "--scope", "write")
			a.ok("<bo@example.com> is no longer a member of workspace 1", "workspace", "remove-member", "--id", "1", "--email", "bo@example.com")
			if out := a.ok("USER", "workspace", "members", "--id", "1"); strings.Contains(out, "bo@") {
				t.Errorf("workspace members after remove-member still shows bo:\n%s", out)
			}
			if out := a.ok("ID", "token", "list", "--workspace", "1"); strings.Count(strings.TrimSpace(out), "\n") != 0 {
				t.Errorf("token list after removing its user still shows tokens:\n%s", out)
			}

			auditLog := strings.Join(strings.Fields(a.ok("member", "audit", "list", "--workspace", "1")), " ")
			for _, want := range []string{"system update member 2", "system delete member 2", "system update team 1",
				"system delete team 2", "system create invite 1", "system delete invite 1"} {
				if !strings.Contains(auditLog, want) {
					t.Errorf("audit list lacks %q:\n%s", want, auditLog)
				}
			}

			a.ok("<bo@example.com> is viewer of workspace 1", "workspace", "add-member", "--id", "1", "--email", "bo@example.com", "--role", "viewer")
			for _, c := range []struct {
				code int
				want string
				args []string
			}{
				{2, "--workspace is required", []string{"invite", "list"}},
				{2, "--id is required", []string{"invite", "revoke", "--workspace", "1"}},
				{2, "--workspace is required", []string{"invite", "create"}},
				{2, `--role "boss": want owner, admin, editor or viewer`, []string{"invite", "create", "--workspace", "1", "--role", "boss"}},
				{2, "--days 91: want 1 to 90", []string{"invite", "create", "--workspace", "1", "--days", "91"}},
				{2, "--public-url", []string{"invite", "create", "--workspace", "1", "--public-url", "cx.example.com"}},
				{1, "workspace 9: not found", []string{"invite", "create", "--workspace", "9"}},
				{1, "email: must be an email address", []string{"invite", "create", "--workspace", "1", "--email", "dan"}},
				// An invite of workspace 1 is not found through workspace 2.
				{1, "invite 2: not found", []string{"invite", "revoke", "--workspace", "2", "--id", "2"}},
				{1, "invite 1: not found", []string{"invite", "revoke", "--workspace", "1", "--id", "1"}},

				{2, "--id is required", []string{"team", "add-member", "--workspace", "1", "--email", "bo@example.com"}},
				{2, "--email is required", []string{"team", "add-member", "--workspace", "1", "--id", "1"}},
				{1, "team 1: not found", []string{"team", "add-member", "--workspace", "2", "--id", "1", "--email", "cy@example.com"}},
				{1, "<cy@example.com> is not a member of workspace 1", []string{"team", "add-member", "--workspace", "1", "--id", "1", "--email", "cy@example.com"}},
				{1, `no user with email "zed@example.com"`, []string{"team", "add-member", "--workspace", "1", "--id", "1", "--email", "zed@example.com"}},
				{1, `<ana@example.com> leads team 3 "Desk"; set another lead`, []string{"team", "remove-member", "--workspace", "1", "--id", "3", "--email", "ana@example.com"}},
				{1, `<bo@example.com> is not in team 3 "Desk"`, []string{"team", "remove-member", "--workspace", "1", "--id", "3", "--email", "bo@example.com"}},
				{2, "give either --email or --none", []string{"team", "set-lead", "--workspace", "1", "--id", "3"}},
				{2, "give either --email or --none", []string{"team", "set-lead", "--workspace", "1", "--id", "3", "--none", "--email", "bo@example.com"}},
				{1, "<cy@example.com> is not a member of workspace 1", []string{"team", "set-lead", "--workspace", "1", "--id", "3", "--email", "cy@example.com"}},
				{1, "another team of this workspace has this name", []string{"team", "rename", "--workspace", "1", "--id", "3", "--name", "Care"}},
				{1, "name: must not be empty", []string{"team", "rename", "--workspace", "1", "--id", "3", "--name", " "}},
				{2, `this deletes team 3 "Desk"; add --yes`, []string{"team", "delete", "--workspace", "1", "--id", "3"}},
				{1, "team 3: not found", []string{"team", "delete", "--workspace", "2", "--id", "3", "--yes"}},
				{1, "workspace 9: not found", []string{"team", "rename", "--workspace", "9", "--id", "3", "--name", "X"}},

				{2, "--role is required", []string{"workspace", "set-role", "--id", "1", "--email", "bo@example.com"}},
				{2, `--role "boss"`, []string{"workspace", "set-role", "--id", "1", "--email", "bo@example.com", "--role", "boss"}},
				{1, "the workspace must keep at least one owner", []string{"workspace", "set-role", "--id", "1", "--email", "ana@example.com", "--role", "admin"}},
				{1, "<bo@example.com> is not a member of workspace 2", []string{"workspace", "set-role", "--id", "2", "--email", "bo@example.com", "--role", "viewer"}},
				{2, "--id is required", []string{"workspace", "remove-member", "--email", "bo@example.com"}},
				{1, "the workspace must keep at least one owner", []string{"workspace", "remove-member", "--id", "1", "--email", "ana@example.com"}},
				{1, "<dan@example.com> is not a member of workspace 1", []string{"workspace", "remove-member", "--id", "1", "--email", "dan@example.com"}},
				{2, "unexpected arguments: everyone", []string{"user", "list", "everyone"}},
			} {
				a.fails(c.code, c.want, c.args...)
			}
			// The refusals changed nothing.
			if r, err := st.Role(t.Context(), 1, 1); err != nil || r != auth.RoleOwner {
				t.Errorf("ana's role after refused changes = %v, %v; want owner", r, err)
			}
			if tm, err := st.Team(t.Context(), 1, 3); err != nil || tm.Name != "Desk" || tm.LeadUserID != 1 {
				t.Errorf("team 3 after refused changes = %+v, %v; want Desk led by ana", tm, err)
			}
		})
	}
}

// Every new command explains itself with -h, naming its flags.
func TestMembershipCommandHelp(t *testing.T) {
	for _, c := range []struct {
		args  []string
		wants []string
	}{
		{[]string{"invite", "-h"}, []string{"create", "list", "revoke"}},
		{[]string{"invite", "create", "-h"}, []string{"--workspace", "--role", "--email", "--days", "--public-url", "LODESTAR_PUBLIC_URL", "printed once"}},
		{[]string{"invite", "list", "-h"}, []string{"--workspace"}},
		{[]string{"invite", "revoke", "-h"}, []string{"--workspace", "--id"}},
		{[]string{"team", "-h"}, []string{"add-member", "remove-member", "set-lead", "rename", "delete"}},
		{[]string{"team", "add-member", "-h"}, []string{"--workspace", "--id", "--email"}},
		{[]string{"team", "remove-member", "-h"}, []string{"--workspace", "--id", "--email", "set another lead first"}},
		{[]string{"team", "set-lead", "-h"}, []string{"--email", "--none"}},
		{[]string{"team", "rename", "-h"}, []string{"--id", "--name"}},
		{[]string{"team", "delete", "-h"}, []string{"--id", "--yes"}},
		{[]string{"workspace", "-h"}, []string{"set-role", "remove-member"}},
		{[]string{"workspace", "set-role", "-h"}, []string{"--id", "--email", "--role", "at least one owner"}},
		{[]string{"workspace", "remove-member", "-h"}, []string{"--id", "--email", "API tokens"}},
		{[]string{"user", "-h"}, []string{"list"}},
		{[]string{"user", "list", "-h"}, []string{"--database"}},
		{[]string{"help"}, []string{"  invite "}},
	} {
		code, out, _ := runIn(t, "", c.args...)
		for _, want := range c.wants {
			if code != 0 || !strings.Contains(out, want) {
				t.Errorf("lodestar %s = exit %d, stdout lacks %q:\n%s", strings.Join(c.args, " "), code, want, out)
			}
		}
	}
}
