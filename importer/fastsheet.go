package importer

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/xuri/excelize/v2"
)

// The fast sheet reader. excelize's row iterator decodes a sheet with
// encoding/xml at about 24 MB/s of XML; a large export (10,000 members:
// 170 MB of XML) spent most of its import there, on one core. This reader
// inflates the sheet's part itself, cuts it into pieces of whole rows and
// parses the pieces on every core with xmlScan, then hands the rows over
// in order: one goroutine inflates and cuts, the others parse, and the
// importer's own goroutine turns rows into activities meanwhile.
//
// excelize stays the reference. The reader gives exactly the values
// Rows.Columns gives (stored and, when the importer asks for them, shown),
// row for row and column for column (fastsheet_test.go compares every
// cell of every fixture, of generated workbooks and of fuzzed sheets), and
// whatever it does not understand (markup it does not know, a value it
// cannot be sure of) it does not guess: from the first row it cannot read,
// the rest of the sheet is read by excelize.

// workbookRows opens the sheets of one workbook for reading.
type workbookRows struct {
	f         *excelize.File
	withShown bool
	zr        *zip.Reader // nil: every sheet is read by excelize
	parts     map[string]*zip.File
	// sheetParts: each sheet's part, by lower-case name (see mapSheets)
	sheetParts map[string]*zip.File
	sst        []string // the shared strings, as excelize gives them
	sstOK      bool     // false: the fast reader is not used
	fmt        *cellFormatter
	why        string // why the fast reader is not used, for tests
	fast       int    // sheets read by the fast reader to the end (tests)

	// stubbed: the sheet parts (by name) f was opened without (see
	// readWorkbook): excelize holds an empty sheet in their place, and
	// whatever needs their content from excelize asks realFile.
	stubbed map[string]bool
	// measured: the stubbed parts the fast reader inflated to their end
	// with their rows measured (see spanMeter) and their checksum right.
	measured map[string]bool
	// openReal measures the rows of the stubbed parts not measured yet,
	// then opens the whole workbook; its error is a *refusal.
	openReal func(unmeasured map[string]bool) (*excelize.File, error)
	real     *excelize.File
	realErr  error
	rowIssue func(part string, n int) error // a row of a stubbed part over the limit
	maxRow   int64
	done     <-chan struct{}
}

// refusal ends the reading of a workbook with one issue, and nothing read
// from it is kept: what the checks before excelize's opening would have
// said had they measured the stubbed sheets first.
type refusal struct{ iss Issue }

func (r *refusal) Error() string { return r.iss.Problem }

// unmeasured lists the stubbed parts the fast reader has not measured.
func (w *workbookRows) unmeasured() map[string]bool {
	var out map[string]bool
	for name := range w.stubbed {
		if !w.measured[name] {
			if out == nil {
				out = map[string]bool{}
			}
			out[name] = true
		}
	}
	return out
}

// realFile is the workbook as excelize reads it whole: f itself when no
// sheet was stubbed, else opened once, after the stubbed parts' rows are
// measured as checkArchive measures them.
func (w *workbookRows) realFile() (*excelize.File, error) {
	if len(w.stubbed) == 0 {
		return w.f, nil
	}
	if w.real == nil && w.realErr == nil {
		w.real, w.realErr = w.openReal(w.unmeasured())
	}
	return w.real, w.realErr
}

// fileFor is the excelize workbook that holds a sheet's content: realFile
// when the sheet's part is stubbed (or not known), else f.
func (w *workbookRows) fileFor(sheet string) (*excelize.File, error) {
	if len(w.stubbed) == 0 {
		return w.f, nil
	}
	if w.sheetParts == nil && w.parts != nil && w.f.WorkBook != nil {
		w.mapSheets()
	}
	if part := w.sheetParts[strings.ToLower(sheet)]; part != nil && !w.stubbed[part.Name] {
		return w.f, nil
	}
	return w.realFile()
}

// openWorkbookRows prepares the fast reader for f, whose bytes r holds.
// It never fails: a workbook the fast reader cannot read is read by
// excelize.
func openWorkbookRows(f *excelize.File, r io.ReaderAt, size int64, withShown, date1904 bool) *workbookRows {
	w := &workbookRows{f: f, withShown: withShown}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		w.why = "zip: " + err.Error()
		return w
	}
	w.parts = make(map[string]*zip.File, len(zr.File))
	for _, zf := range zr.File {
		name := strings.ReplaceAll(zf.Name, "\\", "/")
		if _, dup := w.parts[name]; dup {
			w.why = "two parts of one name"
			return w
		}
		w.parts[name] = zf
	}
	if !w.loadSharedStrings() {
		return w
	}
	w.zr = zr
	w.fmt = newCellFormatter(f, date1904)
	if !w.resolveEscapes() {
		w.zr = nil
	}
	return w
}

func (w *workbookRows) close() {
	if w.fmt != nil {
		w.fmt.close()
	}
	if w.real != nil {
		_ = w.real.Close()
	}
}

// rows opens one sheet: the fast reader when it can read it, else
// excelize's iterators.
func (w *workbookRows) rows(sheet string) (sheetRows, error) {
	if w.zr != nil {
		if part, ok := w.sheetPart(sheet); ok {
			return w.openFast(sheet, part), nil
		}
	}
	f, err := w.fileFor(sheet)
	if err != nil {
		return nil, err
	}
	return openExcelizeRows(f, sheet, w.withShown, 0)
}

// sheetPart finds the part holding a sheet, as excelize's sheet map does:
// the workbook's sheet of that name (case ignored), its relationship, the
// target resolved against the workbook's folder. A sheet already parsed
// by excelize is read from excelize's copy, not the file.
func (w *workbookRows) sheetPart(sheet string) (*zip.File, bool) {
	if w.f.WorkBook == nil {
		return nil, false
	}
	if w.sheetParts == nil {
		w.mapSheets()
	}
	part, ok := w.sheetParts[strings.ToLower(sheet)]
	if !ok || part == nil {
		return nil, false
	}
	if ws, ok := w.f.Sheet.Load(strings.ReplaceAll(part.Name, "\\", "/")); ok && ws != nil {
		return nil, false
	}
	return part, true
}

// mapSheets finds every sheet's part once (a workbook may have thousands
// of sheets). Two sheets whose names differ only in case get no part.
func (w *workbookRows) mapSheets() {
	w.sheetParts = map[string]*zip.File{}
	wbPath := ""
	for _, rel := range w.relationships("_rels/.rels") {
		if rel.Type == excelize.SourceRelationshipOfficeDocument {
			wbPath = strings.TrimPrefix(rel.Target, "/")
			break
		}
	}
	relsPath := "_rels/" + filepath.Base(wbPath) + ".rels"
	if dir := filepath.Dir(wbPath); dir != "." {
		relsPath = strings.TrimPrefix(dir+"/_rels/"+filepath.Base(wbPath)+".rels", "/")
	}
	rels := w.relationships(relsPath)
	for _, s := range w.f.WorkBook.Sheets.Sheet {
		key := strings.ToLower(s.Name)
		if _, dup := w.sheetParts[key]; dup {
			w.sheetParts[key] = nil
			continue
		}
		var part *zip.File
		for _, rel := range rels {
			if rel.ID != s.ID {
				continue
			}
			path := filepath.ToSlash(strings.TrimPrefix(strings.ReplaceAll(filepath.Clean(fmt.Sprintf("%s/%s", filepath.Dir(wbPath), rel.Target)), "\\", "/"), "/"))
			if strings.HasPrefix(rel.Target, "/") {
				path = filepath.ToSlash(strings.TrimPrefix(strings.ReplaceAll(filepath.Clean(rel.Target), "\\", "/"), "/"))
			}
			if zf, ok := w.parts[path]; ok {
				part = zf
			}
		}
		w.sheetParts[key] = part
	}
}

type relationship struct {
	ID     string `xml:"Id,attr"`
	Target string `xml:"Target,attr"`
	Type   string `xml:"Type,attr"`
}

// relationships reads a relationships part that excelize holds in memory.
func (w *workbookRows) relationships(path string) []relationship {
	b, ok := w.f.Pkg.Load(path)
	if !ok {
		return nil
	}
	data, _ := b.([]byte)
	var rels struct {
		Rel []relationship `xml:"Relationship"`
	}
	if err := xml.Unmarshal(data, &rels); err != nil {
		return nil
	}
	return rels.Rel
}

// loadSharedStrings reads the shared strings table, if there is one, as
// excelize reads it; false when it cannot be read with certainty.
func (w *workbookRows) loadSharedStrings() bool {
	var part *zip.File
	for name, zf := range w.parts {
		if strings.EqualFold(name, "xl/sharedStrings.xml") {
			part = zf
		}
	}
	w.sstOK = true
	if part == nil {
		return true
	}
	rc, err := part.Open()
	if err != nil {
		w.why, w.sstOK = "shared strings: "+err.Error(), false
		return false
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		w.why, w.sstOK = "shared strings: "+err.Error(), false
		return false
	}
	if bytes.Contains(data, []byte("purl.oclc.org")) {
		// excelize rewrites strict OOXML namespaces in the text first.
		w.why, w.sstOK = "strict OOXML shared strings", false
		return false
	}
	sst, why := parseSharedStrings(data)
	if why != "" {
		w.why, w.sstOK = "shared strings: "+why, false
		return false
	}
	w.sst = sst
	return true
}

const spreadsheetNS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

// parseSharedStrings reads an sst part into its strings (before
// bstrUnmarshal, which resolveEscapes applies). It gives a reason when it
// cannot be sure excelize would read the same.
func parseSharedStrings(data []byte) ([]string, string) {
	s := &xmlScan{b: data}
	var root xtag
	if !s.prolog(&root) {
		return nil, s.why
	}
	if string(root.local) != "sst" {
		return nil, "the root is not <sst>"
	}
	// xlsxSST names its element in the main namespace; encoding/xml
	// checks it.
	nsAttr := "xmlns"
	if len(root.full) > len(root.local) {
		nsAttr = "xmlns:" + string(root.full[:len(root.full)-len(root.local)-1])
	}
	ns := ""
	for k := range root.attrs {
		if string(root.attrs[k].full) == nsAttr {
			v, ok := s.attrValue(&root.attrs[k])
			if !ok {
				return nil, s.why
			}
			ns = string(v)
		}
	}
	if ns != spreadsheetNS {
		return nil, "the shared strings are not in the spreadsheet namespace"
	}
	for k := range root.attrs {
		a := &root.attrs[k]
		if l := string(a.local); l == "count" || l == "uniqueCount" {
			v, ok := s.attrValue(a)
			if !ok || !checkTyped(v, attrInt) {
				return nil, "a count that does not parse"
			}
		}
	}
	var out []string
	if root.empty {
		return out, ""
	}
	var t xtag
	var buf []byte
	for {
		if eof, ok := s.toTag("the shared strings"); !ok {
			return nil, s.why
		} else if eof {
			return nil, "the shared strings are cut short"
		}
		if !s.tag(&t) {
			return nil, s.why
		}
		if t.end {
			if !bytes.Equal(t.full, root.full) {
				return nil, "an element closed by another name"
			}
			return out, ""
		}
		if string(t.local) != "si" {
			if !s.skip(&t, "si") {
				return nil, s.why
			}
			continue
		}
		var ok bool
		if buf, ok = s.stringItem(&t, buf[:0]); !ok {
			return nil, s.why
		}
		out = append(out, string(buf))
	}
}

// prolog reads an XML declaration (version 1.0, UTF-8), comments and
// white space, then the root element's start tag.
func (s *xmlScan) prolog(root *xtag) bool {
	if bytes.HasPrefix(s.b, []byte("<?xml")) {
		end := bytes.Index(s.b, []byte("?>"))
		if end < 0 || len(s.b) < 6 || !isSpaceByte(s.b[5]) {
			return s.fail("a bad XML declaration")
		}
		decl := string(s.b[5:end])
		for _, field := range strings.Fields(decl) {
			k, v, ok := strings.Cut(field, "=")
			if !ok || len(v) < 2 || (v[0] != '"' && v[0] != '\'') || v[len(v)-1] != v[0] {
				return s.fail("an XML declaration in a form not known")
			}
			v = v[1 : len(v)-1]
			switch k {
			case "version":
				if v != "1.0" {
					return s.fail("an XML version other than 1.0")
				}
			case "encoding":
				if !strings.EqualFold(v, "utf-8") {
					return s.fail("an encoding other than UTF-8")
				}
			case "standalone":
			default:
				return s.fail("an XML declaration in a form not known")
			}
		}
		s.i = end + 2
	}
	for {
		if _, ok := s.text(); !ok {
			return false
		}
		if s.i >= len(s.b) {
			return s.fail("no root element")
		}
		switch s.markup() {
		case markComment:
			if !s.comment() {
				return false
			}
			continue
		case markTag:
		default:
			return s.fail("a declaration before the root element")
		}
		if !s.tag(root) || root.end {
			return s.fail("no root element")
		}
		return true
	}
}

// resolveEscapes applies bstrUnmarshal to the shared strings that hold
// an _xHHHH_ escape, by asking excelize (see cellFormatter).
func (w *workbookRows) resolveEscapes() bool {
	var keys []fmtKey
	var where []int
	for i, s := range w.sst {
		if strings.Contains(s, "_x") {
			keys = append(keys, fmtKey{typ: "inlineStr", v: s, inline: true})
			where = append(where, i)
		}
	}
	if len(keys) == 0 {
		return true
	}
	out := make([]fmtResult, len(keys))
	if !w.fmt.lookup(keys, out) {
		w.why = "the formatter failed"
		return false
	}
	for j, i := range where {
		w.sst[i] = out[j].raw
	}
	return true
}

// sheetRows is what readSheet reads a sheet through.
type sheetRows interface {
	// Next moves to the next row, also over rows missing from the file
	// (they read as empty): counting calls gives the row number.
	Next() bool
	// Columns are the row's cells: stored values (dates as serial
	// numbers) and, when the workbook needs them, shown values (nil
	// otherwise), each as excelize's Rows.Columns gives them.
	Columns() (raw, shown []string, err error)
	Error() error
	Close() error
}

// excelizeRows reads a sheet with excelize's row iterators: one for the
// stored values and, when asked, one in step for the shown values.
type excelizeRows struct {
	raw, shown *excelize.Rows
}

// openExcelizeRows opens excelize's iterators and moves them past skip
// rows (those the fast reader has given already).
func openExcelizeRows(f *excelize.File, sheet string, withShown bool, skip int) (*excelizeRows, error) {
	raw, err := f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	e := &excelizeRows{raw: raw}
	if withShown {
		if e.shown, err = f.Rows(sheet); err != nil {
			_ = raw.Close()
			return nil, err
		}
	}
	for range skip {
		e.raw.Next()
		if e.shown != nil {
			e.shown.Next()
		}
	}
	return e, nil
}

func (e *excelizeRows) Next() bool {
	if !e.raw.Next() {
		return false
	}
	if e.shown != nil {
		e.shown.Next()
	}
	return true
}

func (e *excelizeRows) Columns() (raw, shown []string, err error) {
	raw, err = e.raw.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, nil, err
	}
	if e.shown != nil {
		shown, _ = e.shown.Columns()
	}
	return raw, shown, nil
}

func (e *excelizeRows) Error() error { return e.raw.Error() }

func (e *excelizeRows) Close() error {
	err := e.raw.Close()
	if e.shown != nil {
		_ = e.shown.Close()
	}
	return err
}

// fastRow is one parsed row element.
type fastRow struct {
	num        int // its r attribute; 0 when it has none
	raw, shown []string
}

type chunkEnd int

const (
	endMore  chunkEnd = iota // the piece ended between rows
	endSheet                 // </sheetData>: no rows after these
	endFail                  // the parser gave up after these rows
)

// chunk is one piece of the sheet's XML and, once parsed, its rows.
type chunk struct {
	data  []byte
	first bool // the start of the part: the prolog and the sheet's start
	last  bool // the end of the part
	rows  []fastRow
	end   chunkEnd
	why   string // why the parser gave up
	// overAt: the part has a row over Options.MaxRowBytes, after overAt-1
	// rows (spanMeter's n+1); 0 when not
	overAt int
	// sheetData and sheetDataEnd: the names sheetData's start tag (in the
	// first chunk) and end tag were written with; they must match.
	sheetData, sheetDataEnd string
	done                    chan struct{}
	// buf holds data while it is parsed; the parser releases it after.
	buf *chunkBuf
}

// chunkBuf is a buffer the sheet is inflated into, used again once the
// parser is done with its chunk and the cutter has copied the part of it
// that begins the next chunk: 145 MB of a 10,000-member sheet went
// through fresh 512 KB buffers, a third of what the import allocated.
type chunkBuf struct {
	mem  []byte           // the whole buffer
	b    []byte           // what this use of it may hold
	refs atomic.Int32     // the cutter's and, while it is parsed, the parser's
	free chan<- *chunkBuf // where it goes back to
}

// chunkBufsFree is how many buffers a sheet's reader keeps for use again:
// as many as can be in flight (see openFast's channels) and a few more.
// A sync.Pool lost most of them to the collections the import runs.
const chunkBufsFree = 24

// getChunkBuf is a buffer of capacity n exactly (so each read is as long
// as with a fresh one), empty, held by the cutter.
func getChunkBuf(free chan *chunkBuf, n int) *chunkBuf {
	var cb *chunkBuf
	select {
	case cb = <-free:
	default:
	}
	if cb == nil || len(cb.mem) < n {
		// Room for the carry of a long row, so the next piece, whose
		// carry is another length, can use it too.
		cb = &chunkBuf{mem: make([]byte, max(n, chunkSize+64<<10)), free: free}
	}
	cb.b = cb.mem[:0:n]
	cb.refs.Store(1)
	return cb
}

// release drops one hold on cb; the last one puts it back.
func (cb *chunkBuf) release() {
	if cb != nil && cb.refs.Add(-1) == 0 {
		cb.b = nil
		select {
		case cb.free <- cb:
		default: // enough kept: this one goes to the collector
		}
	}
}

// chunkSize is the size of the pieces the inflating goroutine hands to
// the parsers: large enough that handing over costs nothing, small enough
// that several are in flight and memory stays small.
const chunkSize = 512 << 10

// fastRows reads one sheet with the fast reader, falling back to excelize.
type fastRows struct {
	w     *workbookRows
	sheet string
	order chan *chunk // chunks in file order, parsed or being parsed
	quit  chan struct{}
	wg    sync.WaitGroup

	cur     *chunk   // the chunk rows are taken from
	next    int      // index of the next row in cur.rows
	pending *fastRow // the next row element, not yet given
	ahead   *fastRow // the one after it
	atEnd   bool     // no row element after pending
	seek    int      // rows answered by Next so far
	curRow  int      // the row number of the last row element taken
	ended   bool
	sdName  string // sheetData's name, as the first chunk read it
	row     fastRow

	slow *excelizeRows // after a fallback: excelize reads the rest
	err  error
	part *zip.File
	// complete: the cutting goroutine inflated the whole part, its rows
	// measured when it is stubbed (set before it ends, read after wg.Wait)
	complete bool
	why      string // why the fast reader fell back (tests)
}

func (w *workbookRows) openFast(sheet string, part *zip.File) *fastRows {
	fr := &fastRows{w: w, sheet: sheet, part: part, order: make(chan *chunk, 8), quit: make(chan struct{})}
	work := make(chan *chunk, 8)
	fr.wg.Add(1)
	go func() {
		defer fr.wg.Done()
		defer close(work)
		defer close(fr.order)
		fr.cut(part, work)
	}()
	parsers := max(1, runtime.GOMAXPROCS(0))
	for range parsers {
		fr.wg.Add(1)
		go func() {
			defer fr.wg.Done()
			var p chunkParser
			for c := range work {
				p.parse(fr.w, c)
				if c.buf != nil {
					// Nothing parsed refers to the data: values are copies.
					p.s.b, c.data = nil, nil
					c.buf.release()
				}
				close(c.done)
			}
		}()
	}
	return fr
}

// cut inflates the part and cuts it into chunks that start at a row's
// start tag, sending each to a parser and, in order, to the reader.
func (fr *fastRows) cut(part *zip.File, work chan<- *chunk) {
	var cb *chunkBuf // the buffer being filled, and carry's
	defer func() { cb.release() }()
	free := make(chan *chunkBuf, chunkBufsFree)
	send := func(c *chunk) bool {
		c.done = make(chan struct{})
		if c.data != nil {
			// The parser's hold, which it releases once it has parsed.
			c.buf = cb
			cb.refs.Add(1)
		}
		select {
		case fr.order <- c:
		case <-fr.quit:
			return false
		}
		select {
		case work <- c:
		case <-fr.quit:
			return false
		}
		return true
	}
	rc, err := part.Open()
	if err != nil {
		c := &chunk{first: true, last: true, end: endFail, why: "open: " + err.Error(), done: make(chan struct{})}
		close(c.done)
		select {
		case fr.order <- c:
		case <-fr.quit:
		}
		return
	}
	defer rc.Close()
	// A stubbed part was not measured by checkArchive: its rows are
	// measured here, as it is inflated, and a row over the limit ends it
	// before more than the limit of it is held.
	var meter *spanMeter
	if fr.w.stubbed[part.Name] {
		meter = &spanMeter{elem: "row", end: "sheetData", limit: fr.w.maxRow}
	}
	var carry []byte
	first := true
	for {
		prev := cb
		cb = getChunkBuf(free, len(carry)+chunkSize)
		buf := append(cb.b, carry...)
		prev.release() // carry is copied
		n, err := io.ReadFull(rc, buf[len(buf):cap(buf)])
		fresh := buf[len(buf) : len(buf)+n]
		buf = buf[:len(buf)+n]
		eof := err == io.EOF || err == io.ErrUnexpectedEOF
		measured := false
		if meter != nil && (err == nil || eof) {
			measured = meter.feed(fresh, eof)
			if meter.over {
				c := &chunk{first: first, last: true, end: endFail, why: "a row over the size limit", overAt: meter.n + 1, done: make(chan struct{})}
				close(c.done)
				select {
				case fr.order <- c:
				case <-fr.quit:
				}
				return
			}
		}
		if err != nil && !eof {
			c := &chunk{data: buf, first: first, last: true}
			cb = nil // c keeps its data: the buffer is not used again
			c.why = "inflate: " + err.Error()
			// Parsed, but only the rows before the error count.
			c.end = endFail
			c.done = make(chan struct{})
			close(c.done)
			select {
			case fr.order <- c:
			case <-fr.quit:
			}
			return
		}
		if eof {
			fr.complete = true // inflated whole, the checksum right
			send(&chunk{data: buf, first: first, last: true})
			return
		}
		if measured {
			// sheetData has ended: what follows holds no rows, so it is
			// only inflated (to its checksum), not held.
			if send(&chunk{data: buf, first: first, last: true}) {
				fr.complete = fr.drain(rc)
			}
			return
		}
		cut := lastRowStart(buf)
		if cut <= 0 {
			// No row start yet (a long header, or one huge row): read on.
			carry = buf
			continue
		}
		carry = buf[cut:]
		if !send(&chunk{data: buf[:cut:cut], first: first}) {
			return
		}
		first = false
	}
}

// drain inflates the rest of a part, to its end and its checksum; false
// when that fails or the reading stops.
func (fr *fastRows) drain(r io.Reader) bool {
	buf := make([]byte, 256<<10)
	for {
		select {
		case <-fr.quit:
			return false
		case <-fr.w.done:
			return false
		default:
		}
		if _, err := io.ReadFull(r, buf); err != nil {
			return err == io.EOF || err == io.ErrUnexpectedEOF
		}
	}
}

// lastRowStart is the offset of the last "<row" (or "<prefix:row") start
// tag in b, or -1.
func lastRowStart(b []byte) int {
	for end := len(b); end > 0; {
		i := bytes.LastIndexByte(b[:end], '<')
		if i < 0 {
			return -1
		}
		j := i + 1
		for j < len(b) && j-i < 40 && b[j] != ':' && b[j] != ' ' && b[j] != '>' && b[j] != '/' && !isSpaceByte(b[j]) {
			j++
		}
		name := b[i+1 : j]
		if j < len(b) && b[j] == ':' {
			k := j + 1
			for k < len(b) && k-i < 80 && b[k] != ' ' && b[k] != '>' && b[k] != '/' && !isSpaceByte(b[k]) {
				k++
			}
			name = b[j+1 : k]
			j = k
		}
		if string(name) == "row" && j < len(b) {
			return i
		}
		end = i
	}
	return -1
}

// chunkParser parses chunks; one per parsing goroutine.
type chunkParser struct {
	s       xmlScan
	c       rawCell
	cellTag xtag     // the tag of the cell being read
	last    []string // the last value made in each column (see text)
	width   int      // how many values the last row read had
	keys    []fmtKey // the row's values for the formatter
	where   []int    // where each goes in the row's shown values
	kinds   []byte   // what each of the row's shown values is
	res     []fmtResult
}

func (p *chunkParser) parse(w *workbookRows, c *chunk) {
	p.s = xmlScan{b: c.data, tmp: p.s.tmp[:0]}
	s := &p.s
	c.end = endFail
	defer func() {
		if c.end == endFail && c.why == "" {
			c.why = s.why
		}
	}()
	var t xtag
	if c.first {
		var root xtag
		if !s.prolog(&root) {
			return
		}
		if root.empty {
			s.fail("an empty root element")
			return
		}
		// Up to sheetData, every element is skipped; a row before it
		// would be counted by excelize, so it is not expected.
		for {
			eof, ok := s.toTag("the sheet")
			if !ok {
				return
			}
			if eof {
				s.fail("no sheetData in the first piece")
				return
			}
			if !s.tag(&t) {
				return
			}
			if t.end {
				s.fail("the sheet ends before its sheetData")
				return
			}
			if string(t.local) == "sheetData" {
				break
			}
			if string(t.local) == "row" || !s.skip(&t, "row", "sheetData") {
				s.fail("a row outside sheetData")
				return
			}
		}
		c.sheetData = string(t.full)
		if t.empty {
			c.end, c.sheetDataEnd = endSheet, c.sheetData
			return
		}
	}
	for {
		eof, ok := s.toTag("sheetData")
		if !ok {
			return
		}
		if eof {
			if c.last {
				s.fail("the sheet ends inside sheetData")
				return
			}
			c.end = endMore
			return
		}
		if !s.tag(&t) {
			return
		}
		if t.end {
			if string(t.local) != "sheetData" {
				s.fail("an end tag out of place in sheetData")
				return
			}
			c.end, c.sheetDataEnd = endSheet, string(t.full)
			return
		}
		if string(t.local) != "row" {
			s.fail("an element other than a row in sheetData")
			return
		}
		r, ok := p.row(w, &t)
		if !ok {
			return
		}
		c.rows = append(c.rows, r)
	}
}

// row reads a row element whose start tag was read.
func (p *chunkParser) row(w *workbookRows, start *xtag) (fastRow, bool) {
	s := &p.s
	var r fastRow
	a, ok := s.attr(start, "r")
	if !ok {
		return r, false
	}
	if a != nil {
		if !a.plain {
			return r, s.fail("an escaped row number")
		}
		n, ok := smallUint(a.val, 7)
		if !ok || n < 1 || n > excelize.TotalRows {
			return r, s.fail("a row number that is not a plain number from 1 to 1048576")
		}
		r.num = n
	}
	if start.empty {
		return r, true
	}
	p.keys, p.where, p.kinds = p.keys[:0], p.where[:0], p.kinds[:0]
	// Made at the width of the row before (rows of a table are alike),
	// not grown cell by cell.
	if p.width > 0 {
		r.raw = make([]string, 0, p.width)
		if w.withShown {
			r.shown = make([]string, 0, p.width)
		}
	}
	col := 0
	// The cells' tag is the parser's, so its attributes are not
	// allocated again for every row.
	t := &p.cellTag
	for {
		if _, ok := s.text(); !ok {
			return r, false
		}
		if s.i >= len(s.b) {
			return r, s.fail("a row cut short")
		}
		switch s.markup() {
		case markComment:
			if !s.comment() {
				return r, false
			}
			continue
		case markCDATA:
			if _, ok := s.cdata(); !ok {
				return r, false
			}
			continue
		case markOther:
			return r, s.fail("a declaration inside a row")
		}
		if !s.tag(t) {
			return r, false
		}
		if t.end {
			if !bytes.Equal(t.full, start.full) {
				return r, s.fail("a row closed by another name")
			}
			break
		}
		if string(t.local) != "c" {
			return r, s.fail("an element other than a cell in a row")
		}
		if _, ok := s.cell(t, col, &p.c, nil); !ok {
			return r, false
		}
		col = p.c.col
		if !p.value(w, &r) {
			return r, false
		}
	}
	if len(p.keys) > 0 {
		// Values only excelize can format, asked all at once.
		p.res = append(p.res[:0], make([]fmtResult, len(p.keys))...)
		if !w.fmt.lookup(p.keys, p.res) {
			return r, s.fail("the formatter failed")
		}
		for i, idx := range p.where {
			r.shown[idx] = p.res[i].shown
			if p.res[i].shown != "" {
				p.kinds[idx] = cellReal
			}
		}
		// excelize leaves out a cell whose value is empty (and holds no
		// formula), and so the padding before it.
		for n := len(r.shown); n > 0 && p.kinds[n-1] != cellReal; n-- {
			r.shown = r.shown[:n-1]
		}
	}
	p.width = max(len(r.raw), len(r.shown))
	// A row without values reads as nil, as before the slices were made
	// ahead.
	if len(r.raw) == 0 {
		r.raw = nil
	}
	if len(r.shown) == 0 {
		r.shown = nil
	}
	return r, true
}

// What an entry of a row's shown values is, while the row is read.
const (
	cellReal     byte = iota // a cell excelize appends
	cellPadding              // an empty string before a cell further right
	cellDeferred             // waiting for the formatter; empty means left out
)

// value turns the cell just read into its stored and shown values and
// appends them to the row as excelize's rowXMLHandler appends.
func (p *chunkParser) value(w *workbookRows, r *fastRow) bool {
	s, c := &p.s, &p.c
	var raw string
	isText := false
	switch c.typ {
	case "s":
		if len(c.v) > 0 {
			idx, err := strconv.Atoi(strings.TrimSpace(string(c.v)))
			if err != nil {
				idx = 0 // excelize ignores the error: index 0
			}
			if idx < 0 || idx >= len(w.sst) {
				// excelize drops the error: the cell reads as empty,
				// stored and shown.
				if !p.put(&r.raw, nil, "", false) {
					return false
				}
				return !w.withShown || p.put(&r.shown, &p.kinds, "", false)
			}
			raw = w.sst[idx]
		}
		isText = true
	case "inlineStr":
		if c.hasIS {
			raw = p.text(c.col, c.is)
			if strings.Contains(raw, "_x") {
				return s.fail("an inline string with an _x escape")
			}
		} else {
			raw = p.text(c.col, c.v)
		}
		isText = true
	default:
		raw = p.text(c.col, c.v)
	}
	if !p.put(&r.raw, nil, raw, false) {
		return false
	}
	if !w.withShown {
		return true
	}
	// The shown value, as getValueFrom and formattedValue make it.
	var ask *fmtKey
	shown := raw
	switch {
	case c.typ == "str":
	case c.typ == "b" && (raw == "1" || raw == "0"):
		shown = "FALSE"
		if raw == "1" {
			shown = "TRUE"
		}
	case c.typ == "d", c.typ == "b":
		ask = &fmtKey{style: c.style, typ: c.typ, v: raw}
	case isText:
		if c.style != 0 {
			asIs, ok := w.fmt.showsTextAsIs(c.style)
			if !ok {
				return s.fail("the formatter failed")
			}
			if !asIs {
				ask = &fmtKey{style: c.style, typ: "inlineStr", v: raw, inline: true}
			}
		}
	case c.style == 0:
		shown = plainNumber(raw)
	default:
		ask = &fmtKey{style: c.style, typ: c.typ, v: raw}
	}
	if ask == nil {
		return p.put(&r.shown, &p.kinds, shown, false)
	}
	if !p.put(&r.shown, &p.kinds, "", true) {
		return false
	}
	p.keys = append(p.keys, *ask)
	p.where = append(p.where, len(r.shown)-1)
	return true
}

// text is b as a string: the last one made in column col when it is the
// same, as a member's id and name, a category or hours often are in the
// rows that follow, so they are not allocated again.
func (p *chunkParser) text(col int, b []byte) string {
	if col < len(p.last) && p.last[col] == string(b) {
		return p.last[col]
	}
	s := string(b)
	if col < maxLastColumns {
		for len(p.last) <= col {
			p.last = append(p.last, "")
		}
		p.last[col] = s
	}
	return s
}

// maxLastColumns is how many columns text remembers a value for.
const maxLastColumns = 64

// put appends one value at the current cell's column, padding the
// columns before it with empty strings; an empty value of a cell without
// a formula is left out, as excelize leaves it. kinds, when not nil, keeps
// what each entry is (see cellReal).
func (p *chunkParser) put(cells *[]string, kinds *[]byte, v string, deferred bool) bool {
	c := &p.c
	if v == "" && !c.hasF && !deferred {
		return true
	}
	if c.col <= len(*cells) {
		// excelize would append it after the cells it has, in the wrong
		// column: columns out of order are left to it.
		return p.s.fail("cells out of column order")
	}
	for len(*cells) < c.col-1 {
		*cells = append(*cells, "")
		if kinds != nil {
			*kinds = append(*kinds, cellPadding)
		}
	}
	*cells = append(*cells, v)
	if kinds != nil {
		k := cellReal
		if deferred && !c.hasF {
			k = cellDeferred
		}
		*kinds = append(*kinds, k)
	}
	return true
}

// Next moves to the next row as excelize's Rows.Next does: missing rows
// read as empty ones, numbered on from the last row element. A row is
// given only once the row element after it is known to come after it:
// excelize reads a row element numbered at or before the one it is on
// into the same row, and such a sheet is left to it.
func (fr *fastRows) Next() bool {
	if fr.slow != nil {
		return fr.slow.Next()
	}
	if fr.ended || fr.err != nil {
		return false
	}
	fr.seek++
	fr.row = fastRow{}
	if fr.pending == nil {
		if fr.ahead != nil {
			fr.pending, fr.ahead = fr.ahead, nil
		} else {
			r, ok := fr.take()
			if fr.slow != nil {
				return fr.slow.Next()
			}
			if !ok {
				fr.ended = true
				return false
			}
			fr.pending = r
		}
	}
	if fr.pending.num > fr.seek {
		return true // a missing row
	}
	if fr.ahead == nil && !fr.atEnd {
		r, ok := fr.take()
		if fr.slow != nil {
			return fr.slow.Next()
		}
		fr.ahead, fr.atEnd = r, !ok
	}
	fr.row, fr.pending = *fr.pending, nil
	return true
}

// take returns the next row element, numbered; false at the end of the
// sheet. On anything the parsers could not read it switches to excelize
// (fr.slow), positioned after the rows already given.
func (fr *fastRows) take() (*fastRow, bool) {
	for {
		if fr.cur != nil && fr.next < len(fr.cur.rows) {
			r := &fr.cur.rows[fr.next]
			fr.next++
			num := r.num
			if num == 0 {
				num = fr.curRow + 1
			} else if num <= fr.curRow {
				fr.fallBack("rows out of order")
				return nil, false
			}
			fr.curRow, r.num = num, num
			return r, true
		}
		if fr.cur != nil {
			switch fr.cur.end {
			case endSheet:
				if fr.cur.sheetDataEnd != fr.sdName {
					fr.fallBack("sheetData closed by another name")
				}
				return nil, false
			case endFail:
				if fr.cur.overAt > 0 {
					fr.err = fr.w.rowIssue(fr.part.Name, fr.cur.overAt-1)
					return nil, false
				}
				fr.fallBack(fr.cur.why)
				return nil, false
			}
		}
		c, ok := <-fr.order
		if !ok {
			fr.fallBack("the sheet ended early")
			return nil, false
		}
		<-c.done
		if c.first {
			fr.sdName = c.sheetData
		}
		fr.cur, fr.next = c, 0
	}
}

// fallBack hands the rest of the sheet to excelize, moved past the rows
// already given (fr.seek-1: the current call of Next is answered by it).
func (fr *fastRows) fallBack(why string) {
	fr.why = why
	fr.stop()
	f, err := fr.w.fileFor(fr.sheet)
	if err != nil {
		fr.err = err
		return
	}
	slow, err := openExcelizeRows(f, fr.sheet, fr.w.withShown, fr.seek-1)
	if err != nil {
		fr.err = err
		return
	}
	fr.slow = slow
}

func (fr *fastRows) Columns() (raw, shown []string, err error) {
	if fr.slow != nil {
		return fr.slow.Columns()
	}
	return fr.row.raw, fr.row.shown, nil
}

func (fr *fastRows) Error() error {
	if fr.slow != nil {
		return fr.slow.Error()
	}
	return fr.err
}

// stop ends the inflating and parsing goroutines and waits for them.
func (fr *fastRows) stop() {
	select {
	case <-fr.quit:
		return
	default:
	}
	close(fr.quit)
	// Drain what was sent, so no goroutine waits on a full channel.
	go func() {
		for range fr.order {
		}
	}()
	fr.wg.Wait()
}

func (fr *fastRows) Close() error {
	if fr.ended && fr.slow == nil && fr.err == nil {
		// Read to its end: the cutting goroutine has sent its last piece
		// and finishes inflating the part (see drain), which measures it.
		go func() {
			for range fr.order {
			}
		}()
		fr.wg.Wait()
	}
	fr.stop()
	if fr.complete && fr.w.stubbed[fr.part.Name] {
		if fr.w.measured == nil {
			fr.w.measured = map[string]bool{}
		}
		fr.w.measured[fr.part.Name] = true
	}
	if fr.slow != nil {
		return fr.slow.Close()
	}
	if fr.why == "" && fr.ended {
		fr.w.fast++
	}
	return nil
}
