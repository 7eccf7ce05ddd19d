// cpdaudit patch 14: SetZlibCompressor replaces compress/zlib for every
// stream; the default must still be compress/zlib at BestSpeed.

package fpdf

import (
	"bytes"
	"compress/zlib"
	"io"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// hookDoc is a letter-like document with a UTF-8 font (so a font subset
// and a CIDToGIDMap are compressed too) and two pages.
func hookDoc(t *testing.T) []byte {
	t.Helper()
	font, err := os.ReadFile("../../report/fonts/DejaVuSans.ttf")
	if err != nil {
		t.Skipf("DejaVu Sans not found: %v", err)
	}
	pdf := New("P", "mm", "A4", "")
	pdf.SetCreationDate(time.Unix(0, 0).UTC())
	pdf.SetModificationDate(time.Unix(0, 0).UTC())
	pdf.SetCatalogSort(true)
	pdf.AddUTF8FontFromBytes("dejavu", "", font)
	pdf.SetFont("dejavu", "", 10)
	for page := range 2 {
		pdf.AddPage()
		for i := range 40 {
			pdf.CellFormat(0, 5, "Zoë's CPD record, line "+strconv.Itoa(page*40+i), "", 1, "L", false, 0, "")
		}
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var streamRe = regexp.MustCompile(`(?s)/Filter /FlateDecode[^>]*>>\s*stream\n`)

// TestZlibDefaultIsStdlib: without SetZlibCompressor every stream is
// compress/zlib's at BestSpeed, byte for byte, as upstream writes it.
func TestZlibDefaultIsStdlib(t *testing.T) {
	doc := hookDoc(t)
	locs := streamRe.FindAllIndex(doc, -1)
	if len(locs) < 4 {
		t.Fatalf("%d compressed streams, want at least 4 (two pages, font, CIDToGIDMap)", len(locs))
	}
	for _, loc := range locs {
		rest := doc[loc[1]:]
		end := bytes.Index(rest, []byte("\nendstream"))
		if end < 0 {
			t.Fatal("stream without endstream")
		}
		got := rest[:end]
		zr, err := zlib.NewReader(bytes.NewReader(got))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		zw, _ := zlib.NewWriterLevel(&want, zlib.BestSpeed)
		zw.Write(raw)
		zw.Close()
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("stream at byte %d: not compress/zlib's BestSpeed bytes", loc[1])
		}
	}
}

// TestZlibHookUsed: a compressor set with SetZlibCompressor compresses
// every stream, and nil restores the default.
func TestZlibHookUsed(t *testing.T) {
	before := hookDoc(t)
	calls := 0
	SetZlibCompressor(func(dst *bytes.Buffer, src []byte) error {
		calls++
		return stdZlibCompress(dst, src)
	})
	same := hookDoc(t)
	SetZlibCompressor(nil)
	if n := len(streamRe.FindAllIndex(before, -1)); calls != n {
		t.Errorf("the hook compressed %d streams, the document has %d", calls, n)
	}
	if !bytes.Equal(same, before) {
		t.Error("the same compression through the hook gave a different document")
	}
	calls = 0
	if !bytes.Equal(hookDoc(t), before) || calls != 0 {
		t.Errorf("after SetZlibCompressor(nil): hook called %d times, or the document changed", calls)
	}
}
