//! What the search index reads from a rendered page: its text with the marks that carry
//! weights and anchors (the "digest"), its meta fields, filters and anchor texts, read the
//! way Pagefind 1.6 reads the HTML the themes write.
//!
//! The page is streamed through `lol_html`. Every element opens a frame on a stack; its text
//! collects in the frame, and when the element ends the frame's text is handed to the frame
//! below, unless the element is ignored (`data-pagefind-ignore`, or one of the elements
//! never indexed: `head`, `nav`, `footer`, `script`, …) or lies outside the page's
//! `data-pagefind-body` once one was seen. Block elements are padded with spaces (and a
//! full stop after a word character), headings and `data-pagefind-weight` wrap their text in
//! weight marks, and an element with an `id` leaves an anchor mark where it starts.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::OnceLock;

use lol_html::html_content::{Element, TextChunk};
use lol_html::{HtmlRewriter, Settings, element, text};

/// Marks inside the digest; the word splitter turns them into weights and anchors.
pub const ANCHOR_MARK: &str = "___PAGEFIND_ANCHOR___";
pub const WEIGHT_MARK: &str = "___PAGEFIND_WEIGHT___";
pub const AUTO_WEIGHT_MARK: &str = "___PAGEFIND_AUTO_WEIGHT___";
pub const END_WEIGHT_MARK: &str = "___END_PAGEFIND_WEIGHT___";

/// Elements whose end closes a sentence.
const BLOCKS: &[&str] = &[
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "td", "div", "ul", "li", "article", "section",
];
/// Elements that take the anchors of the element they sit in.
const INLINES: &[&str] = &[
    "a", "abbr", "acronym", "b", "bdo", "big", "br", "button", "cite", "code", "dfn", "em", "i",
    "img", "input", "kbd", "label", "map", "object", "output", "q", "samp", "script", "select",
    "small", "span", "strong", "sub", "sup", "textarea", "time", "tt", "var",
];
/// Elements never indexed.
const NEVER_INDEXED: &str = "html head, html style, html script, html noscript, html label, \
     html form, html svg, html footer, html nav, html iframe, html template";

/// What one page yields before its words are split.
#[derive(Debug, Default)]
pub struct Extracted {
    pub digest: String,
    pub filters: BTreeMap<String, Vec<String>>,
    pub meta: BTreeMap<String, String>,
    /// Anchor text and title by anchor key (`<n>:<id>`).
    pub anchor_text: BTreeMap<String, String>,
    pub anchor_titles: BTreeMap<String, String>,
    /// Whether the page marks its body with `data-pagefind-body`.
    pub has_body: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Status {
    Indexed,
    Ignored,
    Excluded,
    Body,
    HoldsBody,
}

#[derive(Debug)]
struct Frame {
    id: usize,
    text: String,
    status: Status,
    filter: Option<Vec<String>>,
    meta: Option<Vec<String>>,
    default_meta: Option<Vec<String>>,
    weight: Option<String>,
    anchors: Option<Vec<String>>,
}

impl Frame {
    fn root() -> Frame {
        Frame {
            id: 0,
            text: String::new(),
            status: Status::Indexed,
            filter: None,
            meta: None,
            default_meta: None,
            weight: None,
            anchors: None,
        }
    }

    /// `name:value` as written, or `name` with the element's own text.
    fn pair(&self, spec: &str) -> Option<(String, String)> {
        match spec.split_once(':') {
            Some((name, value)) => Some((name.to_string(), normalize(value))),
            None if self.text.is_empty() => None,
            None => Some((spec.to_string(), normalize(&self.text))),
        }
    }

    /// Whether this frame's text stays out of a frame that already holds a body.
    fn outside_body(&self) -> bool {
        self.status != Status::Body && self.status != Status::HoldsBody
    }
}

#[derive(Debug)]
struct State {
    stack: Vec<Frame>,
    next_id: usize,
    anchors: usize,
    out: Extracted,
    default_meta: BTreeMap<String, String>,
}

impl State {
    fn top(&mut self) -> &mut Frame {
        self.stack
            .last_mut()
            .expect("the root frame is never popped")
    }

    /// An element starts: its frame is pushed.
    fn open(&mut self, el: &Element) -> usize {
        let attr = |name: &str| el.get_attribute(name);
        let tag = el.tag_name();
        let status = if el.has_attribute("data-pagefind-body") {
            Status::Body
        } else {
            match attr("data-pagefind-ignore").map(|v| v.to_ascii_lowercase()) {
                Some(v) if v.is_empty() || v == "index" || v == "true" => Status::Ignored,
                Some(_) => Status::Excluded,
                None => Status::Indexed,
            }
        };
        let id = attr("id").map(|id| {
            id.chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
        });
        let title = attr("data-pagefind-title")
            .map(|t| normalize(&t))
            .filter(|t| !t.is_empty());
        let mut anchor = None;
        if let (Some(id), Status::Indexed | Status::Body | Status::HoldsBody) = (id, status) {
            let parent = self.top();
            if !(parent.status == Status::HoldsBody
                && status != Status::Body
                && status != Status::HoldsBody)
            {
                let key = format!("{}:{id}", self.anchors);
                let parent = self.top();
                parent.text.push(' ');
                parent.text.push_str(ANCHOR_MARK);
                parent.text.push_str(&tag);
                parent.text.push(':');
                parent.text.push_str(&key);
                parent.text.push(' ');
                self.anchors += 1;
                anchor = Some(key);
            }
        }
        if let (Some(key), Some(title)) = (&anchor, title) {
            self.out.anchor_titles.insert(key.clone(), title);
        }
        if status != Status::Excluded {
            if let Some(attrs) = attr("data-pagefind-index-attrs") {
                for name in attrs.split(',') {
                    let mut value = el.get_attribute(name.trim()).unwrap_or_default();
                    if value.chars().last().is_some_and(closes_sentence) {
                        value.push('.');
                    }
                    let parent = self.top();
                    parent.text.push(' ');
                    parent.text.push_str(&value);
                    parent.text.push(' ');
                }
            }
            if tag == "br" {
                self.top().text.push(' ');
            }
        }
        let parent = self.top();
        let mut anchors = parent
            .anchors
            .clone()
            .filter(|_| INLINES.contains(&tag.as_str()));
        if let Some(key) = anchor {
            anchors.get_or_insert_with(Vec::new).push(key);
        }
        let status = if parent.status == Status::Excluded {
            Status::Excluded
        } else {
            status
        };
        self.next_id += 1;
        let frame = Frame {
            id: self.next_id,
            text: String::new(),
            status,
            filter: attr("data-pagefind-filter").map(|v| attribute_list(&v, el)),
            meta: attr("data-pagefind-meta").map(|v| attribute_list(&v, el)),
            default_meta: attr("data-pagefind-default-meta").map(|v| attribute_list(&v, el)),
            weight: attr("data-pagefind-weight"),
            anchors,
        };
        self.stack.push(frame);
        self.next_id
    }

    /// The filters and meta fields an ending (or void) element declares.
    fn collect(&mut self, frame: &Frame) {
        for spec in frame.filter.iter().flatten() {
            if let Some((name, value)) = frame.pair(spec) {
                self.out
                    .filters
                    .entry(name)
                    .or_default()
                    .push(normalize(&value));
            }
        }
        for spec in frame.meta.iter().flatten() {
            if let Some((name, value)) = frame.pair(spec) {
                self.out.meta.insert(name, value);
            }
        }
        for spec in frame.default_meta.iter().flatten() {
            if let Some((name, value)) = frame.pair(spec) {
                self.default_meta.insert(name, value);
            }
        }
    }

    /// An element ends: its frame (and any left open inside it) leaves the stack and its text
    /// goes to the frame below.
    fn close(&mut self, id: usize, tag: &str) {
        let Some(at) = self.stack.iter().rposition(|f| f.id == id) else {
            return;
        };
        self.stack.truncate(at + 1);
        let mut frame = self.stack.pop().expect("found above");
        if frame.status == Status::Excluded {
            return;
        }
        self.collect(&frame);
        if tag == "h1" && !self.out.meta.contains_key("auto_title") && !frame.text.trim().is_empty()
        {
            let title = normalize(&frame.text);
            self.out.meta.insert("auto_title".into(), title);
        }
        if tag == "title" && !self.out.meta.contains_key("auto_page_title") {
            let title = normalize(&frame.text);
            self.out.meta.insert("auto_page_title".into(), title);
        }
        if frame.status == Status::Ignored {
            return;
        }
        if BLOCKS.contains(&tag) {
            frame.text.insert(0, ' ');
            if frame.text.chars().last().is_some_and(closes_sentence) {
                frame.text.push('.');
            }
            frame.text.push(' ');
        }
        let heading = match tag {
            "h1" => Some("7"),
            "h2" => Some("6"),
            "h3" => Some("5"),
            "h4" => Some("4"),
            "h5" => Some("3"),
            "h6" => Some("2"),
            _ => None,
        };
        let wrap = match (&frame.weight, heading) {
            (Some(w), _) => Some((WEIGHT_MARK, w.as_str())),
            (None, Some(w)) => Some((AUTO_WEIGHT_MARK, w)),
            (None, None) => None,
        };
        if let Some((mark, weight)) = wrap {
            frame.text = format!(" {mark}{weight} {} {END_WEIGHT_MARK} ", frame.text);
        }
        hand_down(self.top(), frame);
    }
}

/// Gives a finished frame's text to its parent.
fn hand_down(parent: &mut Frame, frame: Frame) {
    if parent.status == Status::HoldsBody && frame.outside_body() {
        return;
    }
    match frame.status {
        Status::Ignored | Status::Excluded => {}
        Status::Indexed => parent.text.push_str(&frame.text),
        Status::Body | Status::HoldsBody => {
            if parent.status != Status::HoldsBody {
                parent.text.clear();
            }
            parent.text.push_str(&frame.text);
            parent.status = Status::HoldsBody;
        }
    }
}

/// Whether a block ending in `c` gets a full stop (a word character, quote, `)`, `$`, `*`).
fn closes_sentence(c: char) -> bool {
    static WORD: OnceLock<regex::Regex> = OnceLock::new();
    let word = WORD.get_or_init(|| regex::Regex::new(r#"^[\w'")$*]$"#).expect("valid"));
    let mut buf = [0u8; 4];
    word.is_match(c.encode_utf8(&mut buf))
}

/// `a, b[attr], c:literal`: the names, with `name[attr]` read from the element's attribute
/// and everything after the first `:` kept as the last entry's literal value.
fn attribute_list(spec: &str, el: &Element) -> Vec<String> {
    if let Some((names, literal)) = spec.split_once(':') {
        let mut list = attribute_list(names, el);
        if let Some(last) = list.last_mut() {
            last.push(':');
            last.push_str(literal);
        }
        return list;
    }
    spec.split(',')
        .map(|part| {
            let part = part.trim();
            match from_attribute(part) {
                Some((name, attr)) => {
                    format!("{name}:{}", el.get_attribute(attr).unwrap_or_default())
                }
                None => part.to_string(),
            }
        })
        .collect()
}

/// `name[attribute]` (name without `:`, `[` or `]`).
fn from_attribute(part: &str) -> Option<(&str, &str)> {
    let open = part.find('[')?;
    let (name, rest) = part.split_at(open);
    let attr = rest.strip_prefix('[')?.strip_suffix(']')?;
    let bad = |c: char| c == ':' || c == '[' || c == ']';
    if name.is_empty() || name.contains(bad) || attr.is_empty() || attr.contains('\n') {
        return None;
    }
    Some((name, attr))
}

/// Text as the index keeps it: entities decoded, trimmed, line breaks made spaces, runs of
/// white space made one space.
pub fn normalize(text: &str) -> String {
    let decoded = html_escape::decode_html_entities(text);
    let trimmed = decoded.trim_matches(|c: char| c.is_whitespace());
    // Line breaks (`\n`, `\r\n`, any run of them) become one space.
    let mut lines = String::with_capacity(trimmed.len());
    let mut chars = trimmed.chars().peekable();
    while let Some(c) = chars.next() {
        let newline = c == '\n' || (c == '\r' && chars.peek() == Some(&'\n'));
        if !newline {
            lines.push(c);
            continue;
        }
        if c == '\r' {
            chars.next();
        }
        loop {
            if chars.peek() == Some(&'\n') {
                chars.next();
            } else if chars.peek() == Some(&'\r') && {
                let mut ahead = chars.clone();
                ahead.next();
                ahead.peek() == Some(&'\n')
            } {
                chars.next();
                chars.next();
            } else {
                break;
            }
        }
        lines.push(' ');
    }
    // Two or more white-space characters become one space; a single one stays as it is.
    let mut out = String::with_capacity(lines.len());
    let mut run = String::new();
    for c in lines.chars() {
        if c.is_whitespace() {
            run.push(c);
            continue;
        }
        flush_space(&mut out, &mut run);
        out.push(c);
    }
    flush_space(&mut out, &mut run);
    out
}

fn flush_space(out: &mut String, run: &mut String) {
    if run.chars().nth(1).is_some() {
        out.push(' ');
    } else {
        out.push_str(run);
    }
    run.clear();
}

/// Removes the index's private marks (`___PAGEFIND_…` and one following space) from a meta
/// or filter value.
fn strip_marks(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find("___PAGEFIND_") {
        let after = &rest[at + "___PAGEFIND_".len()..];
        let len = after.find(char::is_whitespace).unwrap_or(after.len());
        if len == 0 {
            out.push_str(&rest[..at + "___PAGEFIND_".len()]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..at]);
        let mut tail = &after[len..];
        if let Some(c) = tail.chars().next() {
            tail = &tail[c.len_utf8()..];
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Reads a page.
pub fn extract(html: &str) -> Result<Extracted, String> {
    let state = Rc::new(RefCell::new(State {
        stack: vec![Frame::root()],
        next_id: 0,
        anchors: 0,
        out: Extracted::default(),
        default_meta: BTreeMap::new(),
    }));
    let on_element = {
        let state = Rc::clone(&state);
        move |el: &mut Element| {
            let id = state.borrow_mut().open(el);
            let tag = el.tag_name();
            match el.end_tag_handlers() {
                Some(handlers) => {
                    let state = Rc::clone(&state);
                    handlers.push(Box::new(move |_end| {
                        state.borrow_mut().close(id, &tag);
                        Ok(())
                    }));
                }
                None => {
                    let mut state = state.borrow_mut();
                    let frame = state.stack.pop().expect("just pushed");
                    if frame.status != Status::Excluded {
                        state.collect(&frame);
                        void_image(&mut state.out, &tag, el);
                    }
                }
            }
            Ok(())
        }
    };
    let on_excluded = {
        let state = Rc::clone(&state);
        move |_: &mut Element| {
            state.borrow_mut().top().status = Status::Ignored;
            Ok(())
        }
    };
    let on_text = {
        let state = Rc::clone(&state);
        move |chunk: &mut TextChunk| {
            let mut state = state.borrow_mut();
            let text = chunk.as_str();
            let top = state.top();
            top.text.push_str(text);
            let ignored = matches!(top.status, Status::Ignored | Status::Excluded);
            if let Some(keys) = top.anchors.clone().filter(|_| !ignored) {
                for key in keys {
                    state.out.anchor_text.entry(key).or_default().push_str(text);
                }
            }
            Ok(())
        }
    };
    let settings = Settings::new()
        .with_strict(false)
        .append_element_content_handler(element!("html, html *", on_element))
        .append_element_content_handler(element!(NEVER_INDEXED, on_excluded))
        .append_element_content_handler(text!("html", on_text));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter
        .write(html.as_bytes())
        .and_then(|()| rewriter.end())
        .map_err(|e| format!("cannot read the page's HTML: {e}"))?;
    let state = Rc::try_unwrap(state)
        .map_err(|_| "the HTML reader still holds the page".to_string())?
        .into_inner();
    Ok(finish(state))
}

/// The first image after a title, for a page without an `image` meta field.
fn void_image(out: &mut Extracted, tag: &str, el: &Element) {
    if tag == "img"
        && !out.meta.contains_key("auto_image")
        && (out.meta.contains_key("auto_title") || out.meta.contains_key("title"))
        && let Some(src) = el.get_attribute("src")
    {
        out.meta.insert("auto_image".into(), normalize(&src));
        if let Some(alt) = el.get_attribute("alt") {
            out.meta.insert("auto_image_alt".into(), normalize(&alt));
        }
    }
}

/// Folds the frames left open into the root, and settles the meta fields.
fn finish(mut state: State) -> Extracted {
    while state.stack.len() > 1 {
        let frame = state.stack.pop().expect("more than one");
        let parent = state.top();
        if parent.status != Status::HoldsBody {
            match frame.status {
                Status::Ignored | Status::Excluded => {}
                Status::Indexed => parent.text.push_str(&frame.text),
                Status::Body | Status::HoldsBody => {
                    parent.text.clear();
                    parent.text.push_str(&frame.text);
                    parent.status = Status::HoldsBody;
                }
            }
        }
    }
    let root = state.stack.pop().expect("the root");
    let mut out = state.out;
    let meta = &mut out.meta;
    if let Some(image) = meta.remove("auto_image") {
        let alt = meta.remove("auto_image_alt").unwrap_or_default();
        if !meta.contains_key("image") {
            meta.insert("image".into(), image);
            meta.insert("image_alt".into(), alt);
        }
    }
    for auto in ["auto_title", "auto_page_title"] {
        if let Some(title) = meta.remove(auto)
            && !meta.contains_key("title")
        {
            meta.insert("title".into(), title);
        }
    }
    let mut merged = state.default_meta;
    merged.append(&mut out.meta);
    out.meta = merged
        .into_iter()
        .map(|(k, v)| (k, strip_marks(&v)))
        .collect();
    for values in out.filters.values_mut() {
        for v in values.iter_mut() {
            *v = strip_marks(v);
        }
    }
    out.digest = normalize(&root.text);
    out.has_body = root.status == Status::HoldsBody;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_white_space_as_the_index_does() {
        assert_eq!(
            normalize("  a\n\nb  c\td\u{3000}e &amp; "),
            "a b c\td\u{3000}e &"
        );
        assert_eq!(normalize("a\r\n\r\nb"), "a b");
        assert_eq!(normalize("a\rb"), "a\rb");
    }

    #[test]
    fn strips_private_marks() {
        assert_eq!(strip_marks("a ___PAGEFIND_ANCHOR___h2:0:x b"), "a b");
        assert_eq!(strip_marks("plain"), "plain");
    }

    #[test]
    fn reads_body_meta_filters_and_anchors() {
        let html = r#"<html><head><title>T</title></head><body><nav>menu</nav>
            <main data-pagefind-body data-pagefind-filter="年份:2020">
            <h1 data-pagefind-meta="title">标题</h1><p data-pagefind-ignore>不要</p>
            <h2 id="s1">第一条</h2><p>正文<a data-pagefind-filter="栏目">通知</a></p></main>
            <footer>f</footer></body></html>"#;
        let e = extract(html).unwrap();
        assert!(e.has_body);
        assert_eq!(e.meta.get("title").map(String::as_str), Some("标题"));
        assert_eq!(e.filters["年份"], vec!["2020"]);
        assert_eq!(e.filters["栏目"], vec!["通知"]);
        assert_eq!(
            e.anchor_text.get("0:s1").map(String::as_str),
            Some("第一条")
        );
        assert!(!e.digest.contains("不要") && !e.digest.contains("menu"));
        assert!(e.digest.contains("___PAGEFIND_ANCHOR___h2:0:s1"));
    }
}
