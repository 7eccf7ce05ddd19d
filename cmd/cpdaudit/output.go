package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// output stages a run's files in a hidden folder inside the output folder
// and moves them into place only when every file is complete. A run that
// fails or is interrupted removes the staging folder and leaves the previous
// run's outputs untouched: no partial output is ever presented as complete.
type output struct {
	dir, stage        string
	filePerm, dirPerm os.FileMode
	committed         bool
}

// topLevelFiles are moved into place in this order; run.json goes last
// because its presence marks a complete run.
var topLevelFiles = []string{"summary.xlsx", "summary.csv", "activities.csv", "import-issues.csv", "run.json"}

func newOutput(dir string, shared bool) (*output, error) {
	o := &output{dir: dir, filePerm: 0o600, dirPerm: 0o700}
	if shared {
		o.filePerm, o.dirPerm = 0o644, 0o755
	}
	if err := os.MkdirAll(dir, o.dirPerm); err != nil {
		return nil, fmt.Errorf("cannot create the output folder %s: %w; choose another with --out", dir, err)
	}
	stage, err := os.MkdirTemp(dir, ".cpdaudit-run-*")
	if err != nil {
		return nil, fmt.Errorf("cannot write in the output folder %s: %w; choose another with --out", dir, err)
	}
	o.stage = stage
	if err := os.Chmod(stage, o.dirPerm); err != nil {
		o.discard()
		return nil, fmt.Errorf("cannot set permissions in %s: %w", dir, err)
	}
	if err := os.Mkdir(filepath.Join(stage, "feedback"), o.dirPerm); err != nil {
		o.discard()
		return nil, fmt.Errorf("cannot write in the output folder %s: %w", dir, err)
	}
	return o, nil
}

// write creates the staged file name (relative to the output folder) and
// fills it with fn. Errors name the final path the user knows.
func (o *output) write(name string, fn func(io.Writer) error) (err error) {
	final := filepath.Join(o.dir, name)
	f, err := os.OpenFile(filepath.Join(o.stage, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, o.filePerm)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", final, err)
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	if err = fn(bw); err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", final, err)
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
	final := filepath.Join(o.dir, name)
	f, err := os.OpenFile(filepath.Join(o.stage, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, o.filePerm)
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", final, err)
	}
	return &stagedFile{f: f, bw: bufio.NewWriterSize(f, 64<<10), final: final}, nil
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

// commit moves the staged files into the output folder. The feedback folder
// is swapped in whole, so PDFs of members no longer in the input do not
// linger from an earlier run.
func (o *output) commit() error {
	// Remove the old completion marker first: if anything below fails, the
	// folder does not claim to hold a complete run.
	if err := os.Remove(filepath.Join(o.dir, "run.json")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("cannot replace %s: %w", filepath.Join(o.dir, "run.json"), err)
	}
	final := filepath.Join(o.dir, "feedback")
	if _, err := os.Lstat(final); err == nil {
		if err := os.Rename(final, filepath.Join(o.stage, "feedback.old")); err != nil {
			return fmt.Errorf("cannot replace %s: %w", final, err)
		}
	}
	if err := os.Rename(filepath.Join(o.stage, "feedback"), final); err != nil {
		return fmt.Errorf("cannot move the feedback PDFs into %s: %w", final, err)
	}
	for _, name := range topLevelFiles {
		if err := os.Rename(filepath.Join(o.stage, name), filepath.Join(o.dir, name)); err != nil {
			return fmt.Errorf("cannot move %s into place: %w", filepath.Join(o.dir, name), err)
		}
	}
	o.committed = true
	return os.RemoveAll(o.stage)
}

// discard removes the staging folder; after commit it has nothing to do.
func (o *output) discard() {
	if !o.committed && o.stage != "" {
		os.RemoveAll(o.stage)
	}
}
