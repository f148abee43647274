//! Property test: no text and no geometry makes extraction panic. Pages are made of arbitrary
//! Unicode words (accents, combining marks, digits next to middle dots, emoji, right-to-left
//! scripts, money-like and date-like tokens) in arbitrary boxes, from a fixed seed so a failure
//! can be replayed; a panic here is what used to end whole batches.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use ledgerline_core::page::{BBox, Page, TextSource, Word, group_words};

const PIECES: [&str; 46] = [
    "Café",
    "Crème",
    "Grüße",
    "00·00",
    "1 234,56",
    "1.234,56",
    "1,234.56",
    "€",
    "£",
    "$",
    "CHF",
    "Rechnung",
    "Facture",
    "Total",
    "Gesamt",
    "TVA",
    "MwSt",
    "Qty",
    "Description",
    "Amount",
    "Balance",
    "Opening",
    "Closing",
    "31/12/2025",
    "2025-02-30",
    "12.05.24",
    "-",
    "(12.00)",
    "12.00-",
    "CR",
    "DR",
    "é\u{301}",
    "١٢٣",
    "שלום",
    "日本語",
    "🧾",
    "\u{200b}",
    "",
    "%",
    "x",
    "19.01.",
    "Soll",
    "Haben",
    "Alter Saldo",
    "Nr.ẞ5",
    "+",
];

fn word(rng: &mut StdRng) -> String {
    let mut text = String::new();
    for _ in 0..rng.random_range(1..=3) {
        if rng.random_bool(0.7) {
            text.push_str(PIECES[rng.random_range(0..PIECES.len())]);
        } else {
            for _ in 0..rng.random_range(1..=6) {
                let c = match rng.random_range(0..4) {
                    0 => char::from(rng.random_range(b'0'..=b'9')),
                    1 => char::from(rng.random_range(b'!'..=b'~')),
                    2 => char::from_u32(rng.random_range(0xA0..0x2FFF)).unwrap_or('?'),
                    _ => char::from_u32(rng.random_range(0x1F300..0x1F6FF)).unwrap_or('?'),
                };
                text.push(c);
            }
        }
    }
    text
}

fn page(rng: &mut StdRng, index: usize) -> Page {
    let (width, height) = (2480u32, 3508u32);
    let mut words = Vec::new();
    let rows = rng.random_range(0..60);
    // Half the pages have a table: a header row of column names, then rows whose words sit
    // under the columns, which is where cells are split and numbers joined.
    let table = rng.random_bool(0.5);
    const COLUMNS: [f32; 6] = [100.0, 900.0, 1200.0, 1265.0, 1700.0, 1765.0];
    if table {
        for (text, x) in [
            ("Description", 100.0),
            ("Qty", 900.0),
            ("Price", 1200.0),
            ("Amount", 1700.0),
        ] {
            words.push(Word {
                text: text.into(),
                bbox: BBox {
                    x0: x,
                    y0: 40.0,
                    x1: x + 55.0,
                    y1: 70.0,
                },
                confidence: 1.0,
            });
        }
    }
    for row in 1..rows {
        if table && rng.random_bool(0.8) {
            let y = 40.0 + row as f32 * 50.0;
            for &x in &COLUMNS {
                if !rng.random_bool(0.7) {
                    continue;
                }
                words.push(Word {
                    text: word(rng),
                    bbox: BBox {
                        x0: x,
                        y0: y,
                        x1: x + 55.0,
                        y1: y + 30.0,
                    },
                    confidence: 1.0,
                });
            }
            continue;
        }
        let y = if rng.random_bool(0.9) {
            40.0 + row as f32 * 50.0
        } else {
            rng.random_range(-50.0..4000.0)
        };
        let mut x = rng.random_range(0.0..200.0);
        for _ in 0..rng.random_range(1..10) {
            let w = rng.random_range(0.0..400.0);
            let h = if rng.random_bool(0.95) {
                rng.random_range(10.0..40.0)
            } else {
                rng.random_range(0.0..300.0)
            };
            words.push(Word {
                text: word(rng),
                bbox: BBox {
                    x0: x,
                    y0: y,
                    x1: x + w,
                    y1: y + h,
                },
                confidence: rng.random_range(0.0..=1.0),
            });
            x += w + rng.random_range(-20.0..120.0);
        }
    }
    Page {
        index,
        width,
        height,
        dpi: Some(300.0),
        rotation: 0,
        skew_degrees: 0.0,
        source: TextSource::Ocr,
        lines: group_words(words, TextSource::Ocr),
        regions: Vec::new(),
    }
}

#[test]
fn arbitrary_words_and_boxes_never_panic() {
    let mut rng = StdRng::seed_from_u64(0x1ed9e7);
    for case in 0..400 {
        let pages: Vec<Page> = (0..rng.random_range(1..=3))
            .map(|i| page(&mut rng, i))
            .collect();
        let result = std::panic::catch_unwind(|| super::extract(&pages));
        assert!(result.is_ok(), "case {case} panicked: {pages:#?}");
    }
}

/// The same pages read as statements and as invoices whatever their words vote for, so the
/// statement reader (dates without a year, signs apart from their numbers, balance rows) and
/// the heading and name readers see arbitrary text too.
#[test]
fn arbitrary_words_read_as_a_statement_or_an_invoice_never_panic() {
    let mut rng = StdRng::seed_from_u64(0x57a7e);
    for case in 0..400 {
        let pages: Vec<Page> = (0..rng.random_range(1..=2))
            .map(|i| page(&mut rng, i))
            .collect();
        let result = std::panic::catch_unwind(|| {
            let rows = super::cells::rows(&pages);
            let order = super::DateOrder::DayFirst;
            super::statement::read(&rows, order);
            super::read_invoice(&rows, order, super::DocumentKind::Invoice);
        });
        assert!(result.is_ok(), "case {case} panicked: {pages:#?}");
    }
}

#[test]
fn the_words_that_used_to_panic_are_read() {
    // A table whose rows hold a digit group followed by a word with a two-byte character at
    // byte 3: splitting it by bytes panicked (the byte-slicing defect of issue 18).
    let rows: [&[(&str, f32)]; 4] = [
        &[("INVOICE", 100.0)],
        &[
            ("Description", 100.0),
            ("Qty", 900.0),
            ("Unit", 1200.0),
            ("price", 1290.0),
            ("Amount", 1700.0),
        ],
        &[
            ("Café", 100.0),
            ("Crème", 200.0),
            ("2", 900.0),
            ("100", 1200.0),
            ("00·00", 1265.0),
            ("200,00", 1700.0),
        ],
        &[
            ("Grüße", 100.0),
            ("1", 900.0),
            ("100", 1200.0),
            ("00·00", 1265.0),
            ("100", 1700.0),
            ("00·00", 1765.0),
        ],
    ];
    let p = super::testing::rows_page(&rows, |_| 55.0, TextSource::TextLayer);
    let x = super::extract(&[p]);
    let lines = x.invoice.map(|i| i.lines).unwrap_or_default();
    assert!(
        lines
            .iter()
            .any(|l| l.description.value.contains("Café Crème")),
        "{lines:#?}"
    );
}
