"""Special-purpose layout families of layouts.py: a hotel folio, a fuel-station receipt invoice on
a narrow till-roll page, and a utility bill with summary boxes. The first two print gross line
amounts only (truth: line_amounts_gross), with the tax extracted per rate in a summary."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from layouts_common import (SURNAMES, Doc, Item, Money, digits, fmt_date, fmt_num, fmt_qty, letters, money, party,
                            person, random_date, totals_gross, totals_net)
from layouts_pen import Col, grid, pairs, party_block, pick_font, table, totals_block


# ---------------------------------------------------------------------------------------------
def build_hotel(rng) -> Doc:
    """Hotel folio of a German hotel, printed in German or English: the brand on top and the
    operating company in the footer, guest/room/arrival/departure pairs, one row per night and
    service with the date in (or next to) the description, gross amounts at 7 % (room),
    19 % (breakfast, parking, minibar) and 0 % (city tax), a VAT table and a payment row."""
    lang = rng.choice(["de", "en"])
    seller, buyer = party(rng, "de"), party(rng, "de", with_vat=0.5)
    core = rng.choice(["Seeblick", "Stadtwald", "Zur Post", "Rheinblick", "Am Markt", "Lindenhof", "Alte Mühle"])
    brand = rng.choice([f"Hotel {core}", f"Parkhotel {core}", f"{core} Suites"])
    seller.name = f"{core.replace(' ', '')} Hotelbetriebs{rng.choice(['gesellschaft mbH', ' GmbH', ' GmbH & Co. KG'])}"
    nights = rng.randint(1, 6)
    departure = random_date(rng)
    arrival = departure - dt.timedelta(days=nights)
    room = str(rng.randint(101, 529))
    rate = money(rng.uniform(79, 189))
    breakfast = money(rng.uniform(12, 26)) if rng.random() < .7 else None
    persons = Decimal(rng.choice([1, 1, 2]))
    city_tax = rng.random() < .6
    dfmt = "dmy_dot" if lang == "de" else rng.choice(["dmy_slash", "d_mon_y", "dmy_dot"])
    ds = lambda d: fmt_date(d, dfmt, lang)
    date_col = rng.random() < .5   # date in its own column (not part of the name) or in the description
    T = {"de": dict(room="Übernachtung Zimmer " + room, bf="Frühstück", ct="Kulturförderabgabe", park="Tiefgarage",
                    mini="Minibar", title="Rechnung", no="Rechnung Nr.", guest="Gast", roomlab="Zimmer", arr="Anreise",
                    dep="Abreise", billto="Rechnungsanschrift", date="Datum", desc="Beschreibung", qty="Anz.",
                    amt="Betrag", total="Gesamtsumme", vat="MwSt.", net="Netto", gross="Brutto", pay="Zahlung",
                    bal="Saldo", thanks="Vielen Dank für Ihren Aufenthalt!"),
         "en": dict(room="Accommodation room " + room, bf="Breakfast", ct="City tax", park="Car park", mini="Minibar",
                    title="Invoice / Folio", no="Invoice No.", guest="Guest", roomlab="Room", arr="Arrival",
                    dep="Departure", billto="Billing address", date="Date", desc="Description", qty="Qty",
                    amt="Amount", total="Total", vat="VAT", net="Net", gross="Gross", pay="Payment",
                    bal="Balance", thanks="Thank you for staying with us!")}[lang]
    rows = []   # (date, description, item)
    for k in range(nights):
        d = arrival + dt.timedelta(days=k)
        rows.append((d, T["room"], Item("", Decimal(1), rate, Decimal(7))))
        if breakfast:
            rows.append((d, T["bf"], Item("", persons, breakfast, Decimal(19))))
        if city_tax:
            rows.append((d, T["ct"], Item("", Decimal(1), money(rate * Decimal("0.05")), Decimal(0))))
    if rng.random() < .4:
        rows.append((departure - dt.timedelta(days=1), T["park"], Item("", Decimal(nights), money(rng.uniform(12, 25)), Decimal(19))))
    if rng.random() < .4:
        rows.append((departure - dt.timedelta(days=1), T["mini"], Item("", Decimal(1), money(rng.uniform(4, 30)), Decimal(19))))
    for d, desc, it in rows:
        it.name = desc if date_col else f"{desc} {ds(d)}"
    items = [it for _, _, it in rows]
    totals = totals_gross(items)
    number = rng.choice([digits(rng, 6), f"{departure.year}-{digits(rng, 5)}", f"F{digits(rng, 7)}"])
    m = Money("de", "") if lang == "de" else rng.choice([Money("de", ""), Money("en", "")])
    tm = Money(m.style, "EUR") if rng.random() < .5 else Money(m.style, "€")
    guest = ("Frau " if lang == "de" else "Ms ") + person(rng, "de") if rng.random() < .5 else person(rng, "de")
    card = f"{rng.choice(['Visa', 'Mastercard', 'EC-Karte', 'Amex'])} **** {digits(rng, 4)}"
    show_payment = rng.random() < .5
    tel = f"+49 {digits(rng, 3)} {digits(rng, 6)}"
    hrb = f"HRB {digits(rng, 5)}"

    def draw(pen):
        L, R = pen.margin, pen.w - pen.margin
        pen.text(pen.w / 2, pen.h - 55, brand, 20, True, "c")
        pen.text(pen.w / 2, pen.h - 70, f"{seller.address[0]} · {seller.address[1]} · Tel. {tel}", 8, align="c")
        party_block(pen, L, pen.h - 120, T["billto"], buyer, 9, vat_fmt="{label}: {id}")
        pairs(pen, R - 190, pen.h - 120, [(T["no"], number), (T["date"], ds(departure)), (T["guest"], guest),
                                          (T["roomlab"], room), (T["arr"], ds(arrival)), (T["dep"], ds(departure))], label_w=80)
        pen.text(L, pen.h - 235, T["title"], 15, True)
        cols = ([Col("d", T["date"], 65)] if date_col else []) + [Col("name", T["desc"], 0), Col("qty", T["qty"], 40, "r"),
                                                                   Col("price", "", 70, "r"), Col("amount", T["amt"], 75, "r")]
        next(c for c in cols if c.key == "name").width = (R - L) - sum(c.width for c in cols)
        trs = [{"d": ds(d), "name": it.name, "qty": fmt_qty(it.qty, m.style), "price": m(it.price) if it.qty != 1 else "",
                "amount": m(it.amount)} for d, _, it in rows]
        y = table(pen, cols, trs, L, pen.h - 245, size=8.5, head_fill=None, on_new_page=lambda p: p.h - 60, reserve=150)
        out = [(T["total"], tm(totals.grand), True)]
        if show_payment:
            out += [(f"{T['pay']} {card}", tm(-totals.grand), False), (T["bal"], tm(Decimal(0)), False)]
        y = totals_block(pen, R - 250, R, y - 8, out)
        vc = [Col("r", T["vat"] + " %", 60, "r"), Col("n", T["net"], 80, "r"), Col("v", T["vat"], 70, "r"), Col("g", T["gross"], 80, "r")]
        y = table(pen, vc, [{"r": f"{fmt_num(r, m.style, 0)} %", "n": m(n), "v": m(v), "g": m(n + v)} for r, n, v in totals.by_rate],
                  L, y - 10, wrap_key="r", size=8, head_fill=0.92)
        pen.text(pen.w / 2, y - 20, T["thanks"], 9, align="c")
        pen.rule(L, 62, R, 0.3)
        pen.text(pen.w / 2, 50, f"{seller.name} · {seller.address[0]} · {seller.address[1]} · Amtsgericht "
                 f"{seller.address[1].split(' ', 1)[1]} {hrb}", 7, align="c")
        pen.text(pen.w / 2, 40, f"{seller.vat_label} {seller.vat_id}", 7, align="c")

    return Doc("hotel_folio", lang, number, departure, seller, buyer, "EUR", items, totals, draw,
               pick_font(rng, ["helvetica", "times", "dejavu_serif", "vera"]), margin=rng.choice([45, 55]), gross_lines=True)


# ---------------------------------------------------------------------------------------------
def build_fuel(rng) -> Doc:
    """Fuel-station invoice on a till-roll page (80 mm wide), monospaced or narrow type: fuel by
    the litre with a three-decimal price, shop items, gross amounts with a VAT letter, a
    per-letter VAT summary, register/receipt numbers that are not the invoice number."""
    lang = rng.choice(["de", "fr"])
    seller, buyer = party(rng, lang), party(rng, lang, with_vat=0.7)
    sur = rng.choice(SURNAMES[lang])
    seller.name = f"{rng.choice(['Tankstelle', 'Autohof'])} {sur} e.K." if lang == "de" else f"Station-service {sur} SARL"
    brand = rng.choice(["PETROVIA", "BLAUFUCHS", "CARBURA", "NORDSTERN", "VELOCE"])
    if lang == "de":
        fuels, shop, rates = ["Super E10", "Super E5", "Diesel", "SuperPlus 98"], \
            [("Autowäsche Premium", 9.9, 16.9, 0), ("Scheibenklar 3 l", 5.9, 8.9, 0), ("Motoröl 5W-30 1 l", 12, 19, 0),
             ("Kaffee groß", 2.4, 3.9, 1), ("Schokoriegel", 1.1, 1.9, 1), ("Mineralwasser 0,5 l", 1.5, 2.5, 1)], [Decimal(19), Decimal(7)]
    else:
        fuels, shop, rates = ["Gazole", "SP95-E10", "SP98", "Gazole Premium"], \
            [("Lavage haute pression", 4, 12, 0), ("Lave-glace 5 L", 4.9, 8.9, 0), ("Huile moteur 5W-30 1 L", 11, 18, 0),
             ("Café", 1.8, 3.2, 0), ("Sandwich jambon-beurre", 3.5, 5.9, 1)], [Decimal(20), Decimal("5.5")]
    items = []
    for _ in range(rng.choice([1, 1, 2])):
        items.append(Item(rng.choice(fuels), Decimal(f"{rng.uniform(15, 80):.2f}"), Decimal(f"{rng.uniform(1.55, 2.05):.3f}"), rates[0], unit="l"))
    for name, lo, hi, ri in rng.sample(shop, rng.randint(0, 4)):
        items.append(Item(name, Decimal(rng.choice([1, 1, 2])), money(rng.uniform(lo, hi)), rates[ri]))
    totals = totals_gross(items)
    date = random_date(rng)
    time = f"{rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}"
    number = rng.choice([f"{digits(rng, 4)}/{digits(rng, 6)}", digits(rng, 8), f"R{digits(rng, 7)}"])
    style = "de" if lang == "de" else "plain_c"
    m = Money(style, "")
    letter = {r: "AB"[i] for i, r in enumerate(rates)}
    page_h = 400 + 26 * len(items) + 12 * len(totals.by_rate)   # till roll: as long as its content
    T = {"de": dict(inv="Rechnung Nr.", date="Datum", to="Rechnungsempfänger:", sum="SUMME EUR", vat="MwSt", net="Netto",
                    gross="Brutto", paid="Bezahlt mit Flottenkarte", reg=f"Kasse {rng.randint(1, 4)}  Bon {digits(rng, 5)}",
                    bye="Vielen Dank und gute Fahrt!", tax=f"St.-Nr. {digits(rng, 3)}/{digits(rng, 3)}/{digits(rng, 5)}"),
         "fr": dict(inv="Facture n°", date="Date", to="Client :", sum="TOTAL TTC EUR", vat="TVA", net="HT", gross="TTC",
                    paid="Payé par carte carburant", reg=f"Caisse {rng.randint(1, 4)}  Ticket {digits(rng, 5)}",
                    bye="Merci de votre visite !", tax=f"SIRET {digits(rng, 14)}")}[lang]
    card = f"****{digits(rng, 4)}"
    dfmt = "dmy_dot" if lang == "de" else "dmy_slash"

    def draw(pen):
        L, R, W = pen.margin, pen.w - pen.margin, pen.w
        y = pen.lines(W / 2, pen.h - 30, [brand], 14, bold_first=True, align="c")
        y = pen.lines(W / 2, y, [seller.name] + seller.address + [f"{seller.vat_label} {seller.vat_id}", T["tax"]], 7.5, align="c")
        y -= 6
        y = pairs(pen, L, y, [(T["inv"], number), (T["date"], f"{fmt_date(date, dfmt)} {time}")], label_w=68, size=8)
        pen.text(L, y, T["reg"], 7.5)
        y -= 16
        y = party_block(pen, L, y, T["to"], buyer, 7.5) - 4
        pen.rule(L, y + 6, R, 0.5)
        for it in items:
            pen.text(L, y - 4, it.name, 8.5)
            if it.unit == "l":
                detail = f"{fmt_num(it.qty, style)} l x {fmt_num(it.price, style, 3)} EUR/l"
            else:
                detail = f"{fmt_qty(it.qty, style)} x {m(it.price)}"
            pen.text(L + 8, y - 15, detail, 7.5)
            pen.text(R, y - 15, f"{m(it.amount)} {letter[it.rate]}", 8.5, align="r")
            y -= 26
        pen.rule(L, y + 6, R, 0.5)
        pen.text(L, y - 8, T["sum"], 11, True)
        pen.text(R, y - 8, m(totals.grand), 11, True, "r")
        y -= 28
        cw = (R - L) / 4
        for k, head in enumerate([T["vat"], T["net"], T["vat"], T["gross"]]):
            pen.text(L + cw * (k + 1) - 2, y, head, 7.5, align="r")
        for r, n, v in totals.by_rate:
            y -= 12
            for k, s in enumerate([f"{letter[r]} {fmt_num(r, style, 2)}%", m(n), m(v), m(n + v)]):
                pen.text(L + cw * (k + 1) - 2, y, s, 7.5, align="r")
        y -= 20
        pen.text(L, y, f"{T['paid']} {card}", 7.5)
        pen.text(W / 2, y - 22, T["bye"], 8, align="c")

    return Doc("fuel_receipt", lang, number, date, seller, buyer, "EUR", items, totals, draw,
               pick_font(rng, ["courier", "courier", "dejavu_cond", "helvetica"]), page=(226.8, page_h), margin=12,
               gross_lines=True)


# ---------------------------------------------------------------------------------------------
def build_utility(rng) -> Doc:
    """UK business electricity bill: four summary boxes (account, bill date, bill number,
    amount due), an account summary with previous balance and payment (not totals of this
    bill), a meter-reading table (not lines), unit and standing charges priced in pence."""
    seller = party(rng, "uk")
    seller.name = f"{rng.choice(['Greenvolt', 'Northern Grid', 'Brightwater', 'Meridian'])} Energy {rng.choice(['Ltd', 'Supply Limited', 'plc'])}"
    buyer = party(rng, "uk", with_vat=0.4)
    end = random_date(rng)
    days = rng.choice([30, 31, 61, 92])
    start = end - dt.timedelta(days=days - 1)
    date = end + dt.timedelta(days=rng.randint(2, 9))
    day_units, night_units = rng.randint(400, 9000), rng.randint(0, 3000)
    day_p, night_p, sc_p = Decimal(f"{rng.uniform(22, 34):.3f}"), Decimal(f"{rng.uniform(12, 20):.3f}"), Decimal(f"{rng.uniform(35, 95):.2f}")
    vat = Decimal(rng.choice([20, 20, 5]))
    items = [Item("Day units", Decimal(day_units), day_p / 100, vat, unit="kWh")]
    if night_units:
        items.append(Item("Night units", Decimal(night_units), night_p / 100, vat, unit="kWh"))
    items.append(Item("Standing charge", Decimal(days), sc_p / 100, vat, unit="days"))
    if vat == 20:
        items.append(Item("Climate Change Levy", Decimal(day_units + night_units), Decimal("0.00775"), vat, unit="kWh"))
    for it in items:
        it.amount = money(it.qty * it.price)
    totals = totals_net(items)
    number = f"{digits(rng, 9)}"
    account = f"{digits(rng, 4)} {digits(rng, 4)} {digits(rng, 2)}"
    m = Money("en", "£", before=True, space=False)
    dfmt = rng.choice(["d_month_y", "d_mon_y", "dmy_slash"])
    ds = lambda d: fmt_date(d, dfmt, "en")
    prev = money(rng.uniform(80, 2500))
    meter = f"{digits(rng, 2)}{letters(rng, 1)}{digits(rng, 7)}"
    r0 = rng.randint(10000, 80000)
    due = date + dt.timedelta(days=14)

    def draw(pen):
        L, R = pen.margin, pen.w - pen.margin
        pen.text(L, pen.h - 50, seller.name, 15, True)
        pen.text(R, pen.h - 50, "Your electricity bill", 12, False, "r")
        y = grid(pen, L, pen.h - 70, [("Account number", account), ("Bill date", ds(date)), ("Bill number", number),
                                      ("Amount due", m(totals.grand))], cols=4, cell_w=(R - L) / 4, cell_h=34, size=11)
        pen.text(L, y - 4, f"Billing period {ds(start)} to {ds(end)} ({days} days)", 9)
        party_block(pen, L, y - 30, "Supply address / Bill to", buyer, 9, vat_fmt="VAT No. {id}")
        pen.box(pen.w / 2 + 10, y - 20, R - pen.w / 2 - 10, 80, 0.6)
        totals_block(pen, pen.w / 2 + 18, R - 8, y - 36, [("Previous balance", m(prev), False), ("Payment received - thank you", m(-prev), False),
                                                          ("Charges this bill", m(totals.grand), False), ("Balance to pay", m(totals.grand), True)], size=8.5)
        y -= 125
        pen.text(L, y, "Meter readings", 10, True)
        mc = [Col("m", "Meter", 80), Col("r", "Register", 60), Col("p", "Previous", 70, "r"), Col("c", "Present", 70, "r"), Col("u", "Units", 60, "r")]
        mrows = [{"m": meter, "r": "Day", "p": str(r0), "c": str(r0 + day_units), "u": fmt_num(Decimal(day_units), "en", 0)}]
        if night_units:
            mrows.append({"m": meter, "r": "Night", "p": str(r0 // 2), "c": str(r0 // 2 + night_units), "u": fmt_num(Decimal(night_units), "en", 0)})
        y = table(pen, mc, mrows, L, y - 6, wrap_key="m", size=8, head_fill=0.93)
        pen.text(L, y - 10, "Your charges", 10, True)
        cc = [Col("name", "Description", 0), Col("qty", "Quantity", 90, "r"), Col("rate", "Rate", 90, "r"), Col("amount", "Amount", 80, "r")]
        cc[0].width = (R - L) - sum(c.width for c in cc)
        crow = [{"name": it.name, "qty": f"{fmt_num(it.qty, 'en', 0)} {it.unit}",
                 "rate": f"{fmt_num(it.price * 100, 'en', 3)}p/{'kWh' if it.unit == 'kWh' else 'day'}", "amount": m(it.amount)} for it in items]
        y = table(pen, cc, crow, L, y - 16, size=8.5, head_fill=0.88, grid_lines=True)
        y = totals_block(pen, R - 240, R, y - 8, [("Total charges (excl. VAT)", m(totals.base), False),
                                                  (f"VAT @ {vat}%", m(totals.tax), False), ("Total charges this bill", m(totals.grand), True)])
        pen.text(L, y - 10, f"Please pay {m(totals.grand)} by {ds(due)}. Direct Debit customers need not take any action.", 8)
        pen.lines(L, 50, [f"{seller.name}, {', '.join(seller.address)}. {seller.vat_label}: {seller.vat_id}.",
                          "Registered in England and Wales."], 7)

    return Doc("utility_bill", "en", number, date, seller, buyer, "GBP", items, totals, draw,
               pick_font(rng, ["helvetica", "vera", "dejavu"]), margin=rng.choice([40, 50]))
