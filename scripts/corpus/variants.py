#!/usr/bin/env python3
"""Image variants of a real corpus of text PDFs, damaged the way phones and scanners damage
pages, so that `ledgerline eval extract` can measure the OCR path on documents nobody here made.

Reads a corpus folder in the `pdf/` + `gt/` layout (e-invoice hybrids, statements), renders
every page with PDFium and writes, for each document and each damage, an image-only PDF
(JPEG pages, no text layer) under OUT/<corpus>/pdf/ with a copy of its truth under
OUT/<corpus>/gt/. The truth gains `variant_of` (the original file name), which puts every
variant of a document in the same development or validation part as the original.

    scripts/corpus/variants.sh fixtures/real/statements --out target/variants
    scripts/corpus/variants.sh ../shared/corpus/zugferd --out target/variants --sample 10

Damages (each deterministic from --seed and the file name):
  photo     phone photo: perspective, uneven light, 150 DPI, JPEG quality 55
  shadow    scanner with a fold shadow and grey paper, 200 DPI, JPEG quality 60
  lowdpi    fax-like 100 DPI, JPEG quality 45
  turn90    scanned sideways (90 degrees), 200 DPI
  turn180   scanned upside down, 200 DPI
"""

import argparse
import hashlib
import io
import json
import random
import re
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

DAMAGES = ["photo", "shadow", "lowdpi", "turn90", "turn180"]


def page_count(pdf_path):
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(str(pdf_path)))


def render(pdf_path, dpi):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    return [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(pdf))]


def perspective(img, rng):
    """Pulls the corners in by up to 6% of the page, as a phone held at an angle does."""
    w, h = img.size
    d = lambda n: rng.uniform(0.0, 0.06) * n  # noqa: E731
    corners = [(d(w), d(h)), (w - d(w), d(h)), (w - d(w), h - d(h)), (d(w), h - d(h))]
    # PIL wants the coefficients that map output pixels to input pixels.
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    coeffs = solve_perspective(corners, src)
    return img.transform((w, h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor=90)


def solve_perspective(dst, src):
    import numpy as np

    rows = []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=np.float64)
    b = np.array([c for p in src for c in p], dtype=np.float64)
    return np.linalg.solve(a, b).tolist()


def light(img, rng, strength):
    """A brightness gradient across the page: a lamp to one side, or a shadow over a fold."""
    import numpy as np

    w, h = img.size
    a = np.asarray(img, dtype=np.float32)
    xs = np.linspace(0, 1, w)[None, :]
    ys = np.linspace(0, 1, h)[:, None]
    angle = rng.uniform(0, 2 * np.pi)
    ramp = np.cos(angle) * xs + np.sin(angle) * ys
    ramp = (ramp - ramp.min()) / max(ramp.max() - ramp.min(), 1e-6)
    a = a * (1.0 - strength * ramp)
    return Image.fromarray(np.clip(a, 0, 255).astype("uint8"), "L")


def fold_shadow(img, rng):
    w, h = img.size
    overlay = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(overlay)
    x = int(rng.uniform(0.3, 0.7) * w)
    band = int(0.08 * w)
    for i in range(band):
        shade = int(255 - 90 * (1 - abs(i - band / 2) / (band / 2)))
        draw.line([(x - band // 2 + i, 0), (x - band // 2 + i, h)], fill=shade)
    paper = Image.new("L", (w, h), 235)
    darker = Image.composite(img, paper, img.point(lambda p: 255 if p < 200 else 0))
    from PIL import ImageChops

    return ImageChops.multiply(darker, overlay)


def damage(kind, pages, rng):
    out = []
    for img in pages:
        if kind == "photo":
            img = perspective(img, rng)
            img = light(img, rng, 0.35)
            img = img.filter(ImageFilter.GaussianBlur(0.6))
        elif kind == "shadow":
            img = fold_shadow(img, rng)
        elif kind == "lowdpi":
            img = img.filter(ImageFilter.GaussianBlur(0.4))
        elif kind == "turn90":
            img = img.rotate(90 if rng.random() < 0.5 else 270, expand=True)
        elif kind == "turn180":
            img = img.rotate(180)
        out.append(img)
    return out


SETTINGS = {
    "photo": (150, 55),
    "shadow": (200, 60),
    "lowdpi": (100, 45),
    "turn90": (200, 70),
    "turn180": (200, 70),
}


def strip_pdf_dates(data):
    """Pillow stamps the creation time into the PDF; a fixed value keeps output reproducible."""
    return re.sub(rb"\(D:\d{14}[^)]*\)", b"(D:20260101000000Z)", data)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, help="a folder with pdf/ and gt/")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sample", type=int, default=0, help="only this many documents (chosen by a hash of the name)")
    ap.add_argument("--damages", default=",".join(DAMAGES))
    ap.add_argument("--max-pages", type=int, default=4, help="leave out longer documents (their truth covers every page)")
    args = ap.parse_args()

    corpus = args.corpus.resolve()
    out = args.out / corpus.name
    (out / "pdf").mkdir(parents=True, exist_ok=True)
    (out / "gt").mkdir(parents=True, exist_ok=True)
    pdfs = sorted((corpus / "pdf").glob("*.pdf"))
    pdfs = [p for p in pdfs if (corpus / "gt" / f"{p.name}.gt.json").is_file()]
    pdfs = [p for p in pdfs if page_count(p) <= args.max_pages]
    if args.sample:
        pdfs = sorted(pdfs, key=lambda p: hashlib.sha256(p.name.encode()).hexdigest())[: args.sample]
        pdfs.sort()
    kinds = [k for k in args.damages.split(",") if k]
    for k in kinds:
        if k not in SETTINGS:
            raise SystemExit(f"unknown damage {k!r}; known: {', '.join(DAMAGES)}")
    written = 0
    for pdf in pdfs:
        truth = json.loads((corpus / "gt" / f"{pdf.name}.gt.json").read_text())
        for kind in kinds:
            name = f"{pdf.stem}~{kind}.pdf"
            target = out / "pdf" / name
            if target.exists():
                continue
            rng = random.Random(f"{args.seed}:{pdf.name}:{kind}")
            dpi, quality = SETTINGS[kind]
            pages = damage(kind, render(pdf, dpi), rng)
            buf = io.BytesIO()
            pages[0].save(buf, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi, quality=quality)
            target.write_bytes(strip_pdf_dates(buf.getvalue()))
            variant = dict(truth, variant_of=pdf.name, damage=kind)
            (out / "gt" / f"{name}.gt.json").write_text(json.dumps(variant, ensure_ascii=False, indent=1))
            written += 1
    print(f"{written} variants of {len(pdfs)} documents in {out}")


if __name__ == "__main__":
    main()
