#!/usr/bin/env bash
# Runs the corpus generator in its own virtualenv (created on first use from PyPI).
# Example: scripts/corpus/generate.sh --seed 1 --out fixtures/documents
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec "$("$here/venv.sh")" "$here/generate.py" "$@"
