package importer

import (
	"archive/zip"
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ies/cpdaudit/audit"
)

// BenchmarkImportGenerated reads a generated export; set CPDAUDIT_BENCH_XLSX
// to a file made by go run ./fixtures/gen (make bench does the whole job).
func BenchmarkImportGenerated(b *testing.B) {
	path := os.Getenv("CPDAUDIT_BENCH_XLSX")
	if path == "" {
		b.Skip("CPDAUDIT_BENCH_XLSX not set")
	}
	for i := 0; i < b.N; i++ {
		r := ImportActivities(path, DefaultOptions())
		if len(r.Issues) > 0 {
			b.Fatal(r.Issues[0].Error())
		}
		b.ReportMetric(float64(r.Accounting.Read), "rows")
	}
}

// BenchmarkImportStore reads the export in CPDAUDIT_BENCH_XLSX as a run
// does: into a Store, each reflection hashed for the index of shared
// reflections.
func BenchmarkImportStore(b *testing.B) {
	path := os.Getenv("CPDAUDIT_BENCH_XLSX")
	if path == "" {
		b.Skip("CPDAUDIT_BENCH_XLSX not set")
	}
	ix := audit.NewReflectionIndexFor(audit.DefaultPolicy().Reflection)
	for i := 0; i < b.N; i++ {
		st := NewStore(b.TempDir(), 0)
		st.HashReflections(func(s string) (uint64, bool) {
			hs := ix.Hashes([]audit.Activity{{Reflection: s}})
			if len(hs) == 0 {
				return 0, false
			}
			return hs[0], true
		})
		opts := DefaultOptions()
		opts.Store = st
		r := ImportActivities(path, opts)
		if len(r.Issues) > 0 || r.Err != nil {
			b.Fatal(r.Issues, r.Err)
		}
		b.ReportMetric(float64(len(r.Rows)), "rows")
		st.Close()
	}
}

// BenchmarkSheetRows reads every row of the workbook in
// CPDAUDIT_BENCH_XLSX through the fast reader and through excelize's
// iterators (shown values too, as for a workbook with a time format),
// and reports MB/s of the sheets' XML.
func BenchmarkSheetRows(b *testing.B) {
	path := os.Getenv("CPDAUDIT_BENCH_XLSX")
	if path == "" {
		b.Skip("CPDAUDIT_BENCH_XLSX not set")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		b.Fatal(err)
	}
	var xmlBytes int64
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/worksheets/") {
			xmlBytes += int64(zf.UncompressedSize64)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	for _, reader := range []string{"fast", "excelize"} {
		b.Run(reader, func(b *testing.B) {
			b.SetBytes(xmlBytes)
			for b.Loop() {
				wr := openWorkbookRows(f, bytes.NewReader(data), int64(len(data)), true, false)
				for _, sheet := range f.GetSheetList() {
					var rows sheetRows
					if reader == "fast" {
						rows, err = wr.rows(sheet)
					} else {
						rows, err = openExcelizeRows(f, sheet, true, 0)
					}
					if err != nil {
						b.Fatal(err)
					}
					for rows.Next() {
						if _, _, err := rows.Columns(); err != nil {
							b.Fatal(err)
						}
					}
					rows.Close()
				}
				if reader == "fast" && wr.fast != len(f.GetSheetList()) {
					b.Fatalf("the fast reader handed over to excelize")
				}
				wr.close()
			}
		})
	}
}
