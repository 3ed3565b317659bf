package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/demo"
	"github.com/lodestar-cx/lodestar/internal/insights"
	"github.com/lodestar-cx/lodestar/internal/metrics"
	"github.com/lodestar-cx/lodestar/internal/server"
	"github.com/lodestar-cx/lodestar/internal/store"
)

func serveCommand() *command {
	var withDemo bool
	return &command{
		name:    "serve",
		summary: "run the web UI and the REST API, migrating the database first",
		flags: func(fs *flag.FlagSet, cfg *config.Config) {
			cfg.RegisterStorage(fs)
			cfg.RegisterServer(fs)
			cfg.RegisterLogging(fs)
			fs.BoolVar(&withDemo, "demo", false, "create the demo workspace first, unless it exists (for trying Lodestar locally)")
		},
		run: func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
			return runServe(ctx, e, cfg, args, withDemo)
		},
	}
}

func runServe(ctx context.Context, e *env, cfg *config.Config, args []string, withDemo bool) error {
	if err := noArgs(args); err != nil {
		return err
	}
	log := newLogger(cfg, e.stderr)
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	if withDemo {
		res, err := demo.Seed(ctx, st, time.Now())
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		printDemo(e, res)
	}
	srv, err := server.New(server.Options{Store: st, Logger: log, Version: Version,
		PublicURL: cfg.BaseURL(), SecureCookies: cfg.SecureCookies()})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	driver, _, _ := cfg.StoreTarget()
	log.Info("serving", "addr", ln.Addr().String(), "public_url", cfg.BaseURL(), "database", driver, "version", Version)
	if !cfg.SecureCookies() {
		if host, _, _ := net.SplitHostPort(cfg.Listen); host != "127.0.0.1" && host != "localhost" && host != "::1" {
			log.Warn("serving plain http beyond this machine: session cookies are not Secure; set --public-url https://… behind a TLS proxy")
		}
	}
	// Key results bound to metrics follow the data on a schedule too; the refresh stops
	// before the store closes.
	refreshCtx, stopRefresh := context.WithCancel(ctx)
	var refreshing sync.WaitGroup
	refreshing.Go(func() { metrics.RefreshEvery(refreshCtx, st, cfg.MetricRefresh, time.Now, log) })
	refreshing.Go(func() { insights.AnalyzeEvery(refreshCtx, st, time.Minute, log) })
	defer func() {
		stopRefresh()
		refreshing.Wait()
	}()
	fmt.Fprintf(e.stdout, "Lodestar is listening on http://%s\n", ln.Addr())
	err = server.Serve(ctx, ln, srv.Handler(), cfg.ShutdownTimeout, log)
	// Background imports stop at their next batch; an upload of the same file resumes them.
	srv.API.Close()
	return err
}

func openStore(ctx context.Context, cfg *config.Config, log *slog.Logger) (*store.Store, error) {
	driver, target, err := cfg.StoreTarget()
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, store.Options{Driver: driver, Target: target, Logger: log})
}

func migrateCommand() *command {
	return &command{
		name:    "migrate",
		summary: "bring the database schema up to this binary's version",
		flags: func(fs *flag.FlagSet, cfg *config.Config) {
			cfg.RegisterStorage(fs)
			cfg.RegisterLogging(fs)
		},
		run: func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			st, err := openStore(ctx, cfg, newLogger(cfg, e.stderr))
			if err != nil {
				return err
			}
			defer st.Close()
			n, err := st.Migrate(ctx)
			if err != nil {
				return err
			}
			v, err := st.SchemaVersion(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "applied %d migration(s); schema at version %d\n", n, v.Current)
			return nil
		},
	}
}

func configCommand() *command {
	return &command{
		name:    "config",
		summary: "print the configuration that flags and environment make, secrets masked",
		flags: func(fs *flag.FlagSet, cfg *config.Config) {
			cfg.RegisterStorage(fs)
			cfg.RegisterServer(fs)
			cfg.RegisterLogging(fs)
		},
		run: func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "SETTING\tVALUE\tENVIRONMENT")
			for _, s := range cfg.Dump() {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, s.Value, s.Env)
			}
			return tw.Flush()
		},
	}
}

func versionCommand() *command {
	return &command{
		name:    "version",
		summary: "print the version of this binary",
		run: func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "lodestar %s (%s, %s/%s)\n", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
