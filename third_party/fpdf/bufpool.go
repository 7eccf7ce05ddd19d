package fpdf

import (
	"bytes"
	"sync"
)

// cpdaudit patch: the byte slices under a document's page buffers and its
// output buffer are reused by the next document. A program writing one
// document after another (cpdaudit writes 10,000 letters in a run) grew
// each page and the output from nothing, a dozen times over, and zeroed
// every new slice: half of what a letter allocated. Output hands them
// back once the document has been written (releaseBuffers), since the
// document is closed then; nothing else does, so a document that is never
// written (a template) keeps its own.
var (
	pageBufs   sync.Pool // *[]byte, each of length 0
	outputBufs sync.Pool
)

// bufPoolOff turns the pools off, for tests that compare with upstream.
var bufPoolOff bool

// pooledSlice returns an empty slice from pool for a buffer to grow in,
// or nil if the pool is empty.
func pooledSlice(pool *sync.Pool) []byte {
	if bufPoolOff {
		return nil
	}
	if p, _ := pool.Get().(*[]byte); p != nil {
		return *p
	}
	return nil
}

// recycle empties b and puts its slice into pool. b must not have been
// read from (Bytes then starts at the slice's start) and its bytes must be
// referenced nowhere else.
func recycle(pool *sync.Pool, b *bytes.Buffer) {
	s := b.Bytes()[:0]
	*b = bytes.Buffer{}
	if cap(s) > 0 && !bufPoolOff {
		pool.Put(&s)
	}
}

// releaseBuffers gives the pages' and the output's slices back after
// Output has written them: f is closed, and later calls of Output write
// nothing, as when upstream's buffer was drained.
func (f *Fpdf) releaseBuffers() {
	for _, p := range f.pages {
		recycle(&pageBufs, p)
	}
	recycle(&outputBufs, &f.buffer.Buffer)
	f.releaseMemos()
}

// docMemos holds the colour and font-operator memos (rgbColorValue,
// fontOperator) of documents that have been written (cpdaudit patch 30).
// A memo's entries are pure functions of their keys: a colour's value of
// its components and operators, a font operator's string of the font's
// number and size. So the next document may start with them: a letter
// grew both memos from nothing (a fifth of a letter's allocated bytes)
// and made its colours' strings again.
var docMemos sync.Pool // *fmtMemos

type fmtMemos struct {
	rgb     []rgbColorMemo
	fontOps []fontOp
}

// takeMemos gives a new document the memos of one written before, if
// the pool has any.
func (f *Fpdf) takeMemos() {
	if bufPoolOff {
		return
	}
	if m, _ := docMemos.Get().(*fmtMemos); m != nil {
		f.fmt.rgb, f.fmt.fontOps = m.rgb, m.fontOps
	}
}

// releaseMemos hands f's memos to the next document; f is closed.
func (f *Fpdf) releaseMemos() {
	if bufPoolOff || (f.fmt.rgb == nil && f.fmt.fontOps == nil) {
		return
	}
	docMemos.Put(&fmtMemos{f.fmt.rgb, f.fmt.fontOps})
	f.fmt.rgb, f.fmt.fontOps, f.fmt.lastFontOp = nil, nil, 0
}
