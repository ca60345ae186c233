//! The list of every issue, by year.

use super::Prepared;
use crate::render::Renderer;

/// The template of the list of issues.
pub(super) const TEMPLATE: &str = "issues.html";

impl<'a> Renderer<'a> {
    /// The issues page's context.
    pub(super) fn issues_page<'r>(&'r self, page: &mut Prepared<'r>) {
        let mut ctx = self.context(&page.path, "issues", "历年公报", vec![self.home_crumb()]);
        ctx.insert("years", self.years_view());
        page.template = TEMPLATE;
        page.ctx = ctx;
    }
}
