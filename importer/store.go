package importer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"sync"
	"time"
	"unsafe"

	"github.com/ies/cpdaudit/audit"
)

// Store keeps accepted activities out of the Go heap between the import
// and the audit, so a run's memory does not grow with the membership
// (issue 6): 100,000 members' activities, with their descriptions and
// reflections, are about a gigabyte of text. Each activity is encoded into
// a compact record; records are buffered in memory and, past memLimit,
// appended to a temporary file that is unlinked as soon as it is created
// (where the system allows it), so nothing is left behind even if the run
// is killed. A run small enough to fit in memLimit never touches the disk.
//
// Put may be called from several goroutines (files are imported
// concurrently), and so may Get.
type Store struct {
	dir      string
	memLimit int

	mu   sync.Mutex
	buf  []byte // records not yet in the file; buf[0] is at offset base
	base int64  // bytes already written to the file
	f    *os.File
	name string // the file's name while it could not be unlinked
	err  error  // the first write error: every later Put returns it
	// hash is HashReflections' function, or nil.
	hash func(reflection string) (uint64, bool)
}

// HashReflections makes every activity put from now on carry the hash of
// its reflection, hash(a.Reflection) when its second result is true, to
// MemberRecord.ReflectionHashes: the index of reflections shared between
// members is then built without reading every record back. Call it
// before the first Put; hash is called from the goroutines that Put.
func (s *Store) HashReflections(hash func(reflection string) (uint64, bool)) {
	s.hash = hash
}

// Ref says where one activity is in a Store.
type Ref struct {
	off int64
	n   uint32
}

// DefaultStoreMemory is how many bytes of activity records a Store keeps in
// memory before it spills them to disk: about 10,000 activities.
const DefaultStoreMemory = 4 << 20

// storeSlack is the room past memLimit the buffer is made with, for the
// record that takes it past the limit (a few kilobytes; a larger one
// grows the buffer as append does).
const storeSlack = 64 << 10

// NewStore returns an empty Store that spills to a temporary file in dir
// ("" means the system's temporary folder, $TMPDIR on Unix) once it holds
// more than memLimit bytes (0 or less means DefaultStoreMemory).
func NewStore(dir string, memLimit int) *Store {
	if memLimit <= 0 {
		memLimit = DefaultStoreMemory
	}
	return &Store{dir: dir, memLimit: memLimit}
}

// Put stores a and returns where it is.
func (s *Store) Put(a *audit.Activity) (Ref, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return Ref{}, s.err
	}
	if s.buf == nil {
		// At its full size at once, with room for the record that
		// crosses memLimit: grown by doubling, the buffer was copied
		// and cleared about twice over before the first spill.
		s.buf = make([]byte, 0, s.memLimit+storeSlack)
	}
	start := len(s.buf)
	s.buf = appendActivity(s.buf, a)
	n := len(s.buf) - start
	if uint64(n) > math.MaxUint32 {
		// Cells are at most MaxCellLength characters, so a record is far
		// smaller than this; the check keeps a Ref honest all the same.
		s.buf = s.buf[:start]
		return Ref{}, errors.New("an activity record is too large to store")
	}
	r := Ref{off: s.base + int64(start), n: uint32(n)}
	if len(s.buf) >= s.memLimit {
		if err := s.spill(); err != nil {
			s.err = err
			return Ref{}, err
		}
	}
	return r, nil
}

// spill appends the buffered records to the file, creating it first.
// s.mu is held.
func (s *Store) spill() error {
	if s.f == nil {
		f, err := os.CreateTemp(s.dir, "cpdaudit-activities-*.tmp")
		if err != nil {
			return fmt.Errorf("cannot create the temporary file that holds the imported activities: %w; set TMPDIR to a folder with free space", err)
		}
		s.f = f
		// Unlinked now, the file lives only as long as it is open.
		if os.Remove(f.Name()) != nil {
			s.name = f.Name()
		}
	}
	if _, err := s.f.WriteAt(s.buf, s.base); err != nil {
		return fmt.Errorf("cannot write the temporary file that holds the imported activities: %w; set TMPDIR to a folder with free space", err)
	}
	s.base += int64(len(s.buf))
	s.buf = s.buf[:0]
	return nil
}

// Get returns the activity stored at r.
func (s *Store) Get(r Ref) (audit.Activity, error) {
	acts, err := s.GetAll([]Ref{r})
	if err != nil {
		return audit.Activity{}, err
	}
	return acts[0], nil
}

// GetAll returns the activities stored at refs, in that order. Records
// stored one after another, as a member's rows usually are, are read in
// one go.
func (s *Store) GetAll(refs []Ref) ([]audit.Activity, error) {
	acts := make([]audit.Activity, 0, len(refs))
	for len(refs) > 0 {
		run := 1
		end := refs[0].off + int64(refs[0].n)
		for run < len(refs) && refs[run].off == end {
			end += int64(refs[run].n)
			run++
		}
		data, err := s.read(refs[0].off, end)
		if err != nil {
			return nil, err
		}
		for _, r := range refs[:run] {
			n := int(r.n)
			a, ok := decodeActivity(data[:n])
			if !ok {
				return nil, errors.New("internal error: a stored activity record is damaged")
			}
			acts = append(acts, a)
			data = data[n:]
		}
		refs = refs[run:]
	}
	return acts, nil
}

// read returns the bytes from off to end as one string, which the decoded
// activities' strings share.
func (s *Store) read(off, end int64) (string, error) {
	s.mu.Lock()
	if off >= s.base {
		if end-s.base > int64(len(s.buf)) {
			s.mu.Unlock()
			return "", errors.New("internal error: an activity reference points past the store")
		}
		// One copy, straight into the string.
		rec := string(s.buf[off-s.base : end-s.base])
		s.mu.Unlock()
		return rec, nil
	}
	b := make([]byte, end-off)
	switch {
	case end <= s.base:
		f := s.f
		s.mu.Unlock()
		// Records in the file are never rewritten, so they are read
		// without the lock.
		if _, err := f.ReadAt(b, off); err != nil {
			return "", fmt.Errorf("cannot read back the temporary file that holds the imported activities: %w", err)
		}
	default:
		// A run of records that starts in the file and ends in memory.
		n := s.base - off
		tail := end - s.base
		if tail > int64(len(s.buf)) {
			s.mu.Unlock()
			return "", errors.New("internal error: an activity reference points past the store")
		}
		copy(b[n:], s.buf[:tail])
		f := s.f
		s.mu.Unlock()
		if _, err := f.ReadAt(b[:n], off); err != nil {
			return "", fmt.Errorf("cannot read back the temporary file that holds the imported activities: %w", err)
		}
	}
	if len(b) == 0 {
		return "", nil
	}
	// b is this call's own and never written again: the string is made
	// on it rather than copied (at 10,000 members, 126 MB of records read
	// back were copied a second time).
	return unsafe.String(&b[0], len(b)), nil
}

// Close releases the memory and removes the file.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = nil
	var err error
	if s.f != nil {
		err = s.f.Close()
		s.f = nil
	}
	if s.name != "" {
		if rerr := os.Remove(s.name); err == nil {
			err = rerr
		}
		s.name = ""
	}
	if s.err == nil {
		s.err = errors.New("the activity store is closed")
	}
	return err
}

// appendActivity encodes a: its strings length-prefixed, the numbers as
// varints, the hours as their float bits.
func appendActivity(b []byte, a *audit.Activity) []byte {
	for _, s := range [...]string{a.MemberID, a.MemberName, a.Title, string(a.Category), a.Description, a.Reflection, a.Source.File, a.Source.Sheet} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendVarint(b, a.Date.Unix())
	b = binary.AppendUvarint(b, uint64(a.Date.Nanosecond()))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(a.Hours))
	b = binary.AppendVarint(b, int64(a.Source.Row))
	b = binary.AppendVarint(b, int64(a.Source.Line))
	return b
}

// decodeActivity reads a record appendActivity wrote. The strings are
// slices of rec, so a whole activity costs one allocation.
func decodeActivity(rec string) (audit.Activity, bool) {
	d := decoder{rec: rec, ok: true}
	var a audit.Activity
	a.MemberID = d.str()
	a.MemberName = d.str()
	a.Title = d.str()
	a.Category = audit.Category(d.str())
	a.Description = d.str()
	a.Reflection = d.str()
	a.Source.File = d.str()
	a.Source.Sheet = d.str()
	sec, nsec := d.varint(), d.uvarint()
	// Dates are calendar days at midnight UTC, and the zero time for a
	// missing one; both come back equal to what was stored.
	a.Date = time.Unix(sec, int64(nsec)).UTC()
	a.Hours = math.Float64frombits(d.uint64())
	a.Source.Row = int(d.varint())
	a.Source.Line = int(d.varint())
	return a, d.ok && d.i == len(rec)
}

type decoder struct {
	rec string
	i   int
	ok  bool
}

func (d *decoder) uvarint() uint64 {
	v, n := uvarint(d.rec[min(d.i, len(d.rec)):])
	if n <= 0 {
		d.ok, d.i = false, len(d.rec)+1
		return 0
	}
	d.i += n
	return v
}

func (d *decoder) varint() int64 {
	u := d.uvarint()
	return int64(u>>1) ^ -int64(u&1) // zig-zag, as binary.AppendVarint writes
}

func (d *decoder) str() string {
	n := d.uvarint()
	if n > uint64(len(d.rec)-min(d.i, len(d.rec))) {
		d.ok, d.i = false, len(d.rec)+1
		return ""
	}
	s := d.rec[d.i : d.i+int(n)]
	d.i += int(n)
	return s
}

func (d *decoder) uint64() uint64 {
	if d.i+8 > len(d.rec) {
		d.ok, d.i = false, len(d.rec)+1
		return 0
	}
	var v uint64
	for k := 7; k >= 0; k-- {
		v = v<<8 | uint64(d.rec[d.i+k])
	}
	d.i += 8
	return v
}

// uvarint is binary.Uvarint for a string, so decoding copies nothing.
func uvarint(s string) (uint64, int) {
	var x uint64
	var shift uint
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		c := s[i]
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				return 0, -1
			}
			return x | uint64(c)<<shift, i + 1
		}
		x |= uint64(c&0x7f) << shift
		shift += 7
	}
	return 0, 0
}
