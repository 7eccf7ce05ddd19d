package report

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"regexp"
	"sort"
)

// sortedZip is an excelize ZipWriter that makes the archive's bytes depend
// only on its content. excelize ranges over maps in two places that reach
// the file: it writes the sheets made with a StreamWriter in map order, and
// adding a chart appends the image content types to [Content_Types].xml in
// map order. sortedZip writes the entries in name order and sorts the
// <Default> elements of [Content_Types].xml by extension. Each entry is
// compressed as it is written and kept in memory compressed; Close lays
// them out.
// The compressed entries are the one copy of the workbook in memory at
// save: save hands sortedZip the destination itself, so excelize's own
// archive buffer stays empty. That copy is about a tenth of the sheets' XML
// (27 MB at 10,000 members), which the streamed sheets otherwise keep in
// temporary files.
type sortedZip struct {
	out     io.Writer
	entries []*zipEntry
}

type zipEntry struct {
	name string
	buf  bytes.Buffer // compressed bytes
	fw   *flate.Writer
	crc  hash.Hash32
	size uint64
	// raw holds the uncompressed bytes of an entry rewritten at Close.
	raw *bytes.Buffer
}

func (e *zipEntry) Write(p []byte) (int, error) {
	if e.raw != nil {
		return e.raw.Write(p)
	}
	e.crc.Write(p)
	e.size += uint64(len(p))
	return e.fw.Write(p)
}

const contentTypesName = "[Content_Types].xml"

// defaultTypes matches one <Default .../> element as excelize writes it.
var defaultTypes = regexp.MustCompile(`<Default [^>]*>(?:</Default>)?`)

// sortDefaults sorts the <Default> elements of [Content_Types].xml in place
// of where they stand. Their order carries no meaning to any reader.
func sortDefaults(xml []byte) []byte {
	locs := defaultTypes.FindAllIndex(xml, -1)
	if len(locs) < 2 {
		return xml
	}
	elems := make([]string, len(locs))
	for i, l := range locs {
		elems[i] = string(xml[l[0]:l[1]])
	}
	sort.Strings(elems)
	var out bytes.Buffer
	prev := 0
	for i, l := range locs {
		out.Write(xml[prev:l[0]])
		out.WriteString(elems[i])
		prev = l[1]
	}
	out.Write(xml[prev:])
	return out.Bytes()
}

func newSortedZip(w io.Writer) *sortedZip { return &sortedZip{out: w} }

// Create starts a new entry. BestSpeed keeps a 150,000-row Activities sheet
// to about a second of compression; the size cost is small for XML.
func (z *sortedZip) Create(name string) (io.Writer, error) {
	e := &zipEntry{name: name, crc: crc32.NewIEEE()}
	fw, err := flate.NewWriter(&e.buf, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	e.fw = fw
	if name == contentTypesName {
		e.raw = new(bytes.Buffer)
	}
	z.entries = append(z.entries, e)
	return e, nil
}

// AddFS is part of excelize's ZipWriter interface; excelize does not call
// it when saving a workbook.
func (z *sortedZip) AddFS(fs.FS) error {
	return errors.New("sortedZip: AddFS is not supported")
}

// Close writes the entries sorted by name ("[Content_Types].xml" sorts
// first, where Office expects it) and finishes the archive.
func (z *sortedZip) Close() error {
	sort.SliceStable(z.entries, func(i, j int) bool { return z.entries[i].name < z.entries[j].name })
	zw := zip.NewWriter(z.out)
	for _, e := range z.entries {
		if e.raw != nil {
			raw := sortDefaults(e.raw.Bytes())
			e.raw = nil
			if _, err := e.Write(raw); err != nil {
				return err
			}
		}
		if err := e.fw.Close(); err != nil {
			return err
		}
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name:               e.name,
			Method:             zip.Deflate,
			CRC32:              e.crc.Sum32(),
			CompressedSize64:   uint64(e.buf.Len()),
			UncompressedSize64: e.size,
		})
		if err != nil {
			return err
		}
		if _, err := e.buf.WriteTo(w); err != nil {
			return err
		}
	}
	return zw.Close()
}
