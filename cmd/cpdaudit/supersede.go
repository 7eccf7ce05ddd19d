package main

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

// supersede moves the later-stage files of the run in dir into
// dir/superseded/<date>/, with a copy of the summary.csv and run.json they
// were made from, so the record of what was decided and sent stays whole
// and readable. It returns the folder they went to. The date is the day
// of the move, the wall clock's: it records when, and no output of the
// new run depends on it.
func supersede(dir string, found []string, now time.Time) (string, error) {
	base := filepath.Join(dir, supersededDir)
	if err := os.MkdirAll(base, 0o700); err != nil {
		return "", fmt.Errorf("cannot create %s: %w", base, err)
	}
	day := now.Format(time.DateOnly)
	var dest string
	for n := 1; ; n++ {
		dest = filepath.Join(base, day)
		if n > 1 {
			dest += "-" + strconv.Itoa(n)
		}
		err := os.Mkdir(dest, 0o700)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) {
			return "", fmt.Errorf("cannot create %s: %w", dest, err)
		}
	}
	// Copies, not moves: the new run replaces these in place.
	for _, name := range []string{"summary.csv", "run.json"} {
		if err := copyRecordFile(filepath.Join(dir, name), filepath.Join(dest, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("cannot keep a copy of %s in %s: %w", name, dest, err)
		}
	}
	for _, name := range found {
		if err := os.Rename(filepath.Join(dir, name), filepath.Join(dest, name)); err != nil {
			return "", fmt.Errorf("cannot move %s into %s: %w", filepath.Join(dir, name), dest, err)
		}
	}
	return dest, nil
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
