package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// The CSV reader as it was before it streamed (issue 6), which held the
// whole file and its decoded text in memory. The streaming reader must
// give exactly its rows, lines and issues; these tests compare the two.

func oldSniff(data []byte) contentKind {
	switch {
	case len(data) == 0:
		return contentEmpty
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		if bytes.Contains(data[:min(len(data), 100)], []byte("application/vnd.oasis.opendocument")) {
			return contentODS
		}
		return contentZip
	case bytes.HasPrefix(data, oleMagic):
		if bytes.Contains(data, encryptedPackage) {
			return contentEncrypted
		}
		return contentOLE
	case bytes.HasPrefix(data, []byte("%PDF")):
		return contentPDF
	case bytes.HasPrefix(data, []byte("\x89PNG")), bytes.HasPrefix(data, []byte("\xFF\xD8\xFF")),
		bytes.HasPrefix(data, []byte("GIF8")):
		return contentImage
	}
	if looksUTF32(data) {
		return contentUTF32
	}
	if _, ok := utf16BOM(data); ok || looksUTF16(data) {
		return contentText
	}
	head := data[:min(len(data), 8192)]
	if bytes.IndexByte(head, 0) >= 0 {
		if textApartFromNUL(head) {
			return contentNULText
		}
		return contentBinary
	}
	return contentText
}

// oldCSVRows is the old readCSV up to its rows.
func oldCSVRows(name string, data []byte, opts Options, sc *schema) (rowSource, *Issue) {
	next, _, iss := oldCSVTable(name, data, opts, sc)
	return next, iss
}

// oldCSVTable is oldCSVRows that also gives the delimiter.
func oldCSVTable(name string, data []byte, opts Options, sc *schema) (rowSource, rune, *Issue) {
	if iss := contentIssue(name, oldSniff(data), true); iss != nil {
		return nil, 0, iss
	}
	text, err := oldDecodeText(data)
	if err != nil {
		return nil, 0, &Issue{File: name, Kind: ErrBadFile,
			Problem: "the text of the file cannot be decoded: " + err.Error(),
			Action:  "Save it again from Excel as CSV UTF-8 (Comma delimited)"}
	}
	if len(bytes.TrimSpace(text)) == 0 {
		return nil, 0, &Issue{File: name, Kind: ErrEmpty,
			Problem: "the file has no rows", Action: "Export the CPD records again; the copy received is blank"}
	}
	delim := detectDelimiter(text, opts.HeaderScanRows, sc)
	return oldNewCSVSource(text, delim), delim, nil
}

func oldDecodeText(data []byte) ([]byte, error) {
	var enc encoding.Encoding
	switch bom, ok := utf16BOM(data); {
	case bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")):
		data = data[3:]
	case ok:
		enc = unicode.UTF16(bom, unicode.ExpectBOM)
	case looksUTF16(data):
		if data[0] == 0 {
			enc = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
		} else {
			enc = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
		}
	case !utf8.Valid(data):
		enc = charmap.Windows1252
	}
	if enc != nil {
		out, _, err := transform.Bytes(enc.NewDecoder(), data)
		if err != nil {
			return nil, err
		}
		data = out
	}
	if bytes.IndexByte(data, '\n') < 0 && bytes.IndexByte(data, '\r') >= 0 {
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	return data, nil
}

func oldNewCSVSource(text []byte, delim rune) rowSource {
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = -1
	var (
		off      int64
		lines    int
		prevEnd  int
		prevRow  int
		done     bool
		lastLine = -1
	)
	return func() (srcRow, bool) {
		if done {
			return srcRow{}, false
		}
		rec, err := r.Read()
		if err == io.EOF {
			done = true
			return srcRow{}, false
		}
		var start int
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			start = pe.StartLine
		case err != nil:
			done = true
			return srcRow{}, false
		default:
			start, _ = r.FieldPos(0)
		}
		if start <= lastLine {
			done = true
			return srcRow{}, false
		}
		lastLine = start
		next := r.InputOffset()
		lines += bytes.Count(text[off:next], []byte("\n"))
		off = next
		end := lines
		if off > 0 && text[off-1] != '\n' {
			end++
		}
		row := prevRow + start - prevEnd
		prevRow, prevEnd = row, end
		out := srcRow{row: row, line: start}
		if err != nil {
			out.err = csvProblem(pe)
			return out, true
		}
		out.cells = make([]cell, len(rec))
		for i, s := range rec {
			out.cells[i] = cell{Text: s, Raw: s}
		}
		return out, true
	}
}
