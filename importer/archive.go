package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"
)

// checkArchive looks at a workbook's zip structure before excelize reads
// it, for the tricks a crafted file plays and that excelize either ignores
// or reports with a misleading message:
//   - part names that climb out of the archive ("../x", "/etc/x", "..\x"):
//     harmless to cpdaudit, which unzips nothing to disk, but no program
//     writes them, so the file was made to attack something;
//   - two parts with the same name, so two readers may see different data;
//   - declared sizes that add up to more than UnzipSizeLimit (a zip bomb,
//     or a header that lies about its size);
//   - a part, or the whole archive, that inflates more than MaxUnzipRatio
//     times (once over unzipRatioGrace): a zip bomb that stays under the
//     size limit, such as a sheet inflating 1000:1 to 2 GB, is refused in
//     a moment, before anything is inflated. Excel's own parts inflate
//     about 10:1. Go's zip reader holds every part to its declared size,
//     so the sizes cannot lie to excelize either;
//   - parts that excelize would hold in memory (all but the large sheets
//     and shared strings, which it spills to temporary files) adding up to
//     more than UnzipMemoryLimit;
//   - a sheet row, or a shared string, that takes more than MaxRowBytes of
//     XML: excelize reads a row (or a string) whole, so one huge row would
//     stall the reading for minutes while nothing could stop it. Only the
//     parts larger than MaxRowBytes are inflated to be measured;
//   - a zip that is not a workbook at all;
//   - a DOCTYPE in an XML part: Excel never writes one, and it is how the
//     "billion laughs" entity expansion and external-entity (XXE) file
//     reads work. Go's XML decoder expands neither, but the sheet would then
//     read as empty and the issue would blame a missing header.
//
// A zip that cannot be opened at all is left to excelize, whose errors
// openError explains. It returns nil when the archive looks like a
// workbook. It reads the archive through r: the central directory, the
// start of each XML part, and the large sheets and shared strings whole.
// When opts.Done is closed it stops, and what it returns does not matter.
//
// The sheets in deferred (by part name) are not measured here: the fast
// reader measures them as it inflates them (see spanMeter), and anything
// that hands one to excelize measures it first (workbookRows.realFile).
func checkArchive(name string, r io.ReaderAt, size int64, opts Options, deferred map[string]bool) *Issue {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil
	}
	crafted := func(problem string) *Issue {
		return &Issue{File: name, Kind: ErrBadFile,
			Problem: problem + "; Excel never writes this, so the file may have been made to attack other programs, and it was not read",
			Action:  "Check where the file came from; if it is genuine, open it in Excel, save it again as .xlsx, and run again"}
	}
	var (
		total        uint64
		contentTypes bool
		workbook     bool
		seen         = map[string]bool{}
	)
	for _, f := range zr.File {
		if unsafePartName(f.Name) {
			return crafted(fmt.Sprintf("the workbook holds a part named %q, a path that points outside the workbook", shorten(f.Name)))
		}
		key := strings.ToLower(f.Name) // part names ignore case
		if seen[key] {
			return crafted(fmt.Sprintf("the workbook holds two parts named %q, so different programs could read different data from it", shorten(f.Name)))
		}
		seen[key] = true
		total += f.UncompressedSize64
		switch key {
		case "[content_types].xml":
			contentTypes = true
		case "_rels/.rels", "xl/workbook.xml":
			workbook = true
		}
	}
	if opts.UnzipSizeLimit > 0 && total > uint64(opts.UnzipSizeLimit) {
		return &Issue{File: name, Kind: ErrTooLarge,
			Problem: fmt.Sprintf("the workbook unzips to more than %s, so it was not read (it may be a \"zip bomb\")", byteSize(opts.UnzipSizeLimit)),
			Action:  "Check where the file came from; a real CPD record is far smaller"}
	}
	if iss := checkRatios(name, zr, total, size, opts); iss != nil {
		return iss
	}
	if !contentTypes || !workbook {
		return &Issue{File: name, Kind: ErrBadFile,
			Problem: "this is a zip file, not an Excel workbook: it has none of the parts a workbook is made of",
			Action:  "Check this is the right file; send the CPD record as an Excel workbook (.xlsx) or a CSV file"}
	}
	for _, f := range zr.File {
		ext := strings.ToLower(path.Ext(f.Name))
		if ext != ".xml" && ext != ".rels" && ext != ".vml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil // excelize reports the damage
		}
		doctype := hasDoctype(rc)
		rc.Close()
		if doctype {
			return crafted(fmt.Sprintf("the part %q of the workbook starts with a document type declaration (<!DOCTYPE>), which can hide entity expansion (\"billion laughs\") or references to files on this computer", shorten(f.Name)))
		}
	}
	return checkRowSizes(name, zr, opts, deferred)
}

// unzipRatioGrace is the size below which a part's inflation ratio is not
// checked: a small part of repeated text (styles, an empty sheet) may
// inflate far more than 100:1 and costs nothing to read.
const unzipRatioGrace = 4 << 20

// zipBombAction is what to do about a workbook refused as a zip bomb.
const zipBombAction = "Check where the file came from; if it is genuine, open it in Excel or LibreOffice, save it again as .xlsx, and run again"

// checkRatios refuses a part, or a whole archive, that inflates more than
// opts.MaxUnzipRatio times, and parts held in memory over
// opts.UnzipMemoryLimit. Only declared sizes are used: nothing is inflated.
func checkRatios(name string, zr *zip.Reader, total uint64, size int64, opts Options) *Issue {
	ratio := func(inflated, packed uint64) float64 { return float64(inflated) / float64(max(packed, 1)) }
	var inMemory uint64
	for _, f := range zr.File {
		if f.UncompressedSize64 > unzipRatioGrace && ratio(f.UncompressedSize64, f.CompressedSize64) > opts.MaxUnzipRatio {
			return &Issue{File: name, Kind: ErrTooLarge,
				Problem: fmt.Sprintf("the part %q of the workbook unzips from %s to %s, %.0f times its size, far more than a real workbook (Excel's parts unzip about 10 times); it may be a \"zip bomb\", so it was not read",
					shorten(f.Name), byteSize(int64(f.CompressedSize64)), byteSize(int64(min(f.UncompressedSize64, 1<<62))), ratio(f.UncompressedSize64, f.CompressedSize64)),
				Action: zipBombAction}
		}
		if !spilled(f, opts) {
			inMemory += f.UncompressedSize64
		}
	}
	if total > unzipRatioGrace && ratio(total, uint64(size)) > opts.MaxUnzipRatio {
		return &Issue{File: name, Kind: ErrTooLarge,
			Problem: fmt.Sprintf("the workbook unzips from %s to %s, %.0f times its size, far more than a real workbook; it may be a \"zip bomb\", so it was not read",
				byteSize(size), byteSize(int64(min(total, 1<<62))), ratio(total, uint64(size))),
			Action: zipBombAction}
	}
	if inMemory > uint64(opts.UnzipMemoryLimit) {
		return &Issue{File: name, Kind: ErrTooLarge,
			Problem: fmt.Sprintf("the workbook holds %s of parts other than its sheets (pictures, embedded files, styles), more than the limit of %s, so it was not read",
				byteSize(int64(min(inMemory, 1<<62))), byteSize(opts.UnzipMemoryLimit)),
			Action: "Save a copy without the pictures and embedded files (only the CPD table is needed), and run again"}
	}
	return nil
}

// spilled reports whether excelize writes the part to a temporary file
// rather than holding it in memory: a sheet or the shared strings larger
// than UnzipXMLSizeLimit.
func spilled(f *zip.File, opts Options) bool {
	return (isSheetPart(f.Name) || isSharedStrings(f.Name)) && f.UncompressedSize64 > uint64(opts.UnzipXMLSizeLimit)
}

func isSheetPart(name string) bool {
	return strings.HasPrefix(strings.ToLower(name), "xl/worksheets/sheet")
}

func isSharedStrings(name string) bool { return strings.EqualFold(name, "xl/sharedStrings.xml") }

// checkRowSizes inflates the sheets and the shared strings larger than
// opts.MaxRowBytes and measures their rows (<row> elements) and strings
// (<si>): one over the limit is an issue, before excelize copies anything.
// The parts named in skip are left out.
func checkRowSizes(name string, zr *zip.Reader, opts Options, skip map[string]bool) *Issue {
	for _, f := range zr.File {
		elem, end, what := "row", "sheetData", "row"
		switch {
		case f.UncompressedSize64 <= uint64(opts.MaxRowBytes), skip[f.Name]:
			continue
		case isSheetPart(f.Name):
		case isSharedStrings(f.Name):
			elem, end, what = "si", "sst", "text"
		default:
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil // excelize reports the damage
		}
		n, over, _ := longestSpan(rc, elem, end, opts.MaxRowBytes, opts.Done)
		rc.Close()
		if over {
			iss := rowSizeIssue(name, f.Name, what, n, opts)
			return &iss
		}
	}
	return nil
}

// rowSizeIssue refuses a workbook whose part holds a row (or a shared
// string, what "text") over opts.MaxRowBytes; the span that went over
// starts at element n (the part's start when n is 0).
func rowSizeIssue(name, part, what string, n int, opts Options) Issue {
	which := "the XML before its first " + what
	if n > 0 {
		which = fmt.Sprintf("its %s number %s (counting the %ss stored in the file)", what, thousands(int64(n)), what)
	}
	return Issue{File: name, Kind: ErrTooLarge,
		Problem: fmt.Sprintf("in the part %q of the workbook, %s takes more than %s, which no real CPD record does; it may have been made to stall the programs that read it, so the workbook was not read",
			shorten(part), which, byteSize(opts.MaxRowBytes)),
		Action: zipBombAction}
}

// longestSpan reads an XML part and checks the distance between the start
// tags of consecutive elements named elem (with any namespace prefix,
// <row> or <x:row>), counting from the start of the part, up to the end
// tag named end (or the end of the part): over is true at the first
// distance larger than limit, and n is then how many elements came before
// it. It stops when done is closed.
func longestSpan(r io.Reader, elem, end string, limit int64, done <-chan struct{}) (n int, over bool, err error) {
	m := spanMeter{elem: elem, end: end, limit: limit}
	buf := make([]byte, 256<<10)
	for {
		select {
		case <-done:
			return m.n, false, errCancelled
		default:
		}
		k, rerr := io.ReadFull(r, buf)
		eof := rerr != nil
		if m.feed(buf[:k], eof) {
			return m.n, m.over, nil
		}
		if eof {
			if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
				rerr = nil
			}
			return m.n, false, rerr
		}
	}
}

// spanMeter is longestSpan fed a piece at a time, so the fast reader can
// measure a sheet's rows in the pass that inflates it. Text cannot hold a
// raw "<", so every "<" starts markup; a tag found inside a comment or
// CDATA only shortens a distance (or ends the measure early, where the
// parts after it are left to the readers, as before).
type spanMeter struct {
	elem, end string
	limit     int64
	tail      []byte // the start of a tag cut by the end of the last piece
	pos       int64  // offset in the part of the next piece's first byte
	last      int64  // offset of the last start tag (or of the part's start)
	n         int    // elem start tags seen
	over      bool   // a span went over limit
	ended     bool   // the end tag was seen, or the part ended
}

// spanMaxTag is enough for "</" + a prefix + the name + one byte.
const spanMaxTag = 64

// feed measures the next piece of the part (eof: the last one). It
// returns true once the measure is over: m.over says how it ended.
func (m *spanMeter) feed(p []byte, eof bool) bool {
	if m.over || m.ended {
		return true
	}
	// tag handles the "<" at offset at, whose name starts b.
	tag := func(b []byte, at int64) bool {
		closing, local, ok := tagName(b)
		switch {
		case ok && closing && string(local) == m.end:
			m.over, m.ended = at-m.last > m.limit, true
			return true
		case ok && !closing && string(local) == m.elem:
			if at-m.last > m.limit {
				m.over = true
				return true
			}
			m.last = at
			m.n++
		}
		return false
	}
	if len(m.tail) > 0 {
		// The tags cut by the last piece's end, completed by up to
		// spanMaxTag bytes of p.
		joint := append(m.tail, p[:min(len(p), spanMaxTag)]...)
		base := m.pos - int64(len(m.tail))
		for i := 0; i < len(m.tail); i++ {
			j := bytes.IndexByte(joint[i:len(m.tail)], '<')
			if j < 0 {
				break
			}
			i += j
			if !eof && len(joint)-i < spanMaxTag {
				// p is short: wait for more.
				m.tail = append(m.tail[:0], joint[i:]...)
				m.pos += int64(len(p))
				return m.check(base + int64(i))
			}
			if tag(joint[i+1:], base+int64(i)) {
				return true
			}
		}
		m.tail = m.tail[:0]
	}
	data := p
	keep := len(data)
	for i := 0; ; i++ {
		j := bytes.IndexByte(data[i:], '<')
		if j < 0 {
			break
		}
		i += j
		if !eof && len(data)-i < spanMaxTag {
			keep = i
			m.tail = append(m.tail[:0], data[i:]...)
			break
		}
		if tag(data[i+1:], m.pos+int64(i)) {
			return true
		}
	}
	at := m.pos + int64(keep)
	m.pos += int64(len(p))
	if m.check(at) {
		return true
	}
	if eof {
		m.ended = true
		return true
	}
	return false
}

// check: the span from the last start tag to offset at is over limit.
func (m *spanMeter) check(at int64) bool {
	if at-m.last > m.limit {
		m.over = true
	}
	return m.over
}

// tagName reads the name of the tag whose "<" came just before b: closing
// for "</", local the name without its prefix, ok when the name is
// followed by what ends a name in a tag (space, ">", "/").
func tagName(b []byte) (closing bool, local []byte, ok bool) {
	if len(b) > 0 && b[0] == '/' {
		closing, b = true, b[1:]
	}
	k := 0
	for k < len(b) && k < 60 && (isNameByte(b[k])) {
		k++
	}
	if k == 0 || k == len(b) {
		return closing, nil, false
	}
	switch b[k] {
	case ' ', '\t', '\r', '\n', '>', '/':
	default:
		return closing, nil, false
	}
	name := b[:k]
	if c := bytes.LastIndexByte(name, ':'); c >= 0 {
		name = name[c+1:]
	}
	return closing, name, true
}

func isNameByte(c byte) bool {
	return c == ':' || c == '_' || c == '-' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// unsafePartName: an absolute path, a drive letter, a backslash or a ".."
// step, any of which would write outside the folder if the archive were
// unzipped.
func unsafePartName(name string) bool {
	if name == "" || strings.ContainsAny(name, "\\\x00") || strings.HasPrefix(name, "/") ||
		(len(name) >= 2 && name[1] == ':') {
		return true
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == ".." {
			return true
		}
	}
	return false
}

// hasDoctype reports whether an XML part's prolog (what comes before the
// root element: the XML declaration, comments, processing instructions,
// white space) holds a DOCTYPE. A DOCTYPE can only be there, so the scan
// stops at the root element and reads no more of a large sheet. A prolog
// longer than maxProlog is treated as a DOCTYPE: no real part has one.
func hasDoctype(r io.Reader) bool {
	const maxProlog = 64 << 10
	lr := &io.LimitedReader{R: r, N: maxProlog}
	br := bufio.NewReader(lr)
	// At the end of the input: a prolog that used up maxProlog is
	// suspicious, a part that simply ended is not (excelize judges it).
	ended := func() bool { return lr.N == 0 }
	skipPast := func(end string) bool {
		var tail []byte
		for {
			c, err := br.ReadByte()
			if err != nil {
				return false
			}
			tail = append(tail, c)
			if len(tail) > len(end) {
				tail = tail[1:]
			}
			if string(tail) == end {
				return true
			}
		}
	}
	// A UTF-8 byte order mark may come first.
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xEF\xBB\xBF")) {
		br.Discard(3)
	}
	for {
		c, err := br.ReadByte()
		if err != nil {
			return ended()
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '<':
		default:
			return false // not XML text; excelize will say so
		}
		next, _ := br.Peek(8)
		switch {
		case bytes.HasPrefix(next, []byte("?")):
			if !skipPast("?>") {
				return ended()
			}
		case bytes.HasPrefix(next, []byte("!--")):
			if !skipPast("-->") {
				return ended()
			}
		case strings.EqualFold(string(next), "!DOCTYPE"):
			return true
		default:
			return false // the root element
		}
	}
}
