//! How good an import is, measured against a hand-checked issue folder: items with the same
//! boundaries, front matter fields equal, bodies equal once whitespace and markup are
//! removed (the normalisation `tests/fidelity.rs` proves the bundled transcription with),
//! and markup blocks (headings, list items, signatures, tables) equal.
//!
//! A test issue is a folder `<name>/` holding `source.txt` or `source.pdf` and `truth/`, an
//! issue folder checked by hand; `examples/import_eval.rs` prints the figures for any pair.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Whitespace removed (ASCII and Unicode, U+3000 included): whitespace is layout.
pub fn strip_ws(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A Markdown body reduced to its text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BodyText {
    /// The text, whitespace removed: markup, list bullets and breaks are not text; the
    /// numbers of ordered lists are (they are the printed numbers); table cells are.
    pub text: String,
    /// Each table's rows (cells' text, whitespace removed), header rows included.
    pub table_rows: Vec<Vec<String>>,
    /// Text of the first table's header row (so that an editor's header can be left out).
    pub header_text: String,
    /// What a transcription may not hold: raw HTML, footnotes, math, task markers.
    pub foreign: Vec<String>,
    /// The markup blocks, each as `kind:text` (`h2:…`, `li:…`, `sig:…`, `table:…`).
    pub blocks: Vec<String>,
}

/// Reduces a Markdown body to its text and markup blocks.
pub fn body_text(body: &str) -> BodyText {
    body_text_of(body, false)
}

/// [`body_text`]; with `editorial_header`, a table's header row is the editor's (the print
/// has none) and is not text.
pub fn body_text_of(body: &str, editorial_header: bool) -> BodyText {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut out = BodyText::default();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut in_head = false;
    let mut cell: Option<String> = None;
    // The text of the block being read, for `blocks`.
    let mut block = String::new();
    let mut lines_in_para = 1;
    let mut table = String::new();
    for event in Parser::new_ext(body, options) {
        match event {
            Event::Text(t) | Event::Code(t) => {
                if let Some(cell) = cell.as_mut() {
                    cell.push_str(&t);
                }
                if in_head {
                    out.header_text.push_str(&t);
                }
                if !(in_head && editorial_header) {
                    out.text.push_str(&t);
                }
                block.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak => {
                lines_in_para += 1;
                block.push('\n');
            }
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::Item) => {
                block.clear();
                lines_in_para = 1;
                if matches!(event, Event::Start(Tag::Item))
                    && let Some(Some(n)) = lists.last_mut()
                {
                    let _ = write!(out.text, "{n}.");
                    let _ = write!(block, "{n}.");
                    *n += 1;
                }
            }
            Event::End(TagEnd::Heading(level)) => {
                out.blocks
                    .push(format!("h{}:{}", level as u8, strip_ws(&block)));
            }
            Event::End(TagEnd::Item) => out.blocks.push(format!("li:{}", strip_ws(&block))),
            Event::End(TagEnd::Paragraph) => {
                let last = block.lines().last().unwrap_or("");
                if lists.is_empty()
                    && (2..=8).contains(&lines_in_para)
                    && super::lines::date_line(last).is_some()
                {
                    out.blocks.push(format!("sig:{}", strip_ws(&block)));
                }
            }
            Event::Start(Tag::List(start)) => lists.push(start),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Table(_)) => table.clear(),
            Event::End(TagEnd::Table) => out.blocks.push(format!("table:{table}")),
            Event::Start(Tag::TableHead) => {
                in_head = true;
                out.table_rows.push(Vec::new());
            }
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => out.table_rows.push(Vec::new()),
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                let done = strip_ws(&cell.take().unwrap_or_default());
                if !in_head {
                    table.push_str(&done);
                    table.push('|');
                }
                if let Some(row) = out.table_rows.last_mut() {
                    row.push(done);
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                out.foreign.push(format!("raw HTML `{}`", h.trim()))
            }
            Event::FootnoteReference(f) => out.foreign.push(format!("footnote `{f}`")),
            Event::InlineMath(m) | Event::DisplayMath(m) => out.foreign.push(format!("math `{m}`")),
            Event::TaskListMarker(_) => out.foreign.push("a task list marker".into()),
            _ => {}
        }
    }
    out.text = strip_ws(&out.text);
    out
}

/// One Markdown file of an issue folder.
#[derive(Clone, Debug)]
pub struct Doc {
    /// The file name.
    pub file: String,
    /// The front matter.
    pub front: BTreeMap<String, serde_yaml::Value>,
    /// The body, reduced.
    pub body: BodyText,
}

/// Reads a Markdown file's text into a [`Doc`].
pub fn parse_doc(file: &str, text: &str) -> Result<Doc, String> {
    let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let split = crate::content::front_matter::split(&text)
        .map_err(|e| format!("{file}: front matter: {e:?}"))?;
    let front: BTreeMap<String, serde_yaml::Value> = if split.yaml.trim().is_empty() {
        BTreeMap::new()
    } else {
        serde_yaml::from_str(split.yaml).map_err(|e| format!("{file}: {e}"))?
    };
    Ok(Doc {
        file: file.to_string(),
        front,
        body: body_text(split.body),
    })
}

/// Reads every document of an issue folder (not `_index.md`), sorted by file name.
pub fn read_issue(dir: &Path) -> Result<Vec<Doc>, String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && n != "_index.md")
        .collect();
    names.sort();
    names
        .iter()
        .map(|n| {
            let text = std::fs::read_to_string(dir.join(n)).map_err(|e| format!("{n}: {e}"))?;
            parse_doc(n, &text)
        })
        .collect()
}

/// The fields compared.
pub const FIELDS: &[&str] = &[
    "title",
    "section",
    "doc_number",
    "registration_number",
    "issuers",
    "date",
    "addressees",
    "valid_from",
    "valid_until",
    "pages",
    "position",
];

fn value_text(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => s.trim().to_string(),
        serde_yaml::Value::Sequence(items) => {
            items.iter().map(value_text).collect::<Vec<_>>().join(" | ")
        }
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

fn field(doc: &Doc, name: &str) -> Option<String> {
    let v = value_text(doc.front.get(name)?);
    if name.starts_with("valid") || name == "date" {
        return Some(crate::content::date::Date::parse(&v).map_or(v, |d| d.to_string()));
    }
    // `[n]` and `[n, n]` name the same one-page range.
    if name == "pages" && !v.contains('|') {
        return Some(format!("{v} | {v}"));
    }
    Some(v)
}

/// The printed text of a document: title (unless the editor's), 文号, 登记号, then the body.
fn full_text(doc: &Doc) -> String {
    let editorial = doc
        .front
        .get("extra")
        .and_then(|e| e.get("editorial_title"))
        .and_then(serde_yaml::Value::as_bool)
        .unwrap_or(false);
    let mut s = String::new();
    if !editorial {
        s.push_str(&strip_ws(&field(doc, "title").unwrap_or_default()));
    }
    s.push_str(&doc.body.text);
    s
}

fn bigrams(s: &str) -> std::collections::BTreeSet<(char, char)> {
    let c: Vec<char> = s.chars().collect();
    c.windows(2).map(|w| (w[0], w[1])).collect()
}

/// The figures of a comparison, and every miss.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Figures {
    /// Documents of the truth.
    pub truth_items: usize,
    /// Items the import made.
    pub found_items: usize,
    /// Truth documents whose item starts and ends in the same place.
    pub same_boundaries: usize,
    /// (item, field) pairs compared.
    pub field_pairs: usize,
    /// Pairs equal.
    pub fields_equal: usize,
    /// Bodies compared (one per truth document).
    pub bodies: usize,
    /// Bodies equal after removing whitespace and markup.
    pub bodies_equal: usize,
    /// Markup blocks compared (per document, the larger of the two counts).
    pub blocks: usize,
    /// Markup blocks equal.
    pub blocks_equal: usize,
    /// Every difference, in words.
    pub misses: Vec<String>,
}

fn percent(a: usize, b: usize) -> f64 {
    if b == 0 {
        100.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

impl Figures {
    /// Share of field pairs equal, in percent.
    pub fn fields_percent(&self) -> f64 {
        percent(self.fields_equal, self.field_pairs)
    }
    /// Share of bodies equal, in percent.
    pub fn bodies_percent(&self) -> f64 {
        percent(self.bodies_equal, self.bodies)
    }
    /// Share of markup blocks equal, in percent.
    pub fn blocks_percent(&self) -> f64 {
        percent(self.blocks_equal, self.blocks)
    }
    /// Share of truth items with the same boundaries, in percent.
    pub fn boundaries_percent(&self) -> f64 {
        percent(self.same_boundaries, self.truth_items)
    }
    /// The figures in one paragraph, then every miss.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "items: {} of {} with the same boundaries ({:.1} %), {} found\nfields: {} of {} equal ({:.1} %)\nbodies: {} of {} equal ({:.1} %)\nmarkup blocks: {} of {} equal ({:.1} %)\n",
            self.same_boundaries,
            self.truth_items,
            self.boundaries_percent(),
            self.found_items,
            self.fields_equal,
            self.field_pairs,
            self.fields_percent(),
            self.bodies_equal,
            self.bodies,
            self.bodies_percent(),
            self.blocks_equal,
            self.blocks,
            self.blocks_percent()
        );
        for m in &self.misses {
            s.push_str("  miss: ");
            s.push_str(m);
            s.push('\n');
        }
        s
    }
}

/// Compares the drafts with the truth. Each truth document is paired with the draft whose
/// text shares the most character pairs with it.
pub fn compare(drafts: &[Doc], truth: &[Doc]) -> Figures {
    let mut f = Figures {
        truth_items: truth.len(),
        found_items: drafts.len(),
        ..Figures::default()
    };
    let draft_grams: Vec<_> = drafts.iter().map(|d| bigrams(&full_text(d))).collect();
    for t in truth {
        let tg = bigrams(&full_text(t));
        let best = draft_grams
            .iter()
            .enumerate()
            .map(|(k, g)| {
                (
                    g.intersection(&tg).count() * 1000 / g.len().max(tg.len()).max(1),
                    k,
                )
            })
            .max();
        let names: Vec<&str> = FIELDS
            .iter()
            .copied()
            .filter(|n| t.front.contains_key(*n))
            .collect();
        let Some((score, k)) = best.filter(|(s, _)| *s > 0) else {
            f.misses.push(format!("{}: no item found", t.file));
            f.field_pairs += names.len();
            f.bodies += 1;
            f.blocks += t.body.blocks.len();
            continue;
        };
        let d = &drafts[k];
        let _ = score;
        let (tt, dt) = (full_text(t), full_text(d));
        let ends = |s: &str, n: usize| -> (String, String) {
            let c: Vec<char> = s.chars().collect();
            (c.iter().take(n).collect(), c.iter().rev().take(n).collect())
        };
        if ends(&tt, 12) == ends(&dt, 12) {
            f.same_boundaries += 1;
        } else {
            f.misses
                .push(format!("{} ↔ {}: boundaries differ", t.file, d.file));
        }
        let mut keys: Vec<&str> = FIELDS
            .iter()
            .copied()
            .filter(|n| t.front.contains_key(*n) || d.front.contains_key(*n))
            .collect();
        keys.dedup();
        for name in keys {
            f.field_pairs += 1;
            let (a, b) = (field(t, name), field(d, name));
            if a == b {
                f.fields_equal += 1;
            } else {
                f.misses.push(format!(
                    "{} ↔ {}: {name}: expected {}, found {}",
                    t.file,
                    d.file,
                    a.as_deref().unwrap_or("(none)"),
                    b.as_deref().unwrap_or("(none)")
                ));
            }
        }
        f.bodies += 1;
        if t.body.text == d.body.text {
            f.bodies_equal += 1;
        } else {
            let at = t
                .body
                .text
                .chars()
                .zip(d.body.text.chars())
                .take_while(|(a, b)| a == b)
                .count();
            let around = |s: &str| {
                s.chars()
                    .skip(at.saturating_sub(8))
                    .take(20)
                    .collect::<String>()
            };
            f.misses.push(format!(
                "{} ↔ {}: body differs at character {at}: expected …{}…, found …{}…",
                t.file,
                d.file,
                around(&t.body.text),
                around(&d.body.text)
            ));
        }
        let mut left: Vec<&String> = d.body.blocks.iter().collect();
        let mut equal = 0;
        for b in &t.body.blocks {
            if let Some(p) = left.iter().position(|x| *x == b) {
                left.remove(p);
                equal += 1;
            }
        }
        f.blocks += t.body.blocks.len().max(d.body.blocks.len());
        f.blocks_equal += equal;
        if equal < t.body.blocks.len().max(d.body.blocks.len()) {
            f.misses.push(format!(
                "{} ↔ {}: {} of {} markup blocks equal",
                t.file,
                d.file,
                equal,
                t.body.blocks.len().max(d.body.blocks.len())
            ));
        }
    }
    f
}

/// Imports `source` with the settings of the site at `root` and compares the drafts with the
/// issue folder `truth`; with `write`, also writes the drafts into that folder.
pub fn evaluate_files(
    root: &Path,
    source: &Path,
    truth: &Path,
    write: Option<&Path>,
) -> Result<Figures, String> {
    let config = crate::config::Config::load(root, None)
        .map_err(|e| format!("{}: {e:?}", root.display()))?;
    let bytes = std::fs::read(source).map_err(|e| format!("{}: {e}", source.display()))?;
    let (pages, _) =
        super::read_source(&bytes, &source.display().to_string()).map_err(|e| e.to_string())?;
    let imported = super::import(&pages, &config);
    if let Some(dir) = write {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for d in &imported.drafts {
            std::fs::write(dir.join(&d.file), &d.text).map_err(|e| format!("{}: {e}", d.file))?;
        }
    }
    let drafts = imported
        .drafts
        .iter()
        .map(|d| parse_doc(&d.file, &d.text))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(compare(&drafts, &read_issue(truth)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_text_and_blocks() {
        let b = body_text(
            "### 一、总则\n\n1. 支持\n2. 鼓励\n\n温州市人民政府\n2019年12月9日\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        );
        assert_eq!(
            b.text,
            "一、总则1.支持2.鼓励温州市人民政府2019年12月9日ab12"
        );
        assert_eq!(
            b.blocks,
            [
                "h3:一、总则",
                "li:1.支持",
                "li:2.鼓励",
                "sig:温州市人民政府2019年12月9日",
                "table:1|2|"
            ]
        );
        assert_eq!(b.table_rows, [vec!["a", "b"], vec!["1", "2"]]);
    }

    #[test]
    fn compare_counts_fields_and_bodies() {
        let t = parse_doc("t.md", "---\ntitle: 关于某事的通知\nsection: 文件发布\ndate: 2019年12月9日\n---\n\n正文一段文字。\n").unwrap();
        let d = parse_doc("d.md", "---\ntitle: \"关于某事的通知\"\nsection: 文件发布\ndate: 2019-12-09\ndraft: true\n---\n\n正文一段\n文字。\n").unwrap();
        let f = compare(std::slice::from_ref(&d), std::slice::from_ref(&t));
        assert_eq!(
            (
                f.same_boundaries,
                f.fields_equal,
                f.field_pairs,
                f.bodies_equal
            ),
            (1, 3, 3, 1),
            "{}",
            f.summary()
        );
        let other = parse_doc(
            "o.md",
            "---\ntitle: 关于某事的通知\nsection: 政务简讯\n---\n\n正文一段文字！\n",
        )
        .unwrap();
        let f = compare(&[other], &[t]);
        assert_eq!(
            (f.fields_equal, f.field_pairs, f.bodies_equal),
            (1, 3, 0),
            "{}",
            f.summary()
        );
    }

    #[test]
    fn one_page_ranges_are_equal_in_either_form() {
        let t = parse_doc("t.md", "---\ntitle: 甲\npages: [3]\n---\n\n正文。\n").unwrap();
        let d = parse_doc("d.md", "---\ntitle: 甲\npages: [3, 3]\n---\n\n正文。\n").unwrap();
        let f = compare(std::slice::from_ref(&d), std::slice::from_ref(&t));
        assert_eq!((f.fields_equal, f.field_pairs), (2, 2), "{}", f.summary());
        let other = parse_doc("o.md", "---\ntitle: 甲\npages: [3, 4]\n---\n\n正文。\n").unwrap();
        let f = compare(&[other], &[t]);
        assert_eq!((f.fields_equal, f.field_pairs), (1, 2), "{}", f.summary());
    }
}
