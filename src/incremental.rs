//! The incremental layer: the one place that turns what pages and publishing outputs read
//! into keys, and decides what a build takes from the last one.
//!
//! Each page kind and publishing output declares the parts of the site it reads (an
//! [`Input`] list, next to the code that reads them: `READS` in each module of
//! [`crate::publish`], [`crate::render`]'s page list for the page kinds). Everything else —
//! the settings, templates, static files and build options — every page and file reads; it
//! is the global key the file cache is made for ([`crate::cache::FileCache::trust`]). Here
//! the declarations become keys ([`Keys::of`]); an output whose key is the one the last
//! build recorded for it is taken as published, and a page whose declared inputs are all
//! unchanged is not even prepared ([`Keys::unchanged`]).
//!
//! Reads the front-matter key does not cover go through a [`Reader`] made from the
//! declaration; in debug builds (every test) it fails a read that was not declared, so that
//! a module cannot start reading bodies while its output is still keyed without them.

use crate::cache::{ArchiveKeys, key_hasher};
use crate::content::markdown::Citation;
use crate::content::{Archive, Sources};

/// A part of the site that a page or publishing output reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// Every document's path and front matter, every issue's record, and the indexes made
    /// from them.
    FrontMatter,
    /// The sizes of the files of the issue folders.
    IssueAssets,
    /// Which 文号 every body cites (the citation graph).
    Citations,
    /// The text of every document's body.
    Bodies,
    /// The text of the bodies of the documents of one year's issues.
    BodiesOfYear(u16),
    /// The page's own document's body (a document page).
    OwnBody,
    /// The page's issue's note (an issue page, the home page).
    IssueNote,
}

impl Input {
    /// Every input but [`Input::BodiesOfYear`], which is one per year.
    pub const ALL: &[Input] = &[
        Input::FrontMatter,
        Input::IssueAssets,
        Input::Citations,
        Input::Bodies,
        Input::OwnBody,
        Input::IssueNote,
    ];
}

/// The keys of one build's archive, by input.
#[derive(Debug)]
pub struct Keys {
    /// What [`Input::FrontMatter`] and [`Input::IssueAssets`] are keyed by (one key for both:
    /// an issue's record and its files' sizes are read together), and with the citations.
    archive: ArchiveKeys,
    /// Which 文号 every body cites, alone.
    citations: String,
    /// Every body's text, made only if an output declares [`Input::Bodies`].
    bodies: std::sync::OnceLock<String>,
}

impl Keys {
    /// The keys of `archive` as loaded from the site at `root`; those of the citations
    /// follow once the bodies are scanned ([`Keys::add_citations`]).
    pub fn new(root: &std::path::Path, archive: &Archive, sources: &Sources) -> Keys {
        Keys {
            archive: ArchiveKeys {
                front: front_key(root, archive, sources),
                site: String::new(),
            },
            citations: String::new(),
            bodies: std::sync::OnceLock::new(),
        }
    }

    /// Adds the keys of which 文号 each body cites.
    pub fn add_citations(&mut self, cited: &[Vec<Citation>]) {
        self.citations = citations_key(cited);
        let mut h = key_hasher();
        h.update(b"gazette archive site 2\0");
        h.update(self.archive.front.as_bytes());
        h.update(self.citations.as_bytes());
        self.archive.site = h.finish();
    }

    /// The keys the file cache records (see [`ArchiveKeys`]).
    pub fn archive(&self) -> &ArchiveKeys {
        &self.archive
    }

    /// The key of output `name` that reads `reads` of `archive` (its files as read:
    /// `sources`): it changes whenever anything declared does.
    pub fn of(&self, name: &str, reads: &[Input], archive: &Archive, sources: &Sources) -> String {
        let mut h = key_hasher();
        h.update(b"gazette output 1\0");
        h.update(name.as_bytes());
        h.update(&[0]);
        for input in reads {
            let key = match input {
                Input::FrontMatter | Input::IssueAssets => &self.archive.front,
                Input::Citations => &self.citations,
                Input::Bodies => self.bodies.get_or_init(|| bodies_key(archive, sources)),
                Input::BodiesOfYear(year) => {
                    let key = year_bodies_key(archive, sources, *year);
                    h.update(format!("{input:?}\0{key}\0").as_bytes());
                    continue;
                }
                // Only a page has its own body or note; those are decided per page.
                Input::OwnBody | Input::IssueNote => continue,
            };
            h.update(format!("{input:?}\0{key}\0").as_bytes());
        }
        h.finish()
    }

    /// Whether every archive-wide input in `reads` is as in the build that recorded `last`
    /// (the page's own inputs, [`Input::OwnBody`] and [`Input::IssueNote`], the caller
    /// decides: they are one file each).
    pub fn unchanged(&self, reads: &[Input], last: Option<&ArchiveKeys>) -> bool {
        let Some(last) = last else {
            return false;
        };
        reads.iter().all(|input| match input {
            Input::FrontMatter | Input::IssueAssets => last.front == self.archive.front,
            Input::Citations => last.site == self.archive.site,
            // Not recorded between builds: never known unchanged.
            Input::Bodies | Input::BodiesOfYear(_) => false,
            Input::OwnBody | Input::IssueNote => true,
        })
    }
}

/// The front key of an archive: every document's path and front matter, every issue's
/// record, and the size of every file of an issue folder (issue pages show them).
fn front_key(root: &std::path::Path, archive: &Archive, sources: &Sources) -> String {
    let mut h = key_hasher();
    h.update(b"gazette archive front 1\0");
    h.update(&(archive.documents.len() as u64).to_le_bytes());
    for d in 0..archive.documents.len() {
        h.update(&sources.document(d).front);
    }
    for issue in &archive.issues {
        let record = bincode::serialize(issue).unwrap_or_default();
        h.update(&(record.len() as u64).to_le_bytes());
        h.update(&record);
        let dir = root.join(crate::content::CONTENT_DIR).join(issue.dir());
        for asset in &issue.assets {
            let size = std::fs::metadata(dir.join(asset)).map_or(u64::MAX, |m| m.len());
            h.update(&size.to_le_bytes());
        }
    }
    h.finish()
}

/// The key of the 文号 each document's body cites.
fn citations_key(cited: &[Vec<Citation>]) -> String {
    let mut h = key_hasher();
    h.update(b"gazette archive citations 1\0");
    for list in cited {
        h.update(&(list.len() as u64).to_le_bytes());
        for c in list {
            let number = c.number.to_string();
            h.update(&(number.len() as u64).to_le_bytes());
            h.update(number.as_bytes());
            h.update(&[u8::from(c.internal)]);
        }
    }
    h.finish()
}

/// The key of every body: the SHA-256 of each document's file as loaded.
fn bodies_key(archive: &Archive, sources: &Sources) -> String {
    let mut h = key_hasher();
    h.update(b"gazette archive bodies 1\0");
    for d in 0..archive.documents.len() {
        h.update(&sources.document(d).digest);
    }
    h.finish()
}

/// The key of the bodies of the documents of `year`'s issues: the SHA-256 of each one's
/// file as loaded, in the archive's order.
fn year_bodies_key(archive: &Archive, sources: &Sources, year: u16) -> String {
    let mut h = key_hasher();
    h.update(b"gazette archive year bodies 1\0");
    for (d, doc) in archive.documents.iter().enumerate() {
        if archive.issues[doc.issue].year == year {
            h.update(&sources.document(d).digest);
        }
    }
    h.finish()
}

/// What a body's HTML is made from besides the answers the site gives its questions (its
/// memo records those): its file's bytes (`digest`), the line it starts at, whether raw HTML
/// passes, and the place of its page (`root`, the `../` prefix of relative links). A memo is
/// used only while this key is the one it was made for.
pub fn body_key(digest: &[u8; 32], first_line: usize, raw_html: bool, root: &str) -> String {
    format!(
        "{} {first_line} {raw_html} {root}",
        crate::digest::hex(digest)
    )
}

/// What a build's body memos are made for: its settings key (`global`) and its archive's
/// front key. When the memos of the last build were made for the same, every question a
/// body asked of the site is known to get the same answer without asking it again.
pub fn memos_made_for(global: &str, keys: &Keys) -> String {
    format!("{global} {}", keys.archive.front)
}

/// Whether a body's memo stands for its body now: its file is unchanged (`file_unchanged`:
/// its record came from the load cache, so its digest stands for its text), the memo was
/// made for the body's key (`made_for` is [`body_key`] now), and every question the body
/// asked gets the same answer — known without asking when the memos were made for this
/// build's settings and front matter (`answers_known`, see [`memos_made_for`]), else asked
/// again (`answers_hold`).
pub fn memo_holds(
    file_unchanged: bool,
    memo_key: &str,
    made_for: &str,
    answers_known: bool,
    answers_hold: impl FnOnce() -> bool,
) -> bool {
    file_unchanged && memo_key == made_for && (answers_known || answers_hold())
}

/// The key of a page from what it is rendered from: its template, and its context as
/// `write` writes it (every view by name and serialised form, views shared by many pages
/// and values made late by the digests of what they are made from). The templates
/// themselves, the settings and the options are in the file cache's global key. `None`
/// when part of the context cannot be written: such a page is never taken as published.
pub fn page_key(
    template: &str,
    write: impl FnOnce(&mut dyn std::io::Write) -> bool,
) -> Option<String> {
    let mut h = key_hasher();
    h.update(template.as_bytes());
    h.update(&[0]);
    write(&mut h).then(|| h.finish())
}

/// The key of a year's search bundle: the year, and the URL and key of each page it indexes
/// ([`page_key`], as the file cache records it). `None` when a page has no key (there is no
/// file cache, or the page could not be keyed): the bundle is then made.
pub fn bundle_key<'p>(
    year: u16,
    pages: impl IntoIterator<Item = (&'p str, Option<&'p str>)>,
) -> Option<String> {
    let mut h = key_hasher();
    h.update(format!("search bundle {year}\0").as_bytes());
    for (url, key) in pages {
        h.update(url.as_bytes());
        h.update(&[0]);
        h.update(key?.as_bytes());
        h.update(&[0]);
    }
    Some(h.finish())
}

/// The key of a page's search record (`crate::search`): everything the record is made
/// from — the record format, the language, the page's URL and its HTML, taken by the SHA-256
/// the build already has of every file it publishes (the record is a pure function of them,
/// so a record kept under this key stands for the page, and a page taken as published need
/// not be read again to find its record).
pub fn search_record_key(format: &str, language: &str, url: &str, html_sha256: &str) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [format, language, url, html_sha256] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().into()
}

/// The key of bytes read or made whole (a body's HTML, a view shared by many pages, in its
/// serialised form): what a key that takes them by digest takes.
pub fn bytes_key(bytes: &[u8]) -> String {
    crate::digest::key_of(bytes)
}

/// The key of a value made late for a page (e.g. its JSON-LD), from `inputs`: everything it
/// is made from besides the settings. The value is made from these inputs alone, so the key
/// cannot miss one.
pub fn value_key(name: &str, inputs: &impl serde::Serialize) -> String {
    let mut h = key_hasher();
    h.update(name.as_bytes());
    h.update(&[0]);
    match serde_json::to_writer(&mut h, inputs) {
        Ok(()) => h.finish(),
        // Never the same as another: the page is made again.
        Err(_) => String::new(),
    }
}

impl Keys {
    /// Whether a page that reads `reads` is as the build that recorded `last` left it,
    /// without being prepared: every archive-wide input is unchanged ([`Keys::unchanged`])
    /// and so is each of its own ([`Input::OwnBody`], [`Input::IssueNote`]), as
    /// `own_unchanged` says of them.
    pub fn page_unchanged(
        &self,
        reads: &[Input],
        last: Option<&ArchiveKeys>,
        own_unchanged: impl Fn(Input) -> bool,
    ) -> bool {
        self.unchanged(reads, last)
            && reads
                .iter()
                .filter(|i| matches!(i, Input::OwnBody | Input::IssueNote))
                .all(|&i| own_unchanged(i))
    }
}

/// The reads one output makes, checked against what it declared: in debug builds (every
/// test) a read of an input the output did not declare fails, so that an output cannot read
/// what its key does not cover. Every [`Input`] has its way in: [`Reader::read`] for any of
/// them, and typed ones for the reads that are not a plain borrow.
#[derive(Clone, Copy)]
pub struct Reader<'a> {
    archive: &'a Archive,
    root: &'a std::path::Path,
    /// The output, for the message.
    name: &'static str,
    declared: &'a [Input],
}

impl<'a> Reader<'a> {
    /// A reader for output `name`, which declared `declared`.
    pub fn new(
        root: &'a std::path::Path,
        archive: &'a Archive,
        name: &'static str,
        declared: &'a [Input],
    ) -> Self {
        Reader {
            archive,
            root,
            name,
            declared,
        }
    }

    /// Fails (in debug builds) a read of `input` the output did not declare.
    fn check(&self, input: Input) {
        debug_assert!(
            self.declared.contains(&input),
            "{} reads {input:?} but does not declare it: its output would be reused when \
             that changes",
            self.name
        );
    }

    /// `value`, which is (part of) `input`, for an output that declared it.
    pub fn read<T>(&self, input: Input, value: T) -> T {
        self.check(input);
        value
    }

    /// The documents' paths and front matter and the issues' records.
    pub fn front_matter(&self) -> &'a Archive {
        self.read(Input::FrontMatter, self.archive)
    }

    /// Document `d`'s body (empty if it cannot be read: that fails its page, and with it
    /// the build).
    pub fn body(&self, d: usize) -> String {
        let doc = &self.archive.documents[d];
        let year = self.archive.issues[doc.issue].year;
        if !self.declared.contains(&Input::BodiesOfYear(year)) {
            self.check(Input::Bodies);
        }
        doc.body.read(&doc.source).unwrap_or_default()
    }

    /// The body of document `d`, the page's own document, or why it cannot be read (the
    /// page reports it).
    pub fn own_body(&self, d: usize) -> Result<String, crate::error::Diagnostic> {
        self.check(Input::OwnBody);
        let doc = &self.archive.documents[d];
        doc.body.read(&doc.source)
    }

    /// Issue `i`'s note.
    pub fn issue_note(&self, i: usize) -> &'a str {
        self.read(Input::IssueNote, &self.archive.issues[i].note)
    }

    /// The size of the file `asset` of issue `i`'s folder (0 if it cannot be read).
    pub fn asset_size(&self, i: usize, asset: &str) -> u64 {
        self.check(Input::IssueAssets);
        let dir = self
            .root
            .join(crate::content::CONTENT_DIR)
            .join(self.archive.issues[i].dir());
        std::fs::metadata(dir.join(asset)).map_or(0, |m| m.len())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use crate::publish::feeds::experiment;

    /// A copy of the fixture site `name` in a fresh temporary folder.
    fn site_copy(name: &str, label: &str) -> PathBuf {
        let to = std::env::temp_dir().join(format!(
            "gazette-incremental-{label}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_tree(&repo.join("tests/fixtures").join(name), &to);
        if !to.join("themes").exists() {
            copy_tree(&repo.join("themes/default"), &to.join("themes/default"));
        }
        to
    }

    /// Copies `from` to `to`, but for the expected output.
    fn copy_tree(from: &Path, to: &Path) {
        for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(from).unwrap();
            if rel.starts_with("expected") {
                continue;
            }
            let target = to.join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }

    /// Every file under `dir`, by relative path.
    fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap();
                (
                    crate::output::site_path(rel),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    }

    fn build(root: &Path, output: &Path) -> crate::Summary {
        crate::build(&crate::BuildOptions {
            root: root.to_path_buf(),
            output: Some(output.to_path_buf()),
            no_search: true,
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("build failed:\n{e}"))
    }

    /// A body edit, with feeds that show the bodies in their summaries.
    fn edit_a_body(root: &Path) {
        let file = root.join("content/2019/12/wzf-2019-16.md");
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, format!("{text}\n本段为后来加入的正文。\n")).unwrap();
    }

    #[test]
    fn feeds_that_declare_reading_bodies_follow_a_body_edit() {
        let root = site_copy("multi", "feeds");
        experiment::enable(&root, true);
        let output = root.join("public");
        build(&root, &output);
        edit_a_body(&root);
        let incremental = build(&root, &output);
        assert!(
            incremental.cached_pages > 0,
            "the second build is incremental"
        );
        let fresh = root.join("fresh");
        build(&root, &fresh);
        let (got, want) = (read_tree(&output), read_tree(&fresh));
        let differs: Vec<&String> = want
            .keys()
            .chain(got.keys())
            .filter(|p| got.get(*p) != want.get(*p))
            .collect();
        assert!(differs.is_empty(), "differs from a full build: {differs:?}");
        let feed = String::from_utf8(got["atom.xml"].clone()).unwrap();
        assert!(
            feed.contains("本段为后来加入的正文。"),
            "the feed shows the edit"
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    /// The message of the panic `f` raises, if it raises one.
    fn panic_message(f: impl FnOnce()) -> Option<String> {
        let e = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).err()?;
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
    }

    /// Makes, with `reader`, the read of `input` an output would make.
    fn read_input(reader: &super::Reader<'_>, input: super::Input) {
        use super::Input;
        match input {
            Input::FrontMatter => {
                let _ = reader.front_matter().documents.len();
            }
            Input::IssueAssets => {
                let _ = reader.asset_size(0, "a.pdf");
            }
            Input::Citations => {
                let cited: Vec<Vec<crate::content::markdown::Citation>> = vec![Vec::new()];
                let _ = reader.read(Input::Citations, &cited).len();
            }
            Input::Bodies | Input::BodiesOfYear(_) => {
                let _ = reader.body(0);
            }
            Input::OwnBody => {
                let _ = reader.own_body(0);
            }
            Input::IssueNote => {
                let _ = reader.issue_note(0);
            }
        }
    }

    #[test]
    #[cfg(debug_assertions)]
    fn a_years_bodies_cover_that_year_only() {
        use super::Input;
        let archive = tiny_archive();
        let root = Path::new("/nonexistent-gazette-site");
        let year = archive.issues[archive.documents[0].issue].year;
        let declared: &'static [Input] = vec![Input::BodiesOfYear(year)].leak();
        let reader = super::Reader::new(root, &archive, "an output", declared);
        assert_eq!(
            panic_message(|| read_input(&reader, Input::BodiesOfYear(year))),
            None
        );
        let declared: &'static [Input] = vec![Input::BodiesOfYear(year + 1)].leak();
        let reader = super::Reader::new(root, &archive, "an output", declared);
        let message = panic_message(|| read_input(&reader, Input::BodiesOfYear(year)))
            .unwrap_or_else(|| panic!("a read of another year's body passes"));
        assert!(
            message.contains("reads Bodies but does not declare it"),
            "{message}"
        );
    }

    /// A one-issue, one-document archive whose files lie nowhere (reads give empty text).
    fn tiny_archive() -> crate::content::Archive {
        let root = site_copy("multi", "tiny");
        let site = crate::load(&root, None).unwrap_or_else(|e| panic!("{e}"));
        let _ = std::fs::remove_dir_all(&root);
        let mut archive = site.archive;
        archive.issues.truncate(1);
        archive.documents.truncate(1);
        archive
    }

    #[test]
    #[cfg(debug_assertions)]
    fn every_kind_of_read_that_is_not_declared_fails_in_tests() {
        let archive = tiny_archive();
        let root = Path::new("/nonexistent-gazette-site");
        for &input in super::Input::ALL {
            let others: Vec<super::Input> = super::Input::ALL
                .iter()
                .copied()
                .filter(|&i| i != input)
                .collect();
            let others: &'static [super::Input] = others.leak();
            let reader = super::Reader::new(root, &archive, "an output", others);
            let message = panic_message(|| read_input(&reader, input))
                .unwrap_or_else(|| panic!("an undeclared read of {input:?} passes"));
            assert!(
                message.contains(&format!(
                    "an output reads {input:?} but does not declare it"
                )),
                "{message}"
            );
            let declared: &'static [super::Input] = vec![input].leak();
            let reader = super::Reader::new(root, &archive, "an output", declared);
            assert_eq!(
                panic_message(|| read_input(&reader, input)),
                None,
                "a declared read of {input:?} fails"
            );
        }
    }

    #[test]
    fn a_page_is_unchanged_only_when_its_own_inputs_are() {
        use super::Input;
        let keys = super::Keys {
            archive: crate::cache::ArchiveKeys {
                front: "f".into(),
                site: "s".into(),
            },
            citations: String::new(),
            bodies: std::sync::OnceLock::new(),
        };
        let same = keys.archive.clone();
        let reads = &[Input::FrontMatter, Input::Citations, Input::OwnBody];
        assert!(keys.page_unchanged(reads, Some(&same), |_| true));
        assert!(!keys.page_unchanged(reads, Some(&same), |i| i != Input::OwnBody));
        assert!(!keys.page_unchanged(reads, None, |_| true));
        let other = crate::cache::ArchiveKeys {
            front: "f".into(),
            site: "other".into(),
        };
        assert!(!keys.page_unchanged(reads, Some(&other), |_| true));
        assert!(keys.page_unchanged(&[Input::FrontMatter], Some(&other), |_| false));
    }

    #[test]
    fn a_bundle_key_needs_every_page_key_and_follows_each() {
        let a = super::bundle_key(2019, [("/a/", Some("1")), ("/b/", Some("2"))]);
        assert!(a.is_some());
        assert_eq!(
            a,
            super::bundle_key(2019, [("/a/", Some("1")), ("/b/", Some("2"))])
        );
        assert_ne!(
            a,
            super::bundle_key(2019, [("/a/", Some("1")), ("/b/", Some("3"))])
        );
        assert_ne!(
            a,
            super::bundle_key(2020, [("/a/", Some("1")), ("/b/", Some("2"))])
        );
        assert_eq!(
            super::bundle_key(2019, [("/a/", Some("1")), ("/b/", None)]),
            None
        );
    }

    #[test]
    fn a_memo_holds_only_for_an_unchanged_file_and_key() {
        let asked = std::cell::Cell::new(false);
        let hold = || {
            asked.set(true);
            true
        };
        assert!(super::memo_holds(true, "k", "k", true, hold));
        assert!(!asked.get(), "known answers are not asked again");
        assert!(super::memo_holds(true, "k", "k", false, hold));
        assert!(asked.get());
        assert!(!super::memo_holds(false, "k", "k", true, || true));
        assert!(!super::memo_holds(true, "k", "other", true, || true));
        assert!(!super::memo_holds(true, "k", "k", false, || false));
    }

    #[test]
    fn a_read_that_is_not_declared_fails_in_tests() {
        let root = site_copy("multi", "undeclared");
        experiment::enable(&root, false);
        let built = std::panic::catch_unwind(|| build(&root, &root.join("public")));
        let message = built
            .err()
            .and_then(|e| e.downcast_ref::<String>().cloned())
            .expect("the build fails");
        assert!(
            message.contains("feeds reads Bodies but does not declare it"),
            "{message}"
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}
