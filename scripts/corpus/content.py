"""What the generated documents say: vendors, items, amounts and dates, with exact arithmetic."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

VENDORS = [
    ("Northwind Office Supply", ["1200 Harbor Blvd", "Oakland, CA 94607"]),
    ("Bluepeak Software Ltd", ["14 Clerkenwell Road", "London EC1M 5PA"]),
    ("Kestrel Freight GmbH", ["Hafenstrasse 22", "20457 Hamburg"]),
    ("Summit Facilities Services", ["88 Industrial Park Dr", "Columbus, OH 43215"]),
    ("Atlas Legal Partners LLP", ["500 Madison Avenue, Floor 12", "New York, NY 10022"]),
    ("Greenleaf Catering Co.", ["27 Market Street", "Portland, OR 97204"]),
    ("Brightline Telecom", ["PO Box 4410", "Dallas, TX 75201"]),
    ("Meridian Cloud Hosting B.V.", ["Keizersgracht 310", "1016 EZ Amsterdam"]),
    ("Copperfield Print & Design", ["9 St Andrew Square", "Edinburgh EH2 2AF"]),
    ("Harborview Consulting Group", ["2100 Pine Street, Suite 400", "Seattle, WA 98101"]),
    ("Vantage Security Systems", ["71 Commerce Way", "Phoenix, AZ 85004"]),
    ("Orchard Lane Cleaning Ltd", ["3 Orchard Lane", "Bristol BS1 5TR"]),
    ("Pinecrest Electrical Contractors", ["410 Elm Street", "Denver, CO 80203"]),
    ("Lumen Marketing Agency SARL", ["18 Rue de la Paix", "75002 Paris"]),
    ("Redwood Payroll Services", ["655 Montgomery St", "San Francisco, CA 94111"]),
]

ITEMS = [
    ("Copy paper A4 80gsm, 5 reams per box", (18, 45)),
    ("Toner cartridge, black, high yield", (60, 140)),
    ("Annual software subscription, 25 seats, business plan with priority support", (900, 4800)),
    ("Consulting services, senior consultant (hours)", (120, 260)),
    ("Freight charges, pallet delivery to main warehouse", (85, 640)),
    ("Office cleaning, monthly contract", (400, 1900)),
    ("Catering for quarterly board meeting, 18 attendees incl. beverages", (300, 1500)),
    ("Mobile phone plan, unlimited data", (35, 95)),
    ("Cloud hosting, virtual machines and storage for the production environment", (250, 3800)),
    ("Legal advice regarding commercial lease renewal", (350, 2800)),
    ("Security system monitoring", (45, 210)),
    ("Electrical repairs, second floor lighting circuit", (180, 1200)),
    ("Brochure printing, 2,000 copies, full colour, folded", (420, 2600)),
    ("Payroll processing fee per employee", (6, 14)),
    ("Desk chairs, ergonomic, with adjustable lumbar support", (140, 480)),
    ("Conference room display, 65 inch, installed", (900, 2400)),
    ("Data backup service", (40, 300)),
    ("Travel expenses, client visit (rebilled at cost)", (120, 900)),
    ("Marketing campaign management fee", (800, 5200)),
    ("Network switch, 24 ports, managed", (220, 690)),
    ("Courier envelopes, pack of 50", (12, 38)),
    ("Website maintenance and security updates, monthly retainer", (300, 1400)),
    ("Coffee machine service and supplies", (55, 260)),
    ("Training workshop, data protection for staff", (600, 2200)),
]

TERMS = ["Net 30", "Net 15", "Net 45", "Due on receipt", "Net 60", "2/10 Net 30"]

BANKS = [
    ("First Harbor Bank", "Business Checking"),
    ("Crown & Thames Bank plc", "Business Current Account"),
    ("Rheinland Sparkasse", "Geschaeftskonto"),
    ("Pacific Commerce Bank", "Operating Account"),
    ("Lakeside Credit Union", "Commercial Checking"),
]

TX_OUT = [
    "Card payment NORTHWIND OFFICE SUPPLY", "Direct debit BRIGHTLINE TELECOM", "Transfer to savings",
    "Payroll run {n}", "Cheque {n}", "Card payment AMAZON MARKETPLACE", "Rent payment {month}",
    "Direct debit ELECTRICITY SUPPLIER", "Bank service charge", "Card payment TRAVEL AGENCY",
    "SEPA transfer KESTREL FREIGHT invoice {n}", "Wire transfer fee",
]
TX_IN = [
    "Customer payment ACME CORP invoice {n}", "Deposit {n}", "Interest credit", "Refund BLUEPEAK SOFTWARE",
    "Customer payment GLOBEX LTD", "Transfer from savings", "Remote deposit {n}",
]


def money(x):
    return Decimal(x).quantize(CENT, rounding=ROUND_HALF_UP)


class Invoice:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    def ground_truth(self):
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {
            "fields": {
                "vendor_name": self.vendor,
                "vendor_address": ", ".join(self.vendor_address),
                "invoice_number": self.number,
                "invoice_date": iso(self.date),
                "due_date": iso(self.due),
                "po_number": self.po,
                "currency": self.currency,
                "subtotal": str(self.subtotal),
                "tax": str(self.tax),
                "total": str(self.total),
                "payment_terms": self.terms,
            },
            "credit_note": self.credit_note,
            "lines": [
                {
                    "description": l["description"],
                    "quantity": str(l["quantity"]) if l["quantity"] is not None else None,
                    "unit_price": str(l["unit_price"]) if l["unit_price"] is not None else None,
                    "amount": str(l["amount"]),
                    "tax_rate": str(l["tax_rate"]) if l.get("tax_rate") is not None else None,
                    "sku": l.get("sku"),
                }
                for l in self.lines
            ],
        }


def invoice(rng, family):
    vendor, address = rng.choice(VENDORS)
    n_lines = rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 18, 24]) if rng.random() > 0.12 else rng.randint(30, 60)
    date = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 640))
    terms = rng.choice(TERMS)
    days = {"Net 30": 30, "Net 15": 15, "Net 45": 45, "Due on receipt": 0, "Net 60": 60, "2/10 Net 30": 30}[terms]
    credit_note = rng.random() < 0.08
    lines = []
    tax_rate = Decimal(rng.choice(family.tax_rates))
    for _ in range(n_lines):
        desc, (lo, hi) = rng.choice(ITEMS)
        qty = Decimal(rng.choice([1, 1, 1, 2, 3, 4, 5, 6, 10, 12, 20, 40]))
        if "hours" in desc:
            qty = Decimal(rng.choice([2, 4, 7.5, 8, 12.5, 16, 24])).quantize(Decimal("0.1"))
        unit = money(Decimal(rng.uniform(lo, hi)))
        amount = money(qty * unit)
        line = {"description": desc, "quantity": qty.normalize() if qty == qty.to_integral() else qty, "unit_price": unit, "amount": amount}
        if family.has_sku:
            line["sku"] = f"{rng.choice('ABCDEFGHKMPRST')}{rng.choice('ABCDEFGHKMPRST')}-{rng.randint(1000, 9999)}"
        if family.has_line_tax:
            line["tax_rate"] = tax_rate
        lines.append(line)
    subtotal = sum((l["amount"] for l in lines), Decimal(0))
    tax = money(subtotal * tax_rate / 100)
    total = subtotal + tax
    if credit_note:
        for l in lines:
            l["amount"] = -l["amount"]
        subtotal, tax, total = -subtotal, -tax, -total
    prefix = rng.choice(["INV-", "", "F", "2025-", "A"])
    number = f"{'CN-' if credit_note else prefix}{rng.randint(10000, 999999)}"
    po = f"PO-{rng.randint(1000, 99999)}" if rng.random() < 0.6 else None
    return Invoice(
        vendor=vendor, vendor_address=address, number=number, date=date,
        due=date + dt.timedelta(days=days) if rng.random() < 0.85 else None,
        po=po, terms=terms if rng.random() < 0.8 else None, currency=family.currency,
        lines=lines, subtotal=subtotal, tax=tax, tax_rate=tax_rate, total=total,
        credit_note=credit_note,
        customer=rng.choice(["Ledgerline Demo Inc.", "Acme Holdings Ltd", "Globex Europe GmbH"]),
    )


class Statement:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    def ground_truth(self):
        return {
            "statement": {
                "bank_name": self.bank,
                "account_number": self.account_masked,
                "period_start": self.start.isoformat(),
                "period_end": self.end.isoformat(),
                "currency": self.currency,
                "opening_balance": str(self.opening),
                "closing_balance": str(self.closing),
            },
            "transactions": [
                {"date": t["date"].isoformat(), "description": t["description"], "amount": str(t["amount"]), "balance": str(t["balance"])}
                for t in self.transactions
            ],
        }


def statement(rng, family):
    bank, product = rng.choice(BANKS)
    start = dt.date(2025, rng.randint(1, 12), 1)
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    opening = money(Decimal(rng.uniform(2000, 90000)))
    n = rng.choice([4, 6, 8, 10, 12, 15, 18, 22, 26]) if rng.random() > 0.2 else rng.randint(60, 110)
    days = sorted(rng.randrange(0, (end - start).days + 1) for _ in range(n))
    balance = opening
    txs = []
    for d in days:
        if rng.random() < 0.62:
            desc = rng.choice(TX_OUT)
            amount = -money(Decimal(rng.uniform(8, 6500)))
        else:
            desc = rng.choice(TX_IN)
            amount = money(Decimal(rng.uniform(50, 14000)))
        desc = desc.format(n=rng.randint(100, 9999), month=start.strftime("%B"))
        balance += amount
        txs.append({"date": start + dt.timedelta(days=d), "description": desc, "amount": amount, "balance": balance})
    account = f"{rng.randint(10, 99)}{rng.randint(100000, 999999)}{rng.randint(10, 99)}"
    return Statement(
        bank=bank, product=product, account=account, account_masked="****" + account[-4:],
        start=start, end=end, currency=family.currency, opening=opening, closing=balance,
        transactions=txs, holder=rng.choice(["Ledgerline Demo Inc.", "Acme Holdings Ltd", "Globex Europe GmbH"]),
    )
