package importer

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// xmlScan is the tokenizer of the fast sheet reader (fastsheet.go): a
// scanner over one buffer of XML that accepts the subset of XML that
// spreadsheet programs write, decoding it exactly as encoding/xml does
// (entities, character references, CDATA, line ends, the characters XML
// allows), and gives up, with a reason, on anything else: the reader then
// hands the rest of the sheet to excelize, so what the scanner does not
// understand is never guessed at.
type xmlScan struct {
	b   []byte
	i   int
	why string // why the scanner gave up; "" while all is well
	tmp []byte // decoded text, when it differs from the input
}

// fail records the first reason the scanner gave up and returns false.
func (s *xmlScan) fail(why string) bool {
	if s.why == "" {
		s.why = why
	}
	return false
}

// xtag is one start or end tag.
type xtag struct {
	full  []byte // the name as written, with its prefix
	local []byte // the name without the prefix
	end   bool   // an end tag, </name>
	empty bool   // <name/>: the element ends here
	attrs []xattr
}

// xattr is one attribute; val is undecoded (see attrValue).
type xattr struct {
	full, local []byte
	val         []byte
	plain       bool // val needs no decoding and holds only allowed characters
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (s *xmlScan) skipSpace() {
	for s.i < len(s.b) && isSpaceByte(s.b[s.i]) {
		s.i++
	}
}

// name reads an element or attribute name: ASCII letters, digits, '_',
// '-' and '.', with at most one ':' between a prefix and the local name.
// encoding/xml accepts more (any Unicode letter); such names send the
// sheet to excelize.
func (s *xmlScan) name() (full, local []byte, ok bool) {
	start := s.i
	colon := -1
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_':
		case '0' <= c && c <= '9' || c == '-' || c == '.':
			if s.i == start {
				return nil, nil, s.fail("a name starts with a digit or punctuation")
			}
		case c == ':':
			if colon >= 0 || s.i == start {
				return nil, nil, s.fail("a name with two prefixes")
			}
			colon = s.i
		default:
			if c >= utf8.RuneSelf {
				return nil, nil, s.fail("a name with a letter outside ASCII")
			}
			goto done
		}
		s.i++
	}
done:
	if s.i == start {
		return nil, nil, s.fail("a tag without a name")
	}
	full = s.b[start:s.i]
	if colon < 0 {
		return full, full, true
	}
	if colon == s.i-1 {
		return nil, nil, s.fail("a name ending in a colon")
	}
	return full, s.b[colon+1 : s.i], true
}

// tag reads a start or end tag at s.b[s.i] == '<' (the caller has checked
// it is not a comment, CDATA or processing instruction).
func (s *xmlScan) tag(t *xtag) bool {
	s.i++ // '<'
	t.end, t.empty, t.attrs = false, false, t.attrs[:0]
	if s.i < len(s.b) && s.b[s.i] == '/' {
		t.end = true
		s.i++
	}
	var ok bool
	if t.full, t.local, ok = s.name(); !ok {
		return false
	}
	if t.end {
		s.skipSpace()
		if s.i >= len(s.b) || s.b[s.i] != '>' {
			return s.fail("an end tag not closed by >")
		}
		s.i++
		return true
	}
	for {
		s.skipSpace()
		if s.i >= len(s.b) {
			return s.fail("a tag cut short")
		}
		switch s.b[s.i] {
		case '>':
			s.i++
			return true
		case '/':
			if s.i+1 >= len(s.b) || s.b[s.i+1] != '>' {
				return s.fail("a / inside a tag")
			}
			s.i += 2
			t.empty = true
			return true
		}
		var a xattr
		if a.full, a.local, ok = s.name(); !ok {
			return false
		}
		s.skipSpace()
		if s.i >= len(s.b) || s.b[s.i] != '=' {
			return s.fail("an attribute without a value")
		}
		s.i++
		s.skipSpace()
		if s.i >= len(s.b) || (s.b[s.i] != '"' && s.b[s.i] != '\'') {
			return s.fail("an attribute value without quotes")
		}
		q := s.b[s.i]
		s.i++
		start := s.i
		a.plain = true
		for {
			if s.i >= len(s.b) {
				return s.fail("an attribute value cut short")
			}
			c := s.b[s.i]
			if c == q {
				break
			}
			switch {
			case c == '<':
				return s.fail("a < inside an attribute value")
			case c == '&' || c == '\r' || c >= utf8.RuneSelf:
				a.plain = false
			case c < 0x20 && c != '\t' && c != '\n':
				return s.fail("a control character inside an attribute value")
			}
			s.i++
		}
		a.val = s.b[start:s.i]
		s.i++
		if !a.plain {
			// Checked now, so that a value nobody reads still fails the
			// way encoding/xml fails on it.
			if _, ok := s.decode(a.val, false); !ok {
				return false
			}
		}
		t.attrs = append(t.attrs, a)
	}
}

// attrValue is an attribute's decoded value.
func (s *xmlScan) attrValue(a *xattr) ([]byte, bool) {
	if a.plain {
		return a.val, true
	}
	d, ok := s.decode(a.val, false)
	if !ok {
		return nil, false
	}
	return bytes.Clone(d), true
}

// attr returns the tag's attribute of that local name; two of them (say r
// and x:r) make the scanner give up, as readers disagree on which counts.
func (s *xmlScan) attr(t *xtag, local string) (*xattr, bool) {
	var found *xattr
	for k := range t.attrs {
		if string(t.attrs[k].local) == local {
			if found != nil {
				s.fail("two " + local + " attributes on one tag")
				return nil, false
			}
			found = &t.attrs[k]
		}
	}
	return found, true
}

// text reads character data up to the next '<' or the end of the buffer.
// Its decoded form is returned (an alias of the input when nothing needs
// decoding, else of s.tmp, valid until the next decode).
func (s *xmlScan) text() ([]byte, bool) {
	start := s.i
	plain := true
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c == '<' {
			break
		}
		if c == '&' || c == '\r' || c == '>' || c >= utf8.RuneSelf || (c < 0x20 && c != '\t' && c != '\n') {
			plain = false
		}
		s.i++
	}
	raw := s.b[start:s.i]
	if plain {
		return raw, true
	}
	return s.decode(raw, true)
}

var xmlEntities = map[string]string{"lt": "<", "gt": ">", "amp": "&", "apos": "'", "quot": "\""}

// decode turns escaped text (or an attribute value) into its characters
// as encoding/xml does: the five named entities and character references,
// \r\n and a lone \r made \n, and a failure on an unknown entity, on ]]>
// in text, on invalid UTF-8 and on characters XML does not allow.
func (s *xmlScan) decode(raw []byte, isText bool) ([]byte, bool) {
	out := s.tmp[:0]
	var b0, b1 byte
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if isText && b0 == ']' && b1 == ']' && c == '>' {
			return nil, s.fail("]]> in text")
		}
		if c == '&' {
			semi := bytes.IndexByte(raw[i:], ';')
			if semi < 0 {
				return nil, s.fail("an entity without a semicolon")
			}
			ent := raw[i+1 : i+semi]
			var text string
			if len(ent) > 1 && ent[0] == '#' {
				base, digits := 10, ent[1:]
				if digits[0] == 'x' {
					base, digits = 16, digits[1:]
				}
				if len(digits) == 0 {
					return nil, s.fail("an empty character reference")
				}
				for _, d := range digits {
					if !('0' <= d && d <= '9' || base == 16 && ('a' <= d && d <= 'f' || 'A' <= d && d <= 'F')) {
						return nil, s.fail("a character reference with a stray character")
					}
				}
				n, err := strconv.ParseUint(string(digits), base, 64)
				if err != nil || n > utf8.MaxRune {
					return nil, s.fail("a character reference out of range")
				}
				text = string(rune(n))
			} else {
				t, ok := xmlEntities[string(ent)]
				if !ok {
					return nil, s.fail("an unknown entity")
				}
				text = t
			}
			out = append(out, text...)
			i += semi
			b0, b1 = 0, 0
			continue
		}
		switch {
		case c == '\r':
			out = append(out, '\n')
		case b1 == '\r' && c == '\n':
			// \r\n: the \n is already written
		default:
			out = append(out, c)
		}
		b0, b1 = b1, c
	}
	s.tmp = out
	if !validXMLChars(out) {
		return nil, s.fail("a character XML does not allow, or invalid UTF-8")
	}
	return out, true
}

// validXMLChars: valid UTF-8 of characters in XML's range.
func validXMLChars(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return false
		}
		if !(r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return false
		}
		i += n
	}
	return true
}

// markup reports what starts at s.b[s.i] == '<'.
type markupKind int

const (
	markTag markupKind = iota
	markComment
	markCDATA
	markOther // a processing instruction, DOCTYPE or the like
)

func (s *xmlScan) markup() markupKind {
	rest := s.b[s.i:]
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		return markComment
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		return markCDATA
	case len(rest) > 1 && (rest[1] == '!' || rest[1] == '?'):
		return markOther
	}
	return markTag
}

// comment skips <!-- ... -->; "--" inside one is an error, as in
// encoding/xml.
func (s *xmlScan) comment() bool {
	s.i += 4
	end := bytes.Index(s.b[s.i:], []byte("--"))
	if end < 0 {
		return s.fail("a comment cut short")
	}
	s.i += end + 2
	if s.i >= len(s.b) || s.b[s.i] != '>' {
		return s.fail("-- inside a comment")
	}
	s.i++
	return true
}

// cdata reads <![CDATA[ ... ]]> and returns its text (\r made \n).
func (s *xmlScan) cdata() ([]byte, bool) {
	s.i += 9
	end := bytes.Index(s.b[s.i:], []byte("]]>"))
	if end < 0 {
		return nil, s.fail("a CDATA section cut short")
	}
	raw := s.b[s.i : s.i+end]
	s.i += end + 3
	if bytes.IndexByte(raw, '\r') < 0 {
		if !validXMLChars(raw) {
			return nil, s.fail("a character XML does not allow, or invalid UTF-8")
		}
		return raw, true
	}
	out := s.tmp[:0]
	for i, c := range raw {
		switch {
		case c == '\r':
			out = append(out, '\n')
		case c == '\n' && i > 0 && raw[i-1] == '\r':
		default:
			out = append(out, c)
		}
	}
	s.tmp = out
	if !validXMLChars(out) {
		return nil, s.fail("a character XML does not allow, or invalid UTF-8")
	}
	return out, true
}

// content reads the character data of a text-only element whose start
// tag was just read, up to its end tag: text, CDATA and comments, no
// child element. The text is appended to dst.
func (s *xmlScan) content(start *xtag, dst []byte) ([]byte, bool) {
	// The usual case, plain text then the end tag: one copy.
	if j := s.i; j < len(s.b) {
		for j < len(s.b) && s.b[j] != '<' {
			c := s.b[j]
			if c == '&' || c == '\r' || c == '>' || c >= utf8.RuneSelf || c < 0x20 && c != '\t' && c != '\n' {
				break
			}
			j++
		}
		if end := j + 2 + len(start.full); j < len(s.b) && s.b[j] == '<' && end < len(s.b) &&
			s.b[j+1] == '/' && s.b[end] == '>' && bytes.Equal(s.b[j+2:end], start.full) {
			dst = append(dst, s.b[s.i:j]...)
			s.i = end + 1
			return dst, true
		}
	}
	var t xtag
	for {
		txt, ok := s.text()
		if !ok {
			return nil, false
		}
		dst = append(dst, txt...)
		if s.i >= len(s.b) {
			return nil, s.fail("an element cut short")
		}
		switch s.markup() {
		case markComment:
			if !s.comment() {
				return nil, false
			}
			continue
		case markCDATA:
			txt, ok := s.cdata()
			if !ok {
				return nil, false
			}
			dst = append(dst, txt...)
			continue
		case markOther:
			return nil, s.fail("a processing instruction or declaration inside an element")
		}
		if !s.tag(&t) {
			return nil, false
		}
		if !t.end {
			return nil, s.fail("an element inside <" + string(start.local) + ">")
		}
		if !bytes.Equal(t.full, start.full) {
			return nil, s.fail("an element closed by another name")
		}
		return dst, true
	}
}

// child reads the next child tag of start into t; end is true when it is
// start's own end tag (one closing another name fails the scan).
func (s *xmlScan) child(start, t *xtag, what string) (end, ok bool) {
	if !s.nextTag(t, what) {
		return false, false
	}
	if !t.end {
		return false, true
	}
	if !bytes.Equal(t.full, start.full) {
		return false, s.fail("an element closed by another name")
	}
	return true, true
}

// skip reads past the element whose start tag was just read, checking
// that it is well formed as encoding/xml would. forbidden names local
// names that must not occur inside it (they mean something to the
// reader, so an element holding them is not one to skip).
func (s *xmlScan) skip(start *xtag, forbidden ...string) bool {
	if start.empty {
		return true
	}
	stack := [][]byte{start.full}
	var t xtag
	for len(stack) > 0 {
		if !s.nextTag(&t, "an element") {
			return false
		}
		for _, f := range forbidden {
			if string(t.local) == f {
				return s.fail("<" + f + "> in an unexpected place")
			}
		}
		switch {
		case t.end:
			if !bytes.Equal(t.full, stack[len(stack)-1]) {
				return s.fail("an element closed by another name")
			}
			stack = stack[:len(stack)-1]
		case !t.empty:
			stack = append(stack, t.full)
		}
	}
	return true
}

// nextTag reads up to the next tag inside an element and reads the tag into
// t, passing over text, comments and CDATA; false (with the reason
// recorded) when the input ends first or holds a processing instruction
// or declaration there. what names the element for that reason.
func (s *xmlScan) nextTag(t *xtag, what string) bool {
	eof, ok := s.toTag(what)
	if !ok {
		return false
	}
	if eof {
		return s.fail(what + " cut short")
	}
	return s.tag(t)
}

// toTag moves past text, comments and CDATA to the next tag; eof is true
// when the buffer ends first. A processing instruction or declaration
// fails the scan (where names the element it is in).
func (s *xmlScan) toTag(where string) (eof, ok bool) {
	for {
		if _, ok := s.text(); !ok {
			return false, false
		}
		if s.i >= len(s.b) {
			return true, true
		}
		switch s.markup() {
		case markComment:
			if !s.comment() {
				return false, false
			}
		case markCDATA:
			if _, ok := s.cdata(); !ok {
				return false, false
			}
		case markOther:
			return false, s.fail("a processing instruction or declaration inside " + where)
		default:
			return false, true
		}
	}
}
