#!/usr/bin/env python3
"""Converts Calderdale Council's purchase-card transactions, as collected by
odileeds/council-spending-data (calderdale/clean/*-card.csv), into the `history import` format.

A purchase-card ledger is coded by the cardholder's team, not by the supplier: one merchant
(an online marketplace, a supermarket) is coded to many accounts, which is what makes it hard
for a model that learns a vendor's habits, and why it is here.

The account is the expense type ("Equipment Furniture And Materials"); the expense area
("Adult Services and Wellbeing-Adult Health & Social Care") is split at its first dash into the
class (the directorate, with the "(obsolete)" mark of a renamed one dropped, so that its lines
before and after the rename are one directorate) and the department (the service). The
merchant category ("Misc Home Furnishing", the card scheme's code for the merchant) is the
line's description. Left out: the expense code, which holds the account's own code, and the
merchant category group, a coarser copy of the category.

usage: scripts/ledger_calderdale.py GIT_DIR_OR_CLEAN_DIR OUT.csv.gz
"""
import csv
import io
import re
import sys

from ledger_common import is_number, sources, write

CARD = re.compile(r"\d{4}-\d{2}-card\.csv")
NEEDED = ["transaction date", "supplier name", "net amount", "merchant category",
          "expense area", "expense type"]


def lines(src):
    for name, text in sources(src, "calderdale/clean", CARD.fullmatch, encoding="utf-8-sig"):
        rows = csv.reader(io.StringIO(text))
        headings = [h.strip().lower() for h in next(rows)]
        missing = [h for h in NEEDED if h not in headings]
        if missing:
            sys.exit(f"{name}: no column for {missing} in {headings}")
        at = {h: headings.index(h) for h in NEEDED}
        for n, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) < len(headings):
                yield "short row"
                continue

            def get(key):
                return row[at[key]].strip()

            date, vendor, account = get("transaction date"), get("supplier name"), get("expense type")
            amount = get("net amount").replace(",", "").replace("£", "")
            directorate, _, service = get("expense area").partition("-")
            directorate = re.sub(r"\s*\(obsolete\)", "", directorate).strip()
            if not account:
                yield "no expense type"
            elif not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
                yield "no transaction date"
            elif not vendor:
                yield "no supplier name"
            elif not is_number(amount):
                yield "amount not a number"
            else:
                yield [f"{name[:-4]}-{n}", date, amount, account, "", vendor,
                       get("merchant category"), service.strip() or directorate, directorate]


def main():
    write(sys.argv[2], lines(sys.argv[1]))


if __name__ == "__main__":
    main()
