#!/usr/bin/env python3
"""Converts Harrogate Borough Council's "expenditure over £250" files, as collected by
odileeds/council-spending-data (harrogate/clean/*.csv), into the `history import` format.

The account is the expenditure code's name (the detailed type, "Fuel/Oil"); the department the
service ("Arboriculture"); the class the directorate ("Community"). The expenditure category,
the group an account belongs to, is left out: it would tell a model half of the answer. The
clerk's narrative is the line's description, as keyed: it sometimes repeats the account's name
("Equipment"), as memos do in a real ledger, which the vendor-and-description baseline catches
too.

The monthly files name their columns in 18 ways ("Payment date", "Pay date", "Capital /Revenue";
the code and the name of a column side by side, the name marked "(T)" or repeated under the same
heading): columns are matched by their normalised heading, the name preferred to the code.

usage: scripts/ledger_harrogate.py GIT_DIR_OR_CLEAN_DIR OUT.csv.gz
"""
import csv
import io
import re
import sys

from ledger_common import is_number, sources, write

# One file per month. From 2021-10 the folder also holds each month again under a longer name
# ("2022-05-Harrogate-Borough-Council.csv", the same lines) and the council's leisure company's
# own payments ("...-Brimhams-Active.csv"): both are left out, so no line is counted twice.
MONTH = re.compile(r"\d{4}-\d{2}\.csv")


def heading(h):
    return re.sub(r"\s+", " ", h.strip().lower().replace("(t)", " (t)")).strip()


def column(headings, *names):
    """The position of the first of `names` found; of a heading given twice, the second (the
    name after the code)."""
    for name in names:
        found = [i for i, h in enumerate(headings) if h == name]
        if found:
            return found[-1]
    return None


def lines(src):
    months = sources(src, "harrogate/clean", MONTH.fullmatch, encoding="utf-8-sig")
    for name, text in months:
        rows = csv.reader(io.StringIO(text))
        headings = [heading(h) for h in next(rows)]
        at = {
            "account": column(headings, "expenditure code (t)", "expenditure code"),
            "date": column(headings, "payment date", "pay date"),
            "amount": column(headings, "net amount"),
            "vendor": column(headings, "supplier name (t)", "supplier name"),
            "memo": column(headings, "narrative"),
            "department": column(headings, "service code (t)", "service code"),
            "class": column(headings, "service label (t)", "service label"),
        }
        missing = [k for k, v in at.items() if v is None]
        if missing:
            sys.exit(f"{name}: no column for {missing} in {headings}")
        for n, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue

            def get(key):
                return row[at[key]].strip() if at[key] < len(row) else ""

            account, date, vendor = get("account"), get("date"), get("vendor")
            amount = get("amount").replace(",", "").replace("£", "")
            if not account:
                yield "no expenditure code"
            elif not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
                yield "no payment date"
            elif not vendor or "redacted" in vendor.lower():
                yield "no or redacted supplier name"
            elif not is_number(amount):
                yield "amount not a number"
            else:
                yield [f"{name[:-4]}-{n}", date, amount, account, "", vendor, get("memo"),
                       get("department"), get("class")]


def main():
    write(sys.argv[2], lines(sys.argv[1]))


if __name__ == "__main__":
    main()
