package report

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ies/cpdaudit/audit"
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
// order, like the TableWriter.
type ResultsWriter struct {
	zw  *gzip.Writer
	enc *json.Encoder
}

// NewResultsWriter starts the results file on w. Compression is fast
// rather than small: the file is written while the run is still auditing.
// The gzip header carries no time or name, so the bytes depend only on the
// results.
func NewResultsWriter(w io.Writer, version string, year int) (*ResultsWriter, error) {
	zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	rw := &ResultsWriter{zw: zw, enc: json.NewEncoder(zw)}
	rw.enc.SetEscapeHTML(false)
	if err := rw.enc.Encode(resultsHeader{Format: resultsFormat, Version: 1, Tool: version, CPDYear: year}); err != nil {
		return nil, err
	}
	return rw, nil
}

// Add writes one member's result.
func (rw *ResultsWriter) Add(r *audit.MemberResult) error { return rw.enc.Encode(r) }

// Close ends the gzip stream; it does not close the writer it was given.
func (rw *ResultsWriter) Close() error { return rw.zw.Close() }

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
