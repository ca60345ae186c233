//! The printed test issues of `tests/import/`: their hand-written truth is a valid issue, and
//! the committed extracted text belongs to the committed PDF.

use std::fs;
use std::path::Path;

use crate::support::*;

const ISSUES: [&str; 3] = ["two-column", "cid-single", "narrow"];

/// `year` and `number` from an issue's `_index.md`.
fn issue_folder(index: &Path) -> String {
    let text = fs::read_to_string(index).unwrap();
    let field = |name: &str| -> u32 {
        text.lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or_else(|| panic!("{}: no {name}", index.display()))
    };
    format!("{}/{:02}", field("year:"), field("number:"))
}

#[test]
fn the_truth_of_every_test_issue_checks_clean() {
    let import = repo().join("tests/import");
    let site = TempDir::new("import-truth");
    fs::copy(
        import.join("gazette.yaml"),
        site.path().join("gazette.yaml"),
    )
    .unwrap();
    copy_tree(
        &repo().join("themes/default"),
        &site.path().join("themes/default"),
    );
    let mut folders = Vec::new();
    for issue in ISSUES {
        let truth = import.join(issue).join("truth");
        let folder = issue_folder(&truth.join("_index.md"));
        copy_tree(&truth, &site.path().join("content").join(&folder));
        folders.push(folder);
    }
    folders.sort();
    folders.dedup();
    assert_eq!(
        folders.len(),
        ISSUES.len(),
        "two test issues share a number"
    );
    let run = run_gazette(&["check", "--root"], site.path());
    assert_eq!(run.status, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "No problems found.\n");
}

#[test]
fn the_extracted_text_has_a_page_for_every_page_of_the_pdf() {
    for issue in ISSUES {
        let folder = repo().join("tests/import").join(issue);
        let pages =
            gazette::import::pdf::read(&fs::read(folder.join("source.pdf")).unwrap()).unwrap();
        let text = fs::read_to_string(folder.join("source.txt")).unwrap();
        // pdftotext ends every page with a form feed.
        assert_eq!(text.matches('\u{c}').count(), pages.len(), "{issue}");
        for (page, printed) in pages.iter().zip(text.split('\u{c}')) {
            let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            let read: String = page.lines.iter().map(|l| squeeze(&l.text)).collect();
            let mut a: Vec<char> = read.chars().collect();
            let mut b: Vec<char> = squeeze(printed).chars().collect();
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b, "{issue} page {}: other characters", page.index);
        }
    }
}
