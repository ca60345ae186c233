//! Real HTML clients on the sites the default theme makes: the W3C Nu Html Checker (`vnu.jar`)
//! on every page of the bundled archive and of every fixture site, and axe-core in headless
//! Chromium on each kind of page of the bundled archive (and of a fixture site for the kinds
//! it lacks).
//!
//! Both come from npm, pinned in `tests/package.json` and installed by `npm ci` in `tests/`
//! (`.ci/run` does it); the Nu checker also needs Java. The tests skip, saying why, when
//! Java, `vnu.jar`, Chromium or `axe.min.js` is missing; `GAZETTE_JAVA`, `GAZETTE_VNU` and
//! `GAZETTE_AXE` name other files. Each check first runs on a page made to fail it, so a
//! checker that silently finds nothing fails the test instead of passing it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::browser::{BROWSER, Browser, Server, browser, find_binary, query_url};
use crate::support::*;

/// Where `npm ci` in `tests/` puts the checkers.
fn node_modules() -> PathBuf {
    repo().join("tests/node_modules")
}

/// The file named by `env`, else `default`, if it exists.
fn tool_file(env: &str, default: PathBuf) -> Option<PathBuf> {
    let path = std::env::var_os(env).map_or(default, PathBuf::from);
    path.is_file().then_some(path)
}

/// A page with errors the Nu checker must report: a skipped heading level and an empty
/// `action`, the mistakes the default theme once made.
const BAD_HTML: &str = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<title>坏页</title></head><body><h1>标题</h1><h3>一、</h3>\
<form action=\"\"><input name=\"q\" aria-label=\"q\"></form></body></html>\n";

/// The built bundled archive, with its search index, as it is published.
fn bundled_site(tmp: &TempDir) -> PathBuf {
    let out = tmp.path().join("public");
    gazette::build(&gazette::BuildOptions {
        root: repo(),
        output: Some(out.clone()),
        // The repository is the site root: its build state goes to the test's folder.
        cache_dir: Some(tmp.path().join("cache")),
        no_search: false,
        ..Default::default()
    })
    .expect("the bundled archive builds");
    out
}

fn html_files(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .count()
}

#[test]
fn the_nu_html_checker_finds_no_error_in_any_page_of_the_bundled_and_fixture_sites() {
    let java = find_binary("GAZETTE_JAVA", &["java"]);
    let vnu = tool_file(
        "GAZETTE_VNU",
        node_modules().join("vnu-jar/build/dist/vnu.jar"),
    );
    let (Some(java), Some(vnu)) = (java, vnu) else {
        eprintln!(
            "skipping the Nu Html Checker test: it needs java (apt-get install \
             default-jre-headless) and vnu.jar (npm ci in tests/)"
        );
        return;
    };
    let tmp = TempDir::new("vnu");
    let mut trees = vec![bundled_site(&tmp)];
    let mut fixtures: Vec<PathBuf> = fs::read_dir(repo().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path().join("expected"))
        .filter(|p| p.is_dir())
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 4, "fixture sites: {fixtures:?}");
    trees.extend(fixtures);
    for tree in &trees {
        assert!(html_files(tree) > 0, "no page in {}", tree.display());
    }
    let canary = tmp.path().join("canary/bad.html");
    fs::create_dir_all(canary.parent().unwrap()).unwrap();
    fs::write(&canary, BAD_HTML).unwrap();

    // One JVM for every tree: starting Java is most of the cost.
    let run = Command::new(&java)
        .arg("-jar")
        .arg(&vnu)
        .args(["--errors-only", "--skip-non-html", "--format", "json"])
        .args(&trees)
        .arg(canary.parent().unwrap())
        .output()
        .expect("java runs");
    let report: Value = serde_json::from_slice(&run.stderr).unwrap_or_else(|e| {
        panic!(
            "the Nu checker's report is not JSON ({e}): {}",
            String::from_utf8_lossy(&run.stderr)
        )
    });
    let mut canary_errors = 0;
    let mut errors = Vec::new();
    for m in report["messages"].as_array().expect("a list of messages") {
        if m["type"] == "info" {
            continue;
        }
        let url = m["url"].as_str().unwrap_or_default();
        if url.ends_with("/canary/bad.html") {
            canary_errors += 1;
            continue;
        }
        let shown = url
            .trim_start_matches("file:")
            .replace(&*trees[0].to_string_lossy(), "bundled")
            .replace(&*repo().join("tests/").to_string_lossy(), "");
        errors.push(format!(
            "{shown}:{}: {}",
            m["lastLine"],
            m["message"].as_str().unwrap_or_default()
        ));
    }
    assert!(
        canary_errors >= 2,
        "the Nu checker did not report the errors of a bad page: {report}"
    );
    assert!(
        errors.is_empty(),
        "the Nu Html Checker reports {} error(s):\n{}",
        errors.len(),
        errors.join("\n")
    );
}

/// Loads axe-core into the page and lists its serious and critical violations.
fn axe_violations(b: &Browser, axe: &str) -> Vec<String> {
    let url = b.driver.current_url();
    assert_eq!(
        b.driver
            .run("return document.querySelectorAll('h1').length;"),
        1,
        "{url}: not a page of the site"
    );
    let script = format!(
        "const done = arguments[arguments.length - 1];\n{axe}\n;\
         axe.run(document, {{ resultTypes: ['violations'] }}).then(r => done(r.violations\
           .filter(v => v.impact === 'serious' || v.impact === 'critical')\
           .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' — '\
             + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))),\
         e => done(['axe failed: ' + e]));"
    );
    let found = b.driver.run_async(&script);
    found
        .as_array()
        .unwrap_or_else(|| panic!("axe answered {found}"))
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect()
}

/// A page of each kind the default theme renders, in the bundled archive.
const PAGES: &[(&str, &str)] = &[
    ("home", "index.html"),
    ("issues", "issues/index.html"),
    ("year", "issues/2019/index.html"),
    ("issue", "issues/2019/12/index.html"),
    ("document", "documents/wzb/2019/72/index.html"),
    ("unnumbered item", "issues/2019/12/chronicle/index.html"),
    ("issuers", "issuers/index.html"),
    (
        "issuer",
        "issuers/wenzhou-shi-renmin-zhengfu-bangongshi/index.html",
    ),
    ("sections", "sections/index.html"),
    ("section", "sections/documents/index.html"),
    ("types", "types/index.html"),
    ("type", "types/yijian/index.html"),
    ("register", "normative/index.html"),
    ("search", "search/index.html"),
    ("404", "404.html"),
];

/// What the bundled archive does not show, in the fixture sites' expected trees: a page of a
/// paginated list, and a document repealed and replaced.
const FIXTURE_PAGES: &[(&str, &str, &str)] = &[
    ("paginated list", "multi", "issuers/page/2/index.html"),
    (
        "replaced document",
        "legal",
        "documents/wzb/2020/5/index.html",
    ),
];

#[test]
fn axe_finds_no_serious_violation_on_any_kind_of_page() {
    let Some(axe) = tool_file("GAZETTE_AXE", node_modules().join("axe-core/axe.min.js")) else {
        eprintln!("skipping the axe-core test: axe.min.js is missing (npm ci in tests/)");
        return;
    };
    let axe = fs::read_to_string(axe).unwrap();
    let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some(b) = browser() else { return };
    // A page axe must find fault with: an image without a text and an unnamed field.
    fs::write(
        b.site.path().join("public/axe-canary.html"),
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><title>坏页</title></head><body>\
         <main><h1>坏页</h1><img src=\"x.png\"><input type=\"text\"></main></body></html>",
    )
    .unwrap();
    b.driver.go(&b.server.url("axe-canary.html"));
    let canary = axe_violations(&b, &axe);
    assert!(
        canary.iter().any(|v| v.contains("image-alt")),
        "axe did not report a bad page: {canary:?}"
    );

    let mut report = Vec::new();
    for (kind, path) in PAGES {
        b.driver.go(&b.server.url(path));
        if *kind == "search" {
            b.driver.wait_for(
                "the search UI",
                "return !!document.querySelector('.pagefind-ui__search-input');",
            );
        }
        for v in axe_violations(&b, &axe) {
            report.push(format!("{kind} ({path}): {v}"));
        }
    }
    // The search page again, showing results.
    b.driver.go(&query_url(&b, "最低生活保障"));
    b.driver
        .wait_for("results for 最低生活保障", crate::browser::RESULTS);
    for v in axe_violations(&b, &axe) {
        report.push(format!("search results: {v}"));
    }
    for (kind, fixture, path) in FIXTURE_PAGES {
        let tree = repo().join("tests/fixtures").join(fixture).join("expected");
        let server = Server::start(tree);
        b.driver.go(&server.url(path));
        for v in axe_violations(&b, &axe) {
            report.push(format!("{kind} ({fixture}: {path}): {v}"));
        }
    }
    assert!(
        report.is_empty(),
        "axe-core finds {} serious or critical violation(s):\n{}",
        report.len(),
        report.join("\n")
    );
}
