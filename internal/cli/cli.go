// Package cli is the lodestar command: it parses the command line, builds the configuration
// and runs a subcommand. Run is the whole program, so tests drive it exactly as a user would.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/fault"
)

// Version is the release, set at build time with -ldflags "-X .../internal/cli.Version=v1.2.3".
var Version = "dev"

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// env is a Run's view of the process: its input, output and environment.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

type command struct {
	name string
	// full is the name as typed after "lodestar", such as "workspace create"; set by lookup.
	full    string
	summary string
	// subs are the subcommands of a group such as "workspace"; a group has no run of its own.
	subs []*command
	// usage is the argument synopsis after the command name.
	usage string
	// flags registers the command's flags on fs, into cfg.
	flags func(fs *flag.FlagSet, cfg *config.Config)
	run   func(ctx context.Context, e *env, cfg *config.Config, args []string) error
}

func commands() []*command {
	return []*command{
		serveCommand(),
		migrateCommand(),
		configCommand(),
		versionCommand(),
		userCommand(),
		workspaceCommand(),
		teamCommand(),
		inviteCommand(),
		tokenCommand(),
		auditCommand(),
		metricsCommand(),
		insightsCommand(),
		experimentsCommand(),
		exportCommand(),
		applyCommand(),
		demoCommand(),
		goalCommand(),
		keyResultCommand(),
		checkInCommand(),
		initiativeCommand(),
		timelineCommand(),
		rescheduleCommand(),
		teamLoadCommand(),
		journeyCommand(),
		importCommand(),
		searchCommand(),
	}
}

// usageError is a mistake on the command line: it is reported on one line with exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// Run runs the lodestar command with args (without the program name) and returns the exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return run(ctx, &env{stdin: os.Stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}, args)
}

func run(ctx context.Context, e *env, args []string) int {
	stdout, stderr := e.stdout, e.stderr
	if len(args) == 0 {
		printHelp(stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 {
			c, _, err := lookup(rest)
			if err != nil {
				fmt.Fprintf(stderr, "lodestar help: %v\n", err)
				return exitUsage
			}
			printCommandHelp(stdout, c)
			return exitOK
		}
		printHelp(stdout)
		return exitOK
	}
	c, rest, err := lookup(args)
	if err != nil {
		fmt.Fprintf(stderr, "lodestar: %v\n", err)
		return exitUsage
	}
	if c.subs != nil {
		// A group named alone, or with -h: list its subcommands.
		if len(rest) > 0 && isHelpFlag(rest[0]) {
			printCommandHelp(stdout, c)
			return exitOK
		}
		fmt.Fprintf(stderr, "lodestar %s: name a subcommand: %s\n", c.full, subNames(c))
		return exitUsage
	}
	cfg := config.Default()
	fs := newFlagSet(c, &cfg)
	positional, err := parseInterspersed(fs, rest)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printCommandHelp(stdout, c)
			return exitOK
		}
		fmt.Fprintf(stderr, "lodestar %s: %v (see 'lodestar %s -h')\n", c.full, err, c.full)
		return exitUsage
	}
	if err := config.ApplyEnv(fs, e.getenv); err != nil {
		fmt.Fprintf(stderr, "lodestar %s: %v\n", c.full, err)
		return exitUsage
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(stderr, "lodestar %s: %v\n", c.full, err)
		return exitUsage
	}
	if err := c.run(ctx, e, &cfg, positional); err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "lodestar %s: %v (see 'lodestar %s -h')\n", c.full, err, c.full)
			return exitUsage
		}
		var inv *fault.InvalidError
		if errors.As(err, &inv) && len(inv.Fields) > 1 {
			// One problem a line: a document can have many.
			fmt.Fprintf(stderr, "lodestar %s: %d problems:\n", c.full, len(inv.Fields))
			for _, f := range inv.Fields {
				fmt.Fprintf(stderr, "  %s: %s\n", f.Field, f.Message)
			}
			return exitError
		}
		fmt.Fprintf(stderr, "lodestar %s: %v\n", c.full, err)
		return exitError
	}
	return exitOK
}

func isHelpFlag(s string) bool { return s == "-h" || s == "-help" || s == "--help" }

// lookup finds the command that args name, descending into groups, and returns the rest.
func lookup(args []string) (*command, []string, error) {
	list, full := commands(), ""
	var c *command
	for len(args) > 0 {
		var next *command
		for _, cand := range list {
			if cand.name == args[0] {
				next = cand
			}
		}
		if next == nil {
			if c != nil {
				return nil, nil, fmt.Errorf("lodestar %s has no subcommand %q; it has %s", c.full, args[0], subNames(c))
			}
			return nil, nil, fmt.Errorf("unknown command %q; run 'lodestar help' for the list", args[0])
		}
		c, args = next, args[1:]
		full = strings.TrimSpace(full + " " + c.name)
		c.full = full
		if c.subs == nil || len(args) == 0 || strings.HasPrefix(args[0], "-") {
			break
		}
		list = c.subs
	}
	return c, args, nil
}

func subNames(c *command) string {
	var names []string
	for _, s := range c.subs {
		names = append(names, s.name)
	}
	return strings.Join(names, ", ")
}

func newFlagSet(c *command, cfg *config.Config) *flag.FlagSet {
	fs := flag.NewFlagSet("lodestar "+c.full, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if c.flags != nil {
		c.flags(fs, cfg)
	}
	return fs
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, `Lodestar runs a customer experience roadmap: feedback and metrics, goals, the journey,
and the initiatives that move them.

Usage: lodestar <command> [flags]

Commands:
`)
	cs := commands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `  help       show this list, or a command's flags: lodestar help <command>

Every flag can also be set through its LODESTAR_* environment variable (shown with the flag);
a flag on the command line wins.
`)
}

func printCommandHelp(w io.Writer, c *command) {
	if c.subs != nil {
		fmt.Fprintf(w, "Usage: lodestar %s <subcommand> [flags]\n\n%s.\n\nSubcommands:\n", c.full, c.summary)
		for _, s := range c.subs {
			fmt.Fprintf(w, "  %-12s %s\n", s.name, s.summary)
		}
		return
	}
	fmt.Fprintf(w, "Usage: lodestar %s [flags]%s\n\n%s.\n", c.full, c.usage, c.summary)
	cfg := config.Default()
	fs := newFlagSet(c, &cfg)
	has := false
	fs.VisitAll(func(*flag.Flag) { has = true })
	if !has {
		return
	}
	fmt.Fprint(w, "\nFlags:\n")
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  --%s", f.Name)
		if name != "" {
			fmt.Fprintf(w, " %s", name)
		}
		fmt.Fprintf(w, "\n      %s", usage)
		if f.DefValue != "" {
			fmt.Fprintf(w, " (default %q)", f.DefValue)
		}
		fmt.Fprintln(w)
		if config.HasEnv(f.Name) {
			fmt.Fprintf(w, "      env %s\n", config.EnvName(f.Name))
		}
	})
}

// newLogger builds the process logger: text on a terminal, JSON otherwise, unless told.
func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	format := cfg.LogFormat
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				format = "text"
			}
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func noArgs(args []string) error {
	if len(args) > 0 {
		return &usageError{msg: fmt.Sprintf("unexpected arguments: %s", strings.Join(args, " "))}
	}
	return nil
}

// parseInterspersed parses flags wherever they stand among the arguments, so that
// `lodestar import FILE --workspace 1` reads like `lodestar import --workspace 1 FILE`; an
// argument after "--" is never a flag.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}
