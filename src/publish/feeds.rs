//! Atom feeds (RFC 4287): the newest documents of the whole archive (`atom.xml`), the issues
//! (`issues/atom.xml`), and one per issuer, 栏目 and 文种 beside its page
//! (`issuers/<slug>/atom.xml`, `sections/<slug>/atom.xml`, `types/<slug>/atom.xml`).
//!
//! Each feed holds the newest `feed_limit` entries, in the site's order (newest issue first,
//! then as printed). Ids are permanent: the canonical URL with a `base_url`, else a
//! name-based `urn:uuid:` ([`super::Facts::id`]). Dates come from the front matter: a
//! document's `published` is its 成文日期 and its `updated` the day it appeared (the later of
//! that and its issue's date); an issue's are its publication date. Links are absolute with a
//! `base_url`, else relative to the feed file, which RFC 4287 resolves against the feed's own
//! address.

use std::fmt::Write as _;

use super::{Emit, Facts, timestamp, xml_escape};
use crate::content::date::Date;
use crate::incremental::{Input, Reader};

use crate::urls;

/// A feed to be written: where, what it is called, which page it follows.
#[derive(Clone, Debug)]
pub struct Feed {
    /// Site path of the feed file.
    pub path: String,
    /// Its title.
    pub title: String,
    /// The HTML page it follows.
    pub page: String,
    /// What it lists.
    pub entries: Entries,
}

/// What a feed lists.
#[derive(Clone, Debug)]
pub enum Entries {
    /// Documents, by index.
    Documents(Vec<usize>),
    /// Issues, by index.
    Issues(Vec<usize>),
}

/// Every feed of the site.
pub fn all(facts: &Facts<'_>) -> Vec<Feed> {
    let index = facts.index;
    let title = &facts.config.title;
    let newest: Vec<usize> = index
        .years
        .iter()
        .flat_map(|(_, issues)| issues)
        .flat_map(|&i| index.issue_documents[i].iter().copied())
        .collect();
    let mut feeds = vec![
        Feed {
            path: urls::ARCHIVE_FEED.to_string(),
            title: format!("{title} · 最新文件"),
            page: String::new(),
            entries: Entries::Documents(newest),
        },
        Feed {
            path: urls::ISSUES_FEED.to_string(),
            title: format!("{title} · 各期"),
            page: urls::ISSUES.to_string(),
            entries: Entries::Issues(
                index
                    .years
                    .iter()
                    .flat_map(|(_, v)| v.iter().copied())
                    .collect(),
            ),
        },
    ];
    for e in &index.issuers {
        feeds.push(Feed {
            path: urls::feed_of(&urls::issuer(&e.slug)),
            title: format!("{title} · 发文机关：{}", e.name),
            page: urls::issuer(&e.slug),
            entries: Entries::Documents(e.documents.iter().map(|&(d, _)| d).collect()),
        });
    }
    for (s, section) in facts.config.sections.iter().enumerate() {
        feeds.push(Feed {
            path: urls::feed_of(&urls::section(&section.slug)),
            title: format!("{title} · 栏目：{}", section.name),
            page: urls::section(&section.slug),
            entries: Entries::Documents(index.sections[s].clone()),
        });
    }
    for t in &index.types {
        feeds.push(Feed {
            path: urls::feed_of(&urls::doc_type(&t.slug)),
            title: format!("{title} · 文种：{}", t.name),
            page: urls::doc_type(&t.slug),
            entries: Entries::Documents(t.documents.clone()),
        });
    }
    for feed in &mut feeds {
        match &mut feed.entries {
            Entries::Documents(v) | Entries::Issues(v) => v.truncate(facts.config.feed_limit),
        }
    }
    feeds
}

/// The XML of one feed.
pub fn render(facts: &Facts<'_>, reader: &Reader<'_>, feed: &Feed) -> String {
    let config = facts.config;
    let updated = match &feed.entries {
        Entries::Documents(docs) => docs.iter().map(|&d| facts.doc_dates[d]).max(),
        Entries::Issues(issues) => issues.iter().map(|&i| facts.issue_dates[i]).max(),
    }
    .unwrap_or(facts.site_date);
    let mut x = String::with_capacity(4096);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml_escape(&config.language)
    );
    let _ = writeln!(x, "  <id>{}</id>", xml_escape(&facts.id(&feed.path)));
    let _ = writeln!(x, "  <title>{}</title>", xml_escape(&feed.title));
    let _ = writeln!(x, "  <updated>{}</updated>", timestamp(updated));
    let _ = writeln!(
        x,
        "  <author><name>{}</name></author>",
        xml_escape(&config.title)
    );
    let _ = writeln!(
        x,
        "  <generator version=\"{}\">gazette</generator>",
        env!("CARGO_PKG_VERSION")
    );
    let href = |to: &str| xml_escape(&facts.href(&feed.path, to));
    let self_href = match facts.url(&feed.path) {
        Some(url) => xml_escape(&url),
        None => xml_escape(feed.path.rsplit('/').next().unwrap_or(&feed.path)),
    };
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{self_href}\"/>"
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        href(&feed.page)
    );
    match &feed.entries {
        Entries::Documents(docs) => {
            for &d in docs {
                document_entry(&mut x, (facts, reader), d, &href);
            }
        }
        Entries::Issues(issues) => {
            for &i in issues {
                issue_entry(&mut x, facts, i, &href);
            }
        }
    }
    x.push_str("</feed>\n");
    x
}

fn entry_head(x: &mut String, id: &str, title: &str, updated: Date, published: Option<Date>) {
    x.push_str("  <entry>\n");
    let _ = writeln!(x, "    <id>{}</id>", xml_escape(id));
    let _ = writeln!(x, "    <title>{}</title>", xml_escape(title));
    let _ = writeln!(x, "    <updated>{}</updated>", timestamp(updated));
    if let Some(p) = published {
        let _ = writeln!(x, "    <published>{}</published>", timestamp(p));
    }
}

fn document_entry(
    x: &mut String,
    (facts, reader): (&Facts<'_>, &Reader<'_>),
    d: usize,
    href: &dyn Fn(&str) -> String,
) {
    let doc = &facts.archive.documents[d];
    let path = &facts.index.doc_paths[d];
    let issue = &facts.archive.issues[doc.issue];
    entry_head(x, &facts.id(path), &doc.title, facts.doc_dates[d], doc.date);
    for name in &doc.issuers {
        let _ = writeln!(x, "    <author><name>{}</name></author>", xml_escape(name));
    }
    let _ = writeln!(
        x,
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        href(path)
    );
    let section = &facts.config.sections[doc.section];
    let _ = writeln!(
        x,
        "    <category term=\"{}\" label=\"{}\"/>",
        xml_escape(&section.slug),
        xml_escape(&section.name)
    );
    if let Some(t) = &doc.doc_type {
        let entry = &facts.index.types[facts.index.type_by_name[t]];
        let _ = writeln!(
            x,
            "    <category term=\"{}\" label=\"{}\"/>",
            xml_escape(&entry.slug),
            xml_escape(&entry.name)
        );
    }
    let mut summary: Vec<String> = Vec::new();
    if let Some(n) = &doc.doc_number {
        summary.push(n.to_string());
    }
    if !doc.issuers.is_empty() {
        summary.push(doc.issuers.join("、"));
    }
    if let Some(date) = doc.date {
        summary.push(date.chinese());
    }
    summary.push(format!("{}（总第{}期）", issue.label(), issue.serial));
    #[cfg(test)]
    if experiment::on(facts.root).is_some() {
        let body = reader.body(d);
        summary.push(crate::content::markdown::plain_text(
            &body,
            facts.config.raw_html,
        ));
    }
    #[cfg(not(test))]
    let _ = reader;
    let _ = writeln!(
        x,
        "    <summary>{}</summary>",
        xml_escape(&summary.join(" · "))
    );
    x.push_str("  </entry>\n");
}

fn issue_entry(x: &mut String, facts: &Facts<'_>, i: usize, href: &dyn Fn(&str) -> String) {
    let issue = &facts.archive.issues[i];
    let path = facts.issue_path(i);
    let title = format!("{}（总第{}期）", issue.label(), issue.serial);
    entry_head(
        x,
        &facts.id(&path),
        &title,
        facts.issue_dates[i],
        issue.published,
    );
    let _ = writeln!(
        x,
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        href(&path)
    );
    let titles: Vec<&str> = facts.index.issue_documents[i]
        .iter()
        .map(|&d| facts.archive.documents[d].title.as_str())
        .collect();
    let summary = if titles.is_empty() {
        "本期目录为空".to_string()
    } else {
        format!("本期 {} 篇：{}", titles.len(), titles.join("；"))
    };
    let _ = writeln!(x, "    <summary>{}</summary>", xml_escape(&summary));
    x.push_str("  </entry>\n");
}

/// Makes every feed file, handing each to `emit` as it is made.
pub fn files(facts: &Facts<'_>, reader: &Reader<'_>, emit: &Emit<'_>) {
    for feed in all(facts) {
        let xml = render(facts, reader, &feed);
        emit(feed.path, xml.into_bytes());
    }
}

/// What the feeds read: the front matter (titles, issuers, dates, terms) and nothing of the
/// bodies.
pub const READS: &[Input] = &[Input::FrontMatter];

/// What the feeds of the site `facts` read ([`READS`]; in tests, see `experiment`).
pub fn reads(facts: &Facts<'_>) -> &'static [Input] {
    #[cfg(test)]
    if experiment::on(facts.root) == Some(true) {
        return &[Input::FrontMatter, Input::Bodies];
    }
    let _ = facts;
    READS
}

/// A test-only variant of the feeds: each document entry's summary ends with the text of its
/// body. For the sites registered here (by root), with whether the feeds then declare that
/// they read the bodies: they must, or an incremental build after a body edit would keep
/// the old feeds (and the recording reader of [`crate::incremental`] fails the build).
#[cfg(test)]
pub(crate) mod experiment {
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    static SITES: Mutex<Vec<(PathBuf, bool)>> = Mutex::new(Vec::new());

    /// Puts the bodies into the summaries of the site at `root`, declared or not.
    pub(crate) fn enable(root: &Path, declared: bool) {
        SITES
            .lock()
            .expect("sites")
            .push((root.to_path_buf(), declared));
    }

    /// Whether the site at `root` takes part, and if so whether the read is declared.
    pub(crate) fn on(root: &Path) -> Option<bool> {
        let sites = SITES.lock().expect("sites");
        sites.iter().find(|(r, _)| r == root).map(|(_, d)| *d)
    }
}
