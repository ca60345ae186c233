//! Reading order put back inside an item: what an extraction printed away from where the
//! print has it (a banner inside its item's first page, an 附件 heading after its text, a
//! regulation's 附则 after its points).

use super::furniture::Text;
use super::lines::{self, Marker, SENTENCE_END};
use super::split::{Block, Item};

/// The block at which the last page of `blocks` begins, when a finished sentence (or a
/// signature) ends the page before it: where an item printed from the top of that page
/// starts.
pub(super) fn page_top(blocks: &[Block]) -> Option<usize> {
    let k = blocks
        .iter()
        .rposition(|b| matches!(b, Block::Line(t) if t.page_break_before))?;
    let before_done = match blocks.get(k.checked_sub(1)?)? {
        Block::Line(t) => t.text.ends_with(SENTENCE_END) || t.text.ends_with(['”', '）']),
        Block::Signature { .. } | Block::Heading(..) => true,
    };
    before_done.then_some(k)
}

/// The block after the 附件说明 naming attachment `label` (`附件`, `附件1`) with `title`: the
/// note's line(s) `附件：title` (or `附件1：title`), when the item's blocks hold it.
pub(super) fn attachment_note(blocks: &[Block], label: &str, title: &str) -> Option<usize> {
    let bare = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let want = bare(&format!("{label}：{title}"));
    (0..blocks.len()).find_map(|k| {
        let mut text = String::new();
        for (m, b) in blocks[k..].iter().enumerate().take(4) {
            let Block::Line(t) = b else { return None };
            text.push_str(&bare(&t.text));
            if !want.starts_with(&text) {
                return None;
            }
            if text == want {
                return Some(k + m + 1);
            }
        }
        None
    })
}

/// A regulation's last division (附则) printed, by the extraction, as the item's last line:
/// its heading goes back before the numbered points that follow the last article.
pub(super) fn closing_heading(item: &mut Item) {
    let bare = |t: &Text| {
        t.text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
    };
    let Some(Block::Line(last)) = item.blocks.last() else {
        return;
    };
    if bare(last) != "附则" {
        return;
    }
    let end = item.blocks.len() - 1;
    let marker = |b: &Block| match b {
        Block::Line(t) => lines::marker(&t.text),
        _ => None,
    };
    let Some(article) = item.blocks[..end].iter().rposition(|b| {
        matches!(
            marker(b),
            Some(Marker::Article(_) | Marker::Chapter | Marker::Division)
        )
    }) else {
        return;
    };
    let first_point = (article + 1..end).find(|&k| {
        marker(&item.blocks[k]) == Some(Marker::Number)
            && matches!(&item.blocks[k], Block::Line(t) if ["1.", "1．", "1、"].iter().any(|p| t.text.starts_with(p)))
    });
    if let Some(k) = first_point {
        let heading = item.blocks.pop().expect("checked");
        if let Block::Line(t) = &heading {
            item.notes.push((
                t.at,
                format!(
                    "附则 printed after its text: moved before it ({} lines before)",
                    end - k
                ),
            ));
        }
        item.blocks.insert(k, heading);
    }
}
