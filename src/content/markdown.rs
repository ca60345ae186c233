//! Markdown to HTML, made safe and right for Chinese text.
//!
//! - Tables, footnotes and strikethrough are on.
//! - Raw HTML is shown as text unless the site opts in (`raw_html: true`): a gazette archive
//!   carries no scripts.
//! - Links are checked: `javascript:` and other schemes outside http(s), mailto and tel are
//!   removed (the link text stays); site paths (`/documents/wzf/2019/16/`), other files of the
//!   issue (`wzf-2019-16.md`, `gazette.pdf`) and 文号 links (`wenhao:温政发〔2019〕16号`) are
//!   resolved to real pages, and a target that does not exist is an error naming the line.
//! - A line break inside a paragraph next to a Chinese character joins the lines without a
//!   space, as the printed text reads.
//! - Every 文号 cited in the text (`（浙政办发〔2019〕53号）`, see [`crate::content::citation`])
//!   that is not already inside a link or code becomes a link to the cited document when the
//!   archive holds it, and `<cite class="citation external">` when it does not.
//! - A signature block (落款) — a paragraph of short unpunctuated lines ending in a date such as
//!   `2019年12月27日` — keeps its line breaks and is marked `class="signature"` so themes can
//!   set it right-aligned, as printed.

use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

use crate::content::citation;
use crate::content::doc_number::DocNumber;
use crate::error::Diagnostic;
use crate::error::line_col;

/// Resolves link targets found in a document to hrefs usable from the page being rendered.
pub trait LinkResolver {
    /// A site path (`documents/wzf/2019/16/`, no leading `/`) → href, if such a page or file exists.
    fn site_path(&self, path: &str) -> Option<String>;
    /// A path relative to the document's issue folder (`wzf-2019-16.md`, `gazette.pdf`) → href.
    fn issue_relative(&self, path: &str) -> Option<String>;
    /// A 文号 → href of the document that bears it.
    fn doc_number(&self, number: &str) -> Option<String>;
    /// What a 文号 cited in the running text refers to.
    fn cited(&self, number: &DocNumber) -> Cite {
        match self.doc_number(&number.to_string()) {
            Some(href) => Cite::Link(href),
            None => Cite::External,
        }
    }
}

/// What a 文号 cited in a text refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cite {
    /// A document of the archive, at this href.
    Link(String),
    /// The document being rendered: its own 文号 is not a citation.
    Own,
    /// A document outside the archive.
    External,
}

/// A citation found while rendering.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    /// The cited 文号, normalised.
    pub number: DocNumber,
    /// Whether the archive holds the cited document.
    pub internal: bool,
}

/// A resolver that knows no pages: every internal link is reported as unresolved.
pub struct NoLinks;

impl LinkResolver for NoLinks {
    fn site_path(&self, _: &str) -> Option<String> {
        None
    }
    fn issue_relative(&self, _: &str) -> Option<String> {
        None
    }
    fn doc_number(&self, _: &str) -> Option<String> {
        None
    }
}

/// Where the Markdown comes from, for messages.
pub struct Source<'a> {
    /// The file, relative to the site root.
    pub path: &'a str,
    /// The line of the file on which the Markdown starts.
    pub first_line: usize,
    /// Whether raw HTML passes through.
    pub raw_html: bool,
}

/// Renders `markdown` to HTML; problems found on the way (unresolved or unsafe links) are
/// appended to `problems`.
pub fn render(
    markdown: &str,
    source: &Source<'_>,
    links: &dyn LinkResolver,
    problems: &mut Vec<Diagnostic>,
) -> String {
    render_cited(markdown, source, links, problems, &mut Vec::new())
}

/// Like [`render`], and appends the 文号 the text cites to `cited`, in order of appearance
/// (the document's own 文号 excluded).
pub fn render_cited(
    markdown: &str,
    source: &Source<'_>,
    links: &dyn LinkResolver,
    problems: &mut Vec<Diagnostic>,
    cited: &mut Vec<Citation>,
) -> String {
    render_events(markdown, source, links, problems, cited, true)
}

/// The 文号 the text cites and the problems of its links, as [`render_cited`] finds them,
/// without writing the HTML: the same questions are asked of `links`.
pub fn citations(
    markdown: &str,
    source: &Source<'_>,
    links: &dyn LinkResolver,
) -> (Vec<Citation>, Vec<Diagnostic>) {
    let mut cited = Vec::new();
    let mut problems = Vec::new();
    render_events(markdown, source, links, &mut problems, &mut cited, false);
    (cited, problems)
}

fn render_events(
    markdown: &str,
    source: &Source<'_>,
    links: &dyn LinkResolver,
    problems: &mut Vec<Diagnostic>,
    cited: &mut Vec<Citation>,
    write_html: bool,
) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(markdown, options)
        .into_offset_iter()
        .collect();
    let locate = |range: &Range<usize>| {
        let (line, column) = line_col(markdown, range.start);
        (line + source.first_line - 1, column)
    };
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    // For each open link or image: whether it was kept.
    let mut link_kept: Vec<bool> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        match event {
            Event::Start(Tag::Paragraph) => {
                if let Some((lines, end)) = signature_block(&events, i) {
                    push_signature(&mut out, lines);
                    i = end + 1;
                    continue;
                }
                out.push(event.clone());
            }
            Event::Html(html) | Event::InlineHtml(html) if !source.raw_html => {
                out.push(Event::Text(html.clone()));
            }
            Event::SoftBreak => {
                let before = events[..i].iter().rev().find_map(|(e, _)| last_char(e));
                let after = events[i + 1..].iter().find_map(|(e, _)| first_char(e));
                let joins_cjk = before.is_some_and(is_cjk) || after.is_some_and(is_cjk);
                out.push(if joins_cjk {
                    Event::Text(CowStr::from(""))
                } else {
                    Event::SoftBreak
                });
            }
            Event::Start(Tag::Table(_)) => {
                out.push(Event::Html(CowStr::from("<div class=\"table-wrap\">")));
                out.push(event.clone());
            }
            Event::End(TagEnd::Table) => {
                out.push(event.clone());
                out.push(Event::Html(CowStr::from("</div>\n")));
            }
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                let kept = checked_target(event, locate(range), source, links, problems);
                link_kept.push(kept.is_some());
                out.extend(kept);
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if link_kept.pop().unwrap_or(false) {
                    out.push(event.clone());
                }
            }
            _ => out.push(event.clone()),
        }
        i += 1;
    }
    let out = mark_citations(out, links, cited);
    if !write_html {
        return String::new();
    }
    let mut html_out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut html_out, out.into_iter());
    html_out
}

/// A signature block (落款) as one paragraph, a line break between its lines.
fn push_signature(out: &mut Vec<Event<'_>>, lines: Vec<String>) {
    out.push(Event::Html(CowStr::from("<p class=\"signature\">")));
    for (n, line) in lines.into_iter().enumerate() {
        if n > 0 {
            out.push(Event::Html(CowStr::from("<br>\n")));
        }
        out.push(Event::Text(CowStr::from(line)));
    }
    out.push(Event::Html(CowStr::from("</p>\n")));
}

/// The start of a link or image (`event`, at line and column `at`) with its target
/// resolved, or `None` with a problem when it is shown as plain text instead.
fn checked_target<'e>(
    event: &Event<'e>,
    at: (usize, usize),
    source: &Source<'_>,
    links: &dyn LinkResolver,
    problems: &mut Vec<Diagnostic>,
) -> Option<Event<'e>> {
    let (line, column) = at;
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => match check_target(dest_url, links) {
            Target::Keep(href) => Some(Event::Start(Tag::Link {
                link_type: *link_type,
                dest_url: CowStr::from(href),
                title: title.clone(),
                id: id.clone(),
            })),
            Target::Unsafe => {
                problems.push(Diagnostic::warning(source.path, line, column, "unsafe-link",
                    format!("link to `{dest_url}` uses a scheme that is not allowed; it is shown as plain text"))
                    .with_hint("links may use http, https, mailto or tel, site paths such as /documents/wzf/2019/16/, or wenhao:文号"));
                None
            }
            Target::Unresolved(what) => {
                problems.push(Diagnostic::error(source.path, line, column, "broken-link",
                    format!("link target `{dest_url}` does not resolve: {what}"))
                    .with_hint("link to a page of this archive by site path (/documents/wzf/2019/16/), by file (wzf-2019-16.md) or by 文号 (wenhao:温政发〔2019〕16号)"));
                None
            }
        },
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => match check_target(dest_url, links) {
            Target::Keep(href) => Some(Event::Start(Tag::Image {
                link_type: *link_type,
                dest_url: CowStr::from(href),
                title: title.clone(),
                id: id.clone(),
            })),
            Target::Unsafe | Target::Unresolved(_) => {
                problems.push(
                    Diagnostic::error(
                        source.path,
                        line,
                        column,
                        "broken-link",
                        format!(
                            "image `{dest_url}` is not a file of this archive or a web address"
                        ),
                    )
                    .with_hint(
                        "put the image in the issue folder and refer to it by its file name",
                    ),
                );
                None
            }
        },
        _ => Some(event.clone()),
    }
}

/// The text of `markdown` without markup, for open data and search: one line per paragraph,
/// heading, list item and table row (cells separated by tabs); line breaks inside a paragraph
/// joined as [`render`] joins them (no space next to a Chinese character); ordered lists keep
/// their printed numbers; signature blocks keep their lines; footnotes are `[1]`. Raw HTML is
/// text, as the page shows it, unless the site passes HTML through (`raw_html`), when it is
/// left out.
pub fn plain_text(markdown: &str, raw_html: bool) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(markdown, options)
        .into_offset_iter()
        .collect();
    let mut out = String::with_capacity(markdown.len());
    let new_line = |out: &mut String| {
        while out.ends_with([' ', '\t']) {
            out.pop();
        }
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
    };
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut signature_end: Option<usize> = None;
    for (i, (event, _)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Paragraph) => {
                // A paragraph that opens a list item or a footnote goes on the line of its
                // number or label.
                let opens = i > 0
                    && matches!(
                        events[i - 1].0,
                        Event::Start(Tag::Item | Tag::FootnoteDefinition(_))
                    );
                if !opens {
                    new_line(&mut out);
                }
                signature_end = signature_block(&events, i).map(|(_, end)| end);
            }
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::Html(t) | Event::InlineHtml(t) if !raw_html => out.push_str(t),
            Event::SoftBreak => {
                if signature_end.is_some_and(|end| i < end) {
                    new_line(&mut out);
                    continue;
                }
                let before = events[..i].iter().rev().find_map(|(e, _)| last_char(e));
                let after = events[i + 1..].iter().find_map(|(e, _)| first_char(e));
                if !(before.is_some_and(is_cjk) || after.is_some_and(is_cjk)) {
                    out.push(' ');
                }
            }
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::List(start)) => lists.push(*start),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                new_line(&mut out);
                if let Some(Some(n)) = lists.last_mut() {
                    let _ = write!(out, "{n}. ");
                    *n += 1;
                }
            }
            Event::End(TagEnd::TableCell) => out.push('\t'),
            Event::FootnoteReference(label) => {
                let _ = write!(out, "[{label}]");
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                new_line(&mut out);
                let _ = write!(out, "[{label}] ");
            }
            Event::Start(Tag::Heading { .. } | Tag::CodeBlock(_) | Tag::BlockQuote(_))
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_),
            )
            | Event::Rule => new_line(&mut out),
            _ => {}
        }
    }
    new_line(&mut out);
    out
}

/// Joins adjacent text (pulldown-cmark splits text at `[`, `]` and other marks, and a
/// 文号 may span a joined line break) and marks up the 文号 it cites, outside links, images
/// and code.
fn mark_citations<'e>(
    events: Vec<Event<'e>>,
    links: &dyn LinkResolver,
    cited: &mut Vec<Citation>,
) -> Vec<Event<'e>> {
    let mut out = Vec::with_capacity(events.len());
    let mut text = String::new();
    let mut inside = 0usize;
    for event in events {
        if inside == 0
            && let Event::Text(t) = &event
        {
            text.push_str(t);
            continue;
        }
        flush_text(&mut text, &mut out, links, cited);
        match &event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_)) => inside += 1,
            Event::End(TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock) => {
                inside = inside.saturating_sub(1);
            }
            _ => {}
        }
        out.push(event);
    }
    flush_text(&mut text, &mut out, links, cited);
    out
}

fn flush_text(
    text: &mut String,
    out: &mut Vec<Event<'_>>,
    links: &dyn LinkResolver,
    cited: &mut Vec<Citation>,
) {
    if text.is_empty() {
        return;
    }
    let mut at = 0;
    for found in citation::find(text) {
        let (range, number, _) = found.resolve(|n| links.cited(n) != Cite::External);
        let cite = links.cited(number);
        if range.start > at {
            out.push(Event::Text(CowStr::from(text[at..range.start].to_string())));
        }
        let span = CowStr::from(text[range.clone()].to_string());
        let normal = escape_html(&number.to_string());
        match &cite {
            Cite::Link(href) => {
                out.push(Event::Html(CowStr::from(format!(
                    "<a class=\"citation\" href=\"{}\" data-wenhao=\"{normal}\">",
                    escape_html(href)
                ))));
                out.push(Event::Text(span));
                out.push(Event::Html(CowStr::from("</a>")));
            }
            Cite::External => {
                out.push(Event::Html(CowStr::from(format!(
                    "<cite class=\"citation external\" data-wenhao=\"{normal}\">"
                ))));
                out.push(Event::Text(span));
                out.push(Event::Html(CowStr::from("</cite>")));
            }
            Cite::Own => out.push(Event::Text(span)),
        }
        if cite != Cite::Own {
            cited.push(Citation {
                number: number.clone(),
                internal: matches!(cite, Cite::Link(_)),
            });
        }
        at = range.end;
    }
    if at < text.len() {
        out.push(Event::Text(CowStr::from(text[at..].to_string())));
    }
    text.clear();
}

/// Escapes text for HTML content and quoted attribute values.
pub fn escape_html(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

enum Target {
    Keep(String),
    Unsafe,
    Unresolved(&'static str),
}

fn check_target(dest: &str, links: &dyn LinkResolver) -> Target {
    // Browsers ignore control characters and whitespace inside a scheme: `java\tscript:`.
    let squeezed: String = dest
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect();
    let lower = squeezed.to_ascii_lowercase();
    if let Some(number) = squeezed.strip_prefix("wenhao:") {
        return links.doc_number(number).map_or(
            Target::Unresolved("no document has this 文号"),
            Target::Keep,
        );
    }
    if let Some(scheme_end) = lower.find(':') {
        let scheme = &lower[..scheme_end];
        let is_scheme = !scheme.is_empty()
            && !scheme.contains(['/', '?', '#'])
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        if is_scheme {
            return if matches!(scheme, "http" | "https" | "mailto" | "tel") {
                Target::Keep(dest.to_string())
            } else {
                Target::Unsafe
            };
        }
    }
    if dest.starts_with('#') {
        return Target::Keep(dest.to_string());
    }
    if dest.starts_with("//") {
        return Target::Unsafe;
    }
    let (path, fragment) = match dest.find('#') {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    };
    let resolved = if let Some(site) = path.strip_prefix('/') {
        links.site_path(site)
    } else {
        links.issue_relative(path.strip_prefix("./").unwrap_or(path))
    };
    match resolved {
        Some(href) => Target::Keep(format!("{href}{fragment}")),
        None => Target::Unresolved("no such page or file in this archive"),
    }
}

/// If the paragraph starting at `events[start]` is a signature block, its lines and the index
/// of its closing event.
fn signature_block(
    events: &[(Event<'_>, Range<usize>)],
    start: usize,
) -> Option<(Vec<String>, usize)> {
    let mut lines = vec![String::new()];
    let mut end = None;
    for (i, (event, _)) in events.iter().enumerate().skip(start + 1) {
        match event {
            Event::Text(t) => lines.last_mut().expect("non-empty").push_str(t),
            Event::SoftBreak | Event::HardBreak => lines.push(String::new()),
            Event::End(TagEnd::Paragraph) => {
                end = Some(i);
                break;
            }
            _ => return None,
        }
        if lines.len() > 8 {
            return None;
        }
    }
    let end = end?;
    let lines: Vec<String> = lines.into_iter().map(|l| l.trim().to_string()).collect();
    let is_date = |l: &str| {
        let Some(rest) = l.strip_suffix('日') else {
            return false;
        };
        let Some((y, rest)) = rest.split_once('年') else {
            return false;
        };
        let Some((m, d)) = rest.split_once('月') else {
            return false;
        };
        let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
            n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
        };
        digits(y, 4..=4) && digits(m, 1..=2) && digits(d, 1..=2)
    };
    let plain = |l: &str| {
        !l.is_empty()
            && l.chars().count() <= 40
            && !l.contains(['。', '，', '；', '：', '！', '？', ',', ';'])
    };
    (lines.last().is_some_and(|l| is_date(l)) && lines.iter().all(|l| plain(l)))
        .then_some((lines, end))
}

fn last_char(event: &Event<'_>) -> Option<char> {
    match event {
        Event::Text(t) | Event::Code(t) => t.chars().next_back(),
        _ => None,
    }
}

fn first_char(event: &Event<'_>) -> Option<char> {
    match event {
        Event::Text(t) | Event::Code(t) => t.chars().next(),
        _ => None,
    }
}

/// Whether `c` is a CJK character or CJK/full-width punctuation, next to which a line break
/// must not become a space.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x312F | 0x3190..=0x31FF
        | 0x3200..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF | 0x20000..=0x3134F)
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—' | '·')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> (String, Vec<Diagnostic>) {
        let mut problems = Vec::new();
        let source = Source {
            path: "content/2019/12/a.md",
            first_line: 5,
            raw_html: false,
        };
        let html = render(text, &source, &NoLinks, &mut problems);
        (html, problems)
    }

    #[test]
    fn soft_breaks_between_chinese_characters_vanish() {
        assert_eq!(
            md("为进一步改善\n环境空气质量").0,
            "<p>为进一步改善环境空气质量</p>\n"
        );
        assert_eq!(md("GB36886-2018\n规定").0, "<p>GB36886-2018规定</p>\n");
        assert_eq!(md("hello\nworld").0, "<p>hello\nworld</p>\n");
    }

    #[test]
    fn plain_text_reads_as_printed() {
        let text = plain_text(
            "# 标题\n\n为进一步改善\n环境空气质量。见[文件](x.md)[^1]。\n\n1. 第一\n2. 第二\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n温州市人民政府\n2019年12月9日\n\n[^1]: 据原文。\n",
            false,
        );
        assert_eq!(
            text,
            "标题\n为进一步改善环境空气质量。见文件[1]。\n1. 第一\n2. 第二\n甲\t乙\n1\t2\n温州市人民政府\n2019年12月9日\n[1] 据原文。\n"
        );
        assert_eq!(plain_text("1. 甲\n\n2. 乙\n", false), "1. 甲\n2. 乙\n");
        assert_eq!(plain_text("a <b>c</b>", false), "a <b>c</b>\n");
        assert_eq!(plain_text("a <b>c</b>", true), "a c\n");
        assert_eq!(plain_text("", false), "");
    }

    #[test]
    fn raw_html_is_escaped_by_default() {
        let (html, _) = md("<script>alert(1)</script>\n\n正文<b>粗</b>");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
    }

    #[test]
    fn unsafe_links_are_neutralised() {
        for link in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "java&#9;script:x",
            "data:text/html,x",
            "vbscript:x",
            "//evil.example/",
        ] {
            let (html, problems) = md(&format!("[点击]({link})"));
            assert_eq!(html, "<p>点击</p>\n", "{link}");
            assert_eq!(problems.len(), 1, "{link}");
        }
        let (html, problems) = md("[网站](https://www.wenzhou.gov.cn/)");
        assert!(html.contains("href=\"https://www.wenzhou.gov.cn/\""));
        assert!(problems.is_empty());
    }

    #[test]
    fn unresolved_internal_links_are_errors_with_file_line() {
        let (_, problems) = md("正文\n\n见[文件](wenhao:温政发〔2019〕99号)");
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].line, problems[0].column), (7, 2));
        assert_eq!(problems[0].code, "broken-link");
    }

    #[test]
    fn signature_blocks_keep_their_lines() {
        let (html, _) = md("特此通告。\n\n温州市人民政府\n2019年12月27日\n");
        assert!(
            html.ends_with("<p class=\"signature\">温州市人民政府<br>\n2019年12月27日</p>\n"),
            "{html}"
        );
        let (html, _) = md("本通告自2020年3月1日起施行，有效期至\n2019年12月27日\n");
        assert!(!html.contains("signature"), "{html}");
    }

    /// Knows one document, 温政发〔2019〕16号, and renders as 温政办〔2019〕72号.
    struct OneDoc;

    impl LinkResolver for OneDoc {
        fn site_path(&self, _: &str) -> Option<String> {
            None
        }
        fn issue_relative(&self, _: &str) -> Option<String> {
            None
        }
        fn doc_number(&self, number: &str) -> Option<String> {
            (DocNumber::parse(number).ok()?.to_string() == "温政发〔2019〕16号")
                .then(|| "../../../../documents/wzf/2019/16/index.html".to_string())
        }
        fn cited(&self, number: &DocNumber) -> Cite {
            match number.to_string().as_str() {
                "温政办〔2019〕72号" => Cite::Own,
                _ => match self.doc_number(&number.to_string()) {
                    Some(href) => Cite::Link(href),
                    None => Cite::External,
                },
            }
        }
    }

    fn cite(text: &str) -> (String, Vec<Citation>) {
        let mut problems = Vec::new();
        let mut cited = Vec::new();
        let source = Source {
            path: "content/2019/12/a.md",
            first_line: 1,
            raw_html: false,
        };
        let html = render_cited(text, &source, &OneDoc, &mut problems, &mut cited);
        assert!(problems.is_empty(), "{problems:?}");
        (html, cited)
    }

    #[test]
    fn citations_become_links_or_external_cites() {
        let (html, cited) =
            cite("根据《通知》（温政发〔2019〕16号）和《意见》（浙政办发﹝2019﹞53号）的精神");
        assert_eq!(
            html,
            "<p>根据《通知》（<a class=\"citation\" href=\"../../../../documents/wzf/2019/16/index.html\" data-wenhao=\"温政发〔2019〕16号\">温政发〔2019〕16号</a>）和《意见》（<cite class=\"citation external\" data-wenhao=\"浙政办发〔2019〕53号\">浙政办发﹝2019﹞53号</cite>）的精神</p>\n"
        );
        assert_eq!(
            cited,
            [
                Citation {
                    number: DocNumber::parse("温政发〔2019〕16号").unwrap(),
                    internal: true
                },
                Citation {
                    number: DocNumber::parse("浙政办发〔2019〕53号").unwrap(),
                    internal: false
                },
            ]
        );
    }

    #[test]
    fn citations_across_split_text_and_joined_lines() {
        // `[2019]` is split off by the parser; a line break inside the 文号 is joined.
        let (html, cited) = cite("见温政发[2019]16号，又见温政\n发〔2019〕16号。");
        assert_eq!(cited.len(), 2, "{html}");
        assert!(html.contains(">温政发[2019]16号</a>"), "{html}");
        assert!(html.contains(">温政发〔2019〕16号</a>"), "{html}");
    }

    #[test]
    fn no_citations_inside_links_code_or_for_the_page_itself() {
        let (html, cited) = cite(
            "[温政发〔2019〕16号](https://example.org/)\n\n`温政发〔2019〕16号`\n\n    温政发〔2019〕16号\n\n本意见（温政办〔2019〕72号）",
        );
        assert!(cited.is_empty(), "{cited:?}");
        assert!(!html.contains("citation"), "{html}");
    }

    #[test]
    fn citations_in_table_cells() {
        let (html, cited) = cite(
            "| 文号 | 标题 |\n|---|---|\n| 温政发〔2019〕16号 | 通知 |\n| 温政发〔2019〕18号 | 方案 |\n",
        );
        assert_eq!(cited.len(), 2);
        assert!(html.contains("<td><a class=\"citation\""), "{html}");
        assert!(
            html.contains("<td><cite class=\"citation external\""),
            "{html}"
        );
    }

    #[test]
    fn tables_footnotes_strikethrough() {
        let (html, _) = md(
            "| 文号 | 标题 |\n|---|---|\n| 温政发〔2019〕16号 | 通知 |\n\n脚注[^1]\n\n[^1]: 注释\n\n~~删除~~",
        );
        assert!(html.contains("<div class=\"table-wrap\"><table>"));
        assert!(html.contains("footnote-definition"));
        assert!(html.contains("<del>删除</del>"));
    }
}
