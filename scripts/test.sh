#!/usr/bin/env bash
# Everything CI checks, from a fresh clone: install the models (idempotent), then format, tests
# and lints. Needs only cargo and Python's pip; protoc is not needed (protox compiles the API).
set -euo pipefail
cd "$(dirname "$0")/.."

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
cargo fmt --check
cargo test --locked --all-targets
cargo clippy --locked --all-targets -- -D warnings
# The production build (Dockerfile.cuda) leaves the development commands out: keep it compiling.
cargo clippy --locked --no-default-features -p ledgerline -- -D warnings
