// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package fastflate is Go's compress/flate compressor cut down to BestSpeed,
// with zlib and gzip writers around it, made faster without changing a bit
// of its output: cpdaudit's PDFs and results.jsonl.gz are outputs that must
// stay byte-identical, so only the same algorithm, run faster, may replace
// the standard library's. The differential tests compare every byte with
// compress/flate, compress/zlib and compress/gzip. PATCHES.md lists what
// differs from Go's source and why.
package fastflate

import (
	"errors"
	"fmt"
	"io"
)

// BestSpeed is the only level this package implements (the value of
// compress/flate.BestSpeed).
const BestSpeed = 1

const (
	// The LZ77 step produces a sequence of literal tokens and <length, offset>
	// pair tokens. The offset is also known as distance. The underlying wire
	// format limits the range of lengths and offsets. For example, there are
	// 256 legitimate lengths: those in the range [3, 258]. This package's
	// compressor uses a higher minimum match length, enabling optimizations
	// such as finding matches via 32-bit loads and compares.
	baseMatchLength = 3       // The smallest match length per the RFC section 3.2.5
	minMatchLength  = 4       // The smallest match length that the compressor actually emits
	maxMatchLength  = 258     // The largest match length
	baseMatchOffset = 1       // The smallest match offset
	maxMatchOffset  = 1 << 15 // The largest match offset

	// The maximum number of tokens we put into a single flate block, just to
	// stop things from getting too large.
	maxFlateBlockTokens = 1 << 14
	maxStoreBlockSize   = 65535
)

// errLevel is returned for any level but BestSpeed: the other levels'
// code (lazy matching, hash chains) is not copied.
func errLevel(level int) error {
	return fmt.Errorf("fastflate: level %d is not implemented, only BestSpeed (1)", level)
}

// compressor is compress/flate's compressor with only its BestSpeed path:
// fill is always fillStore and step always encSpeed, called directly.
type compressor struct {
	w         *huffmanBitWriter
	bestSpeed *deflateFast // Encoder for BestSpeed

	// input window: unprocessed data is window[:windowEnd]
	window    []byte
	windowEnd int

	sync bool // requesting flush

	// queued output tokens
	tokens []token

	err error
}

func (d *compressor) writeStoredBlock(buf []byte) error {
	if d.w.writeStoredHeader(len(buf), false); d.w.err != nil {
		return d.w.err
	}
	d.w.writeBytes(buf)
	return d.w.err
}

// encSpeed will compress and store the currently added data,
// if enough has been accumulated or we at the end of the stream.
// Any error that occurred will be in d.err
func (d *compressor) encSpeed() {
	// We only compress if we have maxStoreBlockSize.
	if d.windowEnd < maxStoreBlockSize {
		if !d.sync {
			return
		}

		// Handle small sizes.
		if d.windowEnd < 128 {
			switch {
			case d.windowEnd == 0:
				return
			case d.windowEnd <= 16:
				d.err = d.writeStoredBlock(d.window[:d.windowEnd])
			default:
				d.w.writeBlockHuff(false, d.window[:d.windowEnd])
				d.err = d.w.err
			}
			d.windowEnd = 0
			d.bestSpeed.reset()
			return
		}

	}
	// Encode the block.
	d.tokens = d.bestSpeed.encode(d.tokens[:0], d.window[:d.windowEnd])

	// If we removed less than 1/16th, Huffman compress the block.
	if len(d.tokens) > d.windowEnd-(d.windowEnd>>4) {
		d.w.writeBlockHuff(false, d.window[:d.windowEnd])
	} else {
		d.w.writeBlockDynamic(d.tokens, false, d.window[:d.windowEnd])
	}
	d.err = d.w.err
	d.windowEnd = 0
	// fastflate: the window is now the encoder's prev (deflateFast.keep);
	// the next block goes into prev's old array.
	if spare := d.bestSpeed.spare; spare != nil {
		d.window = spare[:maxStoreBlockSize]
		d.bestSpeed.spare = nil
	}
}

func (d *compressor) fillStore(b []byte) int {
	n := copy(d.window[d.windowEnd:], b)
	d.windowEnd += n
	return n
}

func (d *compressor) write(b []byte) (n int, err error) {
	if d.err != nil {
		return 0, d.err
	}
	n = len(b)
	for len(b) > 0 {
		d.encSpeed()
		b = b[d.fillStore(b):]
		if d.err != nil {
			return 0, d.err
		}
	}
	return n, nil
}

func (d *compressor) syncFlush() error {
	if d.err != nil {
		return d.err
	}
	d.sync = true
	d.encSpeed()
	if d.err == nil {
		d.w.writeStoredHeader(0, false)
		d.w.flush()
		d.err = d.w.err
	}
	d.sync = false
	return d.err
}

func (d *compressor) init(w io.Writer, level int) (err error) {
	if level != BestSpeed {
		return errLevel(level)
	}
	d.w = newHuffmanBitWriter(w)
	d.window = make([]byte, maxStoreBlockSize)
	d.bestSpeed = newDeflateFast()
	// fastflate: encode counts the codes where writeBlockDynamic reads
	// them (writeBlockHuff clears and fills them itself).
	d.w.literalFreq = d.bestSpeed.litFreq[:]
	d.w.offsetFreq = d.bestSpeed.offFreq[:offsetCodeCount]
	d.tokens = make([]token, maxStoreBlockSize)
	return nil
}

func (d *compressor) reset(w io.Writer) {
	d.w.reset(w)
	d.sync = false
	d.err = nil
	d.windowEnd = 0
	d.tokens = d.tokens[:0]
	d.bestSpeed.reset()
}

func (d *compressor) close() error {
	if d.err == errWriterClosed {
		return nil
	}
	if d.err != nil {
		return d.err
	}
	d.sync = true
	d.encSpeed()
	if d.err != nil {
		return d.err
	}
	if d.w.writeStoredHeader(0, true); d.w.err != nil {
		return d.w.err
	}
	d.w.flush()
	if d.w.err != nil {
		return d.w.err
	}
	d.err = errWriterClosed
	return nil
}

// NewWriter is compress/flate.NewWriter for level BestSpeed; any other
// level is an error.
func NewWriter(w io.Writer, level int) (*Writer, error) {
	var dw Writer
	if err := dw.d.init(w, level); err != nil {
		return nil, err
	}
	return &dw, nil
}

var errWriterClosed = errors.New("flate: closed writer")

// A Writer takes data written to it and writes the compressed
// form of that data to an underlying writer (see [NewWriter]).
type Writer struct {
	d compressor
}

// Write writes data to w, which will eventually write the
// compressed form of data to its underlying writer.
func (w *Writer) Write(data []byte) (n int, err error) {
	return w.d.write(data)
}

// Flush is compress/flate's Flush (Z_SYNC_FLUSH): it writes what is
// pending and an empty stored block.
func (w *Writer) Flush() error {
	return w.d.syncFlush()
}

// Close flushes and closes the writer.
func (w *Writer) Close() error {
	return w.d.close()
}

// Reset discards the writer's state and makes it equivalent to
// the result of [NewWriter] called with dst.
func (w *Writer) Reset(dst io.Writer) {
	w.d.reset(dst)
}

// From compress/flate's inflate.go, which is not copied.
const maxNumLit = 286

// An InternalError reports an error in the flate code itself.
type InternalError string

func (e InternalError) Error() string { return "flate: internal error: " + string(e) }
