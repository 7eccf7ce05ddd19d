package importer

import (
	"os"
	"testing"
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
