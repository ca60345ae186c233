//! Front matter as written: the fields of the README's tables, typed as YAML gives them,
//! before they are checked and resolved into an [`Issue`](super::Issue) or a
//! [`Document`](super::Document).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Attachment;

/// `status:` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStatus {
    pub(super) state: String,
    #[serde(default)]
    pub(super) date: Option<DateInput>,
    #[serde(default)]
    pub(super) reason: Option<String>,
    #[serde(default)]
    pub(super) replaced_by: Option<String>,
}

/// The front matter of `_index.md` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawIssue {
    pub(super) year: u16,
    pub(super) number: u16,
    pub(super) serial: u32,
    #[serde(default)]
    pub(super) published: Option<DateInput>,
    #[serde(default)]
    pub(super) pdf: Option<String>,
    #[serde(default)]
    pub(super) extra: BTreeMap<String, serde_json::Value>,
}

/// The front matter of a document as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDocument {
    pub(super) title: String,
    pub(super) section: String,
    #[serde(default)]
    pub(super) doc_number: Option<String>,
    #[serde(default)]
    pub(super) registration_number: Option<String>,
    #[serde(default)]
    pub(super) issuers: Vec<String>,
    #[serde(default)]
    pub(super) date: Option<DateInput>,
    #[serde(default)]
    pub(super) doc_type: Option<String>,
    #[serde(default)]
    pub(super) addressees: Vec<String>,
    #[serde(default)]
    pub(super) valid_from: Option<DateInput>,
    #[serde(default)]
    pub(super) valid_until: Option<DateInput>,
    #[serde(default)]
    pub(super) status: Option<RawStatus>,
    #[serde(default)]
    pub(super) pages: Option<Vec<u32>>,
    #[serde(default)]
    pub(super) position: Option<u32>,
    #[serde(default)]
    pub(super) attachments: Vec<Attachment>,
    #[serde(default)]
    pub(super) subjects: Vec<String>,
    #[serde(default)]
    pub(super) draft: bool,
    #[serde(default)]
    pub(super) extra: BTreeMap<String, serde_json::Value>,
}

/// A date as written; checked after parsing so that every bad date of a file is reported.
#[derive(Debug)]
pub(super) struct DateInput(pub(super) String);

impl<'de> Deserialize<'de> for DateInput {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = DateInput;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a date written 2019-12-09 or 2019年12月9日")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DateInput, E> {
                Ok(DateInput(v.to_string()))
            }
            // `date: 20191209` is a number to YAML; report it with the other date mistakes.
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<DateInput, E> {
                Ok(DateInput(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<DateInput, E> {
                Ok(DateInput(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}
