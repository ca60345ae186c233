//! Page records kept for the next build: a year's records in one file of the state folder,
//! `search/<year>`, each under the SHA-256 of what it is made of (the record format, the
//! language, the page's URL and the SHA-256 of its HTML). The file names the format, the version of gazette
//! and the executable (the extraction code is part of what a record depends on) and is
//! sealed with its SHA-256; a file that does not match is ignored (every page is read
//! again) and replaced.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use bincode::Options as _;

use super::record::Record;
use crate::tree::Tree;

const FORMAT: &str = "gazette-search-records 3";
/// The folder of the record files, inside the state folder.
pub const FOLDER: &str = "search";

/// A page's key: see [`crate::incremental::search_record_key`].
pub fn key(url: &str, html_sha256: &str, language: &str) -> [u8; 32] {
    crate::incremental::search_record_key(FORMAT, language, url, html_sha256)
}

/// The records a year's file holds, by key (`None`: a page without words).
pub type Known = HashMap<[u8; 32], Option<Arc<Record>>>;

/// The record files of one state folder.
pub struct Memo {
    state: Tree,
}

/// bincode with variable-length integers: a record is mostly word positions and lengths,
/// small numbers that fixed-width integers would store in four and eight bytes each.
fn encoding() -> impl bincode::Options {
    bincode::DefaultOptions::new()
}

fn header() -> String {
    crate::identity::state_header(FORMAT)
}

impl Memo {
    pub fn new(state: Tree) -> Memo {
        Memo { state }
    }

    fn path(year: u16) -> PathBuf {
        PathBuf::from(FOLDER).join(year.to_string())
    }

    /// The records kept for `year`; none when there is no file or it does not match.
    pub fn read(&self, year: u16) -> Known {
        self.try_read(year).unwrap_or_default()
    }

    fn try_read(&self, year: u16) -> Option<Known> {
        let bytes = self.state.read(Self::path(year)).ok()?;
        let body = crate::sealed::unseal(&bytes)?.strip_prefix(header().as_bytes())?;
        let list: Vec<([u8; 32], Option<Record>)> = encoding().deserialize(body).ok()?;
        Some(
            list.into_iter()
                .map(|(k, r)| (k, r.map(Arc::new)))
                .collect(),
        )
    }

    /// Keeps the records of `year` (in page order), unless the file holds them already.
    pub fn write(&self, year: u16, records: &[([u8; 32], Option<Arc<Record>>)], known: &Known) {
        let same =
            records.len() == known.len() && records.iter().all(|(k, _)| known.contains_key(k));
        if same {
            return;
        }
        let list: Vec<(&[u8; 32], Option<&Record>)> =
            records.iter().map(|(k, r)| (k, r.as_deref())).collect();
        let Ok(body) = encoding().serialize(&list) else {
            return;
        };
        let header = header();
        let _ = crate::cache::write_sealed_file(
            &self.state,
            &Self::path(year),
            &[header.as_bytes(), &body],
        );
    }
}
