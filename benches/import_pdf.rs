//! `cargo bench --bench import_pdf`: times reading the printed test issues of `tests/import/`.
//!
//! Each PDF is read several times in one process; the median wall time is reported, per read
//! and scaled to a 40-page issue. Settings:
//! `GAZETTE_BENCH_RUNS` (default 9); `RAYON_NUM_THREADS` (pages are read in parallel);
//! `GAZETTE_BENCH_PDFS`: more PDFs to time, paths separated by `:` (a 40-page issue made with
//! `qpdf`, say, to see the cost of opening the file and parsing its fonts once).
//!
//! Next to each read, the bench times the same read with every page's text through the
//! crate's text extraction (`pdf::read_through_crate`), so that the own reader of pages in
//! CID fonts with a predefined CMap (see the README, "PDF input") is measured against it in
//! the same run, and the floor of any reader: opening the document and parsing every page's
//! content streams into operators with the crate's public `ContentParser`.

use std::io::Cursor;

use std::time::Instant;

use oxidize_pdf::parser::content::ContentParser;
use oxidize_pdf::parser::{PdfDocument, PdfReader};

/// Opens `bytes` and parses every page's content streams into operators; returns how many.
fn parse_operators(bytes: &[u8]) -> usize {
    let reader = PdfReader::new(Cursor::new(bytes)).expect("readable");
    let document = PdfDocument::new(reader);
    let mut count = 0;
    for index in 0..document.page_count().expect("pages") {
        let page = document.get_page(index).expect("page");
        for stream in page
            .content_streams_with_document(&document)
            .expect("streams")
        {
            count += ContentParser::parse(&stream).expect("operators").len();
        }
    }
    count
}

/// The median of `runs` timings of `f`, in seconds.
fn median(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

// A benchmark reports on standard output.
#[allow(clippy::print_stdout)]
fn main() {
    // `cargo test --benches` runs benchmarks in test mode: nothing to measure then.
    if std::env::args().any(|a| a == "--test") || !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runs: usize = std::env::var("GAZETTE_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(9);
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/import");
    println!(
        "| PDF | pages | median per read | per 40 pages | through the crate, per 40 pages \
         | operators only, per 40 pages |"
    );
    println!("|---|---|---|---|---|---|");
    let mut files: Vec<(String, String)> = ["two-column", "narrow", "cid-single"]
        .iter()
        .map(|issue| (issue.to_string(), format!("{root}/{issue}/source.pdf")))
        .collect();
    if let Ok(more) = std::env::var("GAZETTE_BENCH_PDFS") {
        let paths = more.split(':').filter(|path| !path.is_empty());
        files.extend(paths.map(|path| (path.to_owned(), path.to_owned())));
    }
    for (issue, path) in files {
        let bytes = std::fs::read(&path).expect("readable file");
        let mut pages = 0;
        let read = median(runs, || {
            pages = gazette::import::pdf::read(&bytes).expect("readable").len();
        });
        let through_crate = median(runs, || {
            std::hint::black_box(gazette::import::pdf::read_through_crate(&bytes).ok());
        });
        let operators = median(runs, || {
            std::hint::black_box(parse_operators(&bytes));
        });
        let per40 = |t: f64| t * 1000.0 * 40.0 / pages.max(1) as f64;
        println!(
            "| {issue} | {pages} | {:.1} ms | {:.0} ms | {:.0} ms | {:.1} ms |",
            read * 1000.0,
            per40(read),
            per40(through_crate),
            per40(operators)
        );
    }
}
