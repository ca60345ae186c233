//! Two columns printed side by side, as `pdftotext -layout` extracts them: a line holds a
//! line of the left column, a gap, and a line of the right column. The extraction does not
//! put the right column at one place: it writes each character in a cell of its grid, so the
//! right column starts a few cells further on a line of narrow characters than on one of
//! Chinese characters, and a text laid out by display width (a Chinese character two cells)
//! differs again. What stays is the gutter: a band of positions that the lines of both
//! columns leave blank, and that only lines spanning the page (titles, running heads, page
//! numbers) cross. A page's gutter is found from all its lines, in both measures (characters
//! and display width), and the page is read in its order: between two lines that cross the
//! gutter, the left column, then the right one. A table's columns (a 文号 first, or short
//! cells) are left alone.

use unicode_width::UnicodeWidthChar;

use super::layout::{Line, Page};
use super::lines;

/// A page is in two columns when at least this many of its lines have text on both sides of
/// one gutter.
const MIN_LINES: usize = 4;

/// How positions on a line are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Measure {
    /// One position per character (what `pdftotext -layout` writes).
    Chars,
    /// Display width: a Chinese character or full-width sign takes two positions.
    Display,
}

impl Measure {
    /// Blank positions between two runs of text that separate them: two spaces; by display
    /// width, more than one ideographic space (`公报　2022年第2期` is one run).
    fn min_gap(self) -> usize {
        match self {
            Measure::Chars => 2,
            Measure::Display => 3,
        }
    }

    fn width(self, c: char) -> usize {
        match self {
            Measure::Chars => 1,
            Measure::Display => c.width().unwrap_or(1).max(1),
        }
    }
}

/// A run of text on a line: positions `start..end` in a measure; its first character's
/// index, and how many characters it spans.
#[derive(Clone, Copy, Debug)]
struct Run {
    start: usize,
    end: usize,
    from: usize,
    chars: usize,
}

/// The runs of text of `text`, split at gaps of [`Measure::min_gap`] positions or more.
fn runs(text: &str, measure: Measure) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut col = 0;
    let mut blank_since: Option<usize> = None;
    for (i, c) in text.chars().enumerate() {
        let w = measure.width(c);
        if c.is_whitespace() {
            blank_since.get_or_insert(col);
        } else {
            let joins = match (out.last(), blank_since) {
                (Some(_), None) => true,
                (Some(_), Some(since)) => col - since < measure.min_gap(),
                (None, _) => false,
            };
            match out.last_mut() {
                Some(run) if joins => {
                    run.end = col + w;
                    run.chars = i + 1 - run.from;
                }
                _ => out.push(Run {
                    start: col,
                    end: col + w,
                    from: i,
                    chars: 1,
                }),
            }
            blank_since = None;
        }
        col += w;
    }
    out
}

/// The gutter of a page measured one way: the widest band of positions that lies between
/// two runs of text on the most lines (at least [`MIN_LINES`]).
fn gutter(rows: &[Vec<Run>], min_gap: usize) -> Option<(usize, usize)> {
    let width = rows.iter().filter_map(|r| r.last()).map(|r| r.end).max()?;
    let (mut inside, mut crossed) = (vec![0usize; width], vec![0usize; width]);
    for row in rows {
        for run in row {
            crossed[run.start..run.end].iter_mut().for_each(|n| *n += 1);
        }
        for pair in row.windows(2) {
            inside[pair[0].end..pair[1].start]
                .iter_mut()
                .for_each(|n| *n += 1);
        }
    }
    // A gap that lines of a column share is crossed by fewer lines than have it there
    // (titles, heads, page numbers); the gap after a first word (`第一条   …`) is not.
    let gap = |c: usize| crossed[c] <= inside[c];
    let peak = (0..width).filter(|&c| gap(c)).map(|c| inside[c]).max()?;
    if peak < MIN_LINES {
        return None;
    }
    // The gutter: where all the lines split in two have their gap.
    let open = |c: usize| gap(c) && inside[c] == peak;
    let mut best: Option<(usize, usize)> = None;
    let mut c = 0;
    while c < width {
        if !open(c) {
            c += 1;
            continue;
        }
        let start = c;
        let mut has_peak = false;
        while c < width && open(c) {
            has_peak |= inside[c] == peak;
            c += 1;
        }
        if has_peak && c - start >= min_gap && best.is_none_or(|(s, e)| c - start > e - s) {
            best = Some((start, c));
        }
    }
    best
}

/// Where a line of a page in two columns stands.
#[derive(Clone, Debug, PartialEq)]
enum Place {
    Blank,
    /// A run of text crosses the gutter (a title, a running head), or the line is a page
    /// number.
    Across,
    /// Text left of the gutter, right of it, or both.
    Sides {
        left: Option<String>,
        right: Option<String>,
    },
}

impl Place {
    fn is_split(&self) -> bool {
        matches!(
            self,
            Place::Sides {
                left: Some(_),
                right: Some(_)
            }
        )
    }
}

fn place(text: &str, runs: &[Run], (start, end): (usize, usize)) -> Place {
    if runs.is_empty() {
        return Place::Blank;
    }
    // A page number stands where it stands, whichever side of the gutter it is printed on.
    if runs.iter().any(|r| r.start < end && r.end > start)
        || super::furniture::page_number(text, false).is_some()
    {
        return Place::Across;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut cut = runs
        .iter()
        .find(|r| r.start >= end)
        .map_or(chars.len(), |r| r.from);
    // An indent of ideographic spaces belongs to the right column's line.
    while cut > 0 && chars[cut - 1] == '\u{3000}' {
        cut -= 1;
    }
    let left: String = chars[..cut]
        .iter()
        .collect::<String>()
        .trim_end()
        .to_owned();
    let right: String = chars[cut..]
        .iter()
        .collect::<String>()
        .trim_start_matches(' ')
        .trim_end()
        .to_owned();
    Place::Sides {
        left: (!left.trim().is_empty()).then_some(left),
        right: (!right.is_empty()).then_some(right),
    }
}

/// A page read in two columns: how well (gutter width, lines split less lines across), each
/// line's place, and each line's runs of text.
type Reading = ((usize, isize), Vec<Place>, Vec<Vec<Run>>);

/// How each line of `lines` stands on a page in two columns measured with `measure`, and
/// how well that reads the page (the gutter's width: the measure the text was laid out in
/// leaves the widest; then lines split in two, less lines crossing the gutter); `None`
/// when the page has no gutter, or what it divides is a table (first cells 文号 or short).
fn places(lines: &[Line], measure: Measure) -> Option<Reading> {
    let rows: Vec<Vec<Run>> = lines.iter().map(|l| runs(&l.text, measure)).collect();
    let band = gutter(&rows, measure.min_gap())?;
    let places: Vec<Place> = lines
        .iter()
        .zip(&rows)
        .map(|(l, r)| place(&l.text, r, band))
        .collect();
    let split = places.iter().filter(|p| p.is_split()).count();
    let across = places.iter().filter(|p| **p == Place::Across).count();
    (split >= MIN_LINES && !table(&places, &rows)).then(|| {
        (
            (band.1 - band.0, split as isize - across as isize),
            places,
            rows,
        )
    })
}

/// Whether the lines split in two of `places` are a table's rows rather than two columns of
/// text: a third of them open with a 文号, or most are a row of cells (four runs of text or
/// more, or only short ones).
fn table(places: &[Place], rows: &[Vec<Run>]) -> bool {
    let (mut split, mut numbered, mut cells) = (0, 0, 0);
    for (p, row) in places.iter().zip(rows) {
        let Place::Sides {
            left: Some(left),
            right: Some(right),
        } = p
        else {
            continue;
        };
        split += 1;
        let first = left.split_whitespace().next().unwrap_or("");
        if lines::doc_number(first).is_some() || first.contains(['〔', '﹝']) {
            numbered += 1;
        }
        let _ = right;
        if row.len() >= 4 || row.iter().all(|r| r.chars < 10) {
            cells += 1;
        }
    }
    split > 0 && (numbered * 3 >= split || cells * 2 > split)
}

/// The lines of a page read in order: between two lines that cross the gutter, the left
/// column's lines, then the right column's (unless what lies between them is a table).
/// Returns the lines and, for each stretch whose order changed, the source line where its
/// right column is first met.
fn read_in_order(
    lines: Vec<Line>,
    places: Vec<Place>,
    rows: &[Vec<Run>],
) -> (Vec<Line>, Vec<Option<usize>>) {
    let mut out = Vec::with_capacity(lines.len() + lines.len() / 2);
    let mut moved = Vec::new();
    let mut k = 0;
    while k < lines.len() {
        if places[k] == Place::Across {
            out.push(lines[k].clone());
            k += 1;
            continue;
        }
        let end = (k..lines.len())
            .find(|&j| places[j] == Place::Across)
            .unwrap_or(lines.len());
        if table(&places[k..end], &rows[k..end]) {
            out.extend_from_slice(&lines[k..end]);
        } else {
            let (stretch, changed) = stretch_in_order(&lines[k..end], &places[k..end]);
            if changed {
                // Where the right column is first met.
                let at =
                    (k..end).find(|&j| matches!(&places[j], Place::Sides { right: Some(_), .. }));
                moved.push(lines[at.unwrap_or(k)].source_line);
            }
            out.extend(stretch);
        }
        k = end;
    }
    (out, moved)
}

/// A stretch of lines between two that cross the gutter, left column first; whether that
/// changed their order.
fn stretch_in_order(lines: &[Line], places: &[Place]) -> (Vec<Line>, bool) {
    let (mut left, mut right): (Vec<Line>, Vec<Line>) = (Vec::new(), Vec::new());
    let mut changed = false;
    for (line, p) in lines.iter().zip(places) {
        let with = |text: &String| Line {
            text: text.clone(),
            ..line.clone()
        };
        match p {
            Place::Sides { left: l, right: r } => {
                if let Some(l) = l {
                    changed |= !right.is_empty();
                    left.push(with(l));
                }
                if let Some(r) = r {
                    right.push(with(r));
                }
            }
            // A blank line ends a paragraph in both columns.
            _ => {
                if !right.is_empty() {
                    right.push(line.clone());
                }
                left.push(line.clone());
            }
        }
    }
    left.append(&mut right);
    (left, changed)
}

/// Reorders the pages without positions that are printed in two columns. Returns the pages
/// and, for each stretch whose order changed, its page and the source line where it starts.
pub fn repair(pages: Vec<Page>) -> (Vec<Page>, Vec<(usize, Option<usize>)>) {
    let mut moved = Vec::new();
    let pages = pages
        .into_iter()
        .map(|mut page| {
            if page.lines.iter().any(|l| l.bbox.is_some()) {
                return page;
            }
            // The measure that reads the page best; characters first when both read it alike.
            let best = [Measure::Chars, Measure::Display]
                .into_iter()
                .filter_map(|m| places(&page.lines, m))
                .reduce(|a, b| if b.0 > a.0 { b } else { a });
            if let Some((_, places, rows)) = best {
                let (lines, starts) = read_in_order(std::mem::take(&mut page.lines), places, &rows);
                page.lines = lines;
                moved.extend(starts.into_iter().map(|line| (page.index, line)));
            }
            page
        })
        .collect();
    (pages, moved)
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

    fn texts(pages: &[Page]) -> Vec<&str> {
        pages
            .iter()
            .flat_map(|p| &p.lines)
            .map(|l| l.text.trim())
            .filter(|t| !t.is_empty())
            .collect()
    }

    /// As `pdftotext -layout` writes a page: one position per character, so the right column
    /// starts further on a line with narrow characters; a title across the gutter between two
    /// stretches in columns, a page number at the foot of the left column.
    #[test]
    fn a_gutter_found_where_the_right_column_starts_unevenly() {
        let text = "\
          关于做好防汛工作的通知
为切实做好今年防汛工作，确保人民          三、做好应急准备。各地要储备
群众生命财产安全，现将有关事项通          必要的防汛物资，组织抢险队伍
知如下。一、压实防汛责任，落实2021年度        开展演练。
各项制度。二、加强隐患排查，全面开          本通知自印发之日起施行。
展检查。
          县政府召开安全生产工作会议
4月8日，县政府召开安全生产工作会          下阶段重点工作。
议，通报全县安全生产形势，部署              
- 1 -
";
        let (pages, moved) = repair(vec![page(text)]);
        assert_eq!(
            texts(&pages),
            [
                "关于做好防汛工作的通知",
                "为切实做好今年防汛工作，确保人民",
                "群众生命财产安全，现将有关事项通",
                "知如下。一、压实防汛责任，落实2021年度",
                "各项制度。二、加强隐患排查，全面开",
                "展检查。",
                "三、做好应急准备。各地要储备",
                "必要的防汛物资，组织抢险队伍",
                "开展演练。",
                "本通知自印发之日起施行。",
                "县政府召开安全生产工作会议",
                "4月8日，县政府召开安全生产工作会",
                "议，通报全县安全生产形势，部署",
                "下阶段重点工作。",
                "- 1 -",
            ]
        );
        assert_eq!(moved.len(), 2);
    }

    /// Laid out by display width (a Chinese character two positions): the right column starts
    /// at one display position, at a different character index on each line.
    #[test]
    fn a_gutter_found_by_display_width() {
        let rows = [
            (
                "各地要落实改造资金，市财政按照",
                "头协调，每半年通报一次工作",
            ),
            ("改造面积给予每平方米100元的", "进展。"),
            ("补助。市住房和城乡建设局", "（二）提升服务功能。有条件"),
            ("负责牵头协调ABC工作，", "的小区增设养老、托育等服务"),
            ("每半年通报。", "设施，推进加装电梯。"),
        ];
        let pad = |s: &str| {
            let w: usize = s.chars().map(|c| c.width().unwrap_or(1)).sum();
            format!("{s}{}", " ".repeat(34 - w))
        };
        let text: String = rows
            .iter()
            .map(|(l, r)| format!("{}{r}\n", pad(l)))
            .collect();
        let (pages, _) = repair(vec![page(&text)]);
        let want: Vec<&str> = rows
            .iter()
            .map(|r| r.0)
            .chain(rows.iter().map(|r| r.1))
            .collect();
        assert_eq!(texts(&pages), want);
    }
}
