package importer

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ies/cpdaudit/audit"
)

func storeSample() []audit.Activity {
	day := time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC)
	return []audit.Activity{
		{MemberID: "12345", MemberName: "Zoë Ångström", Title: "Site visit", Category: audit.WorkBasedLearning, Date: day, Hours: 1.5,
			Description: "Line one\nline two", Reflection: strings.Repeat("Because of this, clients get clearer reports. ", 20),
			Source: audit.Source{File: "in/a.xlsx", Sheet: "CPD Record", Row: 7}},
		{MemberID: "12345", Title: "No name, no date, no category", Source: audit.Source{File: "in/b.csv", Row: 2, Line: 3}},
		{MemberID: "Đ-9", MemberName: "Đặng Văn", Title: "Webinar", Category: audit.Category("not a category"), Date: day.AddDate(-30, 0, 0),
			Hours: 0.25, Reflection: "", Source: audit.Source{File: "ünïcode.csv", Row: 1_048_576, Line: 2_000_000}},
	}
}

// Every field comes back as it went in, from memory and from the file,
// whatever the order the activities are asked for in.
func TestStoreRoundTrip(t *testing.T) {
	for _, limit := range []int{1 << 20, 1, 200} {
		dir := t.TempDir()
		st := NewStore(dir, limit)
		want := storeSample()
		var refs []Ref
		for i := range want {
			r, err := st.Put(&want[i])
			if err != nil {
				t.Fatal(err)
			}
			refs = append(refs, r)
		}
		for i, r := range refs {
			got, err := st.Get(r)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want[i]) {
				t.Fatalf("limit %d: activity %d\n got %+v\nwant %+v", limit, i, got, want[i])
			}
		}
		// Reversed refs are read one by one, in-order ones in one go.
		for _, order := range [][]int{{0, 1, 2}, {2, 1, 0}, {1, 2}, {0, 2}} {
			var rs []Ref
			var ws []audit.Activity
			for _, i := range order {
				rs = append(rs, refs[i])
				ws = append(ws, want[i])
			}
			got, err := st.GetAll(rs)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, ws) {
				t.Fatalf("limit %d, order %v: got %+v", limit, order, got)
			}
		}
		// The spill file is unlinked as soon as it is made: a killed run
		// leaves no personal data behind.
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Fatalf("limit %d: %d files left in the temporary folder", limit, len(left))
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Put(&want[0]); err == nil {
			t.Fatal("Put after Close succeeded")
		}
	}
}

func TestStoreCannotSpill(t *testing.T) {
	st := NewStore(filepath.Join(t.TempDir(), "no-such-folder"), 1)
	defer st.Close()
	a := storeSample()[0]
	_, err := st.Put(&a)
	if err == nil || !strings.Contains(err.Error(), "TMPDIR") {
		t.Fatalf("err = %v, want one that says to set TMPDIR", err)
	}
	// The import keeps the error for the run to stop on, and the rows it
	// could not keep are not counted as kept.
	opts := DefaultOptions()
	opts.Store = st
	res := ImportActivities(fixture("dialects", "utf8.csv"), opts)
	if res.Err == nil || len(res.Rows) != 0 {
		t.Fatalf("Err %v, %d rows", res.Err, len(res.Rows))
	}
}

// An import into a store gives the same activities, in the same order, as
// one held in memory.
func TestImportIntoStore(t *testing.T) {
	t.Run("libreoffice", func(t *testing.T) { importIntoStore(t, fixture("good", "libreoffice.xlsx")) })
	// More rows than three of accept's blocks, so the Rows joined from
	// them are checked against the activities kept in memory.
	t.Run("blocks", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("Member Number,Name,Activity,Category,Date,Hours,Reflection\n")
		for i := range 3*rowBlock + 17 {
			fmt.Fprintf(&b, "%d,Member %d,Talk %d,Formal,14/03/2025,%d.5,I learned %d things.\n", 10000+i/7, i/7, i, 1+i%3, i)
		}
		path := filepath.Join(t.TempDir(), "many.csv")
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		importIntoStore(t, path)
	})
}

func importIntoStore(t *testing.T, path string) {
	mem := ImportActivities(path, DefaultOptions())
	if len(mem.Activities) == 0 || len(mem.Issues) > 0 {
		t.Fatalf("%d activities, issues %v", len(mem.Activities), mem.Issues)
	}
	opts := DefaultOptions()
	opts.Store = NewStore(t.TempDir(), 100)
	defer opts.Store.Close()
	st := ImportActivities(path, opts)
	if len(st.Activities) != 0 || len(st.Rows) != len(mem.Activities) || st.Accounting != mem.Accounting {
		t.Fatalf("%d activities, %d rows, %v; in memory %d, %v", len(st.Activities), len(st.Rows), st.Accounting, len(mem.Activities), mem.Accounting)
	}
	refs := make([]Ref, len(st.Rows))
	for i, r := range st.Rows {
		refs[i] = r.Ref
		if r.MemberID != mem.Activities[i].MemberID || r.Name != mem.Activities[i].MemberName || r.Year != mem.Activities[i].Date.Year() {
			t.Fatalf("row %d: %+v", i, r)
		}
	}
	got, err := opts.Store.GetAll(refs)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, mem.Activities) {
		t.Fatal("activities read back from the store differ from those imported in memory")
	}
}

// Rows whose hashes collide are compared on their activities: a collision
// never rejects a different activity, and a later copy of either is still
// caught.
func TestDuplicateHashCollision(t *testing.T) {
	st := NewStore(t.TempDir(), 0)
	defer st.Close()
	acts := storeSample()
	acts = append(acts, acts[0], acts[1])
	acts[3].Source.Row, acts[4].Source.Row = 20, 21
	d := dupFinder{st: st, first: map[dupSlot]Ref{}}
	var got []string
	for i := range acts {
		ref, err := st.Put(&acts[i])
		if err != nil {
			t.Fatal(err)
		}
		// Every row gets the same hash, as if they all collided.
		iss, err := d.check(acts[i].MemberID, Row{Ref: ref, key: 42})
		if err != nil {
			t.Fatal(err)
		}
		if iss != nil {
			got = append(got, iss.Problem[:strings.Index(iss.Problem, " (")])
		}
	}
	want := []string{
		"this activity is an exact duplicate of in/a.xlsx sheet \"CPD Record\" row 7",
		"this activity is an exact duplicate of in/b.csv row 2",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q", got)
	}
}
