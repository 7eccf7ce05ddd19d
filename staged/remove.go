package staged

import (
	"os"
	"path/filepath"
	"sync"
)

// removeWorkers is how many files removeAll removes at once.
const removeWorkers = 4

// removeAll is os.RemoveAll, with the files of each folder removed by
// several goroutines first: removing a run's 10,000 PDFs (the previous
// results, after a commit) is mostly waiting on the disk, one file at a
// time, and took 2.5 to 5.5 s of wall time on a busy machine, against 2.4
// to 2.6 s four at a time. What is left (folders, anything a goroutine
// could not remove) goes to os.RemoveAll, whose error is returned.
func removeAll(dir string) error {
	removeFiles(dir)
	return os.RemoveAll(dir)
}

// removeFiles removes the files (not folders) under dir, best effort.
func removeFiles(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	var files []string
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			removeFiles(p)
		} else {
			files = append(files, p)
		}
	}
	if len(files) < 4*removeWorkers {
		return
	}
	var wg sync.WaitGroup
	for w := range removeWorkers {
		wg.Go(func() {
			for i := w; i < len(files); i += removeWorkers {
				os.Remove(files[i])
			}
		})
	}
	wg.Wait()
}
