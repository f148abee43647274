//! The words documents use, in English, German, French, Spanish, Italian and Dutch: the labels
//! of header fields, the words that tell one kind of document from another (in `kinds`), the
//! titles that head a document, and the legal forms that end a company's name (in
//! `legal_forms`). Kept apart from the code that uses them so that a language is added in one
//! place.
//!
//! Labels are compared word by word on `cells::label_words` (lower case, punctuation trimmed),
//! so "Rechnungs-Nr.:" is written here as "rechnungs-nr" and "N° facture" as "n facture".

use super::HeaderKey;
use super::cells::unaccented;

mod kinds;
mod legal_forms;
pub use kinds::*;
pub use legal_forms::{LEGAL_FORMS, is_legal_form};

/// Label vocabulary per header field, most specific first. A cell counts for the field whose
/// label spells the most of its leading words, so "Total excl. VAT" is a subtotal label and
/// never a total label.
pub const LABELS: &[(HeaderKey, &[&str])] = &[
    (
        HeaderKey::InvoiceNumber,
        &[
            "invoice number",
            "invoice no",
            // The title run into the label: "VAT Invoice no. FS/22/09/51", "Tax Invoice No".
            "vat invoice no",
            "vat invoice number",
            "vat invoice nr",
            "tax invoice no",
            "tax invoice number",
            "invoice nr",
            "invoice #",
            "invoice id",
            "inv no",
            "bill number",
            "bill no",
            "credit note number",
            "credit note no",
            "document number",
            "document no",
            "doc no",
            "receipt no",
            "receipt number",
            "invoice",
            // de
            "rechnungsnummer",
            "rechnungs-nr",
            "rechnung nr",
            "rechnung-nr",
            "rechnungsnr",
            "gutschriftsnummer",
            "belegnummer",
            "beleg-nr",
            // fr
            "numéro de facture",
            "n de facture",
            "facture n",
            "facture nº",
            "n facture",
            "numéro d'avoir",
            "avoir n",
            // es
            "número de factura",
            "nº de factura",
            "n de factura",
            "factura nº",
            "factura n",
            "factura no",
            "nº factura",
            // A voucher's number (Argentina's AFIP layout: "Punto de Venta: 00003 Comp. Nro:
            // 00001360").
            "comp nro",
            "comprobante nro",
            "nro de comprobante",
            "nº de comprobante",
            // A header box's "Número" beside "Fecha" (es, it, pt): longer labels that start
            // with it ("número de pedido") win over it.
            "número",
            // it
            "numero fattura",
            "numero documento",
            "fattura n",
            "fattura nr",
            "n fattura",
            // nl
            "factuurnummer",
            "factuur nr",
            "factuurnr",
            "creditnotanummer",
            "documentnr",
            "documentnummer",
            // et
            "arve nr",
            "arve number",
            "arve",
            "kreeditarve nr",
            "kreeditarve",
            "fakturanummer",
            "fakturanr",
            "faktura nr",
            "kreditfakturanummer",
            // ro
            "serie nr factura",
            "seria nr factura",
            "nr factura",
            "nr factură",
            "numar factura",
            "număr factură",
            "factura nr",
            "factură nr",
        ],
    ),
    (
        HeaderKey::InvoiceDate,
        &[
            "invoice date",
            "date of issue",
            "issue date",
            "billed on",
            "tax point",
            "issued",
            "dated",
            "date",
            // de
            "rechnungsdatum",
            "belegdatum",
            "ausstellungsdatum",
            "datum",
            // fr
            "date de facture",
            "date de facturation",
            "date d'émission",
            // es
            "fecha de factura",
            "fecha factura",
            "fecha de emisión",
            "fecha",
            // it
            "data fattura",
            "data documento",
            "data di emissione",
            "data",
            // nl
            "factuurdatum",
            // et
            "arve kuupäev",
            "kuupäev",
            "dok kpv",
            "arve kpv",
            "fakturadatum",
            "fakturadato",
            // pt ("EMISSÃO: 17/01/2020" heads a Brazilian bill)
            "data de emissão",
            "data da emissão",
            "data emissão",
            "emissão",
            // ro
            "data emitere",
            "data emiterii",
            "data facturii",
            "data facturare",
        ],
    ),
    (
        HeaderKey::DueDate,
        &[
            "due date",
            "payment due",
            "please pay by",
            "pay by",
            "due by",
            "due",
            "fälligkeitsdatum",
            "fällig am",
            "zahlbar bis",
            "date d'échéance",
            "échéance",
            "fecha de vencimiento",
            "vencimiento",
            "data scadenta",
            "data scadentă",
            "scadenta",
            "data scadenza",
            "scadenza",
            "vervaldatum",
            "uiterste betaaldatum",
            "maksetähtaeg",
            "tähtaeg",
            "date limite de règlement",
            "date limite de paiement",
            "date limite",
            "förfallodatum",
            "forfaldsdato",
            "forfallsdato",
        ],
    ),
    (
        HeaderKey::PoNumber,
        &[
            "purchase order number",
            "purchase order",
            "po number",
            "po no",
            "p.o. number",
            "p.o",
            "order ref",
            "order reference",
            "purchase ref",
            "your ref",
            "your reference",
            "po",
            "bestellnummer",
            "bestellung",
            "ihre bestellung",
            "bon de commande",
            "votre commande",
            "pedido",
            "ordine",
            "bestelnummer",
        ],
    ),
    (
        HeaderKey::PaymentTerms,
        &[
            "payment terms",
            "terms of payment",
            "terms",
            "conditions",
            "zahlungsbedingungen",
            "conditions de paiement",
            "condiciones de pago",
            "condizioni di pagamento",
            "betalingsvoorwaarden",
        ],
    ),
    (
        HeaderKey::Subtotal,
        &[
            "subtotal",
            "sub-total",
            "sub total",
            "net amount",
            "net total",
            "total excl vat",
            "total excl. vat",
            "total before tax",
            "total excl tax",
            "total excl gst",
            "total excluded tax",
            "total excluding tax",
            "total excluding vat",
            "total excluding gst",
            "total exclusive of tax",
            "total exclusive of gst",
            "total exclusive of vat",
            "goods total",
            "total net",
            "nettobetrag",
            "net total amount",
            "rechnungssumme ohne ust",
            "summe ohne ust",
            "nettosumme",
            "summe netto",
            "gesamtbetrag netto",
            "zwischensumme",
            "total ht",
            "total h.t.",
            "montant ht",
            "sous-total",
            "base imponible",
            "total base imponible",
            "subtotal sin iva",
            // Spanish "bruto" is before tax and discounts (German "brutto" is after tax).
            "total bruto",
            "importe bruto",
            "suma importes",
            "imponibile",
            "totale imponibile",
            "subtotaal",
            "totaal excl btw",
            "kokku kmta",
            "kokku km-ta",
            "summa km-ta",
            "ridade summa kokku kmta",
            "taxable value",
            "total taxable value",
            "taxable amount",
            "summa exkl moms",
            "netto",
        ],
    ),
    (
        HeaderKey::Tax,
        &[
            "sales tax",
            "vat amount",
            "tax amount",
            "total vat",
            "total tax",
            "total impuestos",
            "total iva",
            "vat",
            "tax",
            "gst",
            "total gst",
            "mwst",
            "ust",
            "umsatzsteuer",
            "mehrwertsteuer",
            "summe ust",
            "steuerbetrag",
            "montant tva",
            "total tva",
            "tva",
            "iva",
            "importe iva",
            "totale iva",
            "btw",
            "btw bedrag",
            "käibemaks",
            "moms",
            "momsbelopp",
            "mva",
            "igst",
            "cgst",
            "sgst",
            "utgst",
        ],
    ),
    (
        HeaderKey::Total,
        &[
            "grand total",
            "order total",
            "factuurtotaal",
            "factuur totaal",
            "rechnungstotal",
            "total incl vat",
            "total incl. vat",
            "total due",
            "total amount",
            "total",
            "total amt rounded",
            "total rounded",
            "nett total",
            // de
            "gesamtbetrag",
            "gesamtsumme",
            "bruttosumme",
            "gross total amount",
            "gross total",
            "total gross",
            "rechnungsbetrag",
            "bruttobetrag",
            "gesamtbetrag brutto",
            "summe brutto",
            "endbetrag",
            "summe",
            // fr
            "total ttc",
            // "TTC EUR | 5286,36": the total with taxes, its "total" left out; alone, "TTC"
            // heads a column.
            "ttc eur",
            "montant ttc",
            "montant total",
            // es
            "total factura",
            "importe total",
            // it
            "totale",
            "totale documento",
            "totale fattura",
            // nl
            "totaal",
            "totaalbedrag",
            "totaal incl btw",
            // et
            "kokku kmga",
            "kokku km-ga",
            "arve summa",
            "att betala",
            "summa att betala",
            "totalt",
            "total invoice value",
            "invoice value",
            "invoice total",
        ],
    ),
    (
        HeaderKey::Prepaid,
        &[
            "prepaid",
            "prepaid amount",
            "already paid",
            "paid in advance",
            "deposit paid",
            "less deposit",
            // de
            "vorausbezahlter betrag",
            "bereits gezahlt",
            "bereits bezahlt",
            "anzahlung",
            "geleistete anzahlung",
            // fr
            "montant déjà payé",
            "déjà payé",
            "déjà réglé",
            "acompte",
            "acompte versé",
            // es
            "anticipo",
            "ya pagado",
            // it
            "già pagato",
            "acconto",
            // nl
            "reeds betaald",
            "aanbetaling",
        ],
    ),
    (
        HeaderKey::AmountDue,
        &[
            "amount due",
            "balance due",
            "amount payable",
            "due payable",
            // de
            "zu zahlen",
            "zahlbetrag",
            // fr
            "net à payer",
            "total à payer",
            "reste à payer",
            // es
            "total a pagar",
            // ro
            "total de plata",
            "total de plată",
            // it
            "totale da pagare",
            "netto a pagare",
            "importo da pagare",
            "totale a pagare",
            // da, no ("att betala", sv, is a total label)
            "at betale",
            "å betale",
            // nl
            "te betalen",
            // et
            "tasumisele kuulub",
            "tasuda",
        ],
    ),
    (
        HeaderKey::AccountNumber,
        &[
            "account number",
            "account no",
            "account #",
            "iban",
            "account",
            "kontonummer",
            "numéro de compte",
            "rekeningnummer",
        ],
    ),
    (
        HeaderKey::Period,
        &[
            "statement period",
            "period",
            "zeitraum",
            "période",
            "periodo",
            "periode",
        ],
    ),
    (
        HeaderKey::OpeningBalance,
        &[
            "opening balance",
            "balance brought forward",
            "previous balance",
            "starting balance",
            "start balance",
            "balance at start",
            "alter kontostand",
            "alter saldo",
            "anfangssaldo",
            "ancien solde",
            "solde précédent",
            "saldo anterior",
            "saldo iniziale",
            "beginsaldo",
            "beginning balance",
            "brought forward",
            "saldo vortrag",
            "saldovortrag",
            "saldo inicial",
            "saldo precedente",
            "vorig saldo",
            "входящий остаток",
            "остаток на начало",
        ],
    ),
    (
        HeaderKey::ClosingBalance,
        &[
            "closing balance",
            "balance carried forward",
            "new balance",
            "ending balance",
            "end balance",
            "balance at end",
            "neuer kontostand",
            "neuer saldo",
            "endsaldo",
            "nouveau solde",
            "solde final",
            "saldo final",
            "saldo finale",
            // The book balance a statement gives at its date (Poste Italiane: "SALDO
            // CONTABILE", beside the available "SALDO DISPONIBILE").
            "saldo contabile",
            "ledger balance",
            "eindsaldo",
            "carried forward",
            "nieuw saldo",
            "исходящий остаток",
            "остаток на конец",
        ],
    ),
    (HeaderKey::NotAField, NOT_FIELDS),
];

/// The labels of one header field.
pub fn labels(key: HeaderKey) -> &'static [&'static str] {
    LABELS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(&[], |(_, names)| names)
}

/// Labels of values no field takes, which start like a field's label.
pub const NOT_FIELDS: &[&str] = &[
    "total qty",
    "total quantity",
    "total items",
    "total item",
    "total savings",
    "total discount",
    "total includes",
    "total pieces",
    "gst included in total",
    "gesamtbetrag der zuschläge",
    "gesamtbetrag der abschläge",
    "montant déjà payé",
    // Other dates that start like "Date"/"Datum": the delivery or order day is not the
    // invoice's.
    "date of delivery",
    "date of supply",
    "delivery date",
    "order date",
    "date de livraison",
    "date de commande",
    "lieferdatum",
    "bestelldatum",
    // The customer's number starts like "Número" or "Invoice number" in a header box.
    "número de cliente",
    "número cliente",
    "nº de cliente",
    "nº cliente",
    "n de cliente",
    "n cliente",
    "numéro de client",
    "numéro client",
    "n de client",
    "numero cliente",
    "numero di cliente",
    "invoice customer number",
    "code client",
    // A count that starts like "Número" ("Número de dias faturados: 30", the days a bill
    // covers).
    "número de dias",
    "numero di giorni",
    // A contact person's label, printed beside the addressee.
    "contactpersoon",
    "contact person",
    "ansprechpartner",
    "interlocuteur",
    "client code",
    "customer code",
    "código cliente",
    "codice cliente",
];

/// Words that title a document rather than name its issuer.
/// What marks one printed copy of a document from another ("ORIGINAL", "DUPLICADO"): it names
/// no one.
pub const COPY_MARKS: &[&str] = &[
    "original",
    "duplicado",
    "triplicado",
    "copia",
    "duplicate",
    "triplicate",
    "copy",
    "customer copy",
    "merchant copy",
    "kopie",
    "duplikat",
    "copie",
    "duplicata",
    "duplicato",
];

pub const TITLES: &[&str] = &[
    // Brazil's consumer receipt heads with its legal name.
    "documento auxiliar da nota fiscal de consumidor eletronica",
    "invoice",
    "tax invoice",
    "simplified tax invoice",
    "bill",
    "cash bill",
    "cash sale",
    "credit note",
    "credit memo",
    "statement",
    "account statement",
    "statement of account",
    "bank statement",
    "receipt",
    "official receipt",
    "page",
    "rechnung",
    "rechnungskorrektur",
    "gutschrift",
    "kontoauszug",
    "quittung",
    "facture",
    "avoir",
    "relevé de compte",
    "factura",
    "recibo",
    "fattura",
    "ricevuta",
    "factuur",
    "creditnota",
    "kassabon",
    "arve",
    "kreeditarve",
    "выписка",
];

/// Words that mark the document's number in a heading ("Handelsrechnung (380) Nr. 471102").
pub const NUMBER_MARKS: &[&str] = &[
    "nr", "no", "n", "nº", "#", "number", "nummer", "numéro", "número", "numero", "num",
];

/// Whether one word as printed is a number mark ("Nr.", "No:", "nº").
pub fn is_number_mark(word: &str) -> bool {
    NUMBER_MARKS.contains(&word.trim_end_matches(['.', ':']).to_lowercase().as_str())
}

/// Headings of a page's sections, printed as large as a name ("Summary", "Details"): never the
/// issuer.
pub const SECTION_HEADINGS: &[&str] = &[
    "summary",
    "details",
    "overview",
    "invoice summary",
    "invoice details",
    "account summary",
    "billing summary",
    "order summary",
    "charge details",
    "payment details",
    "zusammenfassung",
    "übersicht",
    "résumé",
    "détails",
    "resumen",
    "detalles",
    "riepilogo",
    "dettagli",
    "overzicht",
];

/// Headings of the block that names the issuer on form-like invoices ("Verkäufer", then
/// "Name: ...").
pub const SELLER_HEADINGS: &[&str] = &[
    "seller",
    "supplier",
    "vendor",
    "verkäufer",
    "lieferant",
    "rechnungssteller",
    "vendeur",
    "fournisseur",
    "vendedor",
    "proveedor",
    "fornitore",
    "dati fornitore",
    "cedente prestatore",
    "dati cedente",
    "datos del proveedor",
    "datos del emisor",
    "emisor",
    "données du fournisseur",
    "lieferantendaten",
    "leverancier",
    "crediteur",
    "émetteur",
    "furnizor",
];

/// Whether `text` (label words without accents, `plain_label_words`, joined by spaces) names
/// the phrase, accents aside, since OCR often drops them ("NET A PAYER"): as a whole word for
/// short phrases, anywhere for long ones.
pub fn mentions(text: &str, phrase: &str) -> bool {
    let phrase = unaccented(phrase);
    if phrase.chars().count() <= 4 {
        text.split(|c: char| !c.is_alphanumeric() && c != '%' && c != '\'')
            .any(|w| w == phrase)
    } else if phrase.contains(' ') {
        // A phrase of words ends where its last word does: "bill to" is not in "bill total".
        text.match_indices(phrase.as_str()).any(|(at, _)| {
            text[at + phrase.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
        })
    } else {
        text.contains(&phrase)
    }
}

/// How many of the one-word phrases stand as words of their own in `text`: "change" is not in
/// "exchange" nor in "changes".
pub fn count_words(text: &str, words: &[&str]) -> usize {
    words
        .iter()
        .filter(|w| {
            let w = unaccented(w);
            text.split(|c: char| !c.is_alphanumeric()).any(|t| t == w)
        })
        .count()
}

/// Whether `text` (as for [`mentions`]) names the phrase as a word of its own or as the end of
/// a compound ("Handelsgutschrift"), never inside a longer word ("Beitragsgutschriften").
pub fn names(text: &str, phrase: &str) -> bool {
    let phrase = unaccented(phrase);
    if phrase.contains(' ') {
        return text.contains(&phrase);
    }
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| w.ends_with(&phrase))
}

/// Whether two words differ by at most one letter changed, added or dropped.
pub(crate) fn one_edit_apart(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let same_start = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    let same_end = short
        .iter()
        .rev()
        .zip(long.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    // Equal lengths: one substitution leaves everything before and after it equal; otherwise
    // one insertion does.
    same_start + same_end >= long.len() - 1
}

/// Whether `text` (as for [`mentions`]) holds the phrase of two or more words as OCR may
/// misread it: each word as printed or one letter off ("Neuor Kontostand"), at least one
/// of them exact, and the misread ones of four letters or more starting with the right one;
/// or a long phrase with its spaces lost.
pub fn mentions_misread(text: &str, phrase: &str) -> bool {
    let phrase = unaccented(phrase);
    // OCR also drops the space between the words ("NeuerKontostand").
    let squeezed = phrase.replace(' ', "");
    if text.contains(&phrase)
        || (squeezed.chars().count() >= 10 && text.replace(' ', "").contains(&squeezed))
    {
        return true;
    }
    let want: Vec<Vec<char>> = phrase.split(' ').map(|w| w.chars().collect()).collect();
    if want.len() < 2 {
        return false;
    }
    let words: Vec<Vec<char>> = text.split(' ').map(|w| w.chars().collect()).collect();
    words.windows(want.len()).any(|window| {
        let mut exact = 0;
        let all = window.iter().zip(&want).all(|(got, want)| {
            if got == want {
                exact += 1;
                true
            } else {
                want.len() >= 4 && got.first() == want.first() && one_edit_apart(got, want)
            }
        });
        all && exact >= 1
    })
}

/// How many of the phrases `text` mentions; a phrase listed with and without its accents
/// ("espèce", "espece") counts once.
pub fn count(text: &str, phrases: &[&str]) -> usize {
    let mut seen = std::collections::HashSet::new();
    phrases
        .iter()
        .filter(|p| seen.insert(unaccented(p)) && mentions(text, p))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_words_count_only_whole_and_long_ones_inside_compounds() {
        assert!(!mentions("august 2025", "ust"));
        assert!(mentions("19 % ust", "ust"));
        assert!(mentions("handelsrechnung 380 nr 471102", "rechnung"));
        assert_eq!(count("facture n 12 total ttc tva", INVOICE_WORDS), 3);
        // A phrase of words ends at a word's end: a bill's total asks no one to pay later.
        assert!(!mentions("bill total 594 00", "bill to"));
        assert!(mentions("bill to acme ltd", "bill to"));
        assert!(mentions("handelsrechnung", "rechnung"));
        // One word, listed with and without its accent, is one word of a receipt, not two.
        assert_eq!(count("mode reglement especes", RECEIPT_WORDS), 1);
    }

    #[test]
    fn a_label_ocr_misread_by_one_letter_is_still_named() {
        assert!(mentions_misread("neuor kontostand", "neuer kontostand"));
        assert!(mentions_misread("saldo anteror 12", "saldo anterior"));
        assert!(mentions_misread("closing balanse", "closing balance"));
        assert!(mentions_misread("eur neuerkontostand", "neuer kontostand"));
        // Every word off, a short word off, or two letters off: not the label.
        assert!(!mentions_misread("neuor kontostamd", "neuer kontostand"));
        assert!(!mentions_misread("nem kontostand", "neu kontostand"));
        assert!(!mentions_misread("neuxx kontostand", "neuer kontostand"));
        assert!(!mentions_misread("kontostand", "neuer kontostand"));
    }
}
