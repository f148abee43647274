#!/usr/bin/env bash
# Runs the corpus generator in its own virtualenv (created on first use from PyPI).
# Example: scripts/corpus/generate.sh --seed 1 --out fixtures/documents
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${LEDGERLINE_CORPUS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/ledgerline/corpus-venv}"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$venv/requirements.txt"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/requirements.txt"
fi
exec "$venv/bin/python" "$here/generate.py" "$@"
