package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// The data rows of the streamed sheets (Summary, Activities, Import
// issues) are written here rather than by excelize's StreamWriter.SetRow,
// which was most of the tables' CPU: for every cell it parses and formats
// cell names, copies the value twice while escaping it and matches a
// regular expression, all under the lock that orders the results. The
// bytes are exactly SetRow's (TestSheetRowsAsExcelize compares them on
// every kind of value the tables write, and on random ones); excelize
// still writes everything else of the sheet, its header row included, and
// the rows are put in before its </sheetData> as the workbook is saved
// (sortedZip's inserts).

// appendSheetRow appends row number row as excelize's StreamWriter.SetRow
// writes it with cells excelize.Cell{StyleID: cols[i].style, Value:
// vals[i]} and RowOpts{Height: height}. The values are those the tables
// hold: nil, string, int, float64 and time.Time (in a styled column); any
// other is an error rather than a guess at excelize's form of it.
func appendSheetRow(b []byte, row int, vals []any, cols []column, height float64) ([]byte, error) {
	b, err := appendRowStart(b, row, height)
	if err != nil {
		return b, err
	}
	for i, v := range vals {
		var c sheetCell
		switch v := v.(type) {
		case nil:
		case string:
			c = stringCell(v)
		case int:
			c = sheetCell{kind: cellInt, i: v}
		case float64:
			c = floatCell(v)
		case time.Time:
			c = sheetCell{kind: cellTime, t: v}
		default:
			b = appendCellStart(b, i, row, cols)
			return b, fmt.Errorf("internal error, please report it: a workbook cell of type %T", v)
		}
		if b, err = appendCell(b, i, row, &c, cols); err != nil {
			return b, err
		}
	}
	return append(b, `</row>`...), nil
}

// sheetCell is one value of a row as appendSheetRow's vals hold it (nil,
// string, int, float64 or time.Time), without an interface: boxing the
// cells of every Activities row was 12% of a run's allocations.
type sheetCell struct {
	kind cellKind
	s    string
	i    int
	f    float64
	t    time.Time
}

type cellKind uint8

const (
	cellNil cellKind = iota
	cellString
	cellInt
	cellFloat
	cellTime
)

func stringCell(s string) sheetCell       { return sheetCell{kind: cellString, s: s} }
func floatCell(f float64) sheetCell       { return sheetCell{kind: cellFloat, f: f} }
func timeCell(t time.Time) sheetCell      { return sheetCell{kind: cellTime, t: t} }
func (c *sheetCell) text() (string, bool) { return c.s, c.kind == cellString }

// appendSheetCells is appendSheetRow for cells already typed.
func appendSheetCells(b []byte, row int, cells []sheetCell, cols []column, height float64) ([]byte, error) {
	b, err := appendRowStart(b, row, height)
	if err != nil {
		return b, err
	}
	for i := range cells {
		if b, err = appendCell(b, i, row, &cells[i], cols); err != nil {
			return b, err
		}
	}
	return append(b, `</row>`...), nil
}

func appendRowStart(b []byte, row int, height float64) ([]byte, error) {
	if height > excelize.MaxRowHeight {
		return b, excelize.ErrMaxRowHeight
	}
	b = append(b, `<row r="`...)
	b = strconv.AppendInt(b, int64(row), 10)
	b = append(b, '"')
	if height > 0 {
		b = append(b, ` ht="`...)
		b = strconv.AppendFloat(b, height, 'f', -1, 64)
		b = append(b, `" customHeight="1"`...)
	}
	return append(b, '>'), nil
}

// appendCellStart opens column i's cell: its name and style.
func appendCellStart(b []byte, i, row int, cols []column) []byte {
	b = append(b, `<c r="`...)
	b = appendCellName(b, i+1, row)
	b = append(b, '"')
	if s := cols[i].style; s != 0 {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(s), 10)
		b = append(b, '"')
	}
	return b
}

// appendCell appends cell c of column i as SetRow writes it.
func appendCell(b []byte, i, row int, c *sheetCell, cols []column) ([]byte, error) {
	b = appendCellStart(b, i, row, cols)
	switch c.kind {
	case cellNil:
		b = append(b, '>')
	case cellString:
		b = appendInlineString(b, c.s)
	case cellInt:
		b = append(b, `><v>`...)
		b = strconv.AppendInt(b, int64(c.i), 10)
		b = append(b, `</v>`...)
	case cellFloat:
		v := c.f
		if math.IsNaN(v) || math.IsInf(v, 0) {
			b = appendInlineString(b, fmt.Sprint(v))
			break
		}
		b = append(b, `><v>`...)
		b = append(b, formatCellFloat(v)...)
		b = append(b, `</v>`...)
	case cellTime:
		if cols[i].style == 0 {
			// excelize would add a date style to the workbook.
			return b, fmt.Errorf("internal error, please report it: a workbook date in a column without a style")
		}
		b = appendCellTime(b, c.t)
	default:
		return b, fmt.Errorf("internal error, please report it: a workbook cell of kind %d", c.kind)
	}
	return append(b, `</c>`...), nil
}

// appendCellName appends a cell's name, A1 style, as
// excelize.CoordinatesToCellName makes it.
func appendCellName(b []byte, col, row int) []byte {
	var letters [8]byte
	n := len(letters)
	for col > 0 {
		col--
		n--
		letters[n] = byte('A' + col%26)
		col /= 26
	}
	b = append(b, letters[n:]...)
	return strconv.AppendInt(b, int64(row), 10)
}

// appendInlineString finishes a cell's start tag and writes s as an
// inline string, as excelize's setInlineStr and writeCell do: cut to
// Excel's 32,767 UTF-16 units, XML-escaped but for line feeds, Excel's
// _xHHHH_ escapes escaped, and xml:space="preserve" when it starts or
// ends with white space.
func appendInlineString(b []byte, s string) []byte {
	if len(s) > excelize.TotalCellChars && countUTF16(s) > excelize.TotalCellChars {
		s = truncateUTF16(s, excelize.TotalCellChars)
	}
	b = append(b, ` t="inlineStr"><is><t`...)
	if s != "" && (isXMLSpace(s[0]) || isXMLSpace(s[len(s)-1])) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	if e, ok := appendXMLText(b, s); ok {
		b = e
	} else {
		var sb strings.Builder
		_ = xml.EscapeText(&sb, []byte(s))
		b = append(b, bstrMarshal(strings.ReplaceAll(sb.String(), "&#xA;", "\n"))...)
	}
	return append(b, `</t></is>`...)
}

// appendXMLText appends s as the slow path of appendInlineString writes
// it (xml.EscapeText, then its "&#xA;" put back to line feeds) in one
// pass and without copies. ok is false, with nothing appended, for text
// it leaves to that path: an underscore, which may start one of Excel's
// _xHHHH_ escapes, and whatever EscapeText turns into U+FFFD (control
// characters, invalid UTF-8, U+FFFE). Reflections have apostrophes and
// accents, which sent nearly all of them there.
func appendXMLText(b []byte, s string) ([]byte, bool) {
	n, last := len(b), 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, w := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && w == 1 || !(r >= 0x80 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
				return b[:n], false
			}
			i += w
			continue
		}
		i++
		var esc string
		switch c {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\r':
			esc = "&#xD;"
		case '_':
			return b[:n], false
		default:
			if c < 0x20 && c != '\n' {
				return b[:n], false
			}
			continue
		}
		b = append(b, s[last:i-1]...)
		b = append(b, esc...)
		last = i
	}
	return append(b, s[last:]...), true
}

func isXMLSpace(c byte) bool { return c == '\t' || c == '\n' || c == '\r' || c == ' ' }

func countUTF16(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func truncateUTF16(s string, length int) string {
	n := 0
	for i, r := range s {
		if n += utf16.RuneLen(r); n > length {
			return s[:i]
		}
	}
	return s
}

var (
	bstrExp       = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)
	bstrEscapeExp = regexp.MustCompile(`x[a-fA-F\d]{4}_`)
)

// bstrMarshal escapes the text of s that Excel would read as its
// _xHHHH_ escape of a character, as excelize's bstrMarshal does (it is
// that function, from excelize v2.11.1, BSD 3-clause licence).
func bstrMarshal(s string) (result string) {
	if !strings.Contains(s, "_x") {
		return s // no match of bstrExp is possible
	}
	matches, l, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	for _, match := range matches {
		result += s[cursor:match[0]]
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			if match[1]+6 <= l && bstrEscapeExp.MatchString(s[match[1]:match[1]+6]) {
				_, err := strconv.Unquote(`"\u` + s[match[1]+1:match[1]+5] + `"`)
				if err == nil {
					result += subStr + "x005F" + subStr
					continue
				}
			}
			result += subStr + "x005F_"
			continue
		}
		if bstrExp.MatchString(subStr) {
			cursor = match[1]
			if _, err := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`); err == nil {
				result += "_x005F" + subStr
				continue
			}
		}
	}
	if cursor < l {
		result += s[cursor:]
	}
	return result
}

// formatCellFloat is excelize's form of a float64 cell: as many decimals
// as it needs, cut to 15 significant digits (excelize's formatCellFloat
// with precision -1).
func formatCellFloat(value float64) string {
	str := strconv.FormatFloat(value, 'f', -1, 64)
	if math.Abs(value) == math.MaxFloat64 {
		return str
	}
	const maxPrec = 15
	decimal := strings.IndexByte(str, '.')
	significant := 0
	for idx := range str {
		if str[idx] < '0' || str[idx] > '9' || significant == 0 && str[idx] == '0' {
			continue
		}
		significant++
		if significant <= maxPrec {
			continue
		}
		if decimal >= 0 && idx > decimal {
			return strings.TrimSuffix(str[:idx], ".")
		}
		if decimal < 0 {
			decimal = len(str)
		}
		truncated := []byte(str[:decimal])
		for ; idx < len(truncated); idx++ {
			truncated[idx] = '0'
		}
		return string(truncated)
	}
	return str
}

// Excel's day zero and the day after its fictitious 29 February 1900, as
// excelize counts them (1900 date system: the workbook is new).
var (
	excelMinTime1900      = time.Date(1899, time.December, 31, 0, 0, 0, 0, time.UTC)
	excelBuggyPeriodStart = time.Date(1900, time.March, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)
)

const (
	dayNanoseconds = 24 * time.Hour
	maxDuration    = 290 * 364 * dayNanoseconds
)

// appendCellTime finishes a date cell as excelize's StreamWriter writes a
// time.Time in a styled cell: the Excel serial day of its wall clock, or
// before 1900 the RFC 3339 text as an inline string.
func appendCellTime(b []byte, value time.Time) []byte {
	_, offset := value.In(value.Location()).Zone()
	value = value.Add(time.Duration(offset) * time.Second)
	if x := excelTime(value); x > 0 {
		b = append(b, `><v>`...)
		b = strconv.AppendFloat(b, x, 'f', -1, 64)
		return append(b, `</v>`...)
	}
	s := value.Format(time.RFC3339Nano)
	b = append(b, ` t="inlineStr"><is><t`...)
	if s != "" && (isXMLSpace(s[0]) || isXMLSpace(s[len(s)-1])) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	b = append(b, s...)
	return append(b, `</t></is>`...)
}

// excelTime is excelize's timeToExcelTime in the 1900 date system.
func excelTime(t time.Time) float64 {
	date := excelMinTime1900
	if t.Before(date) {
		return 0
	}
	tt, diff, result := t, t.Sub(date), 0.0
	for diff >= maxDuration {
		result += float64(maxDuration / dayNanoseconds)
		tt = tt.Add(-maxDuration)
		diff = tt.Sub(date)
	}
	rem := diff % dayNanoseconds
	result += float64(diff-rem)/float64(dayNanoseconds) + float64(rem)/float64(dayNanoseconds)
	if t.After(excelBuggyPeriodStart) {
		result++
	}
	return result
}

// rowSpool holds a sheet's data rows until the workbook is saved: in
// memory up to rowSpoolChunk bytes, then in a temporary file, as excelize's
// stream writer held them, so memory does not grow with the membership.
// The memory is blocks of a fixed size, reused once written to the file:
// a buffer grown by doubling copied and cleared every byte again at each
// growth, a third of the tables' CPU.
type rowSpool struct {
	dir     string
	blocks  [][]byte // the rows held in memory; only the last is not full
	free    [][]byte // empty blocks to reuse
	held    int      // bytes in blocks
	file    *os.File
	written int64 // bytes in file
	err     error
}

// rowSpoolChunk is excelize's StreamChunkSize, in blocks of rowBlock
// bytes (variables for a test).
var rowSpoolChunk, rowBlock = excelize.StreamChunkSize, 1 << 20

func (s *rowSpool) write(p []byte) error {
	if s.err != nil {
		return s.err
	}
	for len(p) > 0 {
		n := len(s.blocks)
		if n == 0 || len(s.blocks[n-1]) == cap(s.blocks[n-1]) {
			var b []byte
			if k := len(s.free); k > 0 {
				b, s.free = s.free[k-1], s.free[:k-1]
			} else {
				b = make([]byte, 0, rowBlock)
			}
			s.blocks = append(s.blocks, b)
			n++
		}
		last := &s.blocks[n-1]
		k := min(len(p), cap(*last)-len(*last))
		*last = append(*last, p[:k]...)
		p = p[k:]
		s.held += k
	}
	if s.held < rowSpoolChunk {
		return nil
	}
	if s.file == nil {
		if s.file, s.err = os.CreateTemp(s.dir, "cpdaudit-rows-"); s.err != nil {
			return s.err
		}
	}
	for _, b := range s.blocks {
		var n int
		n, s.err = s.file.Write(b)
		s.written += int64(n)
		if s.err != nil {
			return s.err
		}
		s.free = append(s.free, b[:0])
	}
	s.blocks, s.held = s.blocks[:0], 0
	return nil
}

// reader returns every row written, in order.
func (s *rowSpool) reader() (io.Reader, error) {
	if s.err != nil {
		return nil, s.err
	}
	parts := make([]io.Reader, 0, len(s.blocks)+1)
	if s.file != nil {
		parts = append(parts, io.NewSectionReader(s.file, 0, s.written))
	}
	for _, b := range s.blocks {
		parts = append(parts, bytes.NewReader(b))
	}
	return io.MultiReader(parts...), nil
}

// close removes the temporary file.
func (s *rowSpool) close() error {
	s.blocks, s.free = nil, nil
	if s.file == nil {
		return nil
	}
	name := s.file.Name()
	err := errors.Join(s.file.Close(), os.Remove(name))
	s.file = nil
	return err
}

// rowSink takes a table's data rows in order: a rowSpool, or a
// deflateRows for the sheet compressed as it is written.
type rowSink interface {
	write(p []byte) error
}

// deflateRows compresses the rows of the first Activities sheet, the
// workbook's largest part by far, into its zip entry as they are written,
// in a goroutine of its own: on the run's other core while the members
// are audited, instead of on one core after the last of them (0.8 s of
// a 10,000-member run). The rows are handed over in blocks; a few blocks
// are in flight at most.
type deflateRows struct {
	e      *zipEntry
	cur    []byte
	full   chan []byte // blocks to compress, in order
	free   chan []byte // blocks compressed, to reuse
	blocks int         // blocks made so far
	done   chan struct{}
	mu     sync.Mutex
	err    error // the entry's first write error
	closed bool
}

// deflateBlocks is how many blocks of rows may be in flight.
const deflateBlocks = 4

func newDeflateRows(e *zipEntry) *deflateRows {
	d := &deflateRows{e: e, full: make(chan []byte, deflateBlocks), free: make(chan []byte, deflateBlocks), done: make(chan struct{})}
	go func() {
		defer close(d.done)
		for b := range d.full {
			if d.failed() == nil {
				if _, err := d.e.Write(b); err != nil {
					d.mu.Lock()
					d.err = err
					d.mu.Unlock()
				}
			}
			d.free <- b[:0] // never blocks: it holds every block made
		}
	}()
	return d
}

func (d *deflateRows) failed() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.err
}

func (d *deflateRows) write(p []byte) error {
	if err := d.failed(); err != nil {
		return err
	}
	if d.cur == nil {
		d.cur = d.block()
	}
	d.cur = append(d.cur, p...)
	if len(d.cur) >= rowBlock {
		d.full <- d.cur
		d.cur = nil
	}
	return nil
}

// block returns an empty block: a new one while fewer than deflateBlocks
// are made, else one compressed (waiting for it if need be).
func (d *deflateRows) block() []byte {
	select {
	case b := <-d.free:
		return b
	default:
	}
	if d.blocks < deflateBlocks {
		d.blocks++
		return make([]byte, 0, rowBlock+rowBlock/4)
	}
	return <-d.free
}

// finish compresses what is left and waits for it.
func (d *deflateRows) finish() error {
	if !d.closed {
		d.closed = true
		if len(d.cur) > 0 {
			d.full <- d.cur
		}
		d.cur = nil
		close(d.full)
	}
	<-d.done
	return d.failed()
}

// sheetInserts are the data rows of a workbook's streamed tables, by the
// zip entry of their sheet.
type sheetInserts struct {
	dir    string // for the spools' temporary files
	spools map[string]*rowSpool
	order  []string
	// zip is the workbook's archive when a sheet is compressed as its
	// rows are written: the sheet whose entry is early's key, with
	// early's bytes as excelize starts it.
	zip   *sortedZip
	early map[string][]byte
	sinks []*deflateRows
}

// sheetPath is where excelize keeps sheet, a sheet just made by NewSheet
// (or the renamed first sheet): xl/worksheets/sheetN.xml for its sheet ID
// N. Should a later excelize name it otherwise, saving fails rather than
// drop the rows (sortedZip checks that every insert found its entry).
func sheetPath(f *excelize.File, sheet string) (string, error) {
	id := 0
	if f.WorkBook != nil {
		for _, s := range f.WorkBook.Sheets.Sheet {
			if s.Name == sheet {
				id = s.SheetID
			}
		}
	}
	if id == 0 {
		return "", fmt.Errorf("internal error, please report it: no sheet %q in the new workbook", sheet)
	}
	return "xl/worksheets/sheet" + strconv.Itoa(id) + ".xml", nil
}

// add starts the rows of sheet.
func (ins *sheetInserts) add(f *excelize.File, sheet string) (rowSink, error) {
	path, err := sheetPath(f, sheet)
	if err != nil {
		return nil, err
	}
	if ins.spools[path] != nil {
		return nil, fmt.Errorf("internal error, please report it: two tables in %s", path)
	}
	if prefix, ok := ins.early[path]; ok && ins.zip != nil {
		delete(ins.early, path)
		e, err := ins.zip.startEntry(path, prefix)
		if err != nil {
			return nil, err
		}
		d := newDeflateRows(e)
		ins.sinks = append(ins.sinks, d)
		return d, nil
	}
	if ins.spools == nil {
		ins.spools = map[string]*rowSpool{}
	}
	s := &rowSpool{dir: ins.dir}
	ins.spools[path] = s
	ins.order = append(ins.order, path)
	return s, nil
}

// finish waits for the sheets being compressed.
func (ins *sheetInserts) finish() error {
	var err error
	for _, d := range ins.sinks {
		err = errors.Join(err, d.finish())
	}
	return err
}

// readers returns each spooled sheet's rows by entry name; nil for none.
func (ins *sheetInserts) readers() (map[string]io.Reader, error) {
	if ins == nil || len(ins.spools) == 0 {
		return nil, nil
	}
	out := make(map[string]io.Reader, len(ins.spools))
	for path, s := range ins.spools {
		r, err := s.reader()
		if err != nil {
			return nil, err
		}
		out[path] = r
	}
	return out, nil
}

// close stops the compressing, removes the spools' temporary files and
// drops the archive, unless it was written.
func (ins *sheetInserts) close() {
	if ins == nil {
		return
	}
	ins.finish()
	for _, path := range ins.order {
		ins.spools[path].close()
	}
	if ins.zip != nil {
		ins.zip.abandon()
	}
}
