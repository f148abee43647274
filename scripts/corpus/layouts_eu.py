"""Continental European layout families of layouts.py: German, French, Spanish, Italian, Dutch and
Swedish invoices. Each `build_*` draws every random choice up front and returns a Doc whose
`draw(pen)` renders it; wording, label placement, column order, fonts and formats vary per document.
Some values a `draw` closure reads (named rng_*) are drawn just after it is defined; draw() itself
never touches the random generator, because each document is rendered twice (see layouts_pen.render).
"""
from __future__ import annotations

from decimal import Decimal

from layouts_common import (Doc, Item, Money, digits, fmt_date, fmt_num, fmt_qty, money, party, person,
                            pick_items, random_date, totals_net)
from layouts_pen import Col, grid, meta, pairs, party_block, pick_font, table, totals_block
import datetime as dt


def rate_txt(r: Decimal, style: str, space=True) -> str:
    return fmt_num(r, style, 0 if r == r.to_integral_value() else 1) + (" %" if space else "%")


def iban(rng, cc: str, n: int) -> str:
    raw = cc + digits(rng, 2) + digits(rng, n)
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


# Catalog rows: (description, unit, low price, high price, index into the family's rate list).
DE_ITEMS = [
    ("Kopierpapier A4 80 g/m², 500 Blatt", "Pck.", 3.5, 6.9, 0), ("Toner schwarz für LaserJet M404", "Stk.", 49, 119, 0),
    ("Montagearbeiten Geselle", "Std.", 48, 72, 0), ("Anfahrtspauschale", "pausch.", 25, 45, 0),
    ("Wartung der Heizungsanlage inkl. Abgasmessung, Reinigung des Brenners und Prüfprotokoll", "pausch.", 140, 260, 0),
    ("Kaffeebohnen Espresso Bio, 1 kg", "kg", 14, 24, 1), ("Fachbuch Steuerrecht für Praktiker, 12. Auflage", "Stk.", 39, 79, 1),
    ("Apfelsaft naturtrüb 0,7 l (Kiste à 6 Flaschen)", "Kiste", 9, 15, 1), ("Netzwerkkabel Cat.6 S/FTP, 5 m, grau", "Stk.", 4, 9, 0),
    ("Beratung und Konzeption Relaunch Webseite gemäß Angebot vom Vormonat", "Std.", 85, 140, 0),
    ("Edelstahlschrauben M6 x 40 DIN 933 A2", "Pck.", 6, 14, 0), ("Frische Backwaren Sortiment", "kg", 4, 9, 1),
]
FR_ITEMS = [
    ("Ramette papier A4 80 g", "u", 3.9, 7.5, 0), ("Cartouche d'encre noire XL", "u", 25, 60, 0),
    ("Main d'œuvre technicien", "heures", 45, 75, 0), ("Frais de déplacement", "forfait", 30, 60, 0),
    ("Maintenance annuelle du système de climatisation, contrôle d'étanchéité et remplacement des filtres", "forfait", 180, 420, 0),
    ("Café en grains bio 1 kg", "kg", 15, 26, 2), ("Livre « Gestion de trésorerie », 3e édition", "u", 25, 48, 2),
    ("Repas d'affaires – menu du jour", "u", 18, 32, 1), ("Câble HDMI 2.1 – 3 m", "u", 9, 19, 0),
    ("Prestation de conseil en organisation selon devis accepté", "jour", 450, 900, 0),
]
ES_ITEMS = [
    ("Aceite de oliva virgen extra 5 L", "ud", 28, 45, 2), ("Harina de trigo 25 kg", "saco", 14, 22, 2),
    ("Servicio de mantenimiento informático mensual", "mes", 90, 180, 0), ("Tóner compatible HP 26A", "ud", 35, 70, 0),
    ("Portes", "ud", 8, 20, 0), ("Cerveza rubia barril 30 L", "ud", 65, 95, 0),
    ("Queso manchego curado, pieza de 3 kg aproximadamente, con denominación de origen", "kg", 14, 22, 1),
    ("Agua mineral 1,5 L pack 6", "ud", 2, 4, 1), ("Reparación de cámara frigorífica y recarga de gas", "ud", 150, 380, 0),
]
IT_ITEMS = [
    ("Risma carta A4 80 gr", "pz", 3.5, 7, 0), ("Consulenza tecnica specialistica", "ore", 55, 95, 0),
    ("Caffè in grani miscela bar 1 kg", "kg", 13, 22, 1), ("Olio extravergine di oliva 1 L", "pz", 7, 14, 2),
    ("Manutenzione ordinaria impianto elettrico con verifica messa a terra e relazione tecnica", "pz", 150, 380, 0),
    ("Trasporto", "pz", 15, 35, 0), ("Pasta di semola di grano duro 500 g (cartone da 24)", "ct", 18, 30, 2),
    ("Monitor 27 pollici IPS", "pz", 180, 320, 0),
]
NL_ITEMS = [
    ("Kantoorpapier A4 80 grams", "st", 4, 8, 0), ("Arbeidsuren monteur", "uur", 45, 75, 0),
    ("Voorrijkosten", "st", 25, 45, 0), ("Koffiebonen biologisch 1 kg", "st", 13, 22, 1),
    ("Onderhoud cv-ketel inclusief rookgasanalyse en vervanging van het expansievat", "st", 140, 300, 0),
    ("Boeken – Handboek fiscaal recht", "st", 35, 70, 1), ("Laptopstandaard aluminium", "st", 25, 55, 0),
]
SE_ITEMS = [
    ("Kopieringspapper A4 80 g", "st", 45, 79, 0), ("Konsulttimmar systemutveckling", "tim", 850, 1250, 0),
    ("Livsmedel – kaffe mellanrost 500 g", "st", 49, 89, 1), ("Böcker – Handbok i redovisning", "st", 350, 590, 2),
    ("Serviceavtal för kylanläggning inklusive läckagekontroll och filterbyte", "st", 2400, 5200, 0),
    ("Frakt", "st", 95, 250, 0), ("Bildskärm 24 tum", "st", 1490, 2690, 0),
]


def _common(rng, country, lang, catalog, rates, n_range=(2, 9), price_scale=1.0):
    seller, buyer = party(rng, country), party(rng, country, with_vat=0.6)
    items = pick_items(rng, catalog, rng.randint(*n_range), rates, price_scale)
    return seller, buyer, items, random_date(rng)


# ---------------------------------------------------------------------------------------------
def build_de(rng) -> Doc:
    """German Rechnung: DIN 5008 address window with sender line, info block to the right,
    Pos./Bezeichnung/Menge/Einzelpreis/Gesamt, MwSt 19 % / 7 %, optional Rabatt and Versand."""
    rates = [Decimal(19), Decimal(7)] if rng.random() < .6 else [Decimal(19)]
    seller, buyer, items, date = _common(rng, "de", "de", DE_ITEMS, rates)
    if rng.random() < .4:
        items.append(Item(rng.choice(["Versandkostenpauschale", "Versand und Verpackung", "Fracht"]), Decimal(1),
                          money(rng.uniform(4.9, 19.9)), rates[0], unit="pausch."))
    discount = Decimal(0)
    single = len({i.rate for i in items}) == 1
    pct = rng.choice([2, 3, 5, 10])
    if single and rng.random() < .5:
        discount = money(sum(i.amount for i in items) * pct / 100)
    totals = totals_net(items, discount)
    number = rng.choice([f"RE-{date.year}-{digits(rng, 5)}", f"{date.year}-{digits(rng, 4)}", f"R{date:%y%m%d}-{rng.randint(1, 99):02d}", digits(rng, 6)])
    m = rng.choice([Money("de", "€"), Money("de", "EUR"), Money("de", "€", before=True), Money("de", "")])
    total_m = m if m.symbol else Money("de", "€")
    dfmt = rng.choice(["dmy_dot", "dmy_dot", "d_dot_month_y", "iso"])
    ds = lambda d: fmt_date(d, dfmt, "de")
    lab_no = rng.choice(["Rechnungsnummer", "Rechnungs-Nr.", "Rechnung Nr.", "Beleg-Nr."])
    lab_date = rng.choice(["Rechnungsdatum", "Datum", "Belegdatum"])
    info = [(lab_no, number), (lab_date, ds(date)), ("Kundennummer", digits(rng, 5)),
            (rng.choice(["Lieferdatum", "Leistungsdatum"]), ds(date - dt.timedelta(days=rng.randint(0, 10))))]
    rng.shuffle(info[2:])
    style = rng.choice(["pairs", "pairs", "stacked", "grid"])
    with_code, with_rate_col = rng.random() < .5, len(rates) > 1
    vat_in_head = rng.random() < .5
    title = rng.choice(["Rechnung", f"Rechnung Nr. {number}", "RECHNUNG"])
    attn = person(rng, "de")
    due = date + dt.timedelta(days=rng.choice([14, 30]))
    codes = [digits(rng, rng.choice([5, 6])) for _ in items]

    def draw(pen):
        L, R = pen.margin, pen.w - pen.margin
        pen.text(R, pen.h - 60, seller.name, 15, True, "r")
        y = pen.lines(R, pen.h - 76, seller.address + ([f"{seller.vat_label} {seller.vat_id}"] if vat_in_head else []), 8, align="r")
        sender = f"{seller.name} · {seller.address[0]} · {seller.address[1]}"
        pen.text(L, pen.h - 150, sender, 6.5)
        pen.rule(L, pen.h - 152, L + pen.width(sender, 6.5), 0.3)
        party_block(pen, L, pen.h - 168, rng_free_heading, buyer, 9.5, vat_fmt="{label}: {id}",
                    extra=())
        meta(pen, style, R - 220, pen.h - 165, info, 220)
        y = pen.h - 290
        pen.text(L, y, title, 14, True)
        y = pen.lines(L, y - 22, ["Sehr geehrte Damen und Herren,",
                                  "wir erlauben uns, Ihnen folgende Leistungen in Rechnung zu stellen:"], 9)
        cols = [Col("pos", "Pos.", 30)] + ([Col("code", "Art.-Nr.", 50)] if with_code else [])
        cols += [Col("qty", "Menge", 42, "r"), Col("unit", "Einheit", 42), Col("price", "Einzelpreis", 70, "r")]
        cols += [Col("rate", "MwSt.", 38, "r")] if with_rate_col else []
        cols += [Col("amount", "Gesamt", 72, "r")]
        cols.insert(1 + with_code, Col("name", "Bezeichnung", (R - L) - sum(c.width for c in cols)))
        rows = [{"pos": str(k), "code": codes[k - 1], "name": it.name, "qty": fmt_qty(it.qty, "de"), "unit": it.unit,
                 "price": m(it.price), "rate": rate_txt(it.rate, "de"), "amount": m(it.amount)} for k, it in enumerate(items, 1)]
        y = table(pen, cols, rows, L, y - 6, on_new_page=lambda p: p.h - 70, reserve=120)
        t = totals
        out = [(rng_net_label, total_m(t.lines), False)]
        if t.discount:
            out += [(f"abzgl. {pct} % Rabatt", total_m(-t.discount), False), ("Nettobetrag", total_m(t.base), False)]
        for r, base, tax in t.by_rate:
            out.append((f"zzgl. {rate_txt(r, 'de')} MwSt." + (f" auf {total_m(base)}" if len(t.by_rate) > 1 else ""), total_m(tax), False))
        out.append((rng_total_label, total_m(t.grand), True))
        y = totals_block(pen, R - 250, R, y - 8, out)
        pen.lines(L, y - 10, [f"Zahlbar innerhalb von {(due - date).days} Tagen ohne Abzug bis zum {ds(due)}.",
                              f"Bei Rückfragen wenden Sie sich bitte an {attn}."], 8.5)

    rng_free_heading = rng.choice(["", "", "Rechnungsempfänger:", "Rechnungsanschrift"])
    rng_net_label = rng.choice(["Zwischensumme", "Summe netto", "Nettobetrag" if not discount else "Zwischensumme"])
    rng_total_label = rng.choice(["Gesamtbetrag", "Rechnungsbetrag", "Gesamtbetrag brutto", "Endbetrag"])
    hrb = f"Amtsgericht {seller.address[1].split(' ', 1)[1]} HRB {digits(rng, 5)}"
    gf = person(rng, "de")
    bank = iban(rng, "DE", 18)

    def footer(pen):
        L = pen.margin
        pen.rule(L, 58, pen.w - L, 0.4)
        col = (pen.w - 2 * L) / 3
        pen.lines(L, 48, [seller.name] + seller.address, 6.5)
        pen.lines(L + col, 48, [f"Bank: {rng_bank}", f"IBAN: {bank}", "BIC: " + bic], 6.5)
        pen.lines(L + 2 * col, 48, [hrb, f"Geschäftsführer: {gf}", f"{seller.vat_label}: {seller.vat_id}"], 6.5)
        pen.text(pen.w - L, 20, pen.page_label("Seite {p} von {n}"), 7, align="r")

    rng_bank = rng.choice(["Sparkasse", "Volksbank eG", "Commerzbank", "Deutsche Bank"])
    bic = "".join(rng.choice("ABCDEFGHKLMNPRSTUVWXYZ") for _ in range(8))

    def draw_all(pen):
        pen.on_page_end = footer
        draw(pen)

    return Doc("de_rechnung", "de", number, date, seller, buyer, "EUR", items, totals, draw_all,
               pick_font(rng, ["helvetica", "times", "vera", "dejavu_cond"]), margin=rng.choice([50, 56, 64]))


# ---------------------------------------------------------------------------------------------
def build_fr(rng) -> Doc:
    """French facture: issuer block with share capital and SIRET (amounts that are not totals),
    'FACTURE' with a boxed number/date grid, client in a box, P.U. HT / Montant HT columns,
    a TVA recap per rate and Total TTC / Net à payer."""
    rates = rng.choice([[Decimal(20)], [Decimal(20), Decimal(10)], [Decimal(20), Decimal("5.5"), Decimal(10)]])
    seller, buyer, items, date = _common(rng, "fr", "fr", FR_ITEMS, rates)
    totals = totals_net(items)
    number = rng.choice([f"F{date.year}-{digits(rng, 4)}", f"FA{date:%y%m}{digits(rng, 3)}", f"{date.year}/{digits(rng, 5)}"])
    m = rng.choice([Money("fr", "€"), Money("fr_nbsp", "€"), Money("fr", "€", space=False), Money("fr", "")])
    total_m = m if m.symbol else Money("fr", "€")
    dfmt = rng.choice(["dmy_slash", "dmy_slash", "d_month_y"])
    ds = lambda d: fmt_date(d, dfmt, "fr")
    due = date + dt.timedelta(days=30)
    capital = rng.choice([1000, 7500, 10000, 37000, 150000])
    siren = digits(rng, 9)
    lab_no = rng.choice(["N° de facture", "Facture n°", "Numéro"])
    client_head = rng.choice(["Client", "Facturé à", "Adresse de facturation", "DESTINATAIRE"])
    grid_style = rng.choice(["grid", "stacked", "pairs"])
    recap_table = rng.random() < .5
    with_ref = rng.random() < .5
    refs = [f"{rng.choice('ABCDEFGHJK')}{digits(rng, 4)}" for _ in items]

    def footer(pen):
        L = pen.margin
        pen.lines(pen.w / 2, 52, [f"{seller.name} – {rng_form_txt} au capital de {fmt_num(Decimal(capital), 'fr', 0)} € – "
                                   f"RCS {seller.address[1].split(' ', 1)[1]} {siren[:3]} {siren[3:6]} {siren[6:]}",
                                   f"SIRET {siren}{digits_siret} – {seller.vat_label} {seller.vat_id} – Code APE {ape}",
                                   pen.page_label("Page {p}/{n}")], 6.5, align="c")

    rng_form_txt = seller.name.split()[-1]
    digits_siret = digits(rng, 5)
    ape = digits(rng, 4) + rng.choice("ABCZ")

    def draw(pen):
        pen.on_page_end = footer
        L, R = pen.margin, pen.w - pen.margin
        y = pen.h - 55
        pen.text(L, y, seller.name, 13, True)
        pen.lines(L, y - 15, seller.address + [f"Tél. 0{rng_tel}", f"contact@{rng_mail}.fr"], 8.5)
        pen.text(R, y, "FACTURE", 20, True, "r")
        meta(pen, grid_style, R - 230, y - 30, [(lab_no, number), ("Date", ds(date)), ("Échéance", ds(due)),
                                                  ("Réf. client", rng_client)], 230)
        pen.box(R - 230, pen.h - 175, 230, 80, 0.6)
        party_block(pen, R - 222, pen.h - 188, client_head, buyer, 9, vat_fmt="{label} : {id}")
        y = pen.h - 285
        cols = ([Col("ref", "Réf.", 45)] if with_ref else []) + [Col("qty", "Qté", 35, "r"),
                Col("unit", "Unité", 42), Col("price", "P.U. HT", 68, "r"), Col("rate", "TVA", 38, "r"), Col("amount", "Montant HT", 75, "r")]
        cols.insert(1 if with_ref else 0, Col("name", "Désignation", (R - L) - sum(c.width for c in cols)))
        rows = [{"ref": refs[k], "name": it.name, "qty": fmt_qty(it.qty, "fr"), "unit": it.unit, "price": m(it.price),
                 "rate": rate_txt(it.rate, "fr"), "amount": m(it.amount)} for k, it in enumerate(items)]
        y = table(pen, cols, rows, L, y, head_fill=0.8, grid_lines=True, on_new_page=lambda p: p.h - 60, reserve=130)
        t = totals
        if recap_table:
            rc = [Col("r", "Taux TVA", 60, "r"), Col("b", "Base HT", 80, "r"), Col("t", "Montant TVA", 80, "r")]
            table(pen, rc, [{"r": rate_txt(r, "fr"), "b": total_m(b), "t": total_m(x)} for r, b, x in t.by_rate],
                  L, y - 10, wrap_key="r", size=8, head_fill=0.92)
            out = [("Total HT", total_m(t.base), False), ("Total TVA", total_m(t.tax), False)]
        else:
            out = [("Total HT", total_m(t.base), False)] + [(f"TVA {rate_txt(r, 'fr')}", total_m(x), False) for r, _, x in t.by_rate]
        out += [("Total TTC", total_m(t.grand), True)] + ([("Net à payer", total_m(t.grand), True)] if rng_net else [])
        y = totals_block(pen, R - 200, R, y - 12, out)
        pen.lines(L, y - 16,
                  [f"Conditions de paiement : {rng_terms}. Escompte pour paiement anticipé : néant.",
                   "Pénalités de retard : trois fois le taux d'intérêt légal. Indemnité forfaitaire pour frais de recouvrement : 40 €."], 7)

    rng_tel = f"{rng.randint(1, 5)} " + " ".join(digits(rng, 2) for _ in range(4))
    rng_mail = seller.name.split()[0].lower().replace("è", "e").replace("é", "e")
    rng_client = f"C{digits(rng, 5)}"
    rng_net = rng.random() < .5
    rng_terms = rng.choice(["30 jours fin de mois", "à réception", "45 jours date de facture", f"le {ds(due)}"])
    return Doc("fr_facture", "fr", number, date, seller, buyer, "EUR", items, totals, draw,
               pick_font(rng, ["helvetica", "times", "dejavu", "dejavu_serif"]), margin=rng.choice([40, 48, 56]))


# ---------------------------------------------------------------------------------------------
def build_es(rng) -> Doc:
    """Spanish factura: centred issuer heading, 'FACTURA Nº', client box with CIF/NIF,
    Concepto/Cantidad/Precio/Importe, and the typical boxed tax band at the foot
    (Base imponible | % IVA | Cuota | Total) with IVA 21/10/4 %."""
    rates = rng.choice([[Decimal(21)], [Decimal(21), Decimal(10)], [Decimal(21), Decimal(10), Decimal(4)]])
    seller, buyer, items, date = _common(rng, "es", "es", ES_ITEMS, rates)
    seller.vat_label = rng.choice(["CIF", "C.I.F.", "NIF"])
    totals = totals_net(items)
    number = rng.choice([f"{date.year}/{digits(rng, 4)}", f"A-{digits(rng, 6)}", f"FV{date:%y}-{digits(rng, 5)}"])
    m = rng.choice([Money("de", ""), Money("de", "€"), Money("de", "")])
    total_m = Money("de", "€")
    dfmt = rng.choice(["dmy_slash", "dmy_dash", "d_de_month_de_y"])
    ds = lambda d: fmt_date(d, dfmt, "es")
    num_label = rng.choice(["Nº Factura", "Factura nº", "Número"])
    col_code = rng.random() < .5
    codes = [digits(rng, 4) for _ in items]
    reg = f"Inscrita en el Registro Mercantil de {seller.address[1].split(' ', 1)[1]}, Tomo {rng.randint(1000, 40000)}, " \
          f"Folio {rng.randint(1, 200)}, Hoja {rng.choice('MBSVZ')}-{digits(rng, 6)}"
    pay = f"Forma de pago: transferencia bancaria a {iban(rng, 'ES', 20)}"
    cliente_head = rng.choice(["CLIENTE", "Datos del cliente", "Facturar a"])

    def draw(pen):
        L, R = pen.margin, pen.w - pen.margin
        pen.text(pen.w / 2, pen.h - 55, seller.name.upper(), 15, True, "c")
        pen.text(pen.w / 2, pen.h - 70, f"{seller.address[0]} · {seller.address[1]} · {seller.vat_label}: {seller.vat_id}", 8, align="c")
        y = pen.h - 110
        pen.text(L, y, "FACTURA", 16, True)
        pairs(pen, L, y - 22, [(f"{num_label}:", number), ("Fecha:", ds(date))], label_w=70, size=9.5)
        pen.box(R - 240, y + 10, 240, 78)
        party_block(pen, R - 232, y - 2, cliente_head, buyer, 9)
        cols = ([Col("code", "Código", 45)] if col_code else []) + [Col("qty", "Cantidad", 52, "r"),
                Col("price", "Precio", 62, "r"), Col("dto", "Dto.", 34, "r"), Col("amount", "Importe", 72, "r")]
        cols.insert(1 if col_code else 0, Col("name", "Concepto", (R - L) - sum(c.width for c in cols)))
        rows = [{"code": codes[k], "name": it.name, "qty": fmt_qty(it.qty, "de"), "price": m(it.price), "dto": "",
                 "amount": m(it.amount)} for k, it in enumerate(items)]
        y = table(pen, cols, rows, L, y - 80, head_fill=0.85, zebra=True, on_new_page=lambda p: p.h - 60, reserve=120)
        # Tax band: one row per rate, then the total in a box.
        band = [Col("b", "Base imponible", 110, "r"), Col("r", "% IVA", 60, "r"), Col("c", "Cuota IVA", 100, "r")]
        y = table(pen, band, [{"b": m(b), "r": rate_txt(r, "de", False), "c": m(x)} for r, b, x in totals.by_rate],
                  L, y - 14, wrap_key="b", size=8.5, head_fill=0.9, grid_lines=True)
        pen.box(R - 190, y + 6, 190, 26, 1)
        pen.text(R - 182, y - 11, "TOTAL FACTURA", 10.5, True)
        pen.text(R - 8, y - 11, total_m(totals.grand), 10.5, True, "r")
        pen.lines(L, y - 40, [pay, reg], 7)

    buyer.vat_label = rng.choice(["CIF", "NIF", "CIF/NIF"])
    return Doc("es_factura", "es", number, date, seller, buyer, "EUR", items, totals, draw,
               pick_font(rng, ["helvetica", "vera", "dejavu", "times"]), margin=rng.choice([40, 50]),
               seller_name=seller.name.upper())   # the heading prints the name in capitals


# ---------------------------------------------------------------------------------------------
def build_it(rng) -> Doc:
    """Italian fattura: issuer with P. IVA, C.F. and share capital; 'Spett.le' buyer block;
    a one-line title 'FATTURA N. x DEL date' or a boxed document grid; U.M./Quantità/Prezzo/
    Sconto %/Importo/IVA columns; a 'Riepilogo IVA' and Totale documento."""
    rates = rng.choice([[Decimal(22)], [Decimal(22), Decimal(10)], [Decimal(22), Decimal(10), Decimal(4)]])
    seller, buyer, items, date = _common(rng, "it", "it", IT_ITEMS, rates)
    totals = totals_net(items)
    number = rng.choice([f"{rng.randint(1, 999)}/{date.year}", f"{date.year}/{digits(rng, 5)}", f"FT{digits(rng, 4)}/{date:%y}"])
    m = rng.choice([Money("de", "€", before=True), Money("de", ""), Money("de", "€")])
    total_m = m if m.symbol else Money("de", "€", before=True)
    dfmt = rng.choice(["dmy_slash", "dmy_slash", "d_month_y", "dmy_dash"])
    ds = lambda d: fmt_date(d, dfmt, "it")
    title_line = rng.random() < .5
    cf = seller.vat_id[-11:]
    cap = fmt_num(Decimal(rng.choice([10000, 50000, 100000])), "de")
    rea = f"REA {seller.address[1][-3:-1]}-{digits(rng, 6)}"
    head = rng.choice(["Spett.le", "Destinatario", "Cliente"])
    sdi = "".join(rng.choice("ABCDEFGHKLMNPRSTUVWXYZ0123456789") for _ in range(7))
    with_code = rng.random() < .5
    codes = [f"{rng.choice(['AR', 'CF', 'MN'])}{digits(rng, 4)}" for _ in items]

    def draw(pen):
        L, R = pen.margin, pen.w - pen.margin
        pen.text(L, pen.h - 50, seller.name, 13, True)
        pen.lines(L, pen.h - 64, seller.address + [f"{seller.vat_label} {seller.vat_id} - C.F. {cf}",
                                                    f"Cap. Soc. € {cap} i.v. - {rea}"], 8)
        party_block(pen, pen.w / 2 + 30, pen.h - 130, head, buyer, 9.5, vat_fmt="P. IVA {id}",
                    extra=[f"Codice destinatario: {sdi}"])
        y = pen.h - 235
        if title_line:
            pen.text(L, y, f"FATTURA N. {number} DEL {ds(date)}", 12, True)
            y -= 14
        else:
            y = meta(pen, "grid", L, y + 10, [("Tipo documento", "Fattura (TD01)"), ("Numero", number), ("Data", ds(date)),
                                              ("Pagamento", rng_pay)], 300)
        cols = ([Col("code", "Codice", 45)] if with_code else []) + [Col("um", "U.M.", 30), Col("qty", "Quantità", 48, "r"),
                Col("price", "Prezzo\nunitario", 62, "r"), Col("sc", "Sc. %", 32, "r"), Col("amount", "Importo", 70, "r"),
                Col("rate", "IVA %", 35, "r")]
        cols.insert(1 if with_code else 0, Col("name", "Descrizione", (R - L) - sum(c.width for c in cols)))
        rows = [{"code": codes[k], "name": it.name, "um": it.unit, "qty": fmt_qty(it.qty, "de"), "price": m(it.price),
                 "amount": m(it.amount), "rate": fmt_num(it.rate, "de", 0)} for k, it in enumerate(items)]
        y = table(pen, cols, rows, L, y - 4, head_fill=0.86, on_new_page=lambda p: p.h - 60, reserve=140)
        pen.text(L, y - 12, "Riepilogo IVA", 9, True)
        rc = [Col("a", "Aliquota", 60, "r"), Col("i", "Imponibile", 90, "r"), Col("p", "Imposta", 80, "r")]
        table(pen, rc, [{"a": f"{fmt_num(r, 'de', 0)}%", "i": m(b), "p": m(x)} for r, b, x in totals.by_rate],
              L, y - 16, wrap_key="a", size=8, head_fill=0.93)
        y = totals_block(pen, R - 200, R, y - 20, [("Totale imponibile", total_m(totals.base), False),
                                                  ("Totale IVA", total_m(totals.tax), False),
                                                  (rng_total, total_m(totals.grand), True)])
        pen.lines(L, y - 20, [f"Modalità di pagamento: {rng_pay} - IBAN {rng_iban}"], 7.5)

    rng_pay = rng.choice(["Bonifico bancario 30 gg d.f.", "Ri.Ba. 60 gg f.m.", "Rimessa diretta"])
    rng_total = rng.choice(["Totale documento", "TOTALE FATTURA", "Netto a pagare"])
    rng_iban = iban(rng, "IT", 23)
    return Doc("it_fattura", "it", number, date, seller, buyer, "EUR", items, totals, draw,
               pick_font(rng, ["helvetica", "times", "dejavu_serif", "vera"]), margin=rng.choice([40, 50]))


# ---------------------------------------------------------------------------------------------
def build_nl(rng) -> Doc:
    """Dutch factuur: issuer top right with KvK/BTW/IBAN column, buyer left, a one-row boxed grid
    Factuurnummer | Factuurdatum | Vervaldatum | Klantnummer, Omschrijving/Aantal/Prijs/BTW/Bedrag,
    'BTW 21% over € x' lines and Totaal incl. BTW."""
    rates = rng.choice([[Decimal(21)], [Decimal(21), Decimal(9)]])
    seller, buyer, items, date = _common(rng, "nl", "nl", NL_ITEMS, rates)
    totals = totals_net(items)
    number = rng.choice([f"{date.year}{digits(rng, 4)}", f"F-{date.year}-{digits(rng, 3)}", f"INV{digits(rng, 6)}"])
    m = rng.choice([Money("de", "€", before=True), Money("de", "€", before=True, space=False), Money("de", "EUR", before=True)])
    dfmt = rng.choice(["dmy_dash", "dmy_dash", "d_month_y", "dmy_slash"])
    ds = lambda d: fmt_date(d, dfmt, "nl")
    kvk = digits(rng, 8)
    bank = iban(rng, "NL", 14)
    due = date + dt.timedelta(days=rng.choice([14, 30]))
    head = rng.choice(["", "Factuuradres", "Aan:"])
    cust = digits(rng, 4)
    price_first = rng.random() < .5
    contact = person(rng, "nl")

    def draw(pen):
        L, R = pen.margin, pen.w - pen.margin
        pen.text(R, pen.h - 55, seller.name, 14, True, "r")
        pen.lines(R, pen.h - 72, seller.address + [f"KvK {kvk}", f"{seller.vat_label} {seller.vat_id}", f"IBAN {bank}"], 8, align="r")
        party_block(pen, L, pen.h - 150, head, buyer, 10, vat_fmt="{label}: {id}", extra=[f"t.a.v. {contact}"])
        pen.text(L, pen.h - 250, "Factuur", 18, True)
        y = pen.h - 265
        cells = [("Factuurnummer", number), ("Factuurdatum", ds(date)), ("Vervaldatum", ds(due)), ("Klantnummer", cust)]
        y = grid(pen, L, y, cells, cols=4, cell_w=(R - L) / 4, size=9)
        cols = [Col("name", "Omschrijving", 0), Col("qty", "Aantal", 50, "r")]
        cols += [Col("price", "Prijs", 75, "r"), Col("rate", "BTW", 45, "r")] if price_first else [Col("rate", "BTW", 45, "r"), Col("price", "Prijs", 75, "r")]
        cols += [Col("amount", "Bedrag", 80, "r")]
        cols[0].width = (R - L) - sum(c.width for c in cols)
        rows = [{"name": it.name, "qty": fmt_qty(it.qty, "de"), "price": m(it.price), "rate": f"{fmt_num(it.rate, 'de', 0)}%",
                 "amount": m(it.amount)} for it in items]
        y = table(pen, cols, rows, L, y - 4, head_fill=None, on_new_page=lambda p: p.h - 60, reserve=110)
        out = [("Subtotaal", m(totals.base), False)]
        out += [(f"BTW {fmt_num(r, 'de', 0)}% over {m(b)}", m(x), False) for r, b, x in totals.by_rate]
        out += [(rng_total, m(totals.grand), True)]
        y = totals_block(pen, R - 240, R, y - 10, out)
        pen.lines(L, y - 20, [f"Wij verzoeken u vriendelijk het totaalbedrag vóór {ds(due)} over te maken op",
                              f"{bank} t.n.v. {seller.name} o.v.v. factuurnummer {number}."], 8)

    rng_total = rng.choice(["Totaal incl. BTW", "Te betalen", "Totaal"])
    return Doc("nl_factuur", "nl", number, date, seller, buyer, "EUR", items, totals, draw,
               pick_font(rng, ["helvetica", "dejavu", "vera"]), margin=rng.choice([45, 55]))


# ---------------------------------------------------------------------------------------------
def build_se(rng) -> Doc:
    """Swedish faktura with a two-column header: issuer and buyer on the left, a 2x3 boxed grid
    (Fakturanummer, Fakturadatum, Kundnummer, Förfallodatum, Er referens, Vår referens) on the right;
    amounts '1 234,56 kr', Moms 25/12/6 %, 'Att betala'; footer with Bankgiro and Org.nr."""
    rates = rng.choice([[Decimal(25)], [Decimal(25), Decimal(12)], [Decimal(25), Decimal(12), Decimal(6)]])
    seller, buyer, items, date = _common(rng, "se", "sv", SE_ITEMS, rates)
    totals = totals_net(items)
    number = rng.choice([digits(rng, 5), f"{date.year}{digits(rng, 4)}"])
    m = rng.choice([Money("se", "kr"), Money("se", ""), Money("se", "SEK")])
    total_m = m if m.symbol else Money("se", "kr")
    dfmt = rng.choice(["iso", "iso", "d_month_y"])
    ds = lambda d: fmt_date(d, dfmt, "sv")
    due = date + dt.timedelta(days=30)
    org = seller.vat_id[2:8] + "-" + seller.vat_id[8:12]
    bg = f"{digits(rng, 3)}-{digits(rng, 4)}"
    their, ours = person(rng, "se"), person(rng, "se")
    cust = digits(rng, 4)
    codes = [digits(rng, 5) for _ in items]

    def draw(pen):
        L, R = pen.margin, pen.w - pen.margin
        pen.text(L, pen.h - 55, seller.name, 16, True)
        pen.text(R, pen.h - 55, "FAKTURA", 16, True, "r")
        party_block(pen, L, pen.h - 140, rng_head, buyer, 9.5, vat_fmt="{label}: {id}")
        grid(pen, R - 250, pen.h - 75, [("Fakturanummer", number), ("Fakturadatum", ds(date)), ("Kundnummer", cust),
                                        ("Förfallodatum", ds(due)), ("Er referens", their), ("Vår referens", ours)],
             cols=2, cell_w=125, cell_h=28)
        cols = [Col("code", "Artikelnr", 55), Col("name", "Benämning", 0), Col("qty", "Antal", 40, "r"),
                Col("unit", "Enhet", 38), Col("price", "À-pris", 70, "r"), Col("amount", "Belopp", 80, "r")]
        cols[1].width = (R - L) - sum(c.width for c in cols)
        rows = [{"code": codes[k], "name": it.name, "qty": fmt_qty(it.qty, "se"), "unit": it.unit, "price": m(it.price),
                 "amount": m(it.amount)} for k, it in enumerate(items)]
        y = table(pen, cols, rows, L, pen.h - 260, head_fill=0.9, grid_lines=True, on_new_page=lambda p: p.h - 60, reserve=110)
        out = [("Netto", total_m(totals.base), False)]
        out += [(f"Moms {fmt_num(r, 'se', 0)} %", total_m(x), False) for r, _, x in totals.by_rate]
        out += [("Att betala", total_m(totals.grand), True)]
        totals_block(pen, R - 200, R, y - 10, out, size=10)
        pen.rule(L, 70, R, 0.4)
        col = (R - L) / 4
        for k, block in enumerate([[seller.name] + seller.address, ["Bankgiro", bg], ["Org.nr", org, "Innehar F-skattsedel"],
                                   [seller.vat_label, seller.vat_id]]):
            pen.lines(L + k * col, 60, block, 7)

    rng_head = rng.choice(["", "Fakturaadress", "Kund"])
    return Doc("se_faktura_grid", "sv", number, date, seller, buyer, "SEK", items, totals, draw,
               pick_font(rng, ["helvetica", "dejavu_cond", "vera"]), margin=rng.choice([40, 50]))
