//! The bundled archive, 温州市人民政府公报 2019年第12期: it builds without a warning, and every
//! 文号 its 发文目录 lists that the issue prints links to its document page.

use crate::support::*;

#[test]
fn the_bundled_archive_checks_clean() {
    let run = run_gazette(&["check", "--root"], &repo());
    assert_eq!(run.status, Some(0), "{}", run.stdout);
    assert_eq!(run.stdout, "No problems found.\n");
}

#[test]
fn the_document_list_links_every_printed_document() {
    let out = TempDir::new("bundled");
    let summary = gazette::build(&gazette::BuildOptions {
        root: repo(),
        output: Some(out.path().join("public")),
        // The repository is not written to: the build state goes beside the output.
        cache_dir: Some(out.path().join("cache")),
        no_search: true,
        ..Default::default()
    })
    .expect("the bundled archive builds");
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
    assert_eq!((summary.issues, summary.documents), (1, 18));
    let list = std::fs::read_to_string(
        out.path()
            .join("public/issues/2019/12/document-list/index.html"),
    )
    .unwrap();
    for (number, path) in [
        ("通告〔2019〕5号", "documents/tg/2019/5/"),
        ("温政发〔2019〕16号", "documents/wzf/2019/16/"),
        ("温政办〔2019〕72号", "documents/wzb/2019/72/"),
        ("温政办〔2019〕75号", "documents/wzb/2019/75/"),
        ("温政办〔2019〕76号", "documents/wzb/2019/76/"),
    ] {
        let link = format!(
            "<a class=\"citation\" href=\"../../../../{path}index.html\" data-wenhao=\"{number}\">{number}</a>"
        );
        assert!(list.contains(&link), "no link for {number}");
        assert!(
            out.path()
                .join("public")
                .join(path)
                .join("index.html")
                .is_file()
        );
    }
    // The six documents the gazette did not print are marked as external citations.
    assert_eq!(
        list.matches("<cite class=\"citation external\" data-wenhao=")
            .count(),
        6
    );
}
