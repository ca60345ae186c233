//! What a load knows of each Markdown file it read besides what the file says: the file's
//! identity, the digests later steps key their reuse by, and whether the file was parsed or
//! its record taken from the load cache.
//!
//! The issues and documents of an [`Archive`](super::Archive) are plain data; this table
//! lies beside the archive, in its order (issue `i`, document `d`), so that nothing about
//! caching is carried by the domain types.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::Stamp;

/// One Markdown file as a load read it: its identity and the digests of what was read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// The file's stamp, taken before it was read.
    pub stamp: Stamp,
    /// The SHA-256 of the bytes that were read: what lets a load take the record of a file
    /// whose stamp changed (a fresh checkout) but whose bytes did not; also the key of a
    /// document body's text for the body memos.
    pub digest: [u8; 32],
    /// For a document, the key (see [`crate::digest::key_hasher`]) of the file's path and
    /// front matter: all that its record holds but the body (the settings, from which the
    /// record is also made, are keyed apart). Zero for an issue.
    pub front: [u8; 32],
}

/// The files of one load: each issue and document file of its archive as read, in the
/// archive's order (issue `i`, document `d`), and when the load started.
#[derive(Clone, Debug)]
pub struct Sources {
    /// When the load started.
    started: SystemTime,
    /// Each issue's file, and whether its record was taken from the load cache.
    issues: Vec<(SourceFile, bool)>,
    /// Each document's file, and whether its record was taken from the load cache.
    documents: Vec<(SourceFile, bool)>,
}

impl Sources {
    /// The files of a load that started at `started`: those of the archive's issues and
    /// documents, in its order, each with whether its record came from the load cache.
    pub fn new(
        started: SystemTime,
        issues: Vec<(SourceFile, bool)>,
        documents: Vec<(SourceFile, bool)>,
    ) -> Sources {
        Sources {
            started,
            issues,
            documents,
        }
    }

    /// When the load started.
    pub fn started(&self) -> SystemTime {
        self.started
    }

    /// The file of issue `i`.
    pub fn issue(&self, i: usize) -> &SourceFile {
        &self.issues[i].0
    }

    /// The file of document `d`.
    pub fn document(&self, d: usize) -> &SourceFile {
        &self.documents[d].0
    }

    /// Whether the record of document `d` was taken from the load cache instead of being
    /// parsed.
    pub fn document_reused(&self, d: usize) -> bool {
        self.documents[d].1
    }

    /// Whether the record of issue `i` was taken from the load cache.
    pub fn issue_reused(&self, i: usize) -> bool {
        self.issues[i].1
    }

    /// How many files (issues and documents) were parsed in this load.
    pub fn parsed(&self) -> usize {
        let all = self.issues.iter().chain(&self.documents);
        all.filter(|(_, reused)| !reused).count()
    }
}
