package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ies/cpdaudit/internal/testtool"
)

// TestNamesInOtherScripts: a run whose members write their names in
// Arabic, Devanagari and Thai. Each PDF carries the name; the summary
// flags the Devanagari name (drawn without shaping) and the Thai one (no
// font draws it) for the office to check, and not the Arabic one.
func TestNamesInOtherScripts(t *testing.T) {
	pdftotext := testtool.Require(t, "pdftotext")
	dir := t.TempDir()
	reflection := "The course improved my permit checks because I now cross-reference each record. My employer benefits because we avoid breaches, which means fewer visits."
	names := map[string]string{"200001": "محمد عبد الله", "200002": "प्रिया शर्मा", "200003": "สมชาย ใจดี"}
	register := "Member Number,Name,Membership Grade,Registrations,Exempt Months\n"
	acts := "Member Number,Name,Title,Learning Category,Date,Number of hours,Description,Reflections\n"
	for _, id := range []string{"200001", "200002", "200003"} {
		register += id + "," + names[id] + ",Full,,0\n"
		acts += id + "," + names[id] + ",Permitting course,Formal Learning,2025-03-14,12,Online course,\"" + reflection + "\"\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "register.csv"), []byte(register), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "activities.csv"), []byte(acts), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	r := runInProcess(t, context.Background(), "run", "--year", "2025", "--register", filepath.Join(dir, "register.csv"), "--out", out, "--quiet", filepath.Join(dir, "activities.csv"))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := map[string]string{
		"200001": "",
		"200002": "Name drawn without shaping (Devanagari): check the letter",
		"200003": "Name has characters no letter font can draw (Thai), shown as placeholders: check the letter",
	}
	for _, row := range readCSV(t, filepath.Join(out, "summary.csv")) {
		id := row["member_id"]
		w, ok := want[id]
		if !ok {
			continue
		}
		delete(want, id)
		if w == "" && strings.Contains(row["flags"], "check the letter") || !strings.Contains(row["flags"], w) {
			t.Errorf("member %s: flags %q, want %q", id, row["flags"], w)
		}
		text, err := exec.Command(pdftotext, filepath.Join(out, "feedback", id+".pdf"), "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		name := names[id]
		if id == "200003" {
			name = "[Thai text]"
		}
		if !strings.Contains(strings.Map(func(r rune) rune {
			if r >= 0x202A && r <= 0x202E {
				return -1
			}
			return r
		}, string(text)), name) {
			t.Errorf("member %s: the feedback lacks %q", id, name)
		}
	}
	if len(want) > 0 {
		t.Errorf("members missing from the summary: %v", want)
	}
}
