package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/xuri/excelize/v2"

	"github.com/ies/cpdaudit/internal/testtool"
	"github.com/ies/cpdaudit/runfolder"
	"github.com/ies/cpdaudit/web"
)

// TestBrowserWholeYear drives headless Chromium (Debian's chromium
// package; .ci/run installs it) through the year on the sample data, with
// the real pipeline: upload with a bad row, check, fix and upload again,
// run, results, a member's PDF, sample, download summary.xlsx, edit it as
// an assessor would, upload it, final, downloads. It saves a screenshot
// of each page in the test's artifact folder (go test -artifacts keeps
// them), and the README's in $CPDAUDIT_SCREENSHOTS when set (docs/).
func TestBrowserWholeYear(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole year in a browser: not with -short")
	}
	// Under CI a missing chromium fails rather than skips: .ci/run installs it.
	chrome := testtool.Require(t, "chromium")
	t.Setenv("SOURCE_DATE_EPOCH", "1767225600") // letters dated 1 January 2026
	data := t.TempDir()
	srv, err := web.New(web.Options{Data: data, Pipeline: &cmdPipeline{workers: 2}, Version: "test",
		Hosts: []string{"127.0.0.1"}, Log: log.New(io.Discard, "", 0)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	defer srv.Close()

	shots, docs := t.ArtifactDir(), os.Getenv("CPDAUDIT_SCREENSHOTS")
	downloads := t.TempDir()

	actx, cancelA := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.WindowSize(1280, 800),
		chromedp.Flag("lang", "en-GB"))...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	defer cancelT()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		must(what, chromedp.Do(ctx, steps...))
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		must("text of "+sel, err)
		return s
	}
	// Runs of white space compare as one space: the rendered text of
	// "5" above "MET" is "5\nMET" only once the stylesheet has been
	// applied, and "5 MET" if the text is read before, as it was once
	// under a load of 12.
	squeeze := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	wantText := func(where, sel string, subs ...string) {
		t.Helper()
		got := text(sel)
		for _, s := range subs {
			if !strings.Contains(squeeze(got), squeeze(s)) {
				t.Errorf("%s: %q does not show %q; it shows:\n%s", where, sel, s, got)
			}
		}
	}
	shot := func(name string) {
		t.Helper()
		b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		must("screenshot "+name, err)
		must("save screenshot", os.WriteFile(filepath.Join(shots, "web-"+name+".png"), b, 0o644))
		// The README shows the main pages (not the member's, whose PDF
		// headless Chromium draws as a blank frame).
		if docs != "" && docPages[name] != "" {
			must("save screenshot", os.WriteFile(filepath.Join(docs, docPages[name]), b, 0o644))
		}
	}
	heading := func(h string) chromedp.Action[chromedp.Void] {
		return chromedp.WaitVisible(chromedp.Search(fmt.Sprintf(`//h1[normalize-space()=%q]`, h)))
	}
	// The check goes on in the background; the page shows its result
	// when it is done.
	checked := chromedp.WaitVisible(chromedp.Search(`//h2[contains(., "to fix")]`))
	do("start", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(ts.URL))
	c := chromedp.FromContext(ctx)
	_, err = cdp.Call(ctx, c.Browser, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: ptr(true)})
	must("allow downloads", err)
	// download clicks the link and returns the file the browser saved.
	download := func(sel string) []byte {
		t.Helper()
		events := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
		do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
		for ev, err := range events {
			must("download "+sel, err)
			if ev.State == browser.DownloadProgressStateCompleted {
				b, err := os.ReadFile(filepath.Join(downloads, ev.GUID))
				must("read download", err)
				return b
			}
			if ev.State == browser.DownloadProgressStateCanceled {
				t.Fatalf("download %s cancelled", sel)
			}
		}
		t.Fatalf("download %s never completed", sel)
		return nil
	}

	// New audit, with a bad row in one export.
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	good := []string{
		abs(filepath.Join(sampleDir, "online-tool-export-1.csv")), abs(filepath.Join(sampleDir, "online-tool-export-2.csv")),
		abs(filepath.Join(sampleDir, "online-tool-export-3.xlsx")), abs(filepath.Join(sampleDir, "100104-cpd-record-2025.xlsx")),
	}
	orig, err := os.ReadFile(good[0])
	must("read export", err)
	badDir := t.TempDir()
	bad := filepath.Join(badDir, "online-tool-export-1.csv")
	lines := strings.SplitN(string(orig), "\n", 3)
	lines[1] = strings.Replace(lines[1], ",2025-02-12,4,", ",2025-02-12,four,", 1)
	must("write bad export", os.WriteFile(bad, []byte(strings.Join(lines, "\n")), 0o600))
	do("home", heading("CPD audits"))
	shot("1-new-audit")
	do("new audit",
		chromedp.SetValue(chromedp.ID("year"), "2025"),
		chromedp.SetUploadFiles(chromedp.ID("exports"), append([]string{bad}, good[1:]...)),
		chromedp.SetUploadFiles(chromedp.ID("register"), []string{abs(sampleRegister)}),
		chromedp.Click(chromedp.CSS(`form[action="/audits"] button[type=submit]`)),
		heading("Check the files"), checked)
	wantText("check", "main", "1 row to fix", "online-tool-export-1.csv", "four", "Fix and upload again")
	wantText("check table", "table.issues tbody", "online-tool-export-1.csv", "2", "four")
	shot("2-check")
	do("fix and upload again",
		chromedp.SetUploadFiles(chromedp.CSS(`form[action$="/files"] #exports`), good),
		chromedp.Click(chromedp.CSS(`form[action$="/files"] button`)),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(., "No import issues")]`)))
	wantText("check again", "main", "15 members from 4 files", "No import issues")

	// Run: the page follows the progress and goes to the results.
	do("run", chromedp.Click(chromedp.CSS(`form[action$="/run"] button`)), heading("Results of the pre-screen"))
	wantText("outcome counts", "ul.counts", "5\nMET", "3\nREVIEW", "6\nNOT_MET", "1\nEXEMPT")
	wantText("results", "main", "89 rows read: 89 accepted", "15 of 15 members.", "Zoë Hartley")
	charts, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("svg.chart"), chromedp.AtLeast(0)))
	must("charts", err)
	if len(charts) != 2 {
		t.Errorf("%d charts on the results page, want 2 (per grade, per standard)", len(charts))
	}
	shot("3-results")
	do("filter", chromedp.SetValue(chromedp.ID("outcome"), "NOT_MET"), chromedp.Click(chromedp.CSS(`form.filters button`)),
		chromedp.WaitVisible(chromedp.Search(`//p[@id="shown" and contains(., "6 of 15")]`)))
	// By keyboard: Tab first reaches the skip link, which leads to the
	// content; the search is typed and sent with Enter.
	do("keyboard", chromedp.Navigate(ts.URL+"/audits/audit-2025/results"), heading("Results of the pre-screen"),
		chromedp.KeyEvent(kb.Tab))
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.textContent`))
	must("focus", err)
	if focused != "Skip to the content" {
		t.Errorf("Tab first reaches %q, want the skip link", focused)
	}
	do("search", chromedp.SendKeys(chromedp.ID("q"), "Nowak"+kb.Enter),
		chromedp.WaitVisible(chromedp.Search(`//p[@id="shown" and contains(., "1 of 15")]`)))
	do("member", chromedp.Click(chromedp.CSS(`table.members a[href$="/members/100102"]`)), heading("Łukasz Nowak (100102)"))
	src, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("iframe.pdf"), "src"))
	must("iframe", err)
	if !strings.HasSuffix(src.Value, "/members/100102/feedback.pdf") {
		t.Errorf("the member page shows %q, want their feedback PDF", src.Value)
	}
	shot("4-member")

	// Sample: every REVIEW and NOT_MET member, and 10% of MET ones.
	do("sample", chromedp.Click(chromedp.CSS(`nav a[href$="/sample"]`)), heading("Choose who gets a human review"),
		chromedp.SetValue(chromedp.ID("rate"), "10%"), chromedp.SetValue(chromedp.ID("seed"), "42"),
		chromedp.Click(chromedp.CSS(`form[action$="/sample"] button`)),
		chromedp.WaitVisible(chromedp.CSS("table caption")))
	wantText("sample", "table caption", "members for review")
	wantText("sample", "main", "3 REVIEW, 6 NOT_MET", "Seed: 42", "100102")
	shot("5-sample")

	// The assessors' workbook: downloaded, decided, uploaded.
	wb := download(`a[href$="/download/summary.xlsx"]`)
	decided := decide(t, wb, filepath.Join(t.TempDir(), "alice.xlsx"))
	do("decisions", chromedp.Click(chromedp.CSS(`a[href$="/decisions"].button`)), heading("The assessors' decisions"),
		chromedp.SetUploadFiles(chromedp.ID("decisions"), []string{decided}),
		chromedp.Click(chromedp.CSS(`form[action$="/decisions"] button`)),
		heading("Final outcomes and letters"))
	wantText("final", "main", "13 letters written", "1 decision could not be applied", "Agree", "is not a decision", "Assessors kept 1 of 1", "REVIEW settled: 1 to MET")
	if strings.Contains(text("main"), data) {
		t.Error("the final page shows the data folder's path")
	}
	shot("6-final")

	// Downloads.
	do("downloads", chromedp.Click(chromedp.CSS(`nav a[href$="/downloads"]`)), heading("Downloads"))
	shot("7-downloads")
	zb := download(`a[href$="/download/feedback.zip"]`)
	zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
	must("feedback.zip", err)
	if len(zr.File) != 15 {
		t.Errorf("feedback.zip holds %d files, want 15 PDFs", len(zr.File))
	}
	for _, f := range zr.File {
		rc, _ := f.Open()
		head := make([]byte, 5)
		io.ReadFull(rc, head)
		rc.Close()
		if string(head) != "%PDF-" {
			t.Errorf("feedback.zip: %s is not a PDF", f.Name)
		}
	}
	lb := download(`a[href$="/download/letters.csv"]`)
	recs, err := csv.NewReader(bytes.NewReader(lb)).ReadAll()
	must("letters.csv", err)
	letters := 0
	for _, r := range recs[1:] {
		if r[4] != "" {
			letters++
		}
	}
	// Members with no decision keep their pre-screen outcome and get a
	// letter; the REVIEW member left undecided and the one with a wrong
	// word do not.
	if len(recs) != 16 || letters != 13 {
		t.Errorf("letters.csv: %d rows, %d letters; want 15 members and 13 letters", len(recs)-1, letters)
	}
	fz := download(`a[href$="/download/final-letters.zip"]`)
	if zr, err := zip.NewReader(bytes.NewReader(fz), int64(len(fz))); err != nil || len(zr.File) != 26 {
		t.Errorf("final-letters.zip: %v, want 13 letters and 13 final feedbacks", err)
	}
	rj := download(`a[href$="/download/run.json"]`)
	if !bytes.Contains(rj, []byte(`"rows_read": 89`)) {
		t.Errorf("run.json: %.300s", rj)
	}
}

func ptr[T any](v T) *T { return &v }

// docPages are the screenshots the README shows, by their names in the
// artifact folder.
var docPages = map[string]string{"2-check": "web-check.png", "3-results": "web-results.png", "5-sample": "web-sample.png", "6-final": "web-final.png"}

// decide fills in the assessors' columns of summary.xlsx as an assessor
// would: the first NOT_MET member confirmed, the first REVIEW member
// overridden to MET, the second REVIEW member with a word that is not a
// decision. It saves the workbook to out.
func decide(t *testing.T, wb []byte, out string) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(wb))
	if err != nil {
		t.Fatalf("summary.xlsx from the page: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("Summary")
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"Member ID", "Outcome", "Assessor decision", runfolder.HeaderCommentToMember} {
		if _, ok := col[h]; !ok {
			t.Fatalf("summary.xlsx has no %q column: %q", h, rows[0])
		}
	}
	cell := func(c, r int) string { n, _ := excelize.CoordinatesToCellName(c+1, r+1); return n }
	notMet, review := 0, 0
	for r, row := range rows[1:] {
		if len(row) <= col["Outcome"] {
			continue
		}
		switch row[col["Outcome"]] {
		case "NOT_MET":
			if notMet++; notMet == 1 {
				f.SetCellValue("Summary", cell(col["Assessor decision"], r+1), "Confirm")
				f.SetCellValue("Summary", cell(col[runfolder.HeaderCommentToMember], r+1), "Please add your missing hours.")
			}
		case "REVIEW":
			review++
			word := map[int]string{1: "Override to MET", 2: "Agree"}[review]
			if word != "" {
				f.SetCellValue("Summary", cell(col["Assessor decision"], r+1), word)
			}
		}
	}
	if err := f.SaveAs(out); err != nil {
		t.Fatal(err)
	}
	return out
}
