//! Views many page kinds share: the site's part of every page, document summaries,
//! breadcrumbs, term summaries, pagination.

use serde::Serialize;
use tera::Value;

use super::context::PageCtx;
use super::views::*;
use super::{Renderer, Settings, link_form, root_for};
use crate::config::Config;
use crate::content::Archive;
use crate::content::Document;
use crate::content::doc_number::DocNumber;
use crate::index::Index;
use crate::urls;
use crate::validity;

pub(super) fn paginate<T: Clone>(items: &[T], size: usize, page: usize) -> &[T] {
    let start = (page * size).min(items.len());
    &items[start..(start + size).min(items.len())]
}

pub(super) fn page_count(len: usize, size: usize) -> usize {
    len.div_ceil(size).max(1)
}

/// The pages a pagination bar links to (0-based), `None` standing for the pages left out:
/// all of them when there are few; else the first two, the last two and two on either side
/// of `current`, so that a list of thousands of pages does not link each from each.
pub(super) fn page_window(current: usize, total: usize) -> Vec<Option<usize>> {
    const ALL_UP_TO: usize = 9;
    if total <= ALL_UP_TO {
        return (0..total).map(Some).collect();
    }
    let mut shown: Vec<usize> = [0, 1, total - 2, total - 1]
        .into_iter()
        .chain(current.saturating_sub(2)..=(current + 2).min(total - 1))
        .collect();
    shown.sort_unstable();
    shown.dedup();
    let mut out = Vec::with_capacity(shown.len() + 2);
    for (k, &p) in shown.iter().enumerate() {
        if k > 0 && p > shown[k - 1] + 1 {
            out.push(None);
        }
        out.push(Some(p));
    }
    out
}

impl<'a> Renderer<'a> {
    pub(super) fn link(&self, path: &str) -> String {
        link_form(self.config, path)
    }

    /// Document `d`'s summary, made for the page that shows it and dropped with that page,
    /// so that an archive's worth of summaries is never held at once; only its digest is
    /// kept, worked out the first time a page's fingerprint asks for it (a rebuild that
    /// keeps most pages works out few).
    pub(super) fn doc_summary(&self, d: usize) -> Shared {
        let doc = &self.archive.documents[d];
        let index = self.index;
        let issue = &self.archive.issues[doc.issue];
        let status = validity::state_on(doc, self.settings.reference.date).map(|state| {
            status_view(doc, state, |n| {
                index
                    .by_doc_number
                    .get(&n.to_string())
                    .map(|&k| self.link(&index.doc_paths[k]))
            })
        });
        let summary = DocSummary {
            title: doc.title.clone(),
            href: self.link(&index.doc_paths[d]),
            doc_number: doc.doc_number.as_ref().map(DocNumber::to_string),
            registration_number: doc.registration_number.clone(),
            date: doc.date.map(DateView::from),
            issuers: doc.issuers.clone(),
            doc_type: doc.doc_type.clone(),
            section: self.config.sections[doc.section].name.clone(),
            issue_label: issue.label(),
            issue_serial: issue.serial,
            issue_year: issue.year,
            issue_href: self.link(&urls::issue(issue.year, issue.number)),
            status,
            pages: doc.pages.map(|(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}—{b}")
                }
            }),
            draft: doc.draft,
        };
        Shared::with_digest(summary, self.doc_summaries[d].clone())
    }

    /// The newest issue, which the home page shows.
    pub(super) fn latest_issue(&self) -> Option<usize> {
        self.index
            .years
            .first()
            .and_then(|(_, v)| v.first())
            .copied()
    }

    pub(super) fn context(
        &self,
        path: &str,
        kind: &str,
        title: &str,
        crumbs: Vec<Link>,
    ) -> PageCtx<'_> {
        #[derive(Serialize)]
        struct PageView {
            kind: String,
            path: String,
            title: String,
            breadcrumbs: Vec<Link>,
            canonical: Option<String>,
            feeds: Vec<Link>,
        }
        let mut ctx = PageCtx::default();
        ctx.insert_shared("site", self.site.clone());
        // Hosts show 404.html at any missing address, so its links cannot be relative to its
        // own place: without a base URL they start at the host's root.
        let root = if kind == "not-found" && self.config.base_url.is_none() {
            "/".to_string()
        } else {
            root_for(self.config, path)
        };
        ctx.insert("root", root);
        let canonical = if kind == "not-found" {
            None
        } else {
            self.facts.url(path)
        };
        ctx.insert(
            "page",
            PageView {
                kind: kind.to_string(),
                path: path.to_string(),
                title: title.to_string(),
                breadcrumbs: crumbs,
                canonical,
                feeds: self.feeds_for(kind, path, title),
            },
        );
        ctx.insert_value("jsonld", Value::none());
        ctx
    }

    /// The feeds a page announces: its own (issuer, section, 文种), then the site's.
    pub(super) fn feeds_for(&self, kind: &str, path: &str, title: &str) -> Vec<Link> {
        let site = &self.config.title;
        let mut feeds = Vec::new();
        let what = match kind {
            "issuer" => Some("发文机关"),
            "section" => Some("栏目"),
            "type" => Some("文种"),
            _ => None,
        };
        if let Some(what) = what {
            feeds.push(Link {
                title: format!("{site} · {what}：{title}"),
                href: urls::feed_of(urls::first_page(path)),
            });
        }
        feeds.push(Link {
            title: format!("{site} · 最新文件"),
            href: urls::ARCHIVE_FEED.to_string(),
        });
        feeds.push(Link {
            title: format!("{site} · 各期"),
            href: urls::ISSUES_FEED.to_string(),
        });
        feeds
    }

    pub(super) fn crumb(&self, title: impl Into<String>, path: &str) -> Link {
        Link {
            title: title.into(),
            href: self.link(path),
        }
    }

    pub(super) fn home_crumb(&self) -> Link {
        self.crumb("首页", "")
    }

    pub(super) fn year_crumbs(&self, year: u16) -> Vec<Link> {
        vec![
            self.home_crumb(),
            self.crumb(format!("{year}年"), &urls::year(year)),
        ]
    }

    pub(super) fn term(&self, name: &str, slug: &str, base: &str, count: usize) -> TermSummary {
        TermSummary {
            name: name.to_string(),
            slug: slug.to_string(),
            href: self.link(base),
            count,
            lead_count: 0,
        }
    }

    pub(super) fn entries(&self, docs: &[usize]) -> Vec<Entry> {
        docs.iter()
            .map(|&d| Entry {
                doc: self.doc_summary(d),
                lead: false,
            })
            .collect()
    }

    pub(super) fn pagination(
        &self,
        base: &str,
        total_entries: usize,
        current: usize,
    ) -> Pagination {
        let total = page_count(total_entries, self.config.paginate);
        let href = |p: usize| self.link(&urls::paged(base, p));
        Pagination {
            current: current + 1,
            total,
            total_entries,
            pages: page_window(current, total)
                .into_iter()
                .map(|p| match p {
                    Some(p) => PageLink {
                        number: p + 1,
                        href: href(p),
                        gap: false,
                    },
                    None => PageLink {
                        number: 0,
                        href: String::new(),
                        gap: true,
                    },
                })
                .collect(),
            prev: (current > 0).then(|| href(current - 1)),
            next: (current + 1 < total).then(|| href(current + 1)),
        }
    }

    pub(super) fn years_view(&self) -> Vec<YearView> {
        self.index
            .years
            .iter()
            .map(|(y, issues)| YearView {
                year: *y,
                href: self.link(&urls::year(*y)),
                issues: issues
                    .iter()
                    .map(|&i| self.issue_summaries[i].clone())
                    .collect(),
            })
            .collect()
    }
}

/// The validity of `doc`, in state `state` on the reference date; `link` finds the page of a
/// replacing 文号.
pub(super) fn status_view(
    doc: &Document,
    state: validity::State,
    link: impl Fn(&DocNumber) -> Option<String>,
) -> StatusView {
    let declared = doc.status.as_ref();
    StatusView {
        code: state.code(),
        label: state.label(),
        declared: declared.map(|s| s.state.code()),
        declared_date: declared.and_then(|s| s.date).map(DateView::from),
        reason: declared.and_then(|s| s.reason.clone()),
        replaced_by: declared
            .and_then(|s| s.replaced_by.as_ref())
            .map(|n| NumberRef {
                doc_number: n.to_string(),
                href: link(n),
            }),
        valid_from: doc.valid_from.map(DateView::from),
        valid_until: doc.valid_until.map(DateView::from),
    }
}

/// The summary of every issue, shared by the pages that list it.
pub(super) fn issue_summaries(config: &Config, archive: &Archive, index: &Index) -> Vec<Shared> {
    let link = |p: &str| link_form(config, p);
    archive
        .issues
        .iter()
        .enumerate()
        .map(|(i, issue)| {
            Shared::new(IssueSummary {
                label: issue.label(),
                year: issue.year,
                number: issue.number,
                serial: issue.serial,
                published: issue.published.map(DateView::from),
                href: link(&urls::issue(issue.year, issue.number)),
                document_count: index.issue_documents[i].len(),
            })
        })
        .collect()
}

/// The site's part of every page: its title, navigation, sections and reference date.
pub(super) fn site_view(
    config: &Config,
    archive: &Archive,
    index: &Index,
    settings: &Settings,
) -> Shared {
    let link = |p: &str| link_form(config, p);
    #[derive(Debug, Serialize)]
    struct SiteView {
        title: String,
        language: String,
        base_url: Option<String>,
        generator: &'static str,
        home: String,
        search_href: String,
        register_href: String,
        reference: ReferenceView,
        nav: Vec<Link>,
        sections: Vec<TermSummary>,
        issue_count: usize,
        document_count: usize,
    }
    let sections = config
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| TermSummary {
            name: s.name.clone(),
            slug: s.slug.clone(),
            href: link(&urls::section(&s.slug)),
            count: index.sections[i].len(),
            lead_count: 0,
        })
        .collect();
    Shared::new(SiteView {
        title: config.title.clone(),
        language: config.language.clone(),
        base_url: config.base_url.clone(),
        generator: concat!("gazette ", env!("CARGO_PKG_VERSION")),
        home: link(""),
        search_href: link(urls::SEARCH_DIR),
        register_href: link(urls::REGISTER),
        reference: ReferenceView {
            date: settings.reference.date.into(),
            source: settings.reference.source,
        },
        nav: [
            ("历年公报", urls::ISSUES),
            ("发文机关", urls::ISSUERS),
            ("栏目", urls::SECTIONS),
            ("文种", urls::TYPES),
            ("规范性文件", urls::REGISTER),
        ]
        .iter()
        .map(|(title, path)| Link {
            title: title.to_string(),
            href: link(path),
        })
        .collect(),
        sections,
        issue_count: archive.issues.len(),
        document_count: archive.documents.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::page_window;

    #[test]
    fn pagination_links_few_pages_all_and_many_pages_by_window() {
        let shown = |c, t| -> Vec<String> {
            page_window(c, t)
                .into_iter()
                .map(|p| p.map_or("…".to_string(), |p| (p + 1).to_string()))
                .collect()
        };
        assert_eq!(shown(0, 1), ["1"]);
        assert_eq!(shown(4, 9).len(), 9);
        assert_eq!(shown(0, 400), ["1", "2", "3", "…", "399", "400"]);
        assert_eq!(
            shown(199, 400),
            [
                "1", "2", "…", "198", "199", "200", "201", "202", "…", "399", "400"
            ]
        );
        assert_eq!(shown(399, 400), ["1", "2", "…", "398", "399", "400"]);
        assert_eq!(
            shown(4, 10),
            ["1", "2", "3", "4", "5", "6", "7", "…", "9", "10"]
        );
        // Never more than 11 entries, whatever the size.
        for t in [10, 50, 1000, 100_000] {
            for c in [0, 1, 2, 3, t / 2, t - 3, t - 1] {
                let w = page_window(c, t);
                assert!(w.len() <= 11, "{c} {t}");
                assert!(w.contains(&Some(c)), "current page shown");
            }
        }
    }
}
