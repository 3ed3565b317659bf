// Package bench profiles `lodestar import` in process, where go test's -cpuprofile and
// -memprofile can see it; bench/import.sh measures the built binary.
//
//	go test ./bench -run '^$' -bench Import -benchtime 1x -cpuprofile bench/out/cpu.pprof
//	go tool pprof -top bench/out/cpu.pprof
//
// Environment: BENCH_FORMAT is the import format (default csv); BENCH_FILE and BENCH_MAPPING name a file made by bench/gen (without them, one of
// BENCH_ROWS rows, default 100000, is generated); BENCH_DATABASE, a PostgreSQL URL with a
// search_path of its own, imports there rather than into a fresh SQLite data directory (with
// -benchtime 1x: a second run would find everything imported).
package bench

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lodestar-cx/lodestar/internal/cli"
)

// input returns the CSV file and mapping to import, generating them when the environment
// names none.
func input(b *testing.B) (file, mapping string) {
	b.Helper()
	if f := os.Getenv("BENCH_FILE"); f != "" {
		return f, os.Getenv("BENCH_MAPPING")
	}
	rows := os.Getenv("BENCH_ROWS")
	if rows == "" {
		rows = "100000"
	}
	dir := b.TempDir()
	file, mapping = filepath.Join(dir, "survey.csv"), filepath.Join(dir, "survey.mapping.json")
	run(b, "", "go", "run", "./gen", "-rows", rows, "-out", file, "-mapping", mapping)
	return file, mapping
}

// run runs a command with stdin, failing the benchmark when it fails; it returns the output.
func run(b *testing.B, stdin string, name string, args ...string) string {
	b.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// workspace creates an admin and a workspace with the lodestar binary; it returns the
// workspace's id.
func workspace(b *testing.B, lodestar string, storage []string) string {
	b.Helper()
	run(b, "pw-123456789\n", lodestar, append([]string{"user", "create", "--email", "a@example.com", "--name", "A",
		"--admin", "--password-stdin"}, storage...)...)
	out := run(b, "", lodestar, append([]string{"workspace", "create", "--name", "Bench", "--owner", "a@example.com"}, storage...)...)
	f := strings.Fields(out)
	if len(f) < 3 || f[0] != "created" {
		b.Fatalf("workspace create said %q", out)
	}
	return f[2]
}

func BenchmarkImport(b *testing.B) {
	file, mapping := input(b)
	lodestar := filepath.Join(b.TempDir(), "lodestar")
	run(b, "", "go", "build", "-o", lodestar, "../cmd/lodestar")
	var records int64
	for b.Loop() {
		b.StopTimer()
		storage := []string{"--data-dir", b.TempDir()}
		if u := os.Getenv("BENCH_DATABASE"); u != "" {
			storage = []string{"--database", u}
		}
		ws := workspace(b, lodestar, storage)
		args := append([]string{"import", "--workspace", ws, "--format", format(), "--analyze=false"}, storage...)
		if mapping != "" {
			args = append(args, "--mapping", mapping)
		}
		args = append(args, file)
		var stdout, stderr bytes.Buffer
		b.StartTimer()
		if code := cli.Run(context.Background(), args, &stdout, &stderr); code != 0 {
			b.Fatalf("lodestar %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
		}
		b.Log(strings.TrimSpace(stdout.String()))
		records += countRecords(b, stdout.String())
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkCheck runs the check pass alone (--dry-run): reading, parsing and mapping, no
// database. The import's time less this is what writing costs.
func BenchmarkCheck(b *testing.B) {
	file, mapping := input(b)
	args := []string{"import", "--workspace", "1", "--format", format(), "--dry-run", "--report", filepath.Join(b.TempDir(), "problems.csv")}
	if mapping != "" {
		args = append(args, "--mapping", mapping)
	}
	args = append(args, file)
	for b.Loop() {
		var stdout, stderr bytes.Buffer
		if code := cli.Run(context.Background(), args, &stdout, &stderr); code != 0 {
			b.Fatalf("lodestar %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
		}
		b.Log(strings.TrimSpace(stdout.String()))
	}
}

// format is the import format: BENCH_FORMAT, or the generic "csv".
func format() string {
	if f := os.Getenv("BENCH_FORMAT"); f != "" {
		return f
	}
	return "csv"
}

// countRecords reads the record count from an import's summary line ("… 1000 records in …").
func countRecords(b *testing.B, summary string) int64 {
	b.Helper()
	f := strings.Fields(summary)
	for i := 1; i+1 < len(f); i++ {
		if f[i] == "records" && f[i+1] == "in" {
			if n, err := strconv.ParseInt(f[i-1], 10, 64); err == nil {
				return n
			}
		}
	}
	b.Fatalf("no record count in %q", summary)
	return 0
}
