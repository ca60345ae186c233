//! The home page: the latest issue with its contents, the issues before it, every year.

use super::Prepared;
use crate::render::views::Shared;
use crate::render::{Renderer, root_for};

/// The template of the home page.
pub(super) const TEMPLATE: &str = "index.html";

impl<'a> Renderer<'a> {
    /// The home page's context.
    pub(super) fn home_page<'r>(&'r self, page: &mut Prepared<'r>) {
        let mut ctx = self.context(&page.path, "home", &self.config.title, vec![]);
        let root = root_for(self.config, &page.path);
        ctx.insert(
            "latest",
            self.latest_issue()
                .map(|i| self.issue_view(i, &root, &page.reader, &mut page.problems)),
        );
        let recent: Vec<Shared> = self
            .index
            .years
            .iter()
            .flat_map(|(_, v)| v)
            .take(12)
            .map(|&i| self.issue_summaries[i].clone())
            .collect();
        ctx.insert("recent_issues", recent);
        ctx.insert("years", self.years_view());
        page.template = TEMPLATE;
        page.ctx = ctx;
    }
}
