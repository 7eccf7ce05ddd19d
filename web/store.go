package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// An audit is a folder under the data folder:
//
//	<data>/<id>/audit.json   what the page knows: year, files, the steps' results
//	<data>/<id>/inputs/      the exports and members' workbooks uploaded
//	<data>/<id>/register/    the member register, if any
//	<data>/<id>/policy/      the policy file, if any
//	<data>/<id>/decisions/   the assessors' workbooks
//	<data>/<id>/run/         the run folder, as "cpdaudit run --out" writes it
//
// A folder holding run.json directly (made by "cpdaudit run --out") is an
// audit too: it can be opened at its results, sample and final steps.
const (
	metaFile     = "audit.json"
	runSub       = "run"
	inputsSub    = "inputs"
	registerSub  = "register"
	policySub    = "policy"
	decisionsSub = "decisions"
)

// idPattern is every audit id the page accepts; an id is a folder name
// under the data folder, so nothing else (no dot, no slash) may pass.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

var windowsDevice = regexp.MustCompile(`(?i)^(con|prn|aux|nul|com[0-9]|lpt[0-9])$`)

// StoredFile is an uploaded file: the name it is stored under (made from
// the uploaded name, never used as given) and the name it had.
type StoredFile struct {
	Name     string `json:"name"`
	Original string `json:"original"`
	Size     int64  `json:"size"`
}

// Meta is audit.json.
type Meta struct {
	ID        string          `json:"id"`
	Year      int             `json:"year"`
	Created   string          `json:"created"`
	Inputs    []StoredFile    `json:"inputs"`
	Register  *StoredFile     `json:"register"`
	Policy    *StoredFile     `json:"policy"`
	Previous  string          `json:"previous"` // an earlier audit's id
	Check     *CheckResult    `json:"check"`
	Run       *RunResult      `json:"run"`
	RunError  string          `json:"run_error,omitempty"`
	Sample    *SampleResult   `json:"sample"`
	Decisions []StoredFile    `json:"decisions"`
	Final     *FinalizeResult `json:"final"`
	// CLI is true for a run folder made by the command line: it has no
	// inputs here and cannot be checked or run again from the page.
	CLI bool `json:"-"`
}

// Audit is an audit folder and its metadata.
type Audit struct {
	Meta
	Dir string
}

// RunDir is the audit's run folder.
func (a *Audit) RunDir() string {
	if a.CLI {
		return a.Dir
	}
	return filepath.Join(a.Dir, runSub)
}

// has reports whether the run folder holds a regular file name.
func (a *Audit) has(name string) bool {
	fi, err := os.Lstat(filepath.Join(a.RunDir(), name))
	return err == nil && fi.Mode().IsRegular()
}

// HasRun, HasSample and HasFinal say which steps the folder holds.
func (a *Audit) HasRun() bool    { return a.has("run.json") }
func (a *Audit) HasSample() bool { return a.has("sample.csv") }
func (a *Audit) HasFinal() bool  { return a.has("final-summary.csv") }

// Step is the furthest step the audit has reached, for the list.
func (a *Audit) Step() string {
	switch {
	case a.HasFinal():
		return "final"
	case a.HasSample():
		return "sampled"
	case a.HasRun():
		return "run"
	case a.Check != nil:
		return "checked"
	}
	return "new"
}

// StepLabel is Step in words, for the list of audits.
func (a *Audit) StepLabel() string {
	return map[string]string{"final": "final letters written", "sampled": "sample drawn", "run": "results",
		"checked": "files checked", "new": "files uploaded"}[a.Step()]
}

// Title names the audit for people.
func (a *Audit) Title() string {
	if a.Year > 0 {
		return fmt.Sprintf("CPD year %d (%s)", a.Year, a.ID)
	}
	return a.ID
}

// loadAudit reads the audit id from the data folder.
func loadAudit(data, id string) (*Audit, error) {
	if !idPattern.MatchString(id) {
		return nil, os.ErrNotExist
	}
	dir := filepath.Join(data, id)
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() {
		return nil, os.ErrNotExist
	}
	a := &Audit{Dir: dir}
	b, err := os.ReadFile(filepath.Join(dir, metaFile))
	switch {
	case err == nil:
		if err := json.Unmarshal(b, &a.Meta); err != nil {
			return nil, fmt.Errorf("%s cannot be read: %w", filepath.Join(dir, metaFile), err)
		}
		a.ID = id
	case errors.Is(err, os.ErrNotExist):
		if _, err := os.Lstat(filepath.Join(dir, "run.json")); err != nil {
			return nil, os.ErrNotExist
		}
		a.ID, a.CLI = id, true
		if rec, err := readRunRecord(dir); err == nil {
			a.Year = rec.CPDYear
		}
	default:
		return nil, err
	}
	return a, nil
}

// saveMeta writes audit.json whole, or leaves the old one.
func saveMeta(a *Audit) error {
	if a.CLI {
		return nil
	}
	b, err := json.MarshalIndent(a.Meta, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(a.Dir, metaFile), append(b, '\n'))
}

// writeAtomic replaces path with b (0600) through a temporary file beside
// it, so a reader, or a server stopped part way, sees the old file or the
// new one whole.
func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}

// listAudits lists the audits in the data folder, newest year first.
func listAudits(data string) []*Audit {
	entries, err := os.ReadDir(data)
	if err != nil {
		return nil
	}
	var out []*Audit
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if a, err := loadAudit(data, e.Name()); err == nil {
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Year != out[j].Year {
			return out[i].Year > out[j].Year
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// safeName makes a stored file name from an uploaded one: the last part of
// the name only (either slash), letters, digits, dot, dash and underscore,
// no leading dot, at most 80 characters, keeping the extension ext.
func safeName(original, ext string) string {
	base := original
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	base = strings.TrimSuffix(base, filepath.Ext(base))
	var b strings.Builder
	for _, r := range base {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ' || r == '.':
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-_")
	if len(s) > 80 {
		s = s[:80]
	}
	if s == "" {
		s = "file"
	} else if windowsDevice.MatchString(s) {
		// CON, NUL, COM1 ... name devices on Windows, with any extension.
		s = "file-" + s
	}
	return s + ext
}

// uniqueName returns name, or name with -2, -3 ... before its extension,
// so that it is not in taken; it adds the result to taken.
func uniqueName(name string, taken map[string]bool) string {
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	n := name
	for i := 2; taken[strings.ToLower(n)]; i++ {
		n = fmt.Sprintf("%s-%d%s", stem, i, ext)
	}
	taken[strings.ToLower(n)] = true
	return n
}
