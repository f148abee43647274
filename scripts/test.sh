#!/usr/bin/env bash
# Everything CI checks, from a fresh clone: install the models (idempotent), then format, tests
# and lints. Needs only cargo and Python's pip; protoc is not needed (protox compiles the API).
set -euo pipefail
cd "$(dirname "$0")/.."

# One build for the binary and every test target: `cargo run` alone resolves features without
# the dev-dependencies and would compile half the dependency tree a second time for the tests.
cargo build --locked --all-targets
"${CARGO_TARGET_DIR:-target}/debug/ledgerline" models fetch
cargo fmt --check
cargo test --locked --all-targets
cargo clippy --locked --all-targets -- -D warnings
