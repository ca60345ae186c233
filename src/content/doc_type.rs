//! The 文种 (kind of document) a title names: what a document is when its front matter
//! does not say.

/// 文种 recognised at the end of a title, longest first where one ends another.
pub const DOC_TYPES: &[&str] = &[
    "实施意见",
    "指导意见",
    "若干意见",
    "实施方案",
    "工作方案",
    "实施细则",
    "管理办法",
    "实施办法",
    "决议",
    "决定",
    "命令",
    "公报",
    "公告",
    "通告",
    "意见",
    "通知",
    "通报",
    "报告",
    "请示",
    "批复",
    "议案",
    "纪要",
    "办法",
    "规定",
    "细则",
    "方案",
    "规划",
    "条例",
    "规则",
    "函",
    "令",
];

/// The 文种 a title ends with, reduced to its base word (实施意见 → 意见).
pub fn doc_type_of_title(title: &str) -> Option<&'static str> {
    let title = title.trim_end_matches(['）', ')']).trim_end();
    let found = DOC_TYPES.iter().copied().find(|t| title.ends_with(t))?;
    Some(match found {
        "实施意见" | "指导意见" | "若干意见" => "意见",
        "实施方案" | "工作方案" => "方案",
        "实施细则" => "细则",
        "管理办法" | "实施办法" => "办法",
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_types_from_titles() {
        assert_eq!(
            doc_type_of_title("温州市人民政府关于调整全市城乡居民最低生活保障标准的通知"),
            Some("通知")
        );
        assert_eq!(
            doc_type_of_title("关于促进外贸稳增长的若干意见"),
            Some("意见")
        );
        assert_eq!(
            doc_type_of_title("温州市人民政府关于划定高排放非道路移动机械禁止使用区的通告"),
            Some("通告")
        );
        assert_eq!(doc_type_of_title("12月份市政府人事任免"), None);
    }
}
