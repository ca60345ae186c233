//! The data templates see. Small, serialisable views built from the archive: summaries are
//! built once per document and issue and shared (cheaply cloned) by every page that lists
//! them; a page's own view is built when that page is rendered. Links are site paths in
//! the form the output uses (`…/index.html` when links are relative, so the site works from
//! `file://`); templates put `{{ root }}` in front of them.

use std::cell::Cell;
use std::sync::Arc;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::content::date::Date;

thread_local! {
    /// Whether views are being serialised for a page's fingerprint (see [`Shared`]).
    static DIGESTING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with [`Shared`] views serialising as their digests, for a page's fingerprint.
pub fn digesting<R>(f: impl FnOnce() -> R) -> R {
    in_mode(true, f)
}

/// Runs `f` with the digest mode set to `on`, then restores it.
fn in_mode<R>(on: bool, f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            DIGESTING.with(|d| d.set(self.0));
        }
    }
    let _reset = Reset(DIGESTING.with(|d| d.replace(on)));
    f()
}

/// A view built once and shown by many pages (a document's or an issue's summary, the
/// site's settings), with the key (SHA-256) of its serialised form. Pages serialise it in full; a
/// page's fingerprint takes only its digest. Its template value is made the first time a
/// page that shows it is rendered, and its digest the first time a page that shows it is
/// fingerprinted, so a build that renders and fingerprints few pages makes few.
#[derive(Clone, Debug)]
pub struct Shared(Arc<SharedInner>);

#[derive(Debug)]
struct SharedInner {
    view: Box<dyn ToValue>,
    value: std::sync::OnceLock<tera::Value>,
    digest: Arc<std::sync::OnceLock<String>>,
}

/// A view that can become a template value.
trait ToValue: Send + Sync + std::fmt::Debug {
    fn to_value(&self) -> tera::Value;
    /// The key of its serialised form, in full (never digest mode, which would make the
    /// digest depend on where it was first asked for).
    fn digest(&self) -> String;
}

impl<T: Serialize + Send + Sync + std::fmt::Debug> ToValue for T {
    fn to_value(&self) -> tera::Value {
        tera::Value::from_serializable(self)
    }
    fn digest(&self) -> String {
        // Serialised whole, then hashed at once: faster than feeding the hasher serde's many
        // small writes.
        let json = in_mode(false, || serde_json::to_vec(self).unwrap_or_default());
        crate::incremental::bytes_key(&json)
    }
}

impl Shared {
    /// Builds the shared view of `view`.
    pub fn new<T: Serialize + Send + Sync + std::fmt::Debug + 'static>(view: T) -> Shared {
        Shared::with_digest(view, Arc::default())
    }

    /// Builds the shared view of `view` whose digest is kept in `digest`, a cell that may
    /// outlive the view: a view made again for another page then takes the digest already
    /// worked out instead of serialising itself once more.
    pub fn with_digest<T: Serialize + Send + Sync + std::fmt::Debug + 'static>(
        view: T,
        digest: Arc<std::sync::OnceLock<String>>,
    ) -> Shared {
        Shared(Arc::new(SharedInner {
            view: Box::new(view),
            value: std::sync::OnceLock::new(),
            digest,
        }))
    }

    /// What templates see.
    pub fn value(&self) -> &tera::Value {
        self.0.value.get_or_init(|| self.0.view.to_value())
    }

    /// The key of the view.
    pub fn digest(&self) -> &str {
        self.0.digest.get_or_init(|| self.0.view.digest())
    }
}

impl Serialize for Shared {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if DIGESTING.with(Cell::get) {
            // A map, so that it may stand where a summary is flattened.
            let mut map = s.serialize_map(Some(1))?;
            map.serialize_entry("shared", self.digest())?;
            map.end()
        } else {
            self.value().serialize(s)
        }
    }
}

/// A link.
#[derive(Clone, Debug, Serialize)]
pub struct Link {
    /// Text to show.
    pub title: String,
    /// Site path in link form, to be prefixed with `root`.
    pub href: String,
}

/// A date in both forms.
#[derive(Clone, Debug, Serialize)]
pub struct DateView {
    /// `2019-12-09`.
    pub iso: String,
    /// `2019年12月9日`.
    pub cn: String,
}

impl From<Date> for DateView {
    fn from(d: Date) -> Self {
        DateView {
            iso: d.to_string(),
            cn: d.chinese(),
        }
    }
}

/// A document as lists show it.
#[derive(Clone, Debug, Serialize)]
pub struct DocSummary {
    /// 标题.
    pub title: String,
    /// Its page.
    pub href: String,
    /// 文号, normalised.
    pub doc_number: Option<String>,
    /// 登记号.
    pub registration_number: Option<String>,
    /// 成文日期.
    pub date: Option<DateView>,
    /// 发文机关, lead first.
    pub issuers: Vec<String>,
    /// 文种.
    pub doc_type: Option<String>,
    /// 栏目.
    pub section: String,
    /// `2019年第12期`.
    pub issue_label: String,
    /// 总第N期.
    pub issue_serial: u32,
    /// The issue's year.
    pub issue_year: u16,
    /// The issue's page.
    pub issue_href: String,
    /// 效力状态, for documents of the validity register.
    pub status: Option<StatusView>,
    /// Printed pages: `4` or `4—7`.
    pub pages: Option<String>,
    /// Not yet reviewed (`draft: true`); only present in builds with drafts.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
}

/// A document's validity (效力状态) as of the build's reference date, with what a script
/// needs to recompute it for another date.
#[derive(Clone, Debug, Serialize)]
pub struct StatusView {
    /// `in-force`, `not-yet`, `expired`, `repealed` or `unknown`.
    pub code: &'static str,
    /// 有效, 尚未施行, 已失效, 已废止 or 状态不明.
    pub label: &'static str,
    /// A declared state's code (`status.state`), if any.
    pub declared: Option<&'static str>,
    /// From when the declared state holds.
    pub declared_date: Option<DateView>,
    /// Why (`status.reason`).
    pub reason: Option<String>,
    /// The replacing document (`status.replaced_by`).
    pub replaced_by: Option<NumberRef>,
    /// 施行日期.
    pub valid_from: Option<DateView>,
    /// 有效期至.
    pub valid_until: Option<DateView>,
}

/// A 文号, linked when the archive holds the document.
#[derive(Clone, Debug, Serialize)]
pub struct NumberRef {
    /// The 文号, normalised.
    pub doc_number: String,
    /// Its page, if the archive holds it.
    pub href: Option<String>,
}

/// An issue as lists show it.
#[derive(Clone, Debug, Serialize)]
pub struct IssueSummary {
    /// `2019年第12期`.
    pub label: String,
    /// The year.
    pub year: u16,
    /// 第N期.
    pub number: u16,
    /// 总第N期.
    pub serial: u32,
    /// Publication date.
    pub published: Option<DateView>,
    /// Its page.
    pub href: String,
    /// How many items it holds.
    pub document_count: usize,
}

/// One 栏目 of an issue's table of contents.
#[derive(Clone, Debug, Serialize)]
pub struct TocGroup {
    /// 栏目 name.
    pub name: String,
    /// Its slug.
    pub slug: String,
    /// The section page.
    pub href: String,
    /// Its items, in printed order.
    pub documents: Vec<Shared>,
}

/// A file published with an issue.
#[derive(Clone, Debug, Serialize)]
pub struct Asset {
    /// File name within the issue folder.
    pub name: String,
    /// Its address.
    pub href: String,
    /// Size in bytes.
    pub size: u64,
}

/// An issue with its table of contents.
#[derive(Clone, Debug, Serialize)]
pub struct IssueView {
    /// The summary fields.
    #[serde(flatten)]
    pub summary: Shared,
    /// The editor's note as HTML.
    pub note: String,
    /// Table of contents, by section in the site's order.
    pub groups: Vec<TocGroup>,
    /// Files published with the issue.
    pub assets: Vec<Asset>,
    /// The facsimile, if any.
    pub pdf: Option<Asset>,
    /// Previous issue (older).
    pub prev: Option<Shared>,
    /// Next issue (newer).
    pub next: Option<Shared>,
}

/// An issuer of a document, as its page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct IssuerRef<'a> {
    /// Name.
    pub name: &'a str,
    /// The issuer's page.
    pub href: String,
    /// Whether it is the lead issuer (主办).
    pub lead: bool,
}

/// A document page.
#[derive(Clone, Debug, Serialize)]
pub struct DocView<'a> {
    /// The summary fields.
    #[serde(flatten)]
    pub summary: Shared,
    /// Issuers, linked.
    pub issuer_links: Vec<IssuerRef<'a>>,
    /// The 文种's page.
    pub type_href: Option<String>,
    /// The section's page.
    pub section_href: String,
    /// 主送机关.
    pub addressees: &'a [String],
    /// 施行日期.
    pub valid_from: Option<DateView>,
    /// 有效期至.
    pub valid_until: Option<DateView>,
    /// 附件.
    pub attachments: Vec<Link>,
    /// 主题词.
    pub subjects: &'a [String],
    /// `extra` from the front matter, as written.
    pub extra: &'a std::collections::BTreeMap<String, serde_json::Value>,
    /// The body as HTML.
    pub body: String,
    /// The 文号 the body cites, in order of first appearance.
    pub cites: Vec<CitedRef>,
    /// Documents of the archive whose text cites this one (被引用).
    pub cited_by: Vec<Shared>,
    /// The Markdown source file, relative to the site root.
    pub source: &'a str,
    /// Previous item of the issue.
    pub prev: Option<Shared>,
    /// Next item of the issue.
    pub next: Option<Shared>,
}

/// A 文号 cited by a document.
#[derive(Clone, Debug, Serialize)]
pub struct CitedRef {
    /// The 文号, normalised.
    pub doc_number: String,
    /// The cited document's summary, if the archive holds it.
    pub doc: Option<Shared>,
}

/// A term of an index (an issuer, a section or a 文种) as the index page lists it.
#[derive(Clone, Debug, Serialize)]
pub struct TermSummary {
    /// Name.
    pub name: String,
    /// Slug.
    pub slug: String,
    /// Its page.
    pub href: String,
    /// Number of documents.
    pub count: usize,
    /// For issuers: number of documents it leads.
    pub lead_count: usize,
}

/// A list entry on a term page.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    /// The document.
    pub doc: Shared,
    /// On issuer pages: whether this issuer leads the document.
    pub lead: bool,
}

/// Where a paginated list stands.
#[derive(Clone, Debug, Serialize)]
pub struct Pagination {
    /// This page, from 1.
    pub current: usize,
    /// Number of pages.
    pub total: usize,
    /// Entries in all pages.
    pub total_entries: usize,
    /// Every page, for page links.
    pub pages: Vec<PageLink>,
    /// The previous page.
    pub prev: Option<String>,
    /// The next page.
    pub next: Option<String>,
}

/// A link to one page of a paginated list.
#[derive(Clone, Debug, Serialize)]
pub struct PageLink {
    /// Page number (0 for a gap).
    pub number: usize,
    /// Its address.
    pub href: String,
    /// Stands for pages left out of the bar (shown as …).
    pub gap: bool,
}

/// A year's 年度总目录.
#[derive(Clone, Debug, Serialize)]
pub struct AnnualIndex {
    /// Items printed in the year.
    pub document_count: usize,
    /// Numbered documents by 文号 series (机关代字), in pinyin order, each by 文号.
    pub series: Vec<AnnualGroup>,
    /// Documents by issuer, in pinyin order, each in printed order.
    pub issuers: Vec<AnnualGroup>,
    /// Unnumbered items, in printed order.
    pub unnumbered: Vec<Shared>,
}

/// A group of the annual index.
#[derive(Clone, Debug, Serialize)]
pub struct AnnualGroup {
    /// The 机关代字 or issuer name.
    pub name: String,
    /// The issuer's page.
    pub href: Option<String>,
    /// Its documents.
    pub documents: Vec<Shared>,
}

/// How many documents of the register are in a state.
#[derive(Clone, Debug, Serialize)]
pub struct StateCount {
    /// The state's code.
    pub code: &'static str,
    /// Its label.
    pub label: &'static str,
    /// Documents in it on the reference date.
    pub count: usize,
}

/// The date statuses are computed for.
#[derive(Clone, Debug, Serialize)]
pub struct ReferenceView {
    /// The date.
    pub date: DateView,
    /// `source-date-epoch` or `archive`.
    pub source: crate::validity::DateSource,
}

/// A year of issues, as home and archive pages list them.
#[derive(Clone, Debug, Serialize)]
pub struct YearView {
    /// The year.
    pub year: u16,
    /// Its page.
    pub href: String,
    /// Its issues, newest first.
    pub issues: Vec<Shared>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_views_serialise_in_full_or_as_their_digest() {
        let a = Shared::new(Link {
            title: "一".into(),
            href: "a/".into(),
        });
        let b = Shared::new(Link {
            title: "二".into(),
            href: "a/".into(),
        });
        let full = serde_json::to_string(&a).unwrap();
        assert!(full.contains("\"title\":\"一\""), "{full}");
        let digest = digesting(|| serde_json::to_string(&a).unwrap());
        assert_eq!(digest, format!("{{\"shared\":\"{}\"}}", a.digest()));
        assert_ne!(a.digest(), b.digest());
        // Back to full form once the fingerprint is taken.
        assert_eq!(serde_json::to_string(&a).unwrap(), full);
        // A digest is made the first time it is asked for, always of the full form: a view
        // holding a shared view has one digest, wherever it was first asked for.
        #[derive(Debug, Serialize)]
        struct Outer {
            inner: Shared,
        }
        let x = Shared::new(Outer { inner: a.clone() });
        let y = Shared::new(Outer { inner: a.clone() });
        let first_while_digesting = digesting(|| x.digest().to_string());
        assert_eq!(first_while_digesting, y.digest());
        assert_ne!(y.digest(), Shared::new(Outer { inner: b.clone() }).digest());
    }
}
