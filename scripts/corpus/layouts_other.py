"""English-language and Indian layout families of layouts.py: UK VAT invoice with per-line VAT,
a dense multi-page wholesale invoice, a US SaaS invoice and an Indian GST tax invoice."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from layouts_common import (Doc, Item, Money, digits, fmt_date, fmt_num, fmt_qty, letters, money, party, person,
                            pick_items, random_date, totals_net, totals_per_line)
from layouts_pen import HAS_RUPEE_FONT, Col, grid, pairs, party_block, pick_font, table, totals_block

UK_ITEMS = [
    ("A4 copier paper 80gsm, box of 5 reams", "box", 18, 32, 0), ("Site visit and inspection", "hrs", 45, 85, 0),
    ("Replacement LED panel 600x600 40W cool white", "each", 22, 48, 0), ("Children's safety car seat", "each", 60, 140, 1),
    ("Domestic boiler service including flue gas analysis and safety certificate", "each", 75, 140, 1),
    ("Printed books – staff training manuals", "each", 12, 30, 2), ("Delivery", "each", 8, 25, 0),
    ("Catering – sandwich platter for 10 people", "each", 35, 70, 0), ("Bottled water 500ml (case of 24)", "case", 5, 9, 2),
]
WORDS = {
    "en": (["Stainless steel hex bolt", "Galvanised washer", "Nylon cable tie", "Copper pipe elbow", "PVC conduit",
            "Brass ball valve", "Wall plug", "Wood screw countersunk", "Silicone sealant", "Masking tape"],
           ["M6 x 30", "M8 x 40", "M10 x 60", "15 mm", "22 mm", "300 mm", "6 x 40", "310 ml", "25 mm x 50 m"],
           ["box of 100", "pack of 50", "bag of 200", "each", "roll", "zinc plated, DIN 125, pack of 500",
            "grade A2-70, DIN 933, fully threaded, box of 100", "white, for sanitary use, cartridge"]),
    "de": (["Sechskantschraube Edelstahl", "Unterlegscheibe verzinkt", "Kabelbinder Nylon", "Kupferbogen 90°",
            "Installationsrohr PVC", "Kugelhahn Messing", "Dübel", "Senkkopf-Holzschraube", "Silikon Sanitär",
            "Abdeckband"],
           ["M6 x 30", "M8 x 40", "M10 x 60", "15 mm", "22 mm", "300 mm", "6 x 40", "310 ml", "25 mm x 50 m"],
           ["VE 100 Stück", "Pack 50", "Beutel 200", "Stück", "Rolle", "galvanisch verzinkt, DIN 125, VE 500",
            "A2-70, DIN 933, Vollgewinde, Karton 100 Stück", "weiß, für Sanitärbereich, Kartusche"]),
}


def _iban_like(rng, cc, n):
    raw = cc + digits(rng, 2) + digits(rng, n)
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


# ---------------------------------------------------------------------------------------------
def build_uk(rng) -> Doc:
    """UK VAT invoice: VAT calculated and printed per line (Net / VAT rate / VAT / Gross columns),
    rates 20 / 5 / 0 %, 'Invoice To' and 'Deliver To' side by side, tax point next to the date."""
    rates = [Decimal(20), Decimal(5), Decimal(0)]
    seller, buyer = party(rng, "uk"), party(rng, "uk", with_vat=0.5)
    items = pick_items(rng, UK_ITEMS, rng.randint(2, 10), rates)
    totals = totals_per_line(items)
    date = random_date(rng)
    number = rng.choice([f"INV-{digits(rng, 5)}", f"SI{digits(rng, 6)}", digits(rng, 5), f"{letters(rng, 3)}/{date.year}/{digits(rng, 3)}"])
    in_cells = rng.random() < .5   # symbol in every cell, or only in the column heads
    m = Money("en", "£", before=True, space=False)
    cm = m if in_cells else Money("en", "")
    cur = "" if in_cells else " £"
    dfmt = rng.choice(["dmy_slash", "d_month_y", "d_mon_y"])
    ds = lambda d: fmt_date(d, dfmt, "en")
    tax_point = date - dt.timedelta(days=rng.choice([0, 0, 2, 5]))
    title = rng.choice(["VAT INVOICE", "TAX INVOICE", "Invoice", "SALES INVOICE"])
    info = [("Invoice No:", number), ("Invoice Date:", ds(date)), ("Tax Point:", ds(tax_point)),
            ("Account Ref:", letters(rng, 4) + digits(rng, 3)), ("Your Order No:", f"PO{digits(rng, 5)}")]
    qty_first = rng.random() < .5
    summary = rng.random() < .5
    company_no = digits(rng, 8)
    site = person(rng, "uk")
    deliver = [f"Unit {rng.randint(1, 40)}, {rng.choice(['Riverside', 'Meadow', 'Canal'])} Trading Estate", buyer.address[-2], buyer.address[-1]]
    title_left = rng.random() < .5

    def draw(pen):
        L, R = pen.margin, pen.w - pen.margin
        if title_left:
            pen.text(L, pen.h - 60, title, 20, True)
            pen.text(R, pen.h - 50, seller.name, 12, True, "r")
            pen.lines(R, pen.h - 64, seller.address + [f"{seller.vat_label}: {seller.vat_id}"], 8, align="r")
        else:
            pen.text(L, pen.h - 50, seller.name, 13, True)
            pen.lines(L, pen.h - 64, seller.address + [f"{seller.vat_label}: {seller.vat_id}"], 8)
            pen.text(R, pen.h - 55, title, 18, True, "r")
        y0 = pen.h - 150
        party_block(pen, L, y0, "Invoice To:", buyer, 9)
        dx = max(170, pen.width(buyer.name, 9.5, True) + 16)   # clear of a long buyer name
        pen.text(L + dx, y0, "Deliver To:", 8, True, gray=.25)
        pen.lines(L + dx, y0 - 13, [f"FAO {site}"] + deliver, 8.5)
        pairs(pen, R - 170, y0, info, label_w=85, size=8.5)
        cols = [Col("qty", "Qty", 34, "r")] if qty_first else []
        cols += [Col("name", "Description", 0)] + ([] if qty_first else [Col("qty", "Qty", 34, "r")])
        cols += [Col("price", "Unit Price" + cur, 62, "r"), Col("net", "Net" + cur, 62, "r"), Col("rate", "VAT %", 40, "r"),
                 Col("vat", "VAT" + cur, 55, "r"), Col("gross", "Gross" + cur, 65, "r")]
        next(c for c in cols if c.key == "name").width = (R - L) - sum(c.width for c in cols)
        rows = [{"qty": fmt_qty(it.qty, "en"), "name": it.name, "price": cm(it.price), "net": cm(it.amount),
                 "rate": f"{fmt_num(it.rate, 'en', 0)}%", "vat": cm(it.vat), "gross": cm(it.gross)} for it in items]
        y = table(pen, cols, rows, L, y0 - 110, head_fill=0.82, grid_lines=True, on_new_page=lambda p: p.h - 60, reserve=120)
        if summary:
            rc = [Col("r", "VAT Rate", 60, "r"), Col("n", "Net", 70, "r"), Col("v", "VAT", 70, "r")]
            table(pen, rc, [{"r": f"{fmt_num(r, 'en', 1)}%", "n": m(n), "v": m(v)} for r, n, v in totals.by_rate],
                  L, y - 10, wrap_key="r", size=8)
        y = totals_block(pen, R - 190, R, y - 14, [("Total Net", m(totals.base), False), ("Total VAT", m(totals.tax), False),
                                                   (rng_total, m(totals.grand), True)], size=10)
        pen.lines(L, 50, [f"{seller.name}. Registered in England and Wales No. {company_no}.",
                          f"Registered office: {', '.join(seller.address)}. Payment terms: 30 days net."], 7)

    rng_total = rng.choice(["Invoice Total", "TOTAL DUE", "Total (inc. VAT)", "Amount Due"])
    return Doc("uk_vat_lines", "en", number, date, seller, buyer, "GBP", items, totals, draw,
               pick_font(rng, ["helvetica", "times", "vera", "dejavu"]), margin=rng.choice([40, 48]), print_gross=True)


# ---------------------------------------------------------------------------------------------
def build_dense(rng) -> Doc:
    """Dense wholesale invoice of 40-80 lines in small type: the table runs over 2-3 pages with
    the header repeated, 'Carried forward' / 'Brought forward' rows (or 'Übertrag') at the
    page breaks and 'Page x of y'. English (GBP, 20 %) or German (EUR, 19 %)."""
    lang = rng.choice(["en", "de"])
    country, cur, rate = ("uk", "GBP", Decimal(20)) if lang == "en" else ("de", "EUR", Decimal(19))
    seller, buyer = party(rng, country), party(rng, country, with_vat=0.7)
    date = random_date(rng)
    nouns, sizes, packs = WORDS[lang]
    items = []
    for _ in range(rng.randint(40, 80)):
        name = f"{rng.choice(nouns)} {rng.choice(sizes)}, {rng.choice(packs)}"
        items.append(Item(name, Decimal(rng.choice([1, 2, 3, 5, 10, 12, 20, 25, 50])), money(rng.uniform(0.8, 60)), rate,
                          unit=rng.choice(["pc", "bx", "pk"]) if lang == "en" else rng.choice(["Stk", "VE", "Pck"]),
                          code=f"{letters(rng, 2)}-{digits(rng, 5)}"))
    totals = totals_net(items)
    number = rng.choice([f"{digits(rng, 7)}", f"SI-{date.year}-{digits(rng, 5)}"])
    m = Money("en", "") if lang == "en" else Money("de", "")
    tm = Money("en", "£", before=True, space=False) if lang == "en" else Money("de", "€")
    ds = lambda d: fmt_date(d, rng_dfmt, lang)
    size = rng.choice([7.2, 7.6, 8.0])
    lead = size * rng.choice([1.3, 1.55, 1.8])
    L_ = {"en": dict(title="INVOICE", no="Invoice number", date="Invoice date", cust="Customer", cf="Carried forward",
                     bf="Brought forward", cont="Invoice {n} – continued", page="Page {p} of {n}", heads=["Line", "Item no.",
                     "Description", "Qty", "Unit", "Unit price", "Amount"], net="Goods total", vat=f"VAT {rate}%", tot="Total due",
                     buyer="Invoice address"),
          "de": dict(title="RECHNUNG", no="Rechnungsnummer", date="Rechnungsdatum", cust="Kunde", cf="Übertrag",
                     bf="Übertrag", cont="Rechnung {n} – Fortsetzung", page="Seite {p} von {n}", heads=["Zeile", "Artikel",
                     "Bezeichnung", "Menge", "ME", "Preis", "Betrag"], net="Warenwert netto", vat=f"MwSt. {rate} %",
                     tot="Rechnungsbetrag", buyer="Rechnungsadresse")}[lang]
    cust = digits(rng, 6)

    def footer(pen):
        pen.text(pen.w - pen.margin, 25, pen.page_label(L_["page"]), 7.5, align="r")
        pen.text(pen.margin, 25, f"{seller.name} · {seller.vat_label} {seller.vat_id}", 7)

    def cont(pen):
        pen.text(pen.margin, pen.h - 45, seller.name, 9, True)
        pen.text(pen.w - pen.margin, pen.h - 45, L_["cont"].format(n=number), 9, align="r")
        return pen.h - 60

    def draw(pen):
        pen.on_page_end = footer
        L, R = pen.margin, pen.w - pen.margin
        pen.text(L, pen.h - 50, seller.name, 12, True)
        pen.lines(L, pen.h - 63, seller.address, 8)
        pen.text(R, pen.h - 50, L_["title"], 16, True, "r")
        party_block(pen, L, pen.h - 110, L_["buyer"], buyer, 8.5)
        pairs(pen, R - 180, pen.h - 110, [(L_["no"], number), (L_["date"], ds(date)), (L_["cust"], cust)], label_w=90, size=8.5)
        h = L_["heads"]
        cols = [Col("ln", h[0], 28, "r"), Col("code", h[1], 55), Col("name", h[2], 0), Col("qty", h[3], 34, "r"),
                Col("unit", h[4], 28), Col("price", h[5], 52, "r"), Col("amount", h[6], 62, "r")]
        cols[2].width = (R - L) - sum(c.width for c in cols)
        rows = [{"ln": str(k), "code": it.code, "name": it.name, "qty": fmt_qty(it.qty, lang), "unit": it.unit,
                 "price": m(it.price), "amount": m(it.amount), "_amt": it.amount} for k, it in enumerate(items, 1)]
        y = table(pen, cols, rows, L, pen.h - 190, size=size, lead=lead, head_fill=0.85, zebra=rng_zebra, bottom=60,
                  on_new_page=cont, carry=(L_["cf"], L_["bf"], lambda v: m(v)), amount_key="amount",
                  sum_of=lambda r: r["_amt"], reserve=60)
        totals_block(pen, R - 200, R, y - 8, [(L_["net"], tm(totals.base), False), (L_["vat"], tm(totals.tax), False),
                                               (L_["tot"], tm(totals.grand), True)], size=9)

    rng_dfmt = rng.choice(["dmy_dot", "iso"] if lang == "de" else ["dmy_slash", "d_mon_y", "iso"])
    rng_zebra = rng.random() < .5
    return Doc("dense_multipage", lang, number, date, seller, buyer, cur, items, totals, draw,
               pick_font(rng, ["helvetica", "dejavu_cond", "courier", "vera"]), margin=rng.choice([30, 36, 42]))


# ---------------------------------------------------------------------------------------------
SAAS_ITEMS = [("Team plan (per seat)", 8, 25), ("Business plan (per seat)", 20, 60), ("Additional storage 100 GB", 5, 15),
              ("Priority support add-on", 49, 199), ("API usage overage – 10k requests", 2, 6), ("Enterprise SSO", 99, 299),
              ("Onboarding and implementation workshop (remote, half day)", 450, 900)]


def build_us(rng) -> Doc:
    """US SaaS invoice on Letter paper: product brand at the top, 'Bill to' on the left, the
    issuer's legal name and address only in the footer, service periods under the descriptions,
    '$x due <date>' banner, Subtotal / Tax / Total / Amount paid / Amount due."""
    seller = party(rng, "us")
    brand = seller.name.split()[0] + rng.choice(["", " Cloud", "ly", " HQ"])
    bcountry = rng.choice(["us", "us", "de", "nl", "uk", "fr"])
    buyer = party(rng, bcountry, with_vat=0.6 if bcountry != "us" else 0)
    buyer.vat_label = "VAT"
    date = random_date(rng)
    end = date + dt.timedelta(days=30)
    dfmt = rng.choice(["mon_d_y", "month_d_y", "mdy_slash", "iso"])
    ds = lambda d: fmt_date(d, dfmt, "en")
    period = f"{fmt_date(date, 'mon_d_y')} – {fmt_date(end, 'mon_d_y')}"
    items = []
    for name, lo, hi in rng.sample(SAAS_ITEMS, rng.randint(1, 4)):
        qty = Decimal(rng.choice([1, 1, 3, 5, 12, 25])) if "seat" in name else Decimal(1)
        items.append(Item(f"{name}\n{period}" if rng.random() < .7 else name, qty, money(rng.uniform(lo, hi)), Decimal(0)))
    # A customer abroad is not charged US sales tax.
    tax_label, tax_rate = ("Tax (0%, customer outside the US)", Decimal(0)) if bcountry != "us" else rng.choice(
        [("Sales tax (8.875%)", Decimal("8.875")), ("Tax (7.25%)", Decimal("7.25")), ("Tax", Decimal(0)), ("Sales Tax 6%", Decimal(6))])
    for it in items:
        it.rate = tax_rate
    totals = totals_net(items)
    number = rng.choice([f"{letters(rng, 4)}{digits(rng, 4)}-{digits(rng, 4)}", f"INV-{date.year}-{digits(rng, 4)}", f"#{digits(rng, 5)}"])
    m = Money("en", "$", before=True, space=False)
    email = f"billing@{buyer.name.split()[0].lower()}.com"

    def draw(pen):
        L, R = pen.margin, pen.w - pen.margin
        pen.text(L, pen.h - 60, brand, 18, True)
        pen.text(R, pen.h - 60, "Invoice", 18, False, "r")
        y = pairs(pen, R - 200, pen.h - 90, [("Invoice number", number.lstrip("#") if rng_hash_off else number),
                                             ("Date of issue", ds(date)), ("Date due", ds(end))], label_w=90)
        pen.text(L, pen.h - 90, "Bill to", 9, True)
        yb = pen.lines(L, pen.h - 104, [buyer.name] + buyer.address + [email], 9)
        if buyer.vat_id:
            pen.text(L, yb, f"{buyer.vat_label} {buyer.vat_id}", 9)
        pen.text(L, pen.h - 200, f"{m(totals.grand)} due {ds(end)}", 14, True)
        cols = [Col("name", "Description", 0), Col("qty", "Qty", 40, "r"), Col("price", "Unit price", 80, "r"),
                Col("amount", "Amount", 85, "r")]
        cols[0].width = (R - L) - sum(c.width for c in cols)
        rows = [{"name": it.name, "qty": fmt_qty(it.qty, "en"), "price": m(it.price), "amount": m(it.amount)} for it in items]
        y = table(pen, cols, rows, L, pen.h - 225, size=9, head_fill=None, head_bold=False, lead=13, reserve=100,
                  on_new_page=lambda p: p.h - 60)
        out = [("Subtotal", m(totals.base), False), (tax_label, m(totals.tax), False), ("Total", m(totals.grand), False),
               ("Amount paid", m(Decimal(0)), False), ("Amount due", m(totals.grand), True)]
        if not tax_rate and rng_no_tax_row:
            out.pop(1)
        totals_block(pen, R - 220, R, y - 10, out, size=9.5)
        pen.rule(L, 60, R, 0.3, 0.6)
        pen.text(L, 46, f"{seller.name} · {' · '.join(seller.address)}", 7.5, gray=0.3)
        pen.text(R, 46, pen.page_label("Page {p} of {n}"), 7.5, align="r", gray=0.3)

    rng_hash_off = rng.random() < .3
    rng_no_tax_row = rng.random() < .5
    seller.vat_id = None
    return Doc("us_saas", "en", number.lstrip("#"), date, seller, buyer, "USD", items, totals, draw,
               pick_font(rng, ["helvetica", "dejavu", "vera"]), page="letter", margin=rng.choice([48, 60]))


# ---------------------------------------------------------------------------------------------
IN_ITEMS = [("Cotton yarn 40s combed", "kg", 180, 320, 0, "5205"), ("Steel almirah 4 door", "nos", 6500, 14000, 2, "9403"),
            ("LED tube light 20W", "pcs", 180, 420, 2, "9405"), ("Basmati rice premium 25 kg bag", "bag", 1800, 2900, 0, "1006"),
            ("Annual maintenance contract – air conditioners (split, 1.5 ton) at client premises", "job", 4000, 12000, 2, "998719"),
            ("Printing of brochures A4 four colour", "pcs", 8, 22, 1, "4911"), ("Packaged drinking water 20 L", "jar", 60, 110, 1, "2201"),
            ("Software consultancy services", "hrs", 1200, 3500, 2, "998314")]
ONES = "Zero One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen Fourteen Fifteen Sixteen " \
       "Seventeen Eighteen Nineteen".split()
TENS = "_ _ Twenty Thirty Forty Fifty Sixty Seventy Eighty Ninety".split()


def words_in(n: int) -> str:
    """Indian-style amount in words (lakh, crore), as Tally and similar tools print it."""
    def small(k):
        if k < 20:
            return ONES[k]
        if k < 100:
            return TENS[k // 10] + ("" if k % 10 == 0 else " " + ONES[k % 10])
        return ONES[k // 100] + " Hundred" + ("" if k % 100 == 0 else " " + small(k % 100))
    parts = []
    for div, name in ((10 ** 7, "Crore"), (10 ** 5, "Lakh"), (1000, "Thousand")):
        if n >= div:
            parts.append(f"{small(n // div)} {name}")
            n %= div
    if n or not parts:
        parts.append(small(n))
    return " ".join(parts)


def build_in(rng) -> Doc:
    """Indian GST tax invoice (Tally-like): centred issuer with GSTIN and state code, a boxed grid
    of invoice no./dated/delivery note/order no., buyer with GSTIN, a wide table with HSN/SAC,
    taxable value and CGST/SGST rate+amount columns, amounts in Indian grouping (1,23,456.00)
    with ₹, 'Rs.' or 'INR', and the amount in words."""
    seller = party(rng, "in")
    buyer = party(rng, "in", with_vat=0.8)
    rates = [Decimal(5), Decimal(12), Decimal(18)]
    items = []
    for _ in range(rng.randint(2, 8)):
        name, unit, lo, hi, ri, hsn = rng.choice(IN_ITEMS)
        qty = Decimal(rng.choice([1, 2, 4, 5, 10, 25, 50, 100])) if unit not in ("job",) else Decimal(1)
        items.append(Item(name, qty, money(rng.uniform(lo, hi)), rates[ri], unit=unit, code=hsn))
    state = seller.address[-1].split(",")[-1].split("-")[0].strip()
    bstate = buyer.address[-1].split(",")[-1].split("-")[0].strip()
    # Within one state the tax is split into CGST + SGST (each half rounded); across states it is IGST.
    inter = state != bstate
    totals = totals_per_line(items, split=1 if inter else 2)
    date = random_date(rng)
    fy = f"{date.year}-{(date.year + 1) % 100:02d}" if date.month >= 4 else f"{date.year - 1}-{date.year % 100:02d}"
    number = rng.choice([f"INV/{fy}/{digits(rng, 4)}", f"{seller.name[:2].upper()}/{digits(rng, 3)}/{fy}", digits(rng, 4)])
    sym = rng.choice(["₹", "Rs.", "INR"]) if HAS_RUPEE_FONT else rng.choice(["Rs.", "INR"])
    m = Money("in", "")
    tm = Money("in", sym, before=True, space=sym != "₹")
    dfmt = rng.choice(["dmy_dash", "d_mon_y_dash", "dmy_slash", "dmy_dot"])
    ds = lambda d: fmt_date(d, dfmt, "en")
    grid_items = [("Invoice No.", number), ("Dated", ds(date)), ("Delivery Note", f"DN-{digits(rng, 4)}"),
                  ("Mode/Terms of Payment", rng.choice(["30 Days", "Immediate", "Advance"])),
                  ("Buyer's Order No.", f"PO/{digits(rng, 5)}"), ("Dispatched through", rng.choice(["By Road", "Courier", "Self"]))]
    paise = int((totals.grand % 1) * 100)
    in_words = f"{'INR' if sym == 'INR' else 'Rupees'} {words_in(int(totals.grand))}" + (f" and {words_in(paise)} Paise" if paise else "") + " Only"

    def draw(pen):
        L, R = pen.margin, pen.w - pen.margin
        pen.text(pen.w / 2, pen.h - 40, "TAX INVOICE", 12, True, "c")
        pen.box(L, pen.h - 48, R - L, 95)
        pen.text(L + 6, pen.h - 62, seller.name, 11, True)
        pen.lines(L + 6, pen.h - 75, seller.address + [f"GSTIN/UIN: {seller.vat_id}", f"State Name: {state}, Code: {seller.vat_id[:2]}"], 8)
        grid(pen, pen.w / 2 + 10, pen.h - 48, grid_items, cols=2, cell_w=(R - pen.w / 2 - 10) / 2, cell_h=31, size=8)
        y = pen.h - 160
        pen.text(L, y, "Buyer (Bill to)", 8, True, gray=.25)
        pen.text(L, y - 12, buyer.name, 9.5, True)
        y = pen.lines(L, y - 24, buyer.address + ([f"GSTIN/UIN: {buyer.vat_id}"] if buyer.vat_id else []) + [f"State Name: {bstate}"], 8)
        cols = [Col("sl", "Sl\nNo.", 20, "r"), Col("name", "Description of\nGoods/Services", 0), Col("hsn", "HSN/\nSAC", 40),
                Col("qty", "Qty", 38, "r"), Col("rate", "Rate", 48, "r"), Col("tv", "Taxable\nValue", 56, "r")]
        if inter:
            cols += [Col("ir", "IGST\n%", 28, "r"), Col("ia", "IGST\nAmt", 56, "r")]
        else:
            cols += [Col("cr", "CGST\n%", 24, "r"), Col("ca", "CGST\nAmt", 46, "r"), Col("sr", "SGST\n%", 24, "r"),
                     Col("sa", "SGST\nAmt", 46, "r")]
        cols += [Col("tot", "Total", 58, "r")]
        cols[1].width = (R - L) - sum(c.width for c in cols)
        half = lambda it: money(it.amount * it.rate / 200)
        rows = [{"sl": str(k), "name": it.name, "hsn": it.code, "qty": f"{fmt_qty(it.qty, 'in')} {it.unit}", "rate": m(it.price),
                 "tv": m(it.amount), "cr": fmt_num(it.rate / 2, "en", 1), "ca": m(half(it)), "sr": fmt_num(it.rate / 2, "en", 1),
                 "sa": m(half(it)), "ir": fmt_num(it.rate, "en", 0), "ia": m(it.vat), "tot": m(it.gross)}
                for k, it in enumerate(items, 1)]
        y = table(pen, cols, rows, L, y - 8, size=7, head_fill=0.88, grid_lines=True, on_new_page=lambda p: p.h - 50, reserve=130)
        taxes = [("IGST", tm(totals.tax), False)] if inter else [("CGST", tm(totals.tax / 2), False), ("SGST", tm(totals.tax / 2), False)]
        out = [("Taxable Value", tm(totals.base), False)] + taxes + [(rng_total, tm(totals.grand), True)]
        y = totals_block(pen, R - 210, R, y - 8, out, size=9)
        pen.text(L, y - 6, "Amount Chargeable (in words)", 7.5, gray=.3)
        pen.text(L, y - 18, in_words, 8.5, True)
        pen.lines(L, y - 40, [f"Company's PAN: {seller.vat_id[2:12]}", "Declaration: We declare that this invoice shows the actual price",
                              "of the goods described and that all particulars are true and correct.", "This is a Computer Generated Invoice"], 7)
        pen.text(R, y - 40, f"for {seller.name}", 8, True, "r")
        pen.text(R, y - 80, "Authorised Signatory", 8, align="r")

    rng_total = rng.choice(["Grand Total", "Total Invoice Value", "Total Amount"])
    return Doc("in_gst", "en", number, date, seller, buyer, "INR", items, totals, draw,
               pick_font(rng, ["dejavu", "dejavu_cond", "dejavu_serif"] if sym == "₹" else ["helvetica", "vera", "times"]),
               margin=rng.choice([30, 36]), print_gross=True)
