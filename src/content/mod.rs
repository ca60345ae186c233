//! Reading an archive: discover the files under `content/`, parse them in parallel, validate
//! each on its own. Checks that span files (duplicates, slugs, URLs) live in the index.
//!
//! [`discover`] finds the files, [`read`] reads their text, [`parse`] makes an issue or a
//! document of each from its front matter as written ([`raw`]), with [`fields`] reporting
//! every bad field; [`load`] puts the [`archive`] together, with every file read (its
//! identity and digests, [`source`]) beside it; the load cache ([`cache`]) spares reading unchanged files.

mod archive;
pub mod cache;
pub mod citation;
pub mod date;
mod discover;
pub mod doc_number;
mod doc_type;
mod fields;
pub mod front_matter;
mod load;
pub mod markdown;
mod parse;
mod raw;
mod read;
mod source;

/// Slugs live at the top of the crate (the settings use them too); named here as well for the
/// code that reads them as part of the archive.
pub use crate::slug;
pub use archive::{Archive, Attachment, Body, DeclaredState, DeclaredStatus, Document, Issue};
pub use cache::{LoadCache, Stamp};
pub use doc_type::{DOC_TYPES, doc_type_of_title};
pub use load::{load, load_cached, load_reading_cache};
pub use parse::is_registration_number;
pub use read::read_text;
pub use source::{SourceFile, Sources};

use crate::yaml::key_positions;
use archive::is_plain;
use discover::Found;
use raw::{DateInput, RawStatus};
#[cfg(test)]
use raw::{RawDocument, RawIssue};

/// The folder under the site root that holds the issues.
pub const CONTENT_DIR: &str = "content";
/// The file that describes an issue.
pub const ISSUE_FILE: &str = "_index.md";
/// Markdown files larger than this are refused: no gazette document is that long, and a
/// runaway file must not exhaust memory.
pub const MAX_MARKDOWN_BYTES: u64 = 16 * 1024 * 1024;
