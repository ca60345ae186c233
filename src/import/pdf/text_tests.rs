//! The own text reader against the crate's text extraction: on the test issues' PDFs, on one
//! page per text operator, and on random operator sequences, both must give the same lines.

use super::*;
use crate::import::layout::Line;
use proptest::prelude::*;

fn fixture(path: &str) -> Vec<u8> {
    let path = format!("{}/tests/import/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// One page of A4 drawing `content` in `STSong-Light` (not embedded, no ToUnicode) as font
/// `/F1`, encoded by the predefined CMap `encoding`. Latin letters and digits (CIDs 1 to 95)
/// are half width, as in the real font.
fn cid_pdf(content: &str, encoding: &str) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len() + 1
        ),
        format!(
            "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-{encoding} \
             /Encoding /{encoding} /DescendantFonts [6 0 R] >>"
        ),
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light \
         /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> \
         /FontDescriptor 7 0 R /DW 1000 /W [1 [207 270 342] 4 95 500] >>"
            .to_owned(),
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 \
         /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 \
         /CapHeight 880 /StemV 93 >>"
            .to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n{object}\nendobj\n", i + 1).bytes());
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for offset in offsets {
        pdf.extend(format!("{offset:010} 00000 n \n").bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    pdf
}

/// `text` as a hex string in UCS-2.
fn ucs2(text: &str) -> String {
    let hex: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
    format!("<{hex}>")
}

/// How lines are compared: exactly, or with each run of spaces as one (the import joins a
/// line's words with one space).
#[derive(Clone, Copy, PartialEq)]
enum Spaces {
    Exact,
    Collapsed,
}

/// Both readers' lines, as text and box, must agree; boxes to a hundredth of a point.
fn assert_same(pdf: &[u8], what: &str) {
    assert_alike(pdf, what, Spaces::Exact);
}

fn assert_alike(pdf: &[u8], what: &str, spaces: Spaces) {
    let own = read(pdf).unwrap_or_else(|e| panic!("{what}: {e}"));
    let theirs = read_through_crate(pdf).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(own.len(), theirs.len(), "{what}");
    for (a, b) in own.iter().zip(&theirs) {
        let text = |p: &Page| {
            let line = |l: &Line| match spaces {
                Spaces::Exact => l.text.clone(),
                Spaces::Collapsed => l.text.split_whitespace().collect::<Vec<_>>().join(" "),
            };
            p.lines.iter().map(line).collect::<Vec<_>>()
        };
        assert_eq!(text(a), text(b), "{what}, page {}", a.index);
        for (la, lb) in a.lines.iter().zip(&b.lines) {
            let (ra, rb) = (la.bbox.unwrap(), lb.bbox.unwrap());
            let near = [
                (ra.x, rb.x),
                (ra.y, rb.y),
                (ra.width, rb.width),
                (ra.height, rb.height),
            ]
            .iter()
            .all(|(p, q)| (p - q).abs() < 0.01);
            assert!(near, "{what}, {:?}: {ra:?} against {rb:?}", la.text);
            assert_eq!(la.font_size, lb.font_size, "{what}, {:?}", la.text);
        }
    }
}

#[test]
fn the_test_issues_read_the_same_both_ways() {
    for file in [
        "cid-single/source.pdf",
        "cmap/gbk-euc-h.pdf",
        "two-column/source.pdf",
        "narrow/source.pdf",
    ] {
        assert_same(&fixture(file), file);
    }
}

#[test]
fn only_pages_in_fonts_it_decodes_are_read_here() {
    let decodes = |file: &str| {
        let bytes = fixture(file);
        let document = open(&bytes).unwrap();
        let page = document.get_page(0).unwrap();
        let ops = operations(&document, &page).unwrap();
        let resources = resources(&document, &page);
        let mut cache = text::FontCache::default();
        text::page_fonts(&document, resources.as_ref(), &ops, &mut cache)
            .and_then(|fonts| text::shown(&ops, &fonts))
            .is_some()
    };
    // reportlab selects Helvetica first, but shows no text in it.
    assert!(decodes("cid-single/source.pdf"));
    assert!(decodes("cmap/gbk-euc-h.pdf"));
    // Subset TrueType fonts with ToUnicode maps.
    assert!(!decodes("two-column/source.pdf"));
}

/// One page per text operator, drawn with the font as UCS-2.
#[test]
fn each_text_operator_moves_the_pen_as_the_crate_does() {
    let title = ucs2("温州市人民政府文件");
    let words = ucs2("Wenzhou Gazette 2019 No 12");
    let cases = [
        (
            "Tm and Tj",
            format!("BT /F1 12 Tf 1 0 0 1 72 700 Tm {title} Tj ET"),
        ),
        (
            "Td and TD",
            format!(
                "BT /F1 12 Tf 72 700 Td {title} Tj 0 -20 Td {title} Tj 10 -20 TD {title} Tj ET"
            ),
        ),
        (
            "TL and T*",
            format!("BT /F1 12 Tf 14 TL 72 700 Td {title} Tj T* {title} Tj T* {words} Tj ET"),
        ),
        ("Tc", format!("BT /F1 12 Tf 2 Tc 72 700 Td {title} Tj ET")),
        ("Tw", format!("BT /F1 12 Tf 6 Tw 72 700 Td {words} Tj ET")),
        ("Tz", format!("BT /F1 12 Tf 80 Tz 72 700 Td {title} Tj ET")),
        (
            "Ts",
            format!("BT /F1 12 Tf 72 700 Td {title} Tj 2 Ts {title} Tj 0 Ts {title} Tj ET"),
        ),
        (
            "TJ",
            format!("BT /F1 12 Tf 72 700 Td [{title} -120 {title} 250 {title} -900 {words}] TJ ET"),
        ),
        (
            "cm, q and Q",
            format!(
                "q 2 0 0 2 0 0 cm BT /F1 10 Tf 36 300 Td {title} Tj ET Q \
                 BT /F1 12 Tf 72 500 Td {title} Tj ET"
            ),
        ),
        (
            "' and \"",
            format!("BT /F1 12 Tf 14 TL 72 700 Td {title} Tj {title} ' 3 1 {words} \" ET"),
        ),
        (
            "two font sizes on a line",
            format!("BT /F1 16 Tf 72 700 Td {title} Tj /F1 9 Tf {words} Tj ET"),
        ),
    ];
    for (what, content) in cases {
        assert_same(&cid_pdf(&content, "UniGB-UCS2-H"), what);
    }
}

/// Where the crate joins a `TJ` array's strings into one piece, with a space for a wide
/// offset, here each string is a piece of its own, so that an offset wider than a run's gap
/// parts two runs of the row, as a gap between two `Tj` would.
#[test]
fn a_wide_offset_in_a_tj_array_parts_runs() {
    let content = format!(
        "BT /F1 12 Tf 72 700 Td [{} -4000 {}] TJ ET",
        ucs2("温州市人民政府"),
        ucs2("文件")
    );
    let pages = read(&cid_pdf(&content, "UniGB-UCS2-H")).unwrap();
    let lines: Vec<&str> = pages[0].lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(lines, ["温州市人民政府", "文件"]);
}

#[test]
fn a_code_the_cmap_does_not_map_is_a_replacement_character() {
    // U+E000 lies in UniGB-UCS2-H's codespace but has no CID.
    let content = "BT /F1 12 Tf 72 700 Td <6E29E0006E29> Tj ET";
    let pages = read(&cid_pdf(content, "UniGB-UCS2-H")).unwrap();
    assert_eq!(pages[0].lines[0].text, "温\u{FFFD}温");
}

/// A text operator with small random operands, on a page in the CID font.
fn operator() -> impl Strategy<Value = String> {
    // Operands as real layouts use them (no text rise, which only superscripts use): spacing that never runs the pen backwards, offsets
    // in a `TJ` array up to the width of a character (wider ones: see the test below).
    let number = || (-2i32..12).prop_map(|n| f64::from(n) / 2.0);
    let text = prop::sample::select(vec![
        "温州市人民政府",
        "文件发布",
        "Gazette 2019",
        "第 12 期",
        "（一）",
        " ",
    ])
    .prop_map(ucs2);
    prop_oneof![
        text.clone().prop_map(|t| format!("{t} Tj")),
        // Down the page only: a real page does not print a line over another.
        (-10i32..20, -10i32..-3).prop_map(|(x, y)| format!("{} {} Td", x * 4, y * 4)),
        number().prop_map(|v| format!("{v} Tc")),
        number().prop_map(|v| format!("{v} Tw")),
        (50i32..150).prop_map(|v| format!("{v} Tz")),
        number().prop_map(|v| format!("{} TL", v.abs() + 8.0)),
        Just("T*".to_owned()),
        // A new size starts a line: where sizes mix on a line, the crate gives the line the
        // size of its first piece, geometry here the largest (see the test above).
        (8i32..20).prop_map(|v| format!("/F1 {v} Tf T*")),
        (text.clone(), -1000i32..300).prop_map(|(t, n)| format!("[{t} {n} {t}] TJ")),
        text.prop_map(|t| format!("{t} '")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn random_text_operators_read_the_same_both_ways(
        ops in prop::collection::vec(operator(), 1..24)
    ) {
        let content = format!("BT /F1 12 Tf 14 TL 72 700 Td {} ET", ops.join(" "));
        // Where strings of spaces meet offsets, the two differ in how many spaces they keep.
        assert_alike(&cid_pdf(&content, "UniGB-UCS2-H"), &content, Spaces::Collapsed);
    }
}
