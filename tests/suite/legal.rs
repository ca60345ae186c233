//! A legal archive (`tests/fixtures/legal/`, two issues in two years): citations between
//! documents, cited-by lists, external citations, the validity register at a fixed reference
//! date, declared statuses, the annual index, and the search files.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use gazette::content::date::Date;

use crate::support::*;

/// The reference date of the golden output: 2021-06-30, as `SOURCE_DATE_EPOCH` gives it.
fn epoch(date: &str) -> i64 {
    Date::parse(date).unwrap().days_since_epoch() * 86_400 + 12 * 3600
}

fn build_legal(out: &Path, site: &Path, epoch: Option<i64>, search: bool) {
    gazette::build(&gazette::BuildOptions {
        root: site.to_path_buf(),
        output: Some(out.to_path_buf()),
        base_url: None,
        force: false,
        no_search: !search,
        source_date_epoch: epoch,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("the legal fixture builds:\n{e}"));
}

/// The fixture built without search at 2021-06-30, in a temporary folder.
fn built() -> (TempDir, std::path::PathBuf) {
    let site = site_from(&repo().join("tests/fixtures/legal"));
    let out = site.path().join("public");
    build_legal(&out, site.path(), Some(epoch("2021-06-30")), false);
    (site, out)
}

fn page(out: &Path, path: &str) -> String {
    fs::read_to_string(out.join(path).join("index.html")).unwrap()
}

#[test]
fn legal_archive_golden() {
    let (_site, out) = built();
    assert_tree(&out, &repo().join("tests/fixtures/legal/expected"));
}

#[test]
fn citations_link_archived_documents_and_mark_external_ones() {
    let (_site, out) = built();
    let html = page(&out, "documents/wzf/2021/2");
    // [2020] and (2020) brackets, read as the archive's documents.
    assert!(html.contains(r#"<a class="citation" href="../../../../documents/wzf/2020/1/index.html" data-wenhao="温政发〔2020〕1号">温政发[2020]1号</a>"#), "{html}");
    assert!(html.contains(r#"<a class="citation" href="../../../../documents/wzb/2020/5/index.html" data-wenhao="温政办〔2020〕5号">温政办（2020）5号</a>"#), "{html}");
    assert!(html.contains(r#"<cite class="citation external" data-wenhao="温州市人民政府令第3号">温州市人民政府令第3号</cite>"#), "{html}");

    let html = page(&out, "documents/wzf/2020/1");
    assert!(html.contains(r#"<cite class="citation external" data-wenhao="国办发〔2019〕3号">国办发〔2019〕3号</cite>"#), "{html}");
    // ﹝﹞ brackets as printed, a citation split over two source lines.
    assert!(
        html.contains(r#"data-wenhao="温政办〔2020〕5号">温政办﹝2020﹞5号</a>"#),
        "{html}"
    );
    // Inside a link or code, nothing is added; ordinary numbers stay text.
    assert!(html.contains("<code>温政发〔2020〕9号</code>"), "{html}");
    assert!(
        !html.contains("data-wenhao=\"温政发〔2020〕9号\""),
        "{html}"
    );
    assert!(
        html.contains("第19届运动会于2020年12月举行，参赛14788名"),
        "{html}"
    );
    assert!(!html.contains("<a class=\"citation\" href=\"../../../../documents/wzb/2020/5/index.html\" data-wenhao=\"温政办〔2020〕5号\">温政办〔2020〕5号</a></a>"));

    // A 机关代字 with brackets, after a clause word.
    let html = page(&out, "documents/wzjkg/2021/4");
    assert!(html.contains(r#"贯彻<a class="citation" href="../../../../documents/wzf/2021/2/index.html" data-wenhao="温政发〔2021〕2号">温政发〔2021〕2号</a>"#), "{html}");

    // The 发文目录 links its entries through the same mechanism.
    let html = page(&out, "issues/2021/03/document-list");
    assert!(html.contains(r#"<td><a class="citation" href="../../../../documents/wzf/2021/2/index.html" data-wenhao="温政发〔2021〕2号">温政发〔2021〕2号</a></td>"#), "{html}");
    assert!(html.contains(r#"<td><cite class="citation external" data-wenhao="温政发〔2021〕3号">温政发〔2021〕3号</cite></td>"#), "{html}");
}

/// The 被引用 list of a document page: the titles it links to.
fn cited_by(html: &str) -> Vec<String> {
    let Some(section) = html.split("被引用（").nth(1) else {
        return Vec::new();
    };
    let list = section.split("</ul>").next().unwrap();
    list.split("<li><a href=\"")
        .skip(1)
        .map(|li| li.split('"').next().unwrap().to_string())
        .collect()
}

#[test]
fn document_pages_list_what_they_cite_and_what_cites_them() {
    let (_site, out) = built();
    assert_eq!(
        cited_by(&page(&out, "documents/wzb/2020/5")),
        [
            "../../../../documents/wzf/2020/1/index.html",
            "../../../../documents/wzf/2021/2/index.html"
        ]
    );
    assert_eq!(
        cited_by(&page(&out, "documents/wzf/2021/2")),
        [
            "../../../../documents/wzjkg/2021/4/index.html",
            "../../../../issues/2021/03/document-list/index.html"
        ]
    );
    assert!(cited_by(&page(&out, "documents/wzjkg/2021/4")).is_empty());
    let html = page(&out, "documents/wzf/2021/2");
    let cites = html.split("本文引用（3）").nth(1).expect("本文引用 (3)");
    let cites = cites.split("</ul>").next().unwrap();
    let order: Vec<&str> = [
        "温政发〔2020〕1号",
        "温政办〔2020〕5号",
        "温州市人民政府令第3号",
    ]
    .into_iter()
    .filter(|n| cites.contains(n))
    .collect();
    assert_eq!(order.len(), 3, "{cites}");
    assert!(cites.contains("本库未收录"), "{cites}");
}

#[test]
fn citation_edges_are_published_sorted() {
    let (_site, out) = built();
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("data/citations.json")).unwrap()).unwrap();
    let edges: Vec<(String, String, Option<String>)> = json["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["from"].as_str().unwrap().to_string(),
                e["to_doc_number"].as_str().unwrap().to_string(),
                e["to"].as_str().map(str::to_string),
            )
        })
        .collect();
    let mut sorted = edges.clone();
    sorted.sort();
    assert_eq!(edges, sorted);
    let s =
        |a: &str, b: &str, c: Option<&str>| (a.to_string(), b.to_string(), c.map(str::to_string));
    assert_eq!(
        edges,
        [
            s("documents/wzf/2020/1/", "国办发〔2019〕3号", None),
            s(
                "documents/wzf/2020/1/",
                "温政办〔2020〕5号",
                Some("documents/wzb/2020/5/")
            ),
            s("documents/wzf/2021/2/", "温州市人民政府令第3号", None),
            s(
                "documents/wzf/2021/2/",
                "温政办〔2020〕5号",
                Some("documents/wzb/2020/5/")
            ),
            s(
                "documents/wzf/2021/2/",
                "温政发〔2020〕1号",
                Some("documents/wzf/2020/1/")
            ),
            s(
                "documents/wzjkg/2021/4/",
                "温政发〔2021〕2号",
                Some("documents/wzf/2021/2/")
            ),
            s(
                "issues/2021/03/document-list/",
                "温政发〔2021〕2号",
                Some("documents/wzf/2021/2/")
            ),
            s("issues/2021/03/document-list/", "温政发〔2021〕3号", None),
        ]
    );
}

/// The register's rows: page → state code.
fn register(out: &Path) -> BTreeMap<String, String> {
    let html = page(out, "normative");
    html.split("<tr class=\"status-")
        .skip(1)
        .map(|row| {
            let state = row.split('"').next().unwrap().to_string();
            let href = row.split("<a href=\"").nth(1).unwrap();
            (href.split('"').next().unwrap().to_string(), state)
        })
        .collect()
}

#[test]
fn register_statuses_at_a_fixed_reference_date() {
    let (_site, out) = built();
    let rows = register(&out);
    let want: BTreeMap<String, String> = [
        ("../documents/wzf/2020/1/index.html", "in-force"),
        ("../documents/wzb/2020/5/index.html", "repealed"),
        ("../documents/wzb/2020/6/index.html", "expired"),
        ("../documents/wzf/2021/2/index.html", "not-yet"),
        ("../documents/wzjkg/2021/4/index.html", "unknown"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(rows, want);
    let html = page(&out, "normative");
    assert!(
        html.contains("状态截至<time datetime=\"2021-06-30\">2021年6月30日</time></p>"),
        "{html}"
    );
    // The document page shows the same state, the declared reason and the replacement.
    let html = page(&out, "documents/wzb/2020/5");
    assert!(
        html.contains("<strong class=\"validity-label\">已废止</strong>"),
        "{html}"
    );
    assert!(html.contains("被温政发〔2021〕2号宣布废止"), "{html}");
    assert!(
        html.contains(
            "由<a href=\"../../../../documents/wzf/2021/2/index.html\">温政发〔2021〕2号</a>替代"
        ),
        "{html}"
    );
    assert!(
        html.contains("data-declared=\"repealed\" data-declared-date=\"2021-03-01\""),
        "{html}"
    );
}

#[test]
fn without_source_date_epoch_the_newest_archive_date_is_the_reference() {
    let site = site_from(&repo().join("tests/fixtures/legal"));
    let out = site.path().join("public");
    build_legal(&out, site.path(), None, false);
    let html = page(&out, "normative");
    assert!(
        html.contains(
            "状态截至<time datetime=\"2021-03-15\">2021年3月15日</time>（本库所收文件的最新日期）"
        ),
        "{html}"
    );
    let rows = register(&out);
    assert_eq!(rows["../documents/wzb/2020/5/index.html"], "repealed");
    assert_eq!(rows["../documents/wzb/2020/6/index.html"], "expired");
    // Before its status date, a declared state does not hold yet.
    let earlier = site.path().join("earlier");
    build_legal(&earlier, site.path(), Some(epoch("2021-02-28")), false);
    assert_eq!(
        register(&earlier)["../documents/wzb/2020/5/index.html"],
        "in-force"
    );
}

#[test]
fn year_pages_hold_the_annual_index() {
    let (_site, out) = built();
    let html = page(&out, "issues/2020");
    assert!(html.contains("2020年度总目录"), "{html}");
    let by_number = html
        .split("按文号")
        .nth(1)
        .unwrap()
        .split("按发文机关")
        .next()
        .unwrap();
    let at = |s: &str| {
        by_number
            .find(s)
            .unwrap_or_else(|| panic!("{s} in {by_number}"))
    };
    // Series in pinyin order (温政办 wen zheng ban < 温政发 wen zheng fa), numbers in order.
    assert!(at("温政办〔2020〕5号") < at("温政办〔2020〕6号"));
    assert!(at("温政办〔2020〕6号") < at("温政发〔2020〕1号"));
    let by_issuer = html.split("按发文机关").nth(1).unwrap();
    assert!(by_issuer.contains("温州市人民政府办公室"), "{by_issuer}");
    assert!(
        !html.contains("温政发〔2021〕2号</span>"),
        "only the year's documents"
    );
}

#[test]
fn search_files_one_bundle_per_year_deterministic() {
    let site = site_from(&repo().join("tests/fixtures/legal"));
    let one = site.path().join("one");
    let many = site.path().join("many");
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| build_legal(&one, site.path(), None, true));
    rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap()
        .install(|| build_legal(&many, site.path(), None, true));
    let tree = read_tree(&one);
    assert!(
        tree == read_tree(&many),
        "search output differs between builds"
    );
    for year in ["2020", "2021"] {
        for file in [
            "pagefind.js",
            "pagefind-entry.json",
            "wasm.unknown.pagefind",
        ] {
            assert!(
                tree.contains_key(&format!("search/{year}/{file}")),
                "{year}/{file}"
            );
        }
        assert!(
            tree.keys()
                .any(|k| k.starts_with(&format!("search/{year}/index/"))),
            "{year} has index chunks"
        );
        assert!(!tree.contains_key(&format!("search/{year}/pagefind-ui.js")));
    }
    assert!(tree.contains_key("search/ui/pagefind-ui.js"));
    assert!(tree.contains_key("search/ui/pagefind-ui.css"));
    assert!(
        !tree
            .keys()
            .any(|k| k.contains("component-ui") || k.contains("modular-ui"))
    );
    let lookup = String::from_utf8(tree["search/wenhao.json"].clone()).unwrap();
    assert!(
        lookup.contains(r#"{"n":"温浙集（开）管〔2021〕4号","r":"ZJCC81-2021-0001","#),
        "{lookup}"
    );
    // An incremental rebuild with the same input writes nothing.
    let again = gazette::build(&gazette::BuildOptions {
        root: site.path().to_path_buf(),
        output: Some(one.clone()),
        base_url: None,
        force: false,
        no_search: false,
        source_date_epoch: None,
        ..Default::default()
    })
    .unwrap();
    assert_eq!(again.written, 0, "{again:?}");
    // --no-search: the bundles go, the lookup stays.
    build_legal(&one, site.path(), None, false);
    let tree = read_tree(&one);
    assert!(
        !tree
            .keys()
            .any(|k| k.starts_with("search/2020/") || k.starts_with("search/ui/"))
    );
    assert!(tree.contains_key("search/wenhao.json"));
    assert!(tree.contains_key("search/index.html"));
}
