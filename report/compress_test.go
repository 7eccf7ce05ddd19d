package report

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"io"
	"regexp"
	"testing"
)

var flateStream = regexp.MustCompile(`(?s)/Filter /FlateDecode[^>]*>>\s*stream\n`)

// TestPDFStreamsAreStdlibZlib: every compressed stream of a letter, as
// written through fpdf's hook by internal/fastflate, is byte for byte what
// compress/zlib writes at BestSpeed (what fpdf wrote before the hook).
func TestPDFStreamsAreStdlibZlib(t *testing.T) {
	var pdf bytes.Buffer
	if err := WritePDF(&pdf, richMember(), mustFonts(t), PDFOptions{Version: "test", Created: testCreated}); err != nil {
		t.Fatal(err)
	}
	doc := pdf.Bytes()
	locs := flateStream.FindAllIndex(doc, -1)
	if len(locs) < 4 {
		t.Fatalf("%d compressed streams, want at least 4 (pages, font subset, CIDToGIDMap)", len(locs))
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
			t.Errorf("stream at byte %d (%d bytes inflated): not compress/zlib's bytes", loc[1], len(raw))
		}
	}
}

// TestResultLineIsStdlibGzip: a member's line of results.jsonl.gz is what
// compress/gzip writes at BestSpeed with an empty header.
func TestResultLineIsStdlibGzip(t *testing.T) {
	r := richMember()
	for range 3 { // pooled writers, reused
		got, err := encodeLine(&r)
		if err != nil {
			t.Fatal(err)
		}
		var js bytes.Buffer
		enc := json.NewEncoder(&js)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(&r); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&want, gzip.BestSpeed)
		zw.Write(js.Bytes())
		zw.Close()
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("the line (%d bytes of JSON) is not compress/gzip's bytes", js.Len())
		}
	}
}
