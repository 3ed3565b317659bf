package telemetry

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHidePathKeepsSecretsOutOfTheLog(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	h := Middleware(log, NewMetrics(nil), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetRoute(r.Context(), "GET /invite/{code}")
		if strings.HasPrefix(r.URL.Path, "/invite/") {
			HidePath(r.Context())
		}
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/invite/s3cret-code", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/plain/path", nil))
	out := buf.String()
	if strings.Contains(out, "s3cret-code") || !strings.Contains(out, `path="GET /invite/{code}"`) {
		t.Errorf("access log shows the secret path or lacks the pattern:\n%s", out)
	}
	if !strings.Contains(out, "path=/plain/path") {
		t.Errorf("access log hides an ordinary path:\n%s", out)
	}
}
