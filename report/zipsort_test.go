package report

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
)

// Entries spooled to disk give the same archive, byte for byte, as entries
// kept in memory, and read back whole.
func TestSortedZipSpool(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	entries := map[string][]byte{}
	for _, name := range []string{"xl/worksheets/sheet2.xml", "xl/worksheets/sheet1.xml", contentTypesName, "docProps/app.xml"} {
		var b bytes.Buffer
		for b.Len() < 300_000 {
			// Numbers compress, but not to nothing: several spool chunks.
			fmt.Fprintf(&b, "<c r=\"A%d\"><v>%d</v></c>", b.Len(), rng.Uint64())
		}
		entries[name] = b.Bytes()
	}
	order := []string{"xl/worksheets/sheet2.xml", contentTypesName, "xl/worksheets/sheet1.xml", "docProps/app.xml"}
	write := func(spoolAt int) []byte {
		var out bytes.Buffer
		z := newSortedZip(&out)
		z.spoolAt = spoolAt
		for _, name := range order {
			w, err := z.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			data := entries[name]
			for len(data) > 0 { // in pieces, as io.Copy writes
				n := min(len(data), 32<<10)
				if _, err := w.Write(data[:n]); err != nil {
					t.Fatal(err)
				}
				data = data[n:]
			}
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		if spoolAt < defaultSpoolAt && z.end == 0 {
			t.Fatal("nothing was spooled")
		}
		return out.Bytes()
	}
	inMemory, spooled := write(defaultSpoolAt), write(4096)
	if !bytes.Equal(inMemory, spooled) {
		t.Fatal("spooling changed the archive")
	}
	zr, err := zip.NewReader(bytes.NewReader(spooled), int64(len(spooled)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if !bytes.Equal(got, entries[f.Name]) {
			t.Fatalf("%s: content differs", f.Name)
		}
	}
	if fmt.Sprint(names) != "[[Content_Types].xml docProps/app.xml xl/worksheets/sheet1.xml xl/worksheets/sheet2.xml]" {
		t.Fatalf("entry order %v", names)
	}
}
