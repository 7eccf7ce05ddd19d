package report

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/ies/cpdaudit/audit"
)

// appendResultJSON appends r's line of the results file as
// encoding/json's Encoder writes it with SetEscapeHTML(false), newline
// included: the same field names and order, null for a nil slice, the
// same numbers and escapes. encoding/json finds all that by reflection
// for every value of every member, most of the JSON's cost. ok is false
// when r holds something encoding/json refuses (a NaN or infinite number,
// a date outside the years 0 to 9999): the caller then lets encoding/json
// report it, as before.
//
// TestResultJSONAsEncodingJSON compares it with encoding/json on the
// results of the sample runs and on results filled at random through
// reflection, so a field added to a result type and not here fails it.
func appendResultJSON(b []byte, r *audit.MemberResult) (_ []byte, ok bool) {
	e := jsonEnc{b: b, ok: true}
	e.result(r)
	e.b = append(e.b, '\n')
	return e.b, e.ok
}

type jsonEnc struct {
	b  []byte
	ok bool
}

func (e *jsonEnc) key(k string) {
	// Every key starts its object or follows a value.
	if n := len(e.b); n > 0 && e.b[n-1] != '{' {
		e.b = append(e.b, ',')
	}
	e.b = append(e.b, '"')
	e.b = append(e.b, k...)
	e.b = append(e.b, '"', ':')
}

func (e *jsonEnc) result(r *audit.MemberResult) {
	e.b = append(e.b, '{')
	e.key("Member")
	e.member(&r.Member)
	e.key("Year")
	e.int(r.Year)
	e.key("RequiredHours")
	e.float(r.RequiredHours)
	e.key("CountedHours")
	e.float(r.CountedHours)
	e.key("CategoryHours")
	jsonList(e, r.CategoryHours[:], func(h *float64) { e.float(*h) })
	e.key("SubstantiveThreshold")
	e.float(r.SubstantiveThreshold)
	e.key("SubstantiveCategories")
	e.int(r.SubstantiveCategories)
	e.key("RequiredCategories")
	e.int(r.RequiredCategories)
	e.key("Standards")
	jsonList(e, r.Standards[:], e.standard)
	e.key("Outcome")
	e.string(string(r.Outcome))
	e.key("Flags")
	e.strings(r.Flags)
	e.key("Notes")
	e.strings(r.Notes)
	e.key("Activities")
	jsonList(e, r.Activities, e.activity)
	e.b = append(e.b, '}')
}

func (e *jsonEnc) member(m *audit.Member) {
	e.b = append(e.b, '{')
	e.key("ID")
	e.string(m.ID)
	e.key("Name")
	e.string(m.Name)
	e.key("Email")
	e.string(m.Email)
	e.key("Grade")
	e.string(string(m.Grade))
	e.key("Registrations")
	e.strings(m.Registrations)
	e.key("Role")
	e.string(m.Role)
	e.key("ExemptionReason")
	e.string(m.ExemptionReason)
	e.key("ExemptMonths")
	e.int(m.ExemptMonths)
	e.key("HigherEducation")
	e.bool(m.HigherEducation)
	e.key("InRegister")
	e.bool(m.InRegister)
	e.key("Flags")
	e.strings(m.Flags)
	e.b = append(e.b, '}')
}

func (e *jsonEnc) standard(s *audit.StandardResult) {
	e.b = append(e.b, '{')
	e.key("Standard")
	e.int(int(s.Standard))
	e.key("Verdict")
	e.string(string(s.Verdict))
	e.key("Reason")
	e.string(s.Reason)
	e.key("NextSteps")
	e.strings(s.NextSteps)
	e.key("Evidence")
	jsonList(e, s.Evidence, func(ev *audit.Evidence) {
		e.b = append(e.b, '{')
		e.key("Source")
		e.source(&ev.Source)
		e.key("Activity")
		e.string(ev.Activity)
		e.key("Text")
		e.string(ev.Text)
		e.key("Note")
		e.string(ev.Note)
		e.b = append(e.b, '}')
	})
	e.b = append(e.b, '}')
}

func (e *jsonEnc) source(s *audit.Source) {
	e.b = append(e.b, '{')
	e.key("File")
	e.string(s.File)
	e.key("Sheet")
	e.string(s.Sheet)
	e.key("Row")
	e.int(s.Row)
	e.key("Line")
	e.int(s.Line)
	e.b = append(e.b, '}')
}

// activity is an ActivityResult: the embedded Activity's fields first,
// in their order, but without Activity.Reflection, which the result's own
// Reflection (the finding, after Source) hides, as encoding/json's rules
// for embedded fields have it.
func (e *jsonEnc) activity(a *audit.ActivityResult) {
	e.b = append(e.b, '{')
	e.key("MemberID")
	e.string(a.MemberID)
	e.key("MemberName")
	e.string(a.MemberName)
	e.key("Title")
	e.string(a.Title)
	e.key("Category")
	e.string(string(a.Category))
	e.key("Date")
	e.time(a.Date)
	e.key("Hours")
	e.float(a.Hours)
	e.key("Description")
	e.string(a.Description)
	e.key("Source")
	e.source(&a.Source)
	e.key("Counted")
	e.bool(a.Counted)
	e.key("NotCountedReason")
	e.string(a.NotCountedReason)
	e.key("Reflection")
	f := &a.Reflection
	e.b = append(e.b, '{')
	e.key("Level")
	e.string(string(f.Level))
	e.key("Likely")
	e.string(string(f.Likely))
	e.key("Quality")
	e.bool(f.Quality)
	e.key("Users")
	e.bool(f.Users)
	e.key("QualityUnsure")
	e.bool(f.QualityUnsure)
	e.key("UsersUnsure")
	e.bool(f.UsersUnsure)
	e.key("QualityProb")
	e.float(f.QualityProb)
	e.key("UsersProb")
	e.float(f.UsersProb)
	e.key("QualityEvidence")
	e.string(f.QualityEvidence)
	e.key("UsersEvidence")
	e.string(f.UsersEvidence)
	e.key("MentionsUsers")
	e.bool(f.MentionsUsers)
	e.key("Advice")
	e.string(f.Advice)
	e.b = append(e.b, '}')
	e.key("Flags")
	e.strings(a.Flags)
	e.b = append(e.b, '}')
}

func (e *jsonEnc) int(n int) { e.b = strconv.AppendInt(e.b, int64(n), 10) }

func (e *jsonEnc) bool(v bool) { e.b = strconv.AppendBool(e.b, v) }

// float is encoding/json's form of a float64 (ES6 number to string).
func (e *jsonEnc) float(f float64) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		e.ok = false
		e.b = append(e.b, '0')
		return
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	e.b = strconv.AppendFloat(e.b, f, format, -1, 64)
	if format == 'e' {
		// e-09 is written e-9
		n := len(e.b)
		if n >= 4 && e.b[n-4] == 'e' && e.b[n-3] == '-' && e.b[n-2] == '0' {
			e.b[n-2] = e.b[n-1]
			e.b = e.b[:n-1]
		}
	}
}

// time is what time.Time's MarshalJSON writes, which encoding/json
// calls: RFC 3339 with nanoseconds, quoted. MarshalJSON refuses a year
// outside 0 to 9999 and a zone 24 hours or more from UTC.
func (e *jsonEnc) time(t time.Time) {
	_, offset := t.Zone()
	if y := t.Year(); y < 0 || y > 9999 || offset <= -24*3600 || offset >= 24*3600 {
		e.ok = false
		e.b = append(e.b, `""`...)
		return
	}
	e.b = append(e.b, '"')
	e.b = t.AppendFormat(e.b, time.RFC3339Nano)
	e.b = append(e.b, '"')
}

func (e *jsonEnc) strings(ss []string) {
	jsonList(e, ss, func(s *string) { e.string(*s) })
}

// jsonList is xs as a JSON array, item writing each element; a nil slice
// is null, as encoding/json writes it.
func jsonList[T any](e *jsonEnc, xs []T, item func(*T)) {
	if xs == nil {
		e.b = append(e.b, "null"...)
		return
	}
	e.b = append(e.b, '[')
	for i := range xs {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		item(&xs[i])
	}
	e.b = append(e.b, ']')
}

const jsonHex = "0123456789abcdef"

// string is encoding/json's appendString without HTML escaping: quotes,
// backslashes and control characters escaped, invalid UTF-8 as \ufffd,
// U+2028 and U+2029 escaped.
func (e *jsonEnc) string(s string) {
	b := append(e.b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight plain bytes at a time: reflections are long, and nearly
		// all of their bytes need no escape.
		for i+8 <= len(s) && plainJSON8(s[i:i+8]) {
			i += 8
		}
		if i == len(s) {
			break
		}
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', jsonHex[c>>4], jsonHex[c&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', jsonHex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	e.b = append(b, '"')
}

// plainJSON8 reports whether none of the eight bytes of s is escaped in a
// JSON string or starts a multi-byte character: each is ASCII, at least
// 0x20, and neither '"' nor '\\'. (x-lo*n) & ^x & hi is non-zero exactly
// when a byte of x is below n, once every byte is known to be ASCII;
// a byte equal to c is a byte of x^(lo*c) below 1.
func plainJSON8(s string) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	q, bs := x^(lo*'"'), x^(lo*'\\')
	return (x|(x-lo*0x20)&^x|(q-lo)&^q|(bs-lo)&^bs)&hi == 0
}
