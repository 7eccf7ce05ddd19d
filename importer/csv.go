package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// readCSV reads one CSV file into ti: the encoding and the delimiter are
// detected, then records are streamed through encoding/csv.
func readCSV(name string, data []byte, opts Options, ti *tableImport) {
	if iss := contentIssue(name, sniff(data), true); iss != nil {
		ti.res.Issues = append(ti.res.Issues, *iss)
		return
	}
	text, err := decodeText(data)
	if err != nil {
		ti.res.Issues = append(ti.res.Issues, Issue{File: name, Kind: ErrBadFile,
			Problem: "the text of the file cannot be decoded: " + err.Error(),
			Action:  "Save it again from Excel as CSV UTF-8 (Comma delimited)"})
		return
	}
	if len(bytes.TrimSpace(text)) == 0 {
		ti.res.Issues = append(ti.res.Issues, Issue{File: name, Kind: ErrEmpty,
			Problem: "the file has no rows", Action: "Export the CPD records again; the copy received is blank"})
		return
	}
	at := place{file: name, opts: opts}
	delim := detectDelimiter(text, opts.HeaderScanRows, ti.sc)
	t := tableScan{at: at, sc: ti.sc, convert: ti.rowFunc(at)}
	t.run(newCSVSource(text, delim))
	ti.finishCSV(name, &t)
}

func (ti *tableImport) finishCSV(name string, t *tableScan) {
	switch t.status {
	case sheetEmpty:
		ti.res.Issues = append(ti.res.Issues, Issue{File: name, Kind: ErrEmpty,
			Problem: "the file has no rows", Action: "Export the records again; the copy received is blank"})
	case tableNone:
		ti.res.Issues = append(ti.res.Issues, Issue{File: name, Kind: ErrNoTable,
			Problem: fmt.Sprintf("no header row of %s was found in the first %d rows", ti.sc.what, t.at.opts.HeaderScanRows),
			Action:  "Check this is the right file; the header row needs columns such as " + requiredList(ti.sc)})
	case tablePartial:
		ti.res.Issues = append(ti.res.Issues, *t.problem)
	case tableFound:
		ti.res.Issues = append(ti.res.Issues, t.issues...)
		ti.res.Accounting = ti.res.Accounting.Add(t.acc)
		if t.dataRows == 0 {
			ti.res.Issues = append(ti.res.Issues, Issue{File: name, Kind: ErrEmpty,
				Problem: fmt.Sprintf("the file has a header row (row %d) but no rows of data below it", t.header.row),
				Action:  "Check this is the right file, or export the records again"})
		}
	}
}

func requiredList(sc *schema) string {
	names := make([]string, len(sc.required))
	for i, f := range sc.required {
		names[i] = fieldSpecs[f].label
	}
	return strings.Join(names, ", ")
}

// decodeText returns the file's text as UTF-8. A BOM decides UTF-8 or
// UTF-16 (Excel's "Unicode text" export is UTF-16 LE); UTF-16 without a BOM
// is recognised by its zero bytes; valid UTF-8 is taken as is; anything
// else is Windows-1252, which is what Excel on a UK Windows PC writes for
// "CSV (Comma delimited)" (£ and é are single bytes there).
func decodeText(data []byte) ([]byte, error) {
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
	// Old Mac files end lines with a lone CR, which encoding/csv does not
	// split on.
	if bytes.IndexByte(data, '\n') < 0 && bytes.IndexByte(data, '\r') >= 0 {
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	return data, nil
}

func utf16BOM(data []byte) (unicode.Endianness, bool) {
	switch {
	case bytes.HasPrefix(data, []byte("\xFF\xFE")):
		return unicode.LittleEndian, true
	case bytes.HasPrefix(data, []byte("\xFE\xFF")):
		return unicode.BigEndian, true
	}
	return unicode.LittleEndian, false
}

// looksUTF16 spots UTF-16 text without a BOM: ASCII text in UTF-16 has a
// zero in every other byte.
func looksUTF16(data []byte) bool {
	n := min(len(data), 512) &^ 1
	if n < 4 {
		return false
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if data[i] == 0 {
			even++
		}
		if data[i+1] == 0 {
			odd++
		}
	}
	half := n / 2
	return (odd*10 >= half*9 && even == 0) || (even*10 >= half*9 && odd == 0)
}

// detectDelimiter picks comma, semicolon or tab: the one that splits a top
// row into the most recognised headers. Counting delimiters alone would be
// fooled by a semicolon file full of decimal commas. With no header found,
// the most frequent one in the first line wins.
func detectDelimiter(text []byte, scanRows int, sc *schema) rune {
	head := text[:min(len(text), 64<<10)]
	best, bestFound := ',', 0
	for _, d := range []rune{',', ';', '\t'} {
		for i, rec := range splitRecords(head, d, scanRows) {
			cells := make([]cell, len(rec))
			for j, s := range rec {
				cells[j] = cell{Text: s, Raw: s}
			}
			h := matchRow(sc, cells, i+1)
			if n := h.found(sc); n > bestFound {
				best, bestFound = d, n
			}
		}
	}
	if bestFound > 0 {
		return best
	}
	first, _, _ := bytes.Cut(head, []byte("\n"))
	most := 0
	for _, d := range []rune{',', ';', '\t'} {
		if n := countOutsideQuotes(first, byte(d)); n > most {
			best, most = d, n
		}
	}
	return best
}

// splitRecords splits up to n records with a lenient quote-aware scanner,
// good enough to look for a header row.
func splitRecords(text []byte, delim rune, n int) [][]string {
	var recs [][]string
	var rec []string
	var field strings.Builder
	inQuotes := false
	for i := 0; i < len(text) && len(recs) < n; i++ {
		c := text[i]
		switch {
		case c == '"':
			inQuotes = !inQuotes
		case inQuotes:
			field.WriteByte(c)
		case rune(c) == delim:
			rec = append(rec, field.String())
			field.Reset()
		case c == '\n':
			recs = append(recs, append(rec, field.String()))
			rec = nil
			field.Reset()
		case c != '\r':
			field.WriteByte(c)
		}
	}
	if len(recs) < n && (len(rec) > 0 || field.Len() > 0) {
		recs = append(recs, append(rec, field.String()))
	}
	return recs
}

func countOutsideQuotes(line []byte, b byte) int {
	n, in := 0, false
	for _, c := range line {
		if c == '"' {
			in = !in
		} else if c == b && !in {
			n++
		}
	}
	return n
}

// newCSVSource streams records as rows numbered the way a spreadsheet
// program shows them. encoding/csv skips empty lines and a quoted cell may
// span lines, so the row number is worked out from line positions: each
// line between two records is one (blank) row, and a record is one row
// however many lines it spans.
func newCSVSource(text []byte, delim rune) rowSource {
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = -1
	var (
		off      int64 // input offset after the previous record
		lines    int   // newlines in text[:off]
		prevEnd  int   // last physical line of the previous record
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
		if start <= lastLine { // no progress: never loop on one error
			done = true
			return srcRow{}, false
		}
		lastLine = start
		next := r.InputOffset()
		lines += bytes.Count(text[off:next], []byte("\n"))
		off = next
		end := lines
		if off > 0 && text[off-1] != '\n' {
			end++ // the last line has no line end
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

// csvProblem explains a CSV syntax error in plain words.
func csvProblem(pe *csv.ParseError) error {
	switch {
	case errors.Is(pe.Err, csv.ErrQuote) && pe.Line > pe.StartLine:
		return fmt.Errorf("a cell in quotes is not closed: lines %d to %d were read as this one row, and could not be split into cells", pe.StartLine, pe.Line)
	case errors.Is(pe.Err, csv.ErrQuote):
		return fmt.Errorf("a cell in quotes has a stray double quote (\") inside it, so the row could not be split into cells")
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return fmt.Errorf("a double quote (\") appears inside a cell that is not itself in quotes, so the row could not be split into cells")
	}
	return fmt.Errorf("the row could not be split into cells (%v)", pe.Err)
}
