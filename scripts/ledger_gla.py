#!/usr/bin/env python3
"""Converts the Greater London Authority's "expenditure over £250" files, as cleaned by
odileeds/council-spending-data (london/clean/*.csv), into the `history import` format.

The account is the SAP cost element; the department the directorate; the class the service
expenditure analysis. The account's own description is left out on purpose: it names the
account, so a model given it would be told the answer. There is no line description in the
source; the vendor name is what a model has to code from.

usage: scripts/ledger_gla.py GIT_DIR_OR_CLEAN_DIR OUT.csv.gz
"""
import csv
import gzip
import io
import os
import subprocess
import sys


def sources(src):
    """(name, text) of every london/clean CSV, from a checkout or from a bare git directory."""
    if os.path.isdir(os.path.join(src, "objects")):
        names = subprocess.run(
            ["git", "--git-dir", src, "ls-tree", "--name-only", "HEAD:london/clean"],
            check=True, capture_output=True, text=True).stdout.split()
        for name in sorted(n for n in names if n.endswith(".csv")):
            blob = subprocess.run(
                ["git", "--git-dir", src, "show", f"HEAD:london/clean/{name}"],
                check=True, capture_output=True).stdout
            yield name, blob.decode("utf-8", "replace")
    else:
        for name in sorted(n for n in os.listdir(src) if n.endswith(".csv")):
            with open(os.path.join(src, name), encoding="utf-8", errors="replace") as f:
                yield name, f.read()


def main():
    src, out = sys.argv[1], sys.argv[2]
    kept, skipped = 0, {}
    with gzip.open(out, "wt", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["line_id", "date", "amount", "account", "vendor_id", "vendor_name",
                    "memo", "department", "class"])
        for name, text in sources(src):
            rows = csv.DictReader(io.StringIO(text))
            for n, row in enumerate(rows, start=2):
                row = {(k or "").strip().lower(): (v if isinstance(v, str) else "").strip()
                       for k, v in row.items()}
                account = row.get("cost element", "")
                date = row.get("clearing date", "")
                amount = row.get("amount", "").replace(",", "")
                vendor = row.get("vendor name", "")
                reason = None
                if not account:
                    reason = "no cost element"
                elif len(date) != 10:
                    reason = "no clearing date"
                elif not vendor:
                    reason = "no vendor name"
                else:
                    try:
                        float(amount)
                    except ValueError:
                        reason = "bad amount"
                if reason:
                    skipped[reason] = skipped.get(reason, 0) + 1
                    continue
                w.writerow([f"{name[:-4]}-{n}", date, amount, account,
                            row.get("vendor id", ""), vendor, "",
                            row.get("directorate", ""), row.get("service expenditure analysis", "")])
                kept += 1
    print(f"{kept} lines written to {out}; skipped: {skipped}", file=sys.stderr)


if __name__ == "__main__":
    main()
