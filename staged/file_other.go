//go:build !linux

package staged

import (
	"io"
	"os"
)

// createFile creates the new file path for Write.
func createFile(path string, perm os.FileMode) (io.WriteCloser, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
}
