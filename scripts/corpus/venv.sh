#!/usr/bin/env bash
# Prints the python of the corpus tools' own virtualenv, created on first use from PyPI (and
# again when requirements.txt changes). Used by generate.sh and variants.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${LEDGERLINE_CORPUS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/ledgerline/corpus-venv}"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$venv/requirements.txt"; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
  cp "$here/requirements.txt" "$venv/requirements.txt"
fi
echo "$venv/bin/python"
