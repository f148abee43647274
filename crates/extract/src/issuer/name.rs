//! A company's name as a page prints it, made clean: what runs on after the legal form (an
//! address, a registration number) cut off, and the spaces and forms OCR mangled put back.

use super::is_legal_form;
use crate::cells::{plain_label_words, unaccented};
use crate::vocabulary::SELLER_HEADINGS;

/// A company name as printed without what follows it on the same line: a registration number
/// in brackets ("SINNATHAMBY HOLDINGS SDN. BHD.(219336-T)") or an address after a dash ("Au bon
/// moulin SARL - 1242 chemin de l'olive - 84340 Malaucène").
pub(super) fn clean_name(text: &str) -> String {
    let text = unglued(&bracket_spaces(&halfwidth(text)));
    let mut name = without_seller_label(text.trim());
    // A signature's "Fdo." (firmado), "gez." (gezeichnet), "Signed:" before the name.
    for mark in ["Fdo.", "Fdo:", "Firmado:", "gez.", "Signed:", "Signed by"] {
        if let Some(rest) = name.strip_prefix(mark)
            && rest.starts_with(' ')
        {
            name = rest.trim_start();
        }
    }
    // The address after the legal form goes first: a separator inside it ("S.A. CTRA.
    // LOGROÑO - LAGUARDIA KM. 4,8 01300") would otherwise keep its first half.
    name = without_address(name);
    for separator in [" - ", " | ", " · ", " – ", "·", "•"] {
        if let Some((head, _)) = name.split_once(separator)
            && head.chars().filter(|c| c.is_alphabetic()).count() >= 3
        {
            name = head.trim();
        }
    }
    if let Some(open) = name.rfind('(')
        && name[open..].chars().any(|c| c.is_ascii_digit())
        && name[..open].chars().filter(|c| c.is_alphabetic()).count() >= 3
    {
        name = name[..open].trim();
    }
    without_address(name).to_string()
}

/// A name without the seller's label printed before it in its cell ("Sold By : WS Retail
/// Services Pvt. Ltd.", "VÂNZĂTOR ANSWEAR.COM SPÓŁKA AKCYJNA"): set apart by a colon, or a
/// one-word label before a name that ends in its legal form.
fn without_seller_label(name: &str) -> &str {
    let is_label = |label: &str| {
        let words = plain_label_words(label).join(" ");
        !words.is_empty()
            && (SELLER_HEADINGS.iter().any(|h| unaccented(h) == words)
                || super::seller::SELLER_HEADING_ENDS.contains(&words.as_str()))
    };
    if let Some((label, rest)) = name.split_once(':')
        && is_label(label)
        && rest.chars().any(char::is_alphabetic)
    {
        return rest.trim();
    }
    // "Lieferant GmbH" is a name, the form after a bare word: a name of its own must come
    // between the label and the form.
    if let Some((first, rest)) = name.split_once(' ')
        && is_label(first)
        && rest.split_whitespace().count() >= 2
        && rest
            .split_whitespace()
            .next()
            .is_some_and(|w| !is_legal_form(w))
        && super::has_legal_form(rest)
    {
        return rest.trim();
    }
    name
}

/// Words that open a post-box address ("Postbus 3101", "Postfach 10 20 30", "P.O. Box 12").
const POST_BOXES: &[&str] = &[
    "postbus", "postfach", "po", "p.o.", "bp", "b.p.", "apartado", "casella", "boîte", "pob",
];

/// Whether what follows a legal form on its line is an address: a post box, a street and a
/// postcode set apart by a comma ("Ploegweg 15, 5232 BR 's-Hertogenbosch"), or a street with
/// its house number, then a postcode and its town ("Lindenallee 59 - 24103 Kiel", a sender line
/// whose separator after the name OCR lost).
fn is_address(rest: &str) -> bool {
    is_post_box_or_street(rest) || is_street_and_town(rest)
}

fn is_post_box_or_street(rest: &str) -> bool {
    let first = rest
        .split_whitespace()
        .next()
        .map(|w| w.trim_end_matches([':', ',']).to_lowercase());
    let postcode = rest
        .split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() >= 4);
    first.is_some_and(|w| POST_BOXES.contains(&w.as_str())) || (rest.contains(',') && postcode)
}

/// A street's name, its house number within the next three words, and after it a postcode of
/// four or five digits with a word after it: "Industriestr. 152 10115 Berlin".
fn is_street_and_town(rest: &str) -> bool {
    let words: Vec<&str> = rest
        .split_whitespace()
        .map(|w| w.trim_matches([',', '-', '·', '|', '–']))
        .filter(|w| !w.is_empty())
        .collect();
    if words
        .first()
        .is_none_or(|w| w.chars().filter(|c| c.is_alphabetic()).count() < 3)
    {
        return false;
    }
    let house = |w: &str| {
        let digits = w.chars().take_while(char::is_ascii_digit).count();
        (1..=4).contains(&digits) && w.chars().skip(digits).all(char::is_alphabetic)
    };
    let Some(h) = (1..words.len().min(4)).find(|&i| house(words[i])) else {
        return false;
    };
    words[h + 1..].windows(2).any(|pair| {
        (4..=5).contains(&pair[0].len())
            && pair[0].chars().all(|c| c.is_ascii_digit())
            && pair[1].starts_with(char::is_alphabetic)
    })
}

/// A name with its address run on after the legal form, as OCR reads a letterhead line
/// ("Au bon moulin SARL -1242 chemin de l'olive", "ACME GmbH, Hauptstr. 5") or a window
/// envelope's sender line ("Lenze B.V. Postbus 3101, 5203 DC 's-Hertogenbosch"): cut after the
/// legal form when a separator, a house number or an address follows it.
fn without_address(name: &str) -> &str {
    let mut at = 0;
    for word in name.split_inclusive(char::is_whitespace) {
        let end = at + word.len();
        let bare = word.trim().trim_end_matches(['-', ',', '·', '|']);
        if at > 0 && is_legal_form(bare) {
            let glued = word.trim().len() > bare.len();
            let rest = name[end..].trim_start();
            let next = rest.chars().next();
            if glued
                || next
                    .is_some_and(|c| matches!(c, '-' | ',' | '·' | '|' | '–') || c.is_ascii_digit())
                || is_address(rest)
            {
                // Words carry no leading space, so `bare` is a prefix of `word`.
                return name[..at + bare.len()].trim();
            }
        }
        at = end;
    }
    name
}

/// Fullwidth forms of ASCII ("（M)BHD（126926-H)") as plain ASCII: recognisers trained on CJK
/// text print them in Latin names, where they mean the ordinary characters.
fn halfwidth(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// The spaces OCR dropped inside a name where the words still show: a particle before a
/// capital ("Industriels deGenève") and legal forms run into the name in capitals ("CENTRE COM
/// HAWTHORNPTYLTD").
pub(super) fn unglued(text: &str) -> String {
    const PARTICLES: &[&str] = &["de", "del", "della", "di", "du", "da", "van", "von", "der"];
    const FORMS: &[&str] = &["LTD", "PTY", "GMBH", "BHD", "SDN", "LLC"];
    const DOTTED: &[&str] = &[
        "S.R.L.", "S.P.A.", "S.A.S.", "S.N.C.", "S.L.U.", "S.L.", "S.A.", "B.V.", "N.V.",
    ];
    let mut words: Vec<String> = Vec::new();
    for word in text.split(' ') {
        let particle = PARTICLES.iter().find(|p| {
            word.strip_prefix(**p).is_some_and(|rest| {
                let mut chars = rest.chars();
                chars.next().is_some_and(char::is_uppercase)
                    && chars.next().is_some_and(char::is_lowercase)
            })
        });
        if let Some(p) = particle {
            words.push((*p).to_string());
            words.push(word[p.len()..].to_string());
            continue;
        }
        // "MACERONIS.R.L.": a dotted form run into the name's last word.
        let dotted = DOTTED.iter().find(|f| {
            word.len() > f.len()
                && word.is_char_boundary(word.len() - f.len())
                && word[word.len() - f.len()..].eq_ignore_ascii_case(f)
                && word[..word.len() - f.len()].chars().count() >= 3
                && word[..word.len() - f.len()]
                    .chars()
                    .all(char::is_alphabetic)
        });
        if let Some(form) = dotted {
            words.push(word[..word.len() - form.len()].to_string());
            words.push(word[word.len() - form.len()..].to_string());
            continue;
        }
        let mut stem = word;
        let mut forms = Vec::new();
        if stem.chars().all(|c| c.is_ascii_uppercase()) {
            while let Some(form) = FORMS.iter().find(|f| {
                stem.strip_suffix(**f)
                    .is_some_and(|rest| rest.chars().count() >= 3)
            }) {
                forms.push(*form);
                stem = &stem[..stem.len() - form.len()];
            }
        }
        words.push(stem.to_string());
        words.extend(forms.iter().rev().map(|f| (*f).to_string()));
    }
    words.join(" ")
}

/// A space on the outer side of each bracket, where OCR glued it to a word: "C0.(M)BHD" is
/// "C0. (M) BHD", so that the legal form is a word of its own again.
fn bracket_spaces(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c == '(' && i > 0 && !chars[i - 1].is_whitespace() && chars[i - 1] != '(' {
            out.push(' ');
        }
        out.push(c);
        if c == ')' && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()) {
            out.push(' ');
        }
    }
    out
}
