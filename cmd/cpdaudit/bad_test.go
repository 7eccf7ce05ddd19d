package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const badDir = "../../fixtures/bad"

// readableBad are the files of fixtures/bad whose data reads under the
// default limits (importer/bad_test.go lowers a limit to show each one's
// issue): they give rows, no import issue.
var readableBad = []string{"long-cell.csv", "many-rows.csv", "wide-rows.xlsx", "macro.xlsm"}

// TestBadCorpusEndToEnd runs the whole hostile corpus together with the
// sample activities: the run completes, every sample member is audited
// with the same outcome, each bad file gives its one import issue, and the
// row accounting balances.
func TestBadCorpusEndToEnd(t *testing.T) {
	entries, err := os.ReadDir(badDir)
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	for _, e := range entries {
		if !e.IsDir() && e.Name() != "README.md" {
			bad = append(bad, e.Name())
		}
	}
	out := filepath.Join(t.TempDir(), "out")
	r := runInProcess(t, context.Background(), sampleArgs(out, badDir)...)
	// The run completes, but files could not be read: exit 3, with a
	// warning, so a script running it notices.
	if r.code != exitIssues || !strings.Contains(r.stderr, "input files could not be read (see Import issues)") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}

	// Every sample member is still audited, with the outcome it has alone.
	summary := readCSV(t, filepath.Join(out, "summary.csv"))
	outcome := map[string]string{}
	for _, row := range summary {
		outcome[row["member_id"]] = row["outcome"]
	}
	for _, want := range sampleExpectations {
		got, ok := outcome[want.ID]
		if !ok {
			t.Errorf("sample member %s (%s) is missing from summary.csv", want.ID, want.Name)
		} else if got != want.Outcome {
			t.Errorf("sample member %s: outcome %q, want %q", want.ID, got, want.Outcome)
		}
		delete(outcome, want.ID)
	}
	if len(sampleExpectations) != 15 {
		t.Errorf("%d sample members, want 15", len(sampleExpectations))
	}
	// The only other members are those of the readable bad files.
	for id := range outcome {
		if id != "1" && id != "900001" {
			t.Errorf("unexpected member %q in summary.csv", id)
		}
	}

	// One import issue per bad file (none for the readable ones), and no
	// issue about the sample files.
	perFile := map[string]int{}
	for _, row := range readCSV(t, filepath.Join(out, "import-issues.csv")) {
		f := filepath.ToSlash(row["source_file"])
		if !strings.Contains(f, "fixtures/bad/") {
			t.Errorf("issue about a sample file: %v", row)
			continue
		}
		if row["problem"] == "" {
			t.Errorf("issue without a problem: %v", row)
		}
		perFile[filepath.Base(f)]++
	}
	for _, f := range bad {
		want := 1
		if slices.Contains(readableBad, f) {
			want = 0
		}
		if perFile[f] != want {
			t.Errorf("%s: %d import issues, want %d", f, perFile[f], want)
		}
		delete(perFile, f)
	}
	for f, n := range perFile {
		t.Errorf("%d issues name %s, which is not in fixtures/bad", n, f)
	}
	if len(bad) < 25 {
		t.Errorf("fixtures/bad has %d files, issue 7 asks for at least 25", len(bad))
	}

	checkRunJSON(t, out)
	// Nothing of the zip-slip file's paths was written anywhere.
	for _, p := range []string{filepath.Join(badDir, "..", "..", "..", "cpdaudit-zip-slip.txt"), "/tmp/cpdaudit-zip-slip-absolute.txt"} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s was written", p)
		}
	}
}
