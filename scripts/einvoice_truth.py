#!/usr/bin/env python3
"""Independent ground-truth reader for EN 16931 e-invoices (UBL 2.1 and UN/CEFACT CII).

Uses only the Python standard library (xml.etree.ElementTree, json). It flattens one
XML e-invoice into the JSON shape of ../shared/corpus/zugferd/gt/*.gt.json: every value
is the text exactly as printed in the XML (amounts are not reformatted, dates lose
their dashes), null where the XML has no such element.

Usage:
    python3 scripts/einvoice_truth.py FILE.xml [...]              write fixtures/einvoice/gt/<name>.gt.json
    python3 scripts/einvoice_truth.py --out DIR FILE.xml [...]    write DIR/<name>.gt.json
    python3 scripts/einvoice_truth.py --stdout FILE.xml           print the JSON
    python3 scripts/einvoice_truth.py --check-zugferd             reproduce ../shared/corpus/zugferd/gt

The "source_xml" value is the XML path relative to the project root (or as given when the
file lies outside it).
"""

import argparse
import json
import os
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}

TOTAL_KEYS = [
    "LineTotalAmount",
    "ChargeTotalAmount",
    "AllowanceTotalAmount",
    "TaxBasisTotalAmount",
    "TaxTotalAmount",
    "GrandTotalAmount",
    "TotalPrepaidAmount",
    "DuePayableAmount",
]


def text(el):
    """Text of an element, stripped; None when the element or its text is missing/empty."""
    if el is None or el.text is None:
        return None
    t = el.text.strip()
    return t if t != "" else None


def ftext(parent, path):
    if parent is None:
        return None
    return text(parent.find(path, NS))


def date(s):
    if s is None:
        return None
    return s.strip().replace("-", "")


# --------------------------------------------------------------------------- CII


def cii_date(parent, path):
    """Date of a udt:DateTimeString below parent/path."""
    if parent is None:
        return None
    el = parent.find(path + "/udt:DateTimeString", NS)
    return date(text(el))


def cii_party(p):
    out = {
        "name": None,
        "vat_id": None,
        "tax_number": None,
        "postcode": None,
        "city": None,
        "street": None,
        "country": None,
    }
    if p is None:
        return out
    out["name"] = ftext(p, "ram:Name")
    for reg in p.findall("ram:SpecifiedTaxRegistration/ram:ID", NS):
        scheme = reg.get("schemeID")
        if scheme == "VA" and out["vat_id"] is None:
            out["vat_id"] = text(reg)
        elif scheme == "FC" and out["tax_number"] is None:
            out["tax_number"] = text(reg)
    addr = p.find("ram:PostalTradeAddress", NS)
    out["postcode"] = ftext(addr, "ram:PostcodeCode")
    out["city"] = ftext(addr, "ram:CityName")
    out["street"] = ftext(addr, "ram:LineOne")
    out["country"] = ftext(addr, "ram:CountryID")
    return out


def read_cii(root):
    doc = root.find("rsm:ExchangedDocument", NS)
    tx = root.find("rsm:SupplyChainTradeTransaction", NS)
    agr = tx.find("ram:ApplicableHeaderTradeAgreement", NS)
    dlv = tx.find("ram:ApplicableHeaderTradeDelivery", NS)
    stl = tx.find("ram:ApplicableHeaderTradeSettlement", NS)

    currency = ftext(stl, "ram:InvoiceCurrencyCode")

    ibans = []
    for m in stl.findall("ram:SpecifiedTradeSettlementPaymentMeans", NS):
        for acc in m.findall("ram:PayeePartyCreditorFinancialAccount", NS):
            iban = ftext(acc, "ram:IBANID")
            if iban is not None:
                ibans.append(iban)

    due_date = None
    terms = None
    for pt in stl.findall("ram:SpecifiedTradePaymentTerms", NS):
        if due_date is None:
            due_date = cii_date(pt, "ram:DueDateDateTime")
        if terms is None:
            terms = ftext(pt, "ram:Description")

    summ = stl.find("ram:SpecifiedTradeSettlementHeaderMonetarySummation", NS)
    totals = {}
    for k in TOTAL_KEYS:
        if k == "TaxTotalAmount":
            val = None
            cands = summ.findall("ram:TaxTotalAmount", NS) if summ is not None else []
            for c in cands:
                if c.get("currencyID") in (None, currency):
                    val = text(c)
                    break
            if val is None and cands:
                val = text(cands[0])
            totals[k] = val
        else:
            totals[k] = ftext(summ, "ram:" + k)

    taxes = []
    for t in stl.findall("ram:ApplicableTradeTax", NS):
        taxes.append(
            {
                "rate": ftext(t, "ram:RateApplicablePercent"),
                "category": ftext(t, "ram:CategoryCode"),
                "basis": ftext(t, "ram:BasisAmount"),
                "amount": ftext(t, "ram:CalculatedAmount"),
            }
        )

    lines = []
    for li in tx.findall("ram:IncludedSupplyChainTradeLineItem", NS):
        prod = li.find("ram:SpecifiedTradeProduct", NS)
        la = li.find("ram:SpecifiedLineTradeAgreement", NS)
        ld = li.find("ram:SpecifiedLineTradeDelivery", NS)
        ls = li.find("ram:SpecifiedLineTradeSettlement", NS)
        qty = ld.find("ram:BilledQuantity", NS) if ld is not None else None
        lines.append(
            {
                "line_id": ftext(li, "ram:AssociatedDocumentLineDocument/ram:LineID"),
                "seller_item_id": ftext(prod, "ram:SellerAssignedID"),
                "name": ftext(prod, "ram:Name"),
                "quantity": text(qty),
                "unit_code": qty.get("unitCode") if qty is not None else None,
                "net_unit_price": ftext(la, "ram:NetPriceProductTradePrice/ram:ChargeAmount"),
                "gross_unit_price": ftext(la, "ram:GrossPriceProductTradePrice/ram:ChargeAmount"),
                "tax_rate": ftext(ls, "ram:ApplicableTradeTax/ram:RateApplicablePercent"),
                "line_net_amount": ftext(
                    ls,
                    "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
                ),
            }
        )

    return {
        "invoice_number": ftext(doc, "ram:ID"),
        "type_code": ftext(doc, "ram:TypeCode"),
        "issue_date": cii_date(doc, "ram:IssueDateTime"),
        "buyer_reference": ftext(agr, "ram:BuyerReference"),
        "order_reference": ftext(agr, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
        "seller": cii_party(agr.find("ram:SellerTradeParty", NS)),
        "buyer": cii_party(agr.find("ram:BuyerTradeParty", NS)),
        "delivery_date": cii_date(dlv, "ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime"),
        "currency": currency,
        "payment_reference": ftext(stl, "ram:PaymentReference"),
        "iban": ibans,
        "due_date": due_date,
        "payment_terms": terms,
        "totals": totals,
        "taxes": taxes,
        "lines": lines,
    }


# --------------------------------------------------------------------------- UBL


def ubl_party(p):
    out = {
        "name": None,
        "vat_id": None,
        "tax_number": None,
        "postcode": None,
        "city": None,
        "street": None,
        "country": None,
    }
    if p is None:
        return out
    name = ftext(p, "cac:PartyLegalEntity/cbc:RegistrationName")
    if name is None:
        name = ftext(p, "cac:PartyName/cbc:Name")
    out["name"] = name
    for ts in p.findall("cac:PartyTaxScheme", NS):
        cid = ftext(ts, "cbc:CompanyID")
        scheme = ftext(ts, "cac:TaxScheme/cbc:ID")
        if scheme == "VAT":
            if out["vat_id"] is None:
                out["vat_id"] = cid
        elif out["tax_number"] is None:
            out["tax_number"] = cid
    addr = p.find("cac:PostalAddress", NS)
    out["postcode"] = ftext(addr, "cbc:PostalZone")
    out["city"] = ftext(addr, "cbc:CityName")
    out["street"] = ftext(addr, "cbc:StreetName")
    out["country"] = ftext(addr, "cac:Country/cbc:IdentificationCode")
    return out


def read_ubl(root, credit):
    cur = ftext(root, "cbc:DocumentCurrencyCode")
    type_code = ftext(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode")

    ibans = []
    pay_ref = None
    for m in root.findall("cac:PaymentMeans", NS):
        if pay_ref is None:
            pay_ref = ftext(m, "cbc:PaymentID")
        iban = ftext(m, "cac:PayeeFinancialAccount/cbc:ID")
        if iban is not None:
            ibans.append(iban)

    # BT-9: Invoice/cbc:DueDate; CreditNote has it under PaymentMeans/PaymentDueDate
    due = ftext(root, "cbc:DueDate")
    if due is None:
        for m in root.findall("cac:PaymentMeans", NS):
            due = ftext(m, "cbc:PaymentDueDate")
            if due is not None:
                break
    terms = None
    for pt in root.findall("cac:PaymentTerms", NS):
        terms = ftext(pt, "cbc:Note")
        if terms is not None:
            break

    lmt = root.find("cac:LegalMonetaryTotal", NS)
    tax_total = None
    doc_tax = None
    for tt in root.findall("cac:TaxTotal", NS):
        amt = tt.find("cbc:TaxAmount", NS)
        if amt is not None and amt.get("currencyID") == cur:
            tax_total = text(amt)
            doc_tax = tt
            break
    totals = {
        "LineTotalAmount": ftext(lmt, "cbc:LineExtensionAmount"),
        "ChargeTotalAmount": ftext(lmt, "cbc:ChargeTotalAmount"),
        "AllowanceTotalAmount": ftext(lmt, "cbc:AllowanceTotalAmount"),
        "TaxBasisTotalAmount": ftext(lmt, "cbc:TaxExclusiveAmount"),
        "TaxTotalAmount": tax_total,
        "GrandTotalAmount": ftext(lmt, "cbc:TaxInclusiveAmount"),
        "TotalPrepaidAmount": ftext(lmt, "cbc:PrepaidAmount"),
        "DuePayableAmount": ftext(lmt, "cbc:PayableAmount"),
    }

    taxes = []
    if doc_tax is not None:
        for st in doc_tax.findall("cac:TaxSubtotal", NS):
            taxes.append(
                {
                    "rate": ftext(st, "cac:TaxCategory/cbc:Percent"),
                    "category": ftext(st, "cac:TaxCategory/cbc:ID"),
                    "basis": ftext(st, "cbc:TaxableAmount"),
                    "amount": ftext(st, "cbc:TaxAmount"),
                }
            )

    line_tag, qty_tag = ("cac:CreditNoteLine", "cbc:CreditedQuantity") if credit else (
        "cac:InvoiceLine",
        "cbc:InvoicedQuantity",
    )
    lines = []
    for li in root.findall(line_tag, NS):
        item = li.find("cac:Item", NS)
        price = li.find("cac:Price", NS)
        qty = li.find(qty_tag, NS)
        lines.append(
            {
                "line_id": ftext(li, "cbc:ID"),
                "seller_item_id": ftext(item, "cac:SellersItemIdentification/cbc:ID"),
                "name": ftext(item, "cbc:Name"),
                "quantity": text(qty),
                "unit_code": qty.get("unitCode") if qty is not None else None,
                "net_unit_price": ftext(price, "cbc:PriceAmount"),
                "gross_unit_price": ftext(price, "cac:AllowanceCharge/cbc:BaseAmount"),
                "tax_rate": ftext(item, "cac:ClassifiedTaxCategory/cbc:Percent"),
                "line_net_amount": ftext(li, "cbc:LineExtensionAmount"),
            }
        )

    delivery = ftext(root, "cac:Delivery/cbc:ActualDeliveryDate")

    return {
        "invoice_number": ftext(root, "cbc:ID"),
        "type_code": type_code,
        "issue_date": date(ftext(root, "cbc:IssueDate")),
        "buyer_reference": ftext(root, "cbc:BuyerReference"),
        "order_reference": ftext(root, "cac:OrderReference/cbc:ID"),
        "seller": ubl_party(root.find("cac:AccountingSupplierParty/cac:Party", NS)),
        "buyer": ubl_party(root.find("cac:AccountingCustomerParty/cac:Party", NS)),
        "delivery_date": date(delivery),
        "currency": cur,
        "payment_reference": pay_ref,
        "iban": ibans,
        "due_date": date(due),
        "payment_terms": terms,
        "totals": totals,
        "taxes": taxes,
        "lines": lines,
    }


# --------------------------------------------------------------------------- driver


def read(path):
    root = ET.parse(path).getroot()
    if root.tag == "{%s}CrossIndustryInvoice" % NS["rsm"]:
        return read_cii(root)
    if root.tag == "{%s}Invoice" % NS["inv"]:
        return read_ubl(root, credit=False)
    if root.tag == "{%s}CreditNote" % NS["cn"]:
        return read_ubl(root, credit=True)
    raise ValueError("%s: unsupported root element %s" % (path, root.tag))


def rel_source(path):
    ap = os.path.abspath(path)
    if ap.startswith(ROOT + os.sep):
        return os.path.relpath(ap, ROOT)
    return path


def dump(d):
    return json.dumps(d, indent=1, ensure_ascii=False)


def check_zugferd():
    corpus = os.path.join(ROOT, "..", "shared", "corpus", "zugferd")
    gt_dir = os.path.join(corpus, "gt")
    xml_dir = os.path.join(corpus, "xml")
    ok = bad = 0
    for g in sorted(os.listdir(gt_dir)):
        if not g.endswith(".gt.json"):
            continue
        with open(os.path.join(gt_dir, g), encoding="utf-8") as f:
            raw = f.read()
        want = json.loads(raw)
        base = os.path.basename(want["source_xml"])
        xml = os.path.join(xml_dir, base)
        if not os.path.exists(xml):
            xml = os.path.join(xml_dir, g[: -len(".pdf.gt.json")] + ".cii.xml")
        got = read(xml)
        extra = {k: v for k, v in want.items() if k in ("source_xml", "pdf")}
        want = {k: v for k, v in want.items() if k not in ("pdf", "source_xml")}
        if got == want and dump(dict(got, **extra)) == raw:
            ok += 1
        else:
            bad += 1
            print("MISMATCH %s (%s)" % (g, os.path.basename(xml)))
            if got == want:
                print("  same values, different JSON text (key order or formatting)")
            for k in want:
                if got.get(k) != want[k]:
                    print("  %s: got %r want %r" % (k, got.get(k), want[k]))
            for k in got:
                if k not in want:
                    print("  extra key %s" % k)
    print("zugferd reproduction: %d/%d identical (values and bytes)" % (ok, ok + bad))
    return bad == 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--out", default=os.path.join(ROOT, "fixtures", "einvoice", "gt"))
    ap.add_argument("--stdout", action="store_true")
    ap.add_argument("--check-zugferd", action="store_true")
    a = ap.parse_args(argv)
    if a.check_zugferd:
        return 0 if check_zugferd() else 1
    for path in a.files:
        d = read(path)
        d["source_xml"] = rel_source(path)
        if a.stdout:
            print(dump(d))
            continue
        os.makedirs(a.out, exist_ok=True)
        out = os.path.join(a.out, os.path.basename(path) + ".gt.json")
        with open(out, "w", encoding="utf-8") as f:
            f.write(dump(d))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
