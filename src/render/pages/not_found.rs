//! The page hosts show for addresses that do not exist (`404.html`, written when the theme
//! has that template).

use super::Prepared;
use crate::render::Renderer;
use crate::urls;

impl<'a> Renderer<'a> {
    /// The 404 page's context.
    pub(super) fn not_found_page<'r>(&'r self, page: &mut Prepared<'r>) {
        let mut ctx = self.context(&page.path, "not-found", "页面未找到", vec![]);
        ctx.insert("years", self.years_view());
        page.template = urls::NOT_FOUND_PAGE;
        page.ctx = ctx;
    }
}
