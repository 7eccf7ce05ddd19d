package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ies/cpdaudit/report"
)

// output stages a set of files and folders in a hidden folder inside the
// output folder and moves them into place only when every one is complete.
// A run that fails or is interrupted removes the staging folder and leaves
// the previous results untouched, and so does a commit that fails part way:
// it puts back exactly what was there before. No partial output is ever
// presented as complete.
type output struct {
	dir, stage        string
	filePerm, dirPerm os.FileMode
	// entries are what commit moves into place, in this order. The last
	// one marks a complete set: it is moved aside first and put in place
	// last.
	entries []string
	// rename is os.Rename; a test makes it fail at each step of commit.
	rename func(oldpath, newpath string) error

	mu     sync.Mutex
	closed bool // committed or discarded: no more files may be created
	// keep is set when a failed commit could not put the previous results
	// back: they are in the staging folder, which must then stay.
	keep      bool
	committed bool
	// leftover is the staging folder when a completed commit could not
	// remove it (it holds the previous results), or when discard ran out
	// of time removing it.
	leftover string
}

// runEntries are what a run writes; run.json goes last because its
// presence marks a complete run.
var runEntries = []string{"feedback", "summary.xlsx", "summary.csv", "activities.csv", "import-issues.csv", report.ResultsFile, "run.json"}

// newOutput makes the output folder and a staging folder inside it, with
// the folders among entries already made in the stage.
func newOutput(dir string, shared bool, entries []string, folders ...string) (*output, error) {
	o := &output{dir: dir, filePerm: 0o600, dirPerm: 0o700, entries: entries, rename: os.Rename}
	if shared {
		o.filePerm, o.dirPerm = 0o644, 0o755
	}
	if err := os.MkdirAll(dir, o.dirPerm); err != nil {
		return nil, fmt.Errorf("cannot create the output folder %s: %w; choose another with --out", dir, err)
	}
	stage, err := os.MkdirTemp(dir, stagePrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("cannot write in the output folder %s: %w; choose another with --out", dir, err)
	}
	o.stage = stage
	if err := os.Chmod(stage, o.dirPerm); err != nil {
		o.discard()
		return nil, fmt.Errorf("cannot set permissions in %s: %w", dir, err)
	}
	for _, f := range folders {
		if err := os.Mkdir(filepath.Join(stage, f), o.dirPerm); err != nil {
			o.discard()
			return nil, fmt.Errorf("cannot write in the output folder %s: %w", dir, err)
		}
	}
	return o, nil
}

// open creates the staged file name (relative to the output folder),
// unless the output was already committed or discarded: a worker still
// running after a cancelled run must not put a file back into a staging
// folder being removed.
func (o *output) open(name string) (*os.File, error) {
	final := filepath.Join(o.dir, name)
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return nil, fmt.Errorf("cannot write %s: the run was stopped", final)
	}
	f, err := os.OpenFile(filepath.Join(o.stage, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, o.filePerm)
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", final, err)
	}
	return f, nil
}

// write creates the staged file name (relative to the output folder) and
// fills it with fn. Errors name the final path the user knows.
func (o *output) write(name string, fn func(io.Writer) error) (err error) {
	f, err := o.open(name)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	if err = fn(bw); err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", filepath.Join(o.dir, name), err)
	}
	return nil
}

// create opens the staged file name (relative to the output folder) for a
// file written over the whole stage, such as the tables the TableWriter
// fills as members are audited. Writes are buffered; Close flushes and
// closes the file and reports any error with the final path. The file is in
// the staging folder, so a run that fails or is cancelled before commit
// leaves nothing behind, closed or not.
func (o *output) create(name string) (io.WriteCloser, error) {
	f, err := o.open(name)
	if err != nil {
		return nil, err
	}
	return &stagedFile{f: f, bw: bufio.NewWriterSize(f, 64<<10), final: filepath.Join(o.dir, name)}, nil
}

// stagedFile is a buffered file made by create.
type stagedFile struct {
	f      *os.File
	bw     *bufio.Writer
	final  string
	closed bool
}

func (s *stagedFile) Write(p []byte) (int, error) {
	n, err := s.bw.Write(p)
	if err != nil {
		return n, fmt.Errorf("cannot write %s: %w", s.final, err)
	}
	return n, nil
}

// Close flushes and closes the file; a second Close does nothing, so an
// error path may close whatever is still open.
func (s *stagedFile) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.bw.Flush()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", s.final, err)
	}
	return nil
}

// commit swaps the staged entries in for the previous ones. The previous
// entries are first moved aside into the staging folder (the completion
// marker first, so the folder never claims to hold a complete set while it
// holds parts of two), then the new ones are moved into place (the marker
// last). A folder such as feedback/ is swapped whole, so PDFs of members
// no longer in the input do not linger from an earlier run. If any step
// fails, every step done is undone in reverse order, so the output folder
// holds exactly the previous results again, and the error says so.
func (o *output) commit() error {
	o.mu.Lock()
	o.closed = true
	o.mu.Unlock()
	old := filepath.Join(o.stage, ".previous")
	if err := os.Mkdir(old, o.dirPerm); err != nil {
		return fmt.Errorf("cannot write in the output folder %s: %w; the previous results were left as they were", o.dir, err)
	}
	var aside, placed []string
	undo := func(cause error) error {
		var failed []string
		for i := len(placed) - 1; i >= 0; i-- {
			if err := o.rename(filepath.Join(o.dir, placed[i]), filepath.Join(o.stage, placed[i])); err != nil {
				failed = append(failed, err.Error())
			}
		}
		for i := len(aside) - 1; i >= 0; i-- {
			if err := o.rename(filepath.Join(old, aside[i]), filepath.Join(o.dir, aside[i])); err != nil {
				failed = append(failed, err.Error())
			}
		}
		if len(failed) > 0 {
			o.keep = true
			return fmt.Errorf("%w; putting the previous results back failed too (%s): what could not be put back is in %s; move it back into %s by hand",
				cause, strings.Join(failed, "; "), old, o.dir)
		}
		return fmt.Errorf("%w; the previous results in %s were left as they were", cause, o.dir)
	}
	for i := len(o.entries) - 1; i >= 0; i-- {
		name := o.entries[i]
		p := filepath.Join(o.dir, name)
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := o.rename(p, filepath.Join(old, name)); err != nil {
			return undo(fmt.Errorf("cannot replace %s: %w", p, err))
		}
		aside = append(aside, name)
	}
	for _, name := range o.entries {
		p := filepath.Join(o.dir, name)
		if err := o.rename(filepath.Join(o.stage, name), p); err != nil {
			return undo(fmt.Errorf("cannot move %s into place: %w", p, err))
		}
		placed = append(placed, name)
	}
	o.committed = true
	if err := os.RemoveAll(o.stage); err != nil {
		o.leftover = o.stage
	}
	return nil
}

// discardWait is how long discard waits for the staging folder to be
// removed: removing 10,000 PDFs just written takes seconds, and Ctrl-C
// must end the program within one.
const discardWait = 250 * time.Millisecond

// discard removes the staging folder; after a commit, or a failed commit
// that could not restore the previous results, it leaves it alone. If the
// removal takes longer than discardWait, it returns meanwhile and sets
// leftover: the folder is hidden, never taken for results, and the next
// run into the output folder removes what is left (removeLeftovers).
func (o *output) discard() {
	o.mu.Lock()
	o.closed = true
	o.mu.Unlock()
	if o.committed || o.keep || o.stage == "" {
		return
	}
	done := make(chan struct{})
	go func() {
		os.RemoveAll(o.stage)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(discardWait):
		o.leftover = o.stage
	}
}

// stagePrefix starts the name of every staging folder.
const stagePrefix = ".cpdaudit-run-"

// removeLeftovers removes the staging folders that runs stopped part way
// left in the output folder dir. The caller holds dir's lock, so none of
// them belongs to a run still going on. A folder holding the previous
// results of a commit that could not be undone (.previous) is kept: the
// error of that run told the office to move them back.
func removeLeftovers(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), stagePrefix) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if _, err := os.Lstat(filepath.Join(p, ".previous")); err == nil {
			continue
		}
		os.RemoveAll(p)
	}
}
