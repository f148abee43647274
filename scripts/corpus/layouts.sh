#!/usr/bin/env bash
# Synthetic invoices in layout families of their own (layouts.py), in the corpus tools' own
# virtualenv. Example: scripts/corpus/layouts.sh --out target/layouts-corpus --per-layout 5 --seed 1
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec "$("$here/venv.sh")" "$here/layouts.py" "$@"
