package audit

// table maps 64-bit hashes to values by open addressing: the judge looks
// up some hundred features and words for every sentence, and this is
// several times faster than a Go map for that. It is built once and then
// only read, so concurrent readers are safe.
type table[V any] struct {
	keys []uint64 // 0 is an empty slot (a 0 hash is stored as 1)
	vals []V
	mask uint64
	n    int
}

func newTable[V any](n int) *table[V] {
	size := 16
	for size < 2*n {
		size *= 2
	}
	return &table[V]{keys: make([]uint64, size), vals: make([]V, size), mask: uint64(size - 1)}
}

func slot(h uint64) uint64 {
	if h == 0 {
		h = 1
	}
	return h
}

// ref returns the value of h, adding a zero value when h is new; the
// table grows when more than half full.
func (t *table[V]) ref(h uint64) *V {
	h = slot(h)
	if 2*(t.n+1) > len(t.keys) {
		t.grow()
	}
	for i := (h ^ h>>29) & t.mask; ; i = (i + 1) & t.mask {
		switch t.keys[i] {
		case h:
			return &t.vals[i]
		case 0:
			t.keys[i] = h
			t.n++
			return &t.vals[i]
		}
	}
}

func (t *table[V]) grow() {
	old := *t
	*t = *newTable[V](2 * len(old.keys))
	for i, k := range old.keys {
		if k != 0 {
			*t.ref(k) = old.vals[i]
		}
	}
}

// get returns the value of h.
func (t *table[V]) get(h uint64) (V, bool) {
	h = slot(h)
	for i := (h ^ h>>29) & t.mask; ; i = (i + 1) & t.mask {
		switch t.keys[i] {
		case h:
			return t.vals[i], true
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
