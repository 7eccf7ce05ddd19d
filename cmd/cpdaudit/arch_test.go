package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const project = "github.com/ies/cpdaudit/"

// goList returns, for each package of the module, its direct imports and
// all its dependencies (tests left out).
func goList(t *testing.T) (imports, deps map[string]map[string]bool) {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}|{{join .Imports " "}}|{{join .Deps " "}}`, "../../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	imports, deps = map[string]map[string]bool{}, map[string]map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.SplitN(line, "|", 3)
		if len(parts) != 3 {
			t.Fatalf("go list gave %q", line)
		}
		imports[parts[0]], deps[parts[0]] = set(parts[1]), set(parts[2])
	}
	return imports, deps
}

func set(fields string) map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Fields(fields) {
		m[f] = true
	}
	return m
}

// TestLayering enforces the package rules of STYLE.md and of
// docs/ARCHITECTURE.md: the audit rules stay pure (no file system, no I/O
// libraries, no goroutine plumbing, no other layer); runfolder, the run
// folder's contract, is a leaf; the importer knows nothing of PDFs,
// reports or the review; report and review know the importer only through
// runfolder's types. A standard-library package is checked among the
// direct imports (fmt itself imports os, so os is always a dependency);
// anything else among all dependencies, so it cannot come in through
// another package.
func TestLayering(t *testing.T) {
	imports, deps := goList(t)
	pdf := "codeberg.org/go-pdf/fpdf"
	rules := []struct {
		pkg       string
		forbidden []string
	}{
		{"audit", []string{"os", "io/fs", "github.com/xuri/excelize/v2", pdf, "github.com/gocarina/gocsv", "golang.org/x/sync/errgroup",
			project + "importer", project + "report", project + "review", project + "runfolder"}},
		{"importer", []string{pdf, project + "report", project + "review"}},
		{"report", []string{project + "importer", project + "review"}},
		{"review", []string{project + "importer"}},
		// The steps a program calls (pipeline) know nothing of the command
		// line; the web page reaches the importer only through them.
		{"pipeline", []string{"github.com/spf13/cobra", "github.com/spf13/pflag"}},
		{"web", []string{project + "importer"}},
	}
	for _, r := range rules {
		pkg := project + r.pkg
		if imports[pkg] == nil {
			t.Fatalf("go list did not list %s", pkg)
		}
		for _, f := range r.forbidden {
			std := !strings.Contains(strings.SplitN(f, "/", 2)[0], ".")
			if (std && imports[pkg][f]) || (!std && deps[pkg][f]) {
				t.Errorf("%s must not depend on %s", pkg, f)
			}
		}
	}
	// The run folder's contract is a leaf: report, review and the importer
	// all import it, so it may import none of them (nor anything else of
	// the project's). So is the staged writer every step writes through.
	for _, leaf := range []string{"runfolder", "staged"} {
		for d := range deps[project+leaf] {
			if strings.HasPrefix(d, project) {
				t.Errorf("%s%s must not depend on %s", project, leaf, d)
			}
		}
	}
	// Only the steps (pipeline) wire the importer in, and the command,
	// which reads a policy file for "cpdaudit template".
	for pkg, imp := range imports {
		if imp[project+"importer"] && pkg != project+"cmd/cpdaudit" && pkg != project+"pipeline" {
			t.Errorf("%s imports the importer; only pipeline and cmd/cpdaudit may (use runfolder's types)", pkg)
		}
	}
}

// TestReviewDrawsNoPDF: review reaches fpdf only through report, whose
// workbook helpers it uses to edit summary.xlsx; the letters and feedback
// PDFs are drawn by report for the command, never by review. (Splitting
// report's PDF code into a package of its own would let TestLayering say
// this; until then the names tell.)
func TestReviewDrawsNoPDF(t *testing.T) {
	pdfAPI := regexp.MustCompile(`PDF|Font|Letter`)
	files, err := filepath.Glob("../../review/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no review sources found: %v", err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if strings.Contains(imp.Path.Value, "fpdf") {
				t.Errorf("%s imports %s; PDFs are report's", fset.Position(imp.Pos()), imp.Path.Value)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "report" && pdfAPI.MatchString(sel.Sel.Name) {
				t.Errorf("%s: review uses report.%s; PDFs are drawn for the command, not by review", fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}

// TestLibrariesDoNotPrint: the pipeline and the staged writer report
// through their results and Progress, never on the terminal, so the web
// page can call them; only cmd prints.
func TestLibrariesDoNotPrint(t *testing.T) {
	for _, dir := range []string{"../../pipeline", "../../staged"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no sources in %s: %v", dir, err)
		}
		fset := token.NewFileSet()
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				id, ok := sel.X.(*ast.Ident)
				if !ok {
					return true
				}
				switch {
				case id.Name == "fmt" && strings.HasPrefix(sel.Sel.Name, "Print"),
					id.Name == "os" && (sel.Sel.Name == "Stdout" || sel.Sel.Name == "Stderr"),
					id.Name == "log":
					t.Errorf("%s: %s.%s: a library reports through its result or Progress", fset.Position(sel.Pos()), id.Name, sel.Sel.Name)
				}
				return true
			})
		}
	}
}
