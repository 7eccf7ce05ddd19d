package importer_test

import (
	"fmt"

	"github.com/ies/cpdaudit/importer"
)

func ExampleParseHours() {
	for _, s := range []string{"1.5", "1,5", "1h30", "1 h 30 min", "90 mins", "1:30", "2 hours"} {
		h, _ := importer.ParseHours(s)
		fmt.Printf("%q = %s h\n", s, importer.FormatHours(h))
	}
	_, err := importer.ParseHours("0")
	fmt.Println(err)
	// Output:
	// "1.5" = 1.5 h
	// "1,5" = 1.5 h
	// "1h30" = 1.5 h
	// "1 h 30 min" = 1.5 h
	// "90 mins" = 1.5 h
	// "1:30" = 1.5 h
	// "2 hours" = 2 h
	// the number of hours is zero
}

func ExampleParseDate() {
	for _, s := range []string{"2025-03-14", "14/03/2025", "14 Mar 2025", "March 14, 2025", "45730"} {
		d, _ := importer.ParseDate(s)
		fmt.Printf("%q = %s\n", s, importer.FormatDate(d))
	}
	_, err := importer.ParseDate("03/14/2025")
	fmt.Println(err)
	// Output:
	// "2025-03-14" = 2025-03-14
	// "14/03/2025" = 2025-03-14
	// "14 Mar 2025" = 2025-03-14
	// "March 14, 2025" = 2025-03-14
	// "45730" = 2025-03-14
	// there is no month 14; dates are read day first (14/03/2025 is 14 March)
}

func ExampleParseCategory() {
	for _, s := range []string{"SDL", "Formal/Educational", "work based learning", "Professional activities"} {
		c, _ := importer.ParseCategory(s)
		fmt.Printf("%q = %s\n", s, c)
	}
	_, err := importer.ParseCategory("Gardening")
	fmt.Println(err)
	// Output:
	// "SDL" = Self-Directed Learning
	// "Formal/Educational" = Formal Learning
	// "work based learning" = Work-Based Learning
	// "Professional activities" = Professional Activity
	// this is not one of the five learning categories: Formal Learning, Work-Based Learning, Professional Activity, Self-Directed Learning or Other
}

func ExampleImportActivities() {
	res := importer.ImportActivities("../fixtures/inputs/dialects/semicolon-decimal-comma.csv", importer.DefaultOptions())
	for _, a := range res.Activities {
		fmt.Println(a.MemberID, a.Category, importer.FormatDate(a.Date), importer.FormatHours(a.Hours), a.Source)
	}
	fmt.Println(res.Accounting)
	// Output:
	// 20001 Work-Based Learning 2025-03-14 1.5 ../fixtures/inputs/dialects/semicolon-decimal-comma.csv::2
	// 20001 Self-Directed Learning 2025-04-02 2 ../fixtures/inputs/dialects/semicolon-decimal-comma.csv::3
	// 20002 Professional Activity 2025-03-14 0.75 ../fixtures/inputs/dialects/semicolon-decimal-comma.csv::4
	// rows read 3 = accepted 3 + rejected 0 + blank 0
}
