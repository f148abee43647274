//! The issuer named by its web or mail domain. Some pages print their own name only in a logo,
//! yet spell it in running text ("La TVA n'est pas collectée par Bouygues Telecom") and give
//! their site or address ("bouyguestelecom.fr"): the words that spell the domain's name are the
//! issuer's name as printed.

use std::collections::BTreeMap;

use super::Buyer;
use crate::Field;
use crate::cells::{Cell, Row, unaccented};
use crate::fields::field;
use crate::vocabulary::is_legal_form;

/// Mail providers and hosts whose domain names nobody's business.
const PROVIDERS: &[&str] = &[
    "gmail",
    "googlemail",
    "hotmail",
    "outlook",
    "live",
    "yahoo",
    "icloud",
    "aol",
    "gmx",
    "web",
    "t-online",
    "orange",
    "wanadoo",
    "free",
    "proton",
    "protonmail",
    "mail",
    "email",
    "google",
    "facebook",
    "linkedin",
    "twitter",
    "instagram",
    "paypal",
    "stripe",
];

/// Top-level domains a bare host ("bouyguestelecom.fr", without "www." or "@") may end in.
const TLDS: &[&str] = &[
    "com", "net", "org", "eu", "de", "fr", "es", "it", "nl", "be", "at", "ch", "uk", "ie", "pt",
    "ee", "lv", "lt", "fi", "se", "dk", "no", "pl", "cz", "io", "co", "biz", "info",
];

/// The name part of a domain a word gives ("www.lenze.com" -> "lenze", "info@deg-sued.de" ->
/// "degsued"), letters and digits only.
fn domain_stem(word: &str) -> Option<String> {
    let word = word
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let (host, marked) = match word.rsplit_once('@') {
        Some((_, host)) => (host.to_string(), true),
        None => {
            let host = word
                .trim_start_matches("https://")
                .trim_start_matches("http://");
            match host.strip_prefix("www.") {
                Some(rest) => (rest.to_string(), true),
                None => (host.to_string(), false),
            }
        }
    };
    let host = host.split('/').next()?;
    let labels: Vec<&str> = host.split('.').collect();
    let [.., name, tld] = labels[..] else {
        return None;
    };
    // "example.co.uk": the name is the label before "co".
    let name = match labels[..] {
        [.., name, "co" | "com", _] => name,
        _ => name,
    };
    let known = marked || TLDS.contains(&tld);
    let stem: String = name.chars().filter(|c| c.is_alphanumeric()).collect();
    (known
        && tld.chars().all(|c| c.is_ascii_lowercase())
        && tld.len() >= 2
        && stem.chars().filter(|c| c.is_alphabetic()).count() >= 3
        && !PROVIDERS.contains(&name))
    .then_some(stem)
}

/// A word as the domain spells it: lower case, no accents, letters and digits only.
pub(super) fn squeezed(words: &[&str]) -> String {
    words
        .iter()
        .flat_map(|w| unaccented(&w.to_lowercase()).chars().collect::<Vec<_>>())
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The business domains a page gives outside the customer's block, and the cells they were
/// read from: counted once per page, asked several questions.
pub(super) struct PageDomains<'a> {
    cells: Vec<&'a Cell>,
    /// Most frequent first.
    stems: Vec<String>,
}

impl<'a> PageDomains<'a> {
    pub(super) fn of(rows: &'a [Row], buyer: &Buyer) -> PageDomains<'a> {
        let cells: Vec<&Cell> = rows
            .iter()
            .flat_map(|r| r.cells.iter())
            .filter(|c| !buyer.names(c))
            .collect();
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for word in cells.iter().flat_map(|c| c.text.split_whitespace()) {
            if let Some(stem) = domain_stem(word) {
                *counts.entry(stem).or_default() += 1;
            }
        }
        let mut stems: Vec<(String, usize)> = counts.into_iter().collect();
        stems.sort_by_key(|s| std::cmp::Reverse(s.1));
        let stems = stems.into_iter().map(|(stem, _)| stem).collect();
        PageDomains { cells, stems }
    }

    /// A name the page's own domain contradicts: the page gives a business domain outside the
    /// customer's block, and no word of the name (of four letters or more, its legal form
    /// aside) is part of any. A letterhead names its company in its site and mail address; a
    /// name that none of them spells is more likely the customer's, printed without a heading.
    pub(super) fn contradicts(&self, name: &str) -> bool {
        let words: Vec<String> = name
            .split_whitespace()
            .filter(|w| !is_legal_form(w))
            .map(|w| squeezed(&[w]))
            .filter(|w| w.chars().count() >= 4)
            .collect();
        !self.stems.is_empty()
            && !words.is_empty()
            && !self
                .stems
                .iter()
                .any(|stem| words.iter().any(|w| stem.contains(w.as_str())))
    }

    /// The whole name a brand begins, where the page's site spells it and the page writes it
    /// out: a logo read as "bouygues", the site bouyguestelecom.fr, "Vos services Bouygues
    /// Telecom" in the text. The company signs with the whole name.
    pub(super) fn completed(&self, brand: &str) -> Option<Field> {
        let start = squeezed(&[brand]);
        if start.chars().count() < 4 || brand.split_whitespace().any(is_legal_form) {
            return None;
        }
        self.stems
            .iter()
            .filter(|stem| stem.len() > start.len() && stem.starts_with(&start))
            .find_map(|stem| self.cells.iter().find_map(|c| spelled_in(c, stem)))
    }

    /// The issuer's name spelled by the page's most frequent business domain, outside the
    /// customer's block: the first run of up to four words, none of them a domain itself,
    /// starting with a capital, that spells it, with a legal form right after it ("Lenze
    /// B.V."). Where the name must be `sure`, only a run with its legal form or alone on its
    /// line counts (not a browser's title "Invoice | TeamGantt" or a sentence).
    pub(super) fn name(&self, sure: bool) -> Option<Field> {
        self.stems.iter().find_map(|stem| {
            self.cells.iter().find_map(|cell| {
                spelled_in(cell, stem).filter(|n| {
                    !sure
                        || n.value.split_whitespace().any(is_legal_form)
                        || n.value == n.raw.trim()
                })
            })
        })
    }

    /// The page's one business domain as a name, where nothing on the page spells it: a logo
    /// names the issuer, and its mail address ("logistica@italesse.it") is all the text says
    /// of it. Less sure than a name read off the page, so its confidence is halved.
    pub(super) fn stem(&self) -> Option<Field> {
        // A short stem is more often initials ("etn") than a name anyone would look up.
        let [stem] = &self.stems[..] else {
            return None;
        };
        if stem.chars().count() < 5 {
            return None;
        }
        let cell = self.cells.iter().find(|c| {
            c.text
                .split_whitespace()
                .any(|w| domain_stem(w).as_deref() == Some(stem))
        })?;
        let mut found = field(stem.clone(), cell, &cell.text);
        found.confidence *= 0.5;
        Some(found)
    }

    /// A company named with its legal form outside the customer's block, one of whose words (five
    /// letters or more) is part of the page's domain: the domain need not spell the whole name
    /// ("LICORES MADRUEÑO S.L." beside comercial@marianomadrueno.es).
    pub(super) fn partner(&self) -> Option<Field> {
        // Only the page's one business domain: where the customer's shows too, a part of a word
        // is too weak a sign of which company is whose.
        let [stem] = &self.stems[..] else {
            return None;
        };
        self.cells.iter().find_map(|cell| {
            let words: Vec<&str> = cell.text.split_whitespace().collect();
            let form = words
                .iter()
                .position(|w| is_legal_form(w.trim_end_matches([',', ';', ':', ')'])))?;
            let run = &words[..form];
            // OCR may glue the words ("LICORESMADRUEÑO"): a long enough run of letters shared
            // with the domain counts too.
            let spelled = run.iter().any(|w| {
                let word = squeezed(&[w]);
                (word.chars().count() >= 5 && stem.contains(word.as_str()))
                    || common_run(&word, stem) >= 7.max(stem.chars().count() / 2)
            });
            // A label ("Geschäftsführer:") or a stray comma is no part of a name.
            let plain = run.iter().all(|w| {
                !w.contains(['@', '/']) && !w.ends_with(':') && w.chars().any(char::is_alphanumeric)
            });
            let capital = run
                .first()
                .is_some_and(|w| w.starts_with(|c: char| c.is_uppercase()));
            (run.len() <= 5 && spelled && plain && capital).then(|| {
                let name = words[..=form].join(" ");
                field(
                    name.trim_end_matches([',', ';', ':']).to_string(),
                    cell,
                    &cell.text,
                )
            })
        })
    }
}

/// The first run of words in `cell` that spells `stem`, with the legal form after it.
fn spelled_in(cell: &Cell, stem: &str) -> Option<Field> {
    // A sentence's stop or comma after the name is not part of it.
    let words: Vec<&str> = cell
        .text
        .split_whitespace()
        .map(|w| w.trim_end_matches(['.', ',', ';', ':', ')']))
        .collect();
    (0..words.len()).find_map(|i| {
        (1..=4.min(words.len() - i)).find_map(|n| {
            let run = &words[i..i + n];
            let plain = run.iter().all(|w| !w.contains(['.', '@', '/']));
            let capital = run[0].starts_with(|c: char| c.is_uppercase());
            (plain && capital && squeezed(run) == stem).then(|| {
                // The legal form's own dots went with the trim: "B.V." is "B.V".
                let form = cell
                    .text
                    .split_whitespace()
                    .nth(i + n)
                    .map(|w| w.trim_end_matches([',', ';', ':', ')']))
                    .filter(|w| is_legal_form(w));
                let name = run
                    .iter()
                    .copied()
                    .chain(form)
                    .collect::<Vec<_>>()
                    .join(" ");
                field(name, cell, &cell.text)
            })
        })
    })
}

/// The length of the longest run of characters two words share.
fn common_run(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut best = 0;
    for i in 0..a.len() {
        for j in 0..b.len() {
            let n = a[i..]
                .iter()
                .zip(&b[j..])
                .take_while(|(x, y)| x == y)
                .count();
            best = best.max(n);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_gives_its_name() {
        assert_eq!(
            domain_stem("bouyguestelecom.fr.").as_deref(),
            Some("bouyguestelecom")
        );
        assert_eq!(domain_stem("www.lenze.com").as_deref(), Some("lenze"));
        assert_eq!(domain_stem("info@deg-sued.de").as_deref(), Some("degsued"));
        assert_eq!(
            domain_stem("https://shop.example.co.uk/x").as_deref(),
            Some("example")
        );
        assert_eq!(domain_stem("someone@gmail.com"), None);
        assert_eq!(domain_stem("1.234,56"), None);
        assert_eq!(domain_stem("Frankf.ganz"), None);
        assert_eq!(domain_stem("S.L."), None);
    }
}
