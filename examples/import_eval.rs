//! Prints how well `gazette import` does on a test issue: items with the same boundaries,
//! front matter fields, bodies and markup blocks equal to a hand-checked issue folder.
//!
//! ```sh
//! cargo run --release --example import_eval -- content/2019/12/wenzhou-gazette-2019-12.txt content/2019/12
//! cargo run --release --example import_eval -- tests/import/<name>     # source.txt|pdf + truth/
//! ```
//! `--root DIR` names the site whose `gazette.yaml` (sections, series) is used (default `.`);
//! `--write DIR` also writes the drafts there, to look at them. `--table tests/import` prints
//! one Markdown row per test issue and input (`source.txt`, `source.pdf`), with the settings
//! its truth is written for: `tests/import/gazette.yaml` for an issue with a `source.pdf`,
//! `tests/import/site/gazette.yaml` for the others.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gazette::import::evaluate;

#[allow(clippy::print_stdout)]
fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut take = |flag: &str| {
        let at = args.iter().position(|a| a == flag)?;
        args.remove(at);
        (at < args.len()).then(|| args.remove(at))
    };
    let root = PathBuf::from(take("--root").unwrap_or_else(|| ".".into()));
    let write = take("--write").map(PathBuf::from);
    if let Some(dir) = take("--table") {
        return table(Path::new(&dir));
    }
    let (source, truth) = match args.as_slice() {
        [dir] => {
            let dir = Path::new(dir);
            let source = ["source.txt", "source.pdf"]
                .iter()
                .map(|n| dir.join(n))
                .find(|p| p.exists());
            match source {
                Some(s) => (s, dir.join("truth")),
                None => {
                    eprintln!("{}: no source.txt or source.pdf", dir.display());
                    return ExitCode::from(2);
                }
            }
        }
        [source, truth] => (PathBuf::from(source), PathBuf::from(truth)),
        _ => {
            eprintln!(
                "usage: import_eval [--root DIR] [--write DIR] (SOURCE TRUTH_DIR | TEST_DIR)"
            );
            return ExitCode::from(2);
        }
    };
    match evaluate::evaluate_files(&root, &source, &truth, write.as_deref()) {
        Ok(figures) => {
            println!("{}: against {}", source.display(), truth.display());
            print!("{}", figures.summary());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// One Markdown row per test issue of `dir` and input.
#[allow(clippy::print_stdout)]
fn table(dir: &Path) -> ExitCode {
    let mut issues: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("truth").is_dir())
        .collect();
    issues.sort();
    println!(
        "| test issue | input | items split right | fields equal | bodies equal | markup blocks equal |"
    );
    println!("|---|---|---|---|---|---|");
    for issue in issues {
        let printed = issue.join("source.pdf").is_file();
        let root = if printed {
            dir.to_path_buf()
        } else {
            dir.join("site")
        };
        for name in ["source.txt", "source.pdf"] {
            let source = issue.join(name);
            if !source.is_file() {
                continue;
            }
            match evaluate::evaluate_files(&root, &source, &issue.join("truth"), None) {
                Ok(f) => println!(
                    "| `{}` | {} | {} of {} | {} of {} ({:.1} %) | {} of {} | {} of {} ({:.1} %) |",
                    issue.file_name().unwrap_or_default().to_string_lossy(),
                    if name.ends_with("pdf") { "PDF" } else { "text" },
                    f.same_boundaries,
                    f.truth_items,
                    f.fields_equal,
                    f.field_pairs,
                    f.fields_percent(),
                    f.bodies_equal,
                    f.bodies,
                    f.blocks_equal,
                    f.blocks,
                    f.blocks_percent()
                ),
                Err(e) => {
                    eprintln!("error: {}: {e}", source.display());
                    return ExitCode::from(2);
                }
            }
        }
    }
    ExitCode::SUCCESS
}
