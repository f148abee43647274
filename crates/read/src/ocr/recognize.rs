//! Text recognition: line crops batched by width through the CTC recogniser, and CTC decoding
//! with per-character confidence and position.

use image::RgbImage;

use super::geometry::{RotatedRect, sample_normalised};
use crate::infer::Tensor;

/// The recogniser's input height.
pub const HEIGHT: usize = 48;

/// Which recognition network reads the line crops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Recognizer {
    /// PP-OCRv6 small: the default, it reads real receipts and scans better (README).
    #[default]
    PpOcrV6,
    /// PP-OCRv5 mobile, kept for comparison (`--recognizer ppocrv5`).
    PpOcrV5,
}

impl Recognizer {
    pub fn net(self) -> crate::infer::Net {
        match self {
            Recognizer::PpOcrV6 => crate::infer::Net::Recognize,
            Recognizer::PpOcrV5 => crate::infer::Net::RecognizeV5,
        }
    }

    /// The network's name, as the audit log records it.
    pub fn describe(self) -> &'static str {
        match self {
            Recognizer::PpOcrV6 => "PP-OCRv6 small",
            Recognizer::PpOcrV5 => "PP-OCRv5 mobile",
        }
    }

    /// The dictionary in [`load_dictionary`]'s form (line 0 the CTC blank) from the model
    /// file's `character` metadata, which lists the classes after the blank; the class after
    /// them is the space.
    pub fn dictionary_from_metadata(characters: &str) -> String {
        format!("<blank>\n{}\n ", characters.trim_end_matches('\n'))
    }
}

impl std::str::FromStr for Recognizer {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "ppocrv6" => Ok(Recognizer::PpOcrV6),
            "ppocrv5" => Ok(Recognizer::PpOcrV5),
            other => Err(format!(
                "unknown recognizer {other:?}: use ppocrv6 (the default) or ppocrv5"
            )),
        }
    }
}

/// One decoded character.
#[derive(Debug, Clone, PartialEq)]
pub struct CharHit {
    pub ch: char,
    /// Probability of the winning class at its best timestep.
    pub confidence: f32,
    /// First and last timestep the character was seen at.
    pub first: usize,
    pub last: usize,
}

/// One recognised line.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognized {
    pub text: String,
    pub chars: Vec<CharHit>,
    /// Timesteps of the (padded) input the positions refer to.
    pub timesteps: usize,
}

impl Recognized {
    /// Mean character confidence; 0 for an empty line.
    pub fn confidence(&self) -> f32 {
        if self.chars.is_empty() {
            0.0
        } else {
            self.chars.iter().map(|c| c.confidence).sum::<f32>() / self.chars.len() as f32
        }
    }
}

/// Greedy CTC decoding of one line: the best class per timestep, repeats merged, blanks (class
/// 0) dropped. `probs` is `timesteps x classes`, already softmaxed by the model.
pub fn ctc_decode(probs: &[f32], timesteps: usize, classes: usize, dict: &[String]) -> Recognized {
    let best = crate::infer::BestClass::of(&crate::infer::Tensor::new(
        vec![timesteps, classes],
        probs[..timesteps * classes].to_vec(),
    ));
    ctc_decode_best(&best.index, &best.probability, dict)
}

/// Greedy CTC decoding from the best class and its probability at each timestep.
pub fn ctc_decode_best(index: &[u32], probability: &[f32], dict: &[String]) -> Recognized {
    let timesteps = index.len();
    let mut chars: Vec<CharHit> = Vec::new();
    let mut previous = 0usize;
    for t in 0..timesteps {
        let (best, p) = (index[t] as usize, probability[t]);
        if best != 0 && best == previous {
            if let Some(last) = chars.last_mut() {
                last.last = t;
                last.confidence = last.confidence.max(p);
            }
        } else if best != 0 {
            let symbol = dict
                .get(best)
                .and_then(|s| s.chars().next())
                .unwrap_or('\u{fffd}');
            chars.push(CharHit {
                ch: symbol,
                confidence: p,
                first: t,
                last: t,
            });
        }
        previous = best;
    }
    // Leading and trailing spaces carry no information and would become empty words.
    while chars.first().is_some_and(|c| c.ch == ' ') {
        chars.remove(0);
    }
    while chars.last().is_some_and(|c| c.ch == ' ') {
        chars.pop();
    }
    respace(&mut chars);
    Recognized {
        text: chars.iter().map(|c| c.ch).collect(),
        chars,
        timesteps,
    }
}

/// Puts back the word spaces PP-OCRv5 drops between a number and a word: "655Montgomery" after a
/// house number, "Net30" or "Suite400" before one. The gap itself is often only one timestep
/// wide and cannot be told from letter spacing, so the evidence is lexical and narrow: a digit
/// run meets a capitalised word of lowercase letters, or a word of three or more letters ending
/// in lowercase meets digits. Codes ("INV2024", "SW1A", "4B", "10kg", "1st") and addresses
/// ("info@acme2go.com", "www.x9.io") are left as read.
fn respace(chars: &mut Vec<CharHit>) {
    let text: Vec<char> = chars.iter().map(|c| c.ch).collect();
    let mut cuts = Vec::new();
    let mut token_start = 0;
    for i in 0..=text.len() {
        if i < text.len() && text[i] != ' ' {
            continue;
        }
        let token = &text[token_start..i];
        let link = token.iter().any(|c| matches!(c, '@' | '/' | ':' | '_'))
            || token
                .windows(2)
                .any(|w| w[0] == '.' && w[1].is_alphabetic());
        if !link {
            cuts.extend(token_cuts(token).into_iter().map(|k| token_start + k));
        }
        token_start = i + 1;
    }
    for &at in cuts.iter().rev() {
        let confidence = chars[at - 1].confidence.min(chars[at].confidence);
        let t = chars[at - 1].last;
        chars.insert(
            at,
            CharHit {
                ch: ' ',
                confidence,
                first: t,
                last: t,
            },
        );
    }
}

/// Where in one space-free token a space belongs (indices of the character it goes before).
fn token_cuts(token: &[char]) -> Vec<usize> {
    let starts_word = |k: usize| k == 0 || !token[k - 1].is_alphanumeric();
    let mut cuts = Vec::new();
    for i in 1..token.len() {
        let (a, b) = (token[i - 1], token[i]);
        if a.is_ascii_digit() && b.is_uppercase() {
            let digits = token[..i]
                .iter()
                .rev()
                .take_while(|c| c.is_ascii_digit())
                .count();
            let lower = token[i + 1..]
                .iter()
                .take_while(|c| c.is_lowercase())
                .count();
            if lower >= 2 && starts_word(i - digits) {
                cuts.push(i);
            }
        } else if a.is_lowercase() && b.is_ascii_digit() {
            let letters = token[..i]
                .iter()
                .rev()
                .take_while(|c| c.is_alphabetic())
                .count();
            if letters >= 3 && (starts_word(i - letters) || cuts.contains(&(i - letters))) {
                cuts.push(i);
            }
        }
    }
    cuts
}

/// A crop to recognise: where it is on the page, and whether to read it turned 180 degrees.
#[derive(Debug, Clone, Copy)]
pub struct Crop {
    pub rect: RotatedRect,
    pub turned: bool,
}

impl Crop {
    /// Width of the crop scaled to the recogniser's height, capped so that one absurdly long
    /// region cannot blow up a batch.
    pub fn input_width(&self, max_width: usize) -> usize {
        let ratio = self.rect.width / self.rect.height.max(1.0);
        ((HEIGHT as f32 * ratio).ceil() as usize).clamp(16, max_width)
    }
}

/// Groups crops into batches of similar width, so that a page is a few model calls and little
/// of each batch is padding. Returns batches of indices into `crops`, narrowest first.
pub fn batches(
    crops: &[Crop],
    max_batch: usize,
    max_width: usize,
    max_pixels: usize,
) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..crops.len()).collect();
    order.sort_by_key(|&i| crops[i].input_width(max_width));
    let mut out: Vec<Vec<usize>> = Vec::new();
    for i in order {
        let width = crops[i].input_width(max_width);
        match out.last_mut() {
            // Sorted ascending, so this crop is the widest: the batch would be padded to it.
            // Capping the spread keeps padding (work for nothing) under about a fifth.
            Some(batch)
                if batch.len() < max_batch
                    && (batch.len() + 1) * width * HEIGHT <= max_pixels
                    && width * 4 <= crops[batch[0]].input_width(max_width) * 5 + 32 =>
            {
                batch.push(i)
            }
            _ => out.push(vec![i]),
        }
    }
    out
}

/// Builds the input tensor of one batch: each crop (from whichever page it is on) sampled to
/// its own width and padded on the right to the batch width with 0 (mid grey after
/// normalisation, as the model was trained).
pub fn batch_tensor(items: &[(&RgbImage, &Crop)], max_width: usize) -> Tensor {
    let widths: Vec<usize> = items
        .iter()
        .map(|(_, c)| c.input_width(max_width))
        .collect();
    let padded = widths.iter().copied().max().unwrap_or(16).div_ceil(8) * 8;
    let per_image = 3 * HEIGHT * padded;
    let mut data = vec![0f32; items.len() * per_image];
    for (slot, ((image, crop), &w)) in items.iter().zip(&widths).enumerate() {
        let dst = &mut data[slot * per_image..(slot + 1) * per_image];
        sample_normalised(image, &crop.rect, w, HEIGHT, crop.turned, dst, padded);
    }
    Tensor::new(vec![items.len(), 3, HEIGHT, padded], data)
}

/// Loads the recognition dictionary: one symbol per line, line 0 the CTC blank.
pub fn load_dictionary(text: &str) -> Vec<String> {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
        .collect::<Vec<_>>()
        .into_iter()
        .enumerate()
        // The file ends with a newline after the final space symbol; drop only that empty tail.
        .filter(|(i, s)| !(s.is_empty() && *i > 0))
        .map(|(_, s)| s)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict() -> Vec<String> {
        ["blank", "a", "b", "1", " "]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    /// Fake recogniser output: one winning class per timestep with the given probability.
    fn logits(path: &[(usize, f32)], classes: usize) -> Vec<f32> {
        let mut out = vec![0.0; path.len() * classes];
        for (t, &(class, p)) in path.iter().enumerate() {
            for c in 0..classes {
                out[t * classes + c] = if c == class {
                    p
                } else {
                    (1.0 - p) / (classes - 1) as f32
                };
            }
        }
        out
    }

    #[test]
    fn ctc_merges_repeats_keeps_doubled_letters_across_a_blank_and_trims_spaces() {
        let path = [
            (4, 0.9),
            (1, 0.8),
            (1, 0.95),
            (0, 0.99),
            (1, 0.7),
            (2, 0.6),
            (4, 0.9),
            (3, 0.5),
            (0, 0.9),
            (4, 0.8),
        ];
        let r = ctc_decode(&logits(&path, 5), path.len(), 5, &dict());
        assert_eq!(r.text, "aab 1");
        assert_eq!(r.chars[0].confidence, 0.95);
        assert_eq!((r.chars[0].first, r.chars[0].last), (1, 2));
        assert_eq!((r.chars[1].first, r.chars[1].last), (4, 4));
        assert!((r.confidence() - (0.95 + 0.7 + 0.6 + 0.9 + 0.5) / 5.0).abs() < 1e-6);
    }

    fn spaced(text: &str) -> String {
        let mut chars: Vec<CharHit> = text
            .chars()
            .enumerate()
            .map(|(i, ch)| CharHit {
                ch,
                confidence: 0.9,
                first: i,
                last: i,
            })
            .collect();
        respace(&mut chars);
        chars.iter().map(|c| c.ch).collect()
    }

    #[test]
    fn spaces_dropped_between_numbers_and_words_come_back() {
        assert_eq!(spaced("655Montgomery St"), "655 Montgomery St");
        assert_eq!(spaced("Terms: Net30"), "Terms: Net 30");
        assert_eq!(
            spaced("2100 Pine Street, Suite400"),
            "2100 Pine Street, Suite 400"
        );
        assert_eq!(spaced("5March2026"), "5 March 2026");
        for kept in [
            "INV2024-001",
            "SW1A 1AA",
            "Unit 4B",
            "10kg",
            "1st floor",
            "Q3",
            "PayPal",
            "info@acme2go.com",
            "www.web3shop.io",
            "A4Paper",
            "x86",
        ] {
            assert_eq!(spaced(kept), kept);
        }
    }

    #[test]
    fn batches_group_similar_widths_within_budget() {
        let crop = |w: f32| Crop {
            rect: RotatedRect {
                cx: 0.0,
                cy: 0.0,
                width: w,
                height: 48.0,
                angle: 0.0,
            },
            turned: false,
        };
        let crops: Vec<Crop> = [100.0, 900.0, 120.0, 880.0, 110.0]
            .iter()
            .map(|&w| crop(w))
            .collect();
        // Two per batch, and 880 never joins 120: that batch would be mostly padding.
        let b = batches(&crops, 2, 2000, usize::MAX);
        assert_eq!(b, vec![vec![0, 4], vec![2], vec![3, 1]]);
        let b = batches(&crops, 8, 2000, 48 * 900 * 2);
        assert_eq!(b, vec![vec![0, 4, 2], vec![3, 1]]);
    }

    #[test]
    fn a_metadata_character_list_gets_the_blank_before_and_the_space_after() {
        let d = load_dictionary(&Recognizer::dictionary_from_metadata("a\nb\n"));
        assert_eq!(d, vec!["<blank>", "a", "b", " "]);
        assert_eq!("ppocrv5".parse(), Ok(Recognizer::PpOcrV5));
        assert!("tesseract".parse::<Recognizer>().is_err());
    }

    #[test]
    fn dictionary_keeps_the_space_symbol_and_the_blank() {
        let d = load_dictionary("blank\na\n \n");
        assert_eq!(d, vec!["blank", "a", " "]);
    }
}
