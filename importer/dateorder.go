package importer

import "fmt"

// A file's numeric dates (03/04/2025) are read in one order for the whole
// file (issue 15). Day first, as in the UK, unless the file shows
// otherwise: when some of its dates can only be month first (03/14/2025)
// and none can only be day first (14/03/2025), it is a US-style export and
// every date in it is read month first, 03/04/2025 as 4 March. A file
// with both kinds is read day first, and its month-first-only dates are
// issues. The choice is stated once per file as a Notice.
//
// The order is known only once every date has been seen, so importInput
// reads the file again, in the order chosen, when the first reading met a
// date that day first cannot read (see tableImport.discard): a UK file,
// the common case, is read once.

// dateTally counts a file's numeric dates by the orders they are valid in.
type dateTally struct {
	ambiguous, dayOnly, monthOnly int
	// first example of each kind, for the notice.
	firstAmbiguous, firstDayOnly, firstMonthOnly *dateSeen
}

// dateSeen is where a date was seen.
type dateSeen struct {
	text, sheet, column string
	row                 int
}

func (t *dateTally) note(k slashKind, text, sheet string, row int, column string) {
	var n *int
	var first **dateSeen
	switch k {
	case slashAmbiguous:
		n, first = &t.ambiguous, &t.firstAmbiguous
	case slashDayOnly:
		n, first = &t.dayOnly, &t.firstDayOnly
	case slashMonthOnly:
		n, first = &t.monthOnly, &t.firstMonthOnly
	default:
		return
	}
	*n++
	if *first == nil {
		*first = &dateSeen{text: text, sheet: sheet, column: column, row: row}
	}
}

// counts reports whether note tallies dates of kind k.
func (t *dateTally) counts(k slashKind) bool {
	return k == slashAmbiguous || k == slashDayOnly || k == slashMonthOnly
}

// order is the order the file's dates are to be read in.
func (t *dateTally) order() dateOrder {
	if t.monthOnly > 0 && t.dayOnly == 0 {
		return monthFirst
	}
	return dayFirst
}

// at names where a date was seen, for a notice: "row 5" or "sheet
// "2025" row 5".
func (d *dateSeen) at() string {
	if d.sheet != "" {
		return fmt.Sprintf("sheet %q row %d", d.sheet, d.row)
	}
	return fmt.Sprintf("row %d", d.row)
}

// notice states the date order a file was read in, or nil when no date
// of it could be read in two ways.
func (t *dateTally) notice(file string, dc dateContext) *Notice {
	if t.ambiguous == 0 && t.monthOnly == 0 {
		return nil
	}
	n := &Notice{File: file}
	column := func(d *dateSeen) {
		if d != nil && n.Column == "" {
			n.Column, n.Sheet = d.column, d.sheet
		}
	}
	others := func(count int) string {
		switch count {
		case 1:
			return ""
		case 2:
			return " and 1 other date"
		}
		return fmt.Sprintf(" and %s other dates", thousands(int64(count-1)))
	}
	switch {
	case dc.order == monthFirst:
		m := t.firstMonthOnly
		column(m)
		n.Message = fmt.Sprintf("dates are read month first, as in the US (03/04/2025 is 4 March 2025): %s (%s)%s can only be read month first, and no date in the file can only be read day first",
			m.text, m.at(), others(t.monthOnly))
	case t.monthOnly > 0:
		d, m := t.firstDayOnly, t.firstMonthOnly
		column(m)
		n.Message = fmt.Sprintf("dates are read day first, as in the UK (03/04/2025 is 3 April 2025), because %s (%s) can only be read day first; %s (%s)%s can only be read month first, so they are import issues: the file mixes the two orders",
			d.text, d.at(), m.text, m.at(), others(t.monthOnly))
	default:
		a := t.firstAmbiguous
		column(a)
		n.Message = fmt.Sprintf("dates are read day first, as in the UK: %s (%s) is read as %s; no date in the file can only be read month first",
			a.text, a.at(), readAs(a.text, dc))
	}
	return n
}

// readAs writes how an ambiguous date was read: "3 April 2025".
func readAs(text string, dc dateContext) string {
	d, _, err := parseDate(text, dc)
	if err != nil {
		return text
	}
	return d.Format("2 January 2006")
}
