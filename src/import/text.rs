//! Extracted text to pages of lines: a form feed (what `pdftotext` writes between pages) is
//! a page break; without one the whole text is one page, and the page numbers printed in
//! the text divide it later ([`super::furniture`]).

use super::layout::{Line, Page};

/// Splits `text` into pages at form feeds; every line keeps its 1-based line number.
/// Blank lines are kept (as empty lines): a caption or a table row may end at one.
pub fn pages(text: &str) -> Vec<Page> {
    let mut pages = vec![Page {
        index: 1,
        ..Page::default()
    }];
    for (i, raw) in text.split('\n').enumerate() {
        let mut parts = raw.trim_end_matches('\r').split('\u{c}');
        let first = parts.next().unwrap_or("");
        push(&mut pages, first, i + 1);
        for part in parts {
            let index = pages.len() + 1;
            pages.push(Page {
                index,
                ..Page::default()
            });
            push(&mut pages, part, i + 1);
        }
    }
    // A form feed at the very end opens no page.
    if pages.len() > 1
        && pages
            .last()
            .is_some_and(|p| p.lines.iter().all(|l| l.text.trim().is_empty()))
    {
        pages.pop();
    }
    pages
}

fn push(pages: &mut [Page], text: &str, line: usize) {
    let page = pages.last_mut().expect("there is always a page");
    page.lines.push(Line {
        text: text.to_string(),
        bbox: None,
        font_size: None,
        source_line: Some(line),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_feeds_break_pages_and_lines_keep_numbers() {
        let p = pages("一\n二\u{c}三\r\n四\u{c}");
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].lines.len(), 2);
        assert_eq!(p[1].lines[0].text, "三");
        assert_eq!(p[1].lines[1].source_line, Some(3));
        assert_eq!(pages("a\nb").len(), 1);
    }
}
