//! The load cache: what the last load made of each Markdown file, so that a file that has not
//! changed since is neither read nor parsed again.
//!
//! # What is cached
//!
//! For every issue (`_index.md`) and document file that parsed without a problem, a record:
//! what [`super::load`] made of it ([`Issue`](super::Issue) or [`Document`](super::Document),
//! found by its path from the site root, `source`) and the file it was made from as it was
//! read ([`SourceFile`](super::SourceFile): its identity, a [`Stamp`] taken before the file
//! was read, and the digests of its bytes and front matter). The domain types carry none of
//! this: a load gives the files it read beside its archive ([`Sources`]), and the cache pairs
//! the two. A load that takes a record sets again what the archive adds to it (an issue's
//! files, found by every walk; a document's number within the archive); a document is kept
//! without its body text: only where the body lies in the file, which is read again when a
//! page needs it. Files that had problems are not cached, so their messages are always made
//! anew, and a load that fails gives no cache. [`super::load_cached`] gives the cache of each
//! load, to hand to the next load or write to a file ([`LoadCache::write`]) for a later
//! process; a build writes it straight from its archive and sources
//! ([`LoadCache::write_archive`]), so that no second copy of every record is held while it
//! runs.
//!
//! # Where trust comes from
//!
//! A record is used again without opening the file only if the file's stamp now — size,
//! modification time, status change time (ctime), inode and device — is exactly the stamp
//! taken when it was read. Otherwise, when the cache holds a record of the same path, the
//! file is read and the record is taken if the SHA-256 of its bytes is the one stored with
//! the record (the record then bears the file's new stamp): a fresh checkout, a copy or a
//! `touch` gives every file a new stamp but not new bytes, and is not parsed again. Any
//! write to a file sets its ctime to the current time, which no program can set back (unlike
//! the mtime, which `touch -d`, `tar` or `rsync -t` restore), so an edit that keeps the size
//! and restores the mtime is still seen; a file replaced by another (an editor's
//! save-and-rename, a `git checkout`) has another inode as well. On systems without ctime
//! and inodes only the size and mtime are compared. Records also depend on `gazette.yaml`
//! (sections, issuer aliases) and on the code that parsed them: the cache file names a key
//! given by the caller, which must cover the settings, the gazette version and the
//! executable, and is ignored as a whole when any of them differs.
//!
//! # Why the racy window
//!
//! File times come from a coarse clock (a few milliseconds on common Linux file systems). A
//! file written again in the same tick in which the load stated it keeps its stamp while its
//! content changed: the "racy git" problem. So a record is trusted only if the stored mtime
//! and ctime are both earlier than the start of the load that read the file, minus
//! [`RACY_WINDOW_NS`]. A write made after the file was stated happens after that start, and
//! so gives the file a time later than the stored one, as long as the file system's clock
//! is within the window of the system's. A file edited just before a build is simply read
//! and hashed once more by the next one. A record taken by its bytes needs no such rule:
//! the digest is of the very bytes that were parsed, and the stamp it is given was taken
//! before they were read, so the racy rule guards it in the next load as any other.
//!
//! # The file
//!
//! `gazette-load-cache` and the format version; the length and text of a header naming the
//! gazette version, the executable and the key; the start time of the load and the number
//! of chunks; the records in chunks of [`crate::sealed::CHUNK`], each its length and the
//! chunk encoded with bincode (chunks are encoded and decoded in parallel; how a record is
//! encoded is said in [`record`]); last, the SHA-256 of everything before. Anything missing, damaged or different makes [`LoadCache::read`]
//! return `None`, and the load reads every file.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::identity::nanos_since_epoch;
pub use crate::identity::{RACY_WINDOW_NS, Stamp};

use super::{Archive, Sources};
use crate::tree::Tree;
pub(super) use record::Record;
use record::RecordRef;

mod record;

/// The first bytes of a cache file; the digit is the format version.
const MAGIC: &[u8] = b"gazette-load-cache 5\n";
const DIGEST_LEN: usize = 32;

/// What one load read: each issue and document parsed without a problem, with its file as
/// read, and when the load started.
#[derive(Clone, Debug, Default)]
pub struct LoadCache {
    /// When the load started, nanoseconds since 1970.
    started_ns: i128,
    /// The records, in the order the load found the files (by path).
    records: Vec<Record>,
}

/// What the cache holds of a file the load found.
#[derive(Clone, Copy, Debug)]
pub(super) enum Hit<'a> {
    /// A record whose stamp is the file's and old enough to trust: taken without opening
    /// the file.
    Trusted(&'a Record),
    /// A record of the same path whose stamp is not the file's, or too recent: taken only if
    /// the file's bytes have the record's SHA-256.
    Check(&'a Record),
}

/// The records of `archive` with their files as read (`sources`), in path order
/// (the order the next load finds the files in). An issue's files and a document's number
/// within the archive are written too, but set again by the load that takes the record.
fn records_of<'a>(archive: &'a Archive, sources: &'a Sources) -> Vec<RecordRef<'a>> {
    let issues = archive
        .issues
        .iter()
        .enumerate()
        .map(|(i, issue)| RecordRef::Issue(issue, sources.issue(i)));
    let documents = archive
        .documents
        .iter()
        .enumerate()
        .map(|(d, doc)| RecordRef::Document(doc, sources.document(d)));
    let mut records: Vec<RecordRef<'a>> = issues.chain(documents).collect();
    records.sort_unstable_by(|a, b| a.source().cmp(b.source()));
    records
}

impl LoadCache {
    /// The cache of the load that made `archive` and `sources` (a copy of every record;
    /// [`LoadCache::write_archive`] writes one without copying).
    pub fn of(archive: &Archive, sources: &Sources) -> LoadCache {
        let records = records_of(archive, sources)
            .into_iter()
            .map(|r| match r {
                RecordRef::Issue(i, file) => {
                    let mut i = i.clone();
                    i.assets.clear();
                    Record::Issue(Arc::new(i), *file)
                }
                RecordRef::Document(d, file) => {
                    let mut d = d.clone();
                    d.issue = 0;
                    Record::Document(Arc::new(d), *file)
                }
            })
            .collect();
        LoadCache {
            started_ns: nanos_since_epoch(sources.started()),
            records,
        }
    }

    /// Writes the cache of the load that made `archive` and `sources` to `file`, for `key`,
    /// as [`LoadCache::write`] writes [`LoadCache::of`] it.
    pub fn write_archive(
        tree: &Tree,
        file: &Path,
        key: &str,
        archive: &Archive,
        sources: &Sources,
    ) -> std::io::Result<()> {
        write_records(
            tree,
            file,
            key,
            nanos_since_epoch(sources.started()),
            &records_of(archive, sources),
        )
    }

    /// The number of files the cache holds a record of.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether the cache holds no record.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// For each file (its path from the site root and its stamp now), the record the cache
    /// holds of it: [`Hit::Trusted`] when the stamp is the same and the file had last
    /// changed more than [`RACY_WINDOW_NS`] before the load that read it started, else
    /// [`Hit::Check`].
    pub(super) fn trusted<'a, 'f>(
        &'a self,
        files: impl IntoIterator<Item = (&'f str, Option<&'f Stamp>)>,
    ) -> Vec<Option<Hit<'a>>> {
        let cutoff = self.started_ns.saturating_sub(RACY_WINDOW_NS);
        // The files come in the order of the last load, but for those added or removed: try
        // the record after the last one found before looking the path up.
        let mut next = 0;
        let mut by_path: Option<FxHashMap<&str, usize>> = None;
        files
            .into_iter()
            .map(|(rel, stamp)| {
                let stamp = stamp?;
                let at = if self.records.get(next).is_some_and(|r| r.source() == rel) {
                    next
                } else {
                    *by_path
                        .get_or_insert_with(|| {
                            let mut map = FxHashMap::with_capacity_and_hasher(
                                self.records.len(),
                                Default::default(),
                            );
                            for (i, r) in self.records.iter().enumerate() {
                                map.entry(r.source()).or_insert(i);
                            }
                            map
                        })
                        .get(rel)?
                };
                next = at + 1;
                let record = &self.records[at];
                let stored = &record.file().stamp;
                Some(
                    if stored == stamp && stored.mtime_ns < cutoff && stored.ctime_ns < cutoff {
                        Hit::Trusted(record)
                    } else {
                        Hit::Check(record)
                    },
                )
            })
            .collect()
    }

    /// Reads the cache `file`; `None` when it is missing or damaged, or was written by
    /// another format, another gazette or executable, or for another `key`.
    pub fn read(file: &Path, key: &str) -> Option<LoadCache> {
        let (tree, name) = tree_of(file)?;
        Self::read_in(&tree, name, key)
    }

    /// [`LoadCache::read`] for the file `rel` of `tree`, not reached through a link.
    pub fn read_in(tree: &Tree, rel: &Path, key: &str) -> Option<LoadCache> {
        Self::decode(
            &tree.read(rel).ok()?,
            &header(env!("CARGO_PKG_VERSION"), key),
        )
    }

    /// Writes the cache to `file` for `key`, atomically: a reader finds the old cache or
    /// the new one, never a part. Creates the folder.
    pub fn write(&self, file: &Path, key: &str) -> std::io::Result<()> {
        let (tree, name) = tree_of(file)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"))?;
        fs::create_dir_all(tree.root())?;
        write_records(&tree, name, key, self.started_ns, &self.records)
    }

    #[cfg(test)]
    fn encode(&self, header: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut bytes = header.to_vec();
        bytes.extend_from_slice(&self.payload()?);
        let digest = Sha256::digest(&bytes);
        bytes.extend_from_slice(&digest);
        Ok(bytes)
    }

    fn decode(bytes: &[u8], header: &[u8]) -> Option<LoadCache> {
        let (data, digest) = bytes.split_at_checked(bytes.len().checked_sub(DIGEST_LEN)?)?;
        let payload = data.strip_prefix(header)?;
        let (sound, cache) = rayon::join(
            || Sha256::digest(data)[..] == *digest,
            || LoadCache::from_payload(payload),
        );
        cache.filter(|_| sound)
    }

    /// The start time, then the records in chunks (see [`crate::sealed::encode_chunks`]).
    #[cfg(test)]
    fn payload(&self) -> std::io::Result<Vec<u8>> {
        let chunks = crate::sealed::encode_chunks(&self.records)?;
        let mut count = [0; 8];
        let mut out = self.started_ns.to_le_bytes().to_vec();
        for part in crate::sealed::chunk_parts(&chunks, &mut count) {
            out.extend_from_slice(part);
        }
        Ok(out)
    }

    fn from_payload(payload: &[u8]) -> Option<LoadCache> {
        let (started, rest) = payload.split_first_chunk::<16>()?;
        Some(LoadCache {
            started_ns: i128::from_le_bytes(*started),
            records: crate::sealed::decode_chunks(rest)?,
        })
    }
}

/// Writes `records` of a load that started at `started_ns` as the cache `file` for `key`.
fn write_records<R: Serialize + Sync>(
    tree: &Tree,
    file: &Path,
    key: &str,
    started_ns: i128,
    records: &[R],
) -> std::io::Result<()> {
    let header = header(env!("CARGO_PKG_VERSION"), key);
    let started = started_ns.to_le_bytes();
    let chunks = crate::sealed::encode_chunks(records)?;
    let mut count = [0; 8];
    let mut parts = vec![&header[..], &started];
    parts.extend(crate::sealed::chunk_parts(&chunks, &mut count));
    crate::sealed::write_sealed_file(tree, file, &parts)
}

/// The folder of `file`, as a tree, and the file's name in it.
fn tree_of(file: &Path) -> Option<(Tree, &Path)> {
    let name = Path::new(file.file_name()?);
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some((Tree::new(dir), name))
}

/// The bytes a cache file starts with: the format, then the length and text of a line
/// naming the gazette `version`, the executable and the `key`.
fn header(version: &str, key: &str) -> Vec<u8> {
    let text = format!("{version}\n{}\n{key}", crate::identity::exe_identity());
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&(text.len() as u64).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
    out
}

#[cfg(test)]
mod tests;
