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
use crate::urls;

impl Facts<'_> {
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

    fn publication_issue(&self, page: &str, i: usize) -> Map<String, Value> {
        let issue = &self.archive.issues[i];
        let mut m = Map::new();
        m.insert("@type".into(), json!("PublicationIssue"));
        m.insert("name".into(), json!(issue.label()));
        m.insert("issueNumber".into(), json!(issue.number.to_string()));
        m.insert(
            "identifier".into(),
            json!({"@type": "PropertyValue", "propertyID": "总期号", "value": issue.serial}),
        );
        if let Some(p) = issue.published {
            m.insert("datePublished".into(), json!(p.to_string()));
        }
        m.insert("url".into(), json!(self.ld_url(page, &self.issue_path(i))));
        m.insert("isPartOf".into(), self.periodical(page));
        m
    }

    /// The key (see [`crate::cache::key_of`]) of everything [`Self::document_jsonld`] reads
    /// besides the settings (which the file cache's key covers): it must change whenever that
    /// JSON-LD would.
    pub fn document_jsonld_key(&self, d: usize) -> String {
        let doc = &self.archive.documents[d];
        let issue = &self.archive.issues[doc.issue];
        let slugs: Vec<&str> = doc
            .issuers
            .iter()
            .map(|name| {
                self.index.issuers[self.index.issuer_by_name[name]]
                    .slug
                    .as_str()
            })
            .collect();
        let inputs = (
            &self.index.doc_paths[d],
            &doc.title,
            &doc.issuers,
            slugs,
            doc.doc_number.as_ref().map(ToString::to_string),
            &doc.doc_type,
            [doc.date, doc.valid_from, doc.valid_until].map(|x| x.map(|x| x.to_string())),
            &doc.registration_number,
            &doc.subjects,
            (issue.year, issue.number, issue.serial),
            issue.published.map(|p| p.to_string()),
            self.issue_path(doc.issue),
        );
        let json = serde_json::to_vec(&inputs).unwrap_or_default();
        crate::cache::key_of(&json)
    }

    /// The JSON-LD of document `d`'s page, script-safe. What it reads must be covered by
    /// [`Self::document_jsonld_key`].
    pub fn document_jsonld(&self, d: usize) -> String {
        let doc = &self.archive.documents[d];
        let page = &self.index.doc_paths[d];
        let mut m = Map::new();
        m.insert("@context".into(), json!("https://schema.org"));
        if let Some(url) = self.url(page) {
            m.insert("@id".into(), json!(url));
            m.insert("url".into(), json!(url));
        }
        m.insert("name".into(), json!(doc.title));
        m.insert("inLanguage".into(), json!(self.config.language));
        let organizations: Vec<Value> = doc
            .issuers
            .iter()
            .map(|name| {
                let e = &self.index.issuers[self.index.issuer_by_name[name]];
                json!({
                    "@type": "Organization",
                    "name": name,
                    "url": self.ld_url(page, &urls::issuer(&e.slug)),
                })
            })
            .collect();
        if let Some(n) = &doc.doc_number {
            m.insert("@type".into(), json!("Legislation"));
            m.insert("legislationIdentifier".into(), json!(n.to_string()));
            if let Some(t) = &doc.doc_type {
                m.insert("legislationType".into(), json!(t));
            }
            if let Some(date) = doc.date {
                m.insert("legislationDate".into(), json!(date.to_string()));
            }
            if !organizations.is_empty() {
                m.insert("legislationPassedBy".into(), Value::Array(organizations));
            }
            if let Some(j) = &self.config.jurisdiction {
                m.insert("legislationJurisdiction".into(), json!(j));
            }
            if let Some(date) = doc.valid_from {
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
            if let Some(date) = doc.date {
                m.insert("dateCreated".into(), json!(date.to_string()));
            }
        }
        if let Some(reg) = &doc.registration_number {
            m.insert(
                "identifier".into(),
                json!({"@type": "PropertyValue", "propertyID": "规范性文件统一登记号", "value": reg}),
            );
        }
        if let Some(date) = doc.valid_until {
            m.insert("expires".into(), json!(date.to_string()));
        }
        if let Some(p) = self.archive.issues[doc.issue].published {
            m.insert("datePublished".into(), json!(p.to_string()));
        }
        if !doc.subjects.is_empty() {
            m.insert("keywords".into(), json!(doc.subjects));
        }
        m.insert(
            "isPartOf".into(),
            Value::Object(self.publication_issue(page, doc.issue)),
        );
        json_for_script(&Value::Object(m))
    }

    /// The JSON-LD of issue `i`'s page, script-safe.
    pub fn issue_jsonld(&self, i: usize) -> String {
        let page = self.issue_path(i);
        let mut m = self.publication_issue(&page, i);
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
