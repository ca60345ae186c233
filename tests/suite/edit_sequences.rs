//! Random edit sequences on the legal fixture: after every step, the incremental build equals
//! a full build of the same input, file for file and byte for byte.
//!
//! The hand-written series in `incremental.rs` pins known cases; this one looks for the
//! combinations nobody thought of (a title edit after a rename, a citation to a document that
//! was added two steps before, a template change between two body edits, …). Whatever a
//! change to the incremental layer breaks, some sequence here is meant to show it.

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use crate::incremental::build_with as build;
use crate::support::*;

/// One edit an editor (or a theme author) can make.
#[derive(Clone, Debug)]
enum Edit {
    /// A paragraph added to the end of a document's body.
    Body(usize),
    /// A word put into a document's title (its 文种, the last word, stays).
    Title(usize),
    /// A document's 成文日期 moved to another day of its month.
    Date(usize, u8),
    /// A new document: numbered (a 文号 of its own) or an unnumbered brief.
    Add { numbered: bool },
    /// One of the added documents deleted.
    Delete(usize),
    /// One of the added documents moved to another file name (for a brief: another URL).
    Rename(usize),
    /// A sentence citing another document's 文号 added to a body.
    Cite(usize, usize),
    /// Every citation added by [`Edit::Cite`] taken out of a body again.
    Uncite(usize),
    /// An issue asset written, or grown when it exists.
    Asset,
    /// The site's title in `gazette.yaml` changed.
    Settings,
    /// A site template overriding the theme's document template, added or changed.
    Template,
}

/// The documents of the fixture that any edit may touch (their files, in the content folder).
const FIXTURE_DOCS: [&str; 5] = [
    "2020/01/wzf-2020-1.md",
    "2020/01/wzb-2020-5.md",
    "2020/01/wzb-2020-6.md",
    "2021/03/wzf-2021-2.md",
    "2021/03/wzjkg-2021-4.md",
];

/// The 文号 a citation may name: the fixture's own, and one that is not in the archive.
const CITABLE: [&str; 4] = [
    "温政发〔2020〕1号",
    "温政办〔2020〕5号",
    "温政发〔2021〕2号",
    "温政发〔2018〕99号",
];

/// The sentence [`Edit::Cite`] appends; [`Edit::Uncite`] removes every line that starts so.
const CITE_MARK: &str = "（引用）";

/// The site under edit and what has been added to it.
struct Archive {
    site: TempDir,
    /// Files added by [`Edit::Add`], relative to `content/`, still present.
    added: Vec<String>,
    /// How many documents were ever added (gives new ones fresh numbers and names).
    serial: usize,
    /// Counts edits of one kind, so that repeated edits still change something.
    generation: usize,
}

impl Archive {
    fn new() -> Archive {
        Archive {
            site: site_from(&repo().join("tests/fixtures/legal")),
            added: Vec::new(),
            serial: 0,
            generation: 0,
        }
    }

    fn content(&self, rel: &str) -> PathBuf {
        self.site.path().join("content").join(rel)
    }

    /// Every document file an edit of the body may touch: the fixture's and the added ones.
    fn documents(&self) -> Vec<String> {
        FIXTURE_DOCS
            .iter()
            .map(|s| s.to_string())
            .chain(self.added.iter().cloned())
            .collect()
    }

    fn pick(&self, n: usize) -> PathBuf {
        let docs = self.documents();
        self.content(&docs[n % docs.len()])
    }

    fn apply(&mut self, edit: &Edit) {
        self.generation += 1;
        let g = self.generation;
        match *edit {
            Edit::Body(n) => append(&self.pick(n), &format!("\n第{g}次补充的段落。\n")),
            Edit::Title(n) => replace_first(&self.pick(n), "关于", &format!("关于第{g}批")),
            Edit::Date(n, day) => {
                let path = self.pick(n);
                let text = fs::read_to_string(&path).unwrap();
                if let Some(at) = text.find("\ndate: ") {
                    // `date: YYYY-MM-DD`: keep the month, so the 文号's year stays right.
                    let day_at = at + "\ndate: YYYY-MM-".len();
                    let mut text = text;
                    text.replace_range(day_at..day_at + 2, &format!("{:02}", 1 + day % 28));
                    fs::write(&path, text).unwrap();
                }
            }
            Edit::Add { numbered } => {
                self.serial += 1;
                let k = self.serial;
                let (file, front) = if numbered {
                    (
                        format!("2020/01/wzb-2020-{}.md", 100 + k),
                        format!(
                            "title: 温州市人民政府办公室关于第{k}项工作的通知\nsection: 文件发布\n\
                             doc_number: 温政办〔2020〕{}号\nissuers: [温州市人民政府办公室]\n\
                             date: 2020-01-12\n",
                            100 + k
                        ),
                    )
                } else {
                    (
                        format!("2021/03/brief-{k}.md"),
                        format!("title: 第{k}条政务简讯\nsection: 政务简讯\n"),
                    )
                };
                fs::write(
                    self.content(&file),
                    format!("---\n{front}---\n\n第{k}份文件的正文。\n"),
                )
                .unwrap();
                self.added.push(file);
            }
            Edit::Delete(n) => {
                if !self.added.is_empty() {
                    let file = self.added.remove(n % self.added.len());
                    fs::remove_file(self.content(&file)).unwrap();
                }
            }
            Edit::Rename(n) => {
                if !self.added.is_empty() {
                    let i = n % self.added.len();
                    let from = self.added[i].clone();
                    let to = from.replace(".md", &format!("-r{g}.md"));
                    fs::rename(self.content(&from), self.content(&to)).unwrap();
                    self.added[i] = to;
                }
            }
            Edit::Cite(n, target) => {
                let wenhao = CITABLE[target % CITABLE.len()];
                append(&self.pick(n), &format!("\n{CITE_MARK}参照{wenhao}执行。\n"));
            }
            Edit::Uncite(n) => {
                let path = self.pick(n);
                let text = fs::read_to_string(&path).unwrap();
                let kept: String = text
                    .split_inclusive('\n')
                    .filter(|line| !line.starts_with(CITE_MARK))
                    .collect();
                fs::write(&path, kept).unwrap();
            }
            Edit::Asset => append(&self.content("2020/01/notes.txt"), "附注一行。\n"),
            Edit::Settings => {
                let path = self.site.path().join("gazette.yaml");
                let text = fs::read_to_string(&path).unwrap();
                let title = format!("title: 测试市人民政府公报（第{g}版）");
                let text = match text.lines().next() {
                    Some(first) if first.starts_with("title:") => text.replacen(first, &title, 1),
                    _ => format!("{title}\n{text}"),
                };
                fs::write(&path, text).unwrap();
            }
            Edit::Template => {
                let theme = self
                    .site
                    .path()
                    .join("themes/default/templates/document.html");
                let own = self.site.path().join("templates/document.html");
                fs::create_dir_all(own.parent().unwrap()).unwrap();
                // A mark inside the main block: a child template holds nothing outside blocks.
                let text = fs::read_to_string(&theme).unwrap();
                let block = "{% block main %}";
                assert!(
                    text.contains(block),
                    "the theme's document template has a main block"
                );
                let mark = format!("{block}<!-- site template, version {g} -->");
                fs::write(&own, text.replacen(block, &mark, 1)).unwrap();
            }
        }
    }
}

fn append(path: &Path, text: &str) {
    let mut old = fs::read_to_string(path).unwrap_or_default();
    old.push_str(text);
    fs::write(path, old).unwrap();
}

fn replace_first(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => any::<usize>().prop_map(Edit::Body),
        2 => any::<usize>().prop_map(Edit::Title),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(n, d)| Edit::Date(n, d)),
        2 => any::<bool>().prop_map(|numbered| Edit::Add { numbered }),
        1 => any::<usize>().prop_map(Edit::Delete),
        1 => any::<usize>().prop_map(Edit::Rename),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(n, t)| Edit::Cite(n, t)),
        1 => any::<usize>().prop_map(Edit::Uncite),
        1 => Just(Edit::Asset),
        1 => Just(Edit::Settings),
        1 => Just(Edit::Template),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]

    #[test]
    fn incremental_output_equals_a_full_build_after_every_edit(
        edits in prop::collection::vec(edit(), 1..8)
    ) {
        let mut archive = Archive::new();
        let output = archive.site.path().join("public");
        build(archive.site.path(), &output, false);
        for (step, e) in edits.iter().enumerate() {
            archive.apply(e);
            build(archive.site.path(), &output, false);
            let fresh = TempDir::new("edit-sequence-full");
            let full = fresh.path().join("public");
            build(archive.site.path(), &full, true);
            let (got, want) = (read_tree(&output), read_tree(&full));
            let differs: Vec<&String> = want
                .keys()
                .chain(got.keys())
                .filter(|p| got.get(*p) != want.get(*p))
                .collect();
            prop_assert!(
                differs.is_empty(),
                "after step {} ({:?}) of {:?}: differs from a full build: {:?}",
                step + 1, e, edits, differs
            );
        }
    }
}
