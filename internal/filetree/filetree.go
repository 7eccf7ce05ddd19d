// Package filetree reads a folder's files for tests that compare output
// folders byte for byte (a run against the previous one, a failed swap
// against the folder before it).
package filetree

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Read returns every file under dir, keyed by its path relative to dir.
func Read(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[rel] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// Same fails the test unless want and got hold the same files with the
// same bytes; want must not be empty.
func Same(t testing.TB, want, got map[string][]byte) {
	t.Helper()
	if len(want) == 0 {
		t.Fatal("no files to compare")
	}
	for name, data := range want {
		if other, ok := got[name]; !ok {
			t.Errorf("%s is missing", name)
		} else if !bytes.Equal(data, other) {
			t.Errorf("%s differs", name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s is new", name)
		}
	}
}
