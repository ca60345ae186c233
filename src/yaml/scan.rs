//! A cheap look at YAML text before the parser sees it, to keep parsing bounded.
//!
//! The parser's cost grows with the square of the flow nesting depth (`[[[[…`), and aliases
//! can ask the deserializer to copy a node again and again (billion laughs). Both are settled
//! here, in one pass that is linear in the text and keeps no more than the depth limit on its
//! stacks, before the parser runs: a nesting deeper than [`MAX_DEPTH`], aliases copying more
//! than [`MAX_ALIAS_COPY`] bytes of anchored text, and any tag (`!!bool`, `!custom`, `%TAG`)
//! stop here with the byte offset where the limit was passed.
//!
//! This is not a YAML parser: it follows only what it needs (quoted and block scalars and
//! comments, so that their text is never taken for structure; indentation and `- `, `? `,
//! `key:` for block nesting; brackets for flow nesting) and leaves every syntax error to the
//! parser. Where it is unsure it counts more, never less: an anchor is taken to hold everything
//! up to the next line that is not indented deeper than the anchor's line.

use std::collections::BTreeMap;

/// The deepest nesting of collections accepted (a top-level mapping is depth 1).
pub const MAX_DEPTH: usize = 64;

/// The most bytes of anchored text the aliases of one YAML text may copy, copies made inside
/// copies included: what bounds the work of expanding them, whatever their shape.
pub const MAX_ALIAS_COPY: u64 = 100_000;

/// Why the text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Collections nested deeper than [`MAX_DEPTH`]; the offset of the one too deep.
    TooDeep,
    /// Aliases copying more than [`MAX_ALIAS_COPY`] bytes; the offset of the alias passing it.
    TooManyAliases,
    /// A tag or a `%TAG` directive; the offset of the tag.
    Tag,
}

/// Scans `text`; `Err((why, byte offset))` for the first limit passed or tag met.
pub fn scan(text: &str) -> Result<(), (Refusal, usize)> {
    let mut scanner = Scanner {
        text: text.as_bytes(),
        blocks: Vec::new(),
        flow: 0,
        expect_node: false,
        quote: None,
        block_scalar: None,
        plain_parent: None,
        open: Vec::new(),
        sizes: BTreeMap::new(),
        copied: 0,
        line_indent: 0,
        line_start: 0,
    };
    let mut start = 0;
    while start <= text.len() {
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        scanner.line(start, end)?;
        start = end + 1;
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    Sequence,
    Mapping,
}

/// An anchor whose node may still be going on, and the bytes its aliases copied so far.
struct OpenAnchor<'a> {
    name: &'a [u8],
    line_indent: usize,
    line_start: usize,
    /// The offset of its `&`.
    start: usize,
    inner: u64,
}

impl OpenAnchor<'_> {
    /// What one alias of it copies if its node ends at `end`.
    fn size(&self, end: usize) -> u64 {
        ((end - self.start) as u64).saturating_add(self.inner)
    }
}

struct Scanner<'a> {
    text: &'a [u8],
    /// Open block collections: the column of their entries, and their kind.
    blocks: Vec<(usize, Block)>,
    /// Open flow collections.
    flow: usize,
    /// Within flow, whether the next thing is the start of a node.
    expect_node: bool,
    /// The quote of a quoted scalar going on past the end of a line.
    quote: Option<u8>,
    /// Inside a block scalar whose lines are indented deeper than this (`None`: not inside).
    block_scalar: Option<isize>,
    /// A plain scalar may go on on lines indented deeper than this.
    plain_parent: Option<isize>,
    open: Vec<OpenAnchor<'a>>,
    /// Closed anchors: the bytes one alias of each copies.
    sizes: BTreeMap<&'a [u8], u64>,
    copied: u64,
    line_indent: usize,
    line_start: usize,
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t' || b == b'\r'
}

fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

impl<'a> Scanner<'a> {
    fn at(&self, i: usize, end: usize) -> Option<u8> {
        (i < end).then(|| self.text[i])
    }

    /// Whether byte `i` ends a token: a blank or the end of the line.
    fn ends(&self, i: usize, end: usize) -> bool {
        self.at(i, end).is_none_or(is_blank)
    }

    fn skip_blanks(&self, mut i: usize, end: usize) -> usize {
        while self.at(i, end).is_some_and(is_blank) {
            i += 1;
        }
        i
    }

    fn depth_check(&self, offset: usize) -> Result<(), (Refusal, usize)> {
        if self.blocks.len() + self.flow > MAX_DEPTH {
            return Err((Refusal::TooDeep, offset));
        }
        Ok(())
    }

    fn line(&mut self, start: usize, end: usize) -> Result<(), (Refusal, usize)> {
        let indent = self.text[start..end]
            .iter()
            .take_while(|&&b| b == b' ')
            .count();
        let first = start + indent;
        let blank = self.skip_blanks(first, end) == end;
        if let Some(parent) = self.block_scalar {
            if blank || indent as isize > parent {
                return Ok(());
            }
            self.block_scalar = None;
        }
        if let Some(q) = self.quote {
            let Some(i) = self.quoted(q, start, end) else {
                return Ok(());
            };
            return if self.flow > 0 {
                self.flow_part(i, end).map(drop)
            } else {
                Ok(())
            };
        }
        if self.flow > 0 {
            return self.flow_part(start, end).map(drop);
        }
        if blank || self.text[first] == b'#' {
            return Ok(());
        }
        if let Some(parent) = self.plain_parent.take()
            && indent as isize > parent
        {
            self.plain_parent = Some(parent);
            return Ok(());
        }
        self.line_indent = indent;
        self.line_start = start;
        self.close_anchors(indent, start);
        let line = &self.text[first..end];
        if indent == 0 && line.starts_with(b"%") {
            return if line.starts_with(b"%TAG") {
                Err((Refusal::Tag, first))
            } else {
                Ok(())
            };
        }
        let mut at = first;
        if indent == 0
            && (line.starts_with(b"---") || line.starts_with(b"..."))
            && self.ends(first + 3, end)
        {
            self.blocks.clear();
            at = self.skip_blanks(first + 3, end);
            if at == end {
                return Ok(());
            }
        }
        let dash = line.starts_with(b"-") && self.ends(first + 1, end);
        while let Some(&(col, kind)) = self.blocks.last() {
            if col > indent || (col == indent && kind == Block::Sequence && !dash) {
                self.blocks.pop();
            } else {
                break;
            }
        }
        self.block_node(at, end)
    }

    /// Enters the block collection of `kind` whose entries stand at `col`, unless in it.
    fn enter(&mut self, col: usize, kind: Block, offset: usize) -> Result<(), (Refusal, usize)> {
        if self.blocks.last() != Some(&(col, kind)) {
            self.blocks.push((col, kind));
            self.depth_check(offset)?;
        }
        Ok(())
    }

    /// A node in block context starting at `at`, up to the end of the line.
    fn block_node(&mut self, mut at: usize, end: usize) -> Result<(), (Refusal, usize)> {
        // Compact entries: `- - a`, `- key: v`, `? key`.
        loop {
            at = self.skip_blanks(at, end);
            match self.at(at, end) {
                Some(b'-') if self.ends(at + 1, end) => {
                    self.enter(at - self.line_start, Block::Sequence, at)?;
                    at += 1;
                }
                Some(b'?') if self.ends(at + 1, end) => {
                    self.enter(at - self.line_start, Block::Mapping, at)?;
                    at += 1;
                }
                _ => break,
            }
        }
        let col = at - self.line_start;
        at = self.properties(at, end)?;
        match self.at(at, end) {
            None | Some(b'#') => Ok(()),
            Some(b'[' | b'{') => {
                let rest = self.flow_part(at, end)?;
                // A flow collection that ends on this line may be a key: `[a, b]: c`.
                match rest {
                    Some(i) if self.at(i, end) == Some(b':') && self.ends(i + 1, end) => {
                        self.enter(col, Block::Mapping, at)?;
                        self.value(i + 1, end)
                    }
                    _ => Ok(()),
                }
            }
            Some(b'|' | b'>') => {
                self.block_scalar = Some(self.parent_indent());
                Ok(())
            }
            Some(q @ (b'"' | b'\'')) => match self.quoted(q, at + 1, end) {
                Some(i) => {
                    let i = self.skip_blanks(i, end);
                    if self.at(i, end) == Some(b':') && self.ends(i + 1, end) {
                        self.enter(col, Block::Mapping, at)?;
                        self.value(i + 1, end)
                    } else {
                        Ok(())
                    }
                }
                None => Ok(()),
            },
            Some(_) => match self.key_colon(at, end) {
                Some(colon) => {
                    self.enter(col, Block::Mapping, at)?;
                    self.value(colon + 1, end)
                }
                None => {
                    self.plain_parent = Some(self.parent_indent());
                    Ok(())
                }
            },
        }
    }

    /// The column a block scalar's or plain scalar's lines must be indented deeper than.
    fn parent_indent(&self) -> isize {
        self.blocks.last().map_or(-1, |&(col, _)| col as isize)
    }

    /// The `:` ending a plain key that starts at `at`, if the line holds one.
    fn key_colon(&self, mut at: usize, end: usize) -> Option<usize> {
        while at < end {
            match self.text[at] {
                b':' if self.ends(at + 1, end) => return Some(at),
                b'#' if is_blank(self.text[at - 1]) => return None,
                _ => at += 1,
            }
        }
        None
    }

    /// The value of a block mapping entry, after its `:`.
    fn value(&mut self, at: usize, end: usize) -> Result<(), (Refusal, usize)> {
        let at = self.skip_blanks(at, end);
        let at = self.properties(at, end)?;
        match self.at(at, end) {
            None | Some(b'#') => Ok(()),
            Some(b'[' | b'{') => self.flow_part(at, end).map(|_| ()),
            Some(b'|' | b'>') => {
                self.block_scalar = Some(self.parent_indent());
                Ok(())
            }
            Some(q @ (b'"' | b'\'')) => {
                self.quoted(q, at + 1, end);
                Ok(())
            }
            Some(_) => {
                self.plain_parent = Some(self.parent_indent());
                Ok(())
            }
        }
    }

    /// Tags, anchors and aliases at the start of a node; returns where the node goes on.
    fn properties(&mut self, mut at: usize, end: usize) -> Result<usize, (Refusal, usize)> {
        loop {
            at = self.skip_blanks(at, end);
            let Some(b @ (b'!' | b'&' | b'*')) = self.at(at, end) else {
                return Ok(at);
            };
            if b == b'!' {
                return Err((Refusal::Tag, at));
            }
            let name_start = at + 1;
            let mut i = name_start;
            while self
                .at(i, end)
                .is_some_and(|c| !(is_blank(c) || (self.flow > 0 && is_flow_indicator(c))))
            {
                i += 1;
            }
            let name = &self.text[name_start..i];
            if b == b'&' {
                self.open.push(OpenAnchor {
                    name,
                    line_indent: self.line_indent,
                    line_start: self.line_start,
                    start: at,
                    inner: 0,
                });
                if self.open.len() > MAX_DEPTH {
                    // More anchors open at once than nodes can nest: take the oldest as closed.
                    let oldest = self.open.remove(0);
                    self.sizes.insert(oldest.name, oldest.size(at));
                }
            } else {
                let cost = match self.sizes.get(name) {
                    Some(&size) => size,
                    // An alias inside its own anchor (which the parser refuses) or unknown.
                    None => self
                        .open
                        .iter()
                        .rfind(|a| a.name == name)
                        .map_or(1, |a| a.size(at)),
                };
                self.copied = self.copied.saturating_add(cost);
                for anchor in &mut self.open {
                    anchor.inner = anchor.inner.saturating_add(cost);
                }
                if self.copied > MAX_ALIAS_COPY {
                    return Err((Refusal::TooManyAliases, at));
                }
            }
            at = i;
        }
    }

    /// Closes the anchors whose node ended before a block line indented `indent`.
    fn close_anchors(&mut self, indent: usize, line_start: usize) {
        while let Some(last) = self.open.last() {
            if last.line_start < line_start && last.line_indent >= indent {
                let anchor = self.open.pop().expect("just looked");
                self.sizes.insert(anchor.name, anchor.size(line_start));
            } else {
                break;
            }
        }
    }

    /// Skips a quoted scalar from `at` (just past the opening quote); the offset after the
    /// closing quote, or `None` when it goes on past the line (then [`Scanner::quote`] is set).
    fn quoted(&mut self, q: u8, mut at: usize, end: usize) -> Option<usize> {
        while at < end {
            let b = self.text[at];
            if q == b'"' && b == b'\\' {
                at += 2;
                continue;
            }
            if b == q {
                if q == b'\'' && self.at(at + 1, end) == Some(b'\'') {
                    at += 2;
                    continue;
                }
                self.quote = None;
                return Some(at + 1);
            }
            at += 1;
        }
        self.quote = Some(q);
        None
    }

    /// Flow context from `at`; the offset where flow context ended on this line, if it did.
    fn flow_part(&mut self, mut at: usize, end: usize) -> Result<Option<usize>, (Refusal, usize)> {
        if self.flow == 0 {
            self.expect_node = true;
        }
        let line_start = at;
        while at < end {
            let b = self.text[at];
            match b {
                b' ' | b'\t' | b'\r' => at += 1,
                b'#' if at == line_start || is_blank(self.text[at - 1]) => return Ok(None),
                b'[' | b'{' => {
                    self.flow += 1;
                    self.depth_check(at)?;
                    self.expect_node = true;
                    at += 1;
                }
                b']' | b'}' => {
                    self.flow = self.flow.saturating_sub(1);
                    self.expect_node = false;
                    at += 1;
                    if self.flow == 0 {
                        return Ok(Some(self.skip_blanks(at, end)));
                    }
                }
                b',' | b'?' => {
                    self.expect_node = true;
                    at += 1;
                }
                b':' if self
                    .at(at + 1, end)
                    .is_none_or(|c| is_blank(c) || is_flow_indicator(c)) =>
                {
                    self.expect_node = true;
                    at += 1;
                }
                b'"' | b'\'' => {
                    self.expect_node = false;
                    match self.quoted(b, at + 1, end) {
                        Some(i) => at = i,
                        None => return Ok(None),
                    }
                }
                b'!' | b'&' | b'*' if self.expect_node => {
                    at = self.properties(at, end)?;
                }
                _ => {
                    // A plain scalar: up to a flow indicator, `: ` or ` #`.
                    self.expect_node = false;
                    at += 1;
                    while let Some(c) = self.at(at, end) {
                        if is_flow_indicator(c)
                            || (c == b':'
                                && self
                                    .at(at + 1, end)
                                    .is_none_or(|n| is_blank(n) || is_flow_indicator(n)))
                            || (c == b'#' && is_blank(self.text[at - 1]))
                        {
                            break;
                        }
                        at += 1;
                    }
                }
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(text: &str) -> Option<(Refusal, usize)> {
        scan(text).err()
    }

    #[test]
    fn ordinary_front_matter_passes() {
        let text = "title: 关于[2019]通知!\nissuers: [温州市人民政府, \"a: b\"]\nstatus:\n  state: 废止\nattachments:\n  - {title: 附件, file: a.pdf}\n  - title: b\n    file: b.pdf\nnote: |\n  !not a tag\n  &nor an anchor\nsubjects:\n- a\n- 'it''s *fine*'\nx: 50% & more *really*\n";
        assert_eq!(refusal(text), None);
    }

    #[test]
    fn tags_are_found_where_nodes_start() {
        let text = "title: !!bool yes\n";
        assert_eq!(refusal(text), Some((Refusal::Tag, 7)));
        assert_eq!(refusal("a:\n  - !custom x\n").map(|r| r.1), Some(7));
        assert_eq!(refusal("a: [1, !!str 2]\n").map(|r| r.1), Some(7));
        assert_eq!(
            refusal("!!python/object:os.system x: 1\n").map(|r| r.1),
            Some(0)
        );
        assert_eq!(
            refusal("%TAG ! tag:x,2000:\n---\na: 1\n").map(|r| r.0),
            Some(Refusal::Tag)
        );
        assert_eq!(refusal("a: \"!x\"\nb: c!d\n"), None);
    }

    #[test]
    fn flow_nesting_is_limited() {
        let deep = format!("extra: {}", "[".repeat(80_000));
        assert_eq!(refusal(&deep), Some((Refusal::TooDeep, 7 + MAX_DEPTH - 1)));
        let fits = format!(
            "extra: {}{}",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert_eq!(refusal(&fits), None);
    }

    #[test]
    fn block_nesting_is_limited() {
        let deep = format!("a:\n{}x\n", "- ".repeat(MAX_DEPTH));
        assert_eq!(
            refusal(&deep),
            Some((Refusal::TooDeep, 3 + 2 * (MAX_DEPTH - 1)))
        );
        let mut indented = String::new();
        for i in 0..=MAX_DEPTH {
            indented.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
        }
        assert_eq!(refusal(&indented).map(|r| r.0), Some(Refusal::TooDeep));
    }

    #[test]
    fn alias_expansions_are_limited() {
        let mut laughs = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let refs = vec![format!("*a{}", i - 1); 9].join(", ");
            laughs.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let (why, at) = refusal(&laughs).expect("refused");
        assert_eq!(why, Refusal::TooManyAliases);
        // Each level copies nine times the one before: a4's aliases of a3 pass 100,000 bytes.
        assert_eq!(&laughs[at..at + 3], "*a3");
        assert!(
            laughs[..at].ends_with("a4: &a4 [*a3, *a3, "),
            "{}",
            &laughs[..at]
        );
        assert_eq!(refusal("a: &x 1\nb: *x\nc: [*x, *x]\n"), None);
        // A big anchored value copied a few times passes the limit too.
        let big = format!("a: &x [{}]\nb: [*x, *x, *x]\n", "1, ".repeat(20_000));
        assert_eq!(refusal(&big).map(|r| r.0), Some(Refusal::TooManyAliases));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "([-?:!&*\\[\\]{},#|>\"' \nab%.]{0,40}|(- |  |\\[|&a |\\*a |k: )){0,60}") {
            let _ = scan(&text);
        }
    }
}
