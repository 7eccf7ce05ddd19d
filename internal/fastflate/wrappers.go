package fastflate

import (
	"encoding/binary"
	"hash/crc32"
	"io"
)

// ZlibWriter writes what compress/zlib.NewWriterLevel(w, zlib.BestSpeed)
// writes, byte for byte (RFC 1950, no preset dictionary).
type ZlibWriter struct {
	w           io.Writer
	compressor  *Writer
	digest      uint32 // Adler-32 (adler32Update instead of hash/adler32)
	wroteHeader bool
	err         error
	scratch     [4]byte
}

// NewZlibWriterLevel is compress/zlib.NewWriterLevel for level BestSpeed;
// any other level is an error.
func NewZlibWriterLevel(w io.Writer, level int) (*ZlibWriter, error) {
	if level != BestSpeed {
		return nil, errLevel(level)
	}
	return &ZlibWriter{w: w, digest: 1}, nil
}

// Reset makes z write to w as if new, keeping its compressor's memory.
func (z *ZlibWriter) Reset(w io.Writer) {
	z.w = w
	if z.compressor != nil {
		z.compressor.Reset(w)
	}
	z.digest = 1
	z.err = nil
	z.wroteHeader = false
}

// writeHeader writes zlib's two header bytes for BestSpeed: CINFO 7, CM 8,
// FLEVEL 0 ("fastest", as compress/zlib writes for levels -2, 0 and 1),
// no dictionary, and FCHECK making the pair a multiple of 31.
func (z *ZlibWriter) writeHeader() (err error) {
	z.wroteHeader = true
	z.scratch[0] = 0x78
	z.scratch[1] = 0
	z.scratch[1] += uint8(31 - binary.BigEndian.Uint16(z.scratch[:2])%31)
	if _, err = z.w.Write(z.scratch[0:2]); err != nil {
		return err
	}
	if z.compressor == nil {
		// Reused after Reset, the compressor is already there.
		z.compressor, err = NewWriter(z.w, BestSpeed)
		if err != nil {
			return err
		}
	}
	return nil
}

// Write compresses p.
func (z *ZlibWriter) Write(p []byte) (n int, err error) {
	if !z.wroteHeader {
		z.err = z.writeHeader()
	}
	if z.err != nil {
		return 0, z.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	n, err = z.compressor.Write(p)
	if err != nil {
		z.err = err
		return
	}
	z.digest = adler32Update(z.digest, p)
	return
}

// Close finishes the stream and writes the Adler-32 trailer; it does not
// close the underlying writer.
func (z *ZlibWriter) Close() error {
	if !z.wroteHeader {
		z.err = z.writeHeader()
	}
	if z.err != nil {
		return z.err
	}
	z.err = z.compressor.Close()
	if z.err != nil {
		return z.err
	}
	checksum := z.digest
	// ZLIB (RFC 1950) is big-endian, unlike GZIP (RFC 1952).
	binary.BigEndian.PutUint32(z.scratch[:], checksum)
	_, z.err = z.w.Write(z.scratch[0:4])
	return z.err
}

// GzipWriter writes what compress/gzip.NewWriterLevel(w, gzip.BestSpeed)
// writes with its header left empty (no name, comment, extra field or
// modification time; OS 255, "unknown"), byte for byte. It has no Header
// to set: cpdaudit's gzip members carry none, so their bytes depend only
// on the data.
type GzipWriter struct {
	w           io.Writer
	compressor  *Writer
	digest      uint32 // CRC-32, IEEE
	size        uint32 // Uncompressed size (section 2.3.1)
	wroteHeader bool
	closed      bool
	buf         [10]byte
	err         error
}

// NewGzipWriterLevel is compress/gzip.NewWriterLevel for level BestSpeed;
// any other level is an error.
func NewGzipWriterLevel(w io.Writer, level int) (*GzipWriter, error) {
	if level != BestSpeed {
		return nil, errLevel(level)
	}
	return &GzipWriter{w: w}, nil
}

// Reset makes z write to w as if new, keeping its compressor's memory.
func (z *GzipWriter) Reset(w io.Writer) {
	compressor := z.compressor
	if compressor != nil {
		compressor.Reset(w)
	}
	*z = GzipWriter{w: w, compressor: compressor}
}

// Write compresses p, writing the header first.
func (z *GzipWriter) Write(p []byte) (int, error) {
	if z.err != nil {
		return 0, z.err
	}
	var n int
	if !z.wroteHeader {
		z.wroteHeader = true
		// ID1, ID2, CM deflate, no flags, MTIME 0, XFL 4 ("fastest",
		// as compress/gzip writes for BestSpeed), OS 255.
		z.buf = [10]byte{0: 0x1f, 1: 0x8b, 2: 8, 8: 4, 9: 255}
		_, z.err = z.w.Write(z.buf[:10])
		if z.err != nil {
			return 0, z.err
		}
		if z.compressor == nil {
			z.compressor, _ = NewWriter(z.w, BestSpeed)
		}
	}
	z.size += uint32(len(p))
	z.digest = crc32.Update(z.digest, crc32.IEEETable, p)
	n, z.err = z.compressor.Write(p)
	return n, z.err
}

// Close finishes the member and writes the CRC-32 and size trailer; it
// does not close the underlying writer.
func (z *GzipWriter) Close() error {
	if z.err != nil {
		return z.err
	}
	if z.closed {
		return nil
	}
	z.closed = true
	if !z.wroteHeader {
		z.Write(nil)
		if z.err != nil {
			return z.err
		}
	}
	z.err = z.compressor.Close()
	if z.err != nil {
		return z.err
	}
	binary.LittleEndian.PutUint32(z.buf[:4], z.digest)
	binary.LittleEndian.PutUint32(z.buf[4:8], z.size)
	_, z.err = z.w.Write(z.buf[:8])
	return z.err
}
