//! The review report of an import: for every item, where each field was found and what is
//! uncertain, so that a reviewer goes straight to it. As text after the import, or as JSON
//! (`--format json`, the [`super::write::Outcome`] serialised).

use std::fmt::Write as _;

use super::write::Outcome;

/// The report as text.
pub fn text(outcome: &Outcome) -> String {
    let mut s = String::new();
    let imported = &outcome.imported;
    let _ = writeln!(
        s,
        "{} {} items from {} ({}{} page(s)) into {}/ (总第{}期, from {}){}",
        if outcome.dry_run {
            "Would import"
        } else {
            "Imported"
        },
        imported.drafts.len(),
        outcome.source,
        outcome
            .encoding
            .map(|e| format!("{e}, "))
            .unwrap_or_default(),
        outcome.pages,
        outcome.folder,
        outcome.serial,
        outcome.serial_from,
        if outcome.dry_run {
            "; dry run: nothing written"
        } else {
            ""
        }
    );
    let numbers = imported
        .furniture
        .iter()
        .filter(|f| f.kind == "page-number")
        .count();
    let heads = imported.furniture.len() - numbers;
    let _ = writeln!(
        s,
        "Furniture removed: {numbers} page number(s), {heads} running head(s)"
    );
    for f in &imported.furniture {
        let _ = writeln!(s, "  {}: {} `{}`", f.at, f.kind, f.text);
    }
    if imported.inferred_pages {
        let _ = writeln!(
            s,
            "  pages that print no page number were numbered by inference (each item's `pages` says so)"
        );
    }
    let _ = writeln!(
        s,
        "Files{}:",
        if outcome.dry_run {
            " it would write"
        } else {
            " written"
        }
    );
    for f in &outcome.files {
        let _ = writeln!(s, "  {f}");
    }
    let uncertain: usize = imported.drafts.iter().map(|d| d.notes.len()).sum();
    let _ = writeln!(s, "Items ({uncertain} point(s) to review, marked !):");
    for d in &imported.drafts {
        let _ = writeln!(s, "\n{}  {}", d.file, d.title);
        let _ = writeln!(s, "  starts at {} ({})", d.start, d.start_reason);
        for f in &d.fields {
            let at = f.at.map_or_else(|| "-".to_string(), |w| w.to_string());
            let note = f
                .note
                .as_ref()
                .map(|n| format!("  ({n})"))
                .unwrap_or_default();
            let _ = writeln!(s, "  {:<20} {:<10} {}{note}", f.name, at, f.yaml);
        }
        for n in &d.notes {
            let at = n.at.map_or_else(String::new, |w| format!("{w}: "));
            let _ = writeln!(s, "  ! {at}{}: {}", n.kind, n.message);
        }
    }
    let _ = writeln!(
        s,
        "\nEvery file has `draft: true`: `gazette build` leaves it out until you delete that line after review; `gazette check` lists the drafts."
    );
    s
}
