#!/usr/bin/env bash
# Everything CI checks, from a fresh clone: format, then the builds with the lints, then the
# models (installed idempotently) and the tests. Needs only cargo (with clippy) and Python's pip;
# protoc is not needed (protox compiles the API).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --check

# The lints ride on the build. `cargo clippy` type-checks every dependency a second time (2 min
# 17 s of a 26-minute run on two cores); with clippy's driver as the workspace's compiler, as
# `cargo clippy` itself sets it, the dependencies are compiled once, by rustc, and each workspace
# crate is linted while it is compiled. Any warning fails the build. `cargo test` below keeps the
# same settings, or it would compile the workspace again. A clean build has nothing to reuse, so
# incremental compilation only costs time and disk here.
driver="$(rustc --print sysroot)/bin/clippy-driver"
if [ ! -x "$driver" ]; then
  rustup component add clippy
fi
export RUSTC_WORKSPACE_WRAPPER="$driver"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
export CARGO_INCREMENTAL=0

# The production build (Dockerfile.cuda) leaves the development commands out: keep it compiling
# and lint-free. Every dependency is compiled with the same features as in the build below
# (`Cargo.toml` keeps it so), so only the binary crate is compiled twice.
cargo build --locked --no-default-features -p ledgerline
# One build for the binary and every test target: `cargo run` alone resolves features without
# the dev-dependencies and would compile half the dependency tree a second time for the tests.
cargo build --locked --all-targets
# The tests start a real Qdrant server with ../shared/tools/qdrant/start.sh, which needs curl and
# python3, and throwaway PostgreSQL servers (initdb into a temporary folder) for the shared-state
# tests, one of them with TLS certificates made by openssl; install them from the Debian archive
# when this machine lacks them.
missing=()
for tool in curl python3 openssl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if ((${#missing[@]})); then
  sudo=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}"
fi
"${CARGO_TARGET_DIR:-target}/debug/ledgerline" models fetch
# Tests run two at a time on two cores, so candle's thread pool (sized by this variable, as
# rayon's is) only spins waiting for a core: with one thread its two tests took 115 s, not 142,
# on a machine as busy as the tests keep it.
RAYON_NUM_THREADS=1 cargo test --locked --all-targets
