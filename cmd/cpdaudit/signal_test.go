package main

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ies/cpdaudit/pipeline"
	"github.com/ies/cpdaudit/staged"
)

var (
	genOnce sync.Once
	genDir  string
	genErr  error
)

// generated10k makes a 10,000-member run once for the tests that need
// one (fixtures/gen, seed 1): activities.xlsx (13 MB, a 114 MB sheet) and
// activities.csv (62 MB), with register.csv.
func generated10k(t *testing.T) string {
	t.Helper()
	genOnce.Do(func() {
		genDir, genErr = os.MkdirTemp("", "cpdaudit-gen-")
		if genErr != nil {
			return
		}
		for _, format := range []string{"xlsx", "csv"} {
			out, err := exec.Command("go", "run", "../../fixtures/gen", "-members", "10000", "-seed", "1", "-format", format, "-out", genDir).CombinedOutput()
			if err != nil {
				genErr = errors.New(string(out))
				return
			}
		}
	})
	if genErr != nil {
		t.Fatalf("generating 10,000 members: %v", genErr)
	}
	return genDir
}

// TestSIGINTWithin1s signals the real program at several points of a
// 10,000-member run: while the 114 MB sheet is measured, while excelize
// unzips it to a temporary file, while its rows are read, as the first
// members are audited, and with a thousand PDFs staged. Each time it must exit 130 within a second
// (it took up to 200 s in the unzipping and 6 s in an ordinary import),
// leave no results, and leave nothing in its temporary folder. A second
// Ctrl-C ends it at once. Each point runs the program again, so the test
// takes about a minute; -short skips it.
func TestSIGINTWithin1s(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 10,000 members six times; skipped with -short")
	}
	bin := buildBinary(t)
	data := generated10k(t)
	xlsx, csv := filepath.Join(data, "activities.xlsx"), filepath.Join(data, "activities.csv")
	points := []struct {
		name, input, marker string
		delay               time.Duration
		twice               bool
	}{
		// On this machine the workbook's first second goes to hashing it
		// and measuring its rows (checkArchive), the next two to excelize
		// unzipping the sheet to a temporary file, the rest to its rows.
		{"measuring the sheet", xlsx, "Reading 1 file", 300 * time.Millisecond, false},
		{"excelize unzipping the sheet", xlsx, "Reading 1 file", 1800 * time.Millisecond, false},
		{"reading the workbook's rows", xlsx, "Reading 1 file", 5 * time.Second, false},
		{"auditing the first members", csv, "Auditing 10000 members", 300 * time.Millisecond, false},
		{"a thousand PDFs staged", csv, "(10%)", 0, false},
		{"a second Ctrl-C", xlsx, "Reading 1 file", 500 * time.Millisecond, true},
	}
	for _, p := range points {
		t.Run(p.name, func(t *testing.T) {
			dir := t.TempDir()
			out, tmp := filepath.Join(dir, "out"), filepath.Join(dir, "tmp")
			if err := os.Mkdir(tmp, 0o700); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "run", "--year", "2025", "--register", filepath.Join(data, "register.csv"), "--out", out, p.input)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			rd := bufio.NewReader(stderr)
			var log strings.Builder
			for !strings.Contains(log.String(), p.marker) {
				line, err := rd.ReadString('\n')
				log.WriteString(line)
				if err != nil {
					cmd.Wait()
					t.Fatalf("the run ended before %q:\n%s", p.marker, log.String())
				}
			}
			time.Sleep(p.delay)
			start := time.Now()
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			if p.twice {
				time.Sleep(50 * time.Millisecond)
				cmd.Process.Signal(syscall.SIGINT)
			}
			rest := make(chan string, 1)
			go func() {
				b, _ := bufio.NewReader(rd).ReadString(0)
				rest <- b
			}()
			cmd.Wait()
			took := time.Since(start)
			log.WriteString(<-rest)
			t.Logf("exited %v after the signal", took.Round(time.Millisecond))
			code := cmd.ProcessState.ExitCode()
			switch {
			case p.twice && code == -1:
				// Killed by the second signal, as Ctrl-C twice should.
			case code != exitInterrupted:
				t.Errorf("exit %d, want %d\n%s", code, exitInterrupted, log.String())
			}
			if took > time.Second {
				t.Errorf("the program took %v to stop after Ctrl-C, more than 1 s", took)
			}
			if _, err := os.Stat(filepath.Join(out, "run.json")); err == nil {
				t.Error("an interrupted run left a run.json")
			}
			entries, _ := os.ReadDir(out)
			for _, e := range entries {
				// Removing thousands of staged PDFs may go on past the
				// second: the hidden staging folder is then left, for the
				// next run to remove (TestStoppedRunLeftoversRemoved).
				// A run killed by the second Ctrl-C before its first one
				// had cleaned up leaves its lock, which the next run takes
				// over with a warning (as it did once under a load of 12).
				killedLock := p.twice && code == -1 && e.Name() == pipeline.LockFile
				if !strings.HasPrefix(e.Name(), staged.RunPrefix) && !killedLock {
					t.Errorf("left in the output folder: %s", e.Name())
				}
			}
			if p.twice {
				return // killed outright: its temporary folder may remain
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("left in the temporary folder: %v", left)
			}
		})
	}
}

// TestStoppedRunLeftoversRemoved: a staging folder left by a run that was
// stopped (or killed) is removed by the next run into the folder, unless
// it holds previous results a failed commit could not put back.
func TestStoppedRunLeftoversRemoved(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	stopped := filepath.Join(out, staged.RunPrefix+"123", "feedback")
	kept := filepath.Join(out, staged.RunPrefix+"456", ".previous")
	for _, d := range []string{stopped, kept} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if r := runInProcess(t, context.Background(), sampleArgs(out)...); r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Dir(stopped)); err == nil {
		t.Error("the stopped run's staging folder is still there")
	}
	if _, err := os.Stat(kept); err != nil {
		t.Error("the previous results of a failed commit were removed")
	}
}
