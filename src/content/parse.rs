//! Parsing one issue or document file: front matter split off, read as YAML into the
//! fields of the README's tables ([`super::raw`]), and checked value by value, so that every
//! problem of a file is reported at once, each at the position of its field.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use super::date::Date;
use super::discover::{Found, FoundKind};
use super::doc_number::DocNumber;
use super::doc_type::doc_type_of_title;
use super::fields::{DOCUMENT_TABLE, FieldCheck, ISSUE_TABLE, front_matter_problems};
use super::front_matter::{self, Split, SplitError};
use super::load::{Item, Parsed, stamp_of};
use super::raw::{DateInput, RawDocument, RawIssue, RawStatus};
use super::read::{read_bytes_at, text_of};
use super::{
    Body, DeclaredState, DeclaredStatus, Document, Issue, MAX_MARKDOWN_BYTES, SourceFile, Stamp,
    is_plain,
};
use crate::config::Config;
use crate::error::Diagnostic;
use crate::yaml::{self, key_positions};

/// Reads and parses `found`.
pub(super) fn parse_file(found: &Found, config: &Config) -> Result<Parsed, Vec<Diagnostic>> {
    let stamp = stamp_of(found)?;
    let (bytes, _) =
        read_bytes_at(&found.path, &found.rel, MAX_MARKDOWN_BYTES).map_err(|d| vec![d])?;
    parse_bytes(found, config, stamp, &bytes)
}

/// Parses `bytes`, read from `found` after its identity `stamp` was taken.
pub(super) fn parse_bytes(
    found: &Found,
    config: &Config,
    stamp: Stamp,
    bytes: &[u8],
) -> Result<Parsed, Vec<Diagnostic>> {
    let rel = found.rel.as_str();
    let digest: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(bytes).into();
    let text = text_of(bytes, rel).map_err(|d| vec![d])?;
    if text.trim().is_empty() {
        return Err(vec![
            Diagnostic::error(rel, 1, 1, "empty-file", "the file is empty")
                .with_hint("start it with front matter: a line `---`, the fields, a line `---`"),
        ]);
    }
    let split = front_matter::split(&text).map_err(|e| vec![split_problem(rel, e)])?;
    let fields = Fields::new(rel, &split);
    let (FoundKind::Issue { dir } | FoundKind::Document { dir } | FoundKind::Asset { dir, .. }) =
        found.kind;
    let (item, front) = if matches!(found.kind, FoundKind::Issue { .. }) {
        let issue = parse_issue(fields, dir, &split)?;
        (Item::Issue(dir, Box::new(issue)), [0; 32])
    } else {
        let mut doc = parse_document(fields, config, &split)?;
        doc.body = Body {
            path: found.path.clone(),
            start: text.len() - split.body.len(),
            text_len: text.len(),
            modified: stamp.modified(),
            inline: String::new(),
            plain: is_plain(split.body),
        };
        let front = front_key(rel, &text.as_bytes()[..text.len() - split.body.len()]);
        (Item::Document(dir, Box::new(doc)), front)
    };
    Ok(Parsed {
        item,
        file: SourceFile {
            stamp,
            digest,
            front,
        },
        reused: false,
    })
}

/// The key of a document file's path and front matter (`head`: the text before the body).
fn front_key(rel: &str, head: &[u8]) -> [u8; 32] {
    let mut h = crate::digest::key_hasher();
    h.update(rel.as_bytes());
    h.update(&[0]);
    h.update(head);
    h.finish_bytes()
}

/// Why a file has no front matter, as a diagnostic.
fn split_problem(rel: &str, e: SplitError) -> Diagnostic {
    match e {
        SplitError::Missing => Diagnostic::error(
            rel,
            1,
            1,
            "missing-front-matter",
            "the file does not start with front matter",
        )
        .with_hint("the first line must be `---`, followed by the fields and a closing `---`"),
        SplitError::Unterminated => Diagnostic::error(
            rel,
            1,
            1,
            "unterminated-front-matter",
            "the front matter opened here is never closed",
        )
        .with_hint("add a line `---` after the last field"),
    }
}

/// The front matter of one file while it is checked: where each field stands, and the
/// problems found so far.
struct Fields<'a> {
    rel: &'a str,
    yaml: &'a str,
    yaml_line: usize,
    keys: BTreeMap<String, (usize, usize)>,
    problems: Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    fn new(rel: &'a str, split: &Split<'a>) -> Fields<'a> {
        Fields {
            rel,
            yaml: split.yaml,
            yaml_line: split.yaml_line,
            keys: key_positions(split.yaml, split.yaml_line),
            problems: Vec::new(),
        }
    }

    /// The front matter read into `T`, whose fields `table` lists. YAML that is not a mapping
    /// gets its own message; it is told apart only once the typed parse has failed, so valid
    /// files are parsed once.
    fn typed<T: DeserializeOwned>(&self, table: &[FieldCheck]) -> Result<T, Vec<Diagnostic>> {
        yaml::from_str(self.yaml)
            .map_err(|e| front_matter_problems(self.rel, self.yaml, self.yaml_line, table, &e))
    }

    /// Where field `key` stands, or the first line of the front matter.
    fn at(&self, key: &str) -> (usize, usize) {
        self.keys.get(key).copied().unwrap_or((self.yaml_line, 1))
    }

    /// An error at field `key`.
    fn error(&self, key: &str, code: &'static str, message: impl Into<String>) -> Diagnostic {
        let (line, column) = self.at(key);
        Diagnostic::error(self.rel, line, column, code, message)
    }

    fn push(&mut self, problem: Diagnostic) {
        self.problems.push(problem);
    }

    /// The date of field `key`, or a problem.
    fn date(&mut self, key: &str, input: Option<DateInput>) -> Option<Date> {
        let input = input?;
        match Date::parse(&input.0) {
            Ok(d) => Some(d),
            Err(message) => {
                let problem = self
                    .error(key, "bad-date", format!("`{key}`: {message}"))
                    .with_hint("dates are YYYY-MM-DD, e.g. 2019-12-09, or 2019年12月9日");
                self.push(problem);
                None
            }
        }
    }

    /// The value made, or every problem found.
    fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<Diagnostic>> {
        if self.problems.is_empty() {
            Ok(value())
        } else {
            Err(self.problems)
        }
    }
}

/// The issue of `_index.md` in the folder `dir` (year, number).
fn parse_issue(mut f: Fields, dir: (u16, u16), split: &Split) -> Result<Issue, Vec<Diagnostic>> {
    let raw: RawIssue = f.typed(ISSUE_TABLE)?;
    if raw.year != dir.0 {
        let problem = f
            .error(
                "year",
                "folder-mismatch",
                format!(
                    "`year: {}` does not match the folder content/{}/",
                    raw.year, dir.0
                ),
            )
            .with_hint(format!(
                "write `year: {}` or move the issue to content/{}/{:02}/",
                dir.0, raw.year, dir.1
            ));
        f.push(problem);
    }
    if raw.number != dir.1 {
        let problem = f
            .error(
                "number",
                "folder-mismatch",
                format!(
                    "`number: {}` does not match the folder content/{}/{:02}/",
                    raw.number, dir.0, dir.1
                ),
            )
            .with_hint(format!(
                "write `number: {}` or move the issue to content/{}/{:02}/",
                dir.1, dir.0, raw.number
            ));
        f.push(problem);
    }
    if raw.serial == 0 {
        let problem = f.error(
            "serial",
            "bad-serial",
            "`serial` (总第N期) must be at least 1",
        );
        f.push(problem);
    }
    let published = f.date("published", raw.published);
    let source = f.rel.to_string();
    f.finish(|| Issue {
        year: raw.year,
        number: raw.number,
        serial: raw.serial,
        published,
        pdf: raw.pdf,
        note: split.body.to_string(),
        note_line: split.body_line,
        source,
        assets: Vec::new(),
        extra: raw.extra,
    })
}

/// The document of a file, its body not yet placed (see [`parse_bytes`]).
fn parse_document(
    mut f: Fields,
    config: &Config,
    split: &Split,
) -> Result<Document, Vec<Diagnostic>> {
    let raw: RawDocument = f.typed(DOCUMENT_TABLE)?;
    let rel = f.rel;
    let stem = rel
        .rsplit('/')
        .next()
        .unwrap_or(rel)
        .trim_end_matches(".md")
        .to_string();
    if raw.title.trim().is_empty() {
        let problem = f
            .error("title", "empty-field", "`title` is empty")
            .with_hint("write the title as printed");
        f.push(problem);
    }
    let section = section_of(&mut f, config, &raw.section);
    let doc_number = raw.doc_number.as_deref().and_then(|text| match DocNumber::parse(text) {
        Ok(n) => Some(n),
        Err(message) => {
            let problem = f.error("doc_number", "bad-doc-number", message)
                .with_hint("write it as printed, e.g. 温政发〔2019〕16号, 温浙集（开）管〔2019〕71号 or 温州市人民政府令第3号");
            f.push(problem);
            None
        }
    });
    if let Some(reg) = &raw.registration_number
        && !is_registration_number(reg)
    {
        let problem = f.error("registration_number", "bad-registration-number",
            format!("registration number `{reg}` does not match the pattern AAAA00-0000-0000"))
            .with_hint("write it as printed, e.g. ZJCC00-2019-0007: four capital letters, two digits, a four-digit year and a four-digit number");
        f.push(problem);
    }
    let date = f.date("date", raw.date);
    let valid_from = f.date("valid_from", raw.valid_from);
    let valid_until = f.date("valid_until", raw.valid_until);
    let status = raw.status.and_then(|s| status_of(&mut f, s));
    if raw.doc_number.is_some() {
        needs_of_a_doc_number(&mut f, &raw.issuers);
    }
    let issuers = issuers_of(&mut f, config, &raw.issuers);
    let pages = pages_of(&mut f, raw.pages.as_deref());
    let doc_type = doc_type_of(&mut f, raw.doc_type, &raw.title);
    let positions = std::mem::take(&mut f.keys);
    f.finish(|| Document {
        issue: 0,
        source: rel.to_string(),
        stem,
        title: raw.title.trim().to_string(),
        section: section.expect("checked above"),
        doc_number,
        registration_number: raw.registration_number,
        issuers,
        date,
        doc_type,
        addressees: raw.addressees,
        valid_from,
        valid_until,
        status,
        pages,
        position: raw.position,
        attachments: raw.attachments,
        subjects: raw.subjects,
        draft: raw.draft,
        extra: raw.extra,
        body: Body::default(),
        body_line: split.body_line,
        positions,
    })
}

/// The index of section `name` among the site's sections, or a problem.
fn section_of(f: &mut Fields, config: &Config, name: &str) -> Option<usize> {
    let section = config.section_index(name);
    if section.is_none() {
        let hint = match config.suggest_section(name) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "sections are: {} (set them in gazette.yaml under `sections`)",
                config.section_list()
            ),
        };
        let problem = f
            .error(
                "section",
                "unknown-section",
                format!("unknown section `{name}`"),
            )
            .with_hint(hint);
        f.push(problem);
    }
    section
}

/// `status:` checked; every problem is placed at the field.
fn status_of(f: &mut Fields, s: RawStatus) -> Option<DeclaredStatus> {
    let state = DeclaredState::WORDS
        .iter()
        .find(|(w, _)| *w == s.state.trim())
        .map(|(_, st)| *st);
    if state.is_none() {
        let problem = f
            .error(
                "status",
                "bad-status",
                format!("`status.state: {}` is not a known state", s.state),
            )
            .with_hint("write `state: 废止` (repealed), `state: 失效` (no longer in force) or `state: 有效` (confirmed in force)");
        f.push(problem);
    }
    let date = s.date.and_then(|input| match Date::parse(&input.0) {
        Ok(d) => Some(d),
        Err(message) => {
            let problem = f
                .error("status", "bad-date", format!("`status.date`: {message}"))
                .with_hint("dates are YYYY-MM-DD, e.g. 2019-12-09, or 2019年12月9日");
            f.push(problem);
            None
        }
    });
    let replaced_by = s.replaced_by.and_then(|text| match DocNumber::parse(&text) {
        Ok(n) => Some(n),
        Err(message) => {
            let problem = f
                .error("status", "bad-doc-number", format!("`status.replaced_by`: {message}"))
                .with_hint("give the 文号 of the replacing document as printed, e.g. 温政发〔2021〕3号");
            f.push(problem);
            None
        }
    });
    let reason = s
        .reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    state.map(|state| DeclaredStatus {
        state,
        date,
        reason,
        replaced_by,
    })
}

/// What a document with a `doc_number` must also have: `issuers` and `date`.
fn needs_of_a_doc_number(f: &mut Fields, issuers: &[String]) {
    if issuers.is_empty() {
        let problem = f
            .error(
                "doc_number",
                "missing-field",
                "a document with a `doc_number` needs `issuers`",
            )
            .with_hint("add `issuers: [温州市人民政府]`, the lead issuer first");
        f.push(problem);
    }
    if !f.keys.contains_key("date") {
        let problem = f
            .error(
                "doc_number",
                "missing-field",
                "a document with a `doc_number` needs `date` (成文日期)",
            )
            .with_hint("add `date: 2019-12-09`, the date of the signature block");
        f.push(problem);
    }
}

/// The issuers, trimmed and with aliases resolved; empty and repeated names are problems.
fn issuers_of(f: &mut Fields, config: &Config, names: &[String]) -> Vec<String> {
    let mut issuers: Vec<String> = Vec::new();
    for name in names {
        let name = name.trim();
        let canonical = config
            .issuers
            .iter()
            .find(|(_, s)| s.aliases.iter().any(|a| a == name))
            .map_or(name, |(canonical, _)| canonical.as_str());
        if name.is_empty() {
            let problem = f.error("issuers", "empty-field", "an issuer name is empty");
            f.push(problem);
        } else if issuers.iter().any(|i| i == canonical) {
            let problem = f.error(
                "issuers",
                "duplicate-issuer",
                format!("issuer `{canonical}` is listed twice"),
            );
            f.push(problem);
        } else {
            issuers.push(canonical.to_string());
        }
    }
    issuers
}

/// `pages:` as first and last page, or a problem.
fn pages_of(f: &mut Fields, pages: Option<&[u32]>) -> Option<(u32, u32)> {
    match pages {
        None => None,
        Some([p]) if *p > 0 => Some((*p, *p)),
        Some([a, b]) if *a > 0 && a <= b => Some((*a, *b)),
        Some(other) => {
            let problem = f.error("pages", "bad-pages", format!("`pages: {other:?}` is not [first, last]"))
                .with_hint("write the printed pages as `pages: [4, 7]` (first ≤ last), or `pages: [4]` for one page");
            f.push(problem);
            None
        }
    }
}

/// The 文种: as given, or derived from the title.
fn doc_type_of(f: &mut Fields, given: Option<String>, title: &str) -> Option<String> {
    match given {
        Some(t) if t.trim().is_empty() => {
            let problem = f
                .error("doc_type", "empty-field", "`doc_type` is empty")
                .with_hint("remove it to derive the 文种 from the title");
            f.push(problem);
            None
        }
        Some(t) => Some(t.trim().to_string()),
        None => doc_type_of_title(title).map(str::to_string),
    }
}

/// `^[A-Z]{4}\d{2}-\d{4}-\d{4}$`.
pub fn is_registration_number(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 16
        && b[..4].iter().all(u8::is_ascii_uppercase)
        && b[4..6].iter().all(u8::is_ascii_digit)
        && b[6] == b'-'
        && b[7..11].iter().all(u8::is_ascii_digit)
        && b[11] == b'-'
        && b[12..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_numbers() {
        assert!(is_registration_number("ZJCC00-2019-0007"));
        for bad in [
            "ZJCC0-2019-0007",
            "zjcc00-2019-0007",
            "ZJCC00-2019-007",
            "ZJCC00_2019_0007",
            "ZJCC00-2019-00071",
        ] {
            assert!(!is_registration_number(bad), "{bad}");
        }
    }
}
