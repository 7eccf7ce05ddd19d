#!/bin/sh
# make-screenshots.sh OUTDIR [MEMBER_ID]
#
# Regenerates the README screenshots from a cpdaudit output folder (the
# folder `cpdaudit run --out OUTDIR` wrote):
#   docs/feedback-page1.png    page 1 of one member's feedback PDF
#   docs/summary-sheet.png     the top of the Summary sheet as printed
#   docs/compliance-sheet.png  the Compliance sheet as printed
# MEMBER_ID picks the PDF (default: the first one in OUTDIR/feedback).
# Needs pdftoppm, pdftotext and pdfinfo (poppler-utils) and soffice
# (LibreOffice).
set -eu
out=${1:?usage: make-screenshots.sh OUTDIR [MEMBER_ID]}
docs=$(cd "$(dirname "$0")" && pwd)

if [ $# -ge 2 ]; then
	pdf=$(ls "$out"/feedback/"$2"*.pdf | head -n 1)
else
	pdf=$(ls "$out"/feedback/*.pdf | head -n 1)
fi
pdftoppm -png -r 60 -f 1 -l 1 -singlefile "$pdf" "$docs/feedback-page1"

# LibreOffice prints the workbook sheet by sheet, each on landscape A4 as
# cpdaudit's page setup asks, with the sheet's name in the footer. A
# private profile keeps a running LibreOffice or another test from
# interfering.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
soffice -env:UserInstallation="file://$tmp/profile" --headless \
	--convert-to pdf --outdir "$tmp" "$out/summary.xlsx" >/dev/null
book="$tmp/summary.pdf"

# page SHEET: the first printed page of that sheet, found by its footer.
page() {
	n=$(pdfinfo "$book" | sed -n 's/^Pages: *//p')
	i=1
	while [ "$i" -le "$n" ]; do
		if pdftotext -layout -f "$i" -l "$i" "$book" - | grep -q "^ *$1  *Page $i of"; then
			echo "$i"
			return
		fi
		i=$((i + 1))
	done
	echo "no page of the $1 sheet in $book" >&2
	exit 1
}

# At 150 dpi a landscape A4 page is 1754 x 1240 pixels. The Summary sheet
# is scaled to the page width; its left part (members, hours, verdicts and
# the start of the flags) and the first members are readable at README
# width. The Compliance sheet is one page: its tables and charts, without
# the empty foot of the page.
s=$(page Summary)
pdftoppm -png -r 150 -f "$s" -l "$s" -x 40 -y 70 -W 1680 -H 330 -singlefile "$book" "$docs/summary-sheet"
c=$(page Compliance)
pdftoppm -png -r 110 -f "$c" -l "$c" -x 30 -y 50 -W 1230 -H 590 -singlefile "$book" "$docs/compliance-sheet"
echo "wrote $docs/feedback-page1.png, $docs/summary-sheet.png and $docs/compliance-sheet.png from $pdf"
