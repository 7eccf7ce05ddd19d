// Package staged writes a set of output files so that a reader only ever
// sees the previous complete set or the new complete set: run, sample and
// finalize all write through it.
package staged

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
)

// Dir stages a set of files and folders in a hidden folder inside the
// output folder and moves them into place only when every one is complete.
// A run that fails or is interrupted removes the staging folder and leaves
// the previous results untouched, and so does a commit that fails part way:
// it puts back exactly what was there before. No partial output is ever
// presented as complete.
type Dir struct {
	dir, stage        string
	filePerm, dirPerm os.FileMode
	// entries are what commit moves into place, in this order. The last
	// one marks a complete set: it is moved aside first and put in place
	// last.
	entries []string
	// rename is os.Rename, or Options.Rename.
	rename func(oldpath, newpath string) error

	// mu is held shared while a file is created, so the workers create
	// theirs at once, and exclusively to set closed.
	mu     sync.RWMutex
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

// Options say what a Dir stages and how.
type Options struct {
	// Entries are the files and folders, relative to the output folder,
	// that Commit moves into place, in this order. The last one marks a
	// complete set (run.json for a run): it is moved aside first and put
	// in place last.
	Entries []string
	// Folders are made in the staging folder at once (such as feedback),
	// parents first.
	Folders []string
	// Shared makes the files readable by other users (0644, folders 0755)
	// instead of the owner only (0600, 0700): they hold personal data.
	Shared bool
	// Prefix starts the staging folder's name (default RunPrefix); a
	// leftover one is found by it (RemoveLeftovers).
	Prefix string
	// Hint is added to the error when the output folder cannot be made or
	// written, saying what to do ("choose another with --out"); "" for
	// none.
	Hint string
	// Rename replaces os.Rename in Commit: a test makes it fail at each
	// step, as a file held open on Windows would.
	Rename func(oldpath, newpath string) error
}

// New makes the output folder dir if need be and a staging folder inside
// it, with opts.Folders already made in the stage.
func New(dir string, opts Options) (*Dir, error) {
	o := &Dir{dir: dir, filePerm: 0o600, dirPerm: 0o700, entries: opts.Entries, rename: opts.Rename}
	if o.rename == nil {
		o.rename = os.Rename
	}
	if opts.Shared {
		o.filePerm, o.dirPerm = 0o644, 0o755
	}
	prefix := opts.Prefix
	if prefix == "" {
		prefix = RunPrefix
	}
	hint := ""
	if opts.Hint != "" {
		hint = "; " + opts.Hint
	}
	if err := os.MkdirAll(dir, o.dirPerm); err != nil {
		return nil, fmt.Errorf("cannot create the output folder %s: %w%s", dir, err, hint)
	}
	stage, err := os.MkdirTemp(dir, prefix+"*")
	if err != nil {
		return nil, fmt.Errorf("cannot write in the output folder %s: %w%s", dir, err, hint)
	}
	o.stage = stage
	if err := os.Chmod(stage, o.dirPerm); err != nil {
		o.Discard()
		return nil, fmt.Errorf("cannot set permissions in %s: %w", dir, err)
	}
	for _, f := range opts.Folders {
		if err := os.Mkdir(filepath.Join(stage, f), o.dirPerm); err != nil {
			o.Discard()
			return nil, fmt.Errorf("cannot write in the output folder %s: %w", dir, err)
		}
	}
	return o, nil
}

// open creates the staged file name (relative to the output folder),
// unless the output was already committed or discarded: a worker still
// running after a cancelled run must not put a file back into a staging
// folder being removed.
func (o *Dir) open(name string) (*os.File, error) {
	var f *os.File
	err := o.creating(name, func(path string) (err error) {
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, o.filePerm)
		return err
	})
	return f, err
}

// creating runs create on the staged path of name (relative to the output
// folder) unless the output was already committed or discarded, holding
// mu shared so that Commit and Discard wait for the files being created.
// Errors name the final path the user knows.
func (o *Dir) creating(name string, create func(path string) error) error {
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.closed {
		return fmt.Errorf("cannot write %s: the run was stopped", filepath.Join(o.dir, name))
	}
	if err := create(filepath.Join(o.stage, name)); err != nil {
		return fmt.Errorf("cannot write %s: %w", filepath.Join(o.dir, name), err)
	}
	return nil
}

// writers are Write's buffers. A run writes one file per member (10,000
// PDFs), and a new 64 KB buffer per file was allocated and zeroed each time.
var writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 64<<10) }}

// Write creates the staged file name (relative to the output folder) and
// fills it with fn. Errors name the final path the user knows.
func (o *Dir) Write(name string, fn func(io.Writer) error) (err error) {
	var f io.WriteCloser
	if err := o.creating(name, func(path string) (err error) {
		f, err = createFile(path, o.filePerm)
		return err
	}); err != nil {
		return err
	}
	bw := writers.Get().(*bufio.Writer)
	bw.Reset(f)
	if err = fn(bw); err == nil {
		err = bw.Flush()
	}
	// Reset drops the file (and whatever an error left unflushed), so the
	// pooled writer holds nothing of this file.
	bw.Reset(nil)
	writers.Put(bw)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", filepath.Join(o.dir, name), err)
	}
	return nil
}

// Create opens the staged file name (relative to the output folder) for a
// file written over the whole stage, such as the tables the TableWriter
// fills as members are audited. Writes are buffered; Close flushes and
// closes the file and reports any error with the final path. The file is in
// the staging folder, so a run that fails or is cancelled before commit
// leaves nothing behind, closed or not.
func (o *Dir) Create(name string) (io.WriteCloser, error) {
	f, err := o.open(name)
	if err != nil {
		return nil, err
	}
	return &stagedFile{f: f, bw: bufio.NewWriterSize(f, 64<<10), final: filepath.Join(o.dir, name)}, nil
}

// stagedFile is a buffered file made by Create.
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

// Commit swaps the staged entries in for the previous ones. The previous
// entries are first moved aside into the staging folder (the completion
// marker first, so the folder never claims to hold a complete set while it
// holds parts of two), then the new ones are moved into place (the marker
// last). A folder such as feedback/ is swapped whole, so PDFs of members
// no longer in the input do not linger from an earlier run. If any step
// fails, every step done is undone in reverse order, so the output folder
// holds exactly the previous results again, and the error says so.
func (o *Dir) Commit() error {
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
	if err := removeAll(o.stage); err != nil {
		o.leftover = o.stage
	}
	return nil
}

// discardWait is how long Discard waits for the staging folder to be
// removed: removing 10,000 PDFs just written takes seconds, and Ctrl-C
// must end the program within one.
const discardWait = 250 * time.Millisecond

// Discard removes the staging folder; after a commit, or a failed commit
// that could not restore the previous results, it leaves it alone. If the
// removal takes longer than discardWait, it returns meanwhile and sets
// leftover: the folder is hidden, never taken for results, and the next
// run into the output folder removes what is left (removeLeftovers).
func (o *Dir) Discard() {
	o.mu.Lock()
	o.closed = true
	o.mu.Unlock()
	if o.committed || o.keep || o.stage == "" {
		return
	}
	done := make(chan struct{})
	go func() {
		removeAll(o.stage)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(discardWait):
		o.leftover = o.stage
	}
}

// RunPrefix starts the name of a run's staging folder.
const RunPrefix = ".cpdaudit-run-"

// Committed reports whether Commit put the new set in place.
func (o *Dir) Committed() bool { return o.committed }

// Leftover is the staging folder when it could not be removed: after
// Commit, it holds the previous results (delete it); after Discard, it is
// what was left when removal took too long (the next run removes it).
func (o *Dir) Leftover() string { return o.leftover }

// RemoveLeftovers removes the run staging folders (RunPrefix) that runs stopped part way
// left in the output folder dir. The caller holds dir's lock, so none of
// them belongs to a run still going on. A folder holding the previous
// results of a commit that could not be undone (.previous) is kept: the
// error of that run told the office to move them back.
func RemoveLeftovers(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), RunPrefix) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if _, err := os.Lstat(filepath.Join(p, ".previous")); err == nil {
			continue
		}
		removeAll(p)
	}
}

// WriteFile writes the one file path through a staging folder beside it,
// so a reader sees the old file or the complete new one, and a failure
// leaves the old one as it was. shared makes it readable by others (0644).
func WriteFile(path string, shared bool, write func(io.Writer) error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	o, err := New(dir, Options{Entries: []string{base}, Shared: shared, Prefix: ".cpdaudit-file-"})
	if err != nil {
		return err
	}
	defer o.Discard()
	if err := o.Write(base, write); err != nil {
		return err
	}
	return o.Commit()
}
