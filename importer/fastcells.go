package importer

import (
	"bytes"
	"strconv"
	"strings"
)

// This file parses the parts of SpreadsheetML that cells are made of: the
// rows of a sheet's sheetData, a cell's value, formula and inline string,
// and the string items of the shared strings table. What is accepted is
// read exactly as excelize reads it (its struct decoding through
// encoding/xml, then Rows.Columns); see xmlScan for what happens to the
// rest.

// rawCell is one <c> element as written.
type rawCell struct {
	col   int    // 1-based column
	style int    // the s attribute
	typ   string // the t attribute
	v     []byte // <v>'s text (valid until the next cell)
	hasV  bool
	hasF  bool   // a formula, even an empty one: excelize keeps its cell
	is    []byte // <is>'s text before bstrUnmarshal
	hasIS bool
}

// typed attributes: encoding/xml fails a whole decode when one of these
// does not parse, which would change what excelize reads, so the scanner
// gives up on such a value instead.
type attrKind int

const (
	attrBool attrKind = iota + 1
	attrInt
	attrUint32
	attrFloat
)

// checkTyped mirrors encoding/xml's copyValue for the kind.
func checkTyped(v []byte, k attrKind) bool {
	if len(v) == 0 {
		return true
	}
	s := strings.TrimSpace(string(v))
	var err error
	switch k {
	case attrBool:
		_, err = strconv.ParseBool(s)
	case attrInt:
		_, err = strconv.ParseInt(s, 10, 64)
	case attrUint32:
		_, err = strconv.ParseUint(s, 10, 32)
	case attrFloat:
		_, err = strconv.ParseFloat(s, 64)
	}
	return err == nil
}

// typedAttrs are the typed attributes of the elements excelize decodes
// into structs while reading cells and strings (xlsxF, xlsxRPr's
// children, xlsxColor, xlsxPhoneticRun, xlsxPhoneticPr).
var typedAttrs = map[string]map[string]attrKind{
	"f": {"aca": attrBool, "dt2D": attrBool, "dtr": attrBool, "del1": attrBool, "del2": attrBool,
		"ca": attrBool, "bx": attrBool, "si": attrInt},
	"charset": {"val": attrInt}, "family": {"val": attrInt},
	"b": {"val": attrBool}, "i": {"val": attrBool}, "strike": {"val": attrBool},
	"outline": {"val": attrBool}, "shadow": {"val": attrBool}, "condense": {"val": attrBool},
	"extend": {"val": attrBool}, "sz": {"val": attrFloat},
	"color":      {"auto": attrBool, "indexed": attrInt, "theme": attrInt, "tint": attrFloat},
	"rPh":        {"sb": attrUint32, "eb": attrUint32},
	"phoneticPr": {"fontId": attrInt},
}

// checkAttrs checks the typed attributes of a tag named element.
func (s *xmlScan) checkAttrs(t *xtag, element string) bool {
	kinds := typedAttrs[element]
	if kinds == nil {
		return true
	}
	for k := range t.attrs {
		a := &t.attrs[k]
		kind, ok := kinds[string(a.local)]
		if !ok {
			continue
		}
		v, ok := s.attrValue(a)
		if !ok {
			return false
		}
		if !checkTyped(v, kind) {
			return s.fail("an attribute " + string(a.local) + " that does not parse")
		}
	}
	return true
}

// stringItem reads the children of an <si> (shared string) or <is>
// (inline string) element whose start tag was read, and appends its text
// as xlsxSI.String() makes it, before bstrUnmarshal: the direct <t>, then
// each run's <t>; phonetic runs and properties are left out.
func (s *xmlScan) stringItem(start *xtag, dst []byte) ([]byte, bool) {
	if start.empty {
		return dst, true
	}
	// The text goes straight into dst: the direct <t> first, then the
	// runs. A <t> after runs (rare) is moved in front of them.
	base := len(dst)
	haveT := false
	var t xtag
	for {
		if end, ok := s.child(start, &t, "a string item"); !ok {
			return nil, false
		} else if end {
			return dst, true
		}
		var ok bool
		switch string(t.local) {
		case "t":
			runsEnd := len(dst)
			if dst, ok = s.onlyText(&t, &haveT, dst, "string item"); ok && runsEnd > base {
				// Runs came first: put this text before them.
				text := bytes.Clone(dst[runsEnd:])
				copy(dst[base+len(text):], dst[base:runsEnd])
				copy(dst[base:], text)
			}
		case "r":
			dst, ok = s.run(&t, dst)
		case "rPh":
			ok = s.checkAttrs(&t, "rPh") && s.phoneticRun(&t)
		case "phoneticPr":
			ok = s.checkAttrs(&t, "phoneticPr") && s.skip(&t, "si")
		case "si":
			return nil, s.fail("<si> inside a string item")
		default:
			ok = s.skip(&t, "si") // encoding/xml ignores unknown elements
		}
		if !ok {
			return nil, false
		}
	}
}

// onlyText appends the text of a <t>, the only one its parent (a what)
// may hold: seen records that one was read.
func (s *xmlScan) onlyText(t *xtag, seen *bool, dst []byte, what string) ([]byte, bool) {
	if *seen {
		return nil, s.fail("two <t> in one " + what)
	}
	*seen = true
	if t.empty {
		return dst, true
	}
	return s.content(t, dst)
}

// run reads a rich text run <r>: its <rPr> is checked, its <t> appended.
func (s *xmlScan) run(start *xtag, dst []byte) ([]byte, bool) {
	if start.empty {
		return dst, true
	}
	haveT := false
	var t xtag
	for {
		if end, ok := s.child(start, &t, "a rich text run"); !ok {
			return nil, false
		} else if end {
			return dst, true
		}
		var ok bool
		switch string(t.local) {
		case "t":
			dst, ok = s.onlyText(&t, &haveT, dst, "run")
		case "rPr":
			ok = s.runProperties(&t)
		case "si":
			return nil, s.fail("<si> inside a run")
		default:
			ok = s.skip(&t, "si")
		}
		if !ok {
			return nil, false
		}
	}
}

// runProperties checks an <rPr>: each property's typed attributes.
func (s *xmlScan) runProperties(start *xtag) bool {
	if start.empty {
		return true
	}
	var t xtag
	for {
		if end, ok := s.child(start, &t, "run properties"); !ok || end {
			return ok
		}
		if !s.checkAttrs(&t, string(t.local)) || !s.skip(&t, "si") {
			return false
		}
	}
}

// phoneticRun checks an <rPh>, whose only child excelize reads is <t>.
func (s *xmlScan) phoneticRun(start *xtag) bool {
	if start.empty {
		return true
	}
	var t xtag
	for {
		if _, ok := s.text(); !ok {
			return false
		}
		if s.i >= len(s.b) {
			return s.fail("a phonetic run cut short")
		}
		if s.markup() != markTag {
			return s.fail("markup inside a phonetic run")
		}
		if !s.tag(&t) {
			return false
		}
		if t.end {
			if !bytes.Equal(t.full, start.full) {
				return s.fail("an element closed by another name")
			}
			return true
		}
		if string(t.local) != "t" {
			return s.fail("an unexpected element in a phonetic run")
		}
		if !t.empty {
			if _, ok := s.content(&t, nil); !ok {
				return false
			}
		}
	}
}

// cell reads a <c> whose start tag was read. prevCol is the column of the
// cell before it in the row (0 for the first): a cell without an r
// attribute is the next column, as excelize counts.
func (s *xmlScan) cell(start *xtag, prevCol int, c *rawCell, buf []byte) ([]byte, bool) {
	*c = rawCell{col: prevCol + 1, v: c.v[:0], is: c.is[:0]}
	for k := range start.attrs {
		a := &start.attrs[k]
		switch string(a.local) {
		case "r", "s", "t":
		default:
			continue // excelize's cell reader reads no other attribute
		}
		if !a.plain {
			return nil, s.fail("an escaped character in a cell's r, s or t")
		}
		switch string(a.local) {
		case "r":
			col, ok := cellColumn(a.val)
			if !ok {
				return nil, s.fail("a cell reference that is not a plain A1 reference")
			}
			c.col = col
		case "s":
			n, ok := smallUint(a.val, 9)
			if !ok {
				return nil, s.fail("a cell style that is not a plain number")
			}
			c.style = n
		case "t":
			c.typ = cellType(a.val)
		}
	}
	if _, ok := s.attr(start, "r"); !ok {
		return nil, false
	}
	if _, ok := s.attr(start, "s"); !ok {
		return nil, false
	}
	if _, ok := s.attr(start, "t"); !ok {
		return nil, false
	}
	if start.empty {
		return buf, true
	}
	var t xtag
	for {
		if end, ok := s.child(start, &t, "a cell"); !ok {
			return nil, false
		} else if end {
			return buf, true
		}
		var ok bool
		switch string(t.local) {
		case "v":
			if c.hasV {
				return nil, s.fail("two values in one cell")
			}
			c.hasV, ok = true, true
			if !t.empty {
				c.v, ok = s.content(&t, c.v)
			}
		case "f":
			if c.hasF {
				return nil, s.fail("two formulas in one cell")
			}
			c.hasF = true
			ok = s.checkAttrs(&t, "f")
			if ok && !t.empty {
				_, ok = s.content(&t, nil)
			}
		case "is":
			if c.hasIS {
				return nil, s.fail("two inline strings in one cell")
			}
			c.hasIS = true
			c.is, ok = s.stringItem(&t, c.is)
		default:
			return nil, s.fail("an element other than a value, formula or inline string in a cell")
		}
		if !ok {
			return nil, false
		}
	}
}

// cellColumn reads the column of an A1 reference (upper-case letters,
// then a row number from 1 to Excel's last row).
func cellColumn(ref []byte) (int, bool) {
	col, i := 0, 0
	for i < len(ref) && 'A' <= ref[i] && ref[i] <= 'Z' {
		col = col*26 + int(ref[i]-'A'+1)
		i++
		if i > 3 {
			return 0, false
		}
	}
	if i == 0 || col > 16384 {
		return 0, false
	}
	row, ok := smallUint(ref[i:], 7)
	if !ok || row < 1 || row > 1048576 {
		return 0, false
	}
	return col, true
}

// smallUint reads a number of at most maxDigits plain digits.
func smallUint(b []byte, maxDigits int) (int, bool) {
	if len(b) == 0 || len(b) > maxDigits {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// cellType is a cell's t attribute as a string; the types Excel writes
// are constants, so a cell's type costs no allocation.
func cellType(b []byte) string {
	switch string(b) {
	case "s":
		return "s"
	case "str":
		return "str"
	case "inlineStr":
		return "inlineStr"
	case "n":
		return "n"
	case "b":
		return "b"
	case "d":
		return "d"
	case "e":
		return "e"
	}
	return string(b)
}
