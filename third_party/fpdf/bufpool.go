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
}
