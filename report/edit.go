package report

import (
	"io"

	"github.com/xuri/excelize/v2"
)

// SaveWorkbook writes a workbook opened elsewhere (the assessor's loop
// rewrites summary.xlsx) the way WriteWorkbook does, so an edited workbook
// has the same stable entry order as a fresh one.
func SaveWorkbook(f *excelize.File, w io.Writer) error { return save(f, w) }

// SheetStyles are the cell styles of the run's workbook, for sheets added
// to it later, so they look like the sheets the run wrote.
type SheetStyles struct {
	Header, Title, Note, Wrap, Percent, Integer int
}

// NewSheetStyles adds the run workbook's styles to f. excelize reuses a
// style already in the workbook, so calling it on summary.xlsx adds nothing
// twice.
func NewSheetStyles(f *excelize.File) (SheetStyles, error) {
	st, err := newStyles(f)
	if err != nil {
		return SheetStyles{}, err
	}
	return SheetStyles{Header: st.header, Title: st.title, Note: st.note, Wrap: st.wrap, Percent: st.percent, Integer: st.integer}, nil
}
