package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/server"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
)

func get(t *testing.T, url string, headers ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "GET", url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestReadinessFollowsTheDatabase(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			st, err := store.Open(t.Context(), store.Options{Driver: d, Target: storetest.Target(t, d)})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			srv, err := server.New(server.Options{Store: st})
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(srv.Handler())
			defer ts.Close()
			if resp, body := get(t, ts.URL+"/readyz"); resp.StatusCode != 503 || !strings.Contains(body, "migrations pending") {
				t.Errorf("/readyz before migrating = %d %s; want 503 naming pending migrations", resp.StatusCode, body)
			}
			if resp, _ := get(t, ts.URL+"/healthz"); resp.StatusCode != 200 {
				t.Errorf("/healthz = %d; want 200 while the process is up", resp.StatusCode)
			}
			if _, err := st.Migrate(t.Context()); err != nil {
				t.Fatal(err)
			}
			if resp, body := get(t, ts.URL+"/readyz"); resp.StatusCode != 200 {
				t.Errorf("/readyz after migrating = %d %s; want 200", resp.StatusCode, body)
			}
			st.Close()
			if resp, _ := get(t, ts.URL+"/readyz"); resp.StatusCode != 503 {
				t.Errorf("/readyz with the database closed = %d; want 503", resp.StatusCode)
			}
		})
	}
}

func TestRequestIDAndMetrics(t *testing.T) {
	st := storetest.Open(t, "sqlite", storetest.Options{})
	srv, err := server.New(server.Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	resp, _ := get(t, ts.URL+"/api/v1/ping", "X-Request-Id", "edge-42")
	if got := resp.Header.Get("X-Request-Id"); got != "edge-42" {
		t.Errorf("X-Request-Id = %q, want the proxy's edge-42 kept", got)
	}
	resp, _ = get(t, ts.URL+"/api/v1/ping", "X-Request-Id", "bad id with spaces")
	if got := resp.Header.Get("X-Request-Id"); got == "" || strings.Contains(got, " ") {
		t.Errorf("X-Request-Id = %q, want a fresh id in place of a malformed one", got)
	}
	get(t, ts.URL+"/api/v1/workspaces/12345")
	_, metrics := get(t, ts.URL+"/metrics")
	for _, want := range []string{
		`lodestar_http_requests_total{method="GET",route="GET /api/v1/ping",status="401"} 2`,
		`lodestar_http_requests_total{method="GET",route="GET /api/v1/workspaces/{workspace}",status="401"} 1`,
		`lodestar_http_request_duration_seconds_bucket{method="GET",route="GET /api/v1/ping"`,
		`go_sql_open_connections{db_name="write"}`,
		`go_sql_open_connections{db_name="read"}`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// On stop, the server lets a request in flight finish, then returns.
func TestServeDrainsInFlightRequests(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- server.Serve(ctx, ln, h, 10*time.Second, slog.New(slog.DiscardHandler)) }()
	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			got <- result{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- result{string(b), err}
	}()
	<-started
	cancel()
	// Shutdown closes the listener first; wait for that, without a fixed sleep.
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the listener still accepts connections 10s after stop")
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	if r := <-got; r.err != nil || r.body != "finished" {
		t.Errorf("in-flight request = %q, %v; want it to finish", r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve = %v, want nil after a clean drain", err)
	}
}
