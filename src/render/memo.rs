//! Body memos: what rendering each document's Markdown asked of the rest of the site, what
//! it found, and a digest of the HTML it made.
//!
//! A body's HTML is a function of its text, its file name and first line, the page's place
//! (the `../` prefix of relative links), `raw_html`, and the answers to the questions the
//! renderer put to the site while rendering it: does this site path exist, which page bears
//! this 文号, is this cited 文号 in the archive. The memo records those questions with their
//! answers. When the file is known unchanged (its load was taken from the load cache) and
//! every question, asked again of this build's site, gets the same answer, the body would
//! render to the same HTML: its page can be fingerprinted and its citations known without
//! reading the file. Any other case reads and renders the body as a first build does.
//!
//! The answers depend only on the settings and on the archive's front matter and files, not
//! on any body: when the build that wrote the memos had the same settings key and the same
//! archive front key ([`crate::cache::ArchiveKeys::front`]) as this one, every answer is
//! known to be the same without asking.
//!
//! Memos live in the folder `bodies/` of the output folder's state folder (see
//! [`crate::state`]): the memos by document file,
//! encoded with bincode in chunks, a file per chunk named by its SHA-256 (an unchanged chunk
//! is not written again), and an index naming the format, the version of gazette and the
//! executable (the renderer's own code is part of what a body's HTML depends on), the chunks
//! and the keys of the build that wrote them, sealed with its SHA-256. Bodies with warnings get
//! no memo, so their warnings are reported by every build.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;

use crate::content::doc_number::DocNumber;
use crate::content::markdown::{Citation, Cite, LinkResolver};
use crate::tree::Tree;

/// The memo file, inside the cache folder.
pub const BODIES_FILE: &str = "bodies";
const FORMAT: &str = "gazette-body-memos 3";

/// One question a body's rendering put to the site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Query {
    /// [`LinkResolver::site_path`].
    SitePath(String),
    /// [`LinkResolver::issue_relative`].
    IssueRelative(String),
    /// [`LinkResolver::doc_number`].
    DocNumber(String),
    /// [`LinkResolver::cited`]: prefix, year, sequence number.
    Cited(String, Option<u16>, u32),
}

/// What one body's rendering depended on and produced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memo {
    /// The document's file identity and everything else the body depends on besides the
    /// answers.
    pub key: String,
    /// Each question with its answer, in the order asked.
    pub lookups: Vec<(Query, Answer)>,
    /// The 文号 the body cites: prefix, year, sequence number, whether the archive holds it.
    pub cited: Vec<(String, Option<u16>, u32, bool)>,
    /// The key of the body's HTML (see [`crate::incremental::bytes_key`]).
    pub html: String,
}

/// A [`Memo`] borrowed from what a build knows of a body, written as a `Memo` is (the same
/// fields in the same order), so that writing the memos copies none of them.
#[derive(Serialize)]
pub struct MemoRef<'a> {
    /// [`Memo::key`].
    pub key: &'a str,
    /// [`Memo::lookups`].
    pub lookups: &'a [(Query, Answer)],
    /// [`Memo::cited`].
    pub cited: &'a [(String, Option<u16>, u32, bool)],
    /// [`Memo::html`].
    pub html: &'a str,
}

impl Memo {
    /// The citations as the renderer found them.
    pub fn citations(&self) -> Vec<Citation> {
        self.cited
            .iter()
            .map(|(prefix, year, seq, internal)| Citation {
                number: DocNumber {
                    prefix: prefix.clone(),
                    year: *year,
                    seq: *seq,
                },
                internal: *internal,
            })
            .collect()
    }

    /// Whether every question gets the same answer from `links` today.
    pub fn holds(&self, links: &dyn LinkResolver) -> bool {
        self.lookups.iter().all(|(q, a)| answer(q, links) == *a)
    }
}

/// The citations in the form a memo keeps.
pub fn cited_of(citations: &[Citation]) -> Vec<(String, Option<u16>, u32, bool)> {
    citations
        .iter()
        .map(|c| {
            (
                c.number.prefix.clone(),
                c.number.year,
                c.number.seq,
                c.internal,
            )
        })
        .collect()
}

/// The key of a body's HTML, as memos keep it.
pub fn html_digest(html: &str) -> String {
    crate::incremental::bytes_key(html.as_bytes())
}

/// The answer to a [`Query`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// No such page, file or document (a cited 文号 outside the archive).
    None,
    /// The document being rendered (its own 文号).
    Own,
    /// The href of the page or file.
    Href(String),
}

fn option(answer: Option<String>) -> Answer {
    answer.map_or(Answer::None, Answer::Href)
}

fn cite(answer: Cite) -> Answer {
    match answer {
        Cite::Link(href) => Answer::Href(href),
        Cite::Own => Answer::Own,
        Cite::External => Answer::None,
    }
}

/// Asks `links` the question `q`.
fn answer(q: &Query, links: &dyn LinkResolver) -> Answer {
    match q {
        Query::SitePath(p) => option(links.site_path(p)),
        Query::IssueRelative(p) => option(links.issue_relative(p)),
        Query::DocNumber(n) => option(links.doc_number(n)),
        Query::Cited(prefix, year, seq) => cite(links.cited(&DocNumber {
            prefix: prefix.clone(),
            year: *year,
            seq: *seq,
        })),
    }
}

/// A resolver that answers as `inner` does and writes down every question and answer.
pub struct Recorder<'a> {
    inner: &'a dyn LinkResolver,
    log: RefCell<Vec<(Query, Answer)>>,
}

impl<'a> Recorder<'a> {
    /// Records what is asked of `inner`.
    pub fn new(inner: &'a dyn LinkResolver) -> Self {
        Recorder {
            inner,
            log: RefCell::new(Vec::new()),
        }
    }

    /// The questions asked, with their answers.
    pub fn into_lookups(self) -> Vec<(Query, Answer)> {
        self.log.into_inner()
    }

    fn note(&self, q: Query, a: Answer) {
        self.log.borrow_mut().push((q, a));
    }
}

impl LinkResolver for Recorder<'_> {
    fn site_path(&self, path: &str) -> Option<String> {
        let a = self.inner.site_path(path);
        self.note(Query::SitePath(path.to_string()), option(a.clone()));
        a
    }

    fn issue_relative(&self, path: &str) -> Option<String> {
        let a = self.inner.issue_relative(path);
        self.note(Query::IssueRelative(path.to_string()), option(a.clone()));
        a
    }

    fn doc_number(&self, number: &str) -> Option<String> {
        let a = self.inner.doc_number(number);
        self.note(Query::DocNumber(number.to_string()), option(a.clone()));
        a
    }

    fn cited(&self, number: &DocNumber) -> Cite {
        let a = self.inner.cited(number);
        self.note(
            Query::Cited(number.prefix.clone(), number.year, number.seq),
            cite(a.clone()),
        );
        a
    }
}

/// The memos of the last build, by document file.
#[derive(Debug, Default)]
pub struct Memos {
    entries: FxHashMap<String, Memo>,
    /// The settings key and archive front key of the build that wrote them.
    made_for: String,
}

fn header() -> String {
    crate::identity::state_header(FORMAT)
}

impl Memos {
    /// The memo of the document file `source`.
    #[cfg(test)]
    pub fn get(&self, source: &str) -> Option<&Memo> {
        self.entries.get(source)
    }

    /// Takes the memo of the document file `source` out.
    pub fn take(&mut self, source: &str) -> Option<Memo> {
        self.entries.remove(source)
    }

    /// Reads the memos kept in the state folder `state`; `None` when there are none, they
    /// are damaged, or another gazette wrote them.
    pub fn read(state: &Tree) -> Option<Memos> {
        let (made_for, chunks) =
            crate::cache::read_chunked(state, BODIES_FILE, header().as_bytes())?;
        let chunks: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
        let entries: Vec<(String, Memo)> = crate::cache::decode_chunk_list(&chunks)?;
        Some(Memos {
            entries: entries.into_iter().collect(),
            made_for: String::from_utf8(made_for).ok()?,
        })
    }

    /// Whether the build that wrote these memos had the settings and archive front matter
    /// `made_for` (from [`crate::incremental::memos_made_for`]) describes: then every recorded answer still holds.
    pub fn made_for(&self, made_for: &str) -> bool {
        self.made_for == made_for
    }

    /// Writes `memos` (document file, memo) of a build `made_for` (see [`crate::incremental::memos_made_for`]) to the
    /// state folder `state`, replacing the old.
    /// A memo is given as a [`Memo`] or, without copying a build's records, a [`MemoRef`].
    pub fn write<'m, M: Serialize + Sync>(
        state: &Tree,
        made_for: &str,
        memos: impl Iterator<Item = (&'m str, M)>,
    ) -> std::io::Result<()> {
        let memos: Vec<(&str, M)> = memos.collect();
        let chunks = crate::cache::encode_chunk_list(&memos)?;
        crate::cache::write_chunked(
            state,
            BODIES_FILE,
            header().as_bytes(),
            &[made_for.as_bytes()],
            &chunks,
        )
    }

    /// Removes the memos kept in `state`.
    pub fn remove(state: &Tree) {
        crate::cache::remove_chunked(state, BODIES_FILE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_borrowed_memo_is_written_as_a_memo() {
        let memo = Memo {
            key: "k".into(),
            lookups: vec![(Query::SitePath("/a/".into()), Answer::Href("../a/".into()))],
            cited: vec![("温政发".into(), Some(2019), 3, true)],
            html: html_digest("<p>x</p>"),
        };
        let borrowed = MemoRef {
            key: &memo.key,
            lookups: &memo.lookups,
            cited: &memo.cited,
            html: &memo.html,
        };
        assert_eq!(
            crate::cache::encode_chunk_list(&[&memo]).unwrap(),
            crate::cache::encode_chunk_list(&[borrowed]).unwrap()
        );
    }
    use crate::content::markdown::NoLinks;
    use std::fs;

    struct Links;
    impl LinkResolver for Links {
        fn site_path(&self, p: &str) -> Option<String> {
            (p == "issues/").then(|| "../issues/index.html".to_string())
        }
        fn issue_relative(&self, _: &str) -> Option<String> {
            None
        }
        fn doc_number(&self, n: &str) -> Option<String> {
            n.contains("16").then(|| "../d16/".to_string())
        }
    }

    #[test]
    fn a_memo_holds_only_while_every_answer_is_the_same() {
        let recorder = Recorder::new(&Links);
        assert!(recorder.site_path("issues/").is_some());
        assert!(recorder.doc_number("温政发〔2019〕16号").is_some());
        let n = DocNumber::parse("温政发〔2019〕3号").unwrap();
        assert_eq!(recorder.cited(&n), Cite::External);
        let memo = Memo {
            key: "k".into(),
            lookups: recorder.into_lookups(),
            cited: Vec::new(),
            html: html_digest("<p>x</p>"),
        };
        assert_eq!(memo.lookups.len(), 3);
        assert!(memo.holds(&Links));
        // The same questions get other answers: the memo no longer holds.
        assert!(!memo.holds(&NoLinks));
    }

    #[test]
    fn memos_round_trip_and_damage_is_refused() {
        let dir = std::env::temp_dir().join(format!("gazette-memo-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let state = Tree::new(&dir);
        let memo = Memo {
            key: "1 2 3".into(),
            lookups: vec![(Query::SitePath("a/".into()), Answer::None)],
            cited: vec![("温政发".into(), Some(2019), 16, true)],
            html: html_digest("x"),
        };
        Memos::write(&state, "g f", [("content/2019/12/a.md", &memo)].into_iter()).unwrap();
        let back = Memos::read(&state).unwrap();
        assert!(back.made_for("g f") && !back.made_for("g f2"));
        assert_eq!(back.get("content/2019/12/a.md"), Some(&memo));
        assert_eq!(
            back.get("content/2019/12/a.md").unwrap().citations()[0]
                .number
                .seq,
            16
        );
        // Written again unchanged, the chunk file is kept as it is.
        let folder = dir.join(BODIES_FILE);
        let chunk = fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| !p.ends_with("index"))
            .unwrap();
        let written = fs::metadata(&chunk).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        Memos::write(&state, "g f", [("content/2019/12/a.md", &memo)].into_iter()).unwrap();
        assert_eq!(fs::metadata(&chunk).unwrap().modified().unwrap(), written);
        // A flipped bit in a chunk or in the index, or an empty index, is noticed; the
        // damaged chunk is removed, and written again by the next write.
        let mut bytes = fs::read(&chunk).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 1;
        fs::write(&chunk, &bytes).unwrap();
        assert!(Memos::read(&state).is_none(), "a flipped bit is noticed");
        assert!(!chunk.exists());
        Memos::write(&state, "g f", [("content/2019/12/a.md", &memo)].into_iter()).unwrap();
        assert!(Memos::read(&state).is_some());
        let index = folder.join("index");
        let mut bytes = fs::read(&index).unwrap();
        bytes[10] ^= 1;
        fs::write(&index, &bytes).unwrap();
        assert!(Memos::read(&state).is_none());
        fs::write(&index, "").unwrap();
        assert!(Memos::read(&state).is_none());
        let _ = fs::remove_dir_all(&dir);
    }
}
