package importer

import (
	"bytes"
	"unicode/utf8"
)

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

// fixedContentIssues are the content kinds that are the wrong thing
// whatever the file's name says, with what is wrong and what to do.
var fixedContentIssues = map[contentKind]Issue{
	contentEmpty: {Kind: ErrEmpty, Problem: "the file is empty (0 bytes)",
		Action: "Export or save the file again; the copy received has nothing in it"},
	contentEncrypted: {Kind: ErrEncrypted, Problem: "the workbook is protected with a password, so it cannot be read",
		Action: "Ask the member to remove the password (File > Info > Protect Workbook > Encrypt with Password, then clear it) and send it again"},
	contentODS: {Kind: ErrUnsupported, Problem: "this is an OpenDocument (.ods) spreadsheet, which cpdaudit does not read",
		Action: "Open it in LibreOffice or Excel and use File > Save As, choosing Excel 2007-365 (.xlsx)"},
	contentOLE: {Kind: ErrUnsupported, Problem: "this is an old Excel 97-2003 workbook (.xls), which cpdaudit does not read",
		Action: "Open it in Excel and use File > Save As, choosing Excel Workbook (.xlsx)"},
	contentUTF32: {Kind: ErrUnsupported, Problem: "this is text in the UTF-32 encoding, which cpdaudit does not read",
		Action: "Open it in a text editor or Excel and save it again as CSV UTF-8 (Comma delimited)"},
}

// contentIssue is the file-level issue for content that is not what the
// file's name says, or nil when it is.
func contentIssue(name string, k contentKind, wantCSV bool) *Issue {
	if fixed, ok := fixedContentIssues[k]; ok {
		fixed.File = name
		return &fixed
	}
	iss := &Issue{File: name, Kind: ErrBadFile}
	what := ""
	switch k {
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
