//! Incremental builds: the file cache beside the output renders again only what changed,
//! gives byte for byte the output of a full build, and is never trusted when it should not be.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::*;

pub(crate) fn build_with(root: &Path, output: &Path, no_cache: bool) -> gazette::Summary {
    gazette::build(&gazette::BuildOptions {
        root: root.to_path_buf(),
        output: Some(output.to_path_buf()),
        no_search: true,
        no_cache,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("build failed:\n{e}"))
}

/// Builds `root` into `output` (incrementally) and into a fresh folder, and checks that both
/// hold the same files.
fn assert_same_as_full(root: &Path, output: &Path, step: &str) -> gazette::Summary {
    let summary = build_with(root, output, false);
    let fresh = TempDir::new("incremental-full");
    let full = build_with(root, &fresh.path().join("public"), false);
    assert_eq!(full.cached_pages, 0, "{step}: a fresh folder has no cache");
    let (got, want) = (read_tree(output), read_tree(&fresh.path().join("public")));
    let differs: Vec<&String> = want
        .keys()
        .chain(got.keys())
        .filter(|p| got.get(*p) != want.get(*p))
        .collect();
    assert!(
        differs.is_empty(),
        "{step}: differs from a full build: {differs:?}"
    );
    assert_eq!(summary.pages, summary.rendered_pages + summary.cached_pages);
    summary
}

/// The document page (`documents/…/index.html`) whose text contains `needle`.
fn page_with(output: &Path, needle: &str) -> PathBuf {
    let found: Vec<String> = read_tree(output)
        .into_iter()
        .filter(|(p, b)| {
            p.starts_with("documents/")
                && p.ends_with("index.html")
                && String::from_utf8_lossy(b).contains(needle)
        })
        .map(|(p, _)| p)
        .collect();
    assert_eq!(found.len(), 1, "pages with {needle}: {found:?}");
    output.join(&found[0])
}

fn mtime(path: &Path) -> std::time::SystemTime {
    fs::metadata(path).unwrap().modified().unwrap()
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// [`edit`], then a wait: a file changed in the instant before a build is read again by the
/// next one whatever the load cache holds, and these tests count what is read.
fn edit_settled(path: &Path, from: &str, to: &str) {
    edit(path, from, to);
    settle();
}

/// Waits past the instant in which a change is not trusted to show in a file's stamp.
fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(200));
}

/// The index of the file cache (a folder of chunks and their index).
fn cache_file(output: &Path) -> PathBuf {
    state_dir(output.parent().unwrap(), output)
        .join(gazette::cache::FILE_CACHE)
        .join("index")
}

/// A chunk file of the cache kept in `folder`.
fn a_chunk(folder: &Path) -> PathBuf {
    fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| !p.ends_with("index"))
        .expect("a chunk")
}

fn multi() -> (TempDir, PathBuf) {
    let site = site_from(&repo().join("tests/fixtures/multi"));
    let output = site.path().join("public");
    (site, output)
}

#[test]
fn incremental_build_equals_full_build_after_each_edit() {
    let (site, output) = multi();
    let root = site.path();
    let content = root.join("content");
    let first = assert_same_as_full(root, &output, "first build");
    assert_eq!(first.cached_pages, 0);
    assert!(cache_file(&output).is_file());

    let again = assert_same_as_full(root, &output, "nothing changed");
    assert_eq!(
        again.rendered_pages, 0,
        "nothing changed: nothing is rendered"
    );
    assert_eq!(again.cached_pages, again.pages);
    assert_eq!(again.written, 0);

    // A body edit renders that document's page again, and leaves the others untouched.
    let edited = page_with(&output, "请认真组织实施");
    let unrelated = page_with(&output, "为规范专项资金管理");
    let unrelated_time = mtime(&unrelated);
    edit(
        &content.join("2020/01/wzf-2020-1.md"),
        "请认真组织实施",
        "请认真组织实施并及时报告",
    );
    let body = assert_same_as_full(root, &output, "body edit");
    assert_eq!(body.rendered_pages, 1, "only the edited document's page");
    assert!(fs::read_to_string(&edited).unwrap().contains("并及时报告"));
    assert_eq!(
        mtime(&unrelated),
        unrelated_time,
        "unrelated page untouched"
    );

    // A title edit renders the pages that list the document too.
    edit(
        &content.join("2020/01/wzf-2020-1.md"),
        "title: 温州市人民政府关于公布第一批试点名单的通知",
        "title: 温州市人民政府关于公布第一批试点单位名单的通知",
    );
    let title = assert_same_as_full(root, &output, "title edit");
    assert!(title.rendered_pages > 1 && title.cached_pages > 0);
    assert_eq!(
        mtime(&unrelated),
        unrelated_time,
        "unrelated page untouched"
    );

    // A new document.
    fs::write(
        content.join("2020/01/wzf-2020-2.md"),
        "---\ntitle: 温州市人民政府关于开展第二批试点的通知\nsection: 文件发布\n\
         doc_number: 温政发〔2020〕2号\nissuers: [温州市人民政府]\ndate: 2020-01-08\n---\n\
         第二批试点按温政发〔2020〕1号执行。\n",
    )
    .unwrap();
    assert_same_as_full(root, &output, "document added");

    // A renamed file, then a deleted one.
    fs::rename(
        content.join("2020/01/wzf-2020-2.md"),
        content.join("2020/01/wzf-2020-2-renamed.md"),
    )
    .unwrap();
    assert_same_as_full(root, &output, "document renamed");
    fs::remove_file(content.join("2020/01/wzf-2020-2-renamed.md")).unwrap();
    assert_same_as_full(root, &output, "document deleted");

    // Settings and templates.
    edit(
        &root.join("gazette.yaml"),
        "title: 示例市人民政府公报",
        "title: 示例市政府公报",
    );
    let settings = assert_same_as_full(root, &output, "gazette.yaml edit");
    assert_eq!(settings.cached_pages, 0, "every page shows the site title");
    let base = root.join("themes/default/templates/base.html");
    let text = fs::read_to_string(&base).unwrap();
    fs::write(&base, format!("{text}\n<!-- edited -->\n")).unwrap();
    let template = assert_same_as_full(root, &output, "template edit");
    assert_eq!(template.cached_pages, 0);
    assert!(
        fs::read_to_string(&unrelated)
            .unwrap()
            .contains("<!-- edited -->")
    );
}

#[test]
fn a_damaged_cache_is_ignored() {
    let (site, output) = multi();
    build_with(site.path(), &output, false);
    // Flip one byte in the middle of a chunk (files' records), then of the index.
    let chunk = a_chunk(cache_file(&output).parent().unwrap());
    let mut bytes = fs::read(&chunk).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    fs::write(&chunk, &bytes).unwrap();
    let summary = assert_same_as_full(site.path(), &output, "damaged chunk");
    assert_eq!(summary.cached_pages, 0);
    let mut bytes = fs::read(cache_file(&output)).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    fs::write(cache_file(&output), &bytes).unwrap();
    let summary = assert_same_as_full(site.path(), &output, "damaged cache");
    assert_eq!(summary.cached_pages, 0);
    // Cut short, or not a cache at all.
    let bytes = fs::read(cache_file(&output)).unwrap();
    fs::write(cache_file(&output), &bytes[..bytes.len() / 2]).unwrap();
    assert_eq!(build_with(site.path(), &output, false).cached_pages, 0);
    fs::write(cache_file(&output), "").unwrap();
    assert_eq!(build_with(site.path(), &output, false).cached_pages, 0);
}

#[test]
fn a_cache_from_another_gazette_is_ignored() {
    let (site, output) = multi();
    build_with(site.path(), &output, false);
    let mut bytes = fs::read(cache_file(&output)).unwrap();
    // Rewrite the version it names as another gazette would, sealed again (its last 32
    // bytes are the SHA-256 of the rest).
    let version = env!("CARGO_PKG_VERSION").as_bytes();
    let at = bytes
        .windows(version.len())
        .position(|w| w == version)
        .expect("the cache names the version");
    let last = at + version.len() - 1;
    bytes[last] = if bytes[last] == b'9' { b'8' } else { b'9' };
    bytes.truncate(bytes.len() - 32);
    use sha2::Digest;
    let seal = sha2::Sha256::digest(&bytes);
    bytes.extend_from_slice(&seal);
    fs::write(cache_file(&output), &bytes).unwrap();
    let summary = assert_same_as_full(site.path(), &output, "other binary");
    assert_eq!(summary.cached_pages, 0);
    // The rewritten cache is back in order: the next build uses it.
    assert_eq!(build_with(site.path(), &output, false).rendered_pages, 0);
}

#[test]
fn a_deleted_or_altered_output_file_is_rendered_again() {
    let (site, output) = multi();
    build_with(site.path(), &output, false);
    let page = page_with(&output, "请认真组织实施");
    fs::remove_file(&page).unwrap();
    let summary = assert_same_as_full(site.path(), &output, "deleted page");
    assert_eq!(summary.rendered_pages, 1);
    assert!(page.is_file());
    // Changed by hand (another size): taken back.
    fs::write(&page, "defaced").unwrap();
    let summary = assert_same_as_full(site.path(), &output, "altered page");
    assert_eq!(summary.rendered_pages, 1);
}

#[test]
fn no_cache_renders_every_page() {
    let (site, output) = multi();
    build_with(site.path(), &output, false);
    let summary = build_with(site.path(), &output, true);
    assert_eq!(summary.cached_pages, 0);
    assert_eq!(summary.rendered_pages, summary.pages);
    assert_eq!(summary.written, 0, "same bytes: nothing is written");
    // A fresh cache was written all the same.
    assert_eq!(build_with(site.path(), &output, false).rendered_pages, 0);
    // The command line flag.
    let run = run_gazette(
        &["-q", "build", "--no-search", "--no-cache", "--root"],
        site.path(),
    );
    assert_eq!(run.status, Some(0), "{}", run.stderr);
}

#[test]
fn a_failed_build_leaves_the_old_cache_or_none() {
    let (site, output) = multi();
    build_with(site.path(), &output, false);
    let before = fs::read(cache_file(&output)).unwrap();
    let template = site.path().join("themes/default/templates/document.html");
    let good = fs::read_to_string(&template).unwrap();
    fs::write(&template, format!("{good}{{{{ no_such_variable.field }}}}")).unwrap();
    assert!(
        gazette::build(&gazette::BuildOptions {
            root: site.path().to_path_buf(),
            output: Some(output.clone()),
            no_search: true,
            ..Default::default()
        })
        .is_err()
    );
    // Failed before rendering the cache stays as it was; failed later, it is gone.
    assert!(fs::read(cache_file(&output)).map_or(true, |after| after == before));
    fs::write(&template, good).unwrap();
    assert_same_as_full(site.path(), &output, "after a failed build");
}

#[test]
fn a_build_that_fails_while_rendering_removes_the_cache() {
    let (site, output) = multi();
    build_with(site.path(), &output, false);
    assert!(cache_file(&output).is_file());
    // A broken link is found while the page is rendered.
    let doc = site.path().join("content/2020/01/wzf-2020-1.md");
    let good = fs::read_to_string(&doc).unwrap();
    fs::write(
        &doc,
        format!("{good}\n见[不存在的页面](/documents/none/2019/1/)。\n"),
    )
    .unwrap();
    let failed = gazette::build(&gazette::BuildOptions {
        root: site.path().to_path_buf(),
        output: Some(output.clone()),
        no_search: true,
        ..Default::default()
    });
    assert!(failed.is_err());
    assert!(!cache_file(&output).exists());
    fs::write(&doc, good).unwrap();
    assert_same_as_full(site.path(), &output, "after a failed build");
}

#[test]
fn verify_accepts_an_incrementally_built_folder() {
    let (site, output) = multi();
    build_with(site.path(), &output, false);
    edit(
        &site.path().join("content/2020/01/wzf-2020-1.md"),
        "请认真组织实施",
        "请认真组织落实",
    );
    build_with(site.path(), &output, false);
    assert!(cache_file(&output).is_file());
    let report = gazette::verify(&output).unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert!(report.extra.is_empty());
}

#[test]
fn search_bundles_are_the_same_with_cached_pages() {
    let (site, output) = multi();
    let with_search = |out: &Path| {
        gazette::build(&gazette::BuildOptions {
            root: site.path().to_path_buf(),
            output: Some(out.to_path_buf()),
            ..Default::default()
        })
        .unwrap()
    };
    let first = with_search(&output);
    let times = |year: &str| -> Vec<(String, std::time::SystemTime)> {
        let tree = read_tree(&output);
        tree.keys()
            .filter(|p| p.starts_with(year))
            .map(|p| (p.clone(), mtime(&output.join(p))))
            .collect()
    };
    let (bundle_2019, bundle_2020, ui) = (
        times("search/2019/"),
        times("search/2020/"),
        times("search/ui/"),
    );
    assert!(!bundle_2019.is_empty() && !bundle_2020.is_empty() && !ui.is_empty());
    // Nothing changed: no bundle is made again.
    let again = with_search(&output);
    assert_eq!(again.written, 0);
    assert_eq!(again.files, first.files);
    edit(
        &site.path().join("content/2020/01/wzf-2020-1.md"),
        "请认真组织实施",
        "请认真组织落实",
    );
    let summary = with_search(&output);
    assert!(summary.cached_pages > 0);
    // The 2019 bundle and the UI are left as they were; 2020's is made again.
    assert_eq!(times("search/2019/"), bundle_2019);
    assert_eq!(times("search/ui/"), ui);
    assert_ne!(times("search/2020/"), bundle_2020);
    let fresh = TempDir::new("incremental-search");
    with_search(fresh.path());
    assert!(read_tree(&output) == read_tree(fresh.path()));
    // A deleted bundle file makes its year's bundle again; deleted UI files come back.
    let (victim, _) = &bundle_2019[0];
    fs::remove_file(output.join(victim)).unwrap();
    fs::remove_file(output.join(&ui[0].0)).unwrap();
    with_search(&output);
    assert!(read_tree(&output) == read_tree(fresh.path()));
    // Only a UI file gone: every bundle is kept and the UI is made again.
    fs::remove_file(output.join(&ui[1].0)).unwrap();
    let summary = with_search(&output);
    assert_eq!(summary.written, 1);
    assert_eq!(times("search/2019/").len(), bundle_2019.len());
    assert!(read_tree(&output) == read_tree(fresh.path()));
}

/// Dates every file under `dir` a minute back, as files are that were not edited just before
/// a build (a file changed in the instant a build reads it is read again by the next one).
/// Their change times cannot be set back: the function waits for them to age.
fn age(dir: &Path) {
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            fs::File::options()
                .write(true)
                .open(entry.path())
                .unwrap()
                .set_modified(past)
                .unwrap();
        }
    }
    settle();
}

#[test]
fn unchanged_files_are_not_read_again() {
    let (site, output) = multi();
    let content = site.path().join("content");
    age(&content);
    let first = build_with(site.path(), &output, false);
    assert!(first.files_parsed > 5 && first.bodies_read >= first.documents);
    let again = assert_same_as_full(site.path(), &output, "nothing changed");
    assert_eq!(again.files_parsed, 0, "no Markdown file is parsed again");
    assert_eq!(again.bodies_read, 0, "no body is read again");
    // A body edit: that file is parsed, and its body read for its page. (Its text holds no
    // 号, `]` or `<`: it cites and links nothing, which the load saw, so no second read.)
    edit_settled(
        &content.join("2020/01/wzf-2020-1.md"),
        "请认真组织实施",
        "请认真组织实施并及时报告",
    );
    let body = assert_same_as_full(site.path(), &output, "body edit");
    assert_eq!(body.files_parsed, 1);
    assert_eq!(body.bodies_read, 1);
    assert_eq!(body.rendered_pages, 1);
    // A body that cites: read for its citations too.
    edit_settled(
        &content.join("2019/12/wzf-2019-16.md"),
        "经研究，决定",
        "经市政府研究，决定",
    );
    let citing = assert_same_as_full(site.path(), &output, "edit of a citing body");
    assert_eq!(citing.files_parsed, 1);
    assert_eq!(citing.bodies_read, 2);
    assert_eq!(citing.rendered_pages, 1);
    // --no-cache reads everything.
    let full = build_with(site.path(), &output, true);
    assert_eq!(full.files_parsed, first.files_parsed);
}

#[test]
fn a_memo_is_not_trusted_when_what_a_body_links_to_changes() {
    let (site, output) = multi();
    let content = site.path().join("content");
    age(&content);
    build_with(site.path(), &output, false);
    build_with(site.path(), &output, false);
    // wzf-2019-16.md links to 温政办〔2019〕60号 and is not edited; the target's 文号
    // changes, so the link no longer resolves: the unchanged body must be checked again.
    let target = content.join("2019/11/wzb-2019-60.md");
    edit(
        &target,
        "doc_number: 温政办［2019］60号",
        "doc_number: 温政办［2019］61号",
    );
    let err = gazette::build(&gazette::BuildOptions {
        root: site.path().to_path_buf(),
        output: Some(output.clone()),
        no_search: true,
        ..Default::default()
    })
    .expect_err("the link is broken now")
    .to_string();
    assert!(
        err.contains("content/2019/12/wzf-2019-16.md:17:") && err.contains("does not resolve"),
        "{err}"
    );
    // Back as it was: the link resolves again and the output equals a full build.
    edit(
        &target,
        "doc_number: 温政办［2019］61号",
        "doc_number: 温政办［2019］60号",
    );
    assert_same_as_full(site.path(), &output, "target restored");
}

#[test]
fn damaged_load_cache_or_memos_are_ignored() {
    let (site, output) = multi();
    age(&site.path().join("content"));
    let first = build_with(site.path(), &output, false);
    let cache = state_dir(site.path(), &output);
    for file in [
        cache.join(gazette::LOAD_CACHE_FILE),
        a_chunk(&cache.join(gazette::render::memo::BODIES_FILE)),
    ] {
        let mut bytes = fs::read(&file).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 0x20;
        fs::write(&file, &bytes).unwrap();
    }
    let summary = assert_same_as_full(site.path(), &output, "damaged caches");
    assert_eq!(
        summary.files_parsed, first.files_parsed,
        "every file parsed"
    );
    assert!(summary.bodies_read >= summary.documents, "every body read");
    // Written afresh: the next build trusts them again.
    let again = build_with(site.path(), &output, false);
    assert_eq!((again.files_parsed, again.bodies_read), (0, 0));
}

#[test]
fn pages_kept_as_published_still_follow_what_they_show() {
    let (site, output) = multi();
    let content = site.path().join("content");
    age(&content);
    build_with(site.path(), &output, false);
    let cited = page_with(&output, "请认真组织实施");
    assert!(!fs::read_to_string(&cited).unwrap().contains("被引用"));
    // A body that now cites another document: the page of the cited one lists it.
    edit_settled(
        &content.join("2020/01/briefs.md"),
        "常务会议。",
        "常务会议，部署落实温政发〔2020〕1号。",
    );
    let citing = assert_same_as_full(site.path(), &output, "a new citation");
    assert!(citing.rendered_pages >= 2, "the citing and the cited page");
    assert!(fs::read_to_string(&cited).unwrap().contains("被引用（1）"));
    // A file of an issue folder grows: its issue's page shows the size.
    let facsimile = content.join("2019/12/facsimile.txt");
    let mut text = fs::read_to_string(&facsimile).unwrap();
    text.push_str("补录。\n");
    fs::write(&facsimile, text).unwrap();
    settle();
    let grown = assert_same_as_full(site.path(), &output, "an issue file grown");
    assert!(grown.rendered_pages >= 1, "the issue page");
    // Nothing changed, but published files of each kind were deleted: a document page, a
    // short link, a feed. They are written again.
    let unchanged = assert_same_as_full(site.path(), &output, "nothing changed");
    assert_eq!(unchanged.rendered_pages, 0);
    fs::remove_file(&cited).unwrap();
    fs::remove_file(output.join("d/wzf-2020-1/index.html")).unwrap();
    fs::remove_file(output.join("atom.xml")).unwrap();
    let restored = assert_same_as_full(site.path(), &output, "published files deleted");
    assert_eq!(restored.rendered_pages, 1, "the deleted page");
}

#[test]
fn warnings_are_reported_by_every_build() {
    let (site, output) = multi();
    let content = site.path().join("content");
    // An unsafe link in a body and in an issue's note.
    edit(
        &content.join("2020/01/briefs.md"),
        "常务会议。",
        "常务会议（[详情](javascript:alert(1))）。",
    );
    edit(
        &content.join("2019/12/_index.md"),
        "本期据印刷版录入",
        "本期据[印刷版](javascript:void(0))录入",
    );
    age(&content);
    let first = build_with(site.path(), &output, false);
    let codes = |s: &gazette::Summary| {
        let mut v: Vec<(String, String)> = s
            .warnings
            .iter()
            .filter(|d| d.code == "unsafe-link")
            .map(|d| (d.path.clone(), d.code.to_string()))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    assert_eq!(
        codes(&first),
        vec![
            (
                "content/2019/12/_index.md".to_string(),
                "unsafe-link".to_string()
            ),
            (
                "content/2020/01/briefs.md".to_string(),
                "unsafe-link".to_string()
            ),
        ]
    );
    let again = assert_same_as_full(site.path(), &output, "nothing changed");
    assert_eq!(codes(&again), codes(&first), "the warnings again");
    assert_eq!(again.written, 0);
}
