#!/usr/bin/env bash
# Image variants of a real corpus (phone photo, shadow, low DPI, turned pages), in the corpus
# tools' own virtualenv. Example: scripts/corpus/variants.sh fixtures/real/statements --out target/variants
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec "$("$here/venv.sh")" "$here/variants.py" "$@"
