#!/usr/bin/env bash
# The main job on the embedded defaults: install the models (idempotent), then run the service
# (gRPC on 127.0.0.1:50051, metrics on 127.0.0.1:9464/metrics). Extra arguments go to `serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --locked --release
./target/release/ledgerline models fetch
exec ./target/release/ledgerline serve "$@"
