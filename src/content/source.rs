//! What a load knows of each Markdown file it read besides what the file says: the file's
//! identity, the digests later steps key their reuse by, and whether the file was parsed or
//! its record taken from the load cache.
//!
//! The issues and documents of an [`Archive`] are plain data; this table lies beside the
//! archive, keyed by each file's path from the site root (an issue's or a document's
//! `source`), so that nothing about caching is carried by the domain types.

use std::collections::HashMap;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::{Archive, Stamp};

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

/// The files of one load: each issue and document file that was read without a problem, by
/// its path from the site root, and when the load started.
#[derive(Clone, Debug)]
pub struct Sources {
    /// When the load started.
    started: SystemTime,
    /// Each file, and whether its record was taken from the load cache.
    files: HashMap<String, (SourceFile, bool)>,
}

impl Default for Sources {
    fn default() -> Self {
        Sources::new(SystemTime::UNIX_EPOCH)
    }
}

impl Sources {
    /// No file yet, for a load that started at `started`.
    pub fn new(started: SystemTime) -> Sources {
        Sources {
            started,
            files: HashMap::new(),
        }
    }

    /// Records the file `source`; `reused` when its record came from the load cache.
    pub fn insert(&mut self, source: String, file: SourceFile, reused: bool) {
        self.files.insert(source, (file, reused));
    }

    /// When the load started.
    pub fn started(&self) -> SystemTime {
        self.started
    }

    /// The file at `source` (a path from the site root), if the load read it.
    pub fn get(&self, source: &str) -> Option<&SourceFile> {
        self.files.get(source).map(|(file, _)| file)
    }

    /// The digest of the file at `source`; zero for a file the load did not read.
    pub fn digest(&self, source: &str) -> [u8; 32] {
        self.get(source).map_or([0; 32], |f| f.digest)
    }

    /// The front key of the document file at `source`; zero for a file the load did not read.
    pub fn front(&self, source: &str) -> [u8; 32] {
        self.get(source).map_or([0; 32], |f| f.front)
    }

    /// Whether the record of the file at `source` was taken from the load cache instead of
    /// being parsed.
    pub fn reused(&self, source: &str) -> bool {
        self.files.get(source).is_some_and(|(_, reused)| *reused)
    }

    /// How many files of `archive` (issues and documents) were parsed in this load.
    pub fn parsed(&self, archive: &Archive) -> usize {
        let issues = archive.issues.iter().map(|i| &i.source);
        let documents = archive.documents.iter().map(|d| &d.source);
        issues.chain(documents).filter(|s| !self.reused(s)).count()
    }
}
