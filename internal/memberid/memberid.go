// Package memberid is the one place member ids are cleaned and compared
// (issue 15): the register, the activity files, the decisions workbook,
// last year's run and earlier samples all go through it, so one member is
// never split in two by the way a program wrote their number.
//
// The rules:
//   - Clean is how an id is kept and shown: spaces trimmed, invisible
//     characters removed, full-width characters made plain (NFKC), and an
//     id a spreadsheet stored as a number ("12345.0", "1.2345E4") written
//     as the whole number it is. Leading zeros are kept.
//   - Key is how ids are compared. An id of digits only is a member number
//     and compares by its value: 000007, 007 and 7 are one member. Other
//     ids compare ignoring case.
//   - Index finds a member by id. An id that is written exactly as a
//     member's wins; otherwise it matches the one member whose id has the
//     same Key. When two members' ids have the same Key (a register that
//     lists both 007 and 7), an id that is neither exactly could be either:
//     Find says Ambiguous and the caller reports it, never guesses.
package memberid

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// reExcelNumber is how a spreadsheet writes a whole number stored as a
// floating-point value: 12345.0, 1.2345E4, 1.2345e+04.
var reExcelNumber = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$`)

// Clean returns the id as it is kept and shown.
func Clean(s string) string {
	if plainASCII(s) {
		return excelWhole(s)
	}
	// Invisible characters first, so that NFKC composes what they kept
	// apart; control characters (a line break typed into the cell) count
	// as spaces.
	s = strings.Map(func(r rune) rune {
		switch {
		case r == unicode.ReplacementChar:
			return -1
		case unicode.IsControl(r):
			return ' '
		case unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	s = norm.NFKC.String(s)
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
	}), " ")
	// Excel's way of forcing a number to stay text, typed into a CSV.
	if rest, ok := strings.CutPrefix(s, "'"); ok && digits(rest) {
		s = rest
	}
	return excelWhole(s)
}

// plainASCII: s needs none of Clean's Unicode work (the common case, kept
// fast because every activity row's id goes through Clean).
func plainASCII(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || s[0] == '\'' {
		return s == ""
	}
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || (c == ' ' && prevSpace) {
			return false
		}
		prevSpace = c == ' '
	}
	return true
}

// excelWhole writes a whole number stored as floating point as the whole
// number; anything else is returned as it is.
func excelWhole(s string) string {
	if !strings.ContainsAny(s, ".eE") || !reExcelNumber.MatchString(s) {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != float64(int64(f)) || f < 1 || f >= 1e15 {
		return s
	}
	return strconv.FormatInt(int64(f), 10)
}

// digits reports whether s is one or more ASCII digits.
func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Numeric reports whether the id is a member number: digits only, once
// cleaned.
func Numeric(id string) bool { return digits(Clean(id)) }

// Key returns what ids are compared by: two ids name the same member
// exactly when their keys are equal (unless an Index finds them ambiguous).
// A number's key is its digits without leading zeros; another id's key is
// its cleaned text in upper case.
func Key(id string) string {
	c := Clean(id)
	if digits(c) {
		if t := strings.TrimLeft(c, "0"); t != "" {
			return t
		}
		return "0"
	}
	return strings.ToUpper(c)
}

// Compare orders ids as people expect: member numbers by value (9 before
// 10, 7 and 007 together), before other ids in text order; ids with the
// same Key are ordered by their cleaned text, so the order is total.
func Compare(a, b string) int {
	ka, kb := Key(a), Key(b)
	na, nb := digits(ka), digits(kb)
	switch {
	case na && nb:
		if len(ka) != len(kb) {
			return len(ka) - len(kb)
		}
	case na:
		return -1
	case nb:
		return 1
	}
	if c := strings.Compare(ka, kb); c != 0 {
		return c
	}
	return strings.Compare(Clean(a), Clean(b))
}

// Match says how Index.Find matched an id.
type Match int

const (
	// None: no member has this id.
	None Match = iota
	// Exact: a member's id is written exactly so (once cleaned).
	Exact
	// Same: the one member whose id has the same Key, written otherwise
	// (007 for 000007, ab12 for AB12).
	Same
	// Ambiguous: several members' ids have the same Key and none is
	// written exactly so; Found.Candidates lists them.
	Ambiguous
)

// Index finds values by member id. The zero Index is empty and ready.
type Index[V any] struct {
	byKey map[string][]entry[V]
	n     int
}

type entry[V any] struct {
	id string // cleaned
	v  V
}

// Found is what Find returns.
type Found[V any] struct {
	Value V
	// ID is the matching member's id as it was added (cleaned).
	ID    string
	Match Match
	// Candidates: for Ambiguous, the ids of the members it could be, in
	// the order they were added.
	Candidates []string
}

// Add adds a member's id. It returns the id of an earlier member with the
// same Key, if any, and whether that one is written exactly the same (a
// true duplicate): then the new value is not added.
func (x *Index[V]) Add(id string, v V) (other string, exact bool) {
	if x.byKey == nil {
		x.byKey = map[string][]entry[V]{}
	}
	c := Clean(id)
	k := Key(c)
	es := x.byKey[k]
	for _, e := range es {
		if e.id == c {
			return e.id, true
		}
	}
	if len(es) > 0 {
		other = es[0].id
	}
	x.byKey[k] = append(es, entry[V]{id: c, v: v})
	x.n++
	return other, false
}

// Find looks an id up.
func (x *Index[V]) Find(id string) Found[V] {
	c := Clean(id)
	es := x.byKey[Key(c)]
	switch len(es) {
	case 0:
		return Found[V]{}
	case 1:
		m := Same
		if es[0].id == c {
			m = Exact
		}
		return Found[V]{Value: es[0].v, ID: es[0].id, Match: m}
	}
	for _, e := range es {
		if e.id == c {
			return Found[V]{Value: e.v, ID: e.id, Match: Exact}
		}
	}
	f := Found[V]{Match: Ambiguous}
	for _, e := range es {
		f.Candidates = append(f.Candidates, e.id)
	}
	return f
}

// Len is the number of ids added.
func (x *Index[V]) Len() int { return x.n }
