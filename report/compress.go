package report

import (
	"bytes"
	"sync"

	"codeberg.org/go-pdf/fpdf"
	"github.com/ies/cpdaudit/internal/fastflate"
)

// Every stream of every PDF is compressed by internal/fastflate: Go's own
// BestSpeed compressor made faster, writing the very bytes compress/zlib
// writes (its tests compare them), so the letters do not change.
// Compression was a fifth of a run's CPU (issue 18).
func init() { fpdf.SetZlibCompressor(zlibCompress) }

// zlibWriters are reused: a compressor holds about 400 KB of tables.
var zlibWriters = sync.Pool{New: func() any {
	zw, err := fastflate.NewZlibWriterLevel(nil, fastflate.BestSpeed)
	if err != nil {
		panic(err) // BestSpeed is always accepted
	}
	return zw
}}

// zlibCompress appends the zlib stream of src to dst, for fpdf.
func zlibCompress(dst *bytes.Buffer, src []byte) error {
	zw := zlibWriters.Get().(*fastflate.ZlibWriter)
	defer zlibWriters.Put(zw)
	zw.Reset(dst)
	if _, err := zw.Write(src); err != nil {
		return err
	}
	return zw.Close()
}
