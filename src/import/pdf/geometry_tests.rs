//! Reading order from made-up fragments: each case is one layout decision.

use super::*;

fn at(text: &str, x0: f32, baseline: f32) -> Fragment {
    let size = 10.0;
    let width = text.chars().count() as f32 * size;
    Fragment {
        text: text.to_owned(),
        x0,
        x1: x0 + width,
        baseline,
        size,
    }
}

fn texts(fragments: Vec<Fragment>) -> Vec<String> {
    lines(fragments).into_iter().map(|l| l.text).collect()
}

/// A left column at x 50 (width 200) and a right column at x 300, with baselines that do not
/// line up (the right column starts lower, as after a heading).
fn two_columns() -> Vec<Fragment> {
    let mut out = vec![
        at("温州市人民政府公报（总第209期）文件发布", 150.0, 30.0),
        at("一个横跨两栏的标题，比一栏还要宽一些", 110.0, 60.0),
    ];
    for n in 0..6 {
        out.push(at(
            &format!("左栏第{n}行的文字内容共十九个字符啊"),
            50.0,
            100.0 + 15.0 * n as f32,
        ));
        out.push(at(
            &format!("右栏第{n}行的文字内容共十九个字符啊"),
            300.0,
            107.0 + 15.0 * n as f32,
        ));
    }
    out.push(at("· 1 ·", 290.0, 800.0));
    out
}

#[test]
fn a_two_column_page_is_read_column_by_column() {
    let got = texts(two_columns());
    assert_eq!(got.len(), 15);
    assert!(got[0].starts_with("温州市人民政府公报"));
    assert!(got[1].starts_with("一个横跨两栏的标题"));
    for n in 0..6 {
        assert!(got[2 + n].starts_with(&format!("左栏第{n}行")), "{got:?}");
        assert!(got[8 + n].starts_with(&format!("右栏第{n}行")), "{got:?}");
    }
    assert_eq!(got[14], "· 1 ·");
}

#[test]
fn a_full_width_line_between_column_blocks_stays_between_them() {
    let mut fragments = two_columns();
    fragments.pop();
    fragments.push(at("第二篇文件的标题也横跨两栏，居中排列", 110.0, 220.0));
    for n in 0..4 {
        fragments.push(at(
            &format!("下左第{n}行的文字内容共十九个字符啊"),
            50.0,
            250.0 + 15.0 * n as f32,
        ));
        fragments.push(at(
            &format!("下右第{n}行的文字内容共十九个字符啊"),
            300.0,
            250.0 + 15.0 * n as f32,
        ));
    }
    let got = texts(fragments);
    let title = got.iter().position(|t| t.starts_with("第二篇")).unwrap();
    assert!(got[..title].iter().all(|t| !t.starts_with("下")), "{got:?}");
    assert!(got[title - 1].starts_with("右栏第5行"), "{got:?}");
    assert!(got[title + 1].starts_with("下左第0行"), "{got:?}");
    assert!(got[title + 4].starts_with("下左第3行"), "{got:?}");
    assert!(got[title + 5].starts_with("下右第0行"), "{got:?}");
}

#[test]
fn a_single_column_with_a_signature_on_the_right_is_not_two_columns() {
    let mut fragments = Vec::new();
    for n in 0..8 {
        fragments.push(at(
            "一栏到底的正文每行都很长，几乎占满整个版心的宽度，共三十四个字符呢",
            90.0,
            100.0 + 20.0 * n as f32,
        ));
    }
    fragments.push(at("短行。", 90.0, 260.0));
    fragments.push(at("温州市人民政府", 400.0, 280.0));
    fragments.push(at("2020年1月9日", 410.0, 300.0));
    fragments.push(at("温州市人民政府办公室", 370.0, 320.0));
    let got = texts(fragments.clone());
    let expected: Vec<String> = {
        let mut f = fragments;
        f.sort_by(|a, b| a.baseline.total_cmp(&b.baseline));
        f.into_iter().map(|f| f.text).collect()
    };
    assert_eq!(got, expected);
}

#[test]
fn table_rows_keep_their_cells_in_order() {
    let mut fragments = Vec::new();
    for n in 0..5 {
        let y = 100.0 + 15.0 * n as f32;
        fragments.push(at(&format!("{n}"), 50.0, y));
        fragments.push(at("小区名称", 150.0, y));
        fragments.push(at("鹿城区", 300.0, y));
        fragments.push(at("1992", 420.0, y));
    }
    let got = texts(fragments);
    // One line a row, its cells in order and apart by a wide gap (as text extraction
    // prints a table), so that the row stays a row.
    assert_eq!(got.len(), 5);
    for (n, row) in got.iter().enumerate() {
        assert_eq!(*row, format!("{n}   小区名称   鹿城区   1992"));
    }
}

#[test]
fn fragments_on_one_baseline_join_with_spaces_only_at_gaps() {
    let got = texts(vec![
        at("第", 100.0, 50.0),
        at("5", 110.0, 50.5),
        at("号", 120.0, 50.0),
        at("第一章", 50.0, 80.0),
        at("总则", 85.0, 80.0),
    ]);
    assert_eq!(got, ["第5号", "第一章 总则"]);
}

#[test]
fn boxes_are_measured_from_the_top_left_corner() {
    let fragment = Fragment::from_pdf("第5号", 100.0, 742.0, 30.0, 10.0, 842.0).unwrap();
    assert_eq!(fragment.baseline, 100.0);
    let line = &lines(vec![fragment])[0];
    let bbox = line.bbox.unwrap();
    assert_eq!((bbox.x, bbox.width), (100.0, 30.0));
    assert!(bbox.y < 100.0 && bbox.y + bbox.height > 100.0, "{bbox:?}");
    assert_eq!(line.font_size, Some(10.0));
}

#[test]
fn unusable_numbers_are_dropped() {
    assert!(Fragment::from_pdf("x", f64::NAN, 1.0, 1.0, 1.0, 842.0).is_none());
    assert!(Fragment::from_pdf("x", 1.0, f64::INFINITY, 1.0, 1.0, 842.0).is_none());
    assert!(Fragment::from_pdf("x", 1.0, 1.0, -3.0, 1.0, 842.0).is_none());
    assert!(Fragment::from_pdf("x", 1.0, 1.0, 1.0, 0.0, 842.0).is_none());
    assert!(lines(Vec::new()).is_empty());
}
