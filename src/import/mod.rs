//! `gazette import`: a printed issue (a PDF with a text layer, or text extracted from one)
//! becomes Markdown drafts and a review report.
//!
//! The work is a pipeline of small steps, each its own module: [`decode`] (UTF-8 or
//! GB18030) → [`text`] (pages of lines) → [`chars`] (suspicious characters, radical forms
//! mapped) → [`columns`] (two columns side by side) → [`furniture`] (page numbers, running
//! heads, banners; [`pages`]: printed page numbers, inferred where none is printed) →
//! [`join`] (spaces that are layout) → [`contents`] (the issue's 目录) → [`split`] (items,
//! with [`titles`] and [`reorder`]: reading order put back) → [`front`] (front matter from
//! the text) → [`markup`]
//! (the bundled issue's Markdown scheme). [`import`] is a pure function from pages to drafts
//! and a report; [`mod@write`] puts them on disk; [`evaluate`] measures a result against a
//! hand-checked issue.

pub mod chars;
pub mod columns;
pub mod contents;
pub mod decode;
pub mod evaluate;
pub mod front;
pub mod furniture;
pub mod join;
pub mod layout;
pub mod lines;
pub mod listing;
pub mod markup;
pub mod pages;
pub mod pdf;
pub mod reorder;
pub mod report;
pub mod split;
pub mod text;
pub mod titles;
pub mod write;

use std::collections::BTreeMap;

use crate::config::Config;
use crate::content::slug;
use crate::error::{Diagnostic, Error};
use furniture::Where;
use layout::Page;

/// Something a reviewer must look at.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Note {
    /// Where (source line or page), when it concerns a place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Where>,
    /// `guessed-boundary`, `no-signature`, `doc-number-year`, `reading-order`,
    /// `guessed-table`, `suspicious-character`, `mapped-radical`, `guessed-section`,
    /// `editorial-title`, `missing-date`.
    pub kind: &'static str,
    /// What, in words.
    pub message: String,
}

/// One imported item: its file and what the report says about it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Draft {
    /// The file name in the issue folder (`wzf-2019-16.md`).
    pub file: String,
    /// The title written.
    pub title: String,
    /// Where the item starts in the source, and why there.
    pub start: Where,
    /// Why the item starts there.
    pub start_reason: &'static str,
    /// The front matter fields, with where each was found.
    pub fields: Vec<front::Field>,
    /// Everything uncertain.
    pub notes: Vec<Note>,
    /// The file's text.
    #[serde(skip)]
    pub text: String,
}

/// The result of [`import`].
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Imported {
    /// The items, in printed order.
    pub drafts: Vec<Draft>,
    /// The furniture removed.
    pub furniture: Vec<furniture::Removed>,
    /// Printed page numbers before the first page number were inferred.
    pub inferred_pages: bool,
    /// Pages without a text layer (scans): their source page numbers.
    pub scanned: Vec<usize>,
    /// 总第N期 as the running heads print it, and the first head that does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub printed_serial: Option<PrintedSerial>,
}

/// The issue's serial (总第N期) printed in its running heads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PrintedSerial {
    /// N.
    pub serial: u32,
    /// The first running head that prints it.
    pub at: Where,
}

/// 总第N期 in the running heads removed: the number most of them print (the first of
/// equals), and the first head that prints it.
fn printed_serial(removed: &[furniture::Removed]) -> Option<PrintedSerial> {
    let found: Vec<(u32, Where)> = removed
        .iter()
        .filter(|r| r.kind == "running-head")
        .filter_map(|r| {
            let bare: String = r.text.chars().filter(|c| !c.is_whitespace()).collect();
            let rest = &bare[bare.find("总第")? + "总第".len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            rest[digits.len()..].starts_with('期').then_some(())?;
            digits.parse().ok().map(|n| (n, r.at))
        })
        .collect();
    let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
    for (n, _) in &found {
        *counts.entry(*n).or_insert(0) += 1;
    }
    let most = counts.values().copied().max()?;
    let (serial, at) = found.iter().find(|(n, _)| counts[n] == most)?;
    Some(PrintedSerial {
        serial: *serial,
        at: *at,
    })
}

/// Imports `pages` with the site's settings (its sections and series): a pure function.
pub fn import(pages: &[Page], config: &Config) -> Imported {
    // Suspicious characters, radicals mapped, before anything reads the text.
    let (pages, mut suspicious) = repair_characters(pages);
    // Two columns extracted side by side: left column first.
    let (pages, columns) = columns::repair(pages);
    for (page, line) in &columns {
        suspicious.push(Note {
            at: Some(Where {
                line: *line,
                page: *page,
            }),
            kind: "reading-order",
            message: "two columns printed side by side: read the left one, then the right one"
                .into(),
        });
    }
    let sections: Vec<String> = config.sections.iter().map(|s| s.name.clone()).collect();
    let mut cleaned = furniture::clean(&pages, &sections);
    let toc = contents::take(&mut cleaned.lines);
    let items = split::split(
        &cleaned.lines,
        sections.first().map(String::as_str),
        &split_defaults(&sections),
    );
    let printed: Vec<String> = items
        .iter()
        .filter_map(|i| i.doc_number.as_ref().map(|n| n.0.to_string()))
        .collect();
    let mut positions: BTreeMap<String, u32> = BTreeMap::new();
    let mut drafts: Vec<Draft> = Vec::new();
    for item in &items {
        let section = item.section.clone().unwrap_or_default();
        let position = positions.entry(section).or_insert(0);
        *position += 1;
        drafts.push(draft(item, *position, &printed, &suspicious));
    }
    confirm(&toc, &items, &mut drafts);
    let names = file_names(&items, config);
    for (d, name) in drafts.iter_mut().zip(names) {
        d.file = name;
    }
    Imported {
        drafts,
        printed_serial: printed_serial(&cleaned.removed),
        furniture: cleaned.removed,
        inferred_pages: cleaned.inferred_pages,
        scanned: pages
            .iter()
            .filter(|p| p.scanned)
            .map(|p| p.index)
            .collect(),
    }
}

/// `pages` with their suspicious characters repaired (radical forms mapped,
/// [`chars::repair`]), and a note for each one found.
fn repair_characters(pages: &[Page]) -> (Vec<Page>, Vec<Note>) {
    let mut pages = pages.to_vec();
    let mut suspicious: Vec<Note> = Vec::new();
    for page in &mut pages {
        for line in &mut page.lines {
            let (text, found) = chars::repair(&line.text);
            let at = Where {
                line: line.source_line,
                page: page.index,
            };
            for f in found {
                suspicious.push(match f {
                    chars::Suspicious::Mapped(r, c) => Note {
                        at: Some(at),
                        kind: "mapped-radical",
                        message: format!("radical form {r} (U+{:04X}) replaced by {c}", r as u32),
                    },
                    chars::Suspicious::Left(c) => Note {
                        at: Some(at),
                        kind: "suspicious-character",
                        message: format!(
                            "U+{:04X} left as it is: check it against the print",
                            c as u32
                        ),
                    },
                });
            }
            line.text = text;
        }
    }
    (pages, suspicious)
}

/// The sections of `sections` an item goes to when its text names none: documents, briefs
/// and the chronicle of events.
fn split_defaults(sections: &[String]) -> split::Defaults<'_> {
    // Where `gazette new doc` puts a document: 文件发布, or the first section.
    let documents = sections
        .iter()
        .find(|s| *s == "文件发布")
        .or(sections.first());
    let by_name = |f: &dyn Fn(&str) -> bool| sections.iter().find(|s| f(s)).map(String::as_str);
    split::Defaults {
        documents: documents.map(String::as_str),
        briefs: by_name(&|s| s.ends_with("简讯")),
        chronicle: by_name(&|s| s.ends_with("记事") || s.ends_with("大事记")),
    }
}

/// The draft of `item`, the `position`th of its section (its file name is given later):
/// its front matter and Markdown, with the notes for review — its own, the `suspicious`
/// characters within it, and the documents it lists that the issue does not print (of
/// those `printed`).
fn draft(item: &split::Item, position: u32, printed: &[String], suspicious: &[Note]) -> Draft {
    let fields = front::fields(item, position);
    let (body, guesses) = markup::markdown(&item.blocks, item.doc_number.is_none());
    let mut notes = item_notes(item, &guesses);
    notes.extend(
        suspicious
            .iter()
            .filter(|n| n.at.is_some_and(|at| covers(item, at)))
            .cloned(),
    );
    let title = item
        .title
        .as_ref()
        .map_or_else(|| item.section.clone().unwrap_or_default(), |t| t.0.clone());
    let unpublished: Vec<String> = guesses
        .listed
        .iter()
        .filter(|n| !printed.contains(n))
        .cloned()
        .collect();
    if !unpublished.is_empty() {
        notes.push(Note {
            at: guesses.tables.first().copied(),
            kind: "unpublished",
            message: format!(
                "listed but not printed in this issue: {} (extra.unpublished)",
                unpublished.join(", ")
            ),
        });
    }
    let text = front::file_text(&fields, item.editorial_title, &unpublished, &body);
    Draft {
        file: String::new(),
        title,
        start: item.start,
        start_reason: item.start_reason,
        fields,
        notes,
        text,
    }
}

/// The issue's 目录 confirms the split: an entry that no item's title matches, and an item
/// with a printed title that no entry lists, are points to review.
fn confirm(toc: &[contents::Entry], items: &[split::Item], drafts: &mut [Draft]) {
    if toc.is_empty() {
        return;
    }
    let bare = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let titles: Vec<Option<String>> = items
        .iter()
        .map(|i| i.title.as_ref().map(|t| bare(&t.0)))
        .collect();
    for e in toc {
        if !titles.iter().flatten().any(|t| *t == e.title)
            && let Some(d) = drafts.first_mut()
        {
            d.notes.push(Note {
                at: Some(e.at),
                kind: "guessed-boundary",
                message: format!("the 目录 lists {} (page {}), but no item has this title: check the items around page {}", e.title, e.page, e.page),
            });
        }
    }
    for (d, t) in drafts.iter_mut().zip(&titles) {
        if let Some(t) = t
            && !toc.iter().any(|e| e.title == *t)
        {
            d.notes.push(Note {
                at: Some(d.start),
                kind: "guessed-boundary",
                message: "the 目录 does not list this item's title: check where it starts".into(),
            });
        }
    }
}

/// Whether a source place lies in the item (between its first and last line).
fn covers(item: &split::Item, at: Where) -> bool {
    let mut lines = item.blocks.iter().flat_map(|b| match b {
        split::Block::Line(t) => vec![t.at],
        split::Block::Heading(_, w) => vec![*w],
        split::Block::Signature { lines, .. } => lines.iter().map(|l| l.at).collect(),
    });
    let first = lines.next();
    let last = lines.last().or(first);
    match (first, last, at.line) {
        (Some(f), Some(l), Some(n)) => {
            f.line.is_some_and(|f| f <= n) && l.line.is_some_and(|l| n <= l)
        }
        (Some(f), Some(l), None) => f.page <= at.page && at.page <= l.page,
        _ => false,
    }
}

fn item_notes(item: &split::Item, guesses: &markup::Guesses) -> Vec<Note> {
    let mut notes = Vec::new();
    if item.guessed {
        notes.push(Note {
            at: Some(item.start),
            kind: "guessed-boundary",
            message: format!(
                "the item is taken to start here ({}); check where it starts and ends",
                item.start_reason
            ),
        });
    }
    if item.editorial_title {
        notes.push(Note {
            at: Some(item.start),
            kind: "editorial-title",
            message: "no printed title found: the section's name is used (extra.editorial_title)"
                .into(),
        });
    }
    let signature = item.blocks.iter().find_map(|b| match b {
        split::Block::Signature { date, lines, .. } => Some((*date, lines[0].at)),
        _ => None,
    });
    if let Some((n, at)) = &item.doc_number {
        match signature {
            None => notes.push(Note {
                at: Some(*at),
                kind: "no-signature",
                message: "no signature block (organ and date) found: `date` and the signing issuers are missing; add them from the print".into(),
            }),
            Some((date, at)) if n.year.is_some_and(|y| y != date.year()) => notes.push(Note {
                at: Some(at),
                kind: "doc-number-year",
                message: format!("the 文号 year {} differs from the 成文日期 {date}", n.year.unwrap_or(0)),
            }),
            Some(_) => {}
        }
    }
    for (at, message) in &item.notes {
        let kind = if message.starts_with("section guessed") {
            "guessed-section"
        } else {
            "reading-order"
        };
        notes.push(Note {
            at: Some(*at),
            kind,
            message: message.clone(),
        });
    }
    for at in &guesses.tables {
        notes.push(Note {
            at: Some(*at),
            kind: "guessed-table",
            message: "lines in columns made into a table: check the rows and cells (the header row may be the editor's)".into(),
        });
    }
    notes
}

/// File names by the bundled issue's scheme: a numbered document after its 文号
/// (`wzf-2019-16`; an order by the year of its date), an item alone in its section by the
/// section's slug (`chronicle`), several items of one section numbered with the initials of
/// their titles (`brief-1-qgda`).
fn file_names(items: &[split::Item], config: &Config) -> Vec<String> {
    let slug_of = |section: &Option<String>| {
        section
            .as_ref()
            .and_then(|s| config.sections.iter().find(|c| &c.name == s))
            .map_or_else(|| "item".to_string(), |s| s.slug.clone())
    };
    let mut unnumbered: BTreeMap<String, usize> = BTreeMap::new();
    for item in items.iter().filter(|i| i.doc_number.is_none()) {
        *unnumbered.entry(slug_of(&item.section)).or_insert(0) += 1;
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut counters: BTreeMap<String, usize> = BTreeMap::new();
    items
        .iter()
        .map(|item| {
            let base = match &item.doc_number {
                Some((n, _)) => {
                    let year = n.year.or_else(|| {
                        item.blocks.iter().find_map(|b| match b {
                            split::Block::Signature { date, .. } => Some(date.year()),
                            _ => None,
                        })
                    });
                    let series = crate::index::series_slug(config, &n.prefix);
                    match year {
                        Some(y) if slug::is_valid(&series) => format!("{series}-{y}-{}", n.seq),
                        _ => format!("doc-{}", n.seq),
                    }
                }
                None => {
                    let s = slug_of(&item.section);
                    if unnumbered.get(&s).copied().unwrap_or(0) > 1 {
                        let k = counters.entry(s.clone()).or_insert(0);
                        *k += 1;
                        let single = s.strip_suffix('s').unwrap_or(&s).to_string();
                        let initials: String = item
                            .title
                            .as_ref()
                            .map(|t| slug::initials(&t.0).chars().take(10).collect())
                            .unwrap_or_default();
                        if initials.is_empty() {
                            format!("{single}-{k}")
                        } else {
                            format!("{single}-{k}-{initials}")
                        }
                    } else {
                        s
                    }
                }
            };
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let name = if *n > 1 { format!("{base}-{n}") } else { base };
            format!("{name}.md")
        })
        .collect()
}

/// The pages of a PDF, or the error that says why they cannot be read.
pub fn read_pdf_pages(bytes: &[u8], name: &str) -> Result<Vec<Page>, Error> {
    pdf::read(bytes).map_err(|e| {
        let (code, hint) = match &e {
            pdf::PdfError::Empty => ("empty-source", "the file has no bytes: copy it again"),
            pdf::PdfError::NotPdf => (
                "not-pdf",
                "a PDF starts with %PDF-; a text file extracted from one can be imported as it is",
            ),
            pdf::PdfError::Encrypted => (
                "pdf-encrypted",
                "open it with its password and save an unencrypted copy",
            ),
            pdf::PdfError::Damaged(_) => (
                "pdf-damaged",
                "get the file again; or extract its text with another tool and import the text",
            ),
        };
        Error::Invalid(vec![
            Diagnostic::error(name, 1, 1, code, e.to_string()).with_hint(hint),
        ])
    })
}

/// The pages of a source file: a PDF (`%PDF-`), or text in UTF-8 or GB18030.
pub fn read_source(
    bytes: &[u8],
    name: &str,
) -> Result<(Vec<Page>, Option<decode::Encoding>), Error> {
    // A file named .pdf is read as one, so that a damaged or mislabelled PDF is told so.
    if bytes.starts_with(b"%PDF-") || name.to_ascii_lowercase().ends_with(".pdf") {
        return read_pdf_pages(bytes, name).map(|p| (p, None));
    }
    match decode::decode(bytes) {
        Ok((text, encoding)) => Ok((text::pages(&text), Some(encoding))),
        Err(decode::DecodeError::Empty) => Err(Error::Invalid(vec![Diagnostic::error(
            name,
            1,
            1,
            "empty-source",
            "the file holds no text",
        )])),
        Err(decode::DecodeError::NotText(at)) => {
            let before = &bytes[..at.min(bytes.len())];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let col = at
                - before
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |p| p + 1)
                + 1;
            Err(Error::Invalid(vec![
                Diagnostic::error(
                    name,
                    line,
                    col,
                    "not-text",
                    "not a text file: neither UTF-8 nor GB18030 text, nor a PDF",
                )
                .with_hint("import a PDF, or the text extracted from one"),
            ]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse(b"").expect("the default settings")
    }

    #[test]
    fn briefs_and_a_chronicle_after_a_signed_document_find_their_sections() {
        let config = Config::parse(
            "sections:\n  - {name: 图片新闻, slug: photos}\n  - {name: 文件发布, slug: documents}\n  - {name: 政务简讯, slug: briefs}\n  - {name: 政府记事, slug: chronicle}\n".as_bytes(),
        )
        .expect("settings");
        let text = "温政发〔2020〕1号\n温州市人民政府\n关于做好春节期间安全工作的通知\n各县（市、区）人民政府：\n现将有关事项通知如下。\n        温州市人民政府\n        2020年1月10日\n全市工业企业复工率超过九成\n截至2月28日，全市工业企业复工率达到92.6%。\n2月份市政府记事\n3日\n△ 市长主持召开市政府常务会议。\n";
        let imported = import(&text::pages(text), &config);
        let heads: Vec<String> = imported
            .drafts
            .iter()
            .map(|d| d.text.lines().take(3).collect::<Vec<_>>().join("\n"))
            .collect();
        assert_eq!(imported.drafts.len(), 3, "{heads:#?}");
        assert!(heads[0].contains("section: \"文件发布\""), "{heads:#?}");
        assert!(
            heads[1].contains("title: \"全市工业企业复工率超过九成\"\nsection: \"政务简讯\""),
            "{heads:#?}"
        );
        assert!(heads[2].contains("section: \"政府记事\""), "{heads:#?}");
    }

    #[test]
    fn a_small_issue_end_to_end() {
        let text = "温政发〔2020〕1号\n温州市人民政府\n关于做好春节期间安全工作的通知\n各县（市、区）人民政府，市政府直属各单位：\n现将有关事项通知如下。\n一、加强值班\n各地要落实值班制度。\n        温州市人民政府\n        2020年1月10日\n";
        let imported = import(&text::pages(text), &config());
        assert_eq!(imported.drafts.len(), 1);
        let d = &imported.drafts[0];
        assert_eq!(d.file, "wzf-2020-1.md");
        assert!(
            d.text.contains("doc_number: 温政发〔2020〕1号\n"),
            "{}",
            d.text
        );
        assert!(d.text.contains("date: 2020-01-10\n"), "{}", d.text);
        assert!(d.text.contains("draft: true\n"), "{}", d.text);
        assert!(
            d.text.ends_with(
                "### 一、加强值班\n\n各地要落实值班制度。\n\n温州市人民政府\n2020年1月10日\n"
            ),
            "{}",
            d.text
        );
        assert_eq!(
            import(&text::pages(text), &config()).drafts[0].text,
            d.text,
            "the same input gives the same output"
        );
    }

    #[test]
    fn the_table_of_contents_confirms_the_split() {
        let text = "目  录\n温州市人民政府关于做好春节期间安全工作的通知………… 1\n温州市人民政府关于另一件事的通知………… 2\n温政发〔2020〕1号\n温州市人民政府\n关于做好春节期间安全工作的通知\n现将有关事项通知如下。\n        温州市人民政府\n        2020年1月10日\n";
        let imported = import(&text::pages(text), &config());
        assert_eq!(imported.drafts.len(), 1, "the 目录 is not an item");
        let notes: Vec<&str> = imported.drafts[0]
            .notes
            .iter()
            .map(|n| n.message.as_str())
            .collect();
        assert!(
            notes
                .iter()
                .any(|n| n.contains("温州市人民政府关于另一件事的通知 (page 2)")),
            "{notes:?}"
        );
        assert!(
            !notes.iter().any(|n| n.contains("does not list this item")),
            "{notes:?}"
        );
    }

    proptest::proptest! {
        #[test]
        fn import_never_panics(text in "([\\PC]{0,40}\n){0,40}", feed in proptest::bool::ANY) {
            let text = if feed { text.replace('\n', "\n\u{c}") } else { text };
            let imported = import(&text::pages(&text), &config());
            for d in &imported.drafts {
                proptest::prop_assert!(d.file.ends_with(".md"));
                proptest::prop_assert!(d.text.starts_with("---\n"));
            }
        }

        #[test]
        fn cjk_and_markers_never_panic(text in "([一二三四五六七八九十、（）第条章号〔〕年月日政府关于通知温发0-9 ：。，·-]{0,30}\n){0,60}") {
            let _ = import(&text::pages(&text), &config());
        }
    }
}
