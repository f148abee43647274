//! Dates as documents print them: numeric in the day-month order the document itself gives
//! evidence for, with month names in six languages, glued to a label or a time of day, or as
//! the first day of a range.

/// Day-month order of a document's numeric dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    DayFirst,
    MonthFirst,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Month names in German, French, Spanish, Italian, Dutch, Portuguese and the Scandinavian
/// languages, with the abbreviations that are not also words ("set", "out" and "ago" are left
/// out), where the English prefixes above do not already find them: Dutch "maart" does not
/// begin with "mar".
const FOREIGN_MONTHS: [(&str, u32); 49] = [
    ("enero", 1),
    ("jänner", 1),
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
    ("maart", 3),
    ("avril", 4),
    ("avr", 4),
    ("abril", 4),
    ("abr", 4),
    ("mai", 5),
    ("mei", 5),
    ("maggio", 5),
    ("maio", 5),
    ("maj", 5),
    ("giugno", 6),
    ("giu", 6),
    ("luglio", 7),
    ("lug", 7),
    ("juil", 7),
    ("août", 8),
    ("aoû", 8),
    ("aout", 8),
    ("agosto", 8),
    ("settembre", 9),
    ("setembro", 9),
    ("setiembre", 9),
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
/// A Hungarian date, year first with a stop and a space after each part ("2026. 01. 20."),
/// closed up ("2026.01.20") so it reads as one word.
fn year_first_spaced(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let part = |w: &str, len: std::ops::RangeInclusive<usize>| {
        w.strip_suffix('.')
            .is_some_and(|d| len.contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit()))
    };
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if i + 2 < words.len()
            && part(words[i], 4..=4)
            && part(words[i + 1], 1..=2)
            && (part(words[i + 2], 1..=2)
                || (1..=2).contains(&words[i + 2].len())
                    && words[i + 2].chars().all(|c| c.is_ascii_digit()))
        {
            out.push(format!(
                "{}{}{}",
                words[i],
                words[i + 1],
                words[i + 2].trim_end_matches('.')
            ));
            i += 3;
        } else {
            out.push(words[i].to_string());
            i += 1;
        }
    }
    out.join(" ")
}

pub fn find_date(text: &str, order: DateOrder) -> Option<(String, String)> {
    let text = &year_first_spaced(text);
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
    #[test]
    fn a_hungarian_date_spaced_after_each_stop_is_a_date() {
        use super::*;
        assert_eq!(
            find_date("2026. 01. 20.", DateOrder::DayFirst).map(|d| d.0),
            Some("2026-01-20".to_string())
        );
        assert_eq!(
            find_date("Kelte: 2025. 9. 3", DateOrder::MonthFirst).map(|d| d.0),
            Some("2025-09-03".to_string())
        );
        // A year and two counts in a sentence are no date.
        assert_eq!(find_date("2026. 13. 40.", DateOrder::DayFirst), None);
    }

    use super::*;

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
    fn month_names_are_read_in_the_languages_of_europe() {
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
            ("Factuurdatum 2 maart 2025", "2025-03-02"),
            ("Fakturadatum 6 maj 2025", "2025-05-06"),
            ("le 14 aout 2025", "2025-08-14"),
            ("Fecha 30 de setiembre de 2024", "2024-09-30"),
            ("Rechnungsdatum 7. Jänner 2025", "2025-01-07"),
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
