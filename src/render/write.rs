//! Putting what the build makes into the output: generated files, streamed files, static
//! files and issue assets, each path taken once (a second is a URL collision).

use std::collections::BTreeSet;

use rayon::prelude::*;

use super::{Rendered, Renderer};
use crate::error::Diagnostic;
use crate::output::{Put, Sink, Written};
use crate::urls;

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
                rendered.problems.push(
                    Diagnostic::error(
                        path.clone(),
                        0,
                        0,
                        "url-collision",
                        format!("two files of the site would be written to /{path}"),
                    )
                    .with_hint("a static file, an issue file or a `redirects` entry of gazette.yaml uses an address that the build writes itself (feeds, sitemaps, open data, short links); rename or remove it"),
                );
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
