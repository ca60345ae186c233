//! Two columns printed side by side, as `pdftotext -layout` extracts them: each line holds
//! a line of the left column, a wide gap, and a line of the right column. Where a run of
//! lines has that gap at one place, the run is read as the print reads it: the whole left
//! column, then the whole right column. A table's columns (a 文号 first, or short cells) are
//! left alone.

use super::layout::{Line, Page};
use super::lines;

/// Where the right column starts in `text` (a character index), if a gap of three or more
/// spaces (an ideographic space counts two) separates two runs of text.
fn gap_at(text: &str) -> Option<usize> {
    let chars: Vec<char> = text.chars().collect();
    let first = chars.iter().position(|c| !c.is_whitespace())?;
    let mut i = first;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            let start = i;
            let mut width = 0;
            while i < chars.len() && chars[i].is_whitespace() {
                width += if chars[i] == '\u{3000}' { 2 } else { 1 };
                i += 1;
            }
            if width >= 3 && i < chars.len() && start > first {
                return Some(i);
            }
        } else {
            i += 1;
        }
    }
    None
}

/// A run of at least this many lines split at one place is two columns.
const MIN_LINES: usize = 6;

/// Reorders two-column runs of each page without positions. Returns the pages and the
/// source lines where a reordered run starts.
pub fn repair(pages: Vec<Page>) -> (Vec<Page>, Vec<(usize, Option<usize>)>) {
    let mut moved = Vec::new();
    let pages = pages
        .into_iter()
        .map(|mut page| {
            if page.lines.iter().any(|l| l.bbox.is_some()) {
                return page;
            }
            let mut out: Vec<Line> = Vec::with_capacity(page.lines.len());
            let lines = std::mem::take(&mut page.lines);
            let mut i = 0;
            while i < lines.len() {
                match run_at(&lines, i) {
                    Some((end, at)) => {
                        moved.push((page.index, lines[i].source_line));
                        let (mut left, mut right) = (Vec::new(), Vec::new());
                        for l in &lines[i..end] {
                            let chars: Vec<char> = l.text.chars().collect();
                            let cut = at.min(chars.len());
                            left.push(Line {
                                text: chars[..cut]
                                    .iter()
                                    .collect::<String>()
                                    .trim_end()
                                    .to_string(),
                                ..l.clone()
                            });
                            let r: String = chars[cut..].iter().collect();
                            if !r.trim().is_empty() {
                                right.push(Line {
                                    text: r.trim().to_string(),
                                    ..l.clone()
                                });
                            }
                        }
                        out.extend(left);
                        out.extend(right);
                        i = end;
                    }
                    None => {
                        out.push(lines[i].clone());
                        i += 1;
                    }
                }
            }
            page.lines = out;
            page
        })
        .collect();
    (pages, moved)
}

/// A two-column run starting at `i`: its end and where the right column starts.
fn run_at(lines: &[Line], i: usize) -> Option<(usize, usize)> {
    let at = gap_at(&lines[i].text)?;
    let mut end = i;
    let mut split = 0;
    let mut numbered = 0;
    let mut short = 0;
    // After the last line split in two: the end of the run.
    let mut after_split = i;
    while end < lines.len() {
        let text = &lines[end].text;
        if text.trim().is_empty() {
            end += 1;
            continue;
        }
        match gap_at(text) {
            Some(g) if g.abs_diff(at) <= 2 => {
                split += 1;
                let left: String = text.chars().take(at).collect();
                let first_cell = left.split_whitespace().next().unwrap_or("");
                if lines::doc_number(first_cell).is_some() || first_cell.contains(['〔', '﹝']) {
                    numbered += 1;
                }
                // A table's first cells are short; a column's lines are not.
                if left.trim().chars().count() < 6 {
                    short += 1;
                }
                after_split = end + 1;
            }
            // A line of the left column alone (the right one ended).
            None if text.chars().count() <= at => {}
            _ => break,
        }
        end += 1;
    }
    // Lines of the left column alone right after the last split line (no blank line, no
    // page number between) end the left column; what follows is not part of the run.
    let mut end = after_split;
    while end < lines.len()
        && !lines[end].text.trim().is_empty()
        && lines[end].text.chars().count() <= at
        && super::furniture::page_number(&lines[end].text, false).is_none()
    {
        end += 1;
    }
    (split >= MIN_LINES && numbered * 3 < split && short * 3 < split).then_some((end, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Page {
        super::super::text::pages(text).remove(0)
    }

    #[test]
    fn side_by_side_columns_read_left_then_right() {
        let rows = [
            (
                "一、总体要求。以减量化为目标，",
                "三、保障措施。县财政每年安排",
            ),
            ("建立健全分类投放体系。", "专项资金，对考核优秀的乡镇"),
            ("二、主要任务。各乡镇要指导农", "给予奖励。"),
            ("户按照四类进行分类投放，每个", "四、本通知自2020年4月1日起"),
            ("行政村至少设置1个集中投放点", "施行，有效期至2022年3月31日"),
            ("并做好日常管理。", "。"),
        ];
        let text: String = rows
            .iter()
            .map(|(l, r)| format!("{l:<20}      {r}\n"))
            .collect();
        let (pages, moved) = repair(vec![page(&text)]);
        let got: Vec<&str> = pages[0]
            .lines
            .iter()
            .map(|l| l.text.trim())
            .filter(|t| !t.is_empty())
            .collect();
        let want: Vec<&str> = rows
            .iter()
            .map(|r| r.0)
            .chain(rows.iter().map(|r| r.1))
            .collect();
        assert_eq!(got, want);
        assert_eq!(moved.len(), 1);
    }

    #[test]
    fn tables_and_single_columns_are_left_alone() {
        let table: String = (1..=8)
            .map(|n| {
                format!(
                    "温政发〔2020〕{n}号{}温州市人民政府关于某事的通知\n",
                    " ".repeat(4 + n % 3)
                )
            })
            .collect();
        let (pages, moved) = repair(vec![page(&table)]);
        assert!(moved.is_empty());
        assert_eq!(
            pages[0].lines[0].text,
            "温政发〔2020〕1号     温州市人民政府关于某事的通知"
        );
        let (_, moved) = repair(vec![page("一行文字。\n又一行文字。\n")]);
        assert!(moved.is_empty());
    }
}
