#!/usr/bin/env python3
"""Synthetic invoice PDFs in layout families written independently of the project's own
document generator, to test whether the extraction engine generalises to unseen layouts.

Usage: layouts.py --out DIR [--per-layout N] [--seed S] [--only FAMILY,...] [--check]
Writes DIR/layouts/pdf/<family>-<nnn>.pdf and DIR/layouts/gt/<family>-<nnn>.pdf.gt.json
(truth in the shape of fixtures/real/invoices/gt). The same seed gives the same files.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from layouts_common import truth  # noqa: E402
from layouts_eu import build_de, build_es, build_fr, build_it, build_nl, build_se  # noqa: E402
from layouts_other import build_dense, build_in, build_uk, build_us  # noqa: E402
from layouts_special import build_fuel, build_hotel, build_utility  # noqa: E402
from layouts_pen import render  # noqa: E402
from reportlab import rl_config  # noqa: E402

# reportlab stamps the creation time and a random document id into each PDF; fix both so the
# output is byte-for-byte reproducible for a seed.
rl_config.invariant = 1

FAMILIES = {
    "de_rechnung": build_de, "fr_facture": build_fr, "es_factura": build_es, "it_fattura": build_it,
    "nl_factuur": build_nl, "se_faktura_grid": build_se, "uk_vat_lines": build_uk,
    "dense_multipage": build_dense, "us_saas": build_us, "in_gst": build_in, "hotel_folio": build_hotel,
    "fuel_receipt": build_fuel, "utility_bill": build_utility,
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--per-layout", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", default="", help="comma-separated family names (default: all)")
    ap.add_argument("--check", action="store_true", help="re-read each PDF's text layer and check the truth against it")
    args = ap.parse_args(argv)
    names = [n for n in args.only.split(",") if n] or list(FAMILIES)
    unknown = [n for n in names if n not in FAMILIES]
    if unknown:
        ap.error(f"unknown families {unknown}; known: {', '.join(FAMILIES)}")
    pdf_dir, gt_dir = args.out / "layouts" / "pdf", args.out / "layouts" / "gt"
    pdf_dir.mkdir(parents=True, exist_ok=True)
    gt_dir.mkdir(parents=True, exist_ok=True)
    failed = 0
    for name in names:
        for k in range(1, args.per_layout + 1):
            # One generator per document, seeded from (seed, family, index): adding a family or
            # changing --per-layout does not change the other documents.
            rng = random.Random(f"{args.seed}/{name}/{k}")
            doc = FAMILIES[name](rng)
            doc.layout = name
            pdf, pages = render(doc.draw, doc.font, doc.page, doc.margin)
            stem = f"{name}-{k:03d}.pdf"
            (pdf_dir / stem).write_bytes(pdf)
            gt = truth(doc, pages)
            (gt_dir / f"{stem}.gt.json").write_text(json.dumps(gt, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            problems = check(pdf, gt) if args.check else []
            for p in problems:
                print(f"{stem}: {p}", file=sys.stderr)
            failed += bool(problems)
    print(f"wrote {len(names) * args.per_layout} documents to {pdf_dir}"
          + (f"; {failed} failed the check" if args.check else ""), file=sys.stderr)
    return 1 if failed else 0


def check(pdf: bytes, gt: dict) -> list[str]:
    """Self-test: every truth string is in the text layer (wrapped parts joined by one space),
    the page count is right, and the amounts add up (lines = LineTotal, base + tax = grand)."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(pdf)
    text = " ".join(page.get_textpage().get_text_range() for page in doc)
    flat = " ".join(text.replace("\u00a0", " ").split())
    out = [] if len(doc) == gt["pages"] else [f"pages {len(doc)} != {gt['pages']}"]
    strings = [gt["invoice_number"], gt["seller"]["name"], gt["seller"]["vat_id"], gt["buyer"]["name"],
               gt["buyer"]["vat_id"]] + [line["name"] for line in gt["lines"]]
    out += [f"not in text layer: {s!r}" for s in strings if s and " ".join(s.split()) not in flat]
    t = {k: Decimal(v) for k, v in gt["totals"].items()}
    if sum(Decimal(line["line_net_amount"]) for line in gt["lines"]) != t["LineTotalAmount"]:
        out.append("lines do not sum to LineTotalAmount")
    if t["TaxBasisTotalAmount"] + t["TaxTotalAmount"] != t["GrandTotalAmount"]:
        out.append("base + tax != grand total")
    return out


if __name__ == "__main__":
    sys.exit(main())
