//! The citation graph: which documents cite which 文号, and which documents of the archive
//! are cited by which. Built once from the rendered bodies, before any page is rendered.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::content::doc_number::DocNumber;
use crate::content::markdown::Citation;
use crate::incremental::Input;
use crate::index::Index;

/// What the citations data reads: the front matter (文号, pages) and which 文号 every
/// body cites.
pub const READS: &[Input] = &[Input::FrontMatter, Input::Citations];

/// Who cites whom, by document index.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    /// For each document: the distinct 文号 its text cites, in order of first appearance,
    /// each with the cited document when the archive holds it.
    pub cites: Vec<Vec<(DocNumber, Option<usize>)>>,
    /// For each document: the documents whose text cites it, in archive order.
    pub cited_by: Vec<Vec<usize>>,
}

impl Graph {
    /// Builds the graph from each document's citations (in document order).
    pub fn build<'c>(index: &Index, citations: impl Iterator<Item = &'c [Citation]>) -> Graph {
        let mut graph = Graph::default();
        for cited in citations {
            let mut seen = BTreeSet::new();
            let mut list = Vec::new();
            for c in cited {
                if seen.insert(c.number.clone()) {
                    let target = index.by_doc_number.get(&c.number.to_string()).copied();
                    list.push((c.number.clone(), target));
                }
            }
            graph.cites.push(list);
        }
        graph.cited_by = vec![Vec::new(); graph.cites.len()];
        for (from, list) in graph.cites.iter().enumerate() {
            for (_, target) in list {
                if let Some(to) = target
                    && *to != from
                {
                    graph.cited_by[*to].push(from);
                }
            }
        }
        for list in &mut graph.cited_by {
            list.sort_unstable();
            list.dedup();
        }
        graph
    }

    /// The edges as `/data/citations.json` publishes them: sorted by citing page, then by
    /// cited 文号.
    pub fn json(&self, index: &Index, doc_numbers: &[Option<String>]) -> String {
        #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
        struct Edge<'a> {
            /// Site path of the citing page.
            from: &'a str,
            /// 文号 of the citing document, if it has one.
            from_doc_number: Option<&'a str>,
            /// The cited 文号, normalised.
            to_doc_number: String,
            /// Site path of the cited document, if the archive holds it.
            to: Option<&'a str>,
        }
        let mut edges = Vec::new();
        for (from, list) in self.cites.iter().enumerate() {
            for (number, target) in list {
                edges.push(Edge {
                    from: &index.doc_paths[from],
                    from_doc_number: doc_numbers[from].as_deref(),
                    to_doc_number: number.to_string(),
                    to: target.map(|t| index.doc_paths[t].as_str()),
                });
            }
        }
        edges.sort();
        #[derive(Serialize)]
        struct File<'a> {
            edges: Vec<Edge<'a>>,
        }
        let mut text = serde_json::to_string_pretty(&File { edges }).expect("serialisable");
        text.push('\n');
        text
    }
}
