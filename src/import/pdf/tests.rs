//! The reader on the printed test issues of `tests/import/` and on the bad inputs beside them.

use super::*;
use crate::import::layout::Line;

fn fixture(path: &str) -> Vec<u8> {
    let path = format!("{}/tests/import/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn fixture_text(path: &str) -> String {
    String::from_utf8(fixture(path)).unwrap()
}

/// The three printed test issues: laid out two-column (Chromium, subset TrueType fonts with
/// ToUnicode), single column with a CID font that is neither embedded nor mapped
/// (reportlab, UniGB-UCS2-H), and one narrow column with items running on mid-page.
const ISSUES: [&str; 3] = ["two-column", "cid-single", "narrow"];

const SECTIONS: [&str; 8] = [
    "图片新闻",
    "文件发布",
    "机构人事",
    "政务简讯",
    "政府记事",
    "发文目录",
    "统计资料",
    "单位风采",
];

/// Characters that carry the text: CJK ideographs and digits (punctuation and Latin letters
/// differ in width and spacing between sources, not in what they say).
fn significant(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c) || c.is_ascii_digit())
        .collect()
}

/// The truth bodies of an issue, in printed order (section, then position).
fn truth_bodies(issue: &str) -> Vec<char> {
    let folder = format!("{}/tests/import/{issue}/truth", env!("CARGO_MANIFEST_DIR"));
    let mut items: Vec<(usize, usize, String)> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.file_name().is_some_and(|name| name != "_index.md"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let (front, body) = text[4..].split_once("\n---\n").unwrap();
            let field = |name: &str| {
                front
                    .lines()
                    .find_map(|line| line.strip_prefix(name))
                    .map(|value| value.trim().to_owned())
                    .unwrap_or_default()
            };
            let section = SECTIONS
                .iter()
                .position(|s| *s == field("section:"))
                .unwrap();
            (
                section,
                field("position:").parse().unwrap(),
                body.to_owned(),
            )
        })
        .collect();
    items.sort();
    items
        .iter()
        .flat_map(|(_, _, body)| significant(body))
        .collect()
}

fn page_text(lines: &[Line]) -> String {
    lines.iter().map(|line| line.text.as_str()).collect()
}

/// Share of `expected` found in `actual` in the same order (longest common subsequence).
fn ordered_recall(expected: &[char], actual: &[char]) -> f64 {
    let mut row = vec![0u32; actual.len() + 1];
    for &e in expected {
        let mut diagonal = 0;
        for (j, &a) in actual.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if e == a {
                diagonal + 1
            } else {
                row[j + 1].max(row[j])
            };
            diagonal = above;
        }
    }
    f64::from(row[actual.len()]) / expected.len().max(1) as f64
}

/// Share of the characters of `expected` found in `actual`, order aside.
fn bag_recall(expected: &[char], actual: &[char]) -> f64 {
    let mut counts = std::collections::BTreeMap::new();
    for c in actual {
        *counts.entry(*c).or_insert(0i32) += 1;
    }
    let found = expected
        .iter()
        .filter(|c| {
            let n = counts.entry(**c).or_insert(0);
            *n -= 1;
            *n >= 0
        })
        .count();
    found as f64 / expected.len().max(1) as f64
}

#[test]
fn printed_issues_read_with_the_truth_in_order() {
    for issue in ISSUES {
        let pages = read(&fixture(&format!("{issue}/source.pdf"))).unwrap();
        let read_text: Vec<char> = pages
            .iter()
            .flat_map(|p| significant(&page_text(&p.lines)))
            .collect();
        let truth = truth_bodies(issue);
        let pdftotext = significant(&fixture_text(&format!("{issue}/source.txt")));
        let in_order = ordered_recall(&truth, &read_text);
        let of_pdftotext = bag_recall(&pdftotext, &read_text);
        let extra = bag_recall(&read_text, &pdftotext);
        eprintln!(
            "{issue}: truth bodies in order {:.4} ({} characters); pdftotext's characters {:.4}, ours in pdftotext's {:.4}",
            in_order,
            truth.len(),
            of_pdftotext,
            extra
        );
        assert!(
            in_order >= 0.999,
            "{issue}: truth recall in order {in_order}"
        );
        assert!(
            of_pdftotext >= 0.999,
            "{issue}: pdftotext recall {of_pdftotext}"
        );
        assert!(
            extra >= 0.999,
            "{issue}: characters pdftotext does not have {extra}"
        );
    }
}

#[test]
fn page_count_and_size() {
    let pages = read(&fixture("two-column/source.pdf")).unwrap();
    assert_eq!(pages.len(), 5);
    for (n, page) in pages.iter().enumerate() {
        assert_eq!(page.index, n + 1);
        let (width, height) = page.size.unwrap();
        assert!(
            (width - 595.0).abs() < 1.0 && (height - 842.0).abs() < 1.0,
            "{width}x{height}"
        );
        assert!(!page.scanned);
    }
}

fn position(lines: &[Line], starts: &str) -> usize {
    lines
        .iter()
        .position(|line| line.text.starts_with(starts))
        .unwrap_or_else(|| panic!("no line starts with {starts}"))
}

#[test]
fn two_columns_are_read_left_then_right() {
    let pages = read(&fixture("two-column/source.pdf")).unwrap();
    let lines = &pages[0].lines;
    // Left column: 第一条 … 1.不影响; right column: 2.不占用 … 第十二条; both under the
    // order's title, which spans the columns, and above the next document's title.
    let order = [
        "温州市人民政府令",
        "温州市城市道路停车管理办法",
        "第一章",
        "第一条",
        "第五条",
        "1.不影响",
        "2.不占用",
        "第六条",
        "第十二条",
        "温州市人民政府办公室关于印发",
        "各县（市、区）人民政府",
    ];
    let at: Vec<usize> = order.iter().map(|s| position(lines, s)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{order:?} at {at:?}");
    // No line of the right column comes between two lines of the left one.
    let left: Vec<usize> = (at[3]..=at[5]).collect();
    assert!(
        left.iter().all(|&i| lines[i].bbox.unwrap().x < 297.0),
        "left column"
    );
    assert!(
        (at[6]..=at[8]).all(|i| lines[i].bbox.unwrap().x > 297.0),
        "right column"
    );
}

#[test]
fn a_title_block_drawn_after_its_body_is_read_before_it() {
    // reportlab drew each title block after its body; on the page it stands above.
    let pages = read(&fixture("cid-single/source.pdf")).unwrap();
    let lines = &pages[0].lines;
    let title = position(lines, "丽水市人民政府 温州市人民政府关于");
    let number = position(lines, "丽政发〔2020〕2号");
    let body = position(lines, "为贯彻落实省委");
    assert!(title < number && number < body, "{title} {number} {body}");
}

/// The top line of every page and the bottom one: the running head and the page number.
fn furniture(pages: &[Page]) -> Vec<(&Line, &Line)> {
    pages
        .iter()
        .map(|page| {
            let by_y = |a: &&Line, b: &&Line| a.bbox.unwrap().y.total_cmp(&b.bbox.unwrap().y);
            let top = page.lines.iter().min_by(by_y).unwrap();
            let bottom = page.lines.iter().max_by(by_y).unwrap();
            (top, bottom)
        })
        .collect()
}

#[test]
fn running_heads_and_page_numbers_stand_in_the_same_place_on_every_page() {
    let heads = [
        "温州市人民政府公报（总第209期）",
        "丽水市人民政府公报",
        "2020年第3期",
    ];
    for (issue, head) in ISSUES.into_iter().zip(heads) {
        let pages = read(&fixture(&format!("{issue}/source.pdf"))).unwrap();
        assert!(pages.len() >= 2, "{issue}");
        for line in pages.iter().flat_map(|p| &p.lines) {
            assert!(
                line.bbox.is_some() && line.font_size.is_some(),
                "{issue}: {line:?}"
            );
            assert_eq!(line.source_line, None);
        }
        let furniture = furniture(&pages);
        let (first_head, first_number) = furniture[0];
        for (n, (top, bottom)) in furniture.iter().enumerate() {
            assert!(
                top.text.contains(head),
                "{issue} page {}: {:?}",
                n + 1,
                top.text
            );
            let digits: String = bottom.text.chars().filter(char::is_ascii_digit).collect();
            assert_eq!(digits, (n + 1).to_string(), "{issue}: {:?}", bottom.text);
            for (line, first) in [(top, first_head), (bottom, first_number)] {
                let (a, b) = (line.bbox.unwrap(), first.bbox.unwrap());
                assert!(
                    (a.y - b.y).abs() < 0.5,
                    "{issue} page {}: {a:?} vs {b:?}",
                    n + 1
                );
                assert!((a.height - b.height).abs() < 0.5, "{issue}: {a:?} vs {b:?}");
            }
        }
    }
}

#[test]
fn pages_with_only_an_image_are_scanned() {
    let pages = read(&fixture("bad/scan.pdf")).unwrap();
    let scanned: Vec<usize> = pages
        .iter()
        .filter(|p| p.scanned)
        .map(|p| p.index)
        .collect();
    assert_eq!(scanned, [2, 3]);
    assert!(
        pages
            .iter()
            .filter(|p| p.scanned)
            .all(|p| p.lines.is_empty())
    );
    assert!(page_text(&pages[0].lines).contains("本期第一页有文字层"));
}

#[test]
fn bad_inputs_give_their_own_errors() {
    assert_eq!(read(&fixture("bad/empty.pdf")), Err(PdfError::Empty));
    assert_eq!(read(&fixture("bad/not-a-pdf.pdf")), Err(PdfError::NotPdf));
    assert_eq!(
        read(&fixture("bad/encrypted.pdf")),
        Err(PdfError::Encrypted)
    );
    match read(&fixture("bad/truncated.pdf")) {
        // Its first two pages are both damaged: the error is always the first page's.
        Err(PdfError::Damaged(why)) => assert!(why.starts_with("page 1: "), "{why}"),
        other => panic!("truncated: {other:?}"),
    }
    for error in [PdfError::Empty, PdfError::NotPdf, PdfError::Encrypted] {
        assert!(!error.to_string().is_empty());
    }
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn on_arbitrary_bytes(tail in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let mut bytes = b"%PDF-1.4\n".to_vec();
            bytes.extend(tail);
            let _ = read(&bytes);
        }

        #[test]
        fn on_a_damaged_gazette(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..40),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut bytes = fixture("cid-single/source.pdf");
            for (at, byte) in edits {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            let keep = bytes.len() / 2 + cut.index(bytes.len() / 2 + 1);
            bytes.truncate(keep);
            let _ = read(&bytes);
        }
    }
}

#[test]
fn a_gbk_euc_h_font_without_to_unicode_reads_right() {
    let pages = read(&fixture("cmap/gbk-euc-h.pdf")).unwrap();
    let got: Vec<&str> = pages[0].lines.iter().map(|l| l.text.as_str()).collect();
    let expected = fixture_text("cmap/gbk-euc-h.txt");
    assert_eq!(got, expected.lines().collect::<Vec<_>>());
}

/// The exact characters and boxes of lines in the two predefined CMaps without ToUnicode:
/// `UniGB-UCS2-H` (codes are UCS-2) and `GBK-EUC-H` (codes are GBK bytes). Latin letters and
/// digits are half-width glyphs in these fonts, so the boxes of mixed lines pin the glyph
/// widths (the CID font's `/W`) as well as the decoding.
#[test]
fn predefined_cmaps_decode_to_exact_characters_and_boxes() {
    let cases: [(&str, usize, &str, [f32; 4]); 5] = [
        (
            "cid-single/source.pdf",
            0,
            "丽水市人民政府公报\u{3000}2020年第2期",
            [90.0, 34.08, 137.79, 9.0],
        ),
        (
            "cid-single/source.pdf",
            3,
            "丽政发〔2020〕2号",
            [247.64, 117.44, 99.72, 12.0],
        ),
        (
            "cid-single/source.pdf",
            4,
            "ZJKC00-2020-0002",
            [251.6, 138.44, 91.8, 12.0],
        ),
        (
            "cmap/gbk-euc-h.pdf",
            0,
            "温州市人民政府公报（总第210期）",
            [72.0, 71.44, 204.0, 12.0],
        ),
        (
            "cmap/gbk-euc-h.pdf",
            2,
            "温政发〔2020〕3号",
            [72.0, 119.44, 132.0, 12.0],
        ),
    ];
    for (file, index, text, [x, y, width, height]) in cases {
        let pages = read(&fixture(file)).unwrap();
        let line = &pages[0].lines[index];
        assert_eq!(line.text, text, "{file}, line {index}");
        let bbox = line.bbox.unwrap();
        let got = [bbox.x, bbox.y, bbox.width, bbox.height];
        let near = got
            .iter()
            .zip([x, y, width, height])
            .all(|(got, want)| (got - want).abs() < 0.01);
        assert!(near, "{file}, line {index}: {got:?}");
    }
}
