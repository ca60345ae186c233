//! What a single line of a printed official document is (GB/T 9704): a 文号, a 登记号, a date
//! in Arabic or Chinese numerals, an organ's name, a 主送机关 line, a heading marker.

use crate::content::DOC_TYPES;
use crate::content::date::Date;
use crate::content::doc_number::DocNumber;

/// Sentence ends: a line ending so may end a paragraph.
pub const SENTENCE_END: &[char] = &['。', '；', '：', '！', '？', ';', ':', '!', '?'];

fn bare(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The 文号 a line consists of (`温政发〔2019〕16号`, any bracket style).
pub fn doc_number(text: &str) -> Option<DocNumber> {
    let t = bare(text);
    if t.chars().count() > 30 || t.contains('，') {
        return None;
    }
    DocNumber::parse(&t).ok().filter(|n| n.year.is_some())
}

/// The 登记号 a line consists of (`ZJCC00-2019-0007`).
pub fn registration_number(text: &str) -> Option<String> {
    let t = bare(text);
    crate::content::is_registration_number(&t).then_some(t)
}

/// The value of Chinese numerals (`十二` 12, `二十九` 29, `三十一` 31), or of digits.
fn small_number(text: &str) -> Option<u32> {
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
        return text.parse().ok();
    }
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|d| d as u32)
    };
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [d] => digit(*d),
        ['十', d] => Some(10 + digit(*d)?),
        [t, '十'] => Some(10 * digit(*t)?),
        [t, '十', d] => Some(10 * digit(*t)? + digit(*d)?),
        _ => None,
    }
}

/// Reads a date written `2019年12月9日` or `二〇一九年十二月九日` (zero also as ○, O, 0, 零)
/// at the start of `text`; returns it and the bytes it takes.
pub fn date_prefix(text: &str) -> Option<(Date, usize)> {
    // A date is at most 14 characters (`二〇一九年十二月三十一日`): look no further.
    let end = text.char_indices().nth(16).map_or(text.len(), |(i, _)| i);
    let text = &text[..end];
    let nian = text.find('年')?;
    let year: String = text[..nian]
        .trim()
        .chars()
        .map(|c| match c {
            '○' | 'O' | 'o' | '〇' | '零' | '0' => '0',
            c => "〇一二三四五六七八九"
                .chars()
                .position(|d| d == c)
                .map_or(c, |d| char::from(b'0' + d as u8)),
        })
        .collect();
    if year.len() != 4 || !year.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let rest = &text[nian + '年'.len_utf8()..];
    let yue = rest.find('月')?;
    let ri = rest.find('日')?;
    if ri < yue {
        return None;
    }
    let month = small_number(rest[..yue].trim())?;
    let day = small_number(rest[yue + '月'.len_utf8()..ri].trim())?;
    let date = Date::new(
        year.parse().ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
    )?;
    Some((date, nian + '年'.len_utf8() + ri + '日'.len_utf8()))
}

/// The date a line consists of.
pub fn date_line(text: &str) -> Option<Date> {
    let t = bare(text);
    let (date, len) = date_prefix(&t)?;
    (len == t.len()).then_some(date)
}

/// Every date written in `text`, with its byte offset.
pub fn dates_in(text: &str) -> Vec<(usize, Date, usize)> {
    let mut out = Vec::new();
    for (i, c) in text.char_indices() {
        if !(c.is_ascii_digit() || "〇○O零一二三四五六七八九".contains(c)) {
            continue;
        }
        if let Some((d, len)) = date_prefix(&text[i..])
            && text[i..].find('年').is_some_and(|n| n <= 12)
        {
            // Only a date that starts at a year: the four characters before 年.
            let before_nian = text[i..].find('年').unwrap_or(0);
            if text[i..i + before_nian].chars().count() == 4 {
                out.push((i, d, len));
            }
        }
    }
    out
}

/// Last words of an organ's name.
const ORGAN_ENDS: &[&str] = &[
    "政府",
    "办公室",
    "办公厅",
    "委员会",
    "管委会",
    "局",
    "厅",
    "委",
    "院",
    "部",
    "会",
    "办",
    "中心",
    "公司",
    "银行",
    "分行",
    "支行",
    "署",
    "处",
    "社",
    "所",
    "联合会",
    "协会",
    "集团",
    "大学",
];

/// Whether `text` reads as an organ's name (`温州市人民政府`, `温州市财政局`).
pub fn is_organ(text: &str) -> bool {
    let t = bare(text);
    let n = t.chars().count();
    (3..=30).contains(&n)
        && ORGAN_ENDS.iter().any(|e| t.ends_with(e))
        && !t.contains(['，', '。', '；', '：', '“', '《'])
}

/// The organs a signature line names: one, or several separated by spaces; or an official's
/// title and name (`市长  张三`), which names no organ.
pub fn signature_organs(raw: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = raw.split_whitespace().collect();
    if parts.is_empty() {
        return None;
    }
    if parts.iter().all(|p| is_organ(p)) {
        return Some(parts.iter().map(|p| (*p).to_string()).collect());
    }
    if is_organ(raw) {
        return Some(vec![bare(raw)]);
    }
    let t = bare(raw);
    let official = ["市长", "省长", "县长", "区长", "主任", "局长"]
        .iter()
        .any(|o| t.starts_with(o) && (2..=4).contains(&(t.chars().count() - o.chars().count())));
    official.then(Vec::new)
}

/// The 文种 a title ends with (a bracketed note such as `（试行）` after it allowed).
pub fn title_doc_type(title: &str) -> Option<&'static str> {
    let mut t = title.trim_end();
    if t.ends_with('）')
        && let Some(open) = t.rfind('（')
        && t[open..].chars().count() <= 6
    {
        t = &t[..open];
    }
    DOC_TYPES.iter().copied().find(|d| t.ends_with(d))
}

/// A 主送机关 line: names of organs separated by `，` (or `、`), ending with `：`.
pub fn addressees(text: &str) -> Option<Vec<String>> {
    let t = bare(text);
    let inner = t.strip_suffix('：').or_else(|| t.strip_suffix(':'))?;
    if inner.is_empty()
        || inner.chars().count() > 80
        || inner.contains(['。', '；', '“'])
        || inner.contains("如下")
    {
        return None;
    }
    let parts: Vec<String> = inner.split('，').map(str::to_string).collect();
    const ENDS: &[&str] = &[
        "单位", "政府", "部门", "企业", "机关", "局", "委", "办", "厅", "院", "公司", "银行",
        "街道", "乡镇", "区", "县", "市", "会", "室", "处", "所", "中心", "社", "站",
    ];
    parts
        .iter()
        .all(|p| ENDS.iter().any(|e| p.ends_with(e)))
        .then_some(parts)
}

/// The heading or list marker a line starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// `一、`
    Division,
    /// `（一）`
    Subdivision,
    /// `1.` `1．` `1、`
    Number,
    /// `（1）`
    SubNumber,
    /// `第一章`, `第一节`
    Chapter,
    /// `第一条`; the byte length of the label.
    Article(usize),
    /// `附件` (a heading) or `附件：` (the attachment note).
    Attachment,
    /// `△` (an entry of a chronicle).
    Entry,
    /// `3日` alone: a day of a chronicle.
    Day,
}

const CN_DIGITS: &str = "一二三四五六七八九十百零〇";

fn cn_run(s: &str) -> usize {
    s.char_indices()
        .take_while(|(_, c)| CN_DIGITS.contains(*c))
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// The marker `text` (cleaned) starts with.
pub fn marker(text: &str) -> Option<Marker> {
    if text.starts_with('△') {
        return Some(Marker::Entry);
    }
    if text.starts_with("附件") {
        return Some(Marker::Attachment);
    }
    let n = cn_run(text);
    if n > 0 && text[n..].starts_with('、') {
        return Some(Marker::Division);
    }
    if let Some(rest) = text.strip_prefix('（') {
        let k = cn_run(rest);
        if k > 0 && rest[k..].starts_with('）') {
            return Some(Marker::Subdivision);
        }
        let d = rest.chars().take_while(char::is_ascii_digit).count();
        if d > 0 && rest[d..].starts_with('）') {
            return Some(Marker::SubNumber);
        }
    }
    if let Some(rest) = text.strip_prefix('第') {
        let k = cn_run(rest);
        if k > 0 {
            let after = &rest[k..];
            if after.starts_with('章') || after.starts_with('节') {
                return Some(Marker::Chapter);
            }
            if after.starts_with('条') {
                return Some(Marker::Article('第'.len_utf8() + k + '条'.len_utf8()));
            }
        }
    }
    let d = text.chars().take_while(char::is_ascii_digit).count();
    if d > 0 && d <= 2 {
        let after = &text[d..];
        if after == "日" {
            return Some(Marker::Day);
        }
        let mut rest = after.chars();
        if matches!(rest.next(), Some('.' | '．' | '、'))
            && !rest.next().is_some_and(|c| c.is_ascii_digit())
        {
            return Some(Marker::Number);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_arabic_and_chinese() {
        assert_eq!(date_line("2019年12月9日"), Date::new(2019, 12, 9));
        assert_eq!(date_line("　 2019年12月27日"), Date::new(2019, 12, 27));
        assert_eq!(date_line("二〇一九年十二月九日"), Date::new(2019, 12, 9));
        assert_eq!(date_line("二○二○年一月三十一日"), Date::new(2020, 1, 31));
        assert_eq!(date_line("二O一一年八月二十日"), Date::new(2011, 8, 20));
        assert_eq!(date_line("2019年12月9日起施行"), None);
        assert_eq!(date_line("2019年13月9日"), None);
        let found = dates_in("本通知自2020年3月1日起施行，有效期至2021年12月31日。");
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].1, Date::new(2021, 12, 31).unwrap());
    }

    #[test]
    fn numbers_organs_addressees() {
        assert_eq!(
            doc_number("温政发〔2019〕16号").unwrap().to_string(),
            "温政发〔2019〕16号"
        );
        assert_eq!(
            doc_number(" 通告(2019)5号").unwrap().to_string(),
            "通告〔2019〕5号"
        );
        assert!(doc_number("依据温政发〔2019〕16号文件，").is_none());
        assert_eq!(
            registration_number("ZJCC01-2019 -0011").as_deref(),
            Some("ZJCC01-2019-0011")
        );
        assert!(is_organ("温州市人民政府办公室"));
        assert!(!is_organ("关于调整全市城乡居民最低生活"));
        assert_eq!(
            signature_organs("温州市商务局    温州市财政局").unwrap(),
            ["温州市商务局", "温州市财政局"]
        );
        assert_eq!(
            signature_organs("市长  张三").unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(
            addressees(" 各县（市、区）人民政府，市政府直属各单位：").unwrap(),
            ["各县（市、区）人民政府", "市政府直属各单位"]
        );
        assert!(addressees("现将有关事项通告如下：").is_none());
        assert_eq!(
            title_doc_type("关于支持电竞文体数字产业发展的若干意见（试行）"),
            Some("若干意见")
        );
    }

    #[test]
    fn markers() {
        assert_eq!(marker("一、总体要求"), Some(Marker::Division));
        assert_eq!(marker("（三）加强"), Some(Marker::Subdivision));
        assert_eq!(marker("12.支持"), Some(Marker::Number));
        assert_eq!(marker("2019年"), None);
        assert_eq!(marker("3.5亿元"), None);
        assert_eq!(marker("（2）企业"), Some(Marker::SubNumber));
        assert_eq!(marker("第二章　总则"), Some(Marker::Chapter));
        assert_eq!(marker("第十二条　支持"), Some(Marker::Article(12)));
        assert_eq!(marker("15日"), Some(Marker::Day));
        assert_eq!(marker("附件：1.方案"), Some(Marker::Attachment));
    }
}
