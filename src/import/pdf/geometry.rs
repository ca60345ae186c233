//! From positioned text fragments to printed lines in reading order.
//!
//! A PDF says where each piece of text is drawn, not which line or column it belongs to, and
//! the order it is drawn in is no guide (a title block may be drawn after its body). So the
//! order is rebuilt from geometry alone: fragments on one baseline form a row; a row falls
//! apart into runs where a wide gap separates its pieces; a gutter is an x position that many
//! rows have a gap at and few runs cross; rows between full-width rows (titles, running heads,
//! page numbers, tables) form a column block, read left column first, then right column.

use crate::import::layout::{Line, Rect};

/// A piece of text drawn on a page, in points from the page's top-left corner.
#[derive(Clone, Debug, PartialEq)]
pub struct Fragment {
    /// The text as decoded.
    pub text: String,
    /// Left edge.
    pub x0: f32,
    /// Right edge.
    pub x1: f32,
    /// Baseline, from the top of the page.
    pub baseline: f32,
    /// Font size in points (never below 1).
    pub size: f32,
}

impl Fragment {
    /// A fragment from the PDF's coordinates (origin bottom-left, `y` the baseline), or
    /// `None` when its numbers are not usable (NaN, infinite, negative width or size).
    pub fn from_pdf(
        text: &str,
        x: f64,
        y: f64,
        width: f64,
        size: f64,
        page_height: f32,
    ) -> Option<Fragment> {
        let numbers = [x, y, width, size];
        if numbers.iter().any(|n| !n.is_finite()) || width < 0.0 || size <= 0.0 {
            return None;
        }
        Some(Fragment {
            text: text.to_owned(),
            x0: x as f32,
            x1: (x + width) as f32,
            baseline: page_height - y as f32,
            size: (size as f32).max(1.0),
        })
    }
}

/// The lines of one page in reading order.
pub fn lines(fragments: Vec<Fragment>) -> Vec<Line> {
    let rows = rows(fragments);
    let runs: Vec<Vec<Run>> = rows.iter().map(|row| runs(row)).collect();
    let gutter = gutter(&runs);
    order(runs, gutter)
}

/// Fragments that share a baseline (within a fraction of the font size), left to right.
fn rows(mut fragments: Vec<Fragment>) -> Vec<Vec<Fragment>> {
    fragments.sort_by(|a, b| {
        a.baseline
            .total_cmp(&b.baseline)
            .then(a.x0.total_cmp(&b.x0))
    });
    let mut rows: Vec<Vec<Fragment>> = Vec::new();
    for fragment in fragments {
        let joins = rows.last().is_some_and(|row| {
            let first = &row[0];
            (fragment.baseline - first.baseline).abs() <= 0.3 * first.size.min(fragment.size)
        });
        match rows.last_mut() {
            Some(row) if joins => row.push(fragment),
            _ => rows.push(vec![fragment]),
        }
    }
    for row in &mut rows {
        row.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    }
    rows
}

/// A stretch of one row with no wide gap inside: one line of one column, or one table cell.
#[derive(Clone, Debug)]
struct Run {
    text: String,
    x0: f32,
    x1: f32,
    top: f32,
    bottom: f32,
    size: f32,
}

/// A gap wider than this many font sizes ends a run.
const RUN_GAP: f32 = 1.5;
/// A gap wider than this many font sizes inside a run becomes a space.
const SPACE_GAP: f32 = 0.25;

fn runs(row: &[Fragment]) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    for fragment in row {
        let ascent = 0.88 * fragment.size;
        let descent = 0.12 * fragment.size;
        let gap = out.last().map(|run| fragment.x0 - run.x1);
        let em = fragment.size;
        match (out.last_mut(), gap) {
            (Some(run), Some(gap)) if gap < RUN_GAP * em => {
                if gap > SPACE_GAP * em && !run.text.ends_with(' ') {
                    run.text.push(' ');
                }
                run.text.push_str(&fragment.text);
                run.x1 = run.x1.max(fragment.x1);
                run.top = run.top.min(fragment.baseline - ascent);
                run.bottom = run.bottom.max(fragment.baseline + descent);
                run.size = run.size.max(fragment.size);
            }
            _ => out.push(Run {
                text: fragment.text.clone(),
                x0: fragment.x0,
                x1: fragment.x1,
                top: fragment.baseline - ascent,
                bottom: fragment.baseline + descent,
                size: fragment.size,
            }),
        }
    }
    out
}

/// Rows with this many runs or more are a table, not two columns of text.
const TABLE_RUNS: usize = 3;
/// A line that starts within this many font sizes of its column's left edge is a line of
/// the column (a paragraph indent is two).
const INDENT: f32 = 3.0;
/// Each column of a two-column page needs at least this many lines.
const COLUMN_LINES: usize = 3;

/// The x position between two columns of text, if the page has two.
///
/// A candidate is a position just beside the edge of a run, in the middle half of the text's
/// width. It counts the runs wholly left of it, wholly right of it, and across it. On a
/// two-column page, only running heads, titles and page numbers cross the gutter, and both
/// sides hold many lines; on a one-column page, nearly every line crosses the middle, and
/// only a signature or a date stands wholly right of it. Table rows are left out: their cells
/// would pose as columns.
fn gutter(rows: &[Vec<Run>]) -> Option<f32> {
    let text: Vec<&Run> = rows
        .iter()
        .filter(|row| row.len() < TABLE_RUNS)
        .flatten()
        .collect();
    let left = text.iter().map(|r| r.x0).fold(f32::INFINITY, f32::min);
    let right = text.iter().map(|r| r.x1).fold(f32::NEG_INFINITY, f32::max);
    let width = right - left;
    // Edges in the middle half, to the point: a page of many thousand fragments (a hostile
    // file) still has only a few hundred candidates.
    let mut candidates: Vec<f32> = text
        .iter()
        .flat_map(|r| [r.x1 + 0.5, r.x0 - 0.5])
        .filter(|at| (left + 0.25 * width..=right - 0.25 * width).contains(at))
        .map(|at| (at * 2.0).round() / 2.0)
        .collect();
    candidates.sort_by(f32::total_cmp);
    candidates.dedup();
    let mut best: Option<(usize, usize, f32)> = None;
    for at in candidates {
        let (mut before, mut after, mut across) = (0, 0, 0);
        for run in &text {
            if run.x1 <= at {
                before += 1;
            } else if run.x0 >= at {
                after += 1;
            } else {
                across += 1;
            }
        }
        let sides = before.min(after);
        if sides < COLUMN_LINES || across >= sides {
            continue;
        }
        // Fewest lines across the gutter first, then the most even split.
        let better = best.is_none_or(|(a, s, _)| across < a || (across == a && sides > s));
        if better {
            best = Some((across, sides, at));
        }
    }
    // The middle of the empty band between the columns, so that a centred title spanning
    // both columns crosses it even where it stops short of the right column's edge. The band
    // starts where the left column's lines end: the lines that start at the column's left
    // edge, or a paragraph indent from it (a centred title does not).
    best.map(|(_, _, at)| {
        let before: Vec<&&Run> = text.iter().filter(|r| r.x1 <= at).collect();
        let edge = before.iter().map(|r| r.x0).fold(f32::INFINITY, f32::min);
        let end = before
            .iter()
            .filter(|r| r.x0 <= edge + INDENT * r.size)
            .map(|r| r.x1)
            .fold(edge, f32::max);
        let after = text
            .iter()
            .map(|r| r.x0)
            .filter(|&x| x >= at)
            .fold(right, f32::min);
        (end + after) / 2.0
    })
}

/// Rows top to bottom; between full-width rows, the left column, then the right column.
fn order(rows: Vec<Vec<Run>>, gutter: Option<f32>) -> Vec<Line> {
    let mut lines = Vec::new();
    let (mut left, mut right): (Vec<Run>, Vec<Run>) = (Vec::new(), Vec::new());
    for row in rows {
        let full = match gutter {
            None => true,
            Some(at) => row.len() >= TABLE_RUNS || row.iter().any(|r| r.x0 < at && at < r.x1),
        };
        if full {
            flush(&mut lines, &mut left, &mut right);
            if row.len() >= TABLE_RUNS {
                // A table's row is one line, its cells apart by a wide gap, as a text
                // extraction prints it.
                lines.push(table_row(row));
            } else {
                lines.extend(row.into_iter().map(line));
            }
        } else if let Some(at) = gutter {
            for run in row {
                if run.x1 <= at {
                    left.push(run);
                } else {
                    right.push(run);
                }
            }
        }
    }
    flush(&mut lines, &mut left, &mut right);
    lines
}

fn flush(lines: &mut Vec<Line>, left: &mut Vec<Run>, right: &mut Vec<Run>) {
    lines.extend(left.drain(..).map(line));
    lines.extend(right.drain(..).map(line));
}

/// The runs of a table's row as one line, cells joined by a gap of three spaces.
fn table_row(row: Vec<Run>) -> Line {
    let mut runs = row.into_iter();
    let mut first = runs.next().expect("a row has a run");
    first.text = first.text.trim().to_owned();
    for run in runs {
        first.text.push_str("   ");
        first.text.push_str(run.text.trim());
        first.x1 = first.x1.max(run.x1);
        first.top = first.top.min(run.top);
        first.bottom = first.bottom.max(run.bottom);
        first.size = first.size.max(run.size);
    }
    line(first)
}

fn line(run: Run) -> Line {
    Line {
        // A fragment may bring the space before or after it; a line does not keep it.
        text: run.text.trim().to_owned(),
        bbox: Some(Rect {
            x: run.x0,
            y: run.top,
            width: run.x1 - run.x0,
            height: run.bottom - run.top,
        }),
        font_size: Some(run.size),
        source_line: None,
    }
}

#[cfg(test)]
#[path = "geometry_tests.rs"]
mod tests;
