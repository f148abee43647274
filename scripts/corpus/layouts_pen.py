"""Drawing helpers of layouts.py on top of reportlab's canvas: text, wrapping, label/value blocks,
and an item table that breaks across pages (repeated header, optional carried-forward rows).

Rendering must not draw random numbers: every choice is made when a document is built, so a
document can be rendered twice (first to count its pages for 'Page 1 of N', then for real).
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

import reportlab

# Font families: (regular, bold). The three base-14 families need no embedding (WinAnsi covers
# € £ é ü ß ñ); Vera ships with reportlab; DejaVu is used where the system has it (it has ₹).
_REPORTLAB_FONTS = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
_DEJAVU = "/usr/share/fonts/truetype/dejavu"
FONTS = {"helvetica": ("Helvetica", "Helvetica-Bold"), "times": ("Times-Roman", "Times-Bold"),
         "courier": ("Courier", "Courier-Bold")}


def _register():
    ttf = {"vera": ("Vera", os.path.join(_REPORTLAB_FONTS, "Vera.ttf"), "VeraBd", os.path.join(_REPORTLAB_FONTS, "VeraBd.ttf")),
           "dejavu": ("DejaVuSans", f"{_DEJAVU}/DejaVuSans.ttf", "DejaVuSans-Bold", f"{_DEJAVU}/DejaVuSans-Bold.ttf"),
           "dejavu_serif": ("DejaVuSerif", f"{_DEJAVU}/DejaVuSerif.ttf", "DejaVuSerif-Bold", f"{_DEJAVU}/DejaVuSerif-Bold.ttf"),
           "dejavu_cond": ("DejaVuSansCondensed", f"{_DEJAVU}/DejaVuSansCondensed.ttf",
                           "DejaVuSansCondensed-Bold", f"{_DEJAVU}/DejaVuSansCondensed-Bold.ttf")}
    for key, (reg, reg_path, bold, bold_path) in ttf.items():
        if os.path.exists(reg_path) and os.path.exists(bold_path):
            pdfmetrics.registerFont(TTFont(reg, reg_path))
            pdfmetrics.registerFont(TTFont(bold, bold_path))
            FONTS[key] = (reg, bold)


_register()
HAS_RUPEE_FONT = "dejavu" in FONTS
PAGE_SIZES = {"a4": A4, "letter": LETTER}


class Pen:
    """A canvas plus the document's fonts and margins, counting pages as they are finished."""

    def __init__(self, font: str, page: str | tuple = "a4", margin: float = 50, total_pages: int | None = None):
        self.buf = io.BytesIO()
        self.size = PAGE_SIZES[page] if isinstance(page, str) else page
        self.c = canvas.Canvas(self.buf, pagesize=self.size, pageCompression=1)
        self.c.setAuthor("ledgerline layouts.py (synthetic)")
        self.regular, self.bold = FONTS[font]
        self.w, self.h = self.size
        self.margin = margin
        self.page = 1
        self.total_pages = total_pages
        self.on_page_end = None   # callback(pen) drawing footers on every page

    # -- text ---------------------------------------------------------------------------------
    def font(self, bold: bool) -> str:
        return self.bold if bold else self.regular

    def width(self, s: str, size: float, bold: bool = False) -> float:
        return stringWidth(s, self.font(bold), size)

    def text(self, x: float, y: float, s: str, size: float = 9, bold: bool = False, align: str = "l", gray: float = 0):
        self.c.setFont(self.font(bold), size)
        self.c.setFillGray(gray)
        if align == "r":
            self.c.drawRightString(x, y, s)
        elif align == "c":
            self.c.drawCentredString(x, y, s)
        else:
            self.c.drawString(x, y, s)
        self.c.setFillGray(0)

    def lines(self, x, y, rows, size=9, bold_first=False, lead=None, align="l", gray=0) -> float:
        """Draws rows downwards from y; returns the y below the last one."""
        lead = lead or size * 1.25
        for i, s in enumerate(rows):
            self.text(x, y, s, size, bold_first and i == 0, align, gray)
            y -= lead
        return y

    def wrap(self, s: str, width: float, size: float, bold: bool = False) -> list[str]:
        """Greedy word wrap at spaces, so joining the lines with one space gives `s` back.
        A newline in `s` forces a break (a sub-line such as a service period)."""
        if "\n" in s:
            return [part for para in s.split("\n") for part in self.wrap(para, width, size, bold)]
        out, cur = [], ""
        for word in s.split(" "):
            trial = f"{cur} {word}" if cur else word
            if cur and self.width(trial, size, bold) > width:
                out.append(cur)
                cur = word
            else:
                cur = trial
        return out + [cur]

    def rule(self, x1, y, x2, width=0.5, gray=0):
        self.c.setLineWidth(width)
        self.c.setStrokeGray(gray)
        self.c.line(x1, y, x2, y)
        self.c.setStrokeGray(0)

    def box(self, x, y_top, w, h, width=0.6, fill=None):
        self.c.setLineWidth(width)
        if fill is not None:
            self.c.setFillGray(fill)
        self.c.rect(x, y_top - h, w, h, stroke=1 if width else 0, fill=1 if fill is not None else 0)
        self.c.setFillGray(0)

    # -- pages --------------------------------------------------------------------------------
    def page_label(self, fmt: str) -> str:
        """fmt like 'Page {p} of {n}' — the total is known on the second rendering pass."""
        return fmt.format(p=self.page, n=self.total_pages or "?")

    def next_page(self):
        if self.on_page_end:
            self.on_page_end(self)
        self.c.showPage()
        self.page += 1

    def finish(self) -> bytes:
        if self.on_page_end:
            self.on_page_end(self)
        self.c.showPage()
        self.c.save()
        return self.buf.getvalue()


def render(draw, font, page="a4", margin=50) -> tuple[bytes, int]:
    """Renders twice so that 'of N' page labels are right; returns (pdf bytes, pages)."""
    pen = Pen(font, page, margin)
    draw(pen)
    pen.finish()
    pages = pen.page
    pen = Pen(font, page, margin, total_pages=pages)
    draw(pen)
    return pen.finish(), pages


# -- label/value blocks ---------------------------------------------------------------------------
def pairs(pen: Pen, x, y, items, label_w=95, size=9, bold_labels=False, lead=None):
    """'Label   value' rows (label left of value, values aligned at x + label_w). Returns y below."""
    lead = lead or size * 1.35
    for label, value in items:
        pen.text(x, y, label, size, bold_labels)
        pen.text(x + label_w, y, value, size)
        y -= lead
    return y


def stacked(pen: Pen, x, y, items, col_w=110, size=9):
    """Label in small grey type above its value, items side by side. Returns y below."""
    for i, (label, value) in enumerate(items):
        pen.text(x + i * col_w, y, label, size - 1.5, gray=0.35)
        pen.text(x + i * col_w, y - size * 1.3, value, size, True)
    return y - size * 2.8


def grid(pen: Pen, x, y, items, cols=2, cell_w=120, cell_h=26, size=9):
    """Boxed cells: label at the top of a cell, value under it. Returns y below the grid."""
    rows = (len(items) + cols - 1) // cols
    for i, (label, value) in enumerate(items):
        cx, cy = x + (i % cols) * cell_w, y - (i // cols) * cell_h
        pen.box(cx, cy, cell_w, cell_h, 0.6)
        pen.text(cx + 4, cy - size * 0.95, label, size - 2, gray=0.3)
        pen.text(cx + 4, cy - cell_h + 6, value, size, True)
    return y - rows * cell_h - 8


def party_block(pen: Pen, x, y, heading, party, size=9, vat_fmt="{label}: {id}", name_bold=True, extra=()):
    """Heading, name, address, optional VAT line. Returns y below."""
    if heading:
        pen.text(x, y, heading, size - 1, True, gray=0.25)
        y -= size * 1.45
    pen.text(x, y, party.name, size + 0.5, name_bold)
    y = pen.lines(x, y - size * 1.3, list(party.address) + list(extra), size)
    if party.vat_id:
        pen.text(x, y, vat_fmt.format(label=party.vat_label, id=party.vat_id), size)
        y -= size * 1.25
    return y


def totals_block(pen: Pen, x_label, x_value, y, rows, size=9.5, lead=None):
    """rows: (label, value, bold). Label left-aligned at x_label, value right-aligned at x_value."""
    lead = lead or size * 1.45
    for label, value, bold in rows:
        pen.text(x_label, y, label, size, bold)
        pen.text(x_value, y, value, size, bold, "r")
        y -= lead
    return y


# -- item table -----------------------------------------------------------------------------------
@dataclass
class Col:
    key: str
    head: str
    width: float
    align: str = "l"


def table(pen: Pen, cols: list[Col], rows: list[dict], x, y, *, size=8.5, wrap_key="name", bottom=80,
          head_fill=0.88, head_bold=True, grid_lines=False, zebra=False, lead=None, on_new_page=None,
          carry=None, amount_key=None, sum_of=None, reserve=0):
    """Draws the item table from y downwards and returns the y below it.

    Rows are dicts of printed strings (key → text); the wrap_key column wraps. When a row does
    not fit above `bottom`, the page ends: with `carry=(fmt_label_out, fmt_label_in, fmt_amount)`
    a 'carried forward' row with the running sum of `sum_of(row)` is printed in `amount_key`'s
    column, and repeated at the top of the next page. `on_new_page(pen)` draws the continuation
    header and returns the y where the table resumes. `reserve` keeps room below the last row.
    """
    lead = lead or size * 1.3
    total_w = sum(c.width for c in cols)

    def col_x(c):
        i = cols.index(c)
        left = x + sum(cc.width for cc in cols[:i])
        return {"l": left + 3, "r": left + c.width - 3, "c": left + c.width / 2}[c.align]

    def header(y):
        heads = [c.head.split("\n") for c in cols]
        h = max(len(hh) for hh in heads) * lead + 5
        if head_fill is not None:
            pen.box(x, y, total_w, h, 0, fill=head_fill)
        for c, hh in zip(cols, heads):
            for j, part in enumerate(hh):
                pen.text(col_x(c), y - lead * (j + 1) + 1, part, size, head_bold, c.align)
        if head_fill is None:
            pen.rule(x, y - h, x + total_w, 0.8)
        return y - h - 3

    def special_row(y, label, amount):
        wrap_col = next(c for c in cols if c.key == wrap_key)
        amt_col = next(c for c in cols if c.key == amount_key)
        pen.text(col_x(wrap_col), y - lead + 2, label, size, True)
        pen.text(col_x(amt_col), y - lead + 2, amount, size, True, amt_col.align)
        return y - lead - 3

    running = Decimal(0)
    y = header(y)
    for i, row in enumerate(rows):
        wrap_col = next(c for c in cols if c.key == wrap_key)
        parts = pen.wrap(row[wrap_key], wrap_col.width - 6, size)
        h = len(parts) * lead + 3
        last = i == len(rows) - 1
        need = h + (lead + 4 if carry else 0) + (reserve if last else 0)
        if y - need < bottom and on_new_page:
            if carry:
                pen.rule(x, y, x + total_w, 0.4)
                special_row(y, carry[0], carry[2](running))
            pen.next_page()
            y = header(on_new_page(pen))
            if carry:
                y = special_row(y, carry[1], carry[2](running))
        if zebra and i % 2 == 1:
            pen.box(x, y + 1, total_w, h, 0, fill=0.95)
        for c in cols:
            if c.key == wrap_key:
                for j, part in enumerate(parts):
                    pen.text(col_x(c), y - lead * (j + 1) + 2, part, size)
            elif row.get(c.key):
                pen.text(col_x(c), y - lead + 2, row[c.key], size, False, c.align)
        y -= h
        if grid_lines:
            pen.rule(x, y + 1, x + total_w, 0.3, 0.5)
        if sum_of:
            running += sum_of(row)
    pen.rule(x, y, x + total_w, 0.8)
    return y - 6


def meta(pen: Pen, style: str, x, y, items, width=220, size=9):
    """Invoice number/date/... block in one of three placements chosen per document:
    'pairs' (label left of value), 'stacked' (label above value), 'grid' (boxed cells)."""
    if style == "pairs":
        label_w = max(pen.width(l, size) for l, _ in items) + 12
        return pairs(pen, x, y, items, label_w=label_w, size=size)
    if style == "stacked":
        per_row = 2 if width < 300 else 3
        for k in range(0, len(items), per_row):
            y = stacked(pen, x, y, items[k:k + per_row], col_w=width / per_row, size=size)
        return y
    return grid(pen, x, y, items, cols=2, cell_w=width / 2, size=size)


def pick_font(rng, prefs) -> str:
    """One of the preferred font families that this machine has (DejaVu may be missing)."""
    have = [f for f in prefs if f in FONTS]
    return rng.choice(have or ["helvetica"])
