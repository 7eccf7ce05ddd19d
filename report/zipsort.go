package report

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"regexp"
	"sort"

	"github.com/ies/cpdaudit/internal/fastflate"
)

// sortedZip is an excelize ZipWriter that makes the archive's bytes depend
// only on its content. excelize ranges over maps in two places that reach
// the file: it writes the sheets made with a StreamWriter in map order, and
// adding a chart appends the image content types to [Content_Types].xml in
// map order. sortedZip writes the entries in name order and sorts the
// <Default> elements of [Content_Types].xml by extension. Each entry is
// compressed as it is written and kept in memory compressed; Close lays
// them out.
// save hands sortedZip the destination itself, so excelize's own archive
// buffer stays empty. The compressed entries wait for Close in memory up
// to spoolAt bytes each, beyond that in an unlinked temporary file: they
// are about a tenth of the sheets' XML, 27 MB at 10,000 members but 270 MB
// at 100,000, which memory that must not grow with the membership cannot
// hold (issue 6).
type sortedZip struct {
	out     io.Writer
	entries []*zipEntry
	spoolAt int      // compressed bytes an entry keeps in memory at most
	spool   *os.File // nil until an entry outgrows spoolAt
	end     int64    // bytes written to spool
	// inserts are bytes to put into entries before their first
	// </sheetData>: the data rows of the streamed tables (sheetrows.go).
	// Each must find its entry.
	inserts map[string]io.Reader
	// early are the entries started before the workbook is saved
	// (startEntry), by name.
	early map[string]*zipEntry
}

type zipEntry struct {
	z      *sortedZip
	name   string
	chunks []spoolChunk // the first compressed bytes, in the spool
	buf    bytes.Buffer // the compressed bytes after them
	fw     *fastflate.Writer
	crc    hash.Hash32
	size   uint64
	// raw holds the uncompressed bytes of an entry rewritten at Close.
	raw *bytes.Buffer
	// insert goes into raw before its first </sheetData> at Close.
	insert io.Reader
	// prefix is what an entry started early was started with, which
	// excelize must write before its first </sheetData>; raw then holds
	// what excelize writes, and only the rest of it is written at Close.
	prefix []byte
}

type spoolChunk struct{ off, n int64 }

func (e *zipEntry) Write(p []byte) (int, error) {
	if e.raw != nil {
		return e.raw.Write(p)
	}
	e.crc.Write(p)
	e.size += uint64(len(p))
	n, err := e.fw.Write(p)
	if err == nil && e.buf.Len() >= e.z.spoolAt {
		err = e.spill()
	}
	return n, err
}

// spill moves the entry's compressed bytes so far to the spool.
func (e *zipEntry) spill() error {
	z := e.z
	if z.spool == nil {
		f, err := os.CreateTemp("", "cpdaudit-workbook-*.tmp")
		if err != nil {
			return fmt.Errorf("cannot create a temporary file for the workbook: %w; set TMPDIR to a folder with free space", err)
		}
		// Unlinked at once: it lives only as long as it is open.
		os.Remove(f.Name())
		z.spool = f
	}
	n, err := z.spool.WriteAt(e.buf.Bytes(), z.end)
	if err != nil {
		return fmt.Errorf("cannot write a temporary file for the workbook: %w; set TMPDIR to a folder with free space", err)
	}
	e.chunks = append(e.chunks, spoolChunk{z.end, int64(n)})
	z.end += int64(n)
	e.buf.Reset()
	return nil
}

// compressed returns the entry's compressed bytes and their length.
func (e *zipEntry) compressed() (io.Reader, int64) {
	parts := make([]io.Reader, 0, len(e.chunks)+1)
	n := int64(e.buf.Len())
	for _, c := range e.chunks {
		parts = append(parts, io.NewSectionReader(e.z.spool, c.off, c.n))
		n += c.n
	}
	return io.MultiReader(append(parts, &e.buf)...), n
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

// defaultSpoolAt: the small entries, and the first megabyte of each big
// one, stay in memory.
const defaultSpoolAt = 1 << 20

func newSortedZip(w io.Writer) *sortedZip { return &sortedZip{out: w, spoolAt: defaultSpoolAt} }

// Create starts a new entry. BestSpeed keeps a 150,000-row Activities sheet
// to about a second of compression; the size cost is small for XML.
func (z *sortedZip) Create(name string) (io.Writer, error) {
	if e := z.early[name]; e != nil {
		if e.raw != nil {
			return nil, fmt.Errorf("sortedZip: %s created twice", name)
		}
		e.raw = new(bytes.Buffer)
		return e.raw, nil
	}
	return z.create(name)
}

func (z *sortedZip) create(name string) (*zipEntry, error) {
	e := &zipEntry{z: z, name: name, crc: crc32.NewIEEE()}
	fw, err := fastflate.NewWriter(&e.buf, fastflate.BestSpeed)
	if err != nil {
		return nil, err
	}
	e.fw = fw
	if name == contentTypesName {
		e.raw = new(bytes.Buffer)
	}
	if r, ok := z.inserts[name]; ok {
		e.raw, e.insert = new(bytes.Buffer), r
		delete(z.inserts, name)
	}
	z.entries = append(z.entries, e)
	return e, nil
}

// startEntry starts entry name with prefix before the workbook is saved,
// so that a large sheet's rows can be compressed as they are made rather
// than all at the end: the caller writes the rows to the entry it
// returns, then excelize writes the whole sheet at save, as it has it
// (its first rows and the end), and the entry takes from it what follows
// prefix. That must be prefix exactly up to its first </sheetData>, or
// the archive is not written.
func (z *sortedZip) startEntry(name string, prefix []byte) (*zipEntry, error) {
	e, err := z.create(name)
	if err != nil {
		return nil, err
	}
	if z.early == nil {
		z.early = map[string]*zipEntry{}
	}
	z.early[name] = e
	e.prefix = prefix
	if _, err := e.Write(prefix); err != nil {
		return nil, err
	}
	return e, nil
}

// writeEnd writes the end of an entry started early: what excelize wrote
// after the prefix the entry was started with.
func (e *zipEntry) writeEnd() error {
	if e.raw == nil {
		return fmt.Errorf("internal error, please report it: the workbook has no %s for its table rows", e.name)
	}
	raw := e.raw.Bytes()
	at := bytes.Index(raw, []byte("</sheetData>"))
	if at < 0 || !bytes.Equal(raw[:at], e.prefix) {
		return fmt.Errorf("internal error, please report it: %s of the workbook does not start as its rows were written for", e.name)
	}
	e.raw, e.prefix = nil, nil
	_, err := e.Write(raw[at:])
	return err
}

// abandon releases what the archive holds without writing it.
func (z *sortedZip) abandon() {
	if z.spool != nil {
		z.spool.Close()
		z.spool = nil
	}
	z.entries, z.early = nil, nil
}

// writeInserted writes a sheet held in raw with its insert before its
// first </sheetData>, where its data rows belong.
func (e *zipEntry) writeInserted() error {
	raw := e.raw.Bytes()
	at := bytes.Index(raw, []byte("</sheetData>"))
	if at < 0 {
		return fmt.Errorf("internal error, please report it: %s of the workbook has no sheetData for its table rows", e.name)
	}
	e.raw = nil
	if _, err := e.Write(raw[:at]); err != nil {
		return err
	}
	// In pieces, as excelize copies a sheet, so the compressed bytes
	// spill to the spool as they grow rather than after the whole sheet.
	if _, err := io.CopyBuffer(struct{ io.Writer }{e}, struct{ io.Reader }{e.insert}, make([]byte, 32<<10)); err != nil {
		return err
	}
	e.insert = nil
	_, err := e.Write(raw[at:])
	return err
}

// AddFS is part of excelize's ZipWriter interface; excelize does not call
// it when saving a workbook.
func (z *sortedZip) AddFS(fs.FS) error {
	return errors.New("sortedZip: AddFS is not supported")
}

// Close writes the entries sorted by name ("[Content_Types].xml" sorts
// first, where Office expects it) and finishes the archive.
func (z *sortedZip) Close() error {
	defer func() {
		if z.spool != nil {
			z.spool.Close()
			z.spool = nil
		}
	}()
	if len(z.inserts) > 0 {
		var missing []string
		for name := range z.inserts {
			missing = append(missing, name)
		}
		sort.Strings(missing)
		return fmt.Errorf("internal error, please report it: the workbook has no %v for its table rows", missing)
	}
	sort.SliceStable(z.entries, func(i, j int) bool { return z.entries[i].name < z.entries[j].name })
	zw := zip.NewWriter(z.out)
	for _, e := range z.entries {
		if e.prefix != nil {
			if err := e.writeEnd(); err != nil {
				return err
			}
		} else if e.insert != nil {
			if err := e.writeInserted(); err != nil {
				return err
			}
		} else if e.raw != nil {
			raw := sortDefaults(e.raw.Bytes())
			e.raw = nil
			if _, err := e.Write(raw); err != nil {
				return err
			}
		}
		if err := e.fw.Close(); err != nil {
			return err
		}
		data, n := e.compressed()
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name:               e.name,
			Method:             zip.Deflate,
			CRC32:              e.crc.Sum32(),
			CompressedSize64:   uint64(n),
			UncompressedSize64: e.size,
		})
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, data); err != nil {
			return err
		}
		e.chunks, e.buf = nil, bytes.Buffer{}
	}
	return zw.Close()
}
