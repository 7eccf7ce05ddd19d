package importer

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"
)

// cellFormatter gives a cell's shown value (what Excel shows, after its
// number format) and, for text with _xHHHH_ escapes, its stored value, by
// asking excelize itself: number formats have too many cases to copy
// (dates, ids formatted 000000, fractions, locales), and a copy that was
// wrong in one of them would change what the importer reads. The fast
// reader therefore formats nothing itself except what needs no format
// (style 0, text under a style that shows text as it is); every other
// (style, type, value) is put, many at a time, into a small workbook that
// shares the real workbook's styles and date system and is read back with
// excelize's row iterator, the same code the slow path runs. Answers are
// remembered: an export repeats its dates, hours and styles.
type cellFormatter struct {
	mu   sync.Mutex
	mini *excelize.File
	memo map[fmtKey]fmtResult
	// textAsIs[style]: that style shows any text unchanged (tested once
	// per style with two probes; text has one format section at most, and
	// a section that shows "A" as "A" and "B" as "B" shows any text as it
	// is).
	textAsIs map[int]bool
	err      error // the workbook could not be made: every lookup fails
}

// fmtKey is one cell as excelize's getValueFrom sees it.
type fmtKey struct {
	style  int
	typ    string // the t attribute
	v      string // <v>, or the inline string's text
	inline bool   // an inline string (shared strings are asked as inline ones)
}

type fmtResult struct{ raw, shown string }

// maxFormatMemo bounds the memory of remembered answers; past it they are
// forgotten and asked again (only a sheet of unique formatted values gets
// there).
const maxFormatMemo = 200_000

const probeSheet = "xl/worksheets/sheet1.xml"

func newCellFormatter(f *excelize.File, date1904 bool) *cellFormatter {
	cf := &cellFormatter{memo: map[fmtKey]fmtResult{}, textAsIs: map[int]bool{}}
	mini := excelize.NewFile()
	// The real workbook's parsed styles (read-only here): the probe cells'
	// style indexes mean what they mean in the real workbook.
	mini.Styles = f.Styles
	if date1904 {
		if err := mini.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}); err != nil {
			cf.err = err
		}
	}
	cf.mini = mini
	return cf
}

func (cf *cellFormatter) close() {
	if cf.mini != nil {
		cf.mini.Styles = nil // not the mini file's to close
		_ = cf.mini.Close()
	}
}

// lookup answers keys; it returns false when the small workbook could not
// be read (the fast reader then gives the sheet to excelize).
func (cf *cellFormatter) lookup(keys []fmtKey, out []fmtResult) bool {
	cf.mu.Lock()
	defer cf.mu.Unlock()
	if cf.err != nil {
		return false
	}
	var ask []fmtKey
	var where []int
	for i, k := range keys {
		if r, ok := cf.memo[k]; ok {
			out[i] = r
			continue
		}
		ask = append(ask, k)
		where = append(where, i)
	}
	if len(ask) == 0 {
		return true
	}
	res, err := cf.probe(ask)
	if err != nil {
		cf.err = err
		return false
	}
	if len(cf.memo)+len(ask) > maxFormatMemo {
		clear(cf.memo)
	}
	for j, k := range ask {
		cf.memo[k] = res[j]
		out[where[j]] = res[j]
	}
	return true
}

// showsTextAsIs reports whether a style shows any text unchanged.
func (cf *cellFormatter) showsTextAsIs(style int) (asIs, ok bool) {
	cf.mu.Lock()
	v, known := cf.textAsIs[style]
	cf.mu.Unlock()
	if known {
		return v, true
	}
	keys := []fmtKey{{style: style, typ: "inlineStr", v: "A", inline: true}, {style: style, typ: "inlineStr", v: "B", inline: true}}
	out := make([]fmtResult, 2)
	if !cf.lookup(keys, out) {
		return false, false
	}
	v = out[0].shown == "A" && out[1].shown == "B"
	cf.mu.Lock()
	cf.textAsIs[style] = v
	cf.mu.Unlock()
	return v, true
}

// probe writes one probe cell per row of the small workbook's sheet and
// reads the sheet back, stored and shown. Held under cf.mu.
func (cf *cellFormatter) probe(keys []fmtKey) ([]fmtResult, error) {
	var b bytes.Buffer
	b.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i, k := range keys {
		fmt.Fprintf(&b, `<row r="%d"><c r="A%d"`, i+1, i+1)
		if k.style != 0 {
			fmt.Fprintf(&b, ` s="%d"`, k.style)
		}
		if k.typ != "" {
			b.WriteString(` t="`)
			_ = xml.EscapeText(&b, []byte(k.typ))
			b.WriteString(`"`)
		}
		if k.inline {
			b.WriteString(`><is><t>`)
			_ = xml.EscapeText(&b, []byte(k.v))
			b.WriteString(`</t></is></c></row>`)
		} else {
			b.WriteString(`><v>`)
			_ = xml.EscapeText(&b, []byte(k.v))
			b.WriteString(`</v></c></row>`)
		}
	}
	b.WriteString(`</sheetData></worksheet>`)
	// The probe sheet is read from the package: a parsed copy would be
	// written over it.
	cf.mini.Sheet.Delete(probeSheet)
	cf.mini.Pkg.Store(probeSheet, b.Bytes())
	res := make([]fmtResult, len(keys))
	for pass, opts := range []excelize.Options{{RawCellValue: true}, {}} {
		rows, err := cf.mini.Rows("Sheet1")
		if err != nil {
			return nil, err
		}
		for i := range keys {
			if !rows.Next() {
				_ = rows.Close()
				return nil, fmt.Errorf("probe row %d missing", i+1)
			}
			cells, err := rows.Columns(opts)
			if err != nil {
				_ = rows.Close()
				return nil, err
			}
			v := ""
			if len(cells) > 0 {
				v = cells[0]
			}
			if pass == 0 {
				res[i].raw = v
			} else {
				res[i].shown = v
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// plainNumber is excelize's getCellDefault: the shown form of a number
// cell without a style (1.50 shows as 1.5, digits past 15 significant
// ones are rounded off).
func plainNumber(v string) string {
	if strings.Contains(v, "_") {
		return v
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if len(s)-strings.Count(s, ".") > 15 && !withinPrecision(v) {
		return strconv.FormatFloat(f, 'G', 15, 64)
	}
	return s
}

// withinPrecision: an integer whose digits past the 15th are zeros.
func withinPrecision(v string) bool {
	if strings.ContainsAny(v, ".Ee") {
		return false
	}
	v = strings.TrimLeft(v, "+-0")
	return len(strings.TrimRight(v, "0")) <= 15
}
