//! Front matter from what the item's text states, never invented: the title as printed,
//! the 文号 normalised, the 登记号, the issuers (lead first: the organs the title names,
//! then those of the signature), the 成文日期 of the signature block, the 主送机关, the
//! printed pages, and 施行日期 / 有效期 from the sentences that state them.

use super::furniture::Where;
use super::lines;
use super::split::{Block, Item};
use crate::content::date::Date;

/// A front matter field's value and where it was found.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Field {
    /// The field's name.
    pub name: &'static str,
    /// The YAML value, as written to the file.
    pub yaml: String,
    /// Where it was read (`None`: derived, e.g. `position`, or the editor's, e.g. a title).
    pub at: Option<Where>,
    /// How it was found, when not plainly read (a computed end date, a section guessed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|s| quoted(s))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The organs a title names before `关于` (or `印发`), lead first.
pub fn title_issuers(title: &str) -> Vec<String> {
    let cut = [title.find("关于"), title.find("印发")]
        .into_iter()
        .flatten()
        .min();
    let Some(cut) = cut else { return Vec::new() };
    title[..cut]
        .split_whitespace()
        .filter(|o| lines::is_organ(o))
        .map(str::to_string)
        .collect()
}

/// The text of an item's body lines.
fn notice_text(item: &Item) -> (String, Vec<Where>) {
    let mut text = String::new();
    let mut at = Vec::new();
    for b in &item.blocks {
        match b {
            Block::Line(t) => {
                for _ in t.text.char_indices() {
                    at.push(t.at);
                }
                text.push_str(&t.text);
            }
            Block::Heading(..) | Block::Signature { .. } => {}
        }
    }
    (text, at)
}

/// A date found in the text: the date, where, and how (when computed).
pub type Found = (Date, Where, Option<String>);

/// 施行日期 and 有效期 from the validity sentences; `date` is the 成文日期.
pub fn validity(item: &Item, date: Option<Date>) -> (Option<Found>, Option<Found>) {
    let (text, at) = notice_text(item);
    let where_of = |byte: usize| {
        let k = text[..byte].chars().count();
        at.get(k).copied().unwrap_or_default()
    };
    let mut from = None;
    let mut until = None;
    for (i, d, len) in lines::dates_in(&text) {
        let after = &text[i + len..];
        let before = &text[..i];
        if from.is_none()
            && (after.starts_with("起施行")
                || after.starts_with("起执行")
                || after.starts_with("起实施"))
        {
            from = Some((d, where_of(i), None));
        }
        if until.is_none()
            && (before.ends_with("有效期至")
                || before.ends_with("有效期暂至")
                || before.ends_with("有效期到"))
        {
            until = Some((d, where_of(i), None));
        }
    }
    for day in ["印发", "发布", "发文", "公布"] {
        for verb in ["施行", "执行", "实施"] {
            let phrase = format!("自{day}之日起{verb}");
            if from.is_none()
                && let Some(i) = text.find(&phrase)
                && let Some(d) = date
            {
                from = Some((
                    d,
                    where_of(i),
                    Some(format!("{phrase}: the 成文日期 of the signature block")),
                ));
            }
        }
    }
    // 有效期N年 from a stated start: the day before the same day N years later.
    if until.is_none()
        && let Some((start, _, _)) = &from
        && let Some(i) = text.find("有效期")
    {
        let rest = &text[i + "有效期".len()..];
        let rest = rest.strip_prefix('为').unwrap_or(rest);
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(n) = digits.parse::<u16>()
            && rest[digits.len()..].starts_with('年')
            && let Some(end) = Date::new(start.year() + n, start.month(), start.day())
                .and_then(|d| Date::from_days_since_epoch(d.days_since_epoch() - 1))
        {
            until = Some((
                end,
                where_of(i),
                Some(format!("有效期{n}年 from {start}: computed")),
            ));
        }
    }
    (from, until)
}

/// The front matter fields of `item`, in the schema's order.
pub fn fields(item: &Item, position: u32) -> Vec<Field> {
    let mut out = Vec::new();
    let mut push = |name, yaml: String, at: Option<Where>, note: Option<String>| {
        out.push(Field {
            name,
            yaml,
            at,
            note,
        })
    };
    let section = item.section.clone().unwrap_or_default();
    match &item.title {
        Some((t, at)) => push("title", quoted(t), Some(*at), None),
        None => push(
            "title",
            quoted(&section),
            None,
            Some("the print gives no title: the section's name, the editor's".into()),
        ),
    }
    push("section", quoted(&section), Some(item.start), None);
    let signature = item.blocks.iter().find_map(|b| match b {
        Block::Signature {
            lines,
            organs,
            date,
        } => Some((lines, organs, *date)),
        _ => None,
    });
    let date = signature.map(|s| s.2);
    if let Some((n, at)) = &item.doc_number {
        push("doc_number", n.to_string(), Some(*at), None);
    }
    if let Some((r, at)) = &item.registration {
        push("registration_number", r.clone(), Some(*at), None);
    }
    if item.doc_number.is_some() {
        let mut issuers = item
            .title
            .as_ref()
            .map(|(t, _)| title_issuers(t))
            .unwrap_or_default();
        let from_title = !issuers.is_empty();
        if let Some((_, organs, _)) = signature {
            for o in organs {
                if !issuers.contains(o) {
                    issuers.push(o.clone());
                }
            }
        }
        if issuers.is_empty()
            && let Some((n, at)) = &item.doc_number
            && n.year.is_none()
        {
            // An order names its organ: `温州市人民政府令`.
            let organ = n.prefix.trim_end_matches('令').to_string();
            push("issuers", list(&[organ]), Some(*at), None);
        } else if !issuers.is_empty() {
            let at = if from_title {
                item.title.as_ref().map(|t| t.1)
            } else {
                signature.map(|s| s.0[0].at)
            };
            push("issuers", list(&issuers), at, None);
        }
        if let Some((lines, _, d)) = signature {
            push("date", d.to_string(), lines.last().map(|l| l.at), None);
        }
    }
    if let Some((a, at)) = &item.addressees {
        push("addressees", list(a), Some(*at), None);
    }
    let (from, until) = validity(item, date);
    if let Some((d, at, note)) = from {
        push("valid_from", d.to_string(), Some(at), note);
    }
    if let Some((d, at, note)) = until {
        push("valid_until", d.to_string(), Some(at), note);
    }
    let pages: Vec<(u32, bool)> = item
        .blocks
        .iter()
        .flat_map(|b| match b {
            Block::Line(t) => vec![(t.page, t.page_inferred)],
            Block::Signature { lines, .. } => {
                lines.iter().map(|l| (l.page, l.page_inferred)).collect()
            }
            Block::Heading(..) => vec![],
        })
        .filter_map(|(p, inferred)| p.map(|p| (p, inferred)))
        .chain(item.title_pages.iter().copied())
        .collect();
    let first = pages.iter().min_by_key(|p| p.0);
    let last = pages.iter().max_by_key(|p| p.0);
    if let (Some(first), Some(last)) = (first, last) {
        let note = if first.1 || last.1 {
            "inferred: a page of the item prints no page number; counted from the numbers printed around it"
        } else {
            "from the printed page numbers"
        };
        push(
            "pages",
            format!("[{}, {}]", first.0, last.0),
            None,
            Some(note.into()),
        );
    }
    push("position", position.to_string(), None, None);
    push("draft", "true".into(), None, None);
    out
}

/// The file's text: front matter (with `extra.editorial_title` when the title is the
/// editor's, and `extra.unpublished` for the 文号 a 发文目录 lists that the issue does not
/// print), then the body.
pub fn file_text(
    fields: &[Field],
    editorial_title: bool,
    unpublished: &[String],
    body: &str,
) -> String {
    let mut s = String::from("---\n");
    for f in fields {
        s.push_str(f.name);
        s.push_str(": ");
        s.push_str(&f.yaml);
        s.push('\n');
    }
    if editorial_title || !unpublished.is_empty() {
        s.push_str("extra:\n");
    }
    if editorial_title {
        s.push_str("  editorial_title: true\n");
    }
    if !unpublished.is_empty() {
        s.push_str("  # Listed in the 发文目录 but not printed in this issue.\n");
        s.push_str(&format!("  unpublished: {}\n", list(unpublished)));
    }
    s.push_str("---\n\n");
    s.push_str(body);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::furniture::Text;

    fn item(lines: &[&str]) -> Item {
        Item {
            blocks: lines
                .iter()
                .enumerate()
                .map(|(k, l)| {
                    Block::Line(Text {
                        text: (*l).into(),
                        raw: (*l).into(),
                        at: Where {
                            line: Some(k + 1),
                            page: 1,
                        },
                        ..Text::default()
                    })
                })
                .collect(),
            ..Item::default()
        }
    }

    #[test]
    fn joint_issuers_from_the_title() {
        assert_eq!(
            title_issuers("温州市商务局 温州市财政局关于印发《办法》的通知"),
            ["温州市商务局", "温州市财政局"]
        );
        assert!(title_issuers("关于支持产业发展的若干意见").is_empty());
    }

    #[test]
    fn validity_sentences() {
        let d = Date::new(2019, 12, 24).unwrap();
        let (from, until) = validity(
            &item(&["本办法自2020年3月1日起施", "行，有效期至2021年12月31日。"]),
            Some(d),
        );
        assert_eq!(from.unwrap().0, Date::new(2020, 3, 1).unwrap());
        assert_eq!(until.unwrap().0, Date::new(2021, 12, 31).unwrap());
        let (from, until) = validity(
            &item(&["本意见自2019年12月24日起施行，有效期2年。"]),
            Some(d),
        );
        assert_eq!(from.unwrap().0, d);
        assert_eq!(until.unwrap().0, Date::new(2021, 12, 23).unwrap());
        let (from, _) = validity(&item(&["本通知自印发之日起施行。"]), Some(d));
        assert_eq!(from.unwrap().0, d);
        assert_eq!(validity(&item(&["没有日期。"]), Some(d)), (None, None));
    }
}
