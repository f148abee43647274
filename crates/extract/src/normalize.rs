//! Normalisation of what documents print: amounts with either decimal separator and any way of
//! writing a negative, dates in the order the document itself gives evidence for, currencies
//! from symbols and codes.

use std::cell::Cell;

use rust_decimal::Decimal;

thread_local! {
    /// How the document being read on this thread writes its decimals, where its amounts agree
    /// (see [`decimal_separator`]).
    static DECIMAL: Cell<Option<DecimalMark>> = const { Cell::new(None) };
}

/// How a document marks the decimals of its amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalMark {
    /// Cents after this separator, and three digits after it are decimals too.
    Only(char),
    /// Amounts in thousandths (dinars and millimes: "927,000", "0,600", "158.879"), after
    /// either separator.
    Thousandths,
}

/// The separator a document's amounts with cents use, when they all use the same one:
/// "194,69", "25,31" and "0,00" with no "12.50" anywhere make ',' the decimal separator.
/// With it, a figure with three digits after that separator is a decimal ("194,690" on an
/// Estonian hotel's invoice, a quantity "4,000" on a German one), not a thousands group.
/// A document with no cents at all whose figures under one unit print three digits after the
/// separator ("0,600", "0.000": no thousands group starts with a zero) counts in thousandths.
pub fn decimal_separator<'a>(texts: impl Iterator<Item = &'a str>) -> Option<DecimalMark> {
    let (mut comma, mut dot, mut thousandths) = (0, 0, 0);
    // A rate is no amount: "(IVA 21.00%)" beside "10.356,06" on an Argentine invoice.
    for token in texts
        .flat_map(str::split_whitespace)
        .filter(|t| !t.contains('%'))
    {
        let t = token.trim_end_matches(|c: char| !c.is_ascii_digit());
        let b = t.as_bytes();
        let n = b.len();
        if n >= 4 && b[n - 4].is_ascii_digit() && b[n - 2..].iter().all(u8::is_ascii_digit) {
            match b[n - 3] {
                b',' => comma += 1,
                b'.' => dot += 1,
                _ => {}
            }
        }
        let t = t.trim_start_matches(['-', '(']);
        if t.len() == 5 && (t.starts_with("0,") || t.starts_with("0.")) {
            thousandths += usize::from(t[2..].chars().all(|c| c.is_ascii_digit()));
        }
    }
    match (comma, dot) {
        (c, 0) if c >= 2 => Some(DecimalMark::Only(',')),
        (0, d) if d >= 2 => Some(DecimalMark::Only('.')),
        (0, 0) if thousandths >= 2 => Some(DecimalMark::Thousandths),
        _ => None,
    }
}

/// Runs `read` with `mark` as the decimal mark of the document it reads, on this thread;
/// [`parse_amount`] reads three decimals after it.
pub fn with_decimal_separator<T>(mark: Option<DecimalMark>, read: impl FnOnce() -> T) -> T {
    struct Restore(Option<DecimalMark>);
    impl Drop for Restore {
        fn drop(&mut self) {
            DECIMAL.with(|d| d.set(self.0));
        }
    }
    let _restore = Restore(DECIMAL.with(|d| d.replace(mark)));
    read()
}

/// Day-month order of a document's numeric dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    DayFirst,
    MonthFirst,
}

/// Whether a figure prints cents ("1,00", "16.82-"): an amount, not a count or a reference.
pub fn has_cents(text: &str) -> bool {
    let t = text.trim_end_matches(['-', '+']);
    t.len() > 3 && matches!(t.as_bytes()[t.len() - 3], b'.' | b',')
}

/// Parses an amount: "1,234.56", "1.234,56", "1 234,56", "$1,234.56", "1,234.56 EUR", "(12.00)",
/// "12.00 CR", "-12.00", "−12.00", "12.00-". Returns None when the text is not a single amount.
pub fn parse_amount(text: &str) -> Option<Decimal> {
    let mut s = text.trim().to_string();
    let mut negative = false;
    for suffix in [" CR", "CR", " Cr", "-"] {
        if let Some(stripped) = s.strip_suffix(suffix) {
            s = stripped.trim_end().to_string();
            negative = true;
            break;
        }
    }
    for suffix in [" DR", "DR"] {
        if let Some(stripped) = s.strip_suffix(suffix) {
            s = stripped.trim_end().to_string();
        }
    }
    if s.starts_with('(') && s.ends_with(')') {
        s = s[1..s.len() - 1].to_string();
        negative = !negative;
    }
    // Currency symbols and codes around the number.
    let cleaned: String = super::currency::strip_currency(&s)
        .replace("EUR", "")
        .replace("USD", "")
        .replace("GBP", "")
        .chars()
        .filter(|c| !matches!(c, '$' | '€' | '£' | '\u{a0}'))
        .collect();
    let mut s = cleaned.trim().to_string();
    // The minus sign proper, and the soft hyphen some fonts map their minus to ("\u{ad}5,15" on
    // an Axapta credit note).
    if let Some(rest) = s.strip_prefix(['-', '\u{2212}', '\u{ad}']) {
        s = rest.trim().to_string();
        negative = !negative;
    } else if let Some(rest) = s.strip_prefix('+') {
        // Statements print money in as "+ 154,00".
        s = rest.trim().to_string();
    }
    if s.is_empty() || !s.chars().next()?.is_ascii_digit() {
        return None;
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '\''))
    {
        return None;
    }
    // The decimal separator is the last '.' or ',' followed by exactly one or two digits;
    // every other separator groups thousands.
    let last_sep = s.rfind(['.', ',']);
    // Four digits after it are decimals too ("11,8182"): thousands come in groups of three.
    // Three are decimals where the document's amounts use that separator for cents, and it
    // appears once.
    let three = |i: usize| {
        let Some(sep) = s[i..].chars().next() else {
            return false;
        };
        let marked = match DECIMAL.with(Cell::get) {
            Some(DecimalMark::Only(c)) => c == sep,
            Some(DecimalMark::Thousandths) => true,
            None => false,
        };
        s.len() - i - 1 == 3 && marked && s.matches(sep).count() == 1
    };
    let (int_part, frac_part) = match last_sep {
        Some(i) if matches!(s.len() - i - 1, 1 | 2 | 4) || three(i) => (&s[..i], &s[i + 1..]),
        _ => (s.as_str(), ""),
    };
    let int_digits: String = int_part.chars().filter(|c| c.is_ascii_digit()).collect();
    // Groups after a thousands separator have exactly three digits.
    let groups: Vec<&str> = int_part.split(['.', ',', ' ', '\'']).collect();
    // India groups lakhs and crores by two after the first thousand: "10,16,487.96".
    let indian = groups.len() > 2
        && int_part.chars().all(|c| c.is_ascii_digit() || c == ',')
        && groups.last().is_some_and(|g| g.len() == 3)
        && groups[1..groups.len() - 1].iter().all(|g| g.len() == 2)
        && (1..=2).contains(&groups[0].len());
    if groups.len() > 1 && groups[1..].iter().any(|g| g.len() != 3) && !indian {
        return None;
    }
    if int_digits.is_empty() {
        return None;
    }
    let text = if frac_part.is_empty() {
        int_digits
    } else {
        format!("{int_digits}.{frac_part}")
    };
    let mut value: Decimal = text.parse().ok()?;
    if negative {
        value = -value;
    }
    Some(value)
}

/// Whether a figure is an amount grouped in thousands with decimals ("14,049.5", "1.234,56"),
/// however many decimals OCR or the printer kept: no document number looks like that.
pub fn is_grouped_amount(text: &str) -> bool {
    let t = text.trim();
    [(',', '.'), ('.', ',')].iter().any(|(group, point)| {
        t.split_once(*group).is_some_and(|(head, tail)| {
            let tail: Vec<char> = tail.chars().collect();
            (1..=3).contains(&head.len())
                && head.chars().all(|c| c.is_ascii_digit())
                && tail.len() >= 5
                && tail[3] == *point
                && tail
                    .iter()
                    .enumerate()
                    .all(|(i, c)| i == 3 || c.is_ascii_digit())
        })
    })
}

/// True when the text has the shape of an amount with cents ("12.00", "1.234,56", "(5.00)"),
/// which plain counts and years do not have.
pub fn looks_like_money(text: &str) -> bool {
    let t = text.trim().trim_end_matches(" CR").trim_end_matches(')');
    let bytes: Vec<char> = t
        .chars()
        .filter(|c| !c.is_alphabetic() && !matches!(c, '$' | '€' | '£' | ' '))
        .collect();
    let n = bytes.len();
    n >= 4
        && matches!(bytes[n - 3], '.' | ',')
        && bytes[n - 2].is_ascii_digit()
        && bytes[n - 1].is_ascii_digit()
        && parse_amount(text).is_some()
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Month names in German, French, Spanish, Italian, Dutch and Portuguese, with the
/// abbreviations that are not also words ("set", "out" and "ago" are left out), where the
/// English prefixes above do not already find them.
const FOREIGN_MONTHS: [(&str, u32); 44] = [
    ("enero", 1),
    ("ene", 1),
    ("gennaio", 1),
    ("janv", 1),
    ("fév", 2),
    ("févr", 2),
    ("février", 2),
    ("fevrier", 2),
    ("fevereiro", 2),
    ("märz", 3),
    ("mär", 3),
    ("mrz", 3),
    ("mrt", 3),
    ("avril", 4),
    ("avr", 4),
    ("abril", 4),
    ("abr", 4),
    ("mai", 5),
    ("mei", 5),
    ("maggio", 5),
    ("maio", 5),
    ("giugno", 6),
    ("giu", 6),
    ("luglio", 7),
    ("lug", 7),
    ("juil", 7),
    ("août", 8),
    ("aoû", 8),
    ("agosto", 8),
    ("settembre", 9),
    ("setembro", 9),
    ("oktober", 10),
    ("okt", 10),
    ("ottobre", 10),
    ("ott", 10),
    ("outubro", 10),
    ("dezember", 12),
    ("dez", 12),
    ("dezembro", 12),
    ("décembre", 12),
    ("déc", 12),
    ("diciembre", 12),
    ("dicembre", 12),
    ("dic", 12),
];

fn month_from_name(word: &str) -> Option<u32> {
    let w = word
        .trim_matches(|c: char| !c.is_alphabetic())
        .to_lowercase();
    if w.chars().count() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| w.starts_with(m))
        .map(|i| i as u32 + 1)
        .or_else(|| {
            FOREIGN_MONTHS
                .iter()
                .find(|(name, _)| *name == w)
                .map(|(_, month)| *month)
        })
}

/// Where the word `step` places from `i` is, passing over the "de" of "5 de marzo de 2024" and
/// the "di" or "del" of Italian and Spanish dates.
fn date_neighbour(tokens: &[&str], i: usize, step: isize) -> Option<usize> {
    let at = |k: isize| i.checked_add_signed(k).filter(|j| *j < tokens.len());
    let j = at(step)?;
    match tokens[j] {
        "de" | "del" | "di" => at(2 * step),
        _ => Some(j),
    }
}

/// The numeric parts of a date-looking token: "21.07.2025" -> (21, 7, 2025).
fn numeric_parts(text: &str) -> Option<(u32, u32, u32)> {
    let parts: Vec<&str> = text.trim().split(['/', '.', '-']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let n: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    (n.len() == 3).then(|| (n[0], n[1], n[2]))
}

/// A date written with numbers only ("31/10/2025", "10.31.2025", "2025-10-31") in ISO form.
fn numeric_date(text: &str, order: DateOrder) -> Option<String> {
    let (a, b, c) = numeric_parts(text)?;
    // A year has two or four figures: "2.1.1" is a version, not 2 January 2001.
    let year = if a > 31 {
        text.trim().split(['/', '.', '-']).next()
    } else {
        text.trim().rsplit(['/', '.', '-']).next()
    };
    if !year.is_some_and(|y| y.len() == 2 || y.len() == 4) {
        return None;
    }
    if a > 31 {
        iso(a, b, c)
    } else if order == DateOrder::DayFirst {
        iso(c, b, a)
    } else {
        iso(c, a, b)
    }
}

/// Reads the day-month order from all the dates a document prints: a first part above 12 can
/// only be a day, a second part above 12 only a day too. Without such evidence, the currency
/// decides (US documents write the month first).
pub fn date_order<'a>(texts: impl Iterator<Item = &'a str>, currency: Option<&str>) -> DateOrder {
    let (mut day_first, mut month_first) = (0, 0);
    for text in texts {
        for token in text.split_whitespace() {
            let token = token.trim_matches([',', ';', ':', '(', ')']);
            let Some((a, b, c)) = numeric_parts(token) else {
                continue;
            };
            // ISO (year first), or no date at all: a phone number ("03-9010-9849") splits
            // into three figures too. A two-figure year counts ("23.06.23", a browser's date
            // of printing).
            let year = token.rsplit(['/', '.', '-']).next().map_or(0, str::len);
            if a > 31 || b > 31 || !((1900..=2100).contains(&c) || (year == 2 && c < 100)) {
                continue;
            }
            if a > 12 && b <= 12 {
                day_first += 1;
            } else if b > 12 && a <= 12 {
                month_first += 1;
            }
            if token.contains('.') {
                // Dotted dates are a day-first convention.
                day_first += 1;
            }
        }
    }
    match day_first.cmp(&month_first) {
        std::cmp::Ordering::Greater => DateOrder::DayFirst,
        std::cmp::Ordering::Less => DateOrder::MonthFirst,
        std::cmp::Ordering::Equal => {
            if currency == Some("USD") {
                DateOrder::MonthFirst
            } else {
                DateOrder::DayFirst
            }
        }
    }
}

fn iso(year: u32, month: u32, day: u32) -> Option<String> {
    let year = if year < 100 { 2000 + year } else { year };
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=days_in_month).contains(&day) || !(1900..=2200).contains(&year) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// Whether the text holds a date in either day-month order: for a place where any date will
/// do, whichever order the document uses.
pub fn is_any_date(text: &str) -> bool {
    find_date(text, DateOrder::DayFirst).is_some()
        || find_date(text, DateOrder::MonthFirst).is_some()
}

/// Finds the first date in the text and returns it as ISO 8601, with the raw text it came from.
pub fn find_date(text: &str, order: DateOrder) -> Option<(String, String)> {
    // OCR reads "June 7" as "June.7" now and then; a dot between a letter and a digit is a gap.
    let chars: Vec<char> = text.chars().collect();
    let spaced: String = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let between = i > 0
                && chars[i - 1].is_alphabetic()
                && chars.get(i + 1).is_some_and(char::is_ascii_digit);
            // "Date:12/02/2018": a label glued to its value.
            // "30-nov.-2025": a month name between dashes.
            let dashed = c == '-'
                && i > 0
                && chars.get(i + 1).is_some_and(|n| {
                    (chars[i - 1].is_ascii_digit() && n.is_alphabetic())
                        || ((chars[i - 1].is_alphabetic() || chars[i - 1] == '.')
                            && n.is_ascii_digit())
                });
            if (matches!(c, '.' | ':') && between) || dashed {
                ' '
            } else {
                c
            }
        })
        .collect();
    // "15/DIC/22": a month's name between slashes, as Spanish tills print it.
    let spaced = spaced
        .split(' ')
        .map(|t| {
            let parts: Vec<&str> = t.split('/').collect();
            let named = parts.len() == 3
                && (1..=2).contains(&parts[0].len())
                && parts[0].chars().all(|c| c.is_ascii_digit())
                && (3..=5).contains(&parts[1].trim_end_matches('.').chars().count())
                && parts[1]
                    .trim_end_matches('.')
                    .chars()
                    .all(char::is_alphabetic)
                && matches!(parts[2].len(), 2 | 4)
                && parts[2].chars().all(|c| c.is_ascii_digit());
            if named {
                parts.join(" ")
            } else {
                t.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    for (i, token) in tokens.iter().enumerate() {
        let bare = token.trim_matches(|c: char| {
            matches!(
                c,
                ',' | ':' | ';' | '(' | ')' | '-' | '\u{2013}' | '\u{2014}'
            )
        });
        if let Some(d) = numeric_date(bare, order) {
            return Some((d, bare.to_string()));
        }
        // "9/3/201820:54:50": OCR dropped the space between a date and its time of day.
        if let Some(colon) = bare.find(':') {
            for cut in [colon.saturating_sub(2), colon.saturating_sub(1)] {
                if let Some(head) = bare.get(..cut)
                    && head.len() >= 8
                    && let Some(d) = numeric_date(head, order)
                {
                    return Some((d, head.to_string()));
                }
            }
        }
        // A range read without spaces around its dash: "10/01/2025-10/31/2025".
        for (at, _) in bare.match_indices(['-', '\u{2013}', '\u{2014}']) {
            if let Some(d) = numeric_date(&bare[..at], order) {
                return Some((d, bare[..at].to_string()));
            }
        }
        // "05 Mar 2026", "5 March 2026", "March 5, 2026".
        if let Some(month) = month_from_name(bare) {
            let number = |t: Option<&&str>| -> Option<u32> {
                let t = t?.trim_matches(|c: char| !c.is_ascii_digit());
                // "201818:46": a year glued to the time of day.
                let t = match t.get(..4) {
                    Some(year) if t.contains(':') && year.bytes().all(|b| b.is_ascii_digit()) => {
                        year
                    }
                    _ => t,
                };
                t.parse().ok()
            };
            if let (Some(before), Some(after)) = (
                date_neighbour(&tokens, i, -1),
                date_neighbour(&tokens, i, 1),
            ) && let (Some(day), Some(year)) =
                (number(tokens.get(before)), number(tokens.get(after)))
                && let Some(d) = iso(year, month, day)
            {
                return Some((d, tokens[before..=after].join(" ")));
            }
            // "March 5,2026": OCR dropped the space after the comma.
            if let Some((day, year)) = tokens.get(i + 1).and_then(|t| {
                let (d, y) = t.trim_end_matches(['.', ',']).split_once(',')?;
                (y.len() == 4).then_some(())?;
                Some((d.parse::<u32>().ok()?, y.parse::<u32>().ok()?))
            }) && let Some(d) = iso(year, month, day)
            {
                return Some((d, format!("{} {}", token, tokens[i + 1])));
            }
            if let (Some(day), Some(year)) = (number(tokens.get(i + 1)), number(tokens.get(i + 2)))
                && let Some(d) = iso(year, month, day)
            {
                return Some((d, format!("{} {} {}", token, tokens[i + 1], tokens[i + 2])));
            }
        }
    }
    embedded_date(text, order)
}

/// A labelled date whose separators OCR lost or read as digits: "250412017" is 25/04/2017
/// with its first slash dropped and its second read as a 1. Tried only on a value a date
/// label announces, never on free text, where such runs are phone and reference numbers; the
/// day comes first because the misreads come from till printers that print it so, and the
/// year must be a plausible four-digit one.
pub fn misread_date(text: &str) -> Option<String> {
    let token = text.split_whitespace().next()?;
    let token = token.trim_matches(|c: char| !c.is_ascii_digit());
    if !token
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '/' | '.' | '-'))
    {
        return None;
    }
    let digits: Vec<u32> = token.chars().filter_map(|c| c.to_digit(10)).collect();
    let number =
        |from: usize, len: usize| digits[from..from + len].iter().fold(0, |n, d| n * 10 + d);
    // A lost separator read as a digit is a 1 or a 7 (the slash's shape).
    let slash = |at: usize| matches!(digits[at], 1 | 7);
    let (month_at, year_at) = match digits.len() {
        8 => (2, 4),
        9 if slash(4) => (2, 5),
        9 if slash(2) => (3, 5),
        10 if slash(2) && slash(5) => (3, 6),
        _ => return None,
    };
    let year = number(year_at, 4);
    if !(1990..=2099).contains(&year) {
        return None;
    }
    iso(year, number(month_at, 2), number(0, 2))
}

/// A date inside a longer run of characters, where till printers and OCR glue it to its
/// neighbours: "ORD#15-REG#19-02/03/201812:59:16", "[Sales]2018-01-0522:55:25",
/// "19Apr201818:22". Looked for only when no word of the text is a date by itself.
fn embedded_date(text: &str, order: DateOrder) -> Option<(String, String)> {
    let chars: Vec<char> = text.chars().collect();
    let digits_at = |from: usize, max: usize| -> usize {
        chars[from.min(chars.len())..]
            .iter()
            .take(max)
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    for start in 0..chars.len() {
        if !chars[start].is_ascii_digit() || (start > 0 && chars[start - 1].is_ascii_digit()) {
            continue;
        }
        let first = digits_at(start, 4);
        let sep_at = start + first;
        // Numeric: d{1,2}|d{4} sep d{1,2} sep d{2,4}, both separators the same.
        if let Some(&sep) = chars.get(sep_at)
            && matches!(sep, '/' | '.' | '-')
        {
            let second = digits_at(sep_at + 1, 2);
            let sep2_at = sep_at + 1 + second;
            if second > 0 && chars.get(sep2_at) == Some(&sep) {
                let year_first = first == 4;
                let want = if year_first { 2 } else { 4 };
                let third = digits_at(sep2_at + 1, want);
                let third = if third == want || year_first {
                    third
                } else {
                    digits_at(sep2_at + 1, 2)
                };
                let end = sep2_at + 1 + third;
                // A two-digit year glued to letters is a code's tail ("HA06HD01-3-70"), not a
                // date: till printers glue dates to their neighbours with the full year.
                let in_code = start > 0 && chars[start - 1].is_alphanumeric();
                if third >= 1 && (year_first || third >= 2) && !(in_code && third == 2) {
                    let raw: String = chars[start..end].iter().collect();
                    if let Some(d) = numeric_date(&raw, order) {
                        return Some((d, raw));
                    }
                }
            }
        }
        // Month name glued between day and year: "19Apr2018".
        if (1..=2).contains(&first) {
            let letters = chars[sep_at..]
                .iter()
                .take_while(|c| c.is_alphabetic())
                .count();
            let year_at = sep_at + letters;
            if letters >= 3 && digits_at(year_at, 4) == 4 {
                let month: String = chars[sep_at..year_at].iter().collect();
                let day: String = chars[start..sep_at].iter().collect();
                let year: String = chars[year_at..year_at + 4].iter().collect();
                if let (Some(m), Ok(dd), Ok(yy)) =
                    (month_from_name(&month), day.parse(), year.parse())
                    && let Some(d) = iso(yy, m, dd)
                {
                    return Some((d, format!("{day}{month}{year}")));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// The Estonian hotel invoice in fixtures/real/invoices prints its room line's amounts
    /// with three decimals ("194,690") beside a VAT summary with two ("194,69").
    #[test]
    fn three_decimals_read_as_decimals_where_the_document_uses_that_separator_for_cents() {
        let estonian = [
            "4,000 TK 48,673 55,000 48,673 194,690 220,000",
            "13% 194,69 25,31 220,00 EUR",
        ];
        let separator = decimal_separator(estonian.into_iter());
        assert_eq!(separator, Some(DecimalMark::Only(',')));
        with_decimal_separator(separator, || {
            assert_eq!(parse_amount("194,690"), Some(d("194.690")));
            assert_eq!(parse_amount("1.234,567"), Some(d("1234.567")));
            // Thousands grouped by the other separator stay thousands.
            assert_eq!(parse_amount("1.500"), Some(d("1500")));
        });
        // Outside the document, and in a document whose cents follow a point, a comma
        // groups thousands as before.
        assert_eq!(parse_amount("194,690"), Some(d("194690")));
        let american = ["Subtotal 1,500 items 12.50", "Total 1,512.50"];
        let separator = decimal_separator(american.into_iter());
        assert_eq!(separator, Some(DecimalMark::Only('.')));
        with_decimal_separator(separator, || {
            assert_eq!(parse_amount("1,500"), Some(d("1500")));
            assert_eq!(parse_amount("4.000"), Some(d("4.000")));
        });
        // Both in use, or too little evidence: no separator, no change.
        assert_eq!(decimal_separator(["12,50 12.50 1,00"].into_iter()), None);
        assert_eq!(decimal_separator(["12,50"].into_iter()), None);
        // A rate printed the other way does not count against the amounts.
        assert_eq!(
            decimal_separator(
                ["PARAQUAT (IVA 21.00%) 10.356,06", "2.174,77 12.530,83"].into_iter()
            ),
            Some(DecimalMark::Only(','))
        );
    }

    /// STE TAM's and Best Buy Tunisie's scanned invoices count in dinars and millimes, with
    /// either separator: "926,400", "TVA 0.000", "Timbre 0,600".
    #[test]
    fn a_document_without_cents_whose_zero_figures_have_three_decimals_counts_in_thousandths() {
        let tunisian = [
            "TOTAL HT 926,400",
            "0% 0.000 11.122",
            "MT Timbre 0,600",
            "TOTAL 927,000",
        ];
        let mark = decimal_separator(tunisian.into_iter());
        assert_eq!(mark, Some(DecimalMark::Thousandths));
        with_decimal_separator(mark, || {
            assert_eq!(parse_amount("927,000"), Some(d("927.000")));
            assert_eq!(parse_amount("158.879"), Some(d("158.879")));
            assert_eq!(parse_amount("1.234,567"), Some(d("1234.567")));
        });
        // One such figure is too little: a weight "0,500 kg" beside whole amounts.
        assert_eq!(decimal_separator(["0,500 kg 1,500"].into_iter()), None);
    }

    #[test]
    fn amounts_in_every_notation() {
        assert_eq!(parse_amount("1,234.56"), Some(d("1234.56")));
        assert_eq!(parse_amount("1.234,56"), Some(d("1234.56")));
        assert_eq!(parse_amount("1 234,56 €"), Some(d("1234.56")));
        assert_eq!(parse_amount("$12,941.88"), Some(d("12941.88")));
        assert_eq!(parse_amount("79.137,02 EUR"), Some(d("79137.02")));
        assert_eq!(parse_amount("(1,234.56)"), Some(d("-1234.56")));
        assert_eq!(parse_amount("12.00 CR"), Some(d("-12.00")));
        assert_eq!(parse_amount("-£5.10"), Some(d("-5.10")));
        assert_eq!(parse_amount("+ 2.780,70"), Some(d("2780.70")));
        assert_eq!(parse_amount("\u{2212}12,00"), Some(d("-12.00")));
        assert_eq!(parse_amount("\u{ad}5,15"), Some(d("-5.15")));
        assert_eq!(parse_amount("RM7.72"), Some(d("7.72")));
        assert_eq!(parse_amount("-RM0.02"), Some(d("-0.02")));
        assert_eq!(parse_amount("CHF 1'234.50"), Some(d("1234.50")));
        assert_eq!(parse_amount("99,90 zł"), Some(d("99.90")));
        assert_eq!(parse_amount("12"), Some(d("12")));
        assert_eq!(parse_amount("7.5"), Some(d("7.5")));
        assert_eq!(parse_amount("1,234"), Some(d("1234")));
        // Four digits after the last separator are decimals: thousands come in threes.
        assert_eq!(parse_amount("11,8182"), Some(d("11.8182")));
        assert_eq!(parse_amount("1.234,5000"), Some(d("1234.5000")));
        // Lakhs and crores.
        assert_eq!(parse_amount("10,16,487.96"), Some(d("1016487.96")));
        assert_eq!(parse_amount("₹1,23,45,678.00"), Some(d("12345678.00")));
        assert_eq!(parse_amount("1,23,456"), Some(d("123456")));
        assert_eq!(parse_amount("12,34,5.6"), None);
        assert_eq!(parse_amount("INV-1234"), None);
        assert_eq!(parse_amount("12.3.4"), None);
        assert_eq!(parse_amount("2025-07-21"), None);
        assert!(
            looks_like_money("2.091,54") && looks_like_money("(60.54)") && !looks_like_money("12")
        );
    }

    #[test]
    fn dates_glued_to_their_label_or_their_time_of_day_are_read() {
        let day = DateOrder::DayFirst;
        let date = |t: &str| find_date(t, day).map(|d| d.0);
        assert_eq!(date("Date:12/02/2018").as_deref(), Some("2018-02-12"));
        assert_eq!(date("Date:9/3/201820:54:50").as_deref(), Some("2018-03-09"));
        assert_eq!(date("27 Mar 201818:46").as_deref(), Some("2018-03-27"));
        assert_eq!(date("14:31:00"), None);
        assert_eq!(
            date("ORD#15-REG#19-02/03/201812:59:16").as_deref(),
            Some("2018-03-02")
        );
        assert_eq!(
            date("[Sales]2018-01-0522:55:25").as_deref(),
            Some("2018-01-05")
        );
        assert_eq!(date("19Apr201818:22").as_deref(), Some("2018-04-19"));
        assert_eq!(date("Tel 03-6092-1968"), None);
        assert_eq!(date("30-nov.-2025").as_deref(), Some("2025-11-30"));
        assert_eq!(date("02-Jan-2024").as_deref(), Some("2024-01-02"));
        // A month's name between slashes, as Spanish tills print it; a code is none.
        assert_eq!(date("15/DIC/22").as_deref(), Some("2022-12-15"));
        assert_eq!(date("15/Oct/2022 14:15").as_deref(), Some("2022-10-15"));
        assert_eq!(date("A5/ABC/3127"), None);
        // A version number is no date; the date after it is.
        assert_eq!(date("ZUGFeRD-Version: 2.1.1"), None);
        assert_eq!(
            date(": 2.1.1 vom 01.07.2020").as_deref(),
            Some("2020-07-01")
        );
        // A labelled value whose slashes OCR lost: only as a repair, never in free text.
        assert_eq!(date("250412017"), None);
        assert_eq!(misread_date("250412017").as_deref(), Some("2017-04-25"));
        assert_eq!(misread_date("25/0412017").as_deref(), Some("2017-04-25"));
        assert_eq!(misread_date("0126651703"), None);
        assert_eq!(misread_date("2411882040"), None);
        // A code's tail with a two-digit "year" is no date; the date printed after it is.
        assert_eq!(date("HA06HD01-3-70"), None);
        assert_eq!(
            date("HA06HD01-3-70 15-07-18 10:35SH01ZI33").as_deref(),
            Some("2018-07-15")
        );
    }

    #[test]
    fn dates_follow_the_documents_own_evidence() {
        let order = date_order(
            ["Date 21/07/2025", "Due 04/09/2025"].into_iter(),
            Some("USD"),
        );
        assert_eq!(order, DateOrder::DayFirst);
        assert_eq!(find_date("Due 04/09/2025", order).unwrap().0, "2025-09-04");
        let us = date_order(["07/21/2025"].into_iter(), None);
        assert_eq!(find_date("Issued 07/21/2025", us).unwrap().0, "2025-07-21");
        // A phone number or a dotted amount is no evidence.
        let phone = date_order(
            ["Tel No. 03-9010-9849", "Amount 1.234.567", "10/03/2018"].into_iter(),
            None,
        );
        assert_eq!(phone, DateOrder::DayFirst);
        // A browser's date of printing with a two-figure year is evidence too.
        let printed = date_order(["23.06.23, 11:09", "11/5/23"].into_iter(), Some("USD"));
        assert_eq!(printed, DateOrder::DayFirst);
        assert_eq!(
            find_date("Tax point 05 Mar 2026", us).unwrap().0,
            "2026-03-05"
        );
        assert_eq!(
            find_date("Billed on March 5, 2026", us).unwrap().0,
            "2026-03-05"
        );
        assert_eq!(find_date("2025-12-31", us).unwrap().0, "2025-12-31");
        assert_eq!(
            find_date("21.07.2025", DateOrder::DayFirst).unwrap().0,
            "2025-07-21"
        );
        assert!(find_date("31/02/2025", DateOrder::DayFirst).is_none());
    }

    #[test]
    fn month_names_are_read_in_six_languages() {
        let day_first = DateOrder::DayFirst;
        for (text, want) in [
            ("Rechnungsdatum: 1. Oktober 2023", "2023-10-01"),
            ("Lieferdatum 5. März 2024", "2024-03-05"),
            ("le 12 décembre 2025", "2025-12-12"),
            ("Fecha: 5 de marzo de 2024", "2024-03-05"),
            ("Data 3 settembre 2024", "2024-09-03"),
            ("Factuurdatum 14 mei 2024", "2024-05-14"),
            ("Data de emissão 2 de dezembro de 2023", "2023-12-02"),
            ("7 févr. 2025", "2025-02-07"),
        ] {
            assert_eq!(
                find_date(text, day_first).map(|d| d.0).as_deref(),
                Some(want),
                "{text}"
            );
        }
        let (_, raw) = find_date("Fecha: 5 de marzo de 2024", day_first).unwrap();
        assert_eq!(raw, "5 de marzo de 2024");
        // Words that only look like abbreviations stay words.
        assert!(find_date("paid out 12 times in 2024", day_first).is_none());
        assert!(find_date("set 3 of 2024", day_first).is_none());
    }

    #[test]
    fn ranges_read_without_spaces_split_at_their_dash() {
        let us = DateOrder::MonthFirst;
        let (first, raw) = find_date("10/01/2025-10/31/2025", us).unwrap();
        assert_eq!((first.as_str(), raw.as_str()), ("2025-10-01", "10/01/2025"));
        assert_eq!(find_date("-10/31/2025", us).unwrap().0, "2025-10-31");
        let (first, raw) = find_date("2025-07-01-2025-07-31", us).unwrap();
        assert_eq!((first.as_str(), raw.as_str()), ("2025-07-01", "2025-07-01"));
        assert_eq!(
            find_date("01/11/2025\u{2013}30/11/2025", DateOrder::DayFirst)
                .unwrap()
                .0,
            "2025-11-01"
        );
        assert!(find_date("12-345-6789", us).is_none());
        assert_eq!(find_date("June.7, 2025", us).unwrap().0, "2025-06-07");
        assert_eq!(find_date("June 21,2025", us).unwrap().0, "2025-06-21");
    }
}
