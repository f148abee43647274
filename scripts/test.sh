#!/usr/bin/env bash
# Everything CI checks, from a fresh clone: install the models (idempotent), then format, tests
# and lints. Needs only cargo and Python's pip; protoc is not needed (protox compiles the API).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo run --locked --quiet -- models fetch
cargo fmt --check
cargo test --locked --all-targets
cargo clippy --locked --all-targets -- -D warnings
