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

// An entry started early, its rows written, then finished from what
// excelize writes, is the entry written whole; rows inserted at Close
// are too. A sheet that does not start as the early entry was started is
// an error, never a different archive.
func TestSortedZipEarlyAndInserted(t *testing.T) {
	const start, rows, end = `<worksheet><cols/><sheetData><row r="1"/>`, `<row r="2"/><row r="3"/>`, `</sheetData><pageSetup/></worksheet>`
	whole := func() []byte {
		var out bytes.Buffer
		z := newSortedZip(&out)
		for _, name := range []string{"b.xml", "a.xml"} {
			w, err := z.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(w, start+rows+end)
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}()
	split := func(excelizeStart string) ([]byte, error) {
		var out bytes.Buffer
		z := newSortedZip(&out)
		e, err := z.startEntry("b.xml", []byte(start))
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(e, rows)
		z.inserts = map[string]io.Reader{"a.xml": bytes.NewReader([]byte(rows))}
		for _, name := range []string{"b.xml", "a.xml"} {
			w, err := z.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(w, excelizeStart+end)
		}
		err = z.Close()
		return out.Bytes(), err
	}
	got, err := split(start)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, whole) {
		t.Error("the archive with an early and an inserted entry differs from the one written whole")
	}
	if _, err := split(`<worksheet><cols width="2"/><sheetData><row r="1"/>`); err == nil {
		t.Error("a sheet that does not start as its early entry was written")
	}
}
