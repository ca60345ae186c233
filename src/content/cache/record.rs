//! How the load cache writes a record: an issue or a document with its file as read,
//! encoded with bincode.
//!
//! The domain types ([`Issue`], [`Document`]) are plain data and know nothing of this format:
//! the mirrors here (serde's "remote" derives) list their fields in the order they are
//! written, and say how the fields bincode cannot take as they are (a JSON map, an optional
//! file of an attachment) are encoded. A new field of a domain type fails to compile here
//! until it is added, and then needs [`super::MAGIC`]'s version raised.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::content::date::Date;
use crate::content::doc_number::DocNumber;
use crate::content::{Attachment, Body, DeclaredStatus, Document, Issue, SourceFile};

/// What the load cache holds of one file: what a load made of it, as parsed (an issue without
/// its assets, a document not yet numbered within the archive), and the file it was made from
/// as it was read. The parse is shared between the caches of successive loads.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(in crate::content) enum Record {
    /// An issue file (`_index.md`).
    Issue(#[serde(with = "shared_issue")] Arc<Issue>, SourceFile),
    /// A document file.
    Document(#[serde(with = "shared_document")] Arc<Document>, SourceFile),
}

impl Record {
    /// The file's path from the site root.
    pub(in crate::content) fn source(&self) -> &str {
        match self {
            Record::Issue(i, _) => &i.source,
            Record::Document(d, _) => &d.source,
        }
    }

    /// The file as it was read (its identity and digests).
    pub(in crate::content) fn file(&self) -> &SourceFile {
        match self {
            Record::Issue(_, f) | Record::Document(_, f) => f,
        }
    }
}

/// A record as it is written straight from an archive (encoded as [`Record`] is).
#[derive(Serialize)]
pub(super) enum RecordRef<'a> {
    Issue(#[serde(with = "borrowed_issue")] &'a Issue, &'a SourceFile),
    Document(
        #[serde(with = "borrowed_document")] &'a Document,
        &'a SourceFile,
    ),
}

impl RecordRef<'_> {
    /// The file's path from the site root.
    pub(super) fn source(&self) -> &str {
        match self {
            RecordRef::Issue(i, _) => &i.source,
            RecordRef::Document(d, _) => &d.source,
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Issue")]
struct IssueDef {
    year: u16,
    number: u16,
    serial: u32,
    published: Option<Date>,
    pdf: Option<String>,
    note: String,
    note_line: usize,
    source: String,
    assets: Vec<String>,
    #[serde(with = "json_map")]
    extra: BTreeMap<String, serde_json::Value>,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Document")]
struct DocumentDef {
    issue: usize,
    source: String,
    stem: String,
    title: String,
    section: usize,
    doc_number: Option<DocNumber>,
    registration_number: Option<String>,
    issuers: Vec<String>,
    date: Option<Date>,
    doc_type: Option<String>,
    addressees: Vec<String>,
    valid_from: Option<Date>,
    valid_until: Option<Date>,
    status: Option<DeclaredStatus>,
    pages: Option<(u32, u32)>,
    position: Option<u32>,
    #[serde(with = "attachments")]
    attachments: Vec<Attachment>,
    subjects: Vec<String>,
    draft: bool,
    #[serde(with = "json_map")]
    extra: BTreeMap<String, serde_json::Value>,
    #[serde(with = "BodyDef")]
    body: Body,
    body_line: usize,
    positions: BTreeMap<String, (usize, usize)>,
}

/// A body without the file's path and time, which a load sets from where the site is.
#[derive(Serialize, Deserialize)]
#[serde(remote = "Body")]
struct BodyDef {
    #[serde(skip)]
    path: PathBuf,
    start: usize,
    text_len: usize,
    #[serde(skip)]
    modified: Option<std::time::SystemTime>,
    inline: String,
    plain: bool,
}

mod shared_issue {
    use super::*;

    pub fn serialize<S: Serializer>(issue: &Arc<Issue>, s: S) -> Result<S::Ok, S::Error> {
        IssueDef::serialize(issue, s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<Issue>, D::Error> {
        IssueDef::deserialize(d).map(Arc::new)
    }
}

mod shared_document {
    use super::*;

    pub fn serialize<S: Serializer>(doc: &Arc<Document>, s: S) -> Result<S::Ok, S::Error> {
        DocumentDef::serialize(doc, s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<Document>, D::Error> {
        DocumentDef::deserialize(d).map(Arc::new)
    }
}

mod borrowed_issue {
    use super::*;

    pub fn serialize<S: Serializer>(issue: &&Issue, s: S) -> Result<S::Ok, S::Error> {
        IssueDef::serialize(issue, s)
    }
}

mod borrowed_document {
    use super::*;

    pub fn serialize<S: Serializer>(doc: &&Document, s: S) -> Result<S::Ok, S::Error> {
        DocumentDef::serialize(doc, s)
    }
}

/// `extra` maps as a JSON string (empty for an empty map): bincode cannot decode a
/// `serde_json::Value`, which needs a self-describing format.
pub(in crate::content) mod json_map {
    use std::collections::BTreeMap;
    use std::fmt;

    use serde::de::Visitor;
    use serde::ser::Error as _;
    use serde::{Deserializer, Serializer};

    type Map = BTreeMap<String, serde_json::Value>;

    pub fn serialize<S: Serializer>(map: &Map, s: S) -> Result<S::Ok, S::Error> {
        if map.is_empty() {
            return s.serialize_str("");
        }
        s.serialize_str(&serde_json::to_string(map).map_err(S::Error::custom)?)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Map, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Map;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object in a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Map, E> {
                if v.is_empty() {
                    return Ok(Map::new());
                }
                serde_json::from_str(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

/// Attachments as pairs: [`Attachment`] leaves out an absent file when serialised, which a
/// format without field names cannot read back.
mod attachments {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::content::Attachment;

    pub fn serialize<S: Serializer>(list: &[Attachment], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(list.iter().map(|a| (&a.title, &a.file)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Attachment>, D::Error> {
        let pairs = Vec::<(String, Option<String>)>::deserialize(d)?;
        Ok(pairs
            .into_iter()
            .map(|(title, file)| Attachment { title, file })
            .collect())
    }
}
