//! The customer's block of an invoice: a heading ("Bill to", "Rechnungsempfänger", "Facturé à")
//! and the lines under it. Online services print the customer's company large at the top and
//! their own name only in a footer, so what this block names is never taken for the issuer,
//! whatever its size or legal form.

use std::collections::HashSet;

use crate::cells::{Cell, Row, plain_label_words};

/// Headings of the customer's block, as label words without accents. Only a cell that says
/// nothing else counts, so "To" in a sentence or "Customer number: 42" never opens a block.
const BUYER_HEADINGS: &[&str] = &[
    "bill to",
    "billed to",
    "invoice to",
    "invoiced to",
    "sold to",
    "ship to",
    "shipped to",
    "deliver to",
    "billing address",
    "invoice address",
    "invoicing address",
    "shipping address",
    "delivery address",
    "billing contact",
    "technical contact",
    "licensed to",
    "to",
    "customer",
    "client",
    "buyer",
    "recipient",
    "rechnungsempfänger",
    "rechnungsadresse",
    "rechnungsanschrift",
    "leistungsempfänger",
    "empfänger",
    "käufer",
    "kunde",
    "lieferadresse",
    "lieferanschrift",
    "adresse de livraison",
    "dirección de facturación",
    "dirección de envío",
    "indirizzo di fatturazione",
    "indirizzo di spedizione",
    "facturé à",
    "facture à",
    "adresse de facturation",
    "destinataire",
    "acheteur",
    "cliente",
    "facturar a",
    // "Señor/es: SEGUROS LA SEGUNDA", the addressee of an Argentine invoice.
    "señor/es",
    "señores",
    "sres",
    "destinatario",
    "cessionario committente",
    "klant",
    "afnemer",
    "factuuradres",
    "factuurontvanger",
    "klient",
    "ostja",
    "saaja",
    "arve saaja",
    "cumparator",
    "cumpărător",
    "vevő",
    "nabywca",
    "odběratel",
    "получател",
    "клиент",
    "купувач",
];

/// How many rows under its heading a customer's block may run: name, contact, street, town,
/// country, tax id.
const BLOCK_ROWS: usize = 6;

/// What the customer's blocks of a document say, as label words joined by spaces.
#[derive(Debug, Default)]
pub(super) struct Buyer {
    lines: HashSet<String>,
}

impl Buyer {
    /// The blocks under every customer heading of the first page.
    pub(super) fn find(rows: &[Row]) -> Self {
        let mut lines = HashSet::new();
        for (i, row) in rows.iter().enumerate().filter(|(_, r)| r.page == 0) {
            for (at, heading) in row.cells.iter().enumerate() {
                // A heading and the name in one cell ("Señor/es: SEGUROS LA SEGUNDA"): the
                // cell is the block's first line.
                if let Some((label, name)) = heading.text.split_once(':')
                    && is_heading(label)
                    && !name.trim().is_empty()
                {
                    lines.insert(key(&heading.text));
                    lines.extend(block_under(&rows[i + 1..], heading));
                    continue;
                }
                // "Spett.le Sig. Mattia Iacazio": a salutation opens the addressee's name.
                if at == 0 && is_salutation(&heading.text) && !is_salutation_alone(&heading.text) {
                    lines.insert(key(&heading.text));
                    lines.extend(block_under(&rows[i + 1..], heading));
                    continue;
                }
                if !is_heading(&heading.text) {
                    continue;
                }
                lines.insert(key(&heading.text));
                // The heading may stand beside its block as a label ("Klient   FLIIS TRADE OÜ"
                // over the street and town): the block is then the column of the cell after it.
                let beside = row.cells.get(at + 1).filter(|c| !is_heading(&c.text));
                if let Some(value) = beside {
                    lines.insert(key(&value.text));
                }
                for anchor in std::iter::once(heading).chain(beside) {
                    lines.extend(block_under(&rows[i + 1..], anchor));
                }
            }
        }
        Self { lines }
    }

    /// Whether the document has a customer heading at all.
    pub(super) fn found(&self) -> bool {
        !self.lines.is_empty()
    }

    /// Whether `cell` is a customer heading or says what a line of a customer's block says
    /// (the customer's name printed again elsewhere counts too).
    pub(super) fn names(&self, cell: &Cell) -> bool {
        let key = key(&cell.text);
        !key.is_empty() && self.lines.contains(&key)
    }
}

/// The lines of a block left-aligned with `anchor` in the rows under it, up to a gap or the
/// next heading.
fn block_under(rows: &[Row], anchor: &Cell) -> Vec<String> {
    let height = anchor.bbox.height();
    let mut last = anchor.bbox.y1;
    let mut lines = Vec::new();
    // A heading centred over its block ("Adresse de Livraison" over "FITNESS WORLD NUTRITION
    // LIV"): the block's first line spans its middle, the others align with that line.
    let middle = (anchor.bbox.x0 + anchor.bbox.x1) / 2.0;
    let mut left: Option<f32> = None;
    for below in rows.iter().take(BLOCK_ROWS).take_while(|r| r.page == 0) {
        let Some(cell) = below.cells.iter().find(|c| match left {
            Some(x) => (c.bbox.x0 - x).abs() < height * 1.5,
            None => {
                (c.bbox.x0 - anchor.bbox.x0).abs() < height * 1.5
                    || (c.bbox.x0 < middle && c.bbox.x1 > middle)
            }
        }) else {
            continue;
        };
        left.get_or_insert(cell.bbox.x0);
        if cell.bbox.y0 - last > height * 3.0 || is_heading(&cell.text) {
            break;
        }
        last = cell.bbox.y1;
        lines.push(key(&cell.text));
        // A line the text layer or OCR split in two ("83310" and "GRIMAUD" a tab apart): what
        // follows close on its right is the block's too.
        let mut right = cell.bbox.x1;
        for next in below.cells.iter().filter(|c| c.bbox.x0 > cell.bbox.x1) {
            if next.bbox.x0 - right > height * 4.0 {
                break;
            }
            right = next.bbox.x1;
            lines.push(key(&next.text));
        }
    }
    lines
}

fn key(text: &str) -> String {
    plain_label_words(text)
        .into_iter()
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_heading(text: &str) -> bool {
    let words = key(text);
    BUYER_HEADINGS.iter().any(|h| key(h) == words) || is_salutation_alone(text)
}

/// A salutation with no name after it, maybe in two languages ("Spett.le / Messrs"): a label
/// beside the addressee's block, as "Bill to" is.
fn is_salutation_alone(text: &str) -> bool {
    let mut words = text
        .split(|c: char| c.is_whitespace() || c == '/')
        .filter(|w| !w.is_empty())
        .peekable();
    words.peek().is_some() && words.all(|w| SALUTATIONS.contains(&w.to_lowercase().as_str()))
}

/// Words that open an addressee's name on a letter and never a sender's: "Spett.le Ditta
/// Rossi", "Messrs. Smith & Co", "Herrn Max Mustermann", "Mevrouw M.S. Post". Not "Mr.": a
/// shop may take it for its name ("MR. D.I.Y. SDN BHD").
const SALUTATIONS: &[&str] = &[
    "spett.le",
    "spettabile",
    "spett.",
    "gent.mo",
    "gent.ma",
    "gentile",
    "egr.",
    "egregio",
    "messrs",
    "messrs.",
    "herrn",
    "frau",
    "mevrouw",
    "meneer",
    "mevr.",
    "dhr.",
    "monsieur",
    "madame",
    "mme",
    "señor",
    "señora",
    "sr.",
    "sra.",
];

/// Whether a line opens with a salutation and goes on with a name.
fn is_salutation(text: &str) -> bool {
    let mut words = text.split_whitespace();
    let first = words.next().map(str::to_lowercase);
    first.is_some_and(|w| SALUTATIONS.contains(&w.as_str())) && words.next().is_some()
}
