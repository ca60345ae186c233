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
//! Memos live in `<output>/.gazette-cache/bodies`, one JSON line per document, after a
//! header naming the format, the version of gazette and the executable (the renderer's own
//! code is part of what a body's HTML depends on), and before a SHA-256 trailer. Bodies with
//! warnings get no memo, so their warnings are reported by every build.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::cache::{CACHE_DIR, hex};
use crate::content::doc_number::DocNumber;
use crate::content::markdown::{Citation, Cite, LinkResolver};

/// The memo file, inside the cache folder.
pub const BODIES_FILE: &str = "bodies";
const FORMAT: &str = "gazette-body-memos 1";

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
    pub lookups: Vec<(Query, Value)>,
    /// The 文号 the body cites: prefix, year, sequence number, whether the archive holds it.
    pub cited: Vec<(String, Option<u16>, u32, bool)>,
    /// SHA-256 of the body's HTML.
    pub html: String,
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

/// SHA-256 of a body's HTML, as memos keep it.
pub fn html_digest(html: &str) -> String {
    hex(&Sha256::digest(html.as_bytes()))
}

fn option(answer: Option<String>) -> Value {
    answer.map_or(Value::Null, Value::String)
}

fn cite(answer: Cite) -> Value {
    match answer {
        Cite::Link(href) => Value::String(href),
        Cite::Own => Value::Bool(true),
        Cite::External => Value::Null,
    }
}

/// Asks `links` the question `q`.
fn answer(q: &Query, links: &dyn LinkResolver) -> Value {
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
    log: RefCell<Vec<(Query, Value)>>,
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
    pub fn into_lookups(self) -> Vec<(Query, Value)> {
        self.log.into_inner()
    }

    fn note(&self, q: Query, a: Value) {
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
    entries: HashMap<String, Memo>,
}

#[derive(Serialize, Deserialize)]
struct Line<'m> {
    source: std::borrow::Cow<'m, str>,
    memo: std::borrow::Cow<'m, Memo>,
}

fn header() -> String {
    format!(
        "{FORMAT} {} {}\n",
        env!("CARGO_PKG_VERSION"),
        crate::cache::exe_identity()
    )
}

impl Memos {
    /// The memo of the document file `source`.
    pub fn get(&self, source: &str) -> Option<&Memo> {
        self.entries.get(source)
    }

    /// Reads the memos kept in the output folder `dir`; `None` when there are none, they
    /// are damaged, or another gazette wrote them.
    pub fn read(dir: &Path) -> Option<Memos> {
        use rayon::prelude::*;
        let body = crate::cache::read_sealed(dir, BODIES_FILE)?;
        let (first, rest) = body.split_at(body.find('\n')? + 1);
        if first != header() {
            return None;
        }
        let lines: Vec<&str> = rest.lines().collect();
        let parsed: Option<Vec<(String, Memo)>> = lines
            .par_iter()
            .map(|line| {
                let line: Line<'_> = serde_json::from_str(line).ok()?;
                Some((line.source.into_owned(), line.memo.into_owned()))
            })
            .collect();
        Some(Memos {
            entries: parsed?.into_iter().collect(),
        })
    }

    /// Writes `memos` (document file, memo) to the output folder `dir`, replacing the old.
    pub fn write<'m>(
        dir: &Path,
        memos: impl Iterator<Item = (&'m str, &'m Memo)>,
    ) -> std::io::Result<()> {
        let mut out = header();
        for (source, memo) in memos {
            let line = Line {
                source: source.into(),
                memo: std::borrow::Cow::Borrowed(memo),
            };
            out.push_str(&serde_json::to_string(&line).map_err(std::io::Error::other)?);
            out.push('\n');
        }
        crate::cache::write_sealed(dir, BODIES_FILE, out)
    }

    /// Removes the memos of `dir`.
    pub fn remove(dir: &Path) {
        let _ = fs::remove_file(dir.join(CACHE_DIR).join(BODIES_FILE));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown::NoLinks;

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
        let memo = Memo {
            key: "1 2 3".into(),
            lookups: vec![(Query::SitePath("a/".into()), Value::Null)],
            cited: vec![("温政发".into(), Some(2019), 16, true)],
            html: html_digest("x"),
        };
        Memos::write(&dir, [("content/2019/12/a.md", &memo)].into_iter()).unwrap();
        let back = Memos::read(&dir).unwrap();
        assert_eq!(back.get("content/2019/12/a.md"), Some(&memo));
        assert_eq!(
            back.get("content/2019/12/a.md").unwrap().citations()[0]
                .number
                .seq,
            16
        );
        let file = dir.join(CACHE_DIR).join(BODIES_FILE);
        let mut bytes = fs::read(&file).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 1;
        fs::write(&file, &bytes).unwrap();
        assert!(Memos::read(&dir).is_none(), "a flipped bit is noticed");
        fs::write(&file, "").unwrap();
        assert!(Memos::read(&dir).is_none());
        let _ = fs::remove_dir_all(&dir);
    }
}
