package audit

import (
	"math/bits"
	"sync/atomic"
)

// table maps 64-bit hashes to values by open addressing: the judge looks
// up some hundred features and words for every sentence, and this is
// several times faster than a Go map for that. It is built once and then
// only read, so concurrent readers are safe.
//
// A key and its value share one slot, so a hit costs one cache line, not
// two: the lexicon's and the model's tables are megabytes, and nearly
// every lookup misses the cache.
type table[V any] struct {
	slots []tableSlot[V]
	mask  uint64
	n     int
	// filter, once seal has made it, has a bit set for every key's top
	// bits: most lookups (a word pair in the lexicon, a word with a slip,
	// a rare feature) are of keys that are not there, and the filter,
	// small enough to stay in the cache, turns nearly all of them away
	// without touching the slots.
	filter []uint64
	fshift uint
	// id, once seal has made it, names this table among all sealed
	// (from 1): the tagger's memo notes by it which model's weights it
	// holds.
	id uint32
}

var tableIDs atomic.Uint32

type tableSlot[V any] struct {
	key uint64 // 0 is an empty slot (a 0 hash is stored as 1)
	val V
}

func newTable[V any](n int) *table[V] {
	size := 16
	for size < 2*n {
		size *= 2
	}
	return &table[V]{slots: make([]tableSlot[V], size), mask: uint64(size - 1)}
}

func slot(h uint64) uint64 {
	if h == 0 {
		h = 1
	}
	return h
}

// ref returns the value of h, adding a zero value when h is new; the
// table grows when more than half full. It drops the filter: seal again
// once the keys are all in.
func (t *table[V]) ref(h uint64) *V {
	h = slot(h)
	t.filter, t.id = nil, 0
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	for i := (h ^ h>>29) & t.mask; ; i = (i + 1) & t.mask {
		switch t.slots[i].key {
		case h:
			return &t.slots[i].val
		case 0:
			t.slots[i].key = h
			t.n++
			return &t.slots[i].val
		}
	}
}

func (t *table[V]) grow() {
	old := *t
	*t = *newTable[V](2 * len(old.slots))
	for _, s := range old.slots {
		if s.key != 0 {
			*t.ref(s.key) = s.val
		}
	}
}

// seal makes the filter: 16 bits a key, so about one key absent in 16
// gets past it.
func (t *table[V]) seal() {
	size := 64
	for size < 16*t.n {
		size *= 2
	}
	t.id = tableIDs.Add(1)
	t.filter = make([]uint64, size/64)
	t.fshift = uint(64 - bits.Len(uint(size-1)))
	for _, s := range t.slots {
		if s.key != 0 {
			b := s.key >> t.fshift
			t.filter[b/64] |= 1 << (b % 64)
		}
	}
}

// get returns the value of h.
func (t *table[V]) get(h uint64) (V, bool) {
	h = slot(h)
	if t.filter != nil {
		if b := h >> t.fshift; t.filter[b/64]&(1<<(b%64)) == 0 {
			var zero V
			return zero, false
		}
	}
	for i := (h ^ h>>29) & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		switch s.key {
		case h:
			return s.val, true
		case 0:
			var zero V
			return zero, false
		}
	}
}

// FNV-1a, 64 bits, as hash/fnv's New64a computes it, but written inline:
// New64a and the []byte conversions to feed it allocate for every word,
// and the copy checks hash every word of every reflection.
const (
	fnvOffset64 uint64 = 14695981039346656037
	fnvPrime64  uint64 = 1099511628211
)

// fnv64a continues the FNV-1a hash h with the bytes of s.
func fnv64a(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime64
	}
	return h
}
