package importer

import (
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Streaming input (issue 6). A file is never held whole: a first pass
// hashes it and notes the little the readers must know before they start
// (its first bytes, whether it is valid UTF-8); the readers then read it
// again through an io.ReaderAt, a piece at a time. A 700 MB CSV export
// costs a few buffers, not 700 MB plus its decoded copy.

const (
	// headSize is how much of the start is kept for sniff: the longest
	// look it takes (for zero bytes) is 8 KB.
	headSize = 8 << 10
	// delimScanSize is how much decoded text detectDelimiter looks at.
	delimScanSize = 64 << 10
)

// bufSize is the size of the read buffers. A variable so that tests can
// make it tiny and put buffer boundaries everywhere.
var bufSize = 256 << 10

// input is one file's content as it is imported. Every reader goes
// through r, so a file on disk and bytes in memory (importBytes, which
// the fuzz targets call) take the same path; they differ only in r and
// in how excelize opens the workbook.
type input struct {
	name      string
	r         *recordingReaderAt
	size      int64  // the bytes hashed; no reader looks past them
	head      []byte // the first headSize bytes
	validUTF8 bool   // the whole content is valid UTF-8
	sum       [sha256.Size]byte

	// openWorkbook opens the content with excelize.
	openWorkbook func(excelize.Options) (*excelize.File, error)

	// For a file on disk: the open file, its state before the hashing
	// pass, and whether excelize opened it again by its path.
	file     *os.File
	stat     os.FileInfo
	reopened bool
}

// bytesInput is content held in memory: what importBytes reads.
func bytesInput(name string, data []byte) *input {
	in := &input{name: name}
	in.r = &recordingReaderAt{r: bytes.NewReader(data)}
	in.scan(bytes.NewReader(data), nil) // a bytes.Reader never fails
	in.openWorkbook = func(o excelize.Options) (*excelize.File, error) {
		return excelize.OpenReader(bytes.NewReader(data), o)
	}
	return in
}

// scan is the hashing pass: it reads r to its end and sets size, sum,
// head and validUTF8. It stops with errCancelled when done is closed.
func (in *input) scan(r io.Reader, done <-chan struct{}) error {
	h := sha256.New()
	var u utf8Check
	buf := make([]byte, bufSize)
	in.size, in.head = 0, nil
	var err error
	for err == nil {
		if stopped(done) {
			return errCancelled
		}
		var n int
		n, err = r.Read(buf)
		p := buf[:n]
		h.Write(p)
		u.write(p)
		if len(in.head) < headSize {
			in.head = append(in.head, p[:min(n, headSize-len(in.head))]...)
		}
		in.size += int64(n)
	}
	h.Sum(in.sum[:0])
	in.validUTF8 = u.valid()
	if err == io.EOF {
		return nil
	}
	return err
}

// recordingReaderAt keeps the first read error (other than the end of
// the input), which the readers above it may turn into a quiet end: a
// file that fails half way must not look like a shorter file.
type recordingReaderAt struct {
	r   io.ReaderAt
	err error
}

func (r *recordingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.r.ReadAt(p, off)
	if err != nil && err != io.EOF && r.err == nil {
		r.err = err
	}
	return n, err
}

// utf8Check is utf8.Valid over content that comes in pieces: a character
// cut by the end of one piece is held back and completed by the next.
type utf8Check struct {
	tail [utf8.UTFMax]byte
	n    int // bytes held in tail
	bad  bool
}

func (c *utf8Check) write(p []byte) {
	if c.bad {
		return
	}
	if c.n > 0 {
		for c.n < len(c.tail) && len(p) > 0 && !utf8.FullRune(c.tail[:c.n]) {
			c.tail[c.n] = p[0]
			c.n++
			p = p[1:]
		}
		if !utf8.FullRune(c.tail[:c.n]) {
			return // the piece ended too; wait for more
		}
		if r, size := utf8.DecodeRune(c.tail[:c.n]); r == utf8.RuneError && size <= 1 {
			c.bad = true
			return
		}
		c.n = 0
	}
	// Hold back a character that starts in the last three bytes and is
	// not complete.
	cut := len(p)
	for i := len(p) - 1; i >= 0 && i >= len(p)-(utf8.UTFMax-1); i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				cut = i
			}
			break
		}
	}
	if !utf8.Valid(p[:cut]) {
		c.bad = true
		return
	}
	c.n = copy(c.tail[:], p[cut:])
}

// valid: everything written was valid UTF-8, with no character cut off
// at the end.
func (c *utf8Check) valid() bool { return !c.bad && c.n == 0 }

// containsAt reports whether r's first size bytes contain pat, reading
// them a buffer at a time: the pieces overlap by len(pat)-1 bytes so a
// match across two of them is found.
func containsAt(r io.ReaderAt, size int64, pat []byte) bool {
	sr := io.NewSectionReader(r, 0, size)
	buf := make([]byte, max(bufSize, 2*len(pat)))
	carry := 0
	for {
		n, err := io.ReadFull(sr, buf[carry:])
		n += carry
		if bytes.Contains(buf[:n], pat) {
			return true
		}
		if err != nil {
			return false
		}
		carry = copy(buf, buf[n-(len(pat)-1):n])
	}
}

// crToLF turns every CR into LF: how an old Mac file, whose lines end
// with a lone CR, is read. It is used only on text with no LF at all, so
// a one-for-one byte swap is the same as replacing line ends.
type crToLF struct{ r io.Reader }

func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// lineIndex sits between the decoded text and encoding/csv and notes
// where each line end is. csv.Reader reads ahead of the record it
// returns, so counting what passes would count too far; instead the
// newlines before csv.Reader.InputOffset are taken off the queue.
type lineIndex struct {
	r      io.Reader
	pos    int64   // bytes passed on
	nl     []int64 // offsets of the newlines passed on and not yet taken
	lastNL int64   // offset of the last newline taken, -1 before any
}

func newLineIndex(r io.Reader) *lineIndex { return &lineIndex{r: r, lastNL: -1} }

func (li *lineIndex) Read(p []byte) (int, error) {
	n, err := li.r.Read(p)
	for i := 0; i < n; {
		j := bytes.IndexByte(p[i:n], '\n')
		if j < 0 {
			break
		}
		li.nl = append(li.nl, li.pos+int64(i+j))
		i += j + 1
	}
	li.pos += int64(n)
	return n, err
}

// take counts the newlines before offset off, forgetting them, and says
// whether the byte just before off is one.
func (li *lineIndex) take(off int64) (n int, endsLine bool) {
	for n < len(li.nl) && li.nl[n] < off {
		li.lastNL = li.nl[n]
		n++
	}
	li.nl = li.nl[n:]
	return n, li.lastNL == off-1
}
