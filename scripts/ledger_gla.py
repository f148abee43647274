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
import io
import sys

from ledger_common import is_number, sources, write


def lines(src):
    for name, text in sources(src, "london/clean", lambda n: n.endswith(".csv")):
        rows = csv.DictReader(io.StringIO(text))
        for n, row in enumerate(rows, start=2):
            row = {(k or "").strip().lower(): (v if isinstance(v, str) else "").strip()
                   for k, v in row.items()}
            account = row.get("cost element", "")
            date = row.get("clearing date", "")
            amount = row.get("amount", "").replace(",", "")
            vendor = row.get("vendor name", "")
            if not account:
                yield "no cost element"
            elif len(date) != 10:
                yield "no clearing date"
            elif not vendor:
                yield "no vendor name"
            elif not is_number(amount):
                yield "bad amount"
            else:
                yield [f"{name[:-4]}-{n}", date, amount, account, row.get("vendor id", ""),
                       vendor, "", row.get("directorate", ""),
                       row.get("service expenditure analysis", "")]


def main():
    write(sys.argv[2], lines(sys.argv[1]))


if __name__ == "__main__":
    main()
