//go:build linux

package staged

import (
	"io"
	"os"
	"syscall"
)

// createFile creates the new file path for Write, which fills it at once
// and closes it. A run writes one per member (10,000 PDFs), and
// os.OpenFile makes each pollable first: four fcntl calls and an epoll_ctl
// that fails for a regular file, a finalizer and a poller descriptor, for
// a file that is written once. This is open, write and close alone, with
// os's errors (TestCreateFileAsOS).
func createFile(path string, perm os.FileMode) (io.WriteCloser, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, uint32(perm.Perm()))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		return &rawFile{fd: fd, path: path}, nil
	}
}

// rawFile is a file opened by createFile: writes go straight to the
// descriptor, as os.File's do for a file that is not pollable.
type rawFile struct {
	fd   int
	path string
}

func (f *rawFile) Write(p []byte) (int, error) {
	if f.fd < 0 {
		return 0, &os.PathError{Op: "write", Path: f.path, Err: os.ErrClosed}
	}
	n := 0
	for n < len(p) {
		// At most 1 GiB a call, as os.File writes (Linux writes no more).
		m, err := syscall.Write(f.fd, p[n:n+min(len(p)-n, 1<<30)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return n, &os.PathError{Op: "write", Path: f.path, Err: err}
		}
		if m <= 0 {
			return n, &os.PathError{Op: "write", Path: f.path, Err: io.ErrShortWrite}
		}
		n += m
	}
	return n, nil
}

func (f *rawFile) Close() error {
	if f.fd < 0 {
		return &os.PathError{Op: "close", Path: f.path, Err: os.ErrClosed}
	}
	// Not retried on EINTR: on Linux the descriptor is gone either way.
	err := syscall.Close(f.fd)
	f.fd = -1
	if err != nil {
		return &os.PathError{Op: "close", Path: f.path, Err: err}
	}
	return nil
}
