#!/usr/bin/env bash
# Makes the two bundled report fonts from Debian's Noto Sans CJK collection:
#
#   NotoSansSC-Regular-GBK.otf    every character of GBK (names often use characters
#                                 outside GB2312: 镕喆堃昇珺玥彧祎赟犇琇垚)
#   NotoSansSC-Bold-GB2312.otf    GB2312 (headings and table headers)
#
# both plus ASCII, Latin-1, general and CJK punctuation, full-width forms, circled
# numbers and the symbols the report draws (★ ✓ — … ≥ □). CFF outlines, no hinting, no
# OpenType layout features: the report positions glyphs itself by their advance widths.
# The fonts are licensed under the SIL Open Font License 1.1 (OFL.txt beside this file).
#
# Needs: apt-get install -y fonts-noto-cjk; pip install fonttools
# Run from anywhere: bash assets/fonts/make-fonts.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src_dir="${NOTO_CJK_DIR:-/usr/share/fonts/opentype/noto}"
regular="$src_dir/NotoSansCJK-Regular.ttc"
bold="$src_dir/NotoSansCJK-Bold.ttc"
for f in "$regular" "$bold"; do
  [ -f "$f" ] || { echo "missing $f: apt-get install -y fonts-noto-cjk (or set NOTO_CJK_DIR)" >&2; exit 1; }
done
command -v pyftsubset >/dev/null || { echo "pyftsubset not found: pip install fonttools" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Code points as U+XXXX lists for --unicodes-file: a national charset plus the extras.
python3 - "$tmp" <<'PY'
import sys

out = sys.argv[1]

def charset(codec):
    cps = []
    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp < 0xE000 or 0xE000 <= cp < 0xF900:  # surrogates, private use
            continue
        try:
            chr(cp).encode(codec)
        except UnicodeEncodeError:
            continue
        cps.append(cp)
    return cps

extras = []
extras += range(0x20, 0x7F)          # ASCII
extras += range(0xA0, 0x100)         # Latin-1 (·, ×, §, °, ±)
extras += range(0x2010, 0x2060)      # general punctuation: – — ‘ ’ “ ” … ‰ •
extras += range(0x2100, 0x2200)      # letterlike (℃ №), number forms, arrows
extras += range(0x2200, 0x2300)      # maths: ≥ ≤ ≠ ∑
extras += range(0x2460, 0x24A0)      # ①–⑳ and parenthesised numbers
extras += range(0x25A0, 0x2600)      # □ ■ ○ ● △ ◆
extras += range(0x2600, 0x2700)      # ★ ☆
extras += range(0x2700, 0x27C0)      # ✓ (the only dingbat check mark the face has)
extras += range(0x3000, 0x3040)      # CJK punctuation: 、。〈〉《》「」『』【】〔〕
extras += range(0xFF00, 0xFFF0)      # full-width forms: ，：；（）！？％
extras += [0xFFFD]

for name, codec in (("regular", "gbk"), ("bold", "gb2312")):
    cps = sorted(set(charset(codec)) | set(extras))
    with open(f"{out}/{name}.txt", "w") as f:
        f.write("\n".join(f"U+{cp:04X}" for cp in cps))
PY

common=(--font-number=2 --no-hinting --layout-features=''
        --name-IDs='*' --name-legacy --name-languages='*' --notdef-outline
        --drop-tables+=vhea,vmtx,VORG)
pyftsubset "$regular" "${common[@]}" --unicodes-file="$tmp/regular.txt" \
  --output-file="$here/NotoSansSC-Regular-GBK.otf"
pyftsubset "$bold" "${common[@]}" --unicodes-file="$tmp/bold.txt" \
  --output-file="$here/NotoSansSC-Bold-GB2312.otf"
ls -l "$here"/*.otf
