//! Putting what the build makes into the output: generated files, streamed files, static
//! files and issue assets, each path taken once (a second is a URL collision).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use rayon::prelude::*;

use super::{Rendered, Renderer};
use crate::cache::FileDigest;
use crate::error::Diagnostic;
use crate::output::{Put, Sink, Written};
use crate::urls;

pub(super) use crate::publish::Emit;

/// Files written as they are made, by outputs running side by side: each path is taken
/// once (by neither a page already written nor another file), and what writing each did is
/// kept, by path, to be recorded when all are written.
pub(super) struct Streamed<'s> {
    output: &'s dyn Sink,
    /// The files written before (pages), which no streamed file may replace.
    taken: &'s BTreeMap<String, FileDigest>,
    /// Each path taken: the key of the output that made it (for the file cache), and what
    /// writing it did (none while it is being written).
    written: Mutex<BTreeMap<String, Slot>>,
    /// Paths asked for a second time.
    collisions: Mutex<BTreeSet<String>>,
}

/// A streamed file: the number of the output that made it, and what writing it did (none
/// while it is being written).
type Slot = (usize, Option<std::io::Result<Put>>);

/// A file written: its path, the number of the output that made it, what writing it did.
pub(super) type Made = (String, usize, std::io::Result<Put>);

impl<'s> Streamed<'s> {
    pub(super) fn new(output: &'s dyn Sink, taken: &'s BTreeMap<String, FileDigest>) -> Self {
        Streamed {
            output,
            taken,
            written: Mutex::new(BTreeMap::new()),
            collisions: Mutex::new(BTreeSet::new()),
        }
    }

    /// Writes the file `path` made by the output numbered `key`, unless its path is taken.
    pub(super) fn put(&self, key: usize, path: String, bytes: &[u8]) {
        let free = crate::output::is_contained(&path) && !self.taken.contains_key(&path) && {
            let mut written = self.written.lock().expect("streamed files");
            match written.entry(path.clone()) {
                std::collections::btree_map::Entry::Occupied(_) => false,
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert((key, None));
                    true
                }
            }
        };
        if !free {
            self.collisions.lock().expect("collisions").insert(path);
            return;
        }
        let put = self.output.put(&path, bytes);
        if let Some(slot) = self.written.lock().expect("streamed files").get_mut(&path) {
            slot.1 = Some(put);
        }
    }

    /// What writing each file did, by path, with the key of the output that made it; and
    /// the paths asked for twice.
    pub(super) fn finish(self) -> (Vec<Made>, BTreeSet<String>) {
        let written = self.written.into_inner().expect("streamed files");
        let files = written
            .into_iter()
            .filter_map(|(path, (key, put))| put.map(|put| (path, key, put)))
            .collect();
        (files, self.collisions.into_inner().expect("collisions"))
    }
}

impl<'a> Renderer<'a> {
    /// Writes one large file that `write` streams out.
    pub(super) fn put_streamed(
        &self,
        output: &dyn Sink,
        rendered: &mut Rendered,
        path: &str,
        write: &mut crate::output::StreamFn<'_>,
    ) {
        let result = output.put_streamed(path, write);
        self.record(rendered, path.to_string(), result);
    }

    /// Notes what writing one generated file did; a path already taken is an error.
    pub(super) fn record(
        &self,
        rendered: &mut Rendered,
        path: String,
        result: std::io::Result<Put>,
    ) {
        if rendered.files.contains_key(&path) {
            rendered.problems.push(Diagnostic::error(
                path.clone(),
                0,
                0,
                "url-collision",
                format!("two files of the site would be written to /{path}"),
            ));
            return;
        }
        match result {
            Ok(put) => {
                if put.written == Written::Unchanged {
                    rendered.unchanged += 1;
                }
                rendered.files.insert(path, put.digest);
            }
            Err(e) => rendered.problems.push(Diagnostic::error(
                path,
                0,
                0,
                "write-failed",
                format!("cannot write the file: {e}"),
            )),
        }
    }

    /// The error of a file the build makes itself at a path already taken.
    pub(super) fn collision(path: String) -> Diagnostic {
        Diagnostic::error(
            path.clone(),
            0,
            0,
            "url-collision",
            format!("two files of the site would be written to /{path}"),
        )
        .with_hint("a static file, an issue file or a `redirects` entry of gazette.yaml uses an address that the build writes itself (feeds, sitemaps, open data, short links); rename or remove it")
    }

    /// Writes files the build makes itself; a path already taken is an error.
    pub(super) fn put_files(
        &self,
        output: &dyn Sink,
        rendered: &mut Rendered,
        files: Vec<(String, Vec<u8>)>,
    ) {
        let mut seen = BTreeSet::new();
        let mut todo = Vec::with_capacity(files.len());
        for (path, bytes) in files {
            if !crate::output::is_contained(&path)
                || rendered.files.contains_key(&path)
                || !seen.insert(path.clone())
            {
                rendered.problems.push(Self::collision(path));
                continue;
            }
            todo.push((path, bytes));
        }
        let results: Vec<(String, std::io::Result<Put>)> = todo
            .into_par_iter()
            .map(|(path, bytes)| {
                let put = output.put(&path, &bytes);
                (path, put)
            })
            .collect();
        for (path, result) in results {
            self.record(rendered, path, result);
        }
    }

    pub(super) fn copy_files(&self, output: &dyn Sink, rendered: &mut Rendered) {
        let mut copies: Vec<(String, std::path::PathBuf)> =
            self.templates.static_files().into_iter().collect();
        let content = std::path::Path::new(crate::content::CONTENT_DIR);
        for issue in &self.archive.issues {
            for asset in &issue.assets {
                let from = self.root.join(content).join(issue.dir()).join(asset);
                copies.push((
                    urls::issue_file(&urls::issue(issue.year, issue.number), asset),
                    from,
                ));
            }
        }
        let results: Vec<(String, Result<Put, Diagnostic>)> = copies
            .par_iter()
            .map(|(rel, from)| {
                let result = if !crate::output::is_contained(rel)
                    || rendered.files.contains_key(rel)
                {
                    Err(Diagnostic::error(
                        rel.clone(),
                        0,
                        0,
                        "url-collision",
                        format!("the file /{rel} would overwrite a page or file the build writes"),
                    ))
                } else {
                    std::fs::read(from)
                        .and_then(|bytes| output.put(rel, &bytes))
                        .map_err(|e| {
                            Diagnostic::error(
                                rel.clone(),
                                0,
                                0,
                                "write-failed",
                                format!("cannot copy {}: {e}", from.display()),
                            )
                        })
                };
                (rel.clone(), result)
            })
            .collect();
        for (rel, result) in results {
            match result {
                Ok(put) => {
                    if put.written == Written::Unchanged {
                        rendered.unchanged += 1;
                    }
                    rendered.files.insert(rel, put.digest);
                }
                Err(d) => rendered.problems.push(d),
            }
        }
    }
}
