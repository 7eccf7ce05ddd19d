package pipeline

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/importer"
	"github.com/ies/cpdaudit/report"
	"github.com/ies/cpdaudit/staged"
)

// The five stages of a run, in order:
//
//	import  files found          -> one FileResult per file    (importStage)
//	merge   FileResults+register -> members, issues, counts    (mergeStage)
//	index   members              -> shared-reflection index    (indexStage)
//	audit   members, index       -> PDFs staged, table rows    (auditStage)
//	write   tables, staged files -> results swapped into place (writeStage)
//
// readAll runs import and merge; auditJob.run runs index, audit and write.

// importJob is what the import stage reads.
type importJob struct {
	files   runInputs
	opts    importer.Options
	workers int
	rep     reporter
}

// importStage reads every file found, workers at once, keeping each
// result at its file's index so the order never depends on timing.
func importStage(ctx context.Context, j importJob) ([]importer.FileResult, error) {
	paths := j.files.files
	if len(paths) == 0 {
		return nil, noInput(j.files, j.rep)
	}
	j.rep.started(StageImport, len(paths), fmt.Sprintf("Reading %d %s", len(paths), plural(len(paths), "file", "files")))
	results := make([]importer.FileResult, len(paths))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(j.workers)
	var done counter
	for i, p := range paths {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			results[i] = importer.ImportActivities(p, j.opts)
			if err := gctx.Err(); err != nil {
				return err // stopped part way: nothing to report
			}
			r := &results[i]
			msg := fmt.Sprintf("read %s: %d %s", p, r.Accounting.Read, plural(r.Accounting.Read, "row", "rows"))
			if n := len(r.Issues); n > 0 {
				msg += fmt.Sprintf(", %d %s", n, plural(n, "issue", "issues"))
			}
			done.step(j.rep, StageImport, len(paths), msg)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return results, ctx.Err()
}

// noInput is the error of a run or check that found no file to read, after
// reporting why each INPUT was passed over.
func noInput(found runInputs, rep reporter) error {
	for _, is := range found.issues {
		rep.warn(is.Error())
	}
	for _, n := range found.notices {
		rep.warn(n.String())
	}
	if len(found.notices) > 0 {
		return errors.New("no readable input: the only CSV and Excel files among the INPUT paths are results cpdaudit wrote (see the warnings above)")
	}
	return errors.New("no readable input: none of the INPUT paths is a CSV or Excel file, or a folder holding one")
}

// imported is everything the import and merge stages produced, in input
// order.
type imported struct {
	files    []importer.FileInfo
	register *importer.FileInfo
	members  []importer.MemberRecord
	issues   []importer.Issue
	notices  []importer.Notice
	// unread counts the input files that could not be read, in whole or
	// in part (importer.UnreadFiles).
	unread int
	acc    importer.Accounting
	years  map[int]int // accepted activities by year
	// store holds the activities until each member is audited; close it
	// when done.
	store *importer.Store
}

func (im *imported) close() { im.store.Close() }

// mergeStage merges the files' rows by member with the register reg
// (readRegister's result and error regErr; nil for none), with
// discovery's issues and notices first, then the files', then the
// register's.
func mergeStage(results []importer.FileResult, found runInputs, reg *importer.Register, regErr error, opts importer.Options, rep reporter) (*imported, error) {
	rep.started(StageMerge, 0, "")
	im := &imported{notices: found.notices}
	for _, r := range results {
		if r.Err != nil {
			return nil, fmt.Errorf("%s: %w", r.File.Path, r.Err)
		}
		im.files = append(im.files, r.File)
	}
	if regErr != nil {
		return nil, regErr
	}
	if reg != nil {
		file := reg.File // not &reg.File, which would keep the whole register alive
		im.register = &file
	}
	merged, err := importer.Merge(results, reg, opts.Store)
	if err != nil {
		return nil, err
	}
	im.members, im.acc, im.years = merged.Members, merged.Accounting, merged.Years
	// Merge returns every file's issues (with duplicates placed among their
	// file's rows); discovery and register issues come from elsewhere.
	im.issues = append(im.issues, found.issues...)
	im.issues = append(im.issues, merged.Issues...)
	im.notices = append(im.notices, merged.Notices...)
	if reg != nil {
		im.issues = append(im.issues, reg.Issues...)
		im.notices = append(im.notices, reg.Notices...)
	}
	if err := im.acc.Check(); err != nil {
		return nil, fmt.Errorf("internal error, please report it: %w", err)
	}
	im.markUnread()
	return im, nil
}

// readRegister reads the member register; nil, nil for none.
func readRegister(path string, opts importer.Options) (*importer.Register, error) {
	if path == "" {
		return nil, nil
	}
	r := importer.ReadRegister(path, opts)
	if len(r.Members) == 0 {
		msg := "the member register " + path + " could not be used"
		for _, is := range r.Issues {
			msg += "\n  " + is.Error()
		}
		return nil, errors.New(msg + "\nFix the register or run without --register.")
	}
	return &r, nil
}

// reflectionHash is the hash the index of reflections shared between
// members keeps of one reflection under policy p, and whether it keeps
// one, as audit.ReflectionIndex.Hashes computes it.
func reflectionHash(p audit.ReflectionPolicy) func(string) (uint64, bool) {
	ix := audit.NewReflectionIndexFor(p)
	return func(reflection string) (uint64, bool) {
		hs := ix.Hashes([]audit.Activity{{Reflection: reflection}})
		if len(hs) == 0 {
			return 0, false
		}
		return hs[0], true
	}
}

// indexStage builds the index of reflections shared between members.
// When the import hashed the reflections (reflectionHash), their hashes
// are added as they are. Otherwise every member's activities are read
// back from the store and hashed, workers at a time, a batch of members
// at once. The hashes are added in member order, so the index does not
// depend on timing.
func indexStage(ctx context.Context, workers int, p audit.ReflectionPolicy, members []importer.MemberRecord, rep reporter) (*audit.ReflectionIndex, error) {
	rep.started(StageIndex, len(members), "")
	ix := audit.NewReflectionIndexFor(p)
	if hashed(members) {
		for i := range members {
			hs, _ := members[i].ReflectionHashes()
			ix.AddHashes(members[i].Member.ID, hs)
		}
		return ix, ctx.Err()
	}
	const batch = 1024
	hashes := make([][]uint64, batch)
	for start := 0; start < len(members); start += batch {
		part := members[start:min(start+batch, len(members))]
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(workers)
		for i := range part {
			g.Go(func() error {
				if err := gctx.Err(); err != nil {
					return err
				}
				acts, err := part[i].Activities()
				hashes[i] = ix.Hashes(acts)
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
		for i, m := range part {
			ix.AddHashes(m.Member.ID, hashes[i])
		}
	}
	return ix, ctx.Err()
}

// hashed reports whether every member's reflections were hashed as they
// were imported.
func hashed(members []importer.MemberRecord) bool {
	for i := range members {
		if _, ok := members[i].ReflectionHashes(); !ok {
			return false
		}
	}
	return true
}

// auditJob is what the index, audit and write stages work on: the
// members, the rules, and report.Input, which describes the run to every
// table.
type auditJob struct {
	o       *Options
	in      report.Input
	env     audit.Env
	members []importer.MemberRecord
	issues  []importer.Issue // as the importer found them; in has their records
	// unread is the warning when some input could not be read; "" when
	// all was.
	unread string
	rep    reporter
	// warm holds the fonts and has compiled the policy, started before
	// the import; nil to do both when the audit starts.
	warm *warmUp
}

// run indexes the reflections, then audits every member into a staged
// output and swaps it in.
func (j *auditJob) run(ctx context.Context) (*RunResult, error) {
	stop := j.o.Timing.start(StageIndex)
	ix, err := indexStage(ctx, j.o.workers(), j.env.Policy.Reflection, j.members, j.rep)
	stop()
	if err != nil {
		return nil, err
	}
	j.env.Shared = ix
	out, err := staged.New(j.o.Out, staged.Options{Entries: runEntries, Folders: []string{"feedback"}, Shared: j.o.SharedOutput, Hint: "choose another with --out", Rename: testRename})
	if err != nil {
		return nil, err
	}
	defer func() {
		out.Discard()
		if !out.Committed() && out.Leftover() != "" {
			j.rep.warn(fmt.Sprintf("the unfinished files of this run in %s were not all removed in time; the next run into %s removes them (or delete that folder)", out.Leftover(), j.o.Out))
		}
	}()
	// The tables are written as the members are audited, in member order,
	// so no result is kept once its rows are written (issue 6: memory that
	// does not grow with the membership).
	tables, err := openTables(out, j.in, j.o.Timing)
	if err != nil {
		return nil, err
	}
	defer tables.abandon()
	stop = j.o.Timing.start(StageAudit)
	err = j.auditStage(ctx, tables)
	stop()
	if err != nil {
		return nil, err
	}
	j.members = nil
	defer j.o.Timing.start(StageWrite)()
	res, err := writeStage(ctx, j.o, tables, j.rep)
	if err != nil {
		return nil, err
	}
	res.Issues = j.issues
	if j.unread != "" {
		res.Status, res.Unread = Incomplete, j.unread
	}
	return res, nil
}

// runEntries are what a run writes; run.json goes last because its
// presence marks a complete run.
var runEntries = []string{"feedback", "summary.xlsx", "summary.csv", "activities.csv", "import-issues.csv", report.ResultsFile, "run.json"}

// testRename, when a test sets it, replaces os.Rename in every commit of
// run, sample and finalize, to make the swap fail.
var testRename func(oldpath, newpath string) error
