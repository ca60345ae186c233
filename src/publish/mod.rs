//! Publishing and mirroring: what publishers, machines and mirrors get beside the HTML pages.
//!
//! Atom feeds announce new documents and issues ([`feeds`]); sitemaps list every page for
//! search engines ([`sitemap`]); short links and moved pages redirect ([`redirects`]); every
//! document and issue has a data twin, and the whole archive is downloadable as JSON, JSON
//! Lines and CSV ([`data`]); pages carry schema.org JSON-LD ([`jsonld`]); and a manifest of
//! every file with its SHA-256 lets a mirror prove its copy is complete ([`manifest`]).
//!
//! All of it is built from the archive and its indexes alone, in a stable order, with dates
//! from the front matter, so two builds of the same input give the same bytes. The one clock
//! that may reach the output is `SOURCE_DATE_EPOCH`, and only where a date must appear that
//! the content does not give (an issue without a publication date whose documents carry no
//! 成文日期 either).

pub mod data;
pub mod feeds;
pub mod jsonld;
pub mod lookup;
pub mod manifest;
pub mod redirects;
pub mod sitemap;

use std::fmt::Write as _;

use crate::config::Config;
use crate::content::Archive;
use crate::content::date::Date;
use crate::index::Index;
use crate::urls;

/// Where a publishing output hands each file it makes (site path and bytes), from any
/// thread: the file is written at once, so that no output's files are held together.
pub type Emit<'e> = dyn Fn(String, Vec<u8>) + Sync + 'e;

/// What the publishing files are built from: the site, and the dates that feeds, sitemaps
/// and data give each document and issue.
pub struct Facts<'a> {
    /// The site root.
    pub root: &'a std::path::Path,
    /// Settings.
    pub config: &'a Config,
    /// Issues and documents.
    pub archive: &'a Archive,
    /// Indexes.
    pub index: &'a Index,
    /// The date of each issue: its publication date; else the newest 成文日期 of its documents
    /// (an issue cannot appear before what it prints was written); else the day of
    /// `SOURCE_DATE_EPOCH`; else 1 January of its year.
    pub issue_dates: Vec<Date>,
    /// The date of each document's appearance: the later of its 成文日期 and its issue's date.
    pub doc_dates: Vec<Date>,
    /// The newest issue date; for an empty archive the day of `SOURCE_DATE_EPOCH`, else
    /// 1970-01-01.
    pub site_date: Date,
}

/// The day of a `SOURCE_DATE_EPOCH` value (seconds since 1970-01-01 UTC).
pub fn epoch_date(seconds: i64) -> Option<Date> {
    Date::from_days_since_epoch(seconds.div_euclid(86_400))
}

impl<'a> Facts<'a> {
    /// Works out the dates.
    pub fn new(
        root: &'a std::path::Path,
        config: &'a Config,
        archive: &'a Archive,
        index: &'a Index,
        source_date: Option<Date>,
    ) -> Self {
        let issue_dates: Vec<Date> = archive
            .issues
            .iter()
            .enumerate()
            .map(|(i, issue)| {
                issue
                    .published
                    .or_else(|| {
                        index.issue_documents[i]
                            .iter()
                            .filter_map(|&d| archive.documents[d].date)
                            .max()
                    })
                    .or(source_date)
                    .unwrap_or_else(|| Date::new(issue.year, 1, 1).expect("a valid year"))
            })
            .collect();
        let doc_dates = archive
            .documents
            .iter()
            .map(|d| {
                let issue = issue_dates[d.issue];
                d.date.map_or(issue, |date| date.max(issue))
            })
            .collect();
        let site_date = issue_dates
            .iter()
            .copied()
            .max()
            .or(source_date)
            .unwrap_or_else(|| Date::new(1970, 1, 1).expect("valid"));
        Facts {
            root,
            config,
            archive,
            index,
            issue_dates,
            doc_dates,
            site_date,
        }
    }

    /// The absolute URL of a site path, when the site has a `base_url`.
    pub fn url(&self, path: &str) -> Option<String> {
        self.config.base_url.as_ref().map(|b| format!("{b}{path}"))
    }

    /// A site path in the form links use (see [`urls::link_form`]).
    pub fn link(&self, path: &str) -> String {
        urls::link_form(self.config.base_url.as_deref(), path)
    }

    /// An href from the file at site path `from` to the site path `to`: absolute with a
    /// `base_url`, else relative (so it works from `file://` and under any sub-path).
    pub fn href(&self, from: &str, to: &str) -> String {
        format!(
            "{}{}",
            urls::root_for(self.config.base_url.as_deref(), from),
            self.link(to)
        )
    }

    /// A permanent identifier of the thing at site path `path`: its URL when the site has a
    /// `base_url`; without one, a name-based UUID (`urn:uuid:`, version 8 of RFC 9562, from
    /// the SHA-256 of the site title and the path), stable as long as both stay.
    pub fn id(&self, path: &str) -> String {
        self.url(path)
            .unwrap_or_else(|| name_uuid(&self.config.title, path))
    }

    /// The site path of an issue.
    pub fn issue_path(&self, i: usize) -> String {
        let issue = &self.archive.issues[i];
        urls::issue(issue.year, issue.number)
    }
}

/// `urn:uuid:` built from the SHA-256 of `title`, a line break and `path` (RFC 9562 UUID
/// version 8, the version for name-based UUIDs from other hashes).
pub fn name_uuid(title: &str, path: &str) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(format!("{title}\n{path}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&hash[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::from("urn:uuid:");
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        let _ = write!(s, "{byte:02x}");
    }
    s
}

/// Escapes text for XML content and attribute values, dropping characters XML 1.0 forbids.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{fffe}' | '\u{ffff}') => {}
            c => out.push(c),
        }
    }
    out
}

/// An RFC 3339 timestamp for a date: midnight UTC. Gazettes print days, not hours.
pub fn timestamp(date: Date) -> String {
    format!("{date}T00:00:00Z")
}

/// Pretty JSON with a final line break.
pub fn json_bytes<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("serialisable");
    bytes.push(b'\n');
    bytes
}

/// JSON that is safe inside an HTML `<script>` element: `<`, `>` and `&` (and the line
/// separators U+2028 and U+2029) are written as `\u` escapes, which JSON reads back as the
/// same characters, so no text in the data can close the element.
pub fn json_for_script<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let json = serde_json::to_string(value).expect("serialisable");
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_element() {
        let s = json_for_script(&serde_json::json!({"name": "</script><b>&"}));
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["name"], "</script><b>&");
    }

    #[test]
    fn name_uuids_are_stable_version_8() {
        let a = name_uuid("温州市人民政府公报", "atom.xml");
        assert_eq!(a, name_uuid("温州市人民政府公报", "atom.xml"));
        assert_ne!(a, name_uuid("温州市人民政府公报", "issues/atom.xml"));
        let hex = a.strip_prefix("urn:uuid:").unwrap();
        assert_eq!(hex.len(), 36);
        assert_eq!(&hex[14..15], "8");
        assert!(matches!(&hex[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn xml_escaping() {
        assert_eq!(xml_escape("a<b>&\"'\u{1}c"), "a&lt;b&gt;&amp;&quot;&apos;c");
    }

    #[test]
    fn epoch_days() {
        assert_eq!(epoch_date(0).unwrap().to_string(), "1970-01-01");
        assert_eq!(
            epoch_date(1_575_849_600 + 3600).unwrap().to_string(),
            "2019-12-09"
        );
    }
}
