package audit

import (
	"cmp"
	"slices"
	"sync"
)

// ReflectionIndex finds reflections shared word for word (after
// normalising case, spaces and punctuation) between members. It is built
// sequentially with Add (or AddHashes) before evaluation and only read
// afterwards, so Evaluate may run concurrently on it. While it is built it
// keeps a 64-bit hash of each normalised reflection and the member that
// used it (16 bytes, so 1.6 million activities need 26 MB, not the texts);
// on the first lookup it keeps only the hashes two members or more used,
// with the first two of them (members in the order they were added), and
// drops the rest. A member who was not added is never found sharing.
type ReflectionIndex struct {
	minWords int
	ids      []string
	idOf     map[string]int32
	pairs    []hashMember // every (hash, member) added; nil once built
	once     sync.Once
	built    bool
	shared   map[uint64][2]int32 // hash -> first two members (index+1)
}

type hashMember struct {
	h uint64
	m int32 // index+1 in ids
}

// NewReflectionIndex returns an empty index. Reflections shorter than the
// default policy's copy_min_words are not indexed: two members writing
// "Useful course." is no copying. Use NewReflectionIndexFor to follow
// another policy.
func NewReflectionIndex() *ReflectionIndex {
	return NewReflectionIndexFor(DefaultPolicy().Reflection)
}

// NewReflectionIndexFor returns an empty index following p's copy_min_words.
func NewReflectionIndexFor(p ReflectionPolicy) *ReflectionIndex {
	return &ReflectionIndex{minWords: p.CopyMinWords, idOf: map[string]int32{}}
}

// Add records the reflections of one member's activities. Adding the same
// member again adds nothing twice.
func (ix *ReflectionIndex) Add(memberID string, acts []Activity) {
	ix.AddHashes(memberID, ix.Hashes(acts))
}

// Hashes returns the hashes Add would record for acts. It only reads the
// index, so members' hashes can be computed concurrently and then added
// in order with AddHashes.
func (ix *ReflectionIndex) Hashes(acts []Activity) []uint64 {
	var hs []uint64
	for _, a := range acts {
		if h, ok := copyHash(a.Reflection, ix.minWords); ok {
			hs = append(hs, h)
		}
	}
	return hs
}

// AddHashes records one member's reflection hashes (from Hashes). It
// panics once the index has been read: a lookup has dropped what a later
// member would need to be compared with.
func (ix *ReflectionIndex) AddHashes(memberID string, hs []uint64) {
	if ix.built {
		panic("audit: ReflectionIndex.AddHashes after the index was read")
	}
	id, ok := ix.idOf[memberID]
	if !ok {
		ix.ids = append(ix.ids, memberID)
		id = int32(len(ix.ids))
		ix.idOf[memberID] = id
	}
	for _, h := range hs {
		ix.pairs = append(ix.pairs, hashMember{h, id})
	}
}

// build keeps the hashes that two members or more used. Sorting by hash
// and then member puts each hash's first two members, in the order they
// were added, first.
func (ix *ReflectionIndex) build() {
	slices.SortFunc(ix.pairs, func(a, b hashMember) int {
		return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.m, b.m))
	})
	ix.shared = map[uint64][2]int32{}
	for i := 0; i < len(ix.pairs); {
		j := i + 1
		for j < len(ix.pairs) && ix.pairs[j].h == ix.pairs[i].h {
			j++
		}
		for k := i + 1; k < j; k++ {
			if ix.pairs[k].m != ix.pairs[i].m {
				ix.shared[ix.pairs[i].h] = [2]int32{ix.pairs[i].m, ix.pairs[k].m}
				break
			}
		}
		i = j
	}
	ix.pairs = nil
	ix.idOf = nil
	ix.built = true
}

// otherMember returns a member other than memberID whose record holds the
// same reflection word for word, if any.
func (ix *ReflectionIndex) otherMember(memberID, reflection string) (string, bool) {
	if ix == nil {
		return "", false
	}
	h, ok := copyHash(reflection, ix.minWords)
	if !ok {
		return "", false
	}
	return ix.otherMemberHash(memberID, h)
}

// otherMemberHash is otherMember of a reflection whose copyHash under
// the index's minimum is h: the copy check has made it already.
func (ix *ReflectionIndex) otherMemberHash(memberID string, h uint64) (string, bool) {
	ix.once.Do(ix.build)
	e, ok := ix.shared[h]
	if !ok {
		return "", false
	}
	for _, id := range e {
		if id != 0 && ix.ids[id-1] != memberID {
			return ix.ids[id-1], true
		}
	}
	return "", false
}
