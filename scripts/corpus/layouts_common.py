"""Shared pieces of layouts.py: money arithmetic, number and date formats, fictitious parties.

Everything random is drawn from the `random.Random` handed in, so one seed gives one corpus.
Money is `Decimal` throughout and rounded half-up to cents, the way invoicing software does.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(x) -> Decimal:
    return Decimal(x).quantize(CENT, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------------
# Number formats. Each style is (thousands separator, decimal separator); "in" groups lakhs/crores.
NUM_STYLES = {
    "de": (".", ","),      # 1.234,56
    "fr": (" ", ","),      # 1 234,56
    "fr_nbsp": ("\u00a0", ","),  # 1 234,56 with a no-break space, as many French tools print it
    "en": (",", "."),      # 1,234.56
    "ch": ("'", "."),      # 1'234.56
    "plain_c": ("", ","),  # 1234,56
    "plain_p": ("", "."),  # 1234.56
    "se": (" ", ","),      # 1 234,56
    "in": (",", "."),      # 1,23,456.78
}


def fmt_num(value: Decimal, style: str, places: int = 2) -> str:
    """Formats a decimal with the grouping of `style`; negative numbers get a leading minus."""
    thousands, decimal = NUM_STYLES[style]
    q = Decimal(1).scaleb(-places) if places else Decimal(1)
    v = Decimal(value).quantize(q, rounding=ROUND_HALF_UP)
    sign = "-" if v < 0 else ""
    digits = f"{abs(v):.{places}f}"
    whole, _, frac = digits.partition(".")
    if style == "in" and len(whole) > 3:
        # Indian grouping: last three digits, then pairs (12,34,567).
        head, tail = whole[:-3], whole[-3:]
        pairs = []
        while len(head) > 2:
            pairs.insert(0, head[-2:])
            head = head[:-2]
        whole = ",".join([head] + pairs + [tail]) if head else ",".join(pairs + [tail])
    elif thousands:
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = thousands.join([whole] + groups)
    return sign + whole + (decimal + frac if places else "")


def fmt_qty(q: Decimal, style: str) -> str:
    """Quantities print without decimals when whole, else with as many as they have."""
    if q == q.to_integral_value():
        return fmt_num(q, style, 0)
    places = max(0, -q.normalize().as_tuple().exponent)
    return fmt_num(q, style, places)


def qty_truth(q: Decimal) -> str:
    """Quantity for the truth file: '.' decimal, no grouping, as many places as printed."""
    if q == q.to_integral_value():
        return str(int(q))
    return format(q.normalize(), "f")


@dataclass
class Money:
    """How one document writes amounts: number style plus where the currency goes."""
    style: str
    symbol: str = ""        # '€', '£', '$', 'kr', 'Rs.', '' ...
    before: bool = False    # '£1.00' vs '1,00 €'
    space: bool = True      # '1,00 €' vs '1,00€'

    def __call__(self, value: Decimal, places: int = 2, symbol: bool = True) -> str:
        n = fmt_num(value, self.style, places)
        if not symbol or not self.symbol:
            return n
        sep = " " if self.space else ""
        if self.before:
            # A minus goes before the symbol: -£5.00
            if n.startswith("-"):
                return "-" + self.symbol + sep + n[1:]
            return self.symbol + sep + n
        return n + sep + self.symbol


# ---------------------------------------------------------------------------------------------
# Dates. Month names for the written-out formats, per language.
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "sv": "januari februari mars april maj juni juli augusti september oktober november december",
}


def fmt_date(d: dt.date, fmt: str, lang: str = "en") -> str:
    """Named date formats, so a family can list the ones its country uses."""
    month = MONTHS[lang].split()[d.month - 1]
    return {
        "dmy_dot": f"{d.day:02d}.{d.month:02d}.{d.year}",
        "dmy_slash": f"{d.day:02d}/{d.month:02d}/{d.year}",
        "dmy_dash": f"{d.day:02d}-{d.month:02d}-{d.year}",
        "mdy_slash": f"{d.month:02d}/{d.day:02d}/{d.year}",
        "iso": d.isoformat(),
        "d_month_y": f"{d.day} {month} {d.year}",               # 5 March 2024 / 5 mars 2024
        "d_dot_month_y": f"{d.day}. {month} {d.year}",          # 5. März 2024
        "d_de_month_de_y": f"{d.day} de {month} de {d.year}",   # 5 de marzo de 2024
        "d_mon_y": f"{d.day:02d} {month[:3].title()} {d.year}",  # 05 Mar 2024
        "d_mon_y_dash": f"{d.day:02d}-{month[:3].title()}-{d.year}",  # 05-Mar-2024
        "mon_d_y": f"{month[:3].title()} {d.day}, {d.year}",     # Mar 5, 2024
        "month_d_y": f"{month} {d.day}, {d.year}",              # March 5, 2024
    }[fmt]


def random_date(rng) -> dt.date:
    return dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 4))


# ---------------------------------------------------------------------------------------------
# Fictitious parties. Names are assembled from parts so that issuers rarely repeat.
@dataclass
class Party:
    name: str
    address: list[str]
    vat_id: str | None          # as printed, without its label
    vat_label: str = ""
    extra: list[str] = field(default_factory=list)  # phone, e-mail, registry lines


SURNAMES = {
    "de": "Krüger Lindner Bergmann Weber Hoffmann Schäfer Brandt Vogel Kessler Albrecht Wendt Harms Seidel Pohl".split(),
    "fr": "Moreau Dupuis Lefèvre Girard Bonnet Fontaine Rousseau Chevalier Garnier Marchand Perrin Lambert".split(),
    "uk": "Hartley Finch Ashworth Pemberton Whitcombe Caldwell Thornton Rowntree Blakemore Ellison".split(),
    "us": "Brightpath Copperline Northwind Bluejay Ridgeview Lakeshore Ironwood Summit Redwood Harbor".split(),
    "in": "Sharma Patel Iyer Reddy Agarwal Menon Kulkarni Bhatt Chatterjee Nair Joshi".split(),
    "es": "Ortega Ruiz Navarro Serrano Molina Castillo Romero Herrera Medina Vidal Cabrera".split(),
    "it": "Rossi Bianchi Ferrari Colombo Ricci Marino Greco Bruno Galli Conti Mancini".split(),
    "nl": "Van Dijk|De Vries|Bakker|Visser|Smit|Mulder|De Boer|Van der Meer|Dekker|Hendriks".split("|"),
    "se": "Lindqvist Nordström Berg Holm Sjöberg Ekman Lundgren Wallin Forsberg Åberg".split(),
}
TRADES = {
    "de": "Haustechnik Logistik Elektro Bürobedarf Medien Metallbau Gastro-Service Datentechnik Holzbau".split(),
    "fr": ["Bâtiment", "Fournitures", "Conseil", "Imprimerie", "Transports", "Informatique", "Menuiserie"],
    "uk": ["Office Supplies", "Consulting", "Joinery", "Print", "Facilities", "Electrical", "Catering"],
    "us": ["Analytics", "Software", "Cloud", "Data", "Labs", "Systems", "Networks"],
    "in": ["Traders", "Textiles", "Enterprises", "Industries", "Agro Foods", "Steel", "Electricals"],
    "es": ["Distribuciones", "Suministros", "Instalaciones", "Alimentación", "Papelería", "Construcciones"],
    "it": ["Forniture", "Impianti", "Alimentari", "Arredamenti", "Servizi", "Tipografia"],
    "nl": ["Installatietechniek", "Groothandel", "Bouw", "Transport", "Drukkerij", "ICT"],
    "se": ["Bygg", "El", "Konsult", "Transport", "Data", "Kontorsmaterial"],
}
FORMS = {
    "de": ["GmbH", "AG", "KG", "GmbH & Co. KG", "e.K.", "UG (haftungsbeschränkt)"],
    "fr": ["SARL", "SAS", "SA", "EURL", "SASU"],
    "uk": ["Ltd", "Limited", "LLP", "PLC"],
    "us": ["Inc.", "LLC", "Corp."],
    "in": ["Pvt. Ltd.", "Private Limited", "LLP"],
    "es": ["S.L.", "S.A.", "S.L.U."],
    "it": ["S.r.l.", "S.p.A.", "S.n.c.", "S.a.s."],
    "nl": ["B.V.", "V.O.F.", "N.V."],
    "se": ["AB", "HB"],
}
STREETS = {
    "de": ["Hauptstraße", "Industriestr.", "Am Mühlbach", "Lindenallee", "Gewerbepark Süd", "Bahnhofstraße"],
    "fr": ["rue des Lilas", "avenue Jean Jaurès", "boulevard Voltaire", "rue du Port", "impasse des Tilleuls"],
    "uk": ["High Street", "Mill Lane", "Station Road", "Kings Parade", "Victoria Way", "Church Walk"],
    "us": ["Market Street", "Oak Avenue", "Mission Blvd", "Pine Street", "Congress Ave"],
    "in": ["MG Road", "Nehru Nagar", "Station Road", "Anna Salai", "Ring Road, Sector 18"],
    "es": ["Calle Mayor", "Avenida de la Constitución", "Calle del Sol", "Paseo de Gracia", "Calle Real"],
    "it": ["Via Roma", "Corso Garibaldi", "Via dei Mille", "Viale Europa", "Piazza Cavour"],
    "nl": ["Kerkstraat", "Industrieweg", "Stationsplein", "Havenkade", "Molenweg"],
    "se": ["Storgatan", "Industrivägen", "Kungsgatan", "Hamngatan", "Skolvägen"],
}
CITIES = {
    "de": [("10115", "Berlin"), ("50667", "Köln"), ("04109", "Leipzig"), ("90402", "Nürnberg"), ("24103", "Kiel")],
    "fr": [("69002", "Lyon"), ("33000", "Bordeaux"), ("44000", "Nantes"), ("31000", "Toulouse"), ("67000", "Strasbourg")],
    "uk": [("LS1 4AP", "Leeds"), ("BS1 5TR", "Bristol"), ("M4 1HN", "Manchester"), ("CB2 1TN", "Cambridge"), ("EH1 1YZ", "Edinburgh")],
    "us": [("94107", "San Francisco, CA"), ("78701", "Austin, TX"), ("10013", "New York, NY"), ("98101", "Seattle, WA")],
    "in": [("560001", "Bengaluru, Karnataka"), ("400001", "Mumbai, Maharashtra"), ("600002", "Chennai, Tamil Nadu"), ("411001", "Pune, Maharashtra")],
    "es": [("28013", "Madrid"), ("08001", "Barcelona"), ("41001", "Sevilla"), ("46002", "Valencia"), ("50001", "Zaragoza")],
    "it": [("20121", "Milano"), ("10121", "Torino"), ("40121", "Bologna"), ("50123", "Firenze"), ("80133", "Napoli")],
    "nl": [("1012 AB", "Amsterdam"), ("3511 LN", "Utrecht"), ("5611 AZ", "Eindhoven"), ("9711 LM", "Groningen")],
    "se": [("111 52", "Stockholm"), ("411 06", "Göteborg"), ("211 20", "Malmö"), ("753 20", "Uppsala")],
}
# Indian state codes of the cities above (first two GSTIN digits).
IN_STATE = {"Karnataka": "29", "Maharashtra": "27", "Tamil Nadu": "33"}


def digits(rng, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def letters(rng, n: int) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(n))


def vat_id(rng, country: str, city: str = "") -> tuple[str | None, str]:
    """A plausible (not checksum-valid) VAT id as printed, and the label this country uses."""
    if country == "de":
        d = digits(rng, 9)
        return rng.choice([f"DE{d}", f"DE {d[:3]} {d[3:6]} {d[6:]}"]), rng.choice(["USt-IdNr.", "USt-ID", "UID-Nr."])
    if country == "fr":
        d = digits(rng, 11)
        return rng.choice([f"FR{d}", f"FR {d[:2]} {d[2:]}"]), rng.choice(["N° TVA intracom.", "TVA intracommunautaire", "N° TVA"])
    if country == "uk":
        d = digits(rng, 9)
        return rng.choice([f"GB{d}", f"GB {d[:3]} {d[3:7]} {d[7:]}"]), rng.choice(["VAT Reg No", "VAT Registration No.", "VAT No."])
    if country == "es":
        v = rng.choice("ABG") + digits(rng, 8)
        return rng.choice([v, "ES" + v]), rng.choice(["CIF", "NIF", "C.I.F."])
    if country == "it":
        d = digits(rng, 11)
        return rng.choice([d, "IT" + d]), rng.choice(["P. IVA", "Partita IVA", "P.IVA"])
    if country == "nl":
        return f"NL{digits(rng, 9)}B{rng.choice(['01', '02'])}", rng.choice(["BTW-nummer", "BTW-nr.", "Btw-id"])
    if country == "se":
        return f"SE{digits(rng, 10)}01", rng.choice(["Momsreg.nr", "VAT-nr", "Org./Momsnr"])
    if country == "in":
        state = next((code for s, code in IN_STATE.items() if s in city), "29")
        pan = letters(rng, 3) + rng.choice("PCF") + letters(rng, 1) + digits(rng, 4) + letters(rng, 1)
        return f"{state}{pan}1Z{rng.choice('0123456789ABCDEF')}", "GSTIN"
    return None, ""  # the US has no VAT id


def company(rng, country: str) -> str:
    sur, trade, form = rng.choice(SURNAMES[country]), rng.choice(TRADES[country]), rng.choice(FORMS[country])
    sur2 = rng.choice([s for s in SURNAMES[country] if s != sur])
    pattern = rng.randrange(4)
    if country in ("es", "it") and pattern < 2:
        name = f"{trade} {sur}"                       # Distribuciones Ortega S.L.
    elif pattern == 0:
        name = f"{sur} {trade}"
    elif pattern == 1:
        name = f"{sur} & {sur2}"
    elif pattern == 2:
        name = {"fr": f"Atelier {sur}", "it": f"{sur} & Figli", "es": f"Hermanos {sur}",
                "de": f"{sur} & Söhne", "nl": f"{sur} & Zn."}.get(country, f"{sur} {trade}")
    else:
        name = f"{sur2}{rng.choice(['tec', 'line', 'plan', 'mark'])} {trade}" if country != "in" else f"Shree {sur} {trade}"
    if country == "us" and form == "Inc." and rng.random() < .5:
        return f"{name}, {form}"                      # 'Northwind Data, Inc.'
    return f"{name} {form}"


def address(rng, country: str) -> list[str]:
    street, (zip_, city) = rng.choice(STREETS[country]), rng.choice(CITIES[country])
    no = str(rng.randint(1, 180))
    if country in ("fr", "uk", "us", "in"):
        line1 = f"{no} {street}"
    elif country == "it":
        line1 = f"{street}, {no}"
    else:
        line1 = f"{street} {no}"
    if country == "uk":
        return [line1, city, zip_]
    if country == "us":
        return [line1 + rng.choice(["", f", Suite {rng.randint(100, 990)}"]), f"{city} {zip_}"]
    if country == "in":
        return [line1, f"{city} - {zip_}"]
    if country == "it":
        return [line1, f"{zip_} {city} ({city[:2].upper()})"]
    return [line1, f"{zip_} {city}"]


def party(rng, country: str, with_vat: float = 1.0) -> Party:
    addr = address(rng, country)
    vid, label = vat_id(rng, country, " ".join(addr))
    if rng.random() > with_vat:
        vid = None
    return Party(company(rng, country), addr, vid, label)


def person(rng, country: str) -> str:
    first = {"de": "Anna Jonas Lena Felix", "fr": "Claire Julien Manon Hugo", "uk": "Emma Oliver Grace Harry",
             "us": "Megan Tyler Ashley Ryan", "in": "Priya Rahul Ananya Vikram", "es": "Lucía Pablo Carmen Javier",
             "it": "Giulia Marco Chiara Luca", "nl": "Sanne Daan Eva Bram", "se": "Elin Oskar Maja Erik"}[country].split()
    return f"{rng.choice(first)} {rng.choice(SURNAMES[country])}"


# ---------------------------------------------------------------------------------------------
# Document model and arithmetic.
@dataclass
class Item:
    name: str
    qty: Decimal
    price: Decimal            # unit price as printed (net, or gross in gross-priced layouts)
    rate: Decimal             # VAT rate in percent
    amount: Decimal = Decimal(0)  # printed line amount (net, or gross where gross_lines)
    unit: str = ""
    code: str = ""
    vat: Decimal | None = None    # per-line tax, where a layout prints it
    gross: Decimal | None = None  # per-line gross, where a layout prints it

    def __post_init__(self):
        if not self.amount:
            self.amount = money(self.qty * self.price)


@dataclass
class Totals:
    lines: Decimal
    base: Decimal
    tax: Decimal
    grand: Decimal
    by_rate: list  # [(rate, base, tax)], rates descending
    discount: Decimal = Decimal(0)


def totals_net(items: list[Item], discount: Decimal = Decimal(0)) -> Totals:
    """Net-priced lines; tax computed once per rate on the summed base (the usual EU way).
    A document discount is taken off the base of the (single) rate of the document."""
    rates = sorted({i.rate for i in items}, reverse=True)
    assert not discount or len(rates) == 1, "document discounts only on single-rate documents"
    by_rate = []
    for r in rates:
        base = sum((i.amount for i in items if i.rate == r), Decimal(0)) - discount
        by_rate.append((r, base, money(base * r / 100)))
    lines = sum((i.amount for i in items), Decimal(0))
    base = lines - discount
    tax = sum((t for _, _, t in by_rate), Decimal(0))
    return Totals(lines, base, tax, base + tax, by_rate, discount)


def totals_per_line(items: list[Item], split: int = 1) -> Totals:
    """Tax computed and printed per line (UK per-line VAT, Indian CGST+SGST: split=2 halves
    rounded separately), totals are the column sums, so the printed columns add up."""
    for i in items:
        i.vat = sum((money(i.amount * i.rate / 100 / split) for _ in range(split)), Decimal(0))
        i.gross = i.amount + i.vat
    rates = sorted({i.rate for i in items}, reverse=True)
    by_rate = [(r, sum((i.amount for i in items if i.rate == r), Decimal(0)),
                sum((i.vat for i in items if i.rate == r), Decimal(0))) for r in rates]
    lines = sum((i.amount for i in items), Decimal(0))
    tax = sum((i.vat for i in items), Decimal(0))
    return Totals(lines, lines, tax, lines + tax, by_rate)


def totals_gross(items: list[Item]) -> Totals:
    """Gross-priced lines (receipts, hotel folios): tax is extracted per rate from the gross sum."""
    rates = sorted({i.rate for i in items}, reverse=True)
    by_rate = []
    for r in rates:
        gross = sum((i.amount for i in items if i.rate == r), Decimal(0))
        tax = money(gross * r / (100 + r))
        by_rate.append((r, gross - tax, tax))
    grand = sum((i.amount for i in items), Decimal(0))
    tax = sum((t for _, _, t in by_rate), Decimal(0))
    return Totals(grand, grand - tax, tax, grand, by_rate)


def pick_items(rng, catalog, n, rates, price_scale=1.0, decimals_qty=0.2) -> list[Item]:
    """n items from catalog rows (name, unit, low price, high price, rate index or None).
    Some quantities are fractional (hours, kg) where the unit allows it."""
    out = []
    for _ in range(n):
        name, unit, lo, hi, ri = rng.choice(catalog)
        price = money(rng.uniform(lo, hi) * price_scale)
        if unit in ("h", "Std.", "kg", "m", "m²", "heures", "ore", "uur", "hrs", "tim") and rng.random() < decimals_qty:
            qty = Decimal(rng.choice(["0.5", "1.5", "2.25", "3.5", "7.5", "12.75"]))
        else:
            qty = Decimal(rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 6, 10, 12, 20, 24, 50]))
        rate = Decimal(str(rates[ri] if ri is not None and ri < len(rates) else rates[0]))
        out.append(Item(name, qty, price, rate, unit=unit))
    return out


@dataclass
class Doc:
    layout: str
    lang: str
    number: str
    date: dt.date
    seller: Party
    buyer: Party
    currency: str
    items: list[Item]
    totals: Totals
    draw: object = None        # callable(pen) drawing every page
    font: str = "helvetica"
    page: object = "a4"
    margin: float = 50
    gross_lines: bool = False  # the only printed line amount is gross
    print_gross: bool = False  # a gross amount per line is printed next to the net
    seller_name: str | None = None  # printed issuer name where it differs from seller.name
    buyer_name: str | None = None


def dec(v: Decimal) -> str:
    return f"{money(v):.2f}"


def truth(doc: Doc, pages: int) -> dict:
    """The truth file, shaped like fixtures/real/invoices/gt/*.gt.json."""
    lines = []
    for n, it in enumerate(doc.items, 1):
        row = {"line_id": str(n), "name": " ".join(it.name.split("\n")), "quantity": qty_truth(it.qty), "line_net_amount": dec(it.amount)}
        if doc.gross_lines:
            row["line_gross_amount"] = dec(it.amount)
        elif doc.print_gross:
            row["line_gross_amount"] = dec(it.gross)
        lines.append(row)
    t = doc.totals
    out = {
        "invoice_number": doc.number,
        "type_code": "380",
        "issue_date": doc.date.strftime("%Y%m%d"),
        "seller": {"name": doc.seller_name or doc.seller.name, "vat_id": doc.seller.vat_id},
        "buyer": {"name": doc.buyer_name or doc.buyer.name, "vat_id": doc.buyer.vat_id},
        "currency": doc.currency,
        "totals": {"LineTotalAmount": dec(t.lines), "TaxBasisTotalAmount": dec(t.base),
                   "TaxTotalAmount": dec(t.tax), "GrandTotalAmount": dec(t.grand)},
        "lines": lines,
        "language": doc.lang,
        "pages": pages,
        "text_layer": True,
        "layout": doc.layout,
    }
    if doc.gross_lines:
        out["line_amounts_gross"] = True
    out["truth_method"] = "generated by scripts/corpus/layouts.py (synthetic; the truth is the generator's own data)"
    return out
