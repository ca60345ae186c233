//! Fidelity of the transcription of 温州市人民政府公报 2019年第12期（总第208期）.
//!
//! The Markdown files of `content/2019/12/` must hold exactly the text of the printed issue,
//! as extracted from its PDF and kept next to them as `wenzhou-gazette-2019-12.txt`: no
//! character lost, none invented, none duplicated, every document in its printed place.
//!
//! How:
//! 1. The source is read line by line. Lines that are page layout, not text, are dropped: page
//!    markers, running heads and section banners ([`LAYOUT_LINES`], each with its exact count).
//! 2. Where the PDF extraction put a line out of reading order (a title printed above a text
//!    but extracted after it, a heading extracted at the foot of its page), the line is moved
//!    back ([`MOVES`]: line numbers of the source file, each checked against the text it must
//!    hold).
//! 3. All whitespace is removed (ASCII and Unicode, including U+3000). This is the one blanket
//!    removal: line breaks of the PDF, indentation, the spaces that the extraction put between
//!    the letters of justified lines (`3 . 落 实 用 地` → `3.落实用地`) and of spaced-out
//!    headings (`附  则`, `政 务 简 讯`), and the spaces between columns of tables are all layout.
//!    Whitespace is therefore never compared, on either side.
//! 4. Each document's text is the printed fields of its front matter (`title`, unless the
//!    front matter says the title is the editor's; `doc_number`; `registration_number`;
//!    `addressees` as the theme prints them, joined with `，` and closed by `：`), then its
//!    Markdown body reduced to its text with pulldown-cmark (markup, list bullets and
//!    breaks are not text; the numbers of ordered lists are, since they are the printed
//!    numbers; table cells are).
//! 5. The documents, in printed order (the `sections` order of `gazette.yaml`, then
//!    `position`), concatenated, must equal the source character for character. A failure
//!    names the file, the place, and shows both texts around the first difference.
//!
//! The test reads the repository's files only; from the `gazette` crate it takes only the
//! reduction of Markdown to text, which the import evaluation shares.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The issue folder, relative to the repository root.
const ISSUE_DIR: &str = "content/2019/12";
/// The text extracted from the printed PDF, kept byte for byte in the issue folder.
const SOURCE_FILE: &str = "wenzhou-gazette-2019-12.txt";
/// Characters of context shown on each side of a difference.
const WINDOW: usize = 24;

/// Whole lines of the source (compared after trimming whitespace) that are page layout, not
/// text of any document: (line, how many times it occurs, why it goes).
const LAYOUT_LINES: &[(&str, usize, &str)] = &[
    // Running heads. Even pages print the issue and the section, odd pages the gazette's name,
    // the serial number and the section; the extraction spaces out some digits.
    (
        "2019 年第1 2 期文件发布",
        2,
        "running head of even pages in 文件发布 (pages 4, 8)",
    ),
    (
        "温州市人民政府公报（总第208期） 文件发布",
        2,
        "running head of odd pages in 文件发布 (pages 5, 19)",
    ),
    (
        "温州市人民政府公报（总第208期）",
        2,
        "running head without a section (page 25; the closing feature)",
    ),
    (
        "温州市人民政府公报（总第208期） 政府记事",
        1,
        "running head of page 27",
    ),
    ("2019 年第1 2 期发文目录", 1, "running head of page 28"),
    (
        "温州市人民政府公报（总第208期） 统计资料",
        1,
        "running head of page 29",
    ),
    // Section banners printed over the first page of a section. They are the `section` field
    // of the documents, which the theme prints.
    ("机构人事", 1, "banner of the section 机构人事"),
    ("政 务 简 讯", 1, "banner of the section 政务简讯"),
    ("政府记事", 1, "banner of the section 政府记事"),
];

/// Page markers (`·    4    ·`): a line of `·`, a page number, `·`. How many the source holds.
const PAGE_MARKERS: usize = 8;

/// A run of source lines the extraction put out of reading order.
struct Move {
    /// First and last line (1-based, inclusive) of the source file to move.
    lines: (usize, usize),
    /// The source line before which they are read.
    before: usize,
    /// What the moved lines hold, without whitespace (checked, so the table documents itself).
    text: &'static str,
}

/// The moves that restore reading order, applied in this order. Each document reads: title,
/// 文号, 登记号, 主送机关, then the body, so a title block extracted as 登记号 / 文号 / title after the
/// text is moved piece by piece to the front.
const MOVES: &[Move] = &[
    // 通告〔2019〕5号: the title is extracted after the signature.
    Move {
        lines: (86, 90),
        before: 22,
        text: "温州市人民政府关于划定高排放非道路移动机械禁止使用区的通告",
    },
    // 温政发〔2019〕16号: 登记号, 文号 and title are extracted after the signature.
    Move {
        lines: (131, 135),
        before: 91,
        text: "温州市人民政府关于调整全市城乡居民最低生活保障标准的通知",
    },
    Move {
        lines: (129, 129),
        before: 91,
        text: "温政发〔2019〕16号",
    },
    Move {
        lines: (127, 127),
        before: 91,
        text: "ZJCC00-2019-0007",
    },
    // 温政办〔2019〕72号: the title block is extracted at the foot of its first page.
    Move {
        lines: (255, 257),
        before: 143,
        text: "温州市人民政府办公室关于推进乡村振兴“两进两回”的实施意见",
    },
    Move {
        lines: (253, 253),
        before: 143,
        text: "温政办〔2019〕72号",
    },
    Move {
        lines: (251, 251),
        before: 143,
        text: "ZJCC01-2019-0009",
    },
    // 温政办〔2019〕75号: likewise.
    Move {
        lines: (663, 665),
        before: 547,
        text: "温州市人民政府办公室关于加快未来社区规划建设的实施意见",
    },
    Move {
        lines: (661, 661),
        before: 547,
        text: "温政办〔2019〕75号",
    },
    Move {
        lines: (659, 659),
        before: 547,
        text: "ZJCC01-2019-0010",
    },
    // 温政办〔2019〕76号: the title block follows the notice; the title of the 实施方案 it
    // issues, the 附件 heading and the 附则 heading are extracted at the foot of their pages.
    Move {
        lines: (826, 830),
        before: 812,
        text: "温州市人民政府办公室关于印发温州市财政支持深化民营和小微企业金融服务综合改革试点实施方案的通知",
    },
    Move {
        lines: (824, 824),
        before: 812,
        text: "温政办〔2019〕76号",
    },
    Move {
        lines: (822, 822),
        before: 812,
        text: "ZJCC01-2019-0011",
    },
    Move {
        lines: (880, 882),
        before: 832,
        text: "温州市财政支持深化民营和小微企业金融服务综合改革试点实施方案",
    },
    Move {
        lines: (1265, 1269),
        before: 1201,
        text: "附件温州市财政支持深化民营和小微企业金融服务综合改革十二条政策",
    },
    Move {
        lines: (1533, 1533),
        before: 1441,
        text: "附则",
    },
    // 温商务联发〔2019〕130号: the title of the 管理办法 it issues.
    Move {
        lines: (1601, 1603),
        before: 1553,
        text: "2019年境外外经贸综合服务体系建设试点资金管理办法",
    },
    // 温浙集（开）管〔2019〕71号: the title of the 若干意见 it issues.
    Move {
        lines: (1808, 1810),
        before: 1764,
        text: "关于支持电竞文体数字产业发展的若干意见（试行）",
    },
    // 机构人事 and 政府记事: the title is extracted in the middle of the page.
    Move {
        lines: (2018, 2018),
        before: 1996,
        text: "12月份市政府人事任免",
    },
    Move {
        lines: (2562, 2562),
        before: 2454,
        text: "12月份市政府记事",
    },
    // 统计资料: the compiler's line 温州市统计局制 is printed under the title, extracted above it.
    Move {
        lines: (2821, 2821),
        before: 2819,
        text: "温州市2019年12月份国民经济主要统计指标",
    },
];

/// The front matter fields of the content contract (SCHEMA.md); any other key is an error.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // every field is read, to check the contract; not all are used here
struct FrontMatter {
    title: String,
    section: String,
    doc_number: Option<String>,
    registration_number: Option<String>,
    issuers: Option<Vec<String>>,
    date: Option<serde_yaml::Value>,
    doc_type: Option<String>,
    addressees: Option<Vec<String>>,
    valid_from: Option<serde_yaml::Value>,
    valid_until: Option<serde_yaml::Value>,
    pages: Option<(u32, u32)>,
    position: Option<u32>,
    attachments: Option<Vec<serde_yaml::Value>>,
    subjects: Option<Vec<String>>,
    #[serde(default)]
    extra: BTreeMap<String, serde_yaml::Value>,
}

impl FrontMatter {
    fn flag(&self, key: &str) -> bool {
        self.extra
            .get(key)
            .and_then(serde_yaml::Value::as_bool)
            .unwrap_or(false)
    }
}

#[derive(Debug, Deserialize)]
struct Settings {
    sections: Vec<SectionSetting>,
}

#[derive(Debug, Deserialize)]
struct SectionSetting {
    name: String,
}

/// One document of the issue, read.
struct Doc {
    /// `content/2019/12/x.md`.
    path: String,
    front: FrontMatter,
    section_index: usize,
    /// The printed fields and the body as text, whitespace removed, in reading order, as
    /// (piece name, text) so a failure can say where it is.
    pieces: Vec<(&'static str, String)>,
    /// The rows of the body's tables (cells' text, whitespace removed), header row included.
    table_rows: Vec<Vec<String>>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()))
}

fn strip_ws(s: &str) -> String {
    gazette::import::evaluate::strip_ws(s)
}

fn is_page_marker(line: &str) -> bool {
    let Some(inner) = line.strip_prefix('·').and_then(|l| l.strip_suffix('·')) else {
        return false;
    };
    let inner = inner.trim();
    !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit())
}

/// The source in reading order, whitespace removed: each character with its source line.
fn source_text() -> Vec<(char, usize)> {
    let path = root().join(ISSUE_DIR).join(SOURCE_FILE);
    let text = read(&path);
    // (1-based line number, line)
    let mut lines: Vec<(usize, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .collect();

    // 1. Layout lines.
    let mut markers = 0;
    let mut layout_counts = vec![0usize; LAYOUT_LINES.len()];
    lines.retain(|(_, line)| {
        let line = line.trim();
        if is_page_marker(line) {
            markers += 1;
            return false;
        }
        if let Some(k) = LAYOUT_LINES.iter().position(|(l, _, _)| *l == line) {
            layout_counts[k] += 1;
            return false;
        }
        true
    });
    assert_eq!(
        markers, PAGE_MARKERS,
        "{SOURCE_FILE}: expected {PAGE_MARKERS} page markers, found {markers}"
    );
    for ((line, expected, why), found) in LAYOUT_LINES.iter().zip(&layout_counts) {
        assert_eq!(
            found, expected,
            "{SOURCE_FILE}: layout line `{line}` ({why}) occurs {found} times, expected {expected}"
        );
    }

    // 2. Reading order.
    for m in MOVES {
        let (first, last) = m.lines;
        let at = |lines: &[(usize, &str)], n: usize| lines.iter().position(|(k, _)| *k == n);
        let start = (first..=last)
            .find_map(|n| at(&lines, n))
            .unwrap_or_else(|| panic!("move of lines {first}-{last}: no text left on those lines"));
        let mut end = start;
        while end < lines.len() && (first..=last).contains(&lines[end].0) {
            end += 1;
        }
        let held = (first..=last).filter(|n| at(&lines, *n).is_some()).count();
        assert_eq!(
            held,
            end - start,
            "move of lines {first}-{last}: the lines are no longer together"
        );
        let moved: Vec<(usize, &str)> = lines.drain(start..end).collect();
        let moved_text: String = moved.iter().map(|(_, l)| strip_ws(l)).collect();
        assert_eq!(
            moved_text, m.text,
            "move of lines {first}-{last}: they do not hold the expected text"
        );
        let to = at(&lines, m.before)
            .unwrap_or_else(|| panic!("move of lines {first}-{last}: line {} is gone", m.before));
        lines.splice(to..to, moved);
    }

    // 3. Whitespace.
    lines
        .iter()
        .flat_map(|(n, l)| {
            l.chars()
                .filter(|c| !c.is_whitespace())
                .map(move |c| (c, *n))
        })
        .collect()
}

/// Splits a Markdown file into its YAML front matter and its body.
fn split_front_matter<'a>(path: &str, text: &'a str) -> (&'a str, &'a str) {
    let rest = text
        .strip_prefix("---\n")
        .unwrap_or_else(|| panic!("{path}: the file must start with a `---` line"));
    let end = rest
        .find("\n---\n")
        .unwrap_or_else(|| panic!("{path}: the front matter is not closed by a `---` line"));
    (&rest[..end + 1], &rest[end + 5..])
}

/// The text of a Markdown body, whitespace removed, and its tables' rows: the normalisation
/// the import evaluation shares (`gazette::import::evaluate::body_text_of`).
fn body_text(path: &str, body: &str, editorial_header: bool) -> (String, Vec<Vec<String>>) {
    let reduced = gazette::import::evaluate::body_text_of(body, editorial_header);
    if let Some(f) = reduced.foreign.first() {
        panic!("{path}: {f} is not part of a transcription");
    }
    (reduced.text, reduced.table_rows)
}

fn read_docs() -> Vec<Doc> {
    let settings: Settings = serde_yaml::from_str(&read(&root().join("gazette.yaml")))
        .unwrap_or_else(|e| panic!("gazette.yaml: {e}"));
    let dir = root().join(ISSUE_DIR);
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            e.expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".md") && n != "_index.md")
        .collect();
    names.sort();
    let mut docs: Vec<Doc> = names
        .iter()
        .map(|name| {
            let path = format!("{ISSUE_DIR}/{name}");
            let text = read(&dir.join(name));
            let (yaml, body) = split_front_matter(&path, &text);
            let front: FrontMatter =
                serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("{path}: front matter: {e}"));
            let section_index = settings
                .sections
                .iter()
                .position(|s| s.name == front.section)
                .unwrap_or_else(|| {
                    panic!("{path}: section `{}` is not in gazette.yaml", front.section)
                });
            let mut pieces = Vec::new();
            if !front.flag("editorial_title") {
                pieces.push(("title (front matter)", strip_ws(&front.title)));
            }
            if let Some(n) = &front.doc_number {
                pieces.push(("doc_number (front matter)", strip_ws(n)));
            }
            if let Some(n) = &front.registration_number {
                pieces.push(("registration_number (front matter)", strip_ws(n)));
            }
            // The theme prints the 主送机关 line from `addressees` (joined with "，", closed by
            // "："), so the body does not repeat it.
            if let Some(a) = &front.addressees {
                pieces.push((
                    "addressees (front matter)",
                    strip_ws(&format!("{}：", a.join("，"))),
                ));
            }
            let (body, table_rows) = body_text(&path, body, front.flag("editorial_table_header"));
            pieces.push(("body", body));
            Doc {
                path,
                front,
                section_index,
                pieces,
                table_rows,
            }
        })
        .collect();
    docs.sort_by_key(|d| (d.section_index, d.front.position.unwrap_or(u32::MAX)));
    docs
}

/// `…before⟦x⟧after…` around `at`.
fn window(chars: &[char], at: usize) -> String {
    let from = at.saturating_sub(WINDOW).min(chars.len());
    let to = (at + 1 + WINDOW).min(chars.len());
    let mut s = String::new();
    if from > 0 {
        s.push('…');
    }
    s.extend(&chars[from..at.min(chars.len())]);
    match chars.get(at) {
        Some(c) => {
            s.push('⟦');
            s.push(*c);
            s.push('⟧');
        }
        None => s.push_str("⟦end⟧"),
    }
    if at < chars.len() {
        s.extend(&chars[at + 1..to]);
        if to < chars.len() {
            s.push('…');
        }
    }
    s
}

#[test]
fn documents_cover_the_printed_issue_exactly() {
    let source = source_text();
    let docs = read_docs();
    assert!(!docs.is_empty(), "{ISSUE_DIR}: no documents");

    // The documents' text, with the owner of every character: (doc, piece, offset in the doc).
    let mut found: Vec<char> = Vec::new();
    let mut owner: Vec<(usize, usize, usize)> = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        let mut offset = 0;
        for (p, (_, text)) in doc.pieces.iter().enumerate() {
            for c in text.chars() {
                found.push(c);
                owner.push((d, p, offset));
                offset += 1;
            }
        }
    }
    let expected: Vec<char> = source.iter().map(|(c, _)| *c).collect();

    let Some(at) = (0..expected.len().max(found.len())).find(|&i| expected.get(i) != found.get(i))
    else {
        return;
    };
    // Name the document at the difference: the one whose text is found there, or the last one
    // when the documents end early.
    let (d, p, offset) = owner.get(at).copied().unwrap_or_else(|| {
        let (d, p, o) = *owner.last().expect("documents hold text");
        (d, p, o + 1)
    });
    let line = source
        .get(at)
        .map_or_else(|| "past its end".to_string(), |(_, n)| format!("line {n}"));
    panic!(
        "{path}: the transcription differs from the printed text in {piece}, at character {offset} of the document \
         (source {SOURCE_FILE} {line})\n  expected (print): {exp}\n  found (file):     {got}\n\
         (whitespace is not compared; the documents are read in printed order: gazette.yaml sections, then position)",
        path = docs[d].path,
        piece = docs[d].pieces[p].0,
        exp = window(&expected, at),
        got = window(&found, at),
    );
}

#[test]
fn positions_and_pages_follow_the_print() {
    let docs = read_docs();
    let mut by_section: BTreeMap<usize, Vec<&Doc>> = BTreeMap::new();
    for doc in &docs {
        by_section.entry(doc.section_index).or_default().push(doc);
    }
    for list in by_section.values() {
        for (i, doc) in list.iter().enumerate() {
            assert_eq!(
                doc.front.position,
                Some(i as u32 + 1),
                "{}: `position` must number the documents of section {} 1, 2, 3… in printed order",
                doc.path,
                doc.front.section
            );
        }
    }
    let mut last_page = 0;
    for doc in &docs {
        if let Some((first, last)) = doc.front.pages {
            assert!(
                first <= last,
                "{}: pages [{first}, {last}] run backwards",
                doc.path
            );
            assert!(
                first >= last_page,
                "{}: pages [{first}, {last}] start before the previous document ends ({last_page})",
                doc.path
            );
            last_page = last;
        }
        assert_eq!(
            doc.front.issuers.is_some() || doc.front.date.is_some(),
            doc.front.doc_number.is_some(),
            "{}: `issuers` and `date` go with `doc_number`",
            doc.path
        );
    }
}

/// Every 文号 of the 发文目录 whose document this issue prints is the `doc_number` of a file of
/// the issue with that title, and every document of the 市政府 and its 办公室 in the issue is
/// listed in the 发文目录.
#[test]
fn document_list_links_to_the_documents_of_the_issue() {
    let docs = read_docs();
    let source: String = source_text().into_iter().map(|(c, _)| c).collect();
    let list = docs
        .iter()
        .find(|d| d.front.section == "发文目录")
        .expect("the issue has a 发文目录");
    let (header, rows) = list
        .table_rows
        .split_first()
        .expect("the 发文目录 holds a table");
    assert_eq!(
        header,
        &["文号".to_string(), "标题".to_string()],
        "{}: table header",
        list.path
    );

    let normalise = |n: &str| {
        strip_ws(n)
            .replace(['（', '(', '［', '['], "〔")
            .replace(['）', ')', '］', ']'], "〕")
    };
    let mut listed = Vec::new();
    for row in rows {
        let [number, title] = row.as_slice() else {
            panic!(
                "{}: row {row:?} must have two cells, 文号 and 标题",
                list.path
            )
        };
        let number = normalise(number);
        listed.push(number.clone());
        // The title is printed elsewhere in the issue only if the issue prints the document.
        let printed_in_issue = source.matches(title.as_str()).count() > 1;
        let holder = docs.iter().find(|d| {
            d.front.doc_number.as_deref().map(normalise).as_deref() == Some(number.as_str())
        });
        match (printed_in_issue, holder) {
            (true, Some(doc)) => assert_eq!(
                &strip_ws(&doc.front.title),
                title,
                "{}: its title differs from the 发文目录 entry for {number}",
                doc.path
            ),
            (true, None) => panic!(
                "{}: {number} ({title}) is printed in this issue, but no file of {ISSUE_DIR} has it as `doc_number`",
                list.path
            ),
            (false, Some(doc)) => panic!(
                "{}: has `doc_number` {number}, but the issue does not print the document the 发文目录 lists under it",
                doc.path
            ),
            (false, None) => {}
        }
    }
    let city = ["温州市人民政府", "温州市人民政府办公室"];
    let mut checked = 0;
    for doc in &docs {
        let (Some(number), Some(issuers)) = (&doc.front.doc_number, &doc.front.issuers) else {
            continue;
        };
        if issuers.iter().all(|i| city.contains(&i.as_str())) {
            checked += 1;
            assert!(
                listed.contains(&normalise(number)),
                "{}: {number} is a document of the 市政府 but the 发文目录 does not list it",
                doc.path
            );
        }
    }
    assert!(
        checked > 0,
        "no document of the 市政府 found: the check would prove nothing"
    );
}
