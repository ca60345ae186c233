//! The search page: the full-text index's bundles, one per year, and the 文号 lookup.

use serde::Serialize;

use super::Prepared;
use crate::render::Renderer;
use crate::urls;

/// The template of the search page.
pub(super) const TEMPLATE: &str = "search.html";

impl<'a> Renderer<'a> {
    /// The search page's context.
    pub(super) fn search_page<'r>(&'r self, page: &mut Prepared<'r>) {
        let mut ctx = self.context(&page.path, "search", "检索", vec![self.home_crumb()]);
        #[derive(Serialize)]
        struct Bundle {
            year: u16,
            path: String,
        }
        #[derive(Serialize)]
        struct SearchView {
            fulltext: bool,
            bundles: Vec<Bundle>,
            ui: &'static str,
            lookup: &'static str,
        }
        let bundles = self
            .index
            .years
            .iter()
            .filter(|(_, issues)| {
                issues
                    .iter()
                    .any(|&i| !self.index.issue_documents[i].is_empty())
            })
            .map(|(year, _)| Bundle {
                year: *year,
                path: urls::search_bundle(*year),
            })
            .collect();
        ctx.insert(
            "search",
            SearchView {
                fulltext: self.settings.fulltext,
                bundles,
                ui: urls::SEARCH_UI_DIR,
                lookup: urls::LOOKUP_FILE,
            },
        );
        page.template = TEMPLATE;
        page.ctx = ctx;
    }
}
