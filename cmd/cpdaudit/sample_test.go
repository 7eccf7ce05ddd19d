package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ies/cpdaudit/internal/testtool"
	"github.com/ies/cpdaudit/report"
)

// TestSampleAudit is the walking skeleton end to end: the real binary on
// fixtures/sample, every member's verdicts checked against a table worked
// out by hand from the SPEC rules (sample_expect_test.go), then the
// workbook and the PDFs read back as a user would.
func TestSampleAudit(t *testing.T) {
	bin := buildBinary(t)
	out := filepath.Join(t.TempDir(), "out")
	cmd := exec.Command(bin, "run", "--year", "2025", "--register", sampleRegister, "--out", out, sampleDir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("cpdaudit run: %v\nstderr:\n%s", err, stderr.String())
	}
	if strings.Contains(stdout.String(), "members (") || strings.Contains(stdout.String(), "Reading ") {
		t.Errorf("progress leaked to stdout:\n%s", stdout.String())
	}
	if !strings.Contains(stdout.String(), "Rows: rows read") {
		t.Errorf("stdout lacks the row accounting:\n%s", stdout.String())
	}

	rows := readCSV(t, filepath.Join(out, "summary.csv"))
	got := map[string]map[string]string{}
	for _, r := range rows {
		got[r["member_id"]] = r
	}
	if len(rows) != len(sampleExpectations) {
		t.Errorf("summary.csv has %d members, the sample has %d", len(rows), len(sampleExpectations))
	}
	for _, want := range sampleExpectations {
		r, ok := got[want.ID]
		if !ok {
			t.Errorf("member %s (%s) missing from summary.csv", want.ID, want.Case)
			continue
		}
		check := func(col, want string) {
			if r[col] != want {
				t.Errorf("member %s (%s): %s = %q, want %q", r["member_id"], r["name"], col, r[col], want)
			}
		}
		checkNum := func(col string, want float64) {
			v, err := strconv.ParseFloat(r[col], 64)
			if err != nil || v != want {
				t.Errorf("member %s (%s): %s = %q, want %g", r["member_id"], r["name"], col, r[col], want)
			}
		}
		check("name", want.Name)
		checkNum("counted_hours", want.Counted)
		checkNum("required_hours", want.Required)
		checkNum("substantive_categories", float64(want.Substantive))
		checkNum("required_categories", float64(want.RequiredCats))
		check("standard1", want.S1)
		check("standard2", want.S2)
		check("standard3", want.S3)
		check("standard4", want.S4)
		check("outcome", want.Outcome)
	}

	checkRunJSON(t, out)
	checkWorkbook(t, filepath.Join(out, "summary.xlsx"), len(sampleExpectations))
	checkPDFs(t, out)
}

// checkRunJSON asserts the row accounting balances: no row lost.
func checkRunJSON(t *testing.T, out string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	dec := map[string]any{}
	if err := json.Unmarshal(b, &dec); err != nil {
		t.Fatalf("run.json: %v", err)
	}
	// Find the accounting wherever run.json nests it.
	acc := findAccounting(dec)
	if acc == nil {
		t.Fatalf("run.json has no rows_read/rows_accepted/rows_rejected/rows_blank:\n%s", b)
	}
	if a := acc; a["rows_read"] == 0 || a["rows_read"] != a["rows_accepted"]+a["rows_rejected"]+a["rows_blank"] {
		t.Errorf("row accounting does not balance: %v", acc)
	}
}

func findAccounting(v any) map[string]int {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	if _, ok := m["rows_read"]; ok {
		out := map[string]int{}
		for _, k := range []string{"rows_read", "rows_accepted", "rows_rejected", "rows_blank"} {
			f, _ := m[k].(float64)
			out[k] = int(f)
		}
		return out
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if a := findAccounting(m[k]); a != nil {
			return a
		}
	}
	return nil
}

func checkWorkbook(t *testing.T, path string, members int) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("summary.xlsx: %v", err)
	}
	defer f.Close()
	want := []string{"Summary", "Activities", "Import issues", "Compliance", "Run"}
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("summary.xlsx sheets = %v, want %v", got, want)
	}
	rows, err := f.GetRows("Summary")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != members+1 {
		t.Errorf("Summary sheet has %d rows, want a header and %d members", len(rows), members)
	}
	header := strings.Join(rows[0], "|")
	for _, h := range []string{"member_id", "outcome", "Assessor decision", "Assessor comment"} {
		if !strings.Contains(strings.ToLower(header), strings.ToLower(h)) && !strings.Contains(strings.ToLower(header), strings.ToLower(strings.ReplaceAll(h, "_", " "))) {
			t.Errorf("Summary header lacks %q: %v", h, rows[0])
		}
	}
	ids := map[string]bool{}
	for _, r := range rows[1:] {
		if len(r) > 0 {
			ids[r[0]] = true
		}
	}
	for _, e := range sampleExpectations {
		if !ids[e.ID] {
			t.Errorf("Summary sheet lacks member %s", e.ID)
		}
	}
}

func checkPDFs(t *testing.T, out string) {
	t.Helper()
	pdftotext := testtool.Require(t, "pdftotext")
	qpdf := testtool.Require(t, "qpdf")
	words := map[string]string{"MET": "MET", "NOT_MET": "NOT MET", "REVIEW": "REVIEW", "EXEMPT": "EXEMPT"}
	for _, e := range sampleExpectations {
		path := filepath.Join(out, "feedback", report.FeedbackFileName(e.ID))
		txt, err := exec.Command(pdftotext, "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				t.Errorf("pdftotext %s: %v\n%s", path, err, ee.Stderr)
			} else {
				t.Errorf("pdftotext %s: %v", path, err)
			}
			continue
		}
		if out, err := exec.Command(qpdf, "--check", path).CombinedOutput(); err != nil {
			t.Errorf("qpdf --check %s: %v\n%s", path, err, out)
		}
		s := string(txt)
		if !strings.Contains(s, e.Name) {
			t.Errorf("%s: the PDF text lacks the member's name %q", path, e.Name)
		}
		if !strings.Contains(s, words[e.Outcome]) && !strings.Contains(s, e.Outcome) {
			t.Errorf("%s: the PDF text lacks the outcome %s", path, e.Outcome)
		}
	}
}
