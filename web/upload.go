package web

import (
	"archive/zip"
	"bytes"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Limits on uploads. An office's year is a few exports and workbooks;
// 100,000 members' records are about 60 MB as .xlsx.
type Limits struct {
	// Request is the most bytes one upload request may carry.
	Request int64
	// File is the most bytes one uploaded file may have.
	File int64
	// Files is the most files one upload may hold.
	Files int
	// Unzipped is the most bytes the parts of one .xlsx may unpack to:
	// beyond it the file is refused as a zip bomb.
	Unzipped int64
}

// DefaultLimits are the limits serve uses.
var DefaultLimits = Limits{Request: 512 << 20, File: 200 << 20, Files: 100, Unzipped: 2 << 30}

// kind is what an upload field may hold.
type kind int

const (
	kindTable    kind = iota // .csv, .xlsx or .xlsm: exports, register
	kindWorkbook             // .xlsx only: decisions
	kindPolicy               // .toml
)

func (k kind) exts() []string {
	switch k {
	case kindWorkbook:
		return []string{".xlsx"}
	case kindPolicy:
		return []string{".toml"}
	}
	return []string{".csv", ".xlsx", ".xlsm"}
}

// uploadError is a refused upload: the message says which file and why,
// and the status is what the API answers.
type uploadError struct {
	status int
	msg    string
}

func (e *uploadError) Error() string { return e.msg }

func refuse(status int, format string, a ...any) error {
	return &uploadError{status: status, msg: fmt.Sprintf(format, a...)}
}

// form is an upload form read as a stream: its fields, and its files,
// stored as they arrive in a staging folder under the data folder (0700,
// each file 0600), never in a temporary folder elsewhere.
type form struct {
	values map[string]string
	files  map[string][]StoredFile // by field, in the order sent
	stage  string
}

func (f *form) value(k string) string { return f.values[k] }

// dir is the folder of the staging folder holding a field's files.
func (f *form) dir(field string) string { return filepath.Join(f.stage, field) }

// discard removes the staging folder and whatever is left in it.
func (f *form) discard() { os.RemoveAll(f.stage) }

// readForm reads a multipart form from r into a new staging folder in
// parent. fields are the file fields taken, with what they may hold; a
// file is refused, and everything read so far removed, as soon as it is
// the wrong type, too large, or one too many. With csrf set, the form's
// csrf field (the first in every form of the page) is checked before any
// file is stored. The caller has limited r.Body to the request limit.
func readForm(r *http.Request, parent string, fields map[string]kind, lim Limits, csrf string) (_ *form, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, refuse(http.StatusBadRequest, "Send the files as a multipart/form-data upload (%v).", err)
	}
	stage, err := os.MkdirTemp(parent, ".upload-")
	if err != nil {
		return nil, err
	}
	f := &form{values: map[string]string{}, files: map[string][]StoredFile{}, stage: stage}
	defer func() {
		if err != nil {
			f.discard()
		}
	}()
	tooLarge := func(err error) error {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return refuse(http.StatusRequestEntityTooLarge, "The upload is more than %s: upload fewer or smaller files at once.", sizeText(lim.Request))
		}
		return refuse(http.StatusBadRequest, "The upload could not be read (%v): send it again.", err)
	}
	csrfOK := func() bool { return subtle.ConstantTimeCompare([]byte(f.values["csrf"]), []byte(csrf)) == 1 }
	taken, count := map[string]bool{}, 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, tooLarge(err)
		}
		field := part.FormName()
		if part.FileName() == "" {
			// A field, or a file input left empty.
			b, err := io.ReadAll(io.LimitReader(part, 4097))
			if err != nil {
				return nil, tooLarge(err)
			}
			if len(b) > 4096 {
				return nil, refuse(http.StatusBadRequest, "The form's field %q is too long.", field)
			}
			f.values[field] = string(b)
			continue
		}
		if csrf != "" && !csrfOK() {
			return nil, errForged
		}
		k, ok := fields[field]
		if !ok {
			return nil, refuse(http.StatusBadRequest, "This form takes no file %q.", field)
		}
		shown := displayName(part.FileName())
		if count++; count > lim.Files {
			return nil, refuse(http.StatusRequestEntityTooLarge, "More than %d files: that is the most one upload may hold.", lim.Files)
		}
		ext := strings.ToLower(filepath.Ext(shown))
		if !contains(k.exts(), ext) {
			return nil, refuse(http.StatusUnsupportedMediaType, "%s is not a %s file: upload %s", shown, strings.Join(k.exts(), ", "), strings.Join(k.exts(), " or "))
		}
		if err := os.MkdirAll(f.dir(field), 0o700); err != nil {
			return nil, err
		}
		name := uniqueName(safeName(shown, ext), taken)
		path := filepath.Join(f.dir(field), name)
		n, err := storePart(part, path, lim.File)
		if err != nil {
			var ue *uploadError
			if errors.As(err, &ue) {
				return nil, err
			}
			return nil, tooLarge(err)
		}
		if n > lim.File {
			return nil, refuse(http.StatusRequestEntityTooLarge, "%s is more than the %s a file may have", shown, sizeText(lim.File))
		}
		if err := checkContent(path, ext, shown, lim); err != nil {
			return nil, err
		}
		f.files[field] = append(f.files[field], StoredFile{Name: name, Original: shown, Size: n})
	}
	if csrf != "" && !csrfOK() {
		return nil, errForged
	}
	return f, nil
}

// errForged is a page form without the page's CSRF token.
var errForged = refuse(http.StatusForbidden, "This form is out of date or did not come from this page: go back, reload the page and send it again.")

// storePart writes an uploaded file (0600), at most max+1 bytes, and
// returns how many it wrote.
func storePart(src io.Reader, path string, max int64) (int64, error) {
	dst, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(dst, io.LimitReader(src, max+1))
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// checkContent refuses a file whose content is not what its extension
// says, and a workbook that unpacks to more than the limit (a zip bomb).
func checkContent(path, ext, shown string, lim Limits) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 8192)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch ext {
	case ".xlsx", ".xlsm":
		if !bytes.HasPrefix(head, []byte("PK\x03\x04")) {
			return refuse(415, "%s is not an Excel workbook (.xlsx files are zip archives; this one is not): save it from Excel or LibreOffice as .xlsx", shown)
		}
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		return checkZip(f, fi.Size(), shown, lim.Unzipped)
	case ".csv", ".toml":
		if bytes.IndexByte(head, 0) >= 0 || bytes.HasPrefix(head, []byte("PK\x03\x04")) {
			return refuse(415, "%s is not a text file (it holds binary data): export it as %s", shown, ext)
		}
		if ext == ".toml" && !utf8.Valid(head) {
			return refuse(415, "%s is not UTF-8 text: save the policy file as UTF-8", shown)
		}
	}
	return nil
}

// checkZip unpacks every part of the workbook without keeping it,
// counting the bytes: the sizes a zip declares can lie.
func checkZip(r io.ReaderAt, size int64, shown string, limit int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return refuse(415, "%s is not a readable Excel workbook (%v): open it in Excel or LibreOffice and save it again", shown, err)
	}
	if len(zr.File) > 10000 {
		return refuse(413, "%s holds %d parts, more than any workbook: refused", shown, len(zr.File))
	}
	var total int64
	for _, zf := range zr.File {
		if zf.UncompressedSize64 > uint64(limit) {
			return refuse(413, "%s unpacks to more than %s (a zip bomb?): refused", shown, sizeText(limit))
		}
		rc, err := zf.Open()
		if err != nil {
			return refuse(415, "%s is not a readable Excel workbook (%v)", shown, err)
		}
		n, err := io.Copy(io.Discard, io.LimitReader(rc, limit-total+1))
		rc.Close()
		total += n
		if total > limit {
			return refuse(413, "%s unpacks to more than %s (a zip bomb?): refused", shown, sizeText(limit))
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return refuse(415, "%s is damaged (%s: %v): open it in Excel or LibreOffice and save it again", shown, zf.Name, err)
		}
	}
	return nil
}

// displayName is the uploaded name as shown to people: its last part,
// without control characters.
func displayName(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
