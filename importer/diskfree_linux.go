//go:build linux

package importer

import "syscall"

// diskFree returns the bytes free for an ordinary user in the file system
// holding dir; ok is false when it cannot be told.
func diskFree(dir string) (free uint64, ok bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return st.Bavail * uint64(st.Bsize), true
}
