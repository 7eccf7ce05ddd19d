package pipeline

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// laterStages are what the steps after a run add to its folder: the sample
// and the final results. They belong to the pre-screen they were made
// from, so a new run into the folder must not leave them beside its own
// results, where a letter could contradict the new summary.
var laterStages = []string{"sample.csv", "sample.json", "final", "final-summary.csv", "final-summary.xlsx", "letters.csv"}

// supersededDir is the folder, inside a run folder, that keeps the sample
// and final results of runs that were replaced.
const supersededDir = "superseded"

// laterStagesIn lists the later-stage files and folders in dir.
func laterStagesIn(dir string) []string {
	var found []string
	for _, name := range laterStages {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			found = append(found, name)
		}
	}
	return found
}

// refuseLaterStages is the message for a run into a folder that holds a
// sample or final results, without --force.
func refuseLaterStages(dir string, found []string) error {
	what := "a sample"
	for _, f := range found {
		if strings.HasPrefix(f, "final") || f == "letters.csv" {
			what = "final results"
		}
	}
	return usagef("%s holds %s (%s) made from the run already there: a new run would leave them describing a pre-screen that is gone. "+
		"Give this run a new --out folder, or add --force to move them into %s and start the year again",
		dir, what, strings.Join(found, ", "), filepath.Join(dir, supersededDir, "DATE"))
}

// superseded is what supersede moved, so that a run whose swap then
// fails can put it back.
type superseded struct {
	dir, dest string
	moved     []string
	newBase   bool // dir/superseded was made for this move
}

// supersede moves the later-stage files of the run in dir into
// dir/superseded/<date>/, with a copy of the summary.csv and run.json they
// were made from, so the record of what was decided and sent stays whole
// and readable. The date is the day of the move, the wall clock's: it
// records when, and no output of the new run depends on it. If a move
// fails, what was moved is put back.
func supersede(dir string, found []string, now time.Time) (*superseded, error) {
	base := filepath.Join(dir, supersededDir)
	_, statErr := os.Lstat(base)
	s := &superseded{dir: dir, newBase: errors.Is(statErr, os.ErrNotExist)}
	if err := os.MkdirAll(base, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", base, err)
	}
	day := now.Format(time.DateOnly)
	for n := 1; ; n++ {
		dest := filepath.Join(base, day)
		if n > 1 {
			dest += "-" + strconv.Itoa(n)
		}
		err := os.Mkdir(dest, 0o700)
		if err == nil {
			s.dest = dest
			break
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, s.undo(fmt.Errorf("cannot create %s: %w", dest, err))
		}
	}
	// Copies, not moves: the new run replaces these in place.
	for _, name := range []string{"summary.csv", "run.json"} {
		if err := copyRecordFile(filepath.Join(dir, name), filepath.Join(s.dest, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, s.undo(fmt.Errorf("cannot keep a copy of %s in %s: %w", name, s.dest, err))
		}
	}
	for _, name := range found {
		if err := os.Rename(filepath.Join(dir, name), filepath.Join(s.dest, name)); err != nil {
			return nil, s.undo(fmt.Errorf("cannot move %s into %s: %w", filepath.Join(dir, name), s.dest, err))
		}
		s.moved = append(s.moved, name)
	}
	return s, nil
}

// undo puts back what supersede moved and removes what it made, after
// cause, the error that stopped the run; the error it returns says what
// could not be put back, and where it is.
func (s *superseded) undo(cause error) error {
	var failed []string
	for i := len(s.moved) - 1; i >= 0; i-- {
		if err := os.Rename(filepath.Join(s.dest, s.moved[i]), filepath.Join(s.dir, s.moved[i])); err != nil {
			failed = append(failed, err.Error())
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%w; moving the earlier sample and final results back failed too (%s): they are in %s; move them back into %s by hand",
			cause, strings.Join(failed, "; "), s.dest, s.dir)
	}
	if s.dest != "" {
		os.RemoveAll(s.dest) // only the copies of summary.csv and run.json are left
	}
	if s.newBase {
		os.Remove(filepath.Join(s.dir, supersededDir))
	}
	return cause
}

func copyRecordFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}
