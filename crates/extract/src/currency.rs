//! Currencies as documents print them: every active ISO 4217 code, and the symbols and local
//! abbreviations that name one currency only ("€", "RM", "zł", "S$"). Symbols shared by several
//! currencies ("kr", "Rs", "¥" alone) are left out: a wrong currency is worse than none, and the
//! document's codes then decide.

/// Active ISO 4217 alphabetic codes.
const ISO_4217: [&str; 155] = [
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
];

/// Codes that are also ordinary upper-case words ("ALL ITEMS", "TOP UP", "CUP"): they name a
/// currency only printed against a number.
const WORD_LIKE: [&str; 6] = ["ALL", "TOP", "CUP", "MOP", "BAM", "LAK"];

/// Symbols and local abbreviations naming one currency, longest first within a shared start
/// ("US$" before "$").
const SYMBOLS: [(&str, &str); 42] = [
    ("US$", "USD"),
    ("NZ$", "NZD"),
    ("HK$", "HKD"),
    ("S$", "SGD"),
    ("A$", "AUD"),
    ("AU$", "AUD"),
    ("C$", "CAD"),
    ("CA$", "CAD"),
    ("R$", "BRL"),
    ("NT$", "TWD"),
    ("MX$", "MXN"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("₹", "INR"),
    ("₩", "KRW"),
    ("₽", "RUB"),
    ("₺", "TRY"),
    ("₪", "ILS"),
    ("฿", "THB"),
    ("₫", "VND"),
    ("₱", "PHP"),
    ("₴", "UAH"),
    ("₦", "NGN"),
    ("₸", "KZT"),
    ("₾", "GEL"),
    ("RM", "MYR"),
    ("Rp", "IDR"),
    ("zł", "PLN"),
    ("Kč", "CZK"),
    ("Ft", "HUF"),
    ("лв", "BGN"),
    // The Moroccan dirham as tills print it; the UAE's is written "AED" or "Dhs".
    ("DH", "MAD"),
    ("Dh", "MAD"),
    ("Fr.", "CHF"),
    ("SFr.", "CHF"),
    ("Euro", "EUR"),
    ("EURO", "EUR"),
    ("euro", "EUR"),
    // "250,07 Euros" (es, fr, pt).
    ("Euros", "EUR"),
    ("EUROS", "EUR"),
    ("euros", "EUR"),
];

/// The currency a single token names: an ISO code (as printed, upper case) or a symbol.
pub fn code_of(token: &str) -> Option<&'static str> {
    if let Some((_, code)) = SYMBOLS.iter().find(|(s, _)| *s == token) {
        return Some(code);
    }
    // "RM:" or "(EUR)" name the currency as well.
    let bare = token.trim_matches(|c: char| matches!(c, ':' | '(' | ')' | '[' | ']' | ','));
    if bare != token {
        return code_of(bare);
    }
    ISO_4217.iter().find(|c| **c == token).copied()
}

/// Whether a word on its own names a currency in any case ("EUR", "eur", "€"), as a column
/// header or the unit after an amount does; codes that are also words ("all", "top") do not.
pub fn is_currency_word(word: &str) -> bool {
    let upper = word.to_uppercase();
    code_of(word)
        .or_else(|| code_of(&upper))
        .is_some_and(|code| !WORD_LIKE.contains(&code) || word == upper)
}

/// The currency named in a piece of text, if one is: a code or symbol standing alone or glued to
/// an amount ("RM7.72", "12,00 €", "Total (EUR)"). A code that is also a word counts only next
/// to a number.
pub fn find_currency(text: &str) -> Option<&'static str> {
    let has_digit = text.chars().any(|c| c.is_ascii_digit());
    for token in text.split_whitespace() {
        let token = token.trim_end_matches(['.', ':', ',', ';']);
        let found = code_of(token).or_else(|| {
            let (head, tail) = split_amount(token)?;
            head.or(tail).and_then(code_of)
        });
        if let Some(code) = found
            && (has_digit || !WORD_LIKE.contains(&code))
        {
            return Some(code);
        }
        // "€" and "$" glued to a figure ("12€", "$12", "Total:$12"): unambiguous even inside
        // a longer token. Glued to letters ("$Acounl", "G$T") it is OCR's "S".
        if let Some((_, code)) = SYMBOLS
            .iter()
            .filter(|(s, _)| s.chars().count() == 1)
            .find(|(s, _)| beside_a_figure(token, s))
        {
            return Some(code);
        }
    }
    None
}

/// Whether the one-character `symbol` stands in `token` next to a digit, or next to nothing.
fn beside_a_figure(token: &str, symbol: &str) -> bool {
    let chars: Vec<char> = token.chars().collect();
    let Some(s) = symbol.chars().next() else {
        return false;
    };
    chars.iter().enumerate().any(|(i, &c)| {
        c == s && {
            let before = i.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i + 1).copied();
            let figure_or_end =
                |n: Option<char>| n.is_none_or(|n| n.is_ascii_digit() || !n.is_alphabetic());
            figure_or_end(before) && figure_or_end(after)
        }
    })
}

/// Splits a token into what precedes its first digit and what follows its last, when both are
/// free of digits: "RM7.72" -> ("RM", none), "12,00€" -> (none, "€").
fn split_amount(token: &str) -> Option<(Option<&str>, Option<&str>)> {
    let first = token.find(|c: char| c.is_ascii_digit())?;
    let last = token.rfind(|c: char| c.is_ascii_digit())?;
    let head = token[..first].trim_start_matches(['-', '(']);
    let tail = token[last + 1..].trim_end_matches(')');
    let head = (!head.is_empty()).then_some(head);
    let tail = (!tail.is_empty()).then_some(tail);
    Some((head, tail))
}

/// The text without one currency before or after the number: "RM7.72" -> "7.72",
/// "-RM0.02" -> "-0.02", "1 234,56 CHF" -> "1 234,56". Anything else is returned unchanged.
pub fn strip_currency(text: &str) -> String {
    let mut s = text.trim();
    let mut sign = "";
    if let Some(rest) = s.strip_prefix('-') {
        sign = "-";
        s = rest.trim_start();
    }
    if let Some(p) = longest(|c| s.starts_with(c)) {
        let rest = s[p.len()..].trim_start();
        if rest.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
            s = rest;
        }
    }
    if let Some(p) = longest(|c| s.ends_with(c)) {
        let rest = s[..s.len() - p.len()].trim_end();
        if rest.ends_with(|c: char| c.is_ascii_digit()) {
            s = rest;
        }
    }
    format!("{sign}{s}")
}

/// Symbols several currencies share ("Rs." is the rupee of India, Pakistan and Sri Lanka, "kr"
/// the crown of four countries): they name no currency, but an amount printed with one is
/// still an amount.
const SHARED: [&str; 7] = ["Rs.", "Rs", "kr.", "kr", "Kr.", "Kr", "¥"];

/// The longest symbol or code that `fits`: "US$" rather than "$".
fn longest(fits: impl Fn(&str) -> bool) -> Option<&'static str> {
    SYMBOLS
        .iter()
        .map(|(symbol, _)| *symbol)
        .chain(ISO_4217)
        .chain(SHARED)
        .filter(|c| fits(c))
        .max_by_key(|c| c.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_symbol_names_no_currency_but_is_stripped() {
        assert_eq!(strip_currency("Rs. 43,921.38"), "43,921.38");
        assert_eq!(strip_currency("1 234,56 kr"), "1 234,56");
        assert_eq!(find_currency("Rs. 43,921.38"), None);
        assert_eq!(find_currency("1 234,56 kr"), None);
    }

    #[test]
    fn codes_and_symbols_name_their_currency() {
        assert_eq!(find_currency("Total (EUR)"), Some("EUR"));
        assert_eq!(find_currency("RM7.72"), Some("MYR"));
        assert_eq!(find_currency("Total | RM"), Some("MYR"));
        assert_eq!(find_currency("12,00 €"), Some("EUR"));
        assert_eq!(find_currency("12,00€"), Some("EUR"));
        assert_eq!(find_currency("S$ 4.50"), Some("SGD"));
        assert_eq!(find_currency("Kwota 123,45 zł"), Some("PLN"));
        assert_eq!(find_currency("SEK 1 200"), Some("SEK"));
        assert_eq!(find_currency("Betrag in CHF"), Some("CHF"));
        assert_eq!(find_currency("JPY"), Some("JPY"));
        // Words that happen to be codes, and shared symbols, name nothing.
        assert_eq!(find_currency("ALL PRICES INCLUDE GST"), None);
        assert_eq!(find_currency("TOP UP"), None);
        assert_eq!(find_currency("Total 120 kr"), None);
        assert_eq!(find_currency("Invoice INV-1234"), None);
        assert_eq!(find_currency("ALL 1 200"), Some("ALL"));
        // A dollar sign glued to a figure names dollars; glued to letters it is OCR's "S".
        assert_eq!(find_currency("Total:$12.50"), Some("USD"));
        assert_eq!(find_currency("$Acounl : 72746013"), None);
        assert_eq!(find_currency("Customer G$T No. :"), None);
    }

    #[test]
    fn a_currency_around_the_number_is_dropped() {
        assert_eq!(strip_currency("RM7.72"), "7.72");
        assert_eq!(strip_currency("-RM0.02"), "-0.02");
        assert_eq!(strip_currency("56.00DH"), "56.00");
        assert_eq!(strip_currency("RM 7.72"), "7.72");
        assert_eq!(strip_currency("1 234,56 CHF"), "1 234,56");
        assert_eq!(strip_currency("CHF1'234.50"), "1'234.50");
        assert_eq!(strip_currency("99 zł"), "99");
        assert_eq!(strip_currency("US$12.00"), "12.00");
        // La Molienda Verde's total box: "250,07 Euros" over "(41.608 Ptas)".
        assert_eq!(strip_currency("250,07 Euros"), "250,07");
        assert_eq!(find_currency("250,07 Euros"), Some("EUR"));
        assert!(crate::normalize::looks_like_money("250,07 Euros"));
        assert_eq!(strip_currency("41.608 Ptas"), "41.608 Ptas");
        // Not a currency, or nothing after it: unchanged.
        assert_eq!(strip_currency("INV1234"), "INV1234");
        assert_eq!(strip_currency("RM"), "RM");
    }
}
