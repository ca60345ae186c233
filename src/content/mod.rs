//! Reading an archive: discover the files under `content/`, parse them in parallel, validate
//! each on its own. Checks that span files (duplicates, slugs, URLs) live in [`crate::index`].

pub mod cache;
pub mod citation;
pub mod date;
pub mod doc_number;
mod fields;
pub mod front_matter;
pub mod markdown;
pub mod slug;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::line_col;
use crate::error::{Diagnostic, did_you_mean};
use crate::yaml::{self, YamlError, YamlErrorKind};
use date::Date;
use doc_number::DocNumber;
use fields::{DOCUMENT_TABLE, FieldCheck, ISSUE_TABLE, file_problems, front_matter_problems};
use front_matter::{SplitError, key_positions};

pub use cache::{LoadCache, Stamp};

/// The folder under the site root that holds the issues.
pub const CONTENT_DIR: &str = "content";
/// The file that describes an issue.
pub const ISSUE_FILE: &str = "_index.md";
/// Markdown files larger than this are refused: no gazette document is that long, and a
/// runaway file must not exhaust memory.
pub const MAX_MARKDOWN_BYTES: u64 = 16 * 1024 * 1024;

/// One gazette issue (`content/<year>/<nn>/`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Issue {
    /// The year.
    pub year: u16,
    /// 第N期 within the year.
    pub number: u16,
    /// 总第N期.
    pub serial: u32,
    /// Publication date, if printed.
    pub published: Option<Date>,
    /// Facsimile PDF, relative to the issue folder.
    pub pdf: Option<String>,
    /// The editor's note (Markdown body of `_index.md`).
    pub note: String,
    /// The line of `_index.md` on which the note starts.
    pub note_line: usize,
    /// `content/2019/12/_index.md`.
    pub source: String,
    /// Other files of the issue folder, relative to it (`gazette.pdf`, `img/a.jpg`), sorted.
    pub assets: Vec<String>,
    /// Anything else, passed to templates.
    #[serde(with = "cache::json_map")]
    pub extra: BTreeMap<String, serde_json::Value>,
    /// The identity of `_index.md` when it was read.
    pub stamp: Stamp,
    /// The SHA-256 of the bytes of `_index.md` that were read: what lets a load take the
    /// record for a file whose identity changed (a fresh checkout) but whose bytes did not.
    pub digest: [u8; 32],
    /// Whether the issue was taken from the [`LoadCache`] instead of being parsed.
    #[serde(skip)]
    pub reused: bool,
}

impl Issue {
    /// `2019/12`.
    pub fn dir(&self) -> String {
        format!("{}/{:02}", self.year, self.number)
    }

    /// `2019年第12期`.
    pub fn label(&self) -> String {
        format!("{}年第{}期", self.year, self.number)
    }
}

/// A document's Markdown body. Only where it lies is kept in memory: the text is read again
/// from the file when it is rendered, so that an archive's bodies are never all resident.
/// Serialised without the file's path and time, which a load sets from where the site is.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Body {
    /// The file; empty for a body held in memory.
    #[serde(skip)]
    path: PathBuf,
    /// Byte offset of the body in the file's text (BOM removed, CRLF folded).
    start: usize,
    /// Length of that text and the file's modification time when it was read, to notice an
    /// edit made while the build runs.
    text_len: usize,
    #[serde(skip)]
    modified: Option<std::time::SystemTime>,
    /// A body held in memory instead of a file.
    inline: String,
    /// Whether the text can neither cite a 文号 nor link anywhere (see `is_plain`): then
    /// what it refers to is known without reading it again.
    plain: bool,
}

impl Body {
    /// A body held in memory.
    pub fn inline(text: impl Into<String>) -> Body {
        let inline: String = text.into();
        Body {
            plain: is_plain(&inline),
            inline,
            ..Body::default()
        }
    }

    /// Whether the body can neither cite a 文号 nor link anywhere.
    pub fn is_plain(&self) -> bool {
        self.plain
    }

    /// The body's text. `rel` names the file in messages.
    pub fn read(&self, rel: &str) -> Result<String, Diagnostic> {
        if self.path.as_os_str().is_empty() {
            return Ok(self.inline.clone());
        }
        let changed = || {
            Diagnostic::error(
                rel,
                1,
                1,
                "file-changed",
                "the file changed while the site was being built",
            )
            .with_hint("build again")
        };
        let (mut text, modified) = read_text_at(&self.path, rel, MAX_MARKDOWN_BYTES)?;
        if modified != self.modified
            || text.len() != self.text_len
            || !text.is_char_boundary(self.start)
        {
            return Err(changed());
        }
        text.drain(..self.start);
        Ok(text)
    }
}

/// An 附件 listed in front matter.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// The attachment's title.
    pub title: String,
    /// A file in the issue folder, if the attachment is a separate file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// One item printed in an issue.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Document {
    /// Index of its issue in [`Archive::issues`].
    pub issue: usize,
    /// `content/2019/12/wzf-2019-16.md`.
    pub source: String,
    /// The file name without `.md`.
    pub stem: String,
    /// 标题.
    pub title: String,
    /// Index of its 栏目 in the site's sections.
    pub section: usize,
    /// 发文字号, normalised.
    pub doc_number: Option<DocNumber>,
    /// 规范性文件统一登记号.
    pub registration_number: Option<String>,
    /// 发文机关, lead first, aliases resolved.
    pub issuers: Vec<String>,
    /// 成文日期.
    pub date: Option<Date>,
    /// 文种, given or derived from the title.
    pub doc_type: Option<String>,
    /// 主送机关.
    pub addressees: Vec<String>,
    /// 施行日期.
    pub valid_from: Option<Date>,
    /// 有效期至.
    pub valid_until: Option<Date>,
    /// A status declared by the editor (废止, 失效, …); it wins over the dates.
    pub status: Option<DeclaredStatus>,
    /// Printed pages, first and last.
    pub pages: Option<(u32, u32)>,
    /// Order within its section.
    pub position: Option<u32>,
    /// 附件.
    #[serde(with = "cache::attachments")]
    pub attachments: Vec<Attachment>,
    /// 主题词.
    pub subjects: Vec<String>,
    /// `draft: true`: not yet reviewed (an import); left out of a build unless asked for.
    pub draft: bool,
    /// Anything else, passed to templates.
    #[serde(with = "cache::json_map")]
    pub extra: BTreeMap<String, serde_json::Value>,
    /// The Markdown body: where it lies, read again when a page needs it.
    pub body: Body,
    /// The line of the file on which the body starts.
    pub body_line: usize,
    /// Where each front matter field stands in the file: name → (line, column of its value).
    pub positions: BTreeMap<String, (usize, usize)>,
    /// The identity of the file when it was read.
    pub stamp: Stamp,
    /// The SHA-256 of the file's bytes that were read (see [`Issue::digest`]); also the key
    /// of the body's text for the body memos.
    pub digest: [u8; 32],
    /// The key (see [`crate::cache::key_of`]) of the file's path and front matter: what the
    /// record holds but the body (the site's settings, from which the record is also made, are
    /// keyed apart).
    pub front: [u8; 32],
    /// Whether the document was taken from the [`LoadCache`] instead of being parsed.
    #[serde(skip)]
    pub reused: bool,
}

impl Document {
    /// Where the front matter field `key` stands, or the start of the file.
    pub fn position_of(&self, key: &str) -> (usize, usize) {
        self.positions.get(key).copied().unwrap_or((1, 1))
    }

    /// The 文号 this document duplicates, from `extra.duplicate_of`.
    pub fn duplicate_of(&self) -> Option<&str> {
        self.extra.get("duplicate_of").and_then(|v| v.as_str())
    }
}

/// A state an editor may declare in `status.state`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeclaredState {
    /// 有效: confirmed in force (e.g. extended after review), whatever the printed dates say.
    InForce,
    /// 失效: no longer in force (expired, or declared invalid in a review).
    Expired,
    /// 废止: repealed.
    Repealed,
}

impl DeclaredState {
    /// The words editors may write, and what they mean.
    pub const WORDS: &[(&str, DeclaredState)] = &[
        ("有效", DeclaredState::InForce),
        ("失效", DeclaredState::Expired),
        ("已失效", DeclaredState::Expired),
        ("废止", DeclaredState::Repealed),
        ("已废止", DeclaredState::Repealed),
    ];
}

/// `status:` in a document's front matter: what became of the document after it was printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclaredStatus {
    /// The state.
    pub state: DeclaredState,
    /// From when the state holds; before it the dates decide.
    pub date: Option<Date>,
    /// Why, as the editor writes it (e.g. the repealing decision).
    pub reason: Option<String>,
    /// The 文号 of the document that replaces this one.
    pub replaced_by: Option<DocNumber>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatus {
    state: String,
    #[serde(default)]
    date: Option<DateInput>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    replaced_by: Option<String>,
}

/// Everything read from `content/`, validated file by file, in a stable order: issues by
/// year and number, documents by issue, then in table-of-contents order.
#[derive(Clone, Debug, Default)]
pub struct Archive {
    /// The issues.
    pub issues: Vec<Issue>,
    /// The documents.
    pub documents: Vec<Document>,
}

/// 文种 recognised at the end of a title, longest first where one ends another.
pub const DOC_TYPES: &[&str] = &[
    "实施意见",
    "指导意见",
    "若干意见",
    "实施方案",
    "工作方案",
    "实施细则",
    "管理办法",
    "实施办法",
    "决议",
    "决定",
    "命令",
    "公报",
    "公告",
    "通告",
    "意见",
    "通知",
    "通报",
    "报告",
    "请示",
    "批复",
    "议案",
    "纪要",
    "办法",
    "规定",
    "细则",
    "方案",
    "规划",
    "条例",
    "规则",
    "函",
    "令",
];

/// The 文种 a title ends with, reduced to its base word (实施意见 → 意见).
pub fn doc_type_of_title(title: &str) -> Option<&'static str> {
    let title = title.trim_end_matches(['）', ')']).trim_end();
    let found = DOC_TYPES.iter().copied().find(|t| title.ends_with(t))?;
    Some(match found {
        "实施意见" | "指导意见" | "若干意见" => "意见",
        "实施方案" | "工作方案" => "方案",
        "实施细则" => "细则",
        "管理办法" | "实施办法" => "办法",
        other => other,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIssue {
    year: u16,
    number: u16,
    serial: u32,
    #[serde(default)]
    published: Option<DateInput>,
    #[serde(default)]
    pdf: Option<String>,
    #[serde(default)]
    extra: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    title: String,
    section: String,
    #[serde(default)]
    doc_number: Option<String>,
    #[serde(default)]
    registration_number: Option<String>,
    #[serde(default)]
    issuers: Vec<String>,
    #[serde(default)]
    date: Option<DateInput>,
    #[serde(default)]
    doc_type: Option<String>,
    #[serde(default)]
    addressees: Vec<String>,
    #[serde(default)]
    valid_from: Option<DateInput>,
    #[serde(default)]
    valid_until: Option<DateInput>,
    #[serde(default)]
    status: Option<RawStatus>,
    #[serde(default)]
    pages: Option<Vec<u32>>,
    #[serde(default)]
    position: Option<u32>,
    #[serde(default)]
    attachments: Vec<Attachment>,
    #[serde(default)]
    subjects: Vec<String>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    extra: BTreeMap<String, serde_json::Value>,
}

/// A date as written; checked after parsing so that every bad date of a file is reported.
#[derive(Debug)]
struct DateInput(String);

impl<'de> Deserialize<'de> for DateInput {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = DateInput;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a date written 2019-12-09 or 2019年12月9日")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DateInput, E> {
                Ok(DateInput(v.to_string()))
            }
            // `date: 20191209` is a number to YAML; report it with the other date mistakes.
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<DateInput, E> {
                Ok(DateInput(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<DateInput, E> {
                Ok(DateInput(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Turns a YAML error into a diagnostic positioned in the file (`line_offset` = the file line
/// before the YAML's first line), with a did-you-mean hint for unknown keys.
pub fn yaml_diagnostic(
    path: &str,
    e: &YamlError,
    line_offset: usize,
    fields: &[&str],
) -> Diagnostic {
    let line = e.line + line_offset;
    let refused = match e.kind {
        YamlErrorKind::Parse => None,
        YamlErrorKind::TooDeep => Some((
            "yaml-too-deep",
            "front matter needs a few levels at most: flatten the data, or keep it in a file of the issue folder",
        )),
        YamlErrorKind::TooManyAliases => Some((
            "yaml-too-many-aliases",
            "write the values out instead of repeating them through anchors (`&name`) and aliases (`*name`)",
        )),
        YamlErrorKind::TooLarge => Some((
            "yaml-too-large",
            "front matter holds a document's fields: keep long text in the body, data in a file of the issue folder",
        )),
        YamlErrorKind::Tag => Some((
            "yaml-tag",
            "remove the tag; quote the value if it should start with `!`, e.g. `title: \"!…\"`",
        )),
    };
    if let Some((code, hint)) = refused {
        return Diagnostic::error(path, line, e.column, code, e.message.clone()).with_hint(hint);
    }
    // The parser puts the path of the offending value first: `attachments[0]: unknown field …`.
    let (field, message) = match e.message.split_once(": ") {
        Some((p, rest))
            if !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '[' | ']' | '.')) =>
        {
            (Some(p), rest)
        }
        _ => (None, e.message.as_str()),
    };
    let within = field.map(|f| format!(" in `{f}`")).unwrap_or_default();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        // serde lists the fields it expected: use them, they fit nested structs too.
        let expected: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_else(|| fields.to_vec());
        let hint = match did_you_mean(name, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("known fields here: {}", expected.join(", ")),
        };
        return Diagnostic::error(
            path,
            line,
            e.column,
            "unknown-field",
            format!("unknown field `{name}`{within}"),
        )
        .with_hint(hint);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return Diagnostic::error(
            path,
            line,
            e.column,
            "missing-field",
            format!("missing required field `{name}`{within}"),
        )
        .with_hint(format!("add a line `{name}: …` to the front matter"));
    }
    if message.starts_with("invalid type")
        || message.starts_with("invalid value")
        || message.starts_with("invalid length")
    {
        let message = message
            .replace("expected u32", "expected a whole number")
            .replace("expected u16", "expected a whole number");
        let subject = field.map(|f| format!("`{f}`: ")).unwrap_or_default();
        return Diagnostic::error(
            path,
            line,
            e.column,
            "wrong-type",
            format!("{subject}{message}"),
        )
        .with_hint("see the field table in the README for each field's type");
    }
    Diagnostic::error(
        path,
        line,
        e.column,
        "yaml-syntax",
        format!("YAML syntax error: {}", e.message),
    )
    .with_hint(
        "check indentation, and quote values that contain `: ` or start with a special character",
    )
}

/// A file found under `content/`.
struct Found {
    /// Path relative to the root, `/`-separated.
    rel: String,
    path: PathBuf,
    kind: FoundKind,
    /// The identity of an issue or document file, taken before it is read; `None` for an
    /// asset, or when the file could not be stated.
    stamp: Option<Stamp>,
}

enum FoundKind {
    Issue { dir: (u16, u16) },
    Document { dir: (u16, u16) },
    Asset { dir: (u16, u16), within: String },
}

/// Reads and validates every file of `root/content`.
pub fn load(root: &Path, config: &Config) -> Result<Archive, Vec<Diagnostic>> {
    let started = std::time::SystemTime::now();
    let mut problems = Vec::new();
    let found = discover(root, &mut problems);
    load_found(config, None, found, problems, started).map(|(archive, _)| archive)
}

/// Reads and validates every file of `root/content`, taking the record of each file that
/// `cache` holds and can trust (see [`cache`]) instead of reading it. Gives the same archive
/// and the same problems as [`load`], and the cache of this load.
pub fn load_cached(
    root: &Path,
    config: &Config,
    cache: Option<&LoadCache>,
) -> Result<(Archive, LoadCache), Vec<Diagnostic>> {
    let started = std::time::SystemTime::now();
    let mut problems = Vec::new();
    let found = discover(root, &mut problems);
    let (archive, started) = load_found(config, cache, found, problems, started)?;
    let records = LoadCache::of(started, &archive);
    Ok((archive, records))
}

/// [`load_cached`], with the cache read by `read` while the content folder is walked; gives
/// when the load started instead of its cache, which [`LoadCache::write_archive`] writes
/// from the archive itself (no second copy of every record is kept).
pub fn load_reading_cache(
    root: &Path,
    config: &Config,
    read: impl FnOnce() -> Option<LoadCache> + Send,
) -> Result<(Archive, std::time::SystemTime), Vec<Diagnostic>> {
    let started = std::time::SystemTime::now();
    let mut problems = Vec::new();
    let (found, cache) = rayon::join(|| discover(root, &mut problems), read);
    load_found(config, cache.as_ref(), found, problems, started)
}

/// What [`load_cached`] does once the files are found.
fn load_found(
    config: &Config,
    cache: Option<&LoadCache>,
    found: Vec<Found>,
    mut problems: Vec<Diagnostic>,
    started: std::time::SystemTime,
) -> Result<(Archive, std::time::SystemTime), Vec<Diagnostic>> {
    let hits = match cache {
        Some(cache) => cache.trusted(found.iter().map(|f| (f.rel.as_str(), f.stamp.as_ref()))),
        None => vec![None; found.len()],
    };
    let parsed: Vec<Result<Parsed, Vec<Diagnostic>>> = found
        .par_iter()
        .zip(&hits)
        .filter(|(f, _)| !matches!(f.kind, FoundKind::Asset { .. }))
        .map(|(f, hit)| match hit {
            Some(cache::Hit::Trusted(r)) => {
                reuse(f, r, config).map_or_else(|| parse_file(f, config), Ok)
            }
            Some(cache::Hit::Check(r)) => check_file(f, r, config),
            None => parse_file(f, config),
        })
        .collect();
    drop(hits);
    let mut issues: BTreeMap<(u16, u16), Issue> = BTreeMap::new();
    let mut documents: Vec<((u16, u16), Box<Document>)> = Vec::with_capacity(parsed.len());
    for result in parsed {
        match result {
            Ok(Parsed::Issue(dir, issue)) => {
                issues.insert(dir, *issue);
            }
            Ok(Parsed::Document(dir, doc)) => {
                documents.push((dir, doc));
            }
            Err(mut d) => problems.append(&mut d),
        }
    }
    // Issue folders without _index.md.
    let mut folders: BTreeMap<(u16, u16), bool> = BTreeMap::new();
    for f in &found {
        let (FoundKind::Document { dir } | FoundKind::Asset { dir, .. } | FoundKind::Issue { dir }) =
            f.kind;
        *folders.entry(dir).or_default() |= matches!(f.kind, FoundKind::Issue { .. });
    }
    for (dir, has_index) in &folders {
        if !has_index {
            let folder = format!("{CONTENT_DIR}/{}/{:02}", dir.0, dir.1);
            problems.push(Diagnostic::error(format!("{folder}/{ISSUE_FILE}"), 1, 1, "missing-issue-file",
                format!("issue folder {folder}/ has no {ISSUE_FILE}"))
                .with_hint(format!("create {folder}/{ISSUE_FILE} with `year: {}`, `number: {}` and `serial: …` in its front matter", dir.0, dir.1)));
        }
    }
    for f in &found {
        if let FoundKind::Asset { dir, within } = &f.kind
            && let Some(issue) = issues.get_mut(dir)
        {
            issue.assets.push(within.clone());
        }
    }
    problems.extend(file_problems(&issues, &documents, &found));
    if !problems.is_empty() {
        return Err(problems);
    }
    let issue_index: BTreeMap<(u16, u16), usize> =
        issues.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    for (dir, doc) in &mut documents {
        doc.issue = issue_index[dir];
    }
    // Boxed while sorting, so that only pointers move.
    documents.sort_by(|(_, a), (_, b)| toc_key(a).cmp(&toc_key(b)));
    let archive = Archive {
        issues: issues.into_values().collect(),
        documents: documents.into_iter().map(|(_, doc)| *doc).collect(),
    };
    Ok((archive, started))
}

/// Reads `found`, whose identity is not the one of its `record`: when its bytes are those
/// the record was made from (same SHA-256) the record is taken, with the identity the file
/// has now; otherwise the bytes read are parsed.
fn check_file(
    found: &Found,
    record: &cache::Record,
    config: &Config,
) -> Result<Parsed, Vec<Diagnostic>> {
    let stamp = stamp_of(found)?;
    let (bytes, _) =
        read_bytes_at(&found.path, &found.rel, MAX_MARKDOWN_BYTES).map_err(|d| vec![d])?;
    let same = <sha2::Sha256 as sha2::Digest>::digest(&bytes)[..] == record.digest()[..];
    match same.then(|| reuse(found, record, config)).flatten() {
        Some(reused) => Ok(reused),
        None => parse_bytes(found, config, stamp, &bytes),
    }
}

/// What the `record` of `found` (trusted, or checked against its bytes) gives for it, with
/// the identity `found` has now, and the record again for the next cache.
fn reuse(found: &Found, record: &cache::Record, config: &Config) -> Option<Parsed> {
    let stamp = found.stamp?;
    let parsed = match (record, &found.kind) {
        (cache::Record::Issue(issue), FoundKind::Issue { dir }) => {
            let mut issue = Issue::clone(issue);
            issue.assets.clear();
            issue.stamp = stamp;
            issue.reused = true;
            Parsed::Issue(*dir, Box::new(issue))
        }
        (cache::Record::Document(doc), FoundKind::Document { dir })
            if doc.section < config.sections.len() =>
        {
            let mut doc = Document::clone(doc);
            doc.issue = 0;
            doc.body.path = found.path.clone();
            doc.body.modified = stamp.modified();
            doc.stamp = stamp;
            doc.reused = true;
            Parsed::Document(*dir, Box::new(doc))
        }
        _ => return None,
    };
    Some(parsed)
}

/// Table-of-contents order: issue, section, position, pages, file name.
fn toc_key(d: &Document) -> (usize, usize, u32, u32, &str) {
    (
        d.issue,
        d.section,
        d.position.unwrap_or(u32::MAX),
        d.pages.map_or(u32::MAX, |p| p.0),
        &d.stem,
    )
}

fn rel_path(root: &Path, path: &Path) -> String {
    crate::output::site_path(path.strip_prefix(root).unwrap_or(path))
}

fn parse_issue_dir(year: &str, number: &str) -> Option<(u16, u16)> {
    let ok = year.len() == 4
        && number.len() == 2
        && year
            .bytes()
            .chain(number.bytes())
            .all(|b| b.is_ascii_digit());
    if !ok {
        return None;
    }
    let y: u16 = year.parse().ok()?;
    let n: u16 = number.parse().ok()?;
    (y >= 1000 && n >= 1).then_some((y, n))
}

/// Walks `content/` in file-name order, classifying each file and reporting misplaced ones.
fn discover(root: &Path, problems: &mut Vec<Diagnostic>) -> Vec<Found> {
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        problems.push(
            Diagnostic::error(
                CONTENT_DIR,
                0,
                0,
                "missing-content",
                format!("there is no {CONTENT_DIR}/ folder in the site root"),
            )
            .with_hint(
                "create content/<year>/<number>/_index.md, or pass --root with the site's folder",
            ),
        );
        return Vec::new();
    }
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| rel_path(root, p))
                    .unwrap_or_else(|| CONTENT_DIR.to_string());
                let message = if err.loop_ancestor().is_some() {
                    "symbolic link loop: this folder links back to one of its parents".to_string()
                } else {
                    format!(
                        "cannot read: {}",
                        err.io_error()
                            .map_or_else(|| err.to_string(), |e| e.to_string())
                    )
                };
                problems.push(
                    Diagnostic::error(path, 1, 1, "unreadable-file", message)
                        .with_hint("remove the link or fix the file's permissions"),
                );
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = rel_path(root, entry.path());
        let parts: Vec<&str> = rel.split('/').collect();
        // parts[0] == "content"
        let dir = if parts.len() >= 4 {
            parse_issue_dir(parts[1], parts[2])
        } else {
            None
        };
        let Some(dir) = dir else {
            let hint = if parts.len() >= 4 {
                "issue folders are content/<four-digit year>/<two-digit number>/, e.g. content/2019/12/"
            } else {
                "put each file in its issue's folder, content/<year>/<number>/"
            };
            problems.push(
                Diagnostic::error(
                    rel.clone(),
                    0,
                    0,
                    "misplaced-file",
                    "this file is not inside an issue folder".to_string(),
                )
                .with_hint(hint),
            );
            continue;
        };
        let name = parts[parts.len() - 1];
        let kind = if parts.len() == 4 && name == ISSUE_FILE {
            FoundKind::Issue { dir }
        } else if parts.len() == 4 && name.ends_with(".md") {
            FoundKind::Document { dir }
        } else if name.ends_with(".md") {
            problems.push(
                Diagnostic::error(
                    rel.clone(),
                    0,
                    0,
                    "misplaced-file",
                    "Markdown documents must sit directly in the issue folder".to_string(),
                )
                .with_hint("move the file up into content/<year>/<number>/"),
            );
            continue;
        } else {
            FoundKind::Asset {
                dir,
                within: parts[3..].join("/"),
            }
        };
        found.push(Found {
            rel,
            path: entry.into_path(),
            kind,
            stamp: None,
        });
    }
    // Each Markdown file is stated before it is read: a change made after the stamp was
    // taken then shows in the stamp of the next load. Following links, as the walk does; in
    // parallel, as a walk of 50,000 files spends half its time stating them.
    found.par_iter_mut().for_each(|f| {
        if !matches!(f.kind, FoundKind::Asset { .. }) {
            f.stamp = std::fs::metadata(&f.path).ok().map(|m| Stamp::of(&m));
        }
    });
    found
}

enum Parsed {
    Issue((u16, u16), Box<Issue>),
    Document((u16, u16), Box<Document>),
}

/// Reads a file as text: size limit, UTF-8, BOM and CRLF handled.
pub fn read_text(path: &Path, rel: &str, limit: u64) -> Result<String, Diagnostic> {
    read_text_at(path, rel, limit).map(|(text, _)| text)
}

/// [`read_text`], with the modification time of the file read (taken from the open file,
/// so that it belongs to the text returned).
fn read_text_at(
    path: &Path,
    rel: &str,
    limit: u64,
) -> Result<(String, Option<std::time::SystemTime>), Diagnostic> {
    let (bytes, modified) = read_bytes_at(path, rel, limit)?;
    Ok((text_of(&bytes, rel)?, modified))
}

/// The bytes of a file, within the size limit, with the modification time of the file read.
fn read_bytes_at(
    path: &Path,
    rel: &str,
    limit: u64,
) -> Result<(Vec<u8>, Option<std::time::SystemTime>), Diagnostic> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| {
        Diagnostic::error(rel, 1, 1, "unreadable-file", format!("cannot read: {e}"))
            .with_hint("check that the file exists and is readable")
    };
    let mut file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if meta.len() > limit {
        return Err(Diagnostic::error(
            rel,
            0,
            0,
            "file-too-large",
            format!("file is {} bytes; the limit is {limit}", meta.len()),
        )
        .with_hint("split the document, or move large data into a separate asset"));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    // A file that grew since it was measured is read to its end, but never past the limit.
    (&mut file)
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(Diagnostic::error(
            rel,
            0,
            0,
            "file-too-large",
            format!("file is over {limit} bytes, the limit"),
        )
        .with_hint("split the document, or move large data into a separate asset"));
    }
    Ok((bytes, meta.modified().ok()))
}

/// The text of a file's bytes: UTF-8, BOM removed, CRLF folded.
fn text_of(bytes: &[u8], rel: &str) -> Result<String, Diagnostic> {
    let Ok(text) = simdutf8::basic::from_utf8(bytes) else {
        // The slower validator says where.
        let valid = std::str::from_utf8(bytes)
            .err()
            .map_or(0, |e| e.valid_up_to());
        let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
        let (line, column) = line_col(prefix, valid);
        return Err(Diagnostic::error(rel, line, column, "not-utf8",
            format!("the file is not valid UTF-8 (byte 0x{:02X} at offset {valid})", bytes[valid]))
            .with_hint("save the file as UTF-8; GBK/GB18030 text must be converted, e.g. `iconv -f GB18030 -t UTF-8`"));
    };
    let mut text = text.strip_prefix('\u{feff}').unwrap_or(text).to_owned();
    if text.contains('\r') {
        text = text.replace("\r\n", "\n");
    }
    Ok(text)
}

/// The stamp of `found`, taken before it was read, or taken now.
fn stamp_of(found: &Found) -> Result<Stamp, Vec<Diagnostic>> {
    match found.stamp {
        Some(stamp) => Ok(stamp),
        None => std::fs::metadata(&found.path)
            .map(|m| Stamp::of(&m))
            .map_err(|e| {
                vec![
                    Diagnostic::error(
                        &found.rel,
                        1,
                        1,
                        "unreadable-file",
                        format!("cannot read: {e}"),
                    )
                    .with_hint("check that the file exists and is readable"),
                ]
            }),
    }
}

/// Reads and parses `found`.
fn parse_file(found: &Found, config: &Config) -> Result<Parsed, Vec<Diagnostic>> {
    let stamp = stamp_of(found)?;
    let (bytes, _) =
        read_bytes_at(&found.path, &found.rel, MAX_MARKDOWN_BYTES).map_err(|d| vec![d])?;
    parse_bytes(found, config, stamp, &bytes)
}

/// Parses `bytes`, read from `found` after its identity `stamp` was taken.
fn parse_bytes(
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
    let split = front_matter::split(&text).map_err(|e| {
        vec![match e {
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
        }]
    })?;
    // YAML that is not a mapping gets its own message; it is told apart only once the typed
    // parse has failed, so valid files are parsed once.
    let invalid = |e: YamlError, table: &[FieldCheck]| {
        front_matter_problems(rel, split.yaml, split.yaml_line, table, &e)
    };
    let keys = key_positions(split.yaml, split.yaml_line);
    let at = |key: &str| keys.get(key).copied().unwrap_or((split.yaml_line, 1));
    let mut problems = Vec::new();
    let date_field =
        |key: &str, input: Option<DateInput>, problems: &mut Vec<Diagnostic>| -> Option<Date> {
            let input = input?;
            match Date::parse(&input.0) {
                Ok(d) => Some(d),
                Err(message) => {
                    let (l, c) = at(key);
                    problems.push(
                        Diagnostic::error(rel, l, c, "bad-date", format!("`{key}`: {message}"))
                            .with_hint("dates are YYYY-MM-DD, e.g. 2019-12-09, or 2019年12月9日"),
                    );
                    None
                }
            }
        };
    let (FoundKind::Issue { dir } | FoundKind::Document { dir } | FoundKind::Asset { dir, .. }) =
        found.kind;
    if matches!(found.kind, FoundKind::Issue { .. }) {
        let raw: RawIssue = yaml::from_str(split.yaml).map_err(|e| invalid(e, ISSUE_TABLE))?;
        if raw.year != dir.0 {
            let (l, c) = at("year");
            problems.push(
                Diagnostic::error(
                    rel,
                    l,
                    c,
                    "folder-mismatch",
                    format!(
                        "`year: {}` does not match the folder content/{}/",
                        raw.year, dir.0
                    ),
                )
                .with_hint(format!(
                    "write `year: {}` or move the issue to content/{}/{:02}/",
                    dir.0, raw.year, dir.1
                )),
            );
        }
        if raw.number != dir.1 {
            let (l, c) = at("number");
            problems.push(
                Diagnostic::error(
                    rel,
                    l,
                    c,
                    "folder-mismatch",
                    format!(
                        "`number: {}` does not match the folder content/{}/{:02}/",
                        raw.number, dir.0, dir.1
                    ),
                )
                .with_hint(format!(
                    "write `number: {}` or move the issue to content/{}/{:02}/",
                    dir.1, dir.0, raw.number
                )),
            );
        }
        if raw.serial == 0 {
            let (l, c) = at("serial");
            problems.push(Diagnostic::error(
                rel,
                l,
                c,
                "bad-serial",
                "`serial` (总第N期) must be at least 1",
            ));
        }
        let published = date_field("published", raw.published, &mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }
        return Ok(Parsed::Issue(
            dir,
            Box::new(Issue {
                year: raw.year,
                number: raw.number,
                serial: raw.serial,
                published,
                pdf: raw.pdf,
                note: split.body.to_string(),
                note_line: split.body_line,
                source: rel.to_string(),
                assets: Vec::new(),
                extra: raw.extra,
                stamp,
                digest,
                reused: false,
            }),
        ));
    }

    let raw: RawDocument = yaml::from_str(split.yaml).map_err(|e| invalid(e, DOCUMENT_TABLE))?;
    let stem = rel
        .rsplit('/')
        .next()
        .unwrap_or(rel)
        .trim_end_matches(".md")
        .to_string();
    if raw.title.trim().is_empty() {
        let (l, c) = at("title");
        problems.push(
            Diagnostic::error(rel, l, c, "empty-field", "`title` is empty")
                .with_hint("write the title as printed"),
        );
    }
    let section = config.section_index(&raw.section);
    if section.is_none() {
        let (l, c) = at("section");
        let hint = match config.suggest_section(&raw.section) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "sections are: {} (set them in gazette.yaml under `sections`)",
                config
                    .sections
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        problems.push(
            Diagnostic::error(
                rel,
                l,
                c,
                "unknown-section",
                format!("unknown section `{}`", raw.section),
            )
            .with_hint(hint),
        );
    }
    let doc_number = raw.doc_number.as_deref().and_then(|text| match DocNumber::parse(text) {
        Ok(n) => Some(n),
        Err(message) => {
            let (l, c) = at("doc_number");
            problems.push(Diagnostic::error(rel, l, c, "bad-doc-number", message)
                .with_hint("write it as printed, e.g. 温政发〔2019〕16号, 温浙集（开）管〔2019〕71号 or 温州市人民政府令第3号"));
            None
        }
    });
    if let Some(reg) = &raw.registration_number
        && !is_registration_number(reg)
    {
        let (l, c) = at("registration_number");
        problems.push(Diagnostic::error(rel, l, c, "bad-registration-number",
            format!("registration number `{reg}` does not match the pattern AAAA00-0000-0000"))
            .with_hint("write it as printed, e.g. ZJCC00-2019-0007: four capital letters, two digits, a four-digit year and a four-digit number"));
    }
    let date = date_field("date", raw.date, &mut problems);
    let valid_from = date_field("valid_from", raw.valid_from, &mut problems);
    let valid_until = date_field("valid_until", raw.valid_until, &mut problems);
    let status = raw.status.and_then(|s| {
        let (l, c) = at("status");
        let state = DeclaredState::WORDS
            .iter()
            .find(|(w, _)| *w == s.state.trim())
            .map(|(_, st)| *st);
        if state.is_none() {
            problems.push(
                Diagnostic::error(
                    rel,
                    l,
                    c,
                    "bad-status",
                    format!("`status.state: {}` is not a known state", s.state),
                )
                .with_hint("write `state: 废止` (repealed), `state: 失效` (no longer in force) or `state: 有效` (confirmed in force)"),
            );
        }
        let date = s.date.and_then(|input| match Date::parse(&input.0) {
            Ok(d) => Some(d),
            Err(message) => {
                problems.push(
                    Diagnostic::error(rel, l, c, "bad-date", format!("`status.date`: {message}"))
                        .with_hint("dates are YYYY-MM-DD, e.g. 2019-12-09, or 2019年12月9日"),
                );
                None
            }
        });
        let replaced_by = s.replaced_by.and_then(|text| match DocNumber::parse(&text) {
            Ok(n) => Some(n),
            Err(message) => {
                problems.push(
                    Diagnostic::error(rel, l, c, "bad-doc-number", format!("`status.replaced_by`: {message}"))
                        .with_hint("give the 文号 of the replacing document as printed, e.g. 温政发〔2021〕3号"),
                );
                None
            }
        });
        let reason = s.reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
        state.map(|state| DeclaredStatus {
            state,
            date,
            reason,
            replaced_by,
        })
    });
    if raw.doc_number.is_some() {
        if raw.issuers.is_empty() {
            let (l, c) = at("doc_number");
            problems.push(
                Diagnostic::error(
                    rel,
                    l,
                    c,
                    "missing-field",
                    "a document with a `doc_number` needs `issuers`",
                )
                .with_hint("add `issuers: [温州市人民政府]`, the lead issuer first"),
            );
        }
        if !keys.contains_key("date") {
            let (l, c) = at("doc_number");
            problems.push(
                Diagnostic::error(
                    rel,
                    l,
                    c,
                    "missing-field",
                    "a document with a `doc_number` needs `date` (成文日期)",
                )
                .with_hint("add `date: 2019-12-09`, the date of the signature block"),
            );
        }
    }
    let mut issuers = Vec::new();
    for name in &raw.issuers {
        let name = name.trim();
        let canonical = config
            .issuers
            .iter()
            .find(|(_, s)| s.aliases.iter().any(|a| a == name))
            .map_or(name, |(canonical, _)| canonical.as_str());
        if name.is_empty() {
            let (l, c) = at("issuers");
            problems.push(Diagnostic::error(
                rel,
                l,
                c,
                "empty-field",
                "an issuer name is empty",
            ));
        } else if issuers.iter().any(|i| i == canonical) {
            let (l, c) = at("issuers");
            problems.push(Diagnostic::error(
                rel,
                l,
                c,
                "duplicate-issuer",
                format!("issuer `{canonical}` is listed twice"),
            ));
        } else {
            issuers.push(canonical.to_string());
        }
    }
    let pages = match raw.pages.as_deref() {
        None => None,
        Some([p]) if *p > 0 => Some((*p, *p)),
        Some([a, b]) if *a > 0 && a <= b => Some((*a, *b)),
        Some(other) => {
            let (l, c) = at("pages");
            problems.push(Diagnostic::error(rel, l, c, "bad-pages", format!("`pages: {other:?}` is not [first, last]"))
                .with_hint("write the printed pages as `pages: [4, 7]` (first ≤ last), or `pages: [4]` for one page"));
            None
        }
    };
    let doc_type = match raw.doc_type {
        Some(t) if t.trim().is_empty() => {
            let (l, c) = at("doc_type");
            problems.push(
                Diagnostic::error(rel, l, c, "empty-field", "`doc_type` is empty")
                    .with_hint("remove it to derive the 文种 from the title"),
            );
            None
        }
        Some(t) => Some(t.trim().to_string()),
        None => doc_type_of_title(&raw.title).map(str::to_string),
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Parsed::Document(
        dir,
        Box::new(Document {
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
            body: Body {
                path: found.path.clone(),
                start: text.len() - split.body.len(),
                text_len: text.len(),
                modified: stamp.modified(),
                inline: String::new(),
                plain: is_plain(split.body),
            },
            body_line: split.body_line,
            positions: keys,
            stamp,
            digest,
            front: {
                let mut h = crate::cache::key_hasher();
                h.update(rel.as_bytes());
                h.update(&[0]);
                h.update(&text.as_bytes()[..text.len() - split.body.len()]);
                h.finish_bytes()
            },
            reused: false,
        }),
    ))
}

/// Whether Markdown `text` can neither cite a 文号 nor link anywhere: it holds none of `号`
/// (every 文号 ends in it), `]` (links, images, reference links, footnotes), `<` (autolinks,
/// HTML) and `&` (a character reference can spell any of them).
fn is_plain(text: &str) -> bool {
    !text.contains(['号', ']', '<', '&'])
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

    /// A resolver that counts the questions put to it and says yes to each.
    struct Counting(std::cell::Cell<usize>);

    impl markdown::LinkResolver for Counting {
        fn site_path(&self, _: &str) -> Option<String> {
            self.0.set(self.0.get() + 1);
            Some("x/".into())
        }
        fn issue_relative(&self, _: &str) -> Option<String> {
            self.0.set(self.0.get() + 1);
            Some("x/".into())
        }
        fn doc_number(&self, _: &str) -> Option<String> {
            self.0.set(self.0.get() + 1);
            Some("x/".into())
        }
    }

    #[test]
    fn plain_bodies_are_told_apart() {
        assert!(is_plain("市政府召开常务会议。\n"));
        assert!(!is_plain("按温政发〔2019〕16号执行。"));
        assert!(!is_plain("见[附件](a.pdf)"));
        assert!(!is_plain("见<https://example.org>"));
        assert!(!is_plain("温政发〔2019〕16&#21495;"));
    }

    fn pieces() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                "温政发",
                "〔",
                "〕",
                "［",
                "］",
                "(",
                ")",
                "（",
                "）",
                "2019",
                "16",
                "号",
                "令第",
                "三",
                "\n",
                " ",
                "  ",
                "\t",
                "> ",
                "*",
                "_",
                "`",
                "# ",
                "- ",
                "1. ",
                "|",
                "---",
                "文件",
                "。",
                "\n\n",
                "=",
                "~",
            ]),
            0..12,
        )
        .prop_map(|parts| parts.concat())
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn a_plain_body_asks_nothing_and_cites_nothing(
            before in pieces(),
            number in proptest::sample::select(vec![
                "温政发〔2019〕16号", "浙政办［2020］3号", "温政发(2019)16号", "温政发（2019）16号",
                "温州市人民政府令第3号", "国发﹝2018﹞22号", "温政发〔2019〕16&#21495;",
                "温政发〔2019〕16&#x53F7;",
            ]),
            cut in 0usize..14,
            between in proptest::sample::select(vec![
                "", "\n", "\n> ", " \n", "\n  ", "\t\n", "\n\t", "  \n", "*", "`", "\n\n",
                "\n- ", "\n>", ">", " ",
            ]),
            after in pieces(),
        ) {
            let chars: Vec<char> = number.chars().collect();
            let cut = cut.min(chars.len());
            let head: String = chars[..cut].iter().collect();
            let tail: String = chars[cut..].iter().collect();
            let text = format!("{before}{head}{between}{tail}{after}");
            if is_plain(&text) {
                let links = Counting(std::cell::Cell::new(0));
                let source = markdown::Source { path: "a.md", first_line: 1, raw_html: false };
                let (cited, problems) = markdown::citations(&text, &source, &links);
                proptest::prop_assert!(cited.is_empty(), "{text:?} cites {cited:?}");
                proptest::prop_assert!(problems.is_empty());
                proptest::prop_assert_eq!(links.0.get(), 0, "{:?} asks", text);
            }
        }
    }

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

    #[test]
    fn doc_types_from_titles() {
        assert_eq!(
            doc_type_of_title("温州市人民政府关于调整全市城乡居民最低生活保障标准的通知"),
            Some("通知")
        );
        assert_eq!(
            doc_type_of_title("关于促进外贸稳增长的若干意见"),
            Some("意见")
        );
        assert_eq!(
            doc_type_of_title("温州市人民政府关于划定高排放非道路移动机械禁止使用区的通告"),
            Some("通告")
        );
        assert_eq!(doc_type_of_title("12月份市政府人事任免"), None);
    }
}
