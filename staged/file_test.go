package staged

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestCreateFileAsOS writes files through createFile and through
// os.OpenFile, as Write did before: the same bytes, the same permissions
// and the same errors, for a file that exists already, a folder that does
// not, and a write or close after Close.
func TestCreateFileAsOS(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, 4095, 64 << 10, 64<<10 + 1, 3 << 20} {
		for _, perm := range []os.FileMode{0o600, 0o644} {
			data := make([]byte, size)
			for i := range data {
				data[i] = byte(rng.Uint32())
			}
			fast, slow := filepath.Join(dir, "fast"), filepath.Join(dir, "slow")
			f, err := createFile(fast, perm)
			if err != nil {
				t.Fatal(err)
			}
			g, err := os.OpenFile(slow, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
			if err != nil {
				t.Fatal(err)
			}
			// In uneven pieces, as a bufio.Writer flushes them.
			for rest := data; len(rest) > 0; {
				n := min(len(rest), 1+rng.IntN(100<<10))
				if m, err := f.Write(rest[:n]); m != n || err != nil {
					t.Fatalf("createFile: wrote %d of %d bytes: %v", m, n, err)
				}
				if _, err := g.Write(rest[:n]); err != nil {
					t.Fatal(err)
				}
				rest = rest[n:]
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			if err := g.Close(); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{fast, slow} {
				got, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, data) {
					t.Fatalf("%s: %d bytes read back, %d written, or they differ", p, len(got), len(data))
				}
			}
			fi, _ := os.Stat(fast)
			gi, _ := os.Stat(slow)
			if fi.Mode() != gi.Mode() {
				t.Errorf("perm %v: createFile made %v, os.OpenFile %v", perm, fi.Mode(), gi.Mode())
			}

			// Both exist now: creating either again fails as os fails.
			_, err = createFile(slow, perm)
			_, oerr := os.OpenFile(slow, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
			sameError(t, "existing file", err, oerr)
			// After Close, as os.File does: an error naming the file.
			_, err = f.Write([]byte("x"))
			_, oerr = g.Write([]byte("x"))
			sameError(t, "write after close", renamed(err, fast, slow), oerr)
			sameError(t, "second close", renamed(f.Close(), fast, slow), g.Close())
			os.Remove(fast)
			os.Remove(slow)
		}
	}
	missing := filepath.Join(dir, "no such folder", "a.pdf")
	_, err := createFile(missing, 0o600)
	_, oerr := os.OpenFile(missing, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	sameError(t, "missing folder", err, oerr)
}

func sameError(t *testing.T, what string, got, want error) {
	t.Helper()
	if got == nil || want == nil || got.Error() != want.Error() {
		t.Errorf("%s: createFile's error is %v, os's %v", what, got, want)
	}
}

// renamed is err with the path from replaced by to, so that errors about
// two files compare.
func renamed(err error, from, to string) error {
	if pe, ok := err.(*os.PathError); ok && pe.Path == from {
		return &os.PathError{Op: pe.Op, Path: to, Err: pe.Err}
	}
	return err
}

// TestWriteErrorNamesFinalPath checks that an error of Write names the final
// path, and the staged one as os names it.
func TestWriteErrorNamesFinalPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	o, err := New(dir, Options{Entries: []string{"a.pdf"}})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Discard()
	if err := o.Write("a.pdf", func(w io.Writer) error { return nil }); err != nil {
		t.Fatal(err)
	}
	err = o.Write("a.pdf", func(w io.Writer) error { return nil })
	want := "cannot write " + filepath.Join(dir, "a.pdf") + ": open " + filepath.Join(o.stage, "a.pdf") + ": file exists"
	if err == nil || err.Error() != want {
		t.Errorf("writing a file twice: %v, want %s", err, want)
	}
}
