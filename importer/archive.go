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
//   - a zip that is not a workbook at all;
//   - a DOCTYPE in an XML part: Excel never writes one, and it is how the
//     "billion laughs" entity expansion and external-entity (XXE) file
//     reads work. Go's XML decoder expands neither, but the sheet would then
//     read as empty and the issue would blame a missing header.
//
// A zip that cannot be opened at all is left to excelize, whose errors
// openError explains. It returns nil when the archive looks like a
// workbook. It reads the archive through r, only the central directory
// and the start of each XML part.
func checkArchive(name string, r io.ReaderAt, size int64, opts Options) *Issue {
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
	return nil
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
