#!/usr/bin/env python3
"""Deterministic generator of the document corpus under fixtures/documents.

Every document is drawn once as a text PDF (reportlab), then rasterised (PDFium) into an
image-only PDF, PNG and JPEG pages with scan artefacts: blur, noise, skew, and some pages turned
180 degrees. Each document comes with its ground truth as JSON: header fields, line items or
transactions, and the text of every page, line by line with boxes in PDF points (top-left
origin).

    scripts/corpus/generate.sh --seed 1 --out fixtures/documents
    scripts/corpus/generate.sh --seed 7 --families unseen --invoices 10 --statements 4 --out /tmp/c

Layout families live in families.py; adding one is a new class there (see its docstring).
"""

import argparse
import datetime as dt
import io
import json
import math
import random
import sys
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageFilter
from reportlab.pdfgen import canvas

sys.path.insert(0, str(Path(__file__).parent))
import content  # noqa: E402
import families  # noqa: E402

CENT = Decimal("0.01")


class Recorder:
    """A reportlab canvas wrapper that remembers every string drawn, for the ground truth."""

    def __init__(self, path_or_buf, pagesize, font_name):
        self.c = canvas.Canvas(path_or_buf, pagesize=pagesize, invariant=1)
        self.width, self.height = pagesize
        self.pages = [[]]
        self.font = (font_name, 10)

    def set_font(self, name, size):
        self.font = (name, size)
        self.c.setFont(name, size)

    def text(self, x, y, s, align="left"):
        """Draws `s` with its baseline at y (PDF coordinates, origin bottom-left)."""
        if not s:
            return
        name, size = self.font
        w = self.c.stringWidth(s, name, size)
        if align == "right":
            x = x - w
        elif align == "center":
            x = x - w / 2
        self.c.drawString(x, y, s)
        top = self.height - (y + size * 0.78)
        bottom = self.height - (y - size * 0.22)
        self.pages[-1].append({"text": s, "box": [round(x, 2), round(top, 2), round(x + w, 2), round(bottom, 2)], "size": size})

    def width_of(self, s, size=None, name=None):
        return self.c.stringWidth(s, name or self.font[0], size or self.font[1])

    def line(self, x0, y0, x1, y1, width=0.6):
        self.c.setLineWidth(width)
        self.c.line(x0, y0, x1, y1)

    def rect_fill(self, x, y, w, h, gray):
        self.c.setFillGray(gray)
        self.c.rect(x, y, w, h, stroke=0, fill=1)
        self.c.setFillGray(0)

    def new_page(self):
        self.c.showPage()
        self.c.setFont(*self.font)
        self.pages.append([])

    def save(self):
        self.c.save()


def page_lines(items):
    """Groups drawn strings into visual lines: same baseline, then left to right; a wide gap
    starts a new segment, the way a reader (and an OCR line detector) would split them."""
    rows = []
    for it in sorted(items, key=lambda i: (i["box"][3], i["box"][0])):
        for row in rows:
            if abs(row[0]["box"][3] - it["box"][3]) < 2.0:
                row.append(it)
                break
        else:
            rows.append([it])
    lines = []
    for row in sorted(rows, key=lambda r: r[0]["box"][3]):
        row.sort(key=lambda i: i["box"][0])
        seg = [row[0]]
        for it in row[1:]:
            gap = it["box"][0] - seg[-1]["box"][2]
            if gap > 1.5 * it["size"]:
                lines.append(seg)
                seg = [it]
            else:
                seg.append(it)
        lines.append(seg)
    out = []
    for seg in lines:
        text = " ".join(s["text"] for s in seg)
        box = [min(s["box"][0] for s in seg), min(s["box"][1] for s in seg),
               max(s["box"][2] for s in seg), max(s["box"][3] for s in seg)]
        out.append({"text": text, "box": box})
    return out


def rasterise(pdf_bytes, rng, doc_id, out_dir, profile):
    """Renders each page and degrades it like a scan. Returns the variant files and settings."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_bytes)
    dpi = rng.choice(profile["dpis"])
    pngs, jpegs, scan_pages, settings = [], [], [], []
    for i in range(len(pdf)):
        page = pdf[i]
        img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        turned = rng.random() < profile["p_turned"]
        skew = round(rng.uniform(-profile["max_skew"], profile["max_skew"]), 2)
        blur = round(rng.uniform(0.0, profile["max_blur"]), 2)
        noise = round(rng.uniform(0.0, profile["max_noise"]), 1)
        clean = degrade(img, rng, skew, blur, 0, turned)
        img = degrade(img, rng, skew, blur, noise, turned)
        png = f"{doc_id}.p{i + 1}.png"
        jpg = f"{doc_id}.p{i + 1}.jpg"
        # The PNG is the "digital export" variant: same geometry and blur, sensor noise left to
        # the JPEG and scanned variants, 16 grey levels; that keeps the corpus small.
        # The image-only PDF keeps the full scan resolution; the PNG and JPEG pages, like most
        # phone and fax images, top out at 200 DPI, which also keeps the corpus small.
        if dpi > 200:
            size = (round(img.width * 200 / dpi), round(img.height * 200 / dpi))
            clean = clean.resize(size, Image.Resampling.LANCZOS)
            small = img.resize(size, Image.Resampling.LANCZOS)
        else:
            small = img
        clean.quantize(16, dither=Image.Dither.NONE).save(out_dir / png, optimize=True)
        small.save(out_dir / jpg, quality=profile["jpeg_quality"], optimize=True)
        pngs.append(png)
        jpegs.append(jpg)
        scan_pages.append(img)
        settings.append({"dpi": dpi, "image_dpi": min(dpi, 200), "skew_degrees": skew, "blur": blur, "noise": noise, "rotation": 180 if turned else 0})
    scan = f"{doc_id}.scan.pdf"
    buf = io.BytesIO()
    scan_pages[0].save(buf, format="PDF", save_all=True, append_images=scan_pages[1:], resolution=dpi, quality=profile["scan_quality"])
    (out_dir / scan).write_bytes(strip_pdf_dates(buf.getvalue()))
    return {"scanned_pdf": scan, "png": pngs, "jpeg": jpegs}, settings


def strip_pdf_dates(data):
    """Pillow stamps the creation time into the PDF; a fixed value keeps output reproducible."""
    import re

    return re.sub(rb"\(D:\d{14}[^)]*\)", b"(D:20260101000000Z)", data)


def degrade(img, rng, skew, blur, noise, turned):
    if skew:
        img = img.rotate(skew, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        import numpy as np

        nrng = np.random.default_rng(rng.randrange(1 << 30))
        a = np.asarray(img, dtype=np.float32)
        a = a + nrng.normal(0, noise, a.shape)
        # Sparse dark specks, as dust on a scanner glass leaves.
        specks = nrng.random(a.shape) < 0.0004
        a[specks] = nrng.uniform(0, 120, specks.sum())
        img = Image.fromarray(np.clip(a, 0, 255).astype("uint8"), "L")
    if turned:
        img = img.rotate(180)
    return img


def make_document(kind, index, family, rng, out_dir, profile):
    doc_id = f"{'inv' if kind == 'invoice' else 'stm'}-{family.name}-{index:03d}"
    if kind == "invoice":
        data = content.invoice(rng, family)
    else:
        data = content.statement(rng, family)
    buf = io.BytesIO()
    rec = Recorder(buf, family.pagesize, family.font)
    if kind == "invoice":
        family.draw_invoice(rec, data, rng)
    else:
        family.draw_statement(rec, data, rng)
    rec.save()
    pdf_bytes = buf.getvalue()
    (out_dir / f"{doc_id}.pdf").write_bytes(pdf_bytes)
    variants, settings = rasterise(pdf_bytes, rng, doc_id, out_dir, profile)
    variants["text_pdf"] = f"{doc_id}.pdf"
    pages = []
    for i, items in enumerate(rec.pages):
        lines = page_lines(items)
        pages.append({
            "index": i,
            "width_pt": rec.width,
            "height_pt": rec.height,
            "text": "\n".join(l["text"] for l in lines),
            "lines": lines,
            "render": settings[i],
        })
    truth = {"id": doc_id, "kind": kind, "family": family.name, "variants": variants, "pages": pages}
    truth.update(data.ground_truth())
    (out_dir / f"{doc_id}.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n")
    return doc_id


PROFILES = {
    # Committed fixtures: the spread the issue asks for, sized to stay under 30 MB in all.
    "fixtures": {"dpis": [150, 150, 150, 200, 200, 300], "p_turned": 0.12, "max_skew": 3.0, "max_blur": 0.8, "max_noise": 4.0, "jpeg_quality": 45, "scan_quality": 38},
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--invoices", type=int, default=45)
    ap.add_argument("--statements", type=int, default=15)
    ap.add_argument("--families", default="seen", help="'seen', 'unseen', 'all' or a comma list of family names")
    ap.add_argument("--profile", default="fixtures", choices=sorted(PROFILES))
    args = ap.parse_args()

    fams = families.select(args.families)
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    profile = PROFILES[args.profile]
    ids = []
    for i in range(args.invoices):
        fam = fams[i % len(fams)]
        ids.append(make_document("invoice", i + 1, fam, random.Random(rng.randrange(1 << 30)), args.out, profile))
    for i in range(args.statements):
        fam = fams[i % len(fams)]
        ids.append(make_document("statement", i + 1, fam, random.Random(rng.randrange(1 << 30)), args.out, profile))
    manifest = {"generator": "scripts/corpus/generate.py", "seed": args.seed, "families": [f.name for f in fams], "documents": ids}
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {len(ids)} documents to {args.out}")


if __name__ == "__main__":
    main()
