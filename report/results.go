package report

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/internal/fastflate"
)

// ResultsFile is the file in a run folder that keeps every member's whole
// result (register details, verdicts with reasons and next steps, every
// activity with its reflection finding), one JSON object a line, gzipped.
// finalize reads it to write each member's final feedback and to find
// their email for letters.csv, without the input files.
const ResultsFile = "results.jsonl.gz"

// resultsFormat heads the file, so a reader can tell it from another file
// and from a layout it does not know.
const resultsFormat = "cpdaudit member results"

// resultsHeader is the first line of the results file.
type resultsHeader struct {
	Format  string `json:"format"`
	Version int    `json:"format_version"`
	Tool    string `json:"tool_version"`
	CPDYear int    `json:"cpd_year"`
}

// ResultsWriter writes the results file as members are audited, in member
// order, like the TableWriter. The file is a series of gzip members, one
// per line (gzip readers, zcat included, read them as one stream), so
// each member's line can be encoded and compressed by the worker that
// audited it (EncodeResult), and writing the file in order is only
// copying bytes.
type ResultsWriter struct {
	w io.Writer
}

// NewResultsWriter starts the results file on w with its header line.
func NewResultsWriter(w io.Writer, version string, year int) (*ResultsWriter, error) {
	b, err := encodeLine(resultsHeader{Format: resultsFormat, Version: 1, Tool: version, CPDYear: year})
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	return &ResultsWriter{w: w}, nil
}

// Add writes one member's result.
func (rw *ResultsWriter) Add(r *audit.MemberResult) error {
	b, err := EncodeResult(r)
	if err != nil {
		return err
	}
	return rw.AddEncoded(b)
}

// AddEncoded writes a member's result encoded by EncodeResult. b is
// used again for a later line: the caller must not keep it.
func (rw *ResultsWriter) AddEncoded(b []byte) error {
	_, err := rw.w.Write(b)
	encodedLines.Put(&b)
	return err
}

// Close does nothing more: every line is a complete gzip member. It does
// not close the writer it was given.
func (rw *ResultsWriter) Close() error { return nil }

// EncodeResult encodes one member's line of the results file: JSON,
// compressed as a gzip member of its own. It is safe to call from several
// goroutines.
func EncodeResult(r *audit.MemberResult) ([]byte, error) { return encodeLine(r) }

// gzipWriters are reused: a gzip.Writer is large to allocate.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := fastflate.NewGzipWriterLevel(io.Discard, fastflate.BestSpeed)
	return zw
}}

// encodeLine is v as one JSON line in a gzip member. Compression is fast
// rather than small: the file is written while the run is still auditing.
// The gzip header carries no time or name, so the bytes depend only on v.
func encodeLine(v any) ([]byte, error) {
	// A line written before (AddEncoded gives it back) at the size lines
	// have: grown from nothing, a member's line was allocated over again
	// about five times while it was compressed into it.
	var buf *bytes.Buffer
	if p, _ := encodedLines.Get().(*[]byte); p != nil {
		buf = bytes.NewBuffer((*p)[:0])
	} else {
		buf = bytes.NewBuffer(make([]byte, 0, 16<<10))
	}
	zw := gzipWriters.Get().(*fastflate.GzipWriter)
	defer gzipWriters.Put(zw)
	zw.Reset(buf)
	if err := writeJSONLine(zw, v); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// encodedLines are encodeLine's buffers, given back by AddEncoded once
// the line is written.
var encodedLines sync.Pool // of *[]byte

// jsonLines are reused buffers for appendResultJSON.
var jsonLines = sync.Pool{New: func() any { return new([]byte) }}

// writeJSONLine writes v as one line of JSON, as encoding/json's Encoder
// does without HTML escaping; a member's result through
// appendResultJSON, which makes the same bytes without reflection.
func writeJSONLine(w io.Writer, v any) error {
	if r, ok := v.(*audit.MemberResult); ok {
		p := jsonLines.Get().(*[]byte)
		defer jsonLines.Put(p)
		var fits bool
		if *p, fits = appendResultJSON((*p)[:0], r); fits {
			_, err := w.Write(*p)
			return err
		}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// ReadResults reads a run folder's results file and calls fn with each
// member's result, in the order they were written (member order).
func ReadResults(path string, fn func(audit.MemberResult) error) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s is missing: the run folder was written by an older cpdaudit, or the file was removed; run the audit again with this version", path)
	}
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", path, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return fmt.Errorf("%s is not a results file written by cpdaudit run: %w", path, err)
	}
	dec := json.NewDecoder(zr)
	var h resultsHeader
	if err := dec.Decode(&h); err != nil || h.Format != resultsFormat {
		return fmt.Errorf("%s is not a results file written by cpdaudit run", path)
	}
	if h.Version != 1 {
		return fmt.Errorf("%s has results format %d, which this version of cpdaudit cannot read; use the cpdaudit version %s that wrote it", path, h.Version, h.Tool)
	}
	for {
		var r audit.MemberResult
		err := dec.Decode(&r)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s is damaged: %w; run the audit again", path, err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
}
