package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	uni "unicode"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// readCSV reads one CSV file into ti: the encoding and the delimiter are
// detected, then records are streamed through encoding/csv. The text is
// decoded as it is read; no more than a buffer of it is held at a time.
func readCSV(in *input, opts Options, ti *tableImport) {
	next, delim, iss := csvTable(in, opts, ti.sc)
	if iss != nil {
		ti.res.Issues = append(ti.res.Issues, *iss)
		return
	}
	at := place{file: in.name, opts: opts, delim: delim}
	t := tableScan{at: at, sc: ti.sc, convert: ti.rowFunc(at)}
	t.run(next)
	ti.finishCSV(in.name, &t)
	ti.finish()
}

// csvRows checks a CSV file's content and returns its rows, or the one
// issue that stops it being read.
func csvRows(in *input, opts Options, sc *schema) (rowSource, *Issue) {
	next, _, iss := csvTable(in, opts, sc)
	return next, iss
}

// csvTable is csvRows that also gives the delimiter.
func csvTable(in *input, opts Options, sc *schema) (rowSource, rune, *Issue) {
	name := in.name
	if iss := contentIssue(name, sniff(in), true); iss != nil {
		return nil, 0, iss
	}
	undecodable := func(err error) *Issue {
		return &Issue{File: name, Kind: ErrBadFile,
			Problem: "the text of the file cannot be decoded: " + err.Error(),
			Action:  "Save it again from Excel as CSV UTF-8 (Comma delimited)"}
	}
	enc, skip := textEncoding(in)
	// A look ahead through the text: whether it is all blank, and whether
	// it has old Mac line ends. It stops at the first line end after the
	// first character that is not a space, which for a real file is in
	// its first line.
	blank, oldMac, err := probeText(decodeText(in, enc, skip, false))
	if err != nil {
		return nil, 0, undecodable(err)
	}
	if blank {
		return nil, 0, &Issue{File: name, Kind: ErrEmpty,
			Problem: "the file has no rows", Action: "Export the CPD records again; the copy received is blank"}
	}
	text := decodeText(in, enc, skip, oldMac)
	// The delimiter is chosen from the start of the text, which is then
	// put back in front of the rest.
	head := make([]byte, delimScanSize)
	n, err := io.ReadFull(text, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, 0, undecodable(err)
	}
	head = head[:n]
	delim := detectDelimiter(head, opts.HeaderScanRows, sc)
	return newCSVSource(io.MultiReader(bytes.NewReader(head), text), delim), delim, nil
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
		ti.res.Notices = append(ti.res.Notices, t.notices...)
		ti.tableFound(t)
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

// textEncoding decides how the file's bytes are decoded: enc nil means
// they are UTF-8 already, skip is a BOM to leave out. A BOM decides UTF-8
// or UTF-16 (Excel's "Unicode text" export is UTF-16 LE); UTF-16 without
// a BOM is recognised by its zero bytes; valid UTF-8 is taken as is;
// anything else is Windows-1252, which is what Excel on a UK Windows PC
// writes for "CSV (Comma delimited)" (£ and é are single bytes there).
func textEncoding(in *input) (enc encoding.Encoding, skip int64) {
	data := in.head
	switch bom, ok := utf16BOM(data); {
	case bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")):
		return nil, 3
	case ok:
		return unicode.UTF16(bom, unicode.ExpectBOM), 0
	case looksUTF16(data):
		if data[0] == 0 {
			return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), 0
		}
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), 0
	case !in.validUTF8:
		return charmap.Windows1252, 0
	}
	return nil, 0
}

// decodeText streams the file's text as UTF-8, from the start each time
// it is called. Old Mac files end lines with a lone CR, which encoding/csv
// does not split on: with oldMac, CRs become LFs.
func decodeText(in *input, enc encoding.Encoding, skip int64, oldMac bool) io.Reader {
	var r io.Reader = bufio.NewReaderSize(io.NewSectionReader(in.r, skip, in.size-skip), bufSize)
	if enc != nil {
		r = transform.NewReader(r, enc.NewDecoder())
	}
	if oldMac {
		r = crToLF{r}
	}
	return r
}

// probeText reads as much of the text as it takes to tell whether it is
// blank (nothing but white space, as bytes.TrimSpace sees it) and whether
// it has old Mac line ends: a CR but no LF anywhere.
func probeText(r io.Reader) (blank, oldMac bool, err error) {
	br := bufio.NewReaderSize(r, bufSize)
	var lf, cr bool
	for {
		c, _, err := br.ReadRune()
		if err == io.EOF {
			return true, false, nil
		}
		if err != nil {
			return false, false, err
		}
		lf = lf || c == '\n'
		cr = cr || c == '\r'
		if !uni.IsSpace(c) {
			break
		}
	}
	buf := make([]byte, bufSize)
	for !lf {
		n, err := br.Read(buf)
		lf = bytes.IndexByte(buf[:n], '\n') >= 0
		cr = cr || bytes.IndexByte(buf[:n], '\r') >= 0
		if err == io.EOF {
			break
		}
		if err != nil {
			return false, false, err
		}
	}
	return false, !lf && cr, nil
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
// the most frequent one in the first line wins. It looks at the first
// delimScanSize bytes of the text.
func detectDelimiter(text []byte, scanRows int, sc *schema) rune {
	head := text[:min(len(text), delimScanSize)]
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
func newCSVSource(text io.Reader, delim rune) rowSource {
	li := newLineIndex(text)
	r := csv.NewReader(bufio.NewReaderSize(li, bufSize))
	r.Comma = delim
	r.FieldsPerRecord = -1
	var (
		lines    int // newlines before the end of the previous record
		prevEnd  int // last physical line of the previous record
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
		off := r.InputOffset()
		n, endsLine := li.take(off)
		lines += n
		end := lines
		if off > 0 && !endsLine {
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
