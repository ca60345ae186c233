//! The load cache: what the last load made of each Markdown file, so that a file that has not
//! changed since is neither read nor parsed again.
//!
//! # What is cached
//!
//! For every issue (`_index.md`) and document file that parsed without a problem: the record
//! [`super::load`] made of it ([`Issue`] or [`Document`], found by its site-relative path
//! `source`) with the file's [`Stamp`], taken before the file was read. A load that takes a
//! record sets again what the archive adds to it (an issue's files, found by every walk; a
//! document's number within the archive); a document is kept without its body text: only
//! where the body lies in the file, which is read again when a page needs it. Files that had
//! problems are not cached, so their messages are always made anew, and a load that fails
//! gives no cache. [`super::load_cached`] gives the cache of each load, to hand to the next
//! load or write to a file ([`LoadCache::write`]) for a later process; a build writes it
//! straight from its archive ([`LoadCache::write_archive`]), so that no second copy of every
//! record is held while it runs.
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
//! of chunks; the records in chunks of [`crate::cache::CHUNK`], each its length and the
//! chunk encoded with bincode (chunks are encoded and decoded in parallel); last, the
//! SHA-256 of everything before. Anything missing, damaged or different makes [`LoadCache::read`]
//! return `None`, and the load reads every file.

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::tree::Tree;

use super::{Attachment, Document, Issue};

/// Records whose file changed less than this before the load that cached them started are
/// not trusted (50 ms, in nanoseconds).
pub const RACY_WINDOW_NS: i128 = 50_000_000;

/// The first bytes of a cache file; the digit is the format version.
const MAGIC: &[u8] = b"gazette-load-cache 4\n";
const DIGEST_LEN: usize = 32;

/// What identifies a file's content without reading it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Stamp {
    /// Size in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since 1970.
    pub mtime_ns: i128,
    /// Status change time, nanoseconds since 1970 (0 where there is none).
    pub ctime_ns: i128,
    /// Inode number (0 where there is none).
    pub ino: u64,
    /// Device (0 where there is none).
    pub dev: u64,
}

impl Stamp {
    /// The stamp of a file's metadata.
    #[cfg(unix)]
    pub fn of(meta: &fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        let ns = |secs: i64, nanos: i64| i128::from(secs) * 1_000_000_000 + i128::from(nanos);
        Stamp {
            len: meta.len(),
            mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
            ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
            ino: meta.ino(),
            dev: meta.dev(),
        }
    }

    /// The stamp of a file's metadata. Without a modification time the mtime is
    /// `i128::MAX`, which is never trusted.
    #[cfg(not(unix))]
    pub fn of(meta: &fs::Metadata) -> Stamp {
        Stamp {
            len: meta.len(),
            mtime_ns: meta.modified().map_or(i128::MAX, nanos_since_epoch),
            ctime_ns: 0,
            ino: 0,
            dev: 0,
        }
    }

    /// The modification time, as `std::fs::Metadata::modified` gives it.
    pub fn modified(&self) -> Option<SystemTime> {
        let abs = self.mtime_ns.unsigned_abs();
        let since = Duration::new(
            u64::try_from(abs / 1_000_000_000).ok()?,
            (abs % 1_000_000_000) as u32,
        );
        if self.mtime_ns >= 0 {
            UNIX_EPOCH.checked_add(since)
        } else {
            UNIX_EPOCH.checked_sub(since)
        }
    }
}

/// Nanoseconds since 1970 (negative before).
pub(super) fn nanos_since_epoch(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

/// What one load read: each issue and document parsed without a problem, with the stamp of
/// its file, and when the load started.
#[derive(Clone, Debug, Default)]
pub struct LoadCache {
    /// When the load started, nanoseconds since 1970.
    started_ns: i128,
    /// The records, in the order the load found the files.
    records: Vec<Record>,
}

/// What a load made of one file, as parsed: an issue without its assets, a document not yet
/// numbered within the archive, neither marked as reused. Shared between the caches of
/// successive loads.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) enum Record {
    Issue(Arc<Issue>),
    Document(Arc<Document>),
}

impl Record {
    /// The file's path from the site root.
    fn source(&self) -> &str {
        match self {
            Record::Issue(i) => &i.source,
            Record::Document(d) => &d.source,
        }
    }

    /// The file's stamp when it was read.
    fn stamp(&self) -> &Stamp {
        match self {
            Record::Issue(i) => &i.stamp,
            Record::Document(d) => &d.stamp,
        }
    }

    /// The SHA-256 of the file's bytes the record was made from.
    pub(super) fn digest(&self) -> &[u8; 32] {
        match self {
            Record::Issue(i) => &i.digest,
            Record::Document(d) => &d.digest,
        }
    }
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

/// A record as it is written: borrowed from the archive (serialised as [`Record`] is).
#[derive(Serialize)]
enum RecordRef<'a> {
    Issue(&'a Issue),
    Document(&'a Document),
}

impl RecordRef<'_> {
    fn source(&self) -> &str {
        match self {
            RecordRef::Issue(i) => &i.source,
            RecordRef::Document(d) => &d.source,
        }
    }
}

/// The records of `archive`, in path order (the order the next load finds the files in).
/// An issue's files and a document's number within the archive are written too, but set
/// again by the load that takes the record.
fn records_of(archive: &super::Archive) -> Vec<RecordRef<'_>> {
    let mut records: Vec<RecordRef<'_>> = archive
        .issues
        .iter()
        .map(RecordRef::Issue)
        .chain(archive.documents.iter().map(RecordRef::Document))
        .collect();
    records.sort_unstable_by(|a, b| a.source().cmp(b.source()));
    records
}

impl LoadCache {
    /// The cache of a load that started at `started` and made `archive` (a copy of every
    /// record; [`LoadCache::write_archive`] writes one without copying).
    pub fn of(started: SystemTime, archive: &super::Archive) -> LoadCache {
        let records = records_of(archive)
            .into_iter()
            .map(|r| match r {
                RecordRef::Issue(i) => {
                    let mut i = i.clone();
                    i.assets.clear();
                    i.reused = false;
                    Record::Issue(Arc::new(i))
                }
                RecordRef::Document(d) => {
                    let mut d = d.clone();
                    d.issue = 0;
                    d.reused = false;
                    Record::Document(Arc::new(d))
                }
            })
            .collect();
        LoadCache {
            started_ns: nanos_since_epoch(started),
            records,
        }
    }

    /// Writes the cache of a load that started at `started` and made `archive` to `file`,
    /// for `key`, as [`LoadCache::write`] writes [`LoadCache::of`] it.
    pub fn write_archive(
        tree: &Tree,
        file: &Path,
        key: &str,
        started: SystemTime,
        archive: &super::Archive,
    ) -> std::io::Result<()> {
        write_records(
            tree,
            file,
            key,
            nanos_since_epoch(started),
            &records_of(archive),
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
        let mut by_path: Option<HashMap<&str, usize>> = None;
        files
            .into_iter()
            .map(|(rel, stamp)| {
                let stamp = stamp?;
                let at = if self.records.get(next).is_some_and(|r| r.source() == rel) {
                    next
                } else {
                    *by_path
                        .get_or_insert_with(|| {
                            let mut map = HashMap::with_capacity(self.records.len());
                            for (i, r) in self.records.iter().enumerate() {
                                map.entry(r.source()).or_insert(i);
                            }
                            map
                        })
                        .get(rel)?
                };
                next = at + 1;
                let record = &self.records[at];
                let stored = record.stamp();
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

    /// The start time, then the records in chunks (see [`crate::cache::encode_chunks`]).
    #[cfg(test)]
    fn payload(&self) -> std::io::Result<Vec<u8>> {
        let chunks = crate::cache::encode_chunks(&self.records)?;
        let mut count = [0; 8];
        let mut out = self.started_ns.to_le_bytes().to_vec();
        for part in crate::cache::chunk_parts(&chunks, &mut count) {
            out.extend_from_slice(part);
        }
        Ok(out)
    }

    fn from_payload(payload: &[u8]) -> Option<LoadCache> {
        let (started, rest) = payload.split_first_chunk::<16>()?;
        Some(LoadCache {
            started_ns: i128::from_le_bytes(*started),
            records: crate::cache::decode_chunks(rest)?,
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
    let chunks = crate::cache::encode_chunks(records)?;
    let mut count = [0; 8];
    let mut parts = vec![&header[..], &started];
    parts.extend(crate::cache::chunk_parts(&chunks, &mut count));
    crate::cache::write_sealed_file(tree, file, &parts)
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
    let text = format!("{version}\n{}\n{key}", crate::cache::exe_identity());
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&(text.len() as u64).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
    out
}

/// `extra` maps as a JSON string (empty for an empty map): bincode cannot decode a
/// `serde_json::Value`, which needs a self-describing format.
pub(super) mod json_map {
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
pub(super) mod attachments {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::Attachment;

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

#[cfg(test)]
mod tests {
    use bincode::Options as _;
    use std::fs::{File, FileTimes};
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;
    use crate::config::Config;
    use crate::content::{Archive, load, load_cached};

    /// A copy of the `multi` fixture's settings and content in a temporary folder.
    struct Site(PathBuf);

    impl Site {
        fn new(label: &str) -> Site {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, Ordering::SeqCst);
            let root = std::env::temp_dir().join(format!(
                "gazette-load-cache-{}-{label}-{n}",
                std::process::id()
            ));
            let _ = fs::remove_dir_all(&root);
            let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/multi");
            for entry in walkdir::WalkDir::new(&fixture).sort_by_file_name() {
                let entry = entry.unwrap();
                let rel = entry.path().strip_prefix(&fixture).unwrap();
                if rel.starts_with("expected") || rel.starts_with("templates") {
                    continue;
                }
                let target = root.join(rel);
                if entry.file_type().is_dir() {
                    fs::create_dir_all(&target).unwrap();
                } else {
                    fs::copy(entry.path(), &target).unwrap();
                }
            }
            Site(root)
        }

        fn root(&self) -> &Path {
            &self.0
        }

        fn file(&self, rel: &str) -> PathBuf {
            self.0.join(rel)
        }

        fn config(&self) -> Config {
            Config::load(&self.0, None).unwrap()
        }

        fn load(&self) -> Archive {
            load(self.root(), &self.config()).unwrap()
        }

        fn load_cached(&self, cache: Option<&LoadCache>) -> (Archive, LoadCache) {
            load_cached(self.root(), &self.config(), cache).unwrap()
        }
    }

    impl Drop for Site {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// The archive as text, `reused` left out.
    fn normalised(archive: &Archive) -> String {
        let mut a = archive.clone();
        a.issues.iter_mut().for_each(|i| i.reused = false);
        a.documents.iter_mut().for_each(|d| d.reused = false);
        format!("{a:#?}")
    }

    /// The cache as text, without what is not written to its file.
    fn without_paths(cache: &LoadCache) -> String {
        let mut c = cache.clone();
        for r in &mut c.records {
            if let Record::Document(d) = r {
                let d = Arc::make_mut(d);
                d.body.path = PathBuf::new();
                d.body.modified = None;
            }
        }
        format!("{c:#?}")
    }

    /// The sources of the records taken from the cache.
    fn reused(archive: &Archive) -> Vec<&str> {
        let issues = archive.issues.iter().filter(|i| i.reused);
        let docs = archive.documents.iter().filter(|d| d.reused);
        let mut out: Vec<&str> = issues
            .map(|i| i.source.as_str())
            .chain(docs.map(|d| d.source.as_str()))
            .collect();
        out.sort_unstable();
        out
    }

    /// Every source of the archive but `except`.
    fn all_but<'a>(archive: &'a Archive, except: &[&str]) -> Vec<&'a str> {
        let mut out: Vec<&str> = archive
            .issues
            .iter()
            .map(|i| i.source.as_str())
            .chain(archive.documents.iter().map(|d| d.source.as_str()))
            .filter(|s| !except.contains(s))
            .collect();
        out.sort_unstable();
        out
    }

    /// Makes every record of `cache` old enough to be trusted, as if the load that made it
    /// had started an hour later.
    fn age(cache: &mut LoadCache) {
        cache.started_ns += 3_600 * 1_000_000_000;
    }

    fn stamp_of(path: &Path) -> Stamp {
        Stamp::of(&fs::metadata(path).unwrap())
    }

    /// Waits until file times taken now are past the racy window of a load started now.
    fn wait_out_the_racy_window() {
        std::thread::sleep(Duration::from_nanos(2 * RACY_WINDOW_NS as u64));
    }

    const WZF: &str = "content/2019/12/wzf-2019-16.md";

    #[test]
    fn a_cached_load_equals_a_load_and_reuses_unchanged_files() {
        let site = Site::new("equal");
        wait_out_the_racy_window();
        let (first, cache) = site.load_cached(None);
        assert!(reused(&first).is_empty());
        assert_eq!(cache.len(), first.issues.len() + first.documents.len());
        assert_eq!(cache.len(), 11);

        let (second, cache2) = site.load_cached(Some(&cache));
        assert_eq!(reused(&second), all_but(&second, &[]));
        let plain = site.load();
        assert_eq!(normalised(&second), normalised(&plain));
        for (d, p) in second.documents.iter().zip(&plain.documents) {
            assert_eq!(
                d.body.read(&d.source).unwrap(),
                p.body.read(&p.source).unwrap()
            );
            assert_eq!(d.stamp, stamp_of(&site.file(&d.source)));
        }

        // The cache of a cached load serves the next one as well, from memory or a file.
        let (third, _) = site.load_cached(Some(&cache2));
        assert_eq!(reused(&third), all_but(&third, &[]));
        assert_eq!(normalised(&third), normalised(&plain));
        let file = site.file("cache/dir/load");
        cache2.write(&file, "key").unwrap();
        let read = LoadCache::read(&file, "key").unwrap();
        assert_eq!(without_paths(&read), without_paths(&cache2));
        let (fourth, _) = site.load_cached(Some(&read));
        assert_eq!(reused(&fourth), all_but(&fourth, &[]));
        assert_eq!(normalised(&fourth), normalised(&plain));
    }

    /// Rewrites `path` with `text` in place (same inode).
    fn rewrite(path: &Path, text: &str) {
        use std::io::Write as _;
        let mut f = File::options()
            .write(true)
            .truncate(true)
            .open(path)
            .unwrap();
        f.write_all(text.as_bytes()).unwrap();
    }

    #[test]
    fn an_edit_that_keeps_size_and_mtime_is_read_again() {
        let site = Site::new("edit");
        let (_, mut cache) = site.load_cached(None);
        age(&mut cache);
        let path = site.file(WZF);
        let before = stamp_of(&path);
        let text = fs::read_to_string(&path).unwrap();
        let edited = text.replacen("保障标准的通知", "保障标准的通告", 1);
        assert_ne!(edited, text);
        assert_eq!(edited.len(), text.len());
        // Past the file system's clock tick, so that the ctime moves.
        std::thread::sleep(Duration::from_millis(30));
        rewrite(&path, &edited);
        let file = File::options().write(true).open(&path).unwrap();
        file.set_times(FileTimes::new().set_modified(before.modified().unwrap()))
            .unwrap();
        let after = stamp_of(&path);
        assert_eq!(
            (after.len, after.mtime_ns, after.ino),
            (before.len, before.mtime_ns, before.ino)
        );
        assert_ne!(after.ctime_ns, before.ctime_ns);

        let (archive, _) = site.load_cached(Some(&cache));
        assert_eq!(reused(&archive), all_but(&archive, &[WZF]));
        let doc = archive.documents.iter().find(|d| d.source == WZF).unwrap();
        assert!(doc.title.ends_with("保障标准的通告"), "{}", doc.title);
        assert_eq!(doc.doc_type.as_deref(), Some("通告"));
        assert_eq!(normalised(&archive), normalised(&site.load()));
    }

    #[test]
    fn a_file_written_within_the_racy_window_is_read_and_checked_again() {
        let site = Site::new("racy");
        wait_out_the_racy_window();
        // Written again with the same bytes: the stamp may not change at all on a file system
        // with a coarse clock, only the time tells that the record cannot be trusted.
        let path = site.file(WZF);
        rewrite(&path, &fs::read_to_string(&path).unwrap());
        let written = stamp_of(&path);
        let (_, mut cache) = site.load_cached(None);
        // As if the load had started 10 ms after the write.
        cache.started_ns = written.ctime_ns.max(written.mtime_ns) + 10_000_000;
        assert_eq!(stamp_of(&path), written);

        // Its bytes are those of the record: taken, once they are read and hashed.
        let (archive, _) = site.load_cached(Some(&cache));
        assert_eq!(reused(&archive), all_but(&archive, &[]));
        assert_eq!(normalised(&archive), normalised(&site.load()));

        // A change made in the same clock tick, as the stamp cannot show it: the record's
        // bytes are no longer the file's, so the file is parsed again.
        for record in &mut cache.records {
            if let Record::Document(d) = record
                && d.source == WZF
            {
                Arc::make_mut(d).digest[0] ^= 1;
            }
        }
        let (archive, mut next) = site.load_cached(Some(&cache));
        assert_eq!(reused(&archive), all_but(&archive, &[WZF]));
        assert_eq!(normalised(&archive), normalised(&site.load()));

        // Once the window has passed, the record made by that second read is trusted.
        age(&mut next);
        let (archive, _) = site.load_cached(Some(&next));
        assert_eq!(reused(&archive), all_but(&archive, &[]));
    }

    #[test]
    fn a_file_with_a_new_identity_and_the_same_bytes_keeps_its_record() {
        let site = Site::new("checkout");
        let (_, mut cache) = site.load_cached(None);
        age(&mut cache);
        // As a fresh checkout writes it: a new file (new inode and times), the same bytes.
        let path = site.file(WZF);
        let bytes = fs::read(&path).unwrap();
        let before = stamp_of(&path);
        fs::remove_file(&path).unwrap();
        fs::write(&path, &bytes).unwrap();
        assert_ne!(stamp_of(&path), before);

        let (archive, _) = site.load_cached(Some(&cache));
        assert_eq!(reused(&archive), all_but(&archive, &[]));
        assert_eq!(normalised(&archive), normalised(&site.load()));
        // The record now bears the file's new identity.
        let doc = archive.documents.iter().find(|d| d.source == WZF).unwrap();
        assert_eq!(doc.stamp, stamp_of(&path));
        assert_eq!(
            doc.body.read(WZF).unwrap(),
            site.load()
                .documents
                .iter()
                .find(|d| d.source == WZF)
                .unwrap()
                .body
                .read(WZF)
                .unwrap()
        );
    }

    #[test]
    fn added_deleted_and_renamed_files() {
        let site = Site::new("files");
        let (_, mut cache) = site.load_cached(None);
        age(&mut cache);
        let added = "content/2019/12/wzb-2019-70.md";
        fs::write(
            site.file(added),
            "---\ntitle: 关于做好年终工作的通知\nsection: 文件发布\n---\n正文。\n",
        )
        .unwrap();
        let deleted = "content/2019/11/briefs.md";
        fs::remove_file(site.file(deleted)).unwrap();
        let renamed = "content/2020/01/notes.md";
        fs::rename(site.file("content/2020/01/briefs.md"), site.file(renamed)).unwrap();

        let (archive, _) = site.load_cached(Some(&cache));
        let plain = site.load();
        assert_eq!(normalised(&archive), normalised(&plain));
        assert_eq!(reused(&archive), all_but(&archive, &[added, renamed]));
        let sources: Vec<&str> = archive
            .documents
            .iter()
            .map(|d| d.source.as_str())
            .collect();
        assert!(sources.contains(&added) && sources.contains(&renamed));
        assert!(!sources.contains(&deleted));
        assert!(!sources.contains(&"content/2020/01/briefs.md"));
    }

    #[test]
    fn files_with_problems_give_the_same_messages_with_a_cache() {
        let site = Site::new("bad");
        let (_, mut cache) = site.load_cached(None);
        age(&mut cache);
        fs::write(site.file(WZF), "---\ntitle: [\n---\n").unwrap();
        let path = site.file("content/2020/01/briefs.md");
        let text = fs::read_to_string(&path).unwrap();
        fs::write(
            &path,
            text.replace("section: 政务简讯", "section: 政务简报"),
        )
        .unwrap();

        let cached = load_cached(site.root(), &site.config(), Some(&cache)).unwrap_err();
        let plain = load(site.root(), &site.config()).unwrap_err();
        assert_eq!(format!("{cached:#?}"), format!("{plain:#?}"));
        let files: Vec<&str> = cached.iter().map(|d| d.path.as_str()).collect();
        assert!(files.contains(&WZF), "{files:?}");
        assert!(files.contains(&"content/2020/01/briefs.md"), "{files:?}");
    }

    #[test]
    fn stamps_give_the_modification_time_back() {
        let site = Site::new("stamp");
        let path = site.file(WZF);
        let file = File::options().write(true).open(&path).unwrap();
        for t in [
            UNIX_EPOCH + Duration::new(1_575_849_600, 123_456_789),
            UNIX_EPOCH - Duration::new(1, 500_000_000),
            UNIX_EPOCH,
        ] {
            file.set_times(FileTimes::new().set_modified(t)).unwrap();
            let meta = fs::metadata(&path).unwrap();
            let stamp = Stamp::of(&meta);
            assert_eq!(stamp.modified(), Some(meta.modified().unwrap()));
            assert_eq!(stamp.modified(), Some(t));
            assert_eq!(stamp.len, meta.len());
        }
        let never = Stamp {
            mtime_ns: i128::MAX,
            ..Stamp::default()
        };
        assert_eq!(never.modified(), None);
    }

    /// A written cache and its bytes.
    fn written(label: &str) -> (Site, PathBuf, LoadCache, Vec<u8>) {
        let site = Site::new(label);
        let (_, cache) = site.load_cached(None);
        let file = site.file("out/.cache/load");
        cache.write(&file, "key").unwrap();
        let bytes = fs::read(&file).unwrap();
        (site, file, cache, bytes)
    }

    #[test]
    fn writing_is_atomic_and_reading_gives_the_cache_back() {
        let (site, file, cache, _) = written("write");
        let names: Vec<_> = fs::read_dir(site.file("out/.cache"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["load"]);
        let read = LoadCache::read(&file, "key").unwrap();
        assert_eq!(read.len(), cache.len());
        assert_eq!(without_paths(&read), without_paths(&cache));
        // Written again over the old one.
        cache.write(&file, "key2").unwrap();
        assert!(LoadCache::read(&file, "key2").is_some());
    }

    #[test]
    fn reading_refuses_damaged_and_foreign_caches() {
        let (site, file, cache, bytes) = written("read");
        let other = site.file("other");
        let read = |b: &[u8]| {
            fs::write(&other, b).unwrap();
            LoadCache::read(&other, "key")
        };
        assert!(read(&bytes).is_some());
        assert!(LoadCache::read(&file, "key").is_some());
        assert!(LoadCache::read(&file, "other key").is_none());
        assert!(LoadCache::read(&file, "").is_none());
        assert!(LoadCache::read(&site.file("missing"), "key").is_none());
        assert!(read(b"").is_none());
        assert!(read(b"garbage").is_none());
        assert!(read(&[0xff; 4096]).is_none());
        let header = header(env!("CARGO_PKG_VERSION"), "key");
        assert!(LoadCache::decode(&bytes, &header).is_some());
        for cut in 0..bytes.len() {
            assert!(
                LoadCache::decode(&bytes[..cut], &header).is_none(),
                "cut at {cut}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(read(&longer).is_none());
        let mut flipped = bytes.clone();
        flipped[bytes.len() / 2] ^= 0x10;
        assert!(read(&flipped).is_none());
        for at in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0x10;
            assert!(
                LoadCache::decode(&flipped, &header).is_none(),
                "flipped byte {at}"
            );
        }
        // Another gazette version, with a sound checksum.
        let foreign = cache.encode(&super::header("0.0.0-other", "key")).unwrap();
        assert!(read(&foreign).is_none());
        assert!(read(&cache.encode(&header).unwrap()).is_some());
    }

    /// `payload` after the right header, with a sound checksum.
    fn sealed(payload: &[u8]) -> Vec<u8> {
        let mut bytes = header(env!("CARGO_PKG_VERSION"), "key");
        bytes.extend_from_slice(payload);
        let digest = Sha256::digest(&bytes);
        bytes.extend_from_slice(&digest);
        bytes
    }

    #[test]
    fn records_that_do_not_decode_are_refused() {
        let (_, _, cache, bytes) = written("decode");
        let header = header(env!("CARGO_PKG_VERSION"), "key");
        let payload = &bytes[header.len()..bytes.len() - DIGEST_LEN];
        assert!(LoadCache::decode(&sealed(payload), &header).is_some());
        // A date that does not exist, where the first issue's is.
        let date = bincode::DefaultOptions::new()
            .serialize(&crate::content::date::Date::new(2019, 11, 30).unwrap())
            .unwrap();
        let at = payload.windows(date.len()).position(|w| w == date).unwrap();
        let mut bad = payload.to_vec();
        bad[at + date.len() - 1] = 31;
        assert!(LoadCache::decode(&sealed(&bad), &header).is_none());
        // Every shorter payload.
        for cut in 0..payload.len() {
            assert!(LoadCache::decode(&sealed(&payload[..cut]), &header).is_none());
        }
        assert_eq!(cache.len(), 11);
    }

    proptest::proptest! {
        #[test]
        fn decoding_never_panics(
            payload in proptest::collection::vec(proptest::num::u8::ANY, 0..512),
            flips in proptest::collection::vec((0usize..4096, 1u8..=255), 0..8),
        ) {
            let header = header(env!("CARGO_PKG_VERSION"), "key");
            let _ = LoadCache::decode(&sealed(&payload), &header);
            let _ = LoadCache::decode(&payload, &header);
            // A real payload with a few bytes changed, or garbage appended.
            static REAL: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
            let mut real = REAL
                .get_or_init(|| {
                    let (_, cache) = Site::new("fuzz").load_cached(None);
                    cache.payload().unwrap()
                })
                .clone();
            if flips.is_empty() {
                real.extend_from_slice(&payload);
            }
            for (at, x) in flips {
                let n = real.len();
                real[at % n] ^= x;
            }
            let _ = LoadCache::decode(&sealed(&real), &header);
        }

        #[test]
        fn extra_values_come_back_exactly(
            x in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
            n in proptest::num::i64::ANY,
            u in proptest::num::u64::ANY,
            s in "\\PC*",
        ) {
            let mut extra = std::collections::BTreeMap::new();
            extra.insert("x".to_string(), serde_json::json!(x));
            extra.insert("n".to_string(), serde_json::json!(n));
            extra.insert("u".to_string(), serde_json::json!(u));
            extra.insert(s.clone(), serde_json::json!([s, {"k": null, "b": true}]));
            #[derive(Serialize, Deserialize)]
            struct Holder(#[serde(with = "json_map")] std::collections::BTreeMap<String, serde_json::Value>);
            let bytes = bincode::DefaultOptions::new().serialize(&Holder(extra.clone())).unwrap();
            let back: Holder = bincode::DefaultOptions::new().deserialize(&bytes).unwrap();
            proptest::prop_assert_eq!(back.0, extra);
        }
    }
}
