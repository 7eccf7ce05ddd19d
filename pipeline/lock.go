package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ies/cpdaudit/review"
	"github.com/ies/cpdaudit/staged"
)

// LockFile is the lock file a run keeps in its output folder while it
// works, so that a second run into the same folder refuses rather than
// mixing its files with the first one's.
const LockFile = ".cpdaudit.lock"

// lockInfo is what the lock file holds: who holds it, and since when.
type lockInfo struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
	Command string    `json:"command"`
}

// outputLock is a held lock file; release removes it.
type outputLock struct {
	path string
	// dir is the output folder when this run created it: release removes
	// it again if the run left nothing in it.
	dir string
}

// lockOutputFolder makes the output folder if need be and takes its lock;
// taking over a stale lock is said on stderr.
func lockOutputFolder(dir string, shared bool, rep reporter) (*outputLock, error) {
	perm := os.FileMode(0o700)
	if shared {
		perm = 0o755
	}
	_, statErr := os.Stat(dir)
	created := errors.Is(statErr, os.ErrNotExist)
	if err := os.MkdirAll(dir, perm); err != nil {
		return nil, fmt.Errorf("cannot create the output folder %s: %w; choose another with --out", dir, err)
	}
	l, stale, err := lockOutput(dir, "run", heldError)
	if err != nil {
		if created {
			os.Remove(dir)
		}
		return nil, err
	}
	if stale != "" {
		rep.warn(stale)
	}
	staged.RemoveLeftovers(dir)
	if created {
		l.dir = dir
	}
	return l, nil
}

// openRunFolder takes the run folder's lock for command (sample or
// finalize), so that no other cpdaudit writes to it meanwhile, and reads
// the run back. A folder that does not exist is left for review.ReadRun
// to explain. The caller releases the lock.
func openRunFolder(dir, command string, rep reporter) (*outputLock, *review.Run, error) {
	var lock *outputLock
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		l, stale, err := lockOutput(dir, command, func(dir, path, holder string) error {
			return fmt.Errorf("another cpdaudit is writing to the run folder %s (%s); wait until it has finished and try again. If none is going on (it was stopped, or the computer restarted), delete %s and try again", dir, holder, path)
		})
		if err != nil {
			return nil, nil, err
		}
		if stale != "" {
			rep.warn(stale)
		}
		lock = l
	}
	run, err := review.ReadRun(dir)
	if err != nil {
		lock.release()
		return nil, nil, err
	}
	return lock, run, nil
}

// staleAge is how old a lock file whose content cannot be read must be
// before it is taken for a leftover: its holder writes it at once after
// creating it, so a young empty one is being written.
const staleAge = 10 * time.Second

// lockOutput takes the lock of the output folder dir, which must exist. A
// lock left by a run that no longer exists on this computer (killed, or
// the computer restarted) is taken over, and stale says so; a lock held by
// a live run, or by a run on another computer, is an error that names the
// holder and says what to do.
func lockOutput(dir, command string, held func(dir, path, holder string) error) (l *outputLock, stale string, err error) {
	path := filepath.Join(dir, LockFile)
	host, _ := os.Hostname()
	me := lockInfo{PID: os.Getpid(), Host: host, Started: time.Now().UTC().Truncate(time.Second), Command: command}
	for attempt := 0; ; attempt++ {
		err := createLock(path, me)
		if err == nil {
			return &outputLock{path: path}, stale, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, "", fmt.Errorf("cannot write in the output folder %s: %w; choose another with --out", dir, err)
		}
		holder, known := readLock(path)
		if attempt > 0 || !lockIsStale(holder, known, path, host) {
			return nil, "", held(dir, path, describeHolder(holder, known))
		}
		stale = fmt.Sprintf("took over the lock %s left by an earlier cpdaudit that is no longer running (%s)", path, describeHolder(holder, known))
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, "", fmt.Errorf("cannot remove the stale lock %s: %w; delete it and run again", path, err)
		}
	}
}

func createLock(path string, me lockInfo) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(me)
	_, err = f.Write(append(b, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

func readLock(path string) (lockInfo, bool) {
	var li lockInfo
	b, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(b, &li) != nil || li.PID <= 0 {
		return lockInfo{}, false
	}
	return li, true
}

// lockIsStale: the holder ran on this computer and is no longer running;
// or the lock file cannot be read and is too old to be one being written.
func lockIsStale(holder lockInfo, known bool, path, host string) bool {
	if !known {
		fi, err := os.Stat(path)
		return err == nil && time.Since(fi.ModTime()) > staleAge
	}
	return holder.Host == host && !processRunning(holder.PID, holder.Started)
}

func describeHolder(h lockInfo, known bool) string {
	if !known {
		return "its content cannot be read"
	}
	return fmt.Sprintf("cpdaudit %s, process %d on %s, started %s", h.Command, h.PID, h.Host, h.Started.Local().Format("2 Jan 2006 15:04:05"))
}

func heldError(dir, path, holder string) error {
	return fmt.Errorf("another cpdaudit run is writing to the output folder %s (%s); wait until it has finished, or give this run another --out. If no run is going on (it was stopped, or the computer restarted), delete %s and run again",
		dir, holder, path)
}

// LockFolder takes the lock file of the folder dir (which must exist) for
// command, the way run takes its output folder's: serve keeps its data
// folder's while it runs, so that two servers never tidy away each
// other's uploads. A lock left by a process no longer running is taken
// over and stale says so; held words the refusal when a live process, or
// one on another computer, holds it (holder describes it). release
// removes the lock file.
func LockFolder(dir, command string, held func(dir, path, holder string) error) (release func(), stale string, err error) {
	l, stale, err := lockOutput(dir, command, held)
	if err != nil {
		return nil, "", err
	}
	return l.release, stale, nil
}

// release removes the lock file, and the output folder if this run made
// it and left nothing in it (a run that failed before writing).
func (l *outputLock) release() {
	if l == nil {
		return
	}
	os.Remove(l.path)
	if l.dir != "" {
		os.Remove(l.dir) // fails, as it should, unless the folder is empty
	}
}
