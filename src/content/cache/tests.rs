//! The load cache: a load with it equals a load without it, and its file refuses damage.
use bincode::Options as _;
use std::fs::{File, FileTimes};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use super::*;
use crate::config::Config;
use crate::content::{Archive, Sources, load, load_cached};

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

    fn load_cached(&self, cache: Option<&LoadCache>) -> (Loaded, LoadCache) {
        let (archive, sources, next) = load_cached(self.root(), &self.config(), cache).unwrap();
        (Loaded { archive, sources }, next)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// What a cached load gave: the archive, and the identities of its files.
struct Loaded {
    archive: Archive,
    sources: Sources,
}

impl std::ops::Deref for Loaded {
    type Target = Archive;
    fn deref(&self) -> &Archive {
        &self.archive
    }
}

/// The archive as text.
fn normalised(archive: &Archive) -> String {
    format!("{archive:#?}")
}

/// The cache as text, without what is not written to its file.
fn without_paths(cache: &LoadCache) -> String {
    let mut c = cache.clone();
    for r in &mut c.records {
        if let Record::Document(d, _) = r {
            let d = Arc::make_mut(d);
            d.body.path = PathBuf::new();
            d.body.modified = None;
        }
    }
    format!("{c:#?}")
}

/// The sources of the records taken from the cache.
fn reused(loaded: &Loaded) -> Vec<&str> {
    let issues = (loaded.issues.iter().enumerate())
        .filter(|&(i, _)| loaded.sources.issue_reused(i))
        .map(|(_, issue)| issue.source.as_str());
    let documents = (loaded.documents.iter().enumerate())
        .filter(|&(d, _)| loaded.sources.document_reused(d))
        .map(|(_, doc)| doc.source.as_str());
    let mut out: Vec<&str> = issues.chain(documents).collect();
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
    for (i, (d, p)) in second.documents.iter().zip(&plain.documents).enumerate() {
        assert_eq!(
            d.body.read(&d.source).unwrap(),
            p.body.read(&p.source).unwrap()
        );
        let file = second.sources.document(i);
        assert_eq!(file.stamp, stamp_of(&site.file(&d.source)));
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
        if let Record::Document(d, file) = record
            && d.source == WZF
        {
            file.digest[0] ^= 1;
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
    let d = archive
        .documents
        .iter()
        .position(|d| d.source == WZF)
        .unwrap();
    let doc = &archive.documents[d];
    assert_eq!(archive.sources.document(d).stamp, stamp_of(&path));
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
        #[derive(Serialize, serde::Deserialize)]
        struct Holder(#[serde(with = "crate::content::cache::record::json_map")] std::collections::BTreeMap<String, serde_json::Value>);
        let bytes = bincode::DefaultOptions::new().serialize(&Holder(extra.clone())).unwrap();
        let back: Holder = bincode::DefaultOptions::new().deserialize(&bytes).unwrap();
        proptest::prop_assert_eq!(back.0, extra);
    }
}
