package staged

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// removeAll removes a folder of many files, nested folders and a link to
// a folder elsewhere, whose files it leaves alone, as os.RemoveAll does.
func TestRemoveAll(t *testing.T) {
	root := t.TempDir()
	dir, outside := filepath.Join(root, "stage"), filepath.Join(root, "outside")
	for _, d := range []string{filepath.Join(dir, "feedback"), filepath.Join(dir, "empty", "deeper"), outside} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p string) {
		if err := os.WriteFile(p, []byte(p), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 200 {
		write(filepath.Join(dir, "feedback", fmt.Sprintf("%06d.pdf", i)))
	}
	for i := range 3 {
		write(filepath.Join(dir, fmt.Sprintf("table%d.csv", i)))
	}
	kept := filepath.Join(outside, "kept.txt")
	write(kept)
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := removeAll(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(dir); !os.IsNotExist(err) {
		t.Errorf("%s is still there: %v", dir, err)
	}
	if _, err := os.Stat(kept); err != nil {
		t.Errorf("the file behind the link was removed: %v", err)
	}
	if err := removeAll(dir); err != nil {
		t.Errorf("removing a folder that is gone: %v", err)
	}
}
