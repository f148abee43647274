//! Extraction from the page model alone, for looking into one document while tuning: reads
//! what `ledgerline ocr FILE` printed (stdin) and prints what extraction makes of its pages,
//! ignoring any XML the file embeds (as `eval extract` scores hybrids).

use std::io::Read;

use ledgerline_core::page::Page;

#[derive(serde::Deserialize)]
struct Read_ {
    pages: Vec<Page>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let read: Read_ = serde_json::from_str(&text)?;
    let extraction = ledgerline_extract::extract(&read.pages);
    println!("{}", serde_json::to_string_pretty(&extraction)?);
    Ok(())
}
