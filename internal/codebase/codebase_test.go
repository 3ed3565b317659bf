// Package codebase holds tests that keep the code base's shape: every package documented, SQL
// only in the store, HTTP only in the packages that serve it.
package codebase

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/lodestar-cx/lodestar"

type pkg struct {
	dir     string
	name    string
	doc     bool
	imports map[string]bool // of non-test files
}

func packages(t *testing.T) map[string]*pkg {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	pkgs := map[string]*pkg{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		p := pkgs[rel]
		if p == nil {
			p = &pkg{dir: rel, name: f.Name.Name, imports: map[string]bool{}}
			pkgs[rel] = p
		}
		if f.Doc != nil && strings.HasPrefix(f.Doc.Text(), "Package "+f.Name.Name+" ") ||
			f.Doc != nil && f.Name.Name == "main" && strings.HasPrefix(f.Doc.Text(), "Command ") {
			p.doc = true
		}
		for _, im := range f.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			p.imports[path] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 5 {
		t.Fatalf("found only %d packages under %s", len(pkgs), root)
	}
	return pkgs
}

func TestEveryPackageIsDocumented(t *testing.T) {
	for _, p := range packages(t) {
		if !p.doc {
			t.Errorf("package %s (%s) has no doc comment starting \"Package %s \"", p.name, p.dir, p.name)
		}
	}
}

// allowed lists, for an import, the only directories that may use it.
var allowed = map[string][]string{
	// The store is the only place that writes SQL.
	"database/sql":                    {"internal/store", "internal/store/storetest", "internal/telemetry"},
	"github.com/jackc/pgx/v5/stdlib":  {"internal/store", "internal/store/storetest"},
	"github.com/jackc/pgx/v5/pgxpool": {"internal/store"},
	"modernc.org/sqlite":              {"internal/store"},
	// Domain packages know nothing of HTTP.
	"net/http": {"cmd/lodestar", "internal/cli", "internal/httpapi", "internal/web", "internal/server",
		"internal/telemetry", "internal/apitest"},
}

func TestImportBoundaries(t *testing.T) {
	for _, p := range packages(t) {
		for im, dirs := range allowed {
			if p.imports[im] && !slices.Contains(dirs, filepath.ToSlash(p.dir)) {
				t.Errorf("%s imports %s, which only %v may", p.dir, im, dirs)
			}
		}
	}
}

// The repository builds without a C toolchain: nothing imports "C".
func TestNoCgo(t *testing.T) {
	for _, p := range packages(t) {
		if p.imports["C"] {
			t.Errorf("%s uses cgo", p.dir)
		}
	}
	if _, err := os.Stat("../../go.mod"); err != nil {
		t.Fatal(err)
	}
}
