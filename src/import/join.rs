//! Lines as the print reads them: the spaces a PDF extraction puts between the letters of
//! justified or spaced-out lines (`3 . 落 实 用 地`, `附  则`) go; spaces between ASCII words
//! stay; the lines of a paragraph are joined without a space next to a Chinese character.

/// Whether `c` belongs to a CJK script or is full-width punctuation (no spaces around it in
/// print).
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF
        | 0x2010..=0x206F | 0x20000..=0x2FFFF)
        || matches!(c, '·' | '△' | '○' | '〇' | '×' | '±' | '—' | 'Ⅰ'..='Ⅻ')
}

/// Trims a raw line and removes the spaces that are layout: every run of whitespace next to
/// a wide character, and, in a line whose letters are spaced out (most words one character
/// long), every single space.
pub fn clean_line(raw: &str) -> String {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return String::new();
    }
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    let singles = words.iter().filter(|w| w.chars().count() == 1).count();
    let spaced_out = words.len() >= 4 && singles * 3 >= words.len() * 2;
    let chars: Vec<char> = trimmed.chars().collect();
    let mut out = String::with_capacity(trimmed.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !c.is_whitespace() {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let before = out.chars().last();
        let after = chars.get(i).copied();
        let keep = match (before, after) {
            (Some(b), Some(a)) => !(spaced_out || is_wide(b) || is_wide(a) || b == '-' || a == '-'),
            _ => false,
        };
        if keep {
            out.push(' ');
        }
        let _ = start;
    }
    out
}

/// Joins the lines of one paragraph: no space next to a wide character or a digit, one
/// space between two ASCII letters (a word broken at the line end is not hyphen-joined).
pub fn join_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for line in lines {
        if let (Some(b), Some(a)) = (out.chars().last(), line.chars().next())
            && b.is_ascii_alphabetic()
            && a.is_ascii_alphabetic()
        {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaced_out_letters_collapse_and_words_stay() {
        assert_eq!(
            clean_line("3 . 落 实 用 地 支 持 政 策 。 重 点"),
            "3.落实用地支持政策。重点"
        );
        assert_eq!(clean_line("  附  则 "), "附则");
        assert_eq!(clean_line("政 务 简 讯"), "政务简讯");
        assert_eq!(clean_line("参加 2019 年学术年会"), "参加2019年学术年会");
        assert_eq!(
            clean_line("Pagefind is a search library"),
            "Pagefind is a search library"
        );
        assert_eq!(clean_line("ZJCC01-2019 -0011"), "ZJCC01-2019-0011");
        assert_eq!(clean_line("GB 36886-2018 标准"), "GB 36886-2018标准");
    }

    #[test]
    fn lines_join_without_spaces_between_cjk() {
        assert_eq!(
            join_lines(["为畅通资本、人才", "服务下乡通道"]),
            "为畅通资本、人才服务下乡通道"
        );
        assert_eq!(join_lines(["the search", "library"]), "the search library");
        assert_eq!(join_lines(["投资1000", "万元"]), "投资1000万元");
    }
}
