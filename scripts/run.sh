#!/usr/bin/env bash
# The main job on the embedded defaults, end to end: install the models (idempotent), import the
# synthetic company's GL history into the embedded index, start a fake Intacct over the same
# chart, then process the fixture documents (read, code, validate, route) and print what was
# posted to Intacct and what waits for review, and why. Nothing to install besides cargo and pip.
#
# Re-running is cheap and safe: the import is idempotent by line id, and the batch resumes its
# results file, so no document is processed or posted twice.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --locked --release
bin=./target/release/ledgerline
"$bin" models fetch

data="${LEDGERLINE_DATA_DIR:-$PWD/target/demo}"
mkdir -p "$data"
for history in history supplier-history; do
    "$bin" history import "fixtures/company/$history.jsonl.gz" \
        --chart fixtures/company/chart.json --data-dir "$data"
done

# The fake Intacct's own published test credentials (see `ledgerline fake-intacct`).
port="${LEDGERLINE_DEMO_INTACCT_PORT:-18089}"
"$bin" fake-intacct --chart fixtures/company/chart.json --listen "127.0.0.1:$port" \
    > "$data/fake-intacct.log" 2>&1 &
fake=$!
trap 'kill $fake 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    grep -q "xml endpoint" "$data/fake-intacct.log" 2>/dev/null && break
    kill -0 "$fake" 2>/dev/null || { cat "$data/fake-intacct.log"; exit 1; }
    sleep 0.1
done
export LEDGERLINE_INTACCT_ENDPOINT="http://127.0.0.1:$port/ia/xml/xmlgw.phtml"
export LEDGERLINE_INTACCT_SENDER_ID=ledgerline-sender LEDGERLINE_INTACCT_SENDER_PASSWORD=sender-pass-fake
export LEDGERLINE_INTACCT_USER_ID=apiuser LEDGERLINE_INTACCT_USER_PASSWORD=user-pass-fake

# Every document as a text PDF, and a few invoices a second time as scans: duplicates to catch.
manifest="$data/backlog.txt"
{
    ls fixtures/documents/*.pdf | grep -v '\.scan\.pdf$'
    ls fixtures/documents/inv-*.p1.png | head -n 4
} | sed "s|^|$PWD/|" > "$manifest"

"$bin" batch "$manifest" --company SYNTH --data-dir "$data" --out "$data/results.jsonl" "$@"
echo "one JSON line per document: $data/results.jsonl"
echo "audit trail of a document: $bin audit show --data-dir $data --document <document_id>"
