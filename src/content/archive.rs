//! What a load makes of `content/`: the issues and documents of an archive, as plain data.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::MAX_MARKDOWN_BYTES;
use super::date::Date;
use super::doc_number::DocNumber;
use super::read::read_text_at;
use crate::error::Diagnostic;

/// One gazette issue (`content/<year>/<nn>/`). Serialised as a whole to key the pages that
/// show it.
#[derive(Clone, Debug, Serialize)]
pub struct Issue {
    /// The year.
    pub year: u16,
    /// 第N期 within the year.
    pub number: u16,
    /// 总第N期.
    pub serial: u32,
    /// Publication date, if printed.
    pub published: Option<Date>,
    /// Facsimile PDF, relative to the issue folder.
    pub pdf: Option<String>,
    /// The editor's note (Markdown body of `_index.md`).
    pub note: String,
    /// The line of `_index.md` on which the note starts.
    pub note_line: usize,
    /// `content/2019/12/_index.md`.
    pub source: String,
    /// Other files of the issue folder, relative to it (`gazette.pdf`, `img/a.jpg`), sorted.
    pub assets: Vec<String>,
    /// Anything else, passed to templates.
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Issue {
    /// `2019/12`.
    pub fn dir(&self) -> String {
        format!("{}/{:02}", self.year, self.number)
    }

    /// `2019年第12期`.
    pub fn label(&self) -> String {
        format!("{}年第{}期", self.year, self.number)
    }
}

/// A document's Markdown body. Only where it lies is kept in memory: the text is read again
/// from the file when it is rendered, so that an archive's bodies are never all resident.
#[derive(Clone, Debug, Default)]
pub struct Body {
    /// The file; empty for a body held in memory.
    pub(super) path: PathBuf,
    /// Byte offset of the body in the file's text (BOM removed, CRLF folded).
    pub(super) start: usize,
    /// Length of that text and the file's modification time when it was read, to notice an
    /// edit made while the build runs.
    pub(super) text_len: usize,
    pub(super) modified: Option<std::time::SystemTime>,
    /// A body held in memory instead of a file.
    pub(super) inline: String,
    /// Whether the text can neither cite a 文号 nor link anywhere (see `is_plain`): then
    /// what it refers to is known without reading it again.
    pub(super) plain: bool,
}

impl Body {
    /// A body held in memory.
    pub fn inline(text: impl Into<String>) -> Body {
        let inline: String = text.into();
        Body {
            plain: is_plain(&inline),
            inline,
            ..Body::default()
        }
    }

    /// Whether the body can neither cite a 文号 nor link anywhere.
    pub fn is_plain(&self) -> bool {
        self.plain
    }

    /// The body's text. `rel` names the file in messages.
    pub fn read(&self, rel: &str) -> Result<String, Diagnostic> {
        if self.path.as_os_str().is_empty() {
            return Ok(self.inline.clone());
        }
        let changed = || {
            Diagnostic::error(
                rel,
                1,
                1,
                "file-changed",
                "the file changed while the site was being built",
            )
            .with_hint("build again")
        };
        let (mut text, modified) = read_text_at(&self.path, rel, MAX_MARKDOWN_BYTES)?;
        if modified != self.modified
            || text.len() != self.text_len
            || !text.is_char_boundary(self.start)
        {
            return Err(changed());
        }
        text.drain(..self.start);
        Ok(text)
    }
}

/// An 附件 listed in front matter.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// The attachment's title.
    pub title: String,
    /// A file in the issue folder, if the attachment is a separate file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// One item printed in an issue.
#[derive(Clone, Debug)]
pub struct Document {
    /// Index of its issue in [`Archive::issues`].
    pub issue: usize,
    /// `content/2019/12/wzf-2019-16.md`.
    pub source: String,
    /// The file name without `.md`.
    pub stem: String,
    /// 标题.
    pub title: String,
    /// Index of its 栏目 in the site's sections.
    pub section: usize,
    /// 发文字号, normalised.
    pub doc_number: Option<DocNumber>,
    /// 规范性文件统一登记号.
    pub registration_number: Option<String>,
    /// 发文机关, lead first, aliases resolved.
    pub issuers: Vec<String>,
    /// 成文日期.
    pub date: Option<Date>,
    /// 文种, given or derived from the title.
    pub doc_type: Option<String>,
    /// 主送机关.
    pub addressees: Vec<String>,
    /// 施行日期.
    pub valid_from: Option<Date>,
    /// 有效期至.
    pub valid_until: Option<Date>,
    /// A status declared by the editor (废止, 失效, …); it wins over the dates.
    pub status: Option<DeclaredStatus>,
    /// Printed pages, first and last.
    pub pages: Option<(u32, u32)>,
    /// Order within its section.
    pub position: Option<u32>,
    /// 附件.
    pub attachments: Vec<Attachment>,
    /// 主题词.
    pub subjects: Vec<String>,
    /// `draft: true`: not yet reviewed (an import); left out of a build unless asked for.
    pub draft: bool,
    /// Anything else, passed to templates.
    pub extra: BTreeMap<String, serde_json::Value>,
    /// The Markdown body: where it lies, read again when a page needs it.
    pub body: Body,
    /// The line of the file on which the body starts.
    pub body_line: usize,
    /// Where each front matter field stands in the file: name → (line, column of its value).
    pub positions: BTreeMap<String, (usize, usize)>,
}

impl Document {
    /// Where the front matter field `key` stands, or the start of the file.
    pub fn position_of(&self, key: &str) -> (usize, usize) {
        self.positions.get(key).copied().unwrap_or((1, 1))
    }

    /// The 文号 this document duplicates, from `extra.duplicate_of`.
    pub fn duplicate_of(&self) -> Option<&str> {
        self.extra.get("duplicate_of").and_then(|v| v.as_str())
    }
}

/// A state an editor may declare in `status.state`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeclaredState {
    /// 有效: confirmed in force (e.g. extended after review), whatever the printed dates say.
    InForce,
    /// 失效: no longer in force (expired, or declared invalid in a review).
    Expired,
    /// 废止: repealed.
    Repealed,
}

impl DeclaredState {
    /// The words editors may write, and what they mean.
    pub const WORDS: &[(&str, DeclaredState)] = &[
        ("有效", DeclaredState::InForce),
        ("失效", DeclaredState::Expired),
        ("已失效", DeclaredState::Expired),
        ("废止", DeclaredState::Repealed),
        ("已废止", DeclaredState::Repealed),
    ];
}

/// `status:` in a document's front matter: what became of the document after it was printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclaredStatus {
    /// The state.
    pub state: DeclaredState,
    /// From when the state holds; before it the dates decide.
    pub date: Option<Date>,
    /// Why, as the editor writes it (e.g. the repealing decision).
    pub reason: Option<String>,
    /// The 文号 of the document that replaces this one.
    pub replaced_by: Option<DocNumber>,
}

/// Everything read from `content/`, validated file by file, in a stable order: issues by
/// year and number, documents by issue, then in table-of-contents order.
#[derive(Clone, Debug, Default)]
pub struct Archive {
    /// The issues.
    pub issues: Vec<Issue>,
    /// The documents.
    pub documents: Vec<Document>,
}

/// Whether Markdown `text` can neither cite a 文号 nor link anywhere: it holds none of `号`
/// (every 文号 ends in it), `]` (links, images, reference links, footnotes), `<` (autolinks,
/// HTML) and `&` (a character reference can spell any of them).
pub(super) fn is_plain(text: &str) -> bool {
    !text.contains(['号', ']', '<', '&'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown;

    /// Pages that show an issue are keyed by its serialisation (bincode), which must take
    /// every value front matter can give `extra`, and tell two issues apart by it.
    #[test]
    fn issues_serialise_with_any_extra() {
        let issue = |extra: serde_json::Value| Issue {
            year: 2019,
            number: 12,
            serial: 310,
            published: None,
            pdf: None,
            note: String::new(),
            note_line: 1,
            source: "content/2019/12/_index.md".into(),
            assets: Vec::new(),
            extra: serde_json::from_value(extra).unwrap(),
        };
        let a = bincode::serialize(&issue(serde_json::json!({
            "x": 1.5, "n": -3, "s": "文", "list": [null, true, {"k": 1}]
        })))
        .unwrap();
        let b = bincode::serialize(&issue(serde_json::json!({ "x": 2.5 }))).unwrap();
        assert_ne!(a, b);
    }

    /// A resolver that counts the questions put to it and says yes to each.
    struct Counting(std::cell::Cell<usize>);

    impl markdown::LinkResolver for Counting {
        fn site_path(&self, _: &str) -> Option<String> {
            self.0.set(self.0.get() + 1);
            Some("x/".into())
        }
        fn issue_relative(&self, _: &str) -> Option<String> {
            self.0.set(self.0.get() + 1);
            Some("x/".into())
        }
        fn doc_number(&self, _: &str) -> Option<String> {
            self.0.set(self.0.get() + 1);
            Some("x/".into())
        }
    }

    #[test]
    fn plain_bodies_are_told_apart() {
        assert!(is_plain("市政府召开常务会议。\n"));
        assert!(!is_plain("按温政发〔2019〕16号执行。"));
        assert!(!is_plain("见[附件](a.pdf)"));
        assert!(!is_plain("见<https://example.org>"));
        assert!(!is_plain("温政发〔2019〕16&#21495;"));
    }

    fn pieces() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                "温政发",
                "〔",
                "〕",
                "［",
                "］",
                "(",
                ")",
                "（",
                "）",
                "2019",
                "16",
                "号",
                "令第",
                "三",
                "\n",
                " ",
                "  ",
                "\t",
                "> ",
                "*",
                "_",
                "`",
                "# ",
                "- ",
                "1. ",
                "|",
                "---",
                "文件",
                "。",
                "\n\n",
                "=",
                "~",
            ]),
            0..12,
        )
        .prop_map(|parts| parts.concat())
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn a_plain_body_asks_nothing_and_cites_nothing(
            before in pieces(),
            number in proptest::sample::select(vec![
                "温政发〔2019〕16号", "浙政办［2020］3号", "温政发(2019)16号", "温政发（2019）16号",
                "温州市人民政府令第3号", "国发﹝2018﹞22号", "温政发〔2019〕16&#21495;",
                "温政发〔2019〕16&#x53F7;",
            ]),
            cut in 0usize..14,
            between in proptest::sample::select(vec![
                "", "\n", "\n> ", " \n", "\n  ", "\t\n", "\n\t", "  \n", "*", "`", "\n\n",
                "\n- ", "\n>", ">", " ",
            ]),
            after in pieces(),
        ) {
            let chars: Vec<char> = number.chars().collect();
            let cut = cut.min(chars.len());
            let head: String = chars[..cut].iter().collect();
            let tail: String = chars[cut..].iter().collect();
            let text = format!("{before}{head}{between}{tail}{after}");
            if is_plain(&text) {
                let links = Counting(std::cell::Cell::new(0));
                let source = markdown::Source { path: "a.md", first_line: 1, raw_html: false };
                let (cited, problems) = markdown::citations(&text, &source, &links);
                proptest::prop_assert!(cited.is_empty(), "{text:?} cites {cited:?}");
                proptest::prop_assert!(problems.is_empty());
                proptest::prop_assert_eq!(links.0.get(), 0, "{:?} asks", text);
            }
        }
    }
}
