#!/bin/sh
# make-screenshots.sh OUTDIR [MEMBER_ID]
#
# Regenerates the README screenshots from a cpdaudit output folder (the
# folder `cpdaudit run --out OUTDIR` wrote):
#   docs/feedback-page1.png  page 1 of one member's feedback PDF
#   docs/summary-sheet.png   the first page of the Summary sheet as printed
# MEMBER_ID picks the PDF (default: the first one in OUTDIR/feedback).
# Needs pdftoppm (poppler-utils) and soffice (LibreOffice).
set -eu
out=${1:?usage: make-screenshots.sh OUTDIR [MEMBER_ID]}
docs=$(cd "$(dirname "$0")" && pwd)

if [ $# -ge 2 ]; then
	pdf=$(ls "$out"/feedback/"$2"*.pdf | head -n 1)
else
	pdf=$(ls "$out"/feedback/*.pdf | head -n 1)
fi
pdftoppm -png -r 60 -f 1 -l 1 -singlefile "$pdf" "$docs/feedback-page1"

# LibreOffice prints the workbook sheet by sheet; the Summary sheet is the
# first, laid out landscape one page wide by cpdaudit's page setup. A
# private profile keeps a running LibreOffice or another test from
# interfering.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
soffice -env:UserInstallation="file://$tmp/profile" --headless \
	--convert-to pdf --outdir "$tmp" "$out/summary.xlsx" >/dev/null
# The top of the landscape A4 page at 150 dpi: the header and the first
# few dozen members, readable at README width.
pdftoppm -png -r 150 -f 1 -l 1 -x 90 -y 120 -W 1580 -H 420 -singlefile "$tmp/summary.pdf" "$docs/summary-sheet"
echo "wrote $docs/feedback-page1.png and $docs/summary-sheet.png from $pdf"
