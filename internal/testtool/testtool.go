// Package testtool helps tests that need an external program (pdftotext,
// qpdf, soffice, python3 with openpyxl).
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// Require returns the path of the named program. When it is missing the
// test is skipped on a developer's machine but fails under CI (CI is set),
// because .ci/run installs every program the tests need and a skip there
// would hide a missing install step.
func Require(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed; .ci/run must install it", name)
	}
	t.Skipf("%s is not installed; skipping (CI installs it)", name)
	return ""
}
