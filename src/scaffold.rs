//! `gazette new`: new issues and documents with their front matter filled in. Nothing is ever
//! overwritten.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::Config;
use crate::content::date::Date;
use crate::content::doc_number::DocNumber;
use crate::content::{CONTENT_DIR, ISSUE_FILE, front_matter, slug};
use crate::error::{Error, Result};
use crate::yaml;

/// Parses `2020/1` or `2020/01` into (year, number).
pub fn parse_issue_ref(text: &str) -> Result<(u16, u16)> {
    let bad = || {
        Error::Fatal(format!(
            "`{text}` is not an issue; write it as <year>/<number>, e.g. 2020/1"
        ))
    };
    let (y, n) = text.trim_end_matches('/').split_once('/').ok_or_else(bad)?;
    let year: u16 = y.parse().map_err(|_| bad())?;
    let number: u16 = n.parse().map_err(|_| bad())?;
    if !(1000..=9999).contains(&year) || !(1..=99).contains(&number) {
        return Err(bad());
    }
    Ok((year, number))
}

/// `content/<year>/<nn>` under `root`.
pub fn issue_dir(root: &Path, (year, number): (u16, u16)) -> PathBuf {
    root.join(CONTENT_DIR)
        .join(year.to_string())
        .join(format!("{number:02}"))
}

#[derive(Deserialize)]
struct IssueSerial {
    year: u16,
    number: u16,
    serial: u32,
}

/// The (year, number, serial) of every issue that can be read.
fn existing_issues(root: &Path) -> Vec<IssueSerial> {
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(root.join(CONTENT_DIR))
        .min_depth(3)
        .max_depth(3)
        .sort_by_file_name();
    for entry in walker.into_iter().flatten() {
        if entry.file_name() != ISSUE_FILE {
            continue;
        }
        let Ok(text) = fs::read_to_string(entry.path()) else {
            continue;
        };
        let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
        let Ok(split) = front_matter::split(&text) else {
            continue;
        };
        if let Ok(issue) = yaml::from_str::<IssueSerial>(split.yaml) {
            found.push(issue);
        }
    }
    found
}

fn create_new(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::Fatal(format!(
                    "{} already exists; gazette new never overwrites a file",
                    path.display()
                ))
            } else {
                Error::io("create", path, e)
            }
        })?;
    file.write_all(text.as_bytes())
        .map_err(|e| Error::io("write", path, e))
}

/// The serial (总第N期) of a new issue: the previous issue's plus one; an error when another
/// issue already has it.
pub fn next_serial(root: &Path, issue: (u16, u16)) -> Result<u32> {
    let issues = existing_issues(root);
    let serial = issues
        .iter()
        .filter(|i| (i.year, i.number) < issue)
        .max_by_key(|i| (i.year, i.number))
        .map_or(1, |i| i.serial + 1);
    if let Some(clash) = issues
        .iter()
        .find(|i| i.serial == serial && (i.year, i.number) != issue)
    {
        return Err(Error::Fatal(format!(
            "the next serial, 总第{serial}期, is already used by {}/{:02}; create the issue by hand",
            clash.year, clash.number
        )));
    }
    Ok(serial)
}

/// Creates `content/<year>/<nn>/_index.md`; its serial is the previous issue's plus one.
pub fn new_issue(root: &Path, issue: (u16, u16)) -> Result<PathBuf> {
    let path = issue_dir(root, issue).join(ISSUE_FILE);
    let serial = next_serial(root, issue)?;
    let text = format!(
        "---\nyear: {}\nnumber: {}\nserial: {serial}\n# published: {}-MM-DD\n---\n",
        issue.0, issue.1, issue.0
    );
    create_new(&path, &text)?;
    Ok(path)
}

/// What `gazette new doc` is asked for.
#[derive(Clone, Debug, Default)]
pub struct NewDoc {
    /// The issue, (year, number).
    pub issue: (u16, u16),
    /// The file name, without `.md`.
    pub name: String,
    /// 标题.
    pub title: String,
    /// 文号.
    pub doc_number: Option<String>,
    /// 栏目; default 文件发布 (or the site's first section).
    pub section: Option<String>,
    /// 发文机关; default the lead issuer of the newest document of the same series.
    pub issuers: Vec<String>,
    /// 成文日期; default `today` for numbered documents.
    pub date: Option<String>,
}

fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

/// Today's date by the system clock (UTC): the default 成文日期 of a new numbered document.
/// Only scaffolding reads the clock; a build never does.
pub fn today() -> Date {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    Date::from_days_since_epoch(days as i64).expect("a date in range")
}

/// Creates a document in an existing issue.
pub fn new_doc(root: &Path, doc: &NewDoc, today: Date) -> Result<PathBuf> {
    let config = Config::load(root, None).map_err(Error::Invalid)?;
    let dir = issue_dir(root, doc.issue);
    if !dir.join(ISSUE_FILE).is_file() {
        return Err(Error::Fatal(format!(
            "issue {}/{} does not exist; create it first with `gazette new issue {}/{}`",
            doc.issue.0, doc.issue.1, doc.issue.0, doc.issue.1
        )));
    }
    let name = doc.name.trim_end_matches(".md");
    if !slug::is_valid(name) {
        return Err(Error::Fatal(format!(
            "`{name}` cannot be a file name: use lowercase ASCII letters, digits and hyphens, e.g. wzf-2020-1"
        )));
    }
    let path = dir.join(format!("{name}.md"));
    if path.exists() {
        return Err(Error::Fatal(format!(
            "{} already exists; gazette new never overwrites a file",
            path.display()
        )));
    }
    if doc.title.trim().is_empty() {
        return Err(Error::Fatal(
            "--title is required and must not be empty".into(),
        ));
    }
    let section = match &doc.section {
        Some(s) if config.section_index(s).is_some() => s.clone(),
        Some(s) => {
            return Err(Error::Fatal(format!(
                "unknown section `{s}`; sections are: {}",
                config.section_list()
            )));
        }
        None => config
            .sections
            .iter()
            .find(|s| s.name == "文件发布")
            .unwrap_or(&config.sections[0])
            .name
            .clone(),
    };
    let mut text = format!(
        "---\ntitle: {}\nsection: {}\n",
        yaml_string(doc.title.trim()),
        section
    );
    if let Some(number) = &doc.doc_number {
        let number = DocNumber::parse(number).map_err(Error::Fatal)?;
        let issuers = if doc.issuers.is_empty() {
            guess_issuer(root, &config, &number).ok_or_else(|| {
                Error::Fatal(format!(
                    "no earlier document of the series {} names its issuer; pass --issuer",
                    number.prefix
                ))
            })?
        } else {
            doc.issuers.clone()
        };
        let date = match &doc.date {
            Some(d) => Date::parse(d).map_err(Error::Fatal)?.to_string(),
            None => format!(
                "{today}   # 成文日期: today, as a placeholder; take it from the signature block"
            ),
        };
        let _ = writeln!(text, "doc_number: {number}");
        let _ = writeln!(
            text,
            "issuers: [{}]",
            issuers
                .iter()
                .map(|i| yaml_string(i))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let _ = writeln!(text, "date: {date}");
    } else if let Some(d) = &doc.date {
        let _ = writeln!(text, "date: {}", Date::parse(d).map_err(Error::Fatal)?);
    }
    text.push_str("---\n\n");
    create_new(&path, &text)?;
    Ok(path)
}

use std::fmt::Write as _;

/// The lead issuer of the newest document in the archive with the same 机关代字.
fn guess_issuer(root: &Path, config: &Config, number: &DocNumber) -> Option<Vec<String>> {
    let archive = crate::content::load(root, config).ok()?;
    archive
        .documents
        .iter()
        .rev()
        .find(|d| {
            d.doc_number
                .as_ref()
                .is_some_and(|n| n.prefix == number.prefix)
                && !d.issuers.is_empty()
        })
        .map(|d| vec![d.issuers[0].clone()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_refs() {
        assert_eq!(parse_issue_ref("2020/1").unwrap(), (2020, 1));
        assert_eq!(parse_issue_ref("2020/01/").unwrap(), (2020, 1));
        for bad in ["2020", "2020/0", "20/1", "2020/x", "2020/100"] {
            assert!(parse_issue_ref(bad).is_err(), "{bad}");
        }
    }
}
