//! A whole load: the files found, each parsed (in parallel) or its record taken from the load
//! cache, then put together into an [`Archive`] in table-of-contents order, with every file
//! read (its identity and digests, [`Sources`]) beside it.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use rayon::prelude::*;

use super::cache::{Hit, LoadCache, Record};
use super::discover::{Found, FoundKind, discover};
use super::fields::file_problems;
use super::parse::{parse_bytes, parse_file};
use super::read::read_bytes_at;
use super::{
    Archive, CONTENT_DIR, Document, ISSUE_FILE, Issue, MAX_MARKDOWN_BYTES, SourceFile, Sources,
    Stamp,
};
use crate::config::Config;
use crate::error::Diagnostic;

/// Reads and validates every file of `root/content`.
pub fn load(root: &Path, config: &Config) -> Result<Archive, Vec<Diagnostic>> {
    let started = SystemTime::now();
    let mut problems = Vec::new();
    let found = discover(root, &mut problems);
    load_found(config, None, found, problems, started).map(|(archive, _)| archive)
}

/// Reads and validates every file of `root/content`, taking the record of each file that
/// `cache` holds and can trust (see [`super::cache`]) instead of reading it. Gives the same
/// archive and the same problems as [`load`], and the cache of this load.
pub fn load_cached(
    root: &Path,
    config: &Config,
    cache: Option<&LoadCache>,
) -> Result<(Archive, Sources, LoadCache), Vec<Diagnostic>> {
    let started = SystemTime::now();
    let mut problems = Vec::new();
    let found = discover(root, &mut problems);
    let (archive, sources) = load_found(config, cache, found, problems, started)?;
    let next = LoadCache::of(&archive, &sources);
    Ok((archive, sources, next))
}

/// [`load_cached`], with the cache read by `read` while the content folder is walked; gives
/// the files read ([`Sources`]) instead of the next cache, which
/// [`LoadCache::write_archive`] writes from the archive itself (no second copy of every
/// record is kept).
pub fn load_reading_cache(
    root: &Path,
    config: &Config,
    read: impl FnOnce() -> Option<LoadCache> + Send,
) -> Result<(Archive, Sources), Vec<Diagnostic>> {
    let started = SystemTime::now();
    let mut problems = Vec::new();
    let (found, cache) = rayon::join(|| discover(root, &mut problems), read);
    load_found(config, cache.as_ref(), found, problems, started)
}

/// What a load made of one issue or document file.
pub(super) enum Item {
    /// An issue, by its folder (year, number).
    Issue((u16, u16), Box<Issue>),
    /// A document, by its issue's folder.
    Document((u16, u16), Box<Document>),
}

/// One file read: what was made of it, the file as read, and whether the record
/// came from the load cache.
pub(super) struct Parsed {
    pub(super) item: Item,
    pub(super) file: SourceFile,
    pub(super) reused: bool,
}

/// What [`load_cached`] does once the files are found.
fn load_found(
    config: &Config,
    cache: Option<&LoadCache>,
    found: Vec<Found>,
    mut problems: Vec<Diagnostic>,
    started: SystemTime,
) -> Result<(Archive, Sources), Vec<Diagnostic>> {
    let hits = match cache {
        Some(cache) => cache.trusted(found.iter().map(|f| (f.rel.as_str(), f.stamp.as_ref()))),
        None => vec![None; found.len()],
    };
    let parsed: Vec<Result<Parsed, Vec<Diagnostic>>> = found
        .par_iter()
        .zip(&hits)
        .filter(|(f, _)| !matches!(f.kind, FoundKind::Asset { .. }))
        .map(|(f, hit)| match hit {
            Some(Hit::Trusted(r)) => reuse(f, r, config).map_or_else(|| parse_file(f, config), Ok),
            Some(Hit::Check(r)) => check_file(f, r, config),
            None => parse_file(f, config),
        })
        .collect();
    drop(hits);
    let mut issues: BTreeMap<(u16, u16), Issue> = BTreeMap::new();
    let mut issue_files: BTreeMap<(u16, u16), (SourceFile, bool)> = BTreeMap::new();
    type Read = ((u16, u16), Box<Document>, (SourceFile, bool));
    let mut documents: Vec<Read> = Vec::with_capacity(parsed.len());
    for result in parsed {
        match result {
            Ok(Parsed { item, file, reused }) => match item {
                Item::Issue(dir, issue) => {
                    issues.insert(dir, *issue);
                    issue_files.insert(dir, (file, reused));
                }
                Item::Document(dir, doc) => documents.push((dir, doc, (file, reused))),
            },
            Err(mut d) => problems.append(&mut d),
        }
    }
    problems.extend(missing_issue_files(&found));
    for f in &found {
        if let FoundKind::Asset { dir, within } = &f.kind
            && let Some(issue) = issues.get_mut(dir)
        {
            issue.assets.push(within.clone());
        }
    }
    let listed = documents.iter().map(|(dir, doc, _)| (dir, &**doc));
    problems.extend(file_problems(&issues, listed, &found));
    if !problems.is_empty() {
        return Err(problems);
    }
    let issue_index: BTreeMap<(u16, u16), usize> =
        issues.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    for (dir, doc, _) in &mut documents {
        doc.issue = issue_index[dir];
    }
    // Boxed while sorting, so that only pointers move.
    documents.sort_by(|(_, a, _), (_, b, _)| toc_key(a).cmp(&toc_key(b)));
    let issues: Vec<Issue> = issues.into_values().collect();
    let issue_files: Vec<(SourceFile, bool)> = issue_files.into_values().collect();
    let (documents, document_files): (Vec<Document>, Vec<(SourceFile, bool)>) = documents
        .into_iter()
        .map(|(_, doc, file)| (*doc, file))
        .unzip();
    let archive = Archive { issues, documents };
    let sources = Sources::new(started, issue_files, document_files);
    Ok((archive, sources))
}

/// A problem for each issue folder without `_index.md`.
fn missing_issue_files(found: &[Found]) -> Vec<Diagnostic> {
    let mut folders: BTreeMap<(u16, u16), bool> = BTreeMap::new();
    for f in found {
        let (FoundKind::Document { dir } | FoundKind::Asset { dir, .. } | FoundKind::Issue { dir }) =
            f.kind;
        *folders.entry(dir).or_default() |= matches!(f.kind, FoundKind::Issue { .. });
    }
    folders
        .iter()
        .filter(|(_, has_index)| !**has_index)
        .map(|(dir, _)| {
            let folder = format!("{CONTENT_DIR}/{}/{:02}", dir.0, dir.1);
            Diagnostic::error(format!("{folder}/{ISSUE_FILE}"), 1, 1, "missing-issue-file",
                format!("issue folder {folder}/ has no {ISSUE_FILE}"))
                .with_hint(format!("create {folder}/{ISSUE_FILE} with `year: {}`, `number: {}` and `serial: …` in its front matter", dir.0, dir.1))
        })
        .collect()
}

/// Reads `found`, whose identity is not the one of its `record`: when its bytes are those
/// the record was made from (same SHA-256) the record is taken, with the identity the file
/// has now; otherwise the bytes read are parsed.
fn check_file(found: &Found, record: &Record, config: &Config) -> Result<Parsed, Vec<Diagnostic>> {
    let stamp = stamp_of(found)?;
    let (bytes, _) =
        read_bytes_at(&found.path, &found.rel, MAX_MARKDOWN_BYTES).map_err(|d| vec![d])?;
    let same = <sha2::Sha256 as sha2::Digest>::digest(&bytes)[..] == record.file().digest[..];
    match same.then(|| reuse(found, record, config)).flatten() {
        Some(reused) => Ok(reused),
        None => parse_bytes(found, config, stamp, &bytes),
    }
}

/// What the `record` of `found` (trusted, or checked against its bytes) gives for it, with
/// the identity `found` has now.
fn reuse(found: &Found, record: &Record, config: &Config) -> Option<Parsed> {
    let stamp = found.stamp?;
    let item = match (record, &found.kind) {
        (Record::Issue(issue, _), FoundKind::Issue { dir }) => {
            let mut issue = Issue::clone(issue);
            issue.assets.clear();
            Item::Issue(*dir, Box::new(issue))
        }
        (Record::Document(doc, _), FoundKind::Document { dir })
            if doc.section < config.sections.len() =>
        {
            let mut doc = Document::clone(doc);
            doc.issue = 0;
            doc.body.path = found.path.clone();
            doc.body.modified = stamp.modified();
            Item::Document(*dir, Box::new(doc))
        }
        _ => return None,
    };
    Some(Parsed {
        item,
        file: SourceFile {
            stamp,
            ..*record.file()
        },
        reused: true,
    })
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

/// The stamp of `found`, taken before it was read, or taken now.
pub(super) fn stamp_of(found: &Found) -> Result<Stamp, Vec<Diagnostic>> {
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
