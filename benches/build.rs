//! `cargo bench`: times `gazette build` on synthetic archives of growing size.
//!
//! Each archive is written by the corpus generator (`examples/corpus`) once, under
//! `target/bench/` (or `GAZETTE_BENCH_DIR`), and built from a cold output folder several
//! times; the median wall time and the peak memory (from `/usr/bin/time`, where it exists)
//! are reported, with documents per second, for three kinds of build:
//!
//! - `site`: HTML only (`--no-search --no-data`), what general generators produce;
//! - `+data`: with the open data (`--no-search`);
//! - `+search`: everything, with the full-text index (only up to `GAZETTE_BENCH_SEARCH_MAX`
//!   documents, 10,000 by default: Pagefind indexing dominates beyond).
//!
//! After the cold builds of each kind, two rebuilds into the folder just built are timed
//! (median of the same number of runs): with nothing changed, and after a sentence is
//! appended to one document in the middle of the archive (the persistent cache at work; with
//! search, that document's year is indexed again). The edit is printed as a share of the
//! cold build of the same kind.
//!
//! Settings: `GAZETTE_BENCH_SIZES` (default `1000,10000,50000,100000`), `GAZETTE_BENCH_RUNS`
//! (default 3), `GAZETTE_BENCH_THREADS` (e.g. `1,2` to compare thread counts; default: the
//! machine's). A tmpfs folder (`GAZETTE_BENCH_DIR=/dev/shm/gazette-bench`) measures the
//! program rather than the disk.

#[path = "../examples/corpus/generate.rs"]
mod generate;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn env_list(name: &str, default: &str) -> Vec<usize> {
    std::env::var(name)
        .unwrap_or_else(|_| default.to_string())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

struct Run {
    seconds: f64,
    peak_kb: Option<u64>,
}

fn build_once(root: &Path, out: &Path, flags: &[&str], threads: Option<usize>) -> Run {
    let _ = std::fs::remove_dir_all(out);
    let _ = std::fs::remove_dir_all(cache_of(out));
    build_into(root, out, flags, threads)
}

/// Where the build state of `out` is kept: beside it, so that a cold build starts without.
fn cache_of(out: &Path) -> std::path::PathBuf {
    out.with_extension("cache")
}

/// Builds into `out` as it stands (with the cache of the last build, if any).
fn build_into(root: &Path, out: &Path, flags: &[&str], threads: Option<usize>) -> Run {
    let time = Path::new("/usr/bin/time");
    let mut command = if time.exists() {
        let mut c = Command::new(time);
        c.args(["-f", "%M"]).arg(env!("CARGO_BIN_EXE_gazette"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_gazette"))
    };
    command
        .args(["build", "--quiet", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .arg("--cache-dir")
        .arg(cache_of(out))
        .args(flags);
    if let Some(n) = threads {
        command.env("RAYON_NUM_THREADS", n.to_string());
    }
    let started = Instant::now();
    let output = command.output().expect("gazette runs");
    let seconds = started.elapsed().as_secs_f64();
    assert!(
        output.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let peak_kb = String::from_utf8_lossy(&output.stderr)
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok());
    Run { seconds, peak_kb }
}

/// The median of `runs` runs of `run`.
fn median_of(runs: usize, mut run: impl FnMut() -> Run) -> Run {
    let mut results: Vec<Run> = (0..runs).map(|_| run()).collect();
    results.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    results.swap_remove(results.len() / 2)
}

/// A document in the middle of the corpus, relative to its root.
fn edit_target(corpus: &Path) -> PathBuf {
    let mut docs: Vec<PathBuf> = walkdir::WalkDir::new(corpus.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md")
                && p.file_name().is_some_and(|n| n != "_index.md")
        })
        .collect();
    let doc = docs.swap_remove(docs.len() / 2);
    doc.strip_prefix(corpus).expect("inside").to_path_buf()
}

#[allow(clippy::print_stdout)]
fn main() {
    // `cargo test --benches` runs benchmarks in test mode: nothing to measure then.
    if std::env::args().any(|a| a == "--test") || !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let base = std::env::var_os("GAZETTE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("target/bench"));
    let sizes = env_list("GAZETTE_BENCH_SIZES", "1000,10000,50000,100000");
    let runs = env_list("GAZETTE_BENCH_RUNS", "3")
        .first()
        .copied()
        .unwrap_or(3)
        .max(1);
    let search_max = env_list("GAZETTE_BENCH_SEARCH_MAX", "10000")
        .first()
        .copied()
        .unwrap_or(10_000);
    let threads: Vec<Option<usize>> = match std::env::var("GAZETTE_BENCH_THREADS") {
        Ok(list) => list
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .map(Some)
            .collect(),
        Err(_) => vec![None],
    };
    let pool = generate::sentence_pool(&repo.join("content/2019/12")).expect("the bundled issue");
    println!(
        "| documents | build | threads | wall (median of {runs}) | documents/s | peak memory |"
    );
    println!("|---:|---|---:|---:|---:|---:|");
    for &docs in &sizes {
        let corpus = base.join(format!("corpus-{docs}"));
        let stamp = corpus.join(".complete");
        if !stamp.exists() {
            let _ = std::fs::remove_dir_all(&corpus);
            generate::generate(&corpus, docs, 2019, &pool, &repo.join("themes/default"))
                .expect("corpus");
            std::fs::write(&stamp, "").expect("stamp");
        }
        let out = base.join(format!("out-{docs}"));
        let mut kinds: Vec<(&str, Vec<&str>)> = vec![
            ("site", vec!["--no-search", "--no-data"]),
            ("+data", vec!["--no-search"]),
        ];
        if docs <= search_max {
            kinds.push(("+search", vec![]));
        }
        for (kind, flags) in &kinds {
            // The cold build's median with the last thread setting (the one rebuilds use).
            let mut cold = f64::NAN;
            for &t in &threads {
                let mut results: Vec<Run> = (0..runs)
                    .map(|_| build_once(&corpus, &out, flags, t))
                    .collect();
                results.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
                let median = &results[results.len() / 2];
                cold = median.seconds;
                let peak = results.iter().filter_map(|r| r.peak_kb).max();
                println!(
                    "| {docs} | {kind} | {} | {:.2} s | {:.0} | {} |",
                    t.map_or_else(|| "all".to_string(), |n| n.to_string()),
                    median.seconds,
                    docs as f64 / median.seconds,
                    peak.map_or_else(|| "n/a".to_string(), |kb| format!("{} MB", kb / 1024)),
                );
            }
            // Rebuilds into the folder just built: unchanged, then after editing one
            // document's body (a sentence appended, `runs` times).
            let t = threads.last().copied().flatten();
            let again = median_of(runs, || build_into(&corpus, &out, flags, t));
            let edited = corpus.join(edit_target(&corpus));
            let original = std::fs::read_to_string(&edited).expect("a document");
            let edit = median_of(runs, || {
                let mut text = std::fs::read_to_string(&edited).expect("a document");
                text.push_str("\n本文件自印发之日起施行。\n");
                std::fs::write(&edited, text).expect("edit");
                build_into(&corpus, &out, flags, t)
            });
            std::fs::write(&edited, original).expect("restore");
            for (what, run) in [("unchanged rebuild", again), ("one body edited", edit)] {
                println!(
                    "| {docs} | {kind}, {what} | {} | {:.2} s | {:.1}% of cold | {} |",
                    t.map_or_else(|| "all".to_string(), |n| n.to_string()),
                    run.seconds,
                    100.0 * run.seconds / cold,
                    run.peak_kb
                        .map_or_else(|| "n/a".to_string(), |kb| format!("{} MB", kb / 1024)),
                );
            }
        }
        let _ = std::fs::remove_dir_all(&out);
        let _ = std::fs::remove_dir_all(cache_of(&out));
    }
}
