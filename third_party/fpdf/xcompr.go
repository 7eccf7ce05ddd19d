// Copyright ©2021 The go-pdf Authors. All rights reserved.
// Use of this source code is governed by a MIT-style
// license that can be found in the LICENSE file.

package fpdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"sync"
)

var xmem = xmempool{
	Pool: sync.Pool{
		New: func() any {
			var m membuffer
			return &m
		},
	},
}

type xmempool struct{ sync.Pool }

// zwriters holds idle zlib writers (cpdaudit patch, see compress).
var zwriters sync.Pool

// zlibCompress is the compressor of every stream (cpdaudit patch 14, see
// SetZlibCompressor).
var zlibCompress = stdZlibCompress

// SetZlibCompressor makes fn compress every stream fpdf writes (page
// content, fonts, images, attachments) instead of compress/zlib at
// BestSpeed. fn must append to dst the zlib stream of src; if its bytes
// are compress/zlib's, every PDF stays byte for byte the same. nil
// restores compress/zlib. Call it before any document is written: it is
// not synchronised with writers running (cpdaudit patch 14: cpdaudit sets
// a faster implementation of the same algorithm once, at start).
func SetZlibCompressor(fn func(dst *bytes.Buffer, src []byte) error) {
	if fn == nil {
		fn = stdZlibCompress
	}
	zlibCompress = fn
}

// stdZlibCompress is upstream's compression: compress/zlib at BestSpeed.
func stdZlibCompress(buf *bytes.Buffer, data []byte) error {
	// cpdaudit patch: reuse zlib writers. A new flate compressor allocates
	// about 1 MB, and a PDF has a dozen streams; Reset gives the same bytes.
	zw, _ := zwriters.Get().(*zlib.Writer)
	if zw == nil {
		var err error
		if zw, err = zlib.NewWriterLevel(buf, zlib.BestSpeed); err != nil {
			return fmt.Errorf("could not create zlib writer: %w", err)
		}
	} else {
		zw.Reset(buf)
	}
	defer zwriters.Put(zw)
	if _, err := zw.Write(data); err != nil {
		return fmt.Errorf("could not zlib-compress slice: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("could not close zlib writer: %w", err)
	}
	return nil
}

func (pool *xmempool) compress(data []byte) *membuffer {
	mem := pool.Get().(*membuffer)
	buf := &mem.buf
	buf.Grow(len(data))
	if err := zlibCompress(buf, data); err != nil {
		panic(err)
	}
	return mem
}

func (pool *xmempool) uncompress(data []byte) (*membuffer, error) {
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}

	mem := pool.Get().(*membuffer)
	mem.buf.Reset()

	_, err = mem.buf.ReadFrom(zr)
	if err != nil {
		mem.release()
		return nil, err
	}

	return mem, nil
}

type membuffer struct {
	buf bytes.Buffer
}

func (mem *membuffer) bytes() []byte { return mem.buf.Bytes() }
func (mem *membuffer) release() {
	mem.buf.Reset()
	xmem.Put(mem)
}

func (mem *membuffer) copy() []byte {
	src := mem.bytes()
	dst := make([]byte, len(src))
	copy(dst, src)
	return dst
}
