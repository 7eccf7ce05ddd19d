package pipeline

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/importer"
)

// The reflections hashed as they are imported give every member the
// hashes the index stage computes from the activities read back (so the
// index, and the copies it finds, are the same), whether the store keeps
// the records in memory or in its file; a store that hashed nothing
// sends the index stage back to reading.
func TestImportHashesAsIndexStage(t *testing.T) {
	dir := filepath.Join("..", "fixtures", "sample", "activities")
	names := []string{"online-tool-export-1.csv", "online-tool-export-2.csv", "100104-cpd-record-2025.xlsx"}
	for _, minWords := range []int{1, 5, 20} {
		p := audit.DefaultPolicy().Reflection
		p.CopyMinWords = minWords
		for _, memLimit := range []int{0, 1} {
			st := importer.NewStore(t.TempDir(), memLimit)
			st.HashReflections(reflectionHash(p))
			opts := importer.DefaultOptions()
			opts.Store = st
			var files []importer.FileResult
			for _, n := range names {
				files = append(files, importer.ImportActivities(filepath.Join(dir, n), opts))
			}
			merged, err := importer.Merge(files, nil, st)
			if err != nil {
				t.Fatal(err)
			}
			if !hashed(merged.Members) {
				t.Fatal("the members' reflections were not hashed on import")
			}
			ix := audit.NewReflectionIndexFor(p)
			kept := 0
			for _, m := range merged.Members {
				got, _ := m.ReflectionHashes()
				acts, err := m.Activities()
				if err != nil {
					t.Fatal(err)
				}
				if want := ix.Hashes(acts); !slices.Equal(got, want) {
					t.Errorf("min words %d, member %s: hashed on import %v, by the index stage %v", minWords, m.Member.ID, got, want)
				}
				kept += len(got)
			}
			if kept == 0 {
				t.Errorf("min words %d: no reflection hashed at all", minWords)
			}
			st.Close()
		}
	}
	st := importer.NewStore(t.TempDir(), 0)
	defer st.Close()
	opts := importer.DefaultOptions()
	opts.Store = st
	merged, err := importer.Merge([]importer.FileResult{importer.ImportActivities(filepath.Join(dir, names[0]), opts)}, nil, st)
	if err != nil {
		t.Fatal(err)
	}
	if hashed(merged.Members) {
		t.Error("members of a store that hashed nothing count as hashed")
	}
}
