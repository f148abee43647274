//! Pages that repeat an earlier page of the same file: an Argentine invoice is printed as
//! "ORIGINAL", "DUPLICADO" and "TRIPLICADO" in one PDF, and a scanner may feed a sheet twice.
//! A copy says nothing new, and read as more of the document it lists every item again.

use std::collections::HashMap;

use ledgerline_core::page::Page;

/// Fewer lines than this say too little to call a page a copy.
const MIN_LINES: usize = 5;
/// The share of a page's lines an earlier page must print for the page to be its copy: the
/// copy's own mark ("DUPLICADO" for "ORIGINAL") and a page number may differ.
const SAME: f64 = 0.9;

/// The indices of the pages that repeat an earlier page.
pub(crate) fn copied_pages(pages: &[Page]) -> Vec<usize> {
    let texts: Vec<HashMap<&str, usize>> = pages
        .iter()
        .map(|p| {
            let mut counts = HashMap::new();
            for line in &p.lines {
                let text = line.text.trim();
                if !text.is_empty() {
                    *counts.entry(text).or_insert(0) += 1;
                }
            }
            counts
        })
        .collect();
    let size = |t: &HashMap<&str, usize>| t.values().sum::<usize>();
    let mut copies = Vec::new();
    for (k, page) in texts.iter().enumerate() {
        let n = size(page);
        if n < MIN_LINES {
            continue;
        }
        let copy_of = |earlier: &HashMap<&str, usize>| {
            let shared: usize = page
                .iter()
                .map(|(text, c)| (*c).min(earlier.get(text).copied().unwrap_or(0)))
                .sum();
            let m = size(earlier);
            shared as f64 >= SAME * n.max(m) as f64
        };
        if texts[..k]
            .iter()
            .enumerate()
            .any(|(j, earlier)| !copies.contains(&j) && copy_of(earlier))
        {
            copies.push(k);
        }
    }
    copies
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::ocr_page;

    fn page(lines: &[&str]) -> Page {
        let boxed: Vec<(&str, [f32; 4])> = lines
            .iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    *t,
                    [
                        100.0,
                        100.0 + 60.0 * i as f32,
                        900.0,
                        140.0 + 60.0 * i as f32,
                    ],
                )
            })
            .collect();
        ocr_page(&boxed)
    }

    /// An AFIP invoice's "ORIGINAL" and "DUPLICADO": the same page but for its mark.
    #[test]
    fn a_page_printed_again_under_another_mark_is_a_copy() {
        let body = [
            "FACTURA",
            "Punto de Venta: 00003 Comp. Nro: 00001360",
            "Fecha de Emisión: 14/02/2023",
            "COLOCACION 1,00 unidades 9834,71",
            "Importe Neto Gravado: $ 188636,36",
            "IVA 21%: $ 39613,64",
            "Importe Total: $ 228250,00",
            "CAE N°: 73079568739200",
            "Comprobante Autorizado",
        ];
        let with_mark = |mark: &str| {
            let mut lines = vec![mark];
            lines.extend(body);
            page(&lines)
        };
        let pages = [
            with_mark("ORIGINAL"),
            with_mark("DUPLICADO"),
            with_mark("TRIPLICADO"),
        ];
        assert_eq!(copied_pages(&pages), vec![1, 2]);
    }

    /// A second page under the same header lists other items: it is no copy.
    #[test]
    fn a_page_that_goes_on_under_the_same_header_is_no_copy() {
        let header = ["ACME GmbH", "Rechnung 4711", "Pos Bezeichnung Menge Betrag"];
        let first: Vec<&str> = header
            .iter()
            .copied()
            .chain(["1 Schrauben 10 5,00", "2 Muttern 20 4,00"])
            .collect();
        let second: Vec<&str> = header
            .iter()
            .copied()
            .chain(["3 Dübel 5 2,50", "Summe 11,50"])
            .collect();
        assert!(copied_pages(&[page(&first), page(&second)]).is_empty());
    }
}
