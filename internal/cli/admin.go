package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

// The admin commands work on the database directly, as the instance administrator: they are
// for the machine Lodestar runs on. Their changes are recorded in the audit trail as made by
// the system.

// adminCommand is a subcommand that opens the (migrated) store before running.
func adminCommand(name, summary string, flags func(fs *flag.FlagSet), run func(ctx context.Context, e *env, st *store.Store) error) *command {
	return &command{
		name:    name,
		summary: summary,
		flags: func(fs *flag.FlagSet, cfg *config.Config) {
			cfg.RegisterStorage(fs)
			if flags != nil {
				flags(fs)
			}
		},
		run: func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			st, err := openStore(ctx, cfg, newLogger(cfg, io.Discard))
			if err != nil {
				return err
			}
			defer st.Close()
			if _, err := st.Migrate(ctx); err != nil {
				return err
			}
			return run(ctx, e, st)
		},
	}
}

func required(name, value string) error {
	if strings.TrimSpace(value) == "" {
		return &usageError{msg: "--" + name + " is required"}
	}
	return nil
}

func table(w io.Writer, header string, rows func(tw io.Writer)) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	rows(tw)
	return tw.Flush()
}

func userByEmail(ctx context.Context, st *store.Store, email string) (auth.User, error) {
	u, err := st.UserByEmail(ctx, auth.NormaliseEmail(email))
	if err != nil {
		return u, fmt.Errorf("no user with email %q", email)
	}
	return u, nil
}

// readPassword reads a new password: from the first line of standard input with
// --password-stdin, or typed twice at a terminal without echo.
func readPassword(e *env, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", fmt.Errorf("read the password from standard input: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", &usageError{msg: "standard input is not a terminal: pass the password with --password-stdin"}
	}
	fmt.Fprint(e.stderr, "Password: ")
	first, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", err
	}
	fmt.Fprint(e.stderr, "Password again: ")
	second, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", err
	}
	if string(first) != string(second) {
		return "", errors.New("the two passwords differ")
	}
	return string(first), nil
}

func userCommand() *command {
	var email, name string
	var admin, stdin bool
	return &command{name: "user", summary: "create, list, disable and enable users", subs: []*command{
		adminCommand("create", "create a user; the password is read from the terminal or --password-stdin",
			func(fs *flag.FlagSet) {
				fs.StringVar(&email, "email", "", "the user's `email`, used to sign in")
				fs.StringVar(&name, "name", "", "the user's display `name`")
				fs.BoolVar(&admin, "admin", false, "make the user an instance administrator")
				fs.BoolVar(&stdin, "password-stdin", false, "read the password from the first line of standard input")
			},
			func(ctx context.Context, e *env, st *store.Store) error {
				if err := required("email", email); err != nil {
					return err
				}
				pw, err := readPassword(e, stdin)
				if err != nil {
					return err
				}
				in := auth.NewUser{Email: email, Name: name, Password: pw, IsAdmin: admin}
				if err := in.Validate(); err != nil {
					return err
				}
				hash, err := auth.HashPassword(in.Password, auth.DefaultArgon2)
				if err != nil {
					return err
				}
				u, err := st.CreateUser(ctx, audit.System, in.Email, in.Name, hash, in.IsAdmin)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "created user %d <%s>%s\n", u.ID, u.Email, map[bool]string{true: " (instance administrator)"}[u.IsAdmin])
				return nil
			}),
		adminCommand("disable", "disable a user: their sessions end and their tokens stop working",
			func(fs *flag.FlagSet) { fs.StringVar(&email, "email", "", "the user's `email`") },
			func(ctx context.Context, e *env, st *store.Store) error { return setDisabled(ctx, e, st, email, true) }),
		adminCommand("enable", "enable a disabled user",
			func(fs *flag.FlagSet) { fs.StringVar(&email, "email", "", "the user's `email`") },
			func(ctx context.Context, e *env, st *store.Store) error { return setDisabled(ctx, e, st, email, false) }),
	}}
}

func setDisabled(ctx context.Context, e *env, st *store.Store, email string, disabled bool) error {
	if err := required("email", email); err != nil {
		return err
	}
	u, err := userByEmail(ctx, st, email)
	if err != nil {
		return err
	}
	if err := st.SetUserDisabled(ctx, audit.System, u.ID, disabled); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %d <%s> %s\n", u.ID, u.Email, map[bool]string{true: "disabled", false: "enabled"}[disabled])
	return nil
}

func workspaceCommand() *command {
	var name, owner, email, role string
	var id int64
	var yes bool
	wsFlag := func(fs *flag.FlagSet) { fs.Int64Var(&id, "id", 0, "the workspace `id`") }
	return &command{name: "workspace", summary: "create, list, rename and delete workspaces; manage members", subs: []*command{
		adminCommand("list", "list every workspace", nil, func(ctx context.Context, e *env, st *store.Store) error {
			return eachPage(func(p store.Page) (int64, error) {
				items, next, err := st.Workspaces(ctx, p)
				if err != nil {
					return 0, err
				}
				return next, table(e.stdout, "ID\tNAME\tCREATED", func(tw io.Writer) {
					for _, w := range items {
						fmt.Fprintf(tw, "%d\t%s\t%s\n", w.ID, w.Name, w.CreatedAt.Format(time.DateOnly))
					}
				})
			})
		}),
		adminCommand("create", "create a workspace owned by a user",
			func(fs *flag.FlagSet) {
				fs.StringVar(&name, "name", "", "the workspace's `name`")
				fs.StringVar(&owner, "owner", "", "`email` of the user who owns it")
			},
			func(ctx context.Context, e *env, st *store.Store) error {
				if err := required("owner", owner); err != nil {
					return err
				}
				u, err := userByEmail(ctx, st, owner)
				if err != nil {
					return err
				}
				in := workspace.CreateInput{Name: name}
				if err := in.Validate(); err != nil {
					return err
				}
				w, err := st.CreateWorkspace(ctx, audit.System, u.ID, in)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "created workspace %d %q owned by <%s>\n", w.ID, w.Name, u.Email)
				return nil
			}),
		adminCommand("rename", "rename a workspace",
			func(fs *flag.FlagSet) { wsFlag(fs); fs.StringVar(&name, "name", "", "the new `name`") },
			func(ctx context.Context, e *env, st *store.Store) error {
				w, err := st.Workspace(ctx, id)
				if err != nil {
					return err
				}
				in := workspace.UpdateInput{Name: &name}
				if err := in.Validate(); err != nil {
					return err
				}
				if w, err = st.UpdateWorkspace(ctx, audit.System, id, w.Version, in); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "workspace %d is now %q\n", w.ID, w.Name)
				return nil
			}),
		adminCommand("delete", "delete a workspace and all its data",
			func(fs *flag.FlagSet) { wsFlag(fs); fs.BoolVar(&yes, "yes", false, "confirm the deletion") },
			func(ctx context.Context, e *env, st *store.Store) error {
				w, err := st.Workspace(ctx, id)
				if err != nil {
					return err
				}
				if !yes {
					return &usageError{msg: fmt.Sprintf("this deletes workspace %d %q and all its data; add --yes to confirm", w.ID, w.Name)}
				}
				if err := st.DeleteWorkspace(ctx, audit.System, id, w.Version); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "deleted workspace %d %q\n", w.ID, w.Name)
				return nil
			}),
		adminCommand("members", "list a workspace's members", wsFlag, func(ctx context.Context, e *env, st *store.Store) error {
			return eachPage(func(p store.Page) (int64, error) {
				items, next, err := st.Members(ctx, id, p)
				if err != nil {
					return 0, err
				}
				return next, table(e.stdout, "USER\tEMAIL\tNAME\tROLE", func(tw io.Writer) {
					for _, m := range items {
						fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", m.UserID, m.Email, m.Name, m.Role)
					}
				})
			})
		}),
		adminCommand("add-member", "add a user to a workspace with a role (a member keeps the stronger role)",
			func(fs *flag.FlagSet) {
				wsFlag(fs)
				fs.StringVar(&email, "email", "", "the user's `email`")
				fs.StringVar(&role, "role", "editor", "the `role`: owner, admin, editor or viewer")
			},
			func(ctx context.Context, e *env, st *store.Store) error {
				r, ok := auth.ParseRole(role)
				if !ok {
					return &usageError{msg: fmt.Sprintf("--role %q: want owner, admin, editor or viewer", role)}
				}
				u, err := userByEmail(ctx, st, email)
				if err != nil {
					return err
				}
				if _, err := st.Workspace(ctx, id); err != nil {
					return err
				}
				m, err := st.AddMember(ctx, audit.System, id, u.ID, r)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "<%s> is %s of workspace %d\n", m.Email, m.Role, id)
				return nil
			}),
	}}
}

// eachPage calls fetch for each page until the last.
func eachPage(fetch func(p store.Page) (next int64, err error)) error {
	p := store.Page{Limit: store.MaxPageLimit}
	for {
		next, err := fetch(p)
		if err != nil || next == 0 {
			return err
		}
		p.After = next
	}
}

func teamCommand() *command {
	var ws int64
	var name, lead, description string
	wsFlag := func(fs *flag.FlagSet) { fs.Int64Var(&ws, "workspace", 0, "the workspace `id`") }
	return &command{name: "team", summary: "list and create a workspace's teams", subs: []*command{
		adminCommand("list", "list a workspace's teams", wsFlag, func(ctx context.Context, e *env, st *store.Store) error {
			return eachPage(func(p store.Page) (int64, error) {
				items, next, err := st.Teams(ctx, ws, p)
				if err != nil {
					return 0, err
				}
				return next, table(e.stdout, "ID\tNAME\tLEAD\tMEMBERS", func(tw io.Writer) {
					for _, t := range items {
						fmt.Fprintf(tw, "%d\t%s\t%d\t%d\n", t.ID, t.Name, t.LeadUserID, len(t.MemberIDs))
					}
				})
			})
		}),
		adminCommand("create", "create a team",
			func(fs *flag.FlagSet) {
				wsFlag(fs)
				fs.StringVar(&name, "name", "", "the team's `name`")
				fs.StringVar(&description, "description", "", "what the team does")
				fs.StringVar(&lead, "lead", "", "`email` of the member who leads it")
			},
			func(ctx context.Context, e *env, st *store.Store) error {
				in := workspace.TeamInput{Name: name, Description: description}
				if lead != "" {
					u, err := userByEmail(ctx, st, lead)
					if err != nil {
						return err
					}
					in.LeadUserID = u.ID
				}
				if err := in.Validate(); err != nil {
					return err
				}
				if _, err := st.Workspace(ctx, ws); err != nil {
					return err
				}
				t, err := st.CreateTeam(ctx, audit.System, ws, in)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "created team %d %q in workspace %d\n", t.ID, t.Name, ws)
				return nil
			}),
	}}
}

func tokenCommand() *command {
	var ws, id int64
	var email, name, scope string
	var expires time.Duration
	wsFlag := func(fs *flag.FlagSet) { fs.Int64Var(&ws, "workspace", 0, "the workspace `id`") }
	return &command{name: "token", summary: "create, list and revoke API tokens", subs: []*command{
		adminCommand("create", "create an API token for a member; the secret is printed once",
			func(fs *flag.FlagSet) {
				wsFlag(fs)
				fs.StringVar(&email, "user", "", "`email` of the member the token acts for")
				fs.StringVar(&name, "name", "cli", "a `name` to recognise the token by")
				fs.StringVar(&scope, "scope", "read", "`scope`: read or write")
				fs.DurationVar(&expires, "expires", 0, "lifetime, such as 720h; never expires when 0")
			},
			func(ctx context.Context, e *env, st *store.Store) error {
				u, err := userByEmail(ctx, st, email)
				if err != nil {
					return err
				}
				if r, err := st.Role(ctx, ws, u.ID); err != nil {
					return err
				} else if r == auth.RoleNone {
					return fmt.Errorf("<%s> is not a member of workspace %d", u.Email, ws)
				}
				in := auth.NewTokenInput{Name: name, Scope: auth.Scope(scope)}
				if expires > 0 {
					at := time.Now().Add(expires)
					in.ExpiresAt = &at
				}
				if err := in.Validate(); err != nil {
					return err
				}
				secret, hint := auth.NewToken()
				t, err := st.CreateToken(ctx, audit.System, ws, u.ID, in, auth.HashSecret(secret), hint)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stderr, "token %d (%s) for <%s> in workspace %d; it is shown only now:\n", t.ID, t.Scope, u.Email, ws)
				fmt.Fprintln(e.stdout, secret)
				return nil
			}),
		adminCommand("list", "list a workspace's API tokens", wsFlag, func(ctx context.Context, e *env, st *store.Store) error {
			return eachPage(func(p store.Page) (int64, error) {
				items, next, err := st.Tokens(ctx, ws, 0, p)
				if err != nil {
					return 0, err
				}
				return next, table(e.stdout, "ID\tUSER\tNAME\tHINT\tSCOPE\tSTATE", func(tw io.Writer) {
					for _, t := range items {
						state := "active"
						if !t.Active(time.Now()) {
							state = "revoked or expired"
						}
						fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\n", t.ID, t.UserID, t.Name, t.Hint, t.Scope, state)
					}
				})
			})
		}),
		adminCommand("revoke", "revoke an API token",
			func(fs *flag.FlagSet) { wsFlag(fs); fs.Int64Var(&id, "id", 0, "the token `id`") },
			func(ctx context.Context, e *env, st *store.Store) error {
				t, err := st.RevokeToken(ctx, audit.System, ws, id)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "revoked token %d (%s)\n", t.ID, t.Name)
				return nil
			}),
	}}
}

func auditCommand() *command {
	var ws int64
	var entity, since, until string
	return &command{name: "audit", summary: "read a workspace's audit trail", subs: []*command{
		adminCommand("list", "list changes, oldest first",
			func(fs *flag.FlagSet) {
				fs.Int64Var(&ws, "workspace", 0, "the workspace `id`")
				fs.StringVar(&entity, "entity", "", "only this kind of object, such as team or member")
				fs.StringVar(&since, "since", "", "only changes at or after this `time` (RFC 3339)")
				fs.StringVar(&until, "until", "", "only changes before this `time` (RFC 3339)")
			},
			func(ctx context.Context, e *env, st *store.Store) error {
				f := audit.Filter{Entity: entity}
				for _, tf := range []struct {
					flag, value string
					dst         *time.Time
				}{{"since", since, &f.Since}, {"until", until, &f.Until}} {
					if tf.value == "" {
						continue
					}
					t, err := time.Parse(time.RFC3339, tf.value)
					if err != nil {
						return &usageError{msg: fmt.Sprintf("--%s %q: want a time such as 2026-01-31T09:00:00Z", tf.flag, tf.value)}
					}
					*tf.dst = t
				}
				return eachPage(func(p store.Page) (int64, error) {
					items, next, err := st.AuditEntries(ctx, ws, f, p)
					if err != nil {
						return 0, err
					}
					return next, table(e.stdout, "AT\tACTOR\tACTION\tENTITY\tID\tAFTER", func(tw io.Writer) {
						for _, en := range items {
							actor := "system"
							if en.ActorUserID != 0 {
								actor = fmt.Sprintf("user %d", en.ActorUserID)
							}
							fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", en.At.Format(time.RFC3339), actor, en.Action, en.Entity, en.EntityID, en.After)
						}
					})
				})
			}),
	}}
}
