//! Where printed items start and end, and reading order put back.
//!
//! An item starts at a 文号 or 登记号 line, a title ending in a 文种 (`…关于…的通知`), an
//! order (`…人民政府令` / `第N号`), a section banner, a running head naming another section,
//! a brief's headline (a short line before a paragraph that opens with a date), or a 主送机关
//! line after a signed document. Extracted text often prints a title block after the body
//! it belongs to (at the foot of the first page, or after the signature): a title block
//! met inside, or right after, a document that has none yet is that document's, and is
//! moved to its front. A notice that issues a document (`关于印发…的通知`) keeps the issued
//! text, under a `##` heading, wherever the extraction put its title; so does an 附件.

use super::furniture::{Text, Where};
use super::lines::{self, SENTENCE_END};
use super::listing;
use super::reorder::{attachment_note, closing_heading, page_top};
use super::titles::{credit_line, is_title_line, join_title, title_block, title_text};
use crate::content::date::Date;
use crate::content::doc_number::DocNumber;

/// A block of an item's body, before markup.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A line of text.
    Line(Text),
    /// A `##` heading: an issued document's or an 附件's title.
    Heading(String, Where),
    /// A signature block: the organ lines and the date line.
    Signature {
        /// The lines as printed, organs then date.
        lines: Vec<Text>,
        /// Organs named (none for `市长  张三`).
        organs: Vec<String>,
        /// 成文日期.
        date: Date,
    },
}

/// One printed item, split out.
#[derive(Clone, Debug, Default)]
pub struct Item {
    /// 栏目.
    pub section: Option<String>,
    /// The title as printed (lines joined) and where its lines are.
    pub title: Option<(String, Where)>,
    /// The title is the editor's (the print gives none): the section's name.
    pub editorial_title: bool,
    /// 文号.
    pub doc_number: Option<(DocNumber, Where)>,
    /// 登记号.
    pub registration: Option<(String, Where)>,
    /// 主送机关.
    pub addressees: Option<(Vec<String>, Where)>,
    /// The body.
    pub blocks: Vec<Block>,
    /// A signature block was met.
    pub signed: bool,
    /// Where the text a notice issues starts (after the notice's signature).
    pub issued_at: Option<usize>,
    /// Where the item starts and why.
    pub start: Where,
    /// Why the item starts there.
    pub start_reason: &'static str,
    /// The start was guessed (no 文号, title or banner says so).
    pub guessed: bool,
    /// Started by a 主送机关 line or a 文号: a document whose title may come later.
    pub document_like: bool,
    /// Uncertainties: where, what.
    pub notes: Vec<(Where, String)>,
    /// The printed pages of its title block's lines, and whether each was inferred.
    pub title_pages: Vec<(u32, bool)>,
}

impl Item {
    fn new(section: Option<String>, at: Where, reason: &'static str, guessed: bool) -> Item {
        Item {
            section,
            start: at,
            start_reason: reason,
            guessed,
            ..Item::default()
        }
    }

    /// The name of the document a `关于印发…的通知` issues.
    pub fn issued_name(&self) -> Option<String> {
        let (title, _) = self.title.as_ref()?;
        let after = &title[title.find("印发")? + "印发".len()..];
        if let Some(open) = after.find('《') {
            let rest = &after[open + '《'.len_utf8()..];
            return rest.find('》').map(|close| rest[..close].to_string());
        }
        let end = after.rfind('的')?;
        Some(after[..end].to_string())
    }
}

/// A signature block starting at `i`: organ line(s), then a date line. Returns the end.
fn signature(lines: &[Text], i: usize) -> Option<(usize, Vec<String>, Date)> {
    let mut organs = Vec::new();
    let mut j = i;
    while j < lines.len() && j < i + 5 {
        if let Some(date) = lines::date_line(&lines[j].text) {
            return (j > i
                && (!organs.is_empty() || lines::signature_organs(&lines[j - 1].raw).is_some()))
            .then_some((j + 1, organs, date));
        }
        // A name broken before its bracketed part: `…集聚区` / `（经开区、瓯飞）管委会`.
        if let Some(next) = lines.get(j + 1)
            && next.text.starts_with('（')
            && lines::is_organ(&format!("{}{}", lines[j].text, next.text))
        {
            organs.push(format!("{}{}", lines[j].text, next.text));
            j += 2;
            continue;
        }
        organs.extend(lines::signature_organs(&lines[j].raw)?);
        j += 1;
    }
    None
}

/// Line `k` is clearly shorter than the line before it (it ends its paragraph or stands
/// alone).
fn is_short_after(lines: &[Text], k: usize) -> bool {
    let n = lines[k].text.chars().count();
    k.checked_sub(1)
        .is_none_or(|p| n + 3 <= lines[p].text.chars().count())
}

/// A paragraph that opens with a date (`12月2日，…`, `近日，…`), or names one in its first
/// words (`中共某市委全会12月27日召开`): how a news item begins.
fn starts_with_date(text: &str) -> bool {
    if text.starts_with("近日") || text.starts_with("日前") {
        return true;
    }
    let head: String = text.chars().take(32).collect();
    head.char_indices().any(|(i, c)| {
        c.is_ascii_digit() && (i == 0 || !head[..i].ends_with(|p: char| p.is_ascii_digit())) && {
            let rest = &head[i..];
            let d = rest.chars().take_while(char::is_ascii_digit).count();
            rest[d..].starts_with('月') && {
                let r = &rest[d + '月'.len_utf8()..];
                let e = r.chars().take_while(char::is_ascii_digit).count();
                e > 0 && r[e..].starts_with('日')
            }
        }
    })
}

/// A brief's headline (one or two lines): short lines closing nothing, after a finished
/// sentence (or a signature), before a paragraph that opens with a date. Returns how many
/// lines it takes.
fn headline(lines: &[Text], i: usize, after_signature: bool) -> Option<usize> {
    let prev_done = i == 0
        || after_signature
        || lines[i - 1].banner.is_some()
        || lines[i - 1].text.ends_with(['。', '！', '？', '”'])
        || lines[i].page_break_before;
    let plain = |t: &Text| {
        t.text.chars().count() <= 34
            && !t.text.ends_with(SENTENCE_END)
            && !t.text.contains(['。', '，'])
            && lines::marker(&t.text).is_none()
            && t.banner.is_none()
    };
    if !prev_done {
        return None;
    }
    // A month's record of events (`2月份市政府记事`) is a heading over its first day (`3日`).
    let day = |t: &str| {
        let d = t.chars().take_while(char::is_ascii_digit).count();
        d > 0 && t[d..].starts_with('日')
    };
    if plain(&lines[i])
        && (lines[i].text.ends_with("记事") || lines[i].text.ends_with("大事记"))
        && lines.get(i + 1).is_some_and(|n| day(&n.text))
    {
        return Some(1);
    }
    // The longest headline that fits: a second short line is the headline's, not the news.
    (1..=2).rev().find(|&k| {
        i + k < lines.len() && lines[i..i + k].iter().all(plain) && {
            // The date may run over the line end: `…会议1` / `2月27日…`.
            let next = lines.get(i + k + 1).map_or("", |l| l.text.as_str());
            starts_with_date(&format!("{}{next}", lines[i + k].text))
        }
    })
}

/// Splits the cleaned lines into items. `first_section` is the site's first 栏目, given to
/// text printed before the first item when the running heads name another section;
/// `defaults` is where each kind of item goes when nothing names its section.
pub fn split(lines: &[Text], first_section: Option<&str>, defaults: &Defaults) -> Vec<Item> {
    let mut s = Splitter {
        lines,
        items: Vec::new(),
        cur: None,
        section: None,
        last_head: None,
        first_section,
    };
    let mut i = 0;
    while i < lines.len() {
        if let Some(section) = &lines[i].banner {
            i = s.banner(i, section);
            continue;
        }
        s.head(i);
        if let Some(l) = listing::at(lines, i) {
            i = s.listing(i, l.end);
            continue;
        }
        i = s
            .issued_title(i)
            .or_else(|| s.title(i))
            .or_else(|| s.signature(i))
            .or_else(|| s.attachment(i))
            .or_else(|| s.addressee(i))
            .or_else(|| s.headline(i))
            .unwrap_or_else(|| s.text(i));
    }
    s.finish(defaults)
}

/// The title of the document `c` issues, as a `##` heading where the issued text starts.
fn issued_heading(c: &mut Item, title: String, at: Where) {
    let to = c.issued_at.unwrap_or(c.blocks.len()).min(c.blocks.len());
    if to < c.blocks.len() {
        c.notes.push((
            at,
            format!(
                "title of the issued document, printed later: moved to where its text starts ({} lines before)",
                c.blocks.len() - to
            ),
        ));
    }
    c.blocks.insert(to, Block::Heading(title, at));
}

/// Where an item goes when no banner or running head names its section: the site's
/// sections for each kind of printed item, where the site has them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Defaults<'a> {
    /// A numbered document: where `gazette new doc` puts it.
    pub documents: Option<&'a str>,
    /// A brief (a headline over a paragraph that opens with a date): the 简讯 section.
    pub briefs: Option<&'a str>,
    /// A record of the month's events (`2月份市政府记事`, `大事记`): the 记事 section.
    pub chronicle: Option<&'a str>,
}

/// The state of [`split`] as it reads the lines.
struct Splitter<'a> {
    lines: &'a [Text],
    items: Vec<Item>,
    cur: Option<Item>,
    /// The section the lines are in.
    section: Option<String>,
    /// The section named by the running head of the line before.
    last_head: Option<String>,
    first_section: Option<&'a str>,
}

impl Splitter<'_> {
    /// Closes the current item (an empty one, such as a banner's before the title block
    /// that follows it, is dropped) and opens `item`.
    fn open(&mut self, item: Item) {
        let empty = self.cur.as_ref().is_some_and(|c| {
            c.blocks.is_empty()
                && c.title.is_none()
                && c.doc_number.is_none()
                && c.addressees.is_none()
        });
        if !empty {
            self.items.extend(self.cur.take());
        }
        self.cur = Some(item);
    }

    /// A section banner opens the section and an item; a title-like line printed just
    /// before it (the extraction put it there) is that item's title. A banner the
    /// extraction put inside a paragraph (the line before ends no sentence, the line after
    /// goes on with it) names the section of the items around it but starts none.
    fn banner(&mut self, i: usize, s: &str) -> usize {
        let lines = self.lines;
        let t = &lines[i];
        self.section = Some(s.to_string());
        let inside = i.checked_sub(1).is_some_and(|p| {
            let p = &lines[p];
            !p.text.ends_with(SENTENCE_END)
                && !p.text.ends_with(['”', '）'])
                && !is_short_after(lines, i - 1)
        }) && lines
            .get(i + 1)
            .is_some_and(|n| lines::marker(&n.text).is_none() && !is_title_line(n));
        if inside
            && let Some(c) = self.cur.as_mut()
            && !c.document_like
        {
            c.section = Some(s.to_string());
            for item in self.items.iter_mut().rev() {
                if item.start_reason != "headline" {
                    break;
                }
                item.section = Some(s.to_string());
            }
            c.notes.push((
                t.at,
                format!(
                    "the banner of {s} is printed inside this item's text: taken as its section"
                ),
            ));
            return i + 1;
        }
        let mut item = Item::new(Some(s.to_string()), t.at, "section banner", false);
        if let Some(c) = self.cur.as_mut()
            && let Some(Block::Line(last)) = c.blocks.last()
            && is_title_line(last)
            && is_short_after(lines, i - 1)
            && c.blocks.len() > 1
        {
            let last = last.clone();
            c.blocks.pop();
            item.title = Some((last.text.clone(), last.at));
            item.notes.push((
                last.at,
                "title printed before the section banner: moved after it".into(),
            ));
            // Title and banner put by the extraction inside a paragraph (the line before
            // them goes on after them): a section opens a page, so the item starts where
            // that page's text does.
            let interrupted = matches!(c.blocks.last(), Some(Block::Line(p)) if !p.text.ends_with(SENTENCE_END))
                && lines.get(i + 1).is_some_and(|n| {
                    lines::marker(&n.text).is_none() && !is_title_line(n) && n.banner.is_none()
                });
            if interrupted && let Some(k) = page_top(&c.blocks) {
                let moved = c.blocks.split_off(k);
                if let Some(Block::Line(first)) = moved.first() {
                    item.start = first.at;
                    item.notes.push((
                        first.at,
                        format!("title and banner printed inside this item's text: the item starts at the top of its page ({} lines before them)", moved.len()),
                    ));
                }
                item.blocks = moved;
            }
        }
        // An item a running head opened, still without a title, is the banner's.
        if let Some(c) = self.cur.as_mut()
            && c.start_reason == "running head names the section"
            && c.title.is_none()
        {
            c.section = Some(s.to_string());
            c.title = item.title.take();
            c.notes.append(&mut item.notes);
            return i + 1;
        }
        self.open(item);
        i + 1
    }

    /// A running head naming another section opens an item.
    fn head(&mut self, i: usize) {
        let t = &self.lines[i];
        if let Some(h) = &t.head_section
            && self.last_head.as_deref() != Some(h)
        {
            let first = self.last_head.is_none();
            self.last_head = Some(h.clone());
            self.section = Some(h.clone());
            if !first
                && self
                    .cur
                    .as_ref()
                    .is_none_or(|c| c.section.as_deref() != Some(h))
            {
                self.open(Item::new(
                    Some(h.clone()),
                    t.at,
                    "running head names the section",
                    true,
                ));
            }
        }
    }

    /// A title block: the title of a document the current notice issues, the title block of
    /// the current document printed after its body, or the start of a new document.
    fn title(&mut self, i: usize) -> Option<usize> {
        let tb = title_block(self.lines, i)?;
        let cur = self.cur.as_ref();
        let plain_ok = tb.title.is_some()
            && cur.is_some_and(|c| {
                c.title.is_none() && c.doc_number.is_some() && tb.doc_number.is_none()
            });
        let bare = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let issued = tb.doc_number.is_none()
            && tb.title.as_ref().is_some_and(|(t, _)| {
                cur.and_then(Item::issued_name)
                    .is_some_and(|n| bare(&n) == bare(t))
            });
        if issued {
            let c = self.cur.as_mut().expect("checked");
            let (title, at) = tb.title.expect("checked");
            issued_heading(c, title, at);
            return Some(tb.end);
        }
        if !(tb.strong || plain_ok) {
            return None;
        }
        let attach = cur.is_some_and(|c| {
            c.title.is_none()
                && c.document_like
                && !(tb.doc_number.is_some() && c.doc_number.is_some())
                && !(tb.registration.is_some() && c.registration.is_some())
        });
        let end = tb.end;
        if attach {
            let c = self.cur.as_mut().expect("checked");
            let at = tb
                .title
                .as_ref()
                .map(|t| t.1)
                .or(tb.doc_number.as_ref().map(|d| d.1))
                .unwrap_or(self.lines[i].at);
            if c.blocks.iter().any(|b| matches!(b, Block::Line(_))) {
                c.notes.push((
                    at,
                    "title block printed after its body: moved to the front".into(),
                ));
            }
            let title_only = tb.doc_number.is_none() && tb.registration.is_none();
            c.title_pages.extend(tb.pages.iter().copied());
            c.title = c.title.take().or(tb.title);
            c.doc_number = c.doc_number.take().or(tb.doc_number);
            c.registration = c.registration.take().or(tb.registration);
            // The text after a signed notice that issues a document, or after an order's
            // signature, is the issued text.
            let order = c.doc_number.as_ref().is_some_and(|n| n.0.year.is_none());
            if c.signed && c.issued_at.is_none() && (order || c.issued_name().is_some()) {
                c.issued_at = Some(c.blocks.len());
                // After an order's signature, its title is the promulgated regulation's
                // name, which heads the regulation's text.
                if order
                    && title_only
                    && let Some((title, at)) = &c.title
                {
                    c.blocks.push(Block::Heading(title.clone(), *at));
                }
            }
        } else {
            let reason = if tb.doc_number.is_some() {
                "文号 line"
            } else if tb.registration.is_some() {
                "登记号 line"
            } else {
                "title ending in a 文种"
            };
            let mut item = Item::new(self.section.clone(), self.lines[i].at, reason, false);
            item.document_like = true;
            item.title_pages = tb.pages;
            item.title = tb.title;
            item.doc_number = tb.doc_number;
            item.registration = tb.registration;
            self.open(item);
        }
        Some(end)
    }

    /// A listing of documents (文号 and title, row after row) stays in the item that prints
    /// it (a 发文目录); after a signed document, or before any item, it opens one.
    fn listing(&mut self, i: usize, end: usize) -> usize {
        let lines = self.lines;
        let open = self
            .cur
            .as_ref()
            .is_none_or(|c| c.signed && c.issued_at.is_none());
        if open {
            self.open(Item::new(
                self.section.clone(),
                lines[i].at,
                "a listing of 文号 and titles",
                true,
            ));
        }
        let c = self.cur.as_mut().expect("an item is open");
        c.blocks
            .extend(lines[i..end].iter().map(|t| Block::Line(t.clone())));
        end
    }

    /// The title of the document the current notice issues, when it ends in no 文种
    /// (`…三年行动计划（2020—2022年）`), on up to three lines.
    fn issued_title(&mut self, i: usize) -> Option<usize> {
        let bare = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let name = bare(&self.cur.as_ref()?.issued_name()?);
        let mut joined = String::new();
        for (k, t) in self.lines[i..].iter().take(3).enumerate() {
            joined.push_str(&bare(&t.text));
            if !name.starts_with(&joined) {
                return None;
            }
            if joined == name {
                let c = self.cur.as_mut().expect("checked");
                issued_heading(
                    c,
                    self.lines[i..=i + k]
                        .iter()
                        .map(|t| t.text.as_str())
                        .collect(),
                    self.lines[i].at,
                );
                return Some(i + k + 1);
            }
        }
        None
    }

    /// A signature block closes the current item's notice.
    fn signature(&mut self, i: usize) -> Option<usize> {
        let (end, organs, date) = signature(self.lines, i)?;
        let c = self.cur.as_mut()?;
        c.blocks.push(Block::Signature {
            lines: self.lines[i..end].to_vec(),
            organs,
            date,
        });
        if !c.signed && c.issued_name().is_some() {
            c.issued_at = Some(c.blocks.len());
        }
        c.signed = true;
        Some(end)
    }

    /// An 附件 heading standing alone, then its title: a `##` heading of the item.
    fn attachment(&mut self, i: usize) -> Option<usize> {
        let lines = self.lines;
        let bare: String = lines[i]
            .text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if !(bare.starts_with("附件") && bare["附件".len()..].chars().all(|c| c.is_ascii_digit()))
        {
            return None;
        }
        let c = self.cur.as_mut()?;
        let mut j = i + 1;
        let mut parts: Vec<&Text> = Vec::new();
        // A title does not run on over a page break: text there goes on from before.
        while j < lines.len()
            && parts.len() < 4
            && is_title_line(&lines[j])
            && lines[j].banner.is_none()
            && (!lines[j].page_break_before || parts.is_empty())
            && lines[j]
                .raw
                .split("   ")
                .filter(|c| !c.trim().is_empty())
                .count()
                < 3
        {
            parts.push(&lines[j]);
            j += 1;
        }
        let title = join_title(&parts);
        let heading = if title.is_empty() {
            bare.clone()
        } else {
            format!("{bare}\u{3000}{title}")
        };
        // The 附件说明 (`附件：title`) names the attachment; when the extraction printed the
        // attached text right after it and the heading later, the heading goes back there.
        if !title.is_empty()
            && let Some(k) = attachment_note(&c.blocks, &bare, &title)
            && k < c.blocks.len()
            && c.blocks[k..].iter().all(|b| matches!(b, Block::Line(_)))
        {
            c.notes.push((
                lines[i].at,
                format!(
                    "附件 heading printed after its text: moved to where its text starts ({} lines before)",
                    c.blocks.len() - k
                ),
            ));
            c.blocks.insert(k, Block::Heading(heading, lines[i].at));
            return Some(j);
        }
        c.blocks.push(Block::Heading(heading, lines[i].at));
        // The attached text follows, after the notice's signature too.
        if c.signed {
            c.issued_at = Some(c.blocks.len());
        }
        Some(j)
    }

    /// A 主送机关 line, which opens a paragraph (the line before it ends a sentence): after
    /// a signed document it starts the next one.
    fn addressee(&mut self, i: usize) -> Option<usize> {
        let lines = self.lines;
        let t = &lines[i];
        let opens = i == 0
            || lines[i - 1].text.ends_with(SENTENCE_END)
            || lines::date_line(&lines[i - 1].text).is_some()
            || is_title_line(&lines[i - 1]);
        if !opens {
            return None;
        }
        let a = lines::addressees(&t.text)?;
        if self.cur.as_ref().is_none_or(|c| c.signed) {
            let mut item = Item::new(
                self.section.clone(),
                t.at,
                "主送机关 line after a signed document",
                true,
            );
            item.document_like = true;
            item.addressees = Some((a, t.at));
            self.open(item);
            return Some(i + 1);
        }
        let c = self.cur.as_mut()?;
        if c.addressees.is_none() && !c.blocks.iter().any(|b| matches!(b, Block::Line(_))) {
            c.addressees = Some((a, t.at));
            return Some(i + 1);
        }
        None
    }

    /// A brief's headline, outside numbered documents.
    fn headline(&mut self, i: usize) -> Option<usize> {
        // A signed document ends at its signature: a headline may follow it.
        let signed = self
            .cur
            .as_ref()
            .is_some_and(|c| c.signed && c.issued_at.is_none());
        let no_number = self
            .cur
            .as_ref()
            .is_none_or(|c| c.doc_number.is_none() && !c.document_like);
        if !no_number && !signed {
            return None;
        }
        let k = headline(self.lines, i, signed)?;
        let opened_by_banner = self
            .cur
            .as_ref()
            .is_some_and(|c| c.title.is_none() && c.blocks.is_empty());
        let mut item = if opened_by_banner {
            self.cur.take().expect("checked")
        } else {
            self.items.extend(self.cur.take());
            Item::new(self.section.clone(), self.lines[i].at, "headline", false)
        };
        let parts: Vec<&Text> = self.lines[i..i + k].iter().collect();
        item.title = Some((join_title(&parts), self.lines[i].at));
        self.cur = Some(item);
        Some(i + k)
    }

    /// A line of text.
    fn text(&mut self, i: usize) -> usize {
        let t = &self.lines[i];
        match self.cur.as_mut() {
            // The first line of an item a banner or a head opened: its title, when it reads
            // as one.
            Some(c)
                if c.title.is_none()
                    && c.blocks
                        .iter()
                        .all(|b| matches!(b, Block::Line(l) if credit_line(&l.text)))
                    && !c.document_like
                    && is_title_line(t)
                    && !credit_line(&t.text) =>
            {
                c.title = Some((title_text(t), t.at));
            }
            // A subtitle (`——…`) right under such a title is part of it.
            Some(c)
                if c.blocks.is_empty()
                    && !c.document_like
                    && t.text.starts_with("——")
                    && c.title
                        .as_ref()
                        .is_some_and(|(title, _)| !title.contains("——")) =>
            {
                if let Some((title, _)) = c.title.as_mut() {
                    title.push_str(&t.text);
                }
            }
            Some(c) if c.signed && c.issued_at.is_none() => {
                let mut item = Item::new(
                    self.section.clone(),
                    t.at,
                    "text after a signed document",
                    true,
                );
                item.blocks.push(Block::Line(t.clone()));
                self.open(item);
            }
            Some(c) => c.blocks.push(Block::Line(t.clone())),
            None => {
                let mut item = Item::new(
                    self.section.clone(),
                    t.at,
                    "text before the first item",
                    true,
                );
                if self.items.is_empty()
                    && self.section.is_some()
                    && let Some(first) = self.first_section
                    && self.section.as_deref() != Some(first)
                {
                    item.section = Some(first.to_string());
                    item.notes.push((t.at, format!("section guessed: text before the first document, given the site's first section {first}")));
                }
                item.blocks.push(Block::Line(t.clone()));
                self.cur = Some(item);
            }
        }
        i + 1
    }

    /// The items, each with a title (or the note that it has none) and a section.
    fn finish(mut self, defaults: &Defaults) -> Vec<Item> {
        let first_section = self.first_section;
        self.items.extend(self.cur.take());
        let mut items = self.items;
        for item in &mut items {
            closing_heading(item);
            if item.title.is_none() {
                item.editorial_title = true;
            }
            if item.section.is_none() {
                // No banner or running head names the section: a numbered document goes
                // where `gazette new doc` puts it.
                // A brief or a chronicle goes to its kind's section.
                let chronicle = item
                    .title
                    .as_ref()
                    .is_some_and(|t| t.0.ends_with("记事") || t.0.ends_with("大事记"));
                let default = if item.document_like || item.doc_number.is_some() {
                    defaults.documents
                } else if chronicle {
                    defaults.chronicle
                } else if item.start_reason == "headline" {
                    defaults.briefs
                } else {
                    None
                };
                let default = default.or(first_section);
                item.section = default.map(str::to_string);
                item.notes.push((
                    item.start,
                    "section guessed: no banner or running head names it".into(),
                ));
            }
        }
        // A running head naming no section opened an item: it takes the section before it.
        let mut before: Option<String> = None;
        for item in &mut items {
            if item.section.as_deref() == Some("") {
                item.section = before.clone().or(first_section.map(str::to_string));
                item.notes.push((
                    item.start,
                    "section guessed: the running head names none; the section of the item before"
                        .into(),
                ));
            }
            before = item.section.clone();
        }
        items
    }
}
