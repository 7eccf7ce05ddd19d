#!/bin/sh
# Rebuilds the fallback fonts in this folder from Debian 12's packages:
#   apt-get install fonts-noto-core fonts-wqy-microhei python3-fonttools
# (made with fonts-noto-core 20201225-1, fonts-wqy-microhei 0.2.0-beta-3.1,
# python3-fonttools 4.38.0). The output is byte-identical for the same
# package versions.
#
# The Noto fonts are copied unchanged, only gzipped. WenQuanYi Micro Hei is
# the first face of its TrueType collection (fpdf reads .ttf, not .ttc),
# cut down to the CJK, kana and Hangul blocks (ideographs, kana, Hangul
# syllables and jamo, CJK punctuation, full-width forms) without hinting
# instructions: 4.6 MB becomes 3.7 MB, 1.7 MB gzipped. Keep the ranges in
# step with fallbackFonts in ../fonts.go.
set -eu
cd "$(dirname "$0")"
noto=/usr/share/fonts/truetype/noto
for f in NotoSansArabic NotoSansHebrew NotoSansDevanagari; do
	gzip -9n <"$noto/$f-Regular.ttf" >"$f-Regular.ttf.gz"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$tmp/wqy.ttf" <<'PY'
import sys
from fontTools.ttLib import TTCollection
font = TTCollection("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc").fonts[0]
font.recalcTimestamp = False  # keep the date in the font: same bytes every time
font.save(sys.argv[1])
PY
/usr/bin/python3 -m fontTools.subset "$tmp/wqy.ttf" \
	--unicodes="U+1100-11FF,U+2E80-2FDF,U+3000-312F,U+3130-318F,U+31F0-31FF,U+3200-33FF,U+3400-4DBF,U+4E00-9FFF,U+A960-A97F,U+AC00-D7FF,U+F900-FAFF,U+FE30-FE4F,U+FF00-FFEF" \
	--no-hinting --layout-features= --name-IDs='*' --name-languages='*' \
	--notdef-outline --drop-tables+=FFTM --output-file="$tmp/cjk.ttf"
gzip -9n <"$tmp/cjk.ttf" >WenQuanYiMicroHei-CJK.ttf.gz
