#!/usr/bin/env bash
# Builds ledgerline with the `cuda` feature (candle on CUDA) on a Linux x86-64 machine that has
# no CUDA install and no GPU. Only cargo, python3 with pip and a C compiler (cc) are needed.
#
#   scripts/build-cuda.sh [extra cargo build args...]
#   CARGO_TARGET_DIR=/tmp/cuda-target CARGO_BUILD_JOBS=1 nice -n 19 scripts/build-cuda.sh --locked
#
# What it does, each step skipped when already done:
#  1. downloads the CUDA 13.0 compiler toolchain as NVIDIA's PyPI wheels (pinned, SHA-256 checked)
#     into a cache directory, outside the repository;
#  2. unpacks them into one CUDA-root-like tree: bin/nvcc, include/, nvvm/, lib/ (lib64 -> lib);
#  3. makes link-only stubs of the libraries the binary links dynamically but no wheel here
#     provides (libcuda is the driver's; cuBLAS, cuBLASLt, cuRAND and NVRTC are large): tiny
#     shared objects with the real SONAMEs and the function names of cudarc's bindings. They
#     only satisfy the linker; at run time the real libraries are loaded (see docs/gpu.md);
#  4. runs `cargo build --release --features cuda "$@"` and prints where the binary is.
#
# Environment:
#  LEDGERLINE_CUDA_CACHE  cache directory (default ${XDG_CACHE_HOME:-$HOME/.cache}/ledgerline/cuda-13.0)
#  CUDA_COMPUTE_CAP       GPU architecture the kernels are built for (default 90: H100/H200,
#                         compiled as sm_90a, which runs on compute capability 9.0 only)
#  CARGO_TARGET_DIR, CARGO_BUILD_JOBS, NVCC_CCBIN, CC  honoured as usual. With CARGO_BUILD_JOBS
#                         set, nvcc runs as many compilations in parallel (CUDAFORGE_THREADS).
#
# The PTX that candle's kernels are compiled to needs a driver of CUDA 13.0 or newer (580+).
set -euo pipefail

die() { echo "build-cuda: error: $*" >&2; exit 1; }
note() { echo "build-cuda: $*" >&2; }

repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${LEDGERLINE_CUDA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ledgerline/cuda-13.0}"
wheels="$cache/wheels"
root="$cache/root"

# CUDA 13.0 Update 2 components. Wheel file name and its SHA-256 as published on PyPI.
WHEELS=(
    "nvidia-cuda-nvcc==13.0.88    nvidia_cuda_nvcc-13.0.88-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl    56fe502eb77625a12f25172caa3cdddb4e4c8ba2c8c17dba44b164761b380f03"
    "nvidia-cuda-crt==13.0.88     nvidia_cuda_crt-13.0.88-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl     2c8043c7c9e02492716426e9919fc78d2c5b3b2a7a768a88e952676b08aa55a4"
    "nvidia-nvvm==13.0.88         nvidia_nvvm-13.0.88-py3-none-manylinux2010_x86_64.manylinux_2_12_x86_64.whl         c5f41ffeb6466944a026dfa5317d7d85355c119bbec279205d22f1869d1054e0"
    "nvidia-cuda-runtime==13.0.96 nvidia_cuda_runtime-13.0.96-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl 7f82250d7782aa23b6cfe765ecc7db554bd3c2870c43f3d1821f1d18aebf0548"
    "nvidia-cuda-cccl==13.0.85    nvidia_cuda_cccl-13.0.85-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl    e0da7ad981f3a8aff08241b5bfc1af868742a63e2762f53a5171c492ef242649"
)
# Libraries cudarc links (candle-core turns on its `dynamic-linking`): name, SONAME, cudarc module.
STUBS=(
    "cuda     libcuda.so.1       driver"
    "nvrtc    libnvrtc.so.13     nvrtc"
    "curand   libcurand.so.10    curand"
    "cublas   libcublas.so.13    cublas"
    "cublasLt libcublasLt.so.13  cublaslt"
)

[[ "$(uname -s)" == Linux && "$(uname -m)" == x86_64 ]] \
    || die "the pinned CUDA wheels are for Linux x86-64; this is $(uname -s) $(uname -m)"
command -v cargo >/dev/null || die "cargo not found on PATH"
command -v python3 >/dev/null || die "python3 not found on PATH (needed for pip and unpacking)"
python3 -m pip --version >/dev/null 2>&1 || die "python3 has no pip (python3 -m pip)"
cc="${CC:-cc}"
command -v "$cc" >/dev/null || die "no C compiler ('$cc'): nvcc needs a host compiler (gcc <= 15) and the stubs are built with it"

# Cargo's own flags that must also apply to `cargo metadata` below.
meta_flags=()
for arg in "$@"; do
    case "$arg" in --locked|--offline|--frozen) meta_flags+=("$arg") ;; esac
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

sha256_of() { python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"; }

# 1. Wheels.
mkdir -p "$wheels"
missing=()
for entry in "${WHEELS[@]}"; do
    read -r req file sha <<<"$entry"
    if [[ -f "$wheels/$file" && "$(sha256_of "$wheels/$file")" == "$sha" ]]; then continue; fi
    rm -f "$wheels/$file"
    missing+=("$req --hash=sha256:$sha")
done
if ((${#missing[@]})); then
    note "downloading ${#missing[@]} CUDA 13.0 wheel(s) into $wheels"
    reqs="$work/requirements.txt"
    printf '%s\n' "${missing[@]}" >"$reqs"
    python3 -m pip download --disable-pip-version-check --no-input --quiet --no-deps \
        --require-hashes --only-binary=:all: \
        --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        --platform manylinux_2_12_x86_64 --platform manylinux2010_x86_64 \
        -d "$wheels" -r "$reqs" \
        || die "pip download of the CUDA wheels failed (is PyPI reachable? see above)"
    for entry in "${WHEELS[@]}"; do
        read -r req file sha <<<"$entry"
        [[ -f "$wheels/$file" ]] || die "pip did not produce $file for $req"
        [[ "$(sha256_of "$wheels/$file")" == "$sha" ]] || die "$file does not match its pinned SHA-256"
    done
fi

# 2. One CUDA root. Its stamp names the wheels it was made from.
stamp="layout-1"
for entry in "${WHEELS[@]}"; do read -r _ _ sha <<<"$entry"; stamp+=" $sha"; done
if [[ ! -f "$root/.stamp" || "$(cat "$root/.stamp")" != "$stamp" ]]; then
    note "unpacking the toolchain into $root"
    tmp="$root.tmp.$$"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    for entry in "${WHEELS[@]}"; do
        read -r _ file _ <<<"$entry"
        python3 - "$wheels/$file" "$tmp" <<'PY' || die "could not unpack $file"
import os, sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
prefix = "nvidia/cu13/"
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        name = info.filename
        if not name.startswith(prefix) or name.endswith("/") or "/.metadata/" in name:
            continue
        rel = name[len(prefix):]
        if rel.startswith("/") or ".." in rel.split("/"):
            sys.exit(f"unsafe path in {wheel}: {name}")
        out = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with z.open(info) as src, open(out, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        mode = (info.external_attr >> 16) & 0o777
        if mode:
            os.chmod(out, mode)
PY
    done
    chmod 755 "$tmp"/bin/* "$tmp"/nvvm/bin/*
    ln -s lib "$tmp/lib64"                         # nvcc.profile and cudarc look in lib64
    ln -s libcudart.so.13 "$tmp/lib/libcudart.so"  # candle-kernels links -lcudart
    [[ -x "$tmp/bin/nvcc" && -f "$tmp/include/cuda.h" && -f "$tmp/include/crt/host_config.h" \
        && -x "$tmp/nvvm/bin/cicc" && -d "$tmp/include/cccl" ]] || die "unpacked toolchain is incomplete"
    echo "$stamp" >"$tmp/.stamp"
    rm -rf "$root"
    mv "$tmp" "$root"
fi
"$root/bin/nvcc" --version | grep -q 'release 13\.0' || die "$root/bin/nvcc does not run or is not CUDA 13.0"

# 3. Link-only stubs from the cudarc sources this build uses.
note "resolving cudarc (cargo metadata)"
cudarc_dir="$(cd "$repo" && cargo metadata --format-version 1 --features cuda ${meta_flags[@]+"${meta_flags[@]}"} \
    | python3 -c '
import json, os, sys
pkgs = [p for p in json.load(sys.stdin)["packages"] if p["name"] == "cudarc"]
if len(pkgs) != 1:
    sys.exit(f"expected one cudarc package with --features cuda, found {len(pkgs)}")
print(pkgs[0]["version"], os.path.dirname(pkgs[0]["manifest_path"]))
')" || die "cargo metadata failed or found no single cudarc"
read -r cudarc_version cudarc_dir <<<"$cudarc_dir"
stubs="$root/lib/stubs"
stub_stamp="cudarc-$cudarc_version stubs-1"
if [[ ! -f "$stubs/.stamp" || "$(cat "$stubs/.stamp")" != "$stub_stamp" ]]; then
    note "making link-only stubs from cudarc $cudarc_version"
    rm -rf "$stubs.tmp"
    mkdir -p "$stubs.tmp"
    for entry in "${STUBS[@]}"; do
        read -r lib soname module <<<"$entry"
        src="$cudarc_dir/src/$module/sys/mod.rs"
        [[ -f "$src" ]] || die "no bindings at $src"
        sed -n 's/^pub unsafe fn \([A-Za-z_][A-Za-z0-9_]*\)(.*/void \1(void) {}/p' "$src" | sort -u \
            >"$stubs.tmp/$lib.c"
        [[ -s "$stubs.tmp/$lib.c" ]] || die "found no functions in $src"
        "$cc" -shared -fPIC -nostdlib -Wl,-soname,"$soname" -o "$stubs.tmp/lib$lib.so" "$stubs.tmp/$lib.c" \
            || die "could not build the $lib stub"
        rm "$stubs.tmp/$lib.c"
    done
    echo "$stub_stamp" >"$stubs.tmp/.stamp"
    rm -rf "$stubs"
    mv "$stubs.tmp" "$stubs"
fi

# 4. Build.
export CUDA_ROOT="$root" CUDA_HOME="$root" CUDA_PATH="$root"   # cudarc: link search (lib64, lib64/stubs)
export NVCC="$root/bin/nvcc" PATH="$root/bin:$PATH"             # cudaforge (candle-kernels), cudarc
export CUDARC_CUDA_VERSION=13000                                # cudarc: bindings for CUDA 13.0
export CUDA_COMPUTE_CAP="${CUDA_COMPUTE_CAP:-90}"               # no GPU to ask nvidia-smi
if [[ -n "${CARGO_BUILD_JOBS:-}" ]]; then export CUDAFORGE_THREADS="${CUDAFORGE_THREADS:-$CARGO_BUILD_JOBS}"; fi

note "cargo build --release --features cuda $* (CUDA_COMPUTE_CAP=$CUDA_COMPUTE_CAP)"
msgs="$work/cargo-messages.json"
start=$SECONDS
(cd "$repo" && cargo build --release --features cuda --message-format=json-render-diagnostics "$@") >"$msgs" \
    || die "cargo build --release --features cuda failed after $((SECONDS - start)) s (errors above)"
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("executable") and "bin" in m["target"]["kind"]:
        print(m["executable"])
' "$msgs" >"$work/bins"
note "built in $((SECONDS - start)) s"
while read -r bin; do
    echo "$bin ($(du -h "$bin" | cut -f1))"
    if command -v readelf >/dev/null; then
        note "needs at run time: $(readelf -d "$bin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | paste -sd' ') (see docs/gpu.md)"
    fi
done <"$work/bins"
