//! Finding the files of `content/`: issue folders, issue and document files, and the other
//! files of each issue folder, with the files that are in the wrong place reported.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{CONTENT_DIR, ISSUE_FILE, Stamp};
use crate::error::Diagnostic;

/// A file found under `content/`.
pub(super) struct Found {
    /// Path relative to the root, `/`-separated.
    pub(super) rel: String,
    pub(super) path: PathBuf,
    pub(super) kind: FoundKind,
    /// The identity of an issue or document file, taken before it is read; `None` for an
    /// asset, or when the file could not be stated.
    pub(super) stamp: Option<Stamp>,
}

pub(super) enum FoundKind {
    Issue { dir: (u16, u16) },
    Document { dir: (u16, u16) },
    Asset { dir: (u16, u16), within: String },
}

fn rel_path(root: &Path, path: &Path) -> String {
    crate::tree::site_path(path.strip_prefix(root).unwrap_or(path))
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
pub(super) fn discover(root: &Path, problems: &mut Vec<Diagnostic>) -> Vec<Found> {
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
