//! Open data: a `data.json` twin beside every document and issue page, and the whole
//! archive under `data/` — `issues.json`; for each year of issues `<year>/documents.jsonl`
//! (one JSON record per line) and `<year>/documents.csv` (RFC 4180, CRLF, UTF-8 with a byte
//! order mark so spreadsheet programs read the Chinese right), listed with their sizes and
//! SHA-256 in `index.json`; `wenhao.json` (normalised 文号 → address) and
//! `registration.json` (登记号 → address). The bulk files are split by year so that an edit
//! rewrites one year's files, and each year's are made only when what they read changed.
//!
//! Records hold the front matter as the editor wrote it (normalised: 文号 with 〔〕, dates as
//! `YYYY-MM-DD`), what the build derives (文种, series, slugs, addresses), and the text: the
//! Markdown body and a plain-text version. Absent values are `null` and empty lists `[]`, so
//! every record has every field. Addresses are given twice: `path`, relative to the site root
//! (`documents/wzf/2019/16/`), always; `url`, absolute, when the site has a `base_url`.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use super::{Emit, Facts, json_bytes};
use crate::content::markdown::plain_text;
use crate::incremental::{Input, Reader};
use crate::urls;

/// A 栏目, 文种 or issuer as records name it.
#[derive(Debug, Serialize)]
pub struct Term<'a> {
    /// Name.
    pub name: &'a str,
    /// URL slug.
    pub slug: &'a str,
    /// Its page.
    pub path: String,
}

/// An issuer of a document.
#[derive(Debug, Serialize)]
pub struct IssuerRecord<'a> {
    /// Name.
    pub name: &'a str,
    /// URL slug.
    pub slug: &'a str,
    /// Its page.
    pub path: String,
    /// Whether it leads (主办).
    pub lead: bool,
}

/// The parts of a 文号.
#[derive(Debug, Serialize)]
pub struct DocNumberParts<'a> {
    /// 机关代字.
    pub prefix: &'a str,
    /// Its URL slug.
    pub series: Option<&'a str>,
    /// Year in brackets (none for orders, 令第N号).
    pub year: Option<u16>,
    /// Sequence number.
    pub seq: u32,
}

/// A file published with an issue or attached to a document.
#[derive(Debug, Serialize)]
pub struct FileRecord<'a> {
    /// Title (attachments) or file name.
    pub title: &'a str,
    /// File name in the issue folder, if it is a file.
    pub file: Option<&'a str>,
    /// Its address.
    pub path: Option<String>,
    /// Its absolute URL.
    pub url: Option<String>,
    /// Size in bytes (files of an issue).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

/// The issue a document appeared in.
#[derive(Debug, Serialize)]
pub struct IssueRef {
    /// `2019年第12期`.
    pub label: String,
    /// Year.
    pub year: u16,
    /// 第N期.
    pub number: u16,
    /// 总第N期.
    pub serial: u32,
    /// Publication date, if printed.
    pub published: Option<String>,
    /// Its page.
    pub path: String,
    /// Its absolute URL.
    pub url: Option<String>,
}

/// One document, as `data.json`, `documents.jsonl` and (flattened) `documents.csv` give it.
#[derive(Debug, Serialize)]
pub struct DocumentRecord<'a> {
    /// Always `document`.
    pub kind: &'static str,
    /// Its page, relative to the site root.
    pub path: &'a str,
    /// Its absolute URL.
    pub url: Option<String>,
    /// This record's file.
    pub data: String,
    /// 标题.
    pub title: &'a str,
    /// 栏目.
    pub section: Term<'a>,
    /// 文号, normalised.
    pub doc_number: Option<String>,
    /// Its parts.
    pub doc_number_parts: Option<DocNumberParts<'a>>,
    /// 登记号.
    pub registration_number: Option<&'a str>,
    /// 发文机关, lead first.
    pub issuers: Vec<IssuerRecord<'a>>,
    /// 成文日期.
    pub date: Option<String>,
    /// 文种, given or derived from the title.
    pub doc_type: Option<Term<'a>>,
    /// 主送机关.
    pub addressees: &'a [String],
    /// 施行日期.
    pub valid_from: Option<String>,
    /// 有效期至.
    pub valid_until: Option<String>,
    /// Printed pages, first and last.
    pub pages: Option<[u32; 2]>,
    /// Order within its section, if given.
    pub position: Option<u32>,
    /// 附件.
    pub attachments: Vec<FileRecord<'a>>,
    /// 主题词.
    pub subjects: &'a [String],
    /// `extra`, as written.
    pub extra: &'a BTreeMap<String, serde_json::Value>,
    /// The issue it appeared in.
    pub issue: IssueRef,
    /// The Markdown source, relative to the site root.
    pub source: &'a str,
    /// The body as Markdown.
    pub markdown: String,
    /// The body as plain text.
    pub text: String,
}

/// A document as an issue lists it.
#[derive(Debug, Serialize)]
pub struct DocumentRef<'a> {
    /// 标题.
    pub title: &'a str,
    /// 栏目.
    pub section: &'a str,
    /// 文号.
    pub doc_number: Option<String>,
    /// Its page.
    pub path: &'a str,
    /// Its absolute URL.
    pub url: Option<String>,
    /// Its record.
    pub data: String,
}

/// One issue, as its `data.json` and `issues.json` give it.
#[derive(Debug, Serialize)]
pub struct IssueRecord<'a> {
    /// Always `issue`.
    pub kind: &'static str,
    /// Its page.
    pub path: String,
    /// Its absolute URL.
    pub url: Option<String>,
    /// This record's file.
    pub data: String,
    /// `2019年第12期`.
    pub label: String,
    /// Year.
    pub year: u16,
    /// 第N期.
    pub number: u16,
    /// 总第N期.
    pub serial: u32,
    /// Publication date, if printed.
    pub published: Option<String>,
    /// The facsimile, if any.
    pub pdf: Option<FileRecord<'a>>,
    /// Files published with the issue.
    pub assets: Vec<FileRecord<'a>>,
    /// The editor's note as Markdown.
    pub note_markdown: &'a str,
    /// The editor's note as plain text.
    pub note_text: String,
    /// `extra`, as written.
    pub extra: &'a BTreeMap<String, serde_json::Value>,
    /// Its items, in printed order.
    pub documents: Vec<DocumentRef<'a>>,
    /// The source, relative to the site root.
    pub source: &'a str,
}

/// What the open data of the whole archive reads (issues' twins, `issues.json`, the lookup
/// tables, `index.json`): the front matter, and an issue's files their sizes.
pub const READS: &[Input] = &[Input::FrontMatter, Input::IssueAssets];

/// What one year's bulk files and its documents' twins read: the front matter, the issues'
/// files (attachments name them) and the text of that year's bodies.
pub fn year_reads(year: u16) -> [Input; 3] {
    [
        Input::FrontMatter,
        Input::IssueAssets,
        Input::BodiesOfYear(year),
    ]
}

/// The documents of each year of issues, in the archive's order, oldest year first.
pub fn years(facts: &Facts<'_>) -> Vec<(u16, Vec<usize>)> {
    let mut years: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
    for (d, doc) in facts.archive.documents.iter().enumerate() {
        years
            .entry(facts.archive.issues[doc.issue].year)
            .or_default()
            .push(d);
    }
    years.into_iter().collect()
}

/// The JSON Lines file of a year's documents.
pub fn jsonl_path(year: u16) -> String {
    urls::open_data(&format!("{year}/documents.jsonl"))
}

/// The CSV file of a year's documents.
pub fn csv_path(year: u16) -> String {
    urls::open_data(&format!("{year}/documents.csv"))
}

/// The file that lists the bulk files.
pub fn index_path() -> String {
    urls::open_data("index.json")
}

/// One year's bulk files, as `index.json` lists them.
pub struct YearFiles {
    /// The year of issues.
    pub year: u16,
    /// How many documents its issues hold.
    pub documents: usize,
    /// Its JSON Lines file, as published.
    pub jsonl: crate::cache::FileDigest,
    /// Its CSV file, as published.
    pub csv: crate::cache::FileDigest,
}

/// `index.json`: every year's bulk files with their addresses, sizes and SHA-256, oldest
/// year first, so that a mirror or a script finds all of them.
pub fn index_json(facts: &Facts<'_>, years: &[YearFiles]) -> Vec<u8> {
    #[derive(Serialize)]
    struct File<'a> {
        path: &'a str,
        url: Option<String>,
        size: u64,
        sha256: &'a str,
    }
    #[derive(Serialize)]
    struct Year<'a> {
        year: u16,
        documents: usize,
        jsonl: File<'a>,
        csv: File<'a>,
    }
    #[derive(Serialize)]
    struct Index<'a> {
        documents: usize,
        years: Vec<Year<'a>>,
    }
    let paths: Vec<(String, String)> = years
        .iter()
        .map(|y| (jsonl_path(y.year), csv_path(y.year)))
        .collect();
    fn file<'f>(
        facts: &Facts<'_>,
        path: &'f str,
        digest: &'f crate::cache::FileDigest,
    ) -> File<'f> {
        File {
            path,
            url: facts.url(path),
            size: digest.size,
            sha256: &digest.sha256,
        }
    }
    let index = Index {
        documents: years.iter().map(|y| y.documents).sum(),
        years: years
            .iter()
            .zip(&paths)
            .map(|(y, (jsonl, csv))| Year {
                year: y.year,
                documents: y.documents,
                jsonl: file(facts, jsonl, &y.jsonl),
                csv: file(facts, csv, &y.csv),
            })
            .collect(),
    };
    json_bytes(&index)
}

impl<'a> Facts<'a> {
    /// The record of file `file` of issue `i`, with its size.
    fn file_record(
        &self,
        reader: &Reader<'_>,
        (i, title, file): (usize, &'a str, &'a str),
    ) -> FileRecord<'a> {
        FileRecord {
            size: Some(reader.asset_size(i, file)),
            ..self.attachment_record(i, title, file)
        }
    }

    /// The record of a file of issue `i` named by a document's attachment, without its size.
    fn attachment_record(&self, i: usize, title: &'a str, file: &'a str) -> FileRecord<'a> {
        let path = urls::issue_file(&self.issue_path(i), file);
        FileRecord {
            title,
            file: Some(file),
            url: self.url(&path),
            size: None,
            path: Some(path),
        }
    }

    /// The open-data record of document `d`.
    pub fn document_record(&self, d: usize, reader: &Reader<'_>) -> DocumentRecord<'a> {
        self.record_of(d, Some(reader))
    }

    /// The open-data record of document `d`, with its text read through `reader` or (for
    /// the CSV, which has none) without reading it.
    fn record_of(&self, d: usize, reader: Option<&Reader<'_>>) -> DocumentRecord<'a> {
        let doc = &self.archive.documents[d];
        // A body that cannot be read fails the page render, and with it the build.
        let markdown = reader.map(|r| r.body(d)).unwrap_or_default();
        let index = self.index;
        let path = index.doc_paths[d].as_str();
        let issue = &self.archive.issues[doc.issue];
        let issue_path = self.issue_path(doc.issue);
        let section = &self.config.sections[doc.section];
        let series = urls::document_series(path);
        DocumentRecord {
            kind: "document",
            path,
            url: self.url(path),
            data: urls::data_of(path),
            title: &doc.title,
            section: Term {
                name: &section.name,
                slug: &section.slug,
                path: urls::section(&section.slug),
            },
            doc_number: doc.doc_number.as_ref().map(ToString::to_string),
            doc_number_parts: doc.doc_number.as_ref().map(|n| DocNumberParts {
                prefix: &n.prefix,
                series: series.filter(|_| doc.duplicate_of().is_none()),
                year: n.year,
                seq: n.seq,
            }),
            registration_number: doc.registration_number.as_deref(),
            issuers: doc
                .issuers
                .iter()
                .enumerate()
                .map(|(k, name)| {
                    let e = &index.issuers[index.issuer_by_name[name]];
                    IssuerRecord {
                        name,
                        slug: &e.slug,
                        path: urls::issuer(&e.slug),
                        lead: k == 0,
                    }
                })
                .collect(),
            date: doc.date.map(|x| x.to_string()),
            doc_type: doc.doc_type.as_ref().map(|t| {
                let e = &index.types[index.type_by_name[t]];
                Term {
                    name: &e.name,
                    slug: &e.slug,
                    path: urls::doc_type(&e.slug),
                }
            }),
            addressees: &doc.addressees,
            valid_from: doc.valid_from.map(|x| x.to_string()),
            valid_until: doc.valid_until.map(|x| x.to_string()),
            pages: doc.pages.map(|(a, b)| [a, b]),
            position: doc.position,
            attachments: doc
                .attachments
                .iter()
                .map(|a| match &a.file {
                    Some(file) => self.attachment_record(doc.issue, &a.title, file),
                    None => FileRecord {
                        title: &a.title,
                        file: None,
                        path: None,
                        url: None,
                        size: None,
                    },
                })
                .collect(),
            subjects: &doc.subjects,
            extra: &doc.extra,
            issue: IssueRef {
                label: issue.label(),
                year: issue.year,
                number: issue.number,
                serial: issue.serial,
                published: issue.published.map(|x| x.to_string()),
                url: self.url(&issue_path),
                path: issue_path,
            },
            source: &doc.source,
            text: if reader.is_some() {
                plain_text(&markdown, self.config.raw_html)
            } else {
                String::new()
            },
            markdown,
        }
    }

    /// The open-data record of issue `i`.
    pub fn issue_record(&self, i: usize, reader: &Reader<'_>) -> IssueRecord<'a> {
        let issue = &self.archive.issues[i];
        let path = self.issue_path(i);
        IssueRecord {
            kind: "issue",
            url: self.url(&path),
            data: urls::data_of(&path),
            label: issue.label(),
            year: issue.year,
            number: issue.number,
            serial: issue.serial,
            published: issue.published.map(|x| x.to_string()),
            pdf: issue
                .pdf
                .as_deref()
                .map(|p| self.file_record(reader, (i, p, p))),
            assets: issue
                .assets
                .iter()
                .map(|a| self.file_record(reader, (i, a, a)))
                .collect(),
            note_markdown: &issue.note,
            note_text: plain_text(&issue.note, self.config.raw_html),
            extra: &issue.extra,
            documents: self.index.issue_documents[i]
                .iter()
                .map(|&d| {
                    let doc = &self.archive.documents[d];
                    let p = self.index.doc_paths[d].as_str();
                    DocumentRef {
                        title: &doc.title,
                        section: &self.config.sections[doc.section].name,
                        doc_number: doc.doc_number.as_ref().map(ToString::to_string),
                        path: p,
                        url: self.url(p),
                        data: urls::data_of(p),
                    }
                })
                .collect(),
            source: &issue.source,
            path,
        }
    }

    /// The address a lookup table gives: the URL with a `base_url`, else the site path.
    fn address(&self, path: &str) -> String {
        self.url(path).unwrap_or_else(|| path.to_string())
    }
}

/// Documents are turned into records in parallel, this many at a time, and streamed out, so
/// that the bulk files are never whole in memory.
const CHUNK: usize = 1024;

/// Streams a year's `documents.jsonl` (one JSON record for each of `docs`) and hands each
/// document's data twin (`data.json` beside its page: site path and bytes) to `twin` as it
/// is made, so that every record is built once.
pub fn write_jsonl(
    facts: &Facts<'_>,
    reader: &Reader<'_>,
    docs: &[usize],
    out: &mut dyn std::io::Write,
    twin: &Emit<'_>,
) -> std::io::Result<()> {
    for chunk in docs.chunks(CHUNK) {
        let lines: Vec<String> = chunk
            .par_iter()
            .map(|&d| {
                let record = facts.document_record(d, reader);
                let mut line = serde_json::to_string(&record).expect("serialisable");
                line.push('\n');
                twin(record.data.clone(), json_bytes(&record));
                line
            })
            .collect();
        for line in lines {
            out.write_all(line.as_bytes())?;
        }
    }
    Ok(())
}

/// Streams a year's `documents.csv` (a row for each of `docs`): RFC 4180, UTF-8 with a byte
/// order mark.
pub fn write_csv(
    facts: &Facts<'_>,
    docs: &[usize],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    out.write_all(csv_line(CSV_COLUMNS.iter().map(|c| c.to_string())).as_bytes())?;
    for chunk in docs.chunks(CHUNK) {
        let rows: Vec<String> = chunk
            .par_iter()
            .map(|&d| csv_row(&facts.record_of(d, None)))
            .collect();
        for row in rows {
            out.write_all(row.as_bytes())?;
        }
    }
    Ok(())
}

/// The small open-data files: each issue's data twin, `issues.json`, `wenhao.json` and
/// `registration.json`, each handed to `emit`. (Documents' twins and the bulk files are
/// written by [`write_jsonl`] and [`write_csv`], and listed by [`index_json`].)
pub fn files(facts: &Facts<'_>, reader: &Reader<'_>, emit: &Emit<'_>) {
    let archive = facts.archive;
    let index = facts.index;
    let issues: Vec<IssueRecord<'_>> = (0..archive.issues.len())
        .map(|i| facts.issue_record(i, reader))
        .collect();
    for record in &issues {
        emit(record.data.clone(), json_bytes(record));
    }
    emit(urls::open_data("issues.json"), json_bytes(&issues));
    drop(issues);
    let wenhao: BTreeMap<&str, String> = index
        .by_doc_number
        .iter()
        .map(|(n, &d)| (n.as_str(), facts.address(&index.doc_paths[d])))
        .collect();
    emit(urls::open_data("wenhao.json"), json_bytes(&wenhao));
    let registration: BTreeMap<&str, String> = index
        .by_registration
        .iter()
        .map(|(n, &d)| (n.as_str(), facts.address(&index.doc_paths[d])))
        .collect();
    emit(
        urls::open_data("registration.json"),
        json_bytes(&registration),
    );
}

/// Columns of `documents.csv`.
pub const CSV_COLUMNS: &[&str] = &[
    "path",
    "url",
    "title",
    "section",
    "doc_number",
    "registration_number",
    "doc_type",
    "date",
    "issuers",
    "addressees",
    "valid_from",
    "valid_until",
    "subjects",
    "issue",
    "issue_serial",
    "issue_published",
    "pages",
    "source",
];

/// Separator of list values inside one CSV field (issuer names may hold `、`).
pub const CSV_LIST_SEPARATOR: &str = "；";

fn csv_row(r: &DocumentRecord<'_>) -> String {
    let list = |items: &[String]| items.join(CSV_LIST_SEPARATOR);
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    csv_line(
        [
            r.path.to_string(),
            opt(&r.url),
            r.title.to_string(),
            r.section.name.to_string(),
            opt(&r.doc_number),
            r.registration_number.unwrap_or_default().to_string(),
            r.doc_type
                .as_ref()
                .map(|t| t.name.to_string())
                .unwrap_or_default(),
            opt(&r.date),
            r.issuers
                .iter()
                .map(|i| i.name)
                .collect::<Vec<_>>()
                .join(CSV_LIST_SEPARATOR),
            list(r.addressees),
            opt(&r.valid_from),
            opt(&r.valid_until),
            list(r.subjects),
            r.issue.label.clone(),
            r.issue.serial.to_string(),
            opt(&r.issue.published),
            r.pages
                .map(|[a, b]| {
                    if a == b {
                        a.to_string()
                    } else {
                        format!("{a}-{b}")
                    }
                })
                .unwrap_or_default(),
            r.source.to_string(),
        ]
        .into_iter(),
    )
}

/// One CSV record per RFC 4180: fields holding a comma, a quote or a line break are quoted,
/// quotes doubled; the record ends with CRLF.
pub fn csv_line(fields: impl Iterator<Item = String>) -> String {
    let mut line = String::new();
    for (i, field) in fields.enumerate() {
        if i > 0 {
            line.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            line.push('"');
            line.push_str(&field.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(&field);
        }
    }
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting() {
        let line = csv_line(
            ["a", "b,c", "say \"hi\"", "x\ny", ""]
                .iter()
                .map(|s| s.to_string()),
        );
        assert_eq!(line, "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\",\r\n");
    }
}
