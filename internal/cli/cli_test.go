package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
)

func runArgs(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(t.Context(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "Usage: lodestar"},
		{[]string{"fly"}, `unknown command "fly"`},
		{[]string{"serve", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"serve", "--log-format", "xml"}, "--log-format"},
		{[]string{"version", "extra"}, "unexpected arguments: extra"},
		{[]string{"help", "fly"}, `unknown command "fly"`},
	}
	for _, c := range cases {
		code, _, stderr := runArgs(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("lodestar %v = exit %d, stderr %q; want exit 2 and %q", c.args, code, stderr, c.want)
		}
		if c.args != nil && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("lodestar %v printed %q; want a one-line error", c.args, stderr)
		}
	}
}

func TestHelp(t *testing.T) {
	code, out, _ := runArgs(t, "help")
	for _, cmd := range []string{"serve", "migrate", "version", "config", "help"} {
		if code != 0 || !strings.Contains(out, "  "+cmd+" ") {
			t.Errorf("lodestar help = %d, %q; want exit 0 and command %s listed", code, out, cmd)
		}
	}
	for _, args := range [][]string{{"serve", "-h"}, {"help", "serve"}, {"serve", "--help"}} {
		code, out, _ := runArgs(t, args...)
		for _, want := range []string{"--listen", "LODESTAR_LISTEN", "--database", "LODESTAR_DATABASE", `(default "127.0.0.1:8080")`} {
			if code != 0 || !strings.Contains(out, want) {
				t.Errorf("lodestar %v = %d, %q; want exit 0 and %q", args, code, out, want)
			}
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runArgs(t, "version")
	if code != 0 || !strings.HasPrefix(out, "lodestar "+Version) {
		t.Errorf("lodestar version = %d, %q", code, out)
	}
}

func TestConfigMasksSecrets(t *testing.T) {
	t.Setenv("LODESTAR_DATABASE", "postgres://lode:s3cret@db.internal/lodestar")
	code, out, stderr := runArgs(t, "config", "--listen", "127.0.0.1:9999")
	if code != 0 {
		t.Fatalf("lodestar config = %d: %s", code, stderr)
	}
	if strings.Contains(out, "s3cret") || !strings.Contains(out, "lode:xxxxx@db.internal") || !strings.Contains(out, "127.0.0.1:9999") {
		t.Errorf("lodestar config printed:\n%s\nwant the password masked and the flag's listen address", out)
	}
}

func TestMigrateCommand(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			args := dbArgs(t, d)
			code, out, stderr := runArgs(t, append([]string{"migrate"}, args...)...)
			if code != 0 || !strings.HasPrefix(out, "applied ") || strings.HasPrefix(out, "applied 0 ") {
				t.Fatalf("first migrate = %d, %q, %q", code, out, stderr)
			}
			code, out, stderr = runArgs(t, append([]string{"migrate"}, args...)...)
			if code != 0 || !strings.HasPrefix(out, "applied 0 migration(s)") {
				t.Errorf("second migrate = %d, %q, %q; want nothing applied", code, out, stderr)
			}
		})
	}
}

func dbArgs(t *testing.T, driver string) []string {
	target := storetest.Target(t, driver)
	if driver == config.DriverSQLite {
		return []string{"--data-dir", filepath.Dir(target)}
	}
	return []string{"--database", target}
}

// The serve command answers health, readiness, metrics, the API document and the home page,
// and stops cleanly when its context ends.
func TestServe(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			pr, pw := io.Pipe()
			var stderr bytes.Buffer
			done := make(chan int, 1)
			args := append([]string{"serve", "--listen", "127.0.0.1:0", "--log-format", "json"}, dbArgs(t, d)...)
			go func() {
				code := Run(ctx, args, pw, &stderr)
				pw.Close()
				done <- code
			}()
			line, err := bufio.NewReader(pr).ReadString('\n')
			if err != nil {
				t.Fatalf("reading the listen line: %v; stderr %s", err, stderr.String())
			}
			go io.Copy(io.Discard, pr)
			base := strings.TrimSpace(strings.TrimPrefix(line, "Lodestar is listening on "))
			for _, c := range []struct{ path, want string }{
				{"/healthz", `"status":"ok"`},
				{"/readyz", `"status":"ok"`},
				{"/api/v1/openapi.json", `"openapi": "3.1.0"`},
				{"/metrics", "lodestar_http_requests_total"},
				{"/", "<h1>Lodestar</h1>"},
			} {
				resp, err := http.Get(base + c.path)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.Contains(string(body), c.want) {
					t.Errorf("GET %s = %d %.200s; want 200 and %q", c.path, resp.StatusCode, body, c.want)
				}
			}
			cancel()
			select {
			case code := <-done:
				if code != 0 {
					t.Errorf("serve exited %d after its context ended; stderr %s", code, stderr.String())
				}
			case <-time.After(20 * time.Second):
				t.Fatal("serve did not stop after its context ended")
			}
			if !strings.Contains(stderr.String(), `"msg":"request"`) {
				t.Errorf("no JSON access log in %s", stderr.String())
			}
		})
	}
}
