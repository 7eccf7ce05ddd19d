package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLayering enforces the package rules of STYLE.md: the audit rules stay
// pure (no file system, no I/O libraries, no goroutine plumbing), the
// importer knows nothing of PDFs or reports, and the reports never parse.
func TestLayering(t *testing.T) {
	rules := []struct {
		pkg       string
		forbidden []string
	}{
		{"github.com/ies/cpdaudit/audit", []string{"os", "io/fs", "github.com/xuri/excelize/v2", "codeberg.org/go-pdf/fpdf", "github.com/gocarina/gocsv", "golang.org/x/sync/errgroup", "github.com/ies/cpdaudit/importer", "github.com/ies/cpdaudit/report"}},
		{"github.com/ies/cpdaudit/importer", []string{"codeberg.org/go-pdf/fpdf", "github.com/ies/cpdaudit/report"}},
	}
	for _, r := range rules {
		// Direct imports catch the standard library (fmt itself imports
		// os, so os is always among the transitive deps); the transitive
		// deps catch a third-party library pulled in through anything.
		out, err := exec.Command("go", "list", "-f", `{{join .Imports " "}}|{{join .Deps " "}}`, r.pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", r.pkg, err)
		}
		direct, all, _ := strings.Cut(string(out), "|")
		imports, deps := map[string]bool{}, map[string]bool{}
		for _, d := range strings.Fields(direct) {
			imports[d] = true
		}
		for _, d := range strings.Fields(all) {
			deps[d] = true
		}
		for _, f := range r.forbidden {
			std := !strings.Contains(strings.SplitN(f, "/", 2)[0], ".")
			if (std && imports[f]) || (!std && deps[f]) {
				t.Errorf("%s must not depend on %s", r.pkg, f)
			}
		}
	}
}

// TestReportUsesOnlyImporterTypes: report may use the importer's types
// (Issue, Notice, Accounting, FileInfo) but must never call it to parse
// anything.
func TestReportUsesOnlyImporterTypes(t *testing.T) {
	allowed := map[string]bool{"Issue": true, "Accounting": true, "FileInfo": true, "Notice": true}
	files, err := filepath.Glob("../../report/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no report sources found: %v", err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "importer" && !allowed[sel.Sel.Name] {
				t.Errorf("%s: report uses importer.%s; only the importer's types %v are allowed", fset.Position(sel.Pos()), sel.Sel.Name, allowed)
			}
			return true
		})
	}
}
