//! A list of documents by 文号 and title (a 发文目录), printed as a table whose cells the
//! extraction put on lines of their own: a 文号 line, then its title line, row after row.
//!
//! Such a run is a listing, not documents: a document's 文号 is followed by its title and
//! then its text, never by another 文号 and title. The split keeps the run inside the item
//! that lists it, and the markup makes it a 文号 table.

use std::borrow::Borrow;

use super::furniture::Text;
use super::lines;
use crate::content::doc_number::DocNumber;

/// A listing found: where it ends, and its rows (文号, title).
#[derive(Clone, Debug, PartialEq)]
pub struct Listing {
    /// The index after its last line.
    pub end: usize,
    /// The rows: 文号 (as printed), title.
    pub rows: Vec<[String; 2]>,
}

/// The 文号 a cell holds, an order's (`温州市人民政府令第5号`) too.
fn number_cell(text: &str) -> bool {
    let bare: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    bare.chars().count() <= 30
        && DocNumber::parse(&bare).is_ok_and(|n| n.year.is_some() || n.prefix.ends_with('令'))
}

/// A table header printed as its own lines (`文号`, `标题`): a few short words.
fn header_cell(text: &str) -> bool {
    let n = text.chars().count();
    (1..=4).contains(&n) && !text.contains(['，', '。', '：', '；'])
}

/// One row starting at line `j`: a 文号 and its title on one line (`温州市人民政府令第5号
/// 温州市城市道路停车管理办法`) or the title on the next line; a title that ends in no 文种
/// goes on on the following line.
fn row<T: Borrow<Text>>(lines: &[T], j: usize) -> Option<(usize, [String; 2])> {
    let get = |k: usize| lines.get(k).map(Borrow::borrow);
    let t = get(j)?;
    let words: Vec<&str> = t.raw.split_whitespace().collect();
    let (number, mut title, mut k) = if number_cell(&t.text) {
        let next = get(j + 1)?;
        if number_cell(&next.text) || next.banner.is_some() {
            return None;
        }
        (t.text.clone(), next.text.clone(), j + 2)
    } else if words.len() >= 2 && number_cell(words[0]) {
        let rest = super::join::clean_line(&words[1..].join(" "));
        (words[0].to_string(), rest, j + 1)
    } else {
        return None;
    };
    if title.ends_with(lines::SENTENCE_END) || title.contains('。') {
        return None;
    }
    while lines::title_doc_type(&title).is_none()
        && let Some(next) = get(k)
        && !number_cell(&next.text)
        && next.banner.is_none()
        && !next.text.contains('。')
        && title.chars().count() < 80
    {
        title.push_str(&next.text);
        k += 1;
    }
    Some((k, [number, title]))
}

/// The listing that starts at line `i` (its header lines included), if at least two rows
/// follow one another there.
pub fn at<T: Borrow<Text>>(lines: &[T], i: usize) -> Option<Listing> {
    let mut j = i;
    while j < i + 3 && lines.get(j).is_some_and(|t| header_cell(&t.borrow().text)) {
        j += 1;
    }
    let mut rows = Vec::new();
    while let Some((next, r)) = row(lines, j) {
        rows.push(r);
        j = next;
    }
    (rows.len() >= 2).then_some(Listing { end: j, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Text {
        Text {
            text: super::super::join::clean_line(s),
            raw: s.to_string(),
            ..Text::default()
        }
    }

    #[test]
    fn numbers_and_titles_on_lines_of_their_own_are_a_listing() {
        let lines: Vec<Text> = [
            "文号",
            "标题",
            "温州市人民政府令第5号 温州市城市道路停车管理办法",
            "温政发〔2020〕1号",
            "温州市人民政府关于公布2020年市级重点建设项目的通知",
            "温政办〔2020〕3号",
            "温州市人民政府办公室关于印发温州市老旧小区改造三年行动计划",
            "（2020—2022年）的通知",
            "正文。",
        ]
        .map(t)
        .to_vec();
        let refs: Vec<&Text> = lines.iter().collect();
        let l = at(&refs, 0).expect("a listing");
        assert_eq!(l.end, 8);
        assert_eq!(l.rows.len(), 3);
        assert_eq!(l.rows[0][0], "温州市人民政府令第5号");
        assert_eq!(
            l.rows[2][1],
            "温州市人民政府办公室关于印发温州市老旧小区改造三年行动计划（2020—2022年）的通知"
        );
    }

    #[test]
    fn a_document_is_not_a_listing() {
        let lines: Vec<Text> = [
            "温政发〔2020〕1号",
            "温州市人民政府关于公布2020年市级重点建设项目的通知",
            "各县（市、区）人民政府：",
            "现将有关事项通知如下。",
        ]
        .map(t)
        .to_vec();
        let refs: Vec<&Text> = lines.iter().collect();
        assert_eq!(at(&refs, 0), None);
    }
}
