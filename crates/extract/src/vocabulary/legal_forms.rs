//! The legal forms that end a company's name, in the languages the reader meets: a line that
//! carries one names a company.

/// Legal forms that end a company's name: a line carrying one names a company.
pub const LEGAL_FORMS: &[&str] = &[
    "sdn bhd",
    // OCR often loses the space.
    "sdnbhd",
    "bhd",
    "berhad",
    "enterprise",
    "trading",
    "ltd",
    "limited",
    "llc",
    "llp",
    "inc",
    "corp",
    "plc",
    "pte",
    "gmbh",
    "ag",
    "kg",
    "ohg",
    "ug",
    "sarl",
    "sas",
    "sasu",
    "eurl",
    "sa",
    "sl",
    "slu",
    "sll",
    "sau",
    "srl",
    "spa",
    "snc",
    "bv",
    "nv",
    "vof",
    "bvba",
    "sprl",
    "srls",
    "sagl",
    // Italian and Belgian cooperatives.
    "scarl",
    "scrl",
    "kgaa",
    "gbr",
    "lda",
    "ltda",
    // Portuguese and Spanish "Companhia"/"Compañía" ("CIA BRASILEIRA DE DISTRIBUICAO").
    "cia",
    "pty",
    // Baltic, Nordic and Central European forms ("AS" and "AB" are English and Spanish words).
    "oü",
    "uab",
    "sia",
    "oy",
    "oyj",
    "aps",
    "kft",
    "sro",
    // Poland's limited company, spelled out or abbreviated ("Sp. z o.o.").
    "spółka z ograniczoną odpowiedzialnością",
    "sp z o o",
    "spółka akcyjna",
    // "Gesellschaft mbH", and the German sole trader's "e.K." ("eG" is left out: "e.g.").
    "mbh",
    "ek",
    // Hungary's companies limited by shares, Bulgaria's limited companies and joint-stock
    // companies ("ДАТЕКС ООД", "СИЕЛА НОРМА АД").
    "zrt",
    "nyrt",
    "оод",
    "еоод",
    "ад",
    "еад",
];

/// Whether one word is a legal form ("GmbH", "SARL", "Bhd."), whatever its case and dots.
pub fn is_legal_form(word: &str) -> bool {
    let w: String = word
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    // A Spanish cooperative prints its form with dots ("S.Coop.", "S.COOP.P", "S. Coop.
    // And."), which tell it from the English word.
    let cooperative = w.starts_with("scoop") && word.contains('.');
    // The Czech and Slovak joint-stock company ("Tesco Stores ČR a.s."): dotted, unlike the
    // English word.
    let akciova = w == "as" && word.to_lowercase().starts_with("a.s");
    !w.is_empty() && (LEGAL_FORMS.contains(&w.as_str()) || w == "sdn" || cooperative || akciova)
}

#[cfg(test)]
mod tests {
    use super::is_legal_form;

    #[test]
    fn cooperatives_are_known_by_their_dotted_forms() {
        for form in ["S.COOP.P", "S.Coop.", "S.Coop.And.", "scarl", "S.C.R.L."] {
            assert!(is_legal_form(form), "{form}");
        }
        assert!(!is_legal_form("scoop") && !is_legal_form("Scoops"));
        assert!(is_legal_form("a.s.") && !is_legal_form("as") && !is_legal_form("AS"));
        assert!(is_legal_form("CIA") && is_legal_form("Cia."));
    }
}
