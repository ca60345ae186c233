//! The archive's indexes, built once after loading: URLs, series and issuer slugs, the
//! documents of each issue, issuer, section and 文种, and the checks that span files
//! (duplicate 总期号 and 文号, slug and URL collisions). Everything here is sorted and
//! immutable; rendering only reads it.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::Config;
use crate::content::slug;
use crate::content::{Archive, Document};
use crate::error::Diagnostic;
use crate::urls;

/// An issuer (发文机关) and its documents.
#[derive(Clone, Debug)]
pub struct IssuerEntry {
    /// The name.
    pub name: String,
    /// The URL slug.
    pub slug: String,
    /// Documents, newest issue first, each with whether this issuer is the lead (主办).
    pub documents: Vec<(usize, bool)>,
}

/// A 文种 and its documents.
#[derive(Clone, Debug)]
pub struct TypeEntry {
    /// The 文种, e.g. 通知.
    pub name: String,
    /// The URL slug.
    pub slug: String,
    /// Documents, newest issue first.
    pub documents: Vec<usize>,
}

/// Everything rendering needs to know beyond the documents themselves.
#[derive(Clone, Debug, Default)]
pub struct Index {
    /// Site path of each document (`documents/wzf/2019/16/`), by document index.
    pub doc_paths: Vec<String>,
    /// Documents of each issue, in table-of-contents order, by issue index.
    pub issue_documents: Vec<Vec<usize>>,
    /// Issue indexes by year, newest year first and, within a year, newest issue first.
    pub years: Vec<(u16, Vec<usize>)>,
    /// Issuers in pinyin order.
    pub issuers: Vec<IssuerEntry>,
    /// Issuer name → index into `issuers`.
    pub issuer_by_name: BTreeMap<String, usize>,
    /// Documents of each configured section (newest issue first), in the site's section order.
    pub sections: Vec<Vec<usize>>,
    /// 文种 in pinyin order.
    pub types: Vec<TypeEntry>,
    /// 文种 → index into `types`.
    pub type_by_name: BTreeMap<String, usize>,
    /// Normalised 文号 → document (the original, never a declared duplicate).
    pub by_doc_number: BTreeMap<String, usize>,
    /// 规范性文件统一登记号 → document (the original, never a declared duplicate).
    pub by_registration: BTreeMap<String, usize>,
    /// Every site path that exists: page folders (`documents/wzf/2019/16/`) and files.
    pub paths: BTreeSet<String>,
}

/// Builds the indexes and runs the checks that span files.
pub fn build(config: &Config, archive: &Archive) -> Result<Index, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let docs = &archive.documents;
    check_serials(archive, &mut problems);
    let by_doc_number = doc_numbers(docs, &mut problems);
    let by_registration = registrations(docs, &mut problems);
    check_duplicates_of(docs, &by_doc_number, &mut problems);
    let series_slugs = series_slugs(config, docs, &mut problems);
    let doc_paths = document_paths(archive, &series_slugs, &mut problems);
    let newest_first = newest_first(archive);
    let issuers = issuers(config, docs, &newest_first, &mut problems);
    let issuer_by_name = issuers
        .iter()
        .enumerate()
        .map(|(i, e)| (e.name.clone(), i))
        .collect();
    let mut sections = vec![Vec::new(); config.sections.len()];
    for &i in &newest_first {
        sections[docs[i].section].push(i);
    }
    let types = types(docs, &newest_first, &mut problems);
    let type_by_name = types
        .iter()
        .enumerate()
        .map(|(i, e)| (e.name.clone(), i))
        .collect();
    let (issue_documents, years) = issues_and_years(archive);
    let owned = claim_paths(archive, &doc_paths, &by_doc_number, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let paths = site_paths(owned, &years, &issuers, config, &types);
    check_redirects(config, &paths, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Index {
        doc_paths,
        issue_documents,
        years,
        issuers,
        issuer_by_name,
        sections,
        types,
        type_by_name,
        by_doc_number,
        by_registration,
        paths,
    })
}

/// What claims a path: a file of the site (a source, or a file of an issue folder: the
/// issue's source and the file's name), or the open data of one.
#[derive(Clone, Copy)]
enum Owner<'s> {
    File(&'s str),
    Asset(&'s str, &'s str),
    DataOf(&'s str),
}
impl std::fmt::Display for Owner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Owner::File(file) => f.write_str(file),
            // The file of an issue folder, as messages name it.
            Owner::Asset(issue, asset) => {
                let folder = issue
                    .trim_end_matches(crate::content::ISSUE_FILE)
                    .trim_end_matches('/');
                write!(f, "{folder}/{asset}")
            }
            Owner::DataOf(file) => write!(f, "the open data of {file}"),
        }
    }
}

/// 总第N期 is unique.
fn check_serials(archive: &Archive, problems: &mut Vec<Diagnostic>) {
    let mut serials: BTreeMap<u32, &str> = BTreeMap::new();
    for issue in &archive.issues {
        if let Some(other) = serials.insert(issue.serial, &issue.source) {
            problems.push(
                Diagnostic::error(
                    issue.source.clone(),
                    1,
                    1,
                    "duplicate-serial",
                    format!("serial (总第{}期) is also used by {other}", issue.serial),
                )
                .with_hint("each issue has its own 总期号; check both files against the print"),
            );
        }
    }
}

/// 文号 → document: 文号 are unique unless a document declares itself a duplicate.
fn doc_numbers(docs: &[Document], problems: &mut Vec<Diagnostic>) -> BTreeMap<String, usize> {
    let mut by_doc_number: BTreeMap<String, usize> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        let Some(n) = &d.doc_number else { continue };
        if d.duplicate_of().is_some() {
            continue;
        }
        match by_doc_number.entry(n.to_string()) {
            std::collections::btree_map::Entry::Occupied(other) => {
                let other = *other.get();
                let (l, c) = d.position_of("doc_number");
                problems.push(Diagnostic::error(d.source.clone(), l, c, "duplicate-doc-number",
                    format!("文号 {n} is also the 文号 of {}", docs[other].source))
                    .with_hint(format!("if this is a reprint of the same document, add `extra: {{duplicate_of: \"{n}\"}}` to one of them; otherwise correct the 文号")));
            }
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }
    by_doc_number
}

/// 登记号 → document: unique in the same way as 文号.
fn registrations(docs: &[Document], problems: &mut Vec<Diagnostic>) -> BTreeMap<String, usize> {
    let mut by_registration: BTreeMap<String, usize> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        let Some(reg) = &d.registration_number else {
            continue;
        };
        if d.duplicate_of().is_some() {
            continue;
        }
        if let Some(&other) = by_registration.get(reg) {
            let (l, c) = d.position_of("registration_number");
            problems.push(
                Diagnostic::error(
                    d.source.clone(),
                    l,
                    c,
                    "duplicate-registration-number",
                    format!(
                        "登记号 {reg} is also the 登记号 of {}",
                        docs[other].source
                    ),
                )
                .with_hint("if this is a reprint of the same document, add `extra: {duplicate_of: \"<its 文号>\"}`; otherwise correct the 登记号"),
            );
        } else {
            by_registration.insert(reg.clone(), i);
        }
    }
    by_registration
}

/// Every `extra.duplicate_of` names a 文号 of the archive.
fn check_duplicates_of(
    docs: &[Document],
    by_doc_number: &BTreeMap<String, usize>,
    problems: &mut Vec<Diagnostic>,
) {
    for d in docs {
        if let Some(original) = d.duplicate_of()
            && !crate::content::doc_number::DocNumber::parse(original)
                .is_ok_and(|n| by_doc_number.contains_key(&n.to_string()))
        {
            problems.push(
                Diagnostic::error(
                    d.source.clone(),
                    1,
                    1,
                    "bad-duplicate-of",
                    format!("`extra.duplicate_of: {original}` names no document of this archive"),
                )
                .with_hint("give the 文号 of the original document, as in its front matter"),
            );
        }
    }
}

/// 机关代字 → series slug; two series never share a slug.
fn series_slugs(
    config: &Config,
    docs: &[Document],
    problems: &mut Vec<Diagnostic>,
) -> BTreeMap<String, String> {
    let mut series_slugs: BTreeMap<String, String> = BTreeMap::new(); // prefix → slug
    let mut series_owner: BTreeMap<String, (String, &str)> = BTreeMap::new(); // slug → (prefix, file)
    for d in docs {
        let Some(n) = &d.doc_number else { continue };
        if series_slugs.contains_key(&n.prefix) {
            continue;
        }
        let (l, c) = d.position_of("doc_number");
        let slug_value = series_slug(config, &n.prefix);
        if slug_value.is_empty() || !slug::is_valid(&slug_value) {
            problems.push(
                Diagnostic::error(
                    d.source.clone(),
                    l,
                    c,
                    "bad-slug",
                    format!("cannot derive a URL slug for the 机关代字 `{}`", n.prefix),
                )
                .with_hint(format!(
                    "add `series: {{{}: <slug>}}` to gazette.yaml",
                    n.prefix
                )),
            );
            continue;
        }
        if let Some((other, file)) = series_owner.get(&slug_value) {
            problems.push(Diagnostic::error(d.source.clone(), l, c, "slug-collision",
                format!("机关代字 `{}` and `{other}` (in {file}) both get the URL slug `{slug_value}`", n.prefix))
                .with_hint(format!("add an override to gazette.yaml, e.g. `series: {{{}: {slug_value}2}}`", n.prefix)));
            continue;
        }
        series_owner.insert(slug_value.clone(), (n.prefix.clone(), &d.source));
        series_slugs.insert(n.prefix.clone(), slug_value);
    }
    series_slugs
}

/// The site path of every document; an unnumbered item's file name must fit in a URL.
fn document_paths(
    archive: &Archive,
    series_slugs: &BTreeMap<String, String>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let doc_paths: Vec<String> = {
        use rayon::prelude::*;
        archive
            .documents
            .par_iter()
            .map(|d| doc_path(d, archive, series_slugs))
            .collect()
    };
    for d in &archive.documents {
        if d.doc_number.is_none() || d.duplicate_of().is_some() {
            let stem_slug = stem_slug(&d.stem);
            if !slug::is_valid(&stem_slug) {
                problems.push(Diagnostic::error(d.source.clone(), 1, 1, "bad-file-name",
                    format!("the file name `{}.md` cannot be part of a URL", d.stem))
                    .with_hint("name unnumbered items with lowercase ASCII letters, digits and hyphens, e.g. `chronicle.md`"));
            }
        }
    }
    doc_paths
}

/// The issuers, in pinyin order, with their documents newest first; slugs are unique.
fn issuers(
    config: &Config,
    docs: &[Document],
    newest_first: &[usize],
    problems: &mut Vec<Diagnostic>,
) -> Vec<IssuerEntry> {
    let mut issuer_docs: BTreeMap<&str, Vec<(usize, bool)>> = BTreeMap::new();
    for &i in newest_first {
        for (k, name) in docs[i].issuers.iter().enumerate() {
            issuer_docs
                .entry(name.as_str())
                .or_default()
                .push((i, k == 0));
        }
    }
    let mut issuers: Vec<IssuerEntry> = Vec::new();
    let mut issuer_slug_owner: BTreeMap<String, String> = BTreeMap::new();
    for (name, documents) in issuer_docs {
        let slug_value = config
            .issuers
            .get(name)
            .and_then(|s| s.slug.clone())
            .unwrap_or_else(|| slug::syllables(name));
        let first_file = &docs[documents[0].0].source;
        let (fl, fc) = docs[documents[0].0].position_of("issuers");
        if !slug::is_valid(&slug_value) {
            problems.push(
                Diagnostic::error(
                    first_file.clone(),
                    fl,
                    fc,
                    "bad-slug",
                    format!("cannot derive a URL slug for the issuer `{name}`"),
                )
                .with_hint(format!(
                    "add `issuers: {{{name}: {{slug: <slug>}}}}` to gazette.yaml"
                )),
            );
            continue;
        }
        if let Some(other) = issuer_slug_owner.get(&slug_value) {
            problems.push(Diagnostic::error(first_file.clone(), fl, fc, "slug-collision",
                format!("issuers `{name}` and `{other}` both get the URL slug `{slug_value}`"))
                .with_hint(format!("add an override to gazette.yaml: `issuers: {{{name}: {{slug: <another-slug>}}}}`")));
            continue;
        }
        issuer_slug_owner.insert(slug_value.clone(), name.to_string());
        issuers.push(IssuerEntry {
            name: name.to_string(),
            slug: slug_value,
            documents,
        });
    }
    issuers.sort_by_cached_key(|e| slug::sort_key(&e.name));
    issuers
}

/// The 文种, in pinyin order, with their documents newest first; slugs are unique.
fn types(
    docs: &[Document],
    newest_first: &[usize],
    problems: &mut Vec<Diagnostic>,
) -> Vec<TypeEntry> {
    let mut type_docs: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in newest_first {
        if let Some(t) = &docs[i].doc_type {
            type_docs.entry(t.as_str()).or_default().push(i);
        }
    }
    let mut types = Vec::new();
    let mut type_slug_owner: BTreeMap<String, String> = BTreeMap::new();
    for (name, documents) in type_docs {
        let slug_value = slug::compact(name);
        let first_file = &docs[documents[0]].source;
        let (fl, fc) = docs[documents[0]].position_of("doc_type");
        if !slug::is_valid(&slug_value) {
            problems.push(
                Diagnostic::error(
                    first_file.clone(),
                    fl,
                    fc,
                    "bad-slug",
                    format!("cannot derive a URL slug for the 文种 `{name}`"),
                )
                .with_hint("write `doc_type` with Chinese characters, e.g. 通知"),
            );
            continue;
        }
        if let Some(other) = type_slug_owner.get(&slug_value) {
            problems.push(
                Diagnostic::error(
                    first_file.clone(),
                    fl,
                    fc,
                    "slug-collision",
                    format!("文种 `{name}` and `{other}` both get the URL slug `{slug_value}`"),
                )
                .with_hint("use one spelling of the 文种 in `doc_type`"),
            );
            continue;
        }
        type_slug_owner.insert(slug_value.clone(), name.to_string());
        types.push(TypeEntry {
            name: name.to_string(),
            slug: slug_value,
            documents,
        });
    }
    types.sort_by_cached_key(|e| slug::sort_key(&e.name));
    types
}

/// Issue indexes by year, newest first (see [`Index::years`]).
type Years = Vec<(u16, Vec<usize>)>;

/// The documents of each issue, and the issues by year, newest first.
fn issues_and_years(archive: &Archive) -> (Vec<Vec<usize>>, Years) {
    let mut issue_documents = vec![Vec::new(); archive.issues.len()];
    for (i, d) in archive.documents.iter().enumerate() {
        issue_documents[d.issue].push(i);
    }
    let mut years: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
    for (i, issue) in archive.issues.iter().enumerate() {
        years.entry(issue.year).or_default().push(i);
    }
    let years: Vec<(u16, Vec<usize>)> = years
        .into_iter()
        .rev()
        .map(|(y, mut v)| {
            v.reverse();
            (y, v)
        })
        .collect();
    (issue_documents, years)
}

/// Every page and file path the archive claims, with what claims it; two things at one
/// path are an error.
fn claim_paths<'s>(
    archive: &'s Archive,
    doc_paths: &[String],
    by_doc_number: &BTreeMap<String, usize>,
    problems: &mut Vec<Diagnostic>,
) -> rustc_hash::FxHashMap<String, Owner<'s>> {
    let mut owners: rustc_hash::FxHashMap<String, Owner<'_>> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(
            2 * archive.documents.len() + 2 * archive.issues.len(),
            Default::default(),
        );
    fn claim<'s>(
        owners: &mut rustc_hash::FxHashMap<String, Owner<'s>>,
        path: String,
        owner: Owner<'s>,
        problems: &mut Vec<Diagnostic>,
    ) -> bool {
        if let Some(other) = owners.get(&path) {
            problems.push(
                Diagnostic::error(
                    owner.to_string(),
                    1,
                    1,
                    "url-collision",
                    format!("this would be published at /{path}, which {other} already uses"),
                )
                .with_hint("rename the file, or correct its 文号"),
            );
            false
        } else {
            owners.insert(path, owner);
            true
        }
    }
    for (i, d) in archive.documents.iter().enumerate() {
        let duplicated = d.duplicate_of().is_none()
            && d.doc_number
                .as_ref()
                .is_some_and(|n| by_doc_number.get(&n.to_string()) != Some(&i));
        if !duplicated
            && claim(
                &mut owners,
                doc_paths[i].clone(),
                Owner::File(&d.source),
                problems,
            )
        {
            claim(
                &mut owners,
                urls::data_of(&doc_paths[i]),
                Owner::DataOf(&d.source),
                problems,
            );
        }
    }
    for issue in &archive.issues {
        let base = urls::issue(issue.year, issue.number);
        if claim(
            &mut owners,
            base.clone(),
            Owner::File(&issue.source),
            problems,
        ) {
            claim(
                &mut owners,
                urls::data_of(&base),
                Owner::DataOf(&issue.source),
                problems,
            );
        }
        for asset in &issue.assets {
            claim(
                &mut owners,
                urls::issue_file(&base, asset),
                Owner::Asset(&issue.source, asset),
                problems,
            );
        }
    }
    owners
}

/// Every site path that exists: the files claimed, and every list page.
fn site_paths(
    owned: rustc_hash::FxHashMap<String, Owner<'_>>,
    years: &[(u16, Vec<usize>)],
    issuers: &[IssuerEntry],
    config: &Config,
    types: &[TypeEntry],
) -> BTreeSet<String> {
    let mut paths: BTreeSet<String> = owned
        .into_iter()
        .filter(|(_, owner)| matches!(owner, Owner::File(_) | Owner::Asset(..)))
        .map(|(path, _)| path)
        .collect();
    paths.insert(String::new());
    for p in urls::FIXED_PAGES {
        paths.insert(p.to_string());
    }
    paths.insert(urls::LOOKUP_FILE.to_string());
    paths.insert(urls::DATA_CITATIONS.to_string());
    for (y, _) in years {
        paths.insert(urls::year(*y));
    }
    for e in issuers {
        paths.insert(urls::issuer(&e.slug));
    }
    for s in &config.sections {
        paths.insert(urls::section(&s.slug));
    }
    for t in types {
        paths.insert(urls::doc_type(&t.slug));
    }
    paths
}

/// `redirects` of gazette.yaml: every target exists, no source stands where the site
/// already has a page or file.
fn check_redirects(config: &Config, paths: &BTreeSet<String>, problems: &mut Vec<Diagnostic>) {
    let exists =
        |p: &str| paths.contains(p) || (!p.ends_with('/') && paths.contains(&format!("{p}/")));
    for (from, to) in &config.redirects {
        let err = |message: String| {
            Diagnostic::error(
                crate::config::CONFIG_FILE,
                config.redirects_line,
                1,
                "bad-redirect",
                message,
            )
        };
        if !exists(to) {
            problems.push(
                err(format!(
                    "redirect /{from} → /{to}: the target is no page or file of this site"
                ))
                .with_hint(
                    "point redirects at the new address of the page, e.g. /documents/wzf/2019/16/",
                ),
            );
        }
        let top = from.split('/').next().unwrap_or_default();
        let folder = from.trim_end_matches('/');
        let taken = paths.contains(from)
            || paths.contains(&format!("{folder}/"))
            || paths.contains(folder)
            || urls::RESERVED.contains(&top)
            || urls::is_serial_address(from)
            || from.rsplit('/').next() == Some(urls::DATA_FILE)
            || from.rsplit('/').next() == Some(urls::FEED_FILE);
        if taken {
            problems.push(
                err(format!(
                    "redirect /{from} → /{to}: /{from} is a page or file of this site and cannot be redirected"
                ))
                .with_hint("redirect only addresses that no longer exist"),
            );
        }
    }
}

/// Document indexes, newest issue first, table-of-contents order within an issue.
fn newest_first(archive: &Archive) -> Vec<usize> {
    let mut order: Vec<usize> = (0..archive.documents.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(archive.documents[i].issue));
    order
}

fn stem_slug(stem: &str) -> String {
    stem.to_ascii_lowercase().replace(['_', ' '], "-")
}

fn doc_path(d: &Document, archive: &Archive, series: &BTreeMap<String, String>) -> String {
    let issue = &archive.issues[d.issue];
    match &d.doc_number {
        Some(n) if d.duplicate_of().is_none() => {
            let year = n
                .year
                .or(d.date.map(|date| date.year()))
                .unwrap_or(issue.year);
            let series = series.get(&n.prefix).map_or("unknown", String::as_str);
            urls::numbered_document(series, year, n.seq)
        }
        _ => urls::unnumbered_document(&urls::issue(issue.year, issue.number), &stem_slug(&d.stem)),
    }
}

/// The URL slug of a 文号 series (机关代字): the `series` override, else its pinyin initials
/// (温政发 → `wzf`). `gazette import` names files by it too.
pub fn series_slug(config: &Config, prefix: &str) -> String {
    config
        .series
        .get(prefix)
        .cloned()
        .unwrap_or_else(|| slug::initials(prefix))
}
