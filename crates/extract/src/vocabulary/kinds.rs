//! The words that tell one kind of document from another: a statement's, an invoice's, a
//! credit note's, a till receipt's, and the phrases that rule a receipt out. `classify` counts
//! them; each list holds all six languages so a language is added in one place.

/// Words and phrases that vote for a bank statement.
pub const STATEMENT_WORDS: &[&str] = &[
    "statement",
    "account statement",
    "value date",
    "opening balance",
    "closing balance",
    "balance brought forward",
    "balance carried forward",
    "withdrawals",
    "deposits",
    "paid in",
    "paid out",
    "account holder",
    "statement period",
    "beginning balance",
    "ending balance",
    "available balance",
    "account summary",
    "total deposits",
    "total withdrawals",
    "money in",
    "money out",
    "kontoauszug",
    "alter kontostand",
    "neuer kontostand",
    "alter saldo",
    "neuer saldo",
    "auszugsnummer",
    "kontoinhaber",
    "verwendungszweck",
    "wertstellung",
    "relevé de compte",
    "ancien solde",
    "nouveau solde",
    "solde créditeur",
    "solde débiteur",
    "date de valeur",
    "extracto",
    "saldo anterior",
    "fecha valor",
    "estratto conto",
    "saldo iniziale",
    "saldo finale",
    "data valuta",
    "rekeningafschrift",
    "beginsaldo",
    "eindsaldo",
    "nieuw saldo",
    "vorig saldo",
    "rentedatum",
    "saldo contabile",
    "saldo disponibile",
    "выписка",
    "входящий остаток",
    "исходящий остаток",
    // A card account's statement: its limit and the least it asks to be paid.
    "card account",
    "credit limit",
    "available credit",
    "minimum amount due",
    "minimum payment due",
    "previous balance",
    "statement date",
    // pt
    "extrato",
    "conta corrente",
    "saldo atual",
    "lançamentos",
    "movimentação",
];

/// Words and phrases that vote for an invoice. Words of four letters or fewer count only as
/// whole words ("ust" is not in "august"); longer ones also inside German compounds
/// ("Handelsrechnung").
pub const INVOICE_WORDS: &[&str] = &[
    "invoice",
    "bill to",
    "subtotal",
    "sub total",
    "amount due",
    "balance due",
    "vat",
    "tax",
    "qty",
    "quantity",
    "unit price",
    "due date",
    "bill number",
    "grand total",
    "rechnung",
    "mwst",
    "ust",
    "umsatzsteuer",
    "gesamtbetrag",
    "nettobetrag",
    "menge",
    "einzelpreis",
    "facture",
    "tva",
    "total ttc",
    "total ht",
    "quantité",
    "prix unitaire",
    "net à payer",
    "factura",
    "iva",
    "cantidad",
    "importe",
    "base imponible",
    "fattura",
    "imponibile",
    "quantità",
    "totale",
    "factuur",
    "btw",
    "aantal",
    "totaal",
    "arve",
    "käibemaks",
    "kogus",
    "kokku",
    // pt
    "fatura",
    "nota fiscal",
    "valor total",
    "total a pagar",
    "data de emissão",
    "vencimento",
    "quantidade",
    "valor unitário",
    // sv, da, no
    "faktura",
    "moms",
    "att betala",
    "fakturanummer",
    "fakturadatum",
    // India
    "gstin",
    "hsn",
    "taxable value",
    // An invoice's own number or date, labelled: each is a second word of the invoice
    // ("Invoice ID", "Invoice Date"), as "grand total" is. Not "Invoice Total": a statement
    // lists its invoices' totals.
    "invoice number",
    "invoice no",
    "invoice id",
    "invoice date",
    "rechnungsnummer",
    "rechnungsdatum",
    "numéro de facture",
    "date de facture",
    "número de factura",
    "fecha de factura",
    "numero fattura",
    "data fattura",
    "factuurnummer",
    "factuurdatum",
    "arve nr",
    "arve kuupäev",
];

/// Words of money handed over at a till: a receipt that prints none of them and labels an
/// invoice number ("Tax Invoice / Receipt", "Invoice Number: AT-215508940", paid by card online)
/// is an invoice already paid.
pub const TILL_WORDS: &[&str] = &[
    "cash",
    "change",
    "cashier",
    "tendered",
    "rückgeld",
    "gegeben",
    "bar",
    "kassierer",
    "espèce",
    "espece",
    "caissier",
    "rendu",
    "efectivo",
    "cambio",
    "cajero",
    "contanti",
    "resto",
    "cassiere",
    "contant",
    "wisselgeld",
    // Beyond the six languages: cash and the change handed back (es "contado", "entregado";
    // de "Geg." as tills shorten "gegeben"; cs, ro, pl, pt, sv/da/no, fi, hu).
    "contado",
    "entregado",
    "geg",
    "hotovost",
    "vraceno",
    "numerar",
    "gotowka",
    "reszta",
    "troco",
    "dinheiro",
    "kontant",
    "vaxel",
    "byttepenge",
    "kateinen",
    "vaihtoraha",
    "keszpenz",
    "visszajaro",
];

/// The one word a till slip prints before its total, in languages beyond the labels of the
/// six: with a slip's shape (see `till::slip_shaped`), evidence of a receipt.
pub const SLIP_TOTAL_WORDS: &[&str] = &[
    "total", "totale", "totaal", "summe", "suma", "celkem", "totalt", "yhteensa", "osszesen",
    "razem", "toplam", "sum",
];

/// A till slip's legal name where it also prints invoice words: a Spanish till's "simplified
/// invoice" is the receipt the law asks for, Italy's "documento commerciale" replaced the
/// "scontrino fiscale". On a full invoice they name the slip it replaces ("Factura
/// Simplificada: 3995-016-322364"), so they count only on a slip's shape.
pub const SLIP_NAMES: &[&str] = &[
    "factura simplificada",
    "documento commerciale",
    // Brazil's consumer receipt (NFC-e) and its older till coupon.
    "nota fiscal de consumidor",
    "cupom fiscal",
    // A restaurant's check, eaten in or taken away.
    "guest check",
    "for here",
    "dine in",
];

/// A card payment at a till, one word each: with a slip's shape, evidence of a receipt (an
/// invoice paid by card online prints them too, but on a page's width).
pub const SLIP_PAYMENT_WORDS: &[&str] = &[
    "visa",
    "mastercard",
    "maestro",
    "amex",
    "girocard",
    "contactless",
    "approval",
    "approved",
    "authorization",
    // Card slips shorten it: "Auth: 012345".
    "auth",
    "tip",
    "gratuity",
    "bezahlt",
    "kartenzahlung",
    "tarjeta",
    "carta",
    "carte",
    "cartao",
];

/// Labels of an invoice's own number: with no till word, a receipt that prints one is an
/// invoice.
pub const INVOICE_NUMBER_LABELS: &[&str] = &[
    "invoice number",
    "invoice no",
    "invoice id",
    "rechnungsnummer",
    "numéro de facture",
    "número de factura",
    "numero fattura",
    "factuurnummer",
];

/// Words and phrases that make an invoice a credit note.
pub const CREDIT_WORDS: &[&str] = &[
    "credit note",
    "credit memo",
    "gutschrift",
    "avoir",
    "nota de crédito",
    "factura rectificativa",
    "nota di credito",
    "creditnota",
    "creditfactuur",
    "kreeditarve",
];

/// Self-billing: the customer issues the invoice (code 389). German calls it "Gutschrift" too,
/// which then is no credit note: "Gutschrift (Selbst ausgestellte Rechnung)".
pub const SELF_BILLING_WORDS: &[&str] = &[
    "selbst ausgestellte rechnung",
    "self-billed invoice",
    "self billed invoice",
    "autofacturation",
    "autofactura",
    "autofattura",
];

/// Words and phrases of a till receipt: money handed over and change given back.
pub const RECEIPT_WORDS: &[&str] = &[
    "receipt",
    "cash",
    // Till slips that call themselves so; each also counts "cash", which is right: a cash sale
    // is a receipt.
    "cash sale",
    "cash bill",
    "change",
    "cashier",
    "tendered",
    "thank you",
    // Till printers and OCR glue it.
    "thankyou",
    "come again",
    "have a nice day",
    "customer copy",
    "paid amount",
    "amount paid",
    "kassenbon",
    "bar",
    "rückgeld",
    "gegeben",
    "ticket de caisse",
    "espèce",
    "espece",
    "caissier",
    "caissière",
    "merci de votre visite",
    "rendu",
    "recibo",
    "efectivo",
    "cambio",
    "cajero",
    "scontrino",
    "contanti",
    "resto",
    "cassiere",
    "kassabon",
    "contant",
    "wisselgeld",
    // Also the German "Kassierer": a longer phrase counts inside words.
    "kassier",
    // German till slips paid by card ("eBon"): no cash, but the card slip printed inside.
    "quittung",
    "kundenbeleg",
    "kassenbeleg",
    "kartenzahlung",
    "girocard",
    "ec-cash",
    "zahlung erfolgt",
    // cs, ro, pl, pt, sv, da/no, fi, hu: the slip's own name.
    "uctenka",
    "bon fiscal",
    "paragon fiskalny",
    "cupom fiscal",
    "kvitto",
    "kvittering",
    "kuitti",
    "nyugta",
];

/// Phrases only an invoice to be paid later prints; any of them rules a receipt out.
pub const TO_BE_PAID_WORDS: &[&str] = &[
    "bill to",
    "due date",
    "payment terms",
    "invoice date",
    "rechnungsdatum",
    "zahlungsbedingungen",
    "date d'échéance",
    "conditions de paiement",
    "fecha de vencimiento",
    "data scadenza",
    "vervaldatum",
    "iban",
];
