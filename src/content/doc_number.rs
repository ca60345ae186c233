//! 发文字号 (文号): the grammar of document numbers and their normal form.
//!
//! A 文号 is a 机关代字 (the issuing organ's code, which may itself contain brackets, as in
//! `温浙集（开）管`), a four-digit year in brackets, and a sequence number followed by 号:
//! `温政发〔2019〕16号`. Gazettes and editors write the year brackets in many ways — `(2019)`,
//! `（2019）`, `[2019]`, `［2019］`, `﹝2019﹞`, `【2019】` — all normalised to `〔2019〕`.
//! Orders (令) are numbered without a year: `温州市人民政府令第3号`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A parsed, normalised 文号.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DocNumber {
    /// The 机关代字 (for orders, everything before 第), normalised.
    pub prefix: String,
    /// The year in brackets; `None` for orders (令第N号).
    pub year: Option<u16>,
    /// The sequence number.
    pub seq: u32,
}

const OPEN: &[char] = &['〔', '(', '（', '[', '［', '﹝', '【', '〖'];
const CLOSE: &[char] = &['〕', ')', '）', ']', '］', '﹞', '】', '〗'];

/// Replaces full-width digits with ASCII ones.
fn ascii_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            _ => c,
        })
        .collect()
}

fn normalise_prefix(prefix: &str) -> String {
    prefix
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            _ => c,
        })
        .collect()
}

impl DocNumber {
    /// Parses a 文号 as editors write it.
    pub fn parse(text: &str) -> Result<DocNumber, String> {
        let original = text.trim();
        let text = ascii_digits(original);
        let Some(without_hao) = text.strip_suffix('号') else {
            return Err(format!("文号 `{original}` must end with 号"));
        };
        // The sequence number: the digits right before 号.
        let digits_start = without_hao
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit())
            .last()
            .map(|(i, _)| i);
        let Some(digits_start) = digits_start else {
            return Err(format!("文号 `{original}` has no number before 号"));
        };
        let seq: u32 = without_hao[digits_start..]
            .parse()
            .map_err(|_| format!("文号 `{original}` has a sequence number that is too large"))?;
        if seq == 0 {
            return Err(format!("文号 `{original}` has sequence number 0"));
        }
        let head = &without_hao[..digits_start];
        if let Some(prefix) = head.strip_suffix('第') {
            let prefix = normalise_prefix(prefix);
            if !prefix.ends_with('令') {
                return Err(format!(
                    "文号 `{original}`: a number written 第N号 must be an order, `…令第N号`"
                ));
            }
            if prefix.chars().count() < 2 {
                return Err(format!("文号 `{original}` has no issuing organ before 令"));
            }
            return Ok(DocNumber {
                prefix,
                year: None,
                seq,
            });
        }
        // The year: a closing bracket right before the sequence number, four digits, an
        // opening bracket; everything before is the 机关代字.
        let mut chars = head.char_indices().rev();
        let close = chars.next();
        let year_digits: Vec<(usize, char)> = chars.by_ref().take(4).collect();
        let open = chars.next();
        let well_formed = matches!(close, Some((_, c)) if CLOSE.contains(&c))
            && year_digits.len() == 4
            && year_digits.iter().all(|(_, c)| c.is_ascii_digit())
            && matches!(open, Some((_, c)) if OPEN.contains(&c));
        if !well_formed {
            return Err(format!(
                "文号 `{original}` does not read as 机关代字〔年份〕序号号, e.g. 温政发〔2019〕16号"
            ));
        }
        let (open_at, _) = open.expect("checked above");
        let year: String = year_digits.iter().rev().map(|(_, c)| *c).collect();
        let year: u16 = year.parse().expect("four ASCII digits");
        let prefix = normalise_prefix(&head[..open_at]);
        if prefix.is_empty()
            || prefix
                .chars()
                .all(|c| OPEN.contains(&c) || CLOSE.contains(&c))
        {
            return Err(format!("文号 `{original}` has no 机关代字 before the year"));
        }
        if !(1900..=2999).contains(&year) {
            return Err(format!("文号 `{original}` has an implausible year {year}"));
        }
        Ok(DocNumber {
            prefix,
            year: Some(year),
            seq,
        })
    }
}

impl DocNumber {
    /// Parses a 文号 as a reader may type it into a search box: everything [`DocNumber::parse`]
    /// accepts, and also the year without brackets (`温政发2019年16号`, `温政发2019年第16号`,
    /// `温政发 2019 16`), spaces anywhere, and 号 left out. The theme's lookup script
    /// (`search.js`) normalises input the same way.
    pub fn parse_loose(text: &str) -> Result<DocNumber, String> {
        // Spaces go, except that a space between two numbers separates them (`2019 16`).
        let digits = ascii_digits(text.trim());
        let chars: Vec<char> = digits.chars().collect();
        let mut squeezed = String::with_capacity(digits.len());
        for (k, &c) in chars.iter().enumerate() {
            if !c.is_whitespace() {
                squeezed.push(c);
            } else if squeezed.ends_with(|p: char| p.is_ascii_digit())
                && chars[k..]
                    .iter()
                    .find(|c| !c.is_whitespace())
                    .is_some_and(char::is_ascii_digit)
            {
                squeezed.push('-');
            }
        }
        if let Ok(n) = DocNumber::parse(&squeezed) {
            return Ok(n);
        }
        let with_hao = if squeezed.ends_with('号') {
            squeezed.clone()
        } else {
            format!("{squeezed}号")
        };
        if let Ok(n) = DocNumber::parse(&with_hao) {
            return Ok(n);
        }
        // 机关代字, four digits of year, separators (年, 第, -, brackets), digits, 号.
        let body = with_hao.strip_suffix('号').unwrap_or(&with_hao);
        let chars: Vec<char> = body.chars().collect();
        let seq_start = chars
            .iter()
            .rposition(|c| !c.is_ascii_digit())
            .map_or(0, |k| k + 1);
        let mut k = seq_start;
        while k > 0
            && matches!(
                chars[k - 1],
                '年' | '第' | '-' | '—' | '/' | '〕' | ')' | '）' | ']' | '］' | '﹞' | '】'
            )
        {
            k -= 1;
        }
        let year_ok = k >= 4 && chars[k - 4..k].iter().all(char::is_ascii_digit);
        let prefix_end = if year_ok { k - 4 } else { 0 };
        let mut p = prefix_end;
        while p > 0 && OPEN.contains(&chars[p - 1]) {
            p -= 1;
        }
        if !year_ok || p == 0 || seq_start == chars.len() {
            return Err(format!(
                "`{}` does not read as a 文号 such as 温政发〔2019〕16号 or 温政发2019年16号",
                text.trim()
            ));
        }
        let prefix: String = chars[..p].iter().collect();
        let year: String = chars[k - 4..k].iter().collect();
        let seq: String = chars[seq_start..].iter().collect();
        DocNumber::parse(&format!("{prefix}〔{year}〕{seq}号"))
    }
}

impl fmt::Display for DocNumber {
    /// The normal form: `温政发〔2019〕16号`, or `温州市人民政府令第3号`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.year {
            Some(year) => write!(f, "{}〔{}〕{}号", self.prefix, year, self.seq),
            None => write!(f, "{}第{}号", self.prefix, self.seq),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(s: &str) -> String {
        DocNumber::parse(s).unwrap().to_string()
    }

    #[test]
    fn normalises_bracket_variants() {
        for s in [
            "温政发〔2019〕16号",
            "温政发(2019)16号",
            "温政发（2019）16号",
            "温政发[2019]16号",
            "温政发［2019］16号",
            "温政发﹝2019﹞16号",
            "温政发【2019】16号",
            " 温政发〔２０１９〕１６号 ",
        ] {
            assert_eq!(n(s), "温政发〔2019〕16号", "{s}");
        }
    }

    #[test]
    fn prefixes_may_hold_brackets() {
        let d = DocNumber::parse("温浙集（开）管〔2019〕71号").unwrap();
        assert_eq!(d.prefix, "温浙集（开）管");
        assert_eq!((d.year, d.seq), (Some(2019), 71));
        assert_eq!(n("温浙集(开)管(2019)71号"), "温浙集（开）管〔2019〕71号");
    }

    #[test]
    fn orders_have_no_year() {
        let d = DocNumber::parse("温州市人民政府令第3号").unwrap();
        assert_eq!(
            (d.prefix.as_str(), d.year, d.seq),
            ("温州市人民政府令", None, 3)
        );
        assert_eq!(d.to_string(), "温州市人民政府令第3号");
    }

    #[test]
    fn rejects_malformed_numbers() {
        for s in [
            "",
            "温政发〔2019〕16",
            "温政发2019年16号",
            "〔2019〕16号",
            "温政发〔19〕16号",
            "温政发〔2019〕号",
            "温政发〔2019〕0号",
            "温政发第16号",
            "温政发〔1066〕1号",
        ] {
            assert!(DocNumber::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn loose_forms_typed_into_a_search_box() {
        let loose = |s: &str| DocNumber::parse_loose(s).map(|n| n.to_string());
        for s in [
            "温政发〔2019〕16号",
            "温政发(2019)16号",
            "温政发[2019]16号",
            "温政发2019年16号",
            "温政发2019年第16号",
            "温政发 2019 16",
            "温政发 2019-16",
            "温政发〔2019〕16",
            "温政发（2019）第16号",
            " 温政发２０１９年１６号 ",
        ] {
            assert_eq!(loose(s).as_deref(), Ok("温政发〔2019〕16号"), "{s}");
        }
        assert_eq!(
            loose("温浙集(开)管2019年71号").as_deref(),
            Ok("温浙集（开）管〔2019〕71号")
        );
        assert_eq!(
            loose("温州市人民政府令第3号").as_deref(),
            Ok("温州市人民政府令第3号")
        );
        for s in [
            "温政办 2019",
            "2019年16号",
            "温政发",
            "16号",
            "温政发19年16号",
            "",
        ] {
            assert!(loose(s).is_err(), "{s}");
        }
    }

    proptest! {
        #[test]
        fn loose_accepts_whatever_parse_accepts(s in "\\PC{0,24}") {
            if let Ok(n) = DocNumber::parse(&s) {
                prop_assert_eq!(DocNumber::parse_loose(&s), Ok(n));
            }
        }


        #[test]
        fn parse_never_panics(s in "\\PC{0,24}") {
            let _ = DocNumber::parse(&s);
        }

        #[test]
        fn normal_form_round_trips(
            prefix in "[温政发办商务联浙集管市府]{1,6}",
            year in 1900u16..2999,
            seq in 1u32..100_000,
            open in 0usize..OPEN.len(),
            close in 0usize..CLOSE.len(),
        ) {
            let written = format!("{prefix}{}{year}{}{seq}号", OPEN[open], CLOSE[close]);
            let parsed = DocNumber::parse(&written).unwrap();
            prop_assert_eq!(&parsed.prefix, &prefix);
            prop_assert_eq!((parsed.year, parsed.seq), (Some(year), seq));
            let normal = parsed.to_string();
            prop_assert_eq!(DocNumber::parse(&normal).unwrap(), parsed);
        }
    }
}
