//go:build !unix

package pipeline

import (
	"os"
	"time"
)

// processRunning reports whether process pid is alive: on Windows
// FindProcess fails for a process that does not exist.
func processRunning(pid int, _ time.Time) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
