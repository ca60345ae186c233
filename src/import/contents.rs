//! The issue's own table of contents (目录), when the text prints one: its entries (a title,
//! leader dots or spaces, a page number) are not an item, and they confirm the split — an
//! entry no item's title matches, and a titled item no entry lists, are reported.

use super::furniture::{Text, Where};

/// One entry of a 目录.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The title, whitespace removed.
    pub title: String,
    /// The printed page.
    pub page: u32,
    /// Where it is.
    pub at: Where,
}

/// `title ……… 12` or `title    12`: the title and the page.
fn entry(text: &str) -> Option<(String, u32)> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = t.chars().rev().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let (head, page) = t.split_at(t.len() - digits);
    let title = head.trim_end_matches(['.', '…', '·', '-', '—', '．']);
    let leaders = head.len() > title.len()
        || text.trim_end().len()
            - text
                .trim_end()
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .trim_end()
                .len()
            > digits;
    (leaders && title.chars().count() >= 4).then(|| (title.to_string(), page.parse().unwrap_or(0)))
}

/// Takes the 目录 out of `lines`: a line `目录` (spaced out or not) and the entries after it.
pub fn take(lines: &mut Vec<Text>) -> Vec<Entry> {
    let Some(start) = lines.iter().position(|l| l.text == "目录") else {
        return Vec::new();
    };
    let mut end = start + 1;
    let mut entries = Vec::new();
    // A section's name (a banner) may stand between entries.
    while end < lines.len() {
        if let Some((title, page)) = entry(&lines[end].raw) {
            entries.push(Entry {
                title,
                page,
                at: lines[end].at,
            });
        } else if lines[end].banner.is_none() && lines[end].text.chars().count() > 8 {
            break;
        }
        end += 1;
    }
    if entries.is_empty() {
        return entries;
    }
    lines.drain(start..end);
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Text {
        Text {
            text: super::super::join::clean_line(s),
            raw: s.into(),
            ..Text::default()
        }
    }

    #[test]
    fn a_table_of_contents_is_read_and_taken_out() {
        let mut lines = vec![
            t("目  录"),
            t("文件发布"),
            t("某市人民政府关于做好防汛工作的通知……………… 1"),
            t("某市人民政府办公室关于印发方案的通知      3"),
            t("正文开始，这不是目录的一行。"),
        ];
        let entries = take(&mut lines);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].title, "某市人民政府关于做好防汛工作的通知");
        assert_eq!((entries[0].page, entries[1].page), (1, 3));
        assert_eq!(lines.len(), 1);
        assert!(take(&mut vec![t("目录"), t("这一行没有页码，也不是目录条目。")]).is_empty());
    }
}
