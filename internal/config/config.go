// Package config turns command-line flags, with LODESTAR_* environment variables as the fallback,
// into one typed Config value. Nothing here is global: each command builds its own FlagSet.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Config is everything a Lodestar process is told from outside.
type Config struct {
	// DataDir holds the embedded database and any files Lodestar keeps.
	DataDir string
	// Database is empty for the embedded SQLite database in DataDir, a postgres:// URL for
	// PostgreSQL, or sqlite:PATH for an SQLite database elsewhere. It may hold a password.
	Database string
	// Listen is the TCP address the server listens on.
	Listen string
	// PublicURL is the address people reach Lodestar at, behind any proxy; empty means
	// http:// and the listen address. An https URL makes session cookies Secure.
	PublicURL string
	// LogFormat is "auto" (text on a terminal, JSON otherwise), "text" or "json".
	LogFormat string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// ShutdownTimeout bounds how long the server drains in-flight requests on stop.
	ShutdownTimeout time.Duration
	// MetricRefresh is how often key results bound to metrics are refreshed on a schedule,
	// beside the refresh after each write of feedback.
	MetricRefresh time.Duration
}

// Default returns the configuration of `lodestar serve` with no flags and no environment.
func Default() Config {
	return Config{
		DataDir:         "lodestar-data",
		Listen:          "127.0.0.1:8080",
		LogFormat:       "auto",
		LogLevel:        "info",
		ShutdownTimeout: 15 * time.Second,
		MetricRefresh:   10 * time.Minute,
	}
}

// RegisterStorage adds the flags that say where the data lives.
func (c *Config) RegisterStorage(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "`directory` for the embedded database and files")
	fs.StringVar(&c.Database, "database", c.Database,
		"database `url`: empty for SQLite in the data directory, postgres://... for PostgreSQL, sqlite:PATH for another SQLite file")
}

// RegisterLogging adds the logging flags.
func (c *Config) RegisterLogging(fs *flag.FlagSet) {
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log `format`: auto, text or json")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "log `level`: debug, info, warn or error")
}

// RegisterServer adds the flags of the HTTP server.
func (c *Config) RegisterServer(fs *flag.FlagSet) {
	fs.StringVar(&c.Listen, "listen", c.Listen, "`address` to listen on (host:port)")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL,
		"the `url` people reach Lodestar at, such as https://cx.example.com (default http:// and the listen address)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "how long to drain in-flight requests on stop")
	fs.DurationVar(&c.MetricRefresh, "metric-refresh", c.MetricRefresh, "how often key results bound to metrics are refreshed on a schedule")
}

// EnvName is the environment variable that stands in for the flag name.
func EnvName(flagName string) string {
	return "LODESTAR_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// HasEnv reports whether the flag is a configuration flag, which the environment can set.
// A command's own flags (a name, a --yes) never come from the environment.
func HasEnv(flagName string) bool {
	switch flagName {
	case "data-dir", "database", "listen", "log-format", "log-level", "shutdown-timeout", "public-url":
		return true
	}
	return false
}

// ApplyEnv sets each configuration flag of fs that was not given on the command line from its
// LODESTAR_* environment variable, when that is set and not empty. Call it after fs.Parse.
func ApplyEnv(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || given[f.Name] || !HasEnv(f.Name) {
			return
		}
		name := EnvName(f.Name)
		v := getenv(name)
		if v == "" {
			return
		}
		if serr := fs.Set(f.Name, v); serr != nil {
			err = fmt.Errorf("environment variable %s: %w", name, serr)
		}
	})
	return err
}

// Validate checks the values that can be checked without touching the outside world.
func (c *Config) Validate() error {
	if c.DataDir == "" {
		return fmt.Errorf("--data-dir must not be empty")
	}
	if _, _, err := c.StoreTarget(); err != nil {
		return err
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return fmt.Errorf("--listen %q: want host:port: %w", c.Listen, err)
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--public-url %q: want an http:// or https:// URL such as https://cx.example.com", c.PublicURL)
		}
	}
	switch c.LogFormat {
	case "auto", "text", "json":
	default:
		return fmt.Errorf("--log-format %q: want auto, text or json", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	if c.ShutdownTimeout <= 0 {
		return fmt.Errorf("--shutdown-timeout must be positive")
	}
	if c.MetricRefresh < time.Second {
		return fmt.Errorf("--metric-refresh must be at least 1s")
	}
	return nil
}

// BaseURL is the public URL without a trailing slash.
func (c *Config) BaseURL() string {
	if c.PublicURL != "" {
		return strings.TrimSuffix(c.PublicURL, "/")
	}
	return "http://" + c.Listen
}

// SecureCookies reports whether session cookies must be Secure: whenever the public URL is
// https. Plain http is for development on one's own machine.
func (c *Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL(), "https://") }

// Driver names accepted by StoreTarget.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// StoreTarget says which database to open: the driver ("sqlite" or "postgres") and, for SQLite,
// the file path, for PostgreSQL the connection URL.
func (c *Config) StoreTarget() (driver, target string, err error) {
	db := strings.TrimSpace(c.Database)
	switch {
	case db == "":
		return DriverSQLite, filepath.Join(c.DataDir, "lodestar.db"), nil
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		if _, err := url.Parse(db); err != nil {
			return "", "", fmt.Errorf("--database: not a valid URL: %s", redactURLError(err))
		}
		return DriverPostgres, db, nil
	case strings.HasPrefix(db, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(db, "sqlite:"), "//")
		if path == "" {
			return "", "", fmt.Errorf("--database %q: sqlite: needs a file path", db)
		}
		return DriverSQLite, path, nil
	default:
		return "", "", fmt.Errorf("--database %q: want empty, postgres://... or sqlite:PATH", Redact(db))
	}
}

// redactURLError drops the URL that url.Parse quotes in its errors, since it may hold a password.
func redactURLError(err error) string {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err.Error()
	}
	return "malformed"
}

var passwordParam = regexp.MustCompile(`(?i)(password=)[^&\s]*`)

// Redact hides the password in a database URL or connection string.
func Redact(db string) string {
	if u, err := url.Parse(db); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		db = u.String()
	}
	return passwordParam.ReplaceAllString(db, "${1}xxxxx")
}

// Setting is one named value of a configuration dump.
type Setting struct {
	Name, Env, Value string
}

// Dump lists the settings with secrets masked, for `lodestar config`.
func (c *Config) Dump() []Setting {
	return []Setting{
		{"data-dir", EnvName("data-dir"), c.DataDir},
		{"database", EnvName("database"), Redact(c.Database)},
		{"listen", EnvName("listen"), c.Listen},
		{"public-url", EnvName("public-url"), c.BaseURL()},
		{"log-format", EnvName("log-format"), c.LogFormat},
		{"log-level", EnvName("log-level"), c.LogLevel},
		{"shutdown-timeout", EnvName("shutdown-timeout"), c.ShutdownTimeout.String()},
		{"metric-refresh", EnvName("metric-refresh"), c.MetricRefresh.String()},
	}
}
