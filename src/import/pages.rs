//! The printed page of every line: read from the page numbers printed in the text, and
//! inferred where a page carries none, from the numbers around it (pages are sequential).
//!
//! A gazette numbers its inner pages; the covers stand outside the numbering. Many
//! extractions keep only some of the printed numbers (a number drawn as an image, or in a
//! frame the extraction skipped), so a stretch of text between the numbers `8` and `19`
//! holds pages 8 to 18. Where those pages begin is taken from the places at which a new
//! page may begin (a running head in the middle of the text, or a line the extraction
//! began a new text block with): when there are as many such places as missing pages,
//! each opens one; when there are more, those nearest to an even division of the stretch;
//! when there are fewer, the stretch is divided evenly. Pages before the first printed
//! number count down to page 1 (what lies before page 1 is a cover); pages after the last
//! printed number are left unnumbered (the back cover and its inside are not numbered).

/// The printed page of a line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageNo {
    /// The printed page number, when known.
    pub number: Option<u32>,
    /// The number is inferred: the page prints none.
    pub inferred: bool,
}

/// A run of lines between page breaks the source makes: a page of a PDF or of a text with
/// form feeds, or the text from one printed page number to the next.
#[derive(Clone, Debug, Default)]
pub struct Stretch {
    /// Its number of lines.
    pub len: usize,
    /// The line printing its page number, and the number.
    pub number: Option<(usize, u32)>,
    /// Its first line of text (not furniture).
    pub first: Option<usize>,
    /// Lines (after the first) at which a page without a printed number may begin.
    pub starts: Vec<usize>,
}

/// At most this many pages are inferred between two printed numbers: a larger gap is a
/// misread number, not missing pages.
const MAX_GAP: u32 = 64;

/// The printed page of every line of every stretch. `text` says that the stretches are
/// one text divided by its printed page numbers (not pages of the source); `foot` that the
/// numbers stand at the foot of their page (each closes it) rather than at its head.
pub fn assign(stretches: &[Stretch], text: bool, foot: bool) -> Vec<Vec<PageNo>> {
    if !text {
        return source_pages(stretches);
    }
    let numbers: Vec<Option<u32>> = stretches.iter().map(|s| s.number.map(|n| n.1)).collect();
    let next_number = |p: usize| numbers[p + 1..].iter().flatten().next().copied();
    let prev_number = |p: usize| numbers[..p].iter().rev().flatten().next().copied();
    stretches
        .iter()
        .enumerate()
        .map(|(p, s)| {
            let mut marks: Vec<(usize, PageNo)> = Vec::new();
            match (s.number, foot) {
                // The number opens its page; the pages up to the next number follow it.
                (Some((_, n)), false) => {
                    marks.push((0, found(n)));
                    if let Some(m) = next_number(p).filter(|m| *m > n && *m - n <= MAX_GAP) {
                        let at = choose(s, (m - n - 1) as usize);
                        marks.extend(at.iter().zip(n + 1..).map(|(&i, k)| (i, inferred(k))));
                    } else {
                        // After the last printed number: pages outside the numbering.
                        marks.extend(s.starts.iter().map(|&i| (i, PageNo::default())));
                    }
                }
                // The number closes its page; the pages since the previous number lead to it.
                (Some((at, m)), true) => match prev_number(p).filter(|n| *n < m) {
                    Some(n) if m - n <= MAX_GAP => {
                        let breaks = choose(s, (m - n - 1) as usize);
                        marks.push((0, page(n + 1, breaks.is_empty())));
                        marks.extend(
                            breaks
                                .iter()
                                .zip(n + 2..)
                                .map(|(&i, k)| (i, page(k, k == m))),
                        );
                    }
                    _ => marks = counted_down(s, m, Some(at)),
                },
                // Text before the first printed number, which opens the next page.
                (None, false) => {
                    marks = match next_number(p) {
                        Some(n) if p == 0 && n > 1 => counted_down(s, n - 1, None),
                        _ => vec![(0, PageNo::default())],
                    };
                }
                // Text after the last number printed at a foot.
                (None, true) => marks.push((0, PageNo::default())),
            }
            let mut out = Vec::with_capacity(s.len);
            let mut k = 0;
            let mut current = PageNo::default();
            for i in 0..s.len {
                while k < marks.len() && marks[k].0 <= i {
                    current = marks[k].1;
                    k += 1;
                }
                out.push(current);
            }
            out
        })
        .collect()
}

fn found(n: u32) -> PageNo {
    PageNo {
        number: Some(n),
        inferred: false,
    }
}

fn inferred(n: u32) -> PageNo {
    PageNo {
        number: Some(n),
        inferred: true,
    }
}

fn page(n: u32, printed: bool) -> PageNo {
    PageNo {
        number: Some(n),
        inferred: !printed,
    }
}

/// Pages counted down to `last` from the stretch's page starts (its first line among
/// them), the last start opening page `last`; lines before the first start that still
/// gets a page number (page 1) are a cover's. `printed` is the line of `last`'s number,
/// when the stretch prints it.
fn counted_down(s: &Stretch, last: u32, printed: Option<usize>) -> Vec<(usize, PageNo)> {
    let mut starts: Vec<usize> = s
        .first
        .into_iter()
        .chain(s.starts.iter().copied())
        .collect();
    starts.dedup();
    let keep = starts.len().min(last as usize);
    let kept = &starts[starts.len() - keep..];
    let mut marks = vec![(0, PageNo::default())];
    for (j, &i) in kept.iter().enumerate() {
        let n = last - (keep - 1 - j) as u32;
        let printed_here = printed.is_some() && n == last;
        marks.push((i, page(n, printed_here)));
    }
    marks
}

/// Where `k` pages without a printed number begin in the stretch: its page starts when
/// there are exactly `k`; those nearest an even division of it when there are more; an
/// even division when there are fewer.
fn choose(s: &Stretch, k: usize) -> Vec<usize> {
    if k == 0 {
        return Vec::new();
    }
    let first = s.first.unwrap_or(0);
    let span = s.len.saturating_sub(first).max(1);
    let targets: Vec<usize> = (1..=k).map(|j| first + j * span / (k + 1)).collect();
    if s.starts.len() < k {
        return targets;
    }
    // In order, each target takes the nearest start still free, leaving enough starts
    // for the targets after it.
    let mut out = Vec::with_capacity(k);
    let mut from = 0;
    for (j, &t) in targets.iter().enumerate() {
        let to = s.starts.len() - (k - 1 - j);
        let best = (from..to)
            .min_by_key(|&c| s.starts[c].abs_diff(t))
            .expect("a start is left for every target");
        out.push(s.starts[best]);
        from = best + 1;
    }
    out
}

/// Pages of the source (a PDF, or a text with form feeds): a page without a printed number
/// follows the last number printed before it; pages before the first count down to page 1.
fn source_pages(stretches: &[Stretch]) -> Vec<Vec<PageNo>> {
    let numbers: Vec<Option<u32>> = stretches.iter().map(|s| s.number.map(|n| n.1)).collect();
    let last_printed = numbers.iter().rposition(Option::is_some);
    stretches
        .iter()
        .enumerate()
        .map(|(p, s)| {
            let no = if let Some(n) = numbers[p] {
                found(n)
            } else if let Some((q, n)) = (0..p).rev().find_map(|q| numbers[q].map(|n| (q, n))) {
                // Between two printed numbers; after the last one, a cover.
                if last_printed.is_some_and(|l| l > p) {
                    inferred(n + (p - q) as u32)
                } else {
                    PageNo::default()
                }
            } else if let Some((q, n)) =
                (p + 1..numbers.len()).find_map(|q| numbers[q].map(|n| (q, n)))
            {
                let back = (q - p) as u32;
                if n > back {
                    inferred(n - back)
                } else {
                    PageNo::default()
                }
            } else {
                PageNo::default()
            };
            vec![no; s.len]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stretch(len: usize, number: Option<u32>, starts: &[usize]) -> Stretch {
        Stretch {
            len,
            number: number.map(|n| (0, n)),
            first: Some(if number.is_some() { 1 } else { 0 }),
            starts: starts.to_vec(),
        }
    }

    fn numbers(p: &[PageNo]) -> Vec<Option<u32>> {
        p.iter().map(|n| n.number).collect()
    }

    #[test]
    fn missing_pages_begin_at_the_page_starts() {
        // Text, then the numbers 4 and 8 printed at the head of their pages.
        let s = [
            stretch(6, None, &[2, 4]),
            stretch(10, Some(4), &[3, 6, 8]),
            stretch(3, Some(8), &[]),
        ];
        let p = assign(&s, true, false);
        // Before 4: three starts (the first line, 2, 4) are pages 1 to 3.
        assert_eq!(numbers(&p[0]), [1, 1, 2, 2, 3, 3].map(Some));
        assert!(p[0].iter().all(|n| n.inferred));
        // Pages 5, 6 and 7 begin at the three starts.
        assert_eq!(
            numbers(&p[1]),
            [4, 4, 4, 5, 5, 5, 6, 6, 7, 7].map(Some).to_vec()
        );
        assert!(!p[1][0].inferred && p[1][3].inferred);
        assert_eq!(numbers(&p[2]), [8, 8, 8].map(Some));
    }

    #[test]
    fn more_starts_than_pages_before_the_first_number_leave_a_cover() {
        let p = assign(
            &[stretch(6, None, &[2, 4]), stretch(2, Some(3), &[])],
            true,
            false,
        );
        assert_eq!(
            numbers(&p[0]),
            [None, None, Some(1), Some(1), Some(2), Some(2)]
        );
    }

    #[test]
    fn without_starts_the_stretch_is_divided_evenly() {
        let s = [stretch(9, Some(1), &[]), stretch(1, Some(3), &[])];
        let p = assign(&s, true, false);
        assert_eq!(numbers(&p[0])[..5], [1, 1, 1, 1, 1].map(Some));
        assert_eq!(numbers(&p[0])[5..], [2, 2, 2, 2].map(Some));
    }

    #[test]
    fn pages_after_the_last_number_stay_unnumbered() {
        let p = assign(&[stretch(6, Some(7), &[3])], true, false);
        assert_eq!(
            numbers(&p[0]),
            [7, 7, 7]
                .map(Some)
                .into_iter()
                .chain([None; 3])
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn numbers_at_the_foot_close_their_pages() {
        let s = [
            Stretch {
                len: 3,
                number: Some((2, 1)),
                first: Some(0),
                starts: vec![],
            },
            Stretch {
                len: 5,
                number: Some((4, 3)),
                first: Some(0),
                starts: vec![2],
            },
        ];
        let p = assign(&s, true, true);
        assert_eq!(numbers(&p[0]), [1, 1, 1].map(Some));
        assert_eq!(numbers(&p[1]), [2, 2, 3, 3, 3].map(Some));
        assert!(p[1][0].inferred && !p[1][4].inferred);
    }

    #[test]
    fn source_pages_between_numbers_are_counted() {
        let s = [
            stretch(1, None, &[]),
            stretch(1, None, &[]),
            stretch(1, Some(3), &[]),
            stretch(1, None, &[]),
            stretch(1, Some(5), &[]),
            stretch(1, None, &[]),
        ];
        let p: Vec<Option<u32>> = assign(&s, false, false)
            .iter()
            .map(|v| v[0].number)
            .collect();
        assert_eq!(p, [Some(1), Some(2), Some(3), Some(4), Some(5), None]);
    }
}
