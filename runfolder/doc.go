// Package runfolder is the contract of a run folder, the --out folder of
// "cpdaudit run" that sample and finalize later read and add to: the names
// of its files, the columns of its CSV files, the sheets of summary.xlsx
// and the Summary headers the review finds its columns by, the schema of
// run.json (the json tags of Record), and how a text cell is defused
// against formula injection and read back.
//
// The importer produces its types (FileInfo, Accounting, Notice, Issue),
// report writes them and review reads them, so none of those needs another:
// a column is renamed here, and the tests of report and review hold their
// writers and readers to it. It imports no package of the project.
package runfolder

// The files of a run folder. The feedback PDFs go in the folder Feedback;
// finalize writes the final letters under Final.
const (
	SummaryCSV      = "summary.csv"
	SummaryXLSX     = "summary.xlsx"
	ActivitiesCSV   = "activities.csv"
	IssuesCSV       = "import-issues.csv"
	RunJSON         = "run.json"
	SampleCSV       = "sample.csv"
	SampleJSON      = "sample.json"
	FinalSummaryCSV = "final-summary.csv"
	LettersCSV      = "letters.csv"
	Feedback        = "feedback"
	Final           = "final"
)
