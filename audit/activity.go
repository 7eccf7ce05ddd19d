package audit

import (
	"strconv"
	"time"
)

// Source is where a row came from, as a spreadsheet program shows it: the
// file, the sheet (empty for CSV) and the row number. Line is the physical
// line in a CSV file where the record starts; it differs from Row when an
// earlier quoted cell spans several lines. Line is 0 for Excel files.
type Source struct {
	File  string
	Sheet string
	Row   int
	Line  int
}

// String formats the source as file:sheet:row, the form activities.csv uses.
// A CSV file has no sheet, so the middle part is empty (a.csv::12).
func (s Source) String() string {
	return s.File + ":" + s.Sheet + ":" + strconv.Itoa(s.Row)
}

// Activity is one CPD activity row as imported. Its values are already
// parsed: the category is canonical, the date is a calendar day (midnight
// UTC) and the hours a decimal number.
type Activity struct {
	MemberID    string
	MemberName  string
	Title       string
	Category    Category
	Date        time.Time
	Hours       float64
	Description string
	Reflection  string
	Source      Source
}
