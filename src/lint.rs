//! Warnings a careful editor wants: things that build, but are probably mistakes.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::content::doc_number::DocNumber;
use crate::content::{Archive, doc_type_of_title};
use crate::error::Diagnostic;
use crate::index::Index;

/// The section whose documents list the issue's 发文目录.
pub const DOCUMENT_LIST_SECTION: &str = "发文目录";

/// Every warning for the archive, unsorted.
pub fn warnings(config: &Config, archive: &Archive, index: &Index) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for d in &archive.documents {
        let issue = &archive.issues[d.issue];
        if d.draft {
            let (l, _) = d.position_of("draft");
            out.push(
                Diagnostic::warning(
                    &d.source,
                    l,
                    1,
                    "draft",
                    "a draft, not yet reviewed: `build` leaves it out",
                )
                .with_hint("review it against the print, then delete the line `draft: true`"),
            );
        }
        if let (Some(n), Some(date)) = (&d.doc_number, d.date)
            && let Some(year) = n.year
            && year != date.year()
        {
            let (l, c) = d.position_of("doc_number");
            out.push(
                Diagnostic::warning(
                    &d.source,
                    l,
                    c,
                    "doc-number-year",
                    format!(
                        "the 文号 year {year} differs from the year of the 成文日期 {}",
                        date.chinese()
                    ),
                )
                .with_hint("check the 文号 and `date` against the print"),
            );
        }
        if let (Some(date), Some(published)) = (d.date, issue.published)
            && date > published
        {
            let (l, c) = d.position_of("date");
            out.push(
                Diagnostic::warning(
                    &d.source,
                    l,
                    c,
                    "date-after-publication",
                    format!(
                        "the 成文日期 {} is after the issue's publication date {}",
                        date.chinese(),
                        published.chinese()
                    ),
                )
                .with_hint(format!(
                    "check `date` here and `published` in {}",
                    issue.source
                )),
            );
        }
        if d.positions.contains_key("doc_type")
            && let (Some(given), Some(from_title)) = (&d.doc_type, doc_type_of_title(&d.title))
            && given != from_title
        {
            let (l, c) = d.position_of("doc_type");
            out.push(
                Diagnostic::warning(
                    &d.source,
                    l,
                    c,
                    "doc-type-mismatch",
                    format!(
                        "`doc_type: {given}` contradicts the title, which ends in {from_title}"
                    ),
                )
                .with_hint("remove `doc_type` to take the 文种 from the title, or correct it"),
            );
        }
        if let (Some(from), Some(until)) = (d.valid_from, d.valid_until)
            && until < from
        {
            let (l, c) = d.position_of("valid_until");
            out.push(
                Diagnostic::warning(
                    &d.source,
                    l,
                    c,
                    "validity-order",
                    format!(
                        "`valid_until` {} is before `valid_from` {}",
                        until.chinese(),
                        from.chinese()
                    ),
                )
                .with_hint("check both dates against the print"),
            );
        }
    }
    for docs in &index.issue_documents {
        positions(config, archive, docs, &mut out);
        pages(archive, docs, &mut out);
        document_list(config, archive, index, docs, &mut out);
    }
    out
}

/// Within each section of an issue, positions must not repeat and, when every item has one,
/// run 1, 2, 3 … without a gap.
fn positions(config: &Config, archive: &Archive, docs: &[usize], out: &mut Vec<Diagnostic>) {
    let mut by_section: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &d in docs {
        by_section
            .entry(archive.documents[d].section)
            .or_default()
            .push(d);
    }
    for (section, docs) in by_section {
        let mut seen: BTreeMap<u32, usize> = BTreeMap::new();
        for &d in &docs {
            let doc = &archive.documents[d];
            let Some(p) = doc.position else { continue };
            if let Some(other) = seen.insert(p, d) {
                let other = &archive.documents[other].source;
                let (l, c) = doc.position_of("position");
                out.push(
                    Diagnostic::warning(
                        &doc.source,
                        l,
                        c,
                        "position-duplicate",
                        format!(
                            "`position: {p}` is also the position of {other} in {}",
                            config.sections[section].name
                        ),
                    )
                    .with_hint("give each item of a section its own position, in printed order"),
                );
            }
        }
        if seen.len() == docs.len() {
            for (expected, (&p, &d)) in (1u32..).zip(&seen) {
                if p != expected {
                    let doc = &archive.documents[d];
                    let source = &doc.source;
                    let (l, c) = doc.position_of("position");
                    out.push(Diagnostic::warning(source, l, c, "position-gap",
                        format!("`position: {p}` leaves a gap in {}: no item has position {expected}", config.sections[section].name))
                        .with_hint("number the items of a section 1, 2, 3 … in printed order"));
                    break;
                }
            }
        }
    }
}

/// Printed pages, in table-of-contents order, must neither skip nor go back.
fn pages(archive: &Archive, docs: &[usize], out: &mut Vec<Diagnostic>) {
    let mut previous: Option<(u32, &str)> = None;
    for &d in docs {
        let doc = &archive.documents[d];
        let Some((first, last)) = doc.pages else {
            continue;
        };
        if let Some((prev_last, prev_source)) = previous {
            let (l, c) = doc.position_of("pages");
            if first > prev_last + 1 {
                out.push(Diagnostic::warning(&doc.source, l, c, "page-gap",
                    format!("pages {}–{} are not covered: {prev_source} ends on page {prev_last}, this starts on page {first}", prev_last + 1, first - 1))
                    .with_hint("check `pages` here and in the item before it against the print"));
            } else if first < prev_last {
                out.push(
                    Diagnostic::warning(
                        &doc.source,
                        l,
                        c,
                        "page-overlap",
                        format!(
                            "starts on page {first}, before {prev_source} ends (page {prev_last})"
                        ),
                    )
                    .with_hint("check `pages` and `position` against the print"),
                );
            }
        }
        previous = Some((last, &doc.source));
    }
}

/// Every 文号 in the first column of the issue's 发文目录 table should be in the archive, unless
/// the 发文目录 lists it under `extra.unpublished` (a gazette prints only some of the month's
/// documents).
fn document_list(
    config: &Config,
    archive: &Archive,
    index: &Index,
    docs: &[usize],
    out: &mut Vec<Diagnostic>,
) {
    for &d in docs {
        let doc = &archive.documents[d];
        if config.sections[doc.section].name != DOCUMENT_LIST_SECTION {
            continue;
        }
        let unpublished: Vec<String> = doc
            .extra
            .get("unpublished")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .filter_map(|s| DocNumber::parse(s).ok())
                    .map(|n| n.to_string())
                    .collect()
            })
            .unwrap_or_default();
        let body = doc.body.read(&doc.source).unwrap_or_default();
        for (k, line) in body.lines().enumerate() {
            let Some(cell) = line
                .trim()
                .strip_prefix('|')
                .and_then(|rest| rest.split('|').next())
            else {
                continue;
            };
            let Ok(number) = DocNumber::parse(cell.trim()) else {
                continue;
            };
            let normal = number.to_string();
            if !index.by_doc_number.contains_key(&normal) && !unpublished.contains(&normal) {
                let column = line
                    .find(cell.trim())
                    .map_or(1, |b| line[..b].chars().count() + 1);
                out.push(Diagnostic::warning(&doc.source, doc.body_line + k, column, "listed-not-published",
                    format!("{normal} is listed in the 发文目录 but no document of the archive has this 文号"))
                    .with_hint("add the document, or, if the gazette did not print it, list it under `extra: {unpublished: [...]}` in this file's front matter"));
            }
        }
    }
}
