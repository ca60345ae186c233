//! 文号 in running text: which document numbers a text cites, and where.
//!
//! Gazette documents cite each other by 文号, usually in brackets after the cited title:
//! `《…的意见》（浙政办发〔2019〕53号）`, `（国发﹝2018﹞22号）`, `（国务院令第427号）`. A citation
//! is recognised by its tail, which is unambiguous — a bracketed four-digit year followed by
//! a number and 号, or 令第N号 — and its 机关代字 is the run of Chinese characters right before
//! it. That run has no marked start in running text (`根据浙政办发〔2019〕53号`), so it is cut at
//! punctuation and at characters that never occur in a 机关代字 (的, 和, …), leading verbs such
//! as 根据 are trimmed, and every shorter ending of the run is kept as a variant: the caller
//! picks the longest variant that names a document it knows, or the trimmed one.
//!
//! Ordinary numbers are never taken for citations: `第19届`, `2019年12月`, `14788名` have neither
//! tail.

use std::ops::Range;

use super::doc_number::DocNumber;

/// Opening brackets a year may be written in.
const OPEN: &[char] = &['〔', '(', '（', '[', '［', '﹝', '【', '〖'];
/// Closing brackets a year may be written in.
const CLOSE: &[char] = &['〕', ')', '）', ']', '］', '﹞', '】', '〗'];
/// The longest 机关代字 considered, in characters.
const MAX_PREFIX: usize = 16;
/// Characters that never occur in a 机关代字: a run of them ends the prefix.
const NOT_IN_PREFIX: &[char] = &[
    '的', '和', '及', '与', '或', '在', '对', '为', '是', '把', '被', '从', '将', '由', '即', '等',
    '了', '以',
];
/// Words that begin a clause, trimmed from the start of a prefix.
const LEADING_WORDS: &[&str] = &[
    "根据", "按照", "依据", "依照", "参照", "参见", "详见", "印发", "转发", "执行", "落实", "贯彻",
    "遵照", "见",
];

/// A 文号 found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cited {
    /// Byte offset just after the 号.
    pub end: usize,
    /// The readings of the 文号, longest 机关代字 first, each with the byte offset where it
    /// starts.
    pub variants: Vec<(usize, DocNumber)>,
    /// The reading to use when no variant is known: leading words trimmed.
    pub preferred: usize,
}

impl Cited {
    /// The reading to use: the longest variant `known` accepts (never shorter than the
    /// preferred one, so that `温政办…` is not read as `政办…`), else the preferred one. Returns
    /// the byte range it covers in the text, the 文号, and whether `known` accepted it.
    pub fn resolve(&self, known: impl Fn(&DocNumber) -> bool) -> (Range<usize>, &DocNumber, bool) {
        match self.variants[..=self.preferred]
            .iter()
            .find(|(_, n)| known(n))
        {
            Some((start, n)) => (*start..self.end, n, true),
            None => {
                let (start, n) = &self.variants[self.preferred];
                (*start..self.end, n, false)
            }
        }
    }

    /// The preferred reading.
    pub fn number(&self) -> &DocNumber {
        &self.variants[self.preferred].1
    }
}

fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

fn ascii_digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// Every 文号 cited in `text`, in order.
pub fn find(text: &str) -> Vec<Cited> {
    // Every citation ends in 号: most text has none, and is passed over without allocating.
    if !text.contains('号') {
        return Vec::new();
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_end = |k: usize| chars.get(k).map_or(text.len(), |(b, _)| *b);
    let digits_at = |from: usize, min: usize, max: usize| -> Option<(u32, usize)> {
        let mut value: u32 = 0;
        let mut n = 0;
        while let Some(d) = chars.get(from + n).and_then(|(_, c)| ascii_digit(*c)) {
            n += 1;
            if n > max {
                return None;
            }
            value = value * 10 + d;
        }
        (n >= min).then_some((value, n))
    };
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        // 〔2019〕16号
        if OPEN.contains(&c)
            && let Some((year, 4)) = digits_at(i + 1, 4, 4)
            && chars.get(i + 5).is_some_and(|(_, c)| CLOSE.contains(c))
            && let Some((seq, n)) = digits_at(i + 6, 1, 6)
            && chars.get(i + 6 + n).is_some_and(|(_, c)| *c == '号')
            && i > 0
        {
            let tail = format!("〔{year}〕{seq}号");
            let end = i + 6 + n + 1;
            if let Some(cited) = reading(&chars, i, "", &tail, byte_end(end)) {
                found.push(cited);
                i = end;
                continue;
            }
        }
        // 令第3号
        if c == '令'
            && chars.get(i + 1).is_some_and(|(_, c)| *c == '第')
            && let Some((seq, n)) = digits_at(i + 2, 1, 6)
            && chars.get(i + 2 + n).is_some_and(|(_, c)| *c == '号')
        {
            let tail = format!("第{seq}号");
            let end = i + 2 + n + 1;
            if let Some(cited) = reading(&chars, i, "令", &tail, byte_end(end)) {
                found.push(cited);
                i = end;
                continue;
            }
        }
        i += 1;
    }
    found
}

/// The readings of a citation whose tail starts at char `at`; `own` is what the prefix must
/// end with (令 for orders, which `at` points to).
fn reading(chars: &[(usize, char)], at: usize, own: &str, tail: &str, end: usize) -> Option<Cited> {
    // Walk back over the run of prefix characters; a bracketed group of one to three
    // characters inside the code (温浙集（开）管) is part of it.
    let mut start = at;
    // Char indexes where a reading may begin (not inside a bracketed group).
    let mut starts = Vec::new();
    loop {
        if at - start >= MAX_PREFIX || start == 0 {
            break;
        }
        let c = chars[start - 1].1;
        if is_ideograph(c) && !NOT_IN_PREFIX.contains(&c) {
            start -= 1;
            starts.push(start);
            continue;
        }
        if matches!(c, '）' | ')') {
            // Find the opening bracket within three characters, with a code character before.
            let group = (2..=4).find_map(|k| {
                let open = start.checked_sub(k + 1)?;
                let inner = &chars[open + 1..start - 1];
                let ok = matches!(chars[open].1, '（' | '(')
                    && inner.iter().all(|(_, c)| is_ideograph(*c))
                    && open > 0
                    && is_ideograph(chars[open - 1].1)
                    && !NOT_IN_PREFIX.contains(&chars[open - 1].1);
                ok.then_some(open)
            });
            if let Some(open) = group
                && !starts.is_empty()
            {
                start = open;
                continue;
            }
        }
        break;
    }
    let own_chars = own.chars().count();
    let mut variants = Vec::new();
    for &s in starts.iter().rev() {
        let prefix: String = chars[s..at].iter().map(|(_, c)| *c).collect();
        // At least two characters of code, counting 令.
        if prefix.chars().count() + own_chars < 2 {
            continue;
        }
        if let Ok(n) = DocNumber::parse(&format!("{prefix}{own}{tail}")) {
            variants.push((chars[s].0, n));
        }
    }
    if variants.is_empty() {
        return None;
    }
    // The preferred reading starts after the last clause word of the run (根据, 转发, …),
    // keeping two characters of code at least.
    let longest = &variants[0].1.prefix;
    let cut = LEADING_WORDS
        .iter()
        .filter_map(|w| longest.rfind(w).map(|at| at + w.len()))
        .filter(|&at| longest[at..].chars().count() + own_chars >= 2)
        .max();
    let preferred = cut.map_or(0, |at| {
        let rest_len = longest[at..].chars().count();
        variants
            .iter()
            .position(|(_, v)| v.prefix.chars().count() == rest_len)
            .unwrap_or(0)
    });
    Some(Cited {
        end,
        variants,
        preferred,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The preferred readings of the citations of `text`, in normal form.
    fn cited(text: &str) -> Vec<String> {
        find(text).iter().map(|c| c.number().to_string()).collect()
    }

    /// The text each citation covers (preferred reading).
    fn spans(text: &str) -> Vec<&str> {
        find(text)
            .iter()
            .map(|c| &text[c.resolve(|_| false).0])
            .collect()
    }

    #[test]
    fn bracket_variants() {
        for (text, want) in [
            ("（温政发〔2019〕16号）", "温政发〔2019〕16号"),
            ("（国发﹝2018﹞22号）", "国发〔2018〕22号"),
            ("（浙政办发(2019)53号）", "浙政办发〔2019〕53号"),
            ("（浙政办发（2019）53号）", "浙政办发〔2019〕53号"),
            ("（浙政办发[2019]53号）", "浙政办发〔2019〕53号"),
            ("（浙政办发［2019］53号）", "浙政办发〔2019〕53号"),
            ("（浙政办发【2019】53号）", "浙政办发〔2019〕53号"),
            ("（浙政办发〔２０１９〕５３号）", "浙政办发〔2019〕53号"),
        ] {
            assert_eq!(cited(text), [want], "{text}");
        }
    }

    #[test]
    fn cuts_the_prefix_at_punctuation_and_clause_words() {
        let text = "根据《关于推进乡村振兴“两进两回”行动的意见》（浙政办发〔2019〕53号）的精神";
        assert_eq!(spans(text), ["浙政办发〔2019〕53号"]);
        assert_eq!(
            spans("根据浙政办发〔2019〕53号文件"),
            ["浙政办发〔2019〕53号"]
        );
        assert_eq!(spans("按照温政发〔2019〕16号执行"), ["温政发〔2019〕16号"]);
        assert_eq!(
            spans("《…的通知》（浙商务联发〔2017〕68号）和《…》（浙商务联发〔2017〕91号）文件"),
            ["浙商务联发〔2017〕68号", "浙商务联发〔2017〕91号"]
        );
        assert_eq!(
            spans("、工信部联企业〔2011〕300号"),
            ["工信部联企业〔2011〕300号"]
        );
    }

    #[test]
    fn prefixes_with_brackets() {
        assert_eq!(
            cited("（温浙集（开）管〔2019〕71号）"),
            ["温浙集（开）管〔2019〕71号"]
        );
        assert_eq!(
            cited("见温浙集(开)管(2019)71号"),
            ["温浙集（开）管〔2019〕71号"]
        );
        // An enclosing bracket is not part of the code.
        assert_eq!(
            cited("（见附件）温政发〔2019〕16号"),
            ["温政发〔2019〕16号"]
        );
    }

    #[test]
    fn orders() {
        assert_eq!(
            cited("《中华人民共和国…条例》（国务院令第427号）"),
            ["国务院令第427号"]
        );
        assert_eq!(
            cited("根据温州市人民政府令第3号"),
            ["温州市人民政府令第3号"]
        );
        assert!(cited("（令第3号）").is_empty(), "an order needs its organ");
    }

    #[test]
    fn ordinary_numbers_are_not_citations() {
        for text in [
            "温州市第十七届哲学社会科学优秀成果",
            "第19届中国国际工业博览会",
            "2019年12月9日",
            "全市共有14788名",
            "（2019）",
            "〔2019〕16号",
            "（2019年）16号",
            "第3号台风",
            "温政发〔19〕16号",
            "温政发〔2019〕16",
            "温政发〔2019〕号",
            "从737元/人·月调整到804元/人·月",
            "GB36886-2018规定",
        ] {
            assert!(cited(text).is_empty(), "{text}: {:?}", cited(text));
        }
    }

    #[test]
    fn resolve_prefers_the_longest_known_variant() {
        let text = "市政府办公厅转发温政办〔2019〕72号";
        assert_eq!(spans(text), ["温政办〔2019〕72号"]);
        let found = find(text);
        assert_eq!(found.len(), 1);
        let known = |n: &DocNumber| n.to_string() == "温政办〔2019〕72号";
        let (range, n, ok) = found[0].resolve(known);
        assert!(ok);
        assert_eq!(n.to_string(), "温政办〔2019〕72号");
        assert_eq!(&text[range], "温政办〔2019〕72号");
    }

    #[test]
    fn several_in_one_text_with_offsets() {
        let text = "（国发﹝2018﹞22号）和《行动计划》（浙政办发﹝2019﹞26号）等";
        let found = find(text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].resolve(|_| false).0], "国发﹝2018﹞22号");
        assert_eq!(&text[found[1].resolve(|_| false).0], "浙政办发﹝2019﹞26号");
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            for c in find(&s) {
                let (range, _, _) = c.resolve(|_| false);
                prop_assert!(s.is_char_boundary(range.start) && s.is_char_boundary(range.end));
            }
        }

        #[test]
        fn numbers_without_brackets_or_orders_cite_nothing(
            s in "[0-9０-９年月日第届名期号温政发办市，。的（）]{0,40}",
        ) {
            // No year in 〔〕-style brackets of four digits and no 令: nothing to find.
            let s = s.replace(['（', '）'], "");
            prop_assert!(find(&s).is_empty());
        }

        #[test]
        fn embedded_numbers_are_found(
            before in "[，。；、：《》“”]?[的和及与或]?[，。；、]?",
            prefix in "[温浙国政发办商务联集管市府财]{2,6}",
            year in 1950u16..2100,
            seq in 1u32..100_000,
            bracket in 0usize..OPEN.len(),
            after in "[）。，；的文件]{0,3}",
        ) {
            let number = format!("{prefix}{}{year}{}{seq}号", OPEN[bracket], CLOSE[bracket]);
            let text = format!("{before}（{number}{after}");
            let found = find(&text);
            prop_assert_eq!(found.len(), 1);
            let (range, n, _) = found[0].resolve(|_| false);
            prop_assert_eq!(&text[range], number.as_str());
            prop_assert_eq!(n, &DocNumber::parse(&number).unwrap());
        }
    }
}
