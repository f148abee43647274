"""Layout families: how a document looks, independent of what it says.

A family is a set of choices (page size, fonts, where the header fields sit, how they are
labelled, column order, rules or none, date and number formats, currency, how negatives are
written) fed to one drawing engine. To add a family, subclass Family, set the attributes, and add
it to SEEN or UNSEEN. Families in UNSEEN are never used for the committed fixtures: extraction
code is measured on them without having been tuned on them.
"""

from decimal import Decimal

from reportlab.lib.pagesizes import A4, LETTER

DATE_FORMATS = {
    "us": lambda d: d.strftime("%m/%d/%Y"),
    "eu_dot": lambda d: d.strftime("%d.%m.%Y"),
    "eu_slash": lambda d: d.strftime("%d/%m/%Y"),
    "iso": lambda d: d.isoformat(),
    "long": lambda d: d.strftime("%d %b %Y"),
    "us_long": lambda d: d.strftime("%B %-d, %Y"),
}


class Family:
    name = "base"
    pagesize = LETTER
    font = "Helvetica"
    bold = "Helvetica-Bold"
    size = 9.5
    currency = "USD"
    symbol = "$"
    symbol_after = False
    decimal = "."
    thousands = ","
    date = "us"
    negative = "minus"  # minus | parens | cr
    header = "left_right"  # left_right | stacked | band
    labels = {
        "number": "Invoice No.", "date": "Invoice Date", "due": "Due Date", "po": "PO Number",
        "terms": "Terms", "subtotal": "Subtotal", "tax": "Tax", "total": "Total",
        "title": "INVOICE", "credit_title": "CREDIT NOTE", "bill_to": "Bill To",
    }
    # (key, title, share of the table width, alignment)
    columns = [("description", "Description", 0.52, "left"), ("quantity", "Qty", 0.1, "right"),
               ("unit_price", "Unit Price", 0.18, "right"), ("amount", "Amount", 0.2, "right")]
    rules = "grid"  # grid | horizontal | header | none
    has_sku = False
    has_line_tax = False
    tax_rates = ["0", "5", "7.5", "8.25", "10"]
    carry_forward = True
    amount_symbol_in_table = False
    stmt_columns = "signed"  # signed | debit_credit
    stmt_labels = {"title": "ACCOUNT STATEMENT", "opening": "Opening balance", "closing": "Closing balance",
                   "period": "Statement period", "account": "Account number", "date": "Date",
                   "description": "Description", "amount": "Amount", "balance": "Balance",
                   "debit": "Withdrawals", "credit": "Deposits"}

    # ---- formatting -------------------------------------------------------------------------
    def fmt_date(self, d):
        return DATE_FORMATS[self.date](d)

    def fmt_num(self, x, places=2):
        x = Decimal(x)
        neg = x < 0
        s = f"{abs(x):,.{places}f}"
        s = s.replace(",", "\x00").replace(".", self.decimal).replace("\x00", self.thousands)
        return s, neg

    def fmt_amount(self, x, symbol=False):
        s, neg = self.fmt_num(x)
        if symbol:
            s = f"{s} {self.symbol}" if self.symbol_after else f"{self.symbol}{s}"
        if neg:
            s = {"minus": f"-{s}", "parens": f"({s})", "cr": f"{s} CR"}[self.negative]
        return s

    def fmt_qty(self, q):
        q = Decimal(q)
        if q == q.to_integral():
            return str(int(q))
        s, _ = self.fmt_num(q, 1)
        return s

    # ---- drawing ----------------------------------------------------------------------------
    def margins(self, rec):
        return 50, rec.width - 50, rec.height - 50, 60  # left, right, top, bottom

    def draw_invoice(self, rec, inv, rng):
        left, right, top, bottom = self.margins(rec)
        y = self.draw_invoice_header(rec, inv, left, right, top)
        y = self.draw_table(rec, inv, left, right, y - 18, bottom)
        self.draw_totals(rec, inv, left, right, y - 10, bottom)

    def meta_pairs(self, inv):
        pairs = [(self.labels["number"], inv.number), (self.labels["date"], self.fmt_date(inv.date))]
        if inv.due:
            pairs.append((self.labels["due"], self.fmt_date(inv.due)))
        if inv.po:
            pairs.append((self.labels["po"], inv.po))
        if inv.terms:
            pairs.append((self.labels["terms"], inv.terms))
        return pairs

    def draw_invoice_header(self, rec, inv, left, right, top):
        title = self.labels["credit_title"] if inv.credit_note else self.labels["title"]
        s = self.size
        if self.header == "band":
            rec.rect_fill(0, top - 6, rec.width, 40, 0.88)
            rec.set_font(self.bold, s + 9)
            rec.text(left, top + 8, title)
            rec.set_font(self.bold, s + 2)
            rec.text(right, top + 8, inv.vendor, align="right")
            y = top - 30
        elif self.header == "stacked":
            rec.set_font(self.bold, s + 7)
            rec.text(rec.width / 2, top, title, align="center")
            rec.set_font(self.bold, s + 2)
            rec.text(left, top - 30, inv.vendor)
            y = top - 30
        else:
            rec.set_font(self.bold, s + 4)
            rec.text(left, top, inv.vendor)
            rec.set_font(self.bold, s + 7)
            rec.text(right, top, title, align="right")
            y = top
        rec.set_font(self.font, s)
        yy = y - 14
        if self.header == "band":
            yy = y
        for line in inv.vendor_address:
            rec.text(left, yy, line)
            yy -= s + 3
        # Header fields: label and value columns at the right, or stacked below the address.
        pairs = self.meta_pairs(inv)
        if self.header == "stacked":
            my = yy - 10
            for label, value in pairs:
                rec.set_font(self.bold, s)
                rec.text(left, my, f"{label}:")
                rec.set_font(self.font, s)
                rec.text(left + 95, my, value)
                my -= s + 4
            rec.set_font(self.bold, s)
            rec.text(right - 170, yy - 10, self.labels["bill_to"])
            rec.set_font(self.font, s)
            rec.text(right - 170, yy - 10 - (s + 4), inv.customer)
            return min(my, yy - 40)
        my = y - 14 if self.header != "band" else y
        for label, value in pairs:
            rec.set_font(self.bold, s)
            rec.text(right - 120, my, label, align="right")
            rec.set_font(self.font, s)
            rec.text(right, my, value, align="right")
            my -= s + 4
        by = min(yy, my) - 14
        rec.set_font(self.bold, s)
        rec.text(left, by, self.labels["bill_to"])
        rec.set_font(self.font, s)
        rec.text(left, by - (s + 4), inv.customer)
        return by - (s + 4) - 6

    def col_positions(self, left, right):
        width = right - left
        xs, x = [], left
        for key, title, share, align in self.columns:
            w = width * share
            xs.append((key, title, x, x + w, align))
            x += w
        return xs

    def cell_text(self, key, line):
        v = line.get(key)
        if v is None:
            return ""
        if key in ("unit_price", "amount"):
            return self.fmt_amount(v, symbol=self.amount_symbol_in_table)
        if key == "quantity":
            return self.fmt_qty(v)
        if key == "tax_rate":
            return f"{self.fmt_num(v, 1)[0]}%" if Decimal(v) != Decimal(v).to_integral() else f"{int(Decimal(v))}%"
        return str(v)

    def wrap(self, rec, text, width):
        words, lines, cur = text.split(), [], ""
        for w in words:
            t = f"{cur} {w}".strip()
            if rec.width_of(t) <= width - 6:
                cur = t
            else:
                lines.append(cur)
                cur = w
        lines.append(cur)
        return [l for l in lines if l]

    def draw_table_head(self, rec, cols, y, left, right):
        s = self.size
        rec.set_font(self.bold, s)
        for key, title, x0, x1, align in cols:
            if align == "right":
                rec.text(x1 - 4, y, title, align="right")
            else:
                rec.text(x0 + 4, y, title)
        if self.rules in ("grid", "horizontal", "header"):
            rec.line(left, y + s + 3, right, y + s + 3)
            rec.line(left, y - 5, right, y - 5)
        rec.set_font(self.font, s)
        return y - s - 8

    def draw_table(self, rec, inv, left, right, y, bottom):
        cols = self.col_positions(left, right)
        s = self.size
        y = self.draw_table_head(rec, cols, y, left, right)
        top_of_rows = y + s
        running = Decimal(0)
        for line in inv.lines:
            desc_col = next(c for c in cols if c[0] == "description")
            wrapped = self.wrap(rec, line["description"], desc_col[3] - desc_col[2])
            need = len(wrapped) * (s + 2) + 6
            if y - need < bottom + 30:
                if self.carry_forward:
                    rec.set_font(self.bold, s)
                    rec.text(cols[-1][3] - 4, y - 2, self.fmt_amount(running), align="right")
                    rec.text(cols[-1][2] - 8, y - 2, "Carried forward", align="right")
                    rec.set_font(self.font, s)
                self.draw_grid(rec, cols, top_of_rows, y + s - 2)
                rec.set_font(self.font, s - 1.5)
                rec.text(right, bottom - 20, f"Page {len(rec.pages)}", align="right")
                rec.new_page()
                rec.set_font(self.font, s)
                y = rec.height - 60
                y = self.draw_table_head(rec, cols, y, left, right)
                top_of_rows = y + s
                if self.carry_forward:
                    rec.set_font(self.bold, s)
                    rec.text(cols[-1][2] - 8, y, "Brought forward", align="right")
                    rec.text(cols[-1][3] - 4, y, self.fmt_amount(running), align="right")
                    rec.set_font(self.font, s)
                    y -= s + 6
            for key, title, x0, x1, align in cols:
                if key == "description":
                    yy = y
                    for part in wrapped:
                        rec.text(x0 + 4, yy, part)
                        yy -= s + 2
                    continue
                t = self.cell_text(key, line)
                if align == "right":
                    rec.text(x1 - 4, y, t, align="right")
                else:
                    rec.text(x0 + 4, y, t)
            y -= need
            running += line["amount"]
            if self.rules == "grid" or self.rules == "horizontal":
                rec.line(left, y + s - 1, right, y + s - 1, 0.3)
        self.draw_grid(rec, cols, top_of_rows, y + s - 1)
        return y

    def draw_grid(self, rec, cols, top, bottom_y):
        if self.rules != "grid":
            return
        for key, title, x0, x1, align in cols:
            rec.line(x0, top + 8, x0, bottom_y, 0.3)
        rec.line(cols[-1][3], top + 8, cols[-1][3], bottom_y, 0.3)

    def draw_totals(self, rec, inv, left, right, y, bottom):
        s = self.size
        if y < bottom + 60:
            rec.new_page()
            y = rec.height - 70
        rate = inv.tax_rate
        rate_s = f"{int(rate)}" if rate == rate.to_integral() else self.fmt_num(rate, 2)[0].rstrip("0")
        rows = [(self.labels["subtotal"], inv.subtotal), (f"{self.labels['tax']} ({rate_s}%)", inv.tax),
                (f"{self.labels['total']} {self.currency}", inv.total)]
        for i, (label, value) in enumerate(rows):
            last = i == len(rows) - 1
            rec.set_font(self.bold if last else self.font, s + (1 if last else 0))
            rec.text(right - 110, y, label, align="right")
            rec.text(right, y, self.fmt_amount(value, symbol=last), align="right")
            y -= s + 6

    # ---- statements -------------------------------------------------------------------------
    def draw_statement(self, rec, st, rng):
        left, right, top, bottom = self.margins(rec)
        s = self.size
        L = self.stmt_labels
        rec.set_font(self.bold, s + 5)
        rec.text(left, top, st.bank)
        rec.set_font(self.bold, s + 3)
        rec.text(right, top, L["title"], align="right")
        rec.set_font(self.font, s)
        y = top - 22
        pairs = [("Account holder", st.holder), (L["account"], st.account_masked),
                 (L["period"], f"{self.fmt_date(st.start)} - {self.fmt_date(st.end)}"),
                 ("Currency", st.currency)]
        for label, value in pairs:
            rec.set_font(self.bold, s)
            rec.text(left, y, f"{label}:")
            rec.set_font(self.font, s)
            rec.text(left + 110, y, value)
            y -= s + 4
        y -= 6
        rec.set_font(self.bold, s)
        rec.text(left, y, L["opening"])
        rec.text(right, y, self.fmt_amount(st.opening, symbol=True), align="right")
        y -= s + 14
        width = right - left
        # Spelled-out dates need a wider column, or they run into the description.
        wide = 0.06 if self.date in ("long", "us_long") else 0.0
        if self.stmt_columns == "debit_credit":
            cols = [("date", L["date"], 0.14 + wide, "left"), ("description", L["description"], 0.44 - wide, "left"),
                    ("debit", L["debit"], 0.14, "right"), ("credit", L["credit"], 0.14, "right"),
                    ("balance", L["balance"], 0.14, "right")]
        else:
            cols = [("date", L["date"], 0.15 + wide, "left"), ("description", L["description"], 0.5 - wide, "left"),
                    ("amount", L["amount"], 0.17, "right"), ("balance", L["balance"], 0.18, "right")]
        xs, x = [], left
        for key, title, share, align in cols:
            xs.append((key, title, x, x + width * share, align))
            x += width * share
        y = self.draw_table_head(rec, xs, y, left, right)
        for t in st.transactions:
            if y < bottom + 30:
                rec.set_font(self.font, s - 1.5)
                rec.text(right, bottom - 20, f"Page {len(rec.pages)}", align="right")
                rec.new_page()
                y = self.draw_table_head(rec, xs, rec.height - 60, left, right)
            vals = {"date": self.fmt_date(t["date"]), "description": t["description"],
                    "amount": self.fmt_amount(t["amount"]), "balance": self.fmt_amount(t["balance"]),
                    "debit": self.fmt_num(-t["amount"])[0] if t["amount"] < 0 else "",
                    "credit": self.fmt_num(t["amount"])[0] if t["amount"] > 0 else ""}
            for key, title, x0, x1, align in xs:
                if align == "right":
                    rec.text(x1 - 4, y, vals[key], align="right")
                else:
                    rec.text(x0 + 4, y, vals[key])
            y -= s + 5
            if self.rules in ("grid", "horizontal"):
                rec.line(left, y + s - 1, right, y + s - 1, 0.3)
        y -= 10
        if y < bottom + 20:
            rec.new_page()
            y = rec.height - 70
        rec.set_font(self.bold, s)
        rec.text(left, y, L["closing"])
        rec.text(right, y, self.fmt_amount(st.closing, symbol=True), align="right")


class Classic(Family):
    name = "classic"


class Modern(Family):
    name = "modern"
    pagesize = A4
    font, bold = "Times-Roman", "Times-Bold"
    size = 10
    currency, symbol, symbol_after = "EUR", "EUR", True
    decimal, thousands = ",", "."
    date = "eu_dot"
    header = "band"
    rules = "none"
    has_sku = True
    columns = [("sku", "Item", 0.14, "left"), ("description", "Description", 0.48, "left"),
               ("quantity", "Qty", 0.08, "right"), ("unit_price", "Price", 0.14, "right"),
               ("amount", "Amount", 0.16, "right")]
    labels = dict(Family.labels, number="Invoice number", date="Date", due="Payment due", po="Order ref.",
                  subtotal="Net amount", tax="VAT", total="Amount due")
    tax_rates = ["19", "7", "21", "20"]
    stmt_columns = "debit_credit"


class Ledger(Family):
    name = "ledger"
    pagesize = A4
    font, bold = "Courier", "Courier-Bold"
    size = 9
    currency, symbol = "GBP", "£"
    date = "long"
    negative = "parens"
    header = "stacked"
    rules = "horizontal"
    has_line_tax = True
    columns = [("quantity", "Qty", 0.08, "right"), ("description", "Description", 0.5, "left"),
               ("unit_price", "Rate", 0.14, "right"), ("tax_rate", "VAT %", 0.1, "right"),
               ("amount", "Total", 0.18, "right")]
    labels = dict(Family.labels, number="Invoice #", date="Tax point", due="Pay by", po="Your ref",
                  terms="Payment terms", subtotal="Sub-total", tax="VAT")
    tax_rates = ["20", "5", "0"]
    carry_forward = False


class Compact(Family):
    name = "compact"
    size = 8.5
    date = "iso"
    rules = "header"
    header = "left_right"
    negative = "cr"
    columns = [("description", "Item description", 0.8, "left"), ("amount", "Amount", 0.2, "right")]
    labels = dict(Family.labels, number="Invoice", date="Issued", due="Due", po="P.O.", terms="Terms",
                  total="Balance due", title="TAX INVOICE")
    amount_symbol_in_table = True
    stmt_columns = "signed"


class European(Family):
    name = "european"
    pagesize = A4
    font, bold = "Helvetica", "Helvetica-Bold"
    size = 9
    currency, symbol, symbol_after = "EUR", "€", True
    decimal, thousands = ",", " "
    date = "eu_slash"
    header = "stacked"
    rules = "grid"
    has_sku = True
    columns = [("sku", "Ref.", 0.13, "left"), ("description", "Designation", 0.45, "left"),
               ("quantity", "Qty", 0.09, "right"), ("unit_price", "Unit price", 0.15, "right"),
               ("amount", "Total", 0.18, "right")]
    labels = dict(Family.labels, number="Invoice no", date="Invoice date", due="Due date",
                  po="Purchase order", subtotal="Total excl. VAT", tax="VAT", total="Total incl. VAT")
    tax_rates = ["20", "10", "5.5"]
    stmt_columns = "debit_credit"
    negative = "minus"


class Broadsheet(Family):
    """Held out: never used for the committed fixtures."""

    name = "broadsheet"
    pagesize = LETTER
    font, bold = "Times-Roman", "Times-Bold"
    size = 10.5
    currency, symbol = "USD", "$"
    date = "us_long"
    negative = "parens"
    header = "band"
    rules = "horizontal"
    has_sku = True
    has_line_tax = False
    columns = [("amount", "Line total", 0.16, "right"), ("description", "Goods / services", 0.46, "left"),
               ("sku", "Code", 0.12, "left"), ("quantity", "Units", 0.1, "right"),
               ("unit_price", "Each", 0.16, "right")]
    labels = dict(Family.labels, number="Bill number", date="Billed on", due="Please pay by", po="Purchase ref",
                  terms="Conditions", subtotal="Goods total", tax="Sales tax", total="Grand total", title="BILL")
    stmt_columns = "debit_credit"
    stmt_labels = dict(Family.stmt_labels, title="STATEMENT OF ACCOUNT", opening="Balance brought forward",
                       closing="Balance carried forward", debit="Paid out", credit="Paid in", date="Posted")


SEEN = [Classic(), Modern(), Ledger(), Compact(), European()]
UNSEEN = [Broadsheet()]


def select(spec):
    if spec == "seen":
        return SEEN
    if spec == "unseen":
        return UNSEEN
    if spec == "all":
        return SEEN + UNSEEN
    by_name = {f.name: f for f in SEEN + UNSEEN}
    return [by_name[n] for n in spec.split(",")]
