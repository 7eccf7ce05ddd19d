package runfolder

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// TestDefuseRoundTrip: every value a spreadsheet would run as a formula is
// quoted, nothing else is touched, and reading back gives the value
// written.
func TestDefuseRoundTrip(t *testing.T) {
	for _, s := range []string{"=SUM(A1:A9)", "+44 20 7946 0000", "-1.5", "@cmd", "\tx", "\rx", "Zoë", "", "'", "a=b", "100101"} {
		d := Defuse(s)
		formula := s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
		if formula != (d == "'"+s) || !formula && d != s {
			t.Errorf("Defuse(%q) = %q", s, d)
		}
		if got := Undefuse(d); got != s {
			t.Errorf("Undefuse(Defuse(%q)) = %q", s, got)
		}
	}
}

// TestHeaderKey: headers that differ only in case, spacing and punctuation
// match; letters of other scripts count as letters.
func TestHeaderKey(t *testing.T) {
	for h, want := range map[string]string{
		"Member ID": "memberid", "member_id": "memberid", " MEMBER-ID ": "memberid", "MemberID": "memberid",
		"Standard 1: hours": "standard1hours", "Numéro de membre": "numérodemembre", "---": "",
	} {
		if got := HeaderKey(h); got != want {
			t.Errorf("HeaderKey(%q) = %q, want %q", h, got, want)
		}
	}
}

// TestRecordKeys: run.json's keys come in SPEC.md's order, then notices and
// warnings; a file is written with its path, hash and size side by side.
func TestRecordKeys(t *testing.T) {
	var b bytes.Buffer
	rec := Record{Inputs: []FileInfo{{FileHash: FileHash{Path: "a.csv", SHA256: "ab"}, Size: 3}}}
	if err := rec.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range regexp.MustCompile(`(?m)^  "(\w+)":`).FindAllStringSubmatch(b.String(), -1) {
		keys = append(keys, m[1])
	}
	want := "tool version cpd_year started_at finished_at run_id policy inputs register rows members outcomes import_issues notices warnings"
	if got := strings.Join(keys, " "); got != want {
		t.Errorf("run.json keys\n%s\nwant\n%s", got, want)
	}
	file, err := json.Marshal(rec.Inputs[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"path":"a.csv","sha256":"ab","size":3}`; string(file) != want {
		t.Errorf("input file %s, want %s", file, want)
	}
}
