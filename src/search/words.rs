//! Splits a page's digest into the words the index holds, as Pagefind 1.6 does: white-space
//! separated runs, each cut into words by ICU4X's dictionary word segmenter for languages
//! written without spaces (Chinese, Japanese, Thai), never inside a grapheme cluster. Each
//! word is normalised (letters and digits kept, lower-cased, diacritics removed); a
//! segmented word also yields every pair of adjacent CJK (or Thai, Lao, Khmer, Myanmar)
//! grapheme clusters, and the pair spanning it and the word before, each at a share of its
//! weight. Compound words (hyphens, dots, camelCase) also yield their parts.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use super::extract::{
    ANCHOR_MARK, AUTO_WEIGHT_MARK, END_WEIGHT_MARK, Extracted, WEIGHT_MARK, normalize,
};
use super::record::{Anchor, Hit, MetaHit};

/// Characters kept in words besides letters and digits (Unicode's connector punctuation).
pub const WORD_SYMBOLS: [char; 10] = ['_', '‿', '⁀', '⁔', '︳', '︴', '﹍', '﹎', '﹏', '＿'];
/// The weight of plain text (weight 1 × 24).
const UNIT: f32 = 24.0;
/// The longest tail of a dotted word and suffix of a katakana run that are indexed.
const MAX_TAIL: usize = 64;
const MAX_KATAKANA: usize = 16;

/// One indexable form of a word, borrowed from the page's text where it is a part of it.
struct Form<'a> {
    word: Cow<'a, str>,
    /// The form before diacritics were removed, when it differs.
    original: Option<String>,
    part: bool,
}

/// What the words of a page's body come to.
pub struct Split {
    pub content: String,
    pub word_count: usize,
    pub anchors: Vec<Anchor>,
    /// Each word with its positions and weights (and original form); no order.
    pub hits: FxHashMap<String, Vec<Hit>>,
}

/// Whether pages in `language` are segmented into words.
pub fn segments(language: &str) -> bool {
    matches!(language.split('-').next(), Some("zh" | "ja" | "th"))
}

/// Splits the digest of a page.
pub fn split_body(page: &Extracted, segmented: bool) -> Split {
    let mut s = Splitter {
        page,
        segmented,
        out: Split {
            content: String::with_capacity(page.digest.len()),
            word_count: 0,
            anchors: Vec::new(),
            hits: FxHashMap::default(),
        },
        position: 0,
        last: 0,
        weights: vec![UNIT as u8],
        pair: String::new(),
    };
    let segmenter = icu_segmenter::WordSegmenter::new_dictionary(Default::default());
    for run in page.digest.split_whitespace() {
        if run.starts_with("___") || !segmented {
            s.word(run, true, None, false);
            continue;
        }
        // A word ends only where a grapheme cluster does: every character's end, in a run of
        // characters that are clusters of their own.
        let simple = one_char_clusters(run);
        let graphemes: Vec<usize> = if simple {
            Vec::new()
        } else {
            run.grapheme_indices(true).map(|(i, _)| i).collect()
        };
        let mut breaks: Vec<usize> = segmenter
            .segment_str(run)
            .skip(1)
            .filter(|end| simple || *end == run.len() || graphemes.binary_search(end).is_ok())
            .collect();
        breaks.dedup();
        let mut start = 0;
        let mut previous: Option<&str> = None;
        for (i, &end) in breaks.iter().enumerate() {
            let word = &run[start..end];
            s.word(word, i + 1 == breaks.len(), previous, true);
            previous = last_cluster(word);
            start = end;
        }
    }
    let content = &mut s.out.content;
    if content.ends_with('\u{200B}') {
        content.pop();
    }
    if content.ends_with(' ') {
        content.pop();
    }
    s.out.word_count = s.last + 1;
    s.out
}

struct Splitter<'a> {
    page: &'a Extracted,
    segmented: bool,
    out: Split,
    position: usize,
    last: usize,
    weights: Vec<u8>,
    /// The pair spanning a word and the one before, written here rather than allocated.
    pair: String,
}

impl Splitter<'_> {
    /// A mark in the digest: handled, `true`; a word, `false`.
    fn mark(&mut self, word: &str) -> bool {
        if !word.starts_with('_') {
            return false;
        }
        if let Some(rest) = word.strip_prefix(ANCHOR_MARK) {
            let rest = rest.replace(ANCHOR_MARK, "");
            if let Some((element, key)) = rest.split_once(':') {
                let text = self
                    .page
                    .anchor_text
                    .get(key)
                    .map(|t| normalize(t))
                    .unwrap_or_default();
                if let Some((_, id)) = key.split_once(':') {
                    self.out.anchors.push(Anchor {
                        element: element.to_string(),
                        id: id.to_string(),
                        text: normalize(&text),
                        title: self.page.anchor_titles.get(key).cloned(),
                        location: self.position as u32,
                    });
                }
            }
            return true;
        }
        let number = |rest: &str| rest.parse::<f32>().ok().unwrap_or(1.0);
        if let Some(rest) = word.strip_prefix(WEIGHT_MARK) {
            let w = number(&rest.replace(WEIGHT_MARK, ""));
            let w = if w <= 0.0 {
                0
            } else {
                ((w.clamp(0.0, 10.0) * UNIT) as u8).max(1)
            };
            self.weights.push(w);
            return true;
        }
        if let Some(rest) = word.strip_prefix(AUTO_WEIGHT_MARK) {
            let w = if self.weights.len() == 1 {
                (number(&rest.replace(AUTO_WEIGHT_MARK, "")).clamp(0.0, 10.0) * UNIT) as u8
            } else {
                self.weights.last().copied().unwrap_or_default()
            };
            self.weights.push(w);
            return true;
        }
        if word.starts_with(END_WEIGHT_MARK) {
            self.weights.pop();
            return true;
        }
        false
    }

    /// One word of the body at the next position.
    fn word(&mut self, raw: &str, space_after: bool, previous: Option<&str>, segmented: bool) {
        if self.mark(raw) {
            return;
        }
        let word = if raw.contains('\u{200B}') {
            Cow::Owned(raw.replace('\u{200B}', ""))
        } else {
            Cow::Borrowed(raw)
        };
        if word.is_empty() {
            return;
        }
        self.out.content.push_str(&word);
        if space_after {
            self.out.content.push(' ');
        }
        if self.segmented {
            self.out.content.push('\u{200B}');
        }
        let weight = self.weights.last().copied().unwrap_or(1);
        let mut forms = forms_of(&word);
        forms.extend(dotted_tails(&word, &forms));
        let mut cross = None;
        if segmented {
            for pair in pairs(&word) {
                let form = plain_form(Cow::Borrowed(pair), true);
                if !forms.iter().any(|f| f.word == form.word) {
                    forms.push(form);
                }
            }
            self.pair.clear();
            if cross_pair(&word, previous, &mut self.pair) {
                cross = Some(plain_form(Cow::Borrowed(&self.pair), true))
                    .filter(|pair| !forms.iter().any(|f| f.word == pair.word));
            }
        }
        let parts = forms.iter().filter(|f| f.part).count() + usize::from(cross.is_some());
        let share = if parts > 0 && weight > 0 {
            (weight / u8::try_from(parts).unwrap_or(u8::MAX)).max(1)
        } else {
            0
        };
        let position = self.position as u32;
        let hits = &mut self.out.hits;
        for form in forms {
            let hit = Hit {
                position,
                weight: if form.part { share } else { weight },
                original: form.original,
            };
            match hits.get_mut(form.word.as_ref()) {
                Some(list) => list.push(hit),
                None => {
                    hits.insert(form.word.into_owned(), vec![hit]);
                }
            }
        }
        if let (Some(pair), Some(before)) = (cross, position.checked_sub(1)) {
            let hit = Hit {
                position: before,
                weight: share,
                original: pair.original,
            };
            match hits.get_mut(pair.word.as_ref()) {
                Some(list) if list.iter().any(|h| h.position == before) => {}
                Some(list) => list.push(hit),
                None => {
                    hits.insert(pair.word.into_owned(), vec![hit]);
                }
            }
        }
        self.last = self.position;
        self.position += 1;
    }
}

/// The words of the meta fields (`fields` in order, each split at white space, never
/// segmented): word → (field, position, original form).
pub fn split_meta(meta: &BTreeMap<String, String>) -> BTreeMap<String, Vec<MetaHit>> {
    let mut hits: BTreeMap<String, Vec<MetaHit>> = BTreeMap::new();
    for (field, value) in meta.values().enumerate() {
        for (position, word) in value.split_whitespace().enumerate() {
            for form in forms_of(word) {
                hits.entry(form.word.into_owned())
                    .or_default()
                    .push(MetaHit {
                        field: field as u16,
                        position: position as u32,
                        original: form.original,
                    });
            }
        }
    }
    hits
}

/// Whether `c` is a letter or digit; the unified ideographs all are.
fn alphanumeric(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_alphanumeric()
}

/// Whether `c` is an upper-case letter; no ideograph is.
fn uppercase(c: char) -> bool {
    !('\u{4E00}'..='\u{9FFF}').contains(&c) && c.is_uppercase()
}

/// Keeps letters, digits and [`WORD_SYMBOLS`], lower-cased; `raw` itself when that is all
/// it holds.
fn letters(raw: &str) -> Cow<'_, str> {
    let kept = |c: char| alphanumeric(c) || WORD_SYMBOLS.contains(&c);
    if raw.chars().all(|c| kept(c) && !uppercase(c)) {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if kept(c) {
            let c = c.to_ascii_lowercase();
            if c.is_uppercase() {
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
        }
    }
    Cow::Owned(out)
}

/// A normalised word as indexed (no stemming: not offered for these languages).
fn plain_form(word: Cow<'_, str>, part: bool) -> Form<'_> {
    match without_diacritics(&word) {
        Some(stripped) => Form {
            word: Cow::Owned(stripped),
            original: Some(word.into_owned()),
            part,
        },
        None => Form {
            word,
            original: None,
            part,
        },
    }
}

/// The forms one raw word is indexed under: itself normalised, katakana suffixes, the parts
/// of a compound, emoji.
fn forms_of(raw: &str) -> Vec<Form<'_>> {
    let mut forms = Vec::new();
    let word = letters(raw);
    let compound = raw.chars().any(|c| !alphanumeric(c)) || raw.chars().skip(1).any(uppercase);
    // The parts of a compound, when they are more than the word itself.
    let parts = (compound && !word.is_empty())
        .then(|| {
            let spaced: String = raw
                .chars()
                .map(|c| if c.is_ascii_punctuation() { ' ' } else { c })
                .collect();
            convert_case::Casing::to_case(&spaced, convert_case::Case::Lower)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|parts| parts.contains(char::is_whitespace) || !word.starts_with(parts.as_str()));
    if !word.is_empty() {
        forms.push(plain_form(word, false));
    }
    for suffix in katakana_suffixes(raw) {
        forms.push(plain_form(Cow::Borrowed(suffix), true));
    }
    if !compound {
        return forms;
    }
    for part in parts.iter().flat_map(|p| p.split_whitespace()) {
        if part.len() > 1 {
            forms.push(plain_form(Cow::Owned(part.to_string()), true));
        }
    }
    if emoji_pattern().is_match(raw) {
        for g in raw.graphemes(true) {
            if emojis::get(g).is_some() {
                forms.push(Form {
                    word: Cow::Borrowed(g),
                    original: None,
                    part: false,
                });
            }
        }
    }
    forms
}

fn emoji_pattern() -> &'static regex::Regex {
    static EMOJI: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    EMOJI.get_or_init(|| regex::Regex::new(r"\p{Emoji}").expect("valid"))
}

/// The compound tails after each dot (`sysconfig.is_python_build` → `is_python_build`), when
/// not indexed already.
fn dotted_tails<'a>(raw: &'a str, forms: &[Form<'_>]) -> Vec<Form<'a>> {
    let mut tails: Vec<Form<'a>> = Vec::new();
    if !raw.contains('.') {
        return tails;
    }
    for (i, _) in raw.match_indices('.') {
        let rest = &raw[i + 1..];
        let tail = match rest.char_indices().nth(MAX_TAIL) {
            Some((end, _)) => &rest[..end],
            None => rest,
        };
        let compound = tail.chars().any(|c| !c.is_alphanumeric())
            || tail.chars().skip(1).any(char::is_uppercase);
        if !compound {
            continue;
        }
        let normal = letters(tail);
        if normal.chars().count() < 2 {
            continue;
        }
        let form = plain_form(normal, true);
        if !forms.iter().any(|f| f.word == form.word) && !tails.iter().any(|t| t.word == form.word)
        {
            tails.push(form);
        }
    }
    tails
}

/// Whether a grapheme cluster is of a script indexed by pairs (CJK, kana, Thai, Lao,
/// Myanmar, Khmer).
fn paired_script(cluster: &str) -> bool {
    matches!(
        cluster.chars().next().map(u32::from),
        Some(
            0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xF900..=0xFAFF
            | 0x20000..=0x2FA1F
            | 0x30000..=0x323AF
            | 0x3041..=0x30FF
            | 0x31F0..=0x31FF
            | 0xFF66..=0xFF9F
            | 0x0E00..=0x0EFF
            | 0x1000..=0x109F
            | 0x1780..=0x17FF,
        )
    )
}

/// Whether every character of `s` is a grapheme cluster of its own: all are of the
/// grapheme break class Other (ASCII graphic characters and the space, CJK ideographs, CJK,
/// general and full-width punctuation), between two of which a cluster always ends.
fn one_char_clusters(s: &str) -> bool {
    s.chars().all(|c| {
        matches!(
            u32::from(c),
            0x20..=0x7E
                | 0x2010..=0x2027
                | 0x2030..=0x205E
                | 0x3000..=0x3029
                | 0x3030..=0x303F
                | 0x3400..=0x4DBF
                | 0x4E00..=0x9FFF
                | 0xFF01..=0xFF60
        )
    })
}

/// The grapheme clusters of `s`, with their byte offsets.
fn clusters(s: &str) -> Box<dyn DoubleEndedIterator<Item = (usize, &str)> + '_> {
    if one_char_clusters(s) {
        Box::new(s.char_indices().map(|(i, c)| (i, &s[i..i + c.len_utf8()])))
    } else {
        Box::new(s.grapheme_indices(true))
    }
}

fn last_cluster(s: &str) -> Option<&str> {
    clusters(s).next_back().map(|(_, c)| c)
}

/// Writes into `out` the pair of the cluster before a word and the word's first cluster,
/// when both are of a paired script.
fn cross_pair(word: &str, previous: Option<&str>, out: &mut String) -> bool {
    let Some(previous) = previous.filter(|c| paired_script(c)) else {
        return false;
    };
    let Some((_, first)) = clusters(word).next().filter(|(_, c)| paired_script(c)) else {
        return false;
    };
    out.push_str(previous);
    out.push_str(first);
    true
}

/// The pairs of adjacent clusters inside a word.
fn pairs(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut previous: Option<usize> = None;
    for (at, cluster) in clusters(word) {
        if !paired_script(cluster) {
            previous = None;
            continue;
        }
        if let Some(start) = previous {
            out.push(&word[start..at + cluster.len()]);
        }
        previous = Some(at);
    }
    out
}

fn katakana(c: char) -> bool {
    matches!(c as u32, 0x30A1..=0x30FA | 0x30FC..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F)
}

/// Every suffix (of at most 16 characters, at least 2) of a katakana run of 3 or more.
fn katakana_suffixes(word: &str) -> Vec<&str> {
    if word.chars().count() < 3 || !word.chars().all(katakana) {
        return Vec::new();
    }
    let mut out: Vec<&str> = Vec::new();
    for (i, _) in word.char_indices().skip(1) {
        let rest = &word[i..];
        let suffix = match rest.char_indices().nth(MAX_KATAKANA) {
            Some((end, _)) => &rest[..end],
            None => rest,
        };
        if suffix.chars().count() >= 2 && !out.contains(&suffix) {
            out.push(suffix);
        }
    }
    out
}

/// The word without its combining marks (kana sound marks kept, then recomposed), if that
/// differs from the word.
fn without_diacritics(word: &str) -> Option<String> {
    use unicode_normalization::char::{decompose_canonical, is_combining_mark};
    // ASCII and the unified ideographs neither decompose nor combine.
    let plain = |c: char| c.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&c);
    if word.chars().all(plain) {
        return None;
    }
    let decomposes = word.chars().any(|c| {
        let mut other = false;
        decompose_canonical(c, |p| other |= p != c);
        is_combining_mark(c) || other
    });
    if word.is_ascii() || !decomposes {
        return None;
    }
    let kana_mark = |c: char| c == '\u{3099}' || c == '\u{309A}';
    let stripped: String = word
        .nfd()
        .filter(|&c| !is_combining_mark(c) || kana_mark(c))
        .collect();
    let out = if stripped.chars().any(kana_mark) {
        stripped.nfc().collect()
    } else {
        stripped
    };
    (out != word).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_words_and_pairs() {
        let page = Extracted {
            digest: "国务院办公厅关于印发通知".into(),
            ..Default::default()
        };
        let split = split_body(&page, true);
        assert!(split.hits.contains_key("国务"));
        assert!(split.hits.keys().all(|w| !w.is_empty()));
        assert_eq!(split.content.replace('\u{200B}', ""), page.digest);
    }

    #[test]
    fn compound_and_diacritics() {
        let forms: Vec<String> = forms_of("Café-Bar")
            .into_iter()
            .map(|f| f.word.into_owned())
            .collect();
        assert_eq!(forms, ["cafebar", "cafe", "bar"]);
    }

    #[test]
    fn one_character_clusters_are_grapheme_clusters() {
        // Every character of the ranges taken as clusters of their own, beside each other
        // and beside a neighbour of each range: the clusters are those of the full rules.
        let ranges = [
            0x20..=0x7E,
            0x2010..=0x2027,
            0x2030..=0x205E,
            0x3000..=0x3029,
            0x3030..=0x303F,
            0x3400..=0x4DBF,
            0x4E00..=0x9FFF,
            0xFF01..=0xFF60,
        ];
        let chars: Vec<char> = ranges
            .into_iter()
            .flatten()
            .filter_map(char::from_u32)
            .collect();
        let text: String = chars.iter().collect();
        assert!(one_char_clusters(&text));
        let full: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
        let fast: Vec<(usize, &str)> = clusters(&text).collect();
        assert_eq!(fast, full);
        for c in [
            '\u{302A}', '\u{200D}', '\u{0301}', '\u{FE0F}', '\u{3099}', '\r',
        ] {
            assert!(!one_char_clusters(&format!("中{c}")));
        }
    }

    #[test]
    fn pairs_are_adjacent_clusters() {
        assert_eq!(pairs("国务院a办"), ["国务", "务院"]);
        let mut out = String::new();
        assert!(cross_pair("院长", Some("务"), &mut out));
        assert_eq!(out, "务院");
    }
}
