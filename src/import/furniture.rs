//! Page furniture: page numbers, running heads and section banners, found by what repeats
//! from page to page — never by a list of one gazette's strings.
//!
//! With positions (a PDF), a line is furniture when text of the same shape (digits masked)
//! stands in the same band at the top or foot of the page on several pages. Without them
//! (extracted text), the page numbers printed in the text (`·  4  ·`, `- 4 -`, `第4页`) divide
//! it into pages, and the first and last line of each page take the place of the bands; the
//! digits the extraction spaced out (`第1 2 期`) vanish with the masking and the spaces.
//! Running heads often end with the section (`…（总第208期） 文件发布`): what follows the
//! part common to a head's group names the section of its page, and a line that only says
//! a section's name (`政 务 简 讯`) is that section's banner.

use std::collections::{BTreeMap, BTreeSet};

use super::join;
use super::layout::Page;
use super::pages::{self, Stretch};

/// Where a line was read: its line in a text source, and the page of the source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Where {
    /// 1-based line of a text source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based page of the source (a PDF page, or a form-feed page of a text).
    pub page: usize,
}

impl std::fmt::Display for Where {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}"),
            None => write!(f, "page {}", self.page),
        }
    }
}

/// A line of text that is not furniture, cleaned ([`join::clean_line`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Text {
    /// The cleaned text (never empty).
    pub text: String,
    /// The line as read (spaces between a table's columns or two organs' names kept).
    pub raw: String,
    /// Where it was read.
    pub at: Where,
    /// The printed page it is on, when a page number says so.
    pub page: Option<u32>,
    /// The section named by its page's running head.
    pub head_section: Option<String>,
    /// `Some(section)` when the line is that section's banner (a line only naming it).
    pub banner: Option<String>,
    /// A blank line (or a page break) precedes it.
    pub blank_before: bool,
    /// The raw line started with whitespace (an indented first line, or centred text).
    pub indented: bool,
    /// A page break precedes it.
    pub page_break_before: bool,
    /// The printed page is inferred: the page prints no number ([`super::pages`]).
    pub page_inferred: bool,
}

/// A line taken out as furniture, for the report.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Removed {
    /// Where it was.
    pub at: Where,
    /// Its text.
    pub text: String,
    /// `page-number` or `running-head`.
    pub kind: &'static str,
}

/// What furniture detection gives.
#[derive(Clone, Debug, Default)]
pub struct Cleaned {
    /// The lines of text, in reading order.
    pub lines: Vec<Text>,
    /// The furniture removed.
    pub removed: Vec<Removed>,
    /// Some printed page numbers were inferred: pages that print none.
    pub inferred_pages: bool,
}

/// One printed page: a source page, or (text without form feeds) the text between two page
/// numbers.
struct VPage<'a> {
    lines: Vec<(&'a super::layout::Line, usize)>,
    number: Option<u32>,
    number_line: Option<usize>,
    height: Option<f32>,
}

/// The page number a line holds, if it is only a page number: `·  4  ·`, `- 4 -`, `第4页`,
/// `— 12 —`, or (with `bare`) `4`.
pub fn page_number(line: &str, bare: bool) -> Option<u32> {
    let s: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let inner = s.trim_matches(|c: char| {
        matches!(
            c,
            '·' | '•'
                | '・'
                | '-'
                | '—'
                | '–'
                | '－'
                | '─'
                | '第'
                | '页'
                | '('
                | ')'
                | '（'
                | '）'
        )
    });
    if inner.is_empty() || inner.len() > 4 || !inner.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if !bare && inner.len() == s.len() {
        return None;
    }
    inner.parse().ok().filter(|n| *n > 0)
}

/// The shape of a line: whitespace removed, digits masked.
fn masked(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| {
            if c.is_ascii_digit() || ('０'..='９').contains(&c) {
                '#'
            } else {
                c
            }
        })
        .collect()
}

/// A candidate line: (printed page, line index, shape).
type Member = (usize, usize, String);

/// Lines of a group share at least this many characters of their shape.
const PREFIX: usize = 8;
/// Furniture is short.
const MAX_HEAD: usize = 40;

/// The printed pages, whether lines have positions, and whether page numbers close their
/// page (one text whose last line is a page number).
fn split_pages(pages: &[Page]) -> (Vec<VPage<'_>>, bool, bool) {
    let positioned = pages
        .iter()
        .any(|p| p.lines.iter().any(|l| l.bbox.is_some()));
    let mut out = Vec::new();
    if positioned || pages.len() > 1 {
        for (k, page) in pages.iter().enumerate() {
            let height = page.size.map(|s| s.1).or_else(|| {
                page.lines
                    .iter()
                    .filter_map(|l| l.bbox.map(|b| b.y + b.height))
                    .reduce(f32::max)
            });
            let lines: Vec<_> = page.lines.iter().map(|l| (l, k)).collect();
            let mut v = VPage {
                lines,
                number: None,
                number_line: None,
                height,
            };
            // The page's number: a page-number line among its first or last lines.
            let nonblank: Vec<usize> = (0..v.lines.len())
                .filter(|&i| !v.lines[i].0.text.trim().is_empty())
                .collect();
            let ends = nonblank.iter().take(2).chain(nonblank.iter().rev().take(2));
            for &i in ends {
                if let Some(n) = page_number(&v.lines[i].0.text, positioned) {
                    v.number = Some(n);
                    v.number_line = Some(i);
                    break;
                }
            }
            out.push(v);
        }
        return (out, positioned, false);
    }
    // One page of text: page numbers divide it. A number opens the page it numbers, unless
    // the text ends with one: then each closes its page (printed at the foot).
    let lines = &pages[0].lines;
    let foot = lines
        .iter()
        .rev()
        .find(|l| !l.text.trim().is_empty())
        .is_some_and(|l| page_number(&l.text, false).is_some());
    let empty = || VPage {
        lines: Vec::new(),
        number: None,
        number_line: None,
        height: None,
    };
    let mut current = empty();
    for line in lines {
        match page_number(&line.text, false) {
            Some(n) if foot => {
                current.number = Some(n);
                current.number_line = Some(current.lines.len());
                current.lines.push((line, 0));
                out.push(std::mem::replace(&mut current, empty()));
            }
            Some(n) => {
                out.push(std::mem::replace(
                    &mut current,
                    VPage {
                        lines: vec![(line, 0)],
                        number: Some(n),
                        number_line: Some(0),
                        height: None,
                    },
                ));
            }
            None => current.lines.push((line, 0)),
        }
    }
    if !current.lines.is_empty() || out.is_empty() {
        out.push(current);
    }
    (out, false, foot)
}

/// A line the extraction began a new block of text with: one space, then text (`pdftotext`
/// writes it where a page's or a frame's text begins; an indented paragraph or centred
/// text has more).
fn block_start(raw: &str) -> bool {
    raw.strip_prefix(' ')
        .is_some_and(|r| r.starts_with(|c: char| !c.is_whitespace()))
}

/// The key of a line's place on its page, if it stands where furniture stands.
fn band(
    v: &VPage<'_>,
    i: usize,
    positioned: bool,
    first: Option<usize>,
    second: Option<usize>,
    last: Option<usize>,
) -> Option<String> {
    if positioned {
        let (b, h) = (v.lines[i].0.bbox?, v.height?);
        let rel = b.y / h.max(1.0);
        if (0.12..=0.88).contains(&rel) {
            return None;
        }
        return Some(format!("y{}", (rel * 50.0).round() as i32));
    }
    let issue_line = |t: &str| {
        let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        t.chars().count() <= 16 && t.contains("年第") && t.ends_with('期')
    };
    if Some(i) == first {
        Some("first".into())
    } else if Some(i) == second && issue_line(&v.lines[i].0.text) {
        // A head printed on two lines: the gazette's name, then the issue (`2020年第2期`).
        Some("second".into())
    } else if Some(i) == last {
        Some("last".into())
    } else {
        None
    }
}

/// Lines that stand where furniture stands, grouped by (band, shape prefix): each
/// (page, line index, shape).
fn candidates(vpages: &[VPage<'_>], positioned: bool) -> BTreeMap<(String, String), Vec<Member>> {
    let mut groups: BTreeMap<(String, String), Vec<Member>> = BTreeMap::new();
    for (p, v) in vpages.iter().enumerate() {
        let content: Vec<usize> = (0..v.lines.len())
            .filter(|&i| Some(i) != v.number_line && !v.lines[i].0.text.trim().is_empty())
            .collect();
        let (first, second) = (content.first().copied(), content.get(1).copied());
        let last = content.last().copied();
        for &i in &content {
            let Some(key) = band(v, i, positioned, first, second, last) else {
                continue;
            };
            let text = v.lines[i].0.text.trim();
            let shape = masked(text);
            if shape.chars().count() > MAX_HEAD
                || text.ends_with(['。', '；', '：', '，', '！', '？'])
            {
                continue;
            }
            let prefix: String = shape.chars().take(PREFIX).collect();
            groups.entry((key, prefix)).or_default().push((p, i, shape));
        }
    }
    groups
}

/// Heads met inside a page's text (not at its top or foot), where the extraction printed no
/// page number before them: (page, line) → the section the head names, if any. Each opens a
/// page that prints no number.
fn mid_heads(
    vpages: &[VPage<'_>],
    heads: &BTreeSet<(usize, usize)>,
    shape_section: &BTreeMap<String, Option<String>>,
) -> BTreeMap<(usize, usize), Option<String>> {
    let mut out = BTreeMap::new();
    for (p, v) in vpages.iter().enumerate() {
        for (i, (line, _)) in v.lines.iter().enumerate() {
            if heads.contains(&(p, i)) || Some(i) == v.number_line {
                continue;
            }
            let shape = masked(line.text.trim());
            if shape.chars().count() >= PREFIX
                && let Some(s) = shape_section.get(&shape)
            {
                out.insert((p, i), s.clone());
            }
        }
    }
    out
}

/// The printed pages as [`pages`] reads them: each one's first line of text and, in one
/// text divided by its page numbers (`text_pages`), the lines where an unnumbered page may
/// begin (a head inside the text, or a line the extraction began a block with).
fn stretches(
    vpages: &[VPage<'_>],
    heads: &BTreeSet<(usize, usize)>,
    mid_heads: &BTreeMap<(usize, usize), Option<String>>,
    text_pages: bool,
) -> Vec<Stretch> {
    vpages
        .iter()
        .enumerate()
        .map(|(p, v)| {
            let content = |i: &usize| {
                Some(*i) != v.number_line
                    && !heads.contains(&(p, *i))
                    && !mid_heads.contains_key(&(p, *i))
                    && !v.lines[*i].0.text.trim().is_empty()
            };
            let first = (0..v.lines.len()).find(content);
            let starts = if text_pages {
                (0..v.lines.len())
                    .filter(|i| first.is_some_and(|f| *i > f))
                    .filter(|i| {
                        mid_heads.contains_key(&(p, *i))
                            || (content(i) && block_start(&v.lines[*i].0.text))
                    })
                    .collect()
            } else {
                Vec::new()
            };
            Stretch {
                len: v.lines.len(),
                number: v.number_line.zip(v.number),
                first,
                starts,
            }
        })
        .collect()
}

/// The running heads found, and what they say of their pages' sections.
#[derive(Default)]
struct Heads {
    /// Every running head, by printed page and line.
    at: BTreeSet<(usize, usize)>,
    /// The section each page's head names ("" for a head that names none).
    section: BTreeMap<usize, String>,
    /// What the heads print after their common part (a section's name as they print it).
    tails: BTreeSet<String>,
    /// The section each head's shape names, for the same head met inside a page's text.
    shape_section: BTreeMap<String, Option<String>>,
}

/// How many characters of their shape all `members` share, from the start.
fn common_prefix(members: &[Member]) -> usize {
    members
        .iter()
        .skip(1)
        .fold(members[0].2.chars().count(), |n, m| {
            members[0]
                .2
                .chars()
                .zip(m.2.chars())
                .take(n)
                .take_while(|(a, b)| a == b)
                .count()
        })
}

/// The running heads among the candidate lines `groups`: a group met on at least
/// `min_pages` printed pages is one; where its members' words differ after the part they
/// share, what follows names the section of the member's page (`sections` are the site's
/// 栏目 names).
fn running_heads(
    vpages: &[VPage<'_>],
    groups: &BTreeMap<(String, String), Vec<Member>>,
    min_pages: usize,
    sections: &[String],
) -> Heads {
    let mut heads = Heads::default();
    for members in groups.values() {
        let distinct: BTreeSet<usize> = members.iter().map(|m| m.0).collect();
        if distinct.len() < min_pages {
            continue;
        }
        // The part every member shares; what follows it may name the section.
        let common = common_prefix(members);
        // Heads whose words are all the same name no section.
        let varying = members.iter().any(|m| m.2.chars().count() > common);
        for (p, i, shape) in members {
            heads.at.insert((*p, *i));
            heads.shape_section.entry(shape.clone()).or_insert(None);
            if !varying {
                continue;
            }
            let text: String = vpages[*p].lines[*i]
                .0
                .text
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let tail: String = text.chars().skip(common).collect();
            let tail = tail
                .trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '期' | '）' | ')'));
            if tail.chars().count() <= 8 {
                // A head without a section's name (`…（总第208期）` alone) says the page
                // belongs to none: recorded as "".
                if !tail.is_empty() {
                    heads.tails.insert(tail.to_string());
                }
                if tail.is_empty()
                    || sections.iter().any(|s| s == tail)
                    || tail.chars().count() >= 2
                {
                    heads.section.insert(*p, tail.to_string());
                    heads
                        .shape_section
                        .insert(shape.clone(), Some(tail.to_string()));
                }
            }
        }
    }
    heads
}

/// Finds and removes the furniture of `pages`; `sections` are the site's 栏目 names.
pub fn clean(pages: &[Page], sections: &[String]) -> Cleaned {
    let (vpages, positioned, foot) = split_pages(pages);
    let groups = candidates(&vpages, positioned);
    let min_pages = if positioned {
        (vpages.len() * 3 / 10).max(2)
    } else {
        2
    };
    let heads = running_heads(&vpages, &groups, min_pages, sections);
    let mid_heads = if positioned {
        BTreeMap::new()
    } else {
        mid_heads(&vpages, &heads.at, &heads.shape_section)
    };
    let text_pages = !positioned && pages.len() == 1;
    let stretches = stretches(&vpages, &heads.at, &mid_heads, text_pages);
    let numbers = pages::assign(&stretches, text_pages, foot);
    let mut out = Cleaned {
        inferred_pages: numbers.iter().flatten().any(|n| n.inferred),
        ..Cleaned::default()
    };
    walk_lines(
        pages, &vpages, &heads, &mid_heads, &numbers, sections, &mut out,
    );
    first_section_before(&mut out.lines);
    out
}

/// Walks the lines of every printed page, adding to `out` the furniture taken out (page
/// numbers, running heads: `heads` and those inside the text, `mid_heads`) and the lines of
/// text left, each with its printed page (`numbers`), its head's section and whether it is
/// a section's banner.
fn walk_lines(
    pages: &[Page],
    vpages: &[VPage<'_>],
    heads: &Heads,
    mid_heads: &BTreeMap<(usize, usize), Option<String>>,
    numbers: &[Vec<pages::PageNo>],
    sections: &[String],
    out: &mut Cleaned,
) {
    let mut section: Option<String> = None;
    let mut blank = true;
    for (p, v) in vpages.iter().enumerate() {
        if let Some(s) = heads.section.get(&p) {
            section = Some(s.clone());
        }
        let mut page_break = p > 0;
        let mut last_page = None;
        for (i, (line, src)) in v.lines.iter().enumerate() {
            let at = Where {
                line: line.source_line,
                page: pages[*src].index,
            };
            let raw = line.text.as_str();
            let no = numbers[p][i];
            if i > 0 && no.number.is_some() && no.number != last_page {
                page_break = true;
            }
            last_page = no.number;
            if Some(i) == v.number_line {
                out.removed.push(Removed {
                    at,
                    text: raw.trim().into(),
                    kind: "page-number",
                });
                continue;
            }
            if let Some(s) = mid_heads.get(&(p, i)) {
                out.removed.push(Removed {
                    at,
                    text: raw.trim().into(),
                    kind: "running-head",
                });
                if let Some(s) = s {
                    section = Some(s.clone());
                }
                page_break = true;
                continue;
            }
            if heads.at.contains(&(p, i)) {
                out.removed.push(Removed {
                    at,
                    text: raw.trim().into(),
                    kind: "running-head",
                });
                continue;
            }
            let text = join::clean_line(raw);
            if text.is_empty() {
                blank = true;
                continue;
            }
            let bare: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            let banner = (sections.contains(&bare) || heads.tails.contains(&bare)).then_some(bare);
            out.lines.push(Text {
                text,
                raw: raw.trim_end().to_string(),
                at,
                page: no.number,
                head_section: section.clone(),
                banner,
                blank_before: blank || page_break,
                indented: raw.starts_with(|c: char| c.is_whitespace()),
                page_break_before: page_break,
                page_inferred: no.inferred,
            });
            blank = false;
            page_break = false;
        }
        blank = true;
    }
}

/// Pages before the first running head take the section of the first one (that names one).
fn first_section_before(lines: &mut [Text]) {
    if let Some(first) = lines
        .iter()
        .find_map(|l| l.head_section.clone().filter(|s| !s.is_empty()))
    {
        for l in lines.iter_mut().take_while(|l| l.head_section.is_none()) {
            l.head_section = Some(first.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::layout::{Line, Rect};
    use super::*;

    fn sections() -> Vec<String> {
        ["文件发布", "政务简讯"].map(String::from).to_vec()
    }

    #[test]
    fn page_numbers_of_any_spacing() {
        assert_eq!(page_number("·    4    ·", false), Some(4));
        assert_eq!(page_number("- 12 -", false), Some(12));
        assert_eq!(page_number("第3页", false), Some(3));
        assert_eq!(page_number("4", false), None);
        assert_eq!(page_number("4", true), Some(4));
        assert_eq!(page_number("2019年", false), None);
    }

    #[test]
    fn a_head_on_two_lines_is_removed_whole() {
        let text = "某市人民政府公报\n\n2020年第2期\n\n正文一。\n\u{c}某市人民政府公报\n\n2020年第2期\n\n第一条 正文二。\n\u{c}";
        let c = clean(&super::super::text::pages(text), &sections());
        let texts: Vec<&str> = c.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["正文一。", "第一条正文二。"]);
    }

    #[test]
    fn text_heads_found_by_repetition_with_spaced_digits() {
        let text = "正文一。\n\n·  4  ·\n2019 年第1 2 期文件发布\n正文二。\n·  5  ·\n某市公报（总第2 08期） 文件发布\n正文三。\n·  6  ·\n2019 年第12期文件发布\n正文四。\n·  7  ·\n某市公报（总第208期） 政务简讯\n政 务 简 讯\n正文五。\n";
        let c = clean(&super::super::text::pages(text), &sections());
        let texts: Vec<&str> = c.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "正文一。",
                "正文二。",
                "正文三。",
                "正文四。",
                "政务简讯",
                "正文五。"
            ]
        );
        assert_eq!(c.lines[0].page, Some(3));
        assert!(c.inferred_pages);
        assert_eq!(c.lines[3].page, Some(6));
        assert_eq!(c.lines[4].banner.as_deref(), Some("政务简讯"));
        assert_eq!(c.lines[5].head_section.as_deref(), Some("政务简讯"));
        assert_eq!(
            c.removed
                .iter()
                .filter(|r| r.kind == "running-head")
                .count(),
            4
        );
    }

    #[test]
    fn page_numbers_at_the_foot_close_their_page() {
        let c = clean(
            &super::super::text::pages("正文一。\n- 1 -\n正文二。\n- 2 -\n"),
            &sections(),
        );
        let pages: Vec<Option<u32>> = c.lines.iter().map(|l| l.page).collect();
        assert_eq!(pages, [Some(1), Some(2)]);
    }

    #[test]
    fn heads_that_differ_only_by_numbers_are_one_shape() {
        let text = "·  4  ·\n第1 2 期　某市公报\n正文一。\n·  5  ·\n第13期　某市公报\n正文二。\n";
        let c = clean(&super::super::text::pages(text), &sections());
        let texts: Vec<&str> = c.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["正文一。", "正文二。"]);
    }

    fn line(text: &str, y: f32) -> Line {
        Line {
            text: text.into(),
            bbox: Some(Rect {
                x: 50.0,
                y,
                width: 300.0,
                height: 12.0,
            }),
            font_size: Some(10.5),
            source_line: None,
        }
    }

    #[test]
    fn positioned_heads_and_numbers_found_by_band() {
        let pages: Vec<Page> = (1..=4)
            .map(|n| Page {
                index: n,
                size: Some((595.0, 842.0)),
                scanned: false,
                lines: vec![
                    line(&format!("某市人民政府公报 2020年第{n}期"), 30.0),
                    // The same words in the body band are text, not furniture.
                    line("某市人民政府公报", 400.0),
                    line(&format!("正文第{n}页。"), 420.0),
                    line(&format!("{}", n + 10), 800.0),
                ],
            })
            .collect();
        let c = clean(&pages, &sections());
        let texts: Vec<&str> = c.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts.len(), 8, "{texts:?}");
        assert!(texts.iter().all(|t| !t.contains("2020年")));
        assert_eq!(c.lines[1].page, Some(11));
        assert_eq!(c.lines[7].page, Some(14));
        assert_eq!(
            c.lines[7].at,
            Where {
                line: None,
                page: 4
            }
        );
    }
}
