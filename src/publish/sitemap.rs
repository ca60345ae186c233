//! Sitemaps (sitemaps.org protocol 0.9): `sitemap.xml` is a sitemap index; its children list
//! every canonical page, one file per year of issues (`sitemaps/2019.xml`: the year's page,
//! its issues and their documents) and one for the pages that belong to no year
//! (`sitemaps/pages.xml`: home, indexes, issuers, sections, 文种). A file holds at most
//! [`MAX_URLS`] addresses; a year with more is split (`sitemaps/2019-2.xml`, …).
//! `robots.txt` names the index. Sitemaps need absolute URLs, so they are written only when
//! the site has a `base_url`. Redirect pages and `404.html` are not listed: they are not
//! canonical.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Emit, Facts, xml_escape};
use crate::content::date::Date;
use crate::incremental::Input;
use crate::urls;

/// What the sitemaps read: the front matter (dates, pages).
pub const READS: &[Input] = &[Input::FrontMatter];

/// The most addresses one sitemap may hold (the protocol's limit).
pub const MAX_URLS: usize = 50_000;

/// A page to list.
#[derive(Clone, Debug)]
pub struct Url {
    /// Site path of the page.
    pub path: String,
    /// The year of issues it belongs to, if any.
    pub year: Option<u16>,
    /// When it last changed, if the content says.
    pub lastmod: Option<Date>,
}

const HEADER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
const NAMESPACE: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// The sitemap index, its children and `robots.txt`, with at most `limit` addresses per
/// child; nothing without a `base_url`.
pub fn files(facts: &Facts<'_>, urls: &[Url], limit: usize) -> Vec<(String, Vec<u8>)> {
    let files = std::sync::Mutex::new(Vec::new());
    write(facts, urls, limit, &|path, bytes| {
        files.lock().expect("sitemaps").push((path, bytes));
    });
    files.into_inner().expect("sitemaps")
}

/// Makes the files of [`files`], handing each to `emit` as it is made.
pub fn write(facts: &Facts<'_>, urls: &[Url], limit: usize, emit: &Emit<'_>) {
    let Some(base) = facts.config.base_url.as_deref() else {
        return;
    };
    // Group by year, newest year first; pages of no year last.
    let mut groups: BTreeMap<std::cmp::Reverse<Option<u16>>, Vec<&Url>> = BTreeMap::new();
    for url in urls {
        groups
            .entry(std::cmp::Reverse(url.year))
            .or_default()
            .push(url);
    }
    let mut index = String::from(HEADER);
    let _ = writeln!(index, "<sitemapindex xmlns=\"{NAMESPACE}\">");
    for (std::cmp::Reverse(year), group) in groups {
        let name = year.map_or_else(|| "pages".to_string(), |y| y.to_string());
        for (n, chunk) in group.chunks(limit.max(1)).enumerate() {
            let path = if n == 0 {
                urls::sitemap_of(format_args!("{name}.xml"))
            } else {
                urls::sitemap_of(format_args!("{name}-{}.xml", n + 1))
            };
            let mut x = String::from(HEADER);
            let _ = writeln!(x, "<urlset xmlns=\"{NAMESPACE}\">");
            for url in chunk {
                let _ = write!(
                    x,
                    "  <url><loc>{}</loc>",
                    xml_escape(&format!("{base}{}", url.path))
                );
                if let Some(date) = url.lastmod {
                    let _ = write!(x, "<lastmod>{date}</lastmod>");
                }
                x.push_str("</url>\n");
            }
            x.push_str("</urlset>\n");
            let _ = write!(
                index,
                "  <sitemap><loc>{}</loc>",
                xml_escape(&format!("{base}{path}"))
            );
            if let Some(date) = chunk.iter().filter_map(|u| u.lastmod).max() {
                let _ = write!(index, "<lastmod>{date}</lastmod>");
            }
            index.push_str("</sitemap>\n");
            emit(path, x.into_bytes());
        }
    }
    index.push_str("</sitemapindex>\n");
    emit(urls::SITEMAP_INDEX.to_string(), index.into_bytes());
    emit(
        "robots.txt".to_string(),
        format!(
            "User-agent: *\nAllow: /\n\nSitemap: {base}{}\n",
            urls::SITEMAP_INDEX
        )
        .into_bytes(),
    );
}
