package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

// The admin commands work on the database directly, as the instance administrator: they are
// for the machine Lodestar runs on. Their changes are recorded in the audit trail as made by
// the system.

// adminCommand is a subcommand that opens the (migrated) store before running.
func adminCommand(name, summary string, flags func(fs *flag.FlagSet), run func(ctx context.Context, e *env, st *store.Store) error) *command {
	return adminConfigCommand(name, summary,
		func(fs *flag.FlagSet, _ *config.Config) {
			if flags != nil {
				flags(fs)
			}
		},
		func(ctx context.Context, e *env, _ *config.Config, st *store.Store) error { return run(ctx, e, st) })
}

// adminConfigCommand is an adminCommand that also reads configuration beyond the storage
// flags, such as the public URL that links point to.
func adminConfigCommand(name, summary string, flags func(fs *flag.FlagSet, cfg *config.Config), run func(ctx context.Context, e *env, cfg *config.Config, st *store.Store) error) *command {
	return &command{
		name:    name,
		summary: summary,
		flags: func(fs *flag.FlagSet, cfg *config.Config) {
			cfg.RegisterStorage(fs)
			flags(fs, cfg)
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
			return run(ctx, e, cfg, st)
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

// requiredID checks that the id flag name was given.
func requiredID(name string, id int64) error {
	if id <= 0 {
		return &usageError{msg: "--" + name + " is required (a positive id)"}
	}
	return nil
}

// parseRole reads the --role flag.
func parseRole(role string) (auth.Role, error) {
	r, ok := auth.ParseRole(role)
	if !ok {
		return r, &usageError{msg: fmt.Sprintf("--role %q: want owner, admin, editor or viewer", role)}
	}
	return r, nil
}

func userByEmail(ctx context.Context, st *store.Store, email string) (auth.User, error) {
	u, err := st.UserByEmail(ctx, auth.NormaliseEmail(email))
	if err != nil {
		return u, fmt.Errorf("no user with email %q", email)
	}
	return u, nil
}

// existingWorkspace reads the workspace that the flag name gives, which must exist.
func existingWorkspace(ctx context.Context, st *store.Store, flagName string, id int64) (workspace.Workspace, error) {
	if err := requiredID(flagName, id); err != nil {
		return workspace.Workspace{}, err
	}
	return st.Workspace(ctx, id)
}

// memberByEmail reads the membership of the user with the email in the workspace.
func memberByEmail(ctx context.Context, st *store.Store, ws int64, email string) (workspace.Member, error) {
	if err := required("email", email); err != nil {
		return workspace.Member{}, err
	}
	u, err := userByEmail(ctx, st, email)
	if err != nil {
		return workspace.Member{}, err
	}
	m, err := st.Member(ctx, ws, u.ID)
	if errors.Is(err, fault.ErrNotFound) {
		return m, fmt.Errorf("<%s> is not a member of workspace %d", u.Email, ws)
	}
	return m, err
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
		adminCommand("list", "list every user", nil, func(ctx context.Context, e *env, st *store.Store) error {
			return eachPage(func(p store.Page) (int64, error) {
				items, next, err := st.Users(ctx, p)
				if err != nil {
					return 0, err
				}
				return next, table(e.stdout, "ID\tEMAIL\tNAME\tADMIN\tSTATE\tCREATED", func(tw io.Writer) {
					for _, u := range items {
						state := "active"
						if u.Disabled {
							state = "disabled"
						}
						fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Name,
							map[bool]string{true: "yes", false: "no"}[u.IsAdmin], state, u.CreatedAt.Format(time.DateOnly))
					}
				})
			})
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
				r, err := parseRole(role)
				if err != nil {
					return err
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
		adminCommand("set-role", "change a member's role, up or down (a workspace keeps at least one owner)",
			func(fs *flag.FlagSet) {
				wsFlag(fs)
				fs.StringVar(&email, "email", "", "the member's `email`")
				fs.StringVar(&role, "role", "", "the new `role`: owner, admin, editor or viewer")
			},
			func(ctx context.Context, e *env, st *store.Store) error {
				if err := required("role", role); err != nil {
					return err
				}
				r, err := parseRole(role)
				if err != nil {
					return err
				}
				if _, err := existingWorkspace(ctx, st, "id", id); err != nil {
					return err
				}
				m, err := memberByEmail(ctx, st, id, email)
				if err != nil {
					return err
				}
				if m, err = st.UpdateMemberRole(ctx, audit.System, id, m.UserID, m.Version, r); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "<%s> is now %s of workspace %d\n", m.Email, m.Role, id)
				return nil
			}),
		adminCommand("remove-member", "remove a member from a workspace, with their team places and API tokens there",
			func(fs *flag.FlagSet) { wsFlag(fs); fs.StringVar(&email, "email", "", "the member's `email`") },
			func(ctx context.Context, e *env, st *store.Store) error {
				if _, err := existingWorkspace(ctx, st, "id", id); err != nil {
					return err
				}
				m, err := memberByEmail(ctx, st, id, email)
				if err != nil {
					return err
				}
				if err := st.RemoveMember(ctx, audit.System, id, m.UserID, m.Version); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "<%s> is no longer a member of workspace %d\n", m.Email, id)
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
	var ws, id int64
	var name, lead, description, email string
	var none, yes bool
	wsFlag := func(fs *flag.FlagSet) { fs.Int64Var(&ws, "workspace", 0, "the workspace `id`") }
	teamFlags := func(fs *flag.FlagSet) { wsFlag(fs); fs.Int64Var(&id, "id", 0, "the team `id`") }
	memberFlags := func(fs *flag.FlagSet) { teamFlags(fs); fs.StringVar(&email, "email", "", "the member's `email`") }
	// team reads the team that --workspace and --id name.
	team := func(ctx context.Context, st *store.Store) (workspace.Team, error) {
		if _, err := existingWorkspace(ctx, st, "workspace", ws); err != nil {
			return workspace.Team{}, err
		}
		if err := requiredID("id", id); err != nil {
			return workspace.Team{}, err
		}
		return st.Team(ctx, ws, id)
	}
	update := func(ctx context.Context, st *store.Store, t workspace.Team, in workspace.TeamUpdate) (workspace.Team, error) {
		if err := in.Validate(); err != nil {
			return t, err
		}
		return st.UpdateTeam(ctx, audit.System, ws, t.ID, t.Version, in)
	}
	return &command{name: "team", summary: "create, list, rename and delete a workspace's teams; manage their members and lead", subs: []*command{
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
		adminCommand("add-member", "add a member of the workspace to a team", memberFlags,
			func(ctx context.Context, e *env, st *store.Store) error {
				t, err := team(ctx, st)
				if err != nil {
					return err
				}
				m, err := memberByEmail(ctx, st, ws, email)
				if err != nil {
					return err
				}
				if t, err = st.SetTeamMember(ctx, audit.System, ws, t.ID, m.UserID, true); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "<%s> is in team %d %q\n", m.Email, t.ID, t.Name)
				return nil
			}),
		adminCommand("remove-member", "take a member out of a team (not its lead: set another lead first)", memberFlags,
			func(ctx context.Context, e *env, st *store.Store) error {
				t, err := team(ctx, st)
				if err != nil {
					return err
				}
				m, err := memberByEmail(ctx, st, ws, email)
				if err != nil {
					return err
				}
				switch {
				case t.LeadUserID == m.UserID:
					return fmt.Errorf("<%s> leads team %d %q; set another lead (or --none) with 'lodestar team set-lead' first", m.Email, t.ID, t.Name)
				case !slices.Contains(t.MemberIDs, m.UserID):
					return fmt.Errorf("<%s> is not in team %d %q", m.Email, t.ID, t.Name)
				}
				if t, err = st.SetTeamMember(ctx, audit.System, ws, t.ID, m.UserID, false); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "<%s> left team %d %q\n", m.Email, t.ID, t.Name)
				return nil
			}),
		adminCommand("set-lead", "make a member of the workspace lead a team (and join it), or leave it without a lead",
			func(fs *flag.FlagSet) {
				memberFlags(fs)
				fs.BoolVar(&none, "none", false, "leave the team without a lead instead")
			},
			func(ctx context.Context, e *env, st *store.Store) error {
				if none == (email != "") {
					return &usageError{msg: "give either --email or --none"}
				}
				t, err := team(ctx, st)
				if err != nil {
					return err
				}
				var lead int64
				who := "no one"
				if !none {
					m, err := memberByEmail(ctx, st, ws, email)
					if err != nil {
						return err
					}
					lead, who = m.UserID, "<"+m.Email+">"
				}
				if t, err = update(ctx, st, t, workspace.TeamUpdate{LeadUserID: &lead}); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "team %d %q is led by %s\n", t.ID, t.Name, who)
				return nil
			}),
		adminCommand("rename", "rename a team",
			func(fs *flag.FlagSet) { teamFlags(fs); fs.StringVar(&name, "name", "", "the new `name`") },
			func(ctx context.Context, e *env, st *store.Store) error {
				t, err := team(ctx, st)
				if err != nil {
					return err
				}
				if t, err = update(ctx, st, t, workspace.TeamUpdate{Name: &name}); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "team %d is now %q\n", t.ID, t.Name)
				return nil
			}),
		adminCommand("delete", "delete a team (its members stay in the workspace)",
			func(fs *flag.FlagSet) { teamFlags(fs); fs.BoolVar(&yes, "yes", false, "confirm the deletion") },
			func(ctx context.Context, e *env, st *store.Store) error {
				t, err := team(ctx, st)
				if err != nil {
					return err
				}
				if !yes {
					return &usageError{msg: fmt.Sprintf("this deletes team %d %q; add --yes to confirm", t.ID, t.Name)}
				}
				if err := st.DeleteTeam(ctx, audit.System, ws, t.ID, t.Version); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "deleted team %d %q\n", t.ID, t.Name)
				return nil
			}),
	}}
}

func inviteCommand() *command {
	var ws, id int64
	var email, role string
	var days int
	wsFlag := func(fs *flag.FlagSet) { fs.Int64Var(&ws, "workspace", 0, "the workspace `id`") }
	return &command{name: "invite", summary: "invite people to a workspace; list and revoke invites", subs: []*command{
		adminConfigCommand("create", "create an invite; its link, whose last part is the code, is printed once",
			func(fs *flag.FlagSet, cfg *config.Config) {
				wsFlag(fs)
				fs.StringVar(&role, "role", "editor", "the `role` it grants: owner, admin, editor or viewer")
				fs.StringVar(&email, "email", "", "only the person with this `email` may use it (default anyone with the link)")
				fs.IntVar(&days, "days", 7, "how many `days` it may be used, 1 to 90")
				// The link must point where the server is reached, so these read the server's
				// settings (and their LODESTAR_* variables) as serve does.
				fs.StringVar(&cfg.PublicURL, "public-url", cfg.PublicURL,
					"the `url` people reach Lodestar at, such as https://cx.example.com (default http:// and --listen)")
				fs.StringVar(&cfg.Listen, "listen", cfg.Listen, "the server's listen `address`, for the link when there is no public URL")
			},
			func(ctx context.Context, e *env, cfg *config.Config, st *store.Store) error {
				r, err := parseRole(role)
				if err != nil {
					return err
				}
				if days < 1 || days > 90 {
					return &usageError{msg: fmt.Sprintf("--days %d: want 1 to 90", days)}
				}
				w, err := existingWorkspace(ctx, st, "workspace", ws)
				if err != nil {
					return err
				}
				in := workspace.InviteInput{Email: email, Role: r.String(), ValidDays: days}
				if err := in.Validate(); err != nil {
					return err
				}
				code := auth.NewSecret()
				inv, err := st.CreateInvite(ctx, audit.System, w.ID, in, auth.HashSecret(code))
				if err != nil {
					return err
				}
				who := "anyone with the link"
				if inv.Email != "" {
					who = "<" + inv.Email + ">"
				}
				fmt.Fprintf(e.stderr, "invite %d to workspace %d %q as %s, for %s, until %s; it is shown only now:\n",
					inv.ID, w.ID, w.Name, inv.Role, who, inv.ExpiresAt.Format(time.RFC3339))
				fmt.Fprintln(e.stdout, cfg.BaseURL()+"/invite/"+code)
				return nil
			}),
		adminCommand("list", "list a workspace's invites", wsFlag, func(ctx context.Context, e *env, st *store.Store) error {
			if _, err := existingWorkspace(ctx, st, "workspace", ws); err != nil {
				return err
			}
			now := time.Now()
			return eachPage(func(p store.Page) (int64, error) {
				items, next, err := st.Invites(ctx, ws, p)
				if err != nil {
					return 0, err
				}
				return next, table(e.stdout, "ID\tFOR\tROLE\tEXPIRES\tSTATE", func(tw io.Writer) {
					for _, inv := range items {
						who, state := inv.Email, "open"
						if who == "" {
							who = "anyone"
						}
						switch {
						case inv.AcceptedAt != nil:
							state = fmt.Sprintf("used by user %d", inv.AcceptedBy)
						case !now.Before(inv.ExpiresAt):
							state = "expired"
						}
						fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", inv.ID, who, inv.Role, inv.ExpiresAt.Format(time.RFC3339), state)
					}
				})
			})
		}),
		adminCommand("revoke", "withdraw an invite, so that its link no longer works",
			func(fs *flag.FlagSet) { wsFlag(fs); fs.Int64Var(&id, "id", 0, "the invite `id`") },
			func(ctx context.Context, e *env, st *store.Store) error {
				if _, err := existingWorkspace(ctx, st, "workspace", ws); err != nil {
					return err
				}
				if err := requiredID("id", id); err != nil {
					return err
				}
				if err := st.DeleteInvite(ctx, audit.System, ws, id); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "revoked invite %d of workspace %d\n", id, ws)
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
