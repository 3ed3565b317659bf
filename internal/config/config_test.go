package config

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func parse(t *testing.T, args []string, env map[string]string) (Config, error) {
	t.Helper()
	c := Default()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.RegisterStorage(fs)
	c.RegisterServer(fs)
	c.RegisterLogging(fs)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if err := ApplyEnv(fs, func(k string) string { return env[k] }); err != nil {
		return c, err
	}
	return c, c.Validate()
}

func TestDefaults(t *testing.T) {
	c, err := parse(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	driver, target, err := c.StoreTarget()
	if err != nil || driver != DriverSQLite || target != "lodestar-data/lodestar.db" || c.Listen != "127.0.0.1:8080" {
		t.Errorf("defaults: driver %q target %q listen %q err %v; want sqlite, lodestar-data/lodestar.db, 127.0.0.1:8080",
			driver, target, c.Listen, err)
	}
}

func TestEnvironmentIsTheFallback(t *testing.T) {
	env := map[string]string{
		"LODESTAR_DATABASE":         "postgres://lode:s3cret@db:5432/lodestar",
		"LODESTAR_LISTEN":           "0.0.0.0:9000",
		"LODESTAR_SHUTDOWN_TIMEOUT": "3s",
	}
	c, err := parse(t, []string{"--listen", "127.0.0.1:9001"}, env)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:9001" {
		t.Errorf("Listen = %q, want the flag's 127.0.0.1:9001 over the environment", c.Listen)
	}
	if c.ShutdownTimeout != 3*time.Second {
		t.Errorf("ShutdownTimeout = %v, want 3s from the environment", c.ShutdownTimeout)
	}
	if d, _, _ := c.StoreTarget(); d != DriverPostgres {
		t.Errorf("driver = %q, want postgres", d)
	}
}

func TestBadValuesNameTheirSource(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{env: map[string]string{"LODESTAR_SHUTDOWN_TIMEOUT": "soon"}, want: "LODESTAR_SHUTDOWN_TIMEOUT"},
		{args: []string{"--log-format", "xml"}, want: "--log-format"},
		{args: []string{"--listen", "8080"}, want: "--listen"},
		{args: []string{"--database", "mysql://x"}, want: "--database"},
		{args: []string{"--database", "sqlite:"}, want: "--database"},
	}
	for _, c := range cases {
		_, err := parse(t, c.args, c.env)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("parse(%v, %v) = %v, want an error naming %s", c.args, c.env, err, c.want)
		}
	}
}

func TestSecretsAreMasked(t *testing.T) {
	for _, db := range []string{
		"postgres://lode:s3cret@db:5432/lodestar?sslmode=require",
		"postgres://lode@db/lodestar?password=s3cret",
		"host=db user=lode password=s3cret dbname=lodestar",
	} {
		c := Default()
		c.Database = db
		for _, s := range c.Dump() {
			if strings.Contains(s.Value, "s3cret") {
				t.Errorf("Dump shows the password of %q: %s = %s", db, s.Name, s.Value)
			}
		}
		if _, _, err := c.StoreTarget(); err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("StoreTarget error shows the password: %v", err)
		}
	}
}

func TestPublicURL(t *testing.T) {
	cases := []struct {
		args       []string
		base       string
		secure     bool
		wantErrors bool
	}{
		{nil, "http://127.0.0.1:8080", false, false},
		{[]string{"--public-url", "https://cx.example.com/"}, "https://cx.example.com", true, false},
		{[]string{"--listen", "0.0.0.0:80", "--public-url", "http://intranet:80"}, "http://intranet:80", false, false},
		{[]string{"--public-url", "cx.example.com"}, "", false, true},
	}
	for _, c := range cases {
		cfg, err := parse(t, c.args, nil)
		if (err != nil) != c.wantErrors {
			t.Errorf("parse(%v) error = %v, want error %v", c.args, err, c.wantErrors)
			continue
		}
		if err == nil && (cfg.BaseURL() != c.base || cfg.SecureCookies() != c.secure) {
			t.Errorf("parse(%v): BaseURL %q, SecureCookies %v; want %q, %v", c.args, cfg.BaseURL(), cfg.SecureCookies(), c.base, c.secure)
		}
	}
}
