//! The top-level modules of the crate depend on each other one way: no module reaches,
//! through others, back to itself. The dependencies are read from the sources (every
//! `crate::<module>` outside comments and test modules), so the test follows the code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::repo;

/// The top-level module a source file belongs to (`None` for the crate roots).
fn module_of(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then(|| name.to_string())
}

/// The modules `code` names as `crate::<module>`, also inside `use crate::{a, b::c}`.
fn named_modules(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        found.insert(ident(&group[i..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            found.insert(ident(rest));
        }
    }
    found.retain(|m| !m.is_empty() && m.chars().next().is_some_and(|c| c.is_ascii_lowercase()));
    found
}

/// Which top-level modules each one uses.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = repo().join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = entry.path().strip_prefix(&src).unwrap();
        let Some(module) = module_of(rel) else {
            continue;
        };
        if rel
            .file_name()
            .is_some_and(|n| n == "tests.rs" || n.to_string_lossy().ends_with("_tests.rs"))
        {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        // Unit tests may reach anywhere.
        let text = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let uses = graph.entry(module.clone()).or_default();
        uses.extend(named_modules(&code).into_iter().filter(|m| *m != module));
    }
    graph
}

/// The modules reachable from `from`.
fn reachable(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_string()];
    while let Some(m) = todo.pop() {
        for next in graph.get(&m).into_iter().flatten() {
            if seen.insert(next.clone()) {
                todo.push(next.clone());
            }
        }
    }
    seen
}

/// Every cycle, as the set of modules that reach each other.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<BTreeSet<String>> {
    let reach: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|m| (m, reachable(graph, m))).collect();
    graph
        .keys()
        .filter(|m| reach[m].contains(*m))
        .map(|m| {
            reach[m]
                .iter()
                .filter(|o| reach.get(o).is_some_and(|r| r.contains(m)))
                .cloned()
                .collect()
        })
        .collect()
}

#[test]
fn top_level_modules_have_no_import_cycles() {
    let graph = graph();
    assert!(graph.contains_key("render") && graph["render"].contains("urls"));
    let found = cycles(&graph);
    let listing: Vec<String> = graph
        .iter()
        .map(|(m, uses)| format!("{m} -> {}", Vec::from_iter(uses.iter().cloned()).join(" ")))
        .collect();
    assert!(
        found.is_empty(),
        "import cycles between top-level modules: {found:?}\n{}",
        listing.join("\n")
    );
}

#[test]
fn the_reader_of_dependencies_sees_grouped_imports() {
    let uses =
        named_modules("use crate::{cache::{self, Entry}, urls};\nlet x = crate::tree::Tree;");
    assert_eq!(Vec::from_iter(uses), ["cache", "tree", "urls"]);
}
