//! schema.org JSON-LD for document and issue pages, built here and handed to templates as a
//! finished, script-safe string (`page.jsonld`).
//!
//! A document with a 文号 is a `Legislation`: `legislationIdentifier` is the 文号,
//! `legislationType` the 文种, `legislationDate` the 成文日期, `legislationPassedBy` the
//! issuing organs, `legislationJurisdiction` the `jurisdiction` of gazette.yaml (left out when
//! unset), the 登记号 an `identifier`; an unnumbered item (a brief, the chronicle) is an
//! `Article`. Both are `isPartOf` their `PublicationIssue`, which is part of the `Periodical`.
//! An issue page is a `PublicationIssue` listing its items in `hasPart`. Addresses are
//! absolute with a `base_url`; without one they are relative to the page, as JSON-LD allows.

use serde_json::{Map, Value, json};

use super::{Facts, json_for_script};
use crate::content::date::Date;
use crate::urls;

/// What the JSON-LD of an issue, as the `PublicationIssue` a page is part of, is made from.
#[derive(serde::Serialize)]
pub struct IssueLd {
    label: String,
    number: u16,
    serial: u32,
    published: Option<Date>,
    /// The issue page's site path.
    path: String,
}

/// What the JSON-LD of a document's page is made from besides the settings
/// ([`Facts::document_ld`]).
#[derive(serde::Serialize)]
pub struct DocumentLd<'a> {
    /// The page's site path.
    page: &'a str,
    title: &'a str,
    /// Each issuing organ's name and slug.
    issuers: Vec<(&'a str, &'a str)>,
    doc_number: Option<String>,
    doc_type: Option<&'a str>,
    date: Option<Date>,
    valid_from: Option<Date>,
    valid_until: Option<Date>,
    registration_number: Option<&'a str>,
    subjects: &'a [String],
    issue: IssueLd,
}

impl<'a> Facts<'a> {
    /// An address of `to` as written on the page at `from`.
    fn ld_url(&self, from: &str, to: &str) -> String {
        self.href(from, to)
    }

    fn periodical(&self, page: &str) -> Value {
        let mut p = Map::new();
        p.insert("@type".into(), json!("Periodical"));
        p.insert("name".into(), json!(self.config.title));
        p.insert("inLanguage".into(), json!(self.config.language));
        p.insert("url".into(), json!(self.ld_url(page, "")));
        Value::Object(p)
    }

    /// What the JSON-LD of issue `i` as a `PublicationIssue` is made from.
    fn issue_ld(&self, i: usize) -> IssueLd {
        let issue = &self.archive.issues[i];
        IssueLd {
            label: issue.label(),
            number: issue.number,
            serial: issue.serial,
            published: issue.published,
            path: self.issue_path(i),
        }
    }

    fn publication_issue(&self, page: &str, issue: &IssueLd) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("@type".into(), json!("PublicationIssue"));
        m.insert("name".into(), json!(issue.label));
        m.insert("issueNumber".into(), json!(issue.number.to_string()));
        m.insert(
            "identifier".into(),
            json!({"@type": "PropertyValue", "propertyID": "总期号", "value": issue.serial}),
        );
        if let Some(p) = issue.published {
            m.insert("datePublished".into(), json!(p.to_string()));
        }
        m.insert("url".into(), json!(self.ld_url(page, &issue.path)));
        m.insert("isPartOf".into(), self.periodical(page));
        m
    }

    /// Everything the JSON-LD of document `d`'s page is made from besides the settings:
    /// [`Self::document_jsonld`] reads nothing else of the archive, so these are what its
    /// page declares it reads for it (and what the page's key covers).
    pub fn document_ld(&self, d: usize) -> DocumentLd<'a> {
        let doc = &self.archive.documents[d];
        DocumentLd {
            page: &self.index.doc_paths[d],
            title: &doc.title,
            issuers: doc
                .issuers
                .iter()
                .map(|name| {
                    let slug = &self.index.issuers[self.index.issuer_by_name[name]].slug;
                    (name.as_str(), slug.as_str())
                })
                .collect(),
            doc_number: doc.doc_number.as_ref().map(ToString::to_string),
            doc_type: doc.doc_type.as_deref(),
            date: doc.date,
            valid_from: doc.valid_from,
            valid_until: doc.valid_until,
            registration_number: doc.registration_number.as_deref(),
            subjects: &doc.subjects,
            issue: self.issue_ld(doc.issue),
        }
    }

    /// The JSON-LD of a document's page, script-safe, made from `ld` (see
    /// [`Self::document_ld`]) and the settings alone.
    pub fn document_jsonld(&self, ld: &DocumentLd<'_>) -> String {
        let page = ld.page;
        let mut m = Map::new();
        m.insert("@context".into(), json!("https://schema.org"));
        if let Some(url) = self.url(page) {
            m.insert("@id".into(), json!(url));
            m.insert("url".into(), json!(url));
        }
        m.insert("name".into(), json!(ld.title));
        m.insert("inLanguage".into(), json!(self.config.language));
        let organizations: Vec<Value> = ld
            .issuers
            .iter()
            .map(|(name, slug)| {
                json!({
                    "@type": "Organization",
                    "name": name,
                    "url": self.ld_url(page, &urls::issuer(slug)),
                })
            })
            .collect();
        if let Some(n) = &ld.doc_number {
            m.insert("@type".into(), json!("Legislation"));
            m.insert("legislationIdentifier".into(), json!(n));
            if let Some(t) = ld.doc_type {
                m.insert("legislationType".into(), json!(t));
            }
            if let Some(date) = ld.date {
                m.insert("legislationDate".into(), json!(date.to_string()));
            }
            if !organizations.is_empty() {
                m.insert("legislationPassedBy".into(), Value::Array(organizations));
            }
            if let Some(j) = &self.config.jurisdiction {
                m.insert("legislationJurisdiction".into(), json!(j));
            }
            if let Some(date) = ld.valid_from {
                m.insert(
                    "legislationDateOfApplicability".into(),
                    json!(date.to_string()),
                );
            }
        } else {
            m.insert("@type".into(), json!("Article"));
            if !organizations.is_empty() {
                m.insert("author".into(), Value::Array(organizations));
            }
            if let Some(date) = ld.date {
                m.insert("dateCreated".into(), json!(date.to_string()));
            }
        }
        if let Some(reg) = ld.registration_number {
            m.insert(
                "identifier".into(),
                json!({"@type": "PropertyValue", "propertyID": "规范性文件统一登记号", "value": reg}),
            );
        }
        if let Some(date) = ld.valid_until {
            m.insert("expires".into(), json!(date.to_string()));
        }
        if let Some(p) = ld.issue.published {
            m.insert("datePublished".into(), json!(p.to_string()));
        }
        if !ld.subjects.is_empty() {
            m.insert("keywords".into(), json!(ld.subjects));
        }
        m.insert(
            "isPartOf".into(),
            Value::Object(self.publication_issue(page, &ld.issue)),
        );
        json_for_script(&Value::Object(m))
    }

    /// The JSON-LD of issue `i`'s page, script-safe.
    pub fn issue_jsonld(&self, i: usize) -> String {
        let page = self.issue_path(i);
        let mut m = self.publication_issue(&page, &self.issue_ld(i));
        m.insert("@context".into(), json!("https://schema.org"));
        if let Some(url) = self.url(&page) {
            m.insert("@id".into(), json!(url));
        }
        m.insert("inLanguage".into(), json!(self.config.language));
        let parts: Vec<Value> = self.index.issue_documents[i]
            .iter()
            .map(|&d| {
                let doc = &self.archive.documents[d];
                let kind = if doc.doc_number.is_some() {
                    "Legislation"
                } else {
                    "Article"
                };
                json!({
                    "@type": kind,
                    "name": doc.title,
                    "url": self.ld_url(&page, &self.index.doc_paths[d]),
                })
            })
            .collect();
        m.insert("hasPart".into(), Value::Array(parts));
        json_for_script(&Value::Object(m))
    }
}
