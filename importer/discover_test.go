package importer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiscover(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{
		"b.csv", "a.XLSX", "sub/c.xlsm", "sub/deeper/d.csv", "notes.txt", ".hidden.csv",
		".git/x.csv", "~$a.xlsx", "old.xls", "sub/other.ods", "readme.pdf",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "mac.numbers"), 0o755); err != nil {
		t.Fatal(err)
	}
	named := filepath.Join(dir, "b.csv")
	files, issues := Discover([]string{dir, named, filepath.Join(dir, "readme.pdf"), filepath.Join(dir, "missing.csv")})
	var got []string
	for _, f := range files {
		got = append(got, strings.TrimPrefix(f, dir+string(filepath.Separator)))
	}
	if strings.Join(got, " ") != "a.XLSX b.csv sub/c.xlsm sub/deeper/d.csv" {
		t.Fatalf("files %v", got)
	}
	var gotIssues []string
	for _, is := range issues {
		gotIssues = append(gotIssues, fmt.Sprintf("%s %v", strings.TrimPrefix(is.File, dir+string(filepath.Separator)), is.Kind))
	}
	want := "mac.numbers unsupported file type|missing.csv not found|old.xls unsupported file type|readme.pdf unsupported file type|sub/other.ods unsupported file type"
	if strings.Join(gotIssues, "|") != want {
		t.Fatalf("issues %v", gotIssues)
	}
	for _, is := range issues {
		if errors.Is(is, ErrUnsupported) && strings.HasSuffix(is.File, ".xls") && !strings.Contains(is.Action, "Save As") {
			t.Fatalf("no conversion advice: %v", is)
		}
	}
}
