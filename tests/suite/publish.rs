//! Publishing and mirroring: Atom feeds and sitemaps parsed back as XML, open data parsed back
//! as JSON and CSV and checked against the front matter, JSON-LD, redirect pages, the manifest
//! and `gazette verify` (library and command), reproducible and incremental output.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use gazette::content::date::Date;
use gazette::error::Error;
use serde_json::Value;

use crate::support::*;

const ATOM: &str = "http://www.w3.org/2005/Atom";
const SITEMAPS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const BASE: &str = "https://gazette.example.org/wenzhou/";

fn built(fixture: &str) -> (TempDir, PathBuf) {
    let site = site_from(&repo().join("tests/fixtures").join(fixture));
    let out = site.path().join("public");
    if let Err(e) = build(site.path(), &out) {
        panic!("{fixture} failed to build:\n{e}");
    }
    (site, out)
}

fn build_with(root: &Path, out: &Path, no_data: bool, epoch: Option<i64>) -> gazette::Summary {
    gazette::build(&gazette::BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        no_data,
        source_date_epoch: epoch,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("build failed:\n{e}"))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every year's `documents.jsonl`, as `data/index.json` lists them, one after another;
/// checks each listed size and SHA-256 against the file.
fn all_jsonl(out: &Path) -> String {
    use sha2::{Digest, Sha256};
    let index = json(&out.join("data/index.json"));
    let mut all = String::new();
    let mut documents = 0;
    for year in index["years"].as_array().unwrap() {
        for kind in ["jsonl", "csv"] {
            let file = &year[kind];
            let path = file["path"].as_str().unwrap();
            assert_eq!(path, format!("data/{}/documents.{kind}", year["year"]));
            let bytes = fs::read(out.join(path)).unwrap();
            assert_eq!(file["size"], bytes.len() as u64, "{path}");
            let hex: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(file["sha256"], hex.as_str(), "{path}");
        }
        let text = read(&out.join(year["jsonl"]["path"].as_str().unwrap()));
        assert_eq!(
            Some(text.lines().count() as u64),
            year["documents"].as_u64()
        );
        documents += text.lines().count();
        all.push_str(&text);
    }
    assert_eq!(Some(documents as u64), index["documents"].as_u64());
    all
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Resolves a relative href written in the file at site path `from` to a site path.
fn resolve(from: &str, href: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in href.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The file a link points to: an absolute URL under the base, or a relative href.
fn target_file(out: &Path, from: &str, href: &str) -> PathBuf {
    let site_path = match href.strip_prefix(BASE) {
        Some(rest) => rest.to_string(),
        None => {
            assert!(!href.contains("://"), "{from}: unexpected address {href}");
            resolve(from, href)
        }
    };
    let file = out.join(&site_path);
    if site_path.is_empty() || site_path.ends_with('/') {
        file.join("index.html")
    } else {
        file
    }
}

fn elements<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    node.children()
        .filter(|n| n.is_element() && n.tag_name().name() == name)
        .collect()
}

fn text(node: roxmltree::Node<'_, '_>, name: &str) -> String {
    let found = elements(node, name);
    assert_eq!(found.len(), 1, "one <{name}> expected");
    found[0].text().unwrap_or_default().to_string()
}

fn is_timestamp(s: &str) -> bool {
    s.len() == 20 && s.ends_with("T00:00:00Z") && Date::parse(&s[..10]).is_ok()
}

/// Every feed file of the output, by site path.
fn feeds(out: &Path) -> BTreeMap<String, String> {
    read_tree(out)
        .into_iter()
        .filter(|(p, _)| p.ends_with("atom.xml"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect()
}

/// Front matter of a content file, as JSON.
fn front_matter(path: &Path) -> (Value, String) {
    let text = read(path)
        .trim_start_matches('\u{feff}')
        .replace("\r\n", "\n");
    let rest = text.strip_prefix("---\n").unwrap();
    let (yaml, body) = rest.split_once("\n---\n").unwrap();
    let value: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
    (serde_json::to_value(value).unwrap(), body.to_string())
}

fn date_of(v: &Value) -> Option<String> {
    v.as_str().map(|s| Date::parse(s).unwrap().to_string())
}

#[test]
fn feeds_are_atom_with_permanent_ids_and_front_matter_dates() {
    let (_site, out) = built("multi");
    let all = feeds(&out);
    for required in [
        "atom.xml",
        "issues/atom.xml",
        "issuers/yueqing-shi-renmin-zhengfu/atom.xml",
        "sections/documents/atom.xml",
        "sections/statistics/atom.xml",
        "types/tongzhi/atom.xml",
        "types/jueding/atom.xml",
    ] {
        assert!(all.contains_key(required), "missing feed {required}");
    }
    let mut ids_by_link: BTreeMap<String, String> = BTreeMap::new();
    for (path, xml) in &all {
        let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{path}: {e}"));
        let feed = doc.root_element();
        assert_eq!(feed.tag_name().name(), "feed", "{path}");
        assert_eq!(feed.tag_name().namespace(), Some(ATOM), "{path}");
        assert!(text(feed, "id").starts_with("urn:uuid:"), "{path}");
        assert!(!text(feed, "title").is_empty());
        let updated = text(feed, "updated");
        assert!(is_timestamp(&updated), "{path}: {updated}");
        assert_eq!(elements(elements(feed, "author")[0], "name").len(), 1);
        let links = elements(feed, "link");
        let self_link = links
            .iter()
            .find(|l| l.attribute("rel") == Some("self"))
            .unwrap();
        assert!(target_file(&out, path, self_link.attribute("href").unwrap()).ends_with(path));
        let entries = elements(feed, "entry");
        assert!(entries.len() <= 50);
        let mut ids = BTreeSet::new();
        for entry in entries {
            let id = text(entry, "id");
            assert!(id.starts_with("urn:uuid:"), "{path}: {id}");
            assert!(ids.insert(id.clone()), "{path}: repeated id {id}");
            let entry_updated = text(entry, "updated");
            assert!(is_timestamp(&entry_updated));
            assert!(
                entry_updated <= updated,
                "{path}: entry newer than its feed"
            );
            if let Some(published) = elements(entry, "published").first() {
                assert!(published.text().unwrap() <= entry_updated.as_str());
            }
            let href = elements(entry, "link")[0].attribute("href").unwrap();
            let file = target_file(&out, path, href);
            assert!(file.is_file(), "{path}: {href} leads nowhere");
            // The same page has the same id in every feed.
            let key = file.to_string_lossy().into_owned();
            if let Some(other) = ids_by_link.insert(key, id.clone()) {
                assert_eq!(other, id, "{path}: {href} has two ids");
            }
        }
    }

    // Dates are the front matter's: 成文日期 as published, never the build's clock.
    let doc = roxmltree::Document::parse(&all["atom.xml"]).unwrap();
    let entries = elements(doc.root_element(), "entry");
    assert_eq!(entries.len(), 8, "every document of the archive");
    assert_eq!(
        text(entries[0], "title"),
        "温州市人民政府关于公布第一批试点名单的通知"
    );
    let wzf = entries
        .iter()
        .find(|e| text(**e, "title").contains("最低生活保障"))
        .unwrap();
    assert_eq!(text(*wzf, "published"), "2019-12-09T00:00:00Z");
    let issues = roxmltree::Document::parse(&all["issues/atom.xml"]).unwrap();
    let entries = elements(issues.root_element(), "entry");
    assert_eq!(entries.len(), 3);
    assert_eq!(text(entries[2], "title"), "2019年第11期（总第207期）");
    assert_eq!(text(entries[2], "updated"), "2019-11-30T00:00:00Z");
    assert_eq!(text(entries[2], "published"), "2019-11-30T00:00:00Z");
}

#[test]
fn feeds_with_a_base_url_use_canonical_urls() {
    let (_site, out) = built("base-url");
    let xml = read(&out.join("atom.xml"));
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let feed = doc.root_element();
    assert_eq!(text(feed, "id"), format!("{BASE}atom.xml"));
    let self_link = elements(feed, "link")
        .into_iter()
        .find(|l| l.attribute("rel") == Some("self"))
        .unwrap();
    assert_eq!(
        self_link.attribute("href"),
        Some(&*format!("{BASE}atom.xml"))
    );
    let entries = elements(feed, "entry");
    assert_eq!(entries.len(), 2);
    for entry in entries {
        let id = text(entry, "id");
        assert_eq!(
            elements(entry, "link")[0].attribute("href"),
            Some(id.as_str())
        );
        let page = read(&target_file(&out, "atom.xml", &id));
        assert!(
            page.contains(&format!("<link rel=\"canonical\" href=\"{id}\">")),
            "{id} is not the page's canonical URL"
        );
    }
}

#[test]
fn pages_announce_their_feeds() {
    let (_site, out) = built("multi");
    let page = "issuers/yueqing-shi-renmin-zhengfu/index.html";
    let html = read(&out.join(page));
    let hrefs: Vec<&str> = html
        .lines()
        .filter(|l| l.contains("rel=\"alternate\" type=\"application/atom+xml\""))
        .map(|l| l.rsplit_once("href=\"").unwrap().1.trim_end_matches("\">"))
        .collect();
    assert_eq!(
        hrefs,
        [
            "../../issuers/yueqing-shi-renmin-zhengfu/atom.xml",
            "../../atom.xml",
            "../../issues/atom.xml"
        ]
    );
    for href in hrefs {
        assert!(target_file(&out, page, href).is_file(), "{href}");
    }
}

#[test]
fn sitemaps_list_every_canonical_page_once() {
    let (_site, out) = built("base-url");
    let index_xml = read(&out.join("sitemap.xml"));
    let index = roxmltree::Document::parse(&index_xml).unwrap();
    let root = index.root_element();
    assert_eq!(root.tag_name().name(), "sitemapindex");
    assert_eq!(root.tag_name().namespace(), Some(SITEMAPS));
    let mut listed = Vec::new();
    for sitemap in elements(root, "sitemap") {
        let loc = text(sitemap, "loc");
        let child_xml = read(&target_file(&out, "sitemap.xml", &loc));
        let child = roxmltree::Document::parse(&child_xml).unwrap();
        let urlset = child.root_element();
        assert_eq!(urlset.tag_name().name(), "urlset");
        assert_eq!(urlset.tag_name().namespace(), Some(SITEMAPS));
        let urls = elements(urlset, "url");
        assert!(!urls.is_empty() && urls.len() <= 50_000);
        for url in urls {
            let loc = text(url, "loc");
            assert!(loc.starts_with(BASE), "{loc}");
            if let Some(lastmod) = elements(url, "lastmod").first() {
                assert!(Date::parse(lastmod.text().unwrap()).is_ok());
            }
            listed.push(loc);
        }
    }
    let unique: BTreeSet<&String> = listed.iter().collect();
    assert_eq!(unique.len(), listed.len(), "a page is listed twice");
    // Every HTML page but redirects and the 404 page.
    let pages: BTreeSet<String> = read_tree(&out)
        .into_keys()
        .filter(|p| p.ends_with("index.html"))
        .filter(|p| {
            p == "normative/index.html"
                || !["d/", "issues/serial/", "normative/"]
                    .iter()
                    .any(|r| p.starts_with(r))
        })
        .map(|p| format!("{BASE}{}", p.trim_end_matches("index.html")))
        .collect();
    assert_eq!(unique.into_iter().cloned().collect::<BTreeSet<_>>(), pages);
    assert!(listed.contains(&format!("{BASE}documents/wzf/2020/1/")));
    assert_eq!(
        read(&out.join("robots.txt")),
        format!("User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n")
    );
}

#[test]
fn sitemaps_split_at_the_limit() {
    let fixture = repo().join("tests/fixtures/base-url");
    let site = gazette::load(&fixture, None).unwrap();
    let facts =
        gazette::publish::Facts::new(&site.root, &site.config, &site.archive, &site.index, None);
    let urls: Vec<gazette::publish::sitemap::Url> = (0..5)
        .map(|n| gazette::publish::sitemap::Url {
            path: format!("p{n}/"),
            year: Some(2020),
            lastmod: None,
        })
        .chain([gazette::publish::sitemap::Url {
            path: String::new(),
            year: None,
            lastmod: None,
        }])
        .collect();
    let files: BTreeMap<String, String> = gazette::publish::sitemap::files(&facts, &urls, 2)
        .into_iter()
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect();
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "robots.txt",
            "sitemap.xml",
            "sitemaps/2020-2.xml",
            "sitemaps/2020-3.xml",
            "sitemaps/2020.xml",
            "sitemaps/pages.xml"
        ]
    );
    let index = roxmltree::Document::parse(&files["sitemap.xml"]).unwrap();
    assert_eq!(elements(index.root_element(), "sitemap").len(), 4);
    for (name, count) in [("sitemaps/2020.xml", 2), ("sitemaps/2020-3.xml", 1)] {
        let doc = roxmltree::Document::parse(&files[name]).unwrap();
        assert_eq!(elements(doc.root_element(), "url").len(), count, "{name}");
    }
}

#[test]
fn without_a_base_url_there_are_no_sitemaps_and_the_summary_says_so() {
    let site = site_from(&repo().join("tests/fixtures/minimal"));
    let out = site.path().join("public");
    let summary = build_with(site.path(), &out, false, None);
    assert!(!out.join("sitemap.xml").exists());
    assert!(!out.join("robots.txt").exists());
    assert!(!out.join("sitemaps").exists());
    assert_eq!(summary.notes.len(), 1, "{:?}", summary.notes);
    assert!(
        summary.notes[0].contains("sitemap.xml"),
        "{:?}",
        summary.notes
    );

    let (_site, with_base) = built("base-url");
    let site = site_from(&repo().join("tests/fixtures/base-url"));
    let summary = build_with(site.path(), &site.path().join("public"), false, None);
    assert!(summary.notes.is_empty(), "{:?}", summary.notes);
    assert!(with_base.join("sitemap.xml").is_file());
}

#[test]
fn open_data_matches_the_front_matter() {
    let (site, out) = built("multi");
    let content = site.path().join("content");
    let mut by_path: BTreeMap<String, Value> = BTreeMap::new();
    let mut numbers = BTreeMap::new();
    let mut registrations = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&content).sort_by_file_name() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".md") || name == "_index.md" {
            continue;
        }
        let (fm, body) = front_matter(entry.path());
        let source = format!(
            "content/{}",
            entry
                .path()
                .strip_prefix(&content)
                .unwrap()
                .to_string_lossy()
        );
        // Find the record by its source file.
        let records: Vec<Value> = all_jsonl(&out)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .filter(|r: &Value| r["source"] == source.as_str())
            .collect();
        assert_eq!(records.len(), 1, "{source}");
        let record = &records[0];
        let path = record["path"].as_str().unwrap();
        assert!(out.join(path).join("index.html").is_file(), "{path}");
        assert_eq!(record["data"], format!("{path}data.json"));
        assert_eq!(&json(&out.join(path).join("data.json")), record, "{path}");
        assert_eq!(record["kind"], "document");
        assert_eq!(record["url"], Value::Null);
        assert_eq!(record["title"], fm["title"]);
        assert_eq!(record["section"]["name"], fm["section"]);
        assert_eq!(
            record["date"].as_str().map(String::from),
            date_of(&fm["date"])
        );
        assert_eq!(
            record["valid_from"].as_str().map(String::from),
            date_of(&fm["valid_from"])
        );
        assert_eq!(record["registration_number"], fm["registration_number"]);
        let issuers: Vec<&Value> = record["issuers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| &i["name"])
            .collect();
        let expected: Vec<&Value> = fm["issuers"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        if fm["issuers"]
            .as_array()
            .is_some_and(|a| a.iter().any(|n| n == "乐清市政府"))
        {
            assert_eq!(
                issuers.len(),
                expected.len(),
                "aliases resolve to one issuer each"
            );
        } else {
            assert_eq!(issuers, expected, "{source}");
        }
        if let Some(lead) = record["issuers"].as_array().unwrap().first() {
            assert_eq!(lead["lead"], true);
        }
        for key in ["addressees", "subjects"] {
            if !fm[key].is_null() {
                assert_eq!(record[key], fm[key], "{source}: {key}");
            }
        }
        if !fm["extra"].is_null() {
            assert_eq!(record["extra"], fm["extra"]);
        }
        if let Some(number) = fm["doc_number"].as_str() {
            let normal = gazette::content::doc_number::DocNumber::parse(number)
                .unwrap()
                .to_string();
            assert_eq!(record["doc_number"], normal.as_str());
            numbers.insert(normal, path.to_string());
        }
        if let Some(reg) = fm["registration_number"].as_str() {
            registrations.insert(reg.to_string(), path.to_string());
        }
        assert_eq!(record["markdown"].as_str().unwrap().trim(), body.trim());
        let plain = record["text"].as_str().unwrap();
        assert!(!plain.contains("**") && !plain.contains("##") && !plain.contains("]("));
        by_path.insert(path.to_string(), record.clone());
    }
    let jsonl = all_jsonl(&out);
    assert_eq!(jsonl.lines().count(), by_path.len());
    let wzb = &by_path["documents/wzb/2019/60/"];
    assert!(
        wzb["text"]
            .as_str()
            .unwrap()
            .contains("第一条　为规范专项资金管理")
    );
    assert_eq!(wzb["doc_number"], "温政办〔2019〕60号");

    // Lookup tables: every 文号 and 登记号 → an existing page.
    let wenhao = json(&out.join("data/wenhao.json"));
    let wenhao: BTreeMap<String, String> = serde_json::from_value(wenhao).unwrap();
    assert_eq!(wenhao, numbers);
    let registration: BTreeMap<String, String> =
        serde_json::from_value(json(&out.join("data/registration.json"))).unwrap();
    assert_eq!(registration, registrations);

    // Issues: issues.json holds each issue's data.json, in order, with its front matter.
    let issues = json(&out.join("data/issues.json"));
    let issues = issues.as_array().unwrap();
    assert_eq!(issues.len(), 3);
    for record in issues {
        let path = record["path"].as_str().unwrap();
        assert_eq!(&json(&out.join(path).join("data.json")), record);
        let (fm, _) = front_matter(&site.path().join(record["source"].as_str().unwrap()));
        assert_eq!(record["serial"], fm["serial"]);
        assert_eq!(record["year"], fm["year"]);
        assert_eq!(record["number"], fm["number"]);
        assert_eq!(
            record["published"].as_str().map(String::from),
            date_of(&fm["published"])
        );
        for d in record["documents"].as_array().unwrap() {
            assert!(by_path.contains_key(d["path"].as_str().unwrap()));
        }
    }
    assert_eq!(issues[1]["pdf"]["file"], "facsimile.txt");
    assert_eq!(
        issues[1]["pdf"]["size"],
        fs::metadata(content.join("2019/12/facsimile.txt"))
            .unwrap()
            .len()
    );
}

#[test]
fn csv_is_rfc_4180_with_a_bom_and_crlf() {
    let site = site_from(&repo().join("tests/fixtures/minimal"));
    let tricky = "关于“甲,乙”与\"丙\"\n丁的说明";
    fs::write(
        site.path().join("content/2020/01/tricky.md"),
        format!(
            "---\ntitle: {}\nsection: 政务简讯\n---\n正文。\n",
            serde_json::to_string(tricky).unwrap()
        ),
    )
    .unwrap();
    let out = site.path().join("public");
    build_with(site.path(), &out, false, None);
    let bytes = fs::read(out.join("data/2020/documents.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 byte order mark");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.ends_with("\r\n"));
    // Every line break outside quotes is CRLF; the only bare LF is inside the quoted title.
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count() + 1);
    assert!(text.contains("\"关于“甲,乙”与\"\"丙\"\"\n丁的说明\""));
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(headers, gazette::publish::data::CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let title = headers.iter().position(|h| h == "title").unwrap();
    let number = headers.iter().position(|h| h == "doc_number").unwrap();
    let issuers = headers.iter().position(|h| h == "issuers").unwrap();
    assert!(rows.iter().any(|r| &r[title] == tricky));
    let numbered = rows.iter().find(|r| !r[number].is_empty()).unwrap();
    assert_eq!(&numbered[number], "温政发〔2020〕1号");
    assert_eq!(&numbered[issuers], "温州市人民政府");
}

#[test]
fn no_data_leaves_out_the_open_data_and_only_it() {
    let site = site_from(&repo().join("tests/fixtures/multi"));
    let full = site.path().join("full");
    let html = site.path().join("html");
    build_with(site.path(), &full, false, None);
    let summary = build_with(site.path(), &html, true, None);
    assert!(summary.notes.iter().any(|n| n.contains("--no-data")));
    let is_data = |p: &str| p.starts_with("data/") || p.ends_with("/data.json");
    let full_tree = read_tree(&full);
    let html_tree = read_tree(&html);
    assert!(html_tree.keys().all(|p| !is_data(p)));
    let expected: BTreeSet<&String> = full_tree.keys().filter(|p| !is_data(p)).collect();
    assert_eq!(html_tree.keys().collect::<BTreeSet<_>>(), expected);
    for (path, bytes) in &html_tree {
        if path != "manifest.json" {
            assert_eq!(bytes, &full_tree[path], "{path}");
        }
    }
    assert!(gazette::verify(&html).unwrap().is_intact());
    // Switching the same output folder to --no-data removes the data files.
    build_with(site.path(), &full, true, None);
    assert_eq!(read_tree(&full), html_tree);
}

/// The JSON-LD of a page, parsed.
fn json_ld(html: &str) -> (String, Value) {
    let start = html.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let end = start + html[start..].find("</script>").unwrap();
    let raw = html[start..end].to_string();
    let value = serde_json::from_str(&raw).unwrap();
    (raw, value)
}

#[test]
fn json_ld_describes_legislation_and_issues_safely() {
    let (_site, out) = built("base-url");
    let (_, doc) = json_ld(&read(&out.join("documents/wzf/2020/1/index.html")));
    assert_eq!(doc["@context"], "https://schema.org");
    assert_eq!(doc["@type"], "Legislation");
    assert_eq!(doc["@id"], format!("{BASE}documents/wzf/2020/1/"));
    assert_eq!(doc["legislationIdentifier"], "温政发〔2020〕1号");
    assert_eq!(doc["legislationType"], "通知");
    assert_eq!(doc["legislationDate"], "2020-01-06");
    assert_eq!(doc["legislationJurisdiction"], "示例市");
    assert_eq!(doc["legislationPassedBy"][0]["@type"], "Organization");
    assert_eq!(doc["legislationPassedBy"][0]["name"], "温州市人民政府");
    assert_eq!(doc["identifier"]["value"], "ZJCC00-2020-0001");
    assert_eq!(doc["isPartOf"]["@type"], "PublicationIssue");
    assert_eq!(doc["isPartOf"]["isPartOf"]["@type"], "Periodical");
    assert_eq!(doc["isPartOf"]["url"], format!("{BASE}issues/2020/01/"));

    // A title holding `</script>` stays inside the element and reads back whole.
    let html = read(&out.join("issues/2020/01/notice/index.html"));
    let (raw, notice) = json_ld(&html);
    assert!(!raw.contains('<') && !raw.contains('>') && !raw.contains('&'));
    assert_eq!(notice["@type"], "Article");
    assert_eq!(notice["name"], "关于“</script><b>”等字样的说明");

    let (_, issue) = json_ld(&read(&out.join("issues/2020/01/index.html")));
    assert_eq!(issue["@type"], "PublicationIssue");
    assert_eq!(issue["issueNumber"], "1");
    assert_eq!(issue["datePublished"], "2020-01-20");
    assert_eq!(issue["identifier"]["value"], 209);
    assert_eq!(issue["hasPart"].as_array().unwrap().len(), 2);

    // Without `jurisdiction` in gazette.yaml there is none.
    let (_site, minimal) = built("minimal");
    let (_, doc) = json_ld(&read(&minimal.join("documents/wzf/2020/1/index.html")));
    assert!(doc.get("legislationJurisdiction").is_none());
    assert!(
        doc.get("@id").is_none(),
        "no absolute id without a base URL"
    );
}

/// Every redirect of `_redirects`: its page exists and leads to the target.
fn check_redirects(out: &Path, prefix: &str) -> Vec<(String, String)> {
    let list = read(&out.join("_redirects"));
    let mut pairs = Vec::new();
    for line in list.lines().filter(|l| !l.starts_with('#')) {
        let parts: Vec<&str> = line.split(' ').collect();
        assert_eq!(parts.len(), 3, "{line}");
        assert_eq!(parts[2], "301");
        let from = parts[0].strip_prefix(prefix).unwrap();
        let to = parts[1].strip_prefix(prefix).unwrap();
        let file = if from.ends_with('/') {
            format!("{from}index.html")
        } else {
            from.to_string()
        };
        let html = read(&out.join(&file));
        let refresh = html
            .split("<meta http-equiv=\"refresh\" content=\"0; url=")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{refresh}\">")));
        assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
        let target = target_file(out, &file, refresh);
        let want = if to.ends_with('/') || to.is_empty() {
            out.join(to).join("index.html")
        } else {
            out.join(to)
        };
        assert_eq!(target, want, "{line}");
        assert!(target.is_file(), "{line}");
        pairs.push((from.to_string(), to.to_string()));
    }
    pairs
}

#[test]
fn redirect_pages_lead_to_their_targets() {
    let (_site, out) = built("multi");
    let pairs = check_redirects(&out, "/");
    for (from, to) in [
        ("d/wzf-2019-16/", "documents/wzf/2019/16/"),
        ("d/wzsrmzfl-2019-3/", "documents/wzsrmzfl/2019/3/"),
        ("issues/serial/208/", "issues/2019/12/"),
        ("normative/zjcc00-2019-0007/", "documents/wzf/2019/16/"),
    ] {
        assert!(
            pairs.contains(&(from.to_string(), to.to_string())),
            "{from} → {to}"
        );
    }
    // Relative, so the copy works from file://.
    let page = read(&out.join("d/wzf-2019-16/index.html"));
    assert!(page.contains("url=../../documents/wzf/2019/16/index.html"));

    let (_site, out) = built("base-url");
    let pairs = check_redirects(&out, "/wenzhou/");
    assert!(pairs.contains(&(
        "old/wzf-2020-1.html".to_string(),
        "documents/wzf/2020/1/".to_string()
    )));
    let page = read(&out.join("old/wzf-2020-1.html"));
    assert!(page.contains(&format!("url={BASE}documents/wzf/2020/1/\"")));
}

#[test]
fn the_404_page_links_from_the_host_root() {
    let (_site, out) = built("minimal");
    let html = read(&out.join("404.html"));
    assert!(html.contains("<h1>页面未找到</h1>"));
    assert!(html.contains("href=\"/assets/gazette.css\""), "{html}");
    assert!(!html.contains("rel=\"canonical\""));
    let (_site, out) = built("base-url");
    let html = read(&out.join("404.html"));
    assert!(html.contains(&format!("href=\"{BASE}assets/gazette.css\"")));
}

#[test]
fn the_manifest_lists_every_file_with_its_size_and_hash() {
    use sha2::{Digest, Sha256};
    let (_site, out) = built("multi");
    let manifest = json(&out.join("manifest.json"));
    assert_eq!(manifest["algorithm"], "sha256");
    let files = manifest["files"].as_array().unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "sorted by path");
    let tree = read_tree(&out);
    let expected: Vec<&str> = tree
        .keys()
        .map(String::as_str)
        .filter(|p| *p != "manifest.json")
        .collect();
    assert_eq!(paths, expected);
    for f in files {
        let bytes = &tree[f["path"].as_str().unwrap()];
        assert_eq!(f["size"], bytes.len());
        let hex: String = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(f["sha256"], hex.as_str());
    }
}

/// A built site and a copy of it, as a mirror would hold it.
fn mirror() -> (TempDir, PathBuf) {
    let (site, out) = built("multi");
    let copy = site.path().join("mirror");
    copy_tree(&out, &copy);
    (site, copy)
}

#[test]
fn verify_accepts_an_intact_copy_and_names_every_difference() {
    let (_site, copy) = mirror();
    let report = gazette::verify(&copy).unwrap();
    assert!(report.is_intact(), "{report}");
    assert!(report.listed > 50);

    let page = copy.join("documents/wzf/2019/16/index.html");
    let original = fs::read(&page).unwrap();
    fs::remove_file(&page).unwrap();
    let report = gazette::verify(&copy).unwrap();
    assert_eq!(report.missing, ["documents/wzf/2019/16/index.html"]);
    assert_eq!(report.problems(), 1);

    let mut flipped = original.clone();
    flipped[100] ^= 0x01;
    fs::write(&page, &flipped).unwrap();
    let report = gazette::verify(&copy).unwrap();
    assert_eq!(report.altered.len(), 1);
    assert_eq!(report.altered[0].path, "documents/wzf/2019/16/index.html");
    assert_eq!(report.problems(), 1);
    assert!(
        report
            .to_string()
            .starts_with("altered: documents/wzf/2019/16/index.html (SHA-256")
    );

    fs::write(&page, &original).unwrap();
    fs::write(copy.join("issues/2019/notes.txt"), "not ours").unwrap();
    let report = gazette::verify(&copy).unwrap();
    assert_eq!(report.extra, ["issues/2019/notes.txt"]);
    assert_eq!(report.problems(), 1);
    fs::remove_file(copy.join("issues/2019/notes.txt")).unwrap();

    fs::write(copy.join("manifest.json"), "{ not json").unwrap();
    assert!(matches!(gazette::verify(&copy), Err(Error::Fatal(_))));
    fs::remove_file(copy.join("manifest.json")).unwrap();
    match gazette::verify(&copy) {
        Err(Error::Fatal(m)) => assert!(m.contains("manifest"), "{m}"),
        other => panic!("expected a fatal error, got {other:?}"),
    }
}

#[test]
fn verify_refuses_a_manifest_that_points_outside() {
    let (_site, copy) = mirror();
    let text = read(&copy.join("manifest.json")).replacen(
        "\"path\":\"404.html\"",
        "\"path\":\"../404.html\"",
        1,
    );
    fs::write(copy.join("manifest.json"), text).unwrap();
    assert!(matches!(gazette::verify(&copy), Err(Error::Fatal(_))));
}

fn verify_command(dir: &Path) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("verify")
        .arg(dir)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn verify_command_reports_and_exits_by_what_it_found() {
    let (_site, copy) = mirror();
    let (code, stdout, _) = verify_command(&copy);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("are present and unaltered"), "{stdout}");

    let page = copy.join("types/tongzhi/index.html");
    let original = fs::read(&page).unwrap();
    fs::remove_file(&page).unwrap();
    let (code, stdout, _) = verify_command(&copy);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("missing: types/tongzhi/index.html\n"),
        "{stdout}"
    );
    assert!(stdout.contains("1 missing, 0 extra, 0 altered"), "{stdout}");

    let mut flipped = original.clone();
    flipped[0] ^= 0x20;
    fs::write(&page, &flipped).unwrap();
    let (code, stdout, _) = verify_command(&copy);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("altered: types/tongzhi/index.html"),
        "{stdout}"
    );

    fs::write(&page, &original).unwrap();
    fs::write(copy.join("extra.html"), "x").unwrap();
    let (code, stdout, _) = verify_command(&copy);
    assert_eq!(code, 1);
    assert!(stdout.starts_with("extra: extra.html\n"), "{stdout}");

    fs::remove_file(copy.join("manifest.json")).unwrap();
    let (code, _, stderr) = verify_command(&copy);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: cannot read the manifest"),
        "{stderr}"
    );
}

#[test]
fn two_builds_into_different_folders_are_identical() {
    for fixture in ["multi", "base-url"] {
        let site = site_from(&repo().join("tests/fixtures").join(fixture));
        let a = site.path().join("a");
        let b = site.path().join("elsewhere/b");
        build_with(site.path(), &a, false, None);
        std::thread::sleep(std::time::Duration::from_millis(1100));
        build_with(site.path(), &b, false, None);
        assert_eq!(read_tree(&a), read_tree(&b), "{fixture}");
        // SOURCE_DATE_EPOCH changes no date the content gives; it only moves the reference
        // date of the validity statuses (the register, the pages that show a status, and the
        // manifest that lists them).
        let c = site.path().join("c");
        build_with(site.path(), &c, false, Some(1_700_000_000));
        let (ta, tc) = (read_tree(&a), read_tree(&c));
        assert_eq!(
            ta.keys().collect::<Vec<_>>(),
            tc.keys().collect::<Vec<_>>(),
            "{fixture}"
        );
        for (path, bytes) in &ta {
            if tc[path] != *bytes {
                let shows_status = String::from_utf8_lossy(bytes).contains("class=\"validity");
                assert!(
                    shows_status || path == "normative/index.html" || path == "manifest.json",
                    "{fixture}: SOURCE_DATE_EPOCH changed {path}"
                );
            }
        }
    }
}

#[test]
fn source_date_epoch_fills_only_dates_the_content_lacks() {
    let site = site_from(&repo().join("tests/fixtures/minimal"));
    // An issue with no publication date holding one undated item.
    fs::create_dir_all(site.path().join("content/2020/02")).unwrap();
    fs::write(
        site.path().join("content/2020/02/_index.md"),
        "---\nyear: 2020\nnumber: 2\nserial: 210\n---\n",
    )
    .unwrap();
    fs::write(
        site.path().join("content/2020/02/briefs.md"),
        "---\ntitle: 2月份政务简讯\nsection: 政务简讯\n---\n简讯。\n",
    )
    .unwrap();
    let updated_of_newest_issue = |out: &Path| {
        let xml = read(&out.join("issues/atom.xml"));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let entries = elements(doc.root_element(), "entry");
        assert_eq!(text(entries[0], "title"), "2020年第2期（总第210期）");
        assert!(elements(entries[0], "published").is_empty());
        text(entries[0], "updated")
    };
    let plain = site.path().join("plain");
    build_with(site.path(), &plain, false, None);
    assert_eq!(updated_of_newest_issue(&plain), "2020-01-01T00:00:00Z");
    let dated = site.path().join("dated");
    // 2020-03-02T12:00:00Z
    build_with(site.path(), &dated, false, Some(1_583_150_400));
    assert_eq!(updated_of_newest_issue(&dated), "2020-03-02T00:00:00Z");
    // The dated issue of the same site keeps its printed date.
    let xml = read(&dated.join("issues/atom.xml"));
    assert!(xml.contains("<published>2020-01-20T00:00:00Z</published>"));
}

#[test]
fn an_unchanged_rebuild_with_a_base_url_rewrites_no_file() {
    let site = site_from(&repo().join("tests/fixtures/base-url"));
    let out = site.path().join("public");
    let first = build_with(site.path(), &out, false, None);
    assert!(first.written > 0);
    let second = build_with(site.path(), &out, false, None);
    assert_eq!((second.written, second.removed), (0, 0), "{second:?}");
    assert_eq!(second.unchanged, second.files);
    for file in [
        "sitemap.xml",
        "robots.txt",
        "manifest.json",
        "_redirects",
        "atom.xml",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
}

#[test]
fn feed_limit_keeps_the_newest_entries() {
    let site = site_from(&repo().join("tests/fixtures/multi"));
    let config = site.path().join("gazette.yaml");
    let settings = read(&config);
    fs::write(&config, format!("{settings}feed_limit: 2\n")).unwrap();
    let out = site.path().join("public");
    build_with(site.path(), &out, false, None);
    for (path, xml) in feeds(&out) {
        let doc = roxmltree::Document::parse(&xml).unwrap();
        assert!(elements(doc.root_element(), "entry").len() <= 2, "{path}");
    }
    let xml = read(&out.join("issues/atom.xml"));
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let titles: Vec<String> = elements(doc.root_element(), "entry")
        .into_iter()
        .map(|e| text(e, "title"))
        .collect();
    assert_eq!(
        titles,
        ["2020年第1期（总第209期）", "2019年第12期（总第208期）"]
    );
}

#[test]
fn build_command_takes_no_data_and_source_date_epoch() {
    let site = site_from(&repo().join("tests/fixtures/minimal"));
    let out = site.path().join("public");
    let run = |epoch: &str, extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_gazette"))
            .args(["build", "--root"])
            .arg(site.path())
            .arg("--output")
            .arg(&out)
            .args(extra)
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap()
    };
    let done = run("1583150400", &["--no-data"]);
    let stdout = String::from_utf8(done.stdout).unwrap();
    assert!(done.status.success(), "{stdout}");
    assert!(stdout.contains("note: no base_url: sitemap.xml and robots.txt were not written"));
    assert!(stdout.contains("note: --no-data"));
    assert!(!out.join("data").exists());
    assert!(!out.join("documents/wzf/2020/1/data.json").exists());
    assert!(out.join("manifest.json").is_file());

    let refused = run("yesterday", &[]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8(refused.stderr).unwrap();
    assert!(stderr.contains("SOURCE_DATE_EPOCH"), "{stderr}");
}
