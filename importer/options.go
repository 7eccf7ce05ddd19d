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
	HeaderScanRows    int // how many top rows to scan for the header row
}

// DefaultOptions returns limits far above any real CPD record but well
// below what would hurt the machine.
func DefaultOptions() Options {
	return Options{
		MaxFileSize:       100 << 20,
		MaxRowsPerSheet:   100_000,
		MaxCellLength:     32_767, // Excel's own limit for one cell
		UnzipSizeLimit:    512 << 20,
		UnzipXMLSizeLimit: 16 << 20,
		HeaderScanRows:    30,
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
	// excelize rejects an XML limit above the unzip limit.
	o.UnzipXMLSizeLimit = min(o.UnzipXMLSizeLimit, o.UnzipSizeLimit)
	if o.HeaderScanRows <= 0 {
		o.HeaderScanRows = d.HeaderScanRows
	}
	return o
}
