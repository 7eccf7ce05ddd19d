package importer

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/runfolder"
)

// importFile imports one file from disk. The hashing pass reads it
// first; the readers then read it again, a piece at a time, so the file
// is never held whole. The SHA-256 in the result is the hash of the bytes
// parsed: a file that changed between the two passes (another program
// still writing it, a sync client replacing it) is one issue, not a mix
// of two versions.
func importFile(path string, opts Options, sc *schema) (FileResult, []audit.Member) {
	in, info, iss := openInput(path, opts)
	if stopped(opts.Done) {
		if in != nil {
			in.file.Close()
		}
		return FileResult{File: FileInfo{FileHash: runfolder.FileHash{Path: path}}, Err: errCancelled}, nil
	}
	if iss != nil {
		return FileResult{File: info, Issues: []Issue{*iss}}, nil
	}
	defer in.file.Close()
	if testHookHashed != nil {
		testHookHashed(path)
	}
	res, members := importInput(in, opts, sc)
	if stopped(opts.Done) {
		// What was read is incomplete: none of it is kept.
		return FileResult{File: FileInfo{FileHash: runfolder.FileHash{Path: path}}, Err: errCancelled}, nil
	}
	if iss := in.afterReading(); iss != nil {
		// Nothing read from it is kept, and no hash is claimed for it; a
		// Store failure still stops the run.
		return FileResult{File: FileInfo{FileHash: runfolder.FileHash{Path: path}, Size: info.Size}, Issues: []Issue{*iss}, Err: res.Err}, nil
	}
	res.File = info
	return res, members
}

// testHookHashed, when set by a test, runs between the hashing pass and
// the reading, where a change to the file must be caught.
var testHookHashed func(path string)

// importInput reads one file's content; the file name decides CSV or
// Excel. For the register schema the members come back too.
func importInput(in *input, opts Options, sc *schema) (res FileResult, members []audit.Member) {
	defer func() {
		// A library panic on a crafted file must cost that file only, and
		// nothing half-read from it is kept.
		if p := recover(); p != nil {
			members = nil
			res = FileResult{Issues: []Issue{{
				File: in.name, Kind: ErrBadFile,
				Problem: fmt.Sprintf("%s (%v)", panicProblem, p),
				Action:  "Open it in Excel or LibreOffice, save it again as .xlsx or .csv, and run again",
			}}}
		}
	}()
	read := func(order dateOrder, firstPass bool) tableImport {
		var ti tableImport
		ti.init(in.name, sc)
		ti.dc.order = order
		if opts.Year > 0 {
			ti.dc.pivot = opts.Year
		}
		ti.firstPass = firstPass
		if isCSV(in.name) {
			readCSV(in, opts, &ti)
		} else {
			readWorkbook(in, opts, &ti)
		}
		return ti
	}
	ti := read(dayFirst, true)
	if ti.dates.monthOnly > 0 {
		// A date only month first can read: the file's order is not known
		// until its end, so it is read again in the order its dates say
		// (see dateorder.go), and what the first reading gave is dropped.
		ti = read(ti.dates.order(), false)
	}
	if n := ti.dates.notice(in.name, ti.dc); n != nil {
		ti.res.Notices = append(ti.res.Notices, *n)
	}
	return ti.res, ti.members
}

// openInput opens a file, within the size limit, and runs the hashing
// pass. The caller closes in.file. Only a regular file is read: a named
// pipe or a device could block for ever or never end, so it is an issue
// without being read. It is opened without waiting (O_NONBLOCK), so a
// pipe put in the file's place after discovery cannot block the open
// either; a regular file ignores the flag.
func openInput(path string, opts Options) (*input, FileInfo, *Issue) {
	info := FileInfo{FileHash: runfolder.FileHash{Path: path}}
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		iss := notAFile(path, st.Mode())
		return nil, info, &iss
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, info, openIssue(path, err)
	}
	in, iss := scanFile(f, path, opts, &info)
	if iss != nil {
		f.Close()
		return nil, info, iss
	}
	info.SHA256 = hex.EncodeToString(in.sum[:])
	info.Size = in.size
	return in, info, nil
}

func scanFile(f *os.File, path string, opts Options, info *FileInfo) (*input, *Issue) {
	st, err := f.Stat()
	if err != nil {
		return nil, openIssue(path, err)
	}
	if !st.Mode().IsRegular() {
		iss := notAFile(path, st.Mode())
		return nil, &iss
	}
	info.Size = st.Size()
	if st.Size() > opts.MaxFileSize {
		return nil, tooLarge(path, st.Size(), opts.MaxFileSize)
	}
	in := &input{name: path, r: &recordingReaderAt{r: f}, file: f, stat: st}
	// The limit is applied to the read too: the file may grow meanwhile.
	if err := in.scan(io.LimitReader(f, opts.MaxFileSize+1), opts.Done); err != nil {
		return nil, openIssue(path, err)
	}
	if in.size > opts.MaxFileSize {
		return nil, tooLarge(path, in.size, opts.MaxFileSize)
	}
	in.openWorkbook = func(o excelize.Options) (*excelize.File, error) {
		// excelize reads the file through its own handle, a piece at a
		// time (OpenReader would copy it whole into memory), and keeps the
		// large sheets in temporary files; afterReading checks that the
		// path still leads to the file that was hashed.
		in.reopened = true
		return excelize.OpenFile(path, o)
	}
	return in, nil
}

// afterReading is the issue of a file whose reading cannot be trusted:
// it changed since the hashing pass, or a read failed half way. nil when
// the bytes parsed are the bytes hashed.
func (in *input) afterReading() *Issue {
	if in.stat != nil && in.changed() {
		return &Issue{File: in.name, Kind: ErrBadFile,
			Problem: "the file changed while it was being read, so it was not audited (what was read could be part old, part new)",
			Action:  "Wait until the program writing or copying it has finished, then run again"}
	}
	if in.r.err != nil {
		return openIssue(in.name, in.r.err)
	}
	return nil
}

// changed compares the file with its state before the hashing pass: its
// size and modification time, and, when excelize opened it again by name,
// that the name still leads to the same file.
func (in *input) changed() bool {
	if in.size != in.stat.Size() {
		return true // it grew or shrank before or during the hashing pass
	}
	now, err := in.file.Stat()
	if err != nil || now.Size() != in.stat.Size() || !now.ModTime().Equal(in.stat.ModTime()) {
		return true
	}
	if in.reopened {
		byName, err := os.Stat(in.name)
		if err != nil || !os.SameFile(in.stat, byName) {
			return true
		}
	}
	return false
}

func tooLarge(path string, size, limit int64) *Issue {
	return &Issue{File: path, Kind: ErrTooLarge,
		Problem: fmt.Sprintf("the file is %s, more than the limit of %s, so it was not read", byteSize(size), byteSize(limit)),
		Action:  "Split it into smaller files, or check that it is the right file"}
}

func openIssue(path string, err error) *Issue {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &Issue{File: path, Kind: ErrNotFound, Problem: "the file does not exist", Action: "Check the file name and folder"}
	case errors.Is(err, syscall.ELOOP):
		return &Issue{File: path, Kind: ErrBadFile, Problem: "the file is a link that leads back to itself (a symbolic link loop), so there is nothing to read",
			Action: "Replace the link with the file itself"}
	case errors.Is(err, fs.ErrPermission):
		return &Issue{File: path, Kind: ErrBadFile, Problem: "the file cannot be opened: permission denied",
			Action: "Ask whoever owns the file to let you read it, or copy it somewhere you can"}
	}
	return &Issue{File: path, Kind: ErrBadFile, Problem: "the file cannot be read: " + err.Error(),
		Action: "Copy the file again and run again"}
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func isCSV(name string) bool { return strings.EqualFold(filepath.Ext(name), ".csv") }

// kind of content, from its first bytes.
type contentKind int

const (
	contentEmpty contentKind = iota
	contentZip
	contentODS // a zip whose mimetype says OpenDocument spreadsheet
	contentOLE // an OLE2 compound file: a legacy .xls or an encrypted workbook
	contentEncrypted
	contentPDF
	contentImage
	contentBinary
	contentText
	contentNULText // text with zero bytes in it: a damaged copy
	contentUTF32   // UTF-32 text, which no spreadsheet program exports
)

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// utf16le("EncryptedPackage"): the stream an encrypted Office file keeps
// its real content in.
var encryptedPackage = []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e\x00")

// sniff tells what a file holds from its first bytes (in.head); only an
// OLE file is searched further, for the stream an encrypted workbook
// keeps its content in. That search reads the file a buffer at a time:
// an encrypted workbook is as big as the workbook inside it, and its
// directory, which names the stream, may be anywhere in it.
func sniff(in *input) contentKind {
	data := in.head
	switch {
	case in.size == 0:
		return contentEmpty
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		if bytes.Contains(data[:min(len(data), 100)], []byte("application/vnd.oasis.opendocument")) {
			return contentODS
		}
		return contentZip
	case bytes.HasPrefix(data, oleMagic):
		if containsAt(in.r, in.size, encryptedPackage) {
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
	head := data[:min(len(data), headSize)]
	if bytes.IndexByte(head, 0) >= 0 {
		if textApartFromNUL(head) {
			return contentNULText
		}
		return contentBinary
	}
	return contentText
}

// looksUTF32 spots UTF-32 text by its BOM, or, without one, by ASCII
// text having three zero bytes in every four.
func looksUTF32(data []byte) bool {
	if bytes.HasPrefix(data, []byte("\xFF\xFE\x00\x00")) || bytes.HasPrefix(data, []byte("\x00\x00\xFE\xFF")) {
		return true
	}
	n := min(len(data), 512) &^ 3
	if n < 8 {
		return false
	}
	var zero [4]int
	for i := 0; i < n; i++ {
		if data[i] == 0 {
			zero[i%4]++
		}
	}
	q, most := n/4, 0
	for _, z := range zero {
		if z*10 >= q*9 {
			most++
		}
	}
	return most == 3 && (zero[0] == 0 || zero[3] == 0)
}

// textApartFromNUL: the bytes are UTF-8 text with no control characters
// other than tab, line ends and the zero bytes themselves.
func textApartFromNUL(head []byte) bool {
	clean := bytes.ReplaceAll(head, []byte{0}, nil)
	if len(clean) == 0 {
		return false
	}
	for _, c := range clean {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	// The 8 KB cut may split a character at the end.
	for i := 0; i < 4 && !utf8.Valid(clean); i++ {
		clean = clean[:len(clean)-1]
	}
	return utf8.Valid(clean)
}

// contentIssue is the file-level issue for content that is not what the
// file's name says, or nil when it is.
func contentIssue(name string, k contentKind, wantCSV bool) *Issue {
	iss := &Issue{File: name, Kind: ErrBadFile}
	what := ""
	switch k {
	case contentEmpty:
		iss.Kind = ErrEmpty
		iss.Problem = "the file is empty (0 bytes)"
		iss.Action = "Export or save the file again; the copy received has nothing in it"
		return iss
	case contentEncrypted:
		iss.Kind = ErrEncrypted
		iss.Problem = "the workbook is protected with a password, so it cannot be read"
		iss.Action = "Ask the member to remove the password (File > Info > Protect Workbook > Encrypt with Password, then clear it) and send it again"
		return iss
	case contentODS:
		iss.Kind = ErrUnsupported
		iss.Problem = "this is an OpenDocument (.ods) spreadsheet, which cpdaudit does not read"
		iss.Action = "Open it in LibreOffice or Excel and use File > Save As, choosing Excel 2007-365 (.xlsx)"
		return iss
	case contentOLE:
		iss.Kind = ErrUnsupported
		iss.Problem = "this is an old Excel 97-2003 workbook (.xls), which cpdaudit does not read"
		iss.Action = "Open it in Excel and use File > Save As, choosing Excel Workbook (.xlsx)"
		return iss
	case contentZip:
		if wantCSV {
			iss.Problem = "this is an Excel workbook (or another zip file), not a CSV text file"
			iss.Action = "If it is a workbook, rename it to end in .xlsx"
			return iss
		}
		return nil
	case contentText:
		if wantCSV {
			return nil
		}
		iss.Problem = "this is a text file, not an Excel workbook"
		iss.Action = "If it is a CSV export, rename it to end in .csv; otherwise open it in Excel and save it as .xlsx"
		return iss
	case contentUTF32:
		iss.Kind = ErrUnsupported
		iss.Problem = "this is text in the UTF-32 encoding, which cpdaudit does not read"
		iss.Action = "Open it in a text editor or Excel and save it again as CSV UTF-8 (Comma delimited)"
		return iss
	case contentNULText:
		if wantCSV {
			iss.Problem = "the file contains zero (NUL) bytes, which a CSV text file never has: the copy is damaged"
			iss.Action = "Ask for the file again, or export the records again from the program that made it"
			return iss
		}
		what = "some other kind of file"
	case contentPDF:
		what = "a PDF document"
	case contentImage:
		what = "an image"
	default:
		what = "some other kind of file"
	}
	iss.Problem = "this is not a spreadsheet: it is " + what
	iss.Action = "Send the CPD record as an Excel workbook (.xlsx) or a CSV file"
	return iss
}
