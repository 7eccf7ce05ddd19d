package web

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
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

// saveUploads stores the files of one form field in dir (made 0700), each
// 0600 under a safe name, after checking its type and size. It returns the
// stored files; on an error nothing of this field is left in dir.
func saveUploads(dir string, fhs []*multipart.FileHeader, k kind, lim Limits, taken map[string]bool) (_ []StoredFile, err error) {
	if len(fhs) == 0 {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	var out []StoredFile
	defer func() {
		if err != nil {
			for _, f := range out {
				os.Remove(filepath.Join(dir, f.Name))
			}
		}
	}()
	for _, fh := range fhs {
		ext := strings.ToLower(filepath.Ext(fh.Filename))
		if !contains(k.exts(), ext) {
			return out, refuse(415, "%s is not a %s file: upload %s", displayName(fh.Filename), strings.Join(k.exts(), ", "), strings.Join(k.exts(), " or "))
		}
		if fh.Size > lim.File {
			return out, refuse(413, "%s is %s, more than the %s a file may have", displayName(fh.Filename), sizeText(fh.Size), sizeText(lim.File))
		}
		name := uniqueName(safeName(fh.Filename, ext), taken)
		path := filepath.Join(dir, name)
		if err := copyUpload(fh, path, lim.File); err != nil {
			return out, err
		}
		out = append(out, StoredFile{Name: name, Original: displayName(fh.Filename), Size: fh.Size})
		if err := checkContent(path, ext, displayName(fh.Filename), lim); err != nil {
			os.Remove(path)
			return out, err
		}
	}
	return out, nil
}

func copyUpload(fh *multipart.FileHeader, path string, max int64) error {
	src, err := fh.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	n, err := io.Copy(dst, io.LimitReader(src, max+1))
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > max {
		err = refuse(413, "%s is more than the %s a file may have", displayName(fh.Filename), sizeText(max))
	}
	if err != nil {
		os.Remove(path)
	}
	return err
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
