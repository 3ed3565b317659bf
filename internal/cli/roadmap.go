package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/demo"
	"github.com/lodestar-cx/lodestar/internal/roadmapdoc"
	"github.com/lodestar-cx/lodestar/internal/store"
)

func exportCommand() *command {
	var ws int64
	var format, out string
	return adminCommand("export", "write a workspace's roadmap as a YAML document (roadmap as code)",
		func(fs *flag.FlagSet) {
			fs.Int64Var(&ws, "workspace", 0, "the workspace `id`")
			fs.StringVar(&format, "format", "yaml", "the document `format`: yaml")
			fs.StringVar(&out, "out", "", "write to this `file` rather than standard output")
		},
		func(ctx context.Context, e *env, st *store.Store) error {
			if format != "yaml" {
				return &usageError{msg: fmt.Sprintf("--format %q: only yaml is supported", format)}
			}
			doc, err := roadmapdoc.Export(ctx, st, ws)
			if err != nil {
				return err
			}
			if out == "" {
				_, err = e.stdout.Write(doc)
				return err
			}
			return os.WriteFile(out, doc, 0o644)
		})
}

func applyCommand() *command {
	var ws int64
	var yes bool
	c := adminCommand("apply", "check a roadmap document, show what it changes, and with --yes apply it in one transaction",
		func(fs *flag.FlagSet) {
			fs.Int64Var(&ws, "workspace", 0, "the workspace `id`")
			fs.BoolVar(&yes, "yes", false, "apply the changes; without it, only show them")
		}, nil)
	c.usage = " FILE"
	c.run = func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) != 1 {
			return &usageError{msg: "name one document file to apply"}
		}
		data, err := os.ReadFile(args[0])
		if err != nil {
			return err
		}
		d, err := roadmapdoc.Parse(data)
		if err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}
		st, err := openStore(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer st.Close()
		if _, err := st.Migrate(ctx); err != nil {
			return err
		}
		res, err := roadmapdoc.Apply(ctx, st, audit.System, ws, d, !yes)
		if err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}
		if len(res.Changes) == 0 {
			fmt.Fprintln(e.stdout, "no changes: the workspace already matches the document")
			return nil
		}
		for _, ch := range res.Changes {
			fmt.Fprintln(e.stdout, ch)
		}
		if res.Applied {
			fmt.Fprintf(e.stdout, "applied %d change(s)\n", len(res.Changes))
		} else {
			fmt.Fprintf(e.stdout, "%d change(s) not applied: run again with --yes to apply them\n", len(res.Changes))
		}
		return nil
	}
	return c
}

func demoCommand() *command {
	return adminCommand("demo", "create a demo workspace with a realistic CX roadmap, and print how to sign in", nil,
		func(ctx context.Context, e *env, st *store.Store) error {
			res, err := demo.Seed(ctx, st, time.Now())
			if err != nil {
				return err
			}
			printDemo(e, res)
			return nil
		})
}

func printDemo(e *env, res demo.Result) {
	verb := "created"
	if !res.Created {
		verb = "already there"
	}
	fmt.Fprintf(e.stdout, "demo workspace %d %q %s; sign in as %s with password %s\n",
		res.WorkspaceID, demo.Name, verb, res.Email, demo.Password)
}
