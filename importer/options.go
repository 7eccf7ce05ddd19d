package importer

// Options are the limits that keep a hostile or broken file from using up
// memory or time. A limit that is hit is reported as an Issue, never a crash.
type Options struct {
	MaxFileSize     int64 // bytes; a larger file is one issue, not read
	MaxRowsPerSheet int   // data rows below the header; later rows are one issue
	MaxCellLength   int   // characters; a longer cell is an issue on its row
	// UnzipSizeLimit and UnzipXMLSizeLimit go to excelize.Options, so a
	// zip bomb becomes a file issue instead of filling memory or disk.
	UnzipSizeLimit    int64
	UnzipXMLSizeLimit int64
	// MaxUnzipRatio refuses a workbook part (above a few MB) or a whole
	// workbook that inflates more than this many times, as a zip bomb,
	// before anything is inflated. Apache POI uses 100 too.
	MaxUnzipRatio float64
	// UnzipMemoryLimit bounds the parts excelize holds in memory: every
	// part but the sheets and shared strings above UnzipXMLSizeLimit.
	UnzipMemoryLimit int64
	// MaxRowBytes bounds the XML of one sheet row or one shared string:
	// excelize reads each whole, and nothing can stop it meanwhile.
	MaxRowBytes    int64
	HeaderScanRows int // how many top rows to scan for the header row
	// MaxCellsPerFile bounds the work of reading one workbook: the cells of
	// every row read, counting the empty ones up to the last cell of the
	// row. A sheet with a stray cell in column XFD on every row would
	// otherwise take minutes while looking small. The row that would go
	// over is one issue; it and the rows after it are not read.
	MaxCellsPerFile int64
	// Year is the CPD year when it is known (--year): a two-digit year in
	// a date is read within the hundred years that end ten years after it
	// (with 2025, 14/03/99 is 1999 and 14/03/35 is 2035). 0 means the
	// current year.
	Year int
	// Store, when set, receives every accepted activity: FileResult.Rows
	// then says where each is, and FileResult.Activities stays empty, so a
	// large import does not hold its activities in memory.
	Store *Store
	// Done, when closed, stops the reading as soon as it can (between
	// rows, between buffers): the run was cancelled and the result, which
	// is then incomplete, must be thrown away. nil never stops.
	Done <-chan struct{}
	// TempDir is where excelize keeps the large sheets it unzips ("" is
	// the system's temporary folder).
	TempDir string
}

// DefaultOptions returns limits above a whole federation's export (100,000
// members, 1.6 million rows: a 130 MB workbook that unzips to 1.1 GB) but
// below what would hurt the machine. Excel itself stops at 1,048,576 rows
// a sheet; a CSV export may hold more.
func DefaultOptions() Options {
	return Options{
		MaxFileSize:       1 << 30,
		MaxRowsPerSheet:   2_000_000,
		MaxCellLength:     32_767, // Excel's own limit for one cell
		UnzipSizeLimit:    4 << 30,
		UnzipXMLSizeLimit: 16 << 20,
		MaxUnzipRatio:     100,
		UnzipMemoryLimit:  256 << 20,
		// A row of 50 cells of Excel's longest text is under 5 MB; 16 MB
		// takes excelize a fraction of a second.
		MaxRowBytes:    16 << 20,
		HeaderScanRows: 30,
		// 2 million rows of 50 columns; about 6 seconds of reading when
		// a crafted sheet spends it all on empty cells.
		MaxCellsPerFile: 100_000_000,
	}
}

// withDefaults replaces zero or negative limits by the defaults, so a zero
// Options value is usable and never means "nothing is allowed".
func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = d.MaxFileSize
	}
	if o.MaxRowsPerSheet <= 0 {
		o.MaxRowsPerSheet = d.MaxRowsPerSheet
	}
	if o.MaxCellLength <= 0 {
		o.MaxCellLength = d.MaxCellLength
	}
	if o.UnzipSizeLimit <= 0 {
		o.UnzipSizeLimit = d.UnzipSizeLimit
	}
	if o.UnzipXMLSizeLimit <= 0 {
		o.UnzipXMLSizeLimit = min(d.UnzipXMLSizeLimit, o.UnzipSizeLimit)
	}
	if o.MaxUnzipRatio <= 0 {
		o.MaxUnzipRatio = d.MaxUnzipRatio
	}
	if o.UnzipMemoryLimit <= 0 {
		o.UnzipMemoryLimit = d.UnzipMemoryLimit
	}
	if o.MaxRowBytes <= 0 {
		o.MaxRowBytes = d.MaxRowBytes
	}
	// excelize rejects an XML limit above the unzip limit.
	o.UnzipXMLSizeLimit = min(o.UnzipXMLSizeLimit, o.UnzipSizeLimit)
	if o.HeaderScanRows <= 0 {
		o.HeaderScanRows = d.HeaderScanRows
	}
	if o.MaxCellsPerFile <= 0 {
		o.MaxCellsPerFile = d.MaxCellsPerFile
	}
	return o
}
