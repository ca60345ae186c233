//! Title blocks: the 登记号, 文号 and title lines that open a printed document (in any
//! order, as extractions print them), and the title lines of other items.

use super::furniture::{Text, Where};
use super::lines::{self, Marker, SENTENCE_END};
use crate::content::doc_number::DocNumber;

/// A title block: 登记号, 文号 and title lines in any order.
pub(super) struct TitleBlock {
    pub(super) end: usize,
    pub(super) title: Option<(String, Where)>,
    pub(super) doc_number: Option<(DocNumber, Where)>,
    pub(super) registration: Option<(String, Where)>,
    pub(super) strong: bool,
    /// The printed pages of its lines (a title may stand at the foot of the page before
    /// its text).
    pub(super) pages: Vec<(u32, bool)>,
}

pub(super) fn is_title_line(t: &Text) -> bool {
    let s = &t.text;
    s.chars().count() <= 34
        && !s.ends_with(SENTENCE_END)
        && !s.contains(['，', '。', '；', '：'])
        && lines::date_line(s).is_none()
        && lines::marker(s).is_none_or(|m| m == Marker::Attachment && s.chars().count() > 4)
}

/// A line crediting who compiled or supplied the item (`温州市统计局制`, `某局供稿`): an
/// organ's name, then 制, 编制 or 供稿. It is printed with the item, never its title.
pub(super) fn credit_line(text: &str) -> bool {
    ["编制", "供稿", "制"]
        .iter()
        .any(|e| text.strip_suffix(e).is_some_and(lines::is_organ))
}

/// A title line as printed: a wide gap between two phrases (`蝶变转型  共谋新篇`, two or
/// more spaces where the line's other characters are not spaced out) is kept as an
/// ideographic space.
pub(super) fn title_text(t: &Text) -> String {
    let words: Vec<&str> = t
        .raw
        .split("  ")
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect();
    let plain = |w: &str| !w.contains(' ') && w.chars().count() >= 2;
    if words.len() == 2 && words.iter().all(|w| plain(w)) {
        let cleaned: Vec<String> = words.iter().map(|w| super::join::clean_line(w)).collect();
        return cleaned.join("\u{3000}");
    }
    t.text.clone()
}

/// Title lines joined; a space printed between two organs' names (`温州市商务局 温州市财政局`)
/// is kept.
pub(super) fn join_title(parts: &[&Text]) -> String {
    let mut out = String::new();
    for t in parts {
        let words: Vec<&str> = t.raw.split_whitespace().collect();
        if words.len() > 1 && words[..words.len() - 1].iter().all(|w| lines::is_organ(w)) {
            let cleaned: Vec<String> = words.iter().map(|w| super::join::clean_line(w)).collect();
            out.push_str(&cleaned.join(" "));
        } else {
            out.push_str(&t.text);
        }
    }
    out
}

pub(super) fn title_block(lines: &[Text], i: usize) -> Option<TitleBlock> {
    let mut j = i;
    let mut block = TitleBlock {
        end: i,
        title: None,
        doc_number: None,
        registration: None,
        strong: false,
        pages: Vec::new(),
    };
    let mut title_lines: Vec<&Text> = Vec::new();
    let mut numbered_end = i;
    while j < lines.len() && j < i + 9 {
        let t = &lines[j];
        // A banner, or a listing of documents (a 发文目录), ends the block.
        if t.banner.is_some() || (j > i && super::listing::at(lines, j).is_some()) {
            break;
        }
        if let Some(r) = lines::registration_number(&t.text) {
            if block.registration.is_some() || (!title_lines.is_empty() && block.title.is_none()) {
                break;
            }
            block.registration = Some((r, t.at));
            j += 1;
            numbered_end = j;
            continue;
        }
        if let Some(n) = lines::doc_number(&t.text) {
            if block.doc_number.is_some() || (!title_lines.is_empty() && block.title.is_none()) {
                break;
            }
            block.doc_number = Some((n, t.at));
            j += 1;
            numbered_end = j;
            continue;
        }
        // An order: `…令` then `第N号`.
        if block.doc_number.is_none()
            && t.text.ends_with('令')
            && t.text.chars().count() <= 16
            && let Some(next) = lines.get(j + 1)
            && let Ok(n) = DocNumber::parse(&format!("{}{}", t.text, next.text))
        {
            block.doc_number = Some((n, t.at));
            j += 2;
            numbered_end = j;
            continue;
        }
        // A short line standing alone (`附则`) does not open a title.
        let opens = !title_lines.is_empty() || t.text.chars().count() > 4;
        if block.title.is_none() && opens && is_title_line(t) && title_lines.len() < 5 {
            title_lines.push(t);
            j += 1;
            let joined = join_title(&title_lines);
            if lines::title_doc_type(&joined).is_some() {
                // A bracketed note on the next line belongs to the title: `（试  行）`.
                let mut joined = joined;
                if let Some(next) = lines.get(j)
                    && next.text.starts_with('（')
                    && next.text.ends_with('）')
                    && next.text.chars().count() <= 6
                {
                    joined.push_str(&next.text);
                    j += 1;
                }
                block.title = Some((joined, title_lines[0].at));
            }
            continue;
        }
        break;
    }
    if block.title.is_none() && block.doc_number.is_none() && block.registration.is_none() {
        return None;
    }
    if block.title.is_none() {
        // Title lines that made no title are not part of the block.
        j = numbered_end;
    }
    block.end = j;
    block.pages = lines[i..j]
        .iter()
        .filter_map(|t| t.page.map(|p| (p, t.page_inferred)))
        .collect();
    block.strong = block.doc_number.is_some()
        || block.registration.is_some()
        || block
            .title
            .as_ref()
            .is_some_and(|(t, _)| t.contains("关于") || t.contains("印发"));
    Some(block)
}
