//! Redirects: short, citable addresses and moved pages.
//!
//! - `d/<series>-<year>-<seq>/` → the numbered document `documents/<series>/<year>/<seq>/`;
//! - `issues/serial/<N>/` → the issue 总第N期;
//! - `normative/<登记号, lowercase>/` → the normative document with that registration number;
//! - every `redirects` entry of gazette.yaml (old site path → new site path).
//!
//! Each is an HTML page at the old address (`…/index.html` for folder addresses) that sends
//! the reader on at once (`<meta http-equiv="refresh">`), names the target as canonical, asks
//! not to be indexed, and links it for readers whose browser does not follow. Targets are
//! relative (so redirects work from `file://` and under any sub-path) unless the site has a
//! `base_url`. The same list is written as `_redirects` in the format of static hosts
//! (Netlify, Cloudflare Pages): `from to 301`, paths from the host's root.

use std::fmt::Write as _;

use super::{Emit, Facts};
use crate::incremental::Input;
use crate::urls;

/// What the redirects read: the front matter (文号, 总期号, 登记号, titles) and the
/// settings' `redirects`.
pub const READS: &[Input] = &[Input::FrontMatter];

/// One redirect: old site path → new site path, and the target's title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// The old address (folder form `d/wzf-2019-16/` or file form `old/a.html`).
    pub from: String,
    /// The new address.
    pub to: String,
    /// What the reader will find there.
    pub title: String,
}

/// Every redirect of the site, in a stable order.
pub fn all(facts: &Facts<'_>) -> Vec<Redirect> {
    let archive = facts.archive;
    let index = facts.index;
    let mut out = Vec::new();
    for (d, path) in index.doc_paths.iter().enumerate() {
        let doc = &archive.documents[d];
        if doc.duplicate_of().is_some() {
            continue;
        }
        if let Some(short) = urls::short_address(path) {
            out.push(Redirect {
                from: short,
                to: path.clone(),
                title: doc.title.clone(),
            });
        }
    }
    for (i, issue) in archive.issues.iter().enumerate() {
        out.push(Redirect {
            from: urls::serial_address(issue.serial),
            to: facts.issue_path(i),
            title: format!("{}（总第{}期）", issue.label(), issue.serial),
        });
    }
    for (reg, &d) in &index.by_registration {
        out.push(Redirect {
            from: urls::registration_address(reg),
            to: index.doc_paths[d].clone(),
            title: archive.documents[d].title.clone(),
        });
    }
    for (from, to) in &facts.config.redirects {
        out.push(Redirect {
            from: from.clone(),
            to: to.clone(),
            title: title_of(facts, to),
        });
    }
    out
}

/// The title of the page at `path`, for the link on a redirect page.
fn title_of(facts: &Facts<'_>, path: &str) -> String {
    let folder = if path.is_empty() || path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    };
    if let Some(d) = facts.index.doc_paths.iter().position(|p| *p == folder) {
        return facts.archive.documents[d].title.clone();
    }
    if let Some(i) = (0..facts.archive.issues.len()).find(|&i| facts.issue_path(i) == folder) {
        return facts.archive.issues[i].label();
    }
    if path.is_empty() {
        return facts.config.title.clone();
    }
    format!("/{path}")
}

/// The file a redirect is written to.
pub fn file_of(from: &str) -> String {
    urls::page_file(from)
}

/// The HTML page of one redirect.
pub fn page(facts: &Facts<'_>, r: &Redirect) -> String {
    let file = file_of(&r.from);
    let target = crate::content::markdown::escape_html(&facts.href(&file, &r.to));
    let title = crate::content::markdown::escape_html(&r.title);
    let mut x = String::with_capacity(1024);
    x.push_str("<!DOCTYPE html>\n");
    let _ = writeln!(
        x,
        "<html lang=\"{}\">",
        crate::content::markdown::escape_html(&facts.config.language)
    );
    x.push_str("<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        x,
        "<title>{title} - {}</title>",
        crate::content::markdown::escape_html(&facts.config.title)
    );
    let _ = writeln!(x, "<link rel=\"canonical\" href=\"{target}\">");
    x.push_str("<meta name=\"robots\" content=\"noindex\">\n");
    let _ = writeln!(
        x,
        "<meta http-equiv=\"refresh\" content=\"0; url={target}\">"
    );
    x.push_str("</head>\n<body>\n");
    let _ = writeln!(x, "<p>此地址已转至：<a href=\"{target}\">{title}</a></p>");
    x.push_str("</body>\n</html>\n");
    x
}

/// Makes every redirect page and `_redirects`, handing each to `emit` as it is made.
pub fn files(facts: &Facts<'_>, emit: &Emit<'_>) {
    let redirects = all(facts);
    // Paths in `_redirects` start at the host's root: the base URL's path, else `/`.
    let prefix = facts
        .config
        .base_url
        .as_deref()
        .and_then(|b| b.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
        .unwrap_or_else(|| "/".to_string());
    let mut host = String::from(
        "# Redirects for static hosts (Netlify, Cloudflare Pages): old address, new address, status.\n",
    );
    for r in &redirects {
        let _ = writeln!(host, "{prefix}{} {prefix}{} 301", r.from, r.to);
    }
    use rayon::prelude::*;
    redirects
        .par_iter()
        .for_each(|r| emit(file_of(&r.from), page(facts, r).into_bytes()));
    emit(urls::HOST_REDIRECTS.to_string(), host.into_bytes());
}
