package importer

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

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
		ti.finishRows()
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
