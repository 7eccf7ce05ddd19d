package report

import (
	"encoding/csv"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gocarina/gocsv"
)

// writeCSV lays rows out with gocsv. A fresh SafeCSVWriter is built per
// call rather than through gocsv's package-level SetCSVWriter, so
// concurrent writers and tests never share configuration.
func writeCSV(w io.Writer, rows any) error {
	return gocsv.MarshalCSV(rows, newCSVWriter(w))
}

func newCSVWriter(w io.Writer) *gocsv.SafeCSVWriter {
	return gocsv.NewSafeCSVWriter(csv.NewWriter(w))
}

// WriteSummaryCSV writes summary.csv: one row per member with SPEC.md's
// columns, and previous_outcome last when in.Previous is set.
//
// previous_outcome is added only when a previous run was given, rather
// than always (empty): SPEC.md fixes summary.csv's columns, and a run
// without --previous then stays exactly what it was, byte for byte, for the
// systems that check the header. With --previous the new column comes last,
// so readers of SPEC's columns, by name or by position, are not disturbed.
// The two-years-running flag goes into the flags column either way.
//
// It is the TableWriter fed in.Results, so it writes exactly what a
// streamed run writes.
func WriteSummaryCSV(w io.Writer, in Input) error {
	return writeTables(in, nil, w, nil)
}

// WriteActivitiesCSV writes activities.csv: one row per activity with
// SPEC.md's columns. Like WriteSummaryCSV it goes through the TableWriter.
func WriteActivitiesCSV(w io.Writer, in Input) error {
	return writeTables(in, nil, nil, w)
}

// WriteIssuesCSV writes import-issues.csv: one row per import issue with
// SPEC.md's columns.
func WriteIssuesCSV(w io.Writer, in Input) error {
	return writeCSV(w, IssueRows(in.Issues))
}

// csvLines writes the TableWriter's CSV lines as csv.Writer (under
// gocsv's SafeCSVWriter) writes them, comma-separated with "\n" line
// ends, without its lock, a buffered write per field and two scans of
// every quoted field: activities.csv is 160,000 lines for 10,000 members,
// a third of them reflections. TestCSVLinesAsEncodingCSV and
// FuzzCSVLine compare it with csv.Writer. Like csv.Writer, a failed
// write is returned by the next Write, by Flush and by Error.
type csvLines struct {
	w   io.Writer
	buf []byte
	err error
}

// csvFlushAt is how much csvLines holds before writing it out.
const csvFlushAt = 64 << 10

func newCSVLines(w io.Writer) *csvLines {
	return &csvLines{w: w, buf: make([]byte, 0, csvFlushAt+4<<10)}
}

// Write adds one line.
func (c *csvLines) Write(record []string) error {
	if c.err != nil {
		return c.err
	}
	for i, field := range record {
		if i > 0 {
			c.buf = append(c.buf, ',')
		}
		if !csvNeedsQuotes(field) {
			c.buf = append(c.buf, field...)
			continue
		}
		c.buf = append(c.buf, '"')
		for {
			j := strings.IndexByte(field, '"')
			if j < 0 {
				break
			}
			c.buf = append(c.buf, field[:j+1]...)
			c.buf = append(c.buf, '"')
			field = field[j+1:]
		}
		c.buf = append(c.buf, field...)
		c.buf = append(c.buf, '"')
	}
	c.buf = append(c.buf, '\n')
	if len(c.buf) >= csvFlushAt {
		c.Flush()
	}
	return c.err
}

// Flush writes what is held.
func (c *csvLines) Flush() {
	if c.err == nil && len(c.buf) > 0 {
		_, c.err = c.w.Write(c.buf)
	}
	c.buf = c.buf[:0]
}

// Error is the first failed write.
func (c *csvLines) Error() error { return c.err }

// csvNeedsQuotes is csv.Writer's fieldNeedsQuotes for a comma: a field
// holding a comma, a quote or a line break, the field `\.`, or one that
// starts with a space (as unicode.IsSpace has it) is quoted.
func csvNeedsQuotes(field string) bool {
	if field == "" {
		return false
	}
	if field == `\.` {
		return true
	}
	for i := 0; i < len(field); i++ {
		if csvSpecial[field[i]] {
			return true
		}
	}
	r1, _ := utf8.DecodeRuneInString(field)
	return unicode.IsSpace(r1)
}

var csvSpecial = [256]bool{',': true, '"': true, '\r': true, '\n': true}

// csvHeader writes the header line gocsv makes of rows, an empty slice
// of a row type, to c.
func csvHeader(c *csvLines, rows any) error {
	var b strings.Builder
	if err := gocsv.MarshalCSV(rows, newCSVWriter(&b)); err != nil {
		return err
	}
	c.buf = append(c.buf, b.String()...)
	return nil
}
