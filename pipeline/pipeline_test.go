package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ies/cpdaudit/importer"
	"github.com/ies/cpdaudit/internal/filetree"
)

const (
	sampleDir       = "../fixtures/sample/activities"
	sampleRegister  = "../fixtures/sample/register.csv"
	reviewRun       = "../fixtures/review/run2025"
	reviewDecisions = "../fixtures/review/decisions-libreoffice.xlsx"
)

// sampleOptions runs the sample data into out.
func sampleOptions(out string) Options {
	return Options{Inputs: []string{sampleDir}, Year: 2025, Register: sampleRegister, Out: out, Workers: 2, Version: "test"}
}

// events records what a step reports.
type events struct {
	mu  sync.Mutex
	all []Event
}

func (e *events) Report(ev Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.all = append(e.all, ev)
}

// TestRunAsLibrary: Run, called as the web page calls it, returns the run
// record with the sample's counts, reports each stage's start and its
// steps up to the total, and times every stage it was asked to.
func TestRunAsLibrary(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	var ev events
	o := sampleOptions(out)
	o.Progress, o.Timing = &ev, NewRecorder()
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != OK || res.Record.Members != 15 || res.Record.Outcomes["MET"] != 5 || res.Out != out {
		t.Errorf("status %v, %d members, outcomes %v", res.Status, res.Record.Members, res.Record.Outcomes)
	}
	started := map[string]int{}
	last := map[string]Event{}
	for _, e := range ev.all {
		switch e.Kind {
		case Started:
			started[e.Stage] = e.Total
		case Step:
			// In order, one at a time, so a bar never goes back.
			if e.Done != last[e.Stage].Done+1 || e.Done > e.Total {
				t.Errorf("%s: step %d of %d after step %d", e.Stage, e.Done, e.Total, last[e.Stage].Done)
			}
			last[e.Stage] = e
		}
	}
	for _, s := range RunStages() {
		if _, ok := started[s]; !ok {
			t.Errorf("stage %s was not reported", s)
		}
		if o.Timing.Stage(s) <= 0 {
			t.Errorf("stage %s was not timed", s)
		}
	}
	if started[StageImport] != 4 || last[StageImport].Done != 4 || !strings.HasPrefix(last[StageImport].Message, "read ") {
		t.Errorf("import: %d files announced, last step %+v", started[StageImport], last[StageImport])
	}
	if started[StageAudit] != 15 || last[StageAudit].Done != 15 {
		t.Errorf("audit: %d members announced, last step %+v", started[StageAudit], last[StageAudit])
	}
	if o.Timing.Work(WorkPDF) <= 0 {
		t.Error("the PDFs' worker time was not recorded")
	}
}

// TestRunStatus: a run with an unreadable input completes with Status
// Incomplete and says what that means; a run that reads nothing returns
// NothingRead, an error wrapping ErrNothingRead, and the issues that say
// why.
func TestRunStatus(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.xlsx")
	if err := os.WriteFile(bad, []byte("not a workbook"), 0o600); err != nil {
		t.Fatal(err)
	}
	o := sampleOptions(filepath.Join(dir, "out"))
	o.Inputs = append(o.Inputs, bad)
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Incomplete || !strings.Contains(res.Unread, "1 input file could not be read") {
		t.Errorf("status %v, unread %q", res.Status, res.Unread)
	}

	o = sampleOptions(filepath.Join(dir, "out2"))
	o.Inputs = []string{bad}
	res, err = Run(context.Background(), o)
	if !errors.Is(err, ErrNothingRead) || res == nil || res.Status != NothingRead || len(res.Issues) == 0 {
		t.Fatalf("err %v, result %+v", err, res)
	}
	if _, err := os.Stat(filepath.Join(dir, "out2", "run.json")); err == nil {
		t.Error("a run that read nothing wrote run.json")
	}
}

// TestCheckAsLibrary: Check reports the issues of a broken input with
// Status Incomplete, and writes nothing.
func TestCheckAsLibrary(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.csv"), []byte("member_id,title,category,date,hours\n100101,Course,Formal,2025-03-01,abc\n100102,Course,Formal,2025-03-01,2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Check(context.Background(), Options{Inputs: []string{dir}, Year: 2025})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Incomplete || len(res.Issues) == 0 || res.Members != 1 || res.Year != 2025 {
		t.Errorf("status %v, issues %v, %d members", res.Status, res.Issues, res.Members)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("check wrote into the input folder: %v", entries)
	}
}

// TestInterruptWritingTables: cancelling while summary.xlsx is being
// assembled (seconds for a large run; a test hook stands in for them)
// ends the run at once, with ctx's error and no results. The hook blocks
// until Run has returned, so Run returning at all shows it did not wait
// for the tables: no clock is needed.
func TestInterruptWritingTables(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	testHookTablesClose = func() {
		close(started)
		<-release
	}
	defer func() { testHookTablesClose = nil }()
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	out := filepath.Join(t.TempDir(), "out")
	_, err := Run(ctx, sampleOptions(out))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if _, err := os.Stat(filepath.Join(out, "run.json")); err == nil {
		t.Error("an interrupted run left a run.json")
	}
}

// TestCopiedActivitiesNoticed: an activities.csv of a run copied away from
// its run.json is read (it may be meant), with a notice that it may count
// twice.
func TestCopiedActivitiesNoticed(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "copied.csv")
	if err := os.WriteFile(p, []byte(activitiesHeader+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	found, err := findInputs(&Options{Inputs: []string{dir}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(found.files) != 1 || !strings.Contains(describeNotices(found.notices), "its activities count twice") {
		t.Errorf("files %v, notices:\n%s", found.files, describeNotices(found.notices))
	}
}

// TestReorderWindowBounded: at the most workers the command line allows
// (256), the members in flight stay a bounded number.
func TestReorderWindowBounded(t *testing.T) {
	if w := reorderWindow(256); w > 4096 {
		t.Errorf("the reorder window at the most workers is %d members", w)
	}
}

// describeNotices: every notice on its own line.
func describeNotices(ns []importer.Notice) string {
	var b strings.Builder
	for _, n := range ns {
		fmt.Fprintln(&b, n.String())
	}
	return b.String()
}

// copyTree copies the files under from into to.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	for name, data := range filetree.Read(t, from) {
		p := filepath.Join(to, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSampleAndFinalizeAsLibrary: Sample returns the members drawn and
// sample.json's record; Finalize returns the problems of the fixture's
// decisions (five, so Status Incomplete), a warning for a workbook with no
// run ID, as many letters as files in final/, and reports each letter.
func TestSampleAndFinalizeAsLibrary(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	copyTree(t, reviewRun, dir)
	s, err := Sample(context.Background(), SampleOptions{RunDir: dir, Rate: 0.2, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Sample.Members) == 0 || s.Record.Seed != "7" {
		t.Errorf("%d members drawn, record %+v", len(s.Sample.Members), s.Record)
	}
	var ev events
	res, err := Finalize(context.Background(), FinalizeOptions{RunDir: dir, Decisions: []string{reviewDecisions}, LetterDate: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), Progress: &ev, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Incomplete || len(res.Problems) != 5 {
		t.Errorf("status %v, %d problems, want Incomplete and 5", res.Status, len(res.Problems))
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "records no run ID") {
		t.Errorf("warnings %q", res.Warnings)
	}
	letters, _ := filepath.Glob(filepath.Join(dir, "final", "*.pdf"))
	steps := 0
	for _, e := range ev.all {
		if e.Kind == Step && e.Stage == StageLetters {
			steps++
		}
	}
	if res.Letters == 0 || res.Letters != len(letters) || steps != res.Letters {
		t.Errorf("%d letters in the result, %d in final/, %d reported", res.Letters, len(letters), steps)
	}
}

// TestSampleAndFinalizeWaitForAWriter: while another cpdaudit holds the
// run folder's lock, sample and finalize refuse, naming it, and change
// nothing; once it is gone they go on.
func TestSampleAndFinalizeWaitForAWriter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	copyTree(t, reviewRun, dir)
	host, _ := os.Hostname()
	// This test's own process, started before now, is a live holder.
	held := fmt.Sprintf(`{"pid":%d,"host":%q,"started":%q,"command":"run"}`+"\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	lock := filepath.Join(dir, LockFile)
	if err := os.WriteFile(lock, []byte(held), 0o600); err != nil {
		t.Fatal(err)
	}
	before := filetree.Read(t, dir)
	_, err := Sample(context.Background(), SampleOptions{RunDir: dir, Rate: 0.2, Seed: 7})
	if err == nil || !strings.Contains(err.Error(), "another cpdaudit is writing to the run folder") || !strings.Contains(err.Error(), "cpdaudit run, process") {
		t.Errorf("sample under another's lock: %v", err)
	}
	_, err = Finalize(context.Background(), FinalizeOptions{RunDir: dir, Decisions: []string{reviewDecisions}, Version: "test"})
	if err == nil || !strings.Contains(err.Error(), "another cpdaudit is writing to the run folder") {
		t.Errorf("finalize under another's lock: %v", err)
	}
	filetree.Same(t, before, filetree.Read(t, dir))
	os.Remove(lock)
	if _, err := Sample(context.Background(), SampleOptions{RunDir: dir, Rate: 0.2, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(lock); !os.IsNotExist(err) {
		t.Errorf("sample left its lock behind: %v", err)
	}
}

// TestEventJSON: an event encodes as the JSON a page reads.
func TestEventJSON(t *testing.T) {
	b, err := json.Marshal(Event{Kind: Step, Stage: StageAudit, Done: 3, Total: 15})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"kind":"step","stage":"audit","done":3,"total":15}`; string(b) != want {
		t.Errorf("%s, want %s", b, want)
	}
	if b, _ := json.Marshal([]Status{OK, Incomplete, NothingRead}); string(b) != `["ok","incomplete","nothing-read"]` {
		t.Errorf("statuses encode as %s", b)
	}
}
