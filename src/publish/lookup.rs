//! The 文号 / 登记号 lookup table (`search/wenhao.json`): every 文号 and 登记号 with its page,
//! so that typing a 文号 into the search box leads straight to the document without loading
//! the full-text index.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::content::Archive;
use crate::incremental::Input;
use crate::index::Index;

/// What the lookup table reads: the front matter (文号, 登记号, titles, pages).
pub const READS: &[Input] = &[Input::FrontMatter];

/// One row of the lookup table.
#[derive(Serialize)]
struct LookupEntry<'a> {
    /// 文号, normalised.
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<String>,
    /// 登记号.
    #[serde(skip_serializing_if = "Option::is_none")]
    r: Option<&'a str>,
    /// 标题.
    t: &'a str,
    /// Its page, in link form, relative to the site root.
    u: String,
}

/// The lookup table ([`crate::urls::LOOKUP_FILE`]): every document with a 文号 or 登记号, in 文号 order. `link` turns
/// a site path into its link form.
pub fn lookup_json(archive: &Archive, index: &Index, link: impl Fn(&str) -> String) -> String {
    let mut rows: BTreeMap<(String, String), LookupEntry<'_>> = BTreeMap::new();
    for (i, d) in archive.documents.iter().enumerate() {
        if d.doc_number.is_none() && d.registration_number.is_none() {
            continue;
        }
        // A declared duplicate (reprint) leads to the original.
        if d.duplicate_of().is_some() {
            continue;
        }
        let n = d.doc_number.as_ref().map(ToString::to_string);
        rows.insert(
            (
                n.clone().unwrap_or_default(),
                d.registration_number.clone().unwrap_or_default(),
            ),
            LookupEntry {
                n,
                r: d.registration_number.as_deref(),
                t: &d.title,
                u: link(&index.doc_paths[i]),
            },
        );
    }
    let rows: Vec<&LookupEntry<'_>> = rows.values().collect();
    // One entry per line: small diffs between builds.
    let mut text = String::from("[\n");
    for (k, row) in rows.iter().enumerate() {
        text.push_str(&serde_json::to_string(row).expect("serialisable"));
        text.push_str(if k + 1 < rows.len() { ",\n" } else { "\n" });
    }
    text.push_str("]\n");
    text
}
