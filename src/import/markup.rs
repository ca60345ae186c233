//! An item's body as Markdown, by the bundled issue's scheme: paragraphs found from line
//! ends (a short line ending a sentence) and markers; `###` for a first-level division
//! standing alone (一、…, 第X章, 附则, a chronicle's day), `####` for a （一） standing alone,
//! `**第一条**　…` for an article running into its text, ordered lists keeping their printed
//! numbers (`1.`), bullet lists for runs of entries (`…；`) and captions, signature blocks
//! as the organ line(s) and the date line, and Markdown tables for lines in columns.

use super::furniture::{Text, Where};
use super::join;
use super::lines::{self, Marker, SENTENCE_END};
use super::split::Block;

/// What the markup had to guess, for the report.
#[derive(Clone, Debug, Default)]
pub struct Guesses {
    /// Tables made from lines in columns: where each starts.
    pub tables: Vec<Where>,
    /// The 文号 in the first column of 文号 tables (a 发文目录).
    pub listed: Vec<String>,
}

fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if join::is_wide(c) { 2 } else { 1 })
        .sum()
}

/// Escapes what Markdown would read as markup.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '<' | '[' | ']' | '|' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    if out.starts_with(['#', '>', '-', '+', '=']) {
        out.insert(0, '\\');
    }
    // `2019.` at a paragraph's start would open a list.
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && out[digits..].starts_with(['.', ')']) {
        out.insert(digits, '\\');
    }
    out
}

/// A table row: cells split where the raw line has two or more spaces (or an ideographic
/// space) between them.
fn cells(raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut gap = 0;
    for c in raw.trim().chars() {
        if c.is_whitespace() {
            gap += if c == '\u{3000}' { 2 } else { 1 };
            continue;
        }
        if gap >= 2 && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        } else if gap == 1 && !cur.is_empty() {
            cur.push(' ');
        }
        gap = 0;
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn numeric(cell: &str) -> bool {
    cell.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '%' | '—' | '+' | '±'))
}

/// Rows of a table starting at `i`: a 文号 table (`文号  标题`, wrapped titles continuing on
/// an indented line), or lines of at least three cells of which two are numbers.
/// Returns the end, the rows, whether it is a 文号 table, and whether its first row is the
/// printed header.
fn table_at(lines: &[&Text], i: usize) -> Option<(usize, Vec<Vec<String>>, bool, bool)> {
    let numbered = |t: &Text| {
        let c = cells(&t.raw);
        (c.len() == 2 && lines::doc_number(&c[0]).is_some()).then_some(c)
    };
    if numbered(lines[i]).is_some() {
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut j = i;
        while j < lines.len() {
            if let Some(row) = numbered(lines[j]) {
                rows.push(row.iter().map(|c| join::clean_line(c)).collect());
            } else if lines[j].raw.starts_with(char::is_whitespace) && !rows.is_empty() {
                let last = rows
                    .last_mut()
                    .expect("checked")
                    .last_mut()
                    .expect("two cells");
                last.push_str(&lines[j].text);
            } else {
                break;
            }
            j += 1;
        }
        return (rows.len() >= 2).then_some((j, rows, true, false));
    }
    // Cells the extraction put on lines of their own: 文号, then title.
    if let Some(l) = super::listing::at(lines, i) {
        let rows = l.rows.iter().map(|r| r.to_vec()).collect();
        return Some((l.end, rows, true, false));
    }
    let stat = |t: &Text| {
        let c: Vec<String> = t.raw.split_whitespace().map(str::to_string).collect();
        (c.len() >= 3 && c.iter().filter(|x| numeric(x)).count() >= 2).then_some(c)
    };
    // A header row printed over the figures: as many cells, none a number.
    let words = |t: &Text| {
        t.raw
            .split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let header = words(lines[i]);
    let headed = header.len() >= 3
        && !header.iter().any(|c| numeric(c))
        && lines
            .get(i + 1)
            .and_then(|n| stat(n))
            .is_some_and(|r| r.len() == header.len());
    let mut rows = Vec::new();
    let mut j = i + usize::from(headed);
    while j < lines.len()
        && let Some(row) = stat(lines[j])
    {
        rows.push(row);
        j += 1;
    }
    if headed && rows.len() >= 2 {
        rows.insert(0, header);
        return Some((j, rows, false, true));
    }
    (rows.len() >= 3).then_some((j, rows, false, false))
}

fn table_markdown(rows: &[Vec<String>], numbered: bool, headed: bool) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut out = String::new();
    let (header, rows): (Vec<String>, &[Vec<String>]) = if numbered {
        (vec!["文号".into(), "标题".into()], rows)
    } else if headed {
        (rows[0].clone(), &rows[1..])
    } else {
        (vec![String::new(); n], rows)
    };
    let row = |cells: &[String]| {
        let mut s = String::from("|");
        for k in 0..n {
            let c = cells.get(k).map_or(String::new(), |c| escape(c));
            s.push_str(&format!(" {c} |"));
        }
        s
    };
    out.push_str(&row(&header));
    out.push('\n');
    out.push('|');
    out.push_str(&"---|".repeat(n));
    for r in rows {
        out.push('\n');
        out.push_str(&row(r));
    }
    out
}

/// Paragraphs of a run of lines: (first line, text).
fn paragraphs<'a>(run: &[&'a Text]) -> Vec<(&'a Text, String)> {
    let mut widths: Vec<usize> = run.iter().map(|t| width(&t.text)).collect();
    widths.sort_unstable();
    // A full line: the median (most lines of a paragraph are full).
    let typical = widths.get(widths.len() / 2).copied().unwrap_or(0);
    let mut counts: Vec<usize> = run.iter().map(|t| t.text.chars().count()).collect();
    counts.sort_unstable();
    let typical_chars = counts.get(counts.len() / 2).copied().unwrap_or(0);
    // Short by print width and by characters: a line of digits is narrow but full.
    let short =
        |t: &Text| width(&t.text) + 3 < typical && t.text.chars().count() + 2 < typical_chars;
    // A paragraph's first line is printed indented by two characters, which an extraction
    // may drop: that short, it is still full.
    let indent_short = |t: &Text| width(&t.text) + 3 + 4 >= typical;
    let opened = |out: &Vec<(&Text, Vec<&str>)>, prev: &Text| {
        out.last()
            .is_some_and(|(first, parts)| parts.len() == 1 && std::ptr::eq(*first, prev))
    };
    let mut out: Vec<(&Text, Vec<&str>)> = Vec::new();
    // Inside an enumeration (after a line ending in `：`), each `；` ends an entry.
    let mut enumerating = false;
    for (k, t) in run.iter().enumerate() {
        let new = match k.checked_sub(1).map(|p| run[p]) {
            None => true,
            Some(prev) => {
                lines::marker(&t.text).is_some()
                    || prev.text.ends_with('：')
                    || enumerating && prev.text.ends_with('；')
                    || (prev.text.ends_with(SENTENCE_END) || prev.text.ends_with(['”', '）']))
                        && short(prev)
                    || short(prev)
                        && !prev.text.ends_with(['，', '、'])
                        && !(opened(&out, prev)
                            && indent_short(prev)
                            && (lines::marker(&prev.text).is_none()
                                || prev.text.contains(['，', '：', '、'])))
                    || prev.text.ends_with(['：', ':'])
                        && prev.text.chars().count() < 40
                        && lines::addressees(&prev.text).is_some()
            }
        };
        if let Some(prev) = k.checked_sub(1).map(|p| run[p])
            && new
        {
            enumerating = prev.text.ends_with('：') || enumerating && prev.text.ends_with('；');
        }
        if new {
            out.push((t, vec![t.text.as_str()]));
        } else {
            out.last_mut().expect("a paragraph is open").1.push(&t.text);
        }
    }
    out.into_iter()
        .map(|(t, parts)| (t, join::join_lines(parts)))
        .collect()
}

/// A paragraph's Markdown.
fn paragraph(text: &str, alone: bool) -> String {
    let standing = alone
        && !text.ends_with(SENTENCE_END)
        && !text.contains(['，', '。'])
        && text.chars().count() <= 40;
    let bare: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    match lines::marker(text) {
        Some(Marker::Division | Marker::Day) if standing => format!("### {}", escape(text)),
        Some(Marker::Chapter) if standing => format!("### {}", label_space(text, 0)),
        Some(Marker::Subdivision) if standing => format!("#### {}", escape(text)),
        Some(Marker::Article(n)) => {
            if standing {
                format!("### {}", label_space(text, n))
            } else {
                let rest = text[n..].trim_start_matches(['　', ' ']);
                format!("**{}**\u{3000}{}", &text[..n], escape(rest))
            }
        }
        Some(Marker::Number)
            if text
                .as_bytes()
                .iter()
                .position(|b| *b == b'.')
                .is_some_and(|p| text[..p].chars().all(|c| c.is_ascii_digit())) =>
        {
            let dot = text.find('.').expect("checked");
            format!("{}. {}", &text[..dot], escape(&text[dot + 1..]))
        }
        _ if standing && (bare == "附则" || bare == "总则") => format!("### {bare}"),
        _ => escape(text),
    }
}

/// `第一章总则` → `第一章　总则`: the label, an ideographic space, the words.
fn label_space(text: &str, label: usize) -> String {
    let n = if label > 0 {
        label
    } else {
        text.find(['章', '节']).map_or(0, |i| i + '章'.len_utf8())
    };
    let rest = text[n..].trim_start_matches(['　', ' ']);
    if rest.is_empty() {
        escape(text)
    } else {
        format!("{}\u{3000}{}", &text[..n], escape(rest))
    }
}

/// The Markdown of `blocks`. `bullets`: runs of entries and captions may be bullet lists;
/// a numbered document's body keeps its entries as paragraphs, as it prints them.
pub fn markdown(blocks: &[Block], bullets: bool) -> (String, Guesses) {
    let mut out: Vec<String> = Vec::new();
    let mut guesses = Guesses::default();
    let mut run: Vec<&Text> = Vec::new();
    let flush = |run: &mut Vec<&Text>, out: &mut Vec<String>, guesses: &mut Guesses| {
        let mut i = 0;
        let mut plain: Vec<&Text> = Vec::new();
        let emit_plain = |plain: &mut Vec<&Text>, out: &mut Vec<String>| {
            let paras = paragraphs(plain);
            let mut k = 0;
            while k < paras.len() {
                // A run of entries ending in `；` after a line ending in `：`, or of three or
                // more captions without punctuation: a bullet list.
                let entry =
                    |p: &str| p.ends_with('；') || p.ends_with('。') && p.chars().count() < 60;
                let caption = |p: &str| {
                    !p.ends_with(SENTENCE_END)
                        && !p.ends_with(['”', '）'])
                        && lines::marker(p).is_none()
                        && p.chars().count() >= 4
                };
                let mut m = k;
                if k > 0 && paras[k - 1].1.ends_with('：') {
                    while m < paras.len()
                        && entry(&paras[m].1)
                        && lines::marker(&paras[m].1).is_none()
                    {
                        m += 1;
                        if paras[m - 1].1.ends_with('。') {
                            break;
                        }
                    }
                }
                if m - k < 2 {
                    m = k;
                    while m < paras.len() && caption(&paras[m].1) {
                        m += 1;
                    }
                    if m - k < 3 {
                        m = k;
                    }
                }
                if bullets && m - k >= 2 {
                    let list: Vec<String> = paras[k..m]
                        .iter()
                        .map(|(_, p)| format!("- {}", escape(p)))
                        .collect();
                    out.push(list.join("\n"));
                    k = m;
                    continue;
                }
                let (_, p) = &paras[k];
                out.push(paragraph(p, true));
                k += 1;
            }
            plain.clear();
        };
        while i < run.len() {
            if let Some((end, rows, numbered, headed)) = table_at(run, i) {
                emit_plain(&mut plain, out);
                guesses.tables.push(run[i].at);
                if numbered {
                    guesses.listed.extend(
                        rows.iter()
                            .filter_map(|r| lines::doc_number(&r[0]))
                            .map(|n| n.to_string()),
                    );
                }
                out.push(table_markdown(&rows, numbered, headed));
                i = end;
                continue;
            }
            plain.push(run[i]);
            i += 1;
        }
        emit_plain(&mut plain, out);
        run.clear();
    };
    for block in blocks {
        match block {
            Block::Line(t) => run.push(t),
            Block::Heading(h, _) => {
                flush(&mut run, &mut out, &mut guesses);
                out.push(format!("## {}", escape(h)));
            }
            Block::Signature {
                lines: sig, organs, ..
            } => {
                flush(&mut run, &mut out, &mut guesses);
                let mut text: Vec<String> = Vec::new();
                let mut k = 0;
                while k < sig.len() {
                    let t = &sig[k];
                    // A name broken before its bracketed part is one line.
                    if let Some(next) = sig.get(k + 1)
                        && next.text.starts_with('（')
                        && organs.contains(&format!("{}{}", t.text, next.text))
                    {
                        text.push(escape(&format!("{}{}", t.text, next.text)));
                        k += 2;
                        continue;
                    }
                    let words: Vec<&str> = t.raw.split_whitespace().collect();
                    text.push(match lines::signature_organs(&t.raw) {
                        Some(o) if o.len() > 1 => o.join(" "),
                        // An official's title and name (`市长 陈立群`), a gap between.
                        Some(o) if o.is_empty() && words.len() == 2 => {
                            escape(&words.join("\u{3000}"))
                        }
                        _ => escape(&t.text),
                    });
                    k += 1;
                }
                out.push(text.join("\n"));
            }
        }
    }
    flush(&mut run, &mut out, &mut guesses);
    (join_blocks(&out), guesses)
}

/// An entry of an enumeration fits on about a line.
const SHORT_ENTRY: usize = 40;

/// Whether a block is an item of an ordered list (`1. …`).
fn ordered_item(block: &str) -> bool {
    let digits = block.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && block[digits..].starts_with(". ")
}

/// The blocks joined into the body. An ordered list of short entries that (all but the
/// last) end in `；` is one enumeration and is written tight; a `（1）` paragraph after an entry that
/// ends in `：` (which introduces it) is nested in that entry.
fn join_blocks(out: &[String]) -> String {
    let mut tight = vec![false; out.len()];
    let mut k = 0;
    while k < out.len() {
        let mut m = k;
        while m < out.len() && ordered_item(&out[m]) {
            m += 1;
        }
        if m - k >= 2
            && out[k..m - 1].iter().all(|b| b.ends_with('；'))
            && out[k..m].iter().all(|b| b.chars().count() <= SHORT_ENTRY)
        {
            tight[k + 1..m].iter_mut().for_each(|t| *t = true);
        }
        k = m.max(k + 1);
    }
    let mut md = String::new();
    let mut nest = false;
    for (k, block) in out.iter().enumerate() {
        let item = ordered_item(block);
        let sub = !item && nest && lines::marker(block) == Some(Marker::SubNumber);
        if item {
            nest = block.ends_with('：');
        } else if !sub {
            nest = false;
        }
        if k > 0 {
            md.push_str(if tight[k] { "\n" } else { "\n\n" });
        }
        if sub {
            md.push_str("   ");
        }
        md.push_str(block);
    }
    md.push('\n');
    md
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::date::Date;

    fn t(s: &str) -> Text {
        Text {
            text: join::clean_line(s),
            raw: s.to_string(),
            ..Text::default()
        }
    }

    fn md(lines: &[&str]) -> String {
        markdown(
            &lines.iter().map(|l| Block::Line(t(l))).collect::<Vec<_>>(),
            true,
        )
        .0
    }

    #[test]
    fn paragraphs_from_line_ends_and_markers() {
        let out = md(&[
            "为进一步改善环境空气质量，减少非道路移动",
            "机械污染物排放，现将有关事项通告如下：",
            "一、总体要求",
            "（一）工作目标",
            "1.贯彻落实细化政策。对接全省万名高级农",
            "技专家联村强科技行动。",
            "第一条  降低科创型成长型企业融资成本。对",
            "符合条件的企业给予补助。",
            "第二条  企业定级备案",
            "附  则",
        ]);
        assert_eq!(
            out,
            "为进一步改善环境空气质量，减少非道路移动机械污染物排放，现将有关事项通告如下：\n\n### 一、总体要求\n\n#### （一）工作目标\n\n1. 贯彻落实细化政策。对接全省万名高级农技专家联村强科技行动。\n\n**第一条**\u{3000}降低科创型成长型企业融资成本。对符合条件的企业给予补助。\n\n### 第二条\u{3000}企业定级备案\n\n### 附则\n"
        );
    }

    #[test]
    fn signatures_entries_and_tables() {
        let sig = Block::Signature {
            lines: vec![t("温州市商务局    温州市财政局"), t("2019年12月9日")],
            organs: vec!["温州市商务局".into(), "温州市财政局".into()],
            date: Date::new(2019, 12, 9).unwrap(),
        };
        assert_eq!(
            markdown(&[sig], true).0,
            "温州市商务局 温州市财政局\n2019年12月9日\n"
        );
        let out = md(&[
            "市人民政府决定免去：",
            "张三的某局副局长职务；",
            "李四的某局副局长职务；",
            "王五的某局局长职务。",
        ]);
        assert_eq!(
            out,
            "市人民政府决定免去：\n\n- 张三的某局副局长职务；\n- 李四的某局副局长职务；\n- 王五的某局局长职务。\n"
        );
        let (out, g) = markdown(
            &[
                "温政发〔2019〕16号　　温州市人民政府关于调整标准的通知",
                "温政办〔2019〕72号　　温州市人民政府办公室关于推进",
                "　　　　　　　　　　乡村振兴的实施意见",
            ]
            .iter()
            .map(|l| Block::Line(t(l)))
            .collect::<Vec<_>>(),
            true,
        );
        assert_eq!(
            out,
            "| 文号 | 标题 |\n|---|---|\n| 温政发〔2019〕16号 | 温州市人民政府关于调整标准的通知 |\n| 温政办〔2019〕72号 | 温州市人民政府办公室关于推进乡村振兴的实施意见 |\n"
        );
        assert_eq!(g.tables.len(), 1);
    }
}
