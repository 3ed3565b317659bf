package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/server"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

// The request path of a trivial JSON endpoint through all the middleware (request id, route
// label, metrics, access log, recovery, token authentication against the database, the API's
// error and encoding path), beside a bare
// net/http handler that writes the same JSON. Run both with:
//
//	go test -run '^$' -bench RequestPath -benchmem ./internal/server/
func BenchmarkRequestPath(b *testing.B) {
	st := storetest.Open(b, "sqlite", storetest.Options{})
	srv, err := server.New(server.Options{Store: st})
	if err != nil {
		b.Fatal(err)
	}
	u, err := st.CreateUser(b.Context(), audit.System, "bench@example.com", "", "", false)
	if err != nil {
		b.Fatal(err)
	}
	ws, err := st.CreateWorkspace(b.Context(), audit.System, u.ID, workspace.CreateInput{Name: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	secret, hint := auth.NewToken()
	if _, err := st.CreateToken(b.Context(), audit.System, ws.ID, u.ID, auth.NewTokenInput{Name: "bench", Scope: auth.ScopeRead},
		auth.HashSecret(secret), hint); err != nil {
		b.Fatal(err)
	}
	bearer := "Bearer " + secret
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := json.Marshal(map[string]string{"api": "v1"})
		w.Header().Set("Content-Type", "application/json")
		w.Write(append(body, '\n'))
	})
	for _, c := range []struct {
		name string
		h    http.Handler
	}{{"bare", bare}, {"lodestar", srv.Handler()}} {
		b.Run("in-process/"+c.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/api/v1/ping", nil)
			req.Header.Set("Authorization", bearer)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				c.h.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
		b.Run("loopback/"+c.name, func(b *testing.B) {
			ts := httptest.NewServer(c.h)
			defer ts.Close()
			client := ts.Client()
			client.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
			b.ReportAllocs()
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest("GET", ts.URL+"/api/v1/ping", nil)
					req.Header.Set("Authorization", bearer)
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			})
		})
	}
}
